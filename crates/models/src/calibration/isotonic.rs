//! Isotonic regression of the labels on the score, as scikit-learn 1.9's
//! `IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1, increasing=True)` fits and
//! predicts it: [`IsotonicCalibrator`] and [`fit_isotonic`].

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::input::check_calibration_input;
use crate::{ModelError, Result};

/// Scores closer than this to the first score of a group are merged with it
/// (`np.finfo(np.float64).resolution`, as sklearn's `_make_unique`).
const MERGE_RESOLUTION: f64 = 1e-15;

/// A fitted isotonic calibrator: thresholds `x` (strictly increasing scores) and their values
/// `y` (non-decreasing PDs in `[0, 1]`), fitted by [`fit_isotonic`].
///
/// # Predict (sklearn's `_transform`)
///
/// The score is clipped to the range of the thresholds, then interpolated linearly between them
/// exactly as `np.interp` does (sklearn's `interp1d` delegates to it for `f64` data): a score
/// equal to a threshold gets that threshold's value, and one between thresholds `j` and `j + 1`
/// gets `slope · (s − x_j) + y_j` with `slope = (y_{j+1} − y_j) / (x_{j+1} − x_j)`. A single
/// threshold (every score equal) gives a constant. The threshold is found by binary search, so
/// a calibrated score costs `O(log thresholds)`.
///
/// ```
/// use pdscore_models::calibration::IsotonicCalibrator;
///
/// let cal = IsotonicCalibrator::from_thresholds(vec![0.2, 0.6], vec![0.1, 0.5])?;
/// assert_eq!(cal.calibrate(0.0), 0.1); // clipped to the first threshold
/// assert!((cal.calibrate(0.4) - 0.3).abs() < 1e-15);
/// assert_eq!(cal.calibrate(0.9), 0.5);
/// assert!(IsotonicCalibrator::from_thresholds(vec![0.6, 0.2], vec![0.1, 0.5]).is_err());
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "IsotonicParts")]
pub struct IsotonicCalibrator {
    x: Vec<f64>,
    y: Vec<f64>,
}

/// The saved fields of an [`IsotonicCalibrator`], checked before they become one.
#[derive(Deserialize)]
struct IsotonicParts {
    x: Vec<f64>,
    y: Vec<f64>,
}

impl TryFrom<IsotonicParts> for IsotonicCalibrator {
    type Error = String;

    fn try_from(parts: IsotonicParts) -> std::result::Result<Self, String> {
        IsotonicCalibrator::from_thresholds(parts.x, parts.y)
            .map_err(|e| format!("isotonic calibrator: {e}"))
    }
}

impl IsotonicCalibrator {
    /// A calibrator from its thresholds and values.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] unless both have the same, non-zero length, the thresholds
    /// are finite and strictly increasing with finite slopes between them, and the values are in
    /// `[0, 1]` and non-decreasing.
    pub fn from_thresholds(x: Vec<f64>, y: Vec<f64>) -> Result<Self> {
        let invalid = |reason: String| {
            Err(ModelError::InvalidParam {
                name: "isotonic thresholds",
                reason,
            })
        };
        if x.is_empty() || x.len() != y.len() {
            return invalid(format!("{} thresholds and {} values", x.len(), y.len()));
        }
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            return invalid(format!("threshold {i} is {}", x[i]));
        }
        if let Some(i) = y.iter().position(|v| !(0.0..=1.0).contains(v)) {
            return invalid(format!("value {i} is {}, not in [0, 1]", y[i]));
        }
        for i in 1..x.len() {
            if x[i] <= x[i - 1] {
                return invalid(format!(
                    "thresholds {} and {i} are not increasing ({} then {})",
                    i - 1,
                    x[i - 1],
                    x[i]
                ));
            }
            if y[i] < y[i - 1] {
                return invalid(format!(
                    "values {} and {i} decrease ({} then {})",
                    i - 1,
                    y[i - 1],
                    y[i]
                ));
            }
            if !((y[i] - y[i - 1]) / (x[i] - x[i - 1])).is_finite() {
                return invalid(format!("thresholds {} and {i} are too close", i - 1));
            }
        }
        Ok(IsotonicCalibrator { x, y })
    }

    /// The thresholds: strictly increasing scores (sklearn's `X_thresholds_`).
    pub fn thresholds(&self) -> &[f64] {
        &self.x
    }

    /// The calibrated PD at each threshold: non-decreasing, in `[0, 1]` (sklearn's
    /// `y_thresholds_`).
    pub fn values(&self) -> &[f64] {
        &self.y
    }

    /// The calibrated PD of one score (sklearn's `predict` with `out_of_bounds="clip"`; `NaN`
    /// for a `NaN` score).
    #[inline]
    pub fn calibrate(&self, score: f64) -> f64 {
        let (x, y) = (&self.x, &self.y);
        let last = x.len() - 1;
        if score.is_nan() {
            return f64::NAN;
        }
        let s = score.max(x[0]).min(x[last]);
        // The last threshold <= s (there is one: s >= x[0]).
        let j = x.partition_point(|&t| t <= s).saturating_sub(1);
        if j >= last || x[j] == s {
            return y[j.min(last)];
        }
        let slope = (y[j + 1] - y[j]) / (x[j + 1] - x[j]);
        (slope * (s - x[j]) + y[j]).clamp(0.0, 1.0)
    }
}

