//! Interpreting what a request names: decision makers (by name or id), states
//! (by number, Y/N string, name or `sq`), solution concepts and coalitions.

use crate::error::AppError;
use crate::source::Prepared;
use detente_engine::{Concept, Model, StateIndex};

/// Above this many states SIM and SEQ&SIM are left out unless asked for: the SIM search
/// grows with the product of the other DMs' improvements.
pub const SIM_DEFAULT_MAX_STATES: usize = 100_000;

/// Above this many DMs, "all coalitions" must be narrowed down by hand.
pub const MAX_DMS_FOR_ALL_COALITIONS: usize = 8;

/// The concepts analysed when none are named: all of them, less SIM and SEQ&SIM above
/// [`SIM_DEFAULT_MAX_STATES`] states.
pub fn default_concepts(state_count: usize) -> Vec<Concept> {
    Concept::ALL
        .into_iter()
        .filter(|&c| {
            state_count <= SIM_DEFAULT_MAX_STATES || !matches!(c, Concept::Sim | Concept::SeqSim)
        })
        .collect()
}

/// The concepts a whole-model analysis runs, and whether SIM was left out for size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptChoice {
    /// In the engine's order, without repeats.
    pub concepts: Vec<Concept>,
    /// SIM and SEQ&SIM were left out of the defaults because the model is large.
    pub sim_left_out: bool,
}

impl ConceptChoice {
    /// The concepts `asked` for, or the defaults for `state_count` states.
    pub fn new(asked: Option<&[Concept]>, state_count: usize) -> Result<ConceptChoice, AppError> {
        match asked {
            Some(asked) => Ok(ConceptChoice {
                concepts: ordered(asked)?,
                sim_left_out: false,
            }),
            None => {
                let concepts = default_concepts(state_count);
                Ok(ConceptChoice {
                    sim_left_out: concepts.len() < Concept::ALL.len(),
                    concepts,
                })
            }
        }
    }
}

/// `asked` in the engine's order without repeats; an empty list is an error.
pub fn ordered(asked: &[Concept]) -> Result<Vec<Concept>, AppError> {
    let mut chosen = asked.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.is_empty() {
        return Err(AppError::invalid("no solution concept chosen")
            .help("name at least one of nash, gmr, smr, seq, sim, seqsim"));
    }
    Ok(chosen)
}

