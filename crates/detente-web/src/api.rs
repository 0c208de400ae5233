//! The JSON API's handlers. Each parses its request, does the engine work through
//! [`AppState::blocking`], and answers with the same JSON documents the CLI
//! writes (`detente.analysis/1`, `detente.explanation/1`, ...) where one exists.

use crate::error::ApiError;
use crate::jobs::JobName;
use crate::lanes::Cost;
use crate::session::ModelInput;
use crate::{AppState, Config};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use detente_app::{BriefFormat, CoalitionChoice, ConceptChoice, ModelFormat};
use detente_engine::Concept;
use detente_report::{
    CoalitionReport, EvolutionReport, Explanation, Format, Render, Report, VerdictsReport,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A JSON body, or the reason it could not be read as one.
pub type Body<T> = Result<Json<T>, JsonRejection>;

pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such page or API route: {}", uri.path()),
    )
    .with_help("the API's routes are listed in /api/openapi.json")
}

pub async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not take {method} requests", uri.path()),
    )
    .with_help("the API's routes and their methods are listed in /api/openapi.json")
}

#[derive(Serialize)]
pub struct ExampleJson {
    name: &'static str,
    title: &'static str,
    file_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'static str>,
}

/// The built-in models, the default (NRC) first.
pub async fn examples() -> Json<Vec<ExampleJson>> {
    Json(
        detente_examples::EXAMPLES
            .iter()
            .map(|e| ExampleJson {
                name: e.name,
                title: e.title,
                file_name: e.file_name,
                source: None,
            })
            .collect(),
    )
}

/// One built-in model with its TOML source.
pub async fn example(Path(name): Path<String>) -> Result<Json<ExampleJson>, ApiError> {
    let e = detente_examples::find(&name).ok_or_else(|| {
        let names: Vec<&str> = detente_examples::EXAMPLES.iter().map(|e| e.name).collect();
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no built-in model called `{name}`"),
        )
        .with_help(format!("built-in models: {}", names.join(", ")))
    })?;
    Ok(Json(ExampleJson {
        name: e.name,
        title: e.title,
        file_name: e.file_name,
        source: Some(e.source),
    }))
}

/// A model file turned into the page's editable form: detente-format's JSON form of the
/// model, the keys and nesting of a model file (a `.gmcr` file's after its conversion to TOML).
#[derive(Serialize)]
struct Imported {
    form: serde_json::Value,
    /// Set when the file reads as TOML but is not a valid model, located in the file:
    /// the page loads the form for it to be fixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ApiError>,
}

pub async fn import(
    State(app): State<AppState>,
    body: Body<ModelInput>,
) -> Result<Response, ApiError> {
    let Json(input) = body?;
    app.light(move |config, _| {
        let (text, file_name) = input.file()?;
        let opened = detente_app::open_for_editing(text, file_name, &config.limits)?;
        Ok(Json(Imported {
            form: opened.form,
            error: opened.error.map(ApiError::from),
        })
        .into_response())
    })
    .await
}

/// A short account of a valid model, or its first error; for a form, also the TOML the
/// server writes from it (`toml`), for the page to preview.
pub async fn check(
    State(app): State<AppState>,
    name: JobName,
    body: Body<ModelInput>,
) -> Result<Response, ApiError> {
    let Json(input) = body?;
    app.on_model(name, input, Cost::Look, move |_, session, _| {
        let (model, conflict) = (&session.loaded.model, &session.conflict);
        let mut answer = json!({
            "valid": true,
            "name": model.name,
            "decision_makers": model.decision_makers.len(),
            "options": model.option_count(),
            "rules": model.rules.len(),
            "state_count": conflict.state_count(),
            "status_quo": conflict.status_quo().map(|s| conflict.space().id(s)),
        });
        if session.loaded.is_form() {
            answer["toml"] = json!(session.loaded.text());
        }
        Ok(Json(answer).into_response())
    })
    .await
}

