//! The exact prior-shift correction of the log-odds: [`PriorShift`].

use serde::{Deserialize, Serialize};

use super::input::logit;
use crate::linear::sigmoid;
use crate::{ModelError, Result};

/// The exact prior-shift correction of the log-odds:
/// `logit(p) = logit(s) + logit(to_prior) − logit(from_prior)`.
///
/// By Bayes' rule a posterior's odds are the likelihood ratio times the prior odds. A model
/// whose training objective saw positives at a share `from_prior` (because class weights or
/// resampling changed it: balanced class weights make it 0.5) estimates posterior odds that carry
/// `from_prior`'s odds; multiplying them by `odds(to_prior) / odds(from_prior)` gives the odds
/// under the data's own share `to_prior`, with the likelihood ratio, and so the ranking,
/// untouched. The same map recalibrates PDs to a long-run default rate: `from_prior` the default
/// rate of the sample the model was fitted on, `to_prior` the long-run rate.
///
/// It needs no fitting and no held-out rows, so it is exact only to the extent the model's
/// scores were calibrated under `from_prior`; [`fit_sigmoid`](super::fit_sigmoid) on
/// out-of-fold scores also corrects a model that was not.
///
/// ```
/// use pdscore_models::calibration::PriorShift;
///
/// // Fitted with balanced class weights (effective prior 0.5) on data with 1.43 % defaulters.
/// let shift = PriorShift::between(0.5, 0.0143)?;
/// assert!((shift.calibrate(0.5) - 0.0143).abs() < 1e-15);
/// assert_eq!(shift.calibrate(0.0), 0.0);
/// assert_eq!(shift.calibrate(1.0), 1.0);
/// assert!(PriorShift::between(0.0, 0.5).is_err());
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PriorShiftParts")]
pub struct PriorShift {
    from_prior: f64,
    to_prior: f64,
    log_odds_shift: f64,
}

/// The saved fields of a [`PriorShift`], checked before they become one.
#[derive(Deserialize)]
struct PriorShiftParts {
    from_prior: f64,
    to_prior: f64,
    log_odds_shift: f64,
}

impl TryFrom<PriorShiftParts> for PriorShift {
    type Error = String;

    fn try_from(parts: PriorShiftParts) -> std::result::Result<Self, String> {
        let expected = PriorShift::between(parts.from_prior, parts.to_prior)
            .map_err(|e| format!("prior shift: {e}"))?;
        // The stored shift is used as saved (bit-exact reloads); it must agree with the priors.
        let gap = (parts.log_odds_shift - expected.log_odds_shift).abs();
        if gap.is_nan() || gap > 1e-9 {
            return Err(format!(
                "prior shift: log_odds_shift {} does not match the priors {} -> {} ({})",
                parts.log_odds_shift, parts.from_prior, parts.to_prior, expected.log_odds_shift
            ));
        }
        Ok(PriorShift {
            log_odds_shift: parts.log_odds_shift,
            ..expected
        })
    }
}

impl PriorShift {
    /// The correction from a model whose training objective saw the positive share
    /// `from_prior` to the positive share `to_prior`: shift `logit(to_prior) −
    /// logit(from_prior)`.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] unless both priors are in the open interval `(0, 1)`.
    pub fn between(from_prior: f64, to_prior: f64) -> Result<PriorShift> {
        for (name, prior) in [("from_prior", from_prior), ("to_prior", to_prior)] {
            if !(prior > 0.0 && prior < 1.0) {
                return Err(ModelError::InvalidParam {
                    name,
                    reason: format!("a prior must be in (0, 1), got {prior}"),
                });
            }
        }
        Ok(PriorShift {
            from_prior,
            to_prior,
            log_odds_shift: logit(to_prior) - logit(from_prior),
        })
    }

    /// `logit(to_prior) − logit(from_prior)`, added to every score's log-odds.
    pub fn log_odds_shift(&self) -> f64 {
        self.log_odds_shift
    }

    /// The positive share the model's training objective saw.
    pub fn from_prior(&self) -> f64 {
        self.from_prior
    }

    /// The positive share the PDs are corrected to.
    pub fn to_prior(&self) -> f64 {
        self.to_prior
    }

    /// The corrected PD of one score: `σ(logit(s) + shift)`, the score clamped to `[0, 1]`.
    /// Scores of exactly 0 or 1 stay 0 or 1; a zero shift returns the score unchanged; `NaN`
    /// gives `NaN`.
    #[inline]
    pub fn calibrate(&self, score: f64) -> f64 {
        if score.is_nan() {
            return f64::NAN;
        }
        let s = score.clamp(0.0, 1.0);
        if self.log_odds_shift == 0.0 {
            return s;
        }
        sigmoid(logit(s) + self.log_odds_shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shift_is_exact_on_the_odds() {
        let shift = PriorShift::between(0.5, 0.02).expect("priors");
        assert!((shift.log_odds_shift() - (0.02f64 / 0.98).ln()).abs() < 1e-15);
        for s in [1e-9, 0.01, 0.3, 0.5, 0.9, 1.0 - 1e-9] {
            let p = shift.calibrate(s);
            let odds_ratio = (p / (1.0 - p)) / (s / (1.0 - s));
            assert!((odds_ratio / (0.02 / 0.98) - 1.0).abs() < 1e-9, "{s}");
        }
        // Shifting there and back is the identity (to rounding).
        let back = PriorShift::between(0.02, 0.5).expect("priors");
        for s in [1e-6, 0.2, 0.7] {
            assert!((back.calibrate(shift.calibrate(s)) - s).abs() < 1e-14);
        }
    }

    #[test]
    fn ends_stay_put_and_a_zero_shift_is_the_identity() {
        let shift = PriorShift::between(0.3, 1e-4).expect("priors");
        assert_eq!(shift.calibrate(0.0), 0.0);
        assert_eq!(shift.calibrate(1.0), 1.0);
        assert_eq!(shift.calibrate(-0.5), 0.0);
        assert_eq!(shift.calibrate(7.0), 1.0);
        assert!(shift.calibrate(f64::NAN).is_nan());
        let none = PriorShift::between(0.25, 0.25).expect("priors");
        assert_eq!(none.log_odds_shift(), 0.0);
        assert_eq!(none.calibrate(0.123_456_789), 0.123_456_789);
        // Far-out priors still give finite shifts and PDs in [0, 1].
        let far = PriorShift::between(1e-300, 1.0 - 1e-16).expect("priors");
        assert!(far.log_odds_shift().is_finite());
        assert_eq!(far.calibrate(0.5), 1.0);
    }

    #[test]
    fn priors_outside_the_open_interval_are_errors() {
        for (from, to) in [(0.0, 0.5), (0.5, 1.0), (f64::NAN, 0.5), (0.5, -0.1)] {
            assert!(matches!(
                PriorShift::between(from, to),
                Err(ModelError::InvalidParam { .. })
            ));
        }
    }

    #[test]
    fn loading_checks_the_priors_and_the_shift() {
        let shift = PriorShift::between(0.5, 0.1).expect("priors");
        let json = serde_json::to_value(shift).expect("serialise");
        let back: PriorShift = serde_json::from_value(json.clone()).expect("load");
        assert_eq!(back, shift);
        let mut bad = json.clone();
        bad["to_prior"] = serde_json::json!(1.5);
        assert!(serde_json::from_value::<PriorShift>(bad).is_err());
        let mut bad = json;
        bad["log_odds_shift"] = serde_json::json!(3.0);
        let err = serde_json::from_value::<PriorShift>(bad).expect_err("inconsistent");
        assert!(err.to_string().contains("does not match"), "{err}");
    }
}
