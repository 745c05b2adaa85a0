//! The meta-learner of a stacked ensemble: a logistic regression with **non-negative weights**
//! (and a free intercept) on the logits of its members' PDs.
//!
//! Given the PDs `p_1 .. p_k` that `k` member models gave a row they were not fitted on, the
//! ensemble's PD is
//!
//! ```text
//! PD = σ(b + w_1·logit(p_1) + … + w_k·logit(p_k)),   w_j >= 0
//! ```
//!
//! fitted by maximum likelihood on held-out PDs. Why this form:
//! - **Logits, not probabilities**: a member's evidence adds on the log-odds scale, where a
//!   logistic regression is linear; a PD of 0.001 vs 0.01 is a large difference there and a
//!   negligible one on the probability scale.
//! - **Non-negative weights**: every member ranks rows the right way round; a negative weight
//!   would only fit noise between correlated members (their logits are nearly collinear) and
//!   make the blend hard to explain. The constraint is that of scikit-learn's and the stacking
//!   literature's usual "constrained blend" (Breiman, *Stacked regressions*, 1996).
//! - **Free intercept**: with it the fit is a calibration too. At the optimum the mean fitted PD
//!   equals the observed rate of the rows it was fitted on (the intercept's score equation), so
//!   the blend of calibrated members stays calibrated in the large.
//! - A tiny ridge penalty on the weights (default `1e-6`, on the mean log loss) makes the
//!   optimum unique when members are collinear: identical members share their weight equally.
//!
//! The solver is a projected Newton method with an active set (Bertsekas, *Projected Newton
//! methods for optimization problems with simple constraints*, 1982): weights at zero whose
//! gradient pushes them below zero are held there, the rest take a Newton step, and a
//! backtracking line search along the projected path keeps the loss decreasing. With at most a
//! handful of members each iteration costs one pass over the rows.
//!
//! ```
//! use ndarray::array;
//! use pdscore_models::stacking::StackParams;
//!
//! // Two members' PDs for six rows, and the labels.
//! let pd = array![[0.1, 0.2], [0.2, 0.1], [0.7, 0.6], [0.8, 0.9], [0.3, 0.4], [0.6, 0.5]];
//! let y = [false, false, true, true, false, true];
//! let stack = StackParams::new().fit(pd.view(), &y)?;
//! assert!(stack.weights().iter().all(|&w| w >= 0.0));
//! let p = stack.predict_row(&[0.7, 0.6]);
//! assert!(p > 0.5);
//! # Ok::<(), pdscore_models::ModelError>(())
//! ```

use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::linear::{sigmoid, softplus};
use crate::{ModelError, Result};

/// PDs are clipped to `[PD_CLIP, 1 - PD_CLIP]` before their logit is taken, so that a member
/// that says 0 or 1 cannot give an infinite logit.
pub const PD_CLIP: f64 = 1e-7;

/// The logit of a member's PD, clipped to [`PD_CLIP`] at both ends.
#[inline]
pub fn clipped_logit(pd: f64) -> f64 {
    let p = pd.clamp(PD_CLIP, 1.0 - PD_CLIP);
    p.ln() - (-p).ln_1p()
}

/// Parameters of the non-negative logistic meta-learner; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StackParams {
    /// Ridge penalty `λ/2 · Σ w_j²` added to the mean log loss. Default `1e-6`.
    pub l2: f64,
    /// Most Newton iterations. Default 100.
    pub max_iter: usize,
    /// Convergence tolerance on the largest projected-gradient component. Default `1e-9`.
    pub tol: f64,
}

impl Default for StackParams {
    fn default() -> Self {
        StackParams {
            l2: 1e-6,
            max_iter: 100,
            tol: 1e-9,
        }
    }
}

/// A fitted meta-learner: intercept and one non-negative weight per member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedStack {
    intercept: f64,
    weights: Vec<f64>,
}

