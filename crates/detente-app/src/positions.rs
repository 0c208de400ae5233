//! A model whose decision makers state their preferences separately, as the council's
//! delegations do: the public agenda (the model with every preference taken out), one
//! party's position (its preference statements or ranking), and the model they make
//! together. Positions are the model format's own keys in the model's JSON form, so a
//! position is written and checked exactly as that part of a model file is.

use crate::error::AppError;
use crate::limits::Limits;
use serde_json::{Map, Value};

/// The keys of a decision maker that say what it prefers, or what it perceives of the
/// others (misperceptions rest on its view of the conflict): a position holds these and
/// only these; the agenda none of them.
pub const POSITION_KEYS: &[&str] = &[
    "preferences",
    "ranking",
    "ranking_description",
    "ranking_source",
    "misperceives",
];

/// The model's form with every decision maker's position taken out: what every party
/// may see (options, rules, status quo, named states).
pub fn agenda(form: &Value) -> Value {
    let mut agenda = form.clone();
    for dm in dms_mut(&mut agenda) {
        for key in POSITION_KEYS {
            dm.remove(*key);
        }
    }
    agenda
}

/// The position decision maker `dm` (its id) takes in the model's form, as a position
/// (an object of [`POSITION_KEYS`]); `None` when the form has no such decision maker.
pub fn position_in(form: &Value, dm: &str) -> Option<Value> {
    let table = dms(form).find(|t| t.get("id").and_then(Value::as_str) == Some(dm))?;
    let position: Map<String, Value> = table
        .iter()
        .filter(|(k, _)| POSITION_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some(Value::Object(position))
}

/// The ids of the agenda's decision makers, in model order.
pub fn dm_ids(form: &Value) -> Vec<String> {
    dms(form)
        .filter_map(|t| t.get("id").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// The model the agenda and these positions make, each position by its decision
/// maker's id. A decision maker without a position has no preferences (is indifferent).
pub fn with_positions(agenda: &Value, positions: &[(String, Value)]) -> Result<Value, AppError> {
    let mut form = agenda.clone();
    for (dm, position) in positions {
        let Value::Object(position) = position else {
            return Err(AppError::invalid(format!(
                "the position of `{dm}` must be an object with the keys {}",
                POSITION_KEYS.join(", ")
            )));
        };
        if let Some(key) = position
            .keys()
            .find(|k| !POSITION_KEYS.contains(&k.as_str()))
        {
            return Err(AppError::invalid(format!(
                "a position holds only what a decision maker prefers or perceives: `{key}` is not one of {}",
                POSITION_KEYS.join(", ")
            ))
            .help("options, rules and the status quo belong to the agenda, which every party shares"));
        }
        let table = dms_mut(&mut form)
            .find(|t| t.get("id").and_then(Value::as_str) == Some(dm.as_str()))
            .ok_or_else(|| AppError::invalid(format!("the agenda has no decision maker `{dm}`")))?;
        for key in POSITION_KEYS {
            table.remove(*key);
        }
        table.extend(position.clone());
    }
    Ok(form)
}

/// Checks decision maker `dm`'s position against the agenda alone (the others
/// indifferent): an error is located in the model form at the statement at fault.
pub fn check_position(
    agenda: &Value,
    dm: &str,
    position: &Value,
    limits: &Limits,
) -> Result<(), AppError> {
    let form = with_positions(agenda, &[(dm.to_string(), position.clone())])?;
    let loaded = detente_format::parse_form(&form, limits.max_states)?;
    detente_engine::Conflict::compile(&loaded.model, limits.max_states)
        .map_err(|e| AppError::Model(loaded.locate(e)))?;
    Ok(())
}

/// A position written as the part of a model file it is (`preferences = [...]`).
pub fn position_to_toml(position: &Value) -> Result<String, AppError> {
    toml::to_string(position)
        .map_err(|e| AppError::invalid(format!("the position cannot be written as TOML: {e}")))
}

/// A position read from the part of a model file it is, e.g.
/// `preferences = [{ statement = "a & !b" }, { statement = "c", priority = [2, 3] }]`.
pub fn position_from_toml(text: &str) -> Result<Value, AppError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        AppError::invalid(format!("the position is not valid TOML: {}", e.message()))
            .help("write it as in a model file's [[dm]] table, e.g. preferences = [{ statement = \"a & !b\" }]")
    })?;
    serde_json::to_value(table)
        .map_err(|e| AppError::invalid(format!("the position cannot be read: {e}")))
}

fn dms(form: &Value) -> impl Iterator<Item = &Map<String, Value>> {
    form.get("dm")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn dms_mut(form: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    form.get_mut("dm")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nrc() -> Value {
        let example = detente_examples::default_example();
        detente_format::form_of_file(example.source, example.file_name).unwrap()
    }

    #[test]
    fn the_agenda_keeps_options_and_drops_every_position() {
        let form = nrc();
        let agenda = agenda(&form);
        assert_eq!(dm_ids(&agenda), ["us", "russia", "ukraine", "allies"]);
        for dm in dm_ids(&agenda) {
            let position = position_in(&agenda, &dm).unwrap();
            assert_eq!(position, Value::Object(Map::new()), "{dm}");
            assert!(
                position_in(&form, &dm)
                    .unwrap()
                    .get("preferences")
                    .is_some()
            );
        }
        assert_eq!(agenda["status_quo"], form["status_quo"]);
    }

    #[test]
    fn the_agenda_and_every_position_make_the_model_again() {
        let form = nrc();
        let positions: Vec<(String, Value)> = dm_ids(&form)
            .into_iter()
            .map(|dm| (dm.clone(), position_in(&form, &dm).unwrap()))
            .collect();
        let made = with_positions(&agenda(&form), &positions).unwrap();
        let limits = Limits::command_line();
        let again = detente_format::parse_form(&made, limits.max_states).unwrap();
        let original = detente_format::parse_form(&form, limits.max_states).unwrap();
        assert_eq!(again.model, original.model);
    }

    #[test]
    fn a_position_reads_back_from_the_toml_it_is_written_as() {
        let position = position_in(&nrc(), "russia").unwrap();
        let text = position_to_toml(&position).unwrap();
        assert_eq!(position_from_toml(&text).unwrap(), position);
        let error = position_from_toml("preferences = [").unwrap_err();
        assert!(error.to_string().contains("not valid TOML"), "{error}");
    }

    #[test]
    fn a_position_is_checked_where_it_is_at_fault() {
        let agenda = agenda(&nrc());
        let limits = Limits::command_line();
        let good = serde_json::json!({"preferences": [{"statement": "ru_ceasefire"}]});
        check_position(&agenda, "russia", &good, &limits).unwrap();
        let unknown = serde_json::json!({"preferences": [{"statement": "no_such_option"}]});
        let error = check_position(&agenda, "russia", &unknown, &limits).unwrap_err();
        assert!(error.to_string().contains("no_such_option"), "{error}");
        let options = serde_json::json!({"option": []});
        let error = check_position(&agenda, "russia", &options, &limits).unwrap_err();
        assert!(error.to_string().contains("`option`"), "{error}");
        let error = check_position(&agenda, "nobody", &good, &limits).unwrap_err();
        assert!(error.to_string().contains("`nobody`"), "{error}");
    }
}
