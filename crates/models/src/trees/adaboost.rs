//! AdaBoost (discrete SAMME) over histogram CART trees: [`AdaBoostParams`] (how it is fitted and
//! what its probabilities are, with an example) and [`FittedAdaBoost`].

use ndarray::{Array1, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::binning::BinnedMatrix;
use super::grow::grow;
use super::params::{DecisionTreeParams, SplitCriterion, invalid};
use super::predict::{checked_predict_raw_blocks, predict_rows};
use super::tree::{Tree, normalise};
use crate::check::check_fit_input;
use crate::{Classifier, FittedClassifier, ModelError, Result};

/// Hyper-parameters of a [`FittedAdaBoost`].
///
/// The model is AdaBoost (discrete SAMME) over weighted histogram CART stumps or shallow
/// trees, with probabilities computed as scikit-learn's `AdaBoostClassifier` (>= 1.6, SAMME
/// only).
///
/// Fitting follows scikit-learn 1.9's `AdaBoostClassifier.fit` / `_boost`:
///
/// 1. sample weights are normalised to sum to 1;
/// 2. each round clips positive weights below machine epsilon up to epsilon (rows whose weight
///    was zero at the start stay zero), fits a base tree on the weights, and measures its weighted
///    error `err` (a row counts as predicted positive when its leaf fraction is above 1/2);
/// 3. `err == 0` (perfect fit): the tree is kept with weight 1 and boosting stops;
///    `err >= 1/2` (no better than chance): the tree is dropped and boosting stops, which is an
///    error ([`ModelError::FitFailed`]) when it happens in the first round;
/// 4. otherwise the tree gets weight `alpha = learning_rate · ln((1 - err) / err)`, the weights
///    of misclassified rows are multiplied by `exp(alpha)`, and all weights are normalised
///    (boosting stops if their sum is not finite).
///
/// With votes `s_m = ±1` (positive / negative) the decision function is
/// `d = 2 Σ alpha_m s_m / Σ alpha_m` and `P(positive) = softmax([-d, d] / 2)[1] = 1 / (1 + e^(-d))`,
/// which is what scikit-learn's `predict_proba` computes for two classes (softmax of the decision
/// function divided by `n_classes - 1`).
///
/// The matrix is binned once; each round grows a tree on it with all features as candidates
/// (histograms built in parallel over features for large inputs).
///
/// ```
/// use ndarray::Array2;
/// use pdscore_models::{Classifier, FittedClassifier};
/// use pdscore_models::trees::AdaBoostParams;
///
/// let x = Array2::from_shape_fn((100, 2), |(i, j)| ((i * (j + 2)) % 17) as f64);
/// let y: Vec<bool> = (0..100).map(|i| x[[i, 0]] + x[[i, 1]] > 14.0).collect();
/// let model = AdaBoostParams::new().n_estimators(30).fit(x.view(), &y, None)?;
/// let p = model.predict_proba(x.view())?;
/// assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdaBoostParams {
    n_estimators: usize,
    learning_rate: f64,
    tree: DecisionTreeParams,
    seed: u64,
}

impl Default for AdaBoostParams {
    fn default() -> Self {
        Self::new()
    }
}

impl AdaBoostParams {
    /// The defaults (scikit-learn's): 50 rounds, learning rate 1, stumps (`max_depth = 1`) with
    /// the Gini criterion, `max_bin = 255`, seed 0.
    pub fn new() -> Self {
        AdaBoostParams {
            n_estimators: 50,
            learning_rate: 1.0,
            tree: DecisionTreeParams::new().max_depth(Some(1)),
            seed: 0,
        }
    }

    /// Maximum number of boosting rounds (default 50; fewer trees when boosting stops early).
    pub fn n_estimators(mut self, n: usize) -> Self {
        self.n_estimators = n;
        self
    }

    /// Shrinkage of each tree's weight, `> 0` (default 1.0).
    pub fn learning_rate(mut self, learning_rate: f64) -> Self {
        self.learning_rate = learning_rate;
        self
    }

    /// Depth of the base trees (default 1: stumps).
    pub fn max_depth(mut self, max_depth: usize) -> Self {
        self.tree = self.tree.max_depth(Some(max_depth));
        self
    }

    /// The base tree's full parameters (default: [`DecisionTreeParams`] with `max_depth = 1`).
    /// Its seed is replaced by one derived from [`AdaBoostParams::seed`] for each round.
    pub fn base_tree(mut self, tree: DecisionTreeParams) -> Self {
        self.tree = tree;
        self
    }

    /// Split criterion of the base trees (default [`SplitCriterion::Gini`]).
    pub fn criterion(mut self, criterion: SplitCriterion) -> Self {
        self.tree = self.tree.criterion(criterion);
        self
    }

    /// Monotone constraints of the base trees (see
    /// [`DecisionTreeParams::monotone_constraints`]): every tree is monotone and its vote weight
    /// is positive, so the decision function, and the probability, are monotone too.
    pub fn monotone_constraints(mut self, constraints: Vec<i8>) -> Self {
        self.tree = self.tree.monotone_constraints(constraints);
        self
    }