impl StackParams {
    /// The defaults: `l2 = 1e-6`, 100 iterations, tolerance `1e-9`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the ridge penalty on the weights. Default `1e-6`.
    pub fn l2(mut self, l2: f64) -> Self {
        self.l2 = l2;
        self
    }

    /// Sets the most Newton iterations. Default 100.
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for a negative or non-finite `l2`, zero iterations or a
    /// tolerance that is not finite and > 0.
    pub fn check(&self) -> Result<()> {
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return Err(ModelError::InvalidParam {
                name: "l2",
                reason: format!("{} must be finite and >= 0", self.l2),
            });
        }
        if self.max_iter == 0 {
            return Err(ModelError::InvalidParam {
                name: "max_iter",
                reason: "at least 1".into(),
            });
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(ModelError::InvalidParam {
                name: "tol",
                reason: format!("{} must be finite and > 0", self.tol),
            });
        }
        Ok(())
    }

    /// Fits the meta-learner on `pd` (`rows × members`, each member's held-out PD of each row)
    /// and the labels `y`. Starts from the plain average of the logits (all weights `1/k`) and
    /// the intercept that matches the mean rate; stops when the projected gradient is below
    /// `tol` or after `max_iter` Newton steps (the best point so far is kept: the loss never
    /// increases, so an unfinished fit is still a valid blend).
    ///
    /// # Errors
    /// [`ModelError::Empty`] without rows or members, [`ModelError::Shape`] when `y` has
    /// another length, [`ModelError::SingleClass`], [`ModelError::ScoreOutOfRange`] for a PD
    /// outside `[0, 1]` or `NaN`, and the parameter errors of [`StackParams::check`].
    pub fn fit(&self, pd: ArrayView2<'_, f64>, y: &[bool]) -> Result<FittedStack> {
        self.check()?;
        let (n, k) = pd.dim();
        if n == 0 || k == 0 {
            return Err(ModelError::Empty);
        }
        if y.len() != n {
            return Err(ModelError::Shape(format!(
                "{n} rows of member PDs but {} labels",
                y.len()
            )));
        }
        let positives = y.iter().filter(|&&v| v).count();
        if positives == 0 || positives == n {
            return Err(ModelError::SingleClass { positives, rows: n });
        }
        let mut z = Vec::with_capacity(n * k);
        for (row, r) in pd.rows().into_iter().enumerate() {
            for &p in r {
                if !(0.0..=1.0).contains(&p) {
                    return Err(ModelError::ScoreOutOfRange { row, value: p });
                }
                z.push(clipped_logit(p));
            }
        }
        let problem = Problem {
            z: &z,
            y,
            k,
            l2: self.l2,
        };
        let rate = positives as f64 / n as f64;
        let mut theta = vec![1.0 / k as f64; k + 1];
        theta[0] = rate.ln() - (-rate).ln_1p();
        let mut loss = problem.loss(&theta);
        for _ in 0..self.max_iter {
            let (grad, hess) = problem.gradient_hessian(&theta);
            let at_bound = |j: usize| j > 0 && theta[j] <= 0.0 && grad[j] > 0.0;
            let projected_gradient = (0..=k)
                .filter(|&j| !at_bound(j))
                .map(|j| grad[j].abs())
                .fold(0.0, f64::max);
            if projected_gradient < self.tol {
                break;
            }
            let free: Vec<usize> = (0..=k).filter(|&j| !at_bound(j)).collect();
            let step = newton_step(&hess, &grad, &free, k + 1);
            let mut t = 1.0;
            let mut improved = false;
            for _ in 0..60 {
                let candidate: Vec<f64> = (0..=k)
                    .map(|j| {
                        let v = theta[j] + t * step[j];
                        if j > 0 { v.max(0.0) } else { v }
                    })
                    .collect();
                let decrease: f64 = (0..=k).map(|j| grad[j] * (candidate[j] - theta[j])).sum();
                let new_loss = problem.loss(&candidate);
                if new_loss < loss && new_loss <= loss + 1e-4 * decrease.min(0.0) {
                    theta = candidate;
                    loss = new_loss;
                    improved = true;
                    break;
                }
                t *= 0.5;
            }
            if !improved {
                // No step lowers the loss any more: converged to rounding.
                break;
            }
        }
        Ok(FittedStack {
            intercept: theta[0],
            weights: theta[1..].to_vec(),
        })
    }
}

