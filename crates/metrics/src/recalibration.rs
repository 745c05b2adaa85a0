//! Logistic recalibration: the calibration intercept and slope of predicted probabilities.

use serde::{Deserialize, Serialize};

use crate::input::check_probabilities;
use crate::{MetricsError, Result};

/// Probabilities are clipped to `[CLIP, 1 − CLIP]` before the logit.
const CLIP: f64 = 1e-15;
/// Newton-Raphson iteration cap (the fits take 5 to 30 iterations).
const MAX_ITERATIONS: usize = 200;
/// A Newton step below this (relative to `1 + |θ|`, every coordinate) ends the fit: Newton
/// converges quadratically, so after that step the error is of order its square.
const STEP_TOLERANCE: f64 = 1e-10;
/// Largest change of any row's linear predictor `a + b z` in one step (logit units): a longer
/// Newton step is shortened to it before step halving.
const MAX_PREDICTOR_CHANGE: f64 = 10.0;
/// Step halving gives up below this fraction of the (shortened) step.
const MIN_STEP_FRACTION: f64 = 1.0 / (1_u64 << 50) as f64;

/// Calibration intercept and slope of predicted probabilities (logistic recalibration of
/// their logits, Cox 1958; Van Calster et al. 2016). Perfect calibration is intercept 0 and
/// slope 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationFit {
    /// Calibration-in-the-large: the maximum-likelihood `a` of
    /// `logit P(y = 1) = a + logit(p)` (the logit of the PD as an offset). Positive when the
    /// PDs are too low on average, negative when they are too high.
    pub intercept: f64,
    /// Calibration slope: the maximum-likelihood `b` of `logit P(y = 1) = a + b · logit(p)`.
    /// Below 1 the PDs are too extreme (too close to 0 and 1, the typical sign of an
    /// overfitted model), above 1 too timid.
    pub slope: f64,
    /// The `a` fitted together with [`slope`](Self::slope) (not the calibration intercept,
    /// which fixes the slope at 1).
    pub slope_intercept: f64,
}

/// Calibration intercept and slope of `probabilities` against `y_true`, by logistic
/// regression of the outcome on `z = logit(p)`: two maximum-likelihood fits,
/// `logit P(y = 1) = a + z` for the [intercept](CalibrationFit::intercept) and
/// `logit P(y = 1) = a + b z` for the [slope](CalibrationFit::slope).
///
/// Where the ECE and the Hosmer-Lemeshow test say *whether* the PDs are off, these say *how*:
/// shifted (intercept) or too spread out or too compressed (slope), which is also the fix (a
/// logistic recalibration `p' = σ(a + b · logit p)`).
///
/// **Clipping.** Probabilities are clipped to `[1e-15, 1 − 1e-15]` before the logit, so `p = 0`
/// and `p = 1` give finite logits (about ∓34.5) instead of infinities.
///
/// **Fitting.** Newton-Raphson on the log-likelihood (from `a = 0` for the intercept, from
/// the constant model `a = logit(ȳ)`, `b = 0` for the slope), each step shortened to move no
/// row's linear predictor by more than 10, then halved while it would lower the likelihood
/// (beyond rounding; the sums are compensated), until a step is below 1e-10 of `1 + |θ|` in
/// every coordinate or the likelihood it promises to gain (the Newton decrement) is below the
/// likelihood's own rounding. That last step is taken, leaving an error of order its square
/// (or, on ill-conditioned data, the limit double precision sets). The maximum-likelihood
/// estimates are unique and finite exactly when neither class lies entirely on one side of
/// the other in `z` (Albert and Anderson, 1984), which is checked first, so the iteration
/// cannot diverge.
///
/// The golden tests hold it to scikit-learn's unpenalised `LogisticRegression` on `z`
/// (Newton-Cholesky, `tol=1e-12`; for the slope) and to scipy's `brentq` on the score equation
/// (for the intercept) within 1e-9 relative: those references are iterative too, and
/// scikit-learn's stops up to 3e-11 from the exact maximum, where this fit is within 1e-15
/// (checked with 40-digit arithmetic); see `tests/golden/README.md`.
///
/// # Errors
/// Empty input, length mismatches, a probability outside `[0, 1]` (or `NaN`);
/// [`MetricsError::MissingClass`] unless both classes are present;
/// [`MetricsError::NoFiniteFit`] when the clipped logits are all equal (the slope is not
/// identified) or separate the classes (the slope's estimate is infinite);
/// [`MetricsError::NoConvergence`] if Newton-Raphson fails (not expected).
///
/// # Example
/// ```
/// use pdscore_metrics::calibration_intercept_slope;
/// let y = [false, false, true, false, true, false, true, true];
/// let p = [0.1, 0.2, 0.25, 0.3, 0.4, 0.6, 0.7, 0.9];
/// let fit = calibration_intercept_slope(&y, &p)?;
/// assert!(fit.intercept > 0.0); // four defaults where the PDs predict 3.45
/// assert!(fit.slope > 0.0);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn calibration_intercept_slope(
    y_true: &[bool],
    probabilities: &[f64],
) -> Result<CalibrationFit> {
    check_probabilities(y_true, probabilities, None)?;
    let positives = y_true.iter().filter(|&&y| y).count();
    if positives == 0 || positives == y_true.len() {
        return Err(MetricsError::MissingClass {
            metric: "calibration intercept and slope",
            missing_positive: positives == 0,
        });
    }
    let logits: Vec<f64> = probabilities
        .iter()
        .map(|&p| {
            let p = p.clamp(CLIP, 1.0 - CLIP);
            (p / (1.0 - p)).ln()
        })
        .collect();
    check_overlap(y_true, &logits)?;
    // The intercept starts from the PDs as they are; the slope fit from the constant model,
    // where every row weighs the same and the information matrix is well conditioned.
    let [intercept, _] = newton_raphson(y_true, &logits, [0.0, 1.0], false)?;
    let rate = positives as f64 / y_true.len() as f64;
    let constant = (rate / (1.0 - rate)).ln();
    let [slope_intercept, slope] = newton_raphson(y_true, &logits, [constant, 0.0], true)?;
    Ok(CalibrationFit {
        intercept,
        slope,
        slope_intercept,
    })
}

