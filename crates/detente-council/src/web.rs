//! The council's HTTP server: server-rendered pages for every role (`pages.rs`) and a
//! JSON API for every action (`api.rs`), both over the same domain methods, with
//! sessions in the database, CSRF protection on every change and errors as 4xx.

use crate::accounts::{Account, hex, random_bytes, same_secret};
use crate::council::Member;
use crate::db::Db;
use crate::error::CouncilError;
use crate::sessions::DbSessions;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::time::Duration;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

/// By default a session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::from_secs(8 * 3600);
/// Largest request body accepted.
pub const MAX_BODY: usize = 1 << 20;

/// What every handler shares.
#[derive(Clone)]
pub struct Server {
    pub db: Db,
    /// Whether cookies are marked Secure (served over HTTPS by a proxy in front).
    pub secure_cookies: bool,
    /// How long a session lasts without a request ([`SESSION_IDLE`] unless set).
    pub session_idle: Duration,
}

impl Server {
    /// The server of `db` with the defaults: plain-HTTP cookies, [`SESSION_IDLE`].
    pub fn new(db: Db) -> Server {
        Server {
            db,
            secure_cookies: false,
            session_idle: SESSION_IDLE,
        }
    }
}

/// The council's routes, pages and API.
pub fn router(server: Server) -> Router {
    let sessions = SessionManagerLayer::new(DbSessions(server.db.clone()))
        .with_secure(server.secure_cookies)
        .with_same_site(tower_sessions::cookie::SameSite::Strict)
        .with_name("detente_council")
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            i64::try_from(server.session_idle.as_secs()).unwrap_or(i64::MAX),
        )));
    crate::pages::routes()
        .merge(crate::api::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(csrf))
        .layer(axum::middleware::from_fn(json_errors))
        .layer(sessions)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(server)
}

/// The framework's own refusals (a body that is not the JSON asked for, a wrong method)
/// in the API's JSON error form, with the framework's message.
async fn json_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !api || is_json || !response.status().is_client_error() {
        return response;
    }
    let status = response.status();
    let text = match axum::body::to_bytes(response.into_body(), MAX_BODY).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    };
    let message = if text.trim().is_empty() {
        status
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_string()
    } else {
        text
    };
    (
        status,
        axum::Json(serde_json::json!({"error": {"message": message, "help": null}})),
    )
        .into_response()
}

async fn not_found(request: Request) -> Response {
    failure(
        request.uri().path(),
        CouncilError::not_found(format!("there is no page `{}`", request.uri().path())),
    )
}

/// The session's CSRF token, made on first use: every form carries it in a hidden
/// `csrf` field and every API call in the `X-CSRF-Token` header.
pub async fn csrf_token(session: &Session) -> Result<String, CouncilError> {
    if let Some(token) = session.get::<String>(CSRF).await.map_err(session_failed)? {
        return Ok(token);
    }
    let token = hex(&random_bytes::<32>()?);
    session.insert(CSRF, &token).await.map_err(session_failed)?;
    Ok(token)
}

const CSRF: &str = "csrf";
const ACCOUNT: &str = "account";
/// When the session's expiry was last pushed back (milliseconds since 1970).
const SEEN: &str = "seen";

pub(crate) fn session_failed(e: tower_sessions::session::Error) -> CouncilError {
    CouncilError::System(format!("the session store failed: {e}"))
}

/// Refuses any request that changes something unless it carries the session's CSRF
/// token: in the `X-CSRF-Token` header (the API), or as a form's `csrf` field (the
/// pages). Logging in and joining through the API start a session and need none; a
/// browser cannot send JSON to another site without its consent (CORS), and the
/// session cookie is SameSite=Strict besides.
async fn csrf(session: Session, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    let expected = match session.get::<String>(CSRF).await {
        Ok(token) => token,
        Err(e) => return failure(&path, session_failed(e)),
    };
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let given = if content_type.starts_with("application/json") {
        if matches!(path.as_str(), "/api/login" | "/api/join") {
            return next.run(request).await;
        }
        request
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let (parts, body) = request.into_parts();
        let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return failure(
                    &path,
                    CouncilError::invalid(format!("the form is over {} KiB", MAX_BODY / 1024)),
                );
            }
        };
        let given = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == CSRF)
            .map(|(_, v)| v.into_owned());
        let request = Request::from_parts(parts, Body::from(bytes));
        return match (given, expected) {
            (Some(given), Some(expected)) if same_secret(&given, &expected) => {
                next.run(request).await
            }
            _ => csrf_refused(&path),
        };
    } else {
        return failure(
            &path,
            CouncilError::invalid(
                "send a form (application/x-www-form-urlencoded) or JSON (application/json)",
            ),
        )
        .map_status(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    };
    match (given, expected) {
        (Some(given), Some(expected)) if same_secret(&given, &expected) => next.run(request).await,
        _ => csrf_refused(&path),
    }
}

fn csrf_refused(path: &str) -> Response {
    failure(
        path,
        CouncilError::forbidden(
            "the request does not carry this session's CSRF token: reload the page and try again \
             (API clients: send the token from /api/session in the X-CSRF-Token header)",
        ),
    )
}

trait MapStatus {
    fn map_status(self, status: StatusCode) -> Response;
}

impl MapStatus for Response {
    fn map_status(mut self, status: StatusCode) -> Response {
        *self.status_mut() = status;
        self
    }
}

