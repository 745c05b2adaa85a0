//! The request handlers, one module per kind of client: [`pages`] for a browser, [`api`] for
//! programs, [`health`] for orchestrators, [`assets`] for the files the pages load. The router
//! that maps paths to them is [`crate::app::router`].

pub(crate) mod api;
pub(crate) mod assets;
pub(crate) mod health;
pub(crate) mod pages;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;

use crate::error::WebError;
use crate::middleware::wants_html;
use crate::state::AppState;
use crate::views::{error_page, problem_response};

/// The request's `Content-Type`, trimmed and lower-cased (empty when absent).
pub(crate) fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Any path without a route: 404, as a page or as a problem document depending on the path.
pub(crate) async fn no_route(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let mut problem = WebError::NotFound {
        what: format!("no page at `{path}`"),
    }
    .problem();
    problem.kind = "urn:pdscore:problem:no-such-route".into();
    if wants_html(&path) {
        error_page(&state, &problem)
    } else {
        problem_response(&problem)
    }
}