/// The penalised mean log loss of the blend and its derivatives.
struct Problem<'a> {
    /// Row-major `n × k` logits.
    z: &'a [f64],
    y: &'a [bool],
    k: usize,
    l2: f64,
}

impl Problem<'_> {
    fn margin(&self, theta: &[f64], row: usize) -> f64 {
        let z = &self.z[row * self.k..(row + 1) * self.k];
        let mut m = theta[0];
        for (w, v) in theta[1..].iter().zip(z) {
            m += w * v;
        }
        m
    }

    fn loss(&self, theta: &[f64]) -> f64 {
        let n = self.y.len();
        let mut total = 0.0;
        for (row, &label) in self.y.iter().enumerate() {
            let m = self.margin(theta, row);
            // -log σ(m) = softplus(-m); -log(1 - σ(m)) = softplus(m)
            total += if label { softplus(-m) } else { softplus(m) };
        }
        let ridge: f64 = theta[1..].iter().map(|w| w * w).sum::<f64>() * self.l2 / 2.0;
        total / n as f64 + ridge
    }

    /// Gradient and (row-major, `(k+1)²`) Hessian at `theta`.
    fn gradient_hessian(&self, theta: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let d = self.k + 1;
        let n = self.y.len() as f64;
        let mut grad = vec![0.0; d];
        let mut hess = vec![0.0; d * d];
        let mut x = vec![1.0; d];
        for (row, &label) in self.y.iter().enumerate() {
            x[1..].copy_from_slice(&self.z[row * self.k..(row + 1) * self.k]);
            let p = sigmoid(self.margin(theta, row));
            let r = p - f64::from(u8::from(label));
            let h = p * (1.0 - p);
            for a in 0..d {
                grad[a] += r * x[a];
                for b in 0..=a {
                    hess[a * d + b] += h * x[a] * x[b];
                }
            }
        }
        for a in 0..d {
            grad[a] /= n;
            for b in 0..=a {
                hess[a * d + b] /= n;
                hess[b * d + a] = hess[a * d + b];
            }
        }
        for j in 1..d {
            grad[j] += self.l2 * theta[j];
            hess[j * d + j] += self.l2;
        }
        (grad, hess)
    }
}

/// The Newton direction on the `free` coordinates (zero on the others): solves
/// `H_FF d_F = -g_F` by Cholesky, adding a growing multiple of the identity when `H_FF` is not
/// numerically positive definite.
fn newton_step(hess: &[f64], grad: &[f64], free: &[usize], d: usize) -> Vec<f64> {
    let m = free.len();
    let mut step = vec![0.0; d];
    let scale = free
        .iter()
        .map(|&j| hess[j * d + j])
        .fold(0.0, f64::max)
        .max(1e-300);
    let mut jitter = 0.0;
    for _ in 0..30 {
        let mut a = vec![0.0; m * m];
        for (r, &i) in free.iter().enumerate() {
            for (c, &j) in free.iter().enumerate() {
                a[r * m + c] = hess[i * d + j];
            }
            a[r * m + r] += jitter;
        }
        if let Some(l) = cholesky(&a, m) {
            let b: Vec<f64> = free.iter().map(|&j| -grad[j]).collect();
            let x = cholesky_solve(&l, &b, m);
            for (r, &j) in free.iter().enumerate() {
                step[j] = x[r];
            }
            return step;
        }
        jitter = if jitter == 0.0 {
            scale * 1e-12
        } else {
            jitter * 10.0
        };
    }
    // Never reached for a finite Hessian; fall back to steepest descent.
    for &j in free {
        step[j] = -grad[j] / scale;
    }
    step
}

