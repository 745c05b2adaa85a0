//! One call for every calibration figure of a set of PDs.

use serde::{Deserialize, Serialize};

use crate::{
    HosmerLemeshow, Result, brier_score, calibration_intercept_slope, expected_calibration_error,
    hosmer_lemeshow, log_loss, mean_pd_ratio,
};

/// Bins of the ECE and groups of the Hosmer-Lemeshow test in [`calibration_summary`].
const GROUPS: usize = 10;

/// Every calibration figure of a set of PDs against outcomes, as reported by pdscore: how
/// good the probabilities are as probabilities, not only as a ranking.
///
/// All fields are finite except possibly the Hosmer-Lemeshow statistic (`+∞` when a PD of
/// exactly 0 or 1 is contradicted by an outcome), which JSON cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationSummary {
    /// Log loss (binary cross-entropy, natural log), see [`log_loss`]: lower is better.
    pub log_loss: f64,
    /// Brier score, the mean squared error of the PDs, see [`brier_score`]: lower is better.
    pub brier: f64,
    /// Expected calibration error over 10 equal-count bins, see
    /// [`expected_calibration_error`]: 0 is calibrated.
    pub ece: f64,
    /// Calibration-in-the-large, the intercept with the slope fixed at 1, see
    /// [`CalibrationFit::intercept`](crate::CalibrationFit::intercept): 0 is calibrated.
    pub intercept: f64,
    /// Calibration slope, see [`CalibrationFit::slope`](crate::CalibrationFit::slope): 1 is
    /// calibrated, below 1 the PDs are too extreme.
    pub slope: f64,
    /// Mean PD over observed default rate, see [`mean_pd_ratio`]: 1 is calibrated in the
    /// large, above 1 conservative.
    pub mean_pd_ratio: f64,
    /// Hosmer-Lemeshow test over 10 equal-count groups, see [`hosmer_lemeshow`]: a small
    /// p-value rejects calibration.
    pub hosmer_lemeshow: HosmerLemeshow,
}

/// All calibration figures of `probabilities` against `y_true` in one call (10 bins for the
/// ECE, 10 groups for the Hosmer-Lemeshow test, no sample weights).
///
/// # Errors
/// Those of the functions it calls: empty input, length mismatches, a probability outside
/// `[0, 1]` (or `NaN`); [`MissingClass`](crate::MetricsError::MissingClass) unless both classes
/// are present; [`NoFiniteFit`](crate::MetricsError::NoFiniteFit) when the calibration slope is
/// undefined (all PDs equal, or PDs that separate the classes);
/// [`TooFewSamples`](crate::MetricsError::TooFewSamples) with fewer than 3 rows.
///
/// # Example
/// ```
/// use pdscore_metrics::calibration_summary;
/// let y = [false, false, true, false, true, false, true, true, false, false, false, true];
/// let p = [0.1, 0.2, 0.25, 0.3, 0.4, 0.6, 0.7, 0.9, 0.05, 0.15, 0.35, 0.5];
/// let summary = calibration_summary(&y, &p)?;
/// assert!(summary.ece >= 0.0 && summary.ece <= 1.0);
/// assert_eq!(summary.hosmer_lemeshow.groups, 10);
/// assert!(summary.slope > 0.0);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn calibration_summary(y_true: &[bool], probabilities: &[f64]) -> Result<CalibrationSummary> {
    let fit = calibration_intercept_slope(y_true, probabilities)?;
    Ok(CalibrationSummary {
        log_loss: log_loss(y_true, probabilities, None)?,
        brier: brier_score(y_true, probabilities, None)?,
        ece: expected_calibration_error(y_true, probabilities, GROUPS)?,
        intercept: fit.intercept,
        slope: fit.slope,
        mean_pd_ratio: mean_pd_ratio(y_true, probabilities)?,
        hosmer_lemeshow: hosmer_lemeshow(y_true, probabilities, GROUPS)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MetricsError;

    #[test]
    fn fields_are_the_individual_metrics() {
        let y: Vec<bool> = (0..40).map(|i| i % 3 == 0 || i % 7 == 0).collect();
        let p: Vec<f64> = (0..40).map(|i| f64::from(i % 9 + 1) / 12.0).collect();
        let summary = calibration_summary(&y, &p).unwrap();
        assert_eq!(summary.brier, brier_score(&y, &p, None).unwrap());
        assert_eq!(summary.ece, expected_calibration_error(&y, &p, 10).unwrap());
        assert_eq!(
            summary.hosmer_lemeshow,
            hosmer_lemeshow(&y, &p, 10).unwrap()
        );
        let fit = calibration_intercept_slope(&y, &p).unwrap();
        assert_eq!(
            (summary.intercept, summary.slope),
            (fit.intercept, fit.slope)
        );
        let json = serde_json::to_string(&summary).unwrap();
        assert_eq!(
            serde_json::from_str::<CalibrationSummary>(&json).unwrap(),
            summary
        );
    }

    #[test]
    fn undefined_parts_are_errors() {
        assert!(matches!(
            calibration_summary(&[true, false, false], &[0.2; 3]),
            Err(MetricsError::NoFiniteFit { .. })
        ));
        assert!(matches!(
            calibration_summary(&[false; 4], &[0.1, 0.2, 0.3, 0.4]),
            Err(MetricsError::MissingClass { .. })
        ));
        assert!(matches!(
            calibration_summary(&[true, false], &[0.6, 0.5]),
            Err(MetricsError::NoFiniteFit { .. })
        ));
    }
}
