//! Robustness under preference uncertainty: for every state and concept, the
//! share of the plausible preference profiles under which the state is an
//! equilibrium (and, per DM, stable).
//!
//! A model may mark preference elements as uncertain ([`Uncertain`]): a
//! statement of an option prioritization, or a tier of a ranking, that may sit
//! anywhere in a range of positions while the DM's other elements keep their
//! written order. A *profile* picks one position for every uncertain element of
//! every DM; the consistent profiles are all combinations of these picks. When
//! there are at most [`Settings::exact_limit`] of them, every profile is
//! analysed and the shares are exact; otherwise [`Settings::samples`] profiles
//! are drawn at random (uniformly, with replacement) from a seed, and the
//! shares are estimates that the same seed always reproduces.
//!
//! Each profile is the compiled conflict with the changed DMs' ranks replaced
//! ([`Conflict::with_ranks`]), analysed with [`Analysis::run`]. Profiles run in
//! parallel and only counters are kept, so memory does not grow with the
//! number of profiles.
//!
//! [`sweep`] analyses the same numbered profiles ([`Profiles`]) but keeps what each
//! one makes of the conflict: the positions its uncertain elements take and each
//! concept's equilibria. Profile `i` is the same whichever range it is analysed in, so
//! a sweep split into ranges (on several machines) gives the same rows as one run.

use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use thiserror::Error;

use crate::columns::Columns;
use crate::conflict::{Conflict, preference_ranks};
use crate::deadline::{Deadline, OutOfTime};
use crate::error::{CompileError, ModelError};
use crate::generate::SplitMix;
use crate::model::{DecisionMaker, Model, Preferences, Uncertain};
use crate::stability::{Analysis, Concept};
use std::ops::{Range, RangeInclusive};

/// Default: enumerate every profile when there are at most this many.
pub const DEFAULT_EXACT_LIMIT: u64 = 4096;
/// Default number of profiles drawn when there are more.
pub const DEFAULT_SAMPLES: u64 = 1000;
/// Most profiles one run analyses, exactly or by sampling (counters are `u32`).
pub const MAX_PROFILES: u64 = 1_000_000;
/// Up to this many states, profiles are analysed in parallel (each analysis then
/// takes a few megabytes); above, one after the other, each analysis parallel inside.
const PARALLEL_PROFILES_MAX_STATES: usize = 1 << 16;
/// Memory the counters may take: one `u32` per concept, DM (and equilibrium) and state.
const COUNTER_BUDGET: usize = 1 << 30;

/// What to compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub concepts: Vec<Concept>,
    /// Analyse every profile when there are at most this many (at most [`MAX_PROFILES`]).
    pub exact_limit: u64,
    /// Otherwise, how many profiles to draw (1 to [`MAX_PROFILES`]).
    pub samples: u64,
    /// Seed of the draw: the same seed gives the same profiles.
    pub seed: u64,
}

impl Settings {
    /// How `model`'s profiles will be chosen, and how many will be analysed.
    pub fn plan(&self, model: &Model) -> (Method, u64) {
        match profile_count(model) {
            Some(n) if n <= u128::from(self.exact_limit) => (Method::Exact, n as u64),
            _ => (Method::Sampled { seed: self.seed }, self.samples),
        }
    }

    /// The defaults, for the given concepts.
    pub fn new(concepts: &[Concept]) -> Settings {
        Settings {
            concepts: concepts.to_vec(),
            exact_limit: DEFAULT_EXACT_LIMIT,
            samples: DEFAULT_SAMPLES,
            seed: 1,
        }
    }
}

