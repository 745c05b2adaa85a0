//! Mean PD over observed default rate.

use crate::input::check_probabilities;
use crate::{MetricsError, Result};

/// Ratio of the mean predicted PD to the observed default rate, `mean(p) / mean(y)`.
///
/// Calibration-in-the-large on the probability scale: 1 when the PDs predict as many defaults
/// as were observed, above 1 when they are conservative (too high), below 1 when they
/// underestimate the risk. pdscore promises that every PD it hands out has a ratio near 1 on
/// the population it was calibrated on.
///
/// # Errors
/// Empty input, length mismatches, a probability outside `[0, 1]` (or `NaN`);
/// [`MetricsError::MissingClass`] when there is no positive (the observed rate is 0).
///
/// # Example
/// ```
/// // Two defaults among four loans, PDs summing to 1.6: 0.4 predicted against 0.5 observed.
/// let ratio = pdscore_metrics::mean_pd_ratio(&[true, false, true, false], &[0.7, 0.1, 0.5, 0.3])?;
/// assert!((ratio - 0.8).abs() < 1e-15);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn mean_pd_ratio(y_true: &[bool], probabilities: &[f64]) -> Result<f64> {
    check_probabilities(y_true, probabilities, None)?;
    let positives = y_true.iter().filter(|&&y| y).count();
    if positives == 0 {
        return Err(MetricsError::MissingClass {
            metric: "mean PD ratio",
            missing_positive: true,
        });
    }
    let n = probabilities.len() as f64;
    let mean_pd = probabilities.iter().sum::<f64>() / n;
    Ok(mean_pd / (positives as f64 / n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_and_errors() {
        assert_eq!(mean_pd_ratio(&[true, false], &[0.5, 0.5]), Ok(1.0));
        assert_eq!(mean_pd_ratio(&[true, true], &[0.0, 0.0]), Ok(0.0));
        assert_eq!(
            mean_pd_ratio(&[false, false], &[0.1, 0.2]),
            Err(MetricsError::MissingClass {
                metric: "mean PD ratio",
                missing_positive: true
            })
        );
        assert!(matches!(
            mean_pd_ratio(&[true], &[1.5]),
            Err(MetricsError::ProbabilityOutOfRange { index: 0, .. })
        ));
    }
}
