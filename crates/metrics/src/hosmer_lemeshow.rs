//! The Hosmer-Lemeshow goodness-of-fit test of predicted probabilities.

use serde::{Deserialize, Serialize};

use crate::groups::equal_count_groups;
use crate::input::check_probabilities;
use crate::special::chi_square_sf;
use crate::{MetricsError, Result};

/// Result of the [Hosmer-Lemeshow test](hosmer_lemeshow).
///
/// The statistic may be `+∞` (see [`hosmer_lemeshow`]); JSON has no infinity, so it is written
/// as `null` and `null` reads back as `+∞`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HosmerLemeshow {
    /// `Σ_g (O_g − E_g)² / (E_g (1 − E_g / n_g))` over the non-empty groups.
    #[serde(with = "infinite_as_null")]
    pub statistic: f64,
    /// Degrees of freedom, `groups − 2`.
    pub df: usize,
    /// Chi-square survival function of `statistic` with `df` degrees of freedom: the
    /// probability of a statistic at least this large if the PDs were right. Small values
    /// (below 0.05, say) reject calibration.
    pub p_value: f64,
    /// Number of non-empty groups (`n_groups`, or the number of rows if that is smaller).
    pub groups: usize,
}

/// Hosmer-Lemeshow test (Hosmer and Lemeshow, 1980) of predicted probabilities against
/// observed outcomes, over `n_groups` equal-count groups.
///
/// Each group compares its observed defaults `O_g` with the expected ones `E_g = Σ p` (the sum
/// of its PDs): the statistic `Σ_g (O_g − E_g)² / (E_g (1 − E_g / n_g))` is approximately
/// chi-square with `groups − 2` degrees of freedom when the PDs are calibrated. Where the ECE
/// measures how far the PDs are off, this asks whether the gap is more than chance for the
/// sample size: on a large portfolio a small miscalibration is significant, on a small one a
/// large miscalibration may not be. The usual choice is 10 groups (deciles of risk).
///
/// The groups are those of [`expected_calibration_error`](crate::expected_calibration_error):
/// rows sorted by probability (stable), split as `numpy.array_split`, empty groups skipped.
/// Ties may therefore fall in different groups, so implementations that cut at decile values
/// can give a different statistic on tied probabilities.
///
/// A group whose denominator `E_g (1 − E_g / n_g)` is 0 (every PD in it 0, or every one 1)
/// contributes 0 when its numerator is 0 too (it observed exactly what it was certain of). When
/// it is not (a certain PD contradicted by an outcome), the group contributes `+∞`: the
/// statistic is `+∞` and the p-value 0, the limit of the formula as the PDs approach
/// certainty, rather than an error that would hide the other groups.
///
/// # Errors
/// Empty input, length mismatches, a probability outside `[0, 1]` (or `NaN`);
/// [`MetricsError::InvalidParameter`] for `n_groups < 3`; [`MetricsError::TooFewSamples`] with
/// fewer than 3 rows (`df = groups − 2` must be at least 1).
///
/// # Example
/// ```
/// use pdscore_metrics::hosmer_lemeshow;
/// let y = [false, false, true, false, false, true, false, true, true, true, false, false];
/// let p = [0.05, 0.1, 0.15, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/// let hl = hosmer_lemeshow(&y, &p, 4)?;
/// assert_eq!((hl.groups, hl.df), (4, 2));
/// assert!((hl.statistic - 6.268417185995842).abs() < 1e-12);
/// assert!((hl.p_value - 0.04353419346515891).abs() < 1e-12); // scipy.stats.chi2.sf
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn hosmer_lemeshow(
    y_true: &[bool],
    probabilities: &[f64],
    n_groups: usize,
) -> Result<HosmerLemeshow> {
    check_probabilities(y_true, probabilities, None)?;
    if n_groups < 3 {
        return Err(MetricsError::param(
            "n_groups",
            n_groups,
            "must be >= 3 (the test has groups - 2 degrees of freedom)",
        ));
    }
    if probabilities.len() < 3 {
        return Err(MetricsError::TooFewSamples {
            metric: "Hosmer-Lemeshow test",
            needed: 3,
            found: probabilities.len(),
        });
    }
    let groups = equal_count_groups(y_true, probabilities, n_groups);
    let statistic = groups.iter().fold(0.0, |sum, group| {
        let (observed, expected) = (group.positives as f64, group.sum_probability);
        let numerator = (observed - expected).powi(2);
        let denominator = expected * (1.0 - expected / group.count as f64);
        sum + if denominator > 0.0 {
            numerator / denominator
        } else if numerator == 0.0 {
            0.0
        } else {
            f64::INFINITY
        }
    });
    let df = groups.len() - 2;
    let p_value = chi_square_sf(statistic, df).ok_or(MetricsError::NoConvergence {
        what: "incomplete gamma function (chi-square p-value)",
        iterations: crate::special::MAX_ITERATIONS,
    })?;
    Ok(HosmerLemeshow {
        statistic,
        df,
        p_value,
        groups: groups.len(),
    })
}

