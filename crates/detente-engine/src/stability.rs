//! Stability of every state for every DM (GMCR.md §3), computed in time linear
//! in the number of moves.
//!
//! The opponents' responses R_H(s1) are legal sequences (no DM twice in a row).
//! Because one DM's moves compose into a single move (docs/ALGORITHMS.md,
//! "Legal sequences as reachability"), the states reachable by legal sequences are the
//! states reachable in the graph of all H's moves, except possibly s1 itself,
//! which never sanctions (it is an improvement for the mover). So each concept
//! needs, per DM i and state s1, only the least value of some score over the
//! states reachable from s1: [`least_reachable`] computes that for all states
//! at once. [`crate::reference`] follows the definitions literally and the
//! property tests hold the two equal.

use crate::conflict::Conflict;
use crate::deadline::{Deadline, OutOfTime, Ticker};
use crate::groups::best_in_one_move;
use crate::space::StateIndex;
use fixedbitset::FixedBitSet;
use rayon::prelude::*;

/// A solution concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Concept {
    Nash,
    Gmr,
    Smr,
    Seq,
    Sim,
    /// Stable under both SEQ and SIM for the same DM (not SEQ or SIM, as GMCR+ reports it).
    SeqSim,
}

impl Concept {
    pub const ALL: [Concept; 6] = [
        Concept::Nash,
        Concept::Gmr,
        Concept::Smr,
        Concept::Seq,
        Concept::Sim,
        Concept::SeqSim,
    ];

    /// Lower-case key used in JSON and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Concept::Nash => "nash",
            Concept::Gmr => "gmr",
            Concept::Smr => "smr",
            Concept::Seq => "seq",
            Concept::Sim => "sim",
            Concept::SeqSim => "seqsim",
        }
    }

    /// Conventional short name for tables.
    pub fn label(self) -> &'static str {
        match self {
            Concept::Nash => "Nash",
            Concept::Gmr => "GMR",
            Concept::Smr => "SMR",
            Concept::Seq => "SEQ",
            Concept::Sim => "SIM",
            Concept::SeqSim => "SEQ&SIM",
        }
    }

    pub fn from_key(key: &str) -> Option<Concept> {
        Concept::ALL
            .into_iter()
            .find(|c| c.key().eq_ignore_ascii_case(key))
    }
}

/// Marks a state from which no state is reachable.
pub(crate) const UNREACHABLE: u32 = u32::MAX;

/// Which moves of the responders count.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Responses {
    /// Any unilateral move (GMR, SMR).
    Any,
    /// Only unilateral improvements of the DM who moves (SEQ).
    Improvements,
}

/// For every state x, the least `value` over the states reachable from x by one
/// or more moves of the DMs in `movers`; `UNREACHABLE` where x has no move.
///
/// States are taken in increasing `value`; each marks, by a backward search,
/// every state that reaches it and is not marked yet. A state reaching a marked
/// state reaches its marker, which has a smaller value, so each state is marked
/// once, with its least reachable value, and its predecessors are scanned at
/// most twice (once as an unmarked root), and mostly not at all: see
/// [`ScannedGroups`]. Polls `deadline` per state popped.
pub(crate) fn least_reachable(
    conflict: &Conflict,
    movers: &[usize],
    responses: Responses,
    value: &[u32],
    deadline: &dyn Deadline,
) -> Result<Vec<u32>, OutOfTime> {
    let n = conflict.state_count();
    let ticker = Ticker::new(deadline);
    let mut least = vec![UNREACHABLE; n];
    // Each entry carries the state's pattern, known when it is pushed, to
    // spare a random memory access when it is popped.
    let mut stack: Vec<(StateIndex, u64)> = Vec::new();
    let mut groups: Vec<Option<ScannedGroups>> = movers
        .iter()
        .map(|&j| ScannedGroups::new(conflict, j, responses))
        .collect();
    for v in order_by_value(value) {
        if least[v as usize] != UNREACHABLE {
            continue;
        }
        let marker = value[v as usize];
        // The root is the only unmarked entry: everything pushed later is marked when pushed.
        let mut marked = false;
        stack.push((v, conflict.space().pattern(v)));
        while let Some((t, pattern)) = stack.pop() {
            ticker.tick()?;
            for (&j, group) in movers.iter().zip(groups.iter_mut()) {
                // Only improvements compare ranks; skip the memory access otherwise.
                let rank_t = match responses {
                    Responses::Any => 0,
                    Responses::Improvements => conflict.rank(j, t),
                };
                // A state j misperceives has no j-predecessors; skipping it
                // before the group keeps the group's scans to perceived
                // states, whose predecessors differ only by group members.
                if !conflict.perceives(j, t) {
                    continue;
                }
                if let Some(group) = group
                    && group.already_scanned(pattern, marked, rank_t)
                {
                    continue;
                }
                conflict.for_each_predecessor(j, t, pattern, |u, from| {
                    let counts = match responses {
                        Responses::Any => true,
                        Responses::Improvements => conflict.rank(j, u) < rank_t,
                    };
                    if counts && least[u as usize] == UNREACHABLE {
                        least[u as usize] = marker;
                        stack.push((u, from));
                    }
                });
            }
            marked = true;
        }
    }
    Ok(least)
}

