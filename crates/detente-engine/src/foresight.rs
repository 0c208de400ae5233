//! Limited-move stability L_h and non-myopic stability (GMCR.md §4; Kilgour
//! 1985; Fang, Hipel & Kilgour 1993): a DM judges a state by the outcome it
//! anticipates when it moves and the others respond, each looking ahead over
//! the moves left, h moves in all. docs/FORESIGHT.md states the definition,
//! including the one detente uses for three or more DMs, and the tie rule.
//!
//! Notation: `turn_h(j, s)` is the outcome anticipated when DM j has the turn
//! at s with h moves of foresight left (j moves or stays); `response_h(k, t)`
//! is the outcome when, k having just moved to t, the other DMs may respond
//! with h moves left. State s is L_h-stable for DM i iff `turn_h(i, s) = s`.
//!
//! The tables `turn_h` are computed bottom-up, one horizon from the previous,
//! for every mover and state: O(h · (moves + DMs² · states)) per focal DM.
//! A level depends only on the level below, so once a level repeats an
//! earlier one the sequence is periodic from there on: every larger horizon is
//! answered from the cycle, and non-myopic stability (stable for every large
//! enough horizon) is read off it.

pub mod reference;

use crate::conflict::Conflict;
use crate::deadline::{Deadline, OutOfTime};
use crate::space::StateIndex;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use thiserror::Error;

/// Most anticipation cells kept over all focal DMs (levels × DMs² × states,
/// four bytes each): 256 MiB.
pub const MAX_FORESIGHT_CELLS: usize = 1 << 26;

/// Largest horizon the CLI and the workbench ask for: beyond it a line of play is too
/// long to read, and non-myopic stability answers for every larger horizon anyway.
pub const MAX_HORIZON: u32 = 10_000;

/// How indifference is resolved, seen from the focal DM (the DM whose stability
/// is judged): when a mover has several best moves, or several DMs want to
/// respond, the focal DM expects the one worst for itself (cautious) or best
/// for itself (hopeful).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outlook {
    Cautious,
    Hopeful,
}

impl Outlook {
    pub fn key(self) -> &'static str {
        match self {
            Outlook::Cautious => "cautious",
            Outlook::Hopeful => "hopeful",
        }
    }

    pub fn other(self) -> Outlook {
        match self {
            Outlook::Cautious => Outlook::Hopeful,
            Outlook::Hopeful => Outlook::Cautious,
        }
    }

    /// The focal DM's rank of an outcome, turned so that larger is what this
    /// outlook picks.
    fn toward(self, focal_rank: u32) -> u32 {
        match self {
            Outlook::Cautious => u32::MAX - focal_rank,
            Outlook::Hopeful => focal_rank,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ForesightError {
    #[error(
        "the anticipations did not settle within {levels} moves of foresight, and horizon {horizon} would need more than the foresight limit of {limit} table cells (horizons × DMs² × states); ask for a horizon of at most {}",
        .levels - 1
    )]
    TooLarge {
        horizon: u32,
        levels: usize,
        limit: usize,
    },
    /// Not even one level beyond the identity fits: no horizon can be answered.
    #[error(
        "even horizon 1 (Nash stability) would need more than the foresight limit of {limit} table cells (horizons × DMs² × states) for this model; analyse a smaller model"
    )]
    NoHorizonFits { limit: usize },
    #[error(transparent)]
    OutOfTime(#[from] OutOfTime),
}

/// Where the anticipation tables start repeating: the table of horizon
/// `start + period` equals that of `start`, so horizons h ≥ start behave like
/// `start + (h - start) mod period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cycle {
    pub start: u32,
    pub period: u32,
}

/// Non-myopic verdict of one state for one DM: its L_h verdict for every
/// horizon beyond the start of the cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonMyopic {
    Stable,
    Unstable,
    /// Stable for some large horizons and not for others: L_h has no limit.
    Oscillating,
}

/// One move on an anticipated path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub mover: usize,
    pub from: StateIndex,
    pub to: StateIndex,
}

/// The anticipation tables of one focal DM.
#[derive(Debug)]
struct Tables {
    /// `levels[h][j * states + s]` = turn_h(j, s); level 0 is the identity.
    levels: Vec<Vec<StateIndex>>,
    cycle: Option<Cycle>,
}

impl Tables {
    /// The stored level equal to horizon `h`; `None` if h is beyond what was
    /// computed and the tables have not settled.
    fn level(&self, h: u32) -> Option<&[StateIndex]> {
        let h = h as usize;
        let index = match self.cycle {
            _ if h < self.levels.len() => h,
            Some(Cycle { start, period }) => {
                start as usize + (h - start as usize) % period as usize
            }
            None => return None,
        };
        Some(&self.levels[index])
    }
}

