//! One candidate's cross-validated figures ([`CandidateResult`]), summarised from its fold fits.

use pdscore_metrics::{
    CalibrationSummary, ConfusionMatrix, RankedScores, brier_score, calibration_summary,
};
use pdscore_models::calibration::CalibrationMethod;
use serde::{Deserialize, Serialize};

use crate::candidate::{Candidate, CvSpec};
use crate::data::LabelledData;
use crate::ensemble::EnsembleFold;
use crate::error::Result;
use crate::select::FoldScores;
use crate::stats::{add_confusion, mean_std};
use crate::tune::TunedParams;

/// What one (candidate, outer fold) fit produced.
pub(crate) struct FoldOutcome {
    pub test: Vec<usize>,
    pub pd: Vec<f64>,
    pub fit_seconds: f64,
    pub description: String,
    pub calibration: CalibrationMethod,
    pub tried: Vec<(CalibrationMethod, f64)>,
    pub iterations: Option<usize>,
    pub chosen_positive_weight: Option<f64>,
    pub inner: Vec<FoldScores>,
    /// An ensemble's members and weights on this fold.
    pub ensemble: Option<EnsembleFold>,
    /// What a tuned candidate's search chose on this fold.
    pub tuned: Option<TunedParams>,
}

/// How one fold's model was calibrated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldCalibration {
    /// The method used.
    pub method: CalibrationMethod,
    /// Each method tried with its cross-validated log loss on the inner folds.
    pub tried: Vec<(CalibrationMethod, f64)>,
    /// Rounds or epochs chosen on the inner folds, for models that stop early.
    pub iterations: Option<usize>,
}

/// The cross-validated result of one candidate. Every figure is computed from calibrated PDs
/// of rows the candidate was not fitted on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateResult {
    /// The candidate.
    pub candidate: Candidate,
    /// One-line model description of the last fold's model (family and key parameters).
    pub model_description: String,
    /// ROC AUC, PR AUC and log loss on each fold's held-out rows.
    pub folds: Vec<FoldScores>,
    /// ROC AUC on each fold's held-out rows.
    pub fold_roc_auc: Vec<f64>,
    /// PR AUC (average precision) on each fold's held-out rows.
    pub fold_pr_auc: Vec<f64>,
    /// Brier score on each fold's held-out rows.
    pub fold_brier: Vec<f64>,
    /// Mean of `fold_roc_auc`.
    pub roc_auc: f64,
    /// Sample standard deviation (ddof = 1) of `fold_roc_auc`.
    pub roc_auc_std: f64,
    /// Mean of `fold_pr_auc`.
    pub pr_auc: f64,
    /// Sample standard deviation (ddof = 1) of `fold_pr_auc`.
    pub pr_auc_std: f64,
    /// Mean of `fold_brier`.
    pub brier: f64,
    /// Gini coefficient, `2 · roc_auc − 1`.
    pub gini: f64,
    /// Mean over folds of the Kolmogorov–Smirnov statistic (largest gap between the PD
    /// distributions of defaulters and non-defaulters).
    pub ks: f64,
    /// Calibration of the pooled out-of-fold PDs: log loss, Brier, ECE, intercept and slope,
    /// mean PD / observed rate, Hosmer–Lemeshow.
    pub calibration: CalibrationSummary,
    /// How each fold's model was calibrated.
    pub fold_calibration: Vec<FoldCalibration>,
    /// Threshold chosen by the policy on all pooled out-of-fold PDs: the one the saved model
    /// decides with.
    pub threshold: f64,
    /// Pooled confusion matrix at cross-fitted thresholds: each fold's rows decided at the
    /// threshold the policy chose on the other folds' PDs.
    pub confusion: ConfusionMatrix,
    /// F1 of `confusion`.
    pub f1: f64,
    /// Precision of `confusion`.
    pub precision: f64,
    /// Recall of `confusion`.
    pub recall: f64,
    /// Wall seconds of fitting (preprocessing, inner cross-fitting, resampling, model,
    /// calibration), summed over folds.
    pub fit_seconds: f64,
    /// The positive-class weight a weight grid chose on each fold (empty without a grid).
    pub chosen_positive_weights: Vec<f64>,
    /// Per outer fold, the candidate's figures on each inner fold: what the nested selection
    /// compares.
    pub inner: Vec<Vec<FoldScores>>,
    /// Out-of-fold calibrated PD of every labelled row, in row order.
    pub oof: Vec<f64>,
    /// For an ensemble: its members and meta-learner weights on each outer fold (empty for
    /// other candidates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ensemble_folds: Vec<EnsembleFold>,
    /// For a tuned candidate: what its search chose on each outer fold (empty for others).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tuned_folds: Vec<TunedParams>,
}