/// Fits the isotonic calibrator of the labels `y` on `scores` (optionally weighted) as
/// scikit-learn 1.9's `IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1,
/// increasing=True)` does.
///
/// # Fit (sklearn's `_build_y`)
///
/// 1. Rows of zero weight are dropped.
/// 2. Rows are sorted by score, then label (a stable sort, `np.lexsort((y, x))`).
/// 3. Equal scores are merged into one point (`_make_unique`): its label is the weighted mean of
///    theirs, its weight the sum. As in sklearn, "equal" means closer than `1e-15` (numpy's
///    `finfo(float64).resolution`) to the first score of the group, and the group keeps that
///    first score.
/// 4. Pool adjacent violators with weights (the O(n) algorithm of Busing, 2022, that
///    `scipy.optimize.isotonic_regression` runs; equal neighbouring values are pooled too).
/// 5. Values are clipped to `[0, 1]` (a no-op for 0/1 labels) and the interior points of every
///    run of equal values are dropped, keeping the first and last point of each run.
///
/// ```
/// use pdscore_models::calibration::fit_isotonic;
///
/// let scores = [0.1, 0.2, 0.3, 0.4];
/// let y = [false, true, false, true];
/// let cal = fit_isotonic(&scores, &y, None)?;
/// // 0.2 and 0.3 violate the order and are pooled to 0.5.
/// assert_eq!(cal.thresholds(), &[0.1, 0.2, 0.3, 0.4]);
/// assert_eq!(cal.values(), &[0.0, 0.5, 0.5, 1.0]);
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
///
/// # Errors
/// [`ModelError::Empty`], [`ModelError::Shape`] (lengths differ),
/// [`ModelError::ScoreOutOfRange`] (a score outside `[0, 1]` or `NaN`),
/// [`ModelError::SingleClass`] (scikit-learn would fit a constant; a PD calibrator should not),
/// or [`ModelError::BadWeights`].
pub fn fit_isotonic(
    scores: &[f64],
    y: &[bool],
    sample_weight: Option<&[f64]>,
) -> Result<IsotonicCalibrator> {
    check_calibration_input(scores, y, sample_weight)?;
    // (score, label, weight) of the rows of positive weight, sorted by score then label.
    let mut rows: Vec<(f64, f64, f64)> = scores
        .iter()
        .zip(y)
        .enumerate()
        .map(|(i, (&s, &yi))| {
            (
                s,
                f64::from(u8::from(yi)),
                sample_weight.map_or(1.0, |w| w[i]),
            )
        })
        .filter(|&(_, _, w)| w > 0.0)
        .collect();
    // Scores are finite (checked), so `partial_cmp` is total here; unlike `total_cmp` it ties
    // -0.0 with 0.0, as numpy's sort does.
    rows.sort_by(|a, b| {
        a.0.partial_cmp(&b.0)
            .unwrap_or(Ordering::Equal)
            .then(a.1.total_cmp(&b.1))
    });
    let (x, mut values, mut weights) = make_unique(&rows);
    pool_adjacent_violators(&mut values, &mut weights);
    for v in &mut values {
        *v = v.clamp(0.0, 1.0);
    }
    let (x, y) = trim_runs(x, values);
    IsotonicCalibrator::from_thresholds(x, y)
}

/// Merges sorted rows with (nearly) equal scores: `(scores, weighted mean labels, summed
/// weights)`, as sklearn's `_make_unique`.
pub(super) fn make_unique(rows: &[(f64, f64, f64)]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (mut x, mut values, mut weights) = (Vec::new(), Vec::new(), Vec::new());
    let Some(&(first, _, _)) = rows.first() else {
        return (x, values, weights);
    };
    let (mut current_x, mut current_y, mut current_w) = (first, 0.0, 0.0);
    for &(s, label, w) in rows {
        if s - current_x >= MERGE_RESOLUTION {
            x.push(current_x);
            weights.push(current_w);
            values.push(current_y / current_w);
            current_x = s;
            current_w = w;
            current_y = label * w;
        } else {
            current_w += w;
            current_y += label * w;
        }
    }
    x.push(current_x);
    weights.push(current_w);
    values.push(current_y / current_w);
    (x, values, weights)
}

