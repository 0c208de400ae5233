//! A sweep: many preference profiles of one model analysed, keeping each profile's
//! equilibria (where robustness keeps only counts). The profiles are the model's declared
//! uncertainty (every consistent profile, or a seeded sample) or ones the caller builds.
//! They are numbered, and profile `i` is the same whichever range of profiles it is
//! analysed in, so a sweep split into ranges across machines gives the same rows, in the
//! same order, as one run.

use crate::analyses::refused;
use crate::error::{AppError, Limit};
use crate::limits::{Limits, Timer};
use crate::source::Prepared;
use detente_engine::Concept;
use detente_engine::robustness::{
    self, MAX_PROFILES, Method, ProfileOutcome, Settings, UncertainElement,
};
use rayon::prelude::*;
use serde_json::Value;
use std::ops::Range;

/// Which preference profiles a sweep analyses.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepProfiles {
    /// Every consistent profile of the model's uncertain preferences (the model as
    /// written is the one profile of a model without any).
    Every,
    /// `count` profiles drawn uniformly at random, with replacement, from `seed`.
    Sample { count: u64, seed: u64 },
    /// Profiles the caller builds: each replaces some decision makers' preferences by
    /// positions, as [`Prepared::with_preferences`] does; the others keep theirs.
    Listed(Vec<Vec<(String, Value)>>),
}

/// A sweep of one model's preference profiles.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRequest {
    pub profiles: SweepProfiles,
    /// Only these decision makers' uncertain elements vary (names or ids); the others keep
    /// the order written. Every decision maker's when `None`. Not for listed profiles.
    pub vary: Option<Vec<String>>,
    pub concepts: Vec<Concept>,
    /// Only the profiles numbered `range` (0-based): one piece of a sweep split up. All
    /// of them when `None`.
    pub range: Option<Range<u64>>,
}

/// How a sweep's profiles were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepMethod {
    /// Every consistent profile, once.
    Exact,
    /// Drawn at random from this seed.
    Sampled { seed: u64 },
    /// Built by the caller.
    Listed,
}

/// What a sweep found.
#[derive(Debug, Clone)]
pub struct SweepAnswer {
    /// The concepts analysed, sorted; each outcome's equilibria are in this order.
    pub concepts: Vec<Concept>,
    pub method: SweepMethod,
    /// Profiles in the whole sweep, whatever range was analysed.
    pub count: u64,
    /// The uncertain elements that vary (none for listed profiles); each outcome's
    /// positions are in this order.
    pub elements: Vec<UncertainElement>,
    /// The analysed profiles' outcomes, in profile order.
    pub outcomes: Vec<ProfileOutcome>,
}

impl Prepared {
    /// Analyses the profiles `request` names under its concepts.
    pub fn sweep(
        &self,
        request: &SweepRequest,
        limits: &Limits,
        timer: &Timer,
    ) -> Result<SweepAnswer, AppError> {
        let concepts = crate::choose::ordered(&request.concepts)?;
        let (settings, vary) = match &request.profiles {
            SweepProfiles::Listed(listed) => {
                if request.vary.is_some() {
                    return Err(AppError::invalid(
                        "listed profiles say whose preferences change: leave out the decision makers to vary",
                    ));
                }
                return self.sweep_listed(listed, concepts, request.range.clone(), limits, timer);
            }
            SweepProfiles::Every => (
                Settings {
                    exact_limit: MAX_PROFILES,
                    ..Settings::new(&concepts)
                },
                &request.vary,
            ),
            SweepProfiles::Sample { count: 0, .. } => {
                return Err(AppError::invalid("a sample needs at least one profile")
                    .help("draw 1 or more profiles, or sweep every one"));
            }
            SweepProfiles::Sample { count, seed } => (
                Settings {
                    exact_limit: 0,
                    samples: *count,
                    seed: *seed,
                    ..Settings::new(&concepts)
                },
                &request.vary,
            ),
        };
        let mut model = self.model().clone();
        if let Some(names) = vary {
            let varied = self.dms(Some(names))?;
            for (d, dm) in model.decision_makers.iter_mut().enumerate() {
                if !varied.contains(&d) {
                    dm.uncertain.clear();
                }
            }
        }
        if request.profiles == SweepProfiles::Every {
            let total = robustness::profile_count(&model);
            if total.is_none_or(|n| n > u128::from(MAX_PROFILES)) {
                let said = total.map_or("more than 2^128".to_string(), |n| n.to_string());
                return Err(AppError::over(
                    Limit::Profiles,
                    format!(
                        "the uncertain preferences allow {said} profiles; a sweep of every one analyses at most {MAX_PROFILES}"
                    ),
                ));
            }
        }
        let (profiles, outcomes) = robustness::sweep(
            &model,
            &self.conflict,
            &settings,
            request.range.clone(),
            timer,
        )
        .map_err(|e| refused(e, timer))?;
        Ok(SweepAnswer {
            concepts,
            method: match profiles.method() {
                Method::Exact => SweepMethod::Exact,
                Method::Sampled { seed } => SweepMethod::Sampled { seed },
            },
            count: profiles.count(),
            elements: profiles.elements(),
            outcomes,
        })
    }

    /// A sweep of profiles the caller built, each the model with some preferences replaced.
    fn sweep_listed(
        &self,
        listed: &[Vec<(String, Value)>],
        concepts: Vec<Concept>,
        range: Option<Range<u64>>,
        limits: &Limits,
        timer: &Timer,
    ) -> Result<SweepAnswer, AppError> {
        let count = listed.len() as u64;
        if count > MAX_PROFILES {
            return Err(AppError::over(
                Limit::Profiles,
                format!("{count} profiles were listed; a sweep analyses at most {MAX_PROFILES}"),
            ));
        }
        let range = range.unwrap_or(0..count);
        if range.start > range.end {
            return Err(AppError::invalid(format!(
                "the range {}..{} of profile numbers ends before it starts",
                range.start, range.end
            )));
        }
        if range.end > count {
            return Err(AppError::invalid(format!(
                "profiles {} to {} were asked for, but {count} were listed",
                range.start + 1,
                range.end
            )));
        }
        // Every profile changes the same form: read it from the model once.
        let form = self.form()?;
        let outcomes = listed[range.start as usize..range.end as usize]
            .par_iter()
            .enumerate()
            .map(|(offset, changes)| {
                let index = range.start + offset as u64;
                let variant = self
                    .with_preferences_in(&form, changes, limits, timer)
                    .map_err(|e| in_profile(index, e))?;
                let analysis = variant.analysis(&concepts, timer, &|| {})?;
                let equilibria = concepts
                    .iter()
                    .map(|&c| analysis.equilibria(c).ones().collect())
                    .collect();
                Ok(ProfileOutcome {
                    index,
                    positions: Vec::new(),
                    equilibria,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(SweepAnswer {
            concepts,
            method: SweepMethod::Listed,
            count,
            elements: Vec::new(),
            outcomes,
        })
    }
}

/// An error in listed profile `index` (0-based), said with its number (1-based).
fn in_profile(index: u64, error: AppError) -> AppError {
    match error {
        AppError::Invalid { message, help } => AppError::Invalid {
            message: format!("profile {}: {message}", index + 1),
            help,
        },
        AppError::Model(located) => AppError::Invalid {
            message: match located.form_path() {
                Some(path) => format!("profile {}: at {path}: {}", index + 1, located.message()),
                None => format!("profile {}: {}", index + 1, located.message()),
            },
            help: located.help_text().map(str::to_string),
        },
        other => other,
    }
}
