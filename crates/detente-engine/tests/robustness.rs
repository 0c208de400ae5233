//! Property tests of robustness under preference uncertainty: exact shares
//! equal a brute force that lists the consistent orderings by their definition
//! and analyses each model variant with the literal implementation
//! (`reference`); sampling is reproducible and close to the exact shares.

use detente_engine::NoDeadline;
use detente_engine::generate::{PreferenceKind, Shape, SplitMix, generate};
use detente_engine::reference::Reference;
use detente_engine::robustness::{Method, Robustness, Settings};
use detente_engine::{Analysis, Concept, Conflict, Model, Preferences, Uncertain};
use proptest::prelude::*;

mod common;

fn element_count(preferences: &Preferences) -> usize {
    match preferences {
        Preferences::Prioritization(statements) => statements.len(),
        Preferences::Ranking { tiers, .. } => tiers.len(),
    }
}

/// Marks random disjoint ranges of each DM's elements as uncertain.
fn add_uncertainty(model: &mut Model, seed: u64) {
    let mut rng = SplitMix::new(seed);
    for dm in &mut model.decision_makers {
        let count = element_count(&dm.preferences);
        let mut lo = 0;
        while lo + 1 < count {
            let len = 2 + rng.below(2.min(count - lo - 1));
            if rng.chance(50) {
                dm.uncertain.push(Uncertain {
                    element: lo + rng.below(len),
                    positions: lo..=lo + len - 1,
                });
            }
            lo += len;
        }
    }
}

/// Small shapes with at least two preference elements per DM, and a seed for their uncertainty.
fn shapes() -> impl Strategy<Value = (Shape, u64)> {
    let shapes = common::shapes(common::Ranges {
        dms: 2..=3,
        options_per_dm: 1..=2,
        max_options: usize::MAX,
        rules: 0..=2,
        rule_width: 2..=2,
        irreversible_percent: 0..=50,
        preference_size: 2..=5,
        tiers_per_size: Some(1),
    });
    (shapes, any::<u64>())
}

fn uncertain_model(shape: &Shape, seed: u64) -> Option<(Model, Conflict)> {
    let mut model = generate(shape);
    add_uncertainty(&mut model, seed);
    common::compile(model, 1 << 12)
}

/// Every permutation of `0..n` (`order[position]` = written element).
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for rest in permutations(n - 1) {
        for at in 0..=rest.len() {
            let mut p = rest.clone();
            p.insert(at, n - 1);
            all.push(p);
        }
    }
    all
}

/// Whether an ordering is consistent with the DM's uncertainty, by definition:
/// elements outside every range stay in place; each range holds its own
/// elements, all but the uncertain one in written order.
fn consistent(order: &[usize], uncertain: &[Uncertain]) -> bool {
    let fixed = (0..order.len())
        .filter(|p| !uncertain.iter().any(|u| u.positions.contains(p)))
        .all(|p| order[p] == p);
    fixed
        && uncertain.iter().all(|u| {
            let inside = &order[u.positions.clone()];
            let mut sorted = inside.to_vec();
            sorted.sort_unstable();
            let others: Vec<usize> = inside.iter().copied().filter(|&e| e != u.element).collect();
            sorted.iter().copied().eq(u.positions.clone()) && others.is_sorted()
        })
}

