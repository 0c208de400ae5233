//! `detente`: conflict analysis with the Graph Model for Conflict Resolution.
//! A thin layer over the library crates: parse arguments, read files, call the
//! engine, print. Exit codes: 0 success, 1 failure to write output, 2 bad input
//! (a malformed model, an unknown example, a model over the limits, bad arguments).

mod args;
mod commands;
mod foresight;
mod input;
mod inverse;
mod robustness;
mod serve;

use clap::Parser;
use detente_report::RenderError;
use std::process::ExitCode;

/// An error the user can act on, with the exit code it maps to.
pub enum Failure {
    /// Bad input: already explained on stderr or carried as a diagnostic.
    Input(miette::Report),
    /// Writing the output failed.
    Output(anyhow::Error),
}

impl From<miette::Report> for Failure {
    fn from(report: miette::Report) -> Self {
        Failure::Input(report)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure::Output(error.into())
    }
}

/// A format the report has no form in is bad input, with the formats it has as help.
impl From<RenderError> for Failure {
    fn from(error: RenderError) -> Self {
        match error {
            RenderError::Unsupported(refusal) => Failure::Input(miette::miette!(
                help = format!("use --format {}", refusal.alternatives()),
                "{refusal}"
            )),
            RenderError::Io(error) => error.into(),
        }
    }
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(color)
                .unicode(color)
                .terminal_links(false)
                .build(),
        )
    }));
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(report)) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
        Err(Failure::Output(error)) => {
            // A closed pipe (`detente ... | head`) is not an error worth reporting.
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}
