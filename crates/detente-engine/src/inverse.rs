//! Inverse analysis (GMCR.md §4): given a target state and a set of DMs whose
//! preferences are unknown ("varied"), the conditions on those preferences under
//! which the target is an equilibrium, stated as required orderings between states,
//! and on request the number of rankings that satisfy them and a random sample.
//!
//! A varied DM's unknown preference is a strict ranking (a permutation) of the
//! feasible states; the other DMs keep the model's preferences. Writing `x ≤_i s`
//! for "i does not rank x above the target s", the stability of s for DM i
//! (GMCR.md §3) is a monotone formula over such facts, one clause per move
//! `s1 ∈ R_i(s)` (an improvement exactly when `s1 ≤_i s` fails):
//!
//! - Nash: `s1 ≤_i s`.
//! - GMR: `s1 ≤_i s`, or `s2 ≤_i s` for some `s2 ∈ R_{N-i}(s1)`.
//! - SMR: `s1 ≤_i s`, or for some `s2 ∈ R_{N-i}(s1)`: `s2 ≤_i s` and `s3 ≤_i s` for every `s3 ∈ R_i(s2)`.
//! - SEQ: `s1 ≤_i s`, or some legal sequence of the others' moves from `s1` to an
//!   `s2 ≤_i s` in which every move is an improvement for its mover ("j ranks u above t"
//!   for j's move t → u). When no other DM is varied these are known, and the
//!   sequences' ends are found by reachability as in the engine; otherwise only simple
//!   legal sequences are listed: with transitive preferences any legal improvement
//!   sequence shortens to one with the same end.
//!
//! Facts about DMs that are not varied are decided on the spot; what remains is a
//! conjunction of requirements, each a disjunction of conjunctions of
//! [`Comparison`]s. They are simplified (absorbed alternatives and implied
//! requirements dropped, single alternatives turned into unconditional orderings)
//! but never weakened or strengthened.

mod count;
mod natural;

pub use count::STEP_LIMIT;
pub use natural::Natural;

use crate::conflict::Conflict;
use crate::deadline::{Deadline, OutOfTime, Ticker};
use crate::generate::SplitMix;
use crate::space::StateIndex;
use crate::stability::Concept;
use std::collections::{BTreeSet, HashSet, VecDeque};

/// `dm` ranks `above` strictly above `below`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Comparison {
    pub dm: usize,
    pub above: StateIndex,
    pub below: StateIndex,
}

/// One move that the target's stability must survive: `dm` can move from the target to
/// `move_to`; at least one alternative (a list of comparisons, all needed) must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub dm: usize,
    pub move_to: StateIndex,
    pub alternatives: Vec<Vec<Comparison>>,
}

/// When the target is an equilibrium under one concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conditions {
    /// Exactly when every `required` comparison holds and every requirement has an
    /// alternative that holds. Both empty: whatever the varied DMs prefer.
    When {
        required: Vec<Comparison>,
        requirements: Vec<Requirement>,
    },
    /// Under no preferences of the varied DMs.
    Never(Obstacle),
}

/// Why no preferences of the varied DMs make the target an equilibrium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Obstacle {
    /// `dm` (not varied) prefers its move to `move_to`, and no response can deter it.
    Undeterred { dm: usize, move_to: StateIndex },
    /// The comparisons required of `dm` go round in a circle through `states`
    /// (each above the next, the last above the first).
    Cycle { dm: usize, states: Vec<StateIndex> },
}

