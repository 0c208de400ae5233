//! Models the API has parsed and compiled, with their analyses, kept for the
//! next request: the page asks for many views of one model (pages of the
//! tableau, a state's explanation, a neighbourhood of the graph), and a large
//! model should be analysed once, not once per click.

use crate::Config;
use crate::error::ApiError;
use crate::jobs::Work;
use detente_app::{Prepared, Source};
use detente_engine::{Analysis, Concept, Deadline};
use serde::Deserialize;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
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

    /// The model's source as a reader would name it (see [`Source::describe`]).
    pub fn describe(&self) -> String {
        match &self.form {
            Some(_) => Source::Form(serde_json::Value::Null).describe(),
            None => self.file_name.clone(),
        }
    }

    /// Whether `source` is this model.
    fn is(&self, source: &Source) -> bool {
        match (source, &self.model, &self.form) {
            (Source::Text { text, name }, Some(model), None) => {
                text == model && *name == self.file_name
            }
            (Source::Form(form), None, Some(mine)) => form == mine,
            _ => false,
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
    /// The concepts of the analyses under way: a request that needs one of them waits for
    /// it (the page asks for the tableau and the verdicts at once) rather than running it
    /// again beside it.
    running: Mutex<Vec<Vec<Concept>>>,
    /// Signalled when an analysis under way ends.
    ended: Condvar,
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
    /// The analysis under exactly these concepts, run now (within `work`'s time, its steps
    /// counted in its job), remembered from before, or awaited from another request
    /// running it.
    pub fn analysis(&self, concepts: &[Concept], work: &Work) -> Result<Analysed, ApiError> {
        loop {
            if let Some(found) = self.analysed(concepts) {
                return Ok(found);
            }
            let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
            // Waiting stops with this request's own time or cancellation: the analysis below
            // then answers at once with the reason. A thread of a rayon pool (the light lane's)
            // never waits: while its own parallel loops wait, rayon may run another task on
            // its stack, which could be the very analysis it would wait for. Light models
            // are analysed twice instead, in milliseconds.
            let may_wait = rayon::current_thread_index().is_none();
            if may_wait && running.iter().any(|c| c == concepts) && !work.passed() {
                let waited = self.ended.wait_timeout(running, WAIT_POLL);
                drop(waited.unwrap_or_else(PoisonError::into_inner));
                continue;
            }
            let mut running = running;
            running.push(concepts.to_vec());
            drop(running);
            let _ended = Ended {
                session: self,
                concepts,
            };
            return self.run_analysis(concepts, work);
        }
    }

    fn run_analysis(&self, concepts: &[Concept], work: &Work) -> Result<Analysed, ApiError> {
        let started = Instant::now();
        work.job
            .expect(Analysis::job_count(&self.prepared.conflict, concepts));
        let analysis = Arc::new(
            self.prepared
                .analysis(concepts, work, &|| work.job.step())?,
        );
        let analysed = Analysed {
            analysis,
            elapsed: started.elapsed(),
        };
        let mut list = self.analyses.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = list.iter().find(|a| a.analysis.concepts() == concepts) {
            return Ok(kept.clone());
        }
        if list.len() >= ANALYSES_PER_SESSION {
            list.remove(0);
        }
        list.push(analysed.clone());
        Ok(analysed)
    }

    /// The analysis under exactly these concepts, if it has been run.
    pub fn analysed(&self, concepts: &[Concept]) -> Option<Analysed> {
        let list = self.analyses.lock().unwrap_or_else(PoisonError::into_inner);
        list.iter()
            .find(|a| a.analysis.concepts() == concepts)
            .cloned()
    }
}

/// Marks the end of an analysis under way, however it ends, and wakes those waiting for it.
struct Ended<'a> {
    session: &'a Session,
    concepts: &'a [Concept],
}

impl Drop for Ended<'_> {
    fn drop(&mut self) {
        let mut running = self
            .session
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = running.iter().position(|c| c == self.concepts) {
            running.remove(i);
        }
        self.session.ended.notify_all();
    }
}

/// How often a request waiting for another's analysis looks at its own time limit.
const WAIT_POLL: Duration = Duration::from_millis(50);

/// Analyses kept per model (one per set of concepts asked for).
const ANALYSES_PER_SESSION: usize = 4;
/// Large models kept (over [`Config::light_states`] states); the least recently used goes first.
const LARGE_SESSIONS_KEPT: usize = 6;
/// Small models kept, apart from the large ones so that large analyses never push them out:
/// the page's small requests find their model compiled.
const SMALL_SESSIONS_KEPT: usize = 16;

/// The sessions, most recently used last, keyed by their source.
#[derive(Default)]
pub struct Sessions {
    entries: Mutex<Vec<(Source, Arc<Session>)>>,
}

impl Sessions {
    /// The session of `input`'s model, if it is kept (it becomes the most recently used).
    pub fn find(&self, input: &ModelInput) -> Option<Arc<Session>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let i = entries.iter().position(|(known, _)| input.is(known))?;
        let entry = entries.remove(i);
        let session = entry.1.clone();
        entries.push(entry);
        Some(session)
    }

    /// Keeps a model compiled from `input`, forgetting the least recently used of its size
    /// (small: at most `config.light_states` states) beyond [`SMALL_SESSIONS_KEPT`] or
    /// [`LARGE_SESSIONS_KEPT`].
    pub fn keep(
        &self,
        input: &ModelInput,
        prepared: Prepared,
        config: &Config,
    ) -> Result<Arc<Session>, ApiError> {
        let small = |session: &Session| session.conflict.state_count() <= config.light_states;
        let session = Arc::new(Session {
            prepared,
            analyses: Mutex::new(Vec::new()),
            running: Mutex::new(Vec::new()),
            ended: Condvar::new(),
        });
        let source = input.source()?;
        let mine = small(&session);
        let kept = if mine {
            SMALL_SESSIONS_KEPT
        } else {
            LARGE_SESSIONS_KEPT
        };
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let alike: Vec<usize> = (0..entries.len())
            .filter(|&i| small(&entries[i].1) == mine)
            .collect();
        if alike.len() >= kept {
            entries.remove(alike[0]);
        }
        entries.push((source, session.clone()));
        Ok(session)
    }
}
