//! The limits on what one request may ask, named once for every front end.

use crate::error::AppError;
use std::time::Duration;

/// How much work one request may ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most feasible states a model may have.
    pub max_states: usize,
    /// Longest a request may run before its answer is given up (none: no bound).
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
