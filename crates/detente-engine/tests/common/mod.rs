//! What the property tests share: one strategy for random model shapes, each
//! test choosing its own ranges, and compiling the generated models.

use std::ops::RangeInclusive;

use detente_engine::generate::{PreferenceKind, Shape};
use detente_engine::{Conflict, Model, ModelError};
use proptest::prelude::*;

/// The ranges a [`Shape`] is drawn from. The literal definitions the tests
/// compare with are exponential, so each test bounds the models it can afford.
pub struct Ranges {
    pub dms: RangeInclusive<usize>,
    pub options_per_dm: RangeInclusive<usize>,
    /// Largest `dms × options_per_dm`; larger draws are rejected.
    pub max_options: usize,
    pub rules: RangeInclusive<usize>,
    pub rule_width: RangeInclusive<usize>,
    pub irreversible_percent: RangeInclusive<u8>,
    /// `k`: each DM gets `k` prioritization statements, or…
    pub preference_size: RangeInclusive<usize>,
    /// …when set, half the time a ranking of `tiers_per_size × k` tiers instead.
    pub tiers_per_size: Option<usize>,
}

/// Random shapes within `ranges`.
pub fn shapes(ranges: Ranges) -> impl Strategy<Value = Shape> {
    let Ranges {
        max_options,
        tiers_per_size,
        ..
    } = ranges;
    (
        ranges.dms,
        ranges.options_per_dm,
        ranges.rules,
        ranges.rule_width,
        ranges.irreversible_percent,
        ranges.preference_size,
        any::<bool>(),
        any::<u64>(),
    )
        .prop_filter("too many options", move |(dms, per, ..)| {
            dms * per <= max_options
        })
        .prop_map(
            move |(
                dms,
                options_per_dm,
                rules,
                rule_width,
                irreversible_percent,
                k,
                ranked,
                seed,
            )| {
                Shape {
                    dms,
                    options_per_dm,
                    rules,
                    rule_width,
                    irreversible_percent,
                    preferences: match tiers_per_size {
                        Some(per) if ranked => PreferenceKind::Ranking { tiers: per * k },
                        _ => PreferenceKind::Prioritization { statements: k },
                    },
                    seed,
                }
            },
        )
}

/// Compiles a generated model, or `None` if its rules happen to exclude every state.
pub fn compile(model: Model, max_states: usize) -> Option<(Model, Conflict)> {
    match Conflict::compile(&model, max_states) {
        Ok(conflict) => Some((model, conflict)),
        Err(ModelError::NoFeasibleState) => None,
        Err(e) => panic!("generated model rejected: {e}"),
    }
}
