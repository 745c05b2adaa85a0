//! The HTML pages for analysts: the upload form (`GET /`), the upload itself
//! (`POST /predict`, which scores and redirects), a result (`GET /results/{id}`, paged and
//! sortable) and its CSV download (`GET /results/{id}.csv`), and the model card
//! (`GET /model`).
//!
//! Every failure here is answered with the error page, never with JSON: these routes are for a
//! browser. Results are kept in the [`crate::store`] under an unguessable id, which is the only
//! capability needed to read them back.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use pdscore::pipeline::Scored;
use serde::Serialize;

use super::content_type;
use crate::charts;
use crate::csv_out::results_csv;
use crate::error::WebError;
use crate::middleware::RowsScored;
use crate::scoring::{ExplainRows, job_slot, run_job};
use crate::state::AppState;
use crate::store::{EvaluationView, ResultId, SortKey, StoredResult};
use crate::views::{error_page, page, render, thousands};

/// Rows per results page unless `per_page` says otherwise.
const DEFAULT_PER_PAGE: usize = 50;
/// Largest `per_page` accepted.
const MAX_PER_PAGE: usize = 500;

/// `GET /`: the upload form with the model and the expected columns.
pub(crate) async fn index(State(state): State<Arc<AppState>>) -> Response {
    page(
        &state,
        "index.html",
        context! {
            model => &state.model,
            max_upload_mb => state.limits.max_upload_bytes as f64 / (1024.0 * 1024.0),
            max_rows => thousands(state.limits.max_rows),
        },
    )
}

/// `GET /model`: the model card as a page.
pub(crate) async fn model_page(State(state): State<Arc<AppState>>) -> Response {
    let card = state.pipeline.card();
    let cv: Vec<_> = card
        .cv
        .models
        .iter()
        .map(|r| {
            context! {
                name => &r.name,
                roc_auc => format!("{:.4}", r.roc_auc),
                pr_auc => format!("{:.4}", r.pr_auc),
                log_loss => format!("{:.4}", r.log_loss),
                mean_pd_ratio => format!("{:.3}", r.mean_pd_ratio),
                chosen => r.name == card.model.candidate,
            }
        })
        .collect();
    let importance: Vec<_> = card
        .feature_importance
        .values
        .iter()
        .take(15)
        .map(|(name, v)| context! { name => name, value => format!("{v:.4}") })
        .collect();
    page(
        &state,
        "model.html",
        context! {
            model => &state.model,
            cv => cv,
            folds => card.cv.folds,
            importance => importance,
            resampling => &card.resampling,
            calibration => &card.calibration.description,
            nested => format!(
                "ROC AUC {:.4}, PR AUC {:.4}, log loss {:.4} with the selection redone in each of \
                 the {} folds",
                card.cv.nested.roc_auc,
                card.cv.nested.pr_auc,
                card.cv.nested.calibration.log_loss,
                card.cv.folds
            ),
            positives => card.training_data.positives,
        },
    )
}

/// `POST /predict`: scores the uploaded `file`, keeps the result and redirects to it.
pub(crate) async fn predict_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    match predict_page_inner(&state, &headers, multipart).await {
        Ok(response) => response,
        Err(error) => error_page(&state, &error.problem()),
    }
}

