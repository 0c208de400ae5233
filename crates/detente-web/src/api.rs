//! The JSON API's handlers. Each parses its request, does the engine work through
//! [`AppState::blocking`], and answers with the same JSON documents the CLI
//! writes (`detente.analysis/1`, `detente.explanation/1`, ...) where one exists.

use crate::AppState;
use crate::error::ApiError;
use crate::session::{ModelInput, Session};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use detente_engine::coalition::CoalitionAnalysis;
use detente_engine::{Concept, Model, StateIndex};
use detente_format::FileKind;
use detente_report::{
    CoalitionReport, EvolutionFormat, EvolutionReport, Explanation, Format, Report,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::io;

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

/// A model file turned into the page's editable form: its TOML text and that text as a JSON
/// document (same keys as the file). `.gmcr` files are converted to TOML first.
#[derive(Serialize)]
struct Imported {
    toml: String,
    document: serde_json::Value,
    /// Set when the file reads as TOML but is not a valid model: the page loads it to be fixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ApiError>,
}

pub async fn import(
    State(app): State<AppState>,
    body: Body<ModelInput>,
) -> Result<Response, ApiError> {
    let Json(input) = body?;
    app.blocking(move |_, _| {
        let (toml, error) = match detente_format::parse(&input.model, &input.file_name) {
            Ok(loaded) if loaded.kind == FileKind::Gmcr => {
                (detente_format::to_toml(&loaded.model), None)
            }
            Ok(_) => (input.model, None),
            Err(error) => (input.model, Some(ApiError::from(error))),
        };
        let document = match toml::from_str::<serde_json::Value>(&toml) {
            Ok(document) => document,
            // Not even TOML (or a broken .gmcr): nothing to load into the forms.
            Err(_) => {
                return Err(error.unwrap_or_else(|| {
                    ApiError::unprocessable("the file is not a detente TOML or GMCR+ model")
                }));
            }
        };
        Ok(Json(Imported {
            toml,
            document,
            error,
        })
        .into_response())
    })
    .await
}

/// A short account of a valid model, or its first error.
pub async fn check(
    State(app): State<AppState>,
    body: Body<ModelInput>,
) -> Result<Response, ApiError> {
    let Json(input) = body?;
    app.blocking(move |config, sessions| {
        let session = sessions.open(&input, config)?;
        let (model, conflict) = (&session.loaded.model, &session.conflict);
        Ok(Json(json!({
            "valid": true,
            "name": model.name,
            "decision_makers": model.decision_makers.len(),
            "options": model.option_count(),
            "rules": model.rules.len(),
            "state_count": conflict.state_count(),
            "status_quo": conflict.status_quo().map(|s| conflict.space().id(s)),
        }))
        .into_response())
    })
    .await
}

/// The concepts named by their keys (`nash`, `gmr`, ...), in the engine's order; the
/// defaults for the model's size when none are named.
pub fn concepts(keys: Option<&[String]>, state_count: usize) -> Result<Vec<Concept>, ApiError> {
    let Some(keys) = keys else {
        return Ok(detente_report::default_concepts(state_count));
    };
    let mut chosen = keys
        .iter()
        .map(|key| {
            Concept::from_key(key).ok_or_else(|| {
                ApiError::unprocessable(format!("no solution concept called `{key}`"))
                    .with_help("concepts: nash, gmr, smr, seq, sim, seqsim")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.is_empty() {
        return Err(ApiError::unprocessable("no solution concept chosen")
            .with_help("name at least one of nash, gmr, smr, seq, sim, seqsim"));
    }
    Ok(chosen)
}

/// The state numbered `id` (1-based, as in every report).
pub fn state_index(session: &Session, id: usize) -> Result<StateIndex, ApiError> {
    let count = session.conflict.state_count();
    (1..=count)
        .contains(&id)
        .then(|| (id - 1) as StateIndex)
        .ok_or_else(|| {
            ApiError::unprocessable(format!("there is no state {id}"))
                .with_help(format!("states are numbered 1 to {count}"))
        })
}

/// One concept by its key.
pub fn concept(key: &str) -> Result<Concept, ApiError> {
    Ok(concepts(Some(&[key.to_string()]), 0)?[0])
}

/// The DM called `name` (its name or id).
pub fn dm_index(model: &Model, name: &str) -> Result<usize, ApiError> {
    model.find_dm(name).ok_or_else(|| {
        let names: Vec<&str> = model
            .decision_makers
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        ApiError::unprocessable(format!("no decision maker called `{name}`"))
            .with_help(format!("decision makers: {}", names.join(", ")))
    })
}

/// A response written by one of detente-report's writers.
pub fn written(
    content_type: &'static str,
    write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>,
) -> Result<Response, ApiError> {
    let mut bytes = Vec::new();
    write(&mut bytes).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the report: {e}"),
        )
    })?;
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
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
    body: Body<AnalyzeRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.blocking(move |config, sessions| {
        let session = sessions.open(&request.input, config)?;
        let concepts = concepts(request.concepts.as_deref(), session.conflict.state_count())?;
        let analysed = session.analysis(&concepts);
        let report = Report {
            model: &session.loaded.model,
            conflict: &session.conflict,
            analysis: &analysed.analysis,
            all_states: true,
        };
        let (format, content_type) = match request.format {
            ReportFormat::Json => (Format::Json, "application/json"),
            ReportFormat::Csv => (Format::Csv, "text/csv; charset=utf-8"),
            ReportFormat::Markdown => (Format::Markdown, "text/markdown; charset=utf-8"),
        };
        let mut response = written(content_type, |out| report.write(format, out))?;
        response.headers_mut().insert(
            "x-detente-elapsed-ms",
            HeaderValue::from(analysed.elapsed.as_millis() as u64),
        );
        Ok(response)
    })
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
    body: Body<ExplainRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.blocking(move |config, sessions| {
        let session = sessions.open(&request.input, config)?;
        let model = &session.loaded.model;
        let state = state_index(&session, request.state)?;
        let dms = match &request.dms {
            None => (0..model.decision_makers.len()).collect(),
            Some(names) => names
                .iter()
                .map(|name| dm_index(model, name))
                .collect::<Result<Vec<_>, _>>()?,
        };
        let explanation = Explanation {
            model,
            conflict: &session.conflict,
            state,
            dms,
            concepts: concepts(request.concepts.as_deref(), session.conflict.state_count())?,
        };
        written("application/json", |out| {
            explanation.write(Format::Json, out)
        })
    })
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
    body: Body<EvolveRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.blocking(move |config, sessions| {
        let session = sessions.open(&request.input, config)?;
        let conflict = &session.conflict;
        let start = match request.from {
            Some(id) => state_index(&session, id)?,
            None => conflict.status_quo().ok_or_else(|| {
                ApiError::unprocessable("the model has no status quo to start from").with_help(
                    "set the status quo in the model, or give a starting state as `from`",
                )
            })?,
        };
        let concepts = concepts(request.concepts.as_deref(), conflict.state_count())?;
        let analysed = session.analysis(&concepts);
        let coalitions = coalition_members(&session.loaded.model, &request.coalitions)?;
        let evolution =
            detente_engine::evolve::Evolution::with_coalitions(conflict, start, &coalitions);
        let report = EvolutionReport {
            model: &session.loaded.model,
            conflict,
            analysis: &analysed.analysis,
            evolution: &evolution,
            coalitions: &coalitions,
        };
        let Some(to) = request.to else {
            return written("application/json", |out| {
                report.write(EvolutionFormat::Json, out)
            });
        };
        let target = state_index(&session, to)?;
        let mut bytes = Vec::new();
        report
            .write(EvolutionFormat::Json, &mut bytes)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let mut body: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let path = report.path_to(target);
        body["target"] = json!({
            "state": to,
            "reachable": path.is_some(),
            "path": path,
        });
        Ok(Json(body).into_response())
    })
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

/// DM names (or ids) per coalition as member indices, ascending.
fn coalition_members(model: &Model, lists: &[Vec<String>]) -> Result<Vec<Vec<usize>>, ApiError> {
    lists
        .iter()
        .map(|names| {
            let mut members = names
                .iter()
                .map(|name| dm_index(model, name))
                .collect::<Result<Vec<_>, _>>()?;
            members.sort_unstable();
            members.dedup();
            Ok(members)
        })
        .collect()
}

/// Coalitional stability and the coalitions that can upset each equilibrium (`detente.coalitions/2`).
pub async fn coalitions(
    State(app): State<AppState>,
    body: Body<CoalitionsRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.blocking(move |config, sessions| {
        let session = sessions.open(&request.input, config)?;
        let model = &session.loaded.model;
        let concept = concept(request.concept.as_deref().unwrap_or("seq"))?;
        let coalitions = match &request.coalitions {
            Some(lists) => coalition_members(model, lists)?,
            None => detente_report::default_coalitions(model, request.all).ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "{} decision makers make too many coalitions to examine them all (at most {} DMs)",
                    model.decision_makers.len(),
                    detente_report::MAX_DMS_FOR_ALL_COALITIONS
                ))
                .with_help("name the coalitions to examine in `coalitions`")
            })?,
        };
        let coalitional = CoalitionAnalysis::run(&session.conflict, &coalitions, concept)
            .map_err(|e| {
                ApiError::unprocessable(e.to_string())
                    .with_help("coalitional stability is for nash, gmr, smr or seq on models of at most 65,536 states")
            })?;
        let analysed = session.analysis(&[concept]);
        let report = CoalitionReport {
            model,
            conflict: &session.conflict,
            analysis: &analysed.analysis,
            coalitions: &coalitional,
        };
        written("application/json", |out| report.write_json(out))
    })
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

/// The model written in our TOML format or as a GMCR+ `.gmcr` file, as a download.
pub async fn convert(
    State(app): State<AppState>,
    body: Body<ConvertRequest>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    app.blocking(move |config, sessions| {
        let session = sessions.open(&request.input, config)?;
        let model = &session.loaded.model;
        let (text, content_type, extension) = match request.to {
            ConvertTarget::Toml => (detente_format::to_toml(model), "application/toml", "toml"),
            ConvertTarget::Gmcr => (
                detente_format::to_gmcr(model, &session.conflict)?,
                "application/json",
                "gmcr",
            ),
        };
        let stem: String = model
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let stem = stem.trim_matches('-');
        let disposition = format!(
            "attachment; filename=\"{}.{extension}\"",
            if stem.is_empty() { "model" } else { stem }
        );
        let mut response = ([(header::CONTENT_TYPE, content_type)], text).into_response();
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
        Ok(response)
    })
    .await
}

pub use crate::graph::graph;
pub use crate::tableau::tableau;
