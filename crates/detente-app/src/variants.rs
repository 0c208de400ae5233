//! A model changed by a program rather than in its file: some decision makers'
//! preferences replaced, or another status quo. The change is made to the model's JSON
//! form (the file's document, detente-format's `form`), which is then read and compiled
//! as any model is, so a changed model is checked exactly as a written one and its
//! errors name the form path at fault.

use crate::error::AppError;
use crate::limits::{Limits, Timer};
use crate::positions::{POSITION_KEYS, with_positions};
use crate::source::{Prepared, Source, compile, load};
use detente_engine::StateIndex;
use serde_json::Value;

impl Prepared {
    /// The model's JSON form: its TOML document as JSON (a `.gmcr` model's TOML conversion).
    pub fn form(&self) -> Result<Value, AppError> {
        let name = match self.loaded.kind {
            detente_format::FileKind::Toml => "model.toml",
            detente_format::FileKind::Gmcr => "model.gmcr",
        };
        Ok(detente_format::form_of_file(self.loaded.text(), name)?)
    }

    /// This model with each named decision maker's preferences replaced by a position:
    /// an object of the model format's preference keys ([`POSITION_KEYS`]), such as
    /// `{"preferences": [{"statement": "a & !b"}]}` or `{"ranking": [[3], [1, 2]]}`. A
    /// decision maker is named by its name or id.
    pub fn with_preferences(
        &self,
        positions: &[(String, Value)],
        limits: &Limits,
        timer: &Timer,
    ) -> Result<Prepared, AppError> {
        self.with_preferences_in(&self.form()?, positions, limits, timer)
    }

    /// [`Prepared::with_preferences`] given this model's `form` ([`Prepared::form`]), for
    /// callers that change it many times.
    pub(crate) fn with_preferences_in(
        &self,
        form: &Value,
        positions: &[(String, Value)],
        limits: &Limits,
        timer: &Timer,
    ) -> Result<Prepared, AppError> {
        let by_id = positions
            .iter()
            .map(|(dm, position)| {
                let d = self.dm(dm)?;
                if position.as_object().is_some_and(|p| p.is_empty()) {
                    return Err(AppError::invalid(format!(
                        "the new preferences of `{dm}` are empty"
                    ))
                    .help(format!("give one of {}", POSITION_KEYS.join(", "))));
                }
                Ok((self.model().decision_makers[d].id.clone(), position.clone()))
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let form = with_positions(form, &by_id)?;
        read(form, limits, timer)
    }

    /// This model with `state` as its status quo (`None`: without one).
    pub fn with_status_quo(
        &self,
        state: Option<StateIndex>,
        limits: &Limits,
        timer: &Timer,
    ) -> Result<Prepared, AppError> {
        let mut form = self.form()?;
        let Value::Object(root) = &mut form else {
            return Err(AppError::invalid("the model's form is not a table"));
        };
        match state {
            Some(s) => {
                let taken: Vec<Value> = self
                    .model()
                    .options()
                    .zip(self.conflict.space().yn(s).chars())
                    .filter(|(_, yn)| *yn == 'Y')
                    .map(|((_, option), _)| Value::from(option.id.as_str()))
                    .collect();
                root.insert("status_quo".to_string(), Value::Array(taken));
            }
            None => {
                root.remove("status_quo");
            }
        }
        read(form, limits, timer)
    }
}

/// Reads and compiles a changed model's form.
fn read(form: Value, limits: &Limits, timer: &Timer) -> Result<Prepared, AppError> {
    compile(load(&Source::Form(form), limits)?, limits, timer)
}
