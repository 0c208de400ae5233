//! The page's files, embedded in the binary: the HTML at `/`, everything else under
//! `/assets/`. Every answer, the API's included, carries the security headers: a
//! content security policy that lets the page run only its own scripts and be framed
//! by no one, and no content-type sniffing.

use crate::error::ApiError;
use axum::extract::Path;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One file of the page.
pub struct Asset {
    /// Its path under `/assets/`.
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

macro_rules! assets {
    ($($path:literal => $kind:expr),* $(,)?) => {
        &[$(Asset { path: $path, content_type: $kind, body: include_str!(concat!("../assets/", $path)) }),*]
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// The page's files besides its HTML: its modules, style sheet and icon, and the vendored
/// libraries with their licences.
pub const ASSETS: &[Asset] = assets! {
    "app.css" => "text/css; charset=utf-8",
    "favicon.svg" => "image/svg+xml",
    "app.js" => JS,
    "api.js" => JS,
    "store.js" => JS,
    "form.js" => JS,
    "analysis.js" => JS,
    "ui.js" => JS,
    "editor.js" => JS,
    "results.js" => JS,
    "explore.js" => JS,
    "panels.js" => JS,
    "clicks.js" => JS,
    "vendor/preact.mjs" => JS,
    "vendor/preact-hooks.mjs" => JS,
    "vendor/htm.mjs" => JS,
    "vendor/sortable.esm.js" => JS,
    "vendor/LICENSE-preact" => TEXT,
    "vendor/LICENSE-htm" => TEXT,
    "vendor/LICENSE-sortablejs" => TEXT,
    "vendor/README.md" => "text/markdown; charset=utf-8",
};

/// The page itself.
pub const INDEX: &str = include_str!("../assets/index.html");

pub async fn page() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response()
}

/// A file of the page by its path under `/assets/`.
pub async fn file(Path(path): Path<String>) -> Result<Response, ApiError> {
    let asset = ASSETS.iter().find(|a| a.path == path).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("the page has no file `/assets/{path}`"),
        )
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type),
            // A new binary may serve new files: the browser asks again rather than guess.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        asset.body,
    )
        .into_response())
}

/// The page's content security policy: its own scripts (and its import map, by hash),
/// styles, images and API, nothing from elsewhere, no plug-ins, no forms sent anywhere,
/// and no framing by another page. The hash is the import map's in `index.html`, which
/// the browser refuses to run if it changes without it; recompute it with
/// `python3 -c 'import base64,hashlib,re,sys; m=re.search(r"<script type=\"importmap\">(.*?)</script>", open(sys.argv[1]).read(), re.S); print(base64.b64encode(hashlib.sha256(m[1].encode()).digest()).decode())' index.html`.
pub const CONTENT_SECURITY_POLICY: &str = concat!(
    "default-src 'self'; script-src 'self' 'sha256-l3bdq1S2O1P4WSOaBdsASLNsvfi8lBbprfavuyz26YQ='; ",
    "style-src 'self'; img-src 'self' data: blob:; ",
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
);

/// Adds the security headers to every answer.
pub(crate) async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
