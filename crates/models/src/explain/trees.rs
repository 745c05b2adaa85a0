//! Contributions of the tree families: path-dependent TreeSHAP ([`super::tree_shap`]) on the
//! GBM's regression trees and on the CART trees of the decision tree, the random forest and
//! AdaBoost.

use ndarray::{Array1, Array2, ArrayView2};

use super::tree_shap::{PathBuffer, add_tree_shap, expected_value};
use super::{ContributionScale, ShapTree, explain_rows};
use crate::check::check_predict_input;
use crate::gbm::{FittedGbm, RegressionTree};
use crate::trees::node::Node;
use crate::trees::{FittedAdaBoost, FittedDecisionTree, FittedRandomForest, Tree};
use crate::{FittedClassifier, ModelError, Result};

/// A GBM tree with its covers: internal node `i` is node `i`, leaf `l` node `n_splits + l`.
pub(crate) struct GbmTreeView<'a> {
    tree: &'a RegressionTree,
    n_splits: usize,
}

impl<'a> GbmTreeView<'a> {
    /// The view of a tree that holds its covers; `None` for a tree of an older file.
    pub(crate) fn new(tree: &'a RegressionTree) -> Option<Self> {
        tree.has_covers().then_some(GbmTreeView {
            tree,
            n_splits: tree.n_splits(),
        })
    }

    fn node_of(&self, child: i32) -> usize {
        if child < 0 {
            self.n_splits + !child as usize
        } else {
            child as usize
        }
    }
}

impl ShapTree for GbmTreeView<'_> {
    fn split(&self, node: usize) -> Option<(usize, usize, usize)> {
        (node < self.n_splits).then(|| {
            (
                self.tree.feature[node] as usize,
                self.node_of(self.tree.left[node]),
                self.node_of(self.tree.right[node]),
            )
        })
    }

    fn goes_left(&self, node: usize, row: &[f64]) -> bool {
        self.tree.goes_left(node, row)
    }

    fn leaf_value(&self, node: usize) -> f64 {
        self.tree.leaf_value[node - self.n_splits]
    }

    fn cover(&self, node: usize) -> f64 {
        f64::from(if node < self.n_splits {
            self.tree.internal_count[node]
        } else {
            self.tree.leaf_count[node - self.n_splits]
        })
    }
}

/// A CART tree with its covers; `votes` maps each leaf to AdaBoost's vote `±1` (positive when
/// the leaf's probability is above 1/2) instead of the leaf's probability.
pub(crate) struct CartTreeView<'a> {
    nodes: &'a [Node],
    cover: &'a [f64],
    votes: bool,
}

impl<'a> CartTreeView<'a> {
    /// The view of a tree that holds its covers ([`ModelError::NoCovers`] naming `model`
    /// otherwise).
    pub(crate) fn new(tree: &'a Tree, votes: bool, model: &'static str) -> Result<Self> {
        let cover = tree.cover().ok_or(ModelError::NoCovers { model })?;
        Ok(CartTreeView {
            nodes: tree.nodes(),
            cover,
            votes,
        })
    }
}

impl ShapTree for CartTreeView<'_> {
    fn split(&self, node: usize) -> Option<(usize, usize, usize)> {
        let n = &self.nodes[node];
        let (left, right) = n.children()?;
        Some((n.feature()?, left, right))
    }

    fn goes_left(&self, node: usize, row: &[f64]) -> bool {
        let n = &self.nodes[node];
        n.feature().is_some_and(|f| n.goes_left(row[f]))
    }

    fn leaf_value(&self, node: usize) -> f64 {
        let value = self.nodes[node].value().unwrap_or(0.0);
        if !self.votes {
            value
        } else if value > 0.5 {
            1.0
        } else {
            -1.0
        }
    }

    fn cover(&self, node: usize) -> f64 {
        self.cover[node]
    }
}

/// Contributions of an additive ensemble `base + Σ_t scale_t · tree_t(x)`: each tree's
/// TreeSHAP values times its scale, summed in tree order; the bias is `base + Σ_t scale_t ·
/// E[tree_t]`.
fn explain_ensemble<T: ShapTree + Sync>(
    x: ArrayView2<'_, f64>,
    trees: &[(T, f64)],
    base: f64,
) -> Array2<f64> {
    let p = x.ncols();
    let depths: Vec<usize> = trees.iter().map(|(tree, _)| tree.depth()).collect();
    let bias = trees
        .iter()
        .fold(base, |b, (tree, scale)| b + scale * expected_value(tree, 0));
    explain_rows(x, p + 1, PathBuffer::default, |buffer, row, out| {
        let (phi, last) = out.split_at_mut(p);
        for ((tree, scale), &depth) in trees.iter().zip(&depths) {
            add_tree_shap(tree, depth, row, *scale, phi, buffer);
        }
        last[0] = bias;
    })
}

impl FittedGbm {
    /// The scale of [`FittedGbm::raw_scores`]: log-odds, `predict_proba = sigmoid(raw)`.
    pub fn contribution_scale(&self) -> ContributionScale {
        ContributionScale::LogOdds
    }

