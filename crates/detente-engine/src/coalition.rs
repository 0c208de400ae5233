//! Coalition improvements (GMCR.md §4; Kilgour, Hipel, Fang & Peng 2001): the
//! states a group of DMs can reach from s by a legal sequence of its members'
//! moves and that every member strictly prefers to s. An equilibrium with a
//! coalition improvement can be upset by that group acting together.

use crate::conflict::Conflict;
use crate::space::StateIndex;
use std::collections::VecDeque;

/// The coalition improvements of `members` from `s`, ascending.
///
/// By the composition lemma (ARCHITECTURE.md) the states reachable by legal
/// sequences of the members' moves are those reachable in the graph of all
/// their moves, apart from `s` itself, which no member strictly prefers to
/// itself; so a plain breadth-first search suffices.
pub fn coalition_improvements(
    conflict: &Conflict,
    members: &[usize],
    s: StateIndex,
) -> Vec<StateIndex> {
    let mut seen = vec![false; conflict.state_count()];
    seen[s as usize] = true;
    let mut queue = VecDeque::from([s]);
    let mut better = Vec::new();
    while let Some(x) = queue.pop_front() {
        for &j in members {
            conflict.for_each_move(j, x, |t| {
                if !seen[t as usize] {
                    seen[t as usize] = true;
                    queue.push_back(t);
                    if members
                        .iter()
                        .all(|&m| conflict.rank(m, t) > conflict.rank(m, s))
                    {
                        better.push(t);
                    }
                }
            });
        }
    }
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
