//! The analyses a user can ask for, each a request type and an answer type:
//! the request's validation and the engine calls live here, once, and every
//! front end renders the answer with detente-report.

use crate::choose::CoalitionChoice;
use crate::error::{AppError, Limit};
use crate::limits::Timer;
use crate::source::Prepared;
use detente_engine::coalition::{CoalitionAnalysis, CoalitionError};
use detente_engine::evolve::Evolution;
use detente_engine::explain::{Deterrence, explain};
use detente_engine::foresight::{Foresight, ForesightError, MAX_HORIZON, Outlook};
use detente_engine::inverse::{self, Conditions, Count, Inverse, InverseError, MAX_SAMPLES};
use detente_engine::robustness::{Robustness, RobustnessError, Settings};
use detente_engine::{Analysis, Concept, Conflict, Deadline, OutOfTime, StateIndex};
use std::collections::HashMap;

/// Comparisons an inverse answer lists per concept and DM unless all are asked for:
/// a large model's conditions can run to millions, more than anyone reads.
pub const INVERSE_SHOWN_COMPARISONS: usize = 500;

/// Why one state is or is not stable, for some DMs and concepts.
#[derive(Debug, Clone, Default)]
pub struct ExplainRequest {
    /// DM names or ids; every DM when `None`.
    pub dms: Option<Vec<String>>,
    /// Every concept when `None`: one state's explanation is cheap even under SIM.
    pub concepts: Option<Vec<Concept>>,
}

/// Why one state is or is not stable for some DMs under some concepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub state: StateIndex,
    pub dms: Vec<usize>,
    pub concepts: Vec<Concept>,
    /// `why[d][c]`: each improvement of `dms[d]` from the state and its shortest
    /// sanction under `concepts[c]`.
    pub why: Vec<Vec<Vec<Deterrence>>>,
}

impl Explained {
    /// Explains `state` for `dms` under `concepts`, polling `deadline`.
    pub fn new(
        conflict: &Conflict,
        state: StateIndex,
        dms: Vec<usize>,
        concepts: Vec<Concept>,
        deadline: &dyn Deadline,
    ) -> Result<Explained, OutOfTime> {
        let why = dms
            .iter()
            .map(|&d| {
                concepts
                    .iter()
                    .map(|&c| explain(conflict, d, c, state, deadline))
                    .collect()
            })
            .collect::<Result<_, _>>()?;
        Ok(Explained {
            state,
            dms,
            concepts,
            why,
        })
    }
}

impl Prepared {
    /// Stability of every state for every DM under `concepts`; `on_done` as for
    /// [`Analysis::run`].
    pub fn analysis(
        &self,
        concepts: &[Concept],
        timer: &Timer,
        on_done: &(dyn Fn() + Sync),
    ) -> Result<Analysis, AppError> {
        Analysis::run(&self.conflict, concepts, timer, on_done).map_err(|e| timer.over(e))
    }

    /// Why `state` is or is not stable, for the DMs and concepts `request` names.
    pub fn explain(
        &self,
        state: StateIndex,
        request: &ExplainRequest,
        timer: &Timer,
    ) -> Result<Explained, AppError> {
        let dms = self.dms(request.dms.as_deref())?;
        let concepts = match &request.concepts {
            Some(asked) => crate::choose::ordered(asked)?,
            None => Concept::ALL.to_vec(),
        };
        Explained::new(&self.conflict, state, dms, concepts, timer).map_err(|e| timer.over(e))
    }

    /// The states reachable from `from` (the status quo when `None`) by unilateral
    /// improvements and, when `coalitions` names any, the coalitions' joint ones.
    pub fn evolve(
        &self,
        from: Option<StateIndex>,
        coalitions: Option<&CoalitionChoice>,
        timer: &Timer,
    ) -> Result<(Evolution, Vec<Vec<usize>>), AppError> {
        let start = match from {
            Some(state) => state,
            None => self.conflict.status_quo().ok_or_else(|| {
                AppError::invalid("the model has no status quo to start from")
                    .help("add `status_quo` to the model, or give a starting state")
            })?,
        };
        let coalitions = match coalitions {
            Some(choice) => self.coalitions(choice)?,
            None => Vec::new(),
        };
        let evolution = Evolution::with_coalitions(&self.conflict, start, &coalitions, timer)
            .map_err(|e| timer.over(e))?;
        Ok((evolution, coalitions))
    }

    /// Coalitional stability under `concept` (Nash, GMR, SMR or SEQ) for the chosen coalitions.
    pub fn coalitional(
        &self,
        concept: Concept,
        choice: &CoalitionChoice,
        timer: &Timer,
    ) -> Result<CoalitionAnalysis, AppError> {
        let coalitions = self.coalitions(choice)?;
        CoalitionAnalysis::run(&self.conflict, &coalitions, concept, timer).map_err(|e| match e {
            CoalitionError::OutOfTime(e) => timer.over(e),
            e => AppError::over(Limit::Coalitions, e.to_string()),
        })
    }

