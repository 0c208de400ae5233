//! From command-line arguments to the application layer's requests, and its
//! errors back to diagnostics in the command line's words.

use crate::Failure;
use crate::args::{ModelSource, Timeout};
use detente_app::{AppError, HARD_MAX_STATES, Limit, Limits, Prepared, Source, Timer};
use miette::miette;
use std::time::Duration;

impl ModelSource {
    /// The model these arguments name: a file, an example, or (neither) the NRC scenario.
    pub fn source(&self) -> Source {
        match &self.model {
            Some(path) => Source::File(path.clone()),
            None => Source::Example(self.example.clone()),
        }
    }

    /// The command line's limits with `--max-states` and `--timeout` applied.
    pub fn limits(&self) -> Limits {
        limits(self.max_states, self.timeout)
    }
}

/// The command line's limits with `--max-states` and `--timeout` applied.
pub fn limits(max_states: usize, timeout: Timeout) -> Limits {
    Limits {
        max_states,
        time: timeout.timeout.map(Duration::from_secs),
        ..Limits::command_line()
    }
}

/// Starts the command's clock, then reads and compiles the model `source` names:
/// the time limit counts from the start.
pub fn prepare(source: &ModelSource) -> Result<(Prepared, Timer), Failure> {
    let limits = source.limits();
    let timer = limits.start();
    Ok((
        detente_app::prepare(&source.source(), &limits, &timer)?,
        timer,
    ))
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Failure {
        Failure::Input(match error {
            AppError::Model(located) => miette::Report::new(*located),
            AppError::Invalid {
                message,
                help: Some(help),
            } => miette!(help = help, "{message}"),
            AppError::Invalid {
                message,
                help: None,
            } => miette!("{message}"),
            AppError::OverLimit { limit, message } => miette!(help = help(limit), "{message}"),
            // The command line cancels nothing: Ctrl+C ends the process.
            AppError::Cancelled => miette!("{error}", error = AppError::Cancelled),
        })
    }
}

/// How to stay within `limit`, in terms of this command line's options.
fn help(limit: Limit) -> String {
    match limit {
        Limit::States { .. } => format!(
            "raise the limit with --max-states (at most {HARD_MAX_STATES}), or add feasibility rules that exclude impossible combinations"
        ),
        Limit::Horizon => "lower --horizon".into(),
        Limit::Varied => "vary fewer decision makers (--vary) or leave out seq (--concept)".into(),
        Limit::Profiles => "give --samples and --exact-limit within the limit".into(),
        Limit::RobustnessStates => {
            "choose fewer --concepts, or add feasibility rules to shrink the model".into()
        }
        Limit::Coalitions => {
            "coalitional stability is for Nash, GMR, SMR and SEQ on models of moderate size".into()
        }
        Limit::Time { .. } => "raise it with --timeout SECONDS".into(),
    }
}