/// What stops an inverse analysis.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InverseError {
    #[error("inverse analysis covers Nash, GMR, SMR and SEQ, not {0}")]
    Concept(&'static str),
    #[error(
        "the conditions for {concept} would list more than {limit} comparisons; vary fewer decision makers or analyse a smaller model"
    )]
    TooLarge { concept: &'static str, limit: usize },
    #[error(
        "counting is limited to {limit} feasible states (the model has {states}): the counts are exact integers with about log10(states!) digits"
    )]
    TooManyStates { states: usize, limit: usize },
    #[error(
        "counting is not supported for these {concept} conditions: they compare states other than the target, so counting walks the orders of the states they mention, and those number more than {limit}"
    )]
    CountUnsupported { concept: &'static str, limit: usize },
    #[error("counting the rankings for {concept} needs more than {limit} search steps")]
    CountTooHard { concept: &'static str, limit: u64 },
    #[error(transparent)]
    OutOfTime(#[from] OutOfTime),
}

impl InverseError {
    /// Why counting or sampling for `concept` stopped.
    fn halted(concept: Concept, halt: count::Halt) -> InverseError {
        match halt {
            count::Halt::TooHard => InverseError::CountTooHard {
                concept: concept.label(),
                limit: STEP_LIMIT,
            },
            count::Halt::OutOfTime => InverseError::OutOfTime(OutOfTime),
        }
    }
}

/// Most comparisons built for one concept's conditions, before simplification.
pub const MAX_COMPARISONS: usize = 5_000_000;

/// Most joint orders of the mentioned states walked to count conditions that compare
/// states other than the target (SEQ with several varied DMs).
pub const MAX_ORDERS: usize = 1_000_000;

/// Most feasible states for counting and sampling.
pub const MAX_COUNT_STATES: usize = 5_000;

/// Most rankings one request may draw at random ([`Inverse::sample`]): each is a full
/// ranking per varied DM, so more would not be read.
pub const MAX_SAMPLES: u16 = 100;

/// The concepts inverse analysis handles.
pub const CONCEPTS: [Concept; 4] = [Concept::Nash, Concept::Gmr, Concept::Smr, Concept::Seq];

/// A fact about the target's stability: decided, or a comparison left open.
enum Fact {
    Known(bool),
    Open(Comparison),
}

/// An inverse question: which preferences of the `varied` DMs make `target` an
/// equilibrium (or, from [`Inverse::stable_for`], stable for one DM).
pub struct Inverse<'a> {
    conflict: &'a Conflict,
    target: StateIndex,
    varied: Vec<bool>,
    /// The DM whose stability alone is asked about; `None`: every DM's (an equilibrium).
    only: Option<usize>,
}

impl<'a> Inverse<'a> {
    pub fn new(conflict: &'a Conflict, target: StateIndex, varied: &[usize]) -> Inverse<'a> {
        let mut flags = vec![false; conflict.dm_count()];
        for &dm in varied {
            flags[dm] = true;
        }
        Inverse {
            conflict,
            target,
            varied: flags,
            only: None,
        }
    }

    /// Which preferences of `dm` make `target` stable for `dm`, the others keeping
    /// theirs: what that one party would have to come to prefer, whatever the
    /// others' stability.
    pub fn stable_for(conflict: &'a Conflict, target: StateIndex, dm: usize) -> Inverse<'a> {
        Inverse {
            only: Some(dm),
            ..Inverse::new(conflict, target, &[dm])
        }
    }

    pub fn target(&self) -> StateIndex {
        self.target
    }

    /// The varied DMs, in model order.
    pub fn varied(&self) -> Vec<usize> {
        (0..self.varied.len()).filter(|&d| self.varied[d]).collect()
    }

    /// "`dm` does not rank `x` above the target."
    fn not_above(&self, dm: usize, x: StateIndex) -> Fact {
        if x == self.target {
            Fact::Known(true)
        } else if self.varied[dm] {
            Fact::Open(Comparison {
                dm,
                above: self.target,
                below: x,
            })
        } else {
            Fact::Known(self.conflict.rank(dm, x) <= self.conflict.rank(dm, self.target))
        }
    }

    /// "`dm` moving from `from` to `to` is an improvement for it."
    fn improves(&self, dm: usize, from: StateIndex, to: StateIndex) -> Fact {
        if self.varied[dm] {
            Fact::Open(Comparison {
                dm,
                above: to,
                below: from,
            })
        } else {
            Fact::Known(self.conflict.rank(dm, to) > self.conflict.rank(dm, from))
        }
    }

    /// The conditions under which the target is a `concept` equilibrium. Polls
    /// `deadline` per state searched and comparison built, and while simplifying.
    pub fn conditions(
        &self,
        concept: Concept,
        deadline: &dyn Deadline,
    ) -> Result<Conditions, InverseError> {
        if !CONCEPTS.contains(&concept) {
            return Err(InverseError::Concept(concept.label()));
        }
        deadline.check()?;
        let mut budget = Budget {
            left: MAX_COMPARISONS,
            concept,
            ticker: Ticker::new(deadline),
        };
        let mut requirements = Vec::new();
        let asked = match self.only {
            Some(dm) => dm..dm + 1,
            None => 0..self.conflict.dm_count(),
        };
        for dm in asked {
            for move_to in self.conflict.moves_from(dm, self.target) {
                let mut alternatives = Alternatives::default();
                alternatives.add([self.not_above(dm, move_to)], &mut budget)?;
                match concept {
                    Concept::Nash => {}
                    Concept::Gmr => {
                        for s2 in self.reachable_by_others(dm, move_to, false, &budget.ticker)? {
                            alternatives.add([self.not_above(dm, s2)], &mut budget)?;
                        }
                    }
                    Concept::Smr => {
                        for s2 in self.reachable_by_others(dm, move_to, false, &budget.ticker)? {
                            let facts = std::iter::once(self.not_above(dm, s2)).chain(
                                self.conflict
                                    .moves_from(dm, s2)
                                    .into_iter()
                                    .map(|s3| self.not_above(dm, s3)),
                            );
                            alternatives.add(facts, &mut budget)?;
                        }
                    }
                    Concept::Seq if self.responses_known(dm) => {
                        for s2 in self.reachable_by_others(dm, move_to, true, &budget.ticker)? {
                            alternatives.add([self.not_above(dm, s2)], &mut budget)?;
                        }
                    }
                    Concept::Seq => {
                        let mut walk = Walk {
                            path: Vec::new(),
                            visited: HashSet::from([move_to]),
                        };
                        self.improving_sequences(
                            dm,
                            move_to,
                            None,
                            &mut walk,
                            &mut alternatives,
                            &mut budget,
                        )?;
                    }
                    Concept::Sim | Concept::SeqSim => unreachable!("refused above"),
                }
                requirements.push(Requirement {
                    dm,
                    move_to,
                    alternatives: alternatives.0,
                });
            }
        }
        Ok(simplify(requirements, &budget.ticker)?)
    }

    /// Whether no DM other than `dm` is varied, so that their improvements are known.
    fn responses_known(&self, dm: usize) -> bool {
        (0..self.varied.len()).all(|j| j == dm || !self.varied[j])
    }

    /// R_{N-dm}(from), or with `improving` R^+_{N-dm}(from) (only for DMs that are not
    /// varied): states reached by one or more moves of the other DMs (graph reachability
    /// equals legal sequences: docs/ALGORITHMS.md, "Legal sequences as reachability").
    fn reachable_by_others(
        &self,
        dm: usize,
        from: StateIndex,
        improving: bool,
        ticker: &Ticker,
    ) -> Result<Vec<StateIndex>, OutOfTime> {
        let mut seen = HashSet::from([from]);
        let mut queue = VecDeque::from([from]);
        let mut reached = Vec::new();
        while let Some(x) = queue.pop_front() {
            ticker.tick()?;
            for j in (0..self.conflict.dm_count()).filter(|&j| j != dm) {
                let floor = self.conflict.rank(j, x);
                self.conflict.for_each_move(j, x, |t| {
                    if (!improving || self.conflict.rank(j, t) > floor) && seen.insert(t) {
                        reached.push(t);
                        queue.push_back(t);
                    }
                });
            }
        }
        Ok(reached)
    }

    /// Adds, for every simple legal sequence of the other DMs' moves from `at` (the
    /// sequence so far in `walk`), the alternative "every move improves for its mover
    /// and `dm` does not rank the end above the target".
    fn improving_sequences(
        &self,
        dm: usize,
        at: StateIndex,
        last_mover: Option<usize>,
        walk: &mut Walk,
        alternatives: &mut Alternatives,
        budget: &mut Budget,
    ) -> Result<(), InverseError> {
        for j in 0..self.conflict.dm_count() {
            if j == dm || Some(j) == last_mover {
                continue;
            }
            for next in self.conflict.moves_from(j, at) {
                if walk.visited.contains(&next) {
                    continue;
                }
                let step = match self.improves(j, at, next) {
                    Fact::Known(false) => continue,
                    Fact::Known(true) => None,
                    Fact::Open(c) => Some(c),
                };
                budget.spend(walk.path.len() + 1)?;
                walk.path.extend(step);
                let end = self.not_above(dm, next);
                // Once an end is sure to deter, longer sequences through it only add
                // conditions: the alternatives they give are absorbed by this one.
                let extend = !matches!(end, Fact::Known(true));
                let facts = walk.path.iter().map(|&c| Fact::Open(c)).chain([end]);
                alternatives.add(facts, budget)?;
                if extend {
                    walk.visited.insert(next);
                    self.improving_sequences(dm, next, Some(j), walk, alternatives, budget)?;
                    walk.visited.remove(&next);
                }
                if step.is_some() {
                    walk.path.pop();
                }
            }
        }
        Ok(())
    }

    /// Counts the rankings of the varied DMs (one strict ranking of the feasible
    /// states each) under which `conditions` hold.
    ///
    /// Supported when every comparison is with the target ("`dm` ranks the target
    /// above x"), which is always so for Nash, GMR and SMR. Then whether a ranking
    /// satisfies the conditions depends only on the set B of states it puts below the
    /// target, and the rankings with a given B among the m mentioned states number
    /// `n! · |B|! · (m-|B|)! / (m+1)!`: so the count sums that over the satisfying
    /// sets B, counted by size (see `count.rs`), and DMs multiply. Polls `deadline`
    /// per search step.
    pub fn count(
        &self,
        concept: Concept,
        conditions: &Conditions,
        deadline: &dyn Deadline,
    ) -> Result<Count, InverseError> {
        deadline.check()?;
        let n = self.conflict.state_count();
        let varied = self.varied();
        let total = (0..varied.len()).fold(Natural::from_u64(1), |acc, _| {
            acc.times(&Natural::factorial(n))
        });
        if matches!(conditions, Conditions::Never(_)) {
            return Ok(Count {
                rankings: Natural::zero(),
                total,
            });
        }
        let forms = match self.forms(concept, conditions) {
            Err(InverseError::CountUnsupported { .. }) => {
                let mentioned = self.mentioned_orders(concept, conditions)?;
                let satisfying = self.satisfying_orders(conditions, &mentioned, deadline)?;
                let rankings =
                    mentioned
                        .iter()
                        .fold(Natural::from_u64(satisfying.len() as u64), |acc, m| {
                            acc.times(
                                &Natural::factorial(n)
                                    .divided_by_factors((2..=m.len()).map(|k| k as u32)),
                            )
                        });
                return Ok(Count { rankings, total });
            }
            other => other?,
        };
        let mut rankings = Natural::from_u64(1);
        for form in forms {
            let sizes = count::by_size(&form.clauses, &form.open, deadline)
                .map_err(|halt| InverseError::halted(concept, halt))?;
            let m = form.mentioned();
            let forced = form.forced.len();
            let sum = sizes
                .iter()
                .enumerate()
                .fold(Natural::zero(), |acc, (j, c)| {
                    acc.add(&c.times(&form.weight(forced + j)))
                });
            let spread =
                ((m + 2)..=n).fold(Natural::from_u64(1), |acc, k| acc.times_small(k as u32));
            rankings = rankings.times(&sum.times(&spread));
        }
        Ok(Count { rankings, total })
    }

    /// Draws `samples` rankings of the varied DMs, uniformly among those satisfying
    /// `conditions` (none if there are none). Each is one rank vector per varied DM
    /// (higher is better, a permutation of `0..states`), in [`Inverse::varied`] order.
    /// Polls `deadline` as [`Inverse::count`] does.
    pub fn sample(
        &self,
        concept: Concept,
        conditions: &Conditions,
        samples: usize,
        seed: u64,
        deadline: &dyn Deadline,
    ) -> Result<Vec<Vec<Vec<u32>>>, InverseError> {
        deadline.check()?;
        if matches!(conditions, Conditions::Never(_)) {
            return Ok(Vec::new());
        }
        let mut rng = SplitMix::new(seed);
        let forms = match self.forms(concept, conditions) {
            Err(InverseError::CountUnsupported { .. }) => {
                let mentioned = self.mentioned_orders(concept, conditions)?;
                let satisfying = self.satisfying_orders(conditions, &mentioned, deadline)?;
                if satisfying.is_empty() {
                    return Ok(Vec::new());
                }
                let n = self.conflict.state_count();
                let orders: Vec<Vec<Vec<u32>>> =
                    mentioned.iter().map(|m| permutations(m.len())).collect();
                let samples = (0..samples).map(|_| {
                    let mut code = satisfying[rng.below(satisfying.len())];
                    mentioned
                        .iter()
                        .zip(&orders)
                        .map(|(m, orders)| {
                            let ranks = &orders[code % orders.len()];
                            code /= orders.len();
                            let mut worst_first = m.clone();
                            worst_first.sort_by_key(|&x| {
                                ranks[m.iter().position(|&y| y == x).expect("listed")]
                            });
                            embed(&worst_first, n, &mut rng)
                        })
                        .collect()
                });
                return Ok(samples.collect());
            }
            other => other?,
        };
        (0..samples)
            .map(|_| {
                forms
                    .iter()
                    .map(|form| {
                        let forced = form.forced.len();
                        let chosen = count::sample(
                            &form.clauses,
                            &form.open,
                            &|j| form.weight(forced + j),
                            &mut rng,
                            deadline,
                        )
                        .map_err(|halt| InverseError::halted(concept, halt))?;
                        Ok(self.ranking_with_below(form, &chosen, &mut rng))
                    })
                    .collect()
            })
            .collect()
    }

    /// Per varied DM, the conditions as clauses over "x is below the target"; refuses
    /// conditions that compare other pairs of states.
    fn forms(
        &self,
        concept: Concept,
        conditions: &Conditions,
    ) -> Result<Vec<BelowTarget>, InverseError> {
        let n = self.conflict.state_count();
        if n > MAX_COUNT_STATES {
            return Err(InverseError::TooManyStates {
                states: n,
                limit: MAX_COUNT_STATES,
            });
        }
        let varied = self.varied();
        let mut forms: Vec<BelowTarget> = varied
            .iter()
            .map(|_| BelowTarget {
                forced: Vec::new(),
                open: Vec::new(),
                clauses: Vec::new(),
                factorials: Vec::new(),
            })
            .collect();
        let slot = |dm: usize| varied.iter().position(|&v| v == dm).expect("varied DM");
        let Conditions::When {
            required,
            requirements,
        } = conditions
        else {
            unreachable!("callers answer `Never` without counting")
        };
        let unsupported = |_: &Comparison| InverseError::CountUnsupported {
            concept: concept.label(),
            limit: MAX_ORDERS,
        };
        for c in required {
            if c.above != self.target {
                return Err(unsupported(c));
            }
            let at = slot(c.dm);
            forms[at].forced.push(c.below);
        }
        for requirement in requirements {
            let comparisons = || requirement.alternatives.iter().flatten();
            if let Some(c) = comparisons().find(|c| c.above != self.target) {
                return Err(unsupported(c));
            }
            let dm = comparisons().next().map_or(requirement.dm, |c| c.dm);
            if let Some(c) = comparisons().find(|c| c.dm != dm) {
                return Err(unsupported(c));
            }
            let at = slot(dm);
            forms[at].clauses.push(
                requirement
                    .alternatives
                    .iter()
                    .map(|a| a.iter().map(|c| c.below).collect())
                    .collect(),
            );
            forms[at].open.extend(comparisons().map(|c| c.below));
        }
        for form in &mut forms {
            form.open.sort_unstable();
            form.open.dedup();
            form.factorials = (0..=form.mentioned()).fold(Vec::new(), |mut table, k| {
                let next = table
                    .last()
                    .map_or(Natural::from_u64(1), |f: &Natural| f.times_small(k as u32));
                table.push(next);
                table
            });
        }
        Ok(forms)
    }

    /// A uniformly random ranking that puts below the target exactly the forced and
    /// chosen states among those the conditions mention: shuffle all states, then
    /// reorder the places the mentioned states and the target took.
    fn ranking_with_below(
        &self,
        form: &BelowTarget,
        chosen: &[u32],
        rng: &mut SplitMix,
    ) -> Vec<u32> {
        let mut below: Vec<u32> = form.forced.iter().chain(chosen).copied().collect();
        let mut above: Vec<u32> = form
            .open
            .iter()
            .copied()
            .filter(|x| !chosen.contains(x))
            .collect();
        shuffle(&mut below, rng);
        shuffle(&mut above, rng);
        let order: Vec<u32> = below
            .into_iter()
            .chain([self.target])
            .chain(above)
            .collect();
        embed(&order, self.conflict.state_count(), rng)
    }

    /// The states each varied DM's comparisons mention, and the number of joint
    /// orders of them; refuses more than [`MAX_ORDERS`].
    fn mentioned_orders(
        &self,
        concept: Concept,
        conditions: &Conditions,
    ) -> Result<Vec<Vec<StateIndex>>, InverseError> {
        let mentioned: Vec<Vec<StateIndex>> = self
            .varied()
            .into_iter()
            .map(|dm| {
                let set: BTreeSet<StateIndex> = conditions
                    .comparisons()
                    .filter(|c| c.dm == dm)
                    .flat_map(|c| [c.above, c.below])
                    .collect();
                set.into_iter().collect()
            })
            .collect();
        let orders = mentioned.iter().try_fold(1usize, |acc, m| {
            (1..=m.len()).try_fold(acc, |a, k| a.checked_mul(k).filter(|&x| x <= MAX_ORDERS))
        });
        if orders.is_none() {
            return Err(InverseError::CountUnsupported {
                concept: concept.label(),
                limit: MAX_ORDERS,
            });
        }
        Ok(mentioned)
    }

    /// The joint orders of the mentioned states (one order per varied DM, as a code)
    /// under which the conditions hold. A ranking satisfies the conditions exactly when
    /// the order it gives the mentioned states does, so this decides every ranking.
    fn satisfying_orders(
        &self,
        conditions: &Conditions,
        mentioned: &[Vec<StateIndex>],
        deadline: &dyn Deadline,
    ) -> Result<Vec<usize>, OutOfTime> {
        let varied = self.varied();
        let orders: Vec<Vec<Vec<u32>>> = mentioned.iter().map(|m| permutations(m.len())).collect();
        let combinations: usize = orders.iter().map(Vec::len).product();
        let mut ranks: Vec<Vec<u32>> = vec![vec![0; self.conflict.state_count()]; varied.len()];
        let slot = |dm: usize| varied.iter().position(|&v| v == dm).expect("varied DM");
        let mut satisfying = Vec::new();
        for code in 0..combinations {
            deadline.check_at(code)?;
            let mut rest = code;
            for (k, per_dm) in orders.iter().enumerate() {
                for (&x, &r) in mentioned[k].iter().zip(&per_dm[rest % per_dm.len()]) {
                    ranks[k][x as usize] = r;
                }
                rest /= per_dm.len();
            }
            if conditions.hold(&|dm, x| ranks[slot(dm)][x as usize]) {
                satisfying.push(code);
            }
        }
        Ok(satisfying)
    }
}

/// Every permutation of `0..n`, as rank vectors.
fn permutations(n: usize) -> Vec<Vec<u32>> {
    (0..n).fold(vec![Vec::new()], |shorter, k| {
        shorter
            .iter()
            .flat_map(|p: &Vec<u32>| {
                (0..=k as u32).map(move |place| {
                    let mut longer: Vec<u32> =
                        p.iter().map(|&r| r + u32::from(r >= place)).collect();
                    longer.push(place);
                    longer
                })
            })
            .collect()
    })
}

/// A uniformly random ranking of `n` states (ranks, higher better) that orders the
/// states of `order` as listed, worst first: shuffle all states, then reassign the
/// places the listed states took.
fn embed(order: &[StateIndex], n: usize, rng: &mut SplitMix) -> Vec<u32> {
    let mut ranks: Vec<u32> = (0..n as u32).collect();
    shuffle(&mut ranks, rng);
    let mut places: Vec<u32> = order.iter().map(|&x| ranks[x as usize]).collect();
    places.sort_unstable();
    for (&x, place) in order.iter().zip(places) {
        ranks[x as usize] = place;
    }
    ranks
}

/// How many rankings satisfy the conditions, out of how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub rankings: Natural,
    /// `(states!)^(varied DMs)`.
    pub total: Natural,
}

/// One varied DM's conditions over "x is below the target".
struct BelowTarget {
    /// States that must be below the target.
    forced: Vec<u32>,
    /// The other states the conditions mention, sorted.
    open: Vec<u32>,
    /// Requirements over `open` (each alternative: all its states below the target).
    clauses: Vec<count::Clause>,
    /// `k!` for `k` up to the number of mentioned states.
    factorials: Vec<Natural>,
}

impl BelowTarget {
    fn mentioned(&self) -> usize {
        self.forced.len() + self.open.len()
    }

    /// `below! · (m - below)!`: proportional to the rankings that put exactly a given
    /// `below` of the m mentioned states below the target.
    fn weight(&self, below: usize) -> Natural {
        self.factorials[below].times(&self.factorials[self.mentioned() - below])
    }
}

fn shuffle(items: &mut [u32], rng: &mut SplitMix) {
    for k in (1..items.len()).rev() {
        items.swap(k, rng.below(k + 1));
    }
}

/// A simple path being walked: its open comparisons and the states on it.
struct Walk {
    path: Vec<Comparison>,
    visited: HashSet<StateIndex>,
}

/// Counts comparisons built, refusing to go past [`MAX_COMPARISONS`], and ticks the
/// deadline's ticker on each spend.
struct Budget<'a> {
    left: usize,
    concept: Concept,
    ticker: Ticker<'a>,
}

impl Budget<'_> {
    fn spend(&mut self, comparisons: usize) -> Result<(), InverseError> {
        self.ticker.tick()?;
        self.left = self
            .left
            .checked_sub(comparisons)
            .ok_or(InverseError::TooLarge {
                concept: self.concept.label(),
                limit: MAX_COMPARISONS,
            })?;
        Ok(())
    }
}

