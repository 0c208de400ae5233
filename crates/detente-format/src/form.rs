//! The JSON form of a model: a model file's TOML document as JSON, with the same
//! keys and nesting (docs/MODEL_FORMAT.md). The workbench page edits this form;
//! this module is its one implementation: it reads files into forms, writes forms
//! as TOML, and reads them as models with the usual reader, so the format is
//! defined here and nowhere else.
//!
//! An error in a form is located by the JSON Pointer of the element at fault
//! ([`FormatError::form_path`]): the TOML written from the form is deterministic
//! and keeps the form's structure, so the error's span in it is mapped back to
//! the form by walking the TOML document's spans.

use serde_json::{Map, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{FormatError, SourceFile, Span};
use crate::rules::KINDS;
use crate::toml_in::{
    COALITION_KEYS, DM_KEYS, MODEL_KEYS, NOTE_KEYS, OPTION_KEYS, ROOT_KEYS, STATE_KEYS,
    STATEMENT_KEYS, TIER_KEYS, syntax_error,
};
use crate::toml_out::quote;
use crate::{FileKind, Loaded};

/// What errors in a form carry in place of a file name.
pub const FORM_NAME: &str = "the model form";

/// A model file (TOML or `.gmcr`, told apart as [`crate::parse`] does) as a form.
/// A TOML file's document is taken as written, expressions and all, even when it is
/// not a valid model, so that it can be fixed in the form; a `.gmcr` file must be a
/// valid model, and becomes the form of its TOML conversion.
pub fn form_of_file(source: &str, file_name: &str) -> Result<Value, Box<FormatError>> {
    let toml = match crate::kind_of(source, file_name) {
        FileKind::Toml => source.to_string(),
        FileKind::Gmcr => crate::to_toml(&crate::parse_gmcr(source, file_name)?.model),
    };
    let file = SourceFile::new(file_name, &toml);
    toml::from_str(&file.text).map_err(|e| syntax_error(&file, &e))
}

/// A form written as TOML, in the layout of a hand-written model file. A value TOML
/// cannot hold (`null`, an integer beyond 64 bits) is an error at its form path.
pub fn form_to_toml(form: &Value) -> Result<String, Box<FormatError>> {
    let Value::Object(root) = form else {
        return Err(form_error(
            "the model form must be a JSON object with the keys of a model file",
            "",
        )
        .help("for example: {\"format\": \"detente/1\", \"dm\": [...]}"));
    };
    let mut writer = Writer { out: String::new() };
    writer.table(root, &ROOT, "", "", 0)?;
    Ok(writer.out)
}

/// Reads a form as a model: writes it as TOML and reads that with the usual reader
/// (numbering states up to `max_states`). Errors, now and when the model is
/// compiled, carry the form path at fault.
pub fn parse_form(form: &Value, max_states: usize) -> Result<Loaded, Box<FormatError>> {
    let text = form_to_toml(form)?;
    let mut loaded = crate::read_toml(&text, FORM_NAME, max_states).map_err(locate)?;
    loaded.from_form = true;
    Ok(loaded)
}

/// Adds to an error in the TOML written from a form the form path of the element at fault.
pub(crate) fn locate(error: Box<FormatError>) -> Box<FormatError> {
    let path = error
        .span()
        .map(|span| path_at(error.source_text(), &span))
        .unwrap_or_default();
    error.in_form(path)
}

/// An error in a form, at `path`, found before any TOML is written.
fn form_error(message: impl Into<String>, path: &str) -> Box<FormatError> {
    SourceFile::new(FORM_NAME, "")
        .error(message, None)
        .in_form(path.to_string())
}

// ------------------------------------------------------------ locating errors

/// The JSON Pointer of the smallest element (a key or a value) of the TOML document
/// `text` that holds `span`; `""` (the whole form) when none does.
fn path_at(text: &str, span: &Span) -> String {
    let Ok(document) = DeTable::parse(text) else {
        return String::new();
    };
    let root = Spanned::new(document.span(), DeValue::Table(document.into_inner()));
    let mut best = Best {
        target: span.clone(),
        found: None,
    };
    best.visit(&root, "");
    best.found.map(|(_, path)| path).unwrap_or_default()
}

/// The smallest element found so far that holds `target`.
struct Best {
    target: Span,
    found: Option<(usize, String)>,
}

impl Best {
    fn visit(&mut self, value: &Spanned<DeValue>, path: &str) {
        self.consider(value.span(), path);
        match value.get_ref() {
            DeValue::Table(table) => {
                for (key, item) in table.iter() {
                    let inner = format!("{path}/{}", escape(key.get_ref()));
                    self.consider(key.span(), &inner);
                    self.visit(item, &inner);
                }
            }
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.visit(item, &format!("{path}/{i}"));
                }
            }
            _ => {}
        }
    }

    /// Keeps `path` if its `span` holds the target and is no larger than the best so far:
    /// on a tie the later, deeper element wins (an array of tables shares its span with
    /// its first table's header). An empty target is an insertion point: it must lie
    /// strictly inside, or the first key of a file would hold the point before it.
    fn consider(&mut self, span: Span, path: &str) {
        let t = &self.target;
        let holds = if t.is_empty() {
            span.start < t.start && t.end < span.end
        } else {
            span.start <= t.start && t.end <= span.end
        };
        if holds
            && self
                .found
                .as_ref()
                .is_none_or(|(len, _)| span.len() <= *len)
        {
            self.found = Some((span.len(), path.to_string()));
        }
    }
}

