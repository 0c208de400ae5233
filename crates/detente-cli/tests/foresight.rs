//! `detente foresight` as a user meets it: textbook results for the classic
//! 2x2 games, snapshots of the NRC report, every format, and bad input.

use serde_json::{Value, json};

mod common;

use common::{detente, stdout};

fn json_of(example: &str, horizon: &str) -> Value {
    serde_json::from_str(&stdout(&[
        "foresight",
        "-e",
        example,
        "-H",
        horizon,
        "-f",
        "json",
    ]))
    .unwrap()
}

/// Prisoner's Dilemma (1 mutual defection, 4 mutual cooperation): with one
/// move of foresight only mutual defection is stable (Nash); from two moves
/// on, mutual cooperation is too, because a defector expects the other to
/// defect in turn; both are non-myopically stable.
#[test]
fn prisoners_dilemma_cooperation_survives_two_moves_of_foresight() {
    assert_eq!(
        json_of("prisoners", "1")["limited_move"]["equilibria"],
        json!([1])
    );
    let doc = json_of("prisoners", "2");
    assert_eq!(doc["schema"], "detente.foresight/1");
    assert_eq!(doc["limited_move"]["equilibria"], json!([1, 4]));
    assert_eq!(doc["non_myopic"]["equilibria"], json!([1, 4]));
    assert_eq!(
        doc["by_horizon"],
        json!([{"from": 1, "to": 1, "equilibria": [1]}, {"from": 2, "to": 2, "equilibria": [1, 4]}])
    );
    // The tables settle at horizon 2, so a long horizon costs nothing more.
    let far = json_of("prisoners", "1000");
    assert_eq!(
        far["by_horizon"],
        json!([{"from": 1, "to": 1, "equilibria": [1]}, {"from": 2, "to": 1000, "equilibria": [1, 4]}])
    );
    assert_eq!(far["by_horizon_repeats"], Value::Null);
    // Strict preferences: no verdict depends on ties.
    assert_eq!(
        doc["tie_dependent"]["limited_move"]["Prisoner One"],
        json!([])
    );
}

/// Chicken (2 and 3: one driver swerves, 4 both swerve): the two Nash
/// equilibria fall at horizon 2 (the driver who swerved alone expects that
/// holding course makes the other swerve), nothing is L_2-stable, and from
/// horizon 3 on mutual swerving is the only equilibrium, also non-myopically.
#[test]
fn chicken_settles_on_mutual_swerving() {
    assert_eq!(
        json_of("chicken", "1")["limited_move"]["equilibria"],
        json!([2, 3])
    );
    assert_eq!(
        json_of("chicken", "2")["limited_move"]["equilibria"],
        json!([])
    );
    let doc = json_of("chicken", "3");
    assert_eq!(doc["limited_move"]["equilibria"], json!([4]));
    assert_eq!(doc["non_myopic"]["equilibria"], json!([4]));
}

#[test]
fn nrc_report_with_lines_of_play() {
    insta::assert_snapshot!(
        "foresight_nrc",
        stdout(&[
            "foresight",
            "-H",
            "4",
            "--state",
            "sq",
            "--state",
            "Proposed package"
        ])
    );
}

#[test]
fn formats_agree() {
    insta::assert_snapshot!(
        "foresight_chicken_markdown",
        stdout(&[
            "foresight",
            "-e",
            "chicken",
            "-H",
            "3",
            "--state",
            "4",
            "-f",
            "markdown"
        ])
    );
    let csv = stdout(&["foresight", "-e", "prisoners", "-H", "2", "-f", "csv"]);
    insta::assert_snapshot!("foresight_prisoners_csv", csv);
    // The CSV's L_h equilibrium column (next to last) names the JSON's equilibria.
    let doc = json_of("cuban", "3");
    let csv = stdout(&["foresight", "-e", "cuban", "-H", "3", "-f", "csv"]);
    let from_csv: Vec<Value> = csv
        .lines()
        .skip(1)
        .filter(|row| row.split(',').nth_back(1) == Some("1"))
        .map(|row| json!(row.split(',').next().unwrap().parse::<u64>().unwrap()))
        .collect();
    assert_eq!(doc["limited_move"]["equilibria"], Value::Array(from_csv));
}

#[test]
fn bad_input_is_refused_with_exit_code_2() {
    for args in [
        &["foresight", "-H", "0"][..],
        &["foresight", "-H", "10001"],
        &["foresight", "--state", "nowhere"],
        &["foresight", "-e", "chicken", "--state", "9"],
    ] {
        let out = detente(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}