/// Remembers which predecessor sets of one mover j were scanned already.
///
/// States that differ only in j's reversible options form a group with the
/// same j-predecessors apart from themselves: if x and t are in one group,
/// preds(t) = preds(x) ∪ {x} \ {t} (the bits flippable into x and into t are
/// the same, and x and t differ only in them). Once a *marked* x has had its
/// predecessors marked, nothing in preds(t) is left unmarked, so t needs no
/// scan. For improvements, preds(t) are those j ranks below t: a subset of x's
/// when j ranks x at least as high as t (and x is then not among them).
/// Misperception keeps this: both sides lose the same states j misperceives,
/// provided only states j perceives are ever recorded as scanned.
///
/// Groups are keyed by the pattern with j's reversible bits squeezed out, so
/// the table has 2^(options - reversible) entries and mostly stays in cache.
struct ScannedGroups {
    /// Positions of j's reversible options, highest first.
    squeezed: Vec<u32>,
    /// Any moves: groups scanned from a marked state.
    any: FixedBitSet,
    /// Improvements: 1 + the highest rank j gives a scanned state (0: none).
    best_rank: Vec<u32>,
}

impl ScannedGroups {
    /// `None` when j has no reversible option or the table would be too large.
    fn new(conflict: &Conflict, j: usize, responses: Responses) -> Option<ScannedGroups> {
        let both = conflict.move_rule(j).both;
        let key_bits = conflict.space().option_count() - both.count_ones() as usize;
        if both == 0 || key_bits > crate::space::DENSE_MAX_BITS {
            return None;
        }
        let squeezed = (0..64).rev().filter(|q| both >> q & 1 == 1).collect();
        let (any, best_rank) = match responses {
            Responses::Any => (FixedBitSet::with_capacity(1 << key_bits), Vec::new()),
            Responses::Improvements => (FixedBitSet::new(), vec![0; 1 << key_bits]),
        };
        Some(ScannedGroups {
            squeezed,
            any,
            best_rank,
        })
    }

    fn key(&self, pattern: u64) -> usize {
        self.squeezed.iter().fold(pattern, |k, &q| {
            (k & ((1 << q) - 1)) | ((k >> (q + 1)) << q)
        }) as usize
    }

    /// Whether the predecessors of a state with this pattern need no scan; if
    /// they do, records that they are about to be scanned.
    fn already_scanned(&mut self, pattern: u64, marked: bool, rank: u32) -> bool {
        let key = self.key(pattern);
        if self.best_rank.is_empty() {
            if self.any.contains(key) {
                return true;
            }
            // An unmarked root's own group stays open: the root itself may still need marking.
            if marked {
                self.any.insert(key);
            }
            false
        } else if self.best_rank[key] > rank {
            true
        } else {
            self.best_rank[key] = rank + 1;
            false
        }
    }
}

