//! The handlers of the analyses beyond plain stability: limited-move and
//! non-myopic stability (`detente foresight`), robustness under uncertain
//! preferences (`detente robustness`) and inverse analysis (`detente inverse`).
//! Each answers with the JSON document its CLI command writes.

use crate::AppState;
use crate::api::{Body, concepts, written};
use crate::error::ApiError;
use crate::jobs::JobName;
use crate::lanes::Cost;
use crate::session::ModelInput;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use detente_app::robustness_settings;
use detente_engine::foresight::Outlook;
use detente_report::{ForesightReport, Format, InverseReport, RobustnessReport};
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
    name: JobName,
    body: Body<ForesightRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(
        name,
        request.input,
        Cost::Analysis,
        move |config, session, work| {
            let lines_for = request
                .states
                .iter()
                .map(|&id| session.state_number(id))
                .collect::<Result<Vec<_>, _>>()?;
            let outlook = match request.outlook {
                OutlookKey::Cautious => Outlook::Cautious,
                OutlookKey::Hopeful => Outlook::Hopeful,
            };
            let (foresight, other) = session.foresight(request.horizon, outlook, work)?;
            let report = ForesightReport {
                model: &session.loaded.model,
                conflict: &session.conflict,
                foresight: &foresight,
                other: &other,
                lines_for,
            };
            written(&report, Format::Json, "application/json", config)
        },
    )
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
    name: JobName,
    body: Body<RobustnessRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(
        name,
        request.input,
        Cost::Analysis,
        move |config, session, work| {
            let (model, conflict) = (session.model(), &session.conflict);
            let settings = robustness_settings(
                concepts(request.concepts.as_deref(), conflict.state_count())?,
                request.exact_limit,
                request.samples,
                request.seed,
            );
            work.job.expect(settings.plan(model).1 as usize);
            let robustness = session.robustness(&settings, work, &|| work.job.step())?;
            let written_analysis = session.analysis(robustness.concepts(), work)?;
            let report = RobustnessReport {
                model,
                conflict,
                written: &written_analysis.analysis,
                robustness: &robustness,
            };
            written(&report, Format::Json, "application/json", config)
        },
    )
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
    /// Every comparison, not a summary of long conditions.
    #[serde(default)]
    full: bool,
}

fn default_seed() -> u64 {
    1
}

/// The conditions on the varied DMs' preferences under which the target state is an
/// equilibrium, with counts and samples when asked (`detente.inverse/1`).
pub async fn inverse(
    State(app): State<AppState>,
    name: JobName,
    body: Body<InverseRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(
        name,
        request.input,
        Cost::Analysis,
        move |config, session, work| {
            let inverse = detente_app::InverseRequest {
                target: session.state_number(request.state)?,
                vary: request.vary,
                concepts: request
                    .concepts
                    .as_deref()
                    .map(detente_app::concepts_by_key)
                    .transpose()?,
                count: request.count,
                sample: request.sample,
                seed: request.seed,
                full: request.full,
            };
            let answer = session.inverse(&inverse, work)?;
            let report = InverseReport {
                model: session.model(),
                conflict: &session.conflict,
                answer: &answer,
            };
            written(&report, Format::Json, "application/json", config)
        },
    )
    .await
}