    /// The margin (log-odds) of each row: the initial score plus every tree's leaf value, as
    /// [`FittedGbm::predict_raw`].
    ///
    /// # Errors
    /// As [`FittedGbm::predict_raw`].
    pub fn raw_scores(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.predict_raw(x)
    }

    /// Per-feature contributions to the margin by path-dependent TreeSHAP, one row per row of
    /// `x` and `p + 1` columns (the last the bias: the initial score plus each tree's expected
    /// value over its training row counts); each row sums to the row's margin. `NaN` values
    /// follow the missing side of each split and category codes their sets, as in scoring.
    /// See [`crate::explain`].
    ///
    /// # Errors
    /// [`ModelError::NoCovers`] for a model from a file saved before covers were recorded; a
    /// column count other than the fitted one, or an infinite value.
    pub fn contributions(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let trees = self
            .trees()
            .iter()
            .map(|tree| Some((GbmTreeView::new(tree)?, 1.0)))
            .collect::<Option<Vec<_>>>()
            .ok_or(ModelError::NoCovers { model: "gbm" })?;
        check_predict_input(x, self.n_features, true)?;
        Ok(explain_ensemble(x, &trees, self.init_score()))
    }
}

impl FittedDecisionTree {
    /// The scale of [`FittedDecisionTree::raw_scores`]: the probability itself.
    pub fn contribution_scale(&self) -> ContributionScale {
        ContributionScale::Probability
    }

    /// P(positive) of each row (the leaf's weighted positive fraction), as `predict_proba`.
    ///
    /// # Errors
    /// As `predict_proba`.
    pub fn raw_scores(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.predict_proba(x)
    }

    /// Per-feature contributions to P(positive) by path-dependent TreeSHAP over the tree's
    /// weighted training covers; `p + 1` columns, the last the bias (the covers' mean leaf
    /// probability). See [`crate::explain`].
    ///
    /// # Errors
    /// [`ModelError::NoCovers`] for a tree from a file saved before covers were recorded; a
    /// column count other than the fitted one, or an infinite value.
    pub fn contributions(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let view = CartTreeView::new(self.tree(), false, "decision_tree")?;
        check_predict_input(x, self.tree().n_features(), true)?;
        Ok(explain_ensemble(x, &[(view, 1.0)], 0.0))
    }
}

impl FittedRandomForest {
    /// The scale of [`FittedRandomForest::raw_scores`]: the probability itself.
    pub fn contribution_scale(&self) -> ContributionScale {
        ContributionScale::Probability
    }

    /// P(positive) of each row (the mean of the trees' leaf fractions), as `predict_proba`.
    ///
    /// # Errors
    /// As `predict_proba`.
    pub fn raw_scores(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.predict_proba(x)
    }

    /// Per-feature contributions to P(positive): the mean over trees of each tree's
    /// path-dependent TreeSHAP values; `p + 1` columns, the last the bias (the mean of the
    /// trees' expected values). See [`crate::explain`].
    ///
    /// # Errors
    /// [`ModelError::NoCovers`] for a forest from a file saved before covers were recorded; a
    /// column count other than the fitted one, or an infinite value.
    pub fn contributions(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let scale = 1.0 / self.trees().len() as f64;
        let trees = self
            .trees()
            .iter()
            .map(|tree| Ok((CartTreeView::new(tree, false, "random_forest")?, scale)))
            .collect::<Result<Vec<_>>>()?;
        check_predict_input(x, self.n_features(), true)?;
        Ok(explain_ensemble(x, &trees, 0.0))
    }
}

impl FittedAdaBoost {
    /// The scale of [`FittedAdaBoost::raw_scores`]: log-odds, `predict_proba = sigmoid(raw)`.
    pub fn contribution_scale(&self) -> ContributionScale {
        ContributionScale::LogOdds
    }

    /// The decision function `d = 2 Σ α_m s_m / Σ α_m` of each row (`s_m = ±1`, the vote of
    /// tree `m`); `predict_proba = 1 / (1 + e^(−d))`.
    ///
    /// # Errors
    /// As `predict_proba`.
    pub fn raw_scores(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.decisions(x)
    }

    /// Per-feature contributions to the decision function: each tree's vote (`±1`) explained
    /// by path-dependent TreeSHAP, weighted `2 α_m / Σ α`; `p + 1` columns, the last the bias
    /// (the weighted expected votes). See [`crate::explain`].
    ///
    /// # Errors
    /// [`ModelError::NoCovers`] for a model from a file saved before covers were recorded; a
    /// column count other than the fitted one, or an infinite value.
    pub fn contributions(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let alpha_sum: f64 = self.tree_weights().iter().sum();
        let trees = self
            .trees()
            .iter()
            .zip(self.tree_weights())
            .map(|(tree, &alpha)| {
                Ok((
                    CartTreeView::new(tree, true, "adaboost")?,
                    2.0 * alpha / alpha_sum,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        check_predict_input(x, self.n_features(), true)?;
        Ok(explain_ensemble(x, &trees, 0.0))
    }
}
