//! Models the API has parsed and compiled, with their analyses, kept for the
//! next request: the page asks for many views of one model (pages of the
//! tableau, a state's explanation, a neighbourhood of the graph), and a large
//! model should be analysed once, not once per click.

use crate::Config;
use crate::error::ApiError;
use detente_app::{Prepared, Source, Timer};
use detente_engine::{Analysis, Concept};
use serde::Deserialize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The model part of every request that works on a model: a model file's text, or
/// the model's JSON form (detente-format's `form` module), which the page edits.
#[derive(Debug, Deserialize)]
pub struct ModelInput {
    /// The model file's text: our TOML format or a GMCR+ `.gmcr` file.
    model: Option<String>,
    /// The file's name, used in messages and to tell the format by extension.
    #[serde(default = "default_file_name")]
    file_name: String,
    /// The model as its JSON form: a model file's TOML document as JSON.
    form: Option<serde_json::Value>,
}

fn default_file_name() -> String {
    "model.toml".to_string()
}

impl ModelInput {
    /// The model as the application layer reads it.
    pub fn source(&self) -> Result<Source, ApiError> {
        match (&self.model, &self.form) {
            (Some(text), None) => Ok(Source::Text {
                text: text.clone(),
                name: self.file_name.clone(),
            }),
            (None, Some(form)) => Ok(Source::Form(form.clone())),
            _ => Err(self.not_exactly_one()),
        }
    }

    /// The file's text and name, for a request that reads a file rather than a model.
    pub fn file(&self) -> Result<(&str, &str), ApiError> {
        match (&self.model, &self.form) {
            (Some(text), None) => Ok((text, &self.file_name)),
            (None, Some(_)) => Err(ApiError::unprocessable(
                "this request reads a model file, not a form",
            )
            .with_help("send the file's text in `model`, with its `file_name`")),
            _ => Err(self.not_exactly_one()),
        }
    }

    /// The error for a request with both `model` and `form`, or neither.
    fn not_exactly_one(&self) -> ApiError {
        if self.model.is_some() {
            ApiError::unprocessable("the request has both `model` and `form`").with_help(
                "send the model once: a file's text in `model`, or its JSON form in `form`",
            )
        } else {
            ApiError::unprocessable("the request has no model").with_help(
                "send a model file's text in `model` (with `file_name`), or the model's JSON form in `form`",
            )
        }
    }
}

/// A parsed, compiled model and the analyses run on it so far.
pub struct Session {
    prepared: Prepared,
    analyses: Mutex<Vec<Analysed>>,
}

/// A session is its model first: handlers read it and ask it for DMs and states directly.
impl std::ops::Deref for Session {
    type Target = Prepared;

    fn deref(&self) -> &Prepared {
        &self.prepared
    }
}

/// One analysis and how long it took.
#[derive(Clone)]
pub struct Analysed {
    pub analysis: Arc<Analysis>,
    pub elapsed: Duration,
}

impl Session {
    /// The analysis under exactly these concepts, run now (within `timer`) or remembered
    /// from before.
    pub fn analysis(&self, concepts: &[Concept], timer: &Timer) -> Result<Analysed, ApiError> {
        let lookup = |list: &Vec<Analysed>| {
            list.iter()
                .find(|a| a.analysis.concepts() == concepts)
                .cloned()
        };
        if let Some(found) = lookup(&self.analyses.lock().unwrap_or_else(PoisonError::into_inner)) {
            return Ok(found);
        }
        let started = Instant::now();
        let analysis = Arc::new(self.prepared.analysis(concepts, timer, &|| {})?);
        let analysed = Analysed {
            analysis,
            elapsed: started.elapsed(),
        };
        let mut list = self.analyses.lock().unwrap_or_else(PoisonError::into_inner);
        if list.len() >= ANALYSES_PER_SESSION {
            list.remove(0);
        }
        list.push(analysed.clone());
        Ok(analysed)
    }
}

/// Analyses kept per model (one per set of concepts asked for).
const ANALYSES_PER_SESSION: usize = 4;
/// Models kept; the least recently used goes first.
const SESSIONS_KEPT: usize = 6;

/// The sessions, most recently used last, keyed by their source.
#[derive(Default)]
pub struct Sessions {
    entries: Mutex<Vec<(Source, Arc<Session>)>>,
}

impl Sessions {
    /// Parses and compiles `input` (or finds it already done), refusing models over the state
    /// limit and stopping when `timer` runs out. Runs on a blocking thread: compiling a large
    /// model takes a while.
    pub fn open(
        &self,
        input: &ModelInput,
        config: &Config,
        timer: &Timer,
    ) -> Result<Arc<Session>, ApiError> {
        let source = input.source()?;
        {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(i) = entries.iter().position(|(known, _)| *known == source) {
                let entry = entries.remove(i);
                let session = entry.1.clone();
                entries.push(entry);
                return Ok(session);
            }
        }
        let session = Arc::new(Session {
            prepared: detente_app::prepare(&source, &config.limits, timer)?,
            analyses: Mutex::new(Vec::new()),
        });
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= SESSIONS_KEPT {
            entries.remove(0);
        }
        entries.push((source, session.clone()));
        Ok(session)
    }
}
