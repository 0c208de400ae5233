//! Coalition analysis (GMCR.md §4; Kilgour, Hipel, Fang & Peng 2001; Inohara &
//! Hipel 2008). A coalition improvement from s is a state a group of DMs can
//! reach by a legal sequence of its members' moves and that every member
//! strictly prefers to s. Coalitional stability asks, for each DM i and each
//! coalition H containing i, whether every coalition improvement of H is
//! deterred for i by the DMs outside H; the definitions are in
//! docs/ALGORITHMS.md ("Coalitional stability").

use crate::conflict::Conflict;
use crate::deadline::{Deadline, OutOfTime};
use crate::space::StateIndex;
use crate::stability::{Concept, Responses, UNREACHABLE, best_within_one_move, least_reachable};
use fixedbitset::FixedBitSet;
use rayon::prelude::*;
use std::collections::VecDeque;
use thiserror::Error;

/// The concepts with a coalitional form (SIM has none here).
pub const COALITION_CONCEPTS: [Concept; 4] =
    [Concept::Nash, Concept::Gmr, Concept::Smr, Concept::Seq];

/// Most states coalitional stability examines: it searches every coalition's
/// reachable states from every state, which grows with the square of the count.
pub const MAX_COALITION_STATES: usize = 1 << 16;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CoalitionError {
    #[error(
        "coalitional stability is defined for Nash, GMR, SMR and SEQ; {0} has no coalitional form"
    )]
    UnsupportedConcept(&'static str),
    #[error(
        "coalitional stability examines every coalition improvement from every state; it supports at most {limit} states and this model has {states}"
    )]
    TooManyStates { states: usize, limit: usize },
    #[error("a coalition names decision maker {dm}, but the model has {dms}")]
    UnknownMember { dm: usize, dms: usize },
    #[error("a coalition has no members")]
    EmptyCoalition,
    #[error(transparent)]
    OutOfTime(#[from] OutOfTime),
}

/// Breadth-first search in the graph of a coalition's moves, with buffers
/// reused from one start to the next (one per thread when run in parallel).
pub struct CoalitionSearch {
    /// `seen[x] == epoch`: x was reached in the current search.
    seen: Vec<u32>,
    epoch: u32,
    queue: VecDeque<StateIndex>,
}

impl CoalitionSearch {
    pub fn new(conflict: &Conflict) -> CoalitionSearch {
        CoalitionSearch {
            seen: vec![0; conflict.state_count()],
            epoch: 0,
            queue: VecDeque::new(),
        }
    }

    /// Calls `visit` with each coalition improvement of `members` from `s`.
    ///
    /// By the composition lemma (docs/ALGORITHMS.md) the states reachable by legal
    /// sequences of the members' moves are those reachable in the graph of all
    /// their moves, apart from `s` itself, which no member strictly prefers to
    /// itself; so a plain breadth-first search suffices.
    pub fn for_each_improvement(
        &mut self,
        conflict: &Conflict,
        members: &[usize],
        s: StateIndex,
        mut visit: impl FnMut(StateIndex),
    ) {
        self.epoch += 1;
        if self.epoch == u32::MAX {
            self.seen.fill(0);
            self.epoch = 1;
        }
        let epoch = self.epoch;
        self.seen[s as usize] = epoch;
        self.queue.clear();
        self.queue.push_back(s);
        while let Some(x) = self.queue.pop_front() {
            for &j in members {
                conflict.for_each_move(j, x, |t| {
                    if self.seen[t as usize] != epoch {
                        self.seen[t as usize] = epoch;
                        self.queue.push_back(t);
                        if members
                            .iter()
                            .all(|&m| conflict.rank(m, t) > conflict.rank(m, s))
                        {
                            visit(t);
                        }
                    }
                });
            }
        }
    }
}

/// The coalition improvements of `members` from `s`, ascending.
pub fn coalition_improvements(
    conflict: &Conflict,
    members: &[usize],
    s: StateIndex,
) -> Vec<StateIndex> {
    let mut better = Vec::new();
    CoalitionSearch::new(conflict).for_each_improvement(conflict, members, s, |t| better.push(t));
    better.sort_unstable();
    better
}

