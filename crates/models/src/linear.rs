//! L2-regularised logistic regression with per-row sample weights, fitted by Newton's method.
//!
//! # Objective
//!
//! The same as scikit-learn's `LogisticRegression(C, penalty='l2', fit_intercept=True)`:
//!
//! ```text
//! minimise over (beta, b):   C * sum_i w_i * logloss(y_i, x_i . beta + b)  +  0.5 * ||beta||^2
//! ```
//!
//! The intercept `b` is not penalised. Internally the objective is divided by `C * sum_i w_i`
//! (the minimiser does not change), so that the gradient tolerance `tol` does not depend on the
//! number of rows; scikit-learn's L-BFGS solver scales its objective the same way.
//!
//! # Sample weights are rescaled to mean 1
//!
//! Before fitting, the weights are multiplied by `n / sum(w)`. Scaling every weight by the same
//! factor therefore gives the same model (the conformance suite requires this), and `C` keeps its
//! meaning "inverse regularisation strength per average row". scikit-learn's
//! `class_weight='balanced'` weights already have mean 1, so the comparison with scikit-learn is
//! unaffected by the rescaling; for other weights, pass `w * n / sum(w)` to scikit-learn to get
//! the same coefficients.
//!
//! # Solver
//!
//! Newton's method on the (p+1)-dimensional problem: the gradient and the Hessian
//! `X^T diag(w p (1-p)) X + I/C` are accumulated over fixed blocks of rows (in parallel with
//! rayon, summed in block order, so the result does not depend on the thread count), the Newton
//! step is solved by a Cholesky factorisation, and a backtracking (Armijo) line search keeps
//! every step a descent step. Convergence is declared when the largest absolute entry of the
//! (scaled) gradient is at most `tol`. A fit that has not converged after `max_iter` Newton steps
//! is an error, [`ModelError::NotConverged`], carrying the iterations and the final gradient
//! norm; Newton's method typically needs 5–25 steps on standardised data.
//!
//! # Monotone constraints (coefficient signs)
//!
//! [`LogisticRegressionParams::monotone_constraints`] bounds the sign of chosen coefficients
//! (`+1`: `beta_j >= 0`, so `P(positive)` is non-decreasing in column `j`; `-1`: `beta_j <= 0`).
//! The bound-constrained problem is solved by a projected Newton method (module `bounded`):
//! Newton steps on the coefficients off their bound, a diagonally scaled gradient step on
//! those held at zero, and a backtracking search along the projected path; convergence is
//! declared when the projected gradient is at most `tol`. Without constraints the solver
//! above runs unchanged.
//!
//! # Warm start
//!
//! [`LogisticRegressionParams::fit_from`] starts from a previous model's coefficients, which makes
//! the refits of a grid search over class weights or `C` cheaper.
//!
//! ```
//! use ndarray::array;
//! use pdscore_models::{Classifier, FittedClassifier, LogisticRegressionParams};
//!
//! let x = array![[0.0, 1.0], [1.0, 0.5], [2.0, 0.0], [3.0, 1.5], [4.0, 1.0], [5.0, 0.0]];
//! let y = [false, false, true, false, true, true];
//! let model = LogisticRegressionParams::new().c(10.0).fit(x.view(), &y, None)?;
//! let p = model.predict_proba(x.view())?;
//! assert!(p[5] > p[0]);
//! # Ok::<(), pdscore_models::ModelError>(())
//! ```

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::check::check_fit_input;
use crate::{Classifier, FittedClassifier, ModelError, Result};

mod bounded;

/// Rows per block when accumulating the gradient and the Hessian (fixed, so that the summation
/// order and thus the result does not depend on the number of threads).
const ROW_BLOCK: usize = 4096;

/// Rows per parallel task when scoring.
const PREDICT_BLOCK: usize = 2048;

/// Hyper-parameters of [`FittedLogisticRegression`]; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegressionParams {
    c: f64,
    max_iter: usize,
    tol: f64,
    fit_intercept: bool,
    /// Per column `-1`, `0` or `1`; empty = none. Absent from files saved before it existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    monotone_constraints: Vec<i8>,
}

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        Self::new()
    }
}

