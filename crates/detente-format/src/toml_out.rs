//! Writes the TOML model format in the layout docs/MODEL_FORMAT.md shows, so
//! a converted model reads like a hand-written one.

use std::fmt::Write;

use detente_engine::{DecisionMaker, Direction, Expr, Model, Notes, Preferences, Tier};

use crate::pattern;
use crate::rules::RuleForm;
use crate::toml_in::FORMAT_TAG;

pub(crate) fn write(model: &Model) -> String {
    let ids: Vec<String> = model.options().map(|(_, o)| o.id.clone()).collect();
    let n = ids.len();
    let expr = |e: &Expr| quote(&render(e, &ids));
    let mut out = String::new();
    let _ = writeln!(out, "format = {}", quote(FORMAT_TAG));
    if let Some(status_quo) = model.status_quo {
        let on: Vec<String> = (0..n)
            .filter(|k| status_quo >> k & 1 == 1)
            .map(|k| quote(&ids[k]))
            .collect();
        let _ = writeln!(out, "status_quo = [{}]", on.join(", "));
    }

    out.push_str("\n[model]\n");
    key(&mut out, "", "name", &model.name);
    notes(&mut out, "", &model.notes);

    for dm in &model.decision_makers {
        out.push_str("\n[[dm]]\n");
        key(&mut out, "", "id", &dm.id);
        key(&mut out, "", "name", &dm.name);
        notes(&mut out, "", &dm.notes);
        match &dm.preferences {
            Preferences::Prioritization(statements) if statements.is_empty() => {}
            Preferences::Prioritization(statements) => {
                out.push_str("preferences = [\n");
                for (j, statement) in statements.iter().enumerate() {
                    let text = expr(&statement.expr);
                    let priority = priority_field(dm, j);
                    if statement.notes == Notes::default() && priority.is_none() {
                        let _ = writeln!(out, "  {text},");
                    } else {
                        let mut fields = vec![format!("statement = {text}")];
                        fields.extend(priority);
                        fields.extend(note_fields(&statement.notes));
                        let _ = writeln!(out, "  {{ {} }},", fields.join(", "));
                    }
                }
                out.push_str("]\n");
            }
            Preferences::Ranking { tiers, notes } => {
                out.push_str("ranking = [\n");
                for (t, tier) in tiers.iter().enumerate() {
                    let text = tier_text(tier, &ids, n);
                    match priority_field(dm, t) {
                        Some(priority) => {
                            let _ = writeln!(out, "  {{ tier = {text}, {priority} }},");
                        }
                        None => {
                            let _ = writeln!(out, "  {text},");
                        }
                    }
                }
                out.push_str("]\n");
                if let Some(d) = &notes.description {
                    key(&mut out, "", "ranking_description", d);
                }
                if let Some(s) = &notes.source {
                    key(&mut out, "", "ranking_source", s);
                }
            }
        }
        if !dm.misperceived.is_empty() {
            let items: Vec<String> = dm
                .misperceived
                .iter()
                .map(|e| item_text(e, &ids, n))
                .collect();
            let _ = writeln!(out, "misperceives = [{}]", items.join(", "));
        }
        for option in &dm.options {
            out.push_str("\n  [[dm.option]]\n");
            key(&mut out, "  ", "id", &option.id);
            if option.label != option.id {
                key(&mut out, "  ", "label", &option.label);
            }
            match option.direction {
                Direction::Both => {}
                Direction::Forward => key(&mut out, "  ", "irreversible", "forward"),
                Direction::Backward => key(&mut out, "  ", "irreversible", "backward"),
            }
            notes(&mut out, "  ", &option.notes);
        }
    }

    for rule in &model.rules {
        out.push_str("\n[[rule]]\n");
        let form = RuleForm::recognise(&rule.condition);
        let value = match &form {
            RuleForm::NotBoth(list)
            | RuleForm::AtLeastOne(list)
            | RuleForm::AtMostOne(list)
            | RuleForm::ExactlyOne(list) => id_list(list, &ids),
            RuleForm::Implies(p, q) => id_list(&[*p, *q], &ids),
            RuleForm::Require(e) | RuleForm::Forbid(e) => expr(e),
        };
        let _ = writeln!(out, "{} = {value}", form.kind());
        notes(&mut out, "", &rule.notes);
    }

    for state in &model.named_states {
        out.push_str("\n[[state]]\n");
        key(&mut out, "", "name", &state.name);
        let on: Vec<usize> = (0..n).filter(|k| state.pattern >> k & 1 == 1).collect();
        let _ = writeln!(out, "options = {}", id_list(&on, &ids));
        notes(&mut out, "", &state.notes);
    }

    for coalition in &model.coalitions {
        out.push_str("\n[[coalition]]\n");
        let members: Vec<String> = coalition
            .members
            .iter()
            .map(|&d| quote(&model.decision_makers[d].id))
            .collect();
        let _ = writeln!(out, "members = [{}]", members.join(", "));
        notes(&mut out, "", &coalition.notes);
    }
    out
}

/// A set of states as a Y/N/- pattern where it is one, else as an expression.
fn item_text(item: &Expr, ids: &[String], n: usize) -> String {
    match pattern::of_expr(item, n) {
        Some((mask, bits)) => quote(&pattern::render(mask, bits, n)),
        None => quote(&render(item, ids)),
    }
}

/// `priority = [lo, hi]` (1-based) if the DM's element `element` is uncertain.
fn priority_field(dm: &DecisionMaker, element: usize) -> Option<String> {
    dm.uncertain.iter().find(|u| u.element == element).map(|u| {
        format!(
            "priority = [{}, {}]",
            u.positions.start() + 1,
            u.positions.end() + 1
        )
    })
}

/// A tier: one item, or a list of tied items.
fn tier_text(tier: &Tier, ids: &[String], n: usize) -> String {
    let items: Vec<String> = tier.items.iter().map(|i| item_text(i, ids, n)).collect();
    match items.as_slice() {
        [one] => one.clone(),
        _ => format!("[{}]", items.join(", ")),
    }
}

/// An expression in the file syntax. `Expr::display` output parses back to the
/// same tree except for `And`/`Or` with fewer than two parts, which no syntax
/// keeps apart from their content; those print as their logical equivalent.
fn render(expr: &Expr, ids: &[String]) -> String {
    expr.display(&|k| ids.get(k).cloned().unwrap_or_else(|| format!("option_{k}")))
}

fn id_list(list: &[usize], ids: &[String]) -> String {
    let quoted: Vec<String> = list
        .iter()
        .map(|&k| quote(ids.get(k).map_or("?", String::as_str)))
        .collect();
    format!("[{}]", quoted.join(", "))
}

fn key(out: &mut String, indent: &str, key: &str, value: &str) {
    let _ = writeln!(out, "{indent}{key} = {}", quote(value));
}

fn notes(out: &mut String, indent: &str, notes: &Notes) {
    for field in note_fields(notes) {
        let _ = writeln!(out, "{indent}{field}");
    }
}

fn note_fields(notes: &Notes) -> Vec<String> {
    let mut fields = Vec::new();
    if let Some(d) = &notes.description {
        fields.push(format!("description = {}", quote(d)));
    }
    if let Some(s) = &notes.source {
        fields.push(format!("source = {}", quote(s)));
    }
    fields
}

/// A TOML basic string.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_what_toml_requires() {
        assert_eq!(quote("a \"b\"\\\n\u{1}"), "\"a \\\"b\\\"\\\\\\n\\u0001\"");
    }
}
