//! The NRC write-up against the binary: every number in `docs/scenarios/nrc-2025.md` must
//! appear in the output of the commands its "How to reproduce" appendix lists, and its key
//! claims must match `detente analyze --format json`.

mod common;

use common::stdout;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Numbers the variant files, so tests running at once do not share one.
static VARIANTS: AtomicUsize = AtomicUsize::new(0);

/// Numbers in the write-up that no command prints. Add only dates of the article and
/// section numbers of other documents.
const ALLOWED: &[&str] = &[
    "2025", // the article's year: "May 2025", models/nrc-2025.toml
];

/// The most words the main text (everything before the appendices) may have.
const MAX_MAIN_WORDS: usize = 2600;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn writeup() -> String {
    std::fs::read_to_string(root().join("docs/scenarios/nrc-2025.md")).unwrap()
}

/// The "How to reproduce" appendix, up to the next heading of its level.
fn reproduce_section(doc: &str) -> &str {
    let start = doc
        .find("## Appendix A: How to reproduce")
        .expect("a reproduce section");
    let rest = &doc[start + 3..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// The model with `line` inserted after the line `after` (what the write-up's `sed` does).
fn variant(after: &str, line: &str, name: &str) -> String {
    let model = std::fs::read_to_string(root().join("models/nrc-2025.toml")).unwrap();
    assert_eq!(model.matches(after).count(), 1, "{after}");
    let text = model.replace(after, &format!("{after}\n{line}"));
    let n = VARIANTS.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("{name}-{}-{n}.toml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Every number token: digits, an optional decimal part, and an optional `%` or ordinal
/// suffix, not glued to letters, digits or `_` on either side (so `c5` or `000_adc` are not).
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && word(chars[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if chars.get(i) == Some(&'%') {
            i += 1;
        } else if ["st", "nd", "rd", "th"].contains(&rest.as_str()) {
            i += 2;
        }
        let glued = chars.get(i).is_some_and(|&c| word(c));
        while i < chars.len() && word(chars[i]) {
            i += 1;
        }
        if !glued {
            out.push(chars[start..i].iter().collect());
        }
    }
    out
}

struct Outputs {
    text: String,
    json: serde_json::Value,
    no_threat: serde_json::Value,
    door_permanent: serde_json::Value,
}

/// Runs every command of the reproduce section; checks the section lists exactly these.
fn run_reproduce_commands(doc: &str) -> Outputs {
    let section = reproduce_section(doc);
    let article = root().join("../shared/seed/000_adc9f996618461c5.txt");
    assert!(article.exists(), "the NRC article at {}", article.display());
    let model = root().join("models/nrc-2025.toml").display().to_string();
    let article = article.display().to_string();
    let no_threat = variant(
        r#"  id = "security_guarantees""#,
        r#"  irreversible = "backward""#,
        "nrc-no-guarantee-threat",
    );
    let door = variant(
        r#"  id = "allies_close_door""#,
        r#"  irreversible = "forward""#,
        "nrc-door-permanent",
    );
    let m = model.as_str();
    // (the command as the write-up prints it, the arguments that run it here)
    let commands: Vec<(&str, Vec<&str>)> = vec![
        ("detente analyze models/nrc-2025.toml", vec!["analyze", m]),
        (
            "detente analyze models/nrc-2025.toml --format json",
            vec!["analyze", m, "--format", "json"],
        ),
        (
            r#"detente explain models/nrc-2025.toml "Proposed package" --dm Russia"#,
            vec!["explain", m, "Proposed package", "--dm", "Russia"],
        ),
        (
            "detente explain models/nrc-2025.toml 80",
            vec!["explain", m, "80"],
        ),
        (
            "detente explain models/nrc-2025.toml 332",
            vec!["explain", m, "332"],
        ),
        (
            "detente explain models/nrc-2025.toml 416",
            vec!["explain", m, "416"],
        ),
        ("detente evolve models/nrc-2025.toml", vec!["evolve", m]),
        (
            "detente evolve models/nrc-2025.toml --coalitions",
            vec!["evolve", m, "--coalitions"],
        ),
        (
            "detente robustness models/nrc-2025.toml",
            vec!["robustness", m],
        ),
        (
            "detente coalitions models/nrc-2025.toml",
            vec!["coalitions", m],
        ),
        (
            "detente foresight models/nrc-2025.toml --horizon 3 --state 320",
            vec!["foresight", m, "--horizon", "3", "--state", "320"],
        ),
        (
            r#"detente inverse models/nrc-2025.toml "Proposed package" --count"#,
            vec!["inverse", m, "Proposed package", "--count"],
        ),
        (
            "detente sources models/nrc-2025.toml --against ../shared/seed/000_adc9f996618461c5.txt",
            vec!["sources", m, "--against", &article],
        ),
        (
            "detente analyze /tmp/nrc-no-guarantee-threat.toml",
            vec!["analyze", &no_threat],
        ),
        (
            "detente analyze /tmp/nrc-door-permanent.toml",
            vec!["analyze", &door],
        ),
    ];
    for sed in [
        r#"sed '/^  id = "security_guarantees"/a\  irreversible = "backward"' models/nrc-2025.toml > /tmp/nrc-no-guarantee-threat.toml"#,
        r#"sed '/^  id = "allies_close_door"/a\  irreversible = "forward"' models/nrc-2025.toml > /tmp/nrc-door-permanent.toml"#,
    ] {
        assert!(section.contains(sed), "the reproduce section lacks {sed}");
    }
    let listed: BTreeSet<&str> = section
        .lines()
        .filter(|l| l.starts_with("detente "))
        .collect();
    let known: BTreeSet<&str> = commands.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        listed, known,
        "the reproduce section and this test list different commands"
    );
    let mut text = String::new();
    for (_, args) in &commands {
        text.push_str(&stdout(args));
        text.push('\n');
    }
    let json = |args: &[&str]| serde_json::from_str(&stdout(args)).unwrap();
    let outputs = Outputs {
        text,
        json: json(&["analyze", m, "--format", "json"]),
        no_threat: json(&["analyze", &no_threat, "--format", "json"]),
        door_permanent: json(&["analyze", &door, "--format", "json"]),
    };
    for path in [no_threat, door] {
        std::fs::remove_file(Path::new(&path)).unwrap();
    }
    outputs
}

/// The concepts under which `state` is an equilibrium, in the JSON's order.
fn equilibrium_under(json: &serde_json::Value, state: u64) -> Vec<&str> {
    json["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .filter(|c| {
            json["equilibria"][*c]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s.as_u64() == Some(state))
        })
        .collect()
}

#[test]
fn every_number_in_the_nrc_writeup_is_printed_by_its_commands() {
    let doc = writeup();
    let outputs = run_reproduce_commands(&doc);
    let printed: BTreeSet<String> = numbers(&outputs.text).into_iter().collect();
    let missing: BTreeSet<String> = numbers(&doc)
        .into_iter()
        .filter(|n| !printed.contains(n) && !ALLOWED.contains(&n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "numbers in docs/scenarios/nrc-2025.md that no command of its reproduce section prints: {missing:?}"
    );
}

#[test]
fn the_nrc_writeup_states_the_key_results() {
    let doc = writeup();
    let outputs = run_reproduce_commands(&doc);
    // The package is state 320 and holds under GMR, SMR and SEQ only.
    assert!(outputs.text.contains("\"Proposed package\" (state 320:"));
    assert!(doc.contains("**state 320** is the proposed package"));
    assert_eq!(equilibrium_under(&outputs.json, 320), ["gmr", "smr", "seq"]);
    assert!(doc.contains("**Yes under GMR, SMR and SEQ; no under Nash and SIM.**"));
    // With the alliance closing NATO's door: every concept but Nash.
    assert!(
        outputs
            .text
            .contains("\"Package, NATO door closed\" (state 800:")
    );
    let all_but_nash = ["gmr", "smr", "seq", "sim", "seqsim"];
    assert_eq!(equilibrium_under(&outputs.json, 800), all_but_nash);
    assert!(doc.contains("stable under\nGMR, SMR, SEQ, SIM and SEQ&SIM"));
    // Without the guarantees threat the package holds under no concept; 800 still does.
    assert!(equilibrium_under(&outputs.no_threat, 320).is_empty());
    assert_eq!(equilibrium_under(&outputs.no_threat, 800), all_but_nash);
    assert!(doc.contains("the package holds under **no** concept"));
    // With a permanent exclusion, 800 falls back to GMR, SMR and SEQ.
    assert_eq!(
        equilibrium_under(&outputs.door_permanent, 800),
        ["gmr", "smr", "seq"]
    );
    // The status quo is state 50, a GMR equilibrium only.
    assert_eq!(outputs.json["status_quo"], 50);
    assert_eq!(equilibrium_under(&outputs.json, 50), ["gmr"]);
    // Shares over orderings are never presented as probabilities.
    assert!(doc.contains("they are not probabilities"));
    let main = &doc[..doc.find("## Appendix").unwrap()];
    let words = main.split_whitespace().count();
    assert!(words <= MAX_MAIN_WORDS, "the main text has {words} words");
}

#[test]
fn number_tokens_ignore_identifiers_and_keep_suffixes() {
    assert_eq!(
        numbers("states 57–60, 56.2% and 4th; c5 000_adc nrc-2025.toml §3"),
        ["57", "60", "56.2%", "4th", "2025", "3"]
    );
}
