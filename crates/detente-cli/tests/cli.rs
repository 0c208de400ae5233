//! The command line as a user meets it: snapshots of the output formats,
//! exit codes, and located errors for bad input.

use std::path::{Path, PathBuf};

mod common;

use common::{detente, stdout};

/// A scratch directory for one test, under target/.
fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn case(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/cases")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn table_output_of_the_cuban_missile_crisis() {
    insta::assert_snapshot!(stdout(&["analyze", "--example", "cuban"]));
}

#[test]
fn markdown_output_of_chicken() {
    insta::assert_snapshot!(stdout(&[
        "analyze",
        "--example",
        "chicken",
        "--format",
        "markdown"
    ]));
}

#[test]
fn csv_output_of_prisoners_dilemma() {
    insta::assert_snapshot!(stdout(&[
        "analyze",
        "--example",
        "prisoners",
        "--format",
        "csv"
    ]));
}

#[test]
fn json_output_of_syria_iraq() {
    insta::assert_snapshot!(stdout(&[
        "analyze",
        "--example",
        "syria-iraq",
        "--format",
        "json"
    ]));
}

#[test]
fn json_output_of_the_nrc_scenario() {
    insta::assert_snapshot!(stdout(&["analyze", "--format", "json"]));
}

#[test]
fn no_arguments_analyse_the_nrc_scenario() {
    let text = stdout(&[]);
    assert!(
        text.starts_with("Reviving the NATO-Russia Council"),
        "{}",
        &text[..200]
    );
    assert_eq!(text, stdout(&["analyze", "--example", "nrc"]));
    insta::assert_snapshot!("nrc_table", text);
}

#[test]
fn examples_states_and_check() {
    insta::assert_snapshot!("examples", stdout(&["examples"]));
    insta::assert_snapshot!("states", stdout(&["states", "--example", "chicken"]));
    insta::assert_snapshot!("check", stdout(&["check", &case("Cuban.gmcr")]));
}

#[test]
fn concepts_can_be_chosen() {
    let doc: serde_json::Value = serde_json::from_str(&stdout(&[
        "analyze",
        "-e",
        "cuban",
        "-f",
        "json",
        "--concepts",
        "nash,seq",
    ]))
    .unwrap();
    assert_eq!(doc["concepts"], serde_json::json!(["nash", "seq"]));
    assert_eq!(doc["equilibria"]["seq"], serde_json::json!([5, 6, 7]));
}

#[test]
fn convert_round_trips_between_formats_without_changing_results() {
    let dir = scratch("convert");
    let toml = dir.join("cuban.toml");
    let gmcr = dir.join("cuban-again.gmcr");
    detente(&["convert", &case("Cuban.gmcr"), toml.to_str().unwrap()]);
    detente(&["convert", toml.to_str().unwrap(), gmcr.to_str().unwrap()]);
    let results = |path: &str| -> serde_json::Value {
        let mut doc: serde_json::Value =
            serde_json::from_str(&stdout(&["analyze", path, "-f", "json"])).unwrap();
        doc["model"] = serde_json::Value::Null;
        doc
    };
    let original = results(&case("Cuban.gmcr"));
    assert_eq!(
        results(toml.to_str().unwrap())["equilibria"],
        original["equilibria"]
    );
    assert_eq!(
        results(gmcr.to_str().unwrap())["stability"],
        original["stability"]
    );
}