/// The upload, scoring and storing behind [`predict_page`]; its error becomes the error page.
async fn predict_page_inner(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let mut multipart = multipart.map_err(|rejection| {
        let content_type = content_type(headers);
        if content_type.starts_with("multipart/form-data") {
            WebError::BadRequest {
                reason: rejection.body_text(),
            }
        } else {
            WebError::UnsupportedMediaType {
                found: content_type,
                expected: "multipart/form-data with a `file` field",
            }
        }
    })?;
    let too_large = |status: StatusCode, text: String| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::PayloadTooLarge {
                limit_bytes: state.limits.max_upload_bytes,
            }
        } else {
            WebError::BadRequest { reason: text }
        }
    };
    let mut upload = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| too_large(e.status(), e.body_text()))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.csv").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| too_large(e.status(), e.body_text()))?;
            upload = Some((name, bytes));
            break;
        }
    }
    let Some((source_name, bytes)) = upload else {
        return Err(WebError::BadRequest {
            reason: "the form has no `file` field: choose a CSV file to upload".into(),
        });
    };
    let options = state.pipeline.read_options();
    let slot = job_slot(state).await?;
    let job = run_job(
        state,
        slot,
        bytes,
        options,
        ExplainRows::Flagged(REASONS_ON_PAGE),
    )
    .await?;
    let rows = job.scored.pd.len();
    let id_column = state
        .pipeline
        .schema()
        .id
        .clone()
        .unwrap_or_else(|| "row".into());
    // Charts, metrics and the CSV download are O(rows): built once, on the blocking pool.
    let result = tokio::task::spawn_blocking(move || -> Result<StoredResult, WebError> {
        let histogram = charts::pd_histogram_svg(&job.scored.pd, job.scored.threshold);
        let evaluation = evaluation_view(&job.scored);
        let Scored {
            ids,
            pd,
            decision,
            threshold,
            ..
        } = job.scored;
        let reasons = job.reasons;
        let result = StoredResult::new(
            source_name,
            id_column,
            ids,
            pd,
            decision,
            threshold,
            job.log,
            evaluation,
            histogram,
        )
        .with_reasons(reasons);
        let csv = results_csv(&result)?;
        Ok(result.with_download(csv))
    })
    .await
    .map_err(|e| WebError::Internal {
        reason: format!("result task failed: {e}"),
    })??;
    let id = state
        .store
        .insert(result)
        .ok_or(WebError::PayloadTooLarge {
            limit_bytes: state.limits.result_store_bytes,
        })?;
    let mut response = Redirect::to(&format!("/results/{id}")).into_response();
    response.extensions_mut().insert(RowsScored(rows));
    Ok(response)
}

/// Reasons given to each flagged row of an upload (the page's table and the download).
const REASONS_ON_PAGE: usize = 3;

/// One row of the results table.
#[derive(Debug, Serialize)]
struct RowView {
    row: usize,
    id: String,
    pd: String,
    flagged: bool,
    /// The principal reasons (flagged rows), e.g. `debt_ratio (+0.412)`.
    reasons: Vec<String>,
}

