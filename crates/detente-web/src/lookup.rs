//! Words for the page: the solution concepts with their glossary, and states looked
//! up by number, Y/N string, name or `sq`, each with its description (the options
//! taken there), so that the page can show every state it names in words.

use crate::AppState;
use crate::api::Body;
use crate::error::ApiError;
use crate::jobs::JobName;
use crate::lanes::Cost;
use crate::session::ModelInput;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use detente_engine::{Concept, Conflict, Model, StateIndex};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
pub struct ConceptJson {
    key: &'static str,
    label: &'static str,
    /// What stability under it means, in one sentence.
    glossary: &'static str,
    /// What it assumes about how the parties reason ("each side ...").
    assumes: &'static str,
}

/// Every solution concept, in the engine's order, with its glossary entry.
pub async fn concepts() -> Json<Vec<ConceptJson>> {
    Json(
        Concept::ALL
            .iter()
            .map(|&c| ConceptJson {
                key: c.key(),
                label: c.label(),
                glossary: detente_report::glossary(c),
                assumes: detente_report::assumes(c),
            })
            .collect(),
    )
}

/// Most states one lookup names.
const MAX_LOOKUP: usize = 1000;

#[derive(Deserialize)]
pub struct StatesRequest {
    #[serde(flatten)]
    input: ModelInput,
    /// States by number, or in words: a Y/N string, a named state's name, or `sq`.
    states: Vec<StateName>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StateName {
    Number(usize),
    Text(String),
}

#[derive(Serialize)]
struct StateJson {
    id: usize,
    yn: String,
    /// The options taken there, in words.
    description: String,
    /// The named states it is.
    names: Vec<String>,
    status_quo: bool,
}

/// The states named, each with its number, Y/N string and description (`detente.states/1`).
pub async fn states(
    State(app): State<AppState>,
    name: JobName,
    body: Body<StatesRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    if request.states.len() > MAX_LOOKUP {
        return Err(ApiError::unprocessable(format!(
            "{} states asked for; one lookup takes at most {MAX_LOOKUP}",
            request.states.len()
        ))
        .with_help("ask for the others in further requests"));
    }
    app.on_model(name, request.input, Cost::Look, move |_, session, _| {
        let (model, conflict) = (session.model(), &session.conflict);
        let space = conflict.space();
        let states = request
            .states
            .iter()
            .map(|name| {
                let s = match name {
                    StateName::Number(id) => session.state_number(*id)?,
                    StateName::Text(text) => session.state(text.trim())?,
                };
                Ok(StateJson {
                    id: space.id(s),
                    yn: space.yn(s),
                    description: detente_report::describe_state(model, conflict, s),
                    names: names_of(model, conflict, s),
                    status_quo: conflict.status_quo() == Some(s),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(
            Json(serde_json::json!({ "schema": "detente.states/1", "states": states }))
                .into_response(),
        )
    })
    .await
}

/// The names of the named states that are state `s`.
pub(crate) fn names_of(model: &Model, conflict: &Conflict, s: StateIndex) -> Vec<String> {
    conflict
        .named_states()
        .iter()
        .zip(&model.named_states)
        .filter(|(named, _)| **named == s)
        .map(|(_, n)| n.name.clone())
        .collect()
}
