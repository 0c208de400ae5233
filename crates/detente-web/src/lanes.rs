//! Where a request's engine work runs: two lanes, so that small requests stay fast
//! while large analyses run.
//!
//! The heavy lane runs at most [`Config::workers`] jobs at once on blocking threads,
//! their parallel loops on rayon's global pool. The light lane has its own permits
//! ([`Config::light_workers`]) and its own small rayon pool of as many threads, so a
//! light request neither waits for a heavy one's permit nor queues behind its parallel
//! loops (rayon's global pool serves the work it holds before work injected from
//! outside). Which lane a request takes is decided in one place, [`lane`].

use crate::error::ApiError;
use crate::jobs::{Job, JobName, Work};
use crate::session::{ModelInput, Session, Sessions};
use crate::{AppState, Config};
use axum::http::StatusCode;
use detente_app::{AppError, Limit, Limits};
use detente_format::Loaded;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, oneshot};

/// The two lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Light,
    Heavy,
}

/// How much work a request asks of its model, whatever the model's size.
pub enum Cost {
    /// Cheap once the model is compiled (linear in its states at most): a check, state
    /// lookups, a conversion to TOML, a decision maker's best states in order.
    Look,
    /// A page of the tableau: cheap once the model is analysed under the concepts asked
    /// for (their keys as in the request; the defaults for the model's size when absent).
    Page(Option<Vec<String>>),
    /// An analysis, explanation, graph or brief: work that grows with the model.
    Analysis,
}

/// The lane of a request of `cost` on a model already compiled, `session`: light when
/// the model has at most [`Config::light_states`] states or the work left is cheap,
/// heavy otherwise. (A model not compiled yet is compiled on the light lane up to that
/// many states, and on the heavy lane beyond: see [`AppState::on_model`].)
pub fn lane(cost: &Cost, session: &Session, config: &Config) -> Lane {
    let states = session.conflict.state_count();
    let cheap = match cost {
        Cost::Look => true,
        Cost::Page(keys) => crate::api::concepts(keys.as_deref(), states)
            .is_ok_and(|concepts| session.analysed(&concepts).is_some()),
        Cost::Analysis => false,
    };
    if states <= config.light_states || cheap {
        Lane::Light
    } else {
        Lane::Heavy
    }
}

/// The lanes' permits and the light lane's threads.
pub struct Lanes {
    light: Arc<Semaphore>,
    light_pool: rayon::ThreadPool,
    heavy: Arc<Semaphore>,
}

impl Lanes {
    pub fn new(config: &Config) -> Lanes {
        let light_workers = config.light_workers.max(1);
        let light_pool = rayon::ThreadPoolBuilder::new()
            .num_threads(light_workers)
            .thread_name(|i| format!("detente-light-{i}"))
            .build()
            .or_else(|_| rayon::ThreadPoolBuilder::new().num_threads(1).build())
            .unwrap_or_else(|e| panic!("cannot start the light lane's thread: {e}"));
        Lanes {
            light: Arc::new(Semaphore::new(light_workers)),
            light_pool,
            heavy: Arc::new(Semaphore::new(config.workers.max(1))),
        }
    }

    /// Runs `work` on `lane` once one of its permits is free, marking `job` as waiting
    /// until then. A panic is caught and answered with 500.
    async fn run<T: Send + 'static>(
        &self,
        lane: Lane,
        job: &Job,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        job.set_waiting(true);
        let permits = match lane {
            Lane::Light => &self.light,
            Lane::Heavy => &self.heavy,
        };
        let permit = permits.clone().acquire_owned().await.map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is shutting down",
            )
        })?;
        job.set_waiting(false);
        let (answer, answered) = oneshot::channel();
        let task = move || {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(work));
            drop(permit);
            let _ = answer.send(outcome);
        };
        match lane {
            Lane::Light => self.light_pool.spawn(task),
            Lane::Heavy => drop(tokio::task::spawn_blocking(task)),
        }
        match answered.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) | Err(_) => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the work failed unexpectedly: this is a bug in detente, please report it",
            )),
        }
    }
}

/// How long after the time limit the workbench stops waiting for work that has not
/// stopped itself: the analyses stop at the limit and answer first.
const BACKSTOP: Duration = Duration::from_secs(1);

/// A model read, and compiled if it is small.
enum Probed {
    Small(Arc<Session>),
    Large(Box<Loaded>),
}

