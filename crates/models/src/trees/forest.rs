//! Random forest of histogram CART trees: [`RandomForestParams`] (how it is fitted, with an
//! example), [`FittedRandomForest`] and the ranked layout's runs of rows.

use std::borrow::Cow;

use ndarray::{Array1, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::binning::BinnedMatrix;
use super::grow::grow;
use super::params::{DecisionTreeParams, MaxFeatures, SplitCriterion, invalid};
use super::predict::ranked::RankedForest;
use super::predict::{PREDICT_BLOCK, checked_predict_blocks};
use super::tree::{Tree, normalise};
use crate::check::check_fit_input;
use crate::{Classifier, FittedClassifier, Result};

/// Class weighting of a forest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClassWeight {
    /// Rows keep their sample weight.
    None,
    /// Rows are weighted by `n / (2 · count of their class)` over the whole training set.
    Balanced,
    /// As `Balanced`, but counted over each tree's bootstrap sample (same as `Balanced` without
    /// bootstrap).
    BalancedSubsample,
}

/// Hyper-parameters of a [`FittedRandomForest`]; defaults follow scikit-learn's
/// `RandomForestClassifier`.
///
/// The forest's histogram CART trees ([`crate::trees`]) are fitted in parallel with rayon.
///
/// The matrix is binned once per forest; each tree then sees a bootstrap sample expressed as
/// row multiplicities (a row drawn three times has its weight multiplied by three) rather than a
/// copied matrix, and draws `max_features` candidate features at each node. P(positive) is the
/// mean over trees of the leaf's weighted positive fraction (scikit-learn's `predict_proba`, not a
/// vote count).
///
/// Each tree's seed is drawn in order from a generator seeded with the forest's seed before any
/// tree is grown, so the fitted forest is the same whatever the number of threads.
///
/// With [`ClassWeight::BalancedSubsample`] every tree weights its rows by `n / (2 · count)`
/// of their class, counted over that tree's bootstrap draws (with repetitions), as
/// scikit-learn's `class_weight="balanced_subsample"`; user weights multiply these.
///
/// ```
/// use ndarray::Array2;
/// use pdscore_models::{Classifier, FittedClassifier};
/// use pdscore_models::trees::{ClassWeight, RandomForestParams};
///
/// let x = Array2::from_shape_fn((200, 3), |(i, j)| ((i * (j + 1)) % 23) as f64);
/// let y: Vec<bool> = (0..200).map(|i| (i % 23) > 17).collect();
/// let forest = RandomForestParams::new()
///     .n_estimators(20)
///     .class_weight(ClassWeight::BalancedSubsample)
///     .seed(1)
///     .fit(x.view(), &y, None)?;
/// let p = forest.predict_proba(x.view())?;
/// assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
/// # Ok::<(), pdscore_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomForestParams {
    n_estimators: usize,
    bootstrap: bool,
    class_weight: ClassWeight,
    tree: DecisionTreeParams,
    seed: u64,
}

impl Default for RandomForestParams {
    fn default() -> Self {
        Self::new()
    }
}

impl RandomForestParams {
    /// The defaults: 100 trees, bootstrap, no class weights, Gini, `max_features = sqrt`,
    /// unlimited depth, `min_samples_split = 2`, `min_samples_leaf = 1`, `max_bin = 255`,
    /// seed 0.
    pub fn new() -> Self {
        RandomForestParams {
            n_estimators: 100,
            bootstrap: true,
            class_weight: ClassWeight::None,
            tree: DecisionTreeParams::new().max_features(MaxFeatures::Sqrt),
            seed: 0,
        }
    }

    /// Number of trees (default 100).
    pub fn n_estimators(mut self, n: usize) -> Self {
        self.n_estimators = n;
        self
    }

    /// Whether each tree sees a bootstrap sample of `n` draws with replacement (default `true`)
    /// or every row once.
    pub fn bootstrap(mut self, bootstrap: bool) -> Self {
        self.bootstrap = bootstrap;
        self
    }

    /// Class weighting (default [`ClassWeight::None`]).
    pub fn class_weight(mut self, class_weight: ClassWeight) -> Self {
        self.class_weight = class_weight;
        self
    }

    /// The class weighting setting.
    pub fn class_weight_setting(&self) -> ClassWeight {
        self.class_weight
    }

    /// Features drawn at each node (default [`MaxFeatures::Sqrt`]).
    pub fn max_features(mut self, max_features: MaxFeatures) -> Self {
        self.tree = self.tree.max_features(max_features);
        self
    }

    /// Split criterion of the trees (default [`SplitCriterion::Gini`]).
    pub fn criterion(mut self, criterion: SplitCriterion) -> Self {
        self.tree = self.tree.criterion(criterion);
        self
    }