/// Limited-move and non-myopic stability of every state for every DM.
#[derive(Debug)]
pub struct Foresight {
    horizon: u32,
    outlook: Outlook,
    states: usize,
    /// One per focal DM.
    tables: Vec<Tables>,
}

impl Foresight {
    /// Computes the anticipations of every DM up to `horizon` and, when they
    /// settle within [`MAX_FORESIGHT_CELLS`], beyond (non-myopic stability).
    /// Every level's computation polls `deadline`.
    pub fn run(
        conflict: &Conflict,
        horizon: u32,
        outlook: Outlook,
        deadline: &dyn Deadline,
    ) -> Result<Foresight, ForesightError> {
        Foresight::run_within(conflict, horizon, outlook, MAX_FORESIGHT_CELLS, deadline)
    }

    fn run_within(
        conflict: &Conflict,
        horizon: u32,
        outlook: Outlook,
        max_cells: usize,
        deadline: &dyn Deadline,
    ) -> Result<Foresight, ForesightError> {
        deadline.check()?;
        let dms = conflict.dm_count();
        let states = conflict.state_count();
        let level_cells = dms * states;
        // Level 0, the identity, answers no horizon: at least one more must fit.
        let max_levels = max_cells / (dms * level_cells);
        if max_levels < 2 {
            return Err(ForesightError::NoHorizonFits { limit: max_cells });
        }
        let tables: Vec<Tables> = (0..dms)
            .map(|focal| {
                Anticipator {
                    conflict,
                    focal,
                    outlook,
                }
                .tables(max_levels, deadline)
            })
            .collect::<Result<_, _>>()?;
        if let Some(short) = tables.iter().find(|t| t.level(horizon).is_none()) {
            return Err(ForesightError::TooLarge {
                horizon,
                levels: short.levels.len(),
                limit: max_cells,
            });
        }
        Ok(Foresight {
            horizon,
            outlook,
            states,
            tables,
        })
    }

    pub fn horizon(&self) -> u32 {
        self.horizon
    }

    pub fn outlook(&self) -> Outlook {
        self.outlook
    }

    pub fn dm_count(&self) -> usize {
        self.tables.len()
    }

    pub fn state_count(&self) -> usize {
        self.states
    }

    fn level(&self, h: u32, dm: usize) -> &[StateIndex] {
        assert!(h <= self.horizon, "horizon {h} beyond the one computed");
        self.tables[dm].level(h).expect("run checked the horizon")
    }

    /// The outcome DM `dm` anticipates when it moves first from `s` looking
    /// `h` moves ahead (h at most the horizon given to [`Foresight::run`]).
    pub fn outcome_at(&self, h: u32, dm: usize, s: StateIndex) -> StateIndex {
        self.level(h, dm)[dm * self.states + s as usize]
    }

    /// Whether `s` is L_h-stable for `dm` (h at most the horizon computed).
    pub fn is_stable_at(&self, h: u32, dm: usize, s: StateIndex) -> bool {
        self.outcome_at(h, dm, s) == s
    }

    /// Whether `s` is stable for `dm` at the horizon given to [`Foresight::run`].
    pub fn is_stable(&self, dm: usize, s: StateIndex) -> bool {
        self.is_stable_at(self.horizon, dm, s)
    }

    /// Where `dm`'s anticipations start repeating; `None` if they did not
    /// within the foresight limit, and non-myopic stability is unknown.
    pub fn cycle(&self, dm: usize) -> Option<Cycle> {
        self.tables[dm].cycle
    }

    /// Non-myopic stability: the L_h verdict for every horizon from the start
    /// of `dm`'s cycle on; `None` if the anticipations did not settle.
    pub fn non_myopic(&self, dm: usize, s: StateIndex) -> Option<NonMyopic> {
        let tables = &self.tables[dm];
        let Cycle { start, period } = tables.cycle?;
        let cell = dm * self.states + s as usize;
        let stable = (start..start + period)
            .filter(|&h| tables.levels[h as usize][cell] == s)
            .count() as u32;
        Some(match stable {
            0 => NonMyopic::Unstable,
            n if n == period => NonMyopic::Stable,
            _ => NonMyopic::Oscillating,
        })
    }

