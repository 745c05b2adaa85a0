//! # pdscore-metrics
//!
//! The referee of pdscore: every model comparison, threshold and report is judged with these
//! metrics, so they reproduce scikit-learn 1.9 exactly (checked against golden values to 1e-12,
//! see `tests/golden/README.md`); the calibration and credit metrics scikit-learn lacks are
//! checked the same way against numpy and scipy, except the iteratively fitted calibration
//! intercept and slope (1e-9) and tiny p-values (1e-11 relative to themselves).
//!
//! - **Ranking metrics** need an ordering of the samples by score, hence one sort.
//!   [`RankedScores`] sorts once and then gives [`roc_auc`](RankedScores::roc_auc),
//!   [`average_precision`](RankedScores::average_precision), the
//!   [ROC](RankedScores::roc_curve) and [precision-recall](RankedScores::precision_recall_curve)
//!   curves, the [confusion matrix at any threshold](RankedScores::confusion_at) and
//!   [threshold choice](RankedScores::choose_threshold) without sorting again. The free functions
//!   [`roc_auc_score`], [`average_precision_score`], [`roc_curve`] and [`precision_recall_curve`]
//!   are one-shot shortcuts.
//! - **Decisions at a threshold**: [`ConfusionMatrix`] (score `>=` threshold is positive) and the
//!   rates derived from it: precision, recall, specificity, F1, F-beta, balanced accuracy, MCC.
//!   A rate whose denominator is zero is `0.0` (scikit-learn's default `zero_division`).
//! - **Probability quality**: [`brier_score`], [`log_loss`] (clipped like scikit-learn 1.9) and
//!   [`calibration_curve`] with uniform or quantile bins; whether the PDs match the default
//!   rates: [`expected_calibration_error`] and the [`hosmer_lemeshow`] test over equal-count
//!   groups, the [calibration intercept and slope](calibration_intercept_slope) (logistic
//!   recalibration of logit p) and the [`mean_pd_ratio`]; [`calibration_summary`] gives them
//!   all at once.
//! - **Credit**: the [Gini coefficient](RankedScores::gini) (`2 · AUC − 1`) and the
//!   [Kolmogorov-Smirnov statistic](RankedScores::ks_statistic) on the sorted scores (one-shot:
//!   [`gini_score`], [`ks_statistic`]); the [`jeffreys_p_value`] of a PD against observed
//!   defaults (ECB/EBA PD back-testing); rating grades on a [`MasterScale`] with a
//!   [back-testing table](MasterScale::table) per grade. The p-values come from special
//!   functions written out here (no numerical dependency) and checked against scipy and
//!   60-digit values.
//! - **Threshold choice**: [`ThresholdObjective`] — maximise F-beta, minimise expected cost
//!   (default FN:FP = 10:1) or reach a target recall — evaluated over the distinct scores.
//!
//! AUCs are always computed from scores (probabilities), never from 0/1 decisions. Labels are
//! `&[bool]` (`true` = positive, i.e. defaulted); [`labels_from_01`] converts numeric 0/1 labels.
//! Sample weights are optional, must be finite and non-negative, and samples with weight zero
//! are ignored. Every bad input is a [`MetricsError`], never a panic.
//!
//! # Example
//! ```
//! use pdscore_metrics::{RankedScores, ThresholdObjective, brier_score};
//!
//! let y = [false, false, true, true, false, false, false, true];
//! let pd = [0.10, 0.40, 0.35, 0.80, 0.05, 0.20, 0.15, 0.60];
//! let ranked = RankedScores::new(&y, &pd, None)?;
//! let auc = ranked.roc_auc()?;
//! let ap = ranked.average_precision()?;
//! assert!(auc > 0.9 && ap > 0.8);
//!
//! let chosen = ranked.choose_threshold(&ThresholdObjective::default())?; // FN:FP = 10:1
//! assert_eq!(chosen.confusion.false_negatives, 0.0);
//! assert!(brier_score(&y, &pd, None)? < 0.25);
//! # Ok::<(), pdscore_metrics::MetricsError>(())
//! ```

mod calibration;
mod confusion;
mod credit;
mod ece;
mod error;
mod grades;
mod groups;
mod hosmer_lemeshow;
mod input;
mod jeffreys;
mod lift;
mod mean_pd;
mod probability;
mod ranked;
mod recalibration;
mod sort;
mod special;
mod stability;
mod summary;
mod threshold;

pub use calibration::{BinStrategy, CalibrationCurve, calibration_curve};
pub use confusion::ConfusionMatrix;
pub use credit::{gini_score, ks_statistic};
pub use ece::expected_calibration_error;
pub use error::MetricsError;
pub use grades::{GradeRow, MasterScale};
pub use hosmer_lemeshow::{HosmerLemeshow, hosmer_lemeshow};
pub use input::labels_from_01;
pub use jeffreys::jeffreys_p_value;
pub use lift::{GainsRow, gains_table};
pub use mean_pd::mean_pd_ratio;
pub use probability::{brier_score, log_loss};
pub use ranked::{PrCurve, RankedScores, RocCurve};
pub use recalibration::{CalibrationFit, calibration_intercept_slope};
pub use stability::{PSI_SHARE_FLOOR, StabilityBand, population_stability_index};
pub use summary::{CalibrationSummary, calibration_summary};
pub use threshold::{ChosenThreshold, ThresholdObjective};

/// Result alias of this crate.
pub type Result<T, E = MetricsError> = std::result::Result<T, E>;

/// Area under the ROC curve from scores, as scikit-learn's `roc_auc_score` (binary case):
/// trapezoid over the curve, tied scores counting one half.
///
/// Sorts the scores and streams over them without building the curve; to compute several
/// ranking metrics on the same scores, build one [`RankedScores`] instead.
///
/// # Errors
/// See [`RankedScores::new`] and [`RankedScores::roc_auc`] (both classes are required).
pub fn roc_auc_score(
    y_true: &[bool],
    scores: &[f64],
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    ranked::SortedRows::new(y_true, scores, sample_weight)?.roc_auc()
}

/// Average precision from scores, as scikit-learn's `average_precision_score`: the step sum
/// `Σ (R_i − R_{i−1}) · P_i`.
///
/// # Errors
/// See [`RankedScores::new`] and [`RankedScores::average_precision`] (positives are required).
pub fn average_precision_score(
    y_true: &[bool],
    scores: &[f64],
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    ranked::SortedRows::new(y_true, scores, sample_weight)?.average_precision()
}

/// ROC curve, as scikit-learn's `roc_curve` (its default is `drop_intermediate = true`).
///
/// # Errors
/// See [`RankedScores::new`] and [`RankedScores::roc_curve`].
pub fn roc_curve(
    y_true: &[bool],
    scores: &[f64],
    sample_weight: Option<&[f64]>,
    drop_intermediate: bool,
) -> Result<RocCurve> {
    RankedScores::new(y_true, scores, sample_weight)?.roc_curve(drop_intermediate)
}

/// Precision-recall curve, as scikit-learn's `precision_recall_curve` (its default is
/// `drop_intermediate = false`).
///
/// # Errors
/// See [`RankedScores::new`] and [`RankedScores::precision_recall_curve`].
pub fn precision_recall_curve(
    y_true: &[bool],
    scores: &[f64],
    sample_weight: Option<&[f64]>,
    drop_intermediate: bool,
) -> Result<PrCurve> {
    RankedScores::new(y_true, scores, sample_weight)?.precision_recall_curve(drop_intermediate)
}
