//! The application layer: every request a user can make of detente, interpreted
//! and validated once for every front end (the CLI, the workbench, and the
//! council and Python package to come). A front end parses its own input into
//! these requests, calls one function and renders the answer with
//! detente-report; it never re-validates what this layer checks.
//!
//! Errors ([`AppError`]) name no front end: where a fix depends on a front
//! end's flags or fields (raising a limit), the error carries the [`Limit`] and
//! the front end says it in its own words.

mod analyses;
mod brief;
mod choose;
mod edit;
mod error;
mod limits;
mod models;
mod package;
mod positions;
mod source;
mod sources;
mod sweep;
mod variants;
mod verdict;

pub use analyses::{
    ConceptAnswer, ExplainRequest, Explained, INVERSE_SHOWN_COMPARISONS, InverseAnswer,
    InverseRequest, Omitted, robustness_settings,
};
pub use brief::{BriefAnswer, BriefFormat};
pub use choose::{
    CoalitionChoice, ConceptChoice, MAX_DMS_FOR_ALL_COALITIONS, SIM_DEFAULT_MAX_STATES,
    concept_by_key, concepts_by_key, default_concepts,
};
pub use edit::{Renamed, conjunction, rename, values};
pub use error::{AppError, Limit};
pub use limits::{Cancel, HARD_MAX_STATES, Limits, SERVICE_TIME, Timer, max_states, whole_seconds};
pub use models::{
    Converted, ModelFormat, Opened, RANKING_MAX_OPTIONS, convert, file_stem, generate,
    open_for_editing,
};
pub use package::PackageAnswer;
pub use positions::{
    POSITION_KEYS, agenda, check_position, dm_ids, position_from_toml, position_in,
    position_to_toml, with_positions,
};
pub use source::{Prepared, Source, compile, load, prepare};
pub use sources::{Document, Evidence, Quote, SourcesAnswer, check_sources};
pub use sweep::{SweepAnswer, SweepMethod, SweepProfiles, SweepRequest};
pub use verdict::{
    Change, DETERRENCE_SEARCH_MAX_STATES, Need, Subject, Temptation, VERDICT_PROFILES_MAX, Verdict,
    verdict, verdict_robustness, verdicts,
};
