//! Regression: the reference cases (GMCR.md §7) analysed by the `detente`
//! binary must match their expected JSON exactly. Options are matched by
//! decision maker and name and states by their option values, so a different
//! column order would still compare correctly.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases")
}

fn analyze(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_detente"))
        .arg("analyze")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run detente");
    assert!(
        out.status.success(),
        "detente failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// Each state as a map from (DM, option name) to Y/N, keyed by id.
fn states_by_id(doc: &Value) -> BTreeMap<u64, BTreeMap<(String, String), char>> {
    let options: Vec<(String, String)> = doc["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["decision_maker"].as_str().unwrap().to_string(),
                o["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    doc["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let values = options
                .iter()
                .cloned()
                .zip(s["yn"].as_str().unwrap().chars())
                .collect();
            (s["id"].as_u64().unwrap(), values)
        })
        .collect()
}

/// The stability and equilibria of a result, with states named by their option values.
fn results(doc: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let states = states_by_id(doc);
    let name = |id: &Value| format!("{:?}", states[&id.as_u64().unwrap()]);
    let mut out = BTreeMap::new();
    for (concept, per_dm) in doc["stability"].as_object().unwrap() {
        for (dm, ids) in per_dm.as_object().unwrap() {
            out.insert(
                format!("{concept}/{dm}"),
                ids.as_array().unwrap().iter().map(name).collect(),
            );
        }
    }
    for (concept, ids) in doc["equilibria"].as_object().unwrap() {
        out.insert(
            format!("{concept}/equilibria"),
            ids.as_array().unwrap().iter().map(name).collect(),
        );
    }
    out
}

fn assert_matches_expected(actual: &Value, case: &str) {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(cases_dir().join(format!("{case}.expected.json"))).unwrap(),
    )
    .unwrap();
    let expected_states: BTreeSet<_> = states_by_id(&expected)
        .into_values()
        .map(|s| format!("{s:?}"))
        .collect();
    let actual_states: BTreeSet<_> = states_by_id(actual)
        .into_values()
        .map(|s| format!("{s:?}"))
        .collect();
    assert_eq!(
        actual_states, expected_states,
        "{case}: feasible states differ"
    );
    let (want, got) = (results(&expected), results(actual));
    for (key, states) in &want {
        assert_eq!(got.get(key), Some(states), "{case}: {key} differs");
    }
}

#[test]
fn reference_cases_match_expected_results() {
    for case in ["Prisoners", "Chicken", "SyriaIraq", "Cuban"] {
        let path = cases_dir().join(format!("{case}.gmcr"));
        let actual = analyze(&[path.to_str().unwrap()]);
        assert_matches_expected(&actual, case);
        // Imported files keep the desktop tool's numbering exactly (GMCR.md §5).
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(cases_dir().join(format!("{case}.expected.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(actual["states"], expected["states"], "{case}: numbering");
        // Every concept of the expected file, by number; detente may report more (SEQ&SIM).
        for (concept, ids) in expected["equilibria"].as_object().unwrap() {
            assert_eq!(
                &actual["equilibria"][concept], ids,
                "{case}: {concept} equilibria by number"
            );
        }
    }
}

#[test]
fn built_in_classics_reproduce_the_reference_cases() {
    for (example, case) in [
        ("prisoners", "Prisoners"),
        ("chicken", "Chicken"),
        ("syria-iraq", "SyriaIraq"),
        ("cuban", "Cuban"),
    ] {
        assert_matches_expected(&analyze(&["--example", example]), case);
    }
}

#[test]
fn json_carries_schema_tag_and_documented_fields() {
    let doc = analyze(&["--example", "cuban"]);
    assert_eq!(doc["schema"], "detente.analysis/1");
    for field in [
        "model",
        "decision_makers",
        "options",
        "state_count",
        "states",
        "status_quo",
        "concepts",
        "stability",
        "equilibria",
        "summary",
    ] {
        assert!(doc.get(field).is_some(), "missing {field}");
    }
    assert_eq!(doc["state_count"], 12);
}