/// The alternatives of one requirement as they are found.
#[derive(Default)]
struct Alternatives(Vec<Vec<Comparison>>);

impl Alternatives {
    /// Adds the conjunction of `facts`, unless one of them is known false.
    fn add(
        &mut self,
        facts: impl IntoIterator<Item = Fact>,
        budget: &mut Budget,
    ) -> Result<(), InverseError> {
        let mut alternative = Vec::new();
        for fact in facts {
            match fact {
                Fact::Known(true) => {}
                Fact::Known(false) => return Ok(()),
                Fact::Open(c) => alternative.push(c),
            }
        }
        budget.spend(alternative.len())?;
        self.0.push(alternative);
        Ok(())
    }
}

/// Is sorted `small` a subset of sorted `large`?
fn is_subset(small: &[Comparison], large: &[Comparison]) -> bool {
    let mut rest = large.iter();
    small.iter().all(|x| rest.any(|y| y == x))
}

/// Sorts each alternative and drops those containing another; `None` if an
/// alternative is empty (the requirement holds whatever the preferences).
fn tidy(mut alternatives: Vec<Vec<Comparison>>) -> Option<Vec<Vec<Comparison>>> {
    for a in &mut alternatives {
        a.sort_unstable();
        a.dedup();
    }
    alternatives.sort_unstable_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    alternatives.dedup();
    let mut kept: Vec<Vec<Comparison>> = Vec::new();
    for a in alternatives {
        if a.is_empty() {
            return None;
        }
        if !kept.iter().any(|k| is_subset(k, &a)) {
            kept.push(a);
        }
    }
    Some(kept)
}