/// Every coalition of two or more of `dms` DMs, smallest first.
pub fn all_coalitions(dms: usize) -> Vec<Vec<usize>> {
    let mut all: Vec<Vec<usize>> = (1u64..1 << dms)
        .filter(|m| m.count_ones() >= 2)
        .map(|m| (0..dms).filter(|d| m >> d & 1 == 1).collect())
        .collect();
    all.sort_by_key(|c| c.len());
    all
}

/// A coalition improvement the DMs outside the coalition cannot deter, for
/// some of its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upset {
    /// Position in [`CoalitionAnalysis::coalitions`].
    pub coalition: usize,
    pub to: StateIndex,
    /// Members for whom no response of the others makes the move not pay.
    pub undeterred: Vec<usize>,
}

/// Coalitional stability of every state for every DM under one concept.
pub struct CoalitionAnalysis {
    concept: Concept,
    /// Every DM alone first (DM order), then the requested coalitions.
    coalitions: Vec<Vec<usize>>,
    /// `least[h][k]`: for the k-th member of coalition h, the least value that
    /// member can be pushed to by the others' responses (`None` for Nash).
    least: Vec<Vec<Option<Vec<u32>>>>,
    /// `stable[dm]`.
    stable: Vec<FixedBitSet>,
}

impl CoalitionAnalysis {
    /// Analyses `concept` over the DMs alone and `coalitions` (member lists;
    /// order and repeats do not matter). With no coalition of two or more, the
    /// result is the ordinary stability of GMCR.md §3. Polls `deadline` in every
    /// loop over states, and once per state for the coalitions' searches from it.
    pub fn run(
        conflict: &Conflict,
        coalitions: &[Vec<usize>],
        concept: Concept,
        deadline: &dyn Deadline,
    ) -> Result<CoalitionAnalysis, CoalitionError> {
        deadline.check()?;
        if !COALITION_CONCEPTS.contains(&concept) {
            return Err(CoalitionError::UnsupportedConcept(concept.label()));
        }
        let states = conflict.state_count();
        if states > MAX_COALITION_STATES {
            return Err(CoalitionError::TooManyStates {
                states,
                limit: MAX_COALITION_STATES,
            });
        }
        let dms = conflict.dm_count();
        let mut all: Vec<Vec<usize>> = (0..dms).map(|d| vec![d]).collect();
        for members in coalitions {
            let mut members = members.clone();
            members.sort_unstable();
            members.dedup();
            if let Some(&dm) = members.iter().find(|&&d| d >= dms) {
                return Err(CoalitionError::UnknownMember { dm, dms });
            }
            if members.is_empty() {
                return Err(CoalitionError::EmptyCoalition);
            }
            if !all.contains(&members) {
                all.push(members);
            }
        }
        let least: Vec<Vec<Option<Vec<u32>>>> = all
            .par_iter()
            .map(|members| {
                members
                    .par_iter()
                    .map(|&i| least_for_member(conflict, members, i, concept, deadline))
                    .collect()
            })
            .collect::<Result<_, _>>()?;
        let mut analysis = CoalitionAnalysis {
            concept,
            coalitions: all,
            least,
            stable: Vec::new(),
        };
        analysis.stable = analysis.stability(conflict, deadline)?;
        Ok(analysis)
    }

    fn stability(
        &self,
        conflict: &Conflict,
        deadline: &dyn Deadline,
    ) -> Result<Vec<FixedBitSet>, OutOfTime> {
        let unstable: Vec<u64> = (0..conflict.state_count() as StateIndex)
            .into_par_iter()
            .map_init(
                || CoalitionSearch::new(conflict),
                |search, s| {
                    deadline.check()?;
                    let mut unstable = 0u64;
                    for h in 0..self.coalitions.len() {
                        self.for_each_upset_by(conflict, search, h, s, |upset| {
                            for &i in &upset.undeterred {
                                unstable |= 1 << i;
                            }
                        });
                    }
                    Ok(unstable)
                },
            )
            .collect::<Result<_, _>>()?;
        Ok((0..conflict.dm_count())
            .map(|dm| {
                let mut set = FixedBitSet::with_capacity(unstable.len());
                for (s, &bits) in unstable.iter().enumerate() {
                    set.set(s, bits >> dm & 1 == 0);
                }
                set
            })
            .collect())
    }

