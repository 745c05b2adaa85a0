//! Input checks and the logit shared by the calibrators.

use crate::{ModelError, Result};

/// Weighted class totals of checked calibration input.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClassTotals {
    /// Total weight of the positive rows.
    pub positive: f64,
    /// Total weight of the negative rows.
    pub negative: f64,
}

/// Checks the inputs of a calibrator's fit: at least one score, as many labels (and weights) as
/// scores, every score in `[0, 1]`, weights finite and non-negative, and both classes present
/// with a positive total weight. Returns the weighted class totals.
pub(super) fn check_calibration_input(
    scores: &[f64],
    y: &[bool],
    sample_weight: Option<&[f64]>,
) -> Result<ClassTotals> {
    if scores.is_empty() || y.is_empty() {
        return Err(ModelError::Empty);
    }
    if scores.len() != y.len() {
        return Err(ModelError::Shape(format!(
            "{} scores but {} labels",
            scores.len(),
            y.len()
        )));
    }
    if let Some(row) = scores.iter().position(|s| !(0.0..=1.0).contains(s)) {
        return Err(ModelError::ScoreOutOfRange {
            row,
            value: scores[row],
        });
    }
    let positives = y.iter().filter(|&&v| v).count();
    if positives == 0 || positives == y.len() {
        return Err(ModelError::SingleClass {
            positives,
            rows: y.len(),
        });
    }
    let Some(w) = sample_weight else {
        return Ok(ClassTotals {
            positive: positives as f64,
            negative: (y.len() - positives) as f64,
        });
    };
    if w.len() != y.len() {
        return Err(ModelError::Shape(format!(
            "{} sample weights for {} scores",
            w.len(),
            y.len()
        )));
    }
    if let Some(i) = w.iter().position(|v| !v.is_finite() || *v < 0.0) {
        return Err(ModelError::BadWeights(format!(
            "weight {} at row {i} is negative or not finite",
            w[i]
        )));
    }
    let (mut positive, mut negative) = (0.0, 0.0);
    for (&yi, &wi) in y.iter().zip(w) {
        if yi {
            positive += wi;
        } else {
            negative += wi;
        }
    }
    if !(positive > 0.0 && negative > 0.0 && (positive + negative).is_finite()) {
        return Err(ModelError::BadWeights(format!(
            "the classes need positive, finite total weights (positives {positive}, negatives \
             {negative})"
        )));
    }
    Ok(ClassTotals { positive, negative })
}

/// `ln(s / (1 - s))`, computed as `ln(s) - ln_1p(-s)`: `-inf` at 0, `+inf` at 1, never `NaN`
/// on `[0, 1]`.
#[inline]
pub(super) fn logit(s: f64) -> f64 {
    s.ln() - (-s).ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_an_error() {
        let y = [false, true];
        assert!(matches!(
            check_calibration_input(&[], &[], None),
            Err(ModelError::Empty)
        ));
        assert!(matches!(
            check_calibration_input(&[0.1], &y, None),
            Err(ModelError::Shape(_))
        ));
        for bad in [f64::NAN, -1e-300, 1.0 + f64::EPSILON, f64::INFINITY] {
            assert!(matches!(
                check_calibration_input(&[0.5, bad], &y, None),
                Err(ModelError::ScoreOutOfRange { row: 1, .. })
            ));
        }
        assert!(matches!(
            check_calibration_input(&[0.1, 0.2], &[true, true], None),
            Err(ModelError::SingleClass { positives: 2, .. })
        ));
        for w in [
            &[1.0][..],
            &[1.0, -1.0],
            &[1.0, f64::NAN],
            &[0.0, 1.0],
            &[f64::MAX, f64::MAX],
        ] {
            assert!(
                check_calibration_input(&[0.1, 0.2], &y, Some(w)).is_err(),
                "{w:?}"
            );
        }
        let totals = check_calibration_input(
            &[0.0, 1.0, 0.5],
            &[false, true, true],
            Some(&[2.0, 0.5, 0.25]),
        )
        .expect("valid");
        assert_eq!((totals.positive, totals.negative), (0.75, 2.0));
    }

    #[test]
    fn logit_is_exact_at_the_ends_and_symmetric() {
        assert_eq!(logit(0.0), f64::NEG_INFINITY);
        assert_eq!(logit(1.0), f64::INFINITY);
        assert_eq!(logit(0.5), 0.0);
        assert!((logit(0.2) + logit(0.8)).abs() < 1e-15);
        assert!((logit(1e-300) - 1e-300f64.ln()).abs() < 1e-12);
    }
}
