//! Files served as they are: the stylesheet and script of the pages (`/static/*`, compiled into
//! the binary, so the server needs no files beside the model) and the CSV template of the
//! expected columns (`/template.csv`, built from the model's schema once, at start-up).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pdscore::pipeline::Pipeline;

use crate::state::AppState;

const APP_CSS: &str = include_str!("../../static/app.css");
const APP_JS: &str = include_str!("../../static/app.js");

/// The header line of the expected columns (id, features, then the optional target).
pub(crate) fn template_csv(pipeline: &Pipeline) -> String {
    let schema = pipeline.schema();
    let mut names: Vec<&str> = schema.required_for_scoring();
    if let Some(t) = &schema.target {
        names.push(&t.column);
    }
    crate::csv_out::header_line(&names)
}

/// `GET /template.csv`: the header line of the expected CSV, as an attachment.
pub(crate) async fn template_download(State(state): State<Arc<AppState>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pdscore-template.csv\"",
            ),
        ],
        state.template_csv.clone(),
    )
        .into_response()
}

/// `GET /static/app.css`: the pages' stylesheet.
pub(crate) async fn app_css() -> Response {
    static_asset("text/css; charset=utf-8", APP_CSS)
}

/// `GET /static/app.js`: the pages' script.
pub(crate) async fn app_js() -> Response {
    static_asset("text/javascript; charset=utf-8", APP_JS)
}

/// A compiled-in file with its type, cacheable for an hour.
fn static_asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        Body::from(body),
    )
        .into_response()
}
