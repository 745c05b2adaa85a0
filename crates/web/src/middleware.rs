//! The layers every request passes through, outermost first in the router: the request log
//! (which also sets the request id and the security headers on every response) and the request
//! timeout. The upload size limit is axum's `DefaultBodyLimit`, added in [`crate::app::router`].
//!
//! They live apart from the handlers so that a handler only answers its route: it never sets
//! the headers every response carries, and it reports the rows it scored through a
//! [`RowsScored`] response extension instead of logging by itself.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use rand::rngs::OsRng;

use crate::error::WebError;
use crate::request_id::REQUEST_ID;
use crate::state::{AppState, kib};
use crate::views::{error_page, problem_response};

/// The `Content-Security-Policy` of every response: only this origin's stylesheet and script,
/// inline images (the SVG charts), no framing.
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Marks a response with the number of rows scored, for the request log.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowsScored(pub(crate) usize);

/// Runs the request under the request timeout; a late request gets a 503 problem.
pub(crate) async fn timeout_layer(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let html = wants_html(request.uri().path());
    let limit = state.limits.request_timeout;
    let Ok(response) = tokio::time::timeout(limit, next.run(request)).await else {
        let error = WebError::Timeout {
            seconds: limit.as_secs_f64(),
        };
        return if html {
            error_page(&state, &error.problem())
        } else {
            problem_response(&error.problem())
        };
    };
    response
}

/// Lets at most [`crate::Limits::upload_bytes_in_flight`] bytes of uploads be read and handled
/// at once, counted by `Content-Length` (the upload limit when absent); the others wait here,
/// before their bodies are read, so waiting requests hold a connection but no memory.
pub(crate) async fn upload_gate(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let limit = state.limits.max_upload_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let bytes = declared.map_or(limit, |n| n.min(limit));
    let permits = u32::try_from(kib(bytes).max(1)).unwrap_or(u32::MAX);
    match state.uploads.clone().acquire_many_owned(permits).await {
        Ok(_slot) => next.run(request).await,
        Err(e) => problem_response(
            &WebError::Internal {
                reason: format!("upload slots closed: {e}"),
            }
            .problem(),
        ),
    }
}

/// Gives each request an id (echoed in `x-request-id`, and quoted by server-error answers),
/// adds the security headers and logs method, path (result ids redacted), status, latency and
/// rows scored.
pub(crate) async fn request_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = format!("{:016x}", OsRng.next_u64());
    let method = request.method().clone();
    let path = redact(request.uri().path());
    let mut response = REQUEST_ID
        .scope(request_id.clone(), next.run(request))
        .await;
    let rows = response.extensions().get::<RowsScored>().map_or(0, |r| r.0);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert("x-request-id", value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1e3;
    tracing::info!(request_id, %method, path, status, latency_ms, rows, "request");
    response
}

/// The path with result ids replaced, so that logs do not hold the capabilities.
fn redact(path: &str) -> String {
    match path.strip_prefix("/results/") {
        Some(rest) if rest.to_ascii_lowercase().ends_with(".csv") => "/results/{id}.csv".into(),
        Some(_) => "/results/{id}".into(),
        None => path.to_owned(),
    }
}

/// Whether an error at `path` is answered with a page (for a browser) rather than a problem
/// document (for a program: the API and the health checks).
pub(crate) fn wants_html(path: &str) -> bool {
    !(path.starts_with("/api/") || path == "/healthz" || path == "/readyz")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_ids_are_redacted_from_logged_paths() {
        assert_eq!(redact("/results/abc"), "/results/{id}");
        assert_eq!(redact("/results/abc.csv"), "/results/{id}.csv");
        assert_eq!(redact("/api/v1/predict"), "/api/v1/predict");
    }

    #[test]
    fn api_paths_get_problem_json() {
        assert!(!wants_html("/api/v1/predict"));
        assert!(!wants_html("/healthz"));
        assert!(wants_html("/results/x"));
    }
}
