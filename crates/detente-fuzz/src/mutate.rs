//! Mutations of model files: bytes and lines as any file is broken (flips,
//! truncations, duplicated and swapped lines), and, where the file still parses
//! as TOML or JSON, its values (numbers made huge, negative or fractional,
//! strings long, exotic or empty, arrays nested deep, ids swapped for others or
//! for unknown ones), as a file is broken by someone who knows its structure.
//! A model's JSON form (what the workbench page edits and sends) gets the value
//! mutations only: the page always sends JSON, however wrong its content.

use detente_engine::generate::SplitMix;
use serde_json::Value;

/// The syntax a corpus file is in, which decides the structure-aware mutations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Gmcr,
    /// A model's JSON form (detente-format's `form` module), in files named `*.form.json`.
    Form,
}

impl Syntax {
    /// The syntax of a file named `name`, by extension.
    pub fn of(name: &str) -> Option<Syntax> {
        if name.ends_with(".form.json") {
            return Some(Syntax::Form);
        }
        match name.rsplit_once('.')?.1 {
            "toml" => Some(Syntax::Toml),
            "gmcr" => Some(Syntax::Gmcr),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Syntax::Toml => "toml",
            Syntax::Gmcr => "gmcr",
            Syntax::Form => "form.json",
        }
    }
}

/// Longer than the 65,535 characters `format!` can pad to, the first bug found this way.
const LONG: usize = 70_000;

/// Numbers at and beyond the edges of the integer types the readers use.
const NUMBERS: [&str; 12] = [
    "0",
    "-1",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e308",
    "-0.5",
    "3.25",
    "63",
    "64",
];

/// Short texts that are hard on text handling: right-to-left, combining, zero-width,
/// wide and astral characters, escapes and control characters.
const EXOTIC: [&str; 10] = [
    "",
    "é",
    "\u{202e}evil",
    "a\u{301}\u{301}",
    "\u{200b}",
    "漢字",
    "🙂🙂",
    "\\u0000",
    "\t\r",
    "%s{}{:99999}",
];

/// A seeded mutator: the same seed gives the same mutations.
pub struct Mutator {
    rng: SplitMix,
}

impl Mutator {
    pub fn new(seed: u64) -> Mutator {
        Mutator {
            rng: SplitMix::new(seed),
        }
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.rng.below(n)
    }

    /// One to four mutations of `text`: for a form, of its values only (see
    /// [`Mutator::mutate_form`]); for a file, structural ones where it parses.
    pub fn mutate(&mut self, text: &str, syntax: Syntax) -> String {
        if syntax == Syntax::Form
            && let Ok(form) = serde_json::from_str(text)
        {
            return form_text(&self.mutate_form(form));
        }
        let mut text = text.to_string();
        for _ in 0..1 + self.below(4) {
            text = match self.below(3) {
                0 => self
                    .structural(&text, syntax)
                    .unwrap_or_else(|| self.bytes(&text)),
                1 => self.lines(&text),
                _ => self.bytes(&text),
            };
        }
        text
    }

    /// One to four changes of the values of a model's JSON form.
    pub fn mutate_form(&mut self, mut form: Value) -> Value {
        for _ in 0..1 + self.below(4) {
            self.change_one(&mut form);
        }
        form
    }

    /// Changes one value of the parsed document; `None` when it does not parse or
    /// the result cannot be written in its syntax.
    fn structural(&mut self, text: &str, syntax: Syntax) -> Option<String> {
        let mut document: Value = match syntax {
            Syntax::Toml => serde_json::to_value(toml::from_str::<toml::Table>(text).ok()?).ok()?,
            Syntax::Gmcr | Syntax::Form => serde_json::from_str(text).ok()?,
        };
        self.change_one(&mut document);
        match syntax {
            Syntax::Toml => toml::to_string(&document).ok(),
            Syntax::Gmcr | Syntax::Form => serde_json::to_string_pretty(&document).ok(),
        }
    }

    /// Changes one value of `document`, any one, the document itself included.
    fn change_one(&mut self, document: &mut Value) {
        let strings = strings_in(document);
        let target = self.below(node_count(document));
        if let Some(node) = nth_node(document, target) {
            self.change(node, &strings);
        }
    }

    /// One change of a value, chosen by its kind.
    fn change(&mut self, node: &mut Value, strings: &[String]) {
        let changed = match &mut *node {
            Value::Number(_) => {
                let text = self.pick(&NUMBERS);
                serde_json::from_str(text).unwrap_or(Value::Null)
            }
            Value::String(s) => Value::String(match self.below(5) {
                0 => self.long_text(),
                1 => self.pick(&EXOTIC).to_string(),
                2 if !strings.is_empty() => strings[self.below(strings.len())].clone(),
                3 => format!("{s}_unknown"),
                _ => self.pick(&NUMBERS).to_string(),
            }),
            Value::Bool(b) => Value::Bool(!*b),
            Value::Array(items) if !items.is_empty() && self.below(2) == 0 => {
                let i = self.below(items.len());
                match self.below(3) {
                    0 => drop(items.remove(i)),
                    1 => items.push(items[i].clone()),
                    _ => {
                        let j = self.below(items.len());
                        items.swap(i, j);
                    }
                }
                return;
            }
            Value::Object(map) if !map.is_empty() && self.below(2) == 0 => {
                let key = map.keys().nth(self.below(map.len())).cloned();
                if let Some(value) = key.and_then(|k| map.remove(&k))
                    && self.below(2) == 0
                {
                    map.insert("unknown_key".into(), value);
                }
                return;
            }
            // Any kind of value may become another kind, or sit deep in arrays.
            other => match self.below(3) {
                0 => (0..64).fold(other.take(), |inner, _| Value::Array(vec![inner])),
                1 => Value::String(self.long_text()),
                _ => Value::from(-1),
            },
        };
        *node = changed;
    }

