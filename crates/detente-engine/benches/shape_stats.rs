//! Engine-only figures for one generated model, with the same flags as
//! `detente generate`: feasible states, total moves (`Conflict::move_count`),
//! and wall-clock times of generate, compile, the move-enumeration floor and,
//! with `--analyze LIST`, `Analysis::run` on those concepts.
//!
//! ```text
//! cargo bench -p detente-engine --bench shape_stats -- \
//!     --dms 4 --options-per-dm 5 --rules 4 --rule-width 4 --irreversible 20 --seed 2 \
//!     --analyze nash,gmr,smr,seq
//! ```
//!
//! Prints one line of `key=value` pairs (times in seconds). Without shape
//! flags (as under `cargo bench` or `cargo test --all-targets`) it does nothing.
//! scripts/bench-targets.sh uses it for its "moves" column.

use detente_engine::NoDeadline;
use detente_engine::generate::{PreferenceKind, Shape, generate};
use detente_engine::{Analysis, Concept, Conflict, DEFAULT_MAX_STATES};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut shape = Shape {
        dms: 4,
        options_per_dm: 3,
        rules: 0,
        rule_width: 3,
        irreversible_percent: 0,
        preferences: PreferenceKind::Prioritization { statements: 6 },
        seed: 1,
    };
    let mut concepts: Vec<Concept> = Vec::new();
    let mut any_shape_flag = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        // Flags cargo or libtest may pass (`--bench`, `--nocapture`, ...) are ignored.
        let takes_value = matches!(
            flag.as_str(),
            "--dms"
                | "--options-per-dm"
                | "--rules"
                | "--rule-width"
                | "--irreversible"
                | "--statements"
                | "--seed"
                | "--analyze"
        );
        if !takes_value {
            continue;
        }
        let Some(value) = args.next() else {
            eprintln!("shape_stats: {flag} needs a value");
            return ExitCode::from(2);
        };
        let number = || -> Result<u64, String> {
            value
                .parse::<u64>()
                .map_err(|e| format!("shape_stats: {flag} {value}: {e}"))
        };
        let parsed = match flag.as_str() {
            "--analyze" => value
                .split(',')
                .map(|k| Concept::from_key(k).ok_or(format!("shape_stats: unknown concept {k}")))
                .collect::<Result<Vec<_>, _>>()
                .map(|list| concepts = list),
            "--dms" => number().map(|n| shape.dms = n as usize),
            "--options-per-dm" => number().map(|n| shape.options_per_dm = n as usize),
            "--rules" => number().map(|n| shape.rules = n as usize),
            "--rule-width" => number().map(|n| shape.rule_width = n as usize),
            "--irreversible" => number().map(|n| shape.irreversible_percent = n.min(100) as u8),
            "--statements" => number().map(|n| {
                shape.preferences = PreferenceKind::Prioritization {
                    statements: (n as usize).min(detente_engine::MAX_STATEMENTS),
                }
            }),
            "--seed" => number().map(|n| shape.seed = n),
            _ => unreachable!(),
        };
        if let Err(message) = parsed {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
        any_shape_flag |= flag != "--analyze";
    }
    if !any_shape_flag {
        eprintln!(
            "shape_stats: no shape given (see the header of benches/shape_stats.rs); nothing to do"
        );
        return ExitCode::SUCCESS;
    }

    let t = Instant::now();
    let model = generate(&shape);
    let generate_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let conflict = match Conflict::compile(&model, DEFAULT_MAX_STATES) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("shape_stats: {e}");
            return ExitCode::from(2);
        }
    };
    let compile_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let moves = conflict.move_count();
    let move_count_s = t.elapsed().as_secs_f64();
    let mut line = format!(
        "states={} moves={} generate_s={generate_s:.4} compile_s={compile_s:.4} move_count_s={move_count_s:.4}",
        conflict.state_count(),
        moves
    );
    if !concepts.is_empty() {
        let t = Instant::now();
        let analysis = Analysis::run(&conflict, &concepts, &NoDeadline, &|| {}).unwrap();
        let analyze_s = t.elapsed().as_secs_f64();
        std::hint::black_box(&analysis);
        let keys: Vec<&str> = concepts.iter().map(|c| c.key()).collect();
        line += &format!(" analyze={} analyze_s={analyze_s:.4}", keys.join(","));
    }
    println!("{line}");
    ExitCode::SUCCESS
}
