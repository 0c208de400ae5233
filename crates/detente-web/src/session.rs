//! Models the API has parsed and compiled, with their analyses, kept for the
//! next request: the page asks for many views of one model (pages of the
//! tableau, a state's explanation, a neighbourhood of the graph), and a large
//! model should be analysed once, not once per click.

use crate::Config;
use crate::error::ApiError;
use detente_app::{Prepared, Source};
use detente_engine::{Analysis, Concept};
use serde::Deserialize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The model part of every request that works on a model.
#[derive(Debug, Deserialize)]
pub struct ModelInput {
    /// The model file's text: our TOML format or a GMCR+ `.gmcr` file.
    pub model: String,
    /// The file's name, used in messages and to tell the format by extension.
    #[serde(default = "default_file_name")]
    pub file_name: String,
}

fn default_file_name() -> String {
    "model.toml".to_string()
}

impl ModelInput {
    /// The model as the application layer reads it.
    pub fn source(&self) -> Source {
        Source::Text {
            text: self.model.clone(),
            name: self.file_name.clone(),
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
    /// The analysis under exactly these concepts, run now or remembered from before.
    pub fn analysis(&self, concepts: &[Concept]) -> Analysed {
        let lookup = |list: &Vec<Analysed>| {
            list.iter()
                .find(|a| a.analysis.concepts() == concepts)
                .cloned()
        };
        if let Some(found) = lookup(&self.analyses.lock().unwrap_or_else(PoisonError::into_inner)) {
            return found;
        }
        let started = Instant::now();
        let analysis = Arc::new(Analysis::run(&self.conflict, concepts, &|| {}));
        let analysed = Analysed {
            analysis,
            elapsed: started.elapsed(),
        };
        let mut list = self.analyses.lock().unwrap_or_else(PoisonError::into_inner);
        if list.len() >= ANALYSES_PER_SESSION {
            list.remove(0);
        }
        list.push(analysed.clone());
        analysed
    }
}

/// Analyses kept per model (one per set of concepts asked for).
const ANALYSES_PER_SESSION: usize = 4;
/// Models kept; the least recently used goes first.
const SESSIONS_KEPT: usize = 6;

/// The sessions, most recently used last, keyed by file name and text.
#[derive(Default)]
pub struct Sessions {
    entries: Mutex<Vec<(String, String, Arc<Session>)>>,
}

impl Sessions {
    /// Parses and compiles `input` (or finds it already done), refusing models over the state limit.
    /// Runs on a blocking thread: compiling a large model takes a while.
    pub fn open(&self, input: &ModelInput, config: &Config) -> Result<Arc<Session>, ApiError> {
        {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(i) = entries
                .iter()
                .position(|(name, text, _)| *name == input.file_name && *text == input.model)
            {
                let entry = entries.remove(i);
                let session = entry.2.clone();
                entries.push(entry);
                return Ok(session);
            }
        }
        let session = Arc::new(Session {
            prepared: detente_app::prepare(&input.source(), &config.limits)?,
            analyses: Mutex::new(Vec::new()),
        });
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= SESSIONS_KEPT {
            entries.remove(0);
        }
        entries.push((
            input.file_name.clone(),
            input.model.clone(),
            session.clone(),
        ));
        Ok(session)
    }
}