    /// Duplicates, swaps or deletes lines.
    fn lines(&mut self, text: &str) -> String {
        let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
        if lines.is_empty() {
            return text.to_string();
        }
        let i = self.below(lines.len());
        let j = self.below(lines.len());
        match self.below(3) {
            0 => lines.insert(j, lines[i]),
            1 => lines.swap(i, j),
            _ => drop(lines.remove(i)),
        }
        lines.concat()
    }

    /// Breaks the text as bytes: a bit flipped, a cut, a range dropped or repeated, or
    /// something hostile inserted. Invalid UTF-8 is read as the command line would
    /// not: lossily, so the reader still sees the rest.
    fn bytes(&mut self, text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        let at = self.below(bytes.len() + 1);
        let span = at..(at + 1 + self.below(32)).min(bytes.len());
        match self.below(7) {
            0 if at < bytes.len() => bytes[at] ^= 1 << self.below(8),
            1 => bytes.truncate(at),
            2 if !span.is_empty() => drop(bytes.drain(span)),
            3 if !span.is_empty() => {
                let copy = bytes[span].to_vec();
                bytes.splice(at..at, copy);
            }
            4 => {
                let depth = [64, 1_000, 20_000][self.below(3)];
                let (open, close) = [("[", "]"), ("{\"a\":", "}"), ("(", ")")][self.below(3)];
                let nested = format!("{}1{}", open.repeat(depth), close.repeat(depth));
                bytes.splice(at..at, nested.into_bytes());
            }
            5 => {
                let insert = match self.below(3) {
                    0 => self.pick(&NUMBERS).to_string(),
                    1 => self.pick(&EXOTIC).to_string(),
                    _ => self.long_text(),
                };
                bytes.splice(at..at, insert.into_bytes());
            }
            _ => return self.swap_word(text),
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Replaces one identifier-like word with another from the text or an unknown one.
    fn swap_word(&mut self, text: &str) -> String {
        let words: Vec<(usize, &str)> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| w.len() > 1)
            .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
            .collect();
        if words.is_empty() {
            return text.to_string();
        }
        let (at, word) = words[self.below(words.len())];
        let replacement = if self.below(2) == 0 {
            words[self.below(words.len())].1
        } else {
            "no_such_id"
        };
        format!("{}{replacement}{}", &text[..at], &text[at + word.len()..])
    }

    /// A text longer than any width a format string can pad to.
    fn long_text(&mut self) -> String {
        let unit = ["x", "é", "🙂", "ab "][self.below(4)];
        unit.repeat(LONG)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A form as the fuzzer writes it to a file: pretty JSON, so that minimising by
/// lines drops whole values.
pub fn form_text(form: &Value) -> String {
    serde_json::to_string_pretty(form).unwrap_or_default()
}

/// Every string value in `value`: the ids and names a mutation may swap in.
fn strings_in(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings_in).collect(),
        Value::Object(map) => map.values().flat_map(strings_in).collect(),
        _ => Vec::new(),
    }
}

/// How many values `value` holds, itself included.
fn node_count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(map) => map.values().map(node_count).sum(),
        _ => 0,
    }
}

/// The `n`th value of `value` in pre-order (0 is `value` itself).
fn nth_node(value: &mut Value, n: usize) -> Option<&mut Value> {
    if n == 0 {
        return Some(value);
    }
    let mut n = n - 1;
    let children: Box<dyn Iterator<Item = &mut Value>> = match value {
        Value::Array(items) => Box::new(items.iter_mut()),
        Value::Object(map) => Box::new(map.values_mut()),
        _ => return None,
    };
    for child in children {
        let size = node_count(child);
        if n < size {
            return nth_node(child, n);
        }
        n -= size;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_mutants() {
        let text = "a = 1\n[b]\nc = \"d\"\n";
        let mutants = |seed| {
            let mut m = Mutator::new(seed);
            (0..20)
                .map(|_| m.mutate(text, Syntax::Toml))
                .collect::<Vec<_>>()
        };
        assert_eq!(mutants(7), mutants(7));
        assert_ne!(mutants(7), mutants(8));
    }

    #[test]
    fn forms_are_told_by_their_name_and_their_mutants_stay_json() {
        assert_eq!(Syntax::of("a.form.json"), Some(Syntax::Form));
        assert_eq!(Syntax::of("a.json"), None);
        assert_eq!(Syntax::of("a.gmcr"), Some(Syntax::Gmcr));
        let form = form_text(&serde_json::json!({"dm": [{"id": "a", "option": [{"id": "x"}]}]}));
        let mut m = Mutator::new(3);
        for _ in 0..50 {
            // JSON, though it may nest deeper than a JSON reader (the workbench's) takes.
            let mutant = m.mutate(&form, Syntax::Form);
            if let Err(e) = serde_json::from_str::<Value>(&mutant) {
                assert!(e.to_string().contains("recursion limit"), "{e}: {mutant}");
            }
        }
    }

    #[test]
    fn nodes_are_numbered_in_pre_order() {
        let mut value = serde_json::json!({"a": [1, 2], "b": "x"});
        assert_eq!(node_count(&value), 5);
        assert_eq!(nth_node(&mut value, 3).cloned(), Some(serde_json::json!(2)));
        assert_eq!(
            nth_node(&mut value, 4).cloned(),
            Some(serde_json::json!("x"))
        );
    }
}
