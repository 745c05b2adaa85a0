//! How answers are rendered: the HTML pages from the minijinja templates in `templates/`
//! (compiled into the binary), the error page, RFC 9457 problem documents for programs, and the
//! model as the pages show it.
//!
//! The handlers build a template context and call [`page`]; everything that turns a context or
//! a [`Problem`] into a response is here, so that every page and every error looks and behaves
//! the same whichever route produced it.

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, context};
use pdscore::pipeline::Pipeline;
use serde::Serialize;

use crate::app::AppState;
use crate::error::{Problem, WebError};

/// The model as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ModelView {
    pub(crate) name: String,
    family: String,
    description: String,
    threshold: String,
    created_at: String,
    pdscore_version: String,
    id_column: Option<String>,
    target_column: Option<String>,
    columns: Vec<ColumnView>,
    training_rows: usize,
}

/// One expected column of the upload, as the pages list it.
#[derive(Debug, Clone, Serialize)]
struct ColumnView {
    name: String,
    kind: String,
    role: &'static str,
}

/// The page templates, compiled once when the router is built.
pub(crate) fn templates() -> Result<Environment<'static>, WebError> {
    let mut env = Environment::new();
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("index.html", include_str!("../templates/index.html")),
        ("results.html", include_str!("../templates/results.html")),
        ("error.html", include_str!("../templates/error.html")),
        ("model.html", include_str!("../templates/model.html")),
    ] {
        env.add_template(name, source)
            .map_err(|e| WebError::Internal {
                reason: format!("template {name}: {e}"),
            })?;
    }
    Ok(env)
}

/// The pages' view of `pipeline`: its name, threshold, training facts and expected columns.
pub(crate) fn model_view(pipeline: &Pipeline) -> ModelView {
    let card = pipeline.card();
    let schema = pipeline.schema();
    let mut columns = Vec::new();
    if let Some(id) = &schema.id {
        columns.push(ColumnView {
            name: id.clone(),
            kind: "text".into(),
            role: "id (required)",
        });
    }
    columns.extend(schema.features.iter().map(|f| ColumnView {
        name: f.name.clone(),
        kind: format!("{:?}", f.kind).to_lowercase(),
        role: "feature (required; may be empty)",
    }));
    if let Some(target) = &schema.target {
        columns.push(ColumnView {
            name: target.column.clone(),
            kind: "label".into(),
            role: "target (optional: adds the evaluation)",
        });
    }
    ModelView {
        name: card.model.candidate.clone(),
        family: card.model.family.clone(),
        description: card.model.description.clone(),
        threshold: format!("{:.4}", pipeline.threshold()),
        created_at: card.created_at.clone(),
        pdscore_version: card.pdscore_version.clone(),
        id_column: schema.id.clone(),
        target_column: schema.target.as_ref().map(|t| t.column.clone()),
        columns,
        training_rows: card.training_data.labelled_rows,
    }
}

/// `problem` as an `application/problem+json` response with its status.
pub(crate) fn problem_response(problem: &Problem) -> Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (
        problem.status_code(),
        [(header::CONTENT_TYPE, "application/problem+json")],
        body,
    )
        .into_response()
}

/// Renders the template `name` with `ctx`.
pub(crate) fn render(
    state: &AppState,
    name: &str,
    ctx: minijinja::Value,
) -> Result<String, WebError> {
    state
        .templates
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| WebError::Internal {
            reason: format!("template {name}: {e:#}"),
        })
}

/// The error page explaining `problem`, with its status.
pub(crate) fn error_page(state: &AppState, problem: &Problem) -> Response {
    let body = render(
        state,
        "error.html",
        context! { problem => problem, model => &state.model },
    )
    .unwrap_or_else(|e| format!("<!doctype html><title>Error</title><p>{e}</p>"));
    (problem.status_code(), Html(body)).into_response()
}

/// The page `name` rendered with `ctx`, or the error page if rendering fails.
pub(crate) fn page(state: &AppState, name: &str, ctx: minijinja::Value) -> Response {
    match render(state, name, ctx) {
        Ok(body) => Html(body).into_response(),
        Err(e) => error_page(state, &e.problem()),
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
