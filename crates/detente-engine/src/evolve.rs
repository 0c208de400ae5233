//! Status quo analysis (GMCR.md §4): where the conflict can go from a starting
//! state when decision makers move one at a time, each only to a state it
//! prefers (a unilateral improvement), or, optionally, coalitions move jointly
//! to states all their members prefer, and by which shortest paths.

use crate::coalition::CoalitionSearch;
use crate::conflict::Conflict;
use crate::deadline::{Deadline, OutOfTime, Ticker};
use crate::space::StateIndex;
use std::collections::VecDeque;

/// Marks a state the search has not reached.
const UNSEEN: u32 = u32::MAX;

/// Who makes one move of an evolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// A DM alone: a unilateral improvement.
    Dm(usize),
    /// A coalition, by its position in the list given to the search: a joint
    /// improvement every member prefers.
    Coalition(usize),
}

/// One move of an evolution: `mover` takes the conflict to state `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub mover: Mover,
    pub to: StateIndex,
}

/// Every state reachable from `start` by improvements (unilateral, and joint
/// improvements of the coalitions given), with a shortest path to each
/// (breadth first: fewest moves, a coalition's joint move counting as one).
pub struct Evolution {
    pub start: StateIndex,
    /// `parent[s]`: the move that first reached `s` (its mover code, see
    /// `mover`, and the state it left).
    parent: Vec<(u32, u32)>,
    /// Reached states in order of distance from the start (the start first).
    order: Vec<StateIndex>,
    dms: usize,
}

impl Evolution {
    /// Unilateral improvements only.
    pub fn from(
        conflict: &Conflict,
        start: StateIndex,
        deadline: &dyn Deadline,
    ) -> Result<Evolution, OutOfTime> {
        Evolution::with_coalitions(conflict, start, &[], deadline)
    }

    /// Unilateral improvements and the joint improvements of `coalitions`; polls
    /// `deadline` per state reached.
    pub fn with_coalitions(
        conflict: &Conflict,
        start: StateIndex,
        coalitions: &[Vec<usize>],
        deadline: &dyn Deadline,
    ) -> Result<Evolution, OutOfTime> {
        let ticker = Ticker::new(deadline);
        let dms = conflict.dm_count();
        let mut parent = vec![(UNSEEN, UNSEEN); conflict.state_count()];
        parent[start as usize] = (UNSEEN, start);
        let mut order = vec![start];
        let mut queue = VecDeque::from([start]);
        let mut search = (!coalitions.is_empty()).then(|| CoalitionSearch::new(conflict));
        while let Some(s) = queue.pop_front() {
            ticker.tick()?;
            let mut reach = |code: usize, t: StateIndex| {
                if parent[t as usize].1 == UNSEEN {
                    parent[t as usize] = (code as u32, s);
                    order.push(t);
                    queue.push_back(t);
                }
            };
            for dm in 0..dms {
                for t in conflict.improvements(dm, s) {
                    reach(dm, t);
                }
            }
            if let Some(search) = search.as_mut() {
                // Each state's coalition searches may cover the whole graph.
                deadline.check()?;
                for (c, members) in coalitions.iter().enumerate() {
                    let mut joint = Vec::new();
                    search.for_each_improvement(conflict, members, s, |t| joint.push(t));
                    joint.sort_unstable();
                    for t in joint {
                        reach(dms + c, t);
                    }
                }
            }
        }
        Ok(Evolution {
            start,
            parent,
            order,
            dms,
        })
    }

    /// Reached states, nearest first (the start first).
    pub fn reached(&self) -> &[StateIndex] {
        &self.order
    }

    pub fn is_reached(&self, s: StateIndex) -> bool {
        self.parent[s as usize].1 != UNSEEN
    }

    /// A shortest sequence of improvements from the start to `s`, if reached.
    pub fn path_to(&self, s: StateIndex) -> Option<Vec<Move>> {
        if !self.is_reached(s) {
            return None;
        }
        let mut steps = Vec::new();
        let mut at = s;
        while at != self.start {
            let (code, from) = self.parent[at as usize];
            let code = code as usize;
            let mover = if code < self.dms {
                Mover::Dm(code)
            } else {
                Mover::Coalition(code - self.dms)
            };
            steps.push(Move { mover, to: at });
            at = from;
        }
        steps.reverse();
        Some(steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::NoDeadline;
    use crate::generate::{PreferenceKind, Shape, generate};

    /// Twenty random three-DM models with two options each, compiled, with their seeds.
    fn small_conflicts() -> impl Iterator<Item = (u64, Conflict)> {
        (0..20).filter_map(|seed| {
            let model = generate(&Shape {
                dms: 3,
                options_per_dm: 2,
                rules: 1,
                rule_width: 2,
                irreversible_percent: 30,
                preferences: PreferenceKind::Prioritization { statements: 4 },
                seed,
            });
            Conflict::compile(&model, 1 << 10).ok().map(|c| (seed, c))
        })
    }

    #[test]
    fn paths_are_shortest_sequences_of_improvements() {
        for (_, conflict) in small_conflicts() {
            let evolution = Evolution::from(&conflict, 0, &NoDeadline).unwrap();
            let mut distance = 0;
            for &s in evolution.reached() {
                let path = evolution.path_to(s).unwrap();
                assert!(path.len() >= distance, "nearest first");
                distance = path.len();
                let mut at = 0;
                for step in &path {
                    let Mover::Dm(dm) = step.mover else {
                        panic!("no coalition was given")
                    };
                    assert!(conflict.improvements(dm, at).contains(&step.to));
                    at = step.to;
                }
                assert_eq!(at, s);
            }
            // Whatever is not reached cannot be entered by an improvement from a reached state.
            for &s in evolution.reached() {
                for dm in 0..conflict.dm_count() {
                    assert!(
                        conflict
                            .improvements(dm, s)
                            .iter()
                            .all(|&t| evolution.is_reached(t))
                    );
                }
            }
        }
    }

    #[test]
    fn coalition_moves_are_joint_improvements_and_close_the_reached_set() {
        use crate::coalition::{all_coalitions, coalition_improvements};
        for (seed, conflict) in small_conflicts() {
            let coalitions = all_coalitions(3);
            let alone = Evolution::from(&conflict, 0, &NoDeadline).unwrap();
            let evolution =
                Evolution::with_coalitions(&conflict, 0, &coalitions, &NoDeadline).unwrap();
            for &s in evolution.reached() {
                let mut at = 0;
                for step in evolution.path_to(s).unwrap() {
                    let legal = match step.mover {
                        Mover::Dm(dm) => conflict.improvements(dm, at).contains(&step.to),
                        Mover::Coalition(c) => {
                            coalition_improvements(&conflict, &coalitions[c], at).contains(&step.to)
                        }
                    };
                    assert!(legal, "seed {seed}: step to {}", step.to);
                    at = step.to;
                }
                for members in &coalitions {
                    assert!(
                        coalition_improvements(&conflict, members, s)
                            .iter()
                            .all(|&t| evolution.is_reached(t))
                    );
                }
            }
            // Coalitions only add moves: all that is reached alone is reached with them.
            assert!(alone.reached().iter().all(|&s| evolution.is_reached(s)));
        }
    }
}
