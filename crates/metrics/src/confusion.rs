//! The binary confusion matrix and the rates derived from it.

use serde::{Deserialize, Serialize};

use crate::input::{check_lengths, check_weights};
use crate::{MetricsError, Result};

/// A binary confusion matrix: (weighted) counts of true/false positives/negatives.
///
/// Counts are `f64` so that weighted counts (the sum of the sample weights in each cell) and
/// plain counts share one type; unweighted counts are exact integers.
///
/// **Division by zero.** Every rate whose denominator is zero returns `0.0`. This is
/// scikit-learn's default `zero_division="warn"` behaviour (which returns 0.0 and warns; this
/// crate does not warn). [`matthews_corrcoef`](Self::matthews_corrcoef) also returns `0.0` when
/// undefined, like scikit-learn.
///
/// # Example
/// ```
/// use pdscore_metrics::ConfusionMatrix;
/// let y = [true, true, false, false];
/// let scores = [0.9, 0.3, 0.6, 0.1];
/// let cm = ConfusionMatrix::at_threshold(&y, &scores, None, 0.5)?;
/// assert_eq!((cm.true_positives, cm.false_positives), (1.0, 1.0));
/// assert_eq!(cm.precision(), 0.5);
/// assert_eq!(cm.recall(), 0.5);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    /// Positives predicted positive.
    pub true_positives: f64,
    /// Negatives predicted positive.
    pub false_positives: f64,
    /// Negatives predicted negative.
    pub true_negatives: f64,
    /// Positives predicted negative.
    pub false_negatives: f64,
}

/// `num / den`, or `0.0` when `den == 0` (scikit-learn's default `zero_division`).
fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 { 0.0 } else { num / den }
}

impl ConfusionMatrix {
    /// The confusion matrix when a sample is predicted positive iff `score >= threshold`
    /// (scikit-learn's convention for curves and `y_pred = y_score >= t`).
    ///
    /// # Errors
    /// Empty input, length mismatches, a `NaN` score or threshold, invalid weights.
    pub fn at_threshold(
        y_true: &[bool],
        scores: &[f64],
        sample_weight: Option<&[f64]>,
        threshold: f64,
    ) -> Result<Self> {
        check_lengths(y_true.len(), "scores", scores.len())?;
        if threshold.is_nan() {
            return Err(MetricsError::param(
                "threshold",
                threshold,
                "must not be NaN",
            ));
        }
        if let Some((index, &value)) = scores.iter().enumerate().find(|(_, s)| s.is_nan()) {
            return Err(MetricsError::NonFiniteScore { index, value });
        }
        check_weights(y_true.len(), sample_weight)?;
        Ok(Self::tally(
            y_true,
            scores.iter().map(|&s| s >= threshold),
            sample_weight,
        ))
    }

