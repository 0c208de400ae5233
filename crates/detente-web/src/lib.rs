//! The detente web workbench: a JSON HTTP API over the detente library and a
//! page that uses it (`detente serve`). The page is HTML, CSS and JavaScript
//! modules embedded in the binary with the small libraries it uses (`assets.rs`),
//! with no build step; the API is described by `/api/openapi.json`.
//!
//! Invariants: the engine never runs on the async runtime (every request that
//! parses, compiles or analyses goes through [`AppState::blocking`], which also
//! bounds its time and how many run at once); every failure is a 4xx/5xx with a
//! JSON `{"error": {...}}` body, never a panic; models over
//! the state limit of [`Config::limits`] and answers over [`Config::max_response_bytes`]
//! are refused with a message naming the limit; a client cannot hold connections open
//! (see `server.rs`).

mod analyses;
mod api;
mod assets;
mod editing;
mod error;
mod graph;
mod jobs;
mod lanes;
mod lookup;
mod server;
mod session;
mod tableau;

pub use assets::{ASSETS, Asset, CONTENT_SECURITY_POLICY};
pub use error::{ApiError, Place};
pub use server::serve_on;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::routing::{get, post};
use detente_app::Limits;
use jobs::Jobs;
use lanes::Lanes;
use session::Sessions;
use std::sync::Arc;
use std::time::Duration;

/// Limits of a workbench server.
#[derive(Debug, Clone)]
pub struct Config {
    /// States, time and body size per request (a shared service's by default).
    pub limits: Limits,
    /// Most heavy engine jobs (parse, compile, analyse a model of more than
    /// [`Config::light_states`] states) running at once; others wait their turn.
    pub workers: usize,
    /// Most light engine jobs running at once, on a pool of as many threads of their own:
    /// a light job never waits for a heavy one.
    pub light_workers: usize,
    /// Largest model whose requests are light, in feasible states: such a model compiles
    /// and analyses under every concept in milliseconds. Requests that are cheap on any
    /// model (a check or a lookup once it is compiled, a page of the tableau once it is
    /// analysed) are light too.
    pub light_states: usize,
    /// Most connections served at once; more wait to be accepted, so idle or half-sent
    /// connections cannot exhaust memory.
    pub max_connections: usize,
    /// Longest wait for a request's headers, and for the next request on a kept-alive
    /// connection: the connection is closed after it.
    pub header_timeout: Duration,
    /// Longest time to receive a request's body.
    pub body_timeout: Duration,
    /// Longest a connection may go without the client taking any of its answer: a client
    /// that asks for a large answer and never reads it is disconnected after it, rather
    /// than holding its place under [`Config::max_connections`] for ever.
    pub write_timeout: Duration,
    /// Largest answer: a few lines of model can describe millions of states, and a report
    /// on all of them runs to hundreds of megabytes.
    pub max_response_bytes: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            limits: Limits::service(),
            workers: 2,
            light_workers: 2,
            light_states: LIGHT_STATES,
            max_connections: 256,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            max_response_bytes: 32 << 20,
        }
    }
}

/// The default [`Config::light_states`]: 2^14 states, which compile and analyse under
/// every concept, SIM included, in about a tenth of a second at most (docs/WORKBENCH.md).
pub const LIGHT_STATES: usize = 1 << 14;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    config: Arc<Config>,
    sessions: Arc<Sessions>,
    jobs: Arc<Jobs>,
    lanes: Arc<Lanes>,
}

/// The workbench's routes: the page, its assets and the API.
pub fn router(config: Config) -> Router {
    let state = AppState {
        lanes: Arc::new(Lanes::new(&config)),
        config: Arc::new(config.clone()),
        sessions: Arc::new(Sessions::default()),
        jobs: Arc::new(Jobs::default()),
    };
    Router::new()
        .route("/", get(assets::page))
        .route("/assets/{*path}", get(assets::file))
        .route(
            "/api/openapi.json",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }),
        )
        .route("/api/concepts", get(lookup::concepts))
        .route("/api/examples", get(api::examples))
        .route("/api/examples/{name}", get(api::example))
        .route("/api/import", post(api::import))
        .route("/api/check", post(api::check))
        .route("/api/analyze", post(api::analyze))
        .route("/api/verdicts", post(api::verdicts))
        .route("/api/brief", post(api::brief))
        .route("/api/tableau", post(api::tableau))
        .route("/api/states", post(lookup::states))
        .route("/api/explain", post(api::explain))
        .route("/api/evolve", post(api::evolve))
        .route("/api/coalitions", post(api::coalitions))
        .route("/api/foresight", post(analyses::foresight))
        .route("/api/robustness", post(analyses::robustness))
        .route("/api/inverse", post(analyses::inverse))
        .route("/api/graph", post(api::graph))
        .route("/api/convert", post(api::convert))
        .route("/api/rename", post(editing::rename))
        .route("/api/values", post(editing::values))
        .route("/api/conjunction", post(editing::conjunction))
        .route("/api/ranking", post(editing::ranking))
        .route("/api/cancel", post(jobs::cancel))
        .route("/api/progress/{name}", get(jobs::progress))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::wrong_method)
        .layer(match config.limits.body_bytes {
            Some(bytes) => DefaultBodyLimit::max(bytes),
            None => DefaultBodyLimit::disable(),
        })
        .layer(axum::middleware::from_fn(server::short_uri))
        .layer(axum::middleware::map_response(server::json_errors))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// The hand-written OpenAPI 3.1 description of the API.
pub const OPENAPI: &str = include_str!("../assets/openapi.json");