/// How the profiles were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Every consistent profile, once: the shares are exact.
    Exact,
    /// Profiles drawn uniformly at random, with replacement: the shares are estimates.
    Sampled { seed: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RobustnessError {
    #[error("decision maker `{dm}`: uncertain element {}: {reason}", .element + 1)]
    BadUncertainty {
        dm: String,
        element: usize,
        reason: String,
    },

    #[error("{what} is {requested}; detente analyses at most {limit} profiles in one run")]
    TooManyProfiles {
        what: &'static str,
        requested: u64,
        limit: u64,
    },

    #[error(
        "the model has {states} feasible states; robustness counts fit in memory for at most {limit} states with these concepts and DMs"
    )]
    TooManyStates { states: usize, limit: usize },

    #[error("the number of samples must be at least 1")]
    NoSamples,

    #[error("profiles {} to {} were asked for, but there are only {count}", .start + 1, .end)]
    NoSuchProfiles { start: u64, end: u64, count: u64 },

    #[error("the range {start}..{end} of profile numbers ends before it starts")]
    BackwardRange { start: u64, end: u64 },

    #[error(transparent)]
    Model(#[from] ModelError),

    #[error(transparent)]
    OutOfTime(#[from] OutOfTime),
}

/// A profile's preferences are ranked as a model's are compiled.
impl From<CompileError> for RobustnessError {
    fn from(error: CompileError) -> RobustnessError {
        match error {
            CompileError::Model(e) => e.into(),
            CompileError::OutOfTime(e) => e.into(),
        }
    }
}

/// One uncertain element of one DM.
#[derive(Debug, Clone)]
struct Slot {
    dm: usize,
    uncertain: Uncertain,
}

impl Slot {
    fn choices(&self) -> usize {
        self.uncertain.positions.end() - self.uncertain.positions.start() + 1
    }
}

/// Checks that every DM's uncertain elements exist and have disjoint ranges that hold them.
pub fn check(model: &Model) -> Result<(), RobustnessError> {
    for dm in &model.decision_makers {
        let count = element_count(dm);
        let mut taken: Vec<&Uncertain> = Vec::new();
        for u in &dm.uncertain {
            let bad = |reason: String| RobustnessError::BadUncertainty {
                dm: dm.name.clone(),
                element: u.element,
                reason,
            };
            let (lo, hi) = (*u.positions.start(), *u.positions.end());
            if u.element >= count {
                return Err(bad(format!("the DM has only {count} preference elements")));
            }
            if hi >= count {
                return Err(bad(format!(
                    "position {} is beyond the last ({count})",
                    hi + 1
                )));
            }
            if lo >= hi || !u.positions.contains(&u.element) {
                return Err(bad(format!(
                    "its range {}..{} must hold its own position and at least one other",
                    lo + 1,
                    hi + 1
                )));
            }
            if let Some(other) = taken
                .iter()
                .find(|o| lo <= *o.positions.end() && *o.positions.start() <= hi)
            {
                return Err(bad(format!(
                    "its range overlaps that of element {}",
                    other.element + 1
                )));
            }
            taken.push(u);
        }
    }
    Ok(())
}

/// Statements or tiers of a DM.
fn element_count(dm: &DecisionMaker) -> usize {
    match &dm.preferences {
        Preferences::Prioritization(statements) => statements.len(),
        Preferences::Ranking { tiers, .. } => tiers.len(),
    }
}

/// Number of consistent preference profiles; `None` if beyond `u128`.
pub fn profile_count(model: &Model) -> Option<u128> {
    slots(model)
        .iter()
        .try_fold(1u128, |n, slot| n.checked_mul(slot.choices() as u128))
}

fn slots(model: &Model) -> Vec<Slot> {
    model
        .decision_makers
        .iter()
        .enumerate()
        .flat_map(|(dm, d)| {
            d.uncertain.iter().map(move |u| Slot {
                dm,
                uncertain: u.clone(),
            })
        })
        .collect()
}

/// The order of a DM's elements under a profile: `order[position]` is the
/// written index of the element there. Each uncertain element moves within its
/// range to its chosen position; the others in the range shift to make room.
fn element_order(count: usize, moves: &[(&Uncertain, usize)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    for (u, to) in moves {
        let lo = *u.positions.start();
        let window = &mut order[u.positions.clone()];
        let (from, to) = (u.element - lo, to - lo);
        if from < to {
            window[from..=to].rotate_left(1);
        } else {
            window[to..=from].rotate_right(1);
        }
    }
    order
}

/// A DM's preferences with its elements in `order`.
fn reordered(preferences: &Preferences, order: &[usize]) -> Preferences {
    match preferences {
        Preferences::Prioritization(statements) => {
            Preferences::Prioritization(order.iter().map(|&e| statements[e].clone()).collect())
        }
        Preferences::Ranking { tiers, notes } => Preferences::Ranking {
            tiers: order.iter().map(|&e| tiers[e].clone()).collect(),
            notes: notes.clone(),
        },
    }
}

/// Every DM's preferences under the profile that puts slot `k` at position `chosen[k]`,
/// for the DMs with uncertain elements (in DM order).
fn profile_preferences(
    model: &Model,
    slots: &[Slot],
    chosen: &[usize],
) -> Vec<(usize, Preferences)> {
    let mut out = Vec::new();
    for (d, dm) in model.decision_makers.iter().enumerate() {
        let moves: Vec<(&Uncertain, usize)> = slots
            .iter()
            .zip(chosen)
            .filter(|(slot, _)| slot.dm == d)
            .map(|(slot, &to)| (&slot.uncertain, to))
            .collect();
        if !moves.is_empty() {
            let order = element_order(element_count(dm), &moves);
            out.push((d, reordered(&dm.preferences, &order)));
        }
    }
    out
}

/// One uncertain preference element of one DM, as a sweep reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncertainElement {
    pub dm: usize,
    /// The element's written index among the DM's statements or tiers.
    pub element: usize,
    /// The positions (0-based) it may take.
    pub positions: RangeInclusive<usize>,
}

/// The profiles a run analyses, numbered from 0: every consistent profile once
/// ([`Method::Exact`], in mixed-radix order of the elements' positions) or draws from
/// a seed ([`Method::Sampled`], draw `i` from its own stream). Profile `i` does not
/// depend on which others are analysed with it.
#[derive(Debug, Clone)]
pub struct Profiles {
    slots: Vec<Slot>,
    method: Method,
    count: u64,
    total: Option<u128>,
}

impl Profiles {
    /// The profiles `settings` choose for `model`, once its uncertainty is checked and the
    /// settings are within [`MAX_PROFILES`].
    pub fn plan(model: &Model, settings: &Settings) -> Result<Profiles, RobustnessError> {
        check(model)?;
        if settings.samples == 0 {
            return Err(RobustnessError::NoSamples);
        }
        for (what, requested) in [
            ("the exact limit", settings.exact_limit),
            ("the number of samples", settings.samples),
        ] {
            if requested > MAX_PROFILES {
                return Err(RobustnessError::TooManyProfiles {
                    what,
                    requested,
                    limit: MAX_PROFILES,
                });
            }
        }
        let (method, count) = settings.plan(model);
        Ok(Profiles {
            slots: slots(model),
            method,
            count,
            total: profile_count(model),
        })
    }

    pub fn method(&self) -> Method {
        self.method
    }

    /// How many profiles are numbered: every consistent one, or the draws.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of consistent profiles; `None` if beyond `u128`.
    pub fn total(&self) -> Option<u128> {
        self.total
    }

    /// The uncertain elements, in DM order and, within a DM, as the model lists them:
    /// [`Profiles::positions`] gives one position per element in this order.
    pub fn elements(&self) -> Vec<UncertainElement> {
        self.slots
            .iter()
            .map(|slot| UncertainElement {
                dm: slot.dm,
                element: slot.uncertain.element,
                positions: slot.uncertain.positions.clone(),
            })
            .collect()
    }

    /// The position (0-based) each uncertain element takes in profile `i`.
    pub fn positions(&self, i: u64) -> Vec<usize> {
        match self.method {
            Method::Exact => {
                let mut rest = i;
                self.slots
                    .iter()
                    .map(|slot| {
                        let radix = slot.choices() as u64;
                        let pick = (rest % radix) as usize;
                        rest /= radix;
                        slot.uncertain.positions.start() + pick
                    })
                    .collect()
            }
            Method::Sampled { seed } => {
                let mut rng = sample_generator(seed, i);
                self.slots
                    .iter()
                    .map(|slot| slot.uncertain.positions.start() + rng.below(slot.choices()))
                    .collect()
            }
        }
    }

    /// Profile `i` of `model` (compiled as `conflict`) analysed under `concepts`: the
    /// positions its uncertain elements take, and the analysis of the conflict with the
    /// changed DMs' ranks.
    fn analyse(
        &self,
        i: u64,
        model: &Model,
        conflict: &Conflict,
        columns: &Columns,
        concepts: &[Concept],
        deadline: &dyn Deadline,
    ) -> Result<(Vec<usize>, Analysis), RobustnessError> {
        let positions = self.positions(i);
        let mut variant: Option<Conflict> = None;
        for (d, preferences) in profile_preferences(model, &self.slots, &positions) {
            let dm = DecisionMaker {
                preferences,
                ..model.decision_makers[d].clone()
            };
            let ranks = preference_ranks(&dm, d, conflict.space(), columns, deadline)?;
            variant = Some(variant.as_ref().unwrap_or(conflict).with_ranks(d, ranks));
        }
        let analysis = Analysis::run(
            variant.as_ref().unwrap_or(conflict),
            concepts,
            deadline,
            &|| {},
        )?;
        Ok((positions, analysis))
    }
}

/// The concepts of `settings`, sorted, each once.
fn sorted_concepts(settings: &Settings) -> Vec<Concept> {
    let mut concepts = settings.concepts.clone();
    concepts.sort_unstable();
    concepts.dedup();
    concepts
}

/// Runs `analyse` on each profile of `range`: many at a time on small conflicts; a large
/// one's analysis is parallel inside and may take gigabytes, so those go one at a time.
/// The answers come back in profile order.
fn for_each_profile<T: Send>(
    states: usize,
    range: Range<u64>,
    analyse: impl Fn(u64) -> Result<T, RobustnessError> + Sync + Send,
) -> Result<Vec<T>, RobustnessError> {
    if states <= PARALLEL_PROFILES_MAX_STATES {
        range.into_par_iter().map(analyse).collect()
    } else {
        range.map(analyse).collect()
    }
}

/// What one profile makes of the conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileOutcome {
    /// The profile's number (see [`Profiles`]).
    pub index: u64,
    /// The position (0-based) each uncertain element takes, as [`Profiles::positions`].
    pub positions: Vec<usize>,
    /// For each concept of the sweep (sorted), its equilibria as state indices.
    pub equilibria: Vec<Vec<usize>>,
}

