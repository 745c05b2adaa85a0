//! Calibration (reliability) curves, as scikit-learn's `calibration_curve`.

use serde::{Deserialize, Serialize};

use crate::input::check_probabilities;
use crate::{MetricsError, Result};

/// How the `[0, 1]` range of predicted probabilities is cut into bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BinStrategy {
    /// Bins of equal width on `[0, 1]` (scikit-learn's default).
    #[default]
    Uniform,
    /// Bins with (about) the same number of samples: edges at the quantiles of the predicted
    /// probabilities (numpy's default linear-interpolation percentile).
    Quantile,
}

/// A calibration curve: per non-empty bin, the observed fraction of positives against the mean
/// predicted probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationCurve {
    /// Fraction of positives in each non-empty bin (scikit-learn's `prob_true`).
    pub prob_true: Vec<f64>,
    /// Mean predicted probability in each non-empty bin (scikit-learn's `prob_pred`).
    pub prob_pred: Vec<f64>,
    /// Number of samples in each non-empty bin.
    pub counts: Vec<usize>,
    /// The `n_bins + 1` bin edges, from the lowest to the highest.
    pub bin_edges: Vec<f64>,
}

/// Calibration curve of predicted probabilities, exactly as scikit-learn's
/// `calibration_curve(y_true, y_prob, n_bins=n_bins, strategy=...)`.
///
/// A probability `p` falls in bin `i` when `edge[i] < p <= edge[i + 1]`, except that the first
/// bin also holds `p = edge[0]` (numpy `searchsorted(inner_edges, p, side="left")`). Empty bins
/// are left out, so the curve may have fewer than `n_bins` points. Uniform edges are
/// `i · (1 / n_bins)` (numpy `linspace`), the last being exactly 1. scikit-learn has no sample
/// weights here, and neither does this function.
///
/// # Errors
/// Empty input, length mismatches, a probability outside `[0, 1]`, `n_bins == 0`.
///
/// # Example
/// ```
/// use pdscore_metrics::{calibration_curve, BinStrategy};
/// let y = [false, false, true, true];
/// let p = [0.1, 0.3, 0.7, 0.9];
/// let curve = calibration_curve(&y, &p, 2, BinStrategy::Uniform)?;
/// assert_eq!(curve.prob_true, vec![0.0, 1.0]);
/// assert_eq!(curve.counts, vec![2, 2]);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn calibration_curve(
    y_true: &[bool],
    probabilities: &[f64],
    n_bins: usize,
    strategy: BinStrategy,
) -> Result<CalibrationCurve> {
    check_probabilities(y_true, probabilities, None)?;
    if n_bins == 0 {
        return Err(MetricsError::param("n_bins", n_bins, "must be >= 1"));
    }
    let bin_edges = match strategy {
        BinStrategy::Uniform => uniform_edges(n_bins),
        BinStrategy::Quantile => quantile_edges(probabilities, n_bins),
    };
    let inner = &bin_edges[1..n_bins];
    let mut sum_pred = vec![0.0_f64; n_bins];
    let mut sum_true = vec![0.0_f64; n_bins];
    let mut counts = vec![0_usize; n_bins];
    for (&y, &p) in y_true.iter().zip(probabilities) {
        let bin = inner.partition_point(|&edge| edge < p);
        sum_pred[bin] += p;
        sum_true[bin] += f64::from(u8::from(y));
        counts[bin] += 1;
    }
    let mut curve = CalibrationCurve {
        prob_true: Vec::new(),
        prob_pred: Vec::new(),
        counts: Vec::new(),
        bin_edges,
    };
    for bin in (0..n_bins).filter(|&bin| counts[bin] > 0) {
        let count = counts[bin] as f64;
        curve.prob_true.push(sum_true[bin] / count);
        curve.prob_pred.push(sum_pred[bin] / count);
        curve.counts.push(counts[bin]);
    }
    Ok(curve)
}

/// `numpy.linspace(0, 1, n_bins + 1)`: `i * step` with the last edge exactly 1.
fn uniform_edges(n_bins: usize) -> Vec<f64> {
    let step = 1.0 / n_bins as f64;
    let mut edges: Vec<f64> = (0..=n_bins).map(|i| i as f64 * step).collect();
    edges[n_bins] = 1.0;
    edges
}

/// `numpy.percentile(p, numpy.linspace(0, 1, n_bins + 1) * 100)` with numpy's default
/// `method="linear"`, reproducing its floating-point steps.
fn quantile_edges(probabilities: &[f64], n_bins: usize) -> Vec<f64> {
    let mut sorted = probabilities.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let last = sorted.len() - 1;
    uniform_edges(n_bins)
        .into_iter()
        .map(|q| {
            let q = q * 100.0 / 100.0; // sklearn passes percents, numpy divides them back
            let virtual_index = last as f64 * q;
            if virtual_index >= last as f64 {
                return sorted[last];
            }
            let below = virtual_index.floor();
            let gamma = virtual_index - below;
            let (a, b) = (sorted[below as usize], sorted[below as usize + 1]);
            // numpy's _lerp: interpolate from the nearer end.
            let diff = b - a;
            if gamma >= 0.5 {
                b - diff * (1.0 - gamma)
            } else {
                a + diff * gamma
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_edges_match_numpy_linspace() {
        let edges = uniform_edges(5);
        // numpy.linspace(0, 1, 6)[3] == 0.6000000000000001
        assert_eq!(edges[3], 3.0 * 0.2);
        assert_ne!(edges[3], 0.6);
        assert_eq!(edges[5], 1.0);
    }

    #[test]
    fn edge_values_go_to_the_lower_bin() {
        let curve = calibration_curve(
            &[false, true, true],
            &[0.0, 0.5, 1.0],
            2,
            BinStrategy::Uniform,
        )
        .unwrap();
        assert_eq!(curve.counts, vec![2, 1]);
        assert_eq!(curve.prob_true, vec![0.5, 1.0]);
        assert_eq!(curve.prob_pred, vec![0.25, 1.0]);
    }

    #[test]
    fn quantile_bins_hold_equal_counts() {
        let p: Vec<f64> = (0..8).map(|i| f64::from(i) / 10.0).collect();
        let y: Vec<bool> = (0..8).map(|i| i >= 4).collect();
        let curve = calibration_curve(&y, &p, 4, BinStrategy::Quantile).unwrap();
        assert_eq!(curve.counts, vec![2, 2, 2, 2]);
        assert_eq!(curve.prob_true, vec![0.0, 0.0, 1.0, 1.0]);
        assert_eq!(curve.bin_edges[0], 0.0);
        assert_eq!(curve.bin_edges[4], 0.7);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(
            calibration_curve(&[true], &[0.5], 0, BinStrategy::Uniform),
            Err(MetricsError::InvalidParameter { name: "n_bins", .. })
        ));
        assert!(matches!(
            calibration_curve(&[true], &[-0.5], 3, BinStrategy::Quantile),
            Err(MetricsError::ProbabilityOutOfRange { .. })
        ));
    }
}
