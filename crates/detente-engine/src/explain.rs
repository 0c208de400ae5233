//! Why one state is or is not stable for one DM: each unilateral improvement,
//! and the shortest sanction that deters it, if any. This follows the
//! definitions of GMCR.md §3 directly for a single state, so it also serves as
//! a second, independent check of the whole-graph computation.

use crate::conflict::Conflict;
use crate::deadline::{Deadline, OutOfTime, Ticker};
use crate::space::StateIndex;
use crate::stability::Concept;
use std::collections::{HashMap, VecDeque};

/// One move in a sanction: `dm` moves the conflict to state `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub dm: usize,
    pub to: StateIndex,
}

/// How the other DMs can answer one improvement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sanction {
    /// A legal sequence of moves, one after another, ending no better for the mover than where it started.
    Sequence(Vec<Step>),
    /// Moves made at the same time as the improvement (SIM); `result` is the combined state.
    Simultaneous {
        moves: Vec<Step>,
        result: StateIndex,
    },
    /// SEQ&SIM: a sequence of credible responses and a simultaneous response, both deterring.
    Both {
        sequential: Box<Sanction>,
        simultaneous: Box<Sanction>,
    },
}

impl Sanction {
    /// The state the sanction leaves the conflict in.
    pub fn result(&self) -> StateIndex {
        match self {
            Sanction::Sequence(steps) => steps.last().expect("a sanction has a move").to,
            Sanction::Simultaneous { result, .. } => *result,
            Sanction::Both { sequential, .. } => sequential.result(),
        }
    }
}

/// One unilateral improvement and what, if anything, deters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deterrence {
    pub improvement: StateIndex,
    /// `None`: nothing deters it, so the state is unstable for the DM.
    pub sanction: Option<Sanction>,
}

/// Every improvement of `dm` from `s` (best for `dm` first) with the shortest
/// sanction under `concept`. `s` is stable iff every entry has a sanction.
/// The searches poll `deadline` per state or combination tried.
pub fn explain(
    conflict: &Conflict,
    dm: usize,
    concept: Concept,
    s: StateIndex,
    deadline: &dyn Deadline,
) -> Result<Vec<Deterrence>, OutOfTime> {
    let here = conflict.rank(dm, s);
    let others: Vec<usize> = (0..conflict.dm_count()).filter(|&j| j != dm).collect();
    deadline.check()?;
    let ticker = Ticker::new(deadline);
    let sequence = |s1, improving_only| {
        shortest_sequence(conflict, &others, s1, improving_only, &ticker, |s2| {
            conflict.rank(dm, s2) <= here
        })
    };
    conflict
        .improvements(dm, s)
        .into_iter()
        .map(|s1| {
            let sanction = match concept {
                Concept::Nash => None,
                Concept::Gmr => sequence(s1, false)?,
                Concept::Smr => shortest_sequence(conflict, &others, s1, false, &ticker, |s2| {
                    let mut contained = conflict.rank(dm, s2) <= here;
                    conflict.for_each_move(dm, s2, |s3| contained &= conflict.rank(dm, s3) <= here);
                    contained
                })?,
                Concept::Seq => sequence(s1, true)?,
                Concept::Sim => simultaneous(conflict, dm, &others, s, s1, &ticker)?,
                Concept::SeqSim => {
                    let sequential = sequence(s1, true)?;
                    let at_once = simultaneous(conflict, dm, &others, s, s1, &ticker)?;
                    sequential
                        .zip(at_once)
                        .map(|(sequential, simultaneous)| Sanction::Both {
                            sequential: Box::new(sequential),
                            simultaneous: Box::new(simultaneous),
                        })
                }
            };
            Ok(Deterrence {
                improvement: s1,
                sanction,
            })
        })
        .collect()
}