/// A key as a JSON Pointer reference token (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

// ------------------------------------------------------------ writing TOML

/// How one kind of table is written.
struct Layout {
    /// Its keys in the order a model file gives them; other keys follow in the form's order.
    order: &'static [&'static [&'static str]],
    /// Keys whose tables (or arrays of tables) are written as `[sections]` of their own.
    sections: &'static [(&'static str, &'static Layout)],
    /// Keys whose arrays are written one item per line, with their tables in this layout.
    lists: &'static [(&'static str, &'static Layout)],
}

impl Layout {
    const fn flat(order: &'static [&'static [&'static str]]) -> Layout {
        Layout {
            order,
            sections: &[],
            lists: &[],
        }
    }

    /// The entries of `table` in writing order.
    fn ordered<'m>(&self, table: &'m Map<String, Value>) -> Vec<(&'m String, &'m Value)> {
        let rank = |key: &str| {
            self.order
                .iter()
                .flat_map(|keys| keys.iter())
                .position(|k| *k == key)
                .unwrap_or(usize::MAX)
        };
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(key, _)| rank(key));
        entries
    }

    /// The layout and tables of `key` if it is written as a section: a table, or a
    /// non-empty array of tables.
    fn section<'v>(&self, key: &str, value: &'v Value) -> Option<(&'static Layout, Section<'v>)> {
        let layout = self.sections.iter().find(|(k, _)| *k == key)?.1;
        let section = match value {
            Value::Object(table) => Section::Table(table),
            Value::Array(items) if !items.is_empty() => Section::Tables(
                items
                    .iter()
                    .map(Value::as_object)
                    .collect::<Option<Vec<_>>>()?,
            ),
            _ => return None,
        };
        Some((layout, section))
    }

    fn list(&self, key: &str) -> Option<&'static Layout> {
        self.lists.iter().find(|(k, _)| *k == key).map(|&(_, l)| l)
    }
}