/// Fails unless the maximum-likelihood slope exists: the logits are not all equal and the
/// classes overlap (no threshold with every positive on one side and every negative on the
/// other, ties allowed).
fn check_overlap(y_true: &[bool], logits: &[f64]) -> Result<()> {
    let fail = |reason: String| {
        Err(MetricsError::NoFiniteFit {
            fit: "calibration slope",
            reason,
        })
    };
    let (mut positive, mut negative) = (
        [f64::INFINITY, f64::NEG_INFINITY],
        [f64::INFINITY, f64::NEG_INFINITY],
    );
    for (&y, &z) in y_true.iter().zip(logits) {
        let range = if y { &mut positive } else { &mut negative };
        range[0] = range[0].min(z);
        range[1] = range[1].max(z);
    }
    if positive[0] == positive[1] && negative[0] == negative[1] && positive[0] == negative[0] {
        return fail(format!(
            "every probability has the same clipped logit ({}), so the slope is not identified",
            positive[0]
        ));
    }
    if negative[1] <= positive[0] {
        return fail(format!(
            "the classes are separated at logit(p) = {} (no negative above, no positive below), \
             so the slope's estimate is +infinity",
            positive[0]
        ));
    }
    if positive[1] <= negative[0] {
        return fail(format!(
            "the classes are separated at logit(p) = {} (no positive above, no negative below), \
             so the slope's estimate is -infinity",
            negative[0]
        ));
    }
    Ok(())
}

/// `(σ(η), 1 − σ(η))`, each without cancellation.
fn sigmoid_pair(eta: f64) -> (f64, f64) {
    let e = (-eta.abs()).exp();
    let (large, small) = (1.0 / (1.0 + e), e / (1.0 + e));
    if eta >= 0.0 {
        (large, small)
    } else {
        (small, large)
    }
}

/// `ln(1 + e^t)` without overflow.
fn softplus(t: f64) -> f64 {
    t.max(0.0) + (-t.abs()).exp().ln_1p()
}

/// A compensated (Neumaier) sum: its rounding error does not grow with the number of terms, so
/// the likelihood's noise is a few ulps of its terms' total however many rows there are, and
/// the gradient near the optimum is not lost in the cancellation of its terms.
#[derive(Default, Clone, Copy)]
struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    fn add(&mut self, term: f64) {
        let total = self.sum + term;
        self.compensation += if self.sum.abs() >= term.abs() {
            (self.sum - total) + term
        } else {
            (term - total) + self.sum
        };
        self.sum = total;
    }

    fn value(self) -> f64 {
        self.sum + self.compensation
    }
}

/// Log-likelihood of `logit P(y = 1) = a + b z`.
fn log_likelihood(y_true: &[bool], logits: &[f64], [a, b]: [f64; 2]) -> f64 {
    let mut sum = Sum::default();
    for (&y, &z) in y_true.iter().zip(logits) {
        let eta = a + b * z;
        sum.add(-softplus(if y { -eta } else { eta }));
    }
    sum.value()
}

