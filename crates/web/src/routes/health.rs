//! Liveness and readiness for orchestrators and load balancers: `GET /healthz` answers as long
//! as the process serves requests; `GET /readyz` also names the model and reports the free
//! scoring slots and the number of results kept.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// `GET /healthz`: the process is up.
pub(crate) async fn healthz() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
        .into_response()
}

/// `GET /readyz`: ready to score, with the model's name, free scoring slots and results kept.
pub(crate) async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let body = serde_json::json!({
        "status": "ready",
        "model": state.model.name,
        "scoring_slots_free": state.jobs.available_permits(),
        "results_kept": state.store.len(),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
