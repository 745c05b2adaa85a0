//! [`RankedScores`]: sort once, then read off every ranking metric.

use serde::{Deserialize, Serialize};

use crate::input::check_scored;
use crate::sort;
use crate::threshold::{ChosenThreshold, ThresholdObjective};
use crate::{ConfusionMatrix, MetricsError, Result};

/// Scores sorted once (descending) and reduced to cumulative (weighted) counts at each distinct
/// score: the sufficient statistics of every ranking metric.
///
/// This is scikit-learn's `confusion_matrix_at_thresholds` (formerly `_binary_clf_curve`):
/// samples with zero weight are dropped first, then for each distinct score `t` (descending) it
/// keeps the (weighted) number of positives and negatives with `score >= t`. ROC AUC, average
/// precision, both curves, the confusion matrix at any threshold and threshold choice are then
/// computed from it in O(number of distinct scores), without sorting again.
///
/// Building it costs one O(n log n) sort of `(score key, row)` pairs.
///
/// # Example
/// ```
/// use pdscore_metrics::RankedScores;
/// let y = [false, false, true, true];
/// let scores = [0.1, 0.4, 0.35, 0.8];
/// let ranked = RankedScores::new(&y, &scores, None)?;
/// assert_eq!(ranked.roc_auc()?, 0.75);
/// assert!((ranked.average_precision()? - 0.8333333333333333).abs() < 1e-15);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedScores {
    /// Distinct scores of the samples with non-zero weight, descending.
    thresholds: Vec<f64>,
    /// `tps[i]`: (weighted) count of positives with `score >= thresholds[i]`.
    tps: Vec<f64>,
    /// `fps[i]`: (weighted) count of negatives with `score >= thresholds[i]`.
    fps: Vec<f64>,
}

/// Maps a finite `f64` to a `u64` whose ascending order is the *descending* order of the
/// scores; `-0.0` and `0.0` map to the same key (they are the same threshold).
fn descending_key(score: f64) -> u64 {
    let bits = (score + 0.0).to_bits(); // `-0.0 + 0.0 == +0.0`
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    !ascending
}

/// Inverse of [`descending_key`] (for `+0.0`, which is the only zero it produces).
fn score_of_key(key: u64) -> f64 {
    let ascending = !key;
    let bits = if ascending >> 63 == 1 {
        ascending & !(1 << 63)
    } else {
        !ascending
    };
    f64::from_bits(bits)
}

/// Rows are stored as `row << 1 | label` in a `u32`.
const MAX_SAMPLES: usize = 1 << 31;

impl RankedScores {
    /// Sorts `scores` (any real-valued scores, not only probabilities) with labels `y_true` and
    /// optional non-negative `sample_weight`.
    ///
    /// A single class is accepted here; the metrics that need both classes report
    /// [`MetricsError::MissingClass`].
    ///
    /// # Errors
    /// Empty input, length mismatches, non-finite scores, negative or non-finite weights, all
    /// weights zero.
    pub fn new(y_true: &[bool], scores: &[f64], sample_weight: Option<&[f64]>) -> Result<Self> {
        let sorted = SortedRows::new(y_true, scores, sample_weight)?;
        let distinct = sorted.distinct_keys();
        let mut thresholds = Vec::with_capacity(distinct);
        let mut tps = Vec::with_capacity(distinct);
        let mut fps = Vec::with_capacity(distinct);
        sorted.for_each_threshold(|key, tp, fp| {
            thresholds.push(score_of_key(key));
            tps.push(tp);
            fps.push(fp);
        });
        Ok(Self {
            thresholds,
            tps,
            fps,
        })
    }

    /// Distinct scores (of the samples with non-zero weight), descending. These are the
    /// candidate thresholds of every curve and of threshold choice.
    pub fn thresholds(&self) -> &[f64] {
        &self.thresholds
    }

    /// Cumulative (weighted) true positives at each of [`thresholds`](Self::thresholds).
    pub fn true_positives(&self) -> &[f64] {
        &self.tps
    }

