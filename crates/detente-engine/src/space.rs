//! The feasible states: enumeration, numbering and lookup.
//!
//! A state is a `u64` bit pattern (bit `k` = option `k` in column order is Y).
//! Feasible states are kept sorted by that value, so a state's index is its
//! GMCR+ number minus one (GMCR.md §5).

use crate::deadline::Deadline;
use crate::error::{CompileError, ModelError};
use crate::expr::Expr;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Index of a feasible state in [`StateSpace::patterns`] (its id minus one).
pub type StateIndex = u32;

/// Marks an infeasible pattern in the dense lookup table.
pub(crate) const ABSENT: u32 = u32::MAX;

/// Largest option count for which the dense lookup table is always used (4 MiB).
const DENSE_ALWAYS_BITS: usize = 20;
/// Largest option count for which a dense lookup table is ever used (256 MiB).
pub(crate) const DENSE_MAX_BITS: usize = 26;

#[derive(Debug, Clone)]
enum Lookup {
    /// `table[pattern]` is the state index, or `ABSENT`.
    Dense(Vec<u32>),
    /// Binary search in the sorted patterns.
    Sorted,
}

/// The feasible states of a model.
#[derive(Debug, Clone)]
pub struct StateSpace {
    option_count: usize,
    patterns: Vec<u64>,
    lookup: Lookup,
}

impl StateSpace {
    /// Enumerates the states that satisfy every rule, refusing more than `max_states`,
    /// polling `deadline` (tens of millions of states take seconds).
    ///
    /// Options are fixed from the highest bit down, so states come out sorted, and
    /// a branch is cut as soon as a rule is false whatever the remaining options.
    pub fn enumerate(
        option_count: usize,
        rules: &[&Expr],
        max_states: usize,
        deadline: &dyn Deadline,
    ) -> Result<StateSpace, CompileError> {
        let mut rules_by_bit: Vec<Vec<&Expr>> = vec![Vec::new(); option_count];
        for rule in rules {
            let support = rule.support();
            if support == 0 {
                if !rule.eval(0) {
                    return Err(ModelError::NoFeasibleState.into());
                }
                continue;
            }
            for (k, list) in rules_by_bit.iter_mut().enumerate() {
                if support >> k & 1 == 1 {
                    list.push(rule);
                }
            }
        }
        // The top options are fixed first, one branch per prefix, and the
        // branches are searched in parallel; concatenated in prefix order, the
        // states stay sorted.
        let split = option_count.min(PARALLEL_PREFIX_BITS);
        let low = option_count - split;
        let found = AtomicUsize::new(0);
        let branches: Vec<Vec<u64>> = (0..1u64 << split)
            .into_par_iter()
            .map(|prefix| {
                let mut search = Enumeration {
                    rules_by_bit: &rules_by_bit,
                    max_states,
                    option_count,
                    found: &found,
                    deadline,
                    steps: 0,
                    patterns: Vec::new(),
                };
                let known = ((1u64 << split) - 1) << low;
                let values = prefix << low;
                let excluded = (low..option_count).any(|k| {
                    search.rules_by_bit[k]
                        .iter()
                        .any(|r| r.eval_partial(known, values) == Some(false))
                });
                if !excluded {
                    search.extend(low, known, values)?;
                }
                Ok(search.patterns)
            })
            .collect::<Result<_, CompileError>>()?;
        let patterns = branches.concat();
        if patterns.is_empty() {
            return Err(ModelError::NoFeasibleState.into());
        }
        Ok(StateSpace::from_sorted_patterns(option_count, patterns))
    }

