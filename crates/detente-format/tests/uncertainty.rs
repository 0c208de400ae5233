//! Preference uncertainty in the TOML format: `priority = [lo, hi]` on a
//! statement or a ranking tier, its errors (with line and column) and round trips.

use detente_engine::{DEFAULT_MAX_STATES, Uncertain};
use detente_format::{parse_gmcr, parse_toml, to_gmcr, to_toml};

const BASE: &str = r#"format = "detente/1"

[[dm]]
id = "us"
preferences = [
  "a",
  { statement = "!b", priority = [1, 3], source = "unclear" },
  "c",
  "!a & c",
]

  [[dm.option]]
  id = "a"

  [[dm.option]]
  id = "b"

[[dm]]
id = "them"
ranking = ["NNY", { tier = ["YNY", "NYY"], priority = [2, 3] }, "--N"]

  [[dm.option]]
  id = "c"

[[rule]]
not_both = ["a", "b"]
"#;

fn edit(old: &str, new: &str) -> String {
    assert!(BASE.contains(old), "BASE lacks {old:?}");
    BASE.replacen(old, new, 1)
}

/// The parse error of `text`: message, help and 1-based (line, column).
fn error(text: &str) -> (String, String, (usize, usize)) {
    let e = parse_toml(text, "m.toml").expect_err("expected an error");
    (
        e.message().to_string(),
        e.help_text().unwrap_or_default().to_string(),
        e.line_col().expect("located"),
    )
}

/// 1-based (line, column) of the first `needle` in `text`.
fn at(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).unwrap();
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[test]
fn ranges_are_read_as_zero_based_positions() {
    let model = parse_toml(BASE, "m.toml").unwrap().model;
    assert_eq!(
        model.decision_makers[0].uncertain,
        vec![Uncertain {
            element: 1,
            positions: 0..=2
        }]
    );
    assert_eq!(
        model.decision_makers[1].uncertain,
        vec![Uncertain {
            element: 1,
            positions: 1..=2
        }]
    );
}

#[test]
fn uncertainty_round_trips_through_toml() {
    let model = parse_toml(BASE, "m.toml").unwrap().model;
    let written = to_toml(&model);
    assert!(
        written.contains("{ statement = \"!b\", priority = [1, 3], source = \"unclear\" }"),
        "{written}"
    );
    assert!(
        written.contains("{ tier = [\"YNY\", \"NYY\"], priority = [2, 3] }"),
        "{written}"
    );
    let again = parse_toml(&written, "again.toml").unwrap_or_else(|e| panic!("{e:?}\n{written}"));
    assert_eq!(again.model, model);
}

#[test]
fn gmcr_export_drops_uncertainty() {
    let loaded = parse_toml(BASE, "m.toml").unwrap();
    let conflict = loaded.compile(DEFAULT_MAX_STATES).unwrap();
    let gmcr = to_gmcr(&loaded.model, &conflict).unwrap();
    let imported = parse_gmcr(&gmcr, "m.gmcr").unwrap();
    assert!(
        imported
            .model
            .decision_makers
            .iter()
            .all(|d| d.uncertain.is_empty())
    );
}

#[test]
fn a_range_must_be_two_positions() {
    for bad in ["3", "[1]", "[1, 2, 3]", "[\"1\", \"3\"]", "[1.0, 3]"] {
        let text = edit("priority = [1, 3]", &format!("priority = {bad}"));
        let (message, help, position) = error(&text);
        assert_eq!(
            message,
            format!(
                "`priority` must be a list of two positions [lowest, highest], not {}",
                if bad == "3" { "an integer" } else { "an array" }
            ),
            "{bad}"
        );
        assert!(help.contains("priority = [2, 3]"), "{help}");
        assert_eq!(position, at(&text, bad));
    }
}

#[test]
fn out_of_range_positions_are_refused() {
    let text = edit("priority = [1, 3]", "priority = [2, 5]");
    let (message, help, position) = error(&text);
    assert_eq!(
        message,
        "position 5 is out of range: this list has 4 statements"
    );
    assert!(help.contains("from 1"), "{help}");
    assert_eq!(position, at(&text, "[2, 5]"));

    let text = edit("priority = [2, 3] }", "priority = [0, 2] }");
    let (message, _, position) = error(&text);
    assert_eq!(message, "position 0 is out of range: this list has 3 tiers");
    assert_eq!(position, at(&text, "[0, 2]"));
}

#[test]
fn a_range_must_hold_two_positions_and_its_element() {
    let text = edit("priority = [1, 3]", "priority = [2, 2]");
    let (message, _, position) = error(&text);
    assert_eq!(
        message,
        "`priority = [2, 2]` is not a range of two or more positions"
    );
    assert_eq!(position, at(&text, "[2, 2]"));

    let text = edit("priority = [1, 3]", "priority = [3, 4]");
    let (message, help, _) = error(&text);
    assert_eq!(
        message,
        "this statement is written at position 2, outside its range 3..4"
    );
    assert!(help.contains("move it into the range"), "{help}");
}

#[test]
fn ranges_of_one_dm_must_not_overlap() {
    let text = edit(
        "  \"c\",\n",
        "  { statement = \"c\", priority = [3, 4] },\n",
    );
    let (message, help, position) = error(&text);
    assert_eq!(message, "this range overlaps the range 1..3 of statement 2");
    assert!(help.contains("no position in common"), "{help}");
    assert_eq!(position, at(&text, "[3, 4]"));
    // Adjacent ranges are fine.
    let text = edit(
        "  \"!a & c\",\n",
        "  \"!a & c\",\n  { statement = \"b\", priority = [4, 5] },\n",
    );
    let model = parse_toml(&text, "m.toml").unwrap().model;
    assert_eq!(model.decision_makers[0].uncertain.len(), 2);
}

#[test]
fn a_tier_table_needs_both_keys_and_no_others() {
    let text = edit(
        "{ tier = [\"YNY\", \"NYY\"], priority = [2, 3] }",
        "{ tier = [\"YNY\", \"NYY\"] }",
    );
    let (message, help, position) = error(&text);
    assert_eq!(message, "this tier has no `priority`");
    assert!(help.contains("otherwise write the tier itself"), "{help}");
    assert_eq!(position, at(&text, "{ tier"));

    let text = edit("tier = [\"YNY\", \"NYY\"], ", "");
    assert_eq!(error(&text).0, "this tier has no `tier`");

    let text = edit("priority = [2, 3] }", "priority = [2, 3], source = \"x\" }");
    let (message, help, position) = error(&text);
    assert_eq!(message, "unknown key `source` in a ranking tier");
    assert!(help.contains("`tier`, `priority`"), "{help}");
    assert_eq!(position, at(&text, "source = \"x\""));
}
