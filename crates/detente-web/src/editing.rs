//! What the page's clicking editors ask: an option or a decision maker renamed everywhere
//! the form names it, the option values an expression fixes and the expression of given
//! values (no engine work: answered at once), and a decision maker's order of the states.

use crate::AppState;
use crate::api::Body;
use crate::error::ApiError;
use crate::jobs::JobName;
use crate::lanes::Cost;
use crate::session::ModelInput;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use detente_app::Renamed;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub struct RenameRequest {
    form: Value,
    /// `option` or `dm`.
    kind: RenameKind,
    from: String,
    to: String,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RenameKind {
    Option,
    Dm,
}

/// The form with an option or a decision maker renamed wherever it is named.
pub async fn rename(body: Body<RenameRequest>) -> Result<Json<Value>, ApiError> {
    let Json(mut request) = body?;
    let kind = match request.kind {
        RenameKind::Option => Renamed::Option,
        RenameKind::Dm => Renamed::DecisionMaker,
    };
    detente_app::rename(&mut request.form, kind, &request.from, &request.to)?;
    Ok(Json(json!({ "form": request.form })))
}

#[derive(Deserialize)]
pub struct ValuesRequest {
    /// The model's option ids, in column order.
    options: Vec<String>,
    expressions: Vec<String>,
}

/// For each expression, the option values it fixes when it is a conjunction of them
/// (`{"a": true, "b": false}` for `a & !b`), or `null`.
pub async fn values(body: Body<ValuesRequest>) -> Result<Json<Value>, ApiError> {
    let Json(request) = body?;
    Ok(Json(
        json!({ "values": detente_app::values(&request.options, &request.expressions) }),
    ))
}

#[derive(Deserialize)]
pub struct ConjunctionRequest {
    options: Vec<String>,
    values: BTreeMap<String, bool>,
}

/// The expression that fixes exactly the values given: `a & !b`.
pub async fn conjunction(body: Body<ConjunctionRequest>) -> Result<Json<Value>, ApiError> {
    let Json(request) = body?;
    let expression = detente_app::conjunction(&request.options, &request.values)?;
    Ok(Json(json!({ "expression": expression })))
}

#[derive(Deserialize)]
pub struct RankingRequest {
    #[serde(flatten)]
    input: ModelInput,
    /// The decision maker, by name or id.
    dm: String,
    /// Most states listed, best first; the rest are counted.
    #[serde(default = "default_limit")]
    limit: usize,
}

fn default_limit() -> usize {
    200
}

/// Most states one answer lists.
const MAX_LISTED: usize = 5000;

/// A decision maker's order of the feasible states as its preferences make it: tiers of
/// equally preferred states, best first, each state with its description.
pub async fn ranking(
    State(app): State<AppState>,
    name: JobName,
    body: Body<RankingRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(name, request.input, Cost::Look, move |_, session, _| {
        let d = session.dm(&request.dm)?;
        let (model, conflict) = (session.model(), &session.conflict);
        let ranks = conflict.ranks(d);
        let mut order: Vec<u32> = (0..ranks.len() as u32).collect();
        // Best first; ties in state order. Only the listed states are sorted, after they
        // are picked out in linear time: a model of millions of states answers at once.
        let best_first =
            |a: &u32, b: &u32| ranks[*b as usize].cmp(&ranks[*a as usize]).then(a.cmp(b));
        let listed = request.limit.min(MAX_LISTED).min(order.len());
        if listed < order.len() {
            order.select_nth_unstable_by(listed, best_first);
            order.truncate(listed);
        }
        order.sort_unstable_by(best_first);
        let tiers: Vec<Value> = order
            .chunk_by(|&a, &b| ranks[a as usize] == ranks[b as usize])
            .map(|tier| {
                let states: Vec<Value> = tier
                    .iter()
                    .map(|&s| {
                        json!({
                            "id": s as usize + 1,
                            "yn": conflict.space().yn(s),
                            "description": detente_report::describe_state(model, conflict, s),
                        })
                    })
                    .collect();
                json!({ "states": states })
            })
            .collect();
        Ok(Json(json!({
            "schema": "detente.ranking/1",
            "decision_maker": model.decision_makers[d].name,
            "state_count": conflict.state_count(),
            // Ranks are dense: 0 to the number of tiers less one.
            "tier_count": ranks.iter().max().map_or(0, |&top| top as usize + 1),
            "listed": order.len(),
            "tiers": tiers,
        }))
        .into_response())
    })
    .await
}