    /// Maximum tree depth (default `None`: unlimited).
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.tree = self.tree.max_depth(max_depth);
        self
    }

    /// Minimum rows to split a node (default 2).
    pub fn min_samples_split(mut self, n: usize) -> Self {
        self.tree = self.tree.min_samples_split(n);
        self
    }

    /// Minimum distinct rows per leaf (default 1).
    pub fn min_samples_leaf(mut self, n: usize) -> Self {
        self.tree = self.tree.min_samples_leaf(n);
        self
    }

    /// Minimum share of a tree's total weight per leaf, in `[0, 0.5]` (default 0).
    pub fn min_weight_fraction_leaf(mut self, fraction: f64) -> Self {
        self.tree = self.tree.min_weight_fraction_leaf(fraction);
        self
    }

    /// Monotone constraints of every tree (see [`DecisionTreeParams::monotone_constraints`]):
    /// each tree is monotone, so their mean is too.
    pub fn monotone_constraints(mut self, constraints: Vec<i8>) -> Self {
        self.tree = self.tree.monotone_constraints(constraints);
        self
    }

    /// Maximum number of bins per feature, missing bin included, `2..=256` (default 255).
    pub fn max_bin(mut self, max_bin: usize) -> Self {
        self.tree = self.tree.max_bin(max_bin);
        self
    }

    /// Seed of the bootstrap draws and feature sampling (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks every parameter.
    ///
    /// # Errors
    /// [`crate::ModelError::InvalidParam`] naming the first invalid parameter.
    pub fn check(&self) -> Result<()> {
        if self.n_estimators == 0 {
            return Err(invalid("n_estimators", "must be at least 1".into()));
        }
        self.tree.check()
    }
}

/// Per-row weights `n / (2 · count of the row's class)`, with counts taken over `counts`
/// multiplicities (a row counted `counts[i]` times).
fn balanced_class_weights(y: &[bool], counts: Option<&[u32]>) -> (f64, f64) {
    let (mut n_pos, mut n_neg) = (0.0f64, 0.0f64);
    for (i, &label) in y.iter().enumerate() {
        let c = counts.map_or(1.0, |c| f64::from(c[i]));
        if label {
            n_pos += c;
        } else {
            n_neg += c;
        }
    }
    let n = n_pos + n_neg;
    let weight = |count: f64| if count > 0.0 { n / (2.0 * count) } else { 0.0 };
    (weight(n_neg), weight(n_pos))
}

impl Classifier for RandomForestParams {
    type Fitted = FittedRandomForest;

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedRandomForest> {
        self.check()?;
        self.tree.check_for(x.ncols())?;
        check_fit_input(x, y, sample_weight, true)?;
        let binned = BinnedMatrix::fit(x, self.tree.bins())?;
        let n = y.len();
        let user_weights: Cow<'_, [f64]> =
            sample_weight.map_or_else(|| Cow::Owned(vec![1.0; n]), Cow::Borrowed);
        let mut seeder = ChaCha8Rng::seed_from_u64(self.seed);
        let tree_seeds: Vec<u64> = (0..self.n_estimators).map(|_| seeder.r#gen()).collect();
        let whole_sample_balance = match self.class_weight {
            ClassWeight::Balanced => Some(balanced_class_weights(y, None)),
            ClassWeight::BalancedSubsample if !self.bootstrap => {
                Some(balanced_class_weights(y, None))
            }
            // BalancedSubsample with bootstrap is applied per tree.
            ClassWeight::None | ClassWeight::BalancedSubsample => None,
        };
        let grow_one = |tree_seed: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(tree_seed);
            let mut weights = user_weights.to_vec();
            if self.bootstrap {
                let mut counts = vec![0u32; n];
                for _ in 0..n {
                    counts[rng.gen_range(0..n)] += 1;
                }
                for (w, &c) in weights.iter_mut().zip(&counts) {
                    *w *= f64::from(c);
                }
                if self.class_weight == ClassWeight::BalancedSubsample {
                    apply_class_weights(&mut weights, y, balanced_class_weights(y, Some(&counts)));
                }
            }
            if let Some(class_weights) = whole_sample_balance {
                apply_class_weights(&mut weights, y, class_weights);
            }
            let total: f64 = weights.iter().sum();
            let config = self.tree.grow_config(x.ncols(), total, false);
            grow(&binned, y, &weights, &config, &mut rng)
        };
        let trees: Vec<Tree> = tree_seeds.into_par_iter().map(grow_one).collect();
        Ok(FittedRandomForest::new(self.clone(), x.ncols(), trees))
    }
}

