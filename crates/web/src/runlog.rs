//! The run log shown with every result: rows read, columns dropped or imputed and why, unseen
//! categories, warnings and timings. Built from what the pipeline reports; no ML here.

use pdscore::features::{ColumnOutcome, DropReason, TransformLog};
use pdscore::pipeline::{ModelCard, Scored};
use serde::Serialize;

/// How much attention an entry needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// For information.
    Info,
    /// Worth a look: the scores may be less reliable for the rows concerned.
    Warning,
}

/// One line of the run log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// Severity.
    pub level: Level,
    /// The step it belongs to: `read`, `preprocess`, `score`, `explain`, `evaluate`.
    pub step: &'static str,
    /// What happened.
    pub message: String,
}

impl LogEntry {
    fn info(step: &'static str, message: String) -> Self {
        LogEntry {
            level: Level::Info,
            step,
            message,
        }
    }

    fn warning(step: &'static str, message: String) -> Self {
        LogEntry {
            level: Level::Warning,
            step,
            message,
        }
    }
}

/// The warning for JSON keys that no column of the model has (skipped, not read).
pub(crate) fn ignored_json_keys(names: &[String], more: bool) -> LogEntry {
    let more = if more { " and more" } else { "" };
    LogEntry::warning(
        "read",
        format!(
            "ignored keys the model does not read: {}{more}",
            names.join(", ")
        ),
    )
}

/// The entry of the explain step: how many rows got reasons, and how long it took.
pub(crate) fn explained(rows: usize, millis: f64) -> LogEntry {
    LogEntry::info(
        "explain",
        format!("gave the principal reasons of {rows} rows in {millis:.1} ms"),
    )
}

/// The warning of an explain step the model could not do.
pub(crate) fn not_explained(reason: &str) -> LogEntry {
    LogEntry::warning("explain", format!("no reasons given: {reason}"))
}

/// What the read step found, as the log needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadSummary {
    /// Rows read.
    pub rows: usize,
    /// Columns in the upload.
    pub columns: usize,
    /// Bytes received.
    pub bytes: usize,
    /// Reader warnings (e.g. ignored extra columns), as text.
    pub warnings: Vec<String>,
    /// Milliseconds spent reading.
    pub millis: f64,
}

/// Builds the run log of one scored upload.
pub fn build(
    read: &ReadSummary,
    card: &ModelCard,
    scored: &Scored,
    score_millis: f64,
) -> Vec<LogEntry> {
    let mut log = vec![LogEntry::info(
        "read",
        format!(
            "read {} rows and {} columns ({} bytes) in {:.1} ms",
            read.rows, read.columns, read.bytes, read.millis
        ),
    )];
    log.extend(
        read.warnings
            .iter()
            .map(|w| LogEntry::info("read", w.clone())),
    );
    log.extend(dropped_at_training(card));
    log.extend(transform_entries(card, &scored.transform_log));
    let flagged = scored.decision.iter().filter(|&&d| d).count();
    log.push(LogEntry::info(
        "score",
        format!(
            "scored {} rows with `{}` in {:.1} ms; {} flagged at threshold {:.4}",
            scored.pd.len(),
            card.model.candidate,
            score_millis,
            flagged,
            scored.threshold
        ),
    ));
    if let Some(eval) = &scored.evaluation {
        log.push(LogEntry::info(
            "evaluate",
            format!(
                "target column present: {} labelled rows, {} defaulters; metrics below",
                eval.labelled_rows, eval.positives
            ),
        ));
        if eval.roc_auc.is_none() {
            log.push(LogEntry::warning(
                "evaluate",
                "only one class among the labels: ROC and PR AUC are not defined".into(),
            ));
        }
    }
    log
}

/// Columns the model does not use because training dropped them.
fn dropped_at_training(card: &ModelCard) -> Vec<LogEntry> {
    card.feature_steps
        .dropped()
        .map(|(name, reason, rate)| {
            let why = match reason {
                DropReason::TooSparse { max_missing_rate } => format!(
                    "{:.1}% missing in the training data, above the {:.0}% limit",
                    100.0 * rate,
                    100.0 * max_missing_rate
                ),
                DropReason::AllMissing => "entirely missing in the training data".into(),
                DropReason::LowInformationValue { iv, min_iv } => {
                    format!("information value {iv:.4}, below the {min_iv} minimum")
                }
            };
            LogEntry::info("preprocess", format!("column `{name}` not used: {why}"))
        })
        .collect()
}

fn transform_entries(card: &ModelCard, log: &TransformLog) -> Vec<LogEntry> {
    let mut out = Vec::new();
    for column in &log.columns {
        let fit = card
            .feature_steps
            .columns
            .iter()
            .find(|c| c.name == column.name);
        if column.imputed > 0 {
            let how = match fit.map(|c| &c.outcome) {
                Some(ColumnOutcome::Numeric(n)) => match n.imputation_value {
                    Some(v) => format!("with the training median {}", short(v)),
                    None => "as missing".into(),
                },
                Some(ColumnOutcome::Categorical(_)) => "as the missing level".into(),
                Some(ColumnOutcome::Woe(_)) => "with the WoE of their bin".into(),
                _ => "with the training value".into(),
            };
            out.push(LogEntry::info(
                "preprocess",
                format!(
                    "column `{}`: {} missing value(s) imputed {how}",
                    column.name, column.imputed
                ),
            ));
        }
        if column.missing_kept > 0 {
            out.push(LogEntry::info(
                "preprocess",
                format!(
                    "column `{}`: {} missing value(s) passed to the model as missing",
                    column.name, column.missing_kept
                ),
            ));
        }
        if column.non_finite > 0 {
            out.push(LogEntry::warning(
                "preprocess",
                format!(
                    "column `{}`: {} infinite value(s) treated as missing",
                    column.name, column.non_finite
                ),
            ));
        }
        if column.out_of_range > 0 {
            out.push(LogEntry::warning(
                "preprocess",
                format!(
                    "column `{}`: {} value(s) outside the training range ({} clipped)",
                    column.name, column.out_of_range, column.clipped
                ),
            ));
        }
        if column.unknown > 0 {
            let mut listed: Vec<String> = column
                .unknown_levels
                .iter()
                .map(|l| format!("`{}` ×{}", l.level, l.count))
                .collect();
            if column.unknown_levels_not_listed > 0 {
                listed.push(format!("{} more", column.unknown_levels_not_listed));
            }
            out.push(LogEntry::warning(
                "preprocess",
                format!(
                    "column `{}`: {} value(s) in categories not seen in training, scored as unknown: {}",
                    column.name,
                    column.unknown,
                    listed.join(", ")
                ),
            ));
        }
    }
    out
}

/// A number with at most 6 significant digits, no trailing zeros.
fn short(v: f64) -> String {
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// Adds the final timing line.
pub fn push_total(log: &mut Vec<LogEntry>, total_millis: f64) {
    log.push(LogEntry::info(
        "score",
        format!("total time {total_millis:.1} ms"),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_drop_trailing_zeros() {
        assert_eq!(short(12.5), "12.5");
        assert_eq!(short(3.0), "3");
        assert_eq!(short(0.123_456_78), "0.123457");
    }
}