/// Whether requirement `strong` implies `weak`: each of its alternatives contains one of `weak`'s.
fn implies(strong: &Requirement, weak: &Requirement) -> bool {
    strong
        .alternatives
        .iter()
        .all(|a| weak.alternatives.iter().any(|b| is_subset(b, a)))
}

/// Turns the raw requirements into [`Conditions`] without changing their meaning.
/// Its passes compare requirements pairwise, so it ticks `ticker` per requirement
/// and per pair.
fn simplify(raw: Vec<Requirement>, ticker: &Ticker) -> Result<Conditions, OutOfTime> {
    let mut required: BTreeSet<Comparison> = BTreeSet::new();
    let mut requirements = raw;
    loop {
        let mut open = Vec::new();
        let mut new_required = false;
        for mut r in requirements {
            ticker.tick()?;
            let alternatives = r
                .alternatives
                .into_iter()
                .map(|a| a.into_iter().filter(|c| !required.contains(c)).collect())
                .collect();
            let Some(alternatives) = tidy(alternatives) else {
                continue;
            };
            match alternatives.as_slice() {
                [] => {
                    return Ok(Conditions::Never(Obstacle::Undeterred {
                        dm: r.dm,
                        move_to: r.move_to,
                    }));
                }
                [only] => {
                    required.extend(only.iter().copied());
                    new_required = true;
                }
                _ => {
                    r.alternatives = alternatives;
                    open.push(r);
                }
            }
        }
        requirements = open;
        if !new_required {
            break;
        }
    }
    // Drop requirements another one implies (of two equal ones, the later).
    let mut kept: Vec<Requirement> = Vec::new();
    for (k, r) in requirements.iter().enumerate() {
        let mut implied = false;
        for (j, other) in requirements.iter().enumerate() {
            ticker.tick()?;
            if j != k && implies(other, r) && (j < k || !implies(r, other)) {
                implied = true;
                break;
            }
        }
        if !implied {
            kept.push(r.clone());
        }
    }
    let required: Vec<Comparison> = required.into_iter().collect();
    if let Some(obstacle) = cycle(&required) {
        return Ok(Conditions::Never(obstacle));
    }
    Ok(Conditions::When {
        required,
        requirements: kept,
    })
}