impl LogisticRegressionParams {
    /// The defaults: `c = 1.0`, `max_iter = 100`, `tol = 1e-8`, `fit_intercept = true`.
    pub fn new() -> Self {
        LogisticRegressionParams {
            c: 1.0,
            max_iter: 100,
            tol: 1e-8,
            fit_intercept: true,
            monotone_constraints: Vec::new(),
        }
    }

    /// Inverse regularisation strength (scikit-learn's `C`); larger means less shrinkage.
    /// Default `1.0`. Must be finite and positive.
    pub fn c(mut self, c: f64) -> Self {
        self.c = c;
        self
    }

    /// Maximum number of Newton steps. Default `100`. Must be at least 1.
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Convergence tolerance on the largest absolute entry of the gradient of the objective
    /// divided by `C * sum(w)`. Default `1e-8` (Newton steps are cheap and converge
    /// quadratically, so a tight default costs one or two extra steps). Must be finite and
    /// positive.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Whether to fit an (unpenalised) intercept. Default `true`.
    pub fn fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Sign constraints, one entry per column: `1` forces the coefficient to be `>= 0` (the
    /// probability is non-decreasing in the column), `-1` forces it `<= 0`, `0` leaves it free;
    /// empty (the default) constrains nothing. See the [module docs](self#monotone-constraints-coefficient-signs).
    pub fn monotone_constraints(mut self, constraints: Vec<i8>) -> Self {
        self.monotone_constraints = constraints;
        self
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the first invalid parameter.
    pub fn check(&self) -> Result<()> {
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(ModelError::InvalidParam {
                name: "c",
                reason: format!("must be finite and positive, got {}", self.c),
            });
        }
        if self.max_iter == 0 {
            return Err(ModelError::InvalidParam {
                name: "max_iter",
                reason: "must be at least 1".into(),
            });
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(ModelError::InvalidParam {
                name: "tol",
                reason: format!("must be finite and positive, got {}", self.tol),
            });
        }
        crate::monotone::check_values(&self.monotone_constraints)
    }

    /// Fits starting from the coefficients and intercept of `previous` (a warm start), e.g. the
    /// model of the previous point of a grid search. Gives the same optimum as [`Classifier::fit`]
    /// up to the tolerance, usually in fewer Newton steps.
    ///
    /// # Errors
    /// As [`Classifier::fit`]; also [`ModelError::Shape`] when `previous` was fitted on a
    /// different number of columns.
    pub fn fit_from(
        &self,
        previous: &FittedLogisticRegression,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedLogisticRegression> {
        if previous.coefficients.len() != x.ncols() {
            return Err(ModelError::Shape(format!(
                "warm start from a model with {} columns, x has {}",
                previous.coefficients.len(),
                x.ncols()
            )));
        }
        let mut start = previous.coefficients.clone();
        start.push(if self.fit_intercept {
            previous.intercept
        } else {
            0.0
        });
        self.fit_newton(x, y, sample_weight, Some(start))
    }

    fn fit_newton(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
        start: Option<Vec<f64>>,
    ) -> Result<FittedLogisticRegression> {
        self.check()?;
        check_fit_input(x, y, sample_weight, false)?;
        crate::monotone::check_constraints(&self.monotone_constraints, x.ncols())?;
        let (n, p) = x.dim();
        let weights = normalised_weights(sample_weight, n);
        let targets: Vec<f64> = y.iter().map(|&v| f64::from(u8::from(v))).collect();
        let problem = Problem {
            x,
            targets: &targets,
            weights: &weights,
            // objective / (C * sum w) = mean weighted log loss + ||beta||^2 / (2 C n)
            loss_scale: 1.0 / n as f64,
            penalty: 1.0 / (self.c * n as f64),
            fit_intercept: self.fit_intercept,
        };
        let dim = p + 1;
        let mut theta = start.unwrap_or_else(|| vec![0.0; dim]);
        if crate::monotone::any(&self.monotone_constraints) {
            let (mut theta, iterations, grad_norm) = bounded::projected_newton(
                &problem,
                theta,
                &self.monotone_constraints,
                self.tol,
                self.max_iter,
            )?;
            let intercept = theta.pop().unwrap_or(0.0);
            return Ok(FittedLogisticRegression {
                coefficients: theta,
                intercept,
                feature_means: column_means(x),
                iterations,
                grad_norm,
                params: self.clone(),
            });
        }
        let mut eval = problem.evaluate(&theta, true);
        let mut iterations = 0;
        let mut grad_norm = max_abs(&eval.gradient);
        while grad_norm > self.tol {
            if iterations == self.max_iter {
                return Err(ModelError::NotConverged {
                    model: "logistic_regression",
                    iterations,
                    grad_norm,
                });
            }
            iterations += 1;
            let direction = newton_direction(&eval.hessian, &eval.gradient, dim);
            let slope: f64 = direction
                .iter()
                .zip(&eval.gradient)
                .map(|(d, g)| d * g)
                .sum();
            // Armijo backtracking; the full Newton step is accepted near the optimum.
            let mut step = 1.0;
            let mut accepted = None;
            for _ in 0..60 {
                let candidate: Vec<f64> = theta
                    .iter()
                    .zip(&direction)
                    .map(|(t, d)| t + step * d)
                    .collect();
                let value = problem.objective(&candidate);
                if value <= eval.value + 1e-4 * step * slope {
                    accepted = Some(candidate);
                    break;
                }
                step *= 0.5;
            }
            let Some(next) = accepted else {
                // No decrease possible in floating point: we are at the optimum to machine
                // precision unless the gradient says otherwise.
                if grad_norm <= self.tol.max(1e-6) {
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
            grad_norm = max_abs(&eval.gradient);
        }
        let intercept = theta.pop().unwrap_or(0.0);
        Ok(FittedLogisticRegression {
            coefficients: theta,
            intercept,
            feature_means: column_means(x),
            iterations,
            grad_norm,
            params: self.clone(),
        })
    }
}

impl Classifier for LogisticRegressionParams {
    type Fitted = FittedLogisticRegression;

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedLogisticRegression> {
        self.fit_newton(x, y, sample_weight, None)
    }
}

/// Weights rescaled to mean 1 (`w_i * (n / sum w)`), or all ones.
fn normalised_weights(sample_weight: Option<&[f64]>, n: usize) -> Vec<f64> {
    match sample_weight {
        None => vec![1.0; n],
        Some(w) => {
            let factor = n as f64 / w.iter().sum::<f64>();
            w.iter().map(|v| v * factor).collect()
        }
    }
}

/// The mean of each column of `x` over its rows (unweighted, summed in row order), the
/// reference point of the explanations ([`crate::explain`]).
pub(crate) fn column_means(x: ArrayView2<'_, f64>) -> Vec<f64> {
    let mut sums = vec![0.0; x.ncols()];
    for row in x.outer_iter() {
        for (s, v) in sums.iter_mut().zip(row) {
            *s += v;
        }
    }
    let n = x.nrows().max(1) as f64;
    sums.into_iter().map(|s| s / n).collect()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// The scaled objective over `theta = (beta, b)`.
struct Problem<'x, 'a> {
    x: ArrayView2<'x, f64>,
    targets: &'a [f64],
    weights: &'a [f64],
    loss_scale: f64,
    penalty: f64,
    fit_intercept: bool,
}

/// Value, gradient and (optionally) Hessian (row-major, `dim x dim`) at one point.
struct Evaluation {
    value: f64,
    gradient: Vec<f64>,
    hessian: Vec<f64>,
}

impl Problem<'_, '_> {
    fn linear_term(&self, theta: &[f64], row: ndarray::ArrayView1<'_, f64>) -> f64 {
        let p = theta.len() - 1;
        dot(row.as_slice(), row, &theta[..p]) + if self.fit_intercept { theta[p] } else { 0.0 }
    }

    fn penalty_value(&self, theta: &[f64]) -> f64 {
        let p = theta.len() - 1;
        0.5 * self.penalty * theta[..p].iter().map(|t| t * t).sum::<f64>()
    }

    /// Objective value only (for the line search), summed over fixed row blocks.
    fn objective(&self, theta: &[f64]) -> f64 {
        let n = self.x.nrows();
        let blocks: Vec<f64> = (0..n.div_ceil(ROW_BLOCK))
            .into_par_iter()
            .map(|b| {
                let rows = b * ROW_BLOCK..((b + 1) * ROW_BLOCK).min(n);
                rows.map(|i| {
                    let z = self.linear_term(theta, self.x.row(i));
                    self.weights[i] * (softplus(z) - self.targets[i] * z)
                })
                .sum::<f64>()
            })
            .collect();
        self.loss_scale * blocks.iter().sum::<f64>() + self.penalty_value(theta)
    }

    /// Value, gradient and Hessian, accumulated per fixed row block (the Hessian of a block by a
    /// matrix product of the block scaled by `sqrt(w p (1-p))`), then summed in block order.
    fn evaluate(&self, theta: &[f64], with_hessian: bool) -> Evaluation {
        let (n, p) = self.x.dim();
        let dim = p + 1;
        let blocks: Vec<Evaluation> = (0..n.div_ceil(ROW_BLOCK))
            .into_par_iter()
            .map(|b| {
                let start = b * ROW_BLOCK;
                let end = (start + ROW_BLOCK).min(n);
                let mut value = 0.0;
                let mut gradient = vec![0.0; dim];
                let mut scaled = Array2::<f64>::zeros((end - start, dim));
                for (k, i) in (start..end).enumerate() {
                    let row = self.x.row(i);
                    let z = self.linear_term(theta, row);
                    let prob = sigmoid(z);
                    let w = self.weights[i];
                    value += w * (softplus(z) - self.targets[i] * z);
                    let residual = w * (prob - self.targets[i]);
                    for (g, v) in gradient.iter_mut().zip(row) {
                        *g += residual * v;
                    }
                    gradient[p] += residual;
                    if with_hessian {
                        let root = (w * prob * (1.0 - prob)).sqrt();
                        let mut out = scaled.row_mut(k);
                        for (o, v) in out.iter_mut().zip(row) {
                            *o = root * v;
                        }
                        out[p] = root;
                    }
                }
                let hessian = if with_hessian {
                    let h = scaled.t().dot(&scaled);
                    h.into_raw_vec_and_offset().0
                } else {
                    Vec::new()
                };
                Evaluation {
                    value,
                    gradient,
                    hessian,
                }
            })
            .collect();
        let mut total = Evaluation {
            value: 0.0,
            gradient: vec![0.0; dim],
            hessian: if with_hessian {
                vec![0.0; dim * dim]
            } else {
                Vec::new()
            },
        };
        for block in &blocks {
            total.value += block.value;
            for (t, v) in total.gradient.iter_mut().zip(&block.gradient) {
                *t += v;
            }
            for (t, v) in total.hessian.iter_mut().zip(&block.hessian) {
                *t += v;
            }
        }
        total.value = self.loss_scale * total.value + self.penalty_value(theta);
        for g in &mut total.gradient {
            *g *= self.loss_scale;
        }
        for (g, t) in total.gradient.iter_mut().zip(&theta[..p]) {
            *g += self.penalty * t;
        }
        if with_hessian {
            for h in &mut total.hessian {
                *h *= self.loss_scale;
            }
            for j in 0..p {
                total.hessian[j * dim + j] += self.penalty;
            }
        }
        if !self.fit_intercept {
            // The intercept stays at 0: its gradient is zero and its Hessian row is the identity.
            total.gradient[p] = 0.0;
            if with_hessian {
                for j in 0..dim {
                    total.hessian[p * dim + j] = 0.0;
                    total.hessian[j * dim + p] = 0.0;
                }
                total.hessian[p * dim + p] = 1.0;
            }
        }
        total
    }
}

/// Solves `H d = -g` by Cholesky; if `H` is not numerically positive definite (saturated
/// probabilities make the intercept's curvature vanish), a growing multiple of the identity is
/// added (Levenberg damping). As a last resort returns the steepest-descent direction.
fn newton_direction(hessian: &[f64], gradient: &[f64], dim: usize) -> Vec<f64> {
    let scale = (0..dim)
        .map(|j| hessian[j * dim + j].abs())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut damping = 0.0;
    for _ in 0..30 {
        let mut a = hessian.to_vec();
        for j in 0..dim {
            a[j * dim + j] += damping;
        }
        if let Some(l) = cholesky(&mut a, dim) {
            return cholesky_solve(l, gradient, dim)
                .into_iter()
                .map(|v| -v)
                .collect();
        }
        damping = if damping == 0.0 {
            scale * 1e-12
        } else {
            damping * 10.0
        };
    }
    gradient.iter().map(|g| -g).collect()
}

/// In-place lower Cholesky factor of a row-major symmetric matrix; `None` if not positive
/// definite.
fn cholesky(a: &mut [f64], dim: usize) -> Option<&[f64]> {
    for j in 0..dim {
        let mut d = a[j * dim + j];
        for k in 0..j {
            d -= a[j * dim + k] * a[j * dim + k];
        }
        if !(d > 0.0 && d.is_finite()) {
            return None;
        }
        let d = d.sqrt();
        a[j * dim + j] = d;
        for i in j + 1..dim {
            let mut v = a[i * dim + j];
            for k in 0..j {
                v -= a[i * dim + k] * a[j * dim + k];
            }
            a[i * dim + j] = v / d;
        }
    }
    Some(a)
}

/// Solves `L L^T x = b` given the lower factor `L`.
fn cholesky_solve(l: &[f64], b: &[f64], dim: usize) -> Vec<f64> {
    let mut x = b.to_vec();
    for i in 0..dim {
        let mut v = x[i];
        for k in 0..i {
            v -= l[i * dim + k] * x[k];
        }
        x[i] = v / l[i * dim + i];
    }
    for i in (0..dim).rev() {
        let mut v = x[i];
        for k in i + 1..dim {
            v -= l[k * dim + i] * x[k];
        }
        x[i] = v / l[i * dim + i];
    }
    x
}

/// `log(1 + exp(z))` without overflow.
pub(crate) fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// The logistic function, without overflow for any finite `z`.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Dot product of a row with `coefficients` in a fixed order (four interleaved partial sums), so
/// a row's score is the same whatever batch it is scored in. Uses the contiguous slice when the
/// row has one.
fn dot(contiguous: Option<&[f64]>, row: ndarray::ArrayView1<'_, f64>, coefficients: &[f64]) -> f64 {
    if let Some(values) = contiguous {
        let mut acc = [0.0; 4];
        let chunks = values.chunks_exact(4);
        let rest = chunks.remainder();
        for (v, c) in chunks.zip(coefficients.chunks_exact(4)) {
            acc[0] += v[0] * c[0];
            acc[1] += v[1] * c[1];
            acc[2] += v[2] * c[2];
            acc[3] += v[3] * c[3];
        }
        let tail_start = values.len() - rest.len();
        let mut tail = 0.0;
        for (v, c) in rest.iter().zip(&coefficients[tail_start..]) {
            tail += v * c;
        }
        (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
    } else {
        let mut acc = [0.0; 4];
        let p = coefficients.len();
        let full = p - p % 4;
        for j in (0..full).step_by(4) {
            acc[0] += row[j] * coefficients[j];
            acc[1] += row[j + 1] * coefficients[j + 1];
            acc[2] += row[j + 2] * coefficients[j + 2];
            acc[3] += row[j + 3] * coefficients[j + 3];
        }
        let mut tail = 0.0;
        for j in full..p {
            tail += row[j] * coefficients[j];
        }
        (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
    }
}

/// A fitted logistic regression: `P(positive | x) = sigmoid(x . coefficients + intercept)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedLogisticRegression {
    coefficients: Vec<f64>,
    intercept: f64,
    /// The training rows' mean of each column, the reference of the explanations; empty in
    /// files saved before it was recorded (the explanations then take zeros, still exact).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    feature_means: Vec<f64>,
    iterations: usize,
    grad_norm: f64,
    params: LogisticRegressionParams,
}

impl FittedLogisticRegression {
    /// One coefficient per input column.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// The intercept (0 when fitted with `fit_intercept(false)`).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The training rows' mean of each column (unweighted), the reference point of
    /// [`FittedLogisticRegression::contributions`]; empty for a model loaded from a file saved
    /// before it was recorded.
    pub fn feature_means(&self) -> &[f64] {
        &self.feature_means
    }

    /// Newton steps taken.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Largest absolute entry of the final gradient of the scaled objective (see the
    /// [module docs](self)); at most `tol`.
    pub fn grad_norm(&self) -> f64 {
        self.grad_norm
    }

    /// The parameters the model was fitted with.
    pub fn params(&self) -> &LogisticRegressionParams {
        &self.params
    }

    /// The linear score (log-odds) `x . coefficients + intercept` of each row.
    ///
    /// # Errors
    /// Wrong column count or non-finite values.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.score_rows(x, |z| z)
    }

    fn score_rows(&self, x: ArrayView2<'_, f64>, link: fn(f64) -> f64) -> Result<Array1<f64>> {
        score_in_blocks(
            x,
            self.coefficients.len(),
            PREDICT_BLOCK,
            |rows: ArrayView2<'_, f64>, out: &mut [f64]| {
                for (o, row) in out.iter_mut().zip(rows.outer_iter()) {
                    *o = link(dot(row.as_slice(), row, &self.coefficients) + self.intercept);
                }
            },
        )
    }
}

/// Scores the rows of `x` in fixed blocks of `block` rows, in parallel: each block is first
/// checked for non-finite values and then scored by `score` (one pass over memory that is still
/// in cache). Errors on a column count other than `n_features`, or on the first non-finite value
/// (lowest row, then lowest column), exactly as [`crate::check::check_predict_input`] would.
pub(crate) fn score_in_blocks<F>(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    block: usize,
    score: F,
) -> Result<Array1<f64>>
where
    F: Fn(ArrayView2<'_, f64>, &mut [f64]) + Sync,
{
    if x.ncols() != n_features {
        return Err(ModelError::Shape(format!(
            "model was fitted on {n_features} columns, got {}",
            x.ncols()
        )));
    }
    let mut out = Array1::<f64>::zeros(x.nrows());
    let Some(out_slice) = out.as_slice_mut() else {
        return Err(ModelError::Shape("output not contiguous".into()));
    };
    let first_bad = out_slice
        .par_chunks_mut(block)
        .zip(x.axis_chunks_iter(Axis(0), block).into_par_iter())
        .enumerate()
        .map(|(b, (dst, rows))| {
            // One branch-free pass over a contiguous block; the rows one by one only to name
            // the first bad value.
            if !rows.as_slice().is_some_and(crate::cpu::all_finite) {
                for (r, row) in rows.outer_iter().enumerate() {
                    if let Some(column) = row.iter().position(|v| !v.is_finite()) {
                        return Some((b * block + r, column));
                    }
                }
            }
            score(rows, dst);
            None
        })
        .find_first(Option::is_some)
        .flatten();
    match first_bad {
        Some((row, column)) => Err(ModelError::NonFinite { row, column }),
        None => Ok(out),
    }
}

impl FittedClassifier for FittedLogisticRegression {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.score_rows(x, sigmoid)
    }

    fn name(&self) -> &'static str {
        "logistic_regression"
    }

    fn describe(&self) -> String {
        format!(
            "logistic regression (L2, C={}, intercept={}, {} Newton steps, |grad|={:.1e})",
            self.params.c, self.params.fit_intercept, self.iterations, self.grad_norm
        )
    }

    /// Absolute coefficients (comparable across columns when the inputs are standardised).
    fn feature_importance(&self) -> Option<Vec<f64>> {
        Some(self.coefficients.iter().map(|c| c.abs()).collect())
    }
}

#[cfg(test)]
mod tests;
