//! Proper scoring rules on probabilities: Brier score and log loss.

use crate::Result;
use crate::input::{check_probabilities, weighted_mean};

/// Brier score, the (weighted) mean of `(y − p)²`, as scikit-learn's `brier_score_loss` for
/// binary targets. Lower is better; 0 is perfect.
///
/// # Errors
/// Empty input, length mismatches, a probability outside `[0, 1]` (or `NaN`), invalid weights.
///
/// # Example
/// ```
/// let b = pdscore_metrics::brier_score(&[true, false], &[0.8, 0.4], None)?;
/// assert!((b - (0.04 + 0.16) / 2.0).abs() < 1e-15);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn brier_score(
    y_true: &[bool],
    probabilities: &[f64],
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    check_probabilities(y_true, probabilities, sample_weight)?;
    let squared_errors = y_true.iter().zip(probabilities).map(|(&y, &p)| {
        let error = f64::from(u8::from(y)) - p;
        error * error
    });
    Ok(weighted_mean(squared_errors, sample_weight))
}

/// Log loss (binary cross-entropy, natural log), the (weighted) mean of
/// `−[y·ln p + (1 − y)·ln(1 − p)]`, as scikit-learn 1.9's `log_loss`.
///
/// **Clipping.** scikit-learn's `eps` argument is gone (deprecated in 1.3, removed in 1.5; 1.9
/// also renamed `y_pred` to `y_proba`): it always clips the probabilities of both columns, `p`
/// and `1 − p`, to `[ε, 1 − ε]` with `ε` the machine epsilon of the dtype (`f64::EPSILON` ≈
/// 2.2e-16), so a certain wrong prediction costs `−ln ε ≈ 36.04` instead of infinity and a
/// certain right one `−ln(1 − ε) ≈ 2.2e-16` instead of 0. This function does exactly that.
///
/// Unlike scikit-learn (which then needs `labels=[0, 1]`), a single class in `y_true` is fine.
///
/// # Errors
/// Empty input, length mismatches, a probability outside `[0, 1]` (or `NaN`), invalid weights.
pub fn log_loss(
    y_true: &[bool],
    probabilities: &[f64],
    sample_weight: Option<&[f64]>,
) -> Result<f64> {
    check_probabilities(y_true, probabilities, sample_weight)?;
    let (lo, hi) = (f64::EPSILON, 1.0 - f64::EPSILON);
    let losses = y_true.iter().zip(probabilities).map(|(&y, &p)| {
        let p_of_truth = if y { p } else { 1.0 - p };
        -p_of_truth.clamp(lo, hi).ln()
    });
    Ok(weighted_mean(losses, sample_weight))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MetricsError;

    #[test]
    fn log_loss_clips_certain_mistakes() {
        let loss = log_loss(&[true, false], &[0.0, 1.0], None).unwrap();
        assert_eq!(loss, -f64::EPSILON.ln());
        let perfect = log_loss(&[true, false], &[1.0, 0.0], None).unwrap();
        assert_eq!(perfect, -(1.0 - f64::EPSILON).ln());
    }

    #[test]
    fn weights_and_validation() {
        let weighted = brier_score(&[true, false], &[0.5, 0.0], Some(&[3.0, 1.0])).unwrap();
        assert_eq!(weighted, 0.75 / 4.0);
        assert!(matches!(
            brier_score(&[true], &[1.1], None),
            Err(MetricsError::ProbabilityOutOfRange { index: 0, .. })
        ));
        assert!(matches!(
            log_loss(&[true], &[f64::NAN], None),
            Err(MetricsError::ProbabilityOutOfRange { index: 0, .. })
        ));
        assert_eq!(log_loss(&[], &[], None), Err(MetricsError::Empty));
    }
}
