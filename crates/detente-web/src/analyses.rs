//! The handlers of the analyses beyond plain stability: limited-move and
//! non-myopic stability (`detente foresight`), robustness under uncertain
//! preferences (`detente robustness`) and inverse analysis (`detente inverse`).
//! Each answers with the JSON document its CLI command writes.

use crate::AppState;
use crate::api::{Body, concepts, dm_index, state_index, written};
use crate::error::ApiError;
use crate::session::ModelInput;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use detente_engine::foresight::{Foresight, MAX_HORIZON, Outlook};
use detente_engine::inverse::{self, Inverse, MAX_SAMPLES};
use detente_engine::robustness::{Robustness, RobustnessError, Settings};
use detente_report::{ConceptAnswer, ForesightReport, Format, InverseReport, RobustnessReport};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ForesightRequest {
    #[serde(flatten)]
    input: ModelInput,
    /// How many moves ahead each DM looks (its own move counts as one); 2 when absent.
    #[serde(default = "default_horizon")]
    horizon: u32,
    #[serde(default)]
    outlook: OutlookKey,
    /// State numbers whose lines of play to show, for every DM.
    #[serde(default)]
    states: Vec<usize>,
}

fn default_horizon() -> u32 {
    2
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum OutlookKey {
    #[default]
    Cautious,
    Hopeful,
}

/// Limited-move (L_h) and non-myopic stability (`detente.foresight/1`).
pub async fn foresight(
    State(app): State<AppState>,
    body: Body<ForesightRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.blocking(move |config, sessions| {
        let session = sessions.open(&request.input, config)?;
        let horizon = request.horizon;
        if !(1..=MAX_HORIZON).contains(&horizon) {
            return Err(
                ApiError::unprocessable(format!("a horizon of {horizon} is out of range"))
                    .with_help(format!(
                        "look ahead 1 to {MAX_HORIZON} moves (1 is Nash stability)"
                    )),
            );
        }
        let lines_for = request
            .states
            .iter()
            .map(|&id| state_index(&session, id))
            .collect::<Result<Vec<_>, _>>()?;
        let outlook = match request.outlook {
            OutlookKey::Cautious => Outlook::Cautious,
            OutlookKey::Hopeful => Outlook::Hopeful,
        };
        let run = |outlook| {
            Foresight::run(&session.conflict, horizon, outlook)
                .map_err(|e| ApiError::unprocessable(e.to_string()).with_help("lower the horizon"))
        };
        let (foresight, other) = (run(outlook)?, run(outlook.other())?);
        let report = ForesightReport {
            model: &session.loaded.model,
            conflict: &session.conflict,
            foresight: &foresight,
            other: &other,
            lines_for,
        };
        written(&report, Format::Json, "application/json")
    })
    .await
}

#[derive(Deserialize)]
pub struct RobustnessRequest {
    #[serde(flatten)]
    input: ModelInput,
    concepts: Option<Vec<String>>,
    /// Analyse every profile when there are at most this many.
    exact_limit: Option<u64>,
    /// Otherwise, analyse this many profiles drawn at random.
    samples: Option<u64>,
    /// Seed of the random draw.
    seed: Option<u64>,
}

/// The share of the preference profiles the model's `priority` ranges allow under which
/// each state is an equilibrium (`detente.robustness/1`).
pub async fn robustness(
    State(app): State<AppState>,
    body: Body<RobustnessRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.blocking(move |config, sessions| {
        let session = sessions.open(&request.input, config)?;
        let (model, conflict) = (&session.loaded.model, &session.conflict);
        let defaults = Settings::new(&concepts(
            request.concepts.as_deref(),
            conflict.state_count(),
        )?);
        let settings = Settings {
            exact_limit: request.exact_limit.unwrap_or(defaults.exact_limit),
            samples: request.samples.unwrap_or(defaults.samples),
            seed: request.seed.unwrap_or(defaults.seed),
            ..defaults
        };
        let robustness = Robustness::run(model, conflict, &settings, &|| {}).map_err(|e| {
            let help = match e {
                RobustnessError::TooManyStates { .. } => {
                    "choose fewer concepts, or add feasibility rules to shrink the model"
                }
                RobustnessError::TooManyProfiles { .. } | RobustnessError::NoSamples => {
                    "give the samples and the exact limit within the limit"
                }
                RobustnessError::BadUncertainty { .. } | RobustnessError::Model(_) => {
                    "check the `priority` ranges of the model (docs/MODEL_FORMAT.md)"
                }
            };
            ApiError::unprocessable(e.to_string()).with_help(help)
        })?;
        let written_analysis = session.analysis(robustness.concepts());
        let report = RobustnessReport {
            model,
            conflict,
            written: &written_analysis.analysis,
            robustness: &robustness,
        };
        written(&report, Format::Json, "application/json")
    })
    .await
}

#[derive(Deserialize)]
pub struct InverseRequest {
    #[serde(flatten)]
    input: ModelInput,
    /// The target state's number.
    state: usize,
    /// DMs (names or ids) whose preferences are unknown; all when absent.
    vary: Option<Vec<String>>,
    /// Among nash, gmr, smr and seq; all four when absent.
    concepts: Option<Vec<String>>,
    /// Count the rankings of the varied DMs that make the target an equilibrium.
    #[serde(default)]
    count: bool,
    /// Draw this many such rankings at random.
    sample: Option<u16>,
    /// Seed of the draw.
    #[serde(default = "default_seed")]
    seed: u64,
}

fn default_seed() -> u64 {
    1
}

/// The conditions on the varied DMs' preferences under which the target state is an
/// equilibrium, with counts and samples when asked (`detente.inverse/1`).
pub async fn inverse(
    State(app): State<AppState>,
    body: Body<InverseRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.blocking(move |config, sessions| {
        let session = sessions.open(&request.input, config)?;
        let model = &session.loaded.model;
        let target = state_index(&session, request.state)?;
        let chosen = match &request.concepts {
            None => inverse::CONCEPTS.to_vec(),
            Some(keys) => concepts(Some(keys), 0)?,
        };
        if let Some(other) = chosen.iter().find(|c| !inverse::CONCEPTS.contains(c)) {
            return Err(ApiError::unprocessable(format!(
                "inverse analysis does not cover {}",
                other.label()
            ))
            .with_help("choose among nash, gmr, smr and seq"));
        }
        if let Some(n) = request.sample
            && !(1..=MAX_SAMPLES).contains(&n)
        {
            return Err(
                ApiError::unprocessable(format!("cannot draw {n} samples")).with_help(format!(
                    "draw 1 to {MAX_SAMPLES} rankings, or leave `sample` out"
                )),
            );
        }
        let mut varied = match &request.vary {
            None => (0..model.decision_makers.len()).collect(),
            Some(names) => names
                .iter()
                .map(|name| dm_index(model, name.trim()))
                .collect::<Result<Vec<_>, _>>()?,
        };
        varied.sort_unstable();
        varied.dedup();
        let question = Inverse::new(&session.conflict, target, &varied);
        let answers = ConceptAnswer::all(
            &question,
            &chosen,
            request.count,
            request.sample,
            request.seed,
        );
        if let Some(error) = ConceptAnswer::none_answered(&answers) {
            return Err(ApiError::unprocessable(error.to_string())
                .with_help("vary fewer decision makers or leave out seq"));
        }
        let report = InverseReport {
            model,
            conflict: &session.conflict,
            target,
            varied,
            answers,
        };
        written(&report, Format::Json, "application/json")
    })
    .await
}
