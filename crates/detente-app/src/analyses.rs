//! The analyses a user can ask for, each a request type and an answer type:
//! the request's validation and the engine calls live here, once, and every
//! front end renders the answer with detente-report.

use crate::choose::CoalitionChoice;
use crate::error::{AppError, Limit};
use crate::source::Prepared;
use detente_engine::coalition::CoalitionAnalysis;
use detente_engine::evolve::Evolution;
use detente_engine::foresight::{Foresight, MAX_HORIZON, Outlook};
use detente_engine::inverse::{self, Conditions, Count, Inverse, InverseError, MAX_SAMPLES};
use detente_engine::robustness::{Robustness, RobustnessError, Settings};
use detente_engine::{Concept, StateIndex};

/// Why one state is or is not stable, for some DMs and concepts.
#[derive(Debug, Clone, Default)]
pub struct ExplainRequest {
    /// DM names or ids; every DM when `None`.
    pub dms: Option<Vec<String>>,
    /// Every concept when `None`: one state's explanation is cheap even under SIM.
    pub concepts: Option<Vec<Concept>>,
}

/// The DMs and concepts an explanation covers, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainPlan {
    pub dms: Vec<usize>,
    pub concepts: Vec<Concept>,
}

impl Prepared {
    /// Resolves an explanation's DMs and concepts.
    pub fn explain(&self, request: &ExplainRequest) -> Result<ExplainPlan, AppError> {
        Ok(ExplainPlan {
            dms: self.dms(request.dms.as_deref())?,
            concepts: match &request.concepts {
                Some(asked) => crate::choose::ordered(asked)?,
                None => Concept::ALL.to_vec(),
            },
        })
    }

    /// The states reachable from `from` (the status quo when `None`) by unilateral
    /// improvements and, when `coalitions` names any, the coalitions' joint ones.
    pub fn evolve(
        &self,
        from: Option<StateIndex>,
        coalitions: Option<&CoalitionChoice>,
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
        let evolution = Evolution::with_coalitions(&self.conflict, start, &coalitions);
        Ok((evolution, coalitions))
    }

    /// Coalitional stability under `concept` (Nash, GMR, SMR or SEQ) for the chosen coalitions.
    pub fn coalitional(
        &self,
        concept: Concept,
        choice: &CoalitionChoice,
    ) -> Result<CoalitionAnalysis, AppError> {
        let coalitions = self.coalitions(choice)?;
        CoalitionAnalysis::run(&self.conflict, &coalitions, concept)
            .map_err(|e| AppError::over(Limit::Coalitions, e.to_string()))
    }

    /// Limited-move stability at `horizon` under `outlook`, and under the other outlook
    /// (reports compare the two).
    pub fn foresight(
        &self,
        horizon: u32,
        outlook: Outlook,
    ) -> Result<(Foresight, Foresight), AppError> {
        if !(1..=MAX_HORIZON).contains(&horizon) {
            return Err(
                AppError::invalid(format!("a horizon of {horizon} is out of range")).help(format!(
                    "look ahead 1 to {MAX_HORIZON} moves (1 is Nash stability)"
                )),
            );
        }
        let run = |outlook| {
            Foresight::run(&self.conflict, horizon, outlook)
                .map_err(|e| AppError::over(Limit::Horizon, e.to_string()))
        };
        Ok((run(outlook)?, run(outlook.other())?))
    }

    /// Robustness under the model's uncertain preferences; `settings` hold the request's
    /// choices (see [`robustness_settings`]).
    pub fn robustness(
        &self,
        settings: &Settings,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Robustness, AppError> {
        Robustness::run(self.model(), &self.conflict, settings, progress).map_err(|e| match e {
            RobustnessError::TooManyStates { .. } => {
                AppError::over(Limit::RobustnessStates, e.to_string())
            }
            RobustnessError::TooManyProfiles { .. } | RobustnessError::NoSamples => {
                AppError::over(Limit::Profiles, e.to_string())
            }
            RobustnessError::BadUncertainty { .. } | RobustnessError::Model(_) => {
                AppError::invalid(e.to_string())
                    .help("check the `priority` ranges of the model (docs/MODEL_FORMAT.md)")
            }
        })
    }

    /// The inverse question: under which preferences of the varied DMs `request.target`
    /// is an equilibrium.
    pub fn inverse(&self, request: &InverseRequest) -> Result<InverseAnswer, AppError> {
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
            .map(|&concept| ConceptAnswer::of(&question, concept, request))
            .collect();
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
}

impl ConceptAnswer {
    /// `question`'s answer under `concept`: its conditions, counted and sampled as asked.
    fn of(question: &Inverse, concept: Concept, request: &InverseRequest) -> ConceptAnswer {
        let conditions = question.conditions(concept);
        let count = match &conditions {
            Ok(c) if request.count => Some(question.count(concept, c)),
            _ => None,
        };
        let samples = match (&conditions, request.sample) {
            (Ok(c), Some(n)) => Some(question.sample(concept, c, n.into(), request.seed)),
            _ => None,
        };
        ConceptAnswer {
            concept,
            conditions,
            count,
            samples,
        }
    }
}