    /// Maximum number of bins per feature, missing bin included, `2..=256` (default 255).
    pub fn max_bin(mut self, max_bin: usize) -> Self {
        self.tree = self.tree.max_bin(max_bin);
        self
    }

    /// Seed of the base trees' feature sampling (default 0; stumps over all features use no
    /// randomness).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks every parameter.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the first invalid parameter.
    pub fn check(&self) -> Result<()> {
        if self.n_estimators == 0 {
            return Err(invalid("n_estimators", "must be at least 1".into()));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(invalid(
                "learning_rate",
                format!("must be finite and > 0, got {}", self.learning_rate),
            ));
        }
        self.tree.check()
    }
}

impl Classifier for AdaBoostParams {
    type Fitted = FittedAdaBoost;

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedAdaBoost> {
        self.check()?;
        self.tree.check_for(x.ncols())?;
        check_fit_input(x, y, sample_weight, true)?;
        let binned = BinnedMatrix::fit(x, self.tree.bins())?;
        let n = y.len();
        let mut weights: Vec<f64> = sample_weight.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        let total: f64 = weights.iter().sum();
        for w in &mut weights {
            *w /= total;
        }
        let originally_zero: Vec<bool> = weights.iter().map(|&w| w == 0.0).collect();
        let mut seeder = ChaCha8Rng::seed_from_u64(self.seed);
        let mut trees = Vec::new();
        let mut tree_weights = Vec::new();
        let mut errors = Vec::new();
        for round in 0..self.n_estimators {
            for (w, &zero) in weights.iter_mut().zip(&originally_zero) {
                if !zero && *w < f64::EPSILON {
                    *w = f64::EPSILON;
                }
            }
            let total: f64 = weights.iter().sum();
            let config = self.tree.grow_config(x.ncols(), total, true);
            let mut rng = ChaCha8Rng::seed_from_u64(seeder.r#gen());
            let tree = grow(&binned, y, &weights, &config, &mut rng);
            let predicted = predict_rows(x, |row| tree.predict_row(row));
            let incorrect: Vec<bool> = predicted
                .iter()
                .zip(y)
                .map(|(&p, &label)| (p > 0.5) != label)
                .collect();
            let error: f64 = weights
                .iter()
                .zip(&incorrect)
                .filter(|&(_, &wrong)| wrong)
                .map(|(w, _)| w)
                .sum::<f64>()
                / total;
            if error <= 0.0 {
                trees.push(tree);
                tree_weights.push(1.0);
                errors.push(0.0);
                break;
            }
            if error >= 0.5 {
                if trees.is_empty() {
                    return Err(ModelError::FitFailed {
                        model: "adaboost",
                        reason: format!(
                            "the first base tree is no better than chance (weighted error {error})"
                        ),
                    });
                }
                break;
            }
            let alpha = self.learning_rate * ((1.0 - error) / error).ln();
            trees.push(tree);
            tree_weights.push(alpha);
            errors.push(error);
            if round + 1 == self.n_estimators {
                break;
            }
            let boost = alpha.exp();
            for (w, &wrong) in weights.iter_mut().zip(&incorrect) {
                if wrong && *w > 0.0 {
                    *w *= boost;
                }
            }
            let sum: f64 = weights.iter().sum();
            if !sum.is_finite() || sum <= 0.0 {
                break;
            }
            for w in &mut weights {
                *w /= sum;
            }
        }
        Ok(FittedAdaBoost {
            params: self.clone(),
            n_features: x.ncols(),
            trees,
            tree_weights,
            errors,
        })
    }
}

/// A fitted AdaBoost (SAMME) ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FittedAdaBoostRepr")]
pub struct FittedAdaBoost {
    params: AdaBoostParams,
    n_features: usize,
    trees: Vec<Tree>,
    tree_weights: Vec<f64>,
    errors: Vec<f64>,
}

/// The serialised form of a [`FittedAdaBoost`], checked before it becomes one.
#[derive(Deserialize)]
struct FittedAdaBoostRepr {
    params: AdaBoostParams,
    n_features: usize,
    trees: Vec<Tree>,
    tree_weights: Vec<f64>,
    errors: Vec<f64>,
}

impl TryFrom<FittedAdaBoostRepr> for FittedAdaBoost {
    type Error = String;

    fn try_from(repr: FittedAdaBoostRepr) -> std::result::Result<Self, String> {
        let consistent = !repr.trees.is_empty()
            && repr.trees.len() == repr.tree_weights.len()
            && repr.trees.len() == repr.errors.len()
            && repr.trees.iter().all(|t| t.n_features() == repr.n_features)
            && repr.tree_weights.iter().all(|w| w.is_finite() && *w > 0.0);
        if !consistent {
            return Err("adaboost: trees, weights and column count do not match".into());
        }
        Ok(FittedAdaBoost {
            params: repr.params,
            n_features: repr.n_features,
            trees: repr.trees,
            tree_weights: repr.tree_weights,
            errors: repr.errors,
        })
    }
}

impl FittedAdaBoost {
    /// The base trees, in boosting order.
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// Each tree's weight `alpha` in the vote.
    pub fn tree_weights(&self) -> &[f64] {
        &self.tree_weights
    }