    /// Cumulative (weighted) false positives at each of [`thresholds`](Self::thresholds).
    pub fn false_positives(&self) -> &[f64] {
        &self.fps
    }

    /// Total (weighted) count of positives.
    pub fn positives(&self) -> f64 {
        self.tps.last().copied().unwrap_or(0.0)
    }

    /// Total (weighted) count of negatives.
    pub fn negatives(&self) -> f64 {
        self.fps.last().copied().unwrap_or(0.0)
    }

    fn require_positives(&self, metric: &'static str) -> Result<()> {
        if self.positives() > 0.0 {
            Ok(())
        } else {
            Err(MetricsError::MissingClass {
                metric,
                missing_positive: true,
            })
        }
    }

    pub(crate) fn require_both_classes(&self, metric: &'static str) -> Result<()> {
        self.require_positives(metric)?;
        if self.negatives() > 0.0 {
            Ok(())
        } else {
            Err(MetricsError::MissingClass {
                metric,
                missing_positive: false,
            })
        }
    }

    /// Area under the ROC curve, the trapezoid rule over the curve as scikit-learn's
    /// `roc_auc_score` does: tied scores form one diagonal segment, i.e. count one half.
    ///
    /// # Errors
    /// [`MetricsError::MissingClass`] unless both classes are present.
    pub fn roc_auc(&self) -> Result<f64> {
        self.require_both_classes("ROC AUC")?;
        let mut area = RocArea::default();
        for (&tp, &fp) in self.tps.iter().zip(&self.fps) {
            area.add(tp, fp);
        }
        Ok(area.finish())
    }

    /// Average precision as scikit-learn's `average_precision_score`: the step sum
    /// `Σ (R_i − R_{i−1}) · P_i` over the distinct thresholds (not the trapezoid rule).
    /// Equals 1.0 when there are no negatives.
    ///
    /// # Errors
    /// [`MetricsError::MissingClass`] without positives (scikit-learn returns 0.0 and warns).
    pub fn average_precision(&self) -> Result<f64> {
        self.require_positives("average precision")?;
        let mut step_sum = PrecisionStepSum::new(self.positives());
        for (&tp, &fp) in self.tps.iter().zip(&self.fps) {
            step_sum.add(tp, fp);
        }
        Ok(step_sum.finish())
    }

    /// The ROC curve as scikit-learn's `roc_curve`.
    ///
    /// Points are at the distinct scores (descending), preceded by `(0, 0)` at threshold
    /// `+inf`. With `drop_intermediate`, a point is dropped when both its FP and TP counts are
    /// collinear with its neighbours' (zero second difference), except the first and the last;
    /// this never changes the area.
    ///
    /// # Errors
    /// [`MetricsError::MissingClass`] unless both classes are present (scikit-learn returns
    /// `NaN` rates and warns).
    pub fn roc_curve(&self, drop_intermediate: bool) -> Result<RocCurve> {
        self.require_both_classes("ROC curve")?;
        let n = self.thresholds.len();
        let keep = |i: usize| -> bool {
            if !drop_intermediate || n <= 2 || i == 0 || i == n - 1 {
                return true;
            }
            // numpy.diff(x, 2)[i - 1] = (x[i+1] - x[i]) - (x[i] - x[i-1])
            let second_diff = |x: &[f64]| (x[i + 1] - x[i]) - (x[i] - x[i - 1]);
            second_diff(&self.fps) != 0.0 || second_diff(&self.tps) != 0.0
        };
        let (positives, negatives) = (self.positives(), self.negatives());
        let mut curve = RocCurve {
            fpr: vec![0.0],
            tpr: vec![0.0],
            thresholds: vec![f64::INFINITY],
        };
        for i in (0..n).filter(|&i| keep(i)) {
            curve.fpr.push(self.fps[i] / negatives);
            curve.tpr.push(self.tps[i] / positives);
            curve.thresholds.push(self.thresholds[i]);
        }
        Ok(curve)
    }