    /// Calls `found` with each coalition improvement of coalition `h` from `s`
    /// that is not deterred for at least one member.
    fn for_each_upset_by(
        &self,
        conflict: &Conflict,
        search: &mut CoalitionSearch,
        h: usize,
        s: StateIndex,
        mut found: impl FnMut(Upset),
    ) {
        let members = &self.coalitions[h];
        search.for_each_improvement(conflict, members, s, |s1| {
            let undeterred: Vec<usize> = members
                .iter()
                .zip(&self.least[h])
                .filter(|(i, least)| {
                    least
                        .as_ref()
                        .is_none_or(|l| l[s1 as usize] > conflict.rank(**i, s))
                })
                .map(|(&i, _)| i)
                .collect();
            if !undeterred.is_empty() {
                found(Upset {
                    coalition: h,
                    to: s1,
                    undeterred,
                });
            }
        });
    }

    /// Every undeterred coalition improvement from `s`, by coalition, then destination.
    pub fn upsets(&self, conflict: &Conflict, s: StateIndex) -> Vec<Upset> {
        let mut search = CoalitionSearch::new(conflict);
        let mut all = Vec::new();
        for h in 0..self.coalitions.len() {
            let first = all.len();
            self.for_each_upset_by(conflict, &mut search, h, s, |u| all.push(u));
            all[first..].sort_unstable_by_key(|u| u.to);
        }
        all
    }

    pub fn concept(&self) -> Concept {
        self.concept
    }

    /// The coalitions examined: each DM alone first, then those requested.
    pub fn coalitions(&self) -> &[Vec<usize>] {
        &self.coalitions
    }

    /// States coalitionally stable for `dm`: no coalition containing it has an
    /// improvement that is not deterred for it.
    pub fn stable(&self, dm: usize) -> &FixedBitSet {
        &self.stable[dm]
    }

    /// States coalitionally stable for every DM.
    pub fn equilibria(&self) -> FixedBitSet {
        let mut all = self.stable[0].clone();
        for set in &self.stable[1..] {
            all.intersect_with(set);
        }
        all
    }
}

/// For member `i` of `members`: the least value `i` can be pushed to by the
/// responses of the DMs outside the coalition, from each state (`None` for
/// Nash, which admits no deterrence).
///
/// GMR: any legal sequence of the outsiders' moves; SEQ: of their unilateral
/// improvements; SMR: as GMR, valuing each sanctioning state by the best `i`
/// could then reach with the coalition's counter-moves (`i` alone: one move).
fn least_for_member(
    conflict: &Conflict,
    members: &[usize],
    i: usize,
    concept: Concept,
    deadline: &dyn Deadline,
) -> Result<Option<Vec<u32>>, OutOfTime> {
    let outsiders: Vec<usize> = (0..conflict.dm_count())
        .filter(|d| !members.contains(d))
        .collect();
    let ranks = conflict.ranks(i);
    let least = |responses, value: &[u32]| {
        least_reachable(conflict, &outsiders, responses, value, deadline).map(Some)
    };
    match concept {
        Concept::Gmr => least(Responses::Any, ranks),
        Concept::Seq => least(Responses::Improvements, ranks),
        Concept::Smr => least(
            Responses::Any,
            &best_counter_response(conflict, members, i, deadline)?,
        ),
        _ => Ok(None),
    }
}

/// For each state, the best rank `i` reaches there or after one counter-response
/// of its coalition (any legal sequence of the members' moves).
fn best_counter_response(
    conflict: &Conflict,
    members: &[usize],
    i: usize,
    deadline: &dyn Deadline,
) -> Result<Vec<u32>, OutOfTime> {
    if members.len() == 1 {
        return best_within_one_move(conflict, i, deadline);
    }
    // The greatest reachable rank is the least reachable of the reversed ranks.
    let top = conflict.ranks(i).iter().copied().max().unwrap_or(0);
    let reversed: Vec<u32> = conflict.ranks(i).iter().map(|&r| top - r).collect();
    let least = least_reachable(conflict, members, Responses::Any, &reversed, deadline)?;
    Ok(conflict
        .ranks(i)
        .iter()
        .zip(least)
        .map(|(&here, l)| {
            if l == UNREACHABLE {
                here
            } else {
                here.max(top - l)
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalitions_of_three_dms() {
        assert_eq!(
            all_coalitions(3),
            vec![vec![0, 1], vec![0, 2], vec![1, 2], vec![0, 1, 2]]
        );
    }
}
