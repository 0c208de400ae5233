//! Loading models from files and built-in examples, with errors as diagnostics.

use crate::args::ModelSource;
use detente_engine::Conflict;
use detente_format::Loaded;
use miette::miette;
use std::path::Path;

/// A model ready for analysis.
pub struct Prepared {
    pub loaded: Loaded,
    pub conflict: Conflict,
}

pub fn read_file(path: &Path) -> miette::Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        miette!(
            help = "check the path; models are .toml (detente) or .gmcr (GMCR+) files",
            "cannot read `{}`: {e}",
            path.display()
        )
    })
}

/// Parses the model named by `source` (a file, an example, or the NRC default).
pub fn load(source: &ModelSource) -> miette::Result<Loaded> {
    let parsed = match (&source.model, &source.example) {
        (Some(path), _) => detente_format::parse(&read_file(path)?, &path.display().to_string()),
        (None, name) => {
            let example = match name {
                Some(name) => detente_examples::find(name).ok_or_else(|| {
                    let names: Vec<&str> =
                        detente_examples::EXAMPLES.iter().map(|e| e.name).collect();
                    miette!(
                        help = format!("built-in models: {}", names.join(", ")),
                        "no built-in model called `{name}`"
                    )
                })?,
                None => detente_examples::default_example(),
            };
            detente_format::parse(example.source, example.file_name)
        }
    };
    parsed.map_err(|e| miette::Report::new(*e))
}

/// Parses and compiles, refusing more than `source.max_states` states.
pub fn prepare(source: &ModelSource) -> miette::Result<Prepared> {
    let loaded = load(source)?;
    let conflict = loaded
        .compile(source.max_states)
        .map_err(|e| miette::Report::new(*e))?;
    Ok(Prepared { loaded, conflict })
}
