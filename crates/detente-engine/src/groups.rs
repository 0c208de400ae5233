//! One DM's moves answered a group at a time instead of a move at a time
//! (docs/ALGORITHMS.md, "Moves by groups").
//!
//! A DM's moves change only its own options, so the states that agree on all
//! other options form a group closed under its moves. From a state `s` it
//! perceives, the DM reaches `s` itself and exactly the feasible states of the
//! group it perceives that keep every forward-only option `s` has set and every
//! backward-only option `s` has unset: a sub-cube of the DM's options (one
//! choice per option) intersected with the feasible, perceived patterns. The
//! largest value over that sub-cube, for every state of the group at once, is
//! one pass per option over the group's patterns; enumerating the moves costs
//! one lookup per move, up to 2^options per state.

use crate::conflict::Conflict;
use crate::space::{ABSENT, StateIndex};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

/// For each state `s` and each of `values` (one value per state), the largest
/// value over `s` and R_dm(s): `s`'s own where `dm` misperceives it.
pub(crate) fn best_in_one_move(conflict: &Conflict, dm: usize, values: &[&[u32]]) -> Vec<Vec<u32>> {
    // Every state is written by one task only; atomics make that safe without
    // splitting the output by hand (relaxed stores are plain stores).
    let best: Vec<Vec<AtomicU32>> = values
        .iter()
        .map(|v| v.par_iter().map(|&x| AtomicU32::new(x)).collect())
        .collect();
    match Tiles::new(conflict, dm) {
        Some(tiles) => tiles.best(conflict, dm, values, &best),
        None => (0..conflict.state_count() as StateIndex)
            .into_par_iter()
            .for_each_init(
                || vec![0; values.len()],
                |here, s| {
                    for (h, v) in here.iter_mut().zip(values) {
                        *h = v[s as usize];
                    }
                    conflict.for_each_move(dm, s, |t| {
                        for (h, v) in here.iter_mut().zip(values) {
                            *h = (*h).max(v[t as usize]);
                        }
                    });
                    for (&h, b) in here.iter().zip(&best) {
                        b[s as usize].store(h, Ordering::Relaxed);
                    }
                },
            ),
    }
    best.into_iter()
        .map(|b| b.into_iter().map(AtomicU32::into_inner).collect())
        .collect()
}

/// Most options of one DM for the group pass: a tile holds at least
/// 2^options patterns per value array and task.
const MAX_GROUP_OPTIONS: u32 = 20;

/// Patterns per tile when groups are small, so that a tile stays in cache.
const TILE_CELLS: usize = 1 << 12;

/// How much cheaper one pattern of a group pass is than one move looked up:
/// the pass reads the table in order and its maxima vectorize, while each
/// move is a random lookup.
const GROUP_ADVANTAGE: f64 = 4.0;

/// A DM's groups cut into tiles over the dense pattern table. With the DM's
/// options at bits `offset..offset + options`, a tile is `width` groups that
/// differ only in the options below the DM's, stored row by row: row `x` is
/// the DM's options set to `x`, `width` consecutive table entries.
struct Tiles<'a> {
    table: &'a [StateIndex],
    offset: u32,
    options: u32,
    width: usize,
    /// Move rules in the group's coordinates (bit `j`: the DM's `j`-th option).
    both: u32,
    forward: u32,
    backward: u32,
}