/// Analyses the profiles numbered `range` (all of them when `None`) of `model`
/// (compiled as `conflict`) under `settings`, keeping each one's equilibria; the
/// outcomes are in profile order. Each analysis polls `deadline`.
pub fn sweep(
    model: &Model,
    conflict: &Conflict,
    settings: &Settings,
    range: Option<Range<u64>>,
    deadline: &dyn Deadline,
) -> Result<(Profiles, Vec<ProfileOutcome>), RobustnessError> {
    let profiles = Profiles::plan(model, settings)?;
    let range = range.unwrap_or(0..profiles.count);
    if range.start > range.end {
        return Err(RobustnessError::BackwardRange {
            start: range.start,
            end: range.end,
        });
    }
    if range.end > profiles.count {
        return Err(RobustnessError::NoSuchProfiles {
            start: range.start,
            end: range.end,
            count: profiles.count,
        });
    }
    let concepts = sorted_concepts(settings);
    let columns = Columns::new(conflict.space(), deadline)?;
    let outcomes = for_each_profile(conflict.state_count(), range, |index| {
        let (positions, analysis) =
            profiles.analyse(index, model, conflict, &columns, &concepts, deadline)?;
        let equilibria = concepts
            .iter()
            .map(|&concept| analysis.equilibria(concept).ones().collect())
            .collect();
        Ok(ProfileOutcome {
            index,
            positions,
            equilibria,
        })
    })?;
    Ok((profiles, outcomes))
}