    /// Limited-move stability at `horizon` under `outlook`, and under the other outlook
    /// (reports compare the two).
    pub fn foresight(
        &self,
        horizon: u32,
        outlook: Outlook,
        timer: &Timer,
    ) -> Result<(Foresight, Foresight), AppError> {
        if !(1..=MAX_HORIZON).contains(&horizon) {
            return Err(
                AppError::invalid(format!("a horizon of {horizon} is out of range")).help(format!(
                    "look ahead 1 to {MAX_HORIZON} moves (1 is Nash stability)"
                )),
            );
        }
        let run = |outlook| {
            Foresight::run(&self.conflict, horizon, outlook, timer).map_err(|e| match e {
                ForesightError::TooLarge { .. } => AppError::over(Limit::Horizon, e.to_string()),
                ForesightError::NoHorizonFits { .. } => AppError::invalid(e.to_string())
                    .help("add feasibility rules, or leave out options or decision makers"),
                ForesightError::OutOfTime(e) => timer.over(e),
            })
        };
        Ok((run(outlook)?, run(outlook.other())?))
    }

    /// Robustness under the model's uncertain preferences; `settings` hold the request's
    /// choices (see [`robustness_settings`]).
    pub fn robustness(
        &self,
        settings: &Settings,
        timer: &Timer,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Robustness, AppError> {
        Robustness::run(self.model(), &self.conflict, settings, timer, progress)
            .map_err(|e| refused(e, timer))
    }

    /// The inverse question: under which preferences of the varied DMs `request.target`
    /// is an equilibrium.
    pub fn inverse(
        &self,
        request: &InverseRequest,
        timer: &Timer,
    ) -> Result<InverseAnswer, AppError> {
        let concepts = match &request.concepts {
            None => inverse::CONCEPTS.to_vec(),
            Some(asked) => crate::choose::ordered(asked)?,
        };
        if let Some(other) = concepts.iter().find(|c| !inverse::CONCEPTS.contains(c)) {
            return Err(AppError::invalid(format!(
                "inverse analysis does not cover {}",
                other.label()
            ))
            .help("choose among nash, gmr, smr and seq"));
        }
        if let Some(n) = request.sample
            && !(1..=MAX_SAMPLES).contains(&n)
        {
            return Err(AppError::invalid(format!("cannot draw {n} samples"))
                .help(format!("draw 1 to {MAX_SAMPLES} rankings")));
        }
        let varied = self.dms(request.vary.as_deref())?;
        let question = Inverse::new(&self.conflict, request.target, &varied);
        let answers: Vec<ConceptAnswer> = concepts
            .iter()
            .map(|&concept| ConceptAnswer::of(&question, concept, request, timer))
            .collect::<Result<_, _>>()?;
        if answers.iter().all(|a| a.conditions.is_err())
            && let Some(Err(error)) = answers.first().map(|a| &a.conditions)
        {
            return Err(AppError::over(Limit::Varied, error.to_string()));
        }
        Ok(InverseAnswer {
            target: request.target,
            varied,
            answers,
        })
    }
}

/// A refusal of the engine's robustness or sweep as the application layer words it.
pub(crate) fn refused(error: RobustnessError, timer: &Timer) -> AppError {
    match error {
        RobustnessError::OutOfTime(e) => timer.over(e),
        RobustnessError::TooManyStates { .. } => {
            AppError::over(Limit::RobustnessStates, error.to_string())
        }
        RobustnessError::TooManyProfiles { .. } | RobustnessError::NoSamples => {
            AppError::over(Limit::Profiles, error.to_string())
        }
        RobustnessError::NoSuchProfiles { .. } | RobustnessError::BackwardRange { .. } => {
            AppError::invalid(error.to_string())
        }
        RobustnessError::BadUncertainty { .. } | RobustnessError::Model(_) => {
            AppError::invalid(error.to_string())
                .help("check the `priority` ranges of the model (docs/MODEL_FORMAT.md)")
        }
    }
}

/// The choices of a robustness request, the defaults where `None`.
pub fn robustness_settings(
    concepts: Vec<Concept>,
    exact_limit: Option<u64>,
    samples: Option<u64>,
    seed: Option<u64>,
) -> Settings {
    let defaults = Settings::new(&concepts);
    Settings {
        exact_limit: exact_limit.unwrap_or(defaults.exact_limit),
        samples: samples.unwrap_or(defaults.samples),
        seed: seed.unwrap_or(defaults.seed),
        ..defaults
    }
}

/// An inverse analysis of one target state.
#[derive(Debug, Clone)]
pub struct InverseRequest {
    pub target: StateIndex,
    /// DM names or ids whose preferences are unknown; every DM when `None`.
    pub vary: Option<Vec<String>>,
    /// Among Nash, GMR, SMR and SEQ; all four when `None`.
    pub concepts: Option<Vec<Concept>>,
    /// Count the varied DMs' rankings that make the target an equilibrium.
    pub count: bool,
    /// Draw this many such rankings at random (1 to [`MAX_SAMPLES`]).
    pub sample: Option<u16>,
    pub seed: u64,
    /// List every comparison; otherwise at most [`INVERSE_SHOWN_COMPARISONS`] per concept
    /// and DM, and how many more there are (counts and samples use them all).
    pub full: bool,
}

/// The inverse analysis's answer: per concept, conditions, counts and samples.
#[derive(Debug)]
pub struct InverseAnswer {
    pub target: StateIndex,
    pub varied: Vec<usize>,
    pub answers: Vec<ConceptAnswer>,
}

/// One concept's answer, as computed by the engine.
#[derive(Debug)]
pub struct ConceptAnswer {
    pub concept: Concept,
    pub conditions: Result<Conditions, InverseError>,
    /// Present when counting was asked for.
    pub count: Option<Result<Count, InverseError>>,
    /// Present when samples were asked for: one rank vector per varied DM each.
    pub samples: Option<Result<Vec<Vec<Vec<u32>>>, InverseError>>,
    /// What `conditions` leave out of the full conditions (nothing when all are listed).
    pub omitted: Omitted,
}

/// The part of an inverse answer's conditions a summary leaves out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Omitted {
    /// Comparisons left out, those of the requirements left out included.
    pub comparisons: usize,
    /// Requirements (moves to deter) left out.
    pub requirements: usize,
}

