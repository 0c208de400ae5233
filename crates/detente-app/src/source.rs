//! Where a model comes from, and reading it: a file, a text with its name, a
//! built-in example, or the JSON form the workbench edits. Errors are located in
//! the source, under the name given (in a form, by its path).

use crate::error::{AppError, Limit};
use crate::limits::{Limits, Timer};
use detente_engine::{CompileError, Conflict, ModelError};
use detente_format::Loaded;
use std::path::PathBuf;

/// A model to read.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A model file on disk (.toml or .gmcr, by extension or content).
    File(PathBuf),
    /// A model file's text; `name` is used in messages and tells the format by extension.
    Text { text: String, name: String },
    /// A built-in model by name; `None` is the default (the NRC scenario).
    Example(Option<String>),
    /// The model's JSON form (detente-format's `form` module), as the workbench edits it;
    /// errors name the form path at fault.
    Form(serde_json::Value),
}

impl Source {
    /// The source as a reader would name it to find the model again: a path, a
    /// file's name, or "the built-in example nrc".
    pub fn describe(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Text { name, .. } => name.clone(),
            Source::Example(name) => format!(
                "the built-in example {}",
                name.as_deref()
                    .unwrap_or(detente_examples::default_example().name)
            ),
            Source::Form(_) => "the model edited in the workbench".to_string(),
        }
    }
}

/// A model read and compiled, ready for any analysis.
pub struct Prepared {
    pub loaded: Loaded,
    pub conflict: Conflict,
}

/// Reads the model `source` names, without compiling it.
pub fn load(source: &Source, limits: &Limits) -> Result<Loaded, AppError> {
    let loaded = match source {
        Source::File(path) => {
            let bytes = std::fs::read(path).map_err(|e| {
                AppError::invalid(format!("cannot read `{}`: {e}", path.display()))
                    .help("check the path; models are .toml (detente) or .gmcr (GMCR+) files")
            })?;
            let name = path.display().to_string();
            detente_format::decode(bytes, &name)
                .and_then(|text| detente_format::parse_within(&text, &name, limits.max_states))
        }
        Source::Text { text, name } => detente_format::parse_within(text, name, limits.max_states),
        Source::Example(name) => {
            let example = match name {
                Some(name) => detente_examples::find(name).ok_or_else(|| {
                    AppError::invalid(format!("no built-in model called `{name}`"))
                        .help(format!("built-in models: {}", example_names()))
                })?,
                None => detente_examples::default_example(),
            };
            detente_format::parse_within(example.source, example.file_name, limits.max_states)
        }
        Source::Form(form) => detente_format::parse_form(form, limits.max_states),
    };
    Ok(loaded?)
}

/// The built-in models' names, comma-separated.
fn example_names() -> String {
    let names: Vec<&str> = detente_examples::EXAMPLES.iter().map(|e| e.name).collect();
    names.join(", ")
}

/// Reads and compiles the model `source` names, refusing more than `limits.max_states`
/// states and stopping when `timer` runs out.
pub fn prepare(source: &Source, limits: &Limits, timer: &Timer) -> Result<Prepared, AppError> {
    compile(load(source, limits)?, limits, timer)
}

/// Compiles a model already read, refusing more than `limits.max_states` states and
/// stopping when `timer` runs out: a request's time counts from its start, and
/// compiling tens of millions of states can take longer than the analysis.
pub fn compile(loaded: Loaded, limits: &Limits, timer: &Timer) -> Result<Prepared, AppError> {
    match Conflict::compile_within(&loaded.model, limits.max_states, timer) {
        Ok(conflict) => Ok(Prepared { loaded, conflict }),
        Err(CompileError::OutOfTime(e)) => Err(timer.over(e)),
        Err(CompileError::Model(error @ ModelError::TooManyStates { limit, .. })) => Err(
            AppError::over(Limit::States { max: limit }, error.to_string()),
        ),
        Err(CompileError::Model(error)) => Err(AppError::Model(loaded.locate(error))),
    }
}