/// Maximum-likelihood `[a, b]` of `logit P(y = 1) = a + b z` from `start`, with `b` kept at
/// its start unless `free_slope`: Newton-Raphson, each step shortened to change no linear
/// predictor by more than [`MAX_PREDICTOR_CHANGE`], then halved while it lowers the likelihood.
///
/// Where every row's PD is extreme (logits near ±34.5) the information matrix can be
/// numerically singular at an iterate: a Newton step there is useless (1e13 long in a direction
/// of no information), so the step follows the gradient instead for that iteration.
fn newton_raphson(
    y_true: &[bool],
    logits: &[f64],
    start: [f64; 2],
    free_slope: bool,
) -> Result<[f64; 2]> {
    let largest_logit = logits.iter().fold(0.0_f64, |m, z| m.max(z.abs()));
    let mut theta = start;
    let mut likelihood = log_likelihood(y_true, logits, theta);
    for _ in 0..MAX_ITERATIONS {
        // Gradient g and information matrix H = −Hessian of the log-likelihood.
        let (mut gradient, mut information) = ([Sum::default(); 2], [Sum::default(); 3]);
        for (&y, &z) in y_true.iter().zip(logits) {
            let (mu, one_minus_mu) = sigmoid_pair(theta[0] + theta[1] * z);
            let residual = if y { one_minus_mu } else { -mu };
            let weight = mu * one_minus_mu;
            gradient[0].add(residual);
            gradient[1].add(residual * z);
            information[0].add(weight);
            information[1].add(weight * z);
            information[2].add(weight * z * z);
        }
        let g = [
            gradient[0].value(),
            if free_slope { gradient[1].value() } else { 0.0 },
        ];
        let h = information.map(Sum::value);
        let newton = if free_slope {
            let determinant = h[0] * h[2] - h[1] * h[1];
            // The relative test also catches a determinant that is rounding noise.
            (h[0] > 0.0 && determinant > 1e-12 * h[0] * h[2]).then(|| {
                [
                    (h[2] * g[0] - h[1] * g[1]) / determinant,
                    (h[0] * g[1] - h[1] * g[0]) / determinant,
                ]
            })
        } else {
            (h[0] > 0.0).then(|| [g[0] / h[0], 0.0])
        };
        // The log-likelihood is a sum of terms of one sign: its rounding is a few ulps of it.
        let noise = 4.0 * f64::EPSILON * likelihood.abs();
        let mut step = match newton {
            Some(step) => {
                // Done when the step is negligible, or when the most the quadratic model can
                // still gain (the Newton decrement g·step) is below that rounding: the gradient
                // is then at its own rounding noise and the steps would wander instead of
                // shrinking (ill-conditioned data, e.g. a lone default at PD 0 to balance).
                let small = |i: usize| step[i].abs() <= STEP_TOLERANCE * (1.0 + theta[i].abs());
                let decrement = g[0] * step[0] + g[1] * step[1];
                if (small(0) && small(1)) || decrement <= noise {
                    return Ok([theta[0] + step[0], theta[1] + step[1]]);
                }
                step
            }
            None => g,
        };
        let change = step[0].abs() + step[1].abs() * largest_logit;
        if change > MAX_PREDICTOR_CHANGE {
            let shrink = MAX_PREDICTOR_CHANGE / change;
            step = [step[0] * shrink, step[1] * shrink];
        }
        // Halve the step while it lowers the likelihood by more than its rounding.
        let mut fraction = 1.0;
        loop {
            let candidate = [theta[0] + fraction * step[0], theta[1] + fraction * step[1]];
            if candidate == theta {
                return Err(not_converged()); // no step the likelihood can resolve is an ascent
            }
            let candidate_likelihood = log_likelihood(y_true, logits, candidate);
            if candidate_likelihood >= likelihood - noise {
                theta = candidate;
                likelihood = candidate_likelihood;
                break;
            }
            fraction /= 2.0;
            if fraction < MIN_STEP_FRACTION {
                return Err(not_converged());
            }
        }
    }
    Err(not_converged())
}

