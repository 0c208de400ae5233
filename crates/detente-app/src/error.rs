//! What can go wrong with a request, in words that name no front end: a CLI flag
//! or a JSON field is the front end's to mention, through [`Limit`].

use detente_format::FormatError;

/// A request the application layer refuses.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The model itself is at fault: the error is located in its file (or form).
    #[error(transparent)]
    Model(Box<FormatError>),
    /// The request names something that does not exist or asks for what cannot be done.
    #[error("{message}")]
    Invalid {
        message: String,
        help: Option<String>,
    },
    /// The request is over one of the limits; each front end says how to stay within it.
    #[error("{message}")]
    OverLimit { limit: Limit, message: String },
    /// Whoever asked for the work cancelled it before it was done (see [`crate::Cancel`]).
    #[error("the work was cancelled before it was done")]
    Cancelled,
}

/// The limits a front end may have to explain in its own words (its flags, its fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The model has more feasible states than [`crate::Limits::max_states`].
    States { max: usize },
    /// Foresight's tables for this horizon would be too large.
    Horizon,
    /// Inverse analysis of this many varied DMs under SEQ is too large.
    Varied,
    /// Robustness is asked for more profiles than one run analyses.
    Profiles,
    /// Robustness counts for this model and these concepts would not fit in memory.
    RobustnessStates,
    /// Coalitional stability is limited in states and concepts.
    Coalitions,
    /// The work (compiling, an analysis) did not finish within [`crate::Limits::time`],
    /// `seconds` rounded up.
    Time { seconds: u64 },
}

impl AppError {
    pub(crate) fn invalid(message: impl Into<String>) -> AppError {
        AppError::Invalid {
            message: message.into(),
            help: None,
        }
    }

    /// Adds how to fix an [`AppError::Invalid`] (other kinds carry their own help).
    pub(crate) fn help(self, text: impl Into<String>) -> AppError {
        match self {
            AppError::Invalid { message, .. } => AppError::Invalid {
                message,
                help: Some(text.into()),
            },
            other => other,
        }
    }

    pub(crate) fn over(limit: Limit, message: impl Into<String>) -> AppError {
        AppError::OverLimit {
            limit,
            message: message.into(),
        }
    }

    /// How to fix it, where this layer can say so without naming a front end.
    pub fn help_text(&self) -> Option<&str> {
        match self {
            AppError::Model(e) => e.help_text(),
            AppError::Invalid { help, .. } => help.as_deref(),
            AppError::OverLimit { .. } | AppError::Cancelled => None,
        }
    }
}

impl From<Box<FormatError>> for AppError {
    fn from(error: Box<FormatError>) -> AppError {
        AppError::Model(error)
    }
}