/// Lower Cholesky factor of the `m × m` row-major `a`, `None` unless positive definite.
fn cholesky(a: &[f64], m: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..=i {
            let mut s = a[i * m + j];
            for p in 0..j {
                s -= l[i * m + p] * l[j * m + p];
            }
            if i == j {
                if !(s > 0.0 && s.is_finite()) {
                    return None;
                }
                l[i * m + i] = s.sqrt();
            } else {
                l[i * m + j] = s / l[j * m + j];
            }
        }
    }
    Some(l)
}

fn cholesky_solve(l: &[f64], b: &[f64], m: usize) -> Vec<f64> {
    let mut y = vec![0.0; m];
    for i in 0..m {
        let mut s = b[i];
        for p in 0..i {
            s -= l[i * m + p] * y[p];
        }
        y[i] = s / l[i * m + i];
    }
    let mut x = vec![0.0; m];
    for i in (0..m).rev() {
        let mut s = y[i];
        for p in i + 1..m {
            s -= l[p * m + i] * x[p];
        }
        x[i] = s / l[i * m + i];
    }
    x
}

impl FittedStack {
    /// A meta-learner with these coefficients (e.g. read back from a report).
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for no weights, a negative weight or a non-finite value.
    pub fn new(intercept: f64, weights: Vec<f64>) -> Result<Self> {
        if weights.is_empty()
            || !intercept.is_finite()
            || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
        {
            return Err(ModelError::InvalidParam {
                name: "weights",
                reason: format!(
                    "at least one weight, each finite and >= 0, and a finite intercept \
                     (got {intercept}, {weights:?})"
                ),
            });
        }
        Ok(FittedStack { intercept, weights })
    }

    /// The intercept `b`.
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The weight of each member's logit, each `>= 0`.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The blend's log-odds for one row's member PDs (members in fitting order), summed in a
    /// fixed order so that a row gives the same bits whatever batch it is in.
    ///
    /// # Panics
    /// When `pds` does not hold one PD per member.
    pub fn logit_of_row(&self, pds: &[f64]) -> f64 {
        assert_eq!(pds.len(), self.weights.len(), "one PD per member");
        let mut m = self.intercept;
        for (w, &p) in self.weights.iter().zip(pds) {
            m += w * clipped_logit(p);
        }
        m
    }

    /// The blend's PD for one row's member PDs.
    ///
    /// # Panics
    /// When `pds` does not hold one PD per member.
    pub fn predict_row(&self, pds: &[f64]) -> f64 {
        sigmoid(self.logit_of_row(pds))
    }

    /// The blend's PD of every row of `pd` (`rows × members`).
    ///
    /// # Errors
    /// [`ModelError::Shape`] when `pd` has another number of columns than members.
    pub fn predict_proba(&self, pd: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        if pd.ncols() != self.weights.len() {
            return Err(ModelError::Shape(format!(
                "{} member columns, the meta-learner has {} weights",
                pd.ncols(),
                self.weights.len()
            )));
        }
        Ok(pd
            .rows()
            .into_iter()
            .map(|r| {
                let row: Vec<f64> = r.to_vec();
                self.predict_row(&row)
            })
            .collect())
    }