    /// The line of play behind `dm`'s L_h verdict at `s`, horizon `h`: its
    /// best move (made even if not worth making), then the responses it
    /// anticipates, each mover looking ahead over the moves left. `s` is
    /// L_h-stable iff the line is empty (h = 0 or no move at all) or ends at a
    /// state `dm` does not prefer to `s`; otherwise it ends at
    /// `outcome_at(h, dm, s)`.
    pub fn line_of_play(&self, conflict: &Conflict, h: u32, dm: usize, s: StateIndex) -> Vec<Step> {
        let anticipator = Anticipator {
            conflict,
            focal: dm,
            outlook: self.outlook,
        };
        let (mut left, mut mover, mut at) = (h, dm, s);
        let mut line = Vec::new();
        while left > 0 {
            let below = self.level(left - 1, dm);
            let after = |t| anticipator.after(below, mover, t);
            let chosen = if line.is_empty() {
                anticipator.best_move(mover, at, after)
            } else {
                anticipator.turn(mover, at, after)
            };
            let Some((to, _)) = chosen else {
                break;
            };
            line.push(Step {
                mover,
                from: at,
                to,
            });
            let Some((next, _)) = anticipator.response(below, mover, to) else {
                break;
            };
            (left, mover, at) = (left - 1, next, to);
        }
        line
    }
}

/// Backward induction for one focal DM, whose outlook breaks ties.
struct Anticipator<'a> {
    conflict: &'a Conflict,
    focal: usize,
    outlook: Outlook,
}

impl Anticipator<'_> {
    /// The move DM `j` makes at `s` and the outcome it anticipates, where
    /// `after(t)` is the outcome once j has moved to t and the others have
    /// answered; `None` if no move is strictly better for j than staying.
    fn turn(
        &self,
        j: usize,
        s: StateIndex,
        after: impl Fn(StateIndex) -> StateIndex,
    ) -> Option<(StateIndex, StateIndex)> {
        self.best_move(j, s, after)
            .filter(|&(_, outcome)| self.conflict.rank(j, outcome) > self.conflict.rank(j, s))
    }

    /// j's best move at `s`, worth making or not, and its anticipated outcome:
    /// the outcome j likes best; among those the outlook picks by the focal
    /// DM's rank, then the lowest outcome, then the lowest move.
    fn best_move(
        &self,
        j: usize,
        s: StateIndex,
        after: impl Fn(StateIndex) -> StateIndex,
    ) -> Option<(StateIndex, StateIndex)> {
        let mut best: Option<(Choice, StateIndex, StateIndex)> = None;
        self.conflict.for_each_move(j, s, |t| {
            let outcome = after(t);
            let choice = self.choice(self.conflict.rank(j, outcome), outcome, t);
            if best.is_none_or(|(b, ..)| choice > b) {
                best = Some((choice, t, outcome));
            }
        });
        best.map(|(_, t, outcome)| (t, outcome))
    }

    /// The outcome once `k` has moved to `t` and the others have answered.
    fn after(&self, below: &[StateIndex], k: usize, t: StateIndex) -> StateIndex {
        self.response(below, k, t).map_or(t, |(_, outcome)| outcome)
    }

    /// Who responds after `k` moved to `t`, and the outcome: among the other
    /// DMs that would move at `t`, the outlook picks by the focal DM's rank of
    /// their outcomes, then the lowest outcome, then the lowest DM. `None` if
    /// none would move.
    fn response(
        &self,
        below: &[StateIndex],
        k: usize,
        t: StateIndex,
    ) -> Option<(usize, StateIndex)> {
        let states = self.conflict.state_count();
        (0..self.conflict.dm_count())
            .filter(|&j| j != k)
            .map(|j| (j, below[j * states + t as usize]))
            .filter(|&(_, outcome)| outcome != t)
            .max_by_key(|&(j, outcome)| self.choice(0, outcome, j as StateIndex))
    }

    /// Orders candidates: the chooser's value first, then the outlook on the
    /// focal DM's rank, then the lowest outcome, then the lowest candidate.
    fn choice(&self, value: u32, outcome: StateIndex, candidate: StateIndex) -> Choice {
        (
            value,
            self.outlook.toward(self.conflict.rank(self.focal, outcome)),
            Reverse(outcome),
            Reverse(candidate),
        )
    }

    /// Levels 0, 1, ... until one repeats an earlier level or `max_levels` are kept.
    fn tables(&self, max_levels: usize, deadline: &dyn Deadline) -> Result<Tables, OutOfTime> {
        let states = self.conflict.state_count();
        let cells = self.conflict.dm_count() * states;
        let identity: Vec<StateIndex> = (0..cells).map(|x| (x % states) as StateIndex).collect();
        let mut seen: HashMap<u64, Vec<usize>> = HashMap::from([(fingerprint(&identity), vec![0])]);
        let mut levels = vec![identity];
        while levels.len() < max_levels {
            let below = levels.last().expect("level 0 exists");
            // Every answer once, read by every move into its state.
            let after: Vec<StateIndex> = (0..cells)
                .into_par_iter()
                .map(|x| {
                    deadline.check_at(x)?;
                    Ok(self.after(below, x / states, (x % states) as StateIndex))
                })
                .collect::<Result<_, _>>()?;
            let next: Vec<StateIndex> = (0..cells)
                .into_par_iter()
                .map(|x| {
                    deadline.check_at(x)?;
                    let (j, s) = (x / states, (x % states) as StateIndex);
                    let row = &after[j * states..(j + 1) * states];
                    Ok(self
                        .turn(j, s, |t| row[t as usize])
                        .map_or(s, |(_, outcome)| outcome))
                })
                .collect::<Result<_, _>>()?;
            let earlier = seen.entry(fingerprint(&next)).or_default();
            if let Some(&start) = earlier.iter().find(|&&h| levels[h] == next) {
                let period = (levels.len() - start) as u32;
                return Ok(Tables {
                    levels,
                    cycle: Some(Cycle {
                        start: start as u32,
                        period,
                    }),
                });
            }
            earlier.push(levels.len());
            levels.push(next);
        }
        Ok(Tables {
            levels,
            cycle: None,
        })
    }
}

