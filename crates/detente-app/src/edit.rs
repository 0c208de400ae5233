//! Edits of a model's JSON form that need the model language understood: renaming an
//! option or a decision maker everywhere it is named, and the conjunctions of option
//! values that editors show as clicks (Y, N or either per option) rather than text.

use crate::error::AppError;
use detente_format::expression;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a rename renames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renamed {
    Option,
    DecisionMaker,
}

/// Renames the option or decision maker `from` to `to` in `form`, everywhere the form
/// names it. Refused when there is no such id, when `to` cannot be one, or when another
/// option or decision maker already has it (its mentions and the renamed one's would merge).
pub fn rename(form: &mut Value, what: Renamed, from: &str, to: &str) -> Result<(), AppError> {
    let (noun, ids) = match what {
        Renamed::Option => ("option", ids_in(form, &["option"])),
        Renamed::DecisionMaker => ("decision maker", ids_in(form, &[])),
    };
    if !ids.iter().any(|id| id == from) {
        return Err(
            AppError::invalid(format!("the model has no {noun} `{from}`"))
                .help(format!("{noun}s: {}", ids.join(", "))),
        );
    }
    if to != from && ids.iter().any(|id| id == to) {
        return Err(
            AppError::invalid(format!("another {noun} is already called `{to}`"))
                .help(format!("give the {noun} an id of its own")),
        );
    }
    match what {
        Renamed::Option if !expression::is_option_id(to) => Err(AppError::invalid(format!(
            "`{to}` cannot be an option's id"
        ))
        .help(
            "an option's id starts with a letter or `_` and has only letters, digits and `_`; `and`, `or`, `not`, `if`, `iff`, `implies`, `true` and `false` are words of the expression language",
        )),
        Renamed::Option => {
            detente_format::rename_option(form, from, to);
            Ok(())
        }
        Renamed::DecisionMaker if to.trim().is_empty() => Err(AppError::invalid(
            "a decision maker's id cannot be empty",
        )),
        Renamed::DecisionMaker => {
            detente_format::rename_dm(form, from, to);
            Ok(())
        }
    }
}

/// The ids of the form's decision makers (`path` empty) or of their options (`["option"]`).
fn ids_in(form: &Value, path: &[&str]) -> Vec<String> {
    let dms = form["dm"].as_array().map_or(&[][..], Vec::as_slice);
    let id = |v: &Value| v["id"].as_str().map(str::to_string);
    match path {
        [] => dms.iter().filter_map(id).collect(),
        [key, ..] => dms
            .iter()
            .flat_map(|dm| dm[*key].as_array().map_or(&[][..], Vec::as_slice))
            .filter_map(id)
            .collect(),
    }
}

/// For each expression, the option values it fixes when it is a conjunction of options
/// and negated options (option id to Y, `true`, or N); `None` for any other expression.
/// `options` are the model's option ids in column order.
pub fn values(options: &[String], expressions: &[String]) -> Vec<Option<BTreeMap<String, bool>>> {
    let ids: Vec<&str> = options.iter().map(String::as_str).collect();
    expressions
        .iter()
        .map(|text| {
            expression::literals(text, &ids).map(|fixed| {
                fixed
                    .into_iter()
                    .map(|(k, y)| (options[k].clone(), y))
                    .collect()
            })
        })
        .collect()
}

/// The expression that fixes exactly `values` (option id to Y or N): `a & !b`; `true`
/// when it fixes none. Every id must be one of `options`.
pub fn conjunction(
    options: &[String],
    values: &BTreeMap<String, bool>,
) -> Result<String, AppError> {
    let ids: Vec<&str> = options.iter().map(String::as_str).collect();
    let fixed = values
        .iter()
        .map(|(id, &y)| {
            ids.iter()
                .position(|known| known == id)
                .map(|k| (k, y))
                .ok_or_else(|| {
                    AppError::invalid(format!("no option called `{id}`"))
                        .help(format!("options: {}", ids.join(", ")))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(expression::conjunction(&ids, &fixed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form() -> Value {
        json!({ "format": "detente/1",
            "dm": [{ "id": "a", "preferences": ["b_acts & !a_acts"], "option": [{ "id": "a_acts" }] },
                   { "id": "b", "option": [{ "id": "b_acts" }] }],
            "coalition": [{ "members": ["a", "b"] }] })
    }

    #[test]
    fn renames_are_refused_when_they_would_lose_or_merge_something() {
        let mut f = form();
        rename(&mut f, Renamed::Option, "a_acts", "a_strikes").unwrap();
        assert_eq!(f["dm"][0]["preferences"][0], "b_acts & !a_strikes");
        rename(&mut f, Renamed::DecisionMaker, "b", "bee").unwrap();
        assert_eq!(f["coalition"][0]["members"], json!(["a", "bee"]));
        for (what, from, to, says) in [
            (Renamed::Option, "nothing", "x", "no option `nothing`"),
            (
                Renamed::Option,
                "a_strikes",
                "b_acts",
                "already called `b_acts`",
            ),
            (
                Renamed::Option,
                "a_strikes",
                "a strikes",
                "cannot be an option's id",
            ),
            (
                Renamed::Option,
                "a_strikes",
                "not",
                "cannot be an option's id",
            ),
            (Renamed::DecisionMaker, "a", "bee", "already called `bee`"),
            (Renamed::DecisionMaker, "a", " ", "cannot be empty"),
        ] {
            let before = f.clone();
            let error = rename(&mut f, what, from, to).unwrap_err().to_string();
            assert!(error.contains(says), "{error}");
            assert_eq!(f, before);
        }
    }

    #[test]
    fn values_and_conjunctions_go_both_ways() {
        let options = vec!["a".to_string(), "b".to_string()];
        let read = values(&options, &["b & !a".into(), "a | b".into(), "c".into()]);
        let fixed: BTreeMap<String, bool> =
            [("a".to_string(), false), ("b".to_string(), true)].into();
        assert_eq!(read, vec![Some(fixed.clone()), None, None]);
        assert_eq!(conjunction(&options, &fixed).unwrap(), "!a & b");
        assert_eq!(conjunction(&options, &BTreeMap::new()).unwrap(), "true");
        let unknown: BTreeMap<String, bool> = [("c".to_string(), true)].into();
        assert!(
            conjunction(&options, &unknown)
                .unwrap_err()
                .to_string()
                .contains("no option called `c`")
        );
    }
}