/// Runs `detente check` on `text` saved as `name`, expecting exit code 2 and a located message.
fn rejects(name: &str, text: &str, message: &str, location: &str) {
    let dir = scratch(&format!("bad-{}", name.replace('.', "-")));
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let out = detente(&["check", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    assert!(
        stderr.contains(message),
        "{name}: expected {message:?} in\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("{name}:{location}")),
        "{name}: expected location {location} in\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

const GOOD: &str = r#"format = "detente/1"

[model]
name = "two"

[[dm]]
id = "a"
preferences = ["x"]
  [[dm.option]]
  id = "x"

[[dm]]
id = "b"
preferences = ["!x"]
  [[dm.option]]
  id = "y"
"#;

#[test]
fn bad_models_exit_2_with_a_located_message() {
    rejects(
        "unknown.toml",
        &GOOD.replace(r#"["!x"]"#, r#"["!z"]"#),
        "unknown option",
        "14:18",
    );
    rejects(
        "dup.toml",
        &GOOD.replace(r#"id = "y""#, r#"id = "x""#),
        "already",
        "16:",
    );
    rejects(
        "syntax.toml",
        &GOOD.replace(r#"["x"]"#, r#"["x &"]"#),
        "expression",
        "8:",
    );
    rejects(
        "contradiction.toml",
        &format!("{GOOD}\n[[rule]]\nrequire = \"x & !x\"\n"),
        "no feasible state",
        "",
    );
    rejects(
        "type.toml",
        &GOOD.replace(r#"id = "x""#, "id = 3"),
        "string",
        "10:",
    );
    rejects("broken.gmcr", "{\"options\": [", "", "1:");
}

#[test]
fn other_bad_input_exits_2() {
    let missing = detente(&["check", "/no/such/model.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));

    let unknown = detente(&["analyze", "--example", "atlantis"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no built-in model called `atlantis`")
    );

    let too_big = detente(&["analyze", "--max-states", "100"]);
    assert_eq!(too_big.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&too_big.stderr).contains("100"));

    assert_eq!(
        detente(&["analyze", "--format", "yaml"]).status.code(),
        Some(2)
    );
}

#[test]
fn the_readme_example_model_is_valid() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let start = readme.find("```toml\n").expect("a TOML example") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let path = scratch("readme").join("example.toml");
    std::fs::write(&path, &readme[start..end]).unwrap();
    let report = stdout(&["analyze", path.to_str().unwrap(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(doc["equilibria"]["nash"], serde_json::json!([1]));
}

#[test]
fn explain_tells_why_a_state_is_or_is_not_stable() {
    insta::assert_snapshot!("explain_cuban_3", stdout(&["explain", "-e", "cuban", "3"]));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&[
        "explain",
        &case("Cuban.gmcr"),
        "NYYN",
        "--dm",
        "USSR",
        "-f",
        "json",
    ]))
    .unwrap();
    assert_eq!(doc["schema"], "detente.explanation/1");
    assert_eq!(doc["state"], 7);
    let verdicts = doc["decision_makers"][0]["verdicts"].as_array().unwrap();
    let stable: Vec<(&str, bool)> = verdicts
        .iter()
        .map(|v| {
            (
                v["concept"].as_str().unwrap(),
                v["stable"].as_bool().unwrap(),
            )
        })
        .collect();
    // State 7 is stable for the USSR under every concept (Cuban.expected.json).
    assert!(stable.iter().all(|&(_, s)| s), "{stable:?}");
    let named = stdout(&["explain", "Proposed package", "--dm", "Russia", "-c", "seq"]);
    assert!(named.contains("\"Proposed package\""), "{named}");
    for bad in [
        vec!["explain", "0"],
        vec!["explain", "no such state"],
        vec!["explain", "-e", "cuban", "YYYY"],
    ] {
        assert_eq!(detente(&bad).status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn evolve_finds_the_reachable_equilibria_and_their_paths() {
    insta::assert_snapshot!(
        "evolve_cuban_from_1",
        stdout(&["evolve", "-e", "cuban", "--from", "1"])
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&[
        "evolve", "-e", "cuban", "--from", "1", "-f", "json", "-c", "nash",
    ]))
    .unwrap();
    assert_eq!(doc["schema"], "detente.evolution/1");
    // State 6 (air strike, then Soviet withdrawal) is the model's only Nash equilibrium.
    let targets = doc["reachable_equilibria"].as_array().unwrap();
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0]["state"], 6);
    assert_eq!(targets[0]["path"].as_array().unwrap().len(), 2);
    let dot = stdout(&["evolve", "-e", "cuban", "--from", "1", "-f", "dot"]);
    assert!(
        dot.starts_with("digraph evolution {") && dot.contains("s1 -> s2"),
        "{dot}"
    );
    // The classic cases have no status quo: evolve needs --from.
    assert_eq!(detente(&["evolve", "-e", "chicken"]).status.code(), Some(2));
}

#[test]
fn coalitions_report_who_can_upset_each_equilibrium() {
    insta::assert_snapshot!(
        "coalitions_prisoners",
        stdout(&["coalitions", "-e", "prisoners", "--concept", "nash"])
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&[
        "coalitions",
        "-e",
        "prisoners",
        "--concept",
        "nash",
        "-f",
        "json",
    ]))
    .unwrap();
    assert_eq!(doc["schema"], "detente.coalitions/2");
    // Mutual defection (state 1) is the Nash equilibrium; together the prisoners reach mutual cooperation (4).
    assert_eq!(doc["equilibria"][0]["state"], 1);
    assert_eq!(
        doc["equilibria"][0]["upsets"][0]["to"],
        serde_json::json!([4])
    );
    assert_eq!(doc["coalition_equilibria"], serde_json::json!([]));
    // Under GMR each defection is sanctioned, and nothing both prefer to
    // mutual cooperation exists: state 4 is a coalitional GMR equilibrium.
    insta::assert_snapshot!(
        "coalitions_prisoners_gmr",
        stdout(&["coalitions", "-e", "prisoners", "--concept", "gmr"])
    );
    let sim = detente(&["coalitions", "-e", "prisoners", "--concept", "sim"]);
    assert_eq!(sim.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&sim.stderr).contains("SIM has no"));
    let unknown = detente(&["coalitions", "--coalition", "us,atlantis"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("atlantis"));
}

#[test]
fn misperceptions_and_coalitions_in_gmcr_files_are_analysed() {
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case("Prisoners.gmcr")).unwrap()).unwrap();
    let path = scratch("misperceptions").join("prisoners.gmcr");
    let nash_for_first = |file: &serde_json::Value| {
        std::fs::write(&path, file.to_string()).unwrap();
        let doc: serde_json::Value =
            serde_json::from_str(&stdout(&["analyze", path.to_str().unwrap(), "-f", "json"]))
                .unwrap();
        let first = doc["decision_makers"][0]["name"]
            .as_str()
            .unwrap()
            .to_string();
        doc["stability"]["nash"][first].clone()
    };
    let before = nash_for_first(&file);
    // The first prisoner no longer sees the state where only the other cooperates,
    // so from mutual cooperation (state 4) he has nowhere to go.
    let first_option = file["decisionMakers"][0]["options"][0].as_u64().unwrap();
    let other_option = file["decisionMakers"][1]["options"][0].as_u64().unwrap();
    file["decisionMakers"][0]["misperceptions"] =
        serde_json::json!([[[first_option, "N"], [other_option, "Y"]]]);
    file["coalitions"] = serde_json::json!([[0, 1]]);
    let after = nash_for_first(&file);
    assert!(!before.as_array().unwrap().contains(&4.into()));
    assert!(after.as_array().unwrap().contains(&4.into()));
    let coalitions = stdout(&["coalitions", path.to_str().unwrap(), "--concept", "nash"]);
    assert!(coalitions.contains("Coalitions considered, besides each DM alone: "));
    assert!(
        coalitions.contains(" + "),
        "the file's coalition is examined"
    );
}

#[test]
fn evolution_with_a_coalition_takes_joint_moves() {
    let alone: serde_json::Value =
        serde_json::from_str(&stdout(&["evolve", "--concepts", "seq", "-f", "json"])).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&stdout(&[
        "evolve",
        "--concepts",
        "seq",
        "--coalition",
        "us,russia",
        "-f",
        "json",
    ]))
    .unwrap();
    assert!(doc["reachable_count"].as_u64() > alone["reachable_count"].as_u64());
    let joint: Vec<&serde_json::Value> = doc["reachable_equilibria"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["path"].as_array().unwrap())
        .filter(|m| m["members"].as_array().unwrap().len() == 2)
        .collect();
    assert!(!joint.is_empty(), "some shortest path uses the coalition");
    assert_eq!(joint[0]["decision_maker"], "United States + Russia");
    let dot = stdout(&[
        "evolve",
        "--concepts",
        "seq",
        "--coalition",
        "us,russia",
        "-f",
        "dot",
    ]);
    assert!(dot.contains("style=dashed, label=\"United States + Russia\""));
}

/// A small model with one uncertain statement and one uncertain tier (6 profiles).
const UNCERTAIN_MODEL: &str = r#"format = "detente/1"
[model]
name = "Uncertain sanctions"
[[dm]]
id = "us"
preferences = [
  "deal",
  { statement = "!sanctions", priority = [1, 3] },
  "!deal | !sanctions",
]
  [[dm.option]]
  id = "sanctions"
[[dm]]
id = "them"
ranking = ["YY", { tier = "NY", priority = [2, 3] }, "YN", "NN"]
  [[dm.option]]
  id = "deal"
[[state]]
name = "Deal without sanctions"
options = ["deal"]
"#;

fn uncertain_model_file(test: &str) -> String {
    let path = scratch(test).join("uncertain.toml");
    std::fs::write(&path, UNCERTAIN_MODEL).unwrap();
    path.display().to_string()
}

#[test]
fn robustness_reports_shares_over_the_preference_profiles() {
    let model = uncertain_model_file("robustness");
    insta::assert_snapshot!("robustness_table", stdout(&["robustness", &model]));
    insta::assert_snapshot!(
        "robustness_json",
        stdout(&["robustness", &model, "-f", "json", "-c", "nash,seq"])
    );
    insta::assert_snapshot!(
        "robustness_csv",
        stdout(&["robustness", &model, "-f", "csv", "-c", "gmr"])
    );
    let markdown = stdout(&["robustness", &model, "-f", "markdown"]);
    assert!(markdown.starts_with("# Robustness under preference uncertainty"));
    assert!(markdown.contains("| States "), "{markdown}");
}

#[test]
fn a_sweep_lists_each_profiles_equilibria_and_splits_by_range() {
    let args = ["sweep", "--vary", "allies,russia", "-c", "nash,seq"];
    insta::assert_snapshot!(
        "sweep_nrc_csv",
        stdout(&[&args[..], &["-f", "csv"]].concat())
    );
    let whole: serde_json::Value =
        serde_json::from_str(&stdout(&[&args[..], &["-f", "json"]].concat())).unwrap();
    let mut joined = Vec::new();
    for range in ["0..5", "5..12"] {
        let piece: serde_json::Value = serde_json::from_str(&stdout(
            &[&args[..], &["-f", "json", "--range", range]].concat(),
        ))
        .unwrap();
        assert_eq!(piece["count"], 12);
        joined.extend(piece["profiles"].as_array().unwrap().clone());
    }
    assert_eq!(&joined, whole["profiles"].as_array().unwrap());
    let text = stdout(&args);
    assert!(
        text.contains("Every consistent preference profile: 12 profiles."),
        "{text}"
    );

    let sampled = [
        "sweep", "--sample", "30", "--seed", "4", "-c", "gmr", "-f", "json",
    ];
    assert_eq!(stdout(&sampled), stdout(&sampled), "a sample is its seed");

    for (bad, message) in [
        (vec!["sweep", "--range", "5..3"], "ends before it starts"),
        (vec!["sweep", "--range", "0..193"], "there are only 192"),
        (
            vec!["sweep", "--vary", "atlantis"],
            "no decision maker called `atlantis`",
        ),
        (vec!["sweep", "--range", "3"], "is not START..END"),
        (vec!["sweep", "--seed", "3"], "--sample"),
    ] {
        let out = detente(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{bad:?}: {err}");
    }
}

#[test]
fn robustness_samples_reproducibly_when_there_are_too_many_profiles() {
    let model = uncertain_model_file("robustness-sampled");
    let args = [
        "robustness",
        &model,
        "--exact-limit",
        "5",
        "--samples",
        "300",
        "--seed",
        "9",
    ];
    let first = stdout(&args);
    assert!(
        first.contains("300 of the 6 consistent preference profiles were drawn at random"),
        "{first}"
    );
    assert!(first.contains("seed 9"), "{first}");
    assert_eq!(first, stdout(&args));
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&[&args[..], &["-f", "json"]].concat())).unwrap();
    assert_eq!(json["method"], "sampled");
    assert_eq!(json["seed"], 9);
    assert_eq!(json["analysed"], 300);
}

/// The NRC model's uncertain preferences: exact shares, and the model as written agrees with `analyze`.
#[test]
fn robustness_of_the_nrc_scenario_is_exact_and_agrees_with_the_analysis() {
    let robust: serde_json::Value =
        serde_json::from_str(&stdout(&["robustness", "-f", "json"])).unwrap();
    assert_eq!(robust["schema"], "detente.robustness/1");
    assert_eq!(robust["method"], "exact");
    assert_eq!(robust["profiles"], 192);
    assert_eq!(robust["uncertain"].as_array().unwrap().len(), 4);
    assert!(stdout(&["check"]).contains("uncertain preferences: 4 (192 profiles"));
    let analysis: serde_json::Value =
        serde_json::from_str(&stdout(&["analyze", "-f", "json"])).unwrap();
    for state in robust["states"].as_array().unwrap() {
        for (concept, share) in state["equilibrium"].as_object().unwrap() {
            let written = analysis["equilibria"][concept]
                .as_array()
                .unwrap()
                .contains(&state["state"]);
            assert_eq!(share["as_written"], written, "{concept} {}", state["state"]);
            // The model as written is one of the profiles.
            assert!(!written || share["count"].as_u64() > Some(0));
        }
    }
}

#[test]
fn robustness_refuses_oversized_requests() {
    for (flag, value) in [
        ("--samples", "0"),
        ("--samples", "1000001"),
        ("--exact-limit", "2000000"),
    ] {
        let out = detente(&["robustness", flag, value]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("1000000"), "{stderr}");
    }
}

#[test]
fn an_analysis_over_its_time_limit_stops_and_names_the_flag() {
    // A million sampled profiles of the NRC scenario take minutes.
    let out = detente(&[
        "robustness",
        "--exact-limit",
        "0",
        "--samples",
        "1000000",
        "--timeout",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("time limit of 1 s"), "{stderr}");
    assert!(stderr.contains("--timeout SECONDS"), "{stderr}");
    assert!(out.stdout.is_empty());
    // Every command that analyses takes the flag; a generous limit changes nothing.
    for command in [
        &["analyze", "-e", "chicken"][..],
        &["explain", "-e", "chicken", "1"],
        &["evolve", "-e", "chicken", "--from", "1"],
        &["coalitions", "-e", "chicken"],
        &["foresight", "-e", "chicken"],
        &["robustness", "-e", "chicken"],
        &["inverse", "-e", "chicken", "1"],
    ] {
        let with = [command, &["--timeout", "600"]].concat();
        assert_eq!(stdout(&with), stdout(command), "{command:?}");
    }
}

#[test]
fn compiling_a_huge_model_stops_at_the_time_limit() {
    // 2^25 states and 40 preference statements per DM: over a minute to compile on a
    // shared machine, several seconds on any; writing the model is instant.
    let dir = scratch("compile-timeout");
    let model = dir.join("huge.toml").display().to_string();
    let shape = ["--dms", "5", "--options-per-dm", "5", "--statements", "40"];
    stdout(&[&["generate", "-o", &model][..], &shape].concat());
    let gmcr = dir.join("huge.gmcr").display().to_string();
    for command in [
        &["check", &model][..],
        &["analyze", &model],
        &["convert", &model, &gmcr],
    ] {
        let started = std::time::Instant::now();
        let out = detente(&[command, &["--timeout", "1"]].concat());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(stderr.contains("time limit of 1 s"), "{stderr}");
        assert!(stderr.contains("--timeout SECONDS"), "{stderr}");
        // Generous for a loaded machine; the compile itself takes far longer there.
        let elapsed = started.elapsed();
        assert!(elapsed.as_secs() < 30, "{command:?} took {elapsed:?}");
    }
    assert!(!Path::new(&gmcr).exists());
}

/// The subcommands `detente --help` lists, `help` aside.
fn subcommands() -> Vec<String> {
    let help = stdout(&["--help"]);
    let listed = help
        .split("Commands:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a Commands section");
    // A subcommand's line starts with two spaces; wrapped descriptions are indented further.
    listed
        .lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|&name| name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_subcommand_offers_a_timeout_or_states_its_bound() {
    let commands = subcommands();
    assert!(commands.len() >= 14, "{commands:?}");
    for command in &commands {
        let help = stdout(&[command, "--help"]);
        let offers_timeout = help
            .lines()
            .any(|line| line.trim_start().starts_with("--timeout <SECONDS>"));
        let states_bound = help.contains("Time bound: ");
        assert!(
            offers_timeout || states_bound,
            "`detente {command}` neither takes --timeout nor says what bounds it (\"Time bound: ...\" in its --help)"
        );
    }
}

#[test]
fn exporting_uncertainty_to_gmcr_says_it_is_dropped() {
    let model = uncertain_model_file("robustness-gmcr");
    let target = scratch("robustness-gmcr-out").join("m.gmcr");
    let out = detente(&["convert", &model, target.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".gmcr has no place for uncertain preferences"),
        "{stderr}"
    );
}

/// The inputs the fuzzer found panics with (tests/fuzz-regressions/) never crash the
/// binary either: each command ends in success (0) or a reported error (2), never a
/// panic (101).
#[test]
fn the_binary_never_panics_on_fuzz_findings() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fuzz-regressions");
    let entries = std::fs::read_dir(dir).expect("read tests/fuzz-regressions");
    for path in entries.map(|e| e.expect("list tests/fuzz-regressions").path()) {
        let file = path.to_str().expect("a UTF-8 path");
        // Model forms are the workbench's; detente-fuzz's regression test replays them.
        if file.ends_with(".form.json") {
            continue;
        }
        for command in ["analyze", "foresight", "check"] {
            let out = detente(&[command, file]);
            assert!(
                matches!(out.status.code(), Some(0 | 2)),
                "detente {command} {file}: {:?}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