/// State indices sorted by `value`, ascending (counting sort: values are small ranks).
fn order_by_value(value: &[u32]) -> Vec<StateIndex> {
    let max = value.iter().copied().max().unwrap_or(0) as usize;
    let mut start = vec![0u32; max + 2];
    for &v in value {
        start[v as usize + 1] += 1;
    }
    for k in 1..start.len() {
        start[k] += start[k - 1];
    }
    let mut order = vec![0; value.len()];
    for (s, &v) in value.iter().enumerate() {
        order[start[v as usize] as usize] = s as StateIndex;
        start[v as usize] += 1;
    }
    order
}

/// For each state w, the best rank `dm` can reach from w in at most one of its own moves.
pub(crate) fn best_within_one_move(
    conflict: &Conflict,
    dm: usize,
    deadline: &dyn Deadline,
) -> Result<Vec<u32>, OutOfTime> {
    // One pass over the states by groups: cheap next to what callers do with it.
    deadline.check_at(0)?;
    Ok(best_in_one_move(conflict, dm, &[conflict.ranks(dm)])
        .pop()
        .expect("one array in, one out"))
}

fn others(conflict: &Conflict, dm: usize) -> Vec<usize> {
    (0..conflict.dm_count()).filter(|&j| j != dm).collect()
}

/// The least value, over states the others can reach, that decides a concept:
/// `None` for Nash and SIM, which need none, and SEQ&SIM, which combines SEQ and SIM.
fn least_for(
    conflict: &Conflict,
    dm: usize,
    concept: Concept,
    deadline: &dyn Deadline,
) -> Result<Option<Vec<u32>>, OutOfTime> {
    let movers = others(conflict, dm);
    let ranks = conflict.ranks(dm);
    let least = |responses, value: &[u32]| {
        least_reachable(conflict, &movers, responses, value, deadline).map(Some)
    };
    match concept {
        Concept::Nash | Concept::Sim | Concept::SeqSim => Ok(None),
        Concept::Gmr => least(Responses::Any, ranks),
        Concept::Smr => least(
            Responses::Any,
            &best_within_one_move(conflict, dm, deadline)?,
        ),
        Concept::Seq => least(Responses::Improvements, ranks),
    }
}