/// For each concept, DM and state how many of the analysed profiles make the
/// state stable for the DM, and for each concept and state how many make it an equilibrium.
#[derive(Debug, Clone)]
pub struct Robustness {
    concepts: Vec<Concept>,
    method: Method,
    total: Option<u128>,
    analysed: u64,
    dms: usize,
    states: usize,
    /// `counts[(c * (dms + 1) + slot) * states + s]`; slot `dms` counts equilibria.
    counts: Vec<u32>,
}

impl Robustness {
    /// Analyses the profiles of `model` (compiled as `conflict`); `on_done` is called after
    /// each. Each profile's analysis polls `deadline`, and the first out of time stops them all.
    pub fn run(
        model: &Model,
        conflict: &Conflict,
        settings: &Settings,
        deadline: &dyn Deadline,
        on_done: &(dyn Fn() + Sync),
    ) -> Result<Robustness, RobustnessError> {
        let profiles = Profiles::plan(model, settings)?;
        let concepts = sorted_concepts(settings);
        let (dms, states) = (conflict.dm_count(), conflict.state_count());
        let per_state = concepts.len().max(1) * (dms + 1) * std::mem::size_of::<u32>();
        let limit = COUNTER_BUDGET / per_state;
        if states > limit {
            return Err(RobustnessError::TooManyStates { states, limit });
        }
        let columns = Columns::new(conflict.space(), deadline)?;
        let counts: Vec<AtomicU32> = (0..concepts.len() * (dms + 1) * states)
            .map(|_| AtomicU32::new(0))
            .collect();
        for_each_profile(states, 0..profiles.count, |i| {
            let (_, analysis) =
                profiles.analyse(i, model, conflict, &columns, &concepts, deadline)?;
            for (c, &concept) in concepts.iter().enumerate() {
                let block = |slot: usize| (c * (dms + 1) + slot) * states;
                for dm in 0..dms {
                    for s in analysis.stable(concept, dm).ones() {
                        counts[block(dm) + s].fetch_add(1, Ordering::Relaxed);
                    }
                }
                for s in analysis.equilibria(concept).ones() {
                    counts[block(dms) + s].fetch_add(1, Ordering::Relaxed);
                }
            }
            on_done();
            Ok(())
        })?;
        Ok(Robustness {
            concepts,
            method: profiles.method,
            total: profiles.total,
            analysed: profiles.count,
            dms,
            states,
            counts: counts.into_iter().map(AtomicU32::into_inner).collect(),
        })
    }