    /// The precision-recall curve as scikit-learn's `precision_recall_curve`.
    ///
    /// Thresholds are the distinct scores in **increasing** order; `precision[i]` and
    /// `recall[i]` are at `thresholds[i]`, and a final point `(precision 1, recall 0)` without a
    /// threshold ends the curve (so the two rate vectors are one longer than `thresholds`).
    /// With `drop_intermediate`, points whose TP count equals both neighbours' are dropped
    /// (scikit-learn's default is `false`).
    ///
    /// # Errors
    /// [`MetricsError::MissingClass`] without positives (scikit-learn sets recall to 1 and
    /// warns).
    pub fn precision_recall_curve(&self, drop_intermediate: bool) -> Result<PrCurve> {
        self.require_positives("precision-recall curve")?;
        let n = self.thresholds.len();
        let keep = |i: usize| -> bool {
            if !drop_intermediate || n <= 2 || i == 0 || i == n - 1 {
                return true;
            }
            self.tps[i] != self.tps[i - 1] || self.tps[i + 1] != self.tps[i]
        };
        let positives = self.positives();
        let kept: Vec<usize> = (0..n).rev().filter(|&i| keep(i)).collect();
        let mut curve = PrCurve {
            precision: Vec::with_capacity(kept.len() + 1),
            recall: Vec::with_capacity(kept.len() + 1),
            thresholds: Vec::with_capacity(kept.len()),
        };
        for i in kept {
            let predicted = self.tps[i] + self.fps[i];
            curve.precision.push(if predicted == 0.0 {
                0.0
            } else {
                self.tps[i] / predicted
            });
            curve.recall.push(self.tps[i] / positives);
            curve.thresholds.push(self.thresholds[i]);
        }
        curve.precision.push(1.0);
        curve.recall.push(0.0);
        Ok(curve)
    }

    /// Number of distinct thresholds `>= threshold`, i.e. the cumulative index + 1.
    fn rank_of(&self, threshold: f64) -> usize {
        self.thresholds.partition_point(|&t| t >= threshold)
    }

    pub(crate) fn confusion_at_index(&self, index: usize) -> ConfusionMatrix {
        let (tp, fp) = (self.tps[index], self.fps[index]);
        ConfusionMatrix {
            true_positives: tp,
            false_positives: fp,
            true_negatives: self.negatives() - fp,
            false_negatives: self.positives() - tp,
        }
    }

    /// The confusion matrix when `score >= threshold` is predicted positive, in O(log n).
    ///
    /// # Errors
    /// [`MetricsError::InvalidParameter`] for a `NaN` threshold.
    pub fn confusion_at(&self, threshold: f64) -> Result<ConfusionMatrix> {
        if threshold.is_nan() {
            return Err(MetricsError::param(
                "threshold",
                threshold,
                "must not be NaN",
            ));
        }
        Ok(match self.rank_of(threshold) {
            0 => ConfusionMatrix {
                true_negatives: self.negatives(),
                false_negatives: self.positives(),
                ..ConfusionMatrix::default()
            },
            rank => self.confusion_at_index(rank - 1),
        })
    }

