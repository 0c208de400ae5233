//! A model compiled for analysis: the feasible states, each DM's move rules as
//! bit masks, and each DM's preferences as dense ranks.
//!
//! Nothing here allocates per state beyond flat arrays: moves are enumerated on
//! the fly from masks and a lookup, never stored.

use crate::columns::{Column, Columns};
use crate::deadline::{Deadline, NoDeadline, OutOfTime};
use crate::error::{CompileError, ModelError};
use crate::expr::Expr;
use crate::model::{DecisionMaker, Direction, MAX_OPTIONS, Model, Preferences};
use crate::space::{StateIndex, StateSpace, yn_string};
use rayon::prelude::*;

/// Most preference statements per DM: scores are sums of distinct powers of two in a `u64`.
pub const MAX_STATEMENTS: usize = 63;

/// Default cap on feasible states: about 4.5 GiB of analysis data for six DMs.
pub const DEFAULT_MAX_STATES: usize = 1 << 25;

/// How one DM may move: which bits it owns and which may change in which direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveRule {
    /// All options of the DM.
    pub owned: u64,
    /// Owned options that may change either way.
    pub both: u64,
    /// Owned options that may only go N to Y.
    pub forward: u64,
    /// Owned options that may only go Y to N.
    pub backward: u64,
}

impl MoveRule {
    /// Bits the DM may flip in a move starting at `s`.
    #[inline]
    pub fn flippable_from(&self, s: u64) -> u64 {
        self.both | (self.forward & !s) | (self.backward & s)
    }

    /// Bits the DM may have flipped in a move ending at `t`.
    #[inline]
    pub fn flippable_into(&self, t: u64) -> u64 {
        self.both | (self.forward & t) | (self.backward & !t)
    }
}

/// Calls `visit` with every nonempty subset of `mask`.
#[inline]
fn for_each_nonempty_subset(mask: u64, mut visit: impl FnMut(u64)) {
    let mut sub = mask;
    while sub != 0 {
        visit(sub);
        sub = (sub - 1) & mask;
    }
}

/// A model ready for analysis.
#[derive(Debug, Clone)]
pub struct Conflict {
    space: StateSpace,
    moves: Vec<MoveRule>,
    /// `ranks[dm][state]`: higher is more preferred; equal is a tie.
    ranks: Vec<Vec<u32>>,
    status_quo: Option<StateIndex>,
    /// The model's named states, in model order.
    named_states: Vec<StateIndex>,
    /// `perceived[dm]`: bit per state, `None` when the DM perceives every state.
    perceived: Vec<Option<Column>>,
}

impl Conflict {
    /// Validates and compiles a model, refusing more than `max_states` feasible states,
    /// with no time bound (tests, benchmarks, small models).
    pub fn compile(model: &Model, max_states: usize) -> Result<Conflict, ModelError> {
        match Conflict::compile_within(model, max_states, &NoDeadline) {
            Ok(conflict) => Ok(conflict),
            Err(CompileError::Model(error)) => Err(error),
            Err(CompileError::OutOfTime(_)) => unreachable!("no deadline ever passes"),
        }
    }

