//! Errors the engine finds in a model. Each names the element at fault by its
//! position in the model, so that a front end can point at the file location.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    #[error("the model has no decision makers")]
    NoDecisionMakers,

    #[error("decision maker `{dm}` has no options")]
    DmWithoutOptions { dm: String },

    #[error("the model has {count} options; detente handles at most {limit}")]
    TooManyOptions { count: usize, limit: usize },

    #[error("the feasibility rules exclude every state: no feasible state is left")]
    NoFeasibleState,

    #[error(
        "the model has more than {limit} feasible states, the state limit (its {options} options allow up to {} states)",
        1u128 << .options
    )]
    TooManyStates { limit: usize, options: usize },

    #[error(
        "decision maker `{dm}` has {count} preference statements; at most {limit} are supported"
    )]
    TooManyStatements {
        dm: String,
        count: usize,
        limit: usize,
    },

    #[error(
        "the ranking of `{dm}` does not place state {state} ({yn}); every feasible state must appear in exactly one tier"
    )]
    RankingOmits {
        dm: String,
        dm_index: usize,
        state: usize,
        yn: String,
    },

    #[error("the ranking of `{dm}` places state {state} ({yn}) twice: in tier {} and again in tier {}", .first_tier + 1, .tier + 1)]
    RankingRepeats {
        dm: String,
        dm_index: usize,
        /// 0-based tier and item where the state appears the second time.
        tier: usize,
        item: usize,
        first_tier: usize,
        state: usize,
        yn: String,
    },

    #[error("the ranking of `{dm}` names no feasible state in tier {}, item {}", .tier + 1, .item + 1)]
    RankingItemEmpty {
        dm: String,
        dm_index: usize,
        tier: usize,
        item: usize,
    },

    #[error("the named state `{name}` ({yn}) is not a feasible state")]
    NamedStateInfeasible {
        index: usize,
        name: String,
        yn: String,
    },

    #[error("the status quo {yn} is not a feasible state")]
    StatusQuoInfeasible { yn: String },
}

/// Why a model was not compiled: something in it is wrong, or the caller's deadline
/// passed first (enumerating and ranking millions of states takes seconds).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompileError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    OutOfTime(#[from] crate::deadline::OutOfTime),
}
