//! The fitted booster: trees on the raw scale, batch prediction parallel over row blocks.

use ndarray::{Array1, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::params::GbmParams;
use super::tree::Tree;
use crate::check::check_predict_input;
use crate::{FittedClassifier, Result};

/// Rows scored together by one task: the trees are walked tree-major over the block, so a
/// tree's nodes stay in cache while the block's rows pass through it.
const PREDICT_BLOCK_ROWS: usize = 512;

/// Which feature importance to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportanceKind {
    /// Total gain of the splits on the feature (LightGBM `importance_type="gain"`).
    Gain,
    /// Number of splits on the feature (LightGBM `importance_type="split"`).
    Split,
}

/// A fitted gradient-boosted tree classifier. Scores raw `f64` rows (`NaN` = missing) without
/// binning them; serialisable with serde (the JSON round trip is bit-exact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedGbm {
    pub(crate) n_features: usize,
    /// Log-odds of the weighted base rate, the score before the first tree.
    pub(crate) init_score: f64,
    pub(crate) trees: Vec<Tree>,
    /// Round with the best validation metric when early stopping was on (trees after it are
    /// dropped, so `trees.len() == best_iteration + 1`).
    pub(crate) best_iteration: Option<usize>,
    /// Validation metric per round when early stopping was on.
    pub(crate) validation_history: Vec<f64>,
    pub(crate) params: GbmParams,
}

impl FittedGbm {
    /// Number of trees used for prediction (after early stopping, if any).
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The trees, in boosting order.
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// The score before the first tree: log-odds of the weighted positive rate.
    pub fn init_score(&self) -> f64 {
        self.init_score
    }

    /// The 0-based round with the best validation metric, when early stopping was on.
    pub fn best_iteration(&self) -> Option<usize> {
        self.best_iteration
    }

    /// The validation metric after each round, when early stopping was on.
    pub fn validation_history(&self) -> &[f64] {
        &self.validation_history
    }

    /// The parameters the model was fitted with.
    pub fn params(&self) -> &GbmParams {
        &self.params
    }

    /// Feature importance, one value per input column.
    pub fn importance(&self, kind: ImportanceKind) -> Vec<f64> {
        let mut out = vec![0.0; self.n_features];
        for tree in &self.trees {
            for (&f, &g) in tree.feature.iter().zip(&tree.gain) {
                out[f as usize] += match kind {
                    ImportanceKind::Gain => g,
                    ImportanceKind::Split => 1.0,
                };
            }
        }
        out
    }

    /// Raw scores (log-odds) of each row of `x`.
    ///
    /// # Errors
    /// A column count different from the one seen at fit time, or an infinite value.
    pub fn predict_raw(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.n_features, true)?;
        let p = self.n_features;
        let mut out = vec![0.0; x.nrows()];
        out.par_chunks_mut(PREDICT_BLOCK_ROWS)
            .enumerate()
            .for_each(|(block, scores)| {
                let start = block * PREDICT_BLOCK_ROWS;
                let mut rows = vec![0.0; scores.len() * p];
                for (k, row_out) in rows.chunks_exact_mut(p).enumerate() {
                    for (o, &v) in row_out.iter_mut().zip(x.row(start + k)) {
                        *o = v;
                    }
                }
                scores.fill(self.init_score);
                for tree in &self.trees {
                    for (s, row) in scores.iter_mut().zip(rows.chunks_exact(p)) {
                        *s += tree.predict_row(row);
                    }
                }
            });
        Ok(Array1::from(out))
    }
}

/// The logistic function, written so that it never returns `NaN`.
#[inline]
pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl FittedClassifier for FittedGbm {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        Ok(self.predict_raw(x)?.mapv(sigmoid))
    }

    fn name(&self) -> &'static str {
        "gbm"
    }

    fn describe(&self) -> String {
        let p = &self.params;
        let bagging = if p.subsample_freq > 0 && p.subsample < 1.0 {
            format!(
                ", bagging {} every {} rounds",
                p.subsample, p.subsample_freq
            )
        } else {
            String::new()
        };
        let colsample = if p.colsample_bytree < 1.0 {
            format!(", colsample_bytree {}", p.colsample_bytree)
        } else {
            String::new()
        };
        let categorical = if p.categorical_features.is_empty() {
            String::new()
        } else {
            format!(", categorical columns {:?}", p.categorical_features)
        };
        format!(
            "gradient-boosted trees ({} trees of up to {} leaves{}, learning rate {}, lambda {}, \
             min_child_samples {}, scale_pos_weight {}{bagging}{colsample}{categorical})",
            self.trees.len(),
            p.num_leaves,
            p.max_depth
                .map_or(String::new(), |d| format!(", depth <= {d}")),
            p.learning_rate,
            p.reg_lambda,
            p.min_child_samples,
            p.scale_pos_weight,
        )
    }

    fn feature_importance(&self) -> Option<Vec<f64>> {
        Some(self.importance(ImportanceKind::Gain))
    }
}
