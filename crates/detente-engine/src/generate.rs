//! Seeded random models of a given shape, for benchmarks, stress tests and
//! property tests. The same shape and seed always give the same model.

use crate::expr::Expr;
use crate::model::{
    DecisionMaker, Direction, Model, Notes, OptionDef, Preferences, Rule, Statement, Tier,
};

/// How preferences are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreferenceKind {
    /// Random option prioritization with this many statements per DM.
    Prioritization { statements: usize },
    /// A random ranking of all states into this many tiers (ties when fewer tiers than states).
    Ranking { tiers: usize },
}

/// The shape of a generated model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub dms: usize,
    pub options_per_dm: usize,
    /// Number of infeasibility rules ("not all of these").
    pub rules: usize,
    /// Options per rule.
    pub rule_width: usize,
    /// Percentage (0-100) of options that are irreversible (half forward, half backward).
    pub irreversible_percent: u8,
    pub preferences: PreferenceKind,
    pub seed: u64,
}

/// A small, fast, seedable generator (SplitMix64); statistical quality is ample here.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    pub fn chance(&mut self, percent: u8) -> bool {
        self.below(100) < percent as usize
    }
}

/// A random literal-based formula over `n` options: a conjunction of 1-2 literals,
/// sometimes joined with another by `or`, sometimes an `if`/`iff`.
fn random_statement(rng: &mut SplitMix, n: usize) -> Expr {
    let conj = |rng: &mut SplitMix| {
        let width = 1 + rng.below(2);
        Expr::And(
            (0..width)
                .map(|_| Expr::literal(rng.below(n), rng.chance(50)))
                .collect(),
        )
    };
    match rng.below(6) {
        0 => Expr::Or(vec![conj(rng), conj(rng)]),
        1 => Expr::Implies(Box::new(conj(rng)), Box::new(conj(rng))),
        2 => Expr::Iff(Box::new(conj(rng)), Box::new(conj(rng))),
        _ => conj(rng),
    }
}

/// Builds the model for `shape`. Rankings place each feasible pattern in one
/// tier, so they cover every feasible state exactly once; they are meant for
/// small models (one full pattern per state).
pub fn generate(shape: &Shape) -> Model {
    let mut rng = SplitMix::new(shape.seed);
    let n = shape.dms * shape.options_per_dm;
    let decision_makers = (0..shape.dms)
        .map(|d| DecisionMaker {
            id: format!("dm{}", d + 1),
            name: format!("DM {}", d + 1),
            options: (0..shape.options_per_dm)
                .map(|k| {
                    let direction = if rng.chance(shape.irreversible_percent) {
                        if rng.chance(50) {
                            Direction::Forward
                        } else {
                            Direction::Backward
                        }
                    } else {
                        Direction::Both
                    };
                    OptionDef {
                        id: format!("o{}_{}", d + 1, k + 1),
                        label: format!("Option {}.{}", d + 1, k + 1),
                        direction,
                        notes: Notes::default(),
                    }
                })
                .collect(),
            preferences: Preferences::default(),
            misperceived: Vec::new(),
            uncertain: Vec::new(),
            notes: Notes::default(),
        })
        .collect();
    let mut model = Model {
        name: format!("random model (seed {})", shape.seed),
        notes: Notes::default(),
        decision_makers,
        rules: Vec::new(),
        status_quo: None,
        named_states: Vec::new(),
        coalitions: Vec::new(),
    };
    // Rules forbid one assignment of `rule_width` options, so each removes about 2^-width of the states.
    model.rules = (0..shape.rules)
        .map(|_| {
            let width = shape.rule_width.clamp(1, n);
            Rule {
                condition: Expr::not(Expr::And(
                    (0..width)
                        .map(|_| Expr::literal(rng.below(n), rng.chance(50)))
                        .collect(),
                )),
                notes: Notes::default(),
            }
        })
        .collect();
    let feasible: Vec<u64> = (0..if matches!(shape.preferences, PreferenceKind::Ranking { .. }) {
        1u64 << n
    } else {
        0
    })
        .filter(|&p| model.rules.iter().all(|r| r.condition.eval(p)))
        .collect();
    for d in 0..shape.dms {
        model.decision_makers[d].preferences = match shape.preferences {
            PreferenceKind::Prioritization { statements } => Preferences::Prioritization(
                (0..statements)
                    .map(|_| Statement {
                        expr: random_statement(&mut rng, n),
                        notes: Notes::default(),
                    })
                    .collect(),
            ),
            PreferenceKind::Ranking { tiers } => {
                random_ranking(&mut rng, n, &feasible, tiers.max(1))
            }
        };
    }
    model
}

/// Assigns every feasible pattern to one of `tiers` tiers at random; empty tiers are dropped.
fn random_ranking(rng: &mut SplitMix, n: usize, feasible: &[u64], tiers: usize) -> Preferences {
    let mut grouped: Vec<Vec<Expr>> = vec![Vec::new(); tiers];
    for &pattern in feasible {
        grouped[rng.below(tiers)].push(Expr::pattern((1u64 << n) - 1, pattern));
    }
    Preferences::Ranking {
        tiers: grouped
            .into_iter()
            .filter(|items| !items.is_empty())
            .map(|items| Tier { items })
            .collect(),
        notes: Notes::default(),
    }
}

/// Gives each DM, with probability `percent`, one random misperception: a
/// conjunction of one or two literals whose states it does not perceive.
pub fn add_misperceptions(model: &mut Model, seed: u64, percent: u8) {
    let mut rng = SplitMix::new(seed);
    let n = model.option_count();
    for dm in &mut model.decision_makers {
        if rng.chance(percent) {
            let width = 1 + rng.below(2);
            dm.misperceived = vec![Expr::And(
                (0..width)
                    .map(|_| Expr::literal(rng.below(n), rng.chance(50)))
                    .collect(),
            )];
        }
    }
}
