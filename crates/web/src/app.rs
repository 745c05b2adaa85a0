//! The application: shared state, the router and the request handlers.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::{Environment, context};
use pdscore::ingest::{ReadOptions, read_csv_with_report};
use pdscore::pipeline::{Pipeline, PipelineError, Scored};
use rand::RngCore;
use rand::rngs::OsRng;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::charts;
use crate::config::Limits;
use crate::csv_out::results_csv;
use crate::error::{Problem, WebError};
use crate::json_rows::{RowsCsv, rows_to_csv};
use crate::runlog::{self, LogEntry, ReadSummary};
use crate::store::{EvaluationView, ResultId, ResultStore, SortKey, StoredResult};

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

/// Rows per results page unless `per_page` says otherwise.
pub const DEFAULT_PER_PAGE: usize = 50;
/// Largest `per_page` accepted.
pub const MAX_PER_PAGE: usize = 500;

const OPENAPI: &str = include_str!("openapi.json");
const APP_CSS: &str = include_str!("../static/app.css");
const APP_JS: &str = include_str!("../static/app.js");
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The model as the pages show it.
#[derive(Debug, Clone, Serialize)]
struct ModelView {
    name: String,
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

#[derive(Debug, Clone, Serialize)]
struct ColumnView {
    name: String,
    kind: String,
    role: &'static str,
}

/// Shared state of every request.
struct AppState {
    pipeline: Arc<Pipeline>,
    limits: Limits,
    store: ResultStore,
    jobs: Arc<Semaphore>,
    templates: Environment<'static>,
    model: ModelView,
    template_csv: String,
    card_json: Vec<u8>,
}

/// Marks a response with the number of rows scored, for the request log.
#[derive(Debug, Clone, Copy)]
struct RowsScored(usize);

/// Builds the application router serving `pipeline` within `limits`.
///
/// # Errors
/// [`WebError::InvalidSetting`] for bad limits; [`WebError::Internal`] if a template or the
/// model card cannot be prepared.
pub fn router(pipeline: Pipeline, limits: Limits) -> Result<Router, WebError> {
    limits.check()?;
    let model = model_view(&pipeline);
    let template_csv = template_csv(&pipeline);
    let card_json = serde_json::to_vec_pretty(pipeline.card()).map_err(|e| WebError::Internal {
        reason: format!("model card: {e}"),
    })?;
    let state = Arc::new(AppState {
        pipeline: Arc::new(pipeline),
        store: ResultStore::new(limits.result_ttl, limits.result_store_bytes),
        jobs: Arc::new(Semaphore::new(limits.max_concurrent_jobs)),
        templates: templates()?,
        model,
        template_csv,
        card_json,
        limits: limits.clone(),
    });
    let body_limit = limits.max_upload_bytes;
    Ok(Router::new()
        .route("/", get(index))
        .route("/template.csv", get(template_download))
        .route("/predict", post(predict_page))
        .route("/results/{id}", get(results))
        .route("/model", get(model_page))
        .route("/api/v1/predict", post(predict_api))
        .route("/api/v1/model", get(model_api))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/static/app.css", get(app_css))
        .route("/static/app.js", get(app_js))
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), timeout_layer))
        .layer(middleware::from_fn(request_log))
        .with_state(state))
}

fn templates() -> Result<Environment<'static>, WebError> {
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

fn model_view(pipeline: &Pipeline) -> ModelView {
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

/// The header line of the expected columns (id, features, then the optional target).
fn template_csv(pipeline: &Pipeline) -> String {
    let schema = pipeline.schema();
    let mut names: Vec<&str> = schema.required_for_scoring();
    if let Some(t) = &schema.target {
        names.push(&t.column);
    }
    let mut line = names
        .iter()
        .map(|n| crate::csv_out::escape_cell(n).into_owned())
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

// ------------------------------------------------------------------ middleware

/// Runs the request under the request timeout; a late request gets a 503 problem.
async fn timeout_layer(
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

/// Gives each request an id (echoed in `x-request-id`), adds the security headers and logs
/// method, path (result ids redacted), status, latency and rows scored.
async fn request_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = format!("{:016x}", OsRng.next_u64());
    let method = request.method().clone();
    let path = redact(request.uri().path());
    let mut response = next.run(request).await;
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

fn wants_html(path: &str) -> bool {
    !(path.starts_with("/api/") || path == "/healthz" || path == "/readyz")
}

// ------------------------------------------------------------------ responses

fn problem_response(problem: &Problem) -> Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (
        problem.status_code(),
        [(header::CONTENT_TYPE, "application/problem+json")],
        body,
    )
        .into_response()
}

fn render(state: &AppState, name: &str, ctx: minijinja::Value) -> Result<String, WebError> {
    state
        .templates
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| WebError::Internal {
            reason: format!("template {name}: {e:#}"),
        })
}

fn error_page(state: &AppState, problem: &Problem) -> Response {
    let body = render(
        state,
        "error.html",
        context! { problem => problem, model => &state.model },
    )
    .unwrap_or_else(|e| format!("<!doctype html><title>Error</title><p>{e}</p>"));
    (problem.status_code(), Html(body)).into_response()
}

fn page(state: &AppState, name: &str, ctx: minijinja::Value) -> Response {
    match render(state, name, ctx) {
        Ok(body) => Html(body).into_response(),
        Err(e) => error_page(state, &e.problem()),
    }
}

// ------------------------------------------------------------------ scoring

/// What one scoring job produced.
struct Job {
    scored: Scored,
    log: Vec<LogEntry>,
}

/// Reads `bytes` as CSV with the model's schema and scores every row (blocking: run it in
/// `spawn_blocking`).
fn score_bytes(
    pipeline: &Pipeline,
    limits: &Limits,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Job, WebError> {
    let started = Instant::now();
    let read = read_csv_with_report(bytes, options).map_err(PipelineError::from)?;
    let rows = read.table.n_rows();
    if rows > limits.max_rows {
        return Err(WebError::TooManyRows {
            rows,
            limit: limits.max_rows,
        });
    }
    let read_summary = ReadSummary {
        rows,
        columns: read.table.columns().len(),
        bytes: bytes.len(),
        warnings: read.warnings.iter().map(ToString::to_string).collect(),
        millis: started.elapsed().as_secs_f64() * 1e3,
    };
    let scoring = Instant::now();
    let scored = pipeline.score(&read.table)?;
    let score_ms = scoring.elapsed().as_secs_f64() * 1e3;
    let mut log = runlog::build(&read_summary, pipeline.card(), &scored, score_ms);
    runlog::push_total(&mut log, started.elapsed().as_secs_f64() * 1e3);
    Ok(Job { scored, log })
}

/// Waits for a scoring slot, then runs [`score_bytes`] on the blocking pool.
async fn run_job(
    state: &Arc<AppState>,
    bytes: Bytes,
    options: ReadOptions,
) -> Result<Job, WebError> {
    let permit = state
        .jobs
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| WebError::Internal {
            reason: format!("job slots closed: {e}"),
        })?;
    let pipeline = state.pipeline.clone();
    let limits = state.limits.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        score_bytes(&pipeline, &limits, &bytes, &options)
    })
    .await
    .map_err(|e| WebError::Internal {
        reason: format!("scoring task failed: {e}"),
    })?
}

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

