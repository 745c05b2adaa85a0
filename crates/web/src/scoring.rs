//! Scoring one upload, shared by the upload page and the JSON API: read the bytes as CSV with
//! the model's schema, enforce the row limit, score, and build the run log.
//!
//! Reading and scoring are CPU-bound and may take seconds, so a job runs on tokio's blocking
//! pool, and only after taking a slot of the job semaphore: at most
//! [`Limits::max_concurrent_jobs`] uploads are scored at once, the others wait.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use pdscore::ingest::{ReadOptions, read_csv_with_report};
use pdscore::pipeline::{Pipeline, PipelineError, Scored};

use crate::app::AppState;
use crate::config::Limits;
use crate::error::WebError;
use crate::runlog::{self, LogEntry, ReadSummary};

/// What one scoring job produced.
pub(crate) struct Job {
    pub(crate) scored: Scored,
    pub(crate) log: Vec<LogEntry>,
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
pub(crate) async fn run_job(
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
