//! Reason codes: exact per-feature contributions to a model's raw score.
//!
//! Every fitted model of this crate has `contributions(x)`, which returns an `n × (p + 1)`
//! matrix: column `j < p` is feature `j`'s contribution to the row's raw score, the last column
//! the bias (the same for every row), and each row sums to `raw_scores(x)` of that row up to
//! rounding (`1e-9`). `contribution_scale()` says which score that is ([`ContributionScale`]):
//!
//! | family | raw score | scale | method |
//! |---|---|---|---|
//! | gbm | margin `init + Σ trees` | log-odds | path-dependent TreeSHAP per tree, summed |
//! | decision tree | leaf probability | probability | path-dependent TreeSHAP |
//! | random forest | mean of the trees' leaf probabilities | probability | TreeSHAP per tree, mean |
//! | AdaBoost | decision `2 Σ α_m s_m / Σ α_m` (`s_m = ±1`) | log-odds | TreeSHAP of each vote, weighted |
//! | logistic regression | `x · w + b` | log-odds | exact: `w_j (x_j − mean_j)` |
//! | MLP | the output logit | log-odds | permutation-sampling Shapley values |
//!
//! **Trees** are explained by path-dependent TreeSHAP (Lundberg et al. 2018, arXiv 1802.03888,
//! Algorithm 2): the exact Shapley values of the tree's prediction when a feature outside a
//! coalition is integrated out along the training covers. The covers are stored in the fitted
//! trees (the GBM's LightGBM-style row counts [`RegressionTree`](crate::gbm::RegressionTree),
//! the CART trees' weights [`Tree::cover`](crate::trees::Tree::cover)); a model loaded from a
//! file saved before they were recorded still scores, and explaining it is
//! [`ModelError::NoCovers`](crate::ModelError::NoCovers). A row's path through a split (numeric
//! threshold, missing side for `NaN`, categorical set) is decided by the same routing function
//! the plain scoring walk uses. The bias is the covers' expected prediction.
//!
//! **Logistic regression** is additive: the contribution of feature `j` is `w_j (x_j − m_j)`
//! and the bias `b + Σ_j w_j m_j`, with `m_j` the training mean of column `j` stored at fit time
//! (zeros for a file saved before; still exact, only the reference moves).
//!
//! **The MLP** is explained against one reference row, the training means stored at fit time:
//! the Shapley values of `S ↦ logit(x on S, reference elsewhere)`, estimated by averaging each
//! feature's marginal contribution over a fixed set of permutations ([`DEFAULT_PERMUTATIONS`]
//! by default, half of them drawn with a fixed seed, the other half their reverses: antithetic
//! pairs). Along each permutation the marginal contributions telescope to `logit(x) −
//! logit(reference)`, so efficiency is exact whatever the sampling error; the bias is the
//! reference row's logit. The permutations are the same for every row, so a row's
//! contributions do not depend on the other rows.
//!
//! Rows are explained in parallel (rayon); a row's contributions are bit-for-bit the same alone
//! or in any batch.

mod logistic;
mod permutation;
mod tree_shap;
mod trees;

#[cfg(test)]
mod tests;

use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use permutation::{DEFAULT_PERMUTATIONS, PERMUTATION_SEED};

/// The scale of a model's raw score, on which its contributions add up, and how
/// `predict_proba` follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ContributionScale {
    /// The raw score is the log-odds of a positive: `predict_proba = 1 / (1 + e^(−raw))`
    /// (gbm, AdaBoost, logistic regression, MLP).
    LogOdds,
    /// The raw score is P(positive) itself: `predict_proba = raw` (decision tree, random
    /// forest).
    Probability,
}

impl ContributionScale {
    /// P(positive) from a raw score on this scale (equal to `predict_proba` up to rounding).
    pub fn to_probability(self, raw: f64) -> f64 {
        match self {
            ContributionScale::LogOdds => crate::linear::sigmoid(raw),
            ContributionScale::Probability => raw,
        }
    }
}

/// A tree as path-dependent TreeSHAP sees it: nodes numbered from the root `0`, each a split
/// or a leaf, with a positive training cover.
pub(crate) trait ShapTree {
    /// A split's `(feature, left child, right child)`; `None` for a leaf.
    fn split(&self, node: usize) -> Option<(usize, usize, usize)>;

    /// Whether the split `node` sends `row` left: the routing rule of the model's scoring.
    fn goes_left(&self, node: usize, row: &[f64]) -> bool;

    /// The value of a leaf, on the scale of the contributions.
    fn leaf_value(&self, node: usize) -> f64;

    /// The training cover of a node (positive).
    fn cover(&self, node: usize) -> f64;

    /// The depth of the tree (a single leaf has depth 0).
    fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(0usize, 0usize)];
        while let Some((node, d)) = stack.pop() {
            deepest = deepest.max(d);
            if let Some((_, left, right)) = self.split(node) {
                stack.push((left, d + 1));
                stack.push((right, d + 1));
            }
        }
        deepest
    }
}

/// Rows per parallel task.
const EXPLAIN_BLOCK: usize = 16;

/// The `n × width` matrix whose row `i` is written by `explain(state, row_i, out_i)` (`out_i`
/// zeroed first), rows in parallel blocks; `state` is per-thread scratch made by `init`. Each
/// row is explained on its own, so its output does not depend on the other rows.
pub(crate) fn explain_rows<S, I, F>(
    x: ArrayView2<'_, f64>,
    width: usize,
    init: I,
    explain: F,
) -> Array2<f64>
where
    I: Fn() -> S + Sync + Send,
    F: Fn(&mut S, &[f64], &mut [f64]) + Sync + Send,
{
    let (n, p) = x.dim();
    let mut out = vec![0.0; n * width];
    out.par_chunks_mut(EXPLAIN_BLOCK * width.max(1))
        .zip(x.axis_chunks_iter(Axis(0), EXPLAIN_BLOCK).into_par_iter())
        .for_each_init(
            || (init(), vec![0.0; p]),
            |(state, row), (out_block, x_block)| {
                for (o, r) in out_block.chunks_exact_mut(width).zip(x_block.outer_iter()) {
                    for (d, &v) in row.iter_mut().zip(r) {
                        *d = v;
                    }
                    explain(state, row, o);
                }
            },
        );
    Array2::from_shape_vec((n, width), out).unwrap_or_else(|_| unreachable!("n × width values"))
}
