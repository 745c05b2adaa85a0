//! Out-of-time validation: every candidate fitted (and calibrated) on the rows before a cut-off
//! of a time column and measured on the rows from it on. Cross-validation mixes periods; a
//! credit model is used on applicants who come after the ones it learnt from, and a drift
//! between periods shows here and not in the CV figures.

use pdscore_ingest::{ColumnData, Table};
use pdscore_metrics::{average_precision_score, log_loss, mean_pd_ratio, roc_auc_score};
use pdscore_models::FittedClassifier;
use pdscore_resample::Fold;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::candidate::Candidate;
use crate::compare::Comparison;
use crate::data::{LabelledData, take_rows};
use crate::ensemble::{FoldStack, stacked_outcomes};
use crate::error::{PipelineError, Result};
use crate::fit::fit_calibrated;

/// Which column orders the rows in time, and where the test period starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfTimeSpec {
    /// The time column (numbers, or text that sorts in time order such as ISO dates
    /// `2024-03-31` or periods `2024-03`). It is never a feature.
    pub column: String,
    /// The first value of the test period: rows with a value `>=` it are tested, rows below it
    /// train. Compared as a number for a numeric column, as text otherwise.
    pub test_from: String,
}

/// One candidate's figures on the test period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutOfTimeRow {
    /// Candidate name.
    pub name: String,
    /// ROC AUC on the test period.
    pub roc_auc: f64,
    /// PR AUC (average precision) on the test period.
    pub pr_auc: f64,
    /// Log loss of the calibrated PDs on the test period.
    pub log_loss: f64,
    /// Mean PD / observed default rate on the test period.
    pub mean_pd_ratio: f64,
}

/// The out-of-time figures of every candidate of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutOfTime {
    /// The split.
    pub spec: OutOfTimeSpec,
    /// Labelled rows before the cut-off (training) and their defaults.
    pub train_rows: usize,
    /// Defaults among the training rows.
    pub train_positives: usize,
    /// Labelled rows from the cut-off on (test) and their defaults.
    pub test_rows: usize,
    /// Defaults among the test rows.
    pub test_positives: usize,
    /// Rows left out because their time value is missing.
    pub missing_time: usize,
    /// One row per candidate that fitted, in the comparison's order.
    pub rows: Vec<OutOfTimeRow>,
    /// Candidates that failed on the split, with the error.
    pub failed: Vec<(String, String)>,
}

/// Which rows of `table` are in the test period (`Some(true)`), in training (`Some(false)`),
/// or have no time value (`None`).
///
/// # Errors
/// [`PipelineError::InvalidParam`] for an absent column, a boolean column, or a non-numeric
/// cut-off on a numeric column.
pub fn split_by_time(table: &Table, spec: &OutOfTimeSpec) -> Result<Vec<Option<bool>>> {
    let invalid = |reason: String| PipelineError::InvalidParam {
        name: "time_column",
        value: spec.column.clone(),
        reason,
    };
    let column = table
        .column(&spec.column)
        .ok_or_else(|| invalid("no such column in the data".into()))?;
    match &column.data {
        ColumnData::Numeric(values) => {
            let from: f64 = spec.test_from.trim().parse().map_err(|_| {
                invalid(format!(
                    "the column is numeric, so --test-from must be a number, not {:?}",
                    spec.test_from
                ))
            })?;
            Ok(values
                .iter()
                .map(|&v| v.is_finite().then_some(v >= from))
                .collect())
        }
        ColumnData::Categorical(c) => Ok((0..c.codes.len())
            .map(|row| c.value(row).map(|v| v >= spec.test_from.as_str()))
            .collect()),
        ColumnData::Boolean(_) => Err(invalid(
            "a true/false column cannot order rows in time".into(),
        )),
    }
}

