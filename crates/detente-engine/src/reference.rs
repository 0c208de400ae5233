//! A plain implementation of GMCR.md §1-3 that follows each definition
//! literally, with no shortcut: every feasible state is found by testing all
//! 2^n patterns, moves by comparing states pairwise, legal sequences by a
//! search over (state, last mover) pairs. It is quadratic or worse and exists
//! as the test oracle for the fast engine; use it only on small models.

use crate::model::{Direction, Model, Preferences};
use crate::stability::Concept;
use std::collections::BTreeSet;

/// A small model unfolded: states, who owns which option, and scores.
pub struct Reference {
    /// Feasible patterns, ascending.
    pub states: Vec<u64>,
    owner: Vec<usize>,
    direction: Vec<Direction>,
    /// `score[dm][state]`, higher preferred.
    pub score: Vec<Vec<i64>>,
    /// `perceives[dm][state]`: no misperception condition of the DM holds there.
    perceives: Vec<Vec<bool>>,
    dms: usize,
}

impl Reference {
    /// Unfolds `model`; `None` if its rankings are not a partition of the states.
    pub fn new(model: &Model) -> Option<Reference> {
        let n = model.option_count();
        assert!(n <= 16, "the reference implementation is for small models");
        let owner: Vec<usize> = model.options().map(|(d, _)| d).collect();
        let direction = model.options().map(|(_, o)| o.direction).collect();
        let states: Vec<u64> = (0..1u64 << n)
            .filter(|&s| model.rules.iter().all(|r| r.condition.eval(s)))
            .collect();
        let mut score = Vec::new();
        for dm in &model.decision_makers {
            let scores = match &dm.preferences {
                Preferences::Prioritization(st) => states
                    .iter()
                    .map(|&s| {
                        st.iter()
                            .enumerate()
                            .filter(|(_, x)| x.expr.eval(s))
                            .map(|(j, _)| 1i64 << (st.len() - 1 - j))
                            .sum()
                    })
                    .collect(),
                Preferences::Ranking { tiers, .. } => {
                    let mut v = Vec::new();
                    for &s in &states {
                        let hits: Vec<usize> = tiers
                            .iter()
                            .enumerate()
                            .flat_map(|(t, tier)| {
                                tier.items.iter().filter(move |e| e.eval(s)).map(move |_| t)
                            })
                            .collect();
                        if hits.len() != 1 {
                            return None;
                        }
                        v.push(-(hits[0] as i64));
                    }
                    v
                }
            };
            score.push(scores);
        }
        let perceives = model
            .decision_makers
            .iter()
            .map(|dm| {
                states
                    .iter()
                    .map(|&s| !dm.misperceived.iter().any(|e| e.eval(s)))
                    .collect()
            })
            .collect();
        Some(Reference {
            perceives,
            states,
            owner,
            direction,
            score,
            dms: model.decision_makers.len(),
        })
    }

    /// R_i(s): feasible t != s differing only in i's options, each change
    /// permitted, both perceived by i.
    pub fn moves(&self, i: usize, s: usize) -> Vec<usize> {
        let from = self.states[s];
        (0..self.states.len())
            .filter(|&t| {
                let diff = from ^ self.states[t];
                t != s
                    && self.perceives[i][s]
                    && self.perceives[i][t]
                    && (0..self.owner.len()).all(|k| {
                        if diff >> k & 1 == 0 {
                            return true;
                        }
                        let was_yes = from >> k & 1 == 1;
                        self.owner[k] == i
                            && match self.direction[k] {
                                Direction::Both => true,
                                Direction::Forward => !was_yes,
                                Direction::Backward => was_yes,
                            }
                    })
            })
            .collect()
    }

    pub fn improvements(&self, i: usize, s: usize) -> Vec<usize> {
        self.moves(i, s)
            .into_iter()
            .filter(|&t| self.score[i][t] > self.score[i][s])
            .collect()
    }

    /// R_H(s) or R_H^+(s): states reached by legal sequences of one or more moves by members of H.
    pub fn reachable(&self, h: &[usize], s: usize, improving: bool) -> BTreeSet<usize> {
        let step = |j: usize, x: usize| {
            if improving {
                self.improvements(j, x)
            } else {
                self.moves(j, x)
            }
        };
        let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut frontier: Vec<(usize, usize)> = Vec::new();
        for &j in h {
            for t in step(j, s) {
                if seen.insert((t, j)) {
                    frontier.push((t, j));
                }
            }
        }
        while let Some((x, last)) = frontier.pop() {
            for &j in h.iter().filter(|&&j| j != last) {
                for t in step(j, x) {
                    if seen.insert((t, j)) {
                        frontier.push((t, j));
                    }
                }
            }
        }
        seen.into_iter().map(|(t, _)| t).collect()
    }

