//! The fitted booster: trees on the raw scale, batch prediction parallel over row blocks.

use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::params::{EvalMetric, GbmParams};
use super::tree::RegressionTree;
use crate::trees::predict::lockstep::{LockstepTree, resolve_padded};
use crate::trees::predict::{checked_predict_blocks_in_runs, checked_predict_raw_blocks};
use crate::{FittedClassifier, Result};

/// Rows copied and walked together through the lock-step layout
/// ([`crate::trees::predict::lockstep`]): the values the trees read (`2p` per row, 11 cache lines
/// for 43 features) stay in the first-level cache while every (small) tree walks them. 32 and 64
/// rows measured the same, 128 rows 17 % slower.
const STEP_RUN_ROWS: usize = 64;

/// Which feature importance to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportanceKind {
    /// Total gain of the splits on the feature (LightGBM `importance_type="gain"`).
    Gain,
    /// Number of splits on the feature (LightGBM `importance_type="split"`).
    Split,
}

/// A fitted gradient-boosted tree classifier. Scores raw `f64` rows (`NaN` = missing) without
/// binning them; serialisable with serde (the JSON round trip is bit-exact, and loading checks
/// that every tree is well formed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FittedGbmParts")]
pub struct FittedGbm {
    pub(crate) n_features: usize,
    /// Log-odds of the weighted base rate, the score before the first tree.
    pub(crate) init_score: f64,
    pub(crate) trees: Vec<RegressionTree>,
    /// Round with the best validation metric when early stopping was on (trees after it are
    /// dropped, so `trees.len() == best_iteration + 1`).
    pub(crate) best_iteration: Option<usize>,
    /// Validation metric per round when early stopping was on.
    pub(crate) validation_history: Vec<f64>,
    /// Validation log loss per round when early stopping was on (equal to
    /// `validation_history` when the metric is log loss).
    pub(crate) validation_log_loss: Vec<f64>,
    pub(crate) params: GbmParams,
    /// The trees in the branch-free scoring layout, derived from `trees` (not saved); `None`
    /// when a tree has a categorical split.
    #[serde(skip)]
    pub(crate) steps: Option<Vec<LockstepTree>>,
}

/// The saved fields of a [`FittedGbm`], checked before they become one.
#[derive(Deserialize)]
struct FittedGbmParts {
    n_features: usize,
    init_score: f64,
    trees: Vec<RegressionTree>,
    best_iteration: Option<usize>,
    validation_history: Vec<f64>,
    /// Absent from files saved before it existed.
    #[serde(default)]
    validation_log_loss: Vec<f64>,
    params: GbmParams,
}

impl TryFrom<FittedGbmParts> for FittedGbm {
    type Error = String;

    fn try_from(parts: FittedGbmParts) -> std::result::Result<Self, String> {
        for (t, tree) in parts.trees.iter().enumerate() {
            tree.check_structure(parts.n_features)
                .map_err(|reason| format!("gbm tree {t}: {reason}"))?;
        }
        let n_rounds = parts.validation_history.len();
        let validation_log_loss = match parts.params.early_stopping {
            // Files saved before the log-loss curve was: with the log-loss metric it is the
            // metric's curve.
            Some(es)
                if parts.validation_log_loss.is_empty() && es.metric == EvalMetric::LogLoss =>
            {
                parts.validation_history.clone()
            }
            _ => parts.validation_log_loss,
        };
        if !validation_log_loss.is_empty() && validation_log_loss.len() != n_rounds {
            return Err(format!(
                "gbm: {} validation log losses for {n_rounds} rounds",
                validation_log_loss.len()
            ));
        }
        let mut model = FittedGbm::new(
            parts.n_features,
            parts.init_score,
            parts.trees,
            parts.best_iteration,
            parts.validation_history,
            parts.params,
        );
        model.validation_log_loss = validation_log_loss;
        Ok(model)
    }
}

impl FittedGbm {
    /// A model from well-formed trees (see [`RegressionTree::check_structure`]), with its scoring
    /// layout.
    pub(crate) fn new(
        n_features: usize,
        init_score: f64,
        trees: Vec<RegressionTree>,
        best_iteration: Option<usize>,
        validation_history: Vec<f64>,
        params: GbmParams,
    ) -> Self {
        let steps = trees
            .iter()
            .map(|tree| LockstepTree::new(&tree.step_layout(n_features)?, n_features))
            .collect::<Option<Vec<_>>>();
        FittedGbm {
            n_features,
            init_score,
            trees,
            best_iteration,
            validation_history,
            validation_log_loss: Vec::new(),
            params,
            steps,
        }
    }