    /// The concepts counted, sorted.
    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    pub fn method(&self) -> Method {
        self.method
    }

    /// Number of consistent profiles; `None` if beyond `u128`.
    pub fn total_profiles(&self) -> Option<u128> {
        self.total
    }

    /// Number of profiles analysed: all of them if exact, else the samples.
    pub fn analysed(&self) -> u64 {
        self.analysed
    }

    fn count(&self, concept: Concept, slot: usize, s: usize) -> u32 {
        let c = self
            .concepts
            .iter()
            .position(|&x| x == concept)
            .unwrap_or_else(|| panic!("concept {} was not counted", concept.label()));
        self.counts[(c * (self.dms + 1) + slot) * self.states + s]
    }

    /// Profiles under which state `s` is an equilibrium. Panics if the concept was not counted.
    pub fn equilibrium_count(&self, concept: Concept, s: usize) -> u32 {
        self.count(concept, self.dms, s)
    }

    /// Profiles under which state `s` is stable for `dm`.
    pub fn stable_count(&self, concept: Concept, dm: usize, s: usize) -> u32 {
        self.count(concept, dm, s)
    }

    /// `count` as a share of the profiles analysed.
    pub fn share(&self, count: u32) -> f64 {
        f64::from(count) / self.analysed as f64
    }
}