    /// `b = …, w = […]` with four decimals, for reports.
    pub fn describe(&self) -> String {
        let w: Vec<String> = self.weights.iter().map(|w| format!("{w:.4}")).collect();
        format!("b = {:.4}, w = [{}]", self.intercept, w.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// Rows whose label follows `σ(b + Σ w_j z_j)` with members' logits `z_j` drawn at random;
    /// returns the members' PDs and the labels.
    fn blend(n: usize, b: f64, w: &[f64], seed: u64) -> (Array2<f64>, Vec<bool>) {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        let mut pd = Array2::zeros((n, w.len()));
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            let mut m = b;
            for (j, wj) in w.iter().enumerate() {
                let z = -3.0 + 2.0 * (r.r#gen::<f64>() - 0.5) * 3.0;
                pd[[i, j]] = sigmoid(z);
                m += wj * z;
            }
            y.push(r.r#gen::<f64>() < sigmoid(m));
        }
        (pd, y)
    }

    #[test]
    fn recovers_a_known_blend() {
        let (pd, y) = blend(40_000, 0.8, &[0.6, 0.3, 0.0], 7);
        let stack = StackParams::new().fit(pd.view(), &y).unwrap();
        let w = stack.weights();
        assert!((w[0] - 0.6).abs() < 0.05, "{}", stack.describe());
        assert!((w[1] - 0.3).abs() < 0.05, "{}", stack.describe());
        assert!(w[2] < 0.05, "{}", stack.describe());
        assert!(
            (stack.intercept() - 0.8).abs() < 0.2,
            "{}",
            stack.describe()
        );
    }

    #[test]
    fn weights_are_never_negative_even_for_a_member_that_ranks_backwards() {
        let (mut pd, y) = blend(5000, 0.0, &[1.0, 0.0], 11);
        // the second member's PD is the first's mirrored: a negative weight would fit it
        for mut row in pd.rows_mut() {
            row[1] = 1.0 - row[0];
        }
        let stack = StackParams::new().fit(pd.view(), &y).unwrap();
        assert!(stack.weights().iter().all(|&w| w >= 0.0));
        assert_eq!(stack.weights()[1], 0.0, "{}", stack.describe());
        assert!(stack.weights()[0] > 0.8, "{}", stack.describe());
    }

    #[test]
    fn collinear_members_share_the_weight() {
        let (single, y) = blend(5000, -1.0, &[0.9], 3);
        let mut pd = Array2::zeros((single.nrows(), 2));
        pd.column_mut(0).assign(&single.column(0));
        pd.column_mut(1).assign(&single.column(0));
        let stack = StackParams::new().fit(pd.view(), &y).unwrap();
        let alone = StackParams::new().fit(single.view(), &y).unwrap();
        let w = stack.weights();
        assert!((w[0] - w[1]).abs() < 1e-6, "{}", stack.describe());
        assert!((w[0] + w[1] - alone.weights()[0]).abs() < 1e-3);
        let row = [0.2, 0.2];
        assert!((stack.predict_row(&row) - alone.predict_row(&row[..1])).abs() < 1e-6);
    }

    #[test]
    fn the_mean_fitted_pd_is_the_observed_rate() {
        let (pd, y) = blend(8000, -2.5, &[0.7, 0.5], 5);
        let stack = StackParams::new().fit(pd.view(), &y).unwrap();
        let fitted = stack.predict_proba(pd.view()).unwrap();
        let rate = y.iter().filter(|&&v| v).count() as f64 / y.len() as f64;
        assert!((fitted.mean().unwrap() - rate).abs() < 1e-6);
    }

    #[test]
    fn a_row_scores_the_same_alone_and_in_a_batch() {
        let (pd, y) = blend(500, 0.0, &[0.5, 0.5], 9);
        let stack = StackParams::new().fit(pd.view(), &y).unwrap();
        let batch = stack.predict_proba(pd.view()).unwrap();
        for (i, row) in pd.rows().into_iter().enumerate() {
            assert_eq!(
                batch[i].to_bits(),
                stack.predict_row(&row.to_vec()).to_bits()
            );
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        let pd = ndarray::array![[0.1], [0.2]];
        assert!(StackParams::new().fit(pd.view(), &[true]).is_err());
        assert!(StackParams::new().fit(pd.view(), &[true, true]).is_err());
        let bad = ndarray::array![[0.1], [1.2]];
        assert!(StackParams::new().fit(bad.view(), &[true, false]).is_err());
        assert!(StackParams::new().l2(-1.0).check().is_err());
        assert!(FittedStack::new(0.0, vec![-0.1]).is_err());
        assert!(FittedStack::new(0.0, vec![0.5]).is_ok());
    }
}
