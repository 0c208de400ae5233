//! The limits on what one request may ask, named once for every front end.

use crate::error::{AppError, Limit};
use detente_engine::{Deadline, OutOfTime};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How much work one request may ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most feasible states a model may have.
    pub max_states: usize,
    /// Longest a request may run (none: no bound): its analyses stop when it is up.
    pub time: Option<Duration>,
    /// Largest request a service accepts, in bytes (none: no bound, as for local files).
    pub body_bytes: Option<usize>,
}

/// The highest state limit anyone may set: about 16 GiB of analysis data for six
/// DMs, beyond what a workstation can hold.
pub const HARD_MAX_STATES: usize = 1 << 28;

/// How long a shared service lets one request run.
pub const SERVICE_TIME: Duration = Duration::from_secs(60);

/// A state limit someone asked for, if the machine can honour it.
pub fn max_states(n: usize) -> Result<usize, AppError> {
    match n {
        0 => Err(AppError::invalid("the state limit must be at least 1")),
        n if n > HARD_MAX_STATES => Err(AppError::invalid(format!(
            "{n} is above the largest limit detente accepts, {HARD_MAX_STATES} states (memory)"
        ))),
        n => Ok(n),
    }
}

impl Limits {
    /// Starts a request's clock: the [`Timer`] its analyses poll.
    pub fn start(&self) -> Timer {
        Timer {
            limit: self.time.map(|time| (time, Instant::now() + time)),
            cancel: None,
        }
    }

    /// The command line's defaults: the engine's state limit, no time or size bound.
    pub const fn command_line() -> Limits {
        Limits {
            max_states: detente_engine::DEFAULT_MAX_STATES,
            time: None,
            body_bytes: None,
        }
    }

    /// A shared service's defaults (the workbench): smaller models, a minute per
    /// request, 4 MiB bodies, so one user cannot hold the server for everyone.
    pub const fn service() -> Limits {
        Limits {
            max_states: 1 << 21,
            time: Some(SERVICE_TIME),
            body_bytes: Some(4 << 20),
        }
    }
}

/// A request's time limit, running since [`Limits::start`], and the switch that cancels
/// it, if it has one: every analysis of the request polls it and stops once the time is
/// up ([`Limit::Time`]) or the request is cancelled ([`AppError::Cancelled`]).
#[derive(Debug, Clone)]
pub struct Timer {
    /// The limit and when it is up; `None`: no bound.
    limit: Option<(Duration, Instant)>,
    /// Stops the work when switched, whatever the time.
    cancel: Option<Cancel>,
}

impl Deadline for Timer {
    fn passed(&self) -> bool {
        self.cancelled() || self.limit.is_some_and(|(_, end)| Instant::now() >= end)
    }
}

impl Timer {
    /// The same timer, stopped also when `cancel` is switched.
    pub fn cancelled_by(self, cancel: &Cancel) -> Timer {
        Timer {
            cancel: Some(cancel.clone()),
            ..self
        }
    }

    /// Whether the request was cancelled.
    pub fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(Cancel::is_cancelled)
    }

    /// The error for work (compiling, an analysis, a check) that this timer stopped:
    /// cancelled, or out of time.
    pub(crate) fn over(&self, _: OutOfTime) -> AppError {
        if self.cancelled() {
            return AppError::Cancelled;
        }
        let seconds = whole_seconds(self.limit.map_or(Duration::ZERO, |(time, _)| time));
        AppError::over(
            Limit::Time { seconds },
            format!("the time limit of {seconds} s was reached before the work was done"),
        )
    }
}

/// A switch that cancels the requests whose [`Timer`]s were given it
/// ([`Timer::cancelled_by`]): their compiling and analyses stop at their next poll, a few
/// microseconds of work later. Clones share the switch.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Stops the work; it cannot be started again.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A time limit in whole seconds, rounded up: front ends take it, and name it, in seconds.
pub fn whole_seconds(time: Duration) -> u64 {
    time.as_secs() + u64::from(time.subsec_nanos() > 0)
}