/// What a section holds.
enum Section<'v> {
    /// A `[table]`.
    Table(&'v Map<String, Value>),
    /// The tables of an `[[array of tables]]`.
    Tables(Vec<&'v Map<String, Value>>),
}

static STATEMENT: Layout = Layout::flat(&[STATEMENT_KEYS]);
static TIER: Layout = Layout::flat(&[TIER_KEYS]);
static OPTION: Layout = Layout::flat(&[OPTION_KEYS]);
static DM: Layout = Layout {
    order: &[DM_KEYS],
    sections: &[("option", &OPTION)],
    lists: &[("preferences", &STATEMENT), ("ranking", &TIER)],
};
static ROOT: Layout = Layout {
    order: &[ROOT_KEYS],
    sections: &[
        ("model", &Layout::flat(&[MODEL_KEYS])),
        ("dm", &DM),
        ("rule", &Layout::flat(&[&KINDS, NOTE_KEYS])),
        ("state", &Layout::flat(&[STATE_KEYS])),
        ("coalition", &Layout::flat(&[COALITION_KEYS])),
    ],
    lists: &[],
};
/// Inline tables with no layout of their own keep the form's order.
static ANY: Layout = Layout::flat(&[]);

struct Writer {
    out: String,
}

impl Writer {
    /// The entries of the table at `path` (a JSON Pointer) whose section header is `header`
    /// (`dm.option`): its values first, as TOML requires, then its sections.
    fn table(
        &mut self,
        table: &Map<String, Value>,
        layout: &Layout,
        header: &str,
        path: &str,
        depth: usize,
    ) -> Result<(), Box<FormatError>> {
        let indent = "  ".repeat(depth.saturating_sub(1));
        let entries = layout.ordered(table);
        for &(key, value) in &entries {
            if layout.section(key, value).is_some() {
                continue;
            }
            let at = pointer(path, key);
            let text = match (layout.list(key), value) {
                (Some(items_layout), Value::Array(items)) if !items.is_empty() => {
                    multiline(items, items_layout, &at)?
                }
                (list, _) => value_text(value, list, &at)?,
            };
            self.out
                .push_str(&format!("{indent}{} = {text}\n", bare_or_quoted(key)));
        }
        for &(key, value) in &entries {
            let Some((inner, section)) = layout.section(key, value) else {
                continue;
            };
            let name = match header {
                "" => bare_or_quoted(key),
                _ => format!("{header}.{}", bare_or_quoted(key)),
            };
            let indent = "  ".repeat(depth);
            let at = pointer(path, key);
            match section {
                Section::Table(table) => {
                    self.out.push_str(&format!("\n{indent}[{name}]\n"));
                    self.table(table, inner, &name, &at, depth + 1)?;
                }
                Section::Tables(tables) => {
                    for (i, table) in tables.into_iter().enumerate() {
                        self.out.push_str(&format!("\n{indent}[[{name}]]\n"));
                        self.table(table, inner, &name, &format!("{at}/{i}"), depth + 1)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// An array written one item per line.
fn multiline(items: &[Value], layout: &Layout, path: &str) -> Result<String, Box<FormatError>> {
    let mut text = String::from("[\n");
    for (i, item) in items.iter().enumerate() {
        let item = value_text(item, Some(layout), &format!("{path}/{i}"))?;
        text.push_str(&format!("  {item},\n"));
    }
    text.push(']');
    Ok(text)
}

/// A value written inline; the tables directly inside an array follow `layout`.
fn value_text(
    value: &Value,
    layout: Option<&Layout>,
    path: &str,
) -> Result<String, Box<FormatError>> {
    Ok(match value {
        Value::Null => {
            return Err(form_error(
                format!(
                    "the form has `null` at {}, which a model file cannot hold",
                    shown(path)
                ),
                path,
            )
            .help("remove the entry, or give it a value"));
        }
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) if n.is_f64() && f.is_finite() => format!("{f:?}"),
            _ => {
                return Err(form_error(
                    format!(
                        "the number {n} at {} is too large for a model file",
                        shown(path)
                    ),
                    path,
                )
                .help("TOML integers are 64-bit signed"));
            }
        },
        Value::String(s) => quote(s),
        Value::Array(items) => {
            let texts = items
                .iter()
                .enumerate()
                .map(|(i, item)| value_text(item, layout, &format!("{path}/{i}")))
                .collect::<Result<Vec<_>, _>>()?;
            format!("[{}]", texts.join(", "))
        }
        Value::Object(table) => {
            let fields = layout
                .unwrap_or(&ANY)
                .ordered(table)
                .into_iter()
                .map(|(key, item)| {
                    let text = value_text(item, None, &pointer(path, key))?;
                    Ok(format!("{} = {text}", bare_or_quoted(key)))
                })
                .collect::<Result<Vec<_>, Box<FormatError>>>()?;
            match fields.as_slice() {
                [] => "{}".to_string(),
                _ => format!("{{ {} }}", fields.join(", ")),
            }
        }
    })
}

fn pointer(path: &str, key: &str) -> String {
    format!("{path}/{}", escape(key))
}

/// A form path for messages: the whole form when empty.
fn shown(path: &str) -> String {
    match path {
        "" => "the top level".to_string(),
        _ => format!("`{path}`"),
    }
}

/// A TOML key: bare when it can be, else quoted.
fn bare_or_quoted(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { key.to_string() } else { quote(key) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_engine::DEFAULT_MAX_STATES;
    use serde_json::json;

    fn example_form(name: &str) -> Value {
        let example = detente_examples::find(name).unwrap();
        form_of_file(example.source, example.file_name).unwrap()
    }

    /// The form path of the error reading `form`, at parse or compile time.
    fn error_path(form: &Value) -> String {
        let error = match parse_form(form, DEFAULT_MAX_STATES) {
            Ok(loaded) => loaded.compile(1 << 20).map(|_| ()).unwrap_err(),
            Err(error) => error,
        };
        assert_eq!(error.file_name(), FORM_NAME);
        error
            .form_path()
            .expect("a form error has a path")
            .to_string()
    }

    #[test]
    fn every_example_round_trips_through_its_form() {
        for example in detente_examples::EXAMPLES {
            let form = example_form(example.name);
            let read = parse_form(&form, DEFAULT_MAX_STATES).unwrap();
            let file = crate::parse(example.source, example.file_name).unwrap();
            assert_eq!(read.model, file.model, "{}", example.name);
            // The TOML is itself a model file that reads back to the same form.
            let toml = form_to_toml(&form).unwrap();
            assert_eq!(form_of_file(&toml, "form.toml").unwrap(), form);
        }
    }

    #[test]
    fn gmcr_files_round_trip_through_their_form() {
        let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases");
        let mut seen = 0;
        for entry in std::fs::read_dir(cases).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "gmcr") {
                continue;
            }
            let name = path.file_name().unwrap().to_str().unwrap();
            let source = std::fs::read_to_string(&path).unwrap();
            let form = form_of_file(&source, name).unwrap();
            let file = crate::parse(&source, name).unwrap();
            assert_eq!(
                parse_form(&form, DEFAULT_MAX_STATES).unwrap().model,
                file.model,
                "{name}"
            );
            seen += 1;
        }
        assert!(seen >= 4, "the .gmcr cases are found");
    }

    #[test]
    fn the_toml_is_laid_out_as_a_model_file() {
        let form = json!({
            "dm": [{
                "option": [{"label": "Acts", "id": "a_acts"}],
                "preferences": ["a_acts", {"source": "s", "statement": "!a_acts", "priority": [1, 2]}],
                "name": "A",
                "id": "a",
            }],
            "rule": [{"description": "d", "forbid": "a_acts"}],
            "model": {"name": "M"},
            "format": "detente/1",
            "x y": {"z": 1.5},
        });
        let expected = "\
format = \"detente/1\"
\"x y\" = { z = 1.5 }

[model]
name = \"M\"

[[dm]]
id = \"a\"
name = \"A\"
preferences = [
  \"a_acts\",
  { statement = \"!a_acts\", priority = [1, 2], source = \"s\" },
]

  [[dm.option]]
  id = \"a_acts\"
  label = \"Acts\"

[[rule]]
forbid = \"a_acts\"
description = \"d\"
";
        assert_eq!(form_to_toml(&form).unwrap(), expected);
    }

    #[test]
    fn values_toml_cannot_hold_are_errors_at_their_path() {
        let error = form_to_toml(&json!({"dm": [{"id": null}]})).unwrap_err();
        assert_eq!(error.form_path(), Some("/dm/0/id"));
        assert!(error.message().contains("null"), "{}", error.message());
        let error = form_to_toml(&json!({"a/b": u64::MAX})).unwrap_err();
        assert_eq!(error.form_path(), Some("/a~1b"));
        assert_eq!(form_to_toml(&json!([1])).unwrap_err().form_path(), Some(""));
    }

    #[test]
    fn errors_in_a_form_carry_the_path_at_fault() {
        let mut form = example_form("nrc");
        form["dm"][1]["preferences"][2] = json!("ru_ceasefire &");
        assert_eq!(error_path(&form), "/dm/1/preferences/2");

        let mut form = example_form("nrc");
        form["rule"][0]["not_both"][1] = json!("us_sanctions_relef");
        assert_eq!(error_path(&form), "/rule/0/not_both/1");

        let mut form = example_form("nrc");
        form["dm"][0]["preferences"][0] = json!({"statement": "ru_ceasefire", "priority": "2-"});
        assert_eq!(error_path(&form), "/dm/0/preferences/0/priority");

        let mut form = example_form("prisoners");
        form["dm"][1]["option"][0]["id"] = json!("p1_cooperate");
        assert_eq!(error_path(&form), "/dm/1/option/0/id");

        // Found only when the model is compiled: a ranking that leaves out a state.
        let mut form = example_form("chicken");
        form["dm"][1]["ranking"].as_array_mut().unwrap().pop();
        assert_eq!(error_path(&form), "/dm/1/ranking");

        // Unknown keys and missing parts.
        let mut form = example_form("prisoners");
        form["dm"][0]["colour"] = json!("red");
        assert_eq!(error_path(&form), "/dm/0/colour");
        let mut form = example_form("prisoners");
        form["dm"][1].as_object_mut().unwrap().remove("id");
        assert_eq!(error_path(&form), "/dm/1");
        let mut form = example_form("prisoners");
        form.as_object_mut().unwrap().remove("format");
        assert_eq!(error_path(&form), "");
    }
}
