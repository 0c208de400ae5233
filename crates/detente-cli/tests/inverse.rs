//! `detente inverse` on small published cases, with counts checked by hand, and
//! snapshots of its output.

use serde_json::Value;
use std::process::Output;

mod common;

/// Runs `detente inverse` with `args`.
fn detente(args: &[&str]) -> Output {
    common::detente(&[&["inverse"], args].concat())
}

/// The output of a `detente inverse` run that must succeed.
fn text(args: &[&str]) -> String {
    common::stdout(&[&["inverse"], args].concat())
}

/// `concept -> (equilibrium, rankings, total)` from the JSON output.
fn counts(args: &[&str]) -> Vec<(String, String, String, String)> {
    let mut all = args.to_vec();
    all.extend(["--count", "--format", "json"]);
    let json: Value = serde_json::from_str(&text(&all)).unwrap();
    assert_eq!(json["schema"], "detente.inverse/1");
    json["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let field = |v: &Value| v.as_str().unwrap().to_string();
            (
                field(&c["concept"]),
                field(&c["equilibrium"]),
                field(&c["count"]["rankings"]),
                field(&c["count"]["total"]),
            )
        })
        .collect()
}

fn row(
    concept: &str,
    equilibrium: &str,
    rankings: &str,
    total: &str,
) -> (String, String, String, String) {
    (
        concept.into(),
        equilibrium.into(),
        rankings.into(),
        total.into(),
    )
}

/// Prisoner's Dilemma, mutual cooperation (state 4, YY), both prisoners varied:
/// 4! rankings each, 576 pairs.
/// - Nash: each must rank 4 above its own defection (3 for One, 2 for 2): 12 · 12.
/// - GMR: One ranks 4 above 3 or above 1 (2's defection in reply): 4 is not last of
///   {1, 3, 4}, 16 rankings; the same for 2: 16 · 16.
/// - SMR: One ranks 4 above 3, or 3 first and 4 second among {1, 2, 3, 4}: 12 + 2 = 14 each.
/// - SEQ couples them: One's defection is deterred if One ranks 4 above 3, or 4 above 1
///   and 2 prefers 1 to 3 (so it does defect in reply); symmetrically for 2. 193 pairs,
///   also found by listing the 576 pairs with a separate script.
#[test]
fn prisoners_dilemma_counts() {
    assert_eq!(
        counts(&["--example", "prisoners", "YY"]),
        vec![
            row("nash", "conditional", "144", "576"),
            row("gmr", "conditional", "256", "576"),
            row("smr", "conditional", "196", "576"),
            row("seq", "conditional", "193", "576"),
        ]
    );
}

/// Chicken, both swerve (state 4), only Driver 1 varied (24 rankings). Driver 2 prefers
/// holding course (state 2) and nothing stops it under Nash. Under GMR Driver 1's holding
/// course (to 3) is deterred if it ranks 4 above 3 or above the crash 1: 16. SMR adds
/// that the crash must not tempt it to 2: 4 above 3, or 3 first and 4 second: 14. SEQ:
/// Driver 2 will not crash into it (crash is its worst), so 4 above 3; and Driver 1 must
/// itself prefer the crash 1 to swerving alone 2 for its threat against Driver 2 to be
/// credible: 24 / 4 = 6.
#[test]
fn chicken_counts_with_one_driver_varied() {
    assert_eq!(
        counts(&["--example", "chicken", "4", "--vary", "d1"]),
        vec![
            row("nash", "never", "0", "24"),
            row("gmr", "conditional", "16", "24"),
            row("smr", "conditional", "14", "24"),
            row("seq", "conditional", "6", "24"),
        ]
    );
}

#[test]
fn text_output_of_prisoners_dilemma_with_samples() {
    insta::assert_snapshot!(text(&[
        "--example",
        "prisoners",
        "YY",
        "--count",
        "--sample",
        "2",
        "--seed",
        "3"
    ]));
}

#[test]
fn markdown_output_of_chicken() {
    insta::assert_snapshot!(text(&[
        "--example",
        "chicken",
        "4",
        "--vary",
        "d1",
        "--format",
        "markdown"
    ]));
}

#[test]
fn nrc_proposed_package() {
    insta::assert_snapshot!(text(&[
        "Proposed package",
        "--concept",
        "nash,smr",
        "--vary",
        "russia,allies",
        "--count"
    ]));
}

#[test]
fn bad_requests_exit_2() {
    for (args, message) in [
        (
            &["-e", "chicken", "4", "-c", "sim"][..],
            "does not cover SIM",
        ),
        (&["-e", "chicken", "4", "-f", "csv"][..], "no CSV form"),
        (
            &["-e", "chicken", "4", "--vary", "nobody"][..],
            "no decision maker called `nobody`",
        ),
        (&["-e", "chicken", "9"][..], "there is no state 9"),
        (
            &["Proposed package", "-c", "seq"][..],
            "more than 5000000 comparisons",
        ),
    ] {
        let out = detente(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}
