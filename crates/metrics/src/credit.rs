//! The two ranking figures credit scoring reports: the Gini coefficient and the
//! Kolmogorov-Smirnov statistic, read off the same sorted scores as the ROC curve.

use crate::ranked::SortedRows;
use crate::{MetricsError, RankedScores, Result};

impl RankedScores {
    /// Gini coefficient (accuracy ratio) of the scores, `2 · AUC − 1`: 0 for a random
    /// ranking, 1 for a perfect one, negative when the scores rank the wrong way.
    ///
    /// It is the ROC AUC on the scale credit risk reports use (the area between the cumulative
    /// accuracy profile and the diagonal over that of the perfect model, which equals
    /// `2 · AUC − 1`), so it inherits the AUC's handling of ties (one half) and weights.
    ///
    /// # Errors
    /// [`MetricsError::MissingClass`] unless both classes are present.
    pub fn gini(&self) -> Result<f64> {
        self.require_both_classes("Gini")?;
        Ok(2.0 * self.roc_auc()? - 1.0)
    }

    /// Kolmogorov-Smirnov statistic: the largest gap between the score distributions of the
    /// positives and the negatives, `max_t |TPR(t) − FPR(t)|` over thresholds `t`, in `[0, 1]`.
    ///
    /// It is the separation at the best single cut-off, the figure scorecards are traditionally
    /// judged by. Thresholds are the distinct scores only, so tied scores are never split (a
    /// cut-off between two rows with the same score does not exist); without weights this is
    /// exactly `scipy.stats.ks_2samp(scores[y], scores[~y]).statistic`. With sample weights the
    /// rates are weighted, as those of the ROC curve. Computed as `|tp · N − fp · P| / (P · N)`
    /// on the cumulative counts, one rounding for unweighted counts below 2^53.
    ///
    /// # Errors
    /// [`MetricsError::MissingClass`] unless both classes are present.
    pub fn ks_statistic(&self) -> Result<f64> {
        self.require_both_classes("KS statistic")?;
        let mut gap = LargestGap::new(self.positives(), self.negatives());
        for (&tp, &fp) in self.true_positives().iter().zip(self.false_positives()) {
            gap.add(tp, fp);
        }
        Ok(gap.finish())
    }
}

/// Gini coefficient `2 · AUC − 1` from scores, one-shot (see [`RankedScores::gini`]).
///
/// Sorts the scores and streams over them without building the curve; for several ranking
/// metrics on the same scores, build one [`RankedScores`] instead.
///
/// # Errors
/// See [`RankedScores::new`] and [`RankedScores::gini`] (both classes are required).
///
/// # Example
/// ```
/// use pdscore_metrics::{gini_score, ks_statistic};
/// let y = [false, false, true, true, false, false, false, true];
/// let pd = [0.10, 0.40, 0.35, 0.80, 0.05, 0.20, 0.15, 0.60];
/// assert!((gini_score(&y, &pd, None)? - 0.8666666666666667).abs() < 1e-15);
/// assert!((ks_statistic(&y, &pd, None)? - 0.8).abs() < 1e-15); // scipy.stats.ks_2samp
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn gini_score(y_true: &[bool], scores: &[f64], sample_weight: Option<&[f64]>) -> Result<f64> {
    match SortedRows::new(y_true, scores, sample_weight)?.roc_auc() {
        Ok(auc) => Ok(2.0 * auc - 1.0),
        Err(MetricsError::MissingClass {
            missing_positive, ..
        }) => Err(MetricsError::MissingClass {
            metric: "Gini",
            missing_positive,
        }),
        Err(other) => Err(other),
    }
}

/// Kolmogorov-Smirnov statistic `max |TPR − FPR|` from scores, one-shot (see
/// [`RankedScores::ks_statistic`]): two passes over the sorted rows, no curve built.
///
/// # Errors
/// See [`RankedScores::new`] and [`RankedScores::ks_statistic`] (both classes are required).
pub fn ks_statistic(y_true: &[bool], scores: &[f64], sample_weight: Option<&[f64]>) -> Result<f64> {
    let sorted = SortedRows::new(y_true, scores, sample_weight)?;
    // The totals are the last cumulative counts, summed in the same order as in RankedScores.
    let (mut positives, mut negatives) = (0.0, 0.0);
    sorted.for_each_threshold(|_, tp, fp| (positives, negatives) = (tp, fp));
    for (missing_positive, total) in [(true, positives), (false, negatives)] {
        if total <= 0.0 {
            return Err(MetricsError::MissingClass {
                metric: "KS statistic",
                missing_positive,
            });
        }
    }
    let mut gap = LargestGap::new(positives, negatives);
    sorted.for_each_threshold(|_, tp, fp| gap.add(tp, fp));
    Ok(gap.finish())
}

