//! One page of the tableau: the feasible states with their Y/N columns, each
//! DM's stability under each concept, and the equilibria, filtered and sorted
//! on the server so that a model of millions of states is browsed a page at a time.

use crate::AppState;
use crate::api::{Body, concepts};
use crate::error::ApiError;
use crate::jobs::JobName;
use crate::lanes::Cost;
use crate::session::ModelInput;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use detente_engine::{Concept, StateIndex};
use fixedbitset::FixedBitSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub struct TableauRequest {
    #[serde(flatten)]
    input: ModelInput,
    concepts: Option<Vec<String>>,
    #[serde(default)]
    offset: usize,
    #[serde(default = "default_limit")]
    limit: usize,
    #[serde(default)]
    filter: Filter,
    #[serde(default)]
    sort: Sort,
    /// Include the plain-English summary (long for large models; the page asks once per analysis).
    #[serde(default = "yes")]
    summary: bool,
}

fn yes() -> bool {
    true
}

fn default_limit() -> usize {
    100
}

/// Most rows in one page.
const MAX_LIMIT: usize = 1000;
/// Equilibria listed by number per concept; the rest are counted.
const LISTED_EQUILIBRIA: usize = 200;

/// Which states to show. With a `concept` and no `dm`: that concept's equilibria; with both:
/// the states stable for that DM. `options` keeps the states where each named option has
/// the given value (`true` = Y).
#[derive(Deserialize, Default)]
struct Filter {
    concept: Option<String>,
    dm: Option<String>,
    #[serde(default)]
    options: BTreeMap<String, bool>,
}

#[derive(Deserialize, Default)]
struct Sort {
    #[serde(default)]
    by: SortKey,
    /// The DM whose preference orders the states, for `by: "preference"`.
    dm: Option<String>,
    #[serde(default)]
    descending: bool,
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq)]
#[serde(rename_all = "lowercase")]
enum SortKey {
    /// By state number.
    #[default]
    State,
    /// By the number of concepts under which the state is an equilibrium.
    Equilibria,
    /// By one DM's preference (its rank of the state).
    Preference,
}

#[derive(Serialize)]
struct Row {
    id: usize,
    yn: String,
    /// The options taken there, in words.
    description: String,
    /// Each DM's preference rank of the state (higher is better; equal is a tie).
    ranks: Vec<u32>,
    /// Per concept key, per DM: stable or not.
    stable: BTreeMap<&'static str, Vec<bool>>,
    /// Keys of the concepts under which the state is an equilibrium.
    equilibrium: Vec<&'static str>,
    status_quo: bool,
    /// Names of the named states it is.
    names: Vec<String>,
}

#[derive(Serialize)]
struct EquilibriaJson {
    count: usize,
    states: Vec<usize>,
}

#[derive(Serialize)]
struct OptionJson<'a> {
    id: &'a str,
    label: &'a str,
    decision_maker: usize,
}

#[derive(Serialize)]
struct DmJson<'a> {
    id: &'a str,
    name: &'a str,
}

