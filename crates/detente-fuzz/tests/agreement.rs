//! The application layer agrees with itself on random models: what `check` accepts,
//! a full analysis answers, and `.toml → .gmcr → .toml` keeps the analysis (same
//! states, same stability per DM and concept), saying what `.gmcr` cannot hold.

use detente_app::{ModelFormat, Prepared, Source};
use detente_engine::generate::{PreferenceKind, Shape, add_misperceptions, generate};
use detente_engine::{Analysis, Concept};
use detente_fuzz::pipeline::{LIMITS, run};
use proptest::prelude::*;

/// Small random models, with misperceptions for some DMs, as TOML.
fn models() -> impl Strategy<Value = String> {
    (
        1usize..=3,
        1usize..=2,
        0usize..=3,
        1usize..=3,
        0u8..=50,
        1usize..=4,
        any::<bool>(),
        0u8..=60,
        any::<u64>(),
    )
        .prop_map(
            |(
                dms,
                options_per_dm,
                rules,
                rule_width,
                irreversible,
                k,
                ranked,
                misperceive,
                seed,
            )| {
                let mut model = generate(&Shape {
                    dms,
                    options_per_dm,
                    rules,
                    rule_width,
                    irreversible_percent: irreversible,
                    preferences: if ranked {
                        PreferenceKind::Ranking { tiers: k }
                    } else {
                        PreferenceKind::Prioritization { statements: k }
                    },
                    seed,
                });
                add_misperceptions(&mut model, seed, misperceive);
                detente_format::to_toml(&model)
            },
        )
}

fn text(text: String, name: &str) -> Source {
    Source::Text {
        text,
        name: name.into(),
    }
}

/// What a full analysis says: the states' patterns, then per concept and DM (by
/// name) the stable states.
type Verdicts = (Vec<u64>, Vec<(Concept, String, Vec<usize>)>);

/// The verdicts of a full analysis of `prepared`, with every concept.
fn verdicts(prepared: &Prepared) -> Verdicts {
    let conflict = &prepared.conflict;
    let analysis =
        Analysis::run(conflict, &Concept::ALL, &detente_engine::NoDeadline, &|| {}).unwrap();
    let stable = Concept::ALL
        .iter()
        .flat_map(|&c| {
            let analysis = &analysis;
            prepared
                .model()
                .decision_makers
                .iter()
                .enumerate()
                .map(move |(d, dm)| (c, dm.name.clone(), analysis.stable(c, d).ones().collect()))
        })
        .collect();
    (conflict.space().patterns().to_vec(), stable)
}

proptest! {
    // The whole pipeline takes a while in a test build.
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// A model `check` accepts is analysed in full: every request, report and format.
    #[test]
    fn what_check_accepts_is_analysed(toml in models()) {
        if detente_app::prepare(&text(toml.clone(), "m.toml"), &LIMITS, &LIMITS.start()).is_ok() {
            prop_assert!(run(&toml, "m.toml").is_ok(), "{}", toml);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `.toml → .gmcr → .toml` keeps the analysis, and says it dropped nothing it had.
    #[test]
    fn gmcr_round_trips_keep_the_analysis(toml in models()) {
        let Ok(before) = detente_app::prepare(&text(toml.clone(), "m.toml"), &LIMITS, &LIMITS.start()) else {
            return Ok(());
        };
        let gmcr = detente_app::convert(before.loaded.clone(), ModelFormat::Gmcr, &LIMITS, &LIMITS.start())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{toml}")))?;
        prop_assert!(!gmcr.dropped_uncertainty && !gmcr.dropped_states);
        let read = detente_app::load(&text(gmcr.text, "m.gmcr"), &LIMITS).expect("read .gmcr");
        let back = detente_app::convert(read, ModelFormat::Toml, &LIMITS, &LIMITS.start()).expect("write TOML");
        let after = detente_app::prepare(&text(back.text, "m.toml"), &LIMITS, &LIMITS.start()).expect("read TOML");
        prop_assert_eq!(verdicts(&before), verdicts(&after), "{}", toml);
    }
}
