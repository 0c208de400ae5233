//! The detente engine: the Graph Model for Conflict Resolution (GMCR.md) as a
//! library. It takes a [`Model`], compiles it into a [`Conflict`] (feasible
//! states, move rules, preference ranks) and computes stability with
//! [`Analysis::run`]. It does no I/O: parsing and printing live in other crates.

pub mod coalition;
pub mod columns;
pub mod conflict;
pub mod deadline;
pub mod error;
pub mod evolve;
pub mod explain;
pub mod expr;
pub mod foresight;
pub mod generate;
mod groups;
pub mod inverse;
pub mod model;
pub mod reference;
pub mod robustness;
pub mod space;
pub mod stability;

pub use conflict::{Conflict, DEFAULT_MAX_STATES, MAX_STATEMENTS};
pub use deadline::{Deadline, NoDeadline, OutOfTime};
pub use error::{CompileError, ModelError};
pub use expr::Expr;
pub use model::{
    Coalition, DecisionMaker, Direction, Model, Notes, OptionDef, Preferences, Rule, Statement,
    Tier, Uncertain,
};
pub use space::{StateIndex, StateSpace};
pub use stability::{Analysis, Concept};
