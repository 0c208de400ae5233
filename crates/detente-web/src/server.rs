//! The workbench's own HTTP server, which holds out against hostile clients: at most
//! [`Config::max_connections`] at once (more wait in the listen queue), a connection
//! closed when a request's headers or the next request are slower than
//! [`Config::header_timeout`], a request body cut off after [`Config::body_timeout`],
//! a connection closed when its client takes none of its answer for
//! [`Config::write_timeout`]; on a loopback address, only requests addressed to this
//! machine's own names; every answer with the security headers.

use crate::error::ApiError;
use crate::{Config, router};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::{Next, from_fn, map_response};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::Sleep;
use tower_http::timeout::RequestBodyDeadline;

/// Longest URI answered: a longer one is refused before any route would echo it back.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Serves the workbench on a listener already bound, until the process ends: the CLI binds it
/// to explain a bind failure, tests bind port 0 and read the port back.
pub async fn serve_on(listener: TcpListener, config: Config) -> std::io::Result<()> {
    let mut app = router(config.clone());
    if listener.local_addr()?.ip().is_loopback() {
        app = app.layer(from_fn(local_names_only));
    }
    let app = app.layer(map_response(crate::assets::security_headers));
    let app = RequestBodyDeadline::new(app, config.body_timeout);
    let connections = Arc::new(Semaphore::new(config.max_connections.max(1)));
    loop {
        // At the cap nothing is accepted: further clients wait in the kernel's listen queue.
        let Ok(permit) = connections.clone().acquire_owned().await else {
            return Ok(());
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                // Small answers go out at once rather than waiting on the client's acknowledgement.
                let _ = stream.set_nodelay(true);
                stream
            }
            Err(_) => {
                // A client that left before it was accepted, or no file descriptor to spare.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        let header_timeout = config.header_timeout;
        let stream = WriteStall::new(stream, config.write_timeout);
        tokio::spawn(async move {
            let _permit = permit;
            // The header timeout also runs while a kept-alive connection waits for its next request.
            let _closed = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A connection whose writes fail once none has made progress for `timeout`: hyper has
/// no write timeout, and a client that never reads its answer leaves the server's writes
/// pending for ever once the socket's buffers are full, holding the connection's slot. A
/// client that reads slowly but steadily is not cut off.
struct WriteStall<S> {
    inner: S,
    timeout: Duration,
    /// Running while a write is pending; cleared by any progress.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> WriteStall<S> {
    fn new(inner: S, timeout: Duration) -> WriteStall<S> {
        WriteStall {
            inner,
            timeout,
            stalled: None,
        }
    }

    /// Passes on a write's outcome, unless it has been pending for `timeout`.
    fn progress<T>(
        &mut self,
        cx: &mut Context<'_>,
        outcome: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if outcome.is_ready() {
            self.stalled = None;
            return outcome;
        }
        let timeout = self.timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client has taken none of its answer for the write timeout",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteStall<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteStall<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.progress(cx, outcome)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.progress(cx, outcome)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = Pin::new(&mut self.inner).poll_flush(cx);
        self.progress(cx, outcome)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.progress(cx, outcome)
    }
}

/// Refuses requests addressed to any host but this machine's own names, so that a web
/// page elsewhere cannot reach a loopback server through a DNS name it rebinds to 127.0.0.1.
async fn local_names_only(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    match host {
        Some(host) if is_local(&host) => next.run(request).await,
        host => ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this workbench answers requests addressed to 127.0.0.1, localhost or [::1], not to `{}`",
                host.unwrap_or_default()
            ),
        )
        .with_help("open it at http://127.0.0.1:PORT/; to reach it from other machines, start it with `detente serve --bind`")
        .into_response(),
    }
}

/// Whether a `Host` header names the loopback interface (with or without a port).
fn is_local(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|local| name.eq_ignore_ascii_case(local))
}

/// Refuses a URI over [`MAX_URI_BYTES`]: the API's requests carry their data in the body.
pub(crate) async fn short_uri(request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if length <= MAX_URI_BYTES {
        return next.run(request).await;
    }
    ApiError::new(
        StatusCode::URI_TOO_LONG,
        format!("the URI is {length} bytes long; the workbench takes at most {MAX_URI_BYTES}"),
    )
    .with_help("requests about a model send it in the JSON body of a POST (see /api/openapi.json)")
    .into_response()
}

/// Gives the framework's own refusals (a path parameter that is not UTF-8, say) the
/// JSON body every other error has, keeping their status and text.
pub(crate) async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let text = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .filter(|text| !text.trim().is_empty());
    let message = text.unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_string()
    });
    ApiError::new(status, message)
        .with_help("the API's routes and what each takes are described in /api/openapi.json")
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_hosts_with_or_without_ports() {
        for host in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "localhost",
            "LocalHost:1",
            "[::1]",
            "[::1]:80",
        ] {
            assert!(is_local(host), "{host}");
        }
        for host in [
            "evil.example",
            "localhost.evil.example:8080",
            "127.0.0.2",
            "[::2]:80",
            "",
            "::1",
        ] {
            assert!(!is_local(host), "{host}");
        }
    }
}