/// Serde for a statistic that is finite or `+∞`: `+∞` is written as `null` (JSON has no
/// infinity) and `null` is read back as `+∞`.
mod infinite_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's `with` calls serialize with a reference"
    )]
    pub(super) fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if value.is_finite() {
            serializer.serialize_f64(*value)
        } else {
            serializer.serialize_none()
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::INFINITY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibrated_groups_have_statistic_zero_and_p_value_one() {
        let y = [
            true, false, false, false, true, false, false, false, true, false, false, false,
        ];
        let hl = hosmer_lemeshow(&y, &[0.25; 12], 3).unwrap();
        assert_eq!(
            hl,
            HosmerLemeshow {
                statistic: 0.0,
                df: 1,
                p_value: 1.0,
                groups: 3
            }
        );
    }

    #[test]
    fn certain_groups_contribute_zero_or_infinity() {
        // Group {0, 0, 0} with no default: 0/0 counts 0. Groups {0.5 ×3}: (1 − 1.5)² / 0.75 each.
        let p = [0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
        let y = [false, false, false, true, false, false, true, true, false];
        let hl = hosmer_lemeshow(&y, &p, 3).unwrap();
        assert!((hl.statistic - 2.0 * 0.25 / 0.75).abs() < 1e-15);
        // A default where the PD was 0: infinitely unlikely.
        let mut y = y;
        y[0] = true;
        let hl = hosmer_lemeshow(&y, &p, 3).unwrap();
        assert_eq!((hl.statistic, hl.p_value), (f64::INFINITY, 0.0));
    }

    #[test]
    fn an_infinite_statistic_survives_json() {
        for statistic in [f64::INFINITY, 3.25] {
            let hl = HosmerLemeshow {
                statistic,
                df: 8,
                p_value: 0.0,
                groups: 10,
            };
            let json = serde_json::to_string(&hl).unwrap();
            assert_eq!(json.contains("null"), statistic.is_infinite(), "{json}");
            assert_eq!(serde_json::from_str::<HosmerLemeshow>(&json).unwrap(), hl);
        }
    }

    #[test]
    fn few_rows_give_few_groups() {
        let hl = hosmer_lemeshow(&[true, false, true, false], &[0.2, 0.4, 0.6, 0.8], 10).unwrap();
        assert_eq!((hl.groups, hl.df), (4, 2));
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(
            hosmer_lemeshow(&[true, false, true], &[0.1, 0.2, 0.3], 2),
            Err(MetricsError::InvalidParameter {
                name: "n_groups",
                ..
            })
        ));
        assert_eq!(
            hosmer_lemeshow(&[true, false], &[0.1, 0.2], 10),
            Err(MetricsError::TooFewSamples {
                metric: "Hosmer-Lemeshow test",
                needed: 3,
                found: 2
            })
        );
        assert!(matches!(
            hosmer_lemeshow(&[true, false, true], &[0.1, 2.0, 0.3], 10),
            Err(MetricsError::ProbabilityOutOfRange { index: 1, .. })
        ));
    }
}
