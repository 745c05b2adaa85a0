//! Platt scaling on the logit of the score: [`SigmoidCalibrator`] and [`fit_sigmoid`].

use serde::{Deserialize, Serialize};

use super::input::{check_calibration_input, logit};
use super::trust_region::{Row, newton};
use crate::linear::sigmoid;
use crate::{ModelError, Result};

/// Scores are clipped to `[SCORE_CLIP, 1 − SCORE_CLIP]` before the logit of the sigmoid
/// calibrator (fit and calibrate alike).
pub const SCORE_CLIP: f64 = 1e-12;

/// A fitted Platt scaling on the logit: `p = σ(slope · logit(clip(s)) + intercept)`.
///
/// # Why the logit, not the score
///
/// Platt (and scikit-learn's `_sigmoid_calibration`) fit `σ(A · s + B)` on the raw score `s`.
/// Here the feature is `logit(s)` instead, for three reasons:
///
/// - the identity is representable: slope 1 and intercept 0 give `p = s` exactly in exact
///   arithmetic, so a model that is already calibrated is left alone and the fitted pair reads as
///   a diagnosis ("slope 1, intercept 0" means already calibrated; a slope below 1 means
///   over-confident scores, a non-zero intercept a shifted base rate);
/// - a sigmoid of the raw score cannot produce PDs far below `σ(B)` for scores near 0, which is
///   where most of a credit portfolio lives; on the logit it can follow the score down;
/// - it is the logistic recalibration credit-risk validators use (calibration slope and
///   intercept of `logit(PD)`), so the fitted pair is a familiar figure.
///
/// Scores are clipped to [`SCORE_CLIP`]`, 1 − SCORE_CLIP]` before the logit, so scores of
/// exactly 0 or 1 give finite features (±27.6).
///
/// ```
/// use pdscore_models::calibration::SigmoidCalibrator;
///
/// let identity = SigmoidCalibrator::new(1.0, 0.0)?;
/// assert!((identity.calibrate(0.3) - 0.3).abs() < 1e-15);
/// let shrunk = SigmoidCalibrator::new(0.5, 0.0)?;
/// assert!(shrunk.calibrate(0.01) > 0.01); // a slope below 1 pulls PDs towards 0.5
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SigmoidParts")]
pub struct SigmoidCalibrator {
    slope: f64,
    intercept: f64,
}

/// The saved fields of a [`SigmoidCalibrator`], checked before they become one.
#[derive(Deserialize)]
struct SigmoidParts {
    slope: f64,
    intercept: f64,
}

impl TryFrom<SigmoidParts> for SigmoidCalibrator {
    type Error = String;

    fn try_from(parts: SigmoidParts) -> std::result::Result<Self, String> {
        SigmoidCalibrator::new(parts.slope, parts.intercept)
            .map_err(|e| format!("sigmoid calibrator: {e}"))
    }
}

impl SigmoidCalibrator {
    /// A calibrator with the given slope and intercept on the logit.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] when either is not finite.
    pub fn new(slope: f64, intercept: f64) -> Result<Self> {
        for (name, value) in [("slope", slope), ("intercept", intercept)] {
            if !value.is_finite() {
                return Err(ModelError::InvalidParam {
                    name,
                    reason: format!("must be finite, got {value}"),
                });
            }
        }
        Ok(SigmoidCalibrator { slope, intercept })
    }

    /// The slope on `logit(s)` (1 = the score's spread is right).
    pub fn slope(&self) -> f64 {
        self.slope
    }

    /// The intercept on the logit scale (0 with slope 1 = already calibrated).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The calibrated PD of one score: `σ(slope · logit(clip(s)) + intercept)`, in `[0, 1]`
    /// (`NaN` for a `NaN` score).
    #[inline]
    pub fn calibrate(&self, score: f64) -> f64 {
        if score.is_nan() {
            return f64::NAN;
        }
        let s = score.clamp(SCORE_CLIP, 1.0 - SCORE_CLIP);
        sigmoid(self.slope * logit(s) + self.intercept)
    }
}

