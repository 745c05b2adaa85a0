//! Honest figures for the winner: the selection redone inside each outer training fold
//! ([`NestedEvaluation`]).
//!
//! The winner of a comparison was picked because its cross-validated figures were the best, so
//! those figures are biased upwards (more so with many candidates and few defaulters). Nested
//! cross-validation removes the bias by judging the *procedure* rather than the winner: inside
//! each outer training fold, the candidates are compared on their inner folds (the same inner
//! folds that calibrate them) and the selection rule picks one; that one's calibrated PDs of
//! the outer held-out fold are what the procedure scores there. The figures estimate how well
//! "compare the candidates, keep the winner" does on new data.

use pdscore_metrics::{CalibrationSummary, ConfusionMatrix, calibration_summary};
use serde::{Deserialize, Serialize};

use crate::candidate::CvSpec;
use crate::error::Result;
use crate::select::{FoldScores, select};
use crate::stats::{add_confusion, mean_std};
use crate::summary::{CandidateResult, fold_confusion};

/// What the whole selection procedure scores on data it never saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NestedEvaluation {
    /// For each outer fold, the candidate the selection chose on that fold's training rows.
    pub chosen: Vec<String>,
    /// The chosen candidate's figures on each outer fold's held-out rows.
    pub folds: Vec<FoldScores>,
    /// Mean fold ROC AUC.
    pub roc_auc: f64,
    /// Sample std (ddof = 1) of the fold ROC AUCs.
    pub roc_auc_std: f64,
    /// Mean fold PR AUC.
    pub pr_auc: f64,
    /// Sample std (ddof = 1) of the fold PR AUCs.
    pub pr_auc_std: f64,
    /// Calibration of the pooled PDs (each row's PD from its fold's chosen candidate).
    pub calibration: CalibrationSummary,
    /// Pooled confusion matrix, each fold decided at the threshold chosen on the other folds'
    /// PDs of that fold's chosen candidate.
    pub confusion: ConfusionMatrix,
    /// F1 of `confusion`.
    pub f1: f64,
    /// Precision of `confusion`.
    pub precision: f64,
    /// Recall of `confusion`.
    pub recall: f64,
}

/// Redoes the selection inside each outer fold from the candidates' inner figures.
pub(crate) fn nested_evaluation(
    results: &[CandidateResult],
    y: &[bool],
    fold_of_row: &[usize],
    cv: &CvSpec,
    complexity: &[(u8, u8)],
) -> Result<NestedEvaluation> {
    let n_folds = results.first().map_or(0, |r| r.folds.len());
    let mut pd = vec![f64::NAN; y.len()];
    let mut chosen = Vec::with_capacity(n_folds);
    let mut folds = Vec::with_capacity(n_folds);
    let mut confusion = ConfusionMatrix {
        true_positives: 0.0,
        false_positives: 0.0,
        true_negatives: 0.0,
        false_negatives: 0.0,
    };
    for fold in 0..n_folds {
        let inner: Vec<Vec<FoldScores>> = results.iter().map(|r| r.inner[fold].clone()).collect();
        let winner = &results[select(&inner, cv.selection, complexity).chosen];
        for (i, &f) in fold_of_row.iter().enumerate() {
            if f == fold {
                pd[i] = winner.oof[i];
            }
        }
        chosen.push(winner.candidate.name.clone());
        folds.push(winner.folds[fold]);
        confusion = add_confusion(
            &confusion,
            &fold_confusion(y, &winner.oof, fold_of_row, fold, cv)?,
        );
    }
    let roc: Vec<f64> = folds.iter().map(|f| f.roc_auc).collect();
    let pr: Vec<f64> = folds.iter().map(|f| f.pr_auc).collect();
    let (roc_auc, roc_auc_std) = mean_std(&roc);
    let (pr_auc, pr_auc_std) = mean_std(&pr);
    Ok(NestedEvaluation {
        chosen,
        folds,
        roc_auc,
        roc_auc_std,
        pr_auc,
        pr_auc_std,
        calibration: calibration_summary(y, &pd)?,
        f1: confusion.f1(),
        precision: confusion.precision(),
        recall: confusion.recall(),
        confusion,
    })
}