/// Breadth-first search over (state, last mover) from `start`, so that no DM
/// moves twice in a row; returns the first sequence reaching a state that `sanctions`.
fn shortest_sequence(
    conflict: &Conflict,
    movers: &[usize],
    start: StateIndex,
    improving_only: bool,
    ticker: &Ticker,
    sanctions: impl Fn(StateIndex) -> bool,
) -> Result<Option<Sanction>, OutOfTime> {
    type Node = (StateIndex, usize);
    let mut parent: HashMap<Node, Option<Node>> = HashMap::new();
    let mut queue: VecDeque<Node> = VecDeque::new();
    let expand = |from: StateIndex, last: Option<usize>, out: &mut Vec<Node>| {
        for &j in movers.iter().filter(|&&j| Some(j) != last) {
            let mut visit = |t| out.push((t, j));
            if improving_only {
                conflict.for_each_improvement(j, from, &mut visit);
            } else {
                conflict.for_each_move(j, from, &mut visit);
            }
        }
    };
    let mut next = Vec::new();
    expand(start, None, &mut next);
    for node in next.drain(..) {
        if parent.insert(node, None).is_none() {
            queue.push_back(node);
        }
    }
    while let Some(node) = queue.pop_front() {
        ticker.tick()?;
        if sanctions(node.0) {
            let mut steps = vec![Step {
                dm: node.1,
                to: node.0,
            }];
            let mut at = node;
            while let Some(Some(prev)) = parent.get(&at) {
                steps.push(Step {
                    dm: prev.1,
                    to: prev.0,
                });
                at = *prev;
            }
            steps.reverse();
            return Ok(Some(Sanction::Sequence(steps)));
        }
        expand(node.0, Some(node.1), &mut next);
        for child in next.drain(..) {
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(child) {
                e.insert(Some(node));
                queue.push_back(child);
            }
        }
    }
    Ok(None)
}

/// The first simultaneous response (fewest movers first) that sanctions `s1`.
fn simultaneous(
    conflict: &Conflict,
    dm: usize,
    others: &[usize],
    s: StateIndex,
    s1: StateIndex,
    ticker: &Ticker,
) -> Result<Option<Sanction>, OutOfTime> {
    let space = conflict.space();
    let from = space.pattern(s);
    let here = conflict.rank(dm, s);
    let choices: Vec<Vec<StateIndex>> = others
        .iter()
        .map(|&j| conflict.improvements(j, s))
        .collect();
    let mut best: Option<Sanction> = None;
    let mut best_movers = usize::MAX;
    let mut picked: Vec<Option<StateIndex>> = vec![None; others.len()];
    search_simultaneous(&choices, 0, &mut picked, &mut |picked| {
        let movers = picked.iter().flatten().count();
        // Out of time, the rest of the search is skipped.
        if ticker.tick().is_err() || movers == 0 || movers >= best_movers {
            return;
        }
        let pattern = picked
            .iter()
            .flatten()
            .fold(space.pattern(s1), |p, &t| p ^ (space.pattern(t) ^ from));
        if let Some(s2) = space
            .index_of(pattern)
            .filter(|&s2| conflict.rank(dm, s2) <= here)
        {
            best_movers = movers;
            best = Some(Sanction::Simultaneous {
                moves: others
                    .iter()
                    .zip(picked)
                    .filter_map(|(&j, t)| t.map(|to| Step { dm: j, to }))
                    .collect(),
                result: s2,
            });
        }
    });
    ticker.stopped()?;
    Ok(best)
}

fn search_simultaneous(
    choices: &[Vec<StateIndex>],
    at: usize,
    picked: &mut Vec<Option<StateIndex>>,
    visit: &mut dyn FnMut(&[Option<StateIndex>]),
) {
    if at == choices.len() {
        visit(picked);
        return;
    }
    picked[at] = None;
    search_simultaneous(choices, at + 1, picked, visit);
    for &t in &choices[at] {
        picked[at] = Some(t);
        search_simultaneous(choices, at + 1, picked, visit);
    }
    picked[at] = None;
}