    /// Number of trees used for prediction (after early stopping, if any).
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The trees, in boosting order.
    pub fn trees(&self) -> &[RegressionTree] {
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

    /// The weighted mean log loss `Σ w ℓ / Σ w` of the validation rows after each round
    /// (index `i`: after `i + 1` trees), whatever metric early stopping watched; empty when early
    /// stopping was off. The weights are the validation rows' own (`valid_weight` of
    /// [`GbmParams::fit_with_validation`], or the held-out rows' sample weights), without
    /// `scale_pos_weight`.
    pub fn validation_log_loss(&self) -> &[f64] {
        &self.validation_log_loss
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
        if let Some(steps) = &self.steps {
            return checked_predict_blocks_in_runs(
                x,
                self.n_features,
                STEP_RUN_ROWS,
                resolve_padded,
                |rows, _, scores| {
                    scores.fill(self.init_score);
                    for tree in steps {
                        tree.accumulate(rows, scores);
                    }
                },
            );
        }
        // A tree with a categorical split: the plain walk, tree-major over each block of rows.
        checked_predict_raw_blocks(x, self.n_features, |rows, p, scores| {
            scores.fill(self.init_score);
            for tree in &self.trees {
                for (s, row) in scores.iter_mut().zip(rows.chunks_exact(p)) {
                    *s += tree.predict_row(row);
                }
            }
        })
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

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::Classifier;

    /// The score of each row by the plain walk of every tree ([`RegressionTree::predict_row`]).
    fn plain_scores(model: &FittedGbm, x: &Array2<f64>) -> Vec<f64> {
        x.rows()
            .into_iter()
            .map(|row| {
                let row = row.to_vec();
                model
                    .trees
                    .iter()
                    .fold(model.init_score, |s, tree| s + tree.predict_row(&row))
            })
            .collect()
    }

    fn noisy_data(rows: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = Array2::from_shape_fn((rows, 6), |_| {
            if rng.gen_bool(0.15) {
                f64::NAN
            } else {
                (rng.r#gen::<f64>() * 20.0).round() / 4.0
            }
        });
        let y = x
            .rows()
            .into_iter()
            .map(|r| r[0].is_nan() || r[0] + r[1] * 0.5 > 4.0 || rng.gen_bool(0.1))
            .collect();
        (x, y)
    }

    #[test]
    fn lockstep_scores_equal_the_plain_walk_bit_for_bit() {
        let (x, y) = noisy_data(3_000, 1);
        // 2,100 rows: several parallel blocks and a last group of fewer than LANES rows.
        let (x_test, _) = noisy_data(2_100, 2);
        let mut walks = (0, 0);
        for leaves in [2, 7, 31, 128, 300] {
            let model = GbmParams::new()
                .n_estimators(12)
                .num_leaves(leaves)
                .min_child_samples(1)
                .fit(x.view(), &y, None)
                .expect("fit");
            // Trees of more than 256 nodes take the plain walk; the others the lock step.
            let small = model.trees.iter().all(|t| 2 * t.n_leaves() - 1 <= 256);
            assert_eq!(model.steps.is_some(), small, "{leaves} leaves");
            if small {
                walks.0 += 1;
            } else {
                walks.1 += 1;
            }
            let fast = model.predict_raw(x_test.view()).expect("predict");
            assert_eq!(
                fast.to_vec(),
                plain_scores(&model, &x_test),
                "{leaves} leaves"
            );
        }
        assert!(walks.0 > 0 && walks.1 > 0, "both walks tested: {walks:?}");
    }

    #[test]
    fn non_finite_thresholds_route_as_in_the_plain_walk() {
        // root: x0 <= +inf, missing right -> leaf 0 | leaf 1 ; then x1 <= NaN (nothing goes
        // left but missing values, which go left) in a second tree.
        let tree = |threshold: f64, missing_left: bool, feature: u32| RegressionTree {
            feature: vec![feature],
            threshold: vec![threshold],
            threshold_bin: vec![0],
            missing_left: vec![missing_left],
            left: vec![!0],
            right: vec![!1],
            gain: vec![1.0],
            leaf_value: vec![-1.0, 2.0],
            cat_index: vec![-1],
            cat_codes: Vec::new(),
            cat_bins: Vec::new(),
            internal_count: Vec::new(),
            leaf_count: Vec::new(),
        };
        let trees = vec![
            tree(f64::INFINITY, false, 0),
            tree(f64::NAN, true, 1),
            tree(f64::NEG_INFINITY, true, 0),
        ];
        let model = FittedGbm::new(2, 0.5, trees, None, Vec::new(), GbmParams::new());
        assert!(model.steps.is_some());
        let x = ndarray::array![
            [1.0, 1.0],
            [f64::NAN, 1.0],
            [1.0, f64::NAN],
            [f64::NAN, f64::NAN],
            [-1e300, 1e300]
        ];
        let fast = model.predict_raw(x.view()).expect("predict");
        assert_eq!(fast.to_vec(), plain_scores(&model, &x));
    }

    #[test]
    fn the_validation_log_loss_is_saved_and_older_files_still_load() {
        use crate::gbm::{EarlyStopping, EvalMetric};
        let (x, y) = noisy_data(800, 4);
        let (xv, yv) = noisy_data(300, 5);
        for metric in [EvalMetric::LogLoss, EvalMetric::RocAuc] {
            let model = GbmParams::new()
                .n_estimators(60)
                .learning_rate(0.3)
                .min_child_samples(5)
                .early_stopping(Some(EarlyStopping::new(3).metric(metric)))
                .fit_with_validation(x.view(), &y, None, xv.view(), &yv, None)
                .expect("fit");
            let curve = model.validation_log_loss().to_vec();
            assert_eq!(curve.len(), model.validation_history().len());
            let json = serde_json::to_value(&model).expect("to json");
            let back: FittedGbm = serde_json::from_value(json.clone()).expect("round trip");
            assert_eq!(back, model);
            // A file saved before the log-loss curve existed: with the log-loss metric it is the
            // metric's history; with ROC AUC it is unknown.
            let mut old = json.clone();
            old.as_object_mut()
                .expect("object")
                .remove("validation_log_loss");
            let loaded: FittedGbm = serde_json::from_value(old).expect("old file");
            match metric {
                EvalMetric::LogLoss => assert_eq!(loaded.validation_log_loss(), &curve[..]),
                EvalMetric::RocAuc => assert!(loaded.validation_log_loss().is_empty()),
            }
            let mut bad = json;
            bad["validation_log_loss"] = serde_json::json!([0.5]);
            let err = serde_json::from_value::<FittedGbm>(bad).expect_err("wrong length");
            assert!(err.to_string().contains("validation log losses"), "{err}");
        }
        let plain = GbmParams::new()
            .n_estimators(3)
            .fit(x.view(), &y, None)
            .expect("fit");
        assert!(plain.validation_log_loss().is_empty());
    }

    #[test]
    fn loading_rejects_trees_that_are_not_trees() {
        let (x, y) = noisy_data(300, 3);
        let model = GbmParams::new()
            .n_estimators(3)
            .min_child_samples(1)
            .fit(x.view(), &y, None)
            .expect("fit");
        let json = serde_json::to_value(&model).expect("to json");
        let back: FittedGbm = serde_json::from_value(json.clone()).expect("round trip");
        assert_eq!(back, model);
        let edits: [(&str, serde_json::Value); 4] = [
            ("left", serde_json::json!([0, 0, 0])), // a cycle through the root
            ("right", serde_json::json!([99, 99, 99])), // out of range
            ("feature", serde_json::json!([6, 6, 6])), // no such column
            ("gain", serde_json::json!([])),        // wrong length
        ];
        for (field, value) in edits {
            let mut bad = json.clone();
            let tree = &mut bad["trees"][1];
            let len = tree[field].as_array().map_or(0, Vec::len);
            assert!(len > 0, "tree 1 has splits");
            tree[field] = match value {
                serde_json::Value::Array(v) if !v.is_empty() => {
                    serde_json::Value::Array(v.into_iter().cycle().take(len).collect())
                }
                other => other,
            };
            let err = serde_json::from_value::<FittedGbm>(bad).expect_err(field);
            assert!(err.to_string().contains("gbm tree 1"), "{field}: {err}");
        }
    }
}