/// A circle among the required comparisons of one DM, if there is one.
fn cycle(required: &[Comparison]) -> Option<Obstacle> {
    let dms: BTreeSet<usize> = required.iter().map(|c| c.dm).collect();
    for dm in dms {
        let edges: Vec<(StateIndex, StateIndex)> = required
            .iter()
            .filter(|c| c.dm == dm)
            .map(|c| (c.above, c.below))
            .collect();
        let nodes: BTreeSet<StateIndex> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
        // Depth-first search with colours; a grey successor closes a cycle.
        let mut state: std::collections::BTreeMap<StateIndex, u8> =
            nodes.iter().map(|&x| (x, 0)).collect();
        fn visit(
            x: StateIndex,
            edges: &[(StateIndex, StateIndex)],
            state: &mut std::collections::BTreeMap<StateIndex, u8>,
            path: &mut Vec<StateIndex>,
        ) -> Option<Vec<StateIndex>> {
            state.insert(x, 1);
            path.push(x);
            for &(_, y) in edges.iter().filter(|&&(a, _)| a == x) {
                match state[&y] {
                    1 => {
                        let start = path.iter().position(|&p| p == y).expect("on path");
                        return Some(path[start..].to_vec());
                    }
                    0 => {
                        if let Some(found) = visit(y, edges, state, path) {
                            return Some(found);
                        }
                    }
                    _ => {}
                }
            }
            path.pop();
            state.insert(x, 2);
            None
        }
        for &x in &nodes {
            if state[&x] == 0
                && let Some(states) = visit(x, &edges, &mut state, &mut Vec::new())
            {
                return Some(Obstacle::Cycle { dm, states });
            }
        }
    }
    None
}