/// Weighted pool-adjacent-violators in place: `values` becomes the non-decreasing fit. Busing's
/// O(n) algorithm (J. Stat. Softw. 102(1), 2022) with `>=` in both violation tests, as scipy
/// runs it, so that the blocks and their floating-point sums are the same as scipy's.
pub(super) fn pool_adjacent_violators(values: &mut [f64], weights: &mut [f64]) {
    let n = values.len();
    if n == 0 {
        return;
    }
    // Block k covers rows starts[k]..starts[k + 1]; values[k] / weights[k] hold its mean and
    // weight while blocks are being formed.
    let mut starts = vec![0usize; n + 1];
    starts[1] = 1;
    let mut block = 0usize;
    let (mut prev_value, mut prev_weight) = (values[0], weights[0]);
    let mut i = 1;
    while i < n {
        block += 1;
        let (mut value, mut weight) = (values[i], weights[i]);
        if prev_value >= value {
            block -= 1;
            let mut sum = prev_weight * prev_value + weight * value;
            weight += prev_weight;
            value = sum / weight;
            while i + 1 < n && value >= values[i + 1] {
                i += 1;
                sum += weights[i] * values[i];
                weight += weights[i];
                value = sum / weight;
            }
            while block > 0 && values[block - 1] >= value {
                block -= 1;
                sum += weights[block] * values[block];
                weight += weights[block];
                value = sum / weight;
            }
        }
        values[block] = value;
        weights[block] = weight;
        prev_value = value;
        prev_weight = weight;
        starts[block + 1] = i + 1;
        i += 1;
    }
    // Spread the block means back over their rows, last block first.
    let mut end = n;
    for k in (0..=block).rev() {
        let value = values[k];
        values[starts[k]..end].fill(value);
        end = starts[k];
    }
}

/// Drops the interior points of every run of equal values (sklearn's `trim_duplicates`).
fn trim_runs(x: Vec<f64>, y: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
    let n = y.len();
    let keep = |i: usize| i == 0 || i + 1 == n || y[i] != y[i - 1] || y[i] != y[i + 1];
    let kept: Vec<usize> = (0..n).filter(|&i| keep(i)).collect();
    (
        kept.iter().map(|&i| x[i]).collect(),
        kept.iter().map(|&i| y[i]).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pava_pools_violators_with_weights() {
        let mut values = vec![1.0, 3.0, 2.0, 4.0, 0.0];
        let mut weights = vec![1.0, 1.0, 3.0, 1.0, 1.0];
        pool_adjacent_violators(&mut values, &mut weights);
        // [3, 2] pool to (3 + 6) / 4 = 2.25; then [4, 0] pool to 2, which pulls in the
        // 2.25-block: (9 + 4) / 6.
        let tail = 13.0 / 6.0;
        assert_eq!(values, vec![1.0, tail, tail, tail, tail]);
        let mut monotone = vec![0.0, 0.5, 0.5, 1.0];
        pool_adjacent_violators(&mut monotone, &mut [1.0; 4]);
        assert_eq!(monotone, vec![0.0, 0.5, 0.5, 1.0]);
    }

    #[test]
    fn equal_scores_merge_within_the_resolution() {
        let rows = [
            (0.1, 0.0, 1.0),
            (0.1 + 5e-16, 1.0, 3.0),
            (0.2, 1.0, 1.0),
            (0.2 + 2e-15, 0.0, 1.0),
        ];
        let (x, y, w) = make_unique(&rows);
        assert_eq!(x, vec![0.1, 0.2, 0.2 + 2e-15]);
        assert_eq!(y, vec![0.75, 1.0, 0.0]);
        assert_eq!(w, vec![4.0, 1.0, 1.0]);
    }

    #[test]
    fn one_distinct_score_is_a_constant() {
        let cal = fit_isotonic(&[0.4; 5], &[true, false, false, true, false], None).expect("fit");
        assert_eq!(cal.thresholds(), &[0.4]);
        for s in [0.0, 0.4, 1.0] {
            assert_eq!(cal.calibrate(s), 0.4);
        }
        assert!(cal.calibrate(f64::NAN).is_nan());
    }

    #[test]
    fn loading_checks_the_thresholds() {
        let good = r#"{"x":[0.1,0.5],"y":[0.0,0.5]}"#;
        let cal: IsotonicCalibrator = serde_json::from_str(good).expect("valid");
        assert_eq!(cal.values(), &[0.0, 0.5]);
        for bad in [
            r#"{"x":[],"y":[]}"#,
            r#"{"x":[0.1],"y":[0.0,0.5]}"#,
            r#"{"x":[0.5,0.1],"y":[0.0,0.5]}"#,
            r#"{"x":[0.1,0.1],"y":[0.0,0.5]}"#,
            r#"{"x":[0.1,0.5],"y":[0.5,0.0]}"#,
            r#"{"x":[0.1,0.5],"y":[0.0,1.5]}"#,
            r#"{"x":[0.0,5e-324],"y":[0.0,1.0]}"#,
        ] {
            let err = serde_json::from_str::<IsotonicCalibrator>(bad).expect_err(bad);
            assert!(err.to_string().contains("isotonic"), "{bad}: {err}");
        }
        assert!(
            serde_json::from_str::<IsotonicCalibrator>(r#"{"x":[0.1,null],"y":[0.0,0.5]}"#)
                .is_err()
        );
    }
}