/// The states stable for `dm` under each of `concepts` (sorted, distinct),
/// given the least reachable values each concept needs (`least_for`).
///
/// A move s → t is an improvement that no sanction answers iff
/// min(P(t), least(t)) > P(s) (Nash: P(t) > P(s)), so s is stable iff the
/// largest such value over R_dm(s) is at most P(s): [`best_in_one_move`]
/// finds it for all states and concepts in one go, by groups where that pays.
/// SIM searches the others' simultaneous responses, only where `dm` can improve,
/// and polls `deadline` itself.
fn stable_for_dm(
    conflict: &Conflict,
    dm: usize,
    concepts: &[Concept],
    least: Vec<Option<Vec<u32>>>,
    deadline: &dyn Deadline,
) -> Result<Vec<FixedBitSet>, OutOfTime> {
    let movers = others(conflict, dm);
    let ranks = conflict.ranks(dm);
    // Column 0: the ranks (is there an improvement); then one per concept with least values.
    let mut columns = vec![0; concepts.len()];
    let mut values = vec![ranks.to_vec()];
    for (c, l) in least.into_iter().enumerate() {
        if let Some(mut l) = l {
            l.par_iter_mut()
                .zip(ranks)
                .for_each(|(least, &rank)| *least = (*least).min(rank));
            columns[c] = values.len();
            values.push(l);
        }
    }
    let values: Vec<&[u32]> = values.iter().map(Vec::as_slice).collect();
    let best = best_in_one_move(conflict, dm, &values);
    // Positions of SEQ and SIM, which SEQ&SIM (sorted after both) combines.
    let bit = |concept: Concept| concepts.iter().position(|&c| c == concept);
    let (seq_bit, sim_bit) = (bit(Concept::Seq), bit(Concept::Sim));
    let flags: Vec<u8> = (0..conflict.state_count())
        .into_par_iter()
        .map(|s| {
            deadline.check_at(s)?;
            let here = ranks[s];
            let improves = best[0][s] > here;
            let mut stable: u8 = 0;
            for (c, &concept) in concepts.iter().enumerate() {
                let holds = match concept {
                    Concept::Nash => !improves,
                    Concept::Sim => {
                        !improves || sim_stable(conflict, dm, &movers, s as StateIndex, deadline)?
                    }
                    // `run` always analyses SEQ and SIM with SEQ&SIM.
                    Concept::SeqSim => [seq_bit, sim_bit]
                        .iter()
                        .all(|b| b.is_some_and(|b| stable >> b & 1 == 1)),
                    Concept::Gmr | Concept::Smr | Concept::Seq => best[columns[c]][s] <= here,
                };
                stable |= u8::from(holds) << c;
            }
            Ok(stable)
        })
        .collect::<Result<_, _>>()?;
    Ok((0..concepts.len())
        .map(|c| {
            let mut set = FixedBitSet::with_capacity(flags.len());
            for (s, &f) in flags.iter().enumerate() {
                set.set(s, f >> c & 1 == 1);
            }
            set
        })
        .collect())
}

/// SIM at one state: every improvement of `dm` can be met by the others'
/// simultaneous improvements (each stays or takes one of its own from `s`,
/// at least one moves) landing on a feasible state no better for `dm` than `s`.
/// The search grows with the product of the others' improvements, so it polls
/// `deadline` per combination tried.
fn sim_stable(
    conflict: &Conflict,
    dm: usize,
    others: &[usize],
    s: StateIndex,
    deadline: &dyn Deadline,
) -> Result<bool, OutOfTime> {
    let space = conflict.space();
    let ticker = Ticker::new(deadline);
    let from = space.pattern(s);
    let here = conflict.rank(dm, s);
    let mut first_improvement = true;
    let mut responses: Vec<Vec<u64>> = Vec::new();
    let mut stable = true;
    conflict.for_each_improvement(dm, s, |s1| {
        if !stable {
            return;
        }
        if first_improvement {
            first_improvement = false;
            responses = others
                .iter()
                .map(|&j| {
                    let mut flips = Vec::new();
                    conflict.for_each_improvement(j, s, |t| flips.push(space.pattern(t) ^ from));
                    flips
                })
                .collect();
        }
        let start = space.pattern(s1);
        // Out of time, every combination "sanctions", which ends each search at once.
        stable = sanction_exists(&responses, start, false, &|p| {
            ticker.tick().is_err()
                || space
                    .index_of(p)
                    .is_some_and(|s2| conflict.rank(dm, s2) <= here)
        });
    });
    ticker.stopped()?;
    Ok(stable)
}

/// Whether some choice of one flip (or none) per responder, at least one flip
/// in all, turns `pattern` into a state that `sanctions`.
fn sanction_exists(
    responses: &[Vec<u64>],
    pattern: u64,
    moved: bool,
    sanctions: &dyn Fn(u64) -> bool,
) -> bool {
    match responses.split_first() {
        None => moved && sanctions(pattern),
        Some((mine, rest)) => {
            sanction_exists(rest, pattern, moved, sanctions)
                || mine
                    .iter()
                    .any(|&flip| sanction_exists(rest, pattern ^ flip, true, sanctions))
        }
    }
}

/// The concepts an analysis computes for a request: sorted, distinct, and
/// with SEQ and SIM added to SEQ&SIM, which is decided from both.
fn analysed(requested: &[Concept]) -> Vec<Concept> {
    let mut concepts = requested.to_vec();
    if concepts.contains(&Concept::SeqSim) {
        concepts.extend([Concept::Seq, Concept::Sim]);
    }
    concepts.sort_unstable();
    concepts.dedup();
    concepts
}

