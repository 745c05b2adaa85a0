//! Scoring one upload, shared by the upload page and the JSON API: read the bytes as CSV with
//! the model's schema, enforce the row limit, score, and build the run log.
//!
//! Reading and scoring are CPU-bound and may take seconds, so a job runs on tokio's blocking
//! pool, and only after taking a slot of the job semaphore ([`job_slot`]): at most
//! [`Limits::max_concurrent_jobs`] uploads are converted, read and scored at once, the others
//! wait. Before the table is parsed, its records are counted (a quote-aware scan of the bytes),
//! so an upload over the row limit is refused without building it.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use pdscore::ingest::{ReadOptions, read_csv_with_report};
use pdscore::pipeline::{Pipeline, PipelineError, Reason, Scored};
use tokio::sync::OwnedSemaphorePermit;

use crate::config::Limits;
use crate::error::WebError;
use crate::runlog::{self, LogEntry, ReadSummary};
use crate::state::AppState;

/// What one scoring job produced.
pub(crate) struct Job {
    pub(crate) scored: Scored,
    pub(crate) log: Vec<LogEntry>,
    /// The principal reasons of each row, largest first: one list per row (empty for a row
    /// not explained), or no lists at all when no row was to be explained.
    pub(crate) reasons: Vec<Vec<Reason>>,
}

/// Which rows of a job get reasons ([`Pipeline::explain`]), and how many each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExplainRows {
    /// No reasons.
    None,
    /// Every row, this many reasons (the API's `explain`).
    All(usize),
    /// The flagged rows only (the declined applicants, who must be told why), this many
    /// reasons: the upload page, where explaining every row would cost more than scoring.
    Flagged(usize),
}

/// Reads `bytes` as CSV with the model's schema and scores every row (blocking: run it in
/// `spawn_blocking`).
fn score_bytes(
    pipeline: &Pipeline,
    limits: &Limits,
    bytes: &[u8],
    options: &ReadOptions,
    explain: ExplainRows,
) -> Result<Job, WebError> {
    let started = Instant::now();
    let records = count_records(bytes);
    if records.saturating_sub(1) > limits.max_rows {
        return Err(WebError::TooManyRows {
            rows: records.saturating_sub(1),
            limit: limits.max_rows,
        });
    }
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
    let explaining = Instant::now();
    let reasons = match explain_rows(pipeline, &read.table, &scored, explain) {
        Ok(reasons) => {
            if explain != ExplainRows::None {
                let explained = reasons.iter().filter(|r| !r.is_empty()).count();
                let millis = explaining.elapsed().as_secs_f64() * 1e3;
                log.push(runlog::explained(explained, millis));
            }
            reasons
        }
        // The page explains on its own initiative: a model that cannot is a warning there,
        // while a request that asked for reasons gets the error.
        Err(WebError::Data(PipelineError::NotExplainable(reason)))
            if matches!(explain, ExplainRows::Flagged(_)) =>
        {
            log.push(runlog::not_explained(&reason));
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    runlog::push_total(&mut log, started.elapsed().as_secs_f64() * 1e3);
    Ok(Job {
        scored,
        log,
        reasons,
    })
}

/// The reasons [`ExplainRows`] asks for, one list per row of `table` (none for `None`).
fn explain_rows(
    pipeline: &Pipeline,
    table: &pdscore::ingest::Table,
    scored: &Scored,
    explain: ExplainRows,
) -> Result<Vec<Vec<Reason>>, WebError> {
    let (rows, n): (Vec<usize>, usize) = match explain {
        ExplainRows::None | ExplainRows::All(0) | ExplainRows::Flagged(0) => {
            return Ok(Vec::new());
        }
        ExplainRows::All(n) => ((0..table.n_rows()).collect(), n),
        ExplainRows::Flagged(n) => (
            (0..table.n_rows())
                .filter(|&r| scored.decision[r])
                .collect(),
            n,
        ),
    };
    let mut reasons = vec![Vec::new(); table.n_rows()];
    if rows.is_empty() {
        return Ok(reasons);
    }
    let explained = if rows.len() == table.n_rows() {
        pipeline.explain(table)?
    } else {
        pipeline.explain(&table.take_rows(&rows))?
    };
    for (k, &r) in rows.iter().enumerate() {
        reasons[r] = explained.reasons(k, n);
    }
    Ok(reasons)
}

/// Non-blank records of CSV text (quotes are `"`, as the reader's) (the header included): line ends outside quoted fields, plus
/// a last line without one. A quoted field that spans lines counts once, and blank lines not at
/// all, so this never exceeds the rows the reader finds plus the header.
pub(crate) fn count_records(bytes: &[u8]) -> usize {
    let mut records = 0;
    let mut in_quotes = false;
    let mut line_has_content = false;
    for &byte in bytes {
        if byte == b'"' {
            in_quotes = !in_quotes;
            line_has_content = true;
        } else if byte == b'\n' && !in_quotes {
            records += usize::from(line_has_content);
            line_has_content = false;
        } else if byte != b'\r' {
            line_has_content = true;
        }
    }
    records + usize::from(line_has_content)
}

/// Waits for a slot of the job semaphore. Hold it while converting, reading and scoring one
/// upload.
pub(crate) async fn job_slot(state: &AppState) -> Result<OwnedSemaphorePermit, WebError> {
    state
        .jobs
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| WebError::Internal {
            reason: format!("job slots closed: {e}"),
        })
}

/// Runs [`score_bytes`] on the blocking pool, holding `slot` (from [`job_slot`]) until done.
pub(crate) async fn run_job(
    state: &Arc<AppState>,
    slot: OwnedSemaphorePermit,
    bytes: Bytes,
    options: ReadOptions,
    explain: ExplainRows,
) -> Result<Job, WebError> {
    let pipeline = state.pipeline.clone();
    let limits = state.limits.clone();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        score_bytes(&pipeline, &limits, &bytes, &options, explain)
    })
    .await
    .map_err(|e| WebError::Internal {
        reason: format!("scoring task failed: {e}"),
    })?
}

#[cfg(test)]
mod tests {
    use super::count_records;

    #[test]
    fn records_are_counted_outside_quotes_without_blank_lines() {
        assert_eq!(count_records(b""), 0);
        assert_eq!(count_records(b"a;b\n1;2\n"), 2);
        assert_eq!(count_records(b"a;b\r\n1;2\r\n3;4"), 3);
        assert_eq!(count_records(b"a\n\"x\ny\"\n\n\n2\n"), 3);
        assert_eq!(count_records(b"a\n\r\n1\n"), 2);
    }
}