pub async fn tableau(
    State(app): State<AppState>,
    name: JobName,
    body: Body<TableauRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(name, request.input, Cost::Page(request.concepts.clone()), move |_, session, work| {
        let (model, conflict) = (&session.loaded.model, &session.conflict);
        let space = conflict.space();
        let chosen = concepts(request.concepts.as_deref(), conflict.state_count())?;
        let analysed = session.analysis(&chosen, work)?;
        let analysis = &analysed.analysis;
        let equilibria: Vec<(Concept, FixedBitSet)> =
            chosen.iter().map(|&c| (c, analysis.equilibria(c))).collect();
        let find_dm = |name: &str| session.dm(name);
        let find_concept = |key: &str| {
            let c = detente_app::concept_by_key(key)?;
            if chosen.contains(&c) {
                Ok(c)
            } else {
                Err(ApiError::unprocessable(format!(
                    "{} was not analysed, so the tableau cannot be filtered by it",
                    c.label()
                ))
                .with_help("add it to `concepts`"))
            }
        };

        // The filter as a predicate over state indices.
        let wanted: Option<FixedBitSet> = match (&request.filter.concept, &request.filter.dm) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(ApiError::unprocessable(
                    "a decision-maker filter needs a concept",
                )
                .with_help("set `filter.concept` too: the states stable for that DM under that concept are shown"));
            }
            (Some(key), None) => {
                let c = find_concept(key)?;
                equilibria.iter().find(|(e, _)| *e == c).map(|(_, set)| set.clone())
            }
            (Some(key), Some(dm)) => Some(analysis.stable(find_concept(key)?, find_dm(dm)?).clone()),
        };
        let mut must_be_set = 0u64;
        let mut must_be_clear = 0u64;
        for (id, &yes) in &request.filter.options {
            let k = model
                .options()
                .position(|(_, o)| o.id == *id)
                .ok_or_else(|| {
                    ApiError::unprocessable(format!("no option called `{id}`"))
                        .with_help("filter.options maps option ids to true (Y) or false (N)")
                })?;
            if yes {
                must_be_set |= 1 << k;
            } else {
                must_be_clear |= 1 << k;
            }
        }
        let mut matching: Vec<StateIndex> = (0..conflict.state_count() as StateIndex)
            .filter(|&s| {
                let pattern = space.pattern(s);
                wanted.as_ref().is_none_or(|w| w.contains(s as usize))
                    && pattern & must_be_set == must_be_set
                    && pattern & must_be_clear == 0
            })
            .collect();
        let equilibrium_count =
            |s: StateIndex| equilibria.iter().filter(|(_, set)| set.contains(s as usize)).count();
        let ranks = match request.sort.by {
            SortKey::Preference => {
                let name = request.sort.dm.as_deref().ok_or_else(|| {
                    ApiError::unprocessable("sorting by preference needs a decision maker")
                        .with_help("set `sort.dm`")
                })?;
                Some(conflict.ranks(find_dm(name)?))
            }
            _ => None,
        };
        let key = |s: StateIndex| match (request.sort.by, ranks) {
            (SortKey::Equilibria, _) => equilibrium_count(s) as u64,
            (SortKey::Preference, Some(ranks)) => u64::from(ranks[s as usize]),
            _ => u64::from(s),
        };
        // Ties stay in state order whichever way the key runs.
        matching.sort_by(|&a, &b| {
            let by_key = key(a).cmp(&key(b));
            if request.sort.descending { by_key.reverse() } else { by_key }.then(a.cmp(&b))
        });
        let limit = request.limit.clamp(1, MAX_LIMIT);
        let page = matching.iter().skip(request.offset).take(limit);
        let rows: Vec<Row> = page
            .map(|&s| Row {
                id: space.id(s),
                yn: space.yn(s),
                description: detente_report::describe_state(model, conflict, s),
                ranks: (0..model.decision_makers.len()).map(|d| conflict.rank(d, s)).collect(),
                stable: chosen
                    .iter()
                    .map(|&c| {
                        let per_dm = (0..model.decision_makers.len())
                            .map(|d| analysis.is_stable(c, d, s))
                            .collect();
                        (c.key(), per_dm)
                    })
                    .collect(),
                equilibrium: equilibria
                    .iter()
                    .filter(|(_, set)| set.contains(s as usize))
                    .map(|(c, _)| c.key())
                    .collect(),
                status_quo: conflict.status_quo() == Some(s),
                names: crate::lookup::names_of(model, conflict, s),
            })
            .collect();
        let body = serde_json::json!({
            "schema": "detente.tableau/1",
            "model": {
                "name": model.name,
                "description": model.notes.description,
                "source": model.notes.source,
            },
            "state_count": conflict.state_count(),
            "matching": matching.len(),
            "offset": request.offset,
            "limit": limit,
            "elapsed_ms": analysed.elapsed.as_secs_f64() * 1000.0,
            "concepts": chosen.iter().map(|c| serde_json::json!({"key": c.key(), "label": c.label()})).collect::<Vec<_>>(),
            "decision_makers": model.decision_makers.iter().map(|d| DmJson { id: &d.id, name: &d.name }).collect::<Vec<_>>(),
            "options": model.options().map(|(d, o)| OptionJson { id: &o.id, label: &o.label, decision_maker: d }).collect::<Vec<_>>(),
            "status_quo": conflict.status_quo().map(|s| space.id(s)),
            "equilibria": equilibria.iter().map(|(c, set)| (c.key(), EquilibriaJson {
                count: set.count_ones(..),
                states: set.ones().take(LISTED_EQUILIBRIA).map(|s| s + 1).collect(),
            })).collect::<BTreeMap<_, _>>(),
            "summary": request.summary.then(|| {
                detente_report::summary(model, conflict, analysis, &detente_app::verdicts(model, conflict, analysis))
            }),
            "rows": rows,
        });
        Ok(Json(body).into_response())
    })
    .await
}
