//! The reference cases of GMCR.md §7: import, state numbering and round trips.

use detente_engine::{DEFAULT_MAX_STATES, Preferences};
use detente_format::{FileKind, Loaded, parse, parse_gmcr, parse_toml, to_gmcr, to_toml};

const CASES: [&str; 4] = ["Prisoners", "Chicken", "SyriaIraq", "Cuban"];

fn data(file: &str) -> String {
    let path = format!("{}/../../tests/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(case: &str) -> Loaded {
    let name = format!("{case}.gmcr");
    parse_gmcr(&data(&name), &name).unwrap_or_else(|e| panic!("{case}: {e:?}"))
}

#[test]
fn imported_cases_number_states_like_the_desktop_tool() {
    for case in CASES {
        let loaded = load(case);
        assert_eq!(loaded.kind, FileKind::Gmcr);
        let conflict = loaded.compile(DEFAULT_MAX_STATES).unwrap();
        let expected: serde_json::Value =
            serde_json::from_str(&data(&format!("{case}.expected.json"))).unwrap();
        let yn: Vec<String> = expected["states"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["yn"].as_str().unwrap().to_string())
            .collect();
        let ours: Vec<String> = (0..conflict.state_count() as u32)
            .map(|s| conflict.space().yn(s))
            .collect();
        assert_eq!(ours, yn, "{case}");
        let labels: Vec<&str> = loaded
            .model
            .options()
            .map(|(_, o)| o.label.as_str())
            .collect();
        let expected_labels: Vec<&str> = expected["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        assert_eq!(labels, expected_labels, "{case}");
    }
}

#[test]
fn import_generates_ids_and_keeps_names() {
    let cuban = load("Cuban").model;
    let ids: Vec<&str> = cuban.options().map(|(_, o)| o.id.as_str()).collect();
    assert_eq!(ids, ["air_strike", "blockade", "withdraw", "escalate"]);
    assert_eq!(cuban.decision_makers[1].id, "ussr");
    assert_eq!(cuban.decision_makers[1].name, "USSR");
    assert_eq!(
        cuban.option(0).direction,
        detente_engine::Direction::Forward
    );
    let prisoners = load("Prisoners").model;
    assert_eq!(prisoners.decision_makers[1].id, "prisoner_2");
    assert!(matches!(
        load("Chicken").model.decision_makers[0].preferences,
        Preferences::Ranking { .. }
    ));
}

#[test]
fn gmcr_round_trip_gives_an_equal_model() {
    for case in CASES {
        let loaded = load(case);
        let conflict = loaded.compile(DEFAULT_MAX_STATES).unwrap();
        let written = to_gmcr(&loaded.model, &conflict).unwrap();
        let again = parse_gmcr(&written, &format!("{case}.gmcr"))
            .unwrap_or_else(|e| panic!("{case}: {e:?}\n{written}"));
        assert_eq!(again.model, loaded.model, "{case}:\n{written}");
        assert!(written.contains("\"program\": \"detente\""));
    }
}

#[test]
fn toml_round_trip_gives_an_equal_model() {
    for case in CASES {
        let model = load(case).model;
        let text = to_toml(&model);
        let again =
            parse_toml(&text, "round.toml").unwrap_or_else(|e| panic!("{case}: {e:?}\n{text}"));
        assert_eq!(again.model, model, "{case}:\n{text}");
    }
}

fn repo_models() -> Vec<(String, String)> {
    let dir = format!("{}/../../models", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// The hand-written models/*.toml translate the reference cases: same states, same preferences.
#[test]
fn repository_models_agree_with_the_reference_cases() {
    let pairs = [
        ("prisoners", "Prisoners"),
        ("chicken", "Chicken"),
        ("syria-iraq", "SyriaIraq"),
        ("cuban", "Cuban"),
    ];
    for (path, text) in repo_models() {
        let loaded = parse(&text, &path).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        assert_eq!(loaded.kind, FileKind::Toml);
        let conflict = loaded
            .compile(DEFAULT_MAX_STATES)
            .unwrap_or_else(|e| panic!("{path}: {e:?}"));
        let again = parse_toml(&to_toml(&loaded.model), &path).unwrap();
        assert_eq!(again.model, loaded.model, "{path}");
        let Some((_, case)) = pairs
            .iter()
            .find(|(stem, _)| path.ends_with(&format!("/{stem}.toml")))
        else {
            continue;
        };
        let reference = load(case).compile(DEFAULT_MAX_STATES).unwrap();
        assert_eq!(
            conflict.space().patterns(),
            reference.space().patterns(),
            "{path}"
        );
        for d in 0..conflict.dm_count() {
            assert_eq!(conflict.ranks(d), reference.ranks(d), "{path}, DM {d}");
        }
    }
}

#[test]
fn export_writes_hand_rankings_as_state_numbers() {
    let loaded = load("Chicken");
    let conflict = loaded.compile(DEFAULT_MAX_STATES).unwrap();
    let written = to_gmcr(&loaded.model, &conflict).unwrap();
    let json: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(json["useManualPreferenceRanking"], true);
    assert_eq!(
        json["decisionMakers"][0]["preferenceRanking"],
        serde_json::json!([3, 4, 2, 1])
    );
}

#[test]
fn export_groups_ties_of_a_prioritization_when_rankings_are_manual() {
    let text = r#"format = "detente/1"
[[dm]]
id = "a"
ranking = ["YN", ["NY", "YY"], "NN"]
  [[dm.option]]
  id = "x"
[[dm]]
id = "b"
preferences = ["y"]
  [[dm.option]]
  id = "y"
"#;
    let loaded = parse_toml(text, "t.toml").unwrap();
    let conflict = loaded.compile(100).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&to_gmcr(&loaded.model, &conflict).unwrap()).unwrap();
    assert_eq!(
        json["decisionMakers"][0]["preferenceRanking"],
        serde_json::json!([2, [3, 4], 1])
    );
    assert_eq!(
        json["decisionMakers"][1]["preferenceRanking"],
        serde_json::json!([[3, 4], [1, 2]])
    );
    assert_eq!(
        json["decisionMakers"][1]["preferences"],
        serde_json::json!([[[1, "Y"]]])
    );
}

#[test]
fn export_refuses_an_oversized_dnf() {
    // The parity of 14 options has 2^13 minterms and no shorter DNF.
    let ids: Vec<String> = (0..14).map(|k| format!("x{k}")).collect();
    let options: String = ids
        .iter()
        .map(|id| format!("[[dm.option]]\nid = \"{id}\"\n"))
        .collect();
    let text = format!(
        "format = \"detente/1\"\n[[dm]]\nid = \"d\"\npreferences = [\"{}\"]\n{options}",
        ids.join(" <-> ")
    );
    let loaded = parse_toml(&text, "parity.toml").unwrap();
    let conflict = loaded.compile(DEFAULT_MAX_STATES).unwrap();
    let error = to_gmcr(&loaded.model, &conflict).unwrap_err();
    assert!(
        error.message().contains("more than 4096 conjunctions"),
        "{}",
        error.message()
    );
}

#[test]
fn old_and_new_gmcr_keys_are_both_accepted() {
    let text = data("Chicken.gmcr")
        .replace("useManualPreferenceRanking", "useManualPreferenceVectors")
        .replace("preferenceRanking", "preferenceVector");
    assert_eq!(
        parse(&text, "x.gmcr").unwrap().model,
        parse(&data("Chicken.gmcr"), "x.gmcr").unwrap().model
    );
    // Content sniffing when the extension says nothing.
    assert_eq!(parse(&text, "chicken").unwrap().kind, FileKind::Gmcr);
}

#[test]
fn named_states_round_trip_through_toml_and_are_dropped_by_gmcr() {
    let text = r#"format = "detente/1"
[[dm]]
id = "a"
preferences = ["x"]
  [[dm.option]]
  id = "x"
  [[dm.option]]
  id = "y"
[[dm]]
id = "b"
preferences = ["!z"]
  [[dm.option]]
  id = "z"
[[rule]]
not_both = ["x", "y"]
[[state]]
name = "Deal \"quoted\""
yn = "YNY"
description = "the deal"
source = "Article: \"...\""
[[state]]
name = "Nothing"
options = []
"#;
    let loaded = parse_toml(text, "t.toml").unwrap();
    assert_eq!(loaded.model.named_states.len(), 2);
    assert_eq!(loaded.model.named_states[0].pattern, 0b101);
    let written = to_toml(&loaded.model);
    // Written after the rules, by option ids.
    let rule_at = written.find("[[rule]]").unwrap();
    let state_at = written.find("[[state]]").unwrap();
    assert!(rule_at < state_at, "{written}");
    assert!(written.contains("options = [\"x\", \"z\"]"), "{written}");
    assert!(written.contains("options = []"), "{written}");
    let again = parse_toml(&written, "t.toml").unwrap_or_else(|e| panic!("{e:?}\n{written}"));
    assert_eq!(again.model, loaded.model, "{written}");

    let conflict = loaded.compile(DEFAULT_MAX_STATES).unwrap();
    let gmcr = to_gmcr(&loaded.model, &conflict).unwrap();
    let imported = parse_gmcr(&gmcr, "t.gmcr").unwrap();
    assert!(imported.model.named_states.is_empty());
    assert!(!gmcr.contains("Deal"), "{gmcr}");
}

/// Every ```toml example in docs/MODEL_FORMAT.md is a valid model.
#[test]
fn format_documentation_examples_are_valid() {
    let path = format!("{}/../../docs/MODEL_FORMAT.md", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).unwrap();
    let blocks: Vec<&str> = doc
        .split("```toml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect();
    assert!(!blocks.is_empty(), "no toml example in {path}");
    for block in &blocks {
        let loaded = parse_toml(block, "example.toml").unwrap_or_else(|e| panic!("{e:?}"));
        loaded
            .compile(DEFAULT_MAX_STATES)
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let first = parse_toml(blocks[0], "example.toml").unwrap();
    let conflict = first.compile(DEFAULT_MAX_STATES).unwrap();
    assert_eq!(conflict.state_count(), 9);
    assert_eq!(first.model.named_states.len(), 2);
    assert_eq!(first.model.status_quo, Some(0b0010));
    // The comment on the state number says which state it is.
    let written = to_toml(&first.model);
    assert!(written.contains("  \"NYYN\",\n"), "{written}");
}
