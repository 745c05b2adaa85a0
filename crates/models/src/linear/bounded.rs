//! The logistic regression under sign constraints on its coefficients: a projected Newton
//! method (Bertsekas' two-metric projection) on the scaled objective of the parent module.
//!
//! Each step splits the coefficients into those held at their bound (zero, with a gradient
//! that pushes them out of the feasible half-line, or within a small distance of it) and the
//! free ones: the free ones take the Newton step of their own block of the Hessian, the held
//! ones a gradient step scaled by their Hessian diagonal, and the point is projected back onto
//! the constraints along a backtracking (Armijo) search. Convergence is measured by the
//! projected gradient, which is zero exactly at the constrained optimum.

use super::{Problem, max_abs, newton_direction};
use crate::{ModelError, Result};

/// Largest distance to the bound at which a coefficient pushed outwards counts as held there.
const ACTIVE_EPSILON: f64 = 1e-8;

/// Units of rounding (of the objective) by which a step may fail Armijo's test and still pass.
const ROUNDING_SLACK: f64 = 8.0;

/// Projects `theta` onto the constraints: `signs[j] * theta[j] >= 0` for each constrained `j`
/// (the intercept, the last entry, is never constrained).
fn project(theta: &mut [f64], signs: &[i8]) {
    for (t, &s) in theta.iter_mut().zip(signs) {
        if f64::from(s) * *t < 0.0 {
            *t = 0.0;
        }
    }
}

/// The gradient with the entries of coefficients at their bound and pushed outwards set to
/// zero (the first-order optimality measure of the bound-constrained problem).
fn projected_gradient(theta: &[f64], gradient: &[f64], signs: &[i8]) -> Vec<f64> {
    gradient
        .iter()
        .enumerate()
        .map(|(j, &g)| {
            let s = f64::from(signs.get(j).copied().unwrap_or(0));
            if s != 0.0 && s * theta[j] <= 0.0 && s * g > 0.0 {
                0.0
            } else {
                g
            }
        })
        .collect()
}

/// Minimises the problem from `start` under the sign constraints `signs` (one per coefficient,
/// `-1`, `0`, `1`); returns the solution (coefficients then intercept), the iterations and the
/// final projected gradient norm.
///
/// # Errors
/// [`ModelError::NotConverged`] after `max_iter` steps or when no step decreases the objective
/// while the projected gradient is still large.
pub(super) fn projected_newton(
    problem: &Problem<'_, '_>,
    start: Vec<f64>,
    signs: &[i8],
    tol: f64,
    max_iter: usize,
) -> Result<(Vec<f64>, usize, f64)> {
    let dim = start.len();
    let mut theta = start;
    project(&mut theta, signs);
    let mut eval = problem.evaluate(&theta, true);
    let mut iterations = 0;
    let mut grad_norm = max_abs(&projected_gradient(&theta, &eval.gradient, signs));
    while grad_norm > tol {
        if iterations == max_iter {
            return Err(ModelError::NotConverged {
                model: "logistic_regression",
                iterations,
                grad_norm,
            });
        }
        iterations += 1;
        let epsilon = ACTIVE_EPSILON.min(grad_norm);
        let held: Vec<bool> = (0..dim)
            .map(|j| {
                let s = f64::from(signs.get(j).copied().unwrap_or(0));
                s != 0.0 && s * theta[j] <= epsilon && s * eval.gradient[j] > 0.0
            })
            .collect();
        let free: Vec<usize> = (0..dim).filter(|&j| !held[j]).collect();
        let mut direction = vec![0.0; dim];
        let k = free.len();
        if k > 0 {
            let mut reduced = vec![0.0; k * k];
            for (a, &i) in free.iter().enumerate() {
                for (b, &j) in free.iter().enumerate() {
                    reduced[a * k + b] = eval.hessian[i * dim + j];
                }
            }
            let gradient: Vec<f64> = free.iter().map(|&j| eval.gradient[j]).collect();
            for (d, &j) in newton_direction(&reduced, &gradient, k).iter().zip(&free) {
                direction[j] = *d;
            }
        }
        for j in (0..dim).filter(|&j| held[j]) {
            let curvature = eval.hessian[j * dim + j].max(f64::MIN_POSITIVE);
            direction[j] = -eval.gradient[j] / curvature;
        }
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..60 {
            let mut candidate: Vec<f64> = theta
                .iter()
                .zip(&direction)
                .map(|(t, d)| t + step * d)
                .collect();
            project(&mut candidate, signs);
            let decrease: f64 = candidate
                .iter()
                .zip(&theta)
                .zip(&eval.gradient)
                .map(|((c, t), g)| g * (c - t))
                .sum();
            // Armijo's test, with a few units of rounding of slack: near the optimum the
            // decrease of a full Newton step is below the objective's last digit.
            let value = problem.objective(&candidate);
            let slack = ROUNDING_SLACK * f64::EPSILON * eval.value.abs();
            if value <= eval.value + 1e-4 * decrease + slack {
                accepted = Some(candidate);
                break;
            }
            step *= 0.5;
        }
        let Some(next) = accepted else {
            if grad_norm <= tol.max(1e-6) {
                break;
            }
            return Err(ModelError::NotConverged {
                model: "logistic_regression",
                iterations,
                grad_norm,
            });
        };
        theta = next;
        eval = problem.evaluate(&theta, true);
        grad_norm = max_abs(&projected_gradient(&theta, &eval.gradient, signs));
    }
    Ok((theta, iterations, grad_norm))
}