    /// The confusion matrix of hard predictions `y_pred` (`true` = predicted positive).
    ///
    /// # Errors
    /// Empty input, length mismatches, invalid weights.
    pub fn from_predictions(
        y_true: &[bool],
        y_pred: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<Self> {
        check_lengths(y_true.len(), "y_pred", y_pred.len())?;
        check_weights(y_true.len(), sample_weight)?;
        Ok(Self::tally(y_true, y_pred.iter().copied(), sample_weight))
    }

    fn tally(
        y_true: &[bool],
        y_pred: impl Iterator<Item = bool>,
        sample_weight: Option<&[f64]>,
    ) -> Self {
        // cells indexed by (truth, prediction): [tn, fp, fn, tp]
        let mut cells = [0.0_f64; 4];
        match sample_weight {
            None => {
                for (&t, p) in y_true.iter().zip(y_pred) {
                    cells[usize::from(t) * 2 + usize::from(p)] += 1.0;
                }
            }
            Some(w) => {
                for ((&t, p), &w) in y_true.iter().zip(y_pred).zip(w) {
                    cells[usize::from(t) * 2 + usize::from(p)] += w;
                }
            }
        }
        Self {
            true_negatives: cells[0],
            false_positives: cells[1],
            false_negatives: cells[2],
            true_positives: cells[3],
        }
    }

    /// Total (weighted) count.
    pub fn total(&self) -> f64 {
        self.true_positives + self.false_positives + self.true_negatives + self.false_negatives
    }

    /// (Weighted) count of actual positives, TP + FN.
    pub fn positives(&self) -> f64 {
        self.true_positives + self.false_negatives
    }

    /// (Weighted) count of actual negatives, TN + FP.
    pub fn negatives(&self) -> f64 {
        self.true_negatives + self.false_positives
    }

    /// (Weighted) count of predicted positives, TP + FP.
    pub fn predicted_positives(&self) -> f64 {
        self.true_positives + self.false_positives
    }

    /// Accuracy, (TP + TN) / total; 0.0 if the total is 0.
    pub fn accuracy(&self) -> f64 {
        ratio(self.true_positives + self.true_negatives, self.total())
    }

    /// Precision, TP / (TP + FP); 0.0 when nothing is predicted positive.
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.predicted_positives())
    }

    /// Recall (sensitivity, true positive rate), TP / (TP + FN); 0.0 without positives.
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.positives())
    }

    /// Alias of [`recall`](Self::recall).
    pub fn sensitivity(&self) -> f64 {
        self.recall()
    }

    /// Specificity (true negative rate), TN / (TN + FP); 0.0 without negatives.
    pub fn specificity(&self) -> f64 {
        ratio(self.true_negatives, self.negatives())
    }

    /// False positive rate, FP / (TN + FP) = 1 - specificity; 0.0 without negatives.
    pub fn false_positive_rate(&self) -> f64 {
        ratio(self.false_positives, self.negatives())
    }

    /// F1 score, the harmonic mean of precision and recall: `f_beta(1)`.
    pub fn f1(&self) -> f64 {
        self.f_beta_unchecked(1.0)
    }

    /// F-beta score, `(1 + β²)·TP / ((1 + β²)·TP + β²·FN + FP)` (scikit-learn's formula);
    /// 0.0 when the denominator is 0 (no positives and no predicted positives).
    ///
    /// # Errors
    /// [`MetricsError::InvalidParameter`] unless `beta` is finite and > 0.
    pub fn f_beta(&self, beta: f64) -> Result<f64> {
        check_beta(beta)?;
        Ok(self.f_beta_unchecked(beta))
    }

    pub(crate) fn f_beta_unchecked(&self, beta: f64) -> f64 {
        let beta2 = beta * beta;
        ratio(
            (1.0 + beta2) * self.true_positives,
            beta2 * self.positives() + self.predicted_positives(),
        )
    }

    /// Balanced accuracy, the mean of recall and specificity over the classes present in
    /// `y_true` (scikit-learn: a class without samples is left out of the mean, with a warning
    /// there, so with positives only this is the recall). 0.0 if the matrix is empty.
    pub fn balanced_accuracy(&self) -> f64 {
        match (self.positives() > 0.0, self.negatives() > 0.0) {
            (true, true) => f64::midpoint(self.recall(), self.specificity()),
            (true, false) => self.recall(),
            (false, true) => self.specificity(),
            (false, false) => 0.0,
        }
    }

    /// Matthews correlation coefficient, computed like scikit-learn's `matthews_corrcoef`
    /// (from the covariances of the 2×2 matrix); 0.0 when undefined (a row or column of the
    /// matrix is empty).
    pub fn matthews_corrcoef(&self) -> f64 {
        let t_sum = [self.negatives(), self.positives()];
        let p_sum = [
            self.true_negatives + self.false_negatives,
            self.predicted_positives(),
        ];
        let n_correct = self.true_negatives + self.true_positives;
        let n_samples = p_sum[0] + p_sum[1];
        let cov_ytyp = n_correct * n_samples - (t_sum[0] * p_sum[0] + t_sum[1] * p_sum[1]);
        let cov_ypyp = n_samples * n_samples - (p_sum[0] * p_sum[0] + p_sum[1] * p_sum[1]);
        let cov_ytyt = n_samples * n_samples - (t_sum[0] * t_sum[0] + t_sum[1] * t_sum[1]);
        let denominator = cov_ypyp * cov_ytyt;
        if denominator == 0.0 {
            0.0
        } else {
            cov_ytyp / denominator.sqrt()
        }
    }
}

