//! Every kind of error in a model file: its message, and the line and column it points at.

use detente_format::{FormatError, parse_gmcr, parse_toml};
use miette::Diagnostic;

const BASE: &str = r#"format = "detente/1"

[model]
name = "Test"

[[dm]]
id = "us"
preferences = ["a", "!b"]

  [[dm.option]]
  id = "a"
  label = "A"

  [[dm.option]]
  id = "b"

[[dm]]
id = "them"
ranking = ["NNY", ["YNY", "NYY"], "--N"]

  [[dm.option]]
  id = "c"

[[rule]]
not_both = ["a", "b"]
"#;

/// BASE with `old` replaced by `new` (which must occur).
fn edit(old: &str, new: &str) -> String {
    assert!(BASE.contains(old), "BASE lacks {old:?}");
    BASE.replacen(old, new, 1)
}

/// The error of parsing, or else of compiling, `text`.
fn error(text: &str) -> Box<FormatError> {
    match parse_toml(text, "m.toml") {
        Err(e) => e,
        Ok(loaded) => loaded.compile(1000).expect_err("expected an error"),
    }
}

/// 1-based (line, column) of the first `needle` in `text`, plus `skip` characters.
fn at(text: &str, needle: &str, skip: usize) -> (usize, usize) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column + skip)
}

/// Asserts the message and the position, and that there is a hint.
fn check(text: &str, message: &str, position: (usize, usize)) -> Box<FormatError> {
    let e = error(text);
    assert_eq!(e.message(), message);
    assert_eq!(e.line_col(), Some(position), "{message}");
    assert_eq!(e.file_name(), "m.toml");
    assert!(
        e.help_text().is_some_and(|h| !h.is_empty()),
        "{message}: no help"
    );
    e
}

fn help(e: &FormatError) -> &str {
    e.help_text().unwrap()
}

#[test]
fn the_base_model_is_valid() {
    let loaded = parse_toml(BASE, "m.toml").unwrap();
    assert_eq!(loaded.compile(1000).unwrap().state_count(), 6);
}

