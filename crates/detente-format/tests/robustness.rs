//! No input makes the readers panic, and any well-formed model survives a TOML round trip.

use detente_engine::generate::SplitMix;
use detente_engine::model::NamedState;
use detente_engine::{
    Conflict, DecisionMaker, Direction, Expr, Model, Notes, OptionDef, Preferences, Rule,
    Statement, Tier, Uncertain,
};
use detente_format::{parse, parse_gmcr, parse_toml, to_gmcr, to_toml};
use proptest::prelude::*;

fn data(file: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../tests/cases/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Valid files of both kinds to damage.
fn seeds() -> Vec<(String, &'static str)> {
    let cuban = data("Cuban.gmcr");
    let chicken = data("Chicken.gmcr");
    let cuban_toml = to_toml(&parse(&cuban, "Cuban.gmcr").unwrap().model)
        + "\n[[state]]\nname = \"Deal\"\noptions = [\"blockade\", \"withdraw\"]\nsource = \"s\"\n";
    let chicken_toml = to_toml(&parse(&chicken, "Chicken.gmcr").unwrap().model)
        .replace("\"YNNN\"", "2")
        .replace("[model]", "status_quo = \"NY\"\n[model]")
        + "\n[[state]]\nname = \"Swerve\"\nyn = \"YN\"\n";
    vec![
        (cuban, "m.gmcr"),
        (chicken, "m.gmcr"),
        (cuban_toml, "m.toml"),
        (chicken_toml, "m.toml"),
    ]
}

/// Runs everything a front end would on `text`; only a panic fails.
fn exercise(text: &str, name: &str) {
    if let Ok(loaded) = parse(text, name) {
        let _ = to_toml(&loaded.model);
        if let Ok(conflict) = loaded.compile(10_000) {
            let _ = to_gmcr(&loaded.model, &conflict);
        }
    }
}

#[test]
fn truncated_files_never_panic() {
    for (text, name) in seeds() {
        for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
            exercise(&text[..end], name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn damaged_files_never_panic(
        seed in 0usize..4,
        at in 0.0f64..1.0,
        cut in 0usize..20,
        insert in "[a-zYN \\-\\[\\]{}=,\"'\n#&|!()<>0-9._]{0,12}",
        as_other_kind in any::<bool>(),
    ) {
        let (text, name) = &seeds()[seed];
        let mut start = (at * text.len() as f64) as usize;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let damaged = format!("{}{insert}{}", &text[..start], &text[end..]);
        let name = if as_other_kind { if *name == "m.toml" { "m.gmcr" } else { "m.toml" } } else { name };
        exercise(&damaged, name);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        exercise(&text, "m.toml");
        exercise(&text, "m.gmcr");
    }

    #[test]
    fn any_model_round_trips_through_toml(model in model()) {
        let text = to_toml(&model);
        let again = parse_toml(&text, "m.toml").map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        prop_assert_eq!(again.model, model, "{}", text);
    }

    /// Writing .gmcr and reading it back analyses the same: same states, moves and preferences.
    #[test]
    fn any_compilable_model_survives_gmcr(model in model()) {
        let Ok(conflict) = Conflict::compile(&model, 100) else { return Ok(()) };
        let written = to_gmcr(&model, &conflict).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let again = parse_gmcr(&written, "m.gmcr").map_err(|e| TestCaseError::fail(format!("{e:?}\n{written}")))?;
        let reread = again.compile(100).map_err(|e| TestCaseError::fail(format!("{e:?}\n{written}")))?;
        prop_assert_eq!(reread.space().patterns(), conflict.space().patterns());
        for d in 0..conflict.dm_count() {
            prop_assert_eq!(reread.move_rule(d), conflict.move_rule(d));
            prop_assert_eq!(reread.ranks(d), conflict.ranks(d), "DM {}\n{}", d, written);
        }
    }
}

const N: usize = 4;

/// Formulas over `N` options; `And`/`Or` have at least two parts, as the syntax writes them.
fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0..N).prop_map(Expr::Option),
        any::<bool>().prop_map(Expr::Const),
        (0..N).prop_map(|k| Expr::not(Expr::Option(k))),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(Expr::not),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::Or),
            (inner.clone(), inner.clone())
                .prop_map(|(p, q)| Expr::Implies(Box::new(p), Box::new(q))),
            (inner.clone(), inner).prop_map(|(p, q)| Expr::Iff(Box::new(p), Box::new(q))),
        ]
    })
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[a-z \"\\\\'\n\té#]{0,12}")
}

