//! The JSON API for programs, under `/api/v1/`: scoring (`POST /api/v1/predict`, a CSV body or
//! `{"rows": [...]}`), the model card (`GET /api/v1/model`) and the OpenAPI description of
//! every route (`GET /api/v1/openapi.json`).
//!
//! Every failure is an `application/problem+json` document ([`crate::error`]); for a JSON body,
//! a data error names the row of `rows` at fault rather than a line of the CSV it became.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pdscore::ingest::ReadOptions;
use pdscore::pipeline::Reason;
use serde::Serialize;

use super::content_type;
use crate::error::WebError;
use crate::json_rows::{RowsCsv, RowsSpec, rows_to_csv};
use crate::middleware::RowsScored;
use crate::runlog::{self, LogEntry};
use crate::scoring::{ExplainRows, job_slot, run_job};
use crate::state::AppState;
use crate::views::problem_response;

/// One prediction of the JSON API.
#[derive(Debug, Serialize)]
struct Prediction<'a> {
    id: &'a str,
    pd: f64,
    decision: bool,
    /// The principal reasons, largest first, when the request asked for them (`explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    reasons: Option<&'a [Reason]>,
}

/// Metrics in the JSON answer when the rows carry the target.
#[derive(Debug, Serialize)]
struct ApiEvaluation {
    labelled_rows: usize,
    positives: usize,
    roc_auc: Option<f64>,
    pr_auc: Option<f64>,
    confusion_matrix: ApiConfusion,
}

/// The confusion matrix at the model's threshold, in counts of rows.
#[derive(Debug, Serialize)]
struct ApiConfusion {
    true_positives: u64,
    false_positives: u64,
    true_negatives: u64,
    false_negatives: u64,
}

/// The answer of `POST /api/v1/predict`.
#[derive(Debug, Serialize)]
struct PredictResponse<'a> {
    model: &'a str,
    threshold: f64,
    rows: usize,
    flagged: usize,
    predictions: Vec<Prediction<'a>>,
    log: &'a [LogEntry],
    #[serde(skip_serializing_if = "Option::is_none")]
    evaluation: Option<ApiEvaluation>,
}

