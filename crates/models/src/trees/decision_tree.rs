//! The decision tree as a classifier: [`DecisionTreeParams`] fits a [`FittedDecisionTree`].

use std::borrow::Cow;

use ndarray::{Array1, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::binning::BinnedMatrix;
use super::grow::grow;
use super::params::DecisionTreeParams;
use super::predict::predict_raw_blocks_checked_while_scoring;
use super::tree::Tree;
use crate::check::check_fit_input;
use crate::{Classifier, FittedClassifier, Result};

impl Classifier for DecisionTreeParams {
    type Fitted = FittedDecisionTree;

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedDecisionTree> {
        self.check_for(x.ncols())?;
        check_fit_input(x, y, sample_weight, true)?;
        let binned = BinnedMatrix::fit(x, self.max_bin)?;
        let weights: Cow<'_, [f64]> =
            sample_weight.map_or_else(|| Cow::Owned(vec![1.0; y.len()]), Cow::Borrowed);
        let total: f64 = weights.iter().sum();
        let config = self.grow_config(x.ncols(), total, true);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let tree = grow(&binned, y, &weights, &config, &mut rng);
        Ok(FittedDecisionTree {
            params: self.clone(),
            tree,
        })
    }
}

/// A fitted decision tree: P(positive) is the weighted fraction of positives in a row's leaf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedDecisionTree {
    pub(super) params: DecisionTreeParams,
    pub(super) tree: Tree,
}

impl FittedDecisionTree {
    /// The tree structure.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The parameters it was fitted with.
    pub fn params(&self) -> &DecisionTreeParams {
        &self.params
    }
}

impl FittedClassifier for FittedDecisionTree {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        predict_raw_blocks_checked_while_scoring(x, self.tree.n_features(), |rows, p, out| {
            let mut leaf_of = vec![0.0; out.len() + 1];
            let holds_infinity = self.tree.raw_layout().leaves(rows, p, &mut leaf_of);
            out.copy_from_slice(&leaf_of[..out.len()]);
            holds_infinity
        })
    }

    fn name(&self) -> &'static str {
        "decision_tree"
    }

    fn describe(&self) -> String {
        format!(
            "decision tree ({:?}, max_depth {}, min_samples_leaf {}, max_bin {}): {} leaves, depth {}",
            self.params.criterion,
            self.params
                .max_depth
                .map_or_else(|| "unlimited".to_string(), |d| d.to_string()),
            self.params.min_samples_leaf,
            self.params.max_bin,
            self.tree.n_leaves(),
            self.tree.depth()
        )
    }

    fn feature_importance(&self) -> Option<Vec<f64>> {
        Some(self.tree.feature_importance())
    }
}