impl Conditions {
    /// Whether the conditions hold for given preferences of the varied DMs:
    /// `rank(dm, state)`, higher is better.
    pub fn hold(&self, rank: &dyn Fn(usize, StateIndex) -> u32) -> bool {
        let Conditions::When {
            required,
            requirements,
        } = self
        else {
            return false;
        };
        let holds = |c: &Comparison| rank(c.dm, c.above) > rank(c.dm, c.below);
        required.iter().all(holds)
            && requirements
                .iter()
                .all(|r| r.alternatives.iter().any(|a| a.iter().all(holds)))
    }

    /// Every comparison the conditions make.
    fn comparisons(&self) -> Box<dyn Iterator<Item = &Comparison> + '_> {
        match self {
            Conditions::When {
                required,
                requirements,
            } => Box::new(
                required.iter().chain(
                    requirements
                        .iter()
                        .flat_map(|r| r.alternatives.iter().flatten()),
                ),
            ),
            Conditions::Never(_) => Box::new(std::iter::empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::NoDeadline;

    /// `simplify` with no deadline.
    fn simplified(raw: Vec<Requirement>) -> Conditions {
        simplify(raw, &Ticker::new(&NoDeadline)).unwrap()
    }

    fn c(dm: usize, above: StateIndex, below: StateIndex) -> Comparison {
        Comparison { dm, above, below }
    }

    fn requirement(move_to: StateIndex, alternatives: Vec<Vec<Comparison>>) -> Requirement {
        Requirement {
            dm: 0,
            move_to,
            alternatives,
        }
    }

    #[test]
    fn single_alternatives_become_required_and_absorb_the_rest() {
        let conditions = simplified(vec![
            requirement(1, vec![vec![c(0, 9, 1)]]),
            // Holds once 9 > 1 does: dropped.
            requirement(2, vec![vec![c(0, 9, 2)], vec![c(0, 9, 1)]]),
            // The longer alternative contains the shorter one: absorbed.
            requirement(
                3,
                vec![
                    vec![c(0, 9, 3)],
                    vec![c(0, 9, 3), c(0, 9, 4)],
                    vec![c(0, 9, 5)],
                ],
            ),
            // Implied by the requirement above it, so dropped.
            requirement(
                4,
                vec![vec![c(0, 9, 3)], vec![c(0, 9, 5)], vec![c(0, 9, 6)]],
            ),
        ]);
        assert_eq!(
            conditions,
            Conditions::When {
                required: vec![c(0, 9, 1)],
                requirements: vec![requirement(3, vec![vec![c(0, 9, 3)], vec![c(0, 9, 5)]])],
            }
        );
    }

    #[test]
    fn impossible_conditions_are_reported() {
        assert_eq!(
            simplified(vec![requirement(7, vec![])]),
            Conditions::Never(Obstacle::Undeterred { dm: 0, move_to: 7 })
        );
        let circle = simplified(vec![
            requirement(1, vec![vec![c(0, 1, 2)]]),
            requirement(2, vec![vec![c(0, 2, 3), c(0, 3, 1)]]),
        ]);
        assert!(matches!(
            circle,
            Conditions::Never(Obstacle::Cycle { dm: 0, ref states }) if states.len() == 3
        ));
    }
}