impl CandidateResult {
    /// The calibration method of each fold, e.g. `sigmoid ×4, isotonic ×1`.
    pub fn calibration_methods(&self) -> String {
        let mut counts: Vec<(CalibrationMethod, usize)> = Vec::new();
        for f in &self.fold_calibration {
            match counts.iter_mut().find(|(m, _)| *m == f.method) {
                Some((_, n)) => *n += 1,
                None => counts.push((f.method, 1)),
            }
        }
        counts
            .iter()
            .map(|(m, n)| {
                if *n == self.fold_calibration.len() {
                    m.name().to_owned()
                } else {
                    format!("{} ×{n}", m.name())
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Builds a candidate's result from its fold outcomes (any failure fails the candidate).
pub(crate) fn summarise(
    candidate: &Candidate,
    data: &LabelledData,
    cv: &CvSpec,
    fold_of_row: &[usize],
    outcomes: Vec<Result<FoldOutcome>>,
) -> Result<CandidateResult> {
    let outcomes = outcomes.into_iter().collect::<Result<Vec<_>>>()?;
    let mut oof = vec![f64::NAN; data.y.len()];
    let (mut folds, mut fold_brier, mut fold_ks) = (vec![], vec![], vec![]);
    let mut fit_seconds = 0.0;
    let mut chosen_positive_weights = Vec::new();
    for o in &outcomes {
        let y_test: Vec<bool> = o.test.iter().map(|&i| data.y[i]).collect();
        folds.push(FoldScores::new(&y_test, &o.pd)?);
        fold_brier.push(brier_score(&y_test, &o.pd, None)?);
        fold_ks.push(RankedScores::new(&y_test, &o.pd, None)?.ks_statistic()?);
        for (&i, &s) in o.test.iter().zip(&o.pd) {
            oof[i] = s;
        }
        fit_seconds += o.fit_seconds;
        chosen_positive_weights.extend(o.chosen_positive_weight);
    }
    let chosen = RankedScores::new(&data.y, &oof, None)?.choose_threshold(&cv.threshold)?;
    let confusion = cross_fitted_confusion(&data.y, &oof, fold_of_row, outcomes.len(), cv)?;
    let fold_roc_auc: Vec<f64> = folds.iter().map(|f| f.roc_auc).collect();
    let fold_pr_auc: Vec<f64> = folds.iter().map(|f| f.pr_auc).collect();
    let (roc_auc, roc_auc_std) = mean_std(&fold_roc_auc);
    let (pr_auc, pr_auc_std) = mean_std(&fold_pr_auc);
    let (brier, _) = mean_std(&fold_brier);
    let (ks, _) = mean_std(&fold_ks);
    Ok(CandidateResult {
        candidate: candidate.clone(),
        model_description: outcomes
            .last()
            .map(|o| o.description.clone())
            .unwrap_or_default(),
        roc_auc,
        roc_auc_std,
        pr_auc,
        pr_auc_std,
        brier,
        gini: 2.0 * roc_auc - 1.0,
        ks,
        calibration: calibration_summary(&data.y, &oof)?,
        fold_calibration: outcomes
            .iter()
            .map(|o| FoldCalibration {
                method: o.calibration,
                tried: o.tried.clone(),
                iterations: o.iterations,
            })
            .collect(),
        threshold: chosen.threshold,
        f1: confusion.f1(),
        precision: confusion.precision(),
        recall: confusion.recall(),
        confusion,
        fit_seconds,
        chosen_positive_weights,
        inner: outcomes.iter().map(|o| o.inner.clone()).collect(),
        ensemble_folds: outcomes.iter().filter_map(|o| o.ensemble.clone()).collect(),
        tuned_folds: outcomes.iter().filter_map(|o| o.tuned.clone()).collect(),
        folds,
        fold_roc_auc,
        fold_pr_auc,
        fold_brier,
        oof,
    })
}

/// The pooled confusion matrix when each fold's rows are decided at the threshold the policy
/// chose on the other folds' PDs (`pd` of every row, `fold_of_row` its fold).
pub(crate) fn cross_fitted_confusion(
    y: &[bool],
    pd: &[f64],
    fold_of_row: &[usize],
    n_folds: usize,
    cv: &CvSpec,
) -> Result<ConfusionMatrix> {
    let mut total = ConfusionMatrix {
        true_positives: 0.0,
        false_positives: 0.0,
        true_negatives: 0.0,
        false_negatives: 0.0,
    };
    for fold in 0..n_folds {
        total = add_confusion(&total, &fold_confusion(y, pd, fold_of_row, fold, cv)?);
    }
    Ok(total)
}

/// The confusion matrix of fold `fold`'s rows at the threshold the policy chose on the other
/// folds' PDs.
pub(crate) fn fold_confusion(
    y: &[bool],
    pd: &[f64],
    fold_of_row: &[usize],
    fold: usize,
    cv: &CvSpec,
) -> Result<ConfusionMatrix> {
    let (mut y_in, mut p_in, mut y_out, mut p_out) = (vec![], vec![], vec![], vec![]);
    for ((&label, &p), &f) in y.iter().zip(pd).zip(fold_of_row) {
        if f == fold {
            y_in.push(label);
            p_in.push(p);
        } else {
            y_out.push(label);
            p_out.push(p);
        }
    }
    let threshold = RankedScores::new(&y_out, &p_out, None)?
        .choose_threshold(&cv.threshold)?
        .threshold;
    Ok(ConfusionMatrix::at_threshold(
        &y_in, &p_in, None, threshold,
    )?)
}
