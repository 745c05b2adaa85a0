//! The solver of [`super::fit_sigmoid`]: Newton–Raphson on (slope, intercept) in a box-shaped
//! trust region, for the mean Platt loss `Σ w (softplus(a f + b) − t (a f + b))`.
//!
//! On ordinary scores the Newton step always fits the box and is always accepted, so this is
//! plain Newton–Raphson. The box matters when a few rows carry nearly all the weight, or most
//! rows sit far out on the sigmoid: the Hessian is then close to singular and the Newton
//! *direction*, not just its length, is wrong, so halving the step along it (tried first) made
//! no progress for hundreds of iterations on such samples. Here the step minimises the quadratic
//! model within a box of half-width `r`; `r` shrinks to a quarter of a step whose loss decrease
//! falls short of a quarter of the promised one (the step is then retried) and doubles after a
//! good step that used the whole box.
//!
//! It stops at a Newton decrement `gᵀH⁻¹g` below `1e-24`, at a gradient below `1e-12` (both on the
//! mean loss), or, once the gain of a step is below what the summed loss can resolve, after at
//! most three plain Newton steps.

use crate::linear::{sigmoid, softplus};
use crate::{ModelError, Result};

/// Iterations before giving up (ordinary scores converge in under 10).
const MAX_ITERATIONS: usize = 300;

/// Initial half-width of the trust region: the largest move of the slope or the intercept in
/// one iteration, on the logit scale.
const INITIAL_RADIUS: f64 = 4.0;

/// Newton decrement `gᵀ H⁻¹ g` (on the mean loss) at which the fit has converged.
const DECREMENT_TOLERANCE: f64 = 1e-24;

/// Gradient (of the mean loss, largest component) at which the fit has converged whatever the
/// decrement: the loss is flat to its last digits.
const GRADIENT_TOLERANCE: f64 = 1e-12;

/// A Newton decrement below this share of the loss's magnitude (the sum of its terms' sizes)
/// promises a gain the summed loss barely resolves: the last steps are then plain Newton steps.
const RESOLUTION: f64 = 1e-12;

/// A decrease the quadratic model promises below this share of the loss's magnitude is
/// rounding noise: no step can be judged by the loss any more.
const NOISE: f64 = 1e-14;

/// One row of the Platt objective: feature `logit(s)`, smoothed target, weight over the total.
pub(super) struct Row {
    pub(super) feature: f64,
    pub(super) target: f64,
    pub(super) weight: f64,
}

/// Mean loss `Σ w (softplus(z) − t z)` at `z = a f + b`, and the sum of the magnitudes of its
/// terms `Σ w (softplus(z) + |t z|)`, which sets the rounding error of the sum.
fn loss(rows: &[Row], (a, b): (f64, f64)) -> (f64, f64) {
    rows.iter().fold((0.0, 0.0), |(value, magnitude), r| {
        let z = a * r.feature + b;
        let (s, tz) = (softplus(z), r.target * z);
        (
            value + r.weight * (s - tz),
            magnitude + r.weight * (s + tz.abs()),
        )
    })
}

/// Gradient `(g_a, g_b)` and Hessian `(h_aa, h_ab, h_bb)` of [`loss`].
fn derivatives(rows: &[Row], (a, b): (f64, f64)) -> ([f64; 2], [f64; 3]) {
    let (mut g, mut h) = ([0.0; 2], [0.0; 3]);
    for r in rows {
        let p = sigmoid(a * r.feature + b);
        let residual = r.weight * (p - r.target);
        let curvature = r.weight * p * (1.0 - p);
        g[0] += residual * r.feature;
        g[1] += residual;
        h[0] += curvature * r.feature * r.feature;
        h[1] += curvature * r.feature;
        h[2] += curvature;
    }
    (g, h)
}

