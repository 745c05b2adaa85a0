//! Contributions of the MLP: Shapley values of its logit against a reference row, estimated by
//! permutation sampling with antithetic pairs, with exact efficiency.
//!
//! For a permutation `π` of the features, start from the reference row and switch the features
//! to the explained row's values one by one in the order of `π`; feature `π_k`'s marginal
//! contribution is the change of the logit at its switch. Averaged over all permutations these
//! are the Shapley values of `S ↦ logit(x_S, reference elsewhere)` (Štrumbelj and Kononenko
//! 2014); here over a fixed sample of them. Each permutation is paired with its reverse
//! (antithetic sampling: a feature switched early in one is switched late in the other), which
//! makes the estimate exact for two features and lowers its variance in general.
//!
//! The marginal contributions along one permutation add up to `logit(x) − logit(reference)`
//! exactly (they telescope), so the contributions plus the bias `logit(reference)` sum to the
//! row's logit up to rounding, whatever the sampling error. The cost per row is
//! `permutations × (p − 1) + 1` forward passes through the scoring kernel.

use ndarray::{Array1, Array2, ArrayView2};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::{ContributionScale, explain_rows};
use crate::check::check_predict_input;
use crate::mlp::FittedMlp;
use crate::{ModelError, Result};

/// Permutations [`FittedMlp::contributions`] averages over (16 drawn, and their reverses).
pub const DEFAULT_PERMUTATIONS: usize = 32;

/// The seed of the permutations [`FittedMlp::contributions`] draws.
pub const PERMUTATION_SEED: u64 = 0x005E_ED0F_5AA9;

/// `pairs` permutations of `0..p` drawn from `seed`, each followed by its reverse.
fn antithetic_permutations(p: usize, pairs: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(2 * pairs);
    for _ in 0..pairs {
        let mut order: Vec<usize> = (0..p).collect();
        order.shuffle(&mut rng);
        let reverse = order.iter().rev().copied().collect();
        out.push(order);
        out.push(reverse);
    }
    out
}

/// Per-thread scratch: the rows along every permutation, their logits, and the row being
/// switched.
#[derive(Default)]
struct Chains {
    rows: Vec<f64>,
    logits: Vec<f64>,
    current: Vec<f64>,
}

impl FittedMlp {
    /// The scale of [`FittedMlp::raw_scores`]: log-odds, `predict_proba = sigmoid(raw)`.
    pub fn contribution_scale(&self) -> ContributionScale {
        ContributionScale::LogOdds
    }

    /// The output logit of each row; `predict_proba` is its sigmoid.
    ///
    /// # Errors
    /// As `predict_proba`.
    pub fn raw_scores(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.logits(x)
    }

    /// Contributions to the logit by permutation-sampling Shapley values against the
    /// reference row of training means ([`FittedMlp::feature_means`]; zeros for a model saved
    /// before they were recorded), over [`DEFAULT_PERMUTATIONS`] antithetic permutations drawn
    /// with [`PERMUTATION_SEED`]: `p + 1` columns, the last the bias (the reference row's
    /// logit); each row sums to its logit. See [`crate::explain`].
    ///
    /// # Errors
    /// As [`FittedMlp::contributions_sampled`].
    pub fn contributions(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.contributions_sampled(x, DEFAULT_PERMUTATIONS, PERMUTATION_SEED)
    }

    /// [`FittedMlp::contributions`] over `permutations` permutations (an even number: half
    /// drawn from `seed`, half their reverses). More permutations lower the sampling error of
    /// each contribution (not of their sum, which is exact) in proportion to the square root.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for an odd or zero `permutations`; a corrupted network, a
    /// column count other than the fitted one, non-finite values, or stored means of the wrong
    /// length.
    pub fn contributions_sampled(
        &self,
        x: ArrayView2<'_, f64>,
        permutations: usize,
        seed: u64,
    ) -> Result<Array2<f64>> {
        if permutations == 0 || !permutations.is_multiple_of(2) {
            return Err(ModelError::InvalidParam {
                name: "permutations",
                reason: format!("must be even and positive, got {permutations}"),
            });
        }
        self.check_shapes()?;
        let p = self.n_features();
        let reference = match self.feature_means() {
            [] => vec![0.0; p],
            means if means.len() == p => means.to_vec(),
            means => {
                return Err(ModelError::Shape(format!(
                    "{} feature means for {p} inputs",
                    means.len()
                )));
            }
        };
        check_predict_input(x, p, false)?;
        let mut bias = [0.0];
        self.logits_of_rows(&reference, &mut bias);
        let bias = bias[0];
        let orders = antithetic_permutations(p, permutations / 2, seed);
        let scale = 1.0 / permutations as f64;
        Ok(explain_rows(
            x,
            p + 1,
            Chains::default,
            |chains, row, out| {
                // Rows along each permutation after 1..p-1 switches, then the row itself.
                let steps = p - 1;
                chains.rows.clear();
                for order in &orders {
                    chains.current.clone_from(&reference);
                    for &j in &order[..steps] {
                        chains.current[j] = row[j];
                        chains.rows.extend_from_slice(&chains.current);
                    }
                }
                chains.rows.extend_from_slice(row);
                chains.logits.clear();
                chains.logits.resize(chains.rows.len() / p, 0.0);
                self.logits_of_rows(&chains.rows, &mut chains.logits);
                let full = chains.logits[orders.len() * steps];
                let (phi, last) = out.split_at_mut(p);
                for (m, order) in orders.iter().enumerate() {
                    let mut previous = bias;
                    for (k, &j) in order.iter().enumerate() {
                        let next = if k < steps {
                            chains.logits[m * steps + k]
                        } else {
                            full
                        };
                        phi[j] += next - previous;
                        previous = next;
                    }
                }
                for v in phi.iter_mut() {
                    *v *= scale;
                }
                last[0] = bias;
            },
        ))
    }
}