fn notes() -> impl Strategy<Value = Notes> {
    (text(), text()).prop_map(|(description, source)| Notes {
        description,
        source,
    })
}

fn rule() -> impl Strategy<Value = Rule> {
    let option_list = prop::sample::subsequence((0..N).collect::<Vec<_>>(), 2..=N).prop_shuffle();
    let condition = prop_oneof![
        expr(),
        option_list
            .clone()
            .prop_map(|ids| Expr::not(Expr::And(ids.into_iter().map(Expr::Option).collect()))),
        option_list.prop_map(|ids| Expr::Or(ids.into_iter().map(Expr::Option).collect())),
        (0..N, 0..N)
            .prop_map(|(p, q)| Expr::Implies(Box::new(Expr::Option(p)), Box::new(Expr::Option(q)))),
    ];
    (condition, notes()).prop_map(|(condition, notes)| Rule { condition, notes })
}

fn preferences() -> impl Strategy<Value = Preferences> {
    let item = prop_oneof![
        expr(),
        (0u64..1 << N, 0u64..1 << N).prop_map(|(m, b)| Expr::pattern(m, b & m))
    ];
    let tier = prop::collection::vec(item, 1..3).prop_map(|items| Tier { items });
    prop_oneof![
        prop::collection::vec(
            (expr(), notes()).prop_map(|(expr, notes)| Statement { expr, notes }),
            0..4
        )
        .prop_map(Preferences::Prioritization),
        (prop::collection::vec(tier, 1..4), notes())
            .prop_map(|(tiers, notes)| Preferences::Ranking { tiers, notes }),
    ]
}

/// Random disjoint ranges over the elements of `preferences`, each holding its element.
fn uncertainty(preferences: &Preferences, rng: &mut SplitMix) -> Vec<Uncertain> {
    let count = match preferences {
        Preferences::Prioritization(statements) => statements.len(),
        Preferences::Ranking { tiers, .. } => tiers.len(),
    };
    let mut ranges = Vec::new();
    let mut lo = 0;
    while lo + 1 < count {
        let len = 2 + rng.below(count - lo - 1);
        if rng.chance(50) {
            ranges.push(Uncertain {
                element: lo + rng.below(len),
                positions: lo..=lo + len - 1,
            });
        }
        lo += len;
    }
    ranges
}

fn model() -> impl Strategy<Value = Model> {
    let direction = prop_oneof![
        Just(Direction::Both),
        Just(Direction::Forward),
        Just(Direction::Backward)
    ];
    (
        prop::collection::vec(direction, N),
        prop::collection::vec(preferences(), 2),
        prop::collection::vec(rule(), 0..3),
        prop::option::of(0u64..1 << N),
        "[A-Za-z \"é]{0,10}",
        notes(),
        prop::collection::vec(("[A-Za-z \"é#]{0,8}", 0u64..1 << N, notes()), 0..3),
        any::<u64>(),
    )
        .prop_map(
            |(directions, preferences, rules, status_quo, name, notes, states, seed)| {
                let mut rng = SplitMix::new(seed);
                let option = |k: usize| OptionDef {
                    id: ["a", "b", "c", "d"][k].to_string(),
                    label: if k == 0 {
                        "A \"quoted\"".into()
                    } else {
                        ["a", "b", "c", "d"][k].to_string()
                    },
                    direction: directions[k],
                    notes: Notes::default(),
                };
                let decision_makers = preferences
                    .into_iter()
                    .enumerate()
                    .map(|(d, preferences)| DecisionMaker {
                        id: format!("dm{d}"),
                        name: format!("DM {d}"),
                        options: vec![option(2 * d), option(2 * d + 1)],
                        uncertain: uncertainty(&preferences, &mut rng),
                        preferences,
                        misperceived: Vec::new(),
                        notes: Notes::default(),
                    })
                    .collect();
                // Names are unique: the position makes them so.
                let named_states = states
                    .into_iter()
                    .enumerate()
                    .map(|(i, (name, pattern, notes))| NamedState {
                        name: format!("S{i} {name}"),
                        pattern,
                        notes,
                    })
                    .collect();
                Model {
                    name,
                    notes,
                    decision_makers,
                    rules,
                    status_quo,
                    named_states,
                    coalitions: Vec::new(),
                }
            },
        )
}
