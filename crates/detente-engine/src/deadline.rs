//! Cooperative cancellation: a caller bounds an analysis with a [`Deadline`],
//! and the analysis's long loops poll it and give up with [`OutOfTime`].
//!
//! The engine keeps no clock: what "passed" means is the caller's (a time
//! limit, a cancel button). Polling a clock costs tens of nanoseconds, so loops
//! poll once every [`POLL_EVERY`] steps, a few microseconds of work apart.

use std::cell::Cell;

/// When an analysis should stop.
pub trait Deadline: Sync {
    /// Whether the work should stop now.
    fn passed(&self) -> bool;
}

/// No deadline: the analysis runs to its end.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDeadline;

impl Deadline for NoDeadline {
    fn passed(&self) -> bool {
        false
    }
}

/// The analysis stopped because its deadline passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the analysis ran out of time")]
pub struct OutOfTime;

/// Steps of a loop between two polls of its deadline.
pub(crate) const POLL_EVERY: usize = 1 << 12;

impl dyn Deadline + '_ {
    /// Polls now.
    pub(crate) fn check(&self) -> Result<(), OutOfTime> {
        if self.passed() {
            Err(OutOfTime)
        } else {
            Ok(())
        }
    }

    /// Polls at step `step` of an indexed (possibly parallel) loop, on one step in [`POLL_EVERY`].
    pub(crate) fn check_at(&self, step: usize) -> Result<(), OutOfTime> {
        if step.is_multiple_of(POLL_EVERY) {
            self.check()
        } else {
            Ok(())
        }
    }
}

/// Counts the steps of a sequential loop and polls a deadline on one in [`POLL_EVERY`]
/// (the first included). It counts through `&self`, so that `Fn` closures can tick it,
/// and once out of time it stays so, so that a search can unwind and ask afterwards.
pub(crate) struct Ticker<'a> {
    deadline: &'a dyn Deadline,
    steps: Cell<usize>,
    out_of_time: Cell<bool>,
}

impl<'a> Ticker<'a> {
    pub(crate) fn new(deadline: &'a dyn Deadline) -> Ticker<'a> {
        Ticker {
            deadline,
            steps: Cell::new(0),
            out_of_time: Cell::new(false),
        }
    }

    /// One more step.
    pub(crate) fn tick(&self) -> Result<(), OutOfTime> {
        let step = self.steps.get();
        self.steps.set(step.wrapping_add(1));
        if self.out_of_time.get() || self.deadline.check_at(step).is_err() {
            self.out_of_time.set(true);
            return Err(OutOfTime);
        }
        Ok(())
    }

    /// Whether a tick found the deadline passed.
    pub(crate) fn stopped(&self) -> Result<(), OutOfTime> {
        if self.out_of_time.get() {
            Err(OutOfTime)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    //! Every entry point stops at a deadline already passed, and the loops inside
    //! poll too: a deadline that passes at its second poll stops them as well.

    use super::*;
    use crate::coalition::{CoalitionAnalysis, CoalitionError, all_coalitions};
    use crate::evolve::Evolution;
    use crate::explain::explain;
    use crate::foresight::tests::{conflict, model};
    use crate::foresight::{Foresight, ForesightError, Outlook};
    use crate::generate::{PreferenceKind, Shape, generate};
    use crate::inverse::{Inverse, InverseError};
    use crate::robustness::{Robustness, RobustnessError, Settings};
    use crate::{Analysis, CompileError, Concept, Conflict};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Passes once it has been polled `polls` times.
    struct After {
        polls: usize,
        seen: AtomicUsize,
    }

    impl After {
        fn polls(polls: usize) -> After {
            After {
                polls,
                seen: AtomicUsize::new(0),
            }
        }
    }

    impl Deadline for After {
        fn passed(&self) -> bool {
            self.seen.fetch_add(1, Ordering::Relaxed) >= self.polls
        }
    }

    fn passed() -> After {
        After::polls(0)
    }

    #[test]
    fn compiling_stops_at_every_poll() {
        // 2^20 states: each of the enumeration's branches polls several times.
        let model = generate(&Shape {
            dms: 4,
            options_per_dm: 5,
            rules: 0,
            rule_width: 2,
            irreversible_percent: 0,
            preferences: PreferenceKind::Prioritization { statements: 4 },
            seed: 1,
        });
        let counter = After::polls(usize::MAX);
        Conflict::compile_within(&model, 1 << 20, &counter).unwrap();
        let polls = counter.seen.load(Ordering::Relaxed);
        // 64 branches polling at their start and every 4096 steps, 20 columns,
        // 4 DMs' 4 statements and their sorts.
        assert!(polls > 64 * 2 + 20 + 4 * 5, "{polls} polls");
        for n in [0, polls / 2, polls - 1] {
            let result = Conflict::compile_within(&model, 1 << 20, &After::polls(n));
            assert_eq!(
                result.err(),
                Some(CompileError::OutOfTime(OutOfTime)),
                "{n}"
            );
        }
    }

    #[test]
    fn an_analysis_stops_under_every_concept() {
        let c = conflict(7);
        for concept in Concept::ALL {
            for deadline in [passed(), After::polls(1)] {
                let result = Analysis::run(&c, &[concept], &deadline, &|| {});
                assert_eq!(result.err(), Some(OutOfTime), "{}", concept.label());
            }
        }
    }

    #[test]
    fn foresight_stops() {
        let c = conflict(7);
        for deadline in [passed(), After::polls(1)] {
            let result = Foresight::run(&c, 3, Outlook::Cautious, &deadline);
            assert_eq!(result.err(), Some(ForesightError::OutOfTime(OutOfTime)));
        }
    }

    #[test]
    fn robustness_stops() {
        let model = model(7);
        let c = Conflict::compile(&model, 1 << 10).unwrap();
        let settings = Settings::new(&[Concept::Nash]);
        let result = Robustness::run(&model, &c, &settings, &passed(), &|| {});
        assert_eq!(result.err(), Some(RobustnessError::OutOfTime(OutOfTime)));
    }

    #[test]
    fn coalitional_stability_stops() {
        let c = conflict(7);
        for deadline in [passed(), After::polls(1)] {
            let result = CoalitionAnalysis::run(&c, &all_coalitions(3), Concept::Seq, &deadline);
            assert_eq!(result.err(), Some(CoalitionError::OutOfTime(OutOfTime)));
        }
    }

    #[test]
    fn an_evolution_stops() {
        let result = Evolution::with_coalitions(&conflict(7), 0, &all_coalitions(3), &passed());
        assert!(matches!(result, Err(OutOfTime)));
    }

    #[test]
    fn explanations_stop() {
        let c = conflict(7);
        for concept in Concept::ALL {
            assert_eq!(explain(&c, 0, concept, 0, &passed()), Err(OutOfTime));
        }
    }

    #[test]
    fn inverse_analysis_stops() {
        let c = conflict(7);
        let question = Inverse::new(&c, 0, &[0]);
        let out = Some(InverseError::OutOfTime(OutOfTime));
        for concept in [Concept::Nash, Concept::Gmr, Concept::Seq] {
            assert_eq!(question.conditions(concept, &passed()).err(), out);
            let conditions = question.conditions(concept, &NoDeadline).unwrap();
            let count = question.count(concept, &conditions, &passed());
            assert_eq!(count.err(), out);
            let sample = question.sample(concept, &conditions, 1, 1, &passed());
            assert_eq!(sample.err(), out);
        }
        let gmr = question.conditions(Concept::Gmr, &After::polls(1));
        assert_eq!(gmr.err(), out);
    }
}