/// The logged-in account of this session, if any.
///
/// A session is stored again, and so its expiry pushed back by the idle time, only when
/// it changes: using it is marked as a change once a quarter of the idle time has
/// passed, so that a session ends after the idle time without requests while a busy
/// one costs a write every so often, not on every request.
pub async fn account(server: &Server, session: &Session) -> Result<Option<Account>, CouncilError> {
    let Some(id) = session.get::<i64>(ACCOUNT).await.map_err(session_failed)? else {
        return Ok(None);
    };
    let seen = session.get::<i64>(SEEN).await.map_err(session_failed)?;
    let quarter = i64::try_from(server.session_idle.as_millis() / 4).unwrap_or(i64::MAX);
    let now = crate::db::now();
    if seen.is_none_or(|seen| now.saturating_sub(seen) >= quarter) {
        session.insert(SEEN, now).await.map_err(session_failed)?;
    }
    server.db.account(id).await
}

/// The logged-in account, or [`CouncilError::Unauthenticated`].
pub async fn caller(server: &Server, session: &Session) -> Result<Account, CouncilError> {
    account(server, session)
        .await?
        .ok_or(CouncilError::Unauthenticated)
}

/// Logs `account` in on this session: a new session id (no fixation) and a new CSRF token.
pub async fn log_in(session: &Session, account: &Account) -> Result<String, CouncilError> {
    session.cycle_id().await.map_err(session_failed)?;
    session
        .insert(ACCOUNT, account.id)
        .await
        .map_err(session_failed)?;
    session
        .remove::<String>(CSRF)
        .await
        .map_err(session_failed)?;
    csrf_token(session).await
}

pub async fn log_out(session: &Session) -> Result<(), CouncilError> {
    session.flush().await.map_err(session_failed)
}

/// The member of the council named in the path (`{council}`) whom this session's
/// account is: what every page and API call about one council starts from. Without
/// one, the request is refused with the error as its asker reads it ([`failure`]).
pub struct Asking(pub Member);

impl axum::extract::FromRequestParts<Server> for Asking {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        server: &Server,
    ) -> Result<Asking, Response> {
        let path = parts.uri.path().to_string();
        let refuse = |e: CouncilError| failure(&path, e);
        let session = Session::from_request_parts(parts, server)
            .await
            .map_err(|(_, why)| refuse(CouncilError::System(why.to_string())))?;
        let params = axum::extract::RawPathParams::from_request_parts(parts, server)
            .await
            .map_err(|e| refuse(CouncilError::invalid(e.body_text())))?;
        let council = params
            .iter()
            .find(|(name, _)| *name == "council")
            .map(|(_, value)| value)
            .ok_or_else(|| {
                refuse(CouncilError::System(format!(
                    "no council in the route of {path}"
                )))
            })?;
        let council: i64 = council.parse().map_err(|_| {
            refuse(CouncilError::invalid(format!(
                "`{council}` is not a council's number: councils are numbered 1, 2, 3 and so on"
            )))
        })?;
        let account = caller(server, &session).await.map_err(refuse)?;
        let member = server
            .db
            .member(account.id, council)
            .await
            .map_err(refuse)?;
        Ok(Asking(member))
    }
}

/// The HTTP status for an error.
pub fn status(error: &CouncilError) -> StatusCode {
    match error {
        CouncilError::Unauthenticated | CouncilError::WrongLogin => StatusCode::UNAUTHORIZED,
        CouncilError::Forbidden(_) => StatusCode::FORBIDDEN,
        CouncilError::NotFound(_) => StatusCode::NOT_FOUND,
        CouncilError::Invalid(_) => StatusCode::BAD_REQUEST,
        CouncilError::App(detente_app::AppError::OverLimit { .. }) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        CouncilError::App(_) => StatusCode::UNPROCESSABLE_ENTITY,
        CouncilError::Conflict(_) => StatusCode::CONFLICT,
        CouncilError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
        CouncilError::System(_) | CouncilError::Database(_) | CouncilError::Migrate(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// An error as the asker reads it: JSON under /api/, a page elsewhere.
pub fn failure(path: &str, error: CouncilError) -> Response {
    let status = status(&error);
    if path.starts_with("/api/") {
        let body =
            serde_json::json!({"error": {"message": error.to_string(), "help": error.help()}});
        (status, axum::Json(body)).into_response()
    } else {
        let back = if matches!(error, CouncilError::Unauthenticated) {
            "<p><a href=\"/login\">Log in</a></p>".to_string()
        } else {
            "<p><a href=\"javascript:history.back()\">Go back</a> or <a href=\"/\">go to your councils</a>.</p>".to_string()
        };
        let help = error
            .help()
            .map(|h| format!("<p class=\"help\">{}</p>", crate::pages::esc(&h)))
            .unwrap_or_default();
        (
            status,
            Html(crate::pages::layout(
                "Something went wrong",
                None,
                &format!(
                    "<h1>{}</h1><p class=\"error\">{}</p>{help}{back}",
                    status.canonical_reason().unwrap_or("Error"),
                    crate::pages::esc(&error.to_string())
                ),
            )),
        )
            .into_response()
    }
}

/// Serves `router` on `listener` until the process ends, settling silence procedures
/// and clearing expired sessions once a minute.
pub async fn serve(listener: tokio::net::TcpListener, server: Server) -> std::io::Result<()> {
    let db = server.db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let _ = db.delete_expired_sessions().await;
            let _ = db.settle_all_silences().await;
        }
    });
    axum::serve(listener, router(server)).await
}

/// Handlers' shorthand: the state.
pub type St = State<Server>;
