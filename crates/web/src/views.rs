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

use crate::error::{Problem, WebError};
use crate::request_id::current_request_id;
use crate::state::AppState;

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

/// `problem` as an `application/problem+json` response with its status.
pub(crate) fn problem_response(problem: &Problem) -> Response {
    let problem = &for_the_client(problem);
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
    let problem = &for_the_client(problem);
    let body = render(
        state,
        "error.html",
        context! { problem => problem, model => &state.model },
    )
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "the error page could not be rendered");
        format!(
            "<!doctype html><title>Error</title><p>{}</p>",
            escape_html(&problem.detail)
        )
    });
    (problem.status_code(), Html(body)).into_response()
}

/// `problem` as the client sees it: a 500's detail (which may name files, paths or internal
/// state) is logged with the request id and replaced by a sentence quoting that id.
fn for_the_client(problem: &Problem) -> Problem {
    if problem.status != 500 {
        return problem.clone();
    }
    let request_id = current_request_id().unwrap_or_else(|| "unknown".into());
    tracing::error!(request_id, detail = problem.detail, "internal server error");
    let mut generic = problem.clone();
    generic.detail = format!(
        "The server could not handle this request. Quote request id {request_id} when \
         reporting it."
    );
    generic
}

/// `text` with `&`, `<`, `>`, `"` and `'` written as HTML entities.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
    fn html_is_escaped() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn a_500_detail_is_replaced_and_other_details_kept() {
        let internal = WebError::Internal {
            reason: "template /srv/secret/path.html failed".into(),
        }
        .problem();
        let shown = for_the_client(&internal);
        assert_eq!(shown.status, 500);
        assert!(!shown.detail.contains("/srv/secret"), "{}", shown.detail);
        assert!(shown.detail.contains("request id"), "{}", shown.detail);
        let client = WebError::NoRows.problem();
        assert_eq!(for_the_client(&client).detail, client.detail);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