fn not_converged() -> MetricsError {
    MetricsError::NoConvergence {
        what: "logistic recalibration (Newton-Raphson)",
        iterations: MAX_ITERATIONS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logit(p: f64) -> f64 {
        (p / (1.0 - p)).ln()
    }

    #[test]
    fn recalibrated_probabilities_are_perfectly_calibrated() {
        // Fit, recalibrate with the fitted a + b·logit(p), refit: (0, 1) and intercept 0.
        let y = [
            false, false, true, false, true, false, true, true, false, false,
        ];
        let p = [0.1, 0.2, 0.25, 0.3, 0.4, 0.6, 0.7, 0.9, 0.05, 0.5];
        let fit = calibration_intercept_slope(&y, &p).unwrap();
        let recalibrated: Vec<f64> = p
            .iter()
            .map(|&p| sigmoid_pair(fit.slope_intercept + fit.slope * logit(p)).0)
            .collect();
        let refit = calibration_intercept_slope(&y, &recalibrated).unwrap();
        assert!(refit.slope_intercept.abs() < 1e-12, "{refit:?}");
        assert!((refit.slope - 1.0).abs() < 1e-12, "{refit:?}");
        assert!(refit.intercept.abs() < 1e-12, "{refit:?}");
    }

    #[test]
    fn intercept_solves_the_score_equation() {
        // At the intercept, Σ σ(a + logit p) equals the number of defaults.
        let y = [true, false, false, true, false, false, false];
        let p = [0.3, 0.2, 0.1, 0.05, 0.5, 0.01, 1.0];
        let fit = calibration_intercept_slope(&y, &p).unwrap();
        let expected: f64 = p
            .iter()
            .map(|&p| sigmoid_pair(fit.intercept + logit(p.clamp(CLIP, 1.0 - CLIP))).0)
            .sum();
        assert!((expected - 2.0).abs() < 1e-12);
    }

    #[test]
    fn nearly_separated_classes_still_converge() {
        // One overlapping pair: a steep but finite slope.
        let y = [false, false, false, true, false, true, true, true];
        let p = [0.1, 0.2, 0.3, 0.4, 0.45, 0.6, 0.7, 0.8];
        let fit = calibration_intercept_slope(&y, &p).unwrap();
        assert!(fit.slope > 3.0 && fit.slope.is_finite(), "{fit:?}");
    }

    /// Regressions found by the property tests. A lone default at PD 0 balanced by two rows
    /// near PD 1 puts the intercept where the gradient is at its rounding noise (1e-16 against
    /// a curvature of 1e-8): the fit stepped back and forth by 2e-8 until the iteration cap.
    /// And PDs of 0 and 1 with a single PD in between made the information matrix singular
    /// at the old starting point `b = 1` (a Newton step of 1e13, halved to no avail).
    /// References: scikit-learn's Newton-Cholesky fit and scipy's `brentq` on the score
    /// equation.
    #[test]
    #[allow(
        clippy::unreadable_literal,
        reason = "the reference values as scikit-learn and scipy print them"
    )]
    fn regression_extreme_pds_converge() {
        let fit =
            calibration_intercept_slope(&[true, false, true], &[0.0, 0.96875, 0.984375]).unwrap();
        // The intercept is only determined to about 2e-8 in double precision here.
        assert!((fit.intercept - 15.752474628630003).abs() < 1e-7, "{fit:?}");
        assert!((fit.slope - -0.12089019099467511).abs() < 1e-12, "{fit:?}");
        assert!(
            (fit.slope_intercept - 0.47690794996797853).abs() < 1e-12,
            "{fit:?}"
        );
        let fit = calibration_intercept_slope(&[true, false, true, false], &[0.0, 1.0, 0.25, 0.0])
            .unwrap();
        assert!((fit.slope - -0.023159332393012853).abs() < 1e-12, "{fit:?}");
        assert!(
            (fit.slope_intercept - -0.2184981596123007).abs() < 1e-12,
            "{fit:?}"
        );
    }

    #[test]
    fn undefined_fits_are_errors() {
        let no_fit = |y: &[bool], p: &[f64]| {
            matches!(
                calibration_intercept_slope(y, p),
                Err(MetricsError::NoFiniteFit {
                    fit: "calibration slope",
                    ..
                })
            )
        };
        assert!(no_fit(&[true, false, false], &[0.3, 0.3, 0.3]));
        // 1e-20 and 1e-16 clip to the same logit.
        assert!(no_fit(&[true, false], &[1e-20, 1e-16]));
        assert!(no_fit(&[false, false, true], &[0.1, 0.5, 0.5])); // quasi-separation at 0.5
        assert!(no_fit(&[true, false, false], &[0.1, 0.5, 0.9])); // reversed
        assert_eq!(
            calibration_intercept_slope(&[true, true], &[0.1, 0.9]),
            Err(MetricsError::MissingClass {
                metric: "calibration intercept and slope",
                missing_positive: false
            })
        );
        assert!(matches!(
            calibration_intercept_slope(&[true, false], &[0.1, -0.9]),
            Err(MetricsError::ProbabilityOutOfRange { index: 1, .. })
        ));
        let message = calibration_intercept_slope(&[false, true], &[0.2, 0.8])
            .unwrap_err()
            .to_string();
        assert!(message.contains("separated"), "{message}");
    }
}