fn apply_class_weights(weights: &mut [f64], y: &[bool], (w_neg, w_pos): (f64, f64)) {
    for (w, &label) in weights.iter_mut().zip(y) {
        *w *= if label { w_pos } else { w_neg };
    }
}

/// A fitted random forest: P(positive) is the mean of the trees' leaf fractions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FittedRandomForestRepr")]
pub struct FittedRandomForest {
    params: RandomForestParams,
    n_features: usize,
    trees: Vec<Tree>,
    /// The trees laid out for scoring on rank codes (`None` when they cannot be), derived
    /// from `trees` when the forest is fitted or loaded (not saved).
    #[serde(skip_serializing)]
    ranked: DerivedRankedForest,
}

/// A forest's [`RankedForest`]. It is derived from the trees, so comparisons ignore it.
#[derive(Debug, Clone)]
struct DerivedRankedForest(Option<RankedForest>);

impl PartialEq for DerivedRankedForest {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// The most bytes of codes (`2p` codes of 2 bytes per row) coded and walked together by the
/// ranked layout: the codes stay in the second-level cache while every tree walks them, and
/// each tree's nodes, once loaded, serve that many rows.
///
/// Longer runs than the 256 rows of the `f64` walk pay most on bigger trees, whose nodes no
/// longer fit the cache, so that each run loads every tree again: a third off taiwan_credit's
/// forest at 2,048 rows (the figures are in `docs/models.md`).
const RANKED_RUN_BYTES: usize = 384 * 1024;

/// Rows per run of the ranked layout for rows of `p` features: [`RANKED_RUN_BYTES`] of codes,
/// at least 64 rows and at most a parallel block ([`PREDICT_BLOCK`] rows).
fn ranked_run_rows(p: usize) -> usize {
    (RANKED_RUN_BYTES / (4 * p.max(1))).clamp(64, PREDICT_BLOCK)
}

/// The serialised form of a [`FittedRandomForest`], checked before it becomes one.
#[derive(Deserialize)]
struct FittedRandomForestRepr {
    params: RandomForestParams,
    n_features: usize,
    trees: Vec<Tree>,
}

impl TryFrom<FittedRandomForestRepr> for FittedRandomForest {
    type Error = String;

    fn try_from(repr: FittedRandomForestRepr) -> std::result::Result<Self, String> {
        if repr.trees.is_empty() || repr.trees.iter().any(|t| t.n_features() != repr.n_features) {
            return Err("random forest: no trees, or trees fitted on another column count".into());
        }
        Ok(FittedRandomForest::new(
            repr.params,
            repr.n_features,
            repr.trees,
        ))
    }
}

impl FittedRandomForest {
    /// A forest from checked parts, with its scoring layout.
    fn new(params: RandomForestParams, n_features: usize, trees: Vec<Tree>) -> Self {
        let ranked = DerivedRankedForest(RankedForest::new(&trees, n_features));
        FittedRandomForest {
            params,
            n_features,
            trees,
            ranked,
        }
    }

    /// The trees, in the order of their seeds.
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// The parameters it was fitted with.
    pub fn params(&self) -> &RandomForestParams {
        &self.params
    }

    /// Number of input columns.
    pub(crate) fn n_features(&self) -> usize {
        self.n_features
    }
}

impl FittedClassifier for FittedRandomForest {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let n_trees = self.trees.len() as f64;
        let mean = |out: &mut [f64]| {
            for o in out.iter_mut() {
                *o = (*o / n_trees).clamp(0.0, 1.0);
            }
        };
        // Each call gets a few hundred rows, small enough to stay in cache while every tree
        // walks them; each row sums its trees in tree order, whatever the call it is in.
        if let Some(ranked) = &self.ranked.0 {
            return ranked.predict(x, ranked_run_rows(self.n_features), mean);
        }
        checked_predict_blocks(x, self.n_features, |resolved, p, out| {
            let mut leaf_of = Vec::new();
            for tree in &self.trees {
                tree.accumulate_rows(resolved, p, out, &mut leaf_of);
            }
            mean(out);
        })
    }