/// Newton–Raphson from `start` in a box-shaped trust region (see the [module docs](self));
/// `intercept_only` keeps the slope where it starts.
pub(super) fn newton(rows: &[Row], start: (f64, f64), intercept_only: bool) -> Result<(f64, f64)> {
    let mut theta = start;
    let (mut current, mut magnitude) = loss(rows, theta);
    let mut grad_norm = f64::INFINITY;
    let mut radius = INITIAL_RADIUS;
    let mut unchecked = 0;
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        let (g, h) = derivatives(rows, theta);
        grad_norm = g[0].abs().max(g[1].abs());
        if grad_norm <= GRADIENT_TOLERANCE {
            // Flat to the last digits (e.g. along a direction only rows of negligible weight
            // determine).
            return Ok(theta);
        }
        if let Some(step) = newton_step(g, h, intercept_only) {
            let dec = g[0] * step[0] + g[1] * step[1];
            if dec <= DECREMENT_TOLERANCE || unchecked == 3 {
                return Ok(theta);
            }
            // The loss cannot resolve the gain of this step (about dec / 2): finish with plain
            // Newton steps, which converge quadratically here, without comparing losses.
            if dec <= RESOLUTION * magnitude {
                theta = (theta.0 - step[0], theta.1 - step[1]);
                (current, magnitude) = loss(rows, theta);
                unchecked += 1;
                iterations += 1;
                continue;
            }
        }
        // Shrink the region until a step decreases the loss by a fair share of what the
        // quadratic model promised.
        loop {
            iterations += 1;
            let step = box_step(g, h, radius, intercept_only);
            let predicted = g[0] * step[0] + g[1] * step[1]
                - 0.5
                    * (h[0] * step[0] * step[0]
                        + 2.0 * h[1] * step[0] * step[1]
                        + h[2] * step[1] * step[1]);
            if predicted.is_nan() || predicted <= NOISE * magnitude {
                // Nothing left the loss can resolve: the optimum to floating-point precision,
                // unless the gradient says otherwise.
                return if grad_norm < 1e-9 {
                    Ok(theta)
                } else {
                    Err(not_converged(iterations, grad_norm))
                };
            }
            let trial = (theta.0 - step[0], theta.1 - step[1]);
            let (value, value_magnitude) = loss(rows, trial);
            let ratio = (current - value) / predicted;
            let length = step[0].abs().max(step[1].abs());
            if ratio < 0.25 || !ratio.is_finite() {
                radius = length / 4.0;
            } else if ratio > 0.75 && length >= 0.99 * radius {
                radius *= 2.0;
            }
            if value < current && ratio > 1e-4 {
                theta = trial;
                (current, magnitude) = (value, value_magnitude);
                break;
            }
            if iterations >= MAX_ITERATIONS {
                return Err(not_converged(iterations, grad_norm));
            }
        }
    }
    Err(not_converged(iterations, grad_norm))
}

/// The error of a fit that ran out of iterations.
fn not_converged(iterations: usize, grad_norm: f64) -> ModelError {
    ModelError::NotConverged {
        model: "sigmoid calibration",
        iterations,
        grad_norm,
    }
}

/// The Newton step `H⁻¹ g` (to be subtracted) when `H` is positive definite (with
/// `intercept_only`, the intercept's part alone when `h_bb > 0`).
fn newton_step(g: [f64; 2], h: [f64; 3], intercept_only: bool) -> Option<[f64; 2]> {
    let [h_aa, h_ab, h_bb] = h;
    if intercept_only {
        return (h_bb > 0.0).then(|| [0.0, g[1] / h_bb]);
    }
    let det = h_aa * h_bb - h_ab * h_ab;
    let step = [
        (h_bb * g[0] - h_ab * g[1]) / det,
        (h_aa * g[1] - h_ab * g[0]) / det,
    ];
    (h_aa > 0.0 && det > 0.0 && step.iter().all(|v| v.is_finite())).then_some(step)
}

