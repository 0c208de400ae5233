//! Property tests: the fast engine equals the literal definitions
//! (`detente_engine::reference`) on random models, and the inclusions of
//! GMCR.md §3 hold.

use detente_engine::NoDeadline;
use detente_engine::generate::{Shape, generate};
use detente_engine::reference::Reference;
use detente_engine::{Analysis, Concept, Conflict};
use proptest::prelude::*;

mod common;

/// Up to nine options: the literal definitions search every legal sequence.
fn shapes() -> impl Strategy<Value = Shape> {
    common::shapes(common::Ranges {
        dms: 2..=5,
        options_per_dm: 1..=3,
        max_options: 9,
        rules: 0..=3,
        rule_width: 1..=3,
        irreversible_percent: 0..=60,
        preference_size: 1..=6,
        tiers_per_size: Some(2),
    })
}

fn compile(shape: &Shape) -> Option<(detente_engine::Model, Conflict)> {
    common::compile(generate(shape), 1 << 20)
}

/// Every concept's stability, from the fast engine and from the literal
/// definitions, agrees for every DM and state.
fn engine_matches_reference(
    model: &detente_engine::Model,
    conflict: &Conflict,
) -> Result<(), TestCaseError> {
    let reference = Reference::new(model).expect("generated rankings partition the states");
    prop_assert_eq!(&reference.states[..], conflict.space().patterns());
    let analysis = Analysis::run(conflict, &Concept::ALL, &NoDeadline, &|| {}).unwrap();
    for concept in Concept::ALL {
        for dm in 0..conflict.dm_count() {
            for s in 0..conflict.state_count() {
                prop_assert_eq!(
                    analysis.is_stable(concept, dm, s as u32),
                    reference.is_stable(concept, dm, s),
                    "{} for DM {} at state {}",
                    concept.label(),
                    dm + 1,
                    s + 1
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn fast_engine_matches_literal_definitions(shape in shapes()) {
        let Some((model, conflict)) = compile(&shape) else { return Ok(()) };
        engine_matches_reference(&model, &conflict)?;
    }

    #[test]
    fn preference_ranks_order_states_as_scores_do(shape in shapes()) {
        let Some((model, conflict)) = compile(&shape) else { return Ok(()) };
        let reference = Reference::new(&model).unwrap();
        for dm in 0..conflict.dm_count() {
            for a in 0..conflict.state_count() {
                for b in 0..conflict.state_count() {
                    prop_assert_eq!(
                        conflict.rank(dm, a as u32).cmp(&conflict.rank(dm, b as u32)),
                        reference.score[dm][a].cmp(&reference.score[dm][b])
                    );
                }
            }
        }
    }

    #[test]
    fn moves_match_literal_definition(shape in shapes()) {
        let Some((model, conflict)) = compile(&shape) else { return Ok(()) };
        let reference = Reference::new(&model).unwrap();
        for dm in 0..conflict.dm_count() {
            for s in 0..conflict.state_count() {
                let fast: Vec<usize> = conflict.moves_from(dm, s as u32).into_iter().map(|t| t as usize).collect();
                prop_assert_eq!(fast, reference.moves(dm, s));
            }
        }
    }

    #[test]
    fn stability_inclusions_of_gmcr_section_3_hold(shape in shapes()) {
        let Some((_, conflict)) = compile(&shape) else { return Ok(()) };
        let a = Analysis::run(&conflict, &Concept::ALL, &NoDeadline, &|| {}).unwrap();
        for dm in 0..conflict.dm_count() {
            let within = |small: Concept, big: Concept| a.stable(small, dm).is_subset(a.stable(big, dm));
            prop_assert!(within(Concept::Nash, Concept::Smr), "Nash within SMR");
            prop_assert!(within(Concept::Smr, Concept::Gmr), "SMR within GMR");
            prop_assert!(within(Concept::Nash, Concept::Seq), "Nash within SEQ");
            prop_assert!(within(Concept::Seq, Concept::Gmr), "SEQ within GMR");
            prop_assert!(within(Concept::Nash, Concept::Sim), "Nash within SIM");
            let mut both = a.stable(Concept::Seq, dm).clone();
            both.intersect_with(a.stable(Concept::Sim, dm));
            prop_assert_eq!(a.stable(Concept::SeqSim, dm), &both, "SEQ&SIM is SEQ and SIM");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn explanations_agree_with_stability(shape in shapes()) {
        use detente_engine::explain::{Sanction, explain};
        let Some((_, conflict)) = compile(&shape) else { return Ok(()) };
        let a = Analysis::run(&conflict, &Concept::ALL, &NoDeadline, &|| {}).unwrap();
        for concept in Concept::ALL {
            for dm in 0..conflict.dm_count() {
                for s in 0..conflict.state_count() as u32 {
                    let why = explain(&conflict, dm, concept, s, &NoDeadline).unwrap();
                    let deterred = why.iter().all(|d| d.sanction.is_some());
                    prop_assert_eq!(deterred, a.is_stable(concept, dm, s), "{} DM {} state {}", concept.label(), dm + 1, s + 1);
                    for d in &why {
                        if let Some(Sanction::Sequence(steps)) = &d.sanction {
                            prop_assert!(steps.windows(2).all(|w| w[0].dm != w[1].dm), "no DM moves twice in a row");
                            prop_assert!(steps.iter().all(|st| st.dm != dm));
                            prop_assert!(conflict.rank(dm, d.sanction.as_ref().unwrap().result()) <= conflict.rank(dm, s));
                        }
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn coalition_improvements_follow_legal_sequences(shape in shapes()) {
        use detente_engine::coalition::{all_coalitions, coalition_improvements};
        let Some((model, conflict)) = compile(&shape) else { return Ok(()) };
        let reference = Reference::new(&model).unwrap();
        for s in 0..conflict.state_count() {
            for dm in 0..conflict.dm_count() {
                // A coalition of one: exactly its unilateral improvements.
                let alone: Vec<usize> = coalition_improvements(&conflict, &[dm], s as u32).into_iter().map(|t| t as usize).collect();
                prop_assert_eq!(alone, reference.improvements(dm, s));
            }
            for members in all_coalitions(conflict.dm_count()) {
                let want: Vec<usize> = reference
                    .reachable(&members, s, false)
                    .into_iter()
                    .filter(|&t| members.iter().all(|&m| reference.score[m][t] > reference.score[m][s]))
                    .collect();
                let got: Vec<usize> = coalition_improvements(&conflict, &members, s as u32).into_iter().map(|t| t as usize).collect();
                prop_assert_eq!(got, want, "coalition {:?} at state {}", members, s + 1);
            }
        }
    }
}

/// Small models (at most 5 options) and a few coalitions of two or more DMs:
/// the literal coalition search is cubic in the state count.
fn coalition_cases() -> impl Strategy<Value = (Shape, Vec<Vec<usize>>)> {
    (shapes(), any::<u64>())
        .prop_filter("at most 5 options", |(shape, _)| {
            shape.dms * shape.options_per_dm <= 5 && shape.dms <= 4
        })
        .prop_map(|(shape, pick)| {
            let all = detente_engine::coalition::all_coalitions(shape.dms);
            let chosen = all
                .into_iter()
                .enumerate()
                .filter(|(k, _)| pick >> (k % 64) & 1 == 1)
                .map(|(_, c)| c)
                .collect();
            (shape, chosen)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn coalitional_stability_matches_literal_definitions((shape, coalitions) in coalition_cases()) {
        use detente_engine::coalition::{CoalitionAnalysis, COALITION_CONCEPTS};
        let Some((model, conflict)) = compile(&shape) else { return Ok(()) };
        let reference = Reference::new(&model).unwrap();
        let ordinary = Analysis::run(&conflict, &COALITION_CONCEPTS, &NoDeadline, &|| {}).unwrap();
        for concept in COALITION_CONCEPTS {
            let analysis = CoalitionAnalysis::run(&conflict, &coalitions, concept, &NoDeadline).unwrap();
            for dm in 0..conflict.dm_count() {
                for s in 0..conflict.state_count() {
                    let fast = analysis.stable(dm).contains(s);
                    prop_assert_eq!(
                        fast,
                        reference.is_coalition_stable(concept, &coalitions, dm, s),
                        "{} for DM {} at state {} with coalitions {:?}", concept.label(), dm, s + 1, coalitions
                    );
                    // Coalitions only add threats: coalitional stability implies the ordinary kind.
                    prop_assert!(!fast || ordinary.is_stable(concept, dm, s as u32));
                }
            }
            // Every DM alone is the ordinary analysis of GMCR.md §3.
            let alone = CoalitionAnalysis::run(&conflict, &[], concept, &NoDeadline).unwrap();
            for dm in 0..conflict.dm_count() {
                prop_assert_eq!(alone.stable(dm), ordinary.stable(concept, dm));
            }
        }
    }
}

/// Two or three DMs of three to five options: groups of up to 32 states, which the
/// engine answers a group at a time (docs/ALGORITHMS.md, "Moves by groups"), with
/// irreversible options, rules, and ties (no statements or one tier: all states tied).
fn many_options() -> impl Strategy<Value = Shape> {
    common::shapes(common::Ranges {
        dms: 2..=3,
        options_per_dm: 3..=5,
        max_options: 10,
        rules: 0..=4,
        rule_width: 1..=4,
        irreversible_percent: 0..=70,
        preference_size: 0..=4,
        tiers_per_size: Some(2),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn many_options_per_dm_keep_engine_and_definitions_equal(
        shape in many_options(),
        misperceived in prop::option::of(any::<u64>()),
    ) {
        let mut model = generate(&shape);
        if let Some(seed) = misperceived {
            detente_engine::generate::add_misperceptions(&mut model, seed, 70);
        }
        let Some((model, conflict)) = common::compile(model, 1 << 20) else { return Ok(()) };
        engine_matches_reference(&model, &conflict)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn misperceptions_keep_engine_and_definitions_equal(shape in shapes(), seed in any::<u64>()) {
        let mut model = generate(&shape);
        detente_engine::generate::add_misperceptions(&mut model, seed, 70);
        let Ok(conflict) = Conflict::compile(&model, 1 << 20) else { return Ok(()) };
        engine_matches_reference(&model, &conflict)?;
        // A DM never moves to or from a state it misperceives.
        for dm in 0..conflict.dm_count() {
            for s in 0..conflict.state_count() as u32 {
                for t in conflict.moves_from(dm, s) {
                    prop_assert!(conflict.perceives(dm, s) && conflict.perceives(dm, t));
                }
            }
        }
    }
}
