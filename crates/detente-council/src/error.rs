//! What can go wrong in the council, by what the person asking can do about it.

use detente_app::AppError;

/// A request the council refuses, or could not carry out.
#[derive(Debug, thiserror::Error)]
pub enum CouncilError {
    /// Not logged in, or the session has expired.
    #[error("you are not logged in (or your session has expired): log in and try again")]
    Unauthenticated,
    /// A login with a wrong name or password (which of the two is not said).
    #[error("the name or the password is wrong")]
    WrongLogin,
    /// Logged in, but this role may not do this, or not to this delegation's things.
    #[error("{0}")]
    Forbidden(String),
    /// No such thing, or none this account may know of.
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed or asks for what cannot be done.
    #[error("{0}")]
    Invalid(String),
    /// The request clashes with the council's state (a taken name, a decided proposal).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; the message says when to try again.
    #[error("{0}")]
    TooMany(String),
    /// The model, a position or a proposal is at fault, located in it.
    #[error(transparent)]
    App(#[from] AppError),
    /// The system failed (no random source): nothing the person asking did wrong.
    #[error("{0}")]
    System(String),
    /// The database failed: nothing the person asking did wrong.
    #[error("the council's database failed: {0}")]
    Database(#[from] sqlx::Error),
    /// The migrations could not be applied to the database.
    #[error("the council's database could not be prepared: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl CouncilError {
    pub(crate) fn invalid(message: impl Into<String>) -> CouncilError {
        CouncilError::Invalid(message.into())
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> CouncilError {
        CouncilError::Forbidden(message.into())
    }

    pub(crate) fn not_found(message: impl Into<String>) -> CouncilError {
        CouncilError::NotFound(message.into())
    }

    pub(crate) fn conflict(message: impl Into<String>) -> CouncilError {
        CouncilError::Conflict(message.into())
    }

    /// How to fix it, where there is more to say than the message.
    pub fn help(&self) -> Option<String> {
        match self {
            CouncilError::App(e) => e.help_text().map(str::to_string),
            _ => None,
        }
    }
}

pub type Result<T, E = CouncilError> = std::result::Result<T, E>;