    fn name(&self) -> &'static str {
        "random_forest"
    }

    fn describe(&self) -> String {
        format!(
            "random forest ({} trees, bootstrap {}, class_weight {:?}, max_features {:?}, mean depth {:.1})",
            self.trees.len(),
            self.params.bootstrap,
            self.params.class_weight,
            self.params.tree.max_features_setting(),
            self.trees.iter().map(Tree::depth).sum::<usize>() as f64
                / self.trees.len().max(1) as f64
        )
    }

    /// Mean over trees of each tree's normalised impurity decrease, renormalised.
    fn feature_importance(&self) -> Option<Vec<f64>> {
        let mut sum = vec![0.0; self.n_features];
        for tree in &self.trees {
            for (s, v) in sum.iter_mut().zip(tree.feature_importance()) {
                *s += v;
            }
        }
        Some(normalise(&sum))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn data(n: usize) -> (Array2<f64>, Vec<bool>) {
        let x = Array2::from_shape_fn((n, 5), |(i, j)| ((i * (j + 3) * 7919) % 211) as f64);
        let y: Vec<bool> = (0..n).map(|i| x[[i, 0]] + x[[i, 1]] > 300.0).collect();
        (x, y)
    }

    #[test]
    fn balanced_weights_use_bootstrap_multiplicities() {
        let y = [true, false, false, false];
        let (w_neg, w_pos) = balanced_class_weights(&y, Some(&[2, 1, 1, 0]));
        // 4 draws: 2 positive, 2 negative.
        assert_eq!((w_neg, w_pos), (1.0, 1.0));
        let (w_neg, w_pos) = balanced_class_weights(&y, None);
        assert_eq!((w_neg, w_pos), (4.0 / 6.0, 2.0));
    }

    #[test]
    fn forest_does_not_depend_on_the_thread_count() {
        let (x, y) = data(400);
        let params = RandomForestParams::new().n_estimators(8).seed(3);
        let fit_with = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| params.fit(x.view(), &y, None).unwrap())
        };
        assert_eq!(fit_with(1), fit_with(3));
    }

    #[test]
    fn probabilities_are_mean_leaf_fractions() {
        let (x, y) = data(300);
        let forest = RandomForestParams::new()
            .n_estimators(5)
            .max_depth(Some(2))
            .fit(x.view(), &y, None)
            .unwrap();
        let p = forest.predict_proba(x.view()).unwrap();
        for (i, row) in x.outer_iter().enumerate() {
            let row = row.to_vec();
            let mean = forest
                .trees()
                .iter()
                .map(|t| t.predict_row(&row))
                .sum::<f64>()
                / 5.0;
            assert_eq!(p[i], mean);
        }
    }

    #[test]
    fn rank_coded_scoring_equals_the_plain_walk_across_blocks() {
        // Several parallel blocks of rows, missing values in two columns, and a skewed column
        // (its cuts are bucketed by order key).
        let n = 7_000;
        let x = Array2::from_shape_fn((n, 4), |(i, j)| {
            let v = ((i * (j + 3) * 7919) % 211) as f64;
            match j {
                0 if i % 13 == 0 => f64::NAN,
                1 if i % 7 == 0 => f64::NAN,
                2 => (v / 20.0).exp(),
                _ => v - 105.0,
            }
        });
        let y: Vec<bool> = (0..n)
            .map(|i| x[[i, 3]] + x[[i, 2]].ln() * 9.0 > 40.0 || i % 17 == 0)
            .collect();
        let forest = RandomForestParams::new()
            .n_estimators(12)
            .class_weight(ClassWeight::BalancedSubsample)
            .seed(4)
            .fit(x.view(), &y, None)
            .unwrap();
        let p = forest.predict_proba(x.view()).unwrap();
        assert!(
            forest.ranked.0.is_some(),
            "scored through the ranked layout"
        );
        for (i, row) in x.outer_iter().enumerate() {
            let row = row.to_vec();
            let sum = forest
                .trees()
                .iter()
                .fold(0.0, |sum, t| sum + t.predict_row(&row));
            assert_eq!(
                p[i].to_bits(),
                (sum / 12.0).clamp(0.0, 1.0).to_bits(),
                "row {i}"
            );
        }
        // An infinity is reported at its row and column, whatever its block.
        let mut bad = x.clone();
        bad[[5_123, 2]] = f64::INFINITY;
        bad[[6_000, 0]] = f64::NEG_INFINITY;
        assert!(matches!(
            forest.predict_proba(bad.view()),
            Err(crate::ModelError::NonFinite {
                row: 5_123,
                column: 2
            })
        ));
    }

    #[test]
    fn without_bootstrap_and_sampling_all_trees_are_equal() {
        let (x, y) = data(200);
        let forest = RandomForestParams::new()
            .n_estimators(3)
            .bootstrap(false)
            .max_features(MaxFeatures::All)
            .fit(x.view(), &y, None)
            .unwrap();
        assert_eq!(forest.trees()[0], forest.trees()[2]);
    }

    #[test]
    fn zero_trees_is_an_error() {
        let (x, y) = data(50);
        assert!(
            RandomForestParams::new()
                .n_estimators(0)
                .fit(x.view(), &y, None)
                .is_err()
        );
    }
}