    /// [`Conflict::compile`] polling `deadline`: enumerating, and ranking for every DM,
    /// tens of millions of states takes seconds to minutes, and a request's time limit
    /// counts from its start, not from the analysis.
    pub fn compile_within(
        model: &Model,
        max_states: usize,
        deadline: &dyn Deadline,
    ) -> Result<Conflict, CompileError> {
        if model.decision_makers.is_empty() {
            return Err(ModelError::NoDecisionMakers.into());
        }
        if let Some(dm) = model.decision_makers.iter().find(|d| d.options.is_empty()) {
            return Err(ModelError::DmWithoutOptions {
                dm: dm.name.clone(),
            }
            .into());
        }
        let option_count = model.option_count();
        if option_count > MAX_OPTIONS {
            return Err(ModelError::TooManyOptions {
                count: option_count,
                limit: MAX_OPTIONS,
            }
            .into());
        }
        for dm in &model.decision_makers {
            if let Preferences::Prioritization(statements) = &dm.preferences
                && statements.len() > MAX_STATEMENTS
            {
                return Err(ModelError::TooManyStatements {
                    dm: dm.name.clone(),
                    count: statements.len(),
                    limit: MAX_STATEMENTS,
                }
                .into());
            }
        }
        let rules: Vec<&Expr> = model.rules.iter().map(|r| &r.condition).collect();
        let space = StateSpace::enumerate(option_count, &rules, max_states, deadline)?;
        let moves = move_rules(model);
        let columns = Columns::new(&space, deadline)?;
        let ranks = (0..model.decision_makers.len())
            .map(|d| preference_ranks(&model.decision_makers[d], d, &space, &columns, deadline))
            .collect::<Result<Vec<_>, _>>()?;
        let perceived = model
            .decision_makers
            .iter()
            .map(|dm| {
                if dm.misperceived.is_empty() {
                    return Ok(None);
                }
                deadline.check()?;
                let mut blind = columns.truth(&Expr::Or(dm.misperceived.clone()));
                for word in &mut blind {
                    *word = !*word;
                }
                Ok(Some(blind))
            })
            .collect::<Result<_, OutOfTime>>()?;
        drop(columns);
        let status_quo = match model.status_quo {
            None => None,
            Some(p) => Some(
                space
                    .index_of(p)
                    .ok_or_else(|| ModelError::StatusQuoInfeasible {
                        yn: yn_string(p, option_count),
                    })?,
            ),
        };
        let named_states = model
            .named_states
            .iter()
            .enumerate()
            .map(|(index, named)| {
                space
                    .index_of(named.pattern)
                    .ok_or_else(|| ModelError::NamedStateInfeasible {
                        index,
                        name: named.name.clone(),
                        yn: yn_string(named.pattern, option_count),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Conflict {
            space,
            named_states,
            moves,
            ranks,
            status_quo,
            perceived,
        })
    }

    pub fn space(&self) -> &StateSpace {
        &self.space
    }

    pub fn state_count(&self) -> usize {
        self.space.len()
    }

    pub fn dm_count(&self) -> usize {
        self.moves.len()
    }

    pub fn move_rule(&self, dm: usize) -> &MoveRule {
        &self.moves[dm]
    }

    /// Preference ranks of one DM over all states (higher is better).
    pub fn ranks(&self, dm: usize) -> &[u32] {
        &self.ranks[dm]
    }

    #[inline]
    pub fn rank(&self, dm: usize, s: StateIndex) -> u32 {
        self.ranks[dm][s as usize]
    }

    pub fn status_quo(&self) -> Option<StateIndex> {
        self.status_quo
    }

    /// The state of each of the model's named states, in model order.
    pub fn named_states(&self) -> &[StateIndex] {
        &self.named_states
    }

    /// Whether `dm` perceives state `s`; a DM can neither move to nor from a
    /// state it misperceives (GMCR.md §4).
    #[inline]
    pub fn perceives(&self, dm: usize, s: StateIndex) -> bool {
        self.perceived[dm]
            .as_ref()
            .is_none_or(|bits| bits[s as usize / 64] >> (s % 64) & 1 == 1)
    }

    /// The same conflict with `dm`'s preferences replaced by `ranks`: one per
    /// state, higher is better, equal is a tie, dense (`0..distinct`) like
    /// [`Conflict::ranks`]. For another preference profile of the same model
    /// (robustness) or a candidate ranking (inverse analysis).
    /// Panics if there is not one rank per state.
    pub fn with_ranks(&self, dm: usize, ranks: Vec<u32>) -> Conflict {
        assert_eq!(ranks.len(), self.state_count(), "one rank per state");
        let mut changed = self.clone();
        changed.ranks[dm] = ranks;
        changed
    }

    /// Visits every state in R_dm(s): one move of `dm` from `s`.
    #[inline]
    pub fn for_each_move(&self, dm: usize, s: StateIndex, mut visit: impl FnMut(StateIndex)) {
        if !self.perceives(dm, s) {
            return;
        }
        let from = self.space.pattern(s);
        for_each_nonempty_subset(self.moves[dm].flippable_from(from), |flip| {
            if let Some(t) = self.space.index_of(from ^ flip)
                && self.perceives(dm, t)
            {
                visit(t);
            }
        });
    }

    /// Visits every state u with t in R_dm(u), the states from which `dm` can
    /// move to `to` (whose pattern is `pattern`), with u's pattern.
    #[inline]
    pub fn for_each_predecessor(
        &self,
        dm: usize,
        to: StateIndex,
        pattern: u64,
        mut visit: impl FnMut(StateIndex, u64),
    ) {
        if !self.perceives(dm, to) {
            return;
        }
        for_each_nonempty_subset(self.moves[dm].flippable_into(pattern), |flip| {
            if let Some(u) = self.space.index_of(pattern ^ flip)
                && self.perceives(dm, u)
            {
                visit(u, pattern ^ flip);
            }
        });
    }

    /// Visits every unilateral improvement of `dm` from `s` (R_dm^+(s)).
    #[inline]
    pub fn for_each_improvement(
        &self,
        dm: usize,
        s: StateIndex,
        mut visit: impl FnMut(StateIndex),
    ) {
        let here = self.rank(dm, s);
        let ranks = &self.ranks[dm];
        self.for_each_move(dm, s, |t| {
            if ranks[t as usize] > here {
                visit(t)
            }
        });
    }

    /// R_dm^+(s) as a list, best for `dm` first, then by state number.
    pub fn improvements(&self, dm: usize, s: StateIndex) -> Vec<StateIndex> {
        let mut list = Vec::new();
        self.for_each_improvement(dm, s, |t| list.push(t));
        list.sort_by_key(|&t| (std::cmp::Reverse(self.rank(dm, t)), t));
        list
    }

    /// R_dm(s) as a sorted list.
    pub fn moves_from(&self, dm: usize, s: StateIndex) -> Vec<StateIndex> {
        let mut list = Vec::new();
        self.for_each_move(dm, s, |t| list.push(t));
        list.sort_unstable();
        list
    }

    /// Total number of unilateral moves over all DMs and states (the size of the graph).
    pub fn move_count(&self) -> u64 {
        (0..self.state_count() as u32)
            .into_par_iter()
            .map(|s| {
                (0..self.dm_count())
                    .map(|d| {
                        let mut n = 0u64;
                        self.for_each_move(d, s, |_| n += 1);
                        n
                    })
                    .sum::<u64>()
            })
            .sum()
    }
}

fn move_rules(model: &Model) -> Vec<MoveRule> {
    let offsets = model.option_offsets();
    model
        .decision_makers
        .iter()
        .enumerate()
        .map(|(d, dm)| {
            let mut rule = MoveRule {
                owned: 0,
                both: 0,
                forward: 0,
                backward: 0,
            };
            for (j, option) in dm.options.iter().enumerate() {
                let bit = 1u64 << (offsets[d] + j);
                rule.owned |= bit;
                match option.direction {
                    Direction::Both => rule.both |= bit,
                    Direction::Forward => rule.forward |= bit,
                    Direction::Backward => rule.backward |= bit,
                }
            }
            rule
        })
        .collect()
}

/// Turns raw scores (higher is better) into dense ranks 0..distinct, keeping order and ties.
fn dense_ranks(scores: &[u64], score_bits: usize) -> Vec<u32> {
    if score_bits <= COUNTING_RANK_BITS {
        // Scores are small: mark the ones present, and a prefix sum gives each its rank.
        let mut rank_of = vec![0u32; 1 << score_bits];
        for &v in scores {
            rank_of[v as usize] = 1;
        }
        let mut next = 0;
        for slot in rank_of.iter_mut() {
            let present = *slot;
            *slot = next;
            next += present;
        }
        return scores.par_iter().map(|&v| rank_of[v as usize]).collect();
    }
    let mut distinct = scores.to_vec();
    distinct.par_sort_unstable();
    distinct.dedup();
    scores
        .par_iter()
        .map(|v| distinct.binary_search(v).expect("score present") as u32)
        .collect()
}

/// Scores below 2^this are ranked with a table instead of a sort.
const COUNTING_RANK_BITS: usize = 24;

/// The dense ranks of DM `d`'s preferences over the states of `space`, polling
/// `deadline` once per statement or ranking item (each a pass over every state) and
/// before the ranks are sorted out.
pub(crate) fn preference_ranks(
    dm: &DecisionMaker,
    d: usize,
    space: &StateSpace,
    columns: &Columns,
    deadline: &dyn Deadline,
) -> Result<Vec<u32>, CompileError> {
    match &dm.preferences {
        Preferences::Prioritization(statements) => {
            let k = statements.len();
            let mut scores = vec![0u64; space.len()];
            for (j, statement) in statements.iter().enumerate() {
                deadline.check()?;
                let weight = 1u64 << (k - 1 - j);
                let truth = columns.truth(&statement.expr);
                scores
                    .par_chunks_mut(64)
                    .zip(truth.par_iter())
                    .for_each(|(chunk, &word)| {
                        for (b, score) in chunk.iter_mut().enumerate() {
                            *score += weight * (word >> b & 1);
                        }
                    });
            }
            deadline.check()?;
            Ok(dense_ranks(&scores, k))
        }
        Preferences::Ranking { tiers, .. } => {
            const UNPLACED: u32 = u32::MAX;
            let all_options = (1u64 << space.option_count()) - 1;
            let mut tier_of = vec![UNPLACED; space.len()];
            for (t, tier) in tiers.iter().enumerate() {
                for (item, expr) in tier.items.iter().enumerate() {
                    deadline.check()?;
                    let mut matched = false;
                    for s in matching_states(expr, space, columns, all_options) {
                        matched = true;
                        if tier_of[s as usize] != UNPLACED {
                            return Err(ModelError::RankingRepeats {
                                dm: dm.name.clone(),
                                dm_index: d,
                                tier: t,
                                item,
                                first_tier: tier_of[s as usize] as usize,
                                state: space.id(s),
                                yn: space.yn(s),
                            }
                            .into());
                        }
                        tier_of[s as usize] = t as u32;
                    }
                    if !matched {
                        return Err(ModelError::RankingItemEmpty {
                            dm: dm.name.clone(),
                            dm_index: d,
                            tier: t,
                            item,
                        }
                        .into());
                    }
                }
            }
            if let Some(s) = tier_of.iter().position(|&t| t == UNPLACED) {
                return Err(ModelError::RankingOmits {
                    dm: dm.name.clone(),
                    dm_index: d,
                    state: s + 1,
                    yn: space.yn(s as u32),
                }
                .into());
            }
            let worst = tiers.len() as u32 - 1;
            Ok(tier_of.into_iter().map(|t| worst - t).collect())
        }
    }
}

/// The states where a ranking item holds; a full pattern is looked up, not scanned for.
fn matching_states(
    expr: &Expr,
    space: &StateSpace,
    columns: &Columns,
    all_options: u64,
) -> Vec<StateIndex> {
    match expr.as_cube() {
        Some((mask, values)) if mask == all_options => space.index_of(values).into_iter().collect(),
        _ => crate::columns::ones(&columns.truth(expr)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_are_all_visited_once() {
        let mut seen = Vec::new();
        for_each_nonempty_subset(0b1011, |s| seen.push(s));
        seen.sort();
        assert_eq!(seen, vec![1, 2, 3, 8, 9, 10, 11]);
    }

    #[test]
    fn irreversible_bits_restrict_direction() {
        let rule = MoveRule {
            owned: 0b111,
            both: 0b001,
            forward: 0b010,
            backward: 0b100,
        };
        assert_eq!(rule.flippable_from(0b000), 0b011);
        assert_eq!(rule.flippable_from(0b110), 0b101);
        assert_eq!(rule.flippable_into(0b110), 0b011);
        assert_eq!(rule.flippable_into(0b000), 0b101);
    }

    #[test]
    fn dense_ranks_keep_order_and_ties() {
        assert_eq!(dense_ranks(&[40, 3, 40, 7], 6), vec![2, 0, 2, 1]);
        assert_eq!(dense_ranks(&[40, 3, 40, 7], 64), vec![2, 0, 2, 1]);
    }
}
