//! Every failure the API reports: an HTTP status and a JSON body the page can show,
//! with the CLI's file location and help when the model file is at fault, or the
//! path of the element at fault when the model came as a form.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use detente_app::{AppError, Limit};
use detente_format::FormatError;
use serde::Serialize;

/// The `error` object of every failed request.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Where the model is at fault, when it is.
    #[serde(flatten)]
    pub place: Option<Place>,
}

/// Where in a model an error is: its fields are those of the `error` object.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Place {
    /// In the model file (1-based; the column counts characters).
    File {
        file: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        column: Option<usize>,
    },
    /// In the model's form: a JSON Pointer (`""`: the whole form).
    Form { path: String },
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            help: None,
            place: None,
        }
    }

    /// A request that is well-formed JSON but asks for something that does not exist or cannot be done.
    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> ApiError {
        self.help = Some(help.into());
        self
    }

    /// Work (compiling, an analysis) over the workbench's time limit: a 4xx, since the
    /// request asks for more than the workbench will do, like one over the state limit.
    pub fn too_slow(seconds: u64) -> ApiError {
        ApiError::unprocessable(format!(
            "the workbench's time limit of {seconds} s was reached before the work was done"
        ))
        .with_help(help(Limit::Time { seconds }))
    }
}

impl ApiError {
    /// Work stopped because its job was cancelled (`POST /api/cancel`) or its client went
    /// away: 409, the request conflicting with the cancellation that overtook it.
    pub fn cancelled() -> ApiError {
        ApiError::new(StatusCode::CONFLICT, AppError::Cancelled.to_string())
            .with_help("it was cancelled on request; ask again to run it")
    }
}

impl From<Box<FormatError>> for ApiError {
    /// A model the format or the engine rejects: the same message, location and help as the
    /// CLI; in a form, the path of the element at fault instead of a place in a file.
    fn from(error: Box<FormatError>) -> ApiError {
        let place = match error.form_path() {
            Some(path) => Place::Form {
                path: path.to_string(),
            },
            None => {
                let location = error.line_col();
                Place::File {
                    file: error.file_name().to_string(),
                    line: location.map(|(line, _)| line),
                    column: location.map(|(_, column)| column),
                }
            }
        };
        ApiError {
            help: error.help_text().map(str::to_string),
            place: Some(place),
            ..ApiError::unprocessable(error.message())
        }
    }
}

impl From<AppError> for ApiError {
    /// A request the application layer refuses: a 422 with its message, and for a limit
    /// the workbench's own advice.
    fn from(error: AppError) -> ApiError {
        match error {
            AppError::Model(located) => ApiError::from(located),
            AppError::Invalid { message, help } => ApiError {
                help,
                ..ApiError::unprocessable(message)
            },
            AppError::OverLimit {
                limit: Limit::Time { seconds },
                ..
            } => ApiError::too_slow(seconds),
            AppError::OverLimit { limit, message } => {
                ApiError::unprocessable(message).with_help(help(limit))
            }
            AppError::Cancelled => ApiError::cancelled(),
        }
    }
}

/// How to stay within `limit`, in terms of this API's fields.
fn help(limit: Limit) -> String {
    match limit {
        Limit::States { max } => format!(
            "the workbench analyses at most {max} states; add feasibility rules, or run `detente analyze` on the command line (its --max-states goes higher)"
        ),
        Limit::Horizon => "lower the horizon".into(),
        Limit::Varied => "vary fewer decision makers or leave out seq".into(),
        Limit::Profiles => "give the samples and the exact limit within the limit".into(),
        Limit::RobustnessStates => {
            "choose fewer concepts, or add feasibility rules to shrink the model".into()
        }
        Limit::Coalitions => {
            "coalitional stability is for nash, gmr, smr or seq on models of at most 65,536 states"
                .into()
        }
        Limit::Time { .. } => "analyse fewer concepts (SIM is the slowest), add feasibility rules, or use `detente analyze` on the command line".into(),
    }
}

impl From<JsonRejection> for ApiError {
    /// Malformed JSON, wrong types, a missing field, a wrong content type or an oversized body.
    fn from(rejection: JsonRejection) -> ApiError {
        let status = rejection.status();
        let help = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "the request body is over the workbench's size limit; shrink the model (rankings by pattern or expression are much shorter than lists of states)"
        } else if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            "send the body as JSON with `Content-Type: application/json`"
        } else {
            "the body must be a JSON object as described in /api/openapi.json"
        };
        ApiError::new(status, rejection.body_text()).with_help(help)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error: &'a ApiError,
        }
        (self.status, axum::Json(Body { error: &self })).into_response()
    }
}