/// Fits every candidate of `comparison` (calibrated as in the comparison) on the rows of
/// `data` before the cut-off and measures it on the rows from it on. An ensemble is stacked
/// from the other candidates' fits on the training period, as in one fold of the comparison.
///
/// # Errors
/// The errors of [`split_by_time`], and [`PipelineError::InvalidParam`] when either period
/// lacks a default or a non-default (nothing to fit or to measure).
pub fn out_of_time(
    data: &LabelledData,
    comparison: &Comparison,
    spec: &OutOfTimeSpec,
) -> Result<OutOfTime> {
    let period = split_by_time(&data.table, spec)?;
    let mut train = Vec::new();
    let mut test = Vec::new();
    for (row, p) in period.iter().enumerate() {
        match p {
            Some(false) => train.push(row),
            Some(true) => test.push(row),
            None => {}
        }
    }
    let labels = |rows: &[usize]| -> Vec<bool> { rows.iter().map(|&r| data.y[r]).collect() };
    let (y_train, y_test) = (labels(&train), labels(&test));
    let positives = |y: &[bool]| y.iter().filter(|&&v| v).count();
    for (name, y) in [("training", &y_train), ("test", &y_test)] {
        let p = positives(y);
        if p == 0 || p == y.len() {
            return Err(PipelineError::InvalidParam {
                name: "test_from",
                value: spec.test_from.clone(),
                reason: format!(
                    "the {name} period has {} rows and {p} defaults: it needs both classes",
                    y.len()
                ),
            });
        }
    }
    let train_table = take_rows(&data.table, &train);
    let test_table = take_rows(&data.table, &test);
    let measure = |name: &str, pd: &[f64]| -> Result<OutOfTimeRow> {
        Ok(OutOfTimeRow {
            name: name.to_owned(),
            roc_auc: roc_auc_score(&y_test, pd, None)?,
            pr_auc: average_precision_score(&y_test, pd, None)?,
            log_loss: log_loss(&y_test, pd, None)?,
            mean_pd_ratio: mean_pd_ratio(&y_test, pd)?,
        })
    };
    let deadline = crate::tune::Deadline::after(comparison.cv.budget_seconds);
    // Single models first; each keeps what an ensemble needs (no member is fitted twice).
    let single: Vec<(usize, Result<FoldStack>)> = comparison
        .results
        .par_iter()
        .enumerate()
        .filter(|(_, r)| r.candidate.ensemble.is_none())
        .map(|(c, r)| {
            let fitted = fit_calibrated(
                &r.candidate,
                &train_table,
                &data.schema,
                &y_train,
                &comparison.cv,
                comparison.cv.seed,
                deadline,
            )
            .and_then(|fit| {
                let x = fit.features.transform(&test_table)?.matrix;
                let mut pd = fit.model.predict_proba(x.view())?.to_vec();
                fit.calibration.apply_in_place(&mut pd);
                Ok(FoldStack {
                    test_pd: pd,
                    inner_pd: fit.inner_pd,
                    inner_fold: fit.inner_fold_of_row,
                    inner_scores: fit.inner,
                })
            });
            (c, fitted)
        })
        .collect();
    let period_fold = Fold {
        train: train.clone(),
        test: test.clone(),
    };
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    let mut stacks: Vec<(&Candidate, Vec<FoldStack>)> = Vec::new();
    for (c, outcome) in single {
        let name = &comparison.results[c].candidate.name;
        match outcome.and_then(|stack| {
            let row = measure(name, &stack.test_pd)?;
            Ok((row, stack))
        }) {
            Ok((row, stack)) => {
                rows.push(row);
                stacks.push((&comparison.results[c].candidate, vec![stack]));
            }
            Err(e) => failed.push((name.clone(), e.to_string())),
        }
    }
    let base: Vec<(&Candidate, &[FoldStack])> =
        stacks.iter().map(|(c, s)| (*c, s.as_slice())).collect();
    for r in &comparison.results {
        let Some(ensemble) = &r.candidate.ensemble else {
            continue;
        };
        let outcome = stacked_outcomes(
            &r.candidate,
            ensemble,
            &base,
            std::slice::from_ref(&period_fold),
            &data.y,
            &comparison.cv,
        )
        .pop()
        .unwrap_or_else(|| Err(too_few_rows()))
        .and_then(|o| measure(&r.candidate.name, &o.pd));
        match outcome {
            Ok(row) => rows.push(row),
            Err(e) => failed.push((r.candidate.name.clone(), e.to_string())),
        }
    }
    Ok(OutOfTime {
        spec: spec.clone(),
        train_rows: train.len(),
        train_positives: positives(&y_train),
        test_rows: test.len(),
        test_positives: positives(&y_test),
        missing_time: period.iter().filter(|p| p.is_none()).count(),
        rows,
        failed,
    })
}

/// Never met: one period gives one stacked outcome.
fn too_few_rows() -> PipelineError {
    PipelineError::InvalidParam {
        name: "out_of_time",
        value: "no period".into(),
        reason: "no training period to stack on".into(),
    }
}

impl OutOfTime {
    /// The section of the reports: the split and a table of the candidates.
    pub fn markdown(&self) -> String {
        use std::fmt::Write as _;
        let mut s = format!(
            "Fitted on the {} rows with `{}` before {} ({} defaults), measured on the {} rows \
             from it on ({} defaults){}.\n\n| model | ROC AUC | PR AUC | log loss | mean PD / \
             observed |\n|---|---|---|---|---|\n",
            self.train_rows,
            self.spec.column,
            self.spec.test_from,
            self.train_positives,
            self.test_rows,
            self.test_positives,
            if self.missing_time > 0 {
                format!("; {} rows without a time value left out", self.missing_time)
            } else {
                String::new()
            }
        );
        for r in &self.rows {
            let _ = writeln!(
                s,
                "| {} | {:.4} | {:.4} | {:.4} | {:.3} |",
                r.name, r.roc_auc, r.pr_auc, r.log_loss, r.mean_pd_ratio
            );
        }
        for (name, error) in &self.failed {
            let _ = writeln!(s, "\n- `{name}` failed out of time: {error}");
        }
        s
    }
}
