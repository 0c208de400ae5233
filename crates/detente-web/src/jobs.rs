//! Requests the page can follow and stop. A request names itself with the
//! `X-Detente-Job` header; while its work runs, `GET /api/progress/{job}` says how far
//! it has got and `POST /api/cancel` stops it. Every request's work, named or not, is
//! also stopped when its handler is dropped: the client closed the connection, so no
//! one is waiting for the answer any more.

use crate::AppState;
use crate::api::Body;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use detente_app::{Cancel, Timer};
use detente_engine::Deadline;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// The header a request names its job with.
pub const JOB_HEADER: &str = "x-detente-job";
/// Longest job name.
const MAX_JOB_NAME: usize = 64;

/// The job name a request gave, if any.
pub struct JobName(Option<String>);

impl JobName {
    /// No name: the job cannot be followed or cancelled by name.
    pub fn none() -> JobName {
        JobName(None)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for JobName {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<JobName, ApiError> {
        match parts.headers.get(JOB_HEADER) {
            None => Ok(JobName(None)),
            Some(value) => Ok(JobName(Some(job_name(value.to_str().ok())?))),
        }
    }
}

/// A job name as given, if it is one: 1 to 64 ASCII letters, digits and hyphens.
fn job_name(text: Option<&str>) -> Result<String, ApiError> {
    match text {
        Some(name)
            if (1..=MAX_JOB_NAME).contains(&name.len())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            Ok(name.to_string())
        }
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "a job's name must be 1 to 64 letters, digits or hyphens",
        )
        .with_help(format!(
            "name the job in the {JOB_HEADER} header with letters, digits and hyphens only, or leave the header out"
        ))),
    }
}

/// One request's work: the switch that stops it and how far it has got.
pub struct Job {
    cancel: Cancel,
    started: Instant,
    /// Still waiting for a worker.
    waiting: AtomicBool,
    /// Steps done, of the steps known so far (none known: the page shows only the time).
    done: AtomicUsize,
    of: AtomicUsize,
}

impl Job {
    fn new() -> Job {
        Job {
            cancel: Cancel::new(),
            started: Instant::now(),
            waiting: AtomicBool::new(true),
            done: AtomicUsize::new(0),
            of: AtomicUsize::new(0),
        }
    }

    /// `steps` more steps are to come.
    pub fn expect(&self, steps: usize) {
        self.of.fetch_add(steps, Ordering::Relaxed);
    }

    /// One step is done.
    pub fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether the job waits for a worker.
    pub(crate) fn set_waiting(&self, waiting: bool) {
        self.waiting.store(waiting, Ordering::Relaxed);
    }
}

/// What the work of a request is given: its timer, stopped at the time limit or when
/// the job is cancelled, and its job, to report progress to. It is a timer first.
pub struct Work {
    timer: Timer,
    pub job: Arc<Job>,
}

impl Deadline for Work {
    fn passed(&self) -> bool {
        self.timer.passed()
    }
}

impl std::ops::Deref for Work {
    type Target = Timer;

    fn deref(&self) -> &Timer {
        &self.timer
    }
}

/// The named jobs running.
#[derive(Default)]
pub struct Jobs {
    running: Mutex<HashMap<String, Arc<Job>>>,
}

impl Jobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Job>>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a request's job, under its name if it gave one (refused while another job
    /// of that name runs). The [`Started`] cancels the work when dropped; the [`Listed`]
    /// keeps the name listed until dropped too: the work holds it, so that a name is
    /// listed exactly as long as its work runs.
    pub fn start(
        self: &Arc<Jobs>,
        name: JobName,
        timer: Timer,
    ) -> Result<(Started, Work, Listed), ApiError> {
        let job = Arc::new(Job::new());
        if let Some(name) = &name.0 {
            let mut running = self.lock();
            if running.contains_key(name) {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!("a job called `{name}` is already running"),
                )
                .with_help("give every request its own job name"));
            }
            running.insert(name.clone(), job.clone());
        }
        let work = Work {
            timer: timer.cancelled_by(&job.cancel),
            job: job.clone(),
        };
        let listed = Listed(Arc::new(Listing {
            jobs: self.clone(),
            name: name.0,
            job: job.clone(),
        }));
        Ok((Started(job), work, listed))
    }

    fn find(&self, name: &str) -> Option<Arc<Job>> {
        self.lock().get(name).cloned()
    }
}

/// Cancels a request's work when dropped: when the handler ends, having answered or
/// because the client went away.
pub struct Started(Arc<Job>);

impl Drop for Started {
    fn drop(&mut self) {
        self.0.cancel.cancel();
    }
}

/// Keeps a job's name listed while any clone of it lives.
#[derive(Clone)]
pub struct Listed(#[allow(dead_code)] Arc<Listing>);

pub struct Listing {
    jobs: Arc<Jobs>,
    name: Option<String>,
    job: Arc<Job>,
}

impl Drop for Listing {
    fn drop(&mut self) {
        if let Some(name) = &self.name {
            let mut running = self.jobs.lock();
            if running.get(name).is_some_and(|j| Arc::ptr_eq(j, &self.job)) {
                running.remove(name);
            }
        }
    }
}

#[derive(Deserialize)]
pub struct CancelRequest {
    job: String,
}

/// Stops a named job: 204 at once, its work stopping a moment later and its request
/// answered 409; 404 when no job of that name is running.
pub async fn cancel(State(app): State<AppState>, body: Body<CancelRequest>) -> Response {
    let Json(request) = match body {
        Ok(json) => json,
        Err(rejection) => return ApiError::from(rejection).into_response(),
    };
    match app.jobs.find(&request.job) {
        Some(job) => {
            job.cancel.cancel();
            StatusCode::NO_CONTENT.into_response()
        }
        None => not_running(&request.job).into_response(),
    }
}

/// How far a named job has got: steps done of those known, seconds since its request
/// arrived, and whether it still waits for a worker.
pub async fn progress(State(app): State<AppState>, Path(name): Path<String>) -> Response {
    match app.jobs.find(&name) {
        Some(job) => Json(serde_json::json!({
            "job": name,
            "waiting": job.waiting.load(Ordering::Relaxed),
            "done": job.done.load(Ordering::Relaxed),
            "of": job.of.load(Ordering::Relaxed),
            "seconds": job.started.elapsed().as_secs_f64(),
            "cancelled": job.cancel.is_cancelled(),
        }))
        .into_response(),
        None => not_running(&name).into_response(),
    }
}

fn not_running(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no job called `{name}` is running"),
    )
    .with_help("it has finished, was cancelled, or never started")
}