/// (value to the chooser, outlook on the focal DM's rank, lowest outcome, lowest candidate).
type Choice = (u32, u32, Reverse<StateIndex>, Reverse<StateIndex>);

fn fingerprint(level: &[StateIndex]) -> u64 {
    let mut hasher = DefaultHasher::new();
    level.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Model;
    use crate::deadline::NoDeadline;
    use crate::generate::{PreferenceKind, Shape, generate};

    /// A small random model: three DMs with two options each.
    pub(crate) fn model(seed: u64) -> Model {
        generate(&Shape {
            dms: 3,
            options_per_dm: 2,
            rules: 0,
            rule_width: 2,
            irreversible_percent: 0,
            preferences: PreferenceKind::Prioritization { statements: 4 },
            seed,
        })
    }

    pub(crate) fn conflict(seed: u64) -> Conflict {
        Conflict::compile(&model(seed), 1 << 10).unwrap()
    }

    #[test]
    fn a_horizon_beyond_the_limit_is_refused_unless_the_tables_settle() {
        let c = conflict(7);
        let level = c.dm_count() * c.dm_count() * c.state_count();
        let settled = Foresight::run(&c, 1, Outlook::Cautious, &NoDeadline).unwrap();
        let needed = (0..c.dm_count())
            .map(|i| {
                settled
                    .cycle(i)
                    .map_or(0, |k| (k.start + k.period) as usize)
            })
            .max()
            .unwrap();
        assert!(needed >= 2, "this model should take a few levels to settle");
        // Room for two levels: horizon 1 is answered, horizon 5 is not.
        assert!(Foresight::run_within(&c, 1, Outlook::Cautious, 2 * level, &NoDeadline).is_ok());
        let error =
            Foresight::run_within(&c, 5, Outlook::Cautious, 2 * level, &NoDeadline).unwrap_err();
        assert_eq!(
            error,
            ForesightError::TooLarge {
                horizon: 5,
                levels: 2,
                limit: 2 * level
            }
        );
        assert!(error.to_string().contains("at most 1"));
        // Room for the identity alone: no horizon at all, and the message says so.
        let error =
            Foresight::run_within(&c, 1, Outlook::Cautious, level, &NoDeadline).unwrap_err();
        assert_eq!(error, ForesightError::NoHorizonFits { limit: level });
        assert!(error.to_string().contains("even horizon 1"), "{error}");
        assert!(!error.to_string().contains("at most 0"), "{error}");
        // With room to settle, any horizon is answered from the cycle.
        let far = Foresight::run(&c, 1_000_000, Outlook::Cautious, &NoDeadline).unwrap();
        for i in 0..c.dm_count() {
            let k = far.cycle(i).unwrap();
            let h = k.start + (1_000_000 - k.start) % k.period;
            for s in 0..c.state_count() as StateIndex {
                assert_eq!(far.outcome_at(1_000_000, i, s), far.outcome_at(h, i, s));
            }
        }
    }
}