/// `GET /results/{id}` (the page) and `GET /results/{id}.csv` (the download).
pub(crate) async fn results(
    State(state): State<Arc<AppState>>,
    Path(raw_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (id_text, csv) = match raw_id.strip_suffix(".csv") {
        Some(stem) => (stem, true),
        None => (raw_id.as_str(), false),
    };
    let found = ResultId::parse(id_text).and_then(|id| state.store.get(id));
    let Some(result) = found else {
        let problem = WebError::NotFound {
            what: "no result with this id: it never existed, expired, or was evicted; upload the file again".into(),
        }
        .problem();
        return error_page(&state, &problem);
    };
    if csv {
        let stem: String = result
            .source_name
            .trim_end_matches(".csv")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(60)
            .collect();
        let body = match &result.download {
            Some(body) => body.clone(),
            None => match results_csv(&result) {
                Ok(body) => Bytes::from(body),
                Err(error) => return error_page(&state, &error.problem()),
            },
        };
        let disposition = format!("attachment; filename=\"{stem}-pd.csv\"");
        let mut response =
            ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response();
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    match results_page(&state, id_text, &result, &query) {
        Ok(mut response) => {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => error_page(&state, &error.problem()),
    }
}

/// The whole-number query parameter `name`, `default` when absent or empty.
fn parse_param(
    query: &HashMap<String, String>,
    name: &str,
    default: usize,
) -> Result<usize, WebError> {
    match query.get(name) {
        None => Ok(default),
        Some(text) if text.is_empty() => Ok(default),
        Some(text) => text.parse().map_err(|_| WebError::BadRequest {
            reason: format!("`{name}` must be a whole number, got `{text}`"),
        }),
    }
}

/// One page of a result, sorted and paged as `query` asks.
fn results_page(
    state: &AppState,
    id: &str,
    result: &StoredResult,
    query: &HashMap<String, String>,
) -> Result<Response, WebError> {
    let sort = match query.get("sort").map(String::as_str) {
        None | Some("") => SortKey::PdDesc,
        Some(text) => SortKey::parse(text).ok_or_else(|| WebError::BadRequest {
            reason: format!("unknown sort `{text}`; use pd_desc, pd_asc, id_asc, id_desc or file"),
        })?,
    };
    let per_page = parse_param(query, "per_page", DEFAULT_PER_PAGE)?.clamp(1, MAX_PER_PAGE);
    let pages = result.len().div_ceil(per_page).max(1);
    let page_number = parse_param(query, "page", 1)?.clamp(1, pages);
    let order = result.order(sort);
    let start = (page_number - 1) * per_page;
    let rows: Vec<RowView> = order
        .iter()
        .skip(start)
        .take(per_page)
        .map(|&r| {
            let r = r as usize;
            RowView {
                row: r + 1,
                id: result.ids[r].clone(),
                pd: format!("{:.4}", result.pd[r]),
                flagged: result.decision[r],
                reasons: result
                    .reasons
                    .get(r)
                    .map(|list| list.iter().map(ToString::to_string).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let flagged = result.flagged();
    let share = if result.is_empty() {
        0.0
    } else {
        100.0 * flagged as f64 / result.len() as f64
    };
    let evaluation = result.evaluation.as_ref().map(|e| {
        let fmt = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.4}"));
        context! {
            labelled_rows => e.labelled_rows,
            positives => e.positives,
            roc_auc => fmt(e.roc_auc),
            pr_auc => fmt(e.pr_auc),
            tp => e.true_positives,
            fp => e.false_positives,
            tn => e.true_negatives,
            fn_ => e.false_negatives,
            roc_svg => &e.roc_svg,
            pr_svg => &e.pr_svg,
        }
    });
    let link = |page: usize, sort: SortKey| {
        let mut s = format!("/results/{id}?sort={}&page={page}", sort.as_str());
        if per_page != DEFAULT_PER_PAGE {
            let _ = write!(s, "&per_page={per_page}");
        }
        s
    };
    let toggle = |asc: SortKey, desc: SortKey| if sort == desc { asc } else { desc };
    let aria = |asc: SortKey, desc: SortKey| {
        if sort == asc {
            "ascending"
        } else if sort == desc {
            "descending"
        } else {
            "none"
        }
    };
    let body = render(
        state,
        "results.html",
        context! {
            model => &state.model,
            source_name => &result.source_name,
            id_column => &result.id_column,
            rows_scored => thousands(result.len()),
            flagged => thousands(flagged),
            flagged_share => format!("{share:.1}"),
            threshold => format!("{:.4}", result.threshold),
            histogram_svg => &result.histogram_svg,
            evaluation => evaluation,
            rows => rows,
            page => page_number,
            pages => pages,
            first_row => start + 1,
            last_row => (start + per_page).min(result.len()),
            prev_link => (page_number > 1).then(|| link(page_number - 1, sort)),
            next_link => (page_number < pages).then(|| link(page_number + 1, sort)),
            first_link => link(1, sort),
            last_link => link(pages, sort),
            sort_id_link => link(1, toggle(SortKey::IdAsc, SortKey::IdDesc)),
            sort_pd_link => link(1, toggle(SortKey::PdAsc, SortKey::PdDesc)),
            sort_file_link => link(1, SortKey::File),
            aria_id => aria(SortKey::IdAsc, SortKey::IdDesc),
            aria_pd => aria(SortKey::PdAsc, SortKey::PdDesc),
            aria_row => if sort == SortKey::File { "ascending" } else { "none" },
            download_link => format!("/results/{id}.csv"),
            explained => !result.reasons.is_empty(),
            log => &result.log,
        },
    )?;
    Ok(Html(body).into_response())
}

/// The metrics and curves kept with a result whose upload carried the target.
fn evaluation_view(scored: &Scored) -> Option<EvaluationView> {
    let eval = scored.evaluation.as_ref()?;
    let (roc_svg, pr_svg) = charts::curves_svg(eval);
    Some(EvaluationView {
        labelled_rows: eval.labelled_rows,
        positives: eval.positives,
        roc_auc: eval.roc_auc,
        pr_auc: eval.pr_auc,
        true_positives: eval.confusion.true_positives.round() as u64,
        false_positives: eval.confusion.false_positives.round() as u64,
        true_negatives: eval.confusion.true_negatives.round() as u64,
        false_negatives: eval.confusion.false_negatives.round() as u64,
        roc_svg,
        pr_svg,
    })
}