/// Checks that beta is finite and strictly positive.
pub(crate) fn check_beta(beta: f64) -> Result<()> {
    if beta.is_finite() && beta > 0.0 {
        Ok(())
    } else {
        Err(MetricsError::param("beta", beta, "must be finite and > 0"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(tp: f64, fp: f64, tn: f64, fn_: f64) -> ConfusionMatrix {
        ConfusionMatrix {
            true_positives: tp,
            false_positives: fp,
            true_negatives: tn,
            false_negatives: fn_,
        }
    }

    #[test]
    fn threshold_is_inclusive() {
        let y = [true, false, true, false];
        let s = [0.5, 0.5, 0.2, 0.1];
        let m = ConfusionMatrix::at_threshold(&y, &s, None, 0.5).unwrap();
        assert_eq!(m, cm(1.0, 1.0, 1.0, 1.0));
        let w = ConfusionMatrix::at_threshold(&y, &s, Some(&[2.0, 1.0, 0.5, 0.0]), 0.2).unwrap();
        assert_eq!(w, cm(2.5, 1.0, 0.0, 0.0));
    }

    #[test]
    fn rates_follow_their_definitions() {
        let m = cm(3.0, 1.0, 5.0, 2.0);
        assert_eq!(m.precision(), 0.75);
        assert_eq!(m.recall(), 0.6);
        assert_eq!(m.specificity(), 5.0 / 6.0);
        assert_eq!(m.accuracy(), 8.0 / 11.0);
        assert!((m.f1() - 2.0 * 0.75 * 0.6 / (0.75 + 0.6)).abs() < 1e-15);
        let f2 = m.f_beta(2.0).unwrap();
        assert!((f2 - 5.0 * 0.75 * 0.6 / (4.0 * 0.75 + 0.6)).abs() < 1e-15);
        assert!((m.balanced_accuracy() - f64::midpoint(0.6, 5.0 / 6.0)).abs() < 1e-15);
        let mcc = (3.0 * 5.0 - 1.0 * 2.0) / (4.0_f64 * 5.0 * 6.0 * 7.0).sqrt();
        assert!((m.matthews_corrcoef() - mcc).abs() < 1e-15);
    }

    #[test]
    fn zero_division_gives_zero() {
        let nothing_predicted = cm(0.0, 0.0, 4.0, 2.0);
        assert_eq!(nothing_predicted.precision(), 0.0);
        assert_eq!(nothing_predicted.f1(), 0.0);
        assert_eq!(nothing_predicted.matthews_corrcoef(), 0.0);
        let no_positives = cm(0.0, 1.0, 3.0, 0.0);
        assert_eq!(no_positives.recall(), 0.0);
        assert_eq!(no_positives.balanced_accuracy(), 0.75);
        assert_eq!(ConfusionMatrix::default().accuracy(), 0.0);
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(cm(1.0, 0.0, 0.0, 0.0).f_beta(0.0).is_err());
        assert!(cm(1.0, 0.0, 0.0, 0.0).f_beta(f64::INFINITY).is_err());
        assert!(ConfusionMatrix::at_threshold(&[true], &[0.1], None, f64::NAN).is_err());
        assert!(ConfusionMatrix::at_threshold(&[true], &[f64::NAN], None, 0.5).is_err());
        assert_eq!(
            ConfusionMatrix::from_predictions(&[true], &[true, false], None),
            Err(MetricsError::LengthMismatch {
                what: "y_pred",
                expected: 1,
                found: 2
            })
        );
    }
}