    /// Each tree's weighted training error.
    pub fn errors(&self) -> &[f64] {
        &self.errors
    }

    /// Number of input columns.
    pub(crate) fn n_features(&self) -> usize {
        self.n_features
    }

    /// The decision function of each row of `x` (see [`FittedAdaBoost::decision`]), checked
    /// as `predict_proba` checks its input.
    pub(crate) fn decisions(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let alpha_sum: f64 = self.tree_weights.iter().sum();
        checked_predict_raw_blocks(x, self.n_features, |rows, p, out| {
            for (row, o) in rows.chunks_exact(p).zip(out.iter_mut()) {
                *o = self.decision(row, alpha_sum);
            }
        })
    }

    /// The decision function `2 Σ alpha_m s_m / Σ alpha_m` of one row (`s_m = ±1`).
    fn decision(&self, row: &[f64], alpha_sum: f64) -> f64 {
        let mut vote = 0.0;
        for (tree, &alpha) in self.trees.iter().zip(&self.tree_weights) {
            if tree.predict_row(row) > 0.5 {
                vote += alpha;
            } else {
                vote -= alpha;
            }
        }
        2.0 * vote / alpha_sum
    }
}

impl FittedClassifier for FittedAdaBoost {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let alpha_sum: f64 = self.tree_weights.iter().sum();
        checked_predict_raw_blocks(x, self.n_features, |rows, p, out| {
            for (row, o) in rows.chunks_exact(p).zip(out.iter_mut()) {
                let d = self.decision(row, alpha_sum);
                *o = 1.0 / (1.0 + (-d).exp());
            }
        })
    }

    fn name(&self) -> &'static str {
        "adaboost"
    }

    fn describe(&self) -> String {
        format!(
            "AdaBoost SAMME ({} of {} rounds, learning_rate {}, base tree max_depth {:?})",
            self.trees.len(),
            self.params.n_estimators,
            self.params.learning_rate,
            self.trees.iter().map(Tree::depth).max().unwrap_or(0)
        )
    }

    /// Tree importances averaged with the tree weights, as scikit-learn.
    fn feature_importance(&self) -> Option<Vec<f64>> {
        let mut sum = vec![0.0; self.n_features];
        for (tree, &alpha) in self.trees.iter().zip(&self.tree_weights) {
            for (s, v) in sum.iter_mut().zip(tree.feature_importance()) {
                *s += alpha * v;
            }
        }
        Some(normalise(&sum))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    #[test]
    fn perfect_first_stump_stops_with_weight_one() {
        let x = array![[0.0], [1.0], [2.0], [3.0]];
        let y = [false, false, true, true];
        let model = AdaBoostParams::new().fit(x.view(), &y, None).unwrap();
        assert_eq!(model.trees().len(), 1);
        assert_eq!(model.tree_weights(), &[1.0]);
        // d = 2 for the positive side: P = sigmoid(2).
        let p = model.predict_proba(x.view()).unwrap();
        let expected = 1.0 / (1.0 + (-2.0f64).exp());
        assert!((p[3] - expected).abs() < 1e-15);
        assert!((p[0] - (1.0 - expected)).abs() < 1e-15);
    }

    #[test]
    fn no_better_than_chance_is_an_error() {
        // Identical rows with both labels at equal weight: every stump errs half the time.
        let x = array![[1.0], [1.0], [1.0], [1.0]];
        let y = [true, false, true, false];
        assert!(matches!(
            AdaBoostParams::new().fit(x.view(), &y, None),
            Err(ModelError::FitFailed { .. })
        ));
    }

    #[test]
    fn tree_weights_follow_samme() {
        let n = 400;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| ((i * (j + 5) * 7919) % 97) as f64);
        let y: Vec<bool> = (0..n)
            .map(|i| x[[i, 0]] + 0.5 * x[[i, 1]] > 70.0 || i % 13 == 0)
            .collect();
        let model = AdaBoostParams::new()
            .n_estimators(20)
            .learning_rate(0.5)
            .fit(x.view(), &y, None)
            .unwrap();
        assert!(!model.trees().is_empty());
        for (&alpha, &err) in model.tree_weights().iter().zip(model.errors()) {
            assert!(err > 0.0 && err < 0.5);
            assert!((alpha - 0.5 * ((1.0 - err) / err).ln()).abs() < 1e-12);
        }
        // The first stump's error is its weighted misclassification rate on uniform weights.
        let first = &model.trees()[0];
        let wrong = x
            .outer_iter()
            .zip(&y)
            .filter(|(row, label)| (first.predict_row(&row.to_vec()) > 0.5) != **label)
            .count();
        assert!((model.errors()[0] - wrong as f64 / n as f64).abs() < 1e-12);
    }

    #[test]
    fn bad_learning_rate_is_an_error() {
        let x = array![[0.0], [1.0]];
        let y = [false, true];
        for lr in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                AdaBoostParams::new()
                    .learning_rate(lr)
                    .fit(x.view(), &y, None),
                Err(ModelError::InvalidParam { .. })
            ));
        }
    }
}