/// The concepts named by their keys (`nash`, `gmr`, ...), in the engine's order; the
/// defaults for the model's size when none are named.
pub fn concepts(keys: Option<&[String]>, state_count: usize) -> Result<Vec<Concept>, ApiError> {
    let asked = keys.map(detente_app::concepts_by_key).transpose()?;
    Ok(ConceptChoice::new(asked.as_deref(), state_count)?.concepts)
}

/// One of detente-report's reports in `format`, refused past `config.max_response_bytes`
/// (the writing stops there); the handlers only ask for formats the report has, so any
/// other refusal is the server's fault.
fn rendered(report: &dyn Render, format: Format, config: &Config) -> Result<Vec<u8>, ApiError> {
    let mut out = Capped {
        bytes: Vec::new(),
        max: config.max_response_bytes,
    };
    match report.render(format, &mut out) {
        Ok(()) => Ok(out.bytes),
        Err(_) if out.bytes.len() == out.max => Err(too_large(config)),
        Err(e) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the report: {e}"),
        )),
    }
}

/// A writer that fills up to `max` bytes and refuses more.
struct Capped {
    bytes: Vec<u8>,
    max: usize,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.max - self.bytes.len();
        if room == 0 && !buf.is_empty() {
            return Err(std::io::Error::other("over the response limit"));
        }
        let taken = buf.len().min(room);
        self.bytes.extend_from_slice(&buf[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The refusal of an answer over the response limit.
fn too_large(config: &Config) -> ApiError {
    ApiError::unprocessable(format!(
        "the answer is over the workbench's response limit of {} bytes",
        config.max_response_bytes
    ))
    .with_help("ask for fewer concepts or states (the tableau pages through any number of states), add feasibility rules, or use the command line")
}

/// A response holding a report in `format`.
pub fn written(
    report: &dyn Render,
    format: Format,
    content_type: &'static str,
    config: &Config,
) -> Result<Response, ApiError> {
    let bytes = rendered(report, format, config)?;
    Ok(sized(
        ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
    ))
}

/// The header that gives an answer's length before compression: the page reads it as the
/// answer starts to arrive, and asks before saving a large export.
pub const BYTES_HEADER: &str = "x-detente-bytes";

/// `response`, whose body is in memory, with its length in [`BYTES_HEADER`].
fn sized(mut response: Response) -> Response {
    use axum::body::HttpBody;
    if let Some(length) = response.body().size_hint().exact() {
        response
            .headers_mut()
            .insert(BYTES_HEADER, HeaderValue::from(length));
    }
    response
}

#[derive(Deserialize)]
pub struct AnalyzeRequest {
    #[serde(flatten)]
    input: ModelInput,
    concepts: Option<Vec<String>>,
    /// `json` (default: `detente analyze --format json`), `csv` or `markdown`.
    #[serde(default)]
    format: ReportFormat,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum ReportFormat {
    #[default]
    Json,
    Csv,
    Markdown,
}

/// The whole analysis, exactly as `detente analyze --format json|csv|markdown` writes it;
/// the time taken is in the `X-Detente-Elapsed-Ms` header.
pub async fn analyze(
    State(app): State<AppState>,
    name: JobName,
    body: Body<AnalyzeRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(
        name,
        request.input,
        Cost::Analysis,
        move |config, session, work| {
            let concepts = concepts(request.concepts.as_deref(), session.conflict.state_count())?;
            let analysed = session.analysis(&concepts, work)?;
            let report = Report {
                model: &session.loaded.model,
                conflict: &session.conflict,
                analysis: &analysed.analysis,
                all_states: true,
                robustness: None,
            };
            let (format, content_type) = match request.format {
                ReportFormat::Json => (Format::Json, "application/json"),
                ReportFormat::Csv => (Format::Csv, "text/csv; charset=utf-8"),
                ReportFormat::Markdown => (Format::Markdown, "text/markdown; charset=utf-8"),
            };
            let mut response = written(&report, format, content_type, config)?;
            response.headers_mut().insert(
                "x-detente-elapsed-ms",
                HeaderValue::from(analysed.elapsed.as_millis() as u64),
            );
            Ok(response)
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct VerdictsRequest {
    #[serde(flatten)]
    input: ModelInput,
    concepts: Option<Vec<String>>,
}

/// Verdicts in plain words on the status quo and the named states (`detente.verdicts/1`),
/// the same the CLI's analysis opens with.
pub async fn verdicts(
    State(app): State<AppState>,
    name: JobName,
    body: Body<VerdictsRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(
        name,
        request.input,
        Cost::Analysis,
        move |config, session, work| {
            let (model, conflict) = (session.model(), &session.conflict);
            let concepts = concepts(request.concepts.as_deref(), conflict.state_count())?;
            let analysed = session.analysis(&concepts, work)?;
            let verdicts = detente_app::verdicts(model, conflict, &analysed.analysis);
            let robustness = detente_app::verdict_robustness(model, conflict, &concepts, work);
            let report = VerdictsReport {
                model,
                conflict,
                verdicts: &verdicts,
                robustness: robustness.as_ref(),
            };
            written(&report, Format::Json, "application/json", config)
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct BriefRequest {
    #[serde(flatten)]
    input: ModelInput,
    /// `pdf` (default) or `html`.
    format: Option<String>,
}

/// The printable brief, the same `detente report` writes: the bottom line first.
pub async fn brief(
    State(app): State<AppState>,
    name: JobName,
    body: Body<BriefRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    let format = BriefFormat::from_key(request.format.as_deref().unwrap_or("pdf"))?;
    let source = request.input.describe();
    app.on_model(
        name,
        request.input,
        Cost::Analysis,
        move |_, session, work| {
            let answer = session.brief(work)?;
            let brief = detente_brief::Brief {
                model: session.model(),
                conflict: &session.conflict,
                answer: &answer,
                source: &source,
            };
            let (bytes, file_name) = match format {
                BriefFormat::Pdf => (
                    brief.pdf().map_err(|e| {
                        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
                    })?,
                    "brief.pdf",
                ),
                BriefFormat::Html => (brief.html().into_bytes(), "brief.html"),
            };
            let response = (
                [
                    (header::CONTENT_TYPE, format.media_type().to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("inline; filename=\"{file_name}\""),
                    ),
                ],
                bytes,
            )
                .into_response();
            Ok(sized(response))
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct ExplainRequest {
    #[serde(flatten)]
    input: ModelInput,
    /// The state's number.
    state: usize,
    /// DMs by name or id; all when absent.
    dms: Option<Vec<String>>,
    concepts: Option<Vec<String>>,
}

/// Why one state is or is not stable, per DM and concept (`detente.explanation/1`).
pub async fn explain(
    State(app): State<AppState>,
    name: JobName,
    body: Body<ExplainRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(
        name,
        request.input,
        Cost::Analysis,
        move |config, session, work| {
            let state = session.state_number(request.state)?;
            let explain = detente_app::ExplainRequest {
                dms: request.dms,
                concepts: request
                    .concepts
                    .as_deref()
                    .map(detente_app::concepts_by_key)
                    .transpose()?,
            };
            let explanation = Explanation {
                model: session.model(),
                conflict: &session.conflict,
                explained: &session.explain(state, &explain, work)?,
            };
            written(&explanation, Format::Json, "application/json", config)
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct EvolveRequest {
    #[serde(flatten)]
    input: ModelInput,
    /// The starting state's number; the status quo when absent.
    from: Option<usize>,
    /// A state to find a path to, besides the equilibria: answered in `target`.
    to: Option<usize>,
    concepts: Option<Vec<String>>,
    /// Coalitions (lists of DM names) that may also move jointly, to states all members prefer.
    #[serde(default)]
    coalitions: Vec<Vec<String>>,
}

/// The states reachable from the status quo by unilateral improvements (`detente.evolution/1`),
/// plus, when `to` is given, `target`: whether that state is reached and by which shortest path.
pub async fn evolve(
    State(app): State<AppState>,
    name: JobName,
    body: Body<EvolveRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(
        name,
        request.input,
        Cost::Analysis,
        move |config, session, work| {
            let conflict = &session.conflict;
            let from = request
                .from
                .map(|id| session.state_number(id))
                .transpose()?;
            let concepts = concepts(request.concepts.as_deref(), conflict.state_count())?;
            let analysed = session.analysis(&concepts, work)?;
            let choice = (!request.coalitions.is_empty())
                .then(|| CoalitionChoice::Named(request.coalitions.clone()));
            let (evolution, coalitions) = session.evolve(from, choice.as_ref(), work)?;
            let report = EvolutionReport {
                model: &session.loaded.model,
                conflict,
                analysis: &analysed.analysis,
                evolution: &evolution,
                coalitions: &coalitions,
            };
            let Some(to) = request.to else {
                return written(&report, Format::Json, "application/json", config);
            };
            let target = session.state_number(to)?;
            let bytes = rendered(&report, Format::Json, config)?;
            let mut body: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
            let path = report.path_to(target);
            body["target"] = json!({
                "state": to,
                "reachable": path.is_some(),
                "path": path,
            });
            Ok(Json(body).into_response())
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct CoalitionsRequest {
    #[serde(flatten)]
    input: ModelInput,
    /// The concept (`nash`, `gmr`, `smr` or `seq`; `seq` when absent).
    concept: Option<String>,
    /// Coalitions as lists of DM names; when absent, the model's listed
    /// coalitions, or every coalition of two or more DMs if it lists none.
    coalitions: Option<Vec<Vec<String>>>,
    /// Every coalition of two or more DMs even if the model lists some.
    #[serde(default)]
    all: bool,
}

/// Coalitional stability and the coalitions that can upset each equilibrium (`detente.coalitions/2`).
pub async fn coalitions(
    State(app): State<AppState>,
    name: JobName,
    body: Body<CoalitionsRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(
        name,
        request.input,
        Cost::Analysis,
        move |config, session, work| {
            let concept = detente_app::concept_by_key(request.concept.as_deref().unwrap_or("seq"))?;
            let choice = match request.coalitions {
                Some(lists) => CoalitionChoice::Named(lists),
                None if request.all => CoalitionChoice::All,
                None => CoalitionChoice::Listed,
            };
            let coalitional = session.coalitional(concept, &choice, work)?;
            let analysed = session.analysis(&[concept], work)?;
            let report = CoalitionReport {
                model: session.model(),
                conflict: &session.conflict,
                analysis: &analysed.analysis,
                coalitions: &coalitional,
            };
            written(&report, Format::Json, "application/json", config)
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct ConvertRequest {
    #[serde(flatten)]
    input: ModelInput,
    /// `toml` (detente) or `gmcr` (GMCR+).
    to: ConvertTarget,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum ConvertTarget {
    Toml,
    Gmcr,
}

/// The model written in our TOML format (a form's as the server writes it) or as a
/// GMCR+ `.gmcr` file, as a download.
pub async fn convert(
    State(app): State<AppState>,
    name: JobName,
    body: Body<ConvertRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.on_model(
        name,
        request.input,
        match request.to {
            ConvertTarget::Toml => Cost::Look,
            ConvertTarget::Gmcr => Cost::Analysis,
        },
        move |config, session, work| {
            let (format, content_type) = match request.to {
                ConvertTarget::Toml => (ModelFormat::Toml, "application/toml"),
                ConvertTarget::Gmcr => (ModelFormat::Gmcr, "application/json"),
            };
            let converted =
                detente_app::convert(session.loaded.clone(), format, &config.limits, work)?;
            if converted.text.len() > config.max_response_bytes {
                return Err(too_large(config));
            }
            let disposition = format!(
                "attachment; filename=\"{}.{}\"",
                detente_app::file_stem(session.model()),
                format.extension()
            );
            let mut response =
                sized(([(header::CONTENT_TYPE, content_type)], converted.text).into_response());
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, value);
            }
            Ok(response)
        },
    )
    .await
}

pub use crate::graph::graph;
pub use crate::tableau::tableau;
