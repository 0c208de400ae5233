//! `detente`: conflict analysis with the Graph Model for Conflict Resolution.
//! A thin layer over the library crates: parse arguments, read files, call the
//! engine, print. Exit codes: 0 success, 1 failure to write output or a council
//! record that does not verify, 2 bad input (a malformed model, an unknown example,
//! a model over the limits, a file that is no council record, bad arguments).

mod args;
mod commands;
mod council;
mod foresight;
mod input;
mod inverse;
mod robustness;
mod serve;

use clap::Parser;
use detente_report::RenderError;
use std::fmt::Write;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;

/// An error the user can act on, with the exit code it maps to.
pub enum Failure {
    /// Bad input: already explained on stderr or carried as a diagnostic.
    Input(miette::Report),
    /// Writing the output failed.
    Output(anyhow::Error),
    /// What was checked does not hold (a council record that does not verify); what
    /// fails is already on standard output, and this says so in one line.
    Unverified(String),
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

/// The report as miette draws it, or, should drawing fail or panic, as plain text:
/// a problem in drawing an error must not turn it into a crash.
fn describe(report: &miette::Report) -> String {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let drawn = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let mut text = String::new();
        write!(text, "{report:?}").map(|()| text)
    }));
    std::panic::set_hook(hook);
    match drawn {
        Ok(Ok(text)) => text,
        _ => plain(report.as_ref()),
    }
}

/// Message, location and help, with nothing that could fail to draw.
fn plain(diagnostic: &dyn miette::Diagnostic) -> String {
    let mut text = format!("error: {diagnostic}");
    let first_label = diagnostic.labels().and_then(|mut labels| labels.next());
    if let (Some(label), Some(source)) = (first_label, diagnostic.source_code())
        && let Ok(contents) = source.read_span(label.inner(), 0, 0)
    {
        let name = contents.name().unwrap_or("input");
        let _ = write!(
            text,
            "\n  at {name}:{}:{}",
            contents.line() + 1,
            contents.column() + 1
        );
    }
    if let Some(help) = diagnostic.help() {
        let _ = write!(text, "\n  help: {help}");
    }
    text
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
            eprintln!("{}", describe(&report));
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
        Err(Failure::Unverified(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A diagnostic that panics when miette draws it (its code), not when read plainly.
    #[derive(Debug, thiserror::Error)]
    #[error("broken")]
    struct Undrawable;

    impl miette::Diagnostic for Undrawable {
        fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
            Some(Box::new("fix it"))
        }

        fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
            panic!("cannot be drawn")
        }
    }

    #[test]
    fn an_error_that_cannot_be_drawn_is_described_in_plain_text() {
        let report = miette::Report::new(Undrawable);
        assert_eq!(describe(&report), "error: broken\n  help: fix it");
    }

    /// A located diagnostic.
    #[derive(Debug, thiserror::Error, miette::Diagnostic)]
    #[error("misplaced")]
    struct Located {
        #[source_code]
        code: String,
        #[label("here")]
        span: miette::SourceSpan,
    }

    #[test]
    fn plain_text_gives_the_location() {
        let error = Located {
            code: "a\nbc".into(),
            span: (3, 1).into(),
        };
        assert_eq!(plain(&error), "error: misplaced\n  at input:2:2");
    }
}