    /// Chooses a threshold among the distinct scores by `objective`; see
    /// [`ThresholdObjective`] for the candidates and the tie-breaking rule.
    ///
    /// # Errors
    /// Invalid objective parameters; [`MetricsError::MissingClass`] without positives for the
    /// F-beta and recall objectives.
    pub fn choose_threshold(&self, objective: &ThresholdObjective) -> Result<ChosenThreshold> {
        objective.check()?;
        let best = match *objective {
            ThresholdObjective::MaxFBeta { beta } => {
                self.require_positives("F-beta threshold choice")?;
                self.argbest(|cm| cm.f_beta_unchecked(beta), |new, best| new > best)
            }
            ThresholdObjective::MinExpectedCost {
                cost_false_negative,
                cost_false_positive,
            } => {
                let total = self.positives() + self.negatives();
                self.argbest(
                    |cm| {
                        (cost_false_negative * cm.false_negatives
                            + cost_false_positive * cm.false_positives)
                            / total
                    },
                    |new, best| new < best,
                )
            }
            ThresholdObjective::TargetRecall { recall } => {
                self.require_positives("target-recall threshold choice")?;
                let positives = self.positives();
                // Recall is non-decreasing as the threshold decreases and is 1 at the last one.
                let index = self
                    .tps
                    .iter()
                    .position(|&tp| tp / positives >= recall)
                    .unwrap_or(self.tps.len() - 1);
                (index, self.tps[index] / positives)
            }
        };
        let (index, objective_value) = best;
        Ok(ChosenThreshold {
            threshold: self.thresholds[index],
            confusion: self.confusion_at_index(index),
            objective_value,
        })
    }

    /// Index and value of the best objective over the thresholds in descending order; a later
    /// (lower) threshold replaces the current best only if `better(new, best)`, so ties keep
    /// the highest threshold.
    fn argbest(
        &self,
        value: impl Fn(&ConfusionMatrix) -> f64,
        better: impl Fn(f64, f64) -> bool,
    ) -> (usize, f64) {
        let mut best = (0, value(&self.confusion_at_index(0)));
        for index in 1..self.thresholds.len() {
            let candidate = value(&self.confusion_at_index(index));
            if better(candidate, best.1) {
                best = (index, candidate);
            }
        }
        best
    }
}

/// The samples with non-zero weight as `(key, row << 1 | label)` pairs sorted by key, i.e. by
/// descending score. Walking them reads the label and the score (from the key) without
/// touching the inputs again, except for the weights.
pub(crate) struct SortedRows<'a> {
    keys: Vec<u64>,
    rows: Vec<u32>,
    weights: Option<&'a [f64]>,
}

impl<'a> SortedRows<'a> {
    /// Validates the input and sorts it (the one sort).
    pub(crate) fn new(
        y_true: &[bool],
        scores: &[f64],
        sample_weight: Option<&'a [f64]>,
    ) -> Result<Self> {
        check_scored(y_true, scores, sample_weight)?;
        if y_true.len() > MAX_SAMPLES {
            return Err(MetricsError::param(
                "n_samples",
                y_true.len(),
                "at most 2^31 samples are supported",
            ));
        }
        let mut keys = Vec::with_capacity(scores.len());
        let mut rows = Vec::with_capacity(scores.len());
        for (row, (&score, &label)) in scores.iter().zip(y_true).enumerate() {
            if sample_weight.is_none_or(|w| w[row] != 0.0) {
                keys.push(descending_key(score));
                rows.push(((row as u32) << 1) | u32::from(label));
            }
        }
        sort::sort_by_key(&mut keys, &mut rows);
        Ok(Self {
            keys,
            rows,
            weights: sample_weight,
        })
    }

    fn weight(&self, row: u32) -> f64 {
        self.weights.map_or(1.0, |w| w[(row >> 1) as usize])
    }

    /// Number of distinct scores.
    fn distinct_keys(&self) -> usize {
        1 + self
            .keys
            .windows(2)
            .filter(|pair| pair[0] != pair[1])
            .count()
    }

    /// Total (weighted) positives, summed in the same order as the cumulative counts of
    /// [`for_each_threshold`](Self::for_each_threshold), so it equals their last value exactly.
    fn positives(&self) -> f64 {
        self.rows
            .iter()
            .filter(|&&row| row & 1 == 1)
            .fold(0.0, |sum, &row| sum + self.weight(row))
    }