/// `POST /api/v1/predict`: scores a CSV or JSON-rows body and answers with the predictions,
/// the run log and, when the rows carry the target, the evaluation. With `"explain": N` in a
/// JSON body, or `?explain=N` for a CSV body, each prediction also lists its N principal
/// reasons (see `pdscore::pipeline::explain`).
pub(crate) async fn predict_api(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let query_explain = match query.as_ref().map(|q| q.get("explain")) {
        Ok(None) => 0,
        Ok(Some(text)) => {
            let Ok(n) = text.parse::<usize>() else {
                let reason = format!("`explain` must be a whole number of reasons, got `{text}`");
                return problem_response(&WebError::BadRequest { reason }.problem());
            };
            n
        }
        Err(rejection) => {
            let reason = rejection.body_text();
            return problem_response(&WebError::BadRequest { reason }.problem());
        }
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let error = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                WebError::PayloadTooLarge {
                    limit_bytes: state.limits.max_upload_bytes,
                }
            } else {
                WebError::BadRequest {
                    reason: rejection.body_text(),
                }
            };
            return problem_response(&error.problem());
        }
    };
    let content_type = content_type(&headers);
    let media = content_type.split(';').next().unwrap_or("").trim();
    let is_json = match media {
        "text/csv" | "application/csv" => false,
        "application/json" => true,
        _ => {
            return problem_response(
                &WebError::UnsupportedMediaType {
                    found: content_type,
                    expected: "text/csv or application/json",
                }
                .problem(),
            );
        }
    };
    // One slot of the job semaphore covers the JSON conversion, the read and the scoring.
    let slot = match job_slot(&state).await {
        Ok(slot) => slot,
        Err(e) => return problem_response(&e.problem()),
    };
    let (bytes, options, rows_csv): (Bytes, ReadOptions, Option<RowsCsv>) = if is_json {
        let spec = RowsSpec::for_schema(state.pipeline.schema(), state.limits.max_rows);
        match json_rows_off_thread(body, spec).await {
            Ok(csv) => (
                Bytes::from(csv.text.clone()),
                state.pipeline.read_options().delimiter(b','),
                Some(csv),
            ),
            Err(e) => return problem_response(&e.problem()),
        }
    } else {
        (body, state.pipeline.read_options(), None)
    };
    // A JSON body's own `explain` wins over the query's.
    let explain = match rows_csv.as_ref().map_or(0, |csv| csv.explain) {
        0 => query_explain,
        n => n,
    };
    let explain = match explain {
        0 => ExplainRows::None,
        n => ExplainRows::All(n),
    };
    let mut job = match run_job(&state, slot, bytes, options, explain).await {
        Ok(job) => job,
        Err(error) => {
            let problem = match &rows_csv {
                Some(csv) => error.problem_with_rows(|line| csv.row_of_line(line)),
                None => error.problem(),
            };
            return problem_response(&problem);
        }
    };
    if let Some(csv) = rows_csv.as_ref().filter(|csv| !csv.ignored_keys.is_empty()) {
        job.log.insert(
            0,
            runlog::ignored_json_keys(&csv.ignored_keys, csv.more_ignored_keys),
        );
    }
    let scored = &job.scored;
    let predictions: Vec<Prediction<'_>> = scored
        .ids
        .iter()
        .zip(&scored.pd)
        .zip(&scored.decision)
        .enumerate()
        .map(|(r, ((id, &pd), &decision))| Prediction {
            id,
            pd,
            decision,
            reasons: job.reasons.get(r).map(Vec::as_slice),
        })
        .collect();
    let evaluation = scored.evaluation.as_ref().map(|e| ApiEvaluation {
        labelled_rows: e.labelled_rows,
        positives: e.positives,
        roc_auc: e.roc_auc,
        pr_auc: e.pr_auc,
        confusion_matrix: ApiConfusion {
            true_positives: e.confusion.true_positives.round() as u64,
            false_positives: e.confusion.false_positives.round() as u64,
            true_negatives: e.confusion.true_negatives.round() as u64,
            false_negatives: e.confusion.false_negatives.round() as u64,
        },
    });
    let answer = PredictResponse {
        model: &state.model.name,
        threshold: scored.threshold,
        rows: scored.pd.len(),
        flagged: scored.decision.iter().filter(|&&d| d).count(),
        predictions,
        log: &job.log,
        evaluation,
    };
    let rows = answer.rows;
    match serde_json::to_vec(&answer) {
        Ok(body) => {
            let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
            response.extensions_mut().insert(RowsScored(rows));
            response
        }
        Err(e) => problem_response(
            &WebError::Internal {
                reason: format!("JSON: {e}"),
            }
            .problem(),
        ),
    }
}

/// JSON bodies above this size are converted on the blocking pool, so that a large upload
/// does not stall the async workers.
const INLINE_JSON_BYTES: usize = 64 * 1024;

/// The JSON rows of `body` as CSV text, converted inline when small, else on the blocking pool.
async fn json_rows_off_thread(body: Bytes, spec: RowsSpec) -> Result<RowsCsv, WebError> {
    if body.len() <= INLINE_JSON_BYTES {
        return rows_to_csv(&body, &spec);
    }
    tokio::task::spawn_blocking(move || rows_to_csv(&body, &spec))
        .await
        .map_err(|e| WebError::Internal {
            reason: format!("JSON task failed: {e}"),
        })?
}

/// `GET /api/v1/model`: the model card as JSON.
pub(crate) async fn model_api(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.card_json.clone(),
    )
        .into_response()
}

/// `GET /api/v1/openapi.json`: the OpenAPI document of every route.
pub(crate) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::OPENAPI_JSON,
    )
        .into_response()
}