/// The concepts named by their keys (`nash`, `gmr`, ..., `seqsim`).
pub fn concepts_by_key<S: AsRef<str>>(keys: &[S]) -> Result<Vec<Concept>, AppError> {
    let concepts = keys
        .iter()
        .map(|key| concept_by_key(key.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    ordered(&concepts)
}

/// One concept by its key.
pub fn concept_by_key(key: &str) -> Result<Concept, AppError> {
    Concept::from_key(key).ok_or_else(|| {
        AppError::invalid(format!("no solution concept called `{key}`"))
            .help("concepts: nash, gmr, smr, seq, sim, seqsim")
    })
}

/// Which coalitions an analysis examines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CoalitionChoice {
    /// The model's `[[coalition]]` entries, or every coalition of two or more DMs if it lists none.
    #[default]
    Listed,
    /// Every coalition of two or more DMs.
    All,
    /// These, each a list of DM names or ids.
    Named(Vec<Vec<String>>),
}

impl Prepared {
    pub fn model(&self) -> &Model {
        &self.loaded.model
    }

    /// The DM called `name` (its name or id).
    pub fn dm(&self, name: &str) -> Result<usize, AppError> {
        let model = self.model();
        model.find_dm(name.trim()).ok_or_else(|| {
            let names: Vec<&str> = model
                .decision_makers
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            AppError::invalid(format!("no decision maker called `{}`", name.trim()))
                .help(format!("decision makers: {}", names.join(", ")))
        })
    }

    /// The DMs named (ascending, without repeats), or every DM when `names` is `None`.
    pub fn dms<S: AsRef<str>>(&self, names: Option<&[S]>) -> Result<Vec<usize>, AppError> {
        let Some(names) = names else {
            return Ok((0..self.model().decision_makers.len()).collect());
        };
        let mut dms = names
            .iter()
            .map(|name| self.dm(name.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        dms.sort_unstable();
        dms.dedup();
        Ok(dms)
    }

    /// The state numbered `id` (1-based, as in every report).
    pub fn state_number(&self, id: usize) -> Result<StateIndex, AppError> {
        let count = self.conflict.state_count();
        (1..=count)
            .contains(&id)
            .then(|| (id - 1) as StateIndex)
            .ok_or_else(|| {
                AppError::invalid(format!("there is no state {id}"))
                    .help(format!("states are numbered 1 to {count}"))
            })
    }

    /// The status quo, or an error saying how to name a start instead.
    pub fn status_quo(&self) -> Result<StateIndex, AppError> {
        self.conflict.status_quo().ok_or_else(|| {
            AppError::invalid("the model has no status quo")
                .help("add `status_quo` to the model, or name the state")
        })
    }

    /// A state named in words: its number, its Y/N string, a named state, or `sq`.
    pub fn state(&self, text: &str) -> Result<StateIndex, AppError> {
        let (model, space) = (self.model(), self.conflict.space());
        if let Ok(id) = text.parse::<usize>() {
            return self.state_number(id);
        }
        if matches!(
            text.to_ascii_lowercase().as_str(),
            "sq" | "status-quo" | "status_quo"
        ) {
            return self.status_quo();
        }
        let options = model.option_count();
        if text.len() == options && text.chars().all(|c| matches!(c, 'Y' | 'N' | 'y' | 'n')) {
            let pattern = text.chars().enumerate().fold(0u64, |p, (k, c)| {
                p | (u64::from(c.eq_ignore_ascii_case(&'y')) << k)
            });
            return space.index_of(pattern).ok_or_else(|| {
                AppError::invalid(format!("{text} is not a feasible state")).help(
                    "a feasibility rule excludes it; `detente states` lists the feasible states",
                )
            });
        }
        model
            .named_states
            .iter()
            .zip(self.conflict.named_states())
            .find(|(n, _)| n.name.eq_ignore_ascii_case(text))
            .map(|(_, &s)| s)
            .ok_or_else(|| {
                let names: Vec<String> = model
                    .named_states
                    .iter()
                    .map(|n| format!("\"{}\"", n.name))
                    .collect();
                AppError::invalid(format!("no state called `{text}`")).help(format!(
                    "name a state by its number (1 to {}), its Y/N string ({options} letters), `sq`{}{}",
                    space.len(),
                    if names.is_empty() { "" } else { ", or one of " },
                    names.join(", ")
                ))
            })
    }

    /// The state in which exactly the options `taken` (by id) are taken: a package of
    /// terms as a council tables it. Unknown or repeated ids and states a rule excludes
    /// are refused, saying which.
    pub fn state_taking<S: AsRef<str>>(&self, taken: &[S]) -> Result<StateIndex, AppError> {
        let model = self.model();
        let ids: Vec<&str> = model.options().map(|(_, o)| o.id.as_str()).collect();
        let mut pattern = 0u64;
        for id in taken {
            let id = id.as_ref();
            let k = ids.iter().position(|o| *o == id).ok_or_else(|| {
                AppError::invalid(format!("the model has no option `{id}`"))
                    .help(format!("its options are {}", ids.join(", ")))
            })?;
            if pattern & (1 << k) != 0 {
                return Err(AppError::invalid(format!("`{id}` is named twice")));
            }
            pattern |= 1 << k;
        }
        self.conflict.space().index_of(pattern).ok_or_else(|| {
            let named: Vec<&str> = taken.iter().map(AsRef::as_ref).collect();
            AppError::invalid(format!(
                "taking {} and no other option is not a feasible state: a feasibility rule of the model excludes it",
                if named.is_empty() { "nothing".to_string() } else { named.join(", ") }
            ))
            .help("`detente states` lists the feasible states; the model's rules say which combinations are excluded")
        })
    }

    /// The coalitions `choice` names, each as its members' indices, ascending. A coalition
    /// needs two or more distinct members: one DM alone is ordinary stability.
    pub fn coalitions(&self, choice: &CoalitionChoice) -> Result<Vec<Vec<usize>>, AppError> {
        let model = self.model();
        let listed = !model.coalitions.is_empty();
        match choice {
            CoalitionChoice::Listed if listed => {
                Ok(model.coalitions.iter().map(|c| c.members.clone()).collect())
            }
            CoalitionChoice::Named(lists) => lists
                .iter()
                .map(|names| {
                    let members = self.dms(Some(names))?;
                    if members.len() < 2 {
                        return Err(AppError::invalid(format!(
                            "a coalition needs two or more decision makers; `{}` names one",
                            names.join(",")
                        ))
                        .help("name at least two different decision makers per coalition"));
                    }
                    Ok(members)
                })
                .collect(),
            CoalitionChoice::Listed | CoalitionChoice::All => {
                let dms = model.decision_makers.len();
                if dms > MAX_DMS_FOR_ALL_COALITIONS {
                    return Err(AppError::invalid(format!(
                        "{dms} decision makers make too many coalitions to examine them all (at most {MAX_DMS_FOR_ALL_COALITIONS} DMs)"
                    ))
                    .help("name the coalitions to examine"));
                }
                Ok(detente_engine::coalition::all_coalitions(dms))
            }
        }
    }
}
