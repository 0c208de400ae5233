//! A package of terms judged on its own, as a council asks of every tabled proposal:
//! the verdict on that one state, how robust it is, and whether the status quo can
//! get there by the parties' own improvements.

use crate::choose::default_concepts;
use crate::error::AppError;
use crate::limits::Timer;
use crate::source::Prepared;
use crate::verdict::{Subject, Verdict, verdict, verdict_robustness};
use detente_engine::evolve::Evolution;
use detente_engine::robustness::Robustness;
use detente_engine::{Analysis, StateIndex};

/// Everything the engine says about one package.
pub struct PackageAnswer {
    pub analysis: Analysis,
    pub verdict: Verdict,
    /// `None` when the model declares no uncertainty or allows too many orders.
    pub robustness: Option<Robustness>,
    /// From the status quo by unilateral improvements; `None` without a status quo.
    pub evolution: Option<Evolution>,
}

impl Prepared {
    /// The verdict on state `s`, called `name`, under the default concepts, within
    /// `timer`'s limit.
    pub fn package(
        &self,
        s: StateIndex,
        name: &str,
        timer: &Timer,
    ) -> Result<PackageAnswer, AppError> {
        let concepts = default_concepts(self.conflict.state_count());
        let analysis = self.analysis(&concepts, timer, &|| {})?;
        let verdict = verdict(
            self.model(),
            &self.conflict,
            &analysis,
            Subject::Named(name.to_string()),
            s,
        );
        let robustness = verdict_robustness(self.model(), &self.conflict, &concepts, timer);
        let evolution = match self.conflict.status_quo() {
            Some(_) => Some(self.evolve(None, None, timer)?.0),
            None => None,
        };
        Ok(PackageAnswer {
            analysis,
            verdict,
            robustness,
            evolution,
        })
    }
}
