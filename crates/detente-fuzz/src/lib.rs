//! Fuzzing detente on stable Rust: seeded, structure-aware mutations of model files
//! ([`mutate`]), the whole application pipeline run on each in-process
//! ([`pipeline`]), panics caught and recorded ([`check`]), and failing inputs
//! shrunk to what still fails ([`minimise`]). The `detente-fuzz` binary drives
//! them; the regression tests replay what it found (docs/RELIABILITY.md).

pub mod minimise;
pub mod mutate;
pub mod pipeline;

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

/// A panic caught while running the pipeline: what it said and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    pub message: String,
    /// `file:line:column` of the panic: findings with the same location are one bug.
    pub location: String,
}

/// How the pipeline ended on one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The model loaded and every request ran (some may have been refused cleanly).
    Analysed,
    /// The model was refused with a clean error.
    Refused,
    Panicked(Panic),
}

/// The last panic's report, filled by the hook [`quiet_panics`] installs; a mutex
/// and not a thread-local because the engine's analyses panic on rayon's threads.
static LAST_PANIC: Mutex<Option<Panic>> = Mutex::new(None);

/// Replaces the panic hook with one that records the panic instead of printing it,
/// so that thousands of caught panics do not flood the output.
pub fn quiet_panics() {
    panic::set_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "(a panic without a message)".into()),
        };
        let location = info
            .location()
            .map_or_else(|| "unknown".into(), |l| l.to_string());
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(Panic { message, location });
    }));
}

/// Runs the whole pipeline on `text`, read as the file `name` (whose extension tells
/// its format), and catches any panic. Call [`quiet_panics`] first to keep them quiet.
pub fn check(text: &str, name: &str) -> Outcome {
    match panic::catch_unwind(AssertUnwindSafe(|| pipeline::run(text, name))) {
        Ok(Ok(())) => Outcome::Analysed,
        Ok(Err(_)) => Outcome::Refused,
        Err(_) => Outcome::Panicked(
            LAST_PANIC
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or_else(|| Panic {
                    message: "(no panic report)".into(),
                    location: "unknown".into(),
                }),
        ),
    }
}
