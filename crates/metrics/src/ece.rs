//! Expected calibration error over equal-count bins.

use crate::groups::equal_count_groups;
use crate::input::check_probabilities;
use crate::{MetricsError, Result};

/// Expected calibration error (ECE) over `n_bins` **equal-count** bins: the count-weighted mean
/// distance between the observed default rate and the mean PD of each bin,
/// `Σ_b (n_b / N) · |mean(y_b) − mean(p_b)|`.
///
/// It answers "how far, on average over the rows, is the PD from the default rate of rows like
/// it", in probability units: 0 for a model whose every bin is calibrated, at most 1. Bins hold
/// equal counts rather than equal widths because PDs of credit data crowd near 0, where equal
/// widths would put almost every row in the first bin.
///
/// The rows are sorted by probability (stable: ties keep their input order) and split as
/// `numpy.array_split(numpy.arange(n), n_bins)`: the first `n % n_bins` bins hold one row more,
/// and when `n < n_bins` the empty bins are skipped. Rows with the same probability may fall in
/// different bins. This is exactly the definition used in pdscore's reports, reproduced to
/// 1e-12 (see `tests/golden/README.md`):
///
/// ```python
/// o = np.argsort(p, kind="stable"); y, p = y[o], p[o]
/// groups = np.array_split(np.arange(len(p)), bins)
/// ece = sum(len(g)/len(p) * abs(y[g].mean() - p[g].mean()) for g in groups if len(g))
/// ```
///
/// # Errors
/// Empty input, length mismatches, a probability outside `[0, 1]` (or `NaN`), `n_bins == 0`.
///
/// # Example
/// ```
/// use pdscore_metrics::expected_calibration_error;
/// let y = [false, false, true, false, true, true];
/// let p = [0.1, 0.2, 0.3, 0.6, 0.7, 0.8];
/// // Bins {0.1, 0.2, 0.3} and {0.6, 0.7, 0.8}: |1/3 − 0.2| and |2/3 − 0.7|, each weighted 1/2.
/// let ece = expected_calibration_error(&y, &p, 2)?;
/// assert!((ece - (0.4 / 3.0 + 0.1 / 3.0) / 2.0).abs() < 1e-15);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn expected_calibration_error(
    y_true: &[bool],
    probabilities: &[f64],
    n_bins: usize,
) -> Result<f64> {
    check_probabilities(y_true, probabilities, None)?;
    if n_bins == 0 {
        return Err(MetricsError::param("n_bins", n_bins, "must be >= 1"));
    }
    let n = probabilities.len() as f64;
    let ece = equal_count_groups(y_true, probabilities, n_bins)
        .iter()
        .fold(0.0, |sum, group| {
            let count = group.count as f64;
            let observed = group.positives as f64 / count;
            let predicted = group.sum_probability / count;
            sum + count / n * (observed - predicted).abs()
        });
    Ok(ece)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibrated_bins_score_zero_and_one_bin_is_calibration_in_the_large() {
        // Tied PDs keep their input order: bins {T, F}, {T, F}, {F, T}, each at rate 1/2.
        let y = [true, false, true, false, false, true];
        let p = [0.5; 6];
        assert_eq!(expected_calibration_error(&y, &p, 3), Ok(0.0));
        assert!(expected_calibration_error(&y, &p, 2).unwrap() > 0.1); // {T, F, T}, {F, F, T}
        let q = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        let one_bin = expected_calibration_error(&y, &q, 1).unwrap();
        assert!((one_bin - (0.5 - 2.1 / 6.0)).abs() < 1e-15);
    }

    #[test]
    fn more_bins_than_rows_skips_the_empty_ones() {
        let ece = expected_calibration_error(&[true, false], &[0.25, 0.5], 10).unwrap();
        assert_eq!(ece, 0.5 * 0.75 + 0.5 * 0.5);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(
            expected_calibration_error(&[true], &[0.5], 0),
            Err(MetricsError::InvalidParameter { name: "n_bins", .. })
        ));
        assert_eq!(
            expected_calibration_error(&[], &[], 10),
            Err(MetricsError::Empty)
        );
        assert!(matches!(
            expected_calibration_error(&[true, false], &[0.5, f64::NAN], 10),
            Err(MetricsError::ProbabilityOutOfRange { index: 1, .. })
        ));
    }
}