/// The generator of sample `i`: its own stream, so that samples drawn in
/// parallel, in any order, are the same for the same seed.
fn sample_generator(seed: u64, i: u64) -> SplitMix {
    SplitMix::new(SplitMix::new(seed ^ i).next_u64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::NoDeadline;
    use crate::generate::{PreferenceKind, Shape, generate};

    fn window(element: usize, lo: usize, hi: usize) -> Uncertain {
        Uncertain {
            element,
            positions: lo..=hi,
        }
    }

    #[test]
    fn an_element_moves_within_its_range_and_the_rest_keep_their_order() {
        let up = window(3, 1, 4);
        assert_eq!(element_order(6, &[(&up, 1)]), vec![0, 3, 1, 2, 4, 5]);
        assert_eq!(element_order(6, &[(&up, 3)]), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(element_order(6, &[(&up, 4)]), vec![0, 1, 2, 4, 3, 5]);
        let other = window(5, 5, 6);
        assert_eq!(
            element_order(7, &[(&up, 2), (&other, 6)]),
            vec![0, 1, 3, 2, 4, 6, 5]
        );
    }

    fn model_with(uncertain: Vec<Vec<Uncertain>>) -> Model {
        let mut model = generate(&Shape {
            dms: uncertain.len(),
            options_per_dm: 2,
            rules: 0,
            rule_width: 2,
            irreversible_percent: 0,
            preferences: PreferenceKind::Prioritization { statements: 5 },
            seed: 3,
        });
        for (dm, u) in model.decision_makers.iter_mut().zip(uncertain) {
            dm.uncertain = u;
        }
        model
    }

    #[test]
    fn profiles_are_the_product_of_the_ranges() {
        assert_eq!(profile_count(&model_with(vec![vec![], vec![]])), Some(1));
        let model = model_with(vec![
            vec![window(0, 0, 2), window(4, 3, 4)],
            vec![window(2, 1, 4)],
        ]);
        assert_eq!(profile_count(&model), Some(3 * 2 * 4));
        let conflict = Conflict::compile(&model, 1 << 10).unwrap();
        let settings = Settings::new(&[Concept::Nash]);
        assert_eq!(settings.plan(&model), (Method::Exact, 24));
        let done = std::sync::atomic::AtomicUsize::new(0);
        let result = Robustness::run(&model, &conflict, &settings, &NoDeadline, &|| {
            done.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(result.method(), Method::Exact);
        assert_eq!(result.analysed(), 24);
        assert_eq!(done.into_inner(), 24, "one call per profile");
        let sampled = Settings {
            exact_limit: 23,
            samples: 7,
            seed: 5,
            ..settings
        };
        assert_eq!(sampled.plan(&model), (Method::Sampled { seed: 5 }, 7));
    }

    #[test]
    fn bad_ranges_are_refused() {
        for (u, why) in [
            (window(7, 6, 7), "only 5"),
            (window(3, 3, 5), "beyond the last"),
            (window(1, 2, 3), "own position"),
            (window(2, 2, 2), "own position"),
        ] {
            let error = check(&model_with(vec![vec![u]])).unwrap_err();
            assert!(error.to_string().contains(why), "{error}");
        }
        let overlap = model_with(vec![vec![window(0, 0, 2), window(3, 2, 3)]]);
        assert!(
            check(&overlap)
                .unwrap_err()
                .to_string()
                .contains("overlaps")
        );
    }

    #[test]
    fn oversized_requests_are_refused_with_the_limit() {
        let model = model_with(vec![vec![window(0, 0, 1)]]);
        let conflict = Conflict::compile(&model, 1 << 10).unwrap();
        let mut settings = Settings::new(&[Concept::Nash]);
        settings.samples = MAX_PROFILES + 1;
        let error = Robustness::run(&model, &conflict, &settings, &NoDeadline, &|| {}).unwrap_err();
        assert!(error.to_string().contains("at most 1000000"), "{error}");
        settings.samples = 0;
        let error = Robustness::run(&model, &conflict, &settings, &NoDeadline, &|| {}).unwrap_err();
        assert_eq!(error, RobustnessError::NoSamples);
    }

    #[test]
    fn a_sweep_counts_what_robustness_counts_and_ranges_split_it() {
        let model = model_with(vec![
            vec![window(0, 0, 2), window(4, 3, 4)],
            vec![window(2, 1, 4)],
        ]);
        let conflict = Conflict::compile(&model, 1 << 10).unwrap();
        let concepts = [Concept::Seq, Concept::Nash, Concept::Gmr];
        for settings in [
            Settings::new(&concepts),
            Settings {
                exact_limit: 0,
                samples: 9,
                seed: 4,
                ..Settings::new(&concepts)
            },
        ] {
            let (profiles, whole) = sweep(&model, &conflict, &settings, None, &NoDeadline).unwrap();
            let counted =
                Robustness::run(&model, &conflict, &settings, &NoDeadline, &|| {}).unwrap();
            assert_eq!(whole.len() as u64, counted.analysed());
            assert_eq!(profiles.elements().len(), 3);
            for (c, &concept) in counted.concepts().iter().enumerate() {
                for s in 0..conflict.state_count() {
                    let held = whole
                        .iter()
                        .filter(|o| o.equilibria[c].contains(&s))
                        .count();
                    assert_eq!(held as u32, counted.equilibrium_count(concept, s));
                }
            }
            let mut pieces = Vec::new();
            for range in [0..2, 2..2, 2..whole.len() as u64] {
                let (_, part) =
                    sweep(&model, &conflict, &settings, Some(range), &NoDeadline).unwrap();
                pieces.extend(part);
            }
            assert_eq!(
                pieces, whole,
                "the same rows, however the profiles are split"
            );
            assert!(whole.iter().enumerate().all(|(i, o)| o.index == i as u64));
        }
        let distinct: std::collections::HashSet<Vec<usize>> = sweep(
            &model,
            &conflict,
            &Settings::new(&concepts),
            None,
            &NoDeadline,
        )
        .unwrap()
        .1
        .into_iter()
        .map(|o| o.positions)
        .collect();
        assert_eq!(distinct.len(), 24, "every consistent profile once");
    }

    #[test]
    fn a_sweep_refuses_profiles_that_do_not_exist() {
        let model = model_with(vec![vec![window(0, 0, 1)]]);
        let conflict = Conflict::compile(&model, 1 << 10).unwrap();
        let settings = Settings::new(&[Concept::Nash]);
        let error = sweep(&model, &conflict, &settings, Some(1..3), &NoDeadline).unwrap_err();
        assert_eq!(
            error.to_string(),
            "profiles 2 to 3 were asked for, but there are only 2"
        );
        let backward = Range { start: 2, end: 1 };
        let error = sweep(&model, &conflict, &settings, Some(backward), &NoDeadline).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the range 2..1 of profile numbers ends before it starts"
        );
    }
}