    fn others(&self, i: usize) -> Vec<usize> {
        (0..self.dms).filter(|&j| j != i).collect()
    }

    /// Whether state `s` is stable for DM `i` under `concept`, straight from GMCR.md §3.
    pub fn is_stable(&self, concept: Concept, i: usize, s: usize) -> bool {
        let p = &self.score[i];
        let h = self.others(i);
        let improvements = self.improvements(i, s);
        match concept {
            Concept::Nash => improvements.is_empty(),
            Concept::Gmr => improvements.iter().all(|&s1| {
                self.reachable(&h, s1, false)
                    .iter()
                    .any(|&s2| p[s2] <= p[s])
            }),
            Concept::Smr => improvements.iter().all(|&s1| {
                self.reachable(&h, s1, false)
                    .iter()
                    .any(|&s2| p[s2] <= p[s] && self.moves(i, s2).iter().all(|&s3| p[s3] <= p[s]))
            }),
            Concept::Seq => improvements
                .iter()
                .all(|&s1| self.reachable(&h, s1, true).iter().any(|&s2| p[s2] <= p[s])),
            Concept::SeqSim => {
                self.is_stable(Concept::Seq, i, s) && self.is_stable(Concept::Sim, i, s)
            }
            Concept::Sim => improvements
                .iter()
                .all(|&s1| self.simultaneous_sanction(i, &h, s, s1)),
        }
    }

    /// Whether `s` is coalitionally stable for `i` under `concept` (Nash, GMR,
    /// SMR or SEQ): for `i` alone and every coalition of `coalitions` containing
    /// `i`, every coalition improvement is met by a legal sequence of the
    /// outsiders' moves (SEQ: improvements) to a state `i` does not prefer to
    /// `s` (SMR: from which no legal sequence of the coalition's moves takes
    /// `i` above `s`).
    pub fn is_coalition_stable(
        &self,
        concept: Concept,
        coalitions: &[Vec<usize>],
        i: usize,
        s: usize,
    ) -> bool {
        let p = &self.score[i];
        let alone = vec![i];
        std::iter::once(&alone)
            .chain(coalitions.iter().filter(|h| h.contains(&i)))
            .all(|h| {
                let outsiders: Vec<usize> = (0..self.dms).filter(|d| !h.contains(d)).collect();
                let joint = self
                    .reachable(h, s, false)
                    .into_iter()
                    .filter(|&t| h.iter().all(|&m| self.score[m][t] > self.score[m][s]));
                joint.into_iter().all(|s1| {
                    let sanctions = |improving: bool| self.reachable(&outsiders, s1, improving);
                    match concept {
                        Concept::Nash => false,
                        Concept::Gmr => sanctions(false).iter().any(|&s2| p[s2] <= p[s]),
                        Concept::Smr => sanctions(false).iter().any(|&s2| {
                            p[s2] <= p[s]
                                && self.reachable(h, s2, false).iter().all(|&s3| p[s3] <= p[s])
                        }),
                        Concept::Seq => sanctions(true).iter().any(|&s2| p[s2] <= p[s]),
                        Concept::Sim | Concept::SeqSim => {
                            panic!("SIM has no coalitional form")
                        }
                    }
                })
            })
    }

    fn simultaneous_sanction(&self, i: usize, h: &[usize], s: usize, s1: usize) -> bool {
        let from = self.states[s];
        // Each responder: stay (flip 0) or one of its improvements from s.
        let choices: Vec<Vec<u64>> = h
            .iter()
            .map(|&j| {
                std::iter::once(0)
                    .chain(
                        self.improvements(j, s)
                            .into_iter()
                            .map(|t| self.states[t] ^ from),
                    )
                    .collect()
            })
            .collect();
        let total: usize = choices.iter().map(Vec::len).product();
        (0..total).any(|mut code| {
            let mut pattern = self.states[s1];
            let mut moved = false;
            for c in &choices {
                let flip = c[code % c.len()];
                code /= c.len();
                moved |= flip != 0;
                pattern ^= flip;
            }
            moved
                && self
                    .states
                    .binary_search(&pattern)
                    .is_ok_and(|s2| self.score[i][s2] <= self.score[i][s])
        })
    }
}
