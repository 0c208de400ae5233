//! Status quo analysis (GMCR.md §4): where the conflict can go from a starting
//! state when decision makers move one at a time, each only to a state it
//! prefers (a unilateral improvement), and by which shortest paths.

use crate::conflict::Conflict;
use crate::explain::Step;
use crate::space::StateIndex;
use std::collections::VecDeque;

/// Marks a state the search has not reached.
const UNSEEN: u32 = u32::MAX;

/// Every state reachable from `start` by unilateral improvements, with a
/// shortest path to each (breadth first: fewest moves).
pub struct Evolution {
    pub start: StateIndex,
    /// `parent[s]`: the move that first reached `s` (its mover and the state it left).
    parent: Vec<(u32, u32)>,
    /// Reached states in order of distance from the start (the start first).
    order: Vec<StateIndex>,
}

impl Evolution {
    pub fn from(conflict: &Conflict, start: StateIndex) -> Evolution {
        let mut parent = vec![(UNSEEN, UNSEEN); conflict.state_count()];
        parent[start as usize] = (UNSEEN, start);
        let mut order = vec![start];
        let mut queue = VecDeque::from([start]);
        while let Some(s) = queue.pop_front() {
            for dm in 0..conflict.dm_count() {
                for t in conflict.improvements(dm, s) {
                    if parent[t as usize].1 == UNSEEN {
                        parent[t as usize] = (dm as u32, s);
                        order.push(t);
                        queue.push_back(t);
                    }
                }
            }
        }
        Evolution {
            start,
            parent,
            order,
        }
    }

    /// Reached states, nearest first (the start first).
    pub fn reached(&self) -> &[StateIndex] {
        &self.order
    }

    pub fn is_reached(&self, s: StateIndex) -> bool {
        self.parent[s as usize].1 != UNSEEN
    }

    /// A shortest sequence of improvements from the start to `s`, if reached.
    pub fn path_to(&self, s: StateIndex) -> Option<Vec<Step>> {
        if !self.is_reached(s) {
            return None;
        }
        let mut steps = Vec::new();
        let mut at = s;
        while at != self.start {
            let (dm, from) = self.parent[at as usize];
            steps.push(Step {
                dm: dm as usize,
                to: at,
            });
            at = from;
        }
        steps.reverse();
        Some(steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{PreferenceKind, Shape, generate};

    #[test]
    fn paths_are_shortest_sequences_of_improvements() {
        for seed in 0..20 {
            let model = generate(&Shape {
                dms: 3,
                options_per_dm: 2,
                rules: 1,
                rule_width: 2,
                irreversible_percent: 30,
                preferences: PreferenceKind::Prioritization { statements: 4 },
                seed,
            });
            let Ok(conflict) = Conflict::compile(&model, 1 << 10) else {
                continue;
            };
            let evolution = Evolution::from(&conflict, 0);
            let mut distance = 0;
            for &s in evolution.reached() {
                let path = evolution.path_to(s).unwrap();
                assert!(path.len() >= distance, "nearest first");
                distance = path.len();
                let mut at = 0;
                for step in &path {
                    assert!(conflict.improvements(step.dm, at).contains(&step.to));
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
}