/// All model variants, one per consistent profile.
fn variants(model: &Model) -> Vec<Model> {
    let mut out = vec![model.clone()];
    for (d, dm) in model.decision_makers.iter().enumerate() {
        let n = element_count(&dm.preferences);
        let orders: Vec<Vec<usize>> = permutations(n)
            .into_iter()
            .filter(|o| consistent(o, &dm.uncertain))
            .collect();
        out = out
            .iter()
            .flat_map(|variant| {
                orders.iter().map(move |order| {
                    let mut next = variant.clone();
                    next.decision_makers[d].preferences = match &dm.preferences {
                        Preferences::Prioritization(st) => Preferences::Prioritization(
                            order.iter().map(|&e| st[e].clone()).collect(),
                        ),
                        Preferences::Ranking { tiers, notes } => Preferences::Ranking {
                            tiers: order.iter().map(|&e| tiers[e].clone()).collect(),
                            notes: notes.clone(),
                        },
                    };
                    next
                })
            })
            .collect();
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn exact_shares_match_brute_force((shape, seed) in shapes()) {
        let Some((model, conflict)) = uncertain_model(&shape, seed) else { return Ok(()) };
        let result = every_profile(&model, &conflict);
        let variants = variants(&model);
        prop_assert_eq!(result.method(), Method::Exact);
        prop_assert_eq!(result.analysed() as usize, variants.len());
        let references: Vec<Reference> = variants.iter().map(|v| Reference::new(v).unwrap()).collect();
        let dms = conflict.dm_count();
        for concept in Concept::ALL {
            for s in 0..conflict.state_count() {
                let stable: Vec<Vec<bool>> = references
                    .iter()
                    .map(|r| (0..dms).map(|i| r.is_stable(concept, i, s)).collect())
                    .collect();
                for dm in 0..dms {
                    let count = stable.iter().filter(|v| v[dm]).count();
                    prop_assert_eq!(result.stable_count(concept, dm, s) as usize, count,
                        "{} DM {} state {}", concept.label(), dm + 1, s + 1);
                }
                let equilibria = stable.iter().filter(|v| v.iter().all(|&b| b)).count();
                prop_assert_eq!(result.equilibrium_count(concept, s) as usize, equilibria,
                    "{} equilibrium at state {}", concept.label(), s + 1);
            }
        }
    }
}

/// Robustness of every concept with the default settings.
fn every_profile(model: &Model, conflict: &Conflict) -> Robustness {
    Robustness::run(
        model,
        conflict,
        &Settings::new(&Concept::ALL),
        &NoDeadline,
        &|| {},
    )
    .unwrap()
}

fn fixed_case() -> (Model, Conflict) {
    let shape = Shape {
        dms: 3,
        options_per_dm: 2,
        rules: 1,
        rule_width: 2,
        irreversible_percent: 20,
        preferences: PreferenceKind::Prioritization { statements: 5 },
        seed: 11,
    };
    (0..)
        .find_map(|seed| {
            uncertain_model(&shape, seed)
                .filter(|(m, _)| detente_engine::robustness::profile_count(m) >= Some(12))
        })
        .unwrap()
}

#[test]
fn without_uncertainty_the_shares_are_the_plain_analysis() {
    let mut model = generate(&Shape {
        dms: 3,
        options_per_dm: 2,
        rules: 1,
        rule_width: 2,
        irreversible_percent: 20,
        preferences: PreferenceKind::Prioritization { statements: 4 },
        seed: 5,
    });
    model
        .decision_makers
        .iter_mut()
        .for_each(|d| d.uncertain.clear());
    let conflict = Conflict::compile(&model, 1 << 12).unwrap();
    let result = every_profile(&model, &conflict);
    let plain = Analysis::run(&conflict, &Concept::ALL, &NoDeadline, &|| {}).unwrap();
    assert_eq!(result.analysed(), 1);
    for concept in Concept::ALL {
        let equilibria = plain.equilibria(concept);
        for s in 0..conflict.state_count() {
            assert_eq!(
                result.equilibrium_count(concept, s),
                u32::from(equilibria.contains(s))
            );
            for dm in 0..conflict.dm_count() {
                let stable = plain.is_stable(concept, dm, s as u32);
                assert_eq!(result.stable_count(concept, dm, s), u32::from(stable));
            }
        }
    }
}

#[test]
fn sampled_shares_are_reproducible_and_close_to_exact() {
    let (model, conflict) = fixed_case();
    let exact = every_profile(&model, &conflict);
    let sampling = Settings {
        exact_limit: 0,
        samples: 3000,
        seed: 42,
        ..Settings::new(&Concept::ALL)
    };
    let first = Robustness::run(&model, &conflict, &sampling, &NoDeadline, &|| {}).unwrap();
    let again = Robustness::run(&model, &conflict, &sampling, &NoDeadline, &|| {}).unwrap();
    assert_eq!(first.method(), Method::Sampled { seed: 42 });
    assert_eq!(first.analysed(), 3000);
    for concept in Concept::ALL {
        for s in 0..conflict.state_count() {
            let sampled = first.equilibrium_count(concept, s);
            assert_eq!(
                sampled,
                again.equilibrium_count(concept, s),
                "same seed, same draw"
            );
            // The standard error of a share from 3000 draws is at most 0.01.
            let gap =
                (first.share(sampled) - exact.share(exact.equilibrium_count(concept, s))).abs();
            assert!(
                gap < 0.06,
                "{} state {}: sampled and exact differ by {gap}",
                concept.label(),
                s + 1
            );
        }
    }
}

/// Above 65,536 states profiles are analysed one after the other; the counts are the same kind.
#[test]
fn large_models_are_counted_one_profile_at_a_time_alike() {
    let mut model = generate(&Shape {
        dms: 3,
        options_per_dm: 6,
        rules: 2,
        rule_width: 2,
        irreversible_percent: 20,
        preferences: PreferenceKind::Prioritization { statements: 4 },
        seed: 8,
    });
    model.decision_makers[0].uncertain = vec![Uncertain {
        element: 0,
        positions: 0..=1,
    }];
    let conflict = Conflict::compile(&model, 1 << 20).unwrap();
    assert!(conflict.state_count() > 1 << 16);
    let result = Robustness::run(
        &model,
        &conflict,
        &Settings::new(&[Concept::Nash]),
        &NoDeadline,
        &|| {},
    )
    .unwrap();
    assert_eq!(result.analysed(), 2);
    // The profile as written is one of the two.
    let mut swapped = model.clone();
    let Preferences::Prioritization(statements) = &mut swapped.decision_makers[0].preferences
    else {
        unreachable!("generated with statements")
    };
    statements.swap(0, 1);
    let analyses = [&model, &swapped].map(|m| {
        let c = Conflict::compile(m, 1 << 20).unwrap();
        Analysis::run(&c, &[Concept::Nash], &NoDeadline, &|| {}).unwrap()
    });
    for s in 0..conflict.state_count() {
        let expected = analyses
            .iter()
            .filter(|a| a.equilibria(Concept::Nash).contains(s))
            .count();
        assert_eq!(
            result.equilibrium_count(Concept::Nash, s) as usize,
            expected,
            "state {}",
            s + 1
        );
    }
}