    /// Calls `visit(key, tp, fp)` for each distinct key (descending score) with the cumulative
    /// (weighted) positives and negatives scoring at least that much.
    pub(crate) fn for_each_threshold(&self, mut visit: impl FnMut(u64, f64, f64)) {
        let (mut tp, mut fp) = (0.0_f64, 0.0_f64);
        for (position, (&key, &row)) in self.keys.iter().zip(&self.rows).enumerate() {
            let weight = self.weight(row);
            if row & 1 == 1 {
                tp += weight;
            } else {
                fp += weight;
            }
            if self.keys.get(position + 1).is_none_or(|&next| next != key) {
                visit(key, tp, fp);
            }
        }
    }

    /// ROC AUC without materialising the curve (same arithmetic as [`RankedScores::roc_auc`]).
    pub(crate) fn roc_auc(&self) -> Result<f64> {
        let mut area = RocArea::default();
        self.for_each_threshold(|_, tp, fp| area.add(tp, fp));
        for (missing_positive, total) in [(true, area.prev_tp), (false, area.prev_fp)] {
            if total <= 0.0 {
                return Err(MetricsError::MissingClass {
                    metric: "ROC AUC",
                    missing_positive,
                });
            }
        }
        Ok(area.finish())
    }

    /// Average precision without materialising the curve (same arithmetic as
    /// [`RankedScores::average_precision`]).
    pub(crate) fn average_precision(&self) -> Result<f64> {
        let positives = self.positives();
        if positives <= 0.0 {
            return Err(MetricsError::MissingClass {
                metric: "average precision",
                missing_positive: true,
            });
        }
        let mut step_sum = PrecisionStepSum::new(positives);
        self.for_each_threshold(|_, tp, fp| step_sum.add(tp, fp));
        Ok(step_sum.finish())
    }
}

/// Trapezoid area under the ROC curve, accumulated in count units over the cumulative
/// `(tp, fp)` points (exact for unweighted counts below 2^53), normalised at the end.
#[derive(Default)]
struct RocArea {
    twice_area: f64,
    prev_tp: f64,
    prev_fp: f64,
}

impl RocArea {
    fn add(&mut self, tp: f64, fp: f64) {
        self.twice_area += (fp - self.prev_fp) * (tp + self.prev_tp);
        self.prev_tp = tp;
        self.prev_fp = fp;
    }

    /// The area; the last point added holds the totals. Rounding in weighted sums can put a
    /// perfect ranking one ulp above 1 (found by the property tests), so the area is clamped to
    /// `[0, 1]`, a change far below the 1e-12 agreement with scikit-learn.
    fn finish(&self) -> f64 {
        (self.twice_area / (2.0 * self.prev_tp * self.prev_fp)).clamp(0.0, 1.0)
    }
}

/// scikit-learn's average precision step sum `Σ (R_i − R_{i−1}) · P_i`.
struct PrecisionStepSum {
    positives: f64,
    sum: f64,
    prev_recall: f64,
}

impl PrecisionStepSum {
    fn new(positives: f64) -> Self {
        Self {
            positives,
            sum: 0.0,
            prev_recall: 0.0,
        }
    }

    fn add(&mut self, tp: f64, fp: f64) {
        let recall = tp / self.positives;
        self.sum += (recall - self.prev_recall) * (tp / (tp + fp));
        self.prev_recall = recall;
    }

    /// scikit-learn clips a `-0.0` from rounding to 0; rounding above 1 is clipped likewise.
    fn finish(&self) -> f64 {
        self.sum.clamp(0.0, 1.0)
    }
}

/// A ROC curve (scikit-learn's `roc_curve` output).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RocCurve {
    /// False positive rates, non-decreasing, from 0 to 1.
    pub fpr: Vec<f64>,
    /// True positive rates, non-decreasing, from 0 to 1.
    pub tpr: Vec<f64>,
    /// Decreasing thresholds; `thresholds[0]` is `+inf` (the `(0, 0)` point). Note that
    /// JSON has no infinity: `serde_json` writes it as `null` and cannot read that back into
    /// an `f64`, so persist a [`RankedScores`] (all finite) rather than a curve.
    pub thresholds: Vec<f64>,
}

