//! Requests that produce model files rather than analyses: conversion between
//! our TOML and GMCR+'s `.gmcr`, and seeded random models.

use crate::error::AppError;
use crate::limits::{Limits, Timer};
use crate::source;
use detente_engine::generate::{PreferenceKind, Shape};
use detente_engine::{MAX_STATEMENTS, Model, model::MAX_OPTIONS};
use detente_format::Loaded;

/// A model file format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelFormat {
    /// detente's TOML (docs/MODEL_FORMAT.md).
    Toml,
    /// GMCR+'s `.gmcr` JSON.
    Gmcr,
}

impl ModelFormat {
    /// The format a file name's extension names: `.toml`, or `.gmcr` (also `.json`).
    pub fn of_file_name(name: &str) -> Result<ModelFormat, AppError> {
        let extension = std::path::Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("toml") => Ok(ModelFormat::Toml),
            Some("gmcr" | "json") => Ok(ModelFormat::Gmcr),
            _ => Err(
                AppError::invalid(format!("cannot tell the output format of `{name}`"))
                    .help("name the output file with .toml (detente) or .gmcr (GMCR+)"),
            ),
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ModelFormat::Toml => "toml",
            ModelFormat::Gmcr => "gmcr",
        }
    }
}

/// A model written out, and what the target format could not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub text: String,
    /// `.gmcr` has no place for uncertain preferences: they were dropped, the order as written kept.
    pub dropped_uncertainty: bool,
    /// `.gmcr` has no place for a status quo or named states: they were dropped.
    pub dropped_states: bool,
}

/// Writes `loaded` in `format` (a `.gmcr` file needs the compiled state numbering, so
/// writing one stops when `timer` runs out).
pub fn convert(
    loaded: Loaded,
    format: ModelFormat,
    limits: &Limits,
    timer: &Timer,
) -> Result<Converted, AppError> {
    match format {
        // A form's TOML keeps its expressions as the user wrote them.
        ModelFormat::Toml => Ok(Converted {
            text: if loaded.is_form() {
                loaded.text().to_string()
            } else {
                detente_format::to_toml(&loaded.model)
            },
            dropped_uncertainty: false,
            dropped_states: false,
        }),
        ModelFormat::Gmcr => {
            let prepared = source::compile(loaded, limits, timer)?;
            let model = prepared.model();
            Ok(Converted {
                text: detente_format::to_gmcr(model, &prepared.conflict)?,
                dropped_uncertainty: model
                    .decision_makers
                    .iter()
                    .any(|d| !d.uncertain.is_empty()),
                dropped_states: model.status_quo.is_some() || !model.named_states.is_empty(),
            })
        }
    }
}

/// A model file opened for editing as its JSON form.
#[derive(Debug)]
pub struct Opened {
    /// The file's document as a form (a `.gmcr` file converted to our format first).
    pub form: serde_json::Value,
    /// Why the file is not a valid model, located in the file: the form is still given,
    /// for the user to fix.
    pub error: Option<AppError>,
}

/// Opens a model file for editing: its form, and its first error if it is not a valid
/// model. Fails only when there is no form to give (not TOML, or a broken `.gmcr`).
pub fn open_for_editing(text: &str, name: &str, limits: &Limits) -> Result<Opened, AppError> {
    let source = crate::Source::Text {
        text: text.to_string(),
        name: name.to_string(),
    };
    let error = source::load(&source, limits).err();
    Ok(Opened {
        form: detente_format::form_of_file(text, name)?,
        error,
    })
}

/// A suggested file name stem for a model: its name in lower case, runs of other
/// characters as `-`, `model` when nothing is left.
pub fn file_stem(model: &Model) -> String {
    let stem: String = model
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    if stem.is_empty() { "model" } else { stem }.to_string()
}

/// Random rankings name every state by pattern; beyond this the file would be huge.
pub const RANKING_MAX_OPTIONS: usize = 16;

/// A random model of `shape` (the same shape and seed give the same model), refusing
/// shapes the engine or the file could not hold.
pub fn generate(shape: &Shape) -> Result<Model, AppError> {
    let options = shape.dms * shape.options_per_dm;
    if options > MAX_OPTIONS {
        return Err(AppError::invalid(format!(
            "{} DMs with {} options each make {options} options; detente handles at most {MAX_OPTIONS}",
            shape.dms, shape.options_per_dm
        ))
        .help("ask for fewer DMs or fewer options per DM"));
    }
    let mut shape = *shape;
    match &mut shape.preferences {
        PreferenceKind::Ranking { .. } if options > RANKING_MAX_OPTIONS => {
            return Err(AppError::invalid(format!(
                "random rankings list every state; they are limited to {RANKING_MAX_OPTIONS} options, not {options}"
            ))
            .help("use prioritization preferences for larger models"));
        }
        PreferenceKind::Prioritization { statements } => {
            *statements = (*statements).min(MAX_STATEMENTS);
        }
        PreferenceKind::Ranking { .. } => {}
    }
    Ok(detente_engine::generate::generate(&shape))
}
