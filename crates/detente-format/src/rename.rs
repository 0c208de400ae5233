//! Renaming in a model's JSON form: an option's or a decision maker's id changed
//! everywhere the form names it, so that an edit of an id keeps the model as it was.
//! The form may be invalid: what cannot be read is left as it is, for its error to be
//! reported where it is.

use serde_json::Value;

use crate::expression;
use crate::pattern;
use crate::rules::KINDS;

/// The option `from` renamed `to`: its own id, and every mention in preference statements,
/// ranking tiers, misperceptions, rules, the status quo and named states. Y/N/- patterns
/// name no option and are left as they are.
pub fn rename_option(form: &mut Value, from: &str, to: &str) {
    let options = form["dm"].as_array().map_or(0, |dms| {
        dms.iter().map(|dm| list(&dm["option"]).len()).sum()
    });
    let rename = Renamer { from, to, options };
    // The status quo is a list of ids at the top or under `model` (a Y/N string names none).
    rename.ids(form.get_mut("status_quo").unwrap_or(&mut Value::Null));
    rename.ids(
        form.pointer_mut("/model/status_quo")
            .unwrap_or(&mut Value::Null),
    );
    for dm in list_mut(form.get_mut("dm")) {
        for option in list_mut(dm.get_mut("option")) {
            rename.id(option.get_mut("id"));
        }
        for statement in list_mut(dm.get_mut("preferences")) {
            match statement {
                Value::Object(table) => rename.expression(table.get_mut("statement")),
                text => rename.expression(Some(text)),
            }
        }
        for tier in list_mut(dm.get_mut("ranking")) {
            match tier {
                Value::Object(table) => rename.tier(table.get_mut("tier")),
                items => rename.tier(Some(items)),
            }
        }
        rename.tier(dm.get_mut("misperceives"));
    }
    for rule in list_mut(form.get_mut("rule")) {
        for (k, kind) in KINDS.iter().enumerate() {
            match k {
                // `require` and `forbid` hold expressions; the other kinds lists of ids.
                5 | 6 => rename.expression(rule.get_mut(*kind)),
                _ => rename.ids(rule.get_mut(*kind).unwrap_or(&mut Value::Null)),
            }
        }
    }
    for state in list_mut(form.get_mut("state")) {
        rename.ids(state.get_mut("options").unwrap_or(&mut Value::Null));
    }
}

/// The decision maker `from` renamed `to`: its own id and its membership of coalitions.
pub fn rename_dm(form: &mut Value, from: &str, to: &str) {
    let rename = Renamer {
        from,
        to,
        options: 0,
    };
    for dm in list_mut(form.get_mut("dm")) {
        rename.id(dm.get_mut("id"));
    }
    for coalition in list_mut(form.get_mut("coalition")) {
        rename.ids(coalition.get_mut("members").unwrap_or(&mut Value::Null));
    }
}

struct Renamer<'a> {
    from: &'a str,
    to: &'a str,
    /// How many options the form has: a pattern has one character per option.
    options: usize,
}

impl Renamer<'_> {
    fn id(&self, value: Option<&mut Value>) {
        if let Some(value) = value
            && value.as_str() == Some(self.from)
        {
            *value = Value::String(self.to.to_string());
        }
    }

    /// A list of ids (a string, such as a Y/N status quo, is left alone).
    fn ids(&self, value: &mut Value) {
        for id in list_mut(Some(value)) {
            self.id(Some(id));
        }
    }

    fn expression(&self, value: Option<&mut Value>) {
        if let Some(Value::String(text)) = value
            && let Some(renamed) = expression::rename(text, self.from, self.to)
        {
            *text = renamed;
        }
    }

    /// A tier or a list of misperceptions: one item or a list of them, each a pattern, an
    /// expression or a state number; an item that is the option's id is an expression.
    fn tier(&self, value: Option<&mut Value>) {
        let Some(value) = value else { return };
        let items: Vec<&mut Value> = match value {
            Value::Array(items) => items.iter_mut().collect(),
            item => vec![item],
        };
        for item in items {
            if let Value::String(text) = item
                && (text == self.from || !pattern::looks_like(text, self.options))
            {
                self.expression(Some(item));
            }
        }
    }
}

