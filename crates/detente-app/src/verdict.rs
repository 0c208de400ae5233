//! Verdicts: for the states a reader cares about (the status quo and the named
//! states), whether each holds under each concept, who is tempted to leave it,
//! to what, and what, if anything, holds them back. One implementation for the
//! CLI's opening, the workbench and the brief; detente-report puts it in words.

use detente_engine::explain::{Sanction, explain};
use detente_engine::inverse::{self, Comparison, Conditions, Inverse};
use detente_engine::robustness::{self, Robustness, Settings};
use detente_engine::{Analysis, Concept, Conflict, Deadline, Model, NoDeadline, StateIndex};

/// Above this many states a verdict names temptations but does not search for what
/// deters them (one explanation per concept and DM each).
pub const DETERRENCE_SEARCH_MAX_STATES: usize = 100_000;

/// Verdicts say how robust they are only when every order of preference the model's
/// uncertain priorities allow can be analysed, up to this many.
pub const VERDICT_PROFILES_MAX: u64 = 1024;

/// The model's uncertain preferences analysed over every order they allow, for the
/// verdicts to say how often each holds; `None` when the model declares no uncertainty,
/// allows more than [`VERDICT_PROFILES_MAX`] orders (`detente robustness` samples those),
/// or the `deadline` passes first (the verdicts then go without it).
pub fn verdict_robustness(
    model: &Model,
    conflict: &Conflict,
    concepts: &[Concept],
    deadline: &dyn Deadline,
) -> Option<Robustness> {
    let profiles = robustness::profile_count(model)?;
    if profiles <= 1 || profiles > u128::from(VERDICT_PROFILES_MAX) {
        return None;
    }
    let settings = Settings {
        exact_limit: VERDICT_PROFILES_MAX,
        ..Settings::new(concepts)
    };
    Robustness::run(model, conflict, &settings, deadline, &|| {}).ok()
}

/// Which state a verdict is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    StatusQuo,
    /// A state the model names (`[[state]]`), by its name.
    Named(String),
    /// Any other state, asked for by the user.
    State,
}

/// Whether one state holds, and why or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub subject: Subject,
    pub state: StateIndex,
    /// The concepts analysed under which it is an equilibrium, in the engine's order.
    pub holds: Vec<Concept>,
    /// The concepts analysed under which it is not.
    pub fails: Vec<Concept>,
    /// One per DM that gains by leaving it, in model order.
    pub temptations: Vec<Temptation>,
    /// What each tempted DM would have to come to prefer for the state to hold for
    /// it, per concept of inverse analysis; empty when not searched (models over
    /// [`DETERRENCE_SEARCH_MAX_STATES`] states).
    pub changes: Vec<Change>,
}

/// What one DM would have to prefer, under some concepts, for a state to be stable
/// for it, the others keeping their preferences: the inverse answer for that DM,
/// reduced to what it does not prefer today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub dm: usize,
    /// The concepts (of inverse analysis, under which the state is not stable for
    /// `dm` today) that need exactly these preferences.
    pub concepts: Vec<Concept>,
    /// One per move that `dm` would still make: all are needed.
    pub needs: Vec<Need>,
}

/// One of a DM's moves away from the state, and the ways it could stop paying: `dm`
/// ranking the state above the move's end (`move_to`), or above every state of one of
/// `answers` (the outcomes the others' answers lead to). Only comparisons `dm` does
/// not make today are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub move_to: StateIndex,
    pub answers: Vec<Vec<StateIndex>>,
}

/// A DM's best unilateral improvement from the state, and what deters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Temptation {
    pub dm: usize,
    /// Where its best move leads (ties broken by state number).
    pub to: StateIndex,
    /// The answers that deter it, each with the concepts it serves; empty when not searched.
    pub deterred: Vec<(Vec<Concept>, Sanction)>,
    /// Concepts (besides Nash, which never deters) under which nothing deters it.
    pub undeterred: Vec<Concept>,
    /// Whether deterrence was searched for (the model is at most
    /// [`DETERRENCE_SEARCH_MAX_STATES`] states).
    pub searched: bool,
}

/// Verdicts on the status quo and every named state under `analysis`'s concepts.
pub fn verdicts(model: &Model, conflict: &Conflict, analysis: &Analysis) -> Vec<Verdict> {
    let named = model
        .named_states
        .iter()
        .zip(conflict.named_states())
        .map(|(n, &s)| (Subject::Named(n.name.clone()), s));
    conflict
        .status_quo()
        .map(|s| (Subject::StatusQuo, s))
        .into_iter()
        .chain(named)
        .map(|(subject, s)| verdict(model, conflict, analysis, subject, s))
        .collect()
}