impl Omitted {
    pub fn is_nothing(&self) -> bool {
        *self == Omitted::default()
    }
}

/// `conditions` with at most `shown` comparisons per DM (the DM compared, or for a
/// requirement the DM deterred), in their order, and what is left out. A requirement
/// is listed whole or not at all, so that what is listed keeps its meaning.
fn summarised(conditions: Conditions, shown: usize) -> (Conditions, Omitted) {
    let Conditions::When {
        required,
        requirements,
    } = conditions
    else {
        return (conditions, Omitted::default());
    };
    let mut listed: HashMap<usize, usize> = HashMap::new();
    let mut omitted = Omitted::default();
    let mut fits = |dm: usize, size: usize| {
        let n = listed.entry(dm).or_default();
        let fits = *n + size <= shown;
        if fits {
            *n += size;
        } else {
            omitted.comparisons += size;
        }
        fits
    };
    let required = required.into_iter().filter(|c| fits(c.dm, 1)).collect();
    let mut requirements_left_out = 0;
    let requirements = requirements
        .into_iter()
        .filter(|r| {
            let fit = fits(r.dm, r.alternatives.iter().map(Vec::len).sum());
            requirements_left_out += usize::from(!fit);
            fit
        })
        .collect();
    omitted.requirements = requirements_left_out;
    (
        Conditions::When {
            required,
            requirements,
        },
        omitted,
    )
}

impl ConceptAnswer {
    /// `question`'s answer under `concept`: its conditions, counted and sampled as asked.
    /// Running out of time ends the whole request, unlike the other errors, which are
    /// this concept's answer.
    fn of(
        question: &Inverse,
        concept: Concept,
        request: &InverseRequest,
        timer: &Timer,
    ) -> Result<ConceptAnswer, AppError> {
        let conditions = in_time(question.conditions(concept, timer), timer)?;
        let count = match &conditions {
            Ok(c) if request.count => Some(in_time(question.count(concept, c, timer), timer)?),
            _ => None,
        };
        let samples = match (&conditions, request.sample) {
            (Ok(c), Some(n)) => {
                let drawn = question.sample(concept, c, n.into(), request.seed, timer);
                Some(in_time(drawn, timer)?)
            }
            _ => None,
        };
        let (conditions, omitted) = match conditions {
            Ok(c) if !request.full => {
                let (shown, omitted) = summarised(c, INVERSE_SHOWN_COMPARISONS);
                (Ok(shown), omitted)
            }
            other => (other, Omitted::default()),
        };
        Ok(ConceptAnswer {
            concept,
            conditions,
            count,
            samples,
            omitted,
        })
    }
}

/// An inverse result as a concept's answer, unless it ran out of `timer`'s time.
fn in_time<T>(
    result: Result<T, InverseError>,
    timer: &Timer,
) -> Result<Result<T, InverseError>, AppError> {
    match result {
        Err(InverseError::OutOfTime(e)) => Err(timer.over(e)),
        other => Ok(other),
    }
}
