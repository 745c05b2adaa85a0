//! Input validation shared by every metric, and label conversion.

use crate::{MetricsError, Result};

/// Converts 0/1 labels of any numeric type (`u8`, `i32`, `f32`, `f64`, ...) into the `&[bool]`
/// every function of this crate takes (`1` = positive, i.e. defaulted).
///
/// # Errors
/// [`MetricsError::InvalidLabel`] for the first value that is neither 0 nor 1.
///
/// # Example
/// ```
/// let y = pdscore_metrics::labels_from_01(&[0_u8, 1, 1, 0])?;
/// assert_eq!(y, vec![false, true, true, false]);
/// assert!(pdscore_metrics::labels_from_01(&[0.0, 2.0]).is_err());
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn labels_from_01<T: Copy + Into<f64>>(labels: &[T]) -> Result<Vec<bool>> {
    labels
        .iter()
        .enumerate()
        .map(|(index, &label)| {
            let value: f64 = label.into();
            if value == 0.0 {
                Ok(false)
            } else if value == 1.0 {
                Ok(true)
            } else {
                Err(MetricsError::InvalidLabel { index, value })
            }
        })
        .collect()
}

/// Checks that `y_true` is non-empty and `other` has one entry per label.
pub(crate) fn check_lengths(n: usize, what: &'static str, found: usize) -> Result<()> {
    if n == 0 {
        return Err(MetricsError::Empty);
    }
    if found != n {
        return Err(MetricsError::LengthMismatch {
            what,
            expected: n,
            found,
        });
    }
    Ok(())
}

/// Checks lengths, finiteness of the scores and validity of the optional weights.
pub(crate) fn check_scored(y_true: &[bool], scores: &[f64], weights: Option<&[f64]>) -> Result<()> {
    check_lengths(y_true.len(), "scores", scores.len())?;
    if let Some((index, &value)) = scores.iter().enumerate().find(|(_, s)| !s.is_finite()) {
        return Err(MetricsError::NonFiniteScore { index, value });
    }
    check_weights(y_true.len(), weights)
}

/// Checks lengths, that every probability is in `[0, 1]` and the optional weights.
pub(crate) fn check_probabilities(
    y_true: &[bool],
    probabilities: &[f64],
    weights: Option<&[f64]>,
) -> Result<()> {
    check_lengths(y_true.len(), "probabilities", probabilities.len())?;
    // `!(0.0..=1.0).contains` is also true for NaN.
    if let Some((index, &value)) = probabilities
        .iter()
        .enumerate()
        .find(|(_, p)| !(0.0..=1.0).contains(*p))
    {
        return Err(MetricsError::ProbabilityOutOfRange { index, value });
    }
    check_weights(y_true.len(), weights)
}

/// Checks that weights (if any) have one entry per sample, are finite and >= 0, and are not all 0.
pub(crate) fn check_weights(n: usize, weights: Option<&[f64]>) -> Result<()> {
    let Some(weights) = weights else {
        return Ok(());
    };
    check_lengths(n, "sample_weight", weights.len())?;
    if let Some((index, &value)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
    {
        return Err(MetricsError::InvalidWeight { index, value });
    }
    if weights.iter().all(|&w| w == 0.0) {
        return Err(MetricsError::AllWeightsZero { n });
    }
    Ok(())
}

/// Weighted mean of `values` (`numpy.average` semantics); plain mean when unweighted.
/// Assumes the weights were validated (same length, not all zero).
pub(crate) fn weighted_mean(values: impl Iterator<Item = f64>, weights: Option<&[f64]>) -> f64 {
    match weights {
        None => {
            let (sum, count) = values.fold((0.0, 0_usize), |(s, c), v| (s + v, c + 1));
            sum / count as f64
        }
        Some(weights) => {
            let sum: f64 = values.zip(weights).map(|(v, w)| v * w).sum();
            sum / weights.iter().sum::<f64>()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_01_accepts_ints_and_floats() {
        assert_eq!(labels_from_01(&[1_i32, 0]).unwrap(), vec![true, false]);
        assert_eq!(labels_from_01(&[0.0_f32, 1.0]).unwrap(), vec![false, true]);
        assert_eq!(
            labels_from_01(&[0_u8, 3]),
            Err(MetricsError::InvalidLabel {
                index: 1,
                value: 3.0
            })
        );
        assert!(matches!(
            labels_from_01(&[f64::NAN]),
            Err(MetricsError::InvalidLabel { index: 0, .. })
        ));
    }

    #[test]
    fn weights_are_validated() {
        assert_eq!(check_weights(2, None), Ok(()));
        assert_eq!(
            check_weights(2, Some(&[1.0])),
            Err(MetricsError::LengthMismatch {
                what: "sample_weight",
                expected: 2,
                found: 1
            })
        );
        assert_eq!(
            check_weights(2, Some(&[1.0, -1.0])),
            Err(MetricsError::InvalidWeight {
                index: 1,
                value: -1.0
            })
        );
        assert!(matches!(
            check_weights(2, Some(&[f64::INFINITY, 1.0])),
            Err(MetricsError::InvalidWeight { index: 0, .. })
        ));
        assert_eq!(
            check_weights(2, Some(&[0.0, 0.0])),
            Err(MetricsError::AllWeightsZero { n: 2 })
        );
    }

    #[test]
    fn scores_and_probabilities_are_validated() {
        assert_eq!(check_scored(&[], &[], None), Err(MetricsError::Empty));
        assert!(matches!(
            check_scored(&[true], &[f64::NAN], None),
            Err(MetricsError::NonFiniteScore { index: 0, .. })
        ));
        assert_eq!(
            check_probabilities(&[true, false], &[0.5, 1.5], None),
            Err(MetricsError::ProbabilityOutOfRange {
                index: 1,
                value: 1.5
            })
        );
        assert!(check_probabilities(&[true, false], &[0.0, 1.0], None).is_ok());
    }

    #[test]
    fn weighted_mean_matches_definition() {
        let v = [1.0, 2.0, 4.0];
        assert_eq!(weighted_mean(v.iter().copied(), None), 7.0 / 3.0);
        assert_eq!(
            weighted_mean(v.iter().copied(), Some(&[1.0, 0.0, 3.0])),
            13.0 / 4.0
        );
    }
}