/// Memory the least-reachable arrays of one batch of DMs may take (2 GiB).
const REACHABILITY_BUDGET: usize = 2 << 30;

/// Stability of every state for every DM under the chosen concepts.
#[derive(Debug, Clone)]
pub struct Analysis {
    concepts: Vec<Concept>,
    /// `stable[c][dm]`, with `c` the position of the concept in `concepts`.
    stable: Vec<Vec<FixedBitSet>>,
}

impl Analysis {
    /// Analyses DM after DM (each in parallel inside); `on_done` is called after each
    /// step (see [`Analysis::job_count`]). Every loop over states polls `deadline`.
    pub fn run(
        conflict: &Conflict,
        concepts: &[Concept],
        deadline: &dyn Deadline,
        on_done: &(dyn Fn() + Sync),
    ) -> Result<Analysis, OutOfTime> {
        deadline.check()?;
        let concepts = analysed(concepts);
        let dms = conflict.dm_count();
        // Reachability jobs run in parallel for as many DMs at once as the
        // memory budget allows, so that both cores stay busy to the end.
        let per_job = conflict.state_count() * std::mem::size_of::<u32>();
        let dms_per_batch = (REACHABILITY_BUDGET / (per_job * concepts.len()).max(1)).clamp(1, dms);
        let mut per_dm: Vec<Vec<FixedBitSet>> = Vec::with_capacity(dms);
        for first in (0..dms).step_by(dms_per_batch) {
            let batch = first..(first + dms_per_batch).min(dms);
            let jobs: Vec<(usize, Concept)> = batch
                .clone()
                .flat_map(|d| concepts.iter().map(move |&c| (d, c)))
                .collect();
            let mut least: Vec<Option<Vec<u32>>> = jobs
                .par_iter()
                .map(|&(d, c)| {
                    let values = least_for(conflict, d, c, deadline)?;
                    on_done();
                    Ok(values)
                })
                .collect::<Result<_, _>>()?;
            for (k, d) in batch.enumerate() {
                let mine: Vec<Option<Vec<u32>>> = least
                    [k * concepts.len()..(k + 1) * concepts.len()]
                    .iter_mut()
                    .map(Option::take)
                    .collect();
                per_dm.push(stable_for_dm(conflict, d, &concepts, mine, deadline)?);
                on_done();
            }
        }
        let stable = (0..concepts.len())
            .map(|c| per_dm.iter().map(|sets| sets[c].clone()).collect())
            .collect();
        Ok(Analysis { concepts, stable })
    }

    /// Number of steps [`Analysis::run`] reports through `on_done`: one per
    /// (DM, concept) reachability job and one per DM's final pass.
    pub fn job_count(conflict: &Conflict, concepts: &[Concept]) -> usize {
        conflict.dm_count() * (analysed(concepts).len() + 1)
    }

    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    fn position(&self, concept: Concept) -> usize {
        self.concepts
            .iter()
            .position(|&c| c == concept)
            .unwrap_or_else(|| panic!("concept {} was not analysed", concept.label()))
    }

    /// The states stable for `dm` under `concept`. Panics if the concept was not analysed.
    pub fn stable(&self, concept: Concept, dm: usize) -> &FixedBitSet {
        &self.stable[self.position(concept)][dm]
    }

    pub fn is_stable(&self, concept: Concept, dm: usize, s: StateIndex) -> bool {
        self.stable(concept, dm).contains(s as usize)
    }

    /// States stable for every DM under `concept`.
    pub fn equilibria(&self, concept: Concept) -> FixedBitSet {
        let per_dm = &self.stable[self.position(concept)];
        let mut all = per_dm[0].clone();
        for set in &per_dm[1..] {
            all.intersect_with(set);
        }
        all
    }
}