/// The step `s` (to be subtracted) that minimises the quadratic model
/// `m(s) = −gᵀs + ½ sᵀHs` over the box `|s_a|, |s_b| ≤ radius`: the Newton step when it fits,
/// else the best point on the box's edges (the model is convex, so its minimum over the box is
/// inside or on an edge; on an edge it is a clamped one-dimensional minimum).
fn box_step(g: [f64; 2], h: [f64; 3], radius: f64, intercept_only: bool) -> [f64; 2] {
    let [h_aa, h_ab, h_bb] = h;
    // The minimum over `s_k ∈ [−r, r]` of `−c s + ½ q s²` (convex: q ≥ 0).
    let clamped = |c: f64, q: f64| {
        if q > 0.0 {
            (c / q).clamp(-radius, radius)
        } else {
            radius.copysign(c)
        }
    };
    if intercept_only {
        return [0.0, clamped(g[1], h_bb)];
    }
    if let Some(step) = newton_step(g, h, false)
        && step[0].abs() <= radius
        && step[1].abs() <= radius
    {
        return step;
    }
    let model = |s: [f64; 2]| {
        -g[0] * s[0] - g[1] * s[1]
            + 0.5 * (h_aa * s[0] * s[0] + 2.0 * h_ab * s[0] * s[1] + h_bb * s[1] * s[1])
    };
    let mut best = [0.0, 0.0];
    let mut best_value = 0.0;
    for edge in [-radius, radius] {
        // s_a = edge, s_b free; then s_b = edge, s_a free.
        for candidate in [
            [edge, clamped(g[1] - h_ab * edge, h_bb)],
            [clamped(g[0] - h_ab * edge, h_aa), edge],
        ] {
            let value = model(candidate);
            if value < best_value {
                best = candidate;
                best_value = value;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::super::fit_sigmoid;
    use super::super::input::logit;
    use super::super::sigmoid::SCORE_CLIP;
    use crate::linear::softplus;

    /// The Platt objective (mean over the weights), written out independently.
    fn platt_loss(scores: &[f64], y: &[bool], w: Option<&[f64]>, a: f64, b: f64) -> f64 {
        let weight = |i: usize| w.map_or(1.0, |w| w[i]);
        let pos: f64 = (0..y.len()).filter(|&i| y[i]).map(weight).sum();
        let neg: f64 = (0..y.len()).filter(|&i| !y[i]).map(weight).sum();
        let mut total = 0.0;
        for (i, (&s, &yi)) in scores.iter().zip(y).enumerate() {
            let z = a * logit(s.clamp(SCORE_CLIP, 1.0 - SCORE_CLIP)) + b;
            let t = if yi {
                (pos + 1.0) / (pos + 2.0)
            } else {
                1.0 / (neg + 2.0)
            };
            total += weight(i) * (softplus(z) - t * z);
        }
        total / (pos + neg)
    }

    #[test]
    fn valid_input_always_fits() {
        // Small samples mixing exact 0s and 1s, subnormal scores, ties, zero weights and
        // weights spanning twelve orders of magnitude (which make the Hessian nearly singular).
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        for _ in 0..3_000 {
            let n = rng.gen_range(2..40);
            let scores: Vec<f64> = (0..n)
                .map(|_| match rng.gen_range(0..6) {
                    0 => 0.0,
                    1 => 1.0,
                    2 => 5e-324,
                    3 => 0.5,
                    _ => rng.r#gen::<f64>().powi(rng.gen_range(1..8)),
                })
                .collect();
            let mut y: Vec<bool> = (0..n).map(|_| rng.gen_bool(0.3)).collect();
            let mut w: Vec<f64> = (0..n)
                .map(|_| {
                    if rng.gen_bool(0.2) {
                        0.0
                    } else {
                        10f64.powf(rng.gen_range(-6.0..6.0))
                    }
                })
                .collect();
            (y[0], y[1], w[0], w[1]) = (true, false, 1.0, 1.0);
            for weights in [None, Some(w.as_slice())] {
                let cal = fit_sigmoid(&scores, &y, weights)
                    .unwrap_or_else(|e| panic!("{e}: {scores:?} {y:?} {weights:?}"));
                // A minimum: no nearby point has a lower loss (beyond rounding).
                let at = |a: f64, b: f64| platt_loss(&scores, &y, weights, a, b);
                let (a, b) = (cal.slope(), cal.intercept());
                let best = at(a, b);
                for (da, db) in [(1e-4, 0.0), (-1e-4, 0.0), (0.0, 1e-4), (0.0, -1e-4)] {
                    assert!(
                        best <= at(a + da, b + db) + 1e-12,
                        "{scores:?} {y:?} {weights:?}"
                    );
                }
            }
        }
    }
}