/// A precision-recall curve (scikit-learn's `precision_recall_curve` output).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrCurve {
    /// Precision at each threshold, then a final 1.0.
    pub precision: Vec<f64>,
    /// Recall at each threshold (non-increasing), then a final 0.0.
    pub recall: Vec<f64>,
    /// Increasing thresholds, one fewer than the rates.
    pub thresholds: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descending_key_orders_scores() {
        let mut values = [0.5, -1.0, f64::MAX, -0.0, 0.0, 1e-300, -1e-300, f64::MIN];
        values.sort_by_key(|&v| descending_key(v));
        assert_eq!(values[0], f64::MAX);
        assert_eq!(values[values.len() - 1], f64::MIN);
        assert_eq!(descending_key(-0.0), descending_key(0.0));
        assert!(values.windows(2).all(|w| w[0] >= w[1]));
        for v in values {
            assert_eq!(score_of_key(descending_key(v)), v + 0.0);
        }
    }

    #[test]
    fn sklearn_docstring_example() {
        // sklearn.metrics.roc_curve / precision_recall_curve docstrings.
        let y = [false, false, true, true];
        let s = [0.1, 0.4, 0.35, 0.8];
        let ranked = RankedScores::new(&y, &s, None).unwrap();
        let roc = ranked.roc_curve(true).unwrap();
        assert_eq!(roc.fpr, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(roc.tpr, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(roc.thresholds, vec![f64::INFINITY, 0.8, 0.4, 0.35, 0.1]);
        let pr = ranked.precision_recall_curve(false).unwrap();
        assert_eq!(pr.thresholds, vec![0.1, 0.35, 0.4, 0.8]);
        assert_eq!(pr.recall, vec![1.0, 1.0, 0.5, 0.5, 0.0]);
        assert_eq!(pr.precision, vec![0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
    }

    #[test]
    fn large_inputs_use_the_radix_path_correctly() {
        // 20,000 rows (above the radix sort cut-off) with many ties and negative scores,
        // checked against a BTreeMap tally of (positives, negatives) per distinct score.
        use std::collections::BTreeMap;
        let n = 20_000_u64;
        let mix = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
        let scores: Vec<f64> = (0..n)
            .map(|i| (mix(i) % 3001) as f64 / 1000.0 - 1.5)
            .collect();
        let y: Vec<bool> = (0..n).map(|i| mix(i + n) % 7 == 0).collect();
        let ranked = RankedScores::new(&y, &scores, None).unwrap();
        let mut tally: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
        for (&s, &label) in scores.iter().zip(&y) {
            let cell = tally.entry(descending_key(s)).or_default();
            if label {
                cell.0 += 1.0;
            } else {
                cell.1 += 1.0;
            }
        }
        let (mut tp, mut fp) = (0.0, 0.0);
        assert_eq!(ranked.thresholds().len(), tally.len());
        for (i, (&key, &(p, q))) in tally.iter().enumerate() {
            tp += p;
            fp += q;
            assert_eq!(ranked.thresholds()[i], score_of_key(key));
            assert_eq!(
                (ranked.true_positives()[i], ranked.false_positives()[i]),
                (tp, fp)
            );
        }
    }

    #[test]
    fn streaming_and_ranked_paths_agree_bit_for_bit() {
        let n = 10_000_u64;
        let mix = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
        let scores: Vec<f64> = (0..n).map(|i| (mix(i) % 997) as f64 / 997.0).collect();
        let y: Vec<bool> = (0..n).map(|i| mix(i + 3 * n) % 11 == 0).collect();
        let w: Vec<f64> = (0..n).map(|i| (mix(i + 7 * n) % 5) as f64 * 0.3).collect();
        for weights in [None, Some(w.as_slice())] {
            let ranked = RankedScores::new(&y, &scores, weights).unwrap();
            let sorted = SortedRows::new(&y, &scores, weights).unwrap();
            assert_eq!(sorted.roc_auc(), ranked.roc_auc());
            assert_eq!(sorted.average_precision(), ranked.average_precision());
        }
        let one_class = SortedRows::new(&[true, true], &[0.1, 0.2], None).unwrap();
        assert_eq!(
            one_class.roc_auc(),
            RankedScores::new(&[true, true], &[0.1, 0.2], None)
                .unwrap()
                .roc_auc()
        );
        let no_positive = SortedRows::new(&[false], &[0.1], None).unwrap();
        assert!(no_positive.average_precision().is_err());
    }

    #[test]
    fn serde_round_trip() {
        let ranked = RankedScores::new(&[true, false, true], &[0.9, 0.5, 0.5], None).unwrap();
        let json = serde_json::to_string(&ranked).unwrap();
        assert_eq!(serde_json::from_str::<RankedScores>(&json).unwrap(), ranked);
        let chosen = ranked
            .choose_threshold(&crate::ThresholdObjective::default())
            .unwrap();
        let json = serde_json::to_string(&chosen).unwrap();
        assert_eq!(
            serde_json::from_str::<crate::ChosenThreshold>(&json).unwrap(),
            chosen
        );
        // JSON has no infinity: the ROC curve's first threshold is written as null.
        let roc = ranked.roc_curve(true).unwrap();
        assert!(
            serde_json::to_string(&roc)
                .unwrap()
                .contains("\"thresholds\":[null,")
        );
    }

    #[test]
    fn ties_count_one_half() {
        let ranked = RankedScores::new(&[true, false], &[0.3, 0.3], None).unwrap();
        assert_eq!(ranked.roc_auc().unwrap(), 0.5);
        assert_eq!(ranked.average_precision().unwrap(), 0.5);
        assert_eq!(ranked.thresholds(), &[0.3]);
    }

    #[test]
    fn zero_weight_rows_are_dropped() {
        let ranked = RankedScores::new(
            &[true, false, true],
            &[0.9, 0.5, 0.1],
            Some(&[1.0, 1.0, 0.0]),
        )
        .unwrap();
        assert_eq!(ranked.thresholds(), &[0.9, 0.5]);
        assert_eq!(ranked.roc_auc().unwrap(), 1.0);
    }

    #[test]
    fn confusion_at_matches_direct_count() {
        let y = [true, false, true, false, false];
        let s = [0.9, 0.8, 0.4, 0.4, 0.1];
        let ranked = RankedScores::new(&y, &s, None).unwrap();
        for t in [1.0, 0.9, 0.85, 0.4, 0.2, 0.1, 0.0, -1.0] {
            assert_eq!(
                ranked.confusion_at(t).unwrap(),
                ConfusionMatrix::at_threshold(&y, &s, None, t).unwrap(),
                "threshold {t}"
            );
        }
        assert!(ranked.confusion_at(f64::NAN).is_err());
    }

    #[test]
    fn one_class_is_an_error_where_undefined() {
        let ranked = RankedScores::new(&[true, true], &[0.1, 0.2], None).unwrap();
        assert_eq!(
            ranked.roc_auc(),
            Err(MetricsError::MissingClass {
                metric: "ROC AUC",
                missing_positive: false
            })
        );
        assert_eq!(ranked.average_precision().unwrap(), 1.0);
        let negatives = RankedScores::new(&[false], &[0.1], None).unwrap();
        assert!(matches!(
            negatives.average_precision(),
            Err(MetricsError::MissingClass {
                missing_positive: true,
                ..
            })
        ));
        assert!(negatives.roc_curve(true).is_err());
        assert!(negatives.precision_recall_curve(false).is_err());
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(RankedScores::new(&[], &[], None), Err(MetricsError::Empty));
        assert!(matches!(
            RankedScores::new(&[true], &[f64::INFINITY], None),
            Err(MetricsError::NonFiniteScore { index: 0, .. })
        ));
        assert!(matches!(
            RankedScores::new(&[true, false], &[0.1], None),
            Err(MetricsError::LengthMismatch { .. })
        ));
    }
}
