//! The application: the state shared by every request and the router that maps each route to
//! its handler in [`crate::routes`] and wraps them in the layers of [`crate::middleware`].
//!
//! Everything a request needs that does not change while serving (the pipeline, the compiled
//! templates, the model as the pages show it, the CSV template, the model card's JSON) is
//! prepared once here, when the router is built, so that a bad template or card fails start-up
//! rather than a request.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use pdscore::pipeline::Pipeline;
use tokio::sync::Semaphore;

use crate::config::Limits;
use crate::error::WebError;
use crate::middleware::{request_log, timeout_layer, upload_gate};
use crate::model_view::model_view;
use crate::routes::{api, assets, health, no_route, pages};
use crate::state::{AppState, kib};
use crate::store::ResultStore;
use crate::views::templates;

/// Every route of the router, as `(method, path)` in OpenAPI path syntax. The OpenAPI document
/// must describe each of them (a test checks it).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/template.csv"),
    ("post", "/predict"),
    ("get", "/results/{id}"),
    ("get", "/results/{id}.csv"),
    ("get", "/model"),
    ("post", "/api/v1/predict"),
    ("get", "/api/v1/model"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/static/app.css"),
    ("get", "/static/app.js"),
];

/// Builds the application router serving `pipeline` within `limits`.
///
/// # Errors
/// [`WebError::InvalidSetting`] for bad limits; [`WebError::Internal`] if a template or the
/// model card cannot be prepared.
pub fn router(pipeline: Pipeline, limits: Limits) -> Result<Router, WebError> {
    limits.check()?;
    let model = model_view(&pipeline);
    let template_csv = assets::template_csv(&pipeline);
    let card_json = serde_json::to_vec_pretty(pipeline.card()).map_err(|e| WebError::Internal {
        reason: format!("model card: {e}"),
    })?;
    let state = Arc::new(AppState {
        pipeline: Arc::new(pipeline),
        store: ResultStore::new(limits.result_ttl, limits.result_store_bytes),
        jobs: Arc::new(Semaphore::new(limits.max_concurrent_jobs)),
        uploads: Arc::new(Semaphore::new(kib(limits.upload_bytes_in_flight))),
        templates: templates()?,
        model,
        template_csv,
        card_json,
        limits: limits.clone(),
    });
    let body_limit = limits.max_upload_bytes;
    let gate = middleware::from_fn_with_state(state.clone(), upload_gate);
    Ok(Router::new()
        .route("/", get(pages::index))
        .route("/template.csv", get(assets::template_download))
        .route("/predict", post(pages::predict_page).layer(gate.clone()))
        .route("/results/{id}", get(pages::results))
        .route("/model", get(pages::model_page))
        .route("/api/v1/predict", post(api::predict_api).layer(gate))
        .route("/api/v1/model", get(api::model_api))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/static/app.css", get(assets::app_css))
        .route("/static/app.js", get(assets::app_js))
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), timeout_layer))
        .layer(middleware::from_fn(request_log))
        .with_state(state))
}