// ------------------------------------------------------------------ HTML handlers

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
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

async fn index(State(state): State<Arc<AppState>>) -> Response {
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

async fn model_page(State(state): State<Arc<AppState>>) -> Response {
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

async fn template_download(State(state): State<Arc<AppState>>) -> Response {
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

async fn predict_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    match predict_page_inner(&state, &headers, multipart).await {
        Ok(response) => response,
        Err(error) => error_page(&state, &error.problem()),
    }
}

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
    let job = run_job(state, bytes, options).await?;
    let rows = job.scored.pd.len();
    let histogram = charts::pd_histogram_svg(&job.scored.pd, job.scored.threshold);
    let evaluation = evaluation_view(&job.scored);
    let id_column = state
        .pipeline
        .schema()
        .id
        .clone()
        .unwrap_or_else(|| "row".into());
    let Scored {
        ids,
        pd,
        decision,
        threshold,
        ..
    } = job.scored;
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
    );
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

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// One row of the results table.
#[derive(Debug, Serialize)]
struct RowView {
    row: usize,
    id: String,
    pd: String,
    flagged: bool,
}

async fn results(
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
        let disposition = format!("attachment; filename=\"{stem}-pd.csv\"");
        let mut response = (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            results_csv(&result),
        )
            .into_response();
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
            log => &result.log,
        },
    )?;
    Ok(Html(body).into_response())
}

async fn no_route(State(state): State<Arc<AppState>>, request: Request) -> Response {
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

// ------------------------------------------------------------------ JSON API

/// One prediction of the JSON API.
#[derive(Debug, Serialize)]
struct Prediction<'a> {
    id: &'a str,
    pd: f64,
    decision: bool,
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

#[derive(Debug, Serialize)]
struct ApiConfusion {
    true_positives: u64,
    false_positives: u64,
    true_negatives: u64,
    false_negatives: u64,
}

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

async fn predict_api(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
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
    let (bytes, options, rows_csv): (Bytes, ReadOptions, Option<RowsCsv>) = match media {
        "text/csv" | "application/csv" => (body, state.pipeline.read_options(), None),
        "application/json" => match json_rows_off_thread(body).await {
            Ok(csv) => (
                Bytes::from(csv.text.clone()),
                state.pipeline.read_options().delimiter(b','),
                Some(csv),
            ),
            Err(e) => return problem_response(&e.problem()),
        },
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
    let job = match run_job(&state, bytes, options).await {
        Ok(job) => job,
        Err(error) => {
            let problem = match &rows_csv {
                Some(csv) => error.problem_with_rows(|line| csv.row_of_line(line)),
                None => error.problem(),
            };
            return problem_response(&problem);
        }
    };
    let scored = &job.scored;
    let predictions: Vec<Prediction<'_>> = scored
        .ids
        .iter()
        .zip(&scored.pd)
        .zip(&scored.decision)
        .map(|((id, &pd), &decision)| Prediction { id, pd, decision })
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

async fn json_rows_off_thread(body: Bytes) -> Result<RowsCsv, WebError> {
    if body.len() <= INLINE_JSON_BYTES {
        return rows_to_csv(&body);
    }
    tokio::task::spawn_blocking(move || rows_to_csv(&body))
        .await
        .map_err(|e| WebError::Internal {
            reason: format!("JSON task failed: {e}"),
        })?
}

async fn model_api(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.card_json.clone(),
    )
        .into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn healthz() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
        .into_response()
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
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

async fn app_css() -> Response {
    static_asset("text/css; charset=utf-8", APP_CSS)
}

async fn app_js() -> Response {
    static_asset("text/javascript; charset=utf-8", APP_JS)
}

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
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn api_paths_get_problem_json() {
        assert!(!wants_html("/api/v1/predict"));
        assert!(!wants_html("/healthz"));
        assert!(wants_html("/results/x"));
    }
}
