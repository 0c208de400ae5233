//! Property tests of limited-move and non-myopic stability: the tabled
//! engine equals the literal recursion of docs/FORESIGHT.md, L_1 is Nash,
//! two DMs give the classical two-DM definition, and anticipated paths are
//! legal and end where the verdict says.

use detente_engine::NoDeadline;
use detente_engine::foresight::{Foresight, NonMyopic, Outlook, reference};
use detente_engine::generate::{Shape, generate};
use detente_engine::reference::Reference;
use detente_engine::{Analysis, Concept, Conflict, Model};
use proptest::prelude::*;

mod common;

/// Small models: the literal recursion branches over every move and responder.
fn shapes(dms: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Shape> {
    common::shapes(common::Ranges {
        dms,
        options_per_dm: 1..=2,
        max_options: usize::MAX,
        rules: 0..=2,
        rule_width: 2..=2,
        irreversible_percent: 0..=50,
        preference_size: 1..=5,
        tiers_per_size: Some(2),
    })
}

fn compile(shape: &Shape) -> Option<(Model, Conflict)> {
    common::compile(generate(shape), 1 << 12)
}

/// The classical two-DM definition (Fang, Hipel & Kilgour 1993), written for
/// two DMs only: i moves to the t whose outcome, the other DM answering with
/// one move less of foresight, i likes best, if i likes it better than s.
/// Equally good outcomes are resolved as the cautious outlook does: worst for
/// `focal`, then the lowest outcome.
fn classical(r: &Reference, focal: usize, h: u32, i: usize, s: usize) -> usize {
    if h == 0 {
        return s;
    }
    let j = 1 - i;
    r.moves(i, s)
        .into_iter()
        .map(|t| classical(r, focal, h - 1, j, t))
        .filter(|&o| r.score[i][o] > r.score[i][s])
        .max_by_key(|&o| (r.score[i][o], -r.score[focal][o], std::cmp::Reverse(o)))
        .unwrap_or(s)
}

/// Whether every DM ranks every state differently (no ties anywhere).
fn strict(r: &Reference) -> bool {
    r.score.iter().all(|scores| {
        let mut sorted = scores.clone();
        sorted.sort_unstable();
        sorted.windows(2).all(|w| w[0] != w[1])
    })
}

const MAX_H: u32 = 3;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn tables_match_the_literal_recursion(shape in shapes(2..=4)) {
        let Some((model, conflict)) = compile(&shape) else { return Ok(()) };
        let r = Reference::new(&model).expect("generated rankings partition the states");
        for outlook in [Outlook::Cautious, Outlook::Hopeful] {
            let foresight = Foresight::run(&conflict, MAX_H, outlook, &NoDeadline).unwrap();
            for h in 0..=MAX_H {
                for i in 0..conflict.dm_count() {
                    for s in 0..conflict.state_count() {
                        prop_assert_eq!(
                            foresight.outcome_at(h, i, s as u32) as usize,
                            reference::turn(&r, i, outlook, h, i, s),
                            "{:?} h={} DM {} state {}", outlook, h, i + 1, s + 1
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn one_move_of_foresight_is_nash(shape in shapes(1..=5)) {
        let Some((_, conflict)) = compile(&shape) else { return Ok(()) };
        let analysis = Analysis::run(&conflict, &[Concept::Nash], &NoDeadline, &|| {}).unwrap();
        let foresight = Foresight::run(&conflict, 1, Outlook::Cautious, &NoDeadline).unwrap();
        for i in 0..conflict.dm_count() {
            for s in 0..conflict.state_count() as u32 {
                prop_assert_eq!(foresight.is_stable(i, s), analysis.is_stable(Concept::Nash, i, s));
            }
        }
    }

    #[test]
    fn two_dms_give_the_classical_definition(shape in shapes(2..=2)) {
        let Some((model, conflict)) = compile(&shape) else { return Ok(()) };
        let r = Reference::new(&model).unwrap();
        let cautious = Foresight::run(&conflict, 4, Outlook::Cautious, &NoDeadline).unwrap();
        let hopeful = Foresight::run(&conflict, 4, Outlook::Hopeful, &NoDeadline).unwrap();
        for h in 0..=4 {
            for i in 0..2 {
                for s in 0..conflict.state_count() {
                    // With two DMs there is never more than one responder.
                    prop_assert_eq!(cautious.outcome_at(h, i, s as u32) as usize, classical(&r, i, h, i, s));
                    // Without ties no tie rule is needed at all.
                    if strict(&r) {
                        prop_assert_eq!(hopeful.outcome_at(h, i, s as u32), cautious.outcome_at(h, i, s as u32));
                    }
                }
            }
        }
    }

    #[test]
    fn lines_of_play_are_legal_and_end_at_the_outcome(shape in shapes(2..=4), h in 1u32..=6) {
        let Some((_, conflict)) = compile(&shape) else { return Ok(()) };
        let foresight = Foresight::run(&conflict, h, Outlook::Cautious, &NoDeadline).unwrap();
        for i in 0..conflict.dm_count() {
            for s in 0..conflict.state_count() as u32 {
                let line = foresight.line_of_play(&conflict, h, i, s);
                prop_assert!(line.len() <= h as usize);
                prop_assert_eq!(line.is_empty(), conflict.moves_from(i, s).is_empty());
                let mut at = s;
                for (k, step) in line.iter().enumerate() {
                    prop_assert_eq!(step.from, at);
                    prop_assert!(conflict.moves_from(step.mover, at).contains(&step.to));
                    if k == 0 {
                        prop_assert_eq!(step.mover, i);
                    } else {
                        prop_assert_ne!(step.mover, line[k - 1].mover);
                    }
                    at = step.to;
                }
                let worth_it = !line.is_empty() && conflict.rank(i, at) > conflict.rank(i, s);
                prop_assert_eq!(worth_it, !foresight.is_stable(i, s));
                if worth_it {
                    prop_assert_eq!(at, foresight.outcome_at(h, i, s));
                }
            }
        }
    }

    /// Where the tables settle early enough, the literal recursion confirms
    /// the verdicts over two whole periods of the cycle.
    #[test]
    fn non_myopic_is_the_verdict_of_every_large_horizon(shape in shapes(2..=3)) {
        let Some((model, conflict)) = compile(&shape) else { return Ok(()) };
        let r = Reference::new(&model).unwrap();
        let foresight = Foresight::run(&conflict, 1, Outlook::Cautious, &NoDeadline).unwrap();
        for i in 0..conflict.dm_count() {
            let Some(cycle) = foresight.cycle(i) else { continue };
            let last = cycle.start + 2 * cycle.period;
            if last > 4 {
                continue;
            }
            for s in 0..conflict.state_count() {
                let verdicts: Vec<bool> = (cycle.start..=last)
                    .map(|h| reference::turn(&r, i, Outlook::Cautious, h, i, s) == s)
                    .collect();
                let expected = if verdicts.iter().all(|&v| v) {
                    NonMyopic::Stable
                } else if verdicts.iter().all(|&v| !v) {
                    NonMyopic::Unstable
                } else {
                    NonMyopic::Oscillating
                };
                prop_assert_eq!(foresight.non_myopic(i, s as u32), Some(expected));
            }
        }
    }
}