fn list(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn list_mut(value: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    value
        .and_then(Value::as_array_mut)
        .into_iter()
        .flat_map(|items| items.iter_mut())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Two options, three feasible states (A acts only if B does), every kind of mention of `a_acts`.
    fn form() -> Value {
        json!({
            "format": "detente/1",
            "status_quo": ["a_acts", "b_acts"],
            "dm": [
                { "id": "a", "preferences": ["b_acts", { "statement": "!a_acts if b_acts", "priority": [1, 2] }],
                  "misperceives": ["!a_acts & b_acts", "NN"], "option": [{ "id": "a_acts" }] },
                { "id": "b", "ranking": ["a_acts", { "tier": ["NY"], "priority": [2, 3] }, 1],
                  "option": [{ "id": "b_acts" }] }
            ],
            "rule": [{ "implies": ["a_acts", "b_acts"] }, { "forbid": "a_acts&!b_acts&b_acts" }],
            "state": [{ "name": "Both", "options": ["a_acts", "b_acts"] }, { "name": "By letters", "yn": "YY" }],
            "coalition": [{ "members": ["a", "b"] }]
        })
    }

    #[test]
    fn an_option_is_renamed_everywhere_it_is_named() {
        let mut renamed = form();
        rename_option(&mut renamed, "a_acts", "a_strikes");
        let mut expected = form();
        for (pointer, value) in [
            ("/status_quo/0", json!("a_strikes")),
            ("/dm/0/option/0/id", json!("a_strikes")),
            (
                "/dm/0/preferences/1/statement",
                json!("!a_strikes if b_acts"),
            ),
            ("/dm/0/misperceives/0", json!("!a_strikes & b_acts")),
            ("/dm/1/ranking/0", json!("a_strikes")),
            ("/rule/0/implies/0", json!("a_strikes")),
            ("/rule/1/forbid", json!("a_strikes&!b_acts&b_acts")),
            ("/state/0/options/0", json!("a_strikes")),
        ] {
            *expected.pointer_mut(pointer).unwrap() = value;
        }
        assert_eq!(renamed, expected);
        // The renamed form reads as the same model.
        let before = crate::parse_form(&form(), 1 << 10).unwrap();
        let after = crate::parse_form(&renamed, 1 << 10).unwrap();
        let (b, a) = (&before.model, &after.model);
        assert_eq!(b.rules, a.rules);
        assert_eq!(b.named_states, a.named_states);
        for (b, a) in b.decision_makers.iter().zip(&a.decision_makers) {
            assert_eq!(
                (&b.preferences, &b.misperceived, &b.uncertain),
                (&a.preferences, &a.misperceived, &a.uncertain)
            );
        }
        let (b, a) = (
            before.compile(1 << 10).unwrap(),
            after.compile(1 << 10).unwrap(),
        );
        assert_eq!(b.status_quo(), a.status_quo());
    }

    #[test]
    fn a_decision_maker_is_renamed_in_its_coalitions() {
        let mut renamed = form();
        rename_dm(&mut renamed, "b", "bee");
        assert_eq!(renamed["dm"][1]["id"], "bee");
        assert_eq!(renamed["coalition"][0]["members"], json!(["a", "bee"]));
        assert_eq!(renamed["dm"][0]["id"], "a");
    }

    #[test]
    fn what_cannot_be_read_is_left_alone() {
        let mut odd =
            json!({ "dm": 3, "rule": [{ "forbid": 7 }, { "not_both": "a_acts" }], "state": [{}] });
        let before = odd.clone();
        rename_option(&mut odd, "a_acts", "x");
        rename_dm(&mut odd, "a", "x");
        assert_eq!(odd, before);
    }
}