    /// Builds a space from patterns already sorted ascending and free of duplicates.
    pub fn from_sorted_patterns(option_count: usize, patterns: Vec<u64>) -> StateSpace {
        debug_assert!(patterns.windows(2).all(|w| w[0] < w[1]));
        let dense = option_count <= DENSE_ALWAYS_BITS
            || (option_count <= DENSE_MAX_BITS && (1usize << option_count) <= 16 * patterns.len());
        let lookup = if dense {
            let mut table = vec![ABSENT; 1usize << option_count];
            for (i, &p) in patterns.iter().enumerate() {
                table[p as usize] = i as u32;
            }
            Lookup::Dense(table)
        } else {
            Lookup::Sorted
        };
        StateSpace {
            option_count,
            patterns,
            lookup,
        }
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    pub fn option_count(&self) -> usize {
        self.option_count
    }

    /// Bit pattern of every feasible state, ascending.
    pub fn patterns(&self) -> &[u64] {
        &self.patterns
    }

    pub fn pattern(&self, s: StateIndex) -> u64 {
        self.patterns[s as usize]
    }

    /// The index of a pattern, if it is feasible.
    #[inline]
    pub fn index_of(&self, pattern: u64) -> Option<StateIndex> {
        match &self.lookup {
            Lookup::Dense(table) => table
                .get(pattern as usize)
                .copied()
                .filter(|&i| i != ABSENT),
            Lookup::Sorted => self.patterns.binary_search(&pattern).ok().map(|i| i as u32),
        }
    }

    /// `table[pattern]`: the state's index or [`ABSENT`], when the space keeps
    /// a dense table; for scans of whole sub-cubes of patterns in memory order.
    pub(crate) fn dense_table(&self) -> Option<&[StateIndex]> {
        match &self.lookup {
            Lookup::Dense(table) => Some(table),
            Lookup::Sorted => None,
        }
    }

    /// The 1-based state number used in every report (GMCR.md §5).
    pub fn id(&self, s: StateIndex) -> usize {
        s as usize + 1
    }

    /// Y/N string of a state, option 0 first.
    pub fn yn(&self, s: StateIndex) -> String {
        yn_string(self.pattern(s), self.option_count)
    }
}

/// Y/N string of a bit pattern over `option_count` options, option 0 first.
pub fn yn_string(pattern: u64, option_count: usize) -> String {
    (0..option_count)
        .map(|k| if pattern >> k & 1 == 1 { 'Y' } else { 'N' })
        .collect()
}

/// Options fixed up front to split the enumeration into parallel branches.
const PARALLEL_PREFIX_BITS: usize = 6;

struct Enumeration<'a> {
    rules_by_bit: &'a [Vec<&'a Expr>],
    max_states: usize,
    option_count: usize,
    /// States found by all branches together, to enforce the limit early.
    found: &'a AtomicUsize,
    deadline: &'a dyn Deadline,
    /// Partial states this branch has visited, for polling the deadline.
    steps: usize,
    patterns: Vec<u64>,
}

impl Enumeration<'_> {
    /// Extends a partial state in which the options at or above `remaining` are fixed.
    fn extend(&mut self, remaining: usize, known: u64, values: u64) -> Result<(), CompileError> {
        self.deadline.check_at(self.steps)?;
        self.steps += 1;
        if remaining == 0 {
            if self.found.fetch_add(1, Ordering::Relaxed) >= self.max_states {
                return Err(ModelError::TooManyStates {
                    limit: self.max_states,
                    options: self.option_count,
                }
                .into());
            }
            self.patterns.push(values);
            return Ok(());
        }
        let k = remaining - 1;
        let known = known | 1 << k;
        for value in [0u64, 1 << k] {
            let values = values | value;
            let excluded = self.rules_by_bit[k]
                .iter()
                .any(|r| r.eval_partial(known, values) == Some(false));
            if !excluded {
                self.extend(k, known, values)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::NoDeadline;

    #[test]
    fn enumeration_is_sorted_and_matches_brute_force() {
        // not both 0 and 1; 2 only if 3; at least one of 1, 3.
        let rules = [
            Expr::not(Expr::And(vec![Expr::option(0), Expr::option(1)])),
            Expr::Implies(Box::new(Expr::option(2)), Box::new(Expr::option(3))),
            Expr::Or(vec![Expr::option(1), Expr::option(3)]),
        ];
        let refs: Vec<&Expr> = rules.iter().collect();
        let space = StateSpace::enumerate(4, &refs, 100, &NoDeadline).unwrap();
        let brute: Vec<u64> = (0..16u64)
            .filter(|&s| rules.iter().all(|r| r.eval(s)))
            .collect();
        assert_eq!(space.patterns(), brute.as_slice());
        for (i, &p) in brute.iter().enumerate() {
            assert_eq!(space.index_of(p), Some(i as u32));
        }
        assert_eq!(space.index_of(0b0011), None);
    }

    #[test]
    fn state_limit_is_enforced() {
        let err = StateSpace::enumerate(10, &[], 1000, &NoDeadline).unwrap_err();
        assert!(matches!(
            err,
            CompileError::Model(ModelError::TooManyStates {
                limit: 1000,
                options: 10
            })
        ));
        assert!(err.to_string().contains("up to 1024 states"));
    }

    #[test]
    fn contradiction_leaves_no_state() {
        let rules = [Expr::option(0), Expr::not(Expr::option(0))];
        let refs: Vec<&Expr> = rules.iter().collect();
        assert!(matches!(
            StateSpace::enumerate(3, &refs, 100, &NoDeadline),
            Err(CompileError::Model(ModelError::NoFeasibleState))
        ));
    }
}