/// The verdict on state `s`.
pub fn verdict(
    model: &Model,
    conflict: &Conflict,
    analysis: &Analysis,
    subject: Subject,
    s: StateIndex,
) -> Verdict {
    let (holds, fails) = analysis
        .concepts()
        .iter()
        .partition(|&&c| analysis.equilibria(c).contains(s as usize));
    let searched = conflict.state_count() <= DETERRENCE_SEARCH_MAX_STATES;
    let temptations: Vec<Temptation> = (0..model.decision_makers.len())
        .filter_map(|dm| {
            let &to = conflict.improvements(dm, s).first()?;
            let mut temptation = Temptation {
                dm,
                to,
                deterred: Vec::new(),
                undeterred: Vec::new(),
                searched,
            };
            if searched {
                search_deterrence(conflict, analysis.concepts(), s, &mut temptation);
            }
            Some(temptation)
        })
        .collect();
    let changes = if searched {
        temptations
            .iter()
            .flat_map(|t| changes_for(conflict, analysis, s, t.dm))
            .collect()
    } else {
        Vec::new()
    };
    Verdict {
        subject,
        state: s,
        holds,
        fails,
        temptations,
        changes,
    }
}

/// What `dm` would have to come to prefer for `s` to be stable for it, under each
/// concept of inverse analysis that was analysed and under which it is not stable
/// today; concepts needing the same change are grouped.
fn changes_for(conflict: &Conflict, analysis: &Analysis, s: StateIndex, dm: usize) -> Vec<Change> {
    let question = Inverse::stable_for(conflict, s, dm);
    let mut changes: Vec<Change> = Vec::new();
    for &concept in analysis.concepts() {
        if !inverse::CONCEPTS.contains(&concept) || analysis.is_stable(concept, dm, s) {
            continue;
        }
        // Models up to DETERRENCE_SEARCH_MAX_STATES only, one DM varied: quick; a
        // model whose conditions are over the inverse limits goes without.
        let Ok(Conditions::When {
            required,
            requirements,
        }) = question.conditions(concept, &NoDeadline)
        else {
            continue;
        };
        let made_today = |c: &Comparison| conflict.rank(dm, c.below) <= conflict.rank(dm, c.above);
        let unmet = |alternative: &[Comparison]| -> Vec<StateIndex> {
            alternative
                .iter()
                .filter(|c| !made_today(c))
                .map(|c| c.below)
                .collect()
        };
        let mut needs: Vec<Need> = required
            .iter()
            .filter(|c| !made_today(c))
            .map(|c| Need {
                move_to: c.below,
                answers: Vec::new(),
            })
            .collect();
        for requirement in &requirements {
            let open: Vec<Vec<StateIndex>> =
                requirement.alternatives.iter().map(|a| unmet(a)).collect();
            if open.iter().any(Vec::is_empty) {
                continue;
            }
            needs.push(Need {
                move_to: requirement.move_to,
                answers: open
                    .into_iter()
                    .filter(|states| states != &[requirement.move_to])
                    .collect(),
            });
        }
        match changes.iter_mut().find(|c| c.needs == needs) {
            Some(same) => same.concepts.push(concept),
            None => changes.push(Change {
                dm,
                concepts: vec![concept],
                needs,
            }),
        }
    }
    changes
}

/// Fills in which answers deter `temptation` under each concept: one entry per
/// distinct answer, naming every concept it serves.
fn search_deterrence(
    conflict: &Conflict,
    concepts: &[Concept],
    s: StateIndex,
    temptation: &mut Temptation,
) {
    for &c in concepts.iter().filter(|&&c| c != Concept::Nash) {
        // Models up to DETERRENCE_SEARCH_MAX_STATES only: one state's explanation is quick.
        let Ok(why) = explain(conflict, temptation.dm, c, s, &NoDeadline) else {
            continue;
        };
        let sanction = why
            .into_iter()
            .find(|w| w.improvement == temptation.to)
            .and_then(|w| w.sanction);
        match sanction {
            Some(sanction) => match temptation
                .deterred
                .iter_mut()
                .find(|(_, known)| *known == sanction)
            {
                Some((served, _)) => served.push(c),
                None => temptation.deterred.push((vec![c], sanction)),
            },
            None => temptation.undeterred.push(c),
        }
    }
}