impl<'a> Tiles<'a> {
    /// `None` when the space has no dense table, the DM has too many options,
    /// or enumerating its moves is cheaper than passing over its groups.
    fn new(conflict: &'a Conflict, dm: usize) -> Option<Tiles<'a>> {
        let table = conflict.space().dense_table()?;
        let rule = conflict.move_rule(dm);
        let offset = rule.owned.trailing_zeros();
        let options = rule.owned.count_ones();
        // Each DM's options are contiguous (ARCHITECTURE.md, "Column order is DM order").
        debug_assert_eq!(rule.owned >> offset, (1 << options) - 1);
        if options > MAX_GROUP_OPTIONS {
            return None;
        }
        let reversible = rule.both.count_ones() as i32;
        let irreversible = options as i32 - reversible;
        // A state has 2^reversible · 2^(irreversible ones pointing away) subsets
        // to look up, about 1.5^irreversible for the latter.
        let move_work =
            conflict.state_count() as f64 * 2f64.powi(reversible) * 1.5f64.powi(irreversible);
        let group_work = table.len() as f64 * f64::from(options + 1);
        if group_work > GROUP_ADVANTAGE * move_work {
            return None;
        }
        let local = |mask: u64| (mask >> offset) as u32;
        Some(Tiles {
            table,
            offset,
            options,
            width: (TILE_CELLS >> options).clamp(1, 1 << offset),
            both: local(rule.both),
            forward: local(rule.forward),
            backward: local(rule.backward),
        })
    }

    fn cells(&self) -> usize {
        self.width << self.options
    }

    /// The pattern of a tile's first cell: tiles are numbered in pattern order,
    /// `2^offset / width` of them per setting of the options above the DM's.
    fn first_pattern(&self, tile: usize) -> usize {
        let per_high = (1 << self.offset) / self.width;
        ((tile / per_high) << (self.offset + self.options)) | ((tile % per_high) * self.width)
    }

    /// Writes [`best_in_one_move`] for every state `dm` perceives.
    fn best(&self, conflict: &Conflict, dm: usize, values: &[&[u32]], best: &[Vec<AtomicU32>]) {
        let tiles = self.table.len() / self.cells();
        (0..tiles).into_par_iter().for_each_init(
            || {
                (
                    Vec::with_capacity(self.cells()),
                    Vec::with_capacity(self.cells()),
                )
            },
            |(states, cells), tile| {
                let first = self.first_pattern(tile);
                states.clear();
                for x in 0..1usize << self.options {
                    let row = first | x << self.offset;
                    // A state the DM misperceives is no target, and keeps its own value.
                    states.extend(self.table[row..row + self.width].iter().map(|&s| {
                        if s != ABSENT && conflict.perceives(dm, s) {
                            s
                        } else {
                            ABSENT
                        }
                    }));
                }
                if states.iter().all(|&s| s == ABSENT) {
                    return;
                }
                for (v, b) in values.iter().zip(best) {
                    cells.clear();
                    // Absent patterns hold 0, below or equal to every value: each
                    // state's own value is in its sub-cube, so 0 never wins.
                    cells.extend(
                        states
                            .iter()
                            .map(|&s| if s == ABSENT { 0 } else { v[s as usize] }),
                    );
                    self.close(cells);
                    for (&s, &c) in states.iter().zip(cells.iter()) {
                        if s != ABSENT {
                            b[s as usize].store(c, Ordering::Relaxed);
                        }
                    }
                }
            },
        );
    }

    /// Replaces each cell by the largest over its sub-cube of moves, one
    /// option at a time: the sub-cube is a product of one choice per option
    /// (both values, or for an irreversible option only the value it may move
    /// to besides its own), so the maxima along each option compose.
    fn close(&self, cells: &mut [u32]) {
        for j in 0..self.options {
            // Row x (option j unset) pairs with row x + 2^j, `span` cells on.
            let span = self.width << j;
            for block in cells.chunks_exact_mut(2 * span) {
                let (unset, set) = block.split_at_mut(span);
                let pairs = unset.iter_mut().zip(set.iter_mut());
                if self.both >> j & 1 == 1 {
                    for (a, b) in pairs {
                        let m = (*a).max(*b);
                        *a = m;
                        *b = m;
                    }
                } else if self.forward >> j & 1 == 1 {
                    pairs.for_each(|(a, b)| *a = (*a).max(*b));
                } else {
                    debug_assert!(self.backward >> j & 1 == 1);
                    pairs.for_each(|(a, b)| *b = (*b).max(*a));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{PreferenceKind, Shape, add_misperceptions, generate};

    /// The group pass against the moves enumerated one by one, on models
    /// whose groups it takes: many options, irreversible, infeasible and
    /// misperceived states, ties.
    #[test]
    fn group_pass_equals_enumerated_moves() {
        let mut grouped = 0;
        for seed in 0..40 {
            let shape = Shape {
                dms: 2 + seed as usize % 2,
                options_per_dm: 3 + seed as usize % 4,
                rules: seed as usize % 4,
                rule_width: 2,
                irreversible_percent: (seed * 7 % 60) as u8,
                preferences: PreferenceKind::Prioritization {
                    statements: seed as usize % 5,
                },
                seed,
            };
            let mut model = generate(&shape);
            add_misperceptions(&mut model, seed, 50);
            let Ok(conflict) = Conflict::compile(&model, 1 << 20) else {
                continue;
            };
            for dm in 0..conflict.dm_count() {
                grouped += usize::from(Tiles::new(&conflict, dm).is_some());
                let ranks = conflict.ranks(dm);
                let reversed: Vec<u32> = ranks.iter().map(|&r| 7 - r.min(7)).collect();
                let got = best_in_one_move(&conflict, dm, &[ranks, &reversed]);
                for (v, got) in [ranks, &reversed].into_iter().zip(got) {
                    let want: Vec<u32> = (0..conflict.state_count() as StateIndex)
                        .map(|s| {
                            let mut best = v[s as usize];
                            conflict.for_each_move(dm, s, |t| best = best.max(v[t as usize]));
                            best
                        })
                        .collect();
                    assert_eq!(got, want, "seed {seed}, DM {}", dm + 1);
                }
            }
        }
        assert!(grouped > 60, "only {grouped} DMs took the group pass");
    }
}