#[test]
fn toml_syntax_error() {
    let text = edit(r#"not_both = ["a", "b"]"#, r#"not_both = ["a", "b""#);
    let e = error(&text);
    assert!(
        e.message().starts_with("TOML syntax error: "),
        "{}",
        e.message()
    );
    assert_eq!(
        e.line_col().map(|(line, _)| line),
        Some(at(&text, "not_both", 0).0)
    );
    assert!(help(&e).contains("not valid TOML"));
}

#[test]
fn missing_or_wrong_format_tag() {
    let text = edit("format = \"detente/1\"\n", "");
    check(&text, "missing `format = \"detente/1\"`", (1, 1));
    let text = edit("detente/1", "detente/2");
    let e = check(&text, "unsupported format `detente/2`", (1, 10));
    assert!(help(&e).contains("detente/1"));
    check(
        &edit("\"detente/1\"", "1"),
        "`format` must be a string, not an integer",
        (1, 10),
    );
}

#[test]
fn unknown_keys_list_the_valid_ones() {
    let text = edit("preferences =", "prefrences =");
    let e = check(
        &text,
        "unknown key `prefrences` in [[dm]]",
        at(&text, "prefrences", 0),
    );
    assert!(
        help(&e).starts_with("did you mean `preferences`?"),
        "{}",
        help(&e)
    );
    assert!(help(&e).contains("`ranking`"));

    let text = edit("label = \"A\"", "lable = \"A\"");
    check(
        &text,
        "unknown key `lable` in [[dm.option]]",
        at(&text, "lable", 0),
    );

    let text = edit("[model]", "colour = 3\n[model]");
    check(
        &text,
        "unknown key `colour` in the top level",
        at(&text, "colour", 0),
    );

    let text = edit(
        "not_both = [\"a\", \"b\"]",
        "not_both = [\"a\", \"b\"]\nnote = \"x\"",
    );
    check(
        &text,
        "unknown key `note` in [[rule]]",
        at(&text, "note =", 0),
    );
}

#[test]
fn wrong_types() {
    let text = edit("label = \"A\"", "irreversible = 3");
    let e = check(
        &text,
        "`irreversible` must be a string, not an integer",
        at(&text, "3", 0),
    );
    assert!(help(&e).contains("forward"));

    let text = edit(r#"ranking = ["NNY", ["YNY", "NYY"], "--N"]"#, "ranking = 5");
    check(
        &text,
        "`ranking` must be an array of tiers, best first, not an integer",
        at(&text, "5", 0),
    );

    let text = edit("name = \"Test\"", "name = true");
    check(
        &text,
        "`name` must be a string, not a boolean",
        at(&text, "true", 0),
    );

    let text = edit("[[dm]]\nid = \"them\"", "[dm]\nid = \"them\"");
    let e = error(&text);
    assert!(e.line_col().is_some());

    let text = edit("preferences = [\"a\", \"!b\"]", "preferences = [\"a\", 4]");
    check(
        &text,
        "a preference statement must be a string or a table, not an integer",
        at(&text, "4]", 0),
    );
}

#[test]
fn irreversible_must_be_forward_or_backward() {
    let text = edit("label = \"A\"", "irreversible = \"sideways\"");
    check(
        &text,
        "`irreversible` must be \"forward\" or \"backward\", not \"sideways\"",
        at(&text, "\"sideways\"", 0),
    );
}

#[test]
fn unknown_option_in_expressions_points_inside_the_string() {
    let text = edit(r#"["a", "!b"]"#, r#"["a", "!bb & a"]"#);
    let e = check(&text, "unknown option `bb`", at(&text, "bb &", 0));
    assert!(help(&e).starts_with("did you mean `b`?"), "{}", help(&e));
    assert!(help(&e).contains("`a`, `b`, `c`"));

    // In a rule, in a literal string, and in a statement table.
    let text = edit(r#"not_both = ["a", "b"]"#, "require = 'a -> zz'");
    check(&text, "unknown option `zz`", at(&text, "zz'", 0));
    let text = edit(
        r#"["a", "!b"]"#,
        r#"[{ statement = "a | q", source = "s" }]"#,
    );
    check(&text, "unknown option `q`", at(&text, "q\"", 0));
    let text = edit(r#"not_both = ["a", "b"]"#, r#"not_both = ["a", "bee"]"#);
    check(&text, "unknown option `bee`", at(&text, "\"bee\"", 0));
    let text = edit(r#""NNY""#, r#""c & d""#);
    check(&text, "unknown option `d`", at(&text, "d\"", 0));
}

#[test]
fn duplicate_ids() {
    let text = edit("id = \"c\"", "id = \"a\"");
    let e = check(
        &text,
        "option `a` is already defined under DM `us`",
        at(&text, "\"a\"\n\n[[rule]]", 0),
    );
    assert!(help(&e).contains("unique"));
    let text = edit("id = \"b\"", "id = \"a\"");
    check(
        &text,
        "option `a` is already defined under DM `us`",
        at(&text, "\"a\"\n\n[[dm]]", 0),
    );
    let text = edit("id = \"them\"", "id = \"us\"");
    check(
        &text,
        "decision maker `us` is already defined",
        at(&text, "\"us\"\nranking", 0),
    );
}

/// Asserts that `e` points at a DM's name and says how to fix it.
fn check_dm_name(e: &FormatError) {
    let label = e
        .labels()
        .and_then(|mut l| l.next())
        .and_then(|l| l.label().map(str::to_string));
    assert_eq!(label.as_deref(), Some("named here"), "{}", e.message());
    assert!(
        help(e).contains("give each decision maker its own name"),
        "{}",
        help(e)
    );
}

#[test]
fn decision_maker_names_identify_one_dm() {
    // Without `name`, the id is the name.
    let text = edit("id = \"them\"", "id = \"them\"\nname = \"us\"");
    let e = check(
        &text,
        "decision maker name `us` is already used",
        at(&text, "\"us\"\nranking", 0),
    );
    check_dm_name(&e);
    let text = edit("id = \"them\"", "id = \"them\"\nname = \"US\"");
    let e = check(
        &text,
        "decision maker name `US` differs from `us` only in case",
        at(&text, "\"US\"", 0),
    );
    check_dm_name(&e);
    let text = edit("id = \"us\"", "id = \"us\"\nname = \"United States\"").replacen(
        "id = \"them\"",
        "id = \"them\"\nname = \"Us\"",
        1,
    );
    let e = check(
        &text,
        "decision maker name `Us` is the id of decision maker `United States`",
        at(&text, "\"Us\"", 0),
    );
    check_dm_name(&e);
    let text = edit("id = \"us\"", "id = \"us\"\nname = \"Them\"").replacen(
        "id = \"them\"",
        "id = \"them\"\nname = \"Other side\"",
        1,
    );
    let e = check(
        &text,
        "decision maker id `them` is the name of decision maker `Them`",
        at(&text, "\"them\"", 0),
    );
    check_dm_name(&e);
}

#[test]
fn malformed_expressions_point_at_the_exact_column() {
    let text = edit(r#"["a", "!b"]"#, r#"["a", "!b &"]"#);
    check(
        &text,
        "expected an option id, `!`, `(`, `true` or `false`, found end of expression",
        at(&text, "\"]\n", 0),
    );
    let text = edit(r#"not_both = ["a", "b"]"#, r#"forbid = "(a | b) c""#);
    check(
        &text,
        "unexpected `c` after a complete expression",
        at(&text, ") c", 2),
    );
    let text = edit(r#"not_both = ["a", "b"]"#, r#"require = "a => b""#);
    check(&text, "unexpected character `=`", at(&text, "=>", 0));
}

#[test]
fn bad_patterns() {
    let text = edit(r#""NNY""#, r#""NY""#);
    let e = check(
        &text,
        "a ranking pattern `NY` has 2 characters, but the model has 3 options",
        at(&text, "\"NY\"", 0),
    );
    assert!(help(&e).contains("a, b, c"));
    let text = edit(r#""NNY""#, r#""NXY""#);
    check(
        &text,
        "a ranking pattern `NXY` contains `X`; only Y, N and - are allowed",
        at(&text, "XY", 0),
    );
}

#[test]
fn state_number_out_of_range() {
    let text = edit(r#""NNY""#, "9");
    let e = check(
        &text,
        "state 9 does not exist: the model has 6 feasible states",
        at(&text, "9", 0),
    );
    assert!(help(&e).contains("1 to 6"));
    let text = edit(r#""NNY""#, "0");
    check(
        &text,
        "state 0 does not exist: the model has 6 feasible states",
        at(&text, "0,", 0),
    );
}

#[test]
fn state_numbers_resolve_to_full_patterns() {
    // Feasible: NNN YNN NYN NNY YNY NYY; state 4 is NNY.
    let by_number = parse_toml(&edit(r#""NNY""#, "4"), "m.toml").unwrap();
    let by_pattern = parse_toml(BASE, "m.toml").unwrap();
    assert_eq!(by_number.model, by_pattern.model);
}

#[test]
fn preferences_and_ranking_together() {
    let text = edit(
        "preferences = [\"a\", \"!b\"]",
        "preferences = [\"a\"]\nranking = [\"---\"]",
    );
    check(
        &text,
        "decision maker `us` has both `preferences` and `ranking`",
        at(&text, "ranking = [\"---\"]", 0),
    );
}

#[test]
fn contradictions_point_at_the_rule_that_empties_the_state_space() {
    let text = edit(
        r#"not_both = ["a", "b"]"#,
        "not_both = [\"a\", \"b\"]\n\n[[rule]]\nrequire = \"a & b\"",
    );
    let e = check(
        &text,
        "the feasibility rules exclude every state: no feasible state is left",
        at(&text, "require", 0),
    );
    assert!(help(&e).contains("rules 1 to 2"));
    // Also when a state number forces enumeration during parsing.
    let text = edit(r#""NNY""#, "1").replace("not_both = [\"a\", \"b\"]", "require = \"false\"");
    check(
        &text,
        "the feasibility rules exclude every state: no feasible state is left",
        at(&text, "require", 0),
    );
}

#[test]
fn rankings_that_omit_or_repeat_a_state() {
    let text = edit(r#", "--N"]"#, "]");
    check(
        &text,
        "the ranking of `them` does not place state 1 (NNN); every feasible state must appear in exactly one tier",
        at(&text, "ranking", 0),
    );
    let text = edit(r#""NYY""#, r#""--Y""#);
    check(
        &text,
        "the ranking of `them` places state 4 (NNY) twice: in tier 1 and again in tier 2",
        at(&text, "\"--Y\"", 0),
    );
    let text = edit(r#""NNY""#, r#""YY-""#);
    check(
        &text,
        "the ranking of `them` names no feasible state in tier 1, item 1",
        at(&text, "\"YY-\"", 0),
    );
    let text = edit(r#""NNY", "#, r#""NNY", [], "#);
    check(&text, "empty tie in `ranking`", at(&text, "[]", 0));
}

#[test]
fn status_quo_errors() {
    let text = edit("[model]", "status_quo = [\"zz\"]\n[model]");
    let e = check(&text, "unknown option `zz`", at(&text, "\"zz\"", 0));
    assert!(help(&e).contains("known options"));
    let text = edit("[model]", "status_quo = \"YN\"\n[model]");
    check(
        &text,
        "the status quo `YN` has 2 characters, but the model has 3 options",
        at(&text, "\"YN\"", 0),
    );
    let text = edit("[model]", "status_quo = \"Y-N\"\n[model]");
    check(
        &text,
        "the status quo `Y-N` contains `-`; only Y and N are allowed",
        at(&text, "-N\"", 0),
    );
    let text = edit("[model]", "status_quo = [\"a\", \"b\"]\n[model]");
    check(
        &text,
        "the status quo YYN is not a feasible state",
        at(&text, "[\"a\", \"b\"]", 0),
    );
    let text = edit("name = \"Test\"", "name = \"Test\"\nstatus_quo = \"YYN\"");
    check(
        &text,
        "the status quo YYN is not a feasible state",
        at(&text, "\"YYN\"", 0),
    );
    let text = edit(
        "[model]",
        "status_quo = \"NNN\"\n[model]\nstatus_quo = \"NNN\"",
    );
    check(&text, "the status quo is given twice", (5, 14));
}

#[test]
fn status_quo_forms_agree() {
    let list = parse_toml(
        &edit("[model]", "status_quo = [\"c\", \"a\"]\n[model]"),
        "m.toml",
    )
    .unwrap();
    let string = parse_toml(
        &edit("name = \"Test\"", "name = \"Test\"\nstatus_quo = \"YNY\""),
        "m.toml",
    )
    .unwrap();
    assert_eq!(list.model.status_quo, Some(0b101));
    assert_eq!(string.model.status_quo, Some(0b101));
}

#[test]
fn too_many_options() {
    let options: String = (0..64)
        .map(|k| format!("  [[dm.option]]\n  id = \"o{k}\"\n"))
        .collect();
    let text = edit("  [[dm.option]]\n  id = \"c\"\n", &options);
    let e = check(
        &text,
        "too many options: this is option 64",
        at(&text, "\"o61\"", 0),
    );
    assert!(help(&e).contains("63"));
}

#[test]
fn rule_shapes() {
    let text = edit(
        r#"not_both = ["a", "b"]"#,
        "not_both = [\"a\", \"b\"]\nrequire = \"a\"",
    );
    check(
        &text,
        "a [[rule]] takes exactly one condition; this one has `not_both` and `require`",
        at(&text, "require", 0),
    );
    let text = edit(r#"not_both = ["a", "b"]"#, "description = \"x\"");
    check(
        &text,
        "this [[rule]] has no condition",
        at(&text, "[[rule]]", 0),
    );
    let text = edit(r#"not_both = ["a", "b"]"#, r#"implies = ["a", "b", "c"]"#);
    check(
        &text,
        "`implies` takes exactly two option ids",
        at(&text, "[\"a\", \"b\", \"c\"]", 0),
    );
    let text = edit(r#"not_both = ["a", "b"]"#, r#"at_least_one = ["a"]"#);
    check(
        &text,
        "`at_least_one` needs at least two option ids",
        at(&text, "[\"a\"]", 0),
    );
    let text = edit(r#"not_both = ["a", "b"]"#, r#"exactly_one = ["a", "a"]"#);
    check(&text, "option `a` is listed twice", at(&text, "\"a\"]", 0));
}

#[test]
fn invalid_option_ids() {
    let text = edit("id = \"b\"", "id = \"air strike\"");
    let e = check(
        &text,
        "`air strike` is not a valid option id",
        at(&text, "\"air strike\"", 0),
    );
    assert!(help(&e).contains("label"));
    let text = edit("id = \"b\"", "id = \"iff\"");
    let e = check(
        &text,
        "`iff` is not a valid option id",
        at(&text, "\"iff\"", 0),
    );
    assert!(help(&e).contains("keyword"));
}

#[test]
fn too_many_states_keeps_the_limit() {
    let loaded = parse_toml(BASE, "m.toml").unwrap();
    let e = loaded.compile(3).unwrap_err();
    assert!(
        e.message().contains("more than 3 feasible states"),
        "{}",
        e.message()
    );
}

// ---------------------------------------------------------------- .gmcr

const GMCR: &str = r#"{"useManualPreferenceRanking": false,
 "options": [{"name": "A", "permittedDirection": "both"}, {"name": "B", "permittedDirection": "fwd"}],
 "infeasibles": [],
 "decisionMakers": [
  {"name": "One", "options": [0], "preferences": [[[1, "Y"]]]},
  {"name": "Two", "options": [1], "preferences": [[[0, "N"]]]}
 ]}"#;

/// The error of GMCR with `old` replaced by `new`, and that text.
fn gmcr_error(old: &str, new: &str) -> (Box<FormatError>, String) {
    assert!(GMCR.contains(old), "GMCR lacks {old:?}");
    let text = GMCR.replacen(old, new, 1);
    let e = match parse_gmcr(&text, "m.gmcr") {
        Err(e) => e,
        Ok(loaded) => loaded.compile(1000).expect_err("expected an error"),
    };
    assert!(e.help_text().is_some());
    (e, text)
}

#[test]
fn gmcr_base_is_valid() {
    let loaded = parse_gmcr(GMCR, "m.gmcr").unwrap();
    assert_eq!(loaded.compile(100).unwrap().state_count(), 4);
}

#[test]
fn gmcr_json_errors_carry_line_and_column() {
    let (e, text) = gmcr_error("\"infeasibles\": [],", "\"infeasibles\": [,");
    assert!(
        e.message().starts_with("invalid .gmcr file: "),
        "{}",
        e.message()
    );
    assert_eq!(e.line_col(), Some(at(&text, "[,", 1)));
    let (e, _) = gmcr_error("[[[1, \"Y\"]]]", "[[[1, \"X\"]]]");
    assert_eq!(e.line_col().map(|(l, _)| l), Some(5));
    assert!(e.help_text().unwrap().contains("compound"));
    let (e, _) = gmcr_error("\"options\": [0]", "\"options\": \"0\"");
    assert_eq!(e.line_col().map(|(l, _)| l), Some(5));
}

#[test]
fn gmcr_structural_errors() {
    let (e, text) = gmcr_error("\"options\": [1]", "\"options\": [7]");
    assert_eq!(
        e.message(),
        "decision maker `Two` lists option index 7, but the file has 2 options"
    );
    assert_eq!(e.line_col(), Some(at(&text, "7]", 0)));
    let (e, text) = gmcr_error("\"options\": [1]", "\"options\": [1, 0]");
    assert_eq!(
        e.message(),
        "option `A` (index 0) is listed under both `One` and `Two`"
    );
    assert_eq!(e.line_col(), Some(at(&text, "[1, 0]", 4)));
    let (e, text) = gmcr_error("\"options\": [1]", "\"options\": []");
    assert_eq!(
        e.message(),
        "option `B` (index 1) belongs to no decision maker"
    );
    assert_eq!(e.line_col(), Some(at(&text, "{\"name\": \"B\"", 0)));
    let (e, text) = gmcr_error("\"fwd\"", "\"forward\"");
    assert_eq!(e.message(), "option `B` has permittedDirection \"forward\"");
    assert_eq!(e.line_col(), Some(at(&text, "\"forward\"", 0)));
    let (e, text) = gmcr_error("[[[0, \"N\"]]]", "[[[5, \"N\"]]]");
    assert_eq!(
        e.message(),
        "a condition names an option index outside 0 to 1"
    );
    assert_eq!(e.line_col(), Some(at(&text, "5, \"N\"", 0)));
    let (e, text) = gmcr_error("false", "true");
    assert_eq!(
        e.message(),
        "decision maker `One` has no preferenceRanking, but the file uses manual rankings"
    );
    assert_eq!(e.line_col(), Some(at(&text, "\"One\"", 0)));
    let manual = GMCR
        .replace("false", "true")
        .replace(
            "\"preferences\": [[[1, \"Y\"]]]",
            "\"preferenceRanking\": [1, [2, 3], 4]",
        )
        .replace(
            "\"preferences\": [[[0, \"N\"]]]",
            "\"preferenceRanking\": [1, 5]",
        );
    let e = parse_gmcr(&manual, "m.gmcr").unwrap_err();
    assert_eq!(
        e.message(),
        "the ranking of `Two` names state 5, but there are 4 feasible states"
    );
    assert_eq!(e.line_col(), Some(at(&manual, "5]", 0)));
    let tied = manual.replace("[1, 5]", "[1, [2, 7]]");
    let e = parse_gmcr(&tied, "m.gmcr").unwrap_err();
    assert_eq!(e.line_col(), Some(at(&tied, "7]", 0)));
}

#[test]
fn gmcr_conditions_are_located_at_the_index_at_fault() {
    let compound = "{\"compound\": true, \"members\": [[[0, \"Y\"]], [[1, \"N\"], [9, \"Y\"]]]}";
    let (e, text) = gmcr_error("[[[1, \"Y\"]]]", &format!("[{compound}]"));
    assert_eq!(
        e.message(),
        "a condition names an option index outside 0 to 1"
    );
    assert_eq!(e.line_col(), Some(at(&text, "9, \"Y\"", 0)));
    let (e, text) = gmcr_error(
        "\"preferences\": [[[0, \"N\"]]]",
        "\"preferences\": [], \"misperceptions\": [[[0, \"Y\"]], [[2, \"N\"]]]",
    );
    assert_eq!(e.line_col(), Some(at(&text, "2, \"N\"", 0)));
    let (e, text) = gmcr_error(
        "\"infeasibles\": []",
        "\"infeasibles\": [[[1, \"Y\"], [3, \"Y\"]]]",
    );
    assert_eq!(e.line_col(), Some(at(&text, "3, \"Y\"", 0)));
}

#[test]
fn gmcr_empty_infeasibility_and_no_decision_makers_are_located() {
    let (e, text) = gmcr_error("\"infeasibles\": []", "\"infeasibles\": [[], [[0, \"Y\"]]]");
    assert_eq!(
        e.message(),
        "the feasibility rules exclude every state: no feasible state is left"
    );
    assert_eq!(e.line_col(), Some(at(&text, "[], ", 0)));
    assert!(help(&e).contains("this rule alone"), "{}", help(&e));

    let text = "{\"options\": [],\n \"decisionMakers\": []}";
    let e = parse_gmcr(text, "m.gmcr")
        .unwrap()
        .compile(100)
        .unwrap_err();
    assert_eq!(e.message(), "the model has no decision makers");
    assert_eq!(e.line_col(), Some((2, 20)));
    assert!(help(&e).contains("decisionMakers"));
    let rendered = format!("{:?}", miette::Report::new(*e));
    assert!(rendered.contains("no decision makers here"), "{rendered}");
}

#[test]
fn gmcr_coalition_errors_point_at_the_member() {
    let (e, text) = gmcr_error(
        "\"infeasibles\": [],",
        "\"infeasibles\": [], \"coalitions\": [0, [1, 5]],",
    );
    assert_eq!(
        e.message(),
        "\"coalitions\" names decision maker index 5, but the file has 2 decision makers"
    );
    assert_eq!(e.line_col(), Some(at(&text, "5]]", 0)));
    let (e, text) = gmcr_error(
        "\"infeasibles\": [],",
        "\"infeasibles\": [], \"coalitions\": [[0, 1], 1],",
    );
    assert_eq!(
        e.message(),
        "\"coalitions\" lists decision maker index 1 twice"
    );
    assert_eq!(e.line_col(), Some(at(&text, "1], 1]", 4)));
}

#[test]
fn nesting_too_deep_is_located_where_the_limit_is_reached() {
    let depth = 200;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let (e, text) = gmcr_error(
        "[[[1, \"Y\"]]]",
        &format!("[{{\"compound\": true, \"members\": {deep}}}]"),
    );
    assert_eq!(e.message(), "invalid .gmcr file: recursion limit exceeded");
    let (line, column) = e.line_col().unwrap();
    assert_eq!(line, 5);
    let nesting = at(&text, "[[[[", 0).1;
    assert!(
        column > nesting && column <= nesting + depth,
        "column {column} inside the nested lists from column {nesting}"
    );
    assert!(help(&e).contains("nested too deeply"), "{}", help(&e));

    let text = edit(
        "preferences = [\"a\", \"!b\"]",
        &format!("preferences = {deep}"),
    );
    let e = error(&text);
    assert!(
        e.message().starts_with("TOML syntax error: "),
        "{}",
        e.message()
    );
    assert!(e.message().contains("recurs"), "{}", e.message());
    let (line, column) = e.line_col().unwrap();
    let nesting = at(&text, "preferences = [", 14);
    assert_eq!(line, nesting.0);
    assert!(
        column > nesting.1 && column <= nesting.1 + depth,
        "column {column}"
    );
    assert!(help(&e).contains("nested too deeply"), "{}", help(&e));
}

#[test]
fn a_toml_file_without_decision_makers_points_at_the_model_or_the_end() {
    let text = "format = \"detente/1\"\n\n[model]\nname = \"x\"\n";
    let e = check(text, "the model has no decision makers", (3, 2));
    assert!(help(&e).contains("[[dm]]"));
    let rendered = format!("{:?}", miette::Report::new(*e));
    assert!(
        rendered.contains("no [[dm]] table in the file"),
        "{rendered}"
    );
    check(
        "format = \"detente/1\"\n",
        "the model has no decision makers",
        (2, 1),
    );
    let text = "format = \"detente/1\"\ndm = []\n";
    check(text, "the model has no decision makers", (2, 6));
}

#[test]
fn a_file_that_is_not_utf8_is_located_at_the_first_invalid_byte() {
    let mut bytes = b"format = \"detente/1\"\n# caf".to_vec();
    bytes.extend([0xE9, b'!', b'\n']);
    let e = detente_format::decode(bytes, "m.toml").unwrap_err();
    assert_eq!(
        e.message(),
        "the file is not UTF-8 text: byte 26 (0xE9) is not valid UTF-8"
    );
    assert_eq!(e.line_col(), Some((2, 6)));
    assert_eq!(e.file_name(), "m.toml");
    assert!(help(&e).contains("UTF-8"));
    assert_eq!(
        detente_format::decode("format = \"détente\"".into(), "m.toml").unwrap(),
        "format = \"détente\""
    );
}

#[test]
fn gmcr_decision_maker_names_identify_one_dm() {
    let (e, text) = gmcr_error("\"Two\"", "\"One\"");
    assert_eq!(e.message(), "decision maker name `One` is already used");
    assert_eq!(
        e.line_col(),
        Some(at(&text, "\"One\", \"options\": [1]", 0))
    );
    check_dm_name(&e);
    let (e, text) = gmcr_error("\"Two\"", "\"ONE\"");
    assert_eq!(
        e.message(),
        "decision maker name `ONE` differs from `One` only in case"
    );
    assert_eq!(e.line_col(), Some(at(&text, "\"ONE\"", 0)));
    check_dm_name(&e);
    // Ids are made from names: "Big One" becomes `big_one`.
    let text = GMCR
        .replace("\"One\"", "\"Big One\"")
        .replace("\"Two\"", "\"big_one\"");
    let e = parse_gmcr(&text, "m.gmcr").unwrap_err();
    assert_eq!(
        e.message(),
        "decision maker name `big_one` is the id of decision maker `Big One`"
    );
    assert_eq!(e.line_col(), Some(at(&text, "\"big_one\"", 0)));
    check_dm_name(&e);
}

#[test]
fn gmcr_ranking_errors_are_located_at_the_ranking() {
    let manual = GMCR
        .replace("false", "true")
        .replace(
            "\"preferences\": [[[1, \"Y\"]]]",
            "\"preferenceRanking\": [1, [2, 3], 4]",
        )
        .replace(
            "\"preferences\": [[[0, \"N\"]]]",
            "\"preferenceRanking\": [1, 2]",
        );
    let e = parse_gmcr(&manual, "m.gmcr")
        .unwrap()
        .compile(100)
        .unwrap_err();
    assert_eq!(e.message(), "the ranking of `Two` does not place state 3 (NYN); every feasible state must appear in exactly one tier".replace("NYN", "NY"));
    assert_eq!(e.line_col(), Some(at(&manual, "[1, 2]", 0)));
}

#[test]
fn gmcr_with_too_many_options() {
    let options: Vec<String> = (0..64).map(|k| format!("{{\"name\": \"o{k}\"}}")).collect();
    let indices: Vec<String> = (0..64).map(|k| k.to_string()).collect();
    let text = format!(
        "{{\"options\": [{}], \"decisionMakers\": [{{\"name\": \"D\", \"options\": [{}]}}], \"useManualPreferenceRanking\": true}}",
        options.join(", "),
        indices.join(", ")
    );
    let e = parse_gmcr(&text, "m.gmcr").unwrap_err();
    assert_eq!(
        e.message(),
        "the file has 64 options; detente handles at most 63"
    );
    assert_eq!(e.line_col(), Some(at(&text, "[{", 0)));
}

#[test]
fn dm_without_options_and_too_many_statements_are_located() {
    let text = edit("[[rule]]", "[[dm]]\nid = \"idle\"\n\n[[rule]]");
    check(
        &text,
        "decision maker `idle` has no options",
        at(&text, "[[dm]]\nid = \"idle\"", 0),
    );
    let statements = vec!["\"a\""; 64].join(", ");
    let text = edit(
        r#"preferences = ["a", "!b"]"#,
        &format!("preferences = [{statements}]"),
    );
    check(
        &text,
        "decision maker `us` has 64 preference statements; at most 63 are supported",
        at(&text, "preferences", 0),
    );
}

// ---------------------------------------------------------------- named states

/// BASE with a `[[state]]` table of `body` appended.
fn with_state(body: &str) -> String {
    format!("{BASE}\n[[state]]\n{body}\n")
}

#[test]
fn named_states_by_options_or_yn() {
    let text = format!(
        "{BASE}\n[[state]]\nname = \"Deal\"\noptions = [\"c\", \"a\"]\ndescription = \"d\"\nsource = \"s\"\n\n[[state]]\nname = \"War\"\nyn = \"NYN\"\n\n[[state]]\nname = \"Nothing\"\noptions = []\n"
    );
    let loaded = parse_toml(&text, "m.toml").unwrap();
    let states = &loaded.model.named_states;
    let summary: Vec<(&str, u64)> = states
        .iter()
        .map(|s| (s.name.as_str(), s.pattern))
        .collect();
    assert_eq!(summary, [("Deal", 0b101), ("War", 0b010), ("Nothing", 0)]);
    assert_eq!(states[0].notes.description.as_deref(), Some("d"));
    assert_eq!(states[0].notes.source.as_deref(), Some("s"));
    assert_eq!(loaded.compile(1000).unwrap().named_states().len(), 3);
}

#[test]
fn named_state_with_an_unknown_option() {
    let text = with_state("name = \"Deal\"\noptions = [\"a\", \"cc\"]");
    let e = check(&text, "unknown option `cc`", at(&text, "\"cc\"", 0));
    assert!(help(&e).starts_with("did you mean `c`?"), "{}", help(&e));
    assert!(help(&e).contains("`a`, `b`, `c`"));
    let text = with_state("name = \"Deal\"\noptions = [\"a\", \"a\"]");
    check(
        &text,
        "option `a` is listed twice",
        at(&text, "\"a\"]\n", 0),
    );
}

#[test]
fn named_state_with_a_bad_yn() {
    let text = with_state("name = \"Deal\"\nyn = \"YN\"");
    let e = check(
        &text,
        "the state pattern `YN` has 2 characters, but the model has 3 options",
        at(&text, "\"YN\"", 0),
    );
    assert!(help(&e).contains("a, b, c"), "{}", help(&e));
    let text = with_state("name = \"Deal\"\nyn = \"Y-N\"");
    check(
        &text,
        "the state pattern `Y-N` contains `-`; only Y and N are allowed",
        at(&text, "\"Y-N\"", 2),
    );
}

#[test]
fn named_state_needs_exactly_one_of_options_and_yn() {
    let text = with_state("name = \"Deal\"\nyn = \"YNN\"\noptions = [\"a\"]");
    let e = check(
        &text,
        "the [[state]] `Deal` has both `options` and `yn`",
        at(&text, "options = [\"a\"]", 0),
    );
    assert!(help(&e).contains("not both"));
    let text = with_state("name = \"Deal\"\ndescription = \"x\"");
    check(
        &text,
        "the [[state]] `Deal` has neither `options` nor `yn`",
        at(&text, "[[state]]", 0),
    );
}

#[test]
fn named_state_names_are_required_and_unique() {
    let text = with_state("options = [\"a\"]");
    check(
        &text,
        "this [[state]] has no `name`",
        at(&text, "[[state]]", 0),
    );
    let text = with_state("name = \" \"\noptions = [\"a\"]");
    check(
        &text,
        "the name of a [[state]] must not be empty",
        at(&text, "\" \"", 0),
    );
    let text = format!(
        "{BASE}\n[[state]]\nname = \"Deal\"\noptions = [\"a\"]\n\n[[state]]\nname = \"Deal\"\nyn = \"NNY\"\n"
    );
    let e = check(
        &text,
        "a state named `Deal` is already defined",
        at(&text, "\"Deal\"\nyn", 0),
    );
    assert!(help(&e).contains("unique"));
    let text = format!(
        "{BASE}\n[[state]]\nname = \"Deal\"\noptions = [\"a\"]\n\n[[state]]\nname = \"deal\"\nyn = \"NNY\"\n"
    );
    check(
        &text,
        "a state named `deal` is already defined (as `Deal`)",
        at(&text, "\"deal\"", 0),
    );
}

#[test]
fn named_state_types_and_keys() {
    let text = with_state("name = \"Deal\"\noptions = \"a\"");
    check(
        &text,
        "`options` must be an array of option ids, not a string",
        at(&text, "options = \"a\"", "options = ".len()),
    );
    let text = with_state("name = \"Deal\"\noptions = [1]");
    check(
        &text,
        "an item of `options` must be a string, not an integer",
        at(&text, "1]", 0),
    );
    let text = with_state("name = \"Deal\"\nyn = 101");
    check(
        &text,
        "`yn` must be a string, not an integer",
        at(&text, "101", 0),
    );
    let text = with_state("name = 7\nyn = \"YNN\"");
    check(
        &text,
        "`name` must be a string, not an integer",
        at(&text, "7\n", 0),
    );
    let text = edit("[model]", "state = \"YNN\"\n[model]");
    check(
        &text,
        "`state` must be an array of tables, not a string",
        at(&text, "\"YNN\"", 0),
    );
    let text = with_state("name = \"Deal\"\noption = [\"a\"]");
    let e = check(
        &text,
        "unknown key `option` in [[state]]",
        at(&text, "option = ", 0),
    );
    assert!(
        help(&e).starts_with("did you mean `options`?"),
        "{}",
        help(&e)
    );
}

#[test]
fn infeasible_named_state_is_located_at_compile() {
    // The rule not_both = ["a", "b"] excludes YYN.
    let text = format!(
        "{BASE}\n[[state]]\nname = \"Fine\"\nyn = \"NNY\"\n\n[[state]]\nname = \"Deal\"\noptions = [\"a\", \"b\"]\n"
    );
    let loaded = parse_toml(&text, "m.toml").unwrap();
    let e = loaded.compile(1000).unwrap_err();
    assert_eq!(
        e.message(),
        "the named state `Deal` (YYN) is not a feasible state"
    );
    assert_eq!(
        e.line_col(),
        Some(at(&text, "options = [\"a\", \"b\"]", "options = ".len()))
    );
    assert!(help(&e).contains("feasibility rule"));
    let text = with_state("name = \"Deal\"\nyn = \"YYN\"");
    check(
        &text,
        "the named state `Deal` (YYN) is not a feasible state",
        at(&text, "\"YYN\"", 0),
    );
}

#[test]
fn misperception_errors_point_into_the_list() {
    let text = edit(
        "id = \"them\"\n",
        "id = \"them\"\nmisperceives = [\"a & d\"]\n",
    );
    check(&text, "unknown option `d`", at(&text, "a & d", 4));
    let text = edit("id = \"them\"\n", "id = \"them\"\nmisperceives = \"a\"\n");
    check(
        &text,
        "`misperceives` must be an array of patterns or expressions, not a string",
        at(&text, "misperceives = \"a\"", 15),
    );
    let text = edit(
        "id = \"them\"\n",
        "id = \"them\"\nmisperceives = [\"YN\"]\n",
    );
    check(
        &text,
        "a misperception pattern `YN` has 2 characters, but the model has 3 options",
        at(&text, "\"YN\"", 0),
    );
}

#[test]
fn coalition_errors_name_the_member() {
    let with = |entry: &str| format!("{BASE}\n[[coalition]]\n{entry}\n");
    let text = with("members = [\"us\", \"thme\"]");
    let e = check(
        &text,
        "unknown decision maker `thme`",
        at(&text, "\"thme\"", 0),
    );
    assert!(help(&e).contains("them"), "suggests the near miss");
    let text = with("members = [\"us\"]");
    check(
        &text,
        "a coalition needs at least two members",
        at(&text, "[\"us\"]", 0),
    );
    let text = with("members = [\"us\", \"us\"]");
    check(&text, "`us` is listed twice", at(&text, "\"us\"]", 0));
    let text = with("description = \"no members\"");
    check(
        &text,
        "a coalition needs `members`",
        at(&text, "[[coalition]]", 0),
    );
    let text = format!(
        "{}\n[[coalition]]\nmembers = [\"them\", \"us\"]\n",
        with("members = [\"us\", \"them\"]")
    );
    check(
        &text,
        "this coalition is listed already",
        at(&text, "[\"them\", \"us\"]", 0),
    );
}

#[test]
fn misperceptions_and_coalitions_survive_both_formats() {
    let text = format!(
        "{}\n[[coalition]]\nmembers = [\"us\", \"them\"]\n",
        edit(
            "id = \"them\"\n",
            "id = \"them\"\nmisperceives = [\"a & !c\", \"NY-\"]\n"
        )
    );
    let model = parse_toml(&text, "m.toml").unwrap().model;
    assert_eq!(model.decision_makers[1].misperceived.len(), 2);
    assert_eq!(model.coalitions[0].members, vec![0, 1]);
    let toml = detente_format::to_toml(&model);
    assert_eq!(
        parse_toml(&toml, "again.toml").unwrap().model.coalitions,
        model.coalitions
    );
    let again = parse_toml(&toml, "again.toml").unwrap().model;
    assert_eq!(
        again.decision_makers[1].misperceived,
        model.decision_makers[1].misperceived
    );
    let conflict = parse_toml(&text, "m.toml").unwrap().compile(1000).unwrap();
    let gmcr = detente_format::to_gmcr(&model, &conflict).unwrap();
    let back = parse_gmcr(&gmcr, "m.gmcr").unwrap().model;
    assert_eq!(back.coalitions, model.coalitions);
    // Same states misperceived, whatever form the conditions take.
    for s in 0..8u64 {
        let blind =
            |m: &detente_engine::Model| m.decision_makers[1].misperceived.iter().any(|e| e.eval(s));
        assert_eq!(blind(&back), blind(&model), "pattern {s:03b}");
    }
}