/// `max |tp · N − fp · P|` over the cumulative counts, normalised by `P · N` at the end.
struct LargestGap {
    positives: f64,
    negatives: f64,
    largest: f64,
}

impl LargestGap {
    fn new(positives: f64, negatives: f64) -> Self {
        Self {
            positives,
            negatives,
            largest: 0.0,
        }
    }

    fn add(&mut self, tp: f64, fp: f64) {
        let gap = (tp * self.negatives - fp * self.positives).abs();
        self.largest = self.largest.max(gap);
    }

    /// The statistic, clamped to `[0, 1]` against rounding in weighted sums (as the AUC is).
    fn finish(&self) -> f64 {
        (self.largest / (self.positives * self.negatives)).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_are_never_split() {
        // Scores 0.5 hold one positive and one negative: a cut inside the tie would give
        // |1/2 − 0| = 1/2, but at the distinct scores the gap is |1/2 − 1/2| or |1 − 1|.
        let y = [true, false, true, false];
        let s = [0.5, 0.5, 0.9, 0.1];
        let ranked = RankedScores::new(&y, &s, None).unwrap();
        assert_eq!(ranked.ks_statistic(), Ok(0.5));
        assert_eq!(ks_statistic(&y, &s, None), Ok(0.5));
        let tied = RankedScores::new(&y, &[0.3; 4], None).unwrap();
        assert_eq!(tied.ks_statistic(), Ok(0.0));
        assert_eq!(tied.gini(), Ok(0.0));
    }

    #[test]
    fn perfect_and_reversed_rankings() {
        let y = [false, false, true, true];
        let s = [0.1, 0.2, 0.3, 0.4];
        assert_eq!(gini_score(&y, &s, None), Ok(1.0));
        assert_eq!(ks_statistic(&y, &s, None), Ok(1.0));
        let reversed = [0.4, 0.3, 0.2, 0.1];
        assert_eq!(gini_score(&y, &reversed, None), Ok(-1.0));
        assert_eq!(ks_statistic(&y, &reversed, None), Ok(1.0));
    }

    #[test]
    fn weights_and_one_shot_agree_with_ranked() {
        let y = [true, false, true, false, false, true];
        let s = [0.9, 0.8, 0.4, 0.4, 0.1, 0.05];
        let w = [1.0, 2.5, 0.0, 1.0, 3.0, 0.5];
        for weights in [None, Some(&w[..])] {
            let ranked = RankedScores::new(&y, &s, weights).unwrap();
            assert_eq!(ranked.gini(), gini_score(&y, &s, weights));
            assert_eq!(ranked.ks_statistic(), ks_statistic(&y, &s, weights));
        }
        // By hand: the zero-weight positive drops out, P = 1.5 and N = 6.5; at 0.9 the gap is
        // 1/1.5 − 0 = 2/3, at 0.8 it is 2/3 − 2.5/6.5, and it only shrinks below.
        let ks = ks_statistic(&y, &s, Some(&w)).unwrap();
        assert!((ks - 2.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn one_class_is_an_error() {
        for result in [
            gini_score(&[true, true], &[0.1, 0.2], None),
            ks_statistic(&[true, true], &[0.1, 0.2], None),
            RankedScores::new(&[true, true], &[0.1, 0.2], None)
                .unwrap()
                .ks_statistic(),
            RankedScores::new(&[true, true], &[0.1, 0.2], None)
                .unwrap()
                .gini(),
        ] {
            assert!(matches!(
                result,
                Err(MetricsError::MissingClass {
                    missing_positive: false,
                    ..
                })
            ));
        }
        assert_eq!(
            gini_score(&[false], &[0.1], None),
            Err(MetricsError::MissingClass {
                metric: "Gini",
                missing_positive: true
            })
        );
        assert_eq!(ks_statistic(&[], &[], None), Err(MetricsError::Empty));
    }
}