/// Fits Platt scaling on the logit of `scores` to the labels `y` (optionally weighted).
///
/// # Fit
///
/// The (weighted) cross-entropy of Platt's smoothed targets, as in scikit-learn's
/// `_sigmoid_calibration`: positives aim at `(N₊ + 1) / (N₊ + 2)`, negatives at `1 / (N₋ + 2)`,
/// with `N±` the (weighted) class totals. The smoothing keeps the optimum finite even when the
/// scores separate the classes. With a single distinct score (among rows of positive weight) the
/// slope is not identifiable: it stays 1 and only the intercept is fitted.
///
/// The objective is convex and is minimised by Newton–Raphson on (slope, intercept) from
/// (1, 0), on the centred feature `logit(s) − mean` (which decorrelates the two parameters),
/// with the step controlled by a trust region (see `trust_region.rs`: on ordinary scores every
/// step is the full Newton step; halving along the Newton direction did not converge on samples
/// where a few rows carry nearly all the weight). `tests/calibration_golden.rs` checks the
/// optimum against scipy's to `1e-7`.
///
/// ```
/// use pdscore_models::calibration::fit_sigmoid;
///
/// let scores = [0.05, 0.1, 0.2, 0.3, 0.5, 0.6, 0.8, 0.9];
/// let y = [false, false, false, true, false, true, true, true];
/// let cal = fit_sigmoid(&scores, &y, None)?;
/// assert!(cal.slope() > 0.0);
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
///
/// # Errors
/// [`ModelError::Empty`], [`ModelError::Shape`] (lengths differ),
/// [`ModelError::ScoreOutOfRange`] (a score outside `[0, 1]` or `NaN`),
/// [`ModelError::SingleClass`], [`ModelError::BadWeights`], or [`ModelError::NotConverged`]
/// (not seen in practice: the objective is convex and smooth).
pub fn fit_sigmoid(
    scores: &[f64],
    y: &[bool],
    sample_weight: Option<&[f64]>,
) -> Result<SigmoidCalibrator> {
    let totals = check_calibration_input(scores, y, sample_weight)?;
    let total = totals.positive + totals.negative;
    let target_pos = (totals.positive + 1.0) / (totals.positive + 2.0);
    let target_neg = 1.0 / (totals.negative + 2.0);
    let mut rows: Vec<Row> = scores
        .iter()
        .zip(y)
        .enumerate()
        .map(|(i, (&s, &yi))| Row {
            feature: logit(s.clamp(SCORE_CLIP, 1.0 - SCORE_CLIP)),
            target: if yi { target_pos } else { target_neg },
            weight: sample_weight.map_or(1.0, |w| w[i]) / total,
        })
        .collect();
    // One distinct score among the rows that carry weight: the slope is not identifiable.
    let (min, max) = rows
        .iter()
        .filter(|r| r.weight > 0.0)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r.feature), hi.max(r.feature))
        });
    // Newton runs on the centred feature `f − f̄` (weighted mean), which decorrelates slope and
    // intercept. The optimum is the same: `b = b' − a f̄`.
    let mean: f64 = rows.iter().map(|r| r.weight * r.feature).sum();
    for r in &mut rows {
        r.feature -= mean;
    }
    let (slope, centred_intercept) = newton(&rows, (1.0, mean), min == max)?;
    SigmoidCalibrator::new(slope, centred_intercept - slope * mean)
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn recovers_a_known_slope_and_intercept() {
        // Scores whose logits are N(-3, 1.5²); labels drawn from σ(0.7 logit(s) - 0.4).
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let (slope, intercept) = (0.7, -0.4);
        let n = 200_000;
        let scores: Vec<f64> = (0..n)
            .map(|_| {
                let u: f64 = 1.0 - rng.r#gen::<f64>();
                let v: f64 = rng.r#gen();
                let normal = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
                sigmoid(-3.0 + 1.5 * normal)
            })
            .collect();
        let y: Vec<bool> = scores
            .iter()
            .map(|&s| rng.r#gen::<f64>() < sigmoid(slope * logit(s) + intercept))
            .collect();
        let cal = fit_sigmoid(&scores, &y, None).expect("fit");
        assert!((cal.slope() - slope).abs() < 0.02, "{cal:?}");
        assert!((cal.intercept() - intercept).abs() < 0.05, "{cal:?}");
        // Weights that double every row give the same fit but for Platt's smoothing, which
        // shrinks with the counts.
        let w = vec![2.0; n];
        let doubled = fit_sigmoid(&scores, &y, Some(&w)).expect("fit");
        assert!((doubled.slope() - cal.slope()).abs() < 1e-3);
    }

    #[test]
    fn calibrated_scores_stay_nearly_unchanged() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let scores: Vec<f64> = (0..100_000).map(|_| rng.gen_range(0.01..0.99)).collect();
        let y: Vec<bool> = scores.iter().map(|&s| rng.r#gen::<f64>() < s).collect();
        let cal = fit_sigmoid(&scores, &y, None).expect("fit");
        assert!((cal.slope() - 1.0).abs() < 0.03, "{cal:?}");
        assert!(cal.intercept().abs() < 0.03, "{cal:?}");
    }

    #[test]
    fn extreme_and_separated_scores_give_finite_parameters() {
        // Exact 0s and 1s, perfectly separated: the smoothed targets keep the optimum finite.
        let scores = [0.0, 0.0, 1e-300, 0.2, 0.8, 1.0 - 1e-16, 1.0, 1.0];
        let y = [false, false, false, false, true, true, true, true];
        let cal = fit_sigmoid(&scores, &y, None).expect("fit");
        assert!(cal.slope().is_finite() && cal.intercept().is_finite());
        for s in [0.0, 1e-300, 0.5, 1.0, -1.0, 2.0] {
            let p = cal.calibrate(s);
            assert!((0.0..=1.0).contains(&p), "{s} -> {p}");
        }
        assert!(cal.calibrate(f64::NAN).is_nan());
    }

    #[test]
    fn one_distinct_score_fits_the_intercept_only() {
        let scores = [0.3; 10];
        let y: Vec<bool> = (0..10).map(|i| i < 2).collect();
        let cal = fit_sigmoid(&scores, &y, None).expect("fit");
        assert_eq!(cal.slope(), 1.0);
        // The smoothed positive share: (2·(3/4) + 8·(1/10)) / 10 = 0.23.
        assert!((cal.calibrate(0.3) - 0.23).abs() < 1e-12, "{cal:?}");
    }

    #[test]
    fn zero_weight_rows_do_not_count() {
        let scores = [0.1, 0.4, 0.35, 0.8, 0.9, 0.5];
        let y = [false, false, true, true, false, true];
        let w = [1.0, 1.0, 1.0, 1.0, 0.0, 2.0];
        let with_zero = fit_sigmoid(&scores, &y, Some(&w)).expect("fit");
        let without = fit_sigmoid(
            &[0.1, 0.4, 0.35, 0.8, 0.5],
            &[false, false, true, true, true],
            Some(&[1.0, 1.0, 1.0, 1.0, 2.0]),
        )
        .expect("fit");
        assert!((with_zero.slope() - without.slope()).abs() < 1e-12);
        assert!((with_zero.intercept() - without.intercept()).abs() < 1e-12);
    }

    #[test]
    fn non_finite_parameters_are_errors() {
        assert!(SigmoidCalibrator::new(f64::NAN, 0.0).is_err());
        assert!(SigmoidCalibrator::new(1.0, f64::INFINITY).is_err());
        let err = serde_json::from_str::<SigmoidCalibrator>(r#"{"slope":1.0,"intercept":null}"#);
        assert!(err.is_err());
    }
}