/// Reads `input` and compiles it if it has at most [`Config::light_states`] states
/// (keeping it); a larger model is handed back read, for the heavy lane to compile.
fn compile_if_small(
    input: &ModelInput,
    config: &Config,
    sessions: &Sessions,
    work: &Work,
) -> Result<Probed, ApiError> {
    if let Some(session) = sessions.find(input) {
        return Ok(Probed::Small(session));
    }
    let loaded = detente_app::load(&input.source()?, &config.limits)?;
    let cap = config.light_states.min(config.limits.max_states);
    let options = loaded.model.option_count();
    // Small for certain (every combination of options feasible), or bounded by the state
    // limit itself: compiled here, whatever the outcome.
    if options < 63 && 1usize << options <= cap || cap == config.limits.max_states {
        let prepared = detente_app::compile(loaded, &config.limits, work)?;
        return Ok(Probed::Small(sessions.keep(input, prepared, config)?));
    }
    let capped = Limits {
        max_states: cap,
        ..config.limits.clone()
    };
    match detente_app::compile(loaded.clone(), &capped, work) {
        Ok(prepared) => Ok(Probed::Small(sessions.keep(input, prepared, config)?)),
        Err(AppError::OverLimit {
            limit: Limit::States { .. },
            ..
        }) => Ok(Probed::Large(Box::new(loaded))),
        Err(e) => Err(e.into()),
    }
}

impl AppState {
    /// Runs engine work on a request's model on its lane: the model is compiled (or found
    /// compiled), and `work` gets it with the request's [`Work`], whose timer started
    /// before anything else: compiling and the analyses stop when the time limit is up, the
    /// job is cancelled, or the request is dropped (its client went away). Waiting is given
    /// up [`BACKSTOP`] after the time limit in any case (reading a model is not cut short;
    /// such work keeps its permit until it ends, so a flood of slow requests cannot pile up).
    pub(crate) async fn on_model<T: Send + 'static>(
        &self,
        name: JobName,
        input: ModelInput,
        cost: Cost,
        work: impl FnOnce(&Config, &Session, &Work) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let (_started, context, listed) = self.jobs.start(name, self.config.limits.start())?;
        let job = context.job.clone();
        let (config, sessions) = (self.config.clone(), self.sessions.clone());
        let run = async move {
            if let Some(session) = self.sessions.find(&input) {
                let lane = lane(&cost, &session, &config);
                return self
                    .lanes
                    .run(lane, &job, move || {
                        let _listed = listed;
                        work(&config, &session, &context)
                    })
                    .await?;
            }
            let probe = {
                let (config, sessions) = (config.clone(), sessions.clone());
                move || match compile_if_small(&input, &config, &sessions, &context) {
                    Ok(Probed::Small(session)) => Ok(Ok(work(&config, &session, &context))),
                    Ok(Probed::Large(loaded)) => Ok(Err((loaded, input, work, context, listed))),
                    Err(e) => Err(e),
                }
            };
            let (loaded, input, work, context, listed) =
                match self.lanes.run(Lane::Light, &job, probe).await?? {
                    Ok(answer) => return answer,
                    Err(large) => large,
                };
            self.lanes
                .run(Lane::Heavy, &job, move || {
                    let _listed = listed;
                    let prepared = detente_app::compile(*loaded, &config.limits, &context)?;
                    let session = sessions.keep(&input, prepared, &config)?;
                    work(&config, &session, &context)
                })
                .await?
        };
        self.bounded(run).await
    }

    /// Runs engine work that needs no compiled model (reading a file into a form) on the
    /// light lane, within the time limit.
    pub(crate) async fn light<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Config, &Work) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let (_started, context, listed) = self
            .jobs
            .start(JobName::none(), self.config.limits.start())?;
        let job = context.job.clone();
        let config = self.config.clone();
        let run = self.lanes.run(Lane::Light, &job, move || {
            let _listed = listed;
            work(&config, &context)
        });
        self.bounded(async { run.await? }).await
    }

    /// `run`, given up [`BACKSTOP`] after the time limit.
    async fn bounded<T>(
        &self,
        run: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        match self.config.limits.time {
            Some(timeout) => tokio::time::timeout(timeout + BACKSTOP, run)
                .await
                .unwrap_or_else(|_| Err(ApiError::too_slow(detente_app::whole_seconds(timeout)))),
            None => run.await,
        }
    }
}
