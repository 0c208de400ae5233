//! Renders an analysis for people and programs: terminal tables, Markdown,
//! CSV, versioned JSON, DOT and a plain-English summary. Every report
//! implements [`Render`], which lists the formats it has and refuses any
//! other, so front ends never check formats themselves. Everything writes to
//! a `std::io::Write` as it goes, so large results are streamed, not built up.

mod coalitions;
mod csv;
mod describe;
mod evolution;
mod explanation;
mod foresight;
mod inverse;
mod json;
mod render;
mod robustness;
mod sources;
mod summary;
mod sweep;
mod text;
mod verdict;

pub use coalitions::{COALITIONS_SCHEMA, CoalitionReport};
pub(crate) use csv::field as csv_field;
pub use describe::{ChangeText, compress_ids, describe_change, describe_state};
pub use evolution::{EVOLUTION_SCHEMA, EvolutionReport, PathMove};
pub use explanation::{EXPLANATION_SCHEMA, Explanation};
pub use foresight::{FORESIGHT_SCHEMA, ForesightReport};
pub use inverse::{INVERSE_SCHEMA, InverseReport};
pub use json::SCHEMA;
pub(crate) use json::json_body;
pub use render::{Format, Render, RenderError, Unsupported};
pub use robustness::{ROBUSTNESS_SCHEMA, RobustnessReport};
pub use sources::{SOURCES_SCHEMA, SourcesReport, count};
pub use summary::summary;
pub use sweep::{SWEEP_SCHEMA, SweepReport};
pub use text::Flavour;
pub use verdict::{
    VERDICTS_SCHEMA, VerdictText, VerdictsReport, and_list, assumes, glossary, labels,
};

use detente_engine::{Analysis, Concept, Conflict, Model, StateIndex};
use std::io::{self, Write};

/// A finished analysis with the model it came from.
pub struct Report<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    pub analysis: &'a Analysis,
    /// Show every state in the tableau, however many there are.
    pub all_states: bool,
    /// The model's uncertain preferences analysed, for the verdicts to say how robust they are.
    pub robustness: Option<&'a detente_engine::robustness::Robustness>,
}

/// Up to this many states, the tableau shows all of them by default.
pub const FULL_TABLEAU_LIMIT: usize = 32;

impl Render for Report<'_> {
    fn kind(&self) -> &'static str {
        "analyses"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json, Format::Csv]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        text::write_analysis(self, flavour, out)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::write_analysis(self, out)
    }

    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        csv::write_analysis(self, out)
    }
}

impl Report<'_> {
    /// The states the tableau shows: all of them for small models, otherwise
    /// the status quo, the named states and the equilibria of the most
    /// selective concept analysed that has any (Nash, else SEQ, SIM, SMR, GMR),
    /// at most [`TABLEAU_MAX_STATES`] of them. Every stable state is listed by
    /// number in the "Stable states" table anyway.
    pub fn tableau_states(&self) -> Vec<StateIndex> {
        let n = self.conflict.state_count();
        if self.all_states || n <= FULL_TABLEAU_LIMIT {
            return (0..n as StateIndex).collect();
        }
        let mut shown = fixedbitset::FixedBitSet::with_capacity(n);
        for s in self
            .conflict
            .status_quo()
            .iter()
            .chain(self.conflict.named_states())
        {
            shown.insert(*s as usize);
        }
        if let Some(equilibria) = self.tableau_concept().map(|c| self.analysis.equilibria(c)) {
            for s in equilibria
                .ones()
                .take(TABLEAU_MAX_STATES.saturating_sub(shown.count_ones(..)))
            {
                shown.insert(s);
            }
        }
        shown.ones().map(|s| s as StateIndex).collect()
    }

    /// The concept whose equilibria a large model's tableau shows.
    pub fn tableau_concept(&self) -> Option<Concept> {
        SELECTIVE_FIRST
            .into_iter()
            .filter(|c| self.analysis.concepts().contains(c))
            .find(|&c| self.analysis.equilibria(c).count_ones(..) > 0)
    }
}

/// Concepts from the fewest equilibria to the most, as a rule.
const SELECTIVE_FIRST: [Concept; 6] = [
    Concept::Nash,
    Concept::SeqSim,
    Concept::Seq,
    Concept::Sim,
    Concept::Smr,
    Concept::Gmr,
];

/// Most states a large model's tableau shows by default.
pub const TABLEAU_MAX_STATES: usize = 48;

/// The feasible states alone (for `detente states`).
pub struct StatesReport<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
}

impl Render for StatesReport<'_> {
    fn kind(&self) -> &'static str {
        "state listings"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json, Format::Csv]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        text::write_states(self.model, self.conflict, flavour, out)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::write_states(self.model, self.conflict, out)
    }

    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        csv::write_states(self.model, self.conflict, out)
    }
}
