//! Weighted CART decision tree grown on binned features (histogram CART), the building block of
//! [`crate::forest`] and [`crate::adaboost`].
//!
//! # How it is grown
//!
//! The matrix is first cut into at most `max_bin` quantile bins per feature by
//! [`BinnedMatrix`], with bin 0 reserved for missing values (`NaN`).
//! Each node then accumulates, per feature and per bin, the weighted (positive, total) sums and
//! the row counts of its rows, and scans the bins left to right for the split with the lowest
//! weighted child impurity (Gini or entropy). For every cut, missing values are tried on both
//! sides and the better side is kept; when the node had no missing values they follow the heavier
//! child. A split "missing values versus all the rest" is also tried. When every feature is a
//! candidate (plain trees, AdaBoost), the larger child's histograms are the parent's minus the
//! smaller child's, so each level costs about half a pass over the rows. With `max_features`
//! below the feature count (forests) each node draws its features at random, as scikit-learn
//! does, and only their histograms are built.
//!
//! Work per node is O(rows × features + bins × features) instead of the O(rows · log rows ×
//! features) of sorting-based CART: linfa-trees 0.8.1 took 1.8 s (depth 6) to 5.6 s (depth 10)
//! single-threaded on 72k × 40 rows (`/work/shared/anchors/rust_stack_probe.md` §2), and it has
//! no probabilities. The cost of binning is that a threshold can only fall on one of
//! `max_bin - 1` quantile cut points (255 bins by default, as LightGBM), which matters little for
//! ranking quality.
//!
//! # Measured (2026-11-27, 2-core machine shared with other jobs, load 5-9)
//!
//! Quality, 5-fold CV on the peer baseline's exported `tree_impute` matrices
//! (`examples/peer_cv.rs` + `benches/peers/model_cv.py`), mean ROC AUC ours / scikit-learn 1.9:
//! credit_risk `dtree_balanced` 0.8385 / 0.8406, `rf_200_balsub` 0.9325 / 0.9330,
//! `adaboost_200` 0.8970 / 0.8973; taiwan_credit 0.6126 / 0.6115, 0.7672 / 0.7680,
//! 0.7738 / 0.7736. Fit time over the 5 folds, one thread: 6-28× less than scikit-learn.
//!
//! Speed, 100,000 × 40 synthetic rows (`benches/trees.rs`, `RAYON_NUM_THREADS=1`, criterion
//! medians) against `benches/peers/models_trees.py` (`n_jobs=1`, median of 3, same session):
//! decision tree fit 0.32 s vs 13.3 s, predict 5.8 ms vs 18.2 ms; forest (50 trees,
//! balanced_subsample) fit 1.23 s vs 38.9 s, predict 158 ms vs 449 ms; AdaBoost (200 stumps)
//! fit 1.57 s vs 163 s, predict 81 ms vs 1.44 s. linfa-trees was not re-benchmarked here.
//!
//! Prediction, re-measured 2026-11-28 (same data, one thread): median CPU time of one
//! `predict_proba` call from
//! `RAYON_NUM_THREADS=1 cargo bench -p pdscore-models --bench trees -- predict_proba --sample-size 10`
//! (the "cpu time" lines) against
//! `$PDSCORE_PYTHON benches/peers/models_trees.py --n-jobs 1 --predict-only --repeats 5 --cache
//! target/bench-data/sklearn-models --models decision_tree,random_forest_50_balsub,random_forest_200_balsub,adaboost_200`
//! in the same session (scikit-learn 1.9, median CPU time). Fifth session (two alternating
//! rounds, 07:28-07:30 UTC, load 1.0; the single tree's step without bounds checks): decision
//! tree 1.76 / 1.74 ms vs 5.6 / 5.7 ms (3.2× / 3.3×; 1.12 ms wall on two threads, 5.1×); forest
//! of 50 trees 55.9 / 56.8 ms vs 210 / 208 ms (3.8× / 3.7×); forest of 200 trees 204 / 210 ms
//! vs 826 / 822 ms (4.0× / 3.9×); AdaBoost 42.7 / 41.1 ms vs 679 ms (16× / 17×). Fourth
//! session (two alternating rounds, 05:51-05:54 UTC, load 0.8-1.0; the single tree on order
//! keys with the check ahead, module `walk`): decision tree (depth 20, 2,049 nodes) 2.01 / 1.96 ms vs 5.7 / 5.9 ms
//! (2.8× / 3.0×; 1.07 ms wall on two threads, 5.3-5.5×); forest of 50 trees 58.0 / 57.9 ms vs
//! 207 / 212 ms (3.6× / 3.7×); forest of 200 trees 215 / 299 ms vs 829 / 856 ms (3.9× / 2.9×:
//! this forest's time moves with the process's memory layout, see the README); AdaBoost (200
//! stumps) 35.2 / 36.7 ms vs 678 / 693 ms (19×). Third session (forests on rank codes, module
//! `ranked`; the single tree's packed `f64` walk after a separate infinity pass): 2.79, 58.6,
//! 218 and 37.6 ms against 5.8, 209, 837 and 676 ms. Second session (`f64` forest walk): 3.13,
//! 83.6, 348 and 37.8 ms against 5.7, 208, 818 and 683 ms; the kernels before it (commit
//! 5b5a969): 4.01, 90.0, 387 and 40.7 ms.
//!
//! The single tree's one core does 3.2-3.5× scikit-learn's rows/s over 16 alternating rounds
//! (median 3.3×; 2.6-3.4×, median 2.9×, in the fourth session, before the step lost its bounds
//! checks): its walk of 13 steps per row takes most of the time, and reading the 32 MB input
//! once, to reject infinities, most of the rest. scikit-learn's tree predicts on one thread only; ours scores blocks of rows in
//! parallel when more threads are free.
//!
//! # Fitted state and prediction
//!
//! The fitted tree is a flat array of nodes holding raw-scale thresholds
//! ([`BinMapper::threshold`](crate::binning::BinMapper::threshold)) and the side missing values
//! take, so scoring raw `f64` rows needs no binning. The probability of a row is the weighted
//! fraction of positives in its leaf. Large inputs are scored in parallel blocks of rows (rayon);
//! each row's score is computed the same way whatever the block, so it never depends on the other
//! rows.
//!
//! Scoring copies each run of 256 rows once, checking for infinities on the way, as two halves:
//! `NaN` replaced by `-inf`, then by `+inf`. A derived step layout of the tree points each split
//! at the half whose stand-in goes its missing side, so one `value <= threshold` comparison routes
//! every row, and leaves loop on themselves so eight rows walk side by side without branches,
//! looking for finished rows every twelve steps. Forests code each run of rows once by the rank of
//! its values among the forest's thresholds (module `ranked`: 4- or 8-byte nodes, 8- or 16-bit
//! comparisons)
//! and walk every tree over that cached run, in the same lanes.
//! A single tree skips the copy and walks the raw rows in eight lanes refilled without a branch,
//! comparing integer order keys, and checks the rows for infinities just ahead of the lanes on
//! prefetched rows (module `walk`); AdaBoost's stumps score row by row
//! (tree-major scoring of stumps through the step layout measured twice as slow). Results are bit-identical to
//! the plain traversal ([`Tree::predict_row`]); a unit test checks it on random trees with `NaN`.
//!
//! # Weights
//!
//! Sample weights are relative: the split criterion, the leaf fractions and
//! `min_weight_fraction_leaf` (a fraction of the total weight) are all unchanged when every
//! weight is multiplied by the same constant. `min_samples_split` and `min_samples_leaf` count
//! rows with a positive weight. Rows of weight zero take no part in growing the tree.
//!
//! ```
//! use ndarray::array;
//! use pdscore_models::{Classifier, FittedClassifier};
//! use pdscore_models::tree::DecisionTreeParams;
//!
//! let x = array![[1.0, 0.0], [2.0, 1.0], [3.0, f64::NAN], [4.0, 1.0]];
//! let y = [false, false, true, true];
//! let tree = DecisionTreeParams::new().max_depth(Some(3)).fit(x.view(), &y, None)?;
//! let p = tree.predict_proba(x.view())?;
//! assert_eq!(p.to_vec(), vec![0.0, 0.0, 1.0, 1.0]);
//! # Ok::<(), pdscore_models::ModelError>(())
//! ```

use std::borrow::Cow;

use ndarray::{Array1, ArrayView2};
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::binning::{BinnedMatrix, MISSING_BIN};
use crate::check::{check_fit_input, check_predict_input};
use crate::derived::Derived;
use crate::walk::RawLayout;
use crate::{Classifier, FittedClassifier, ModelError, Result};

/// The impurity a split minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SplitCriterion {
    /// Gini impurity `2 p (1 - p)` (scikit-learn's default).
    Gini,
    /// Shannon entropy `-p ln p - (1 - p) ln (1 - p)`.
    Entropy,
}

impl SplitCriterion {
    /// Weighted impurity of a node times its weight (`0` for a pure node).
    #[inline]
    fn cost(self, s: &BinStat) -> f64 {
        if s.n_pos == 0 || s.n_pos == s.n {
            return 0.0;
        }
        let pos = s.pos.clamp(0.0, s.tot);
        let neg = s.tot - pos;
        if pos <= 0.0 || neg <= 0.0 {
            return 0.0;
        }
        match self {
            SplitCriterion::Gini => 2.0 * pos * neg / s.tot,
            SplitCriterion::Entropy => -(pos * (pos / s.tot).ln() + neg * (neg / s.tot).ln()),
        }
    }
}

/// How many features each node considers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum MaxFeatures {
    /// Every feature (plain trees and boosting).
    All,
    /// `max(1, floor(sqrt(p)))` features (random forests' default, as scikit-learn).
    Sqrt,
    /// `max(1, floor(log2(p)))` features.
    Log2,
    /// A fixed number of features, at most `p`.
    Count(usize),
    /// A fraction in `(0, 1]` of the features, at least one.
    Fraction(f64),
}

impl MaxFeatures {
    /// Checks the setting on its own (without knowing `p`).
    fn check(self) -> Result<()> {
        match self {
            MaxFeatures::Count(0) => Err(ModelError::InvalidParam {
                name: "max_features",
                reason: "Count(0): at least one feature is needed".into(),
            }),
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => Err(ModelError::InvalidParam {
                name: "max_features",
                reason: format!("Fraction({f}) must be in (0, 1]"),
            }),
            _ => Ok(()),
        }
    }

    /// The number of features per node for `p` features (between 1 and `p`).
    pub fn resolve(self, p: usize) -> usize {
        let k = match self {
            MaxFeatures::All => p,
            MaxFeatures::Sqrt => (p as f64).sqrt().floor() as usize,
            MaxFeatures::Log2 => (p as f64).log2().floor() as usize,
            MaxFeatures::Count(k) => k,
            MaxFeatures::Fraction(f) => (f * p as f64).floor() as usize,
        };
        k.clamp(1, p.max(1))
    }
}

/// Hyper-parameters of a [`FittedDecisionTree`].
///
/// Defaults follow scikit-learn's `DecisionTreeClassifier` (unlimited depth, leaves of one row)
/// except for `max_bin`, which histogram CART needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionTreeParams {
    criterion: SplitCriterion,
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    min_weight_fraction_leaf: f64,
    max_features: MaxFeatures,
    max_bin: usize,
    seed: u64,
}

impl Default for DecisionTreeParams {
    fn default() -> Self {
        Self::new()
    }
}

impl DecisionTreeParams {
    /// The defaults: Gini, unlimited depth, `min_samples_split = 2`, `min_samples_leaf = 1`,
    /// `min_weight_fraction_leaf = 0`, all features, `max_bin = 255`, seed 0.
    pub fn new() -> Self {
        DecisionTreeParams {
            criterion: SplitCriterion::Gini,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            min_weight_fraction_leaf: 0.0,
            max_features: MaxFeatures::All,
            max_bin: 255,
            seed: 0,
        }
    }

    /// Split criterion (default [`SplitCriterion::Gini`]).
    pub fn criterion(mut self, criterion: SplitCriterion) -> Self {
        self.criterion = criterion;
        self
    }

    /// Maximum depth, the root being depth 0 (default `None`: grow until leaves are pure or
    /// cannot be split).
    pub fn max_depth(mut self, max_depth: Option<usize>) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// Minimum number of rows (with positive weight) a node needs to be split (default 2).
    pub fn min_samples_split(mut self, n: usize) -> Self {
        self.min_samples_split = n;
        self
    }

    /// Minimum number of rows (with positive weight) in each leaf (default 1).
    pub fn min_samples_leaf(mut self, n: usize) -> Self {
        self.min_samples_leaf = n;
        self
    }

    /// Minimum share of the total sample weight in each leaf, in `[0, 0.5]` (default 0). Being a
    /// fraction, it does not change when all weights are scaled.
    pub fn min_weight_fraction_leaf(mut self, fraction: f64) -> Self {
        self.min_weight_fraction_leaf = fraction;
        self
    }

    /// Features considered at each node (default [`MaxFeatures::All`]; drawn at random per node
    /// with the seed otherwise).
    pub fn max_features(mut self, max_features: MaxFeatures) -> Self {
        self.max_features = max_features;
        self
    }

    /// Maximum number of bins per feature, the missing-value bin included, in `2..=256`
    /// (default 255).
    pub fn max_bin(mut self, max_bin: usize) -> Self {
        self.max_bin = max_bin;
        self
    }

    /// Seed of the per-node feature sampling (default 0; unused with [`MaxFeatures::All`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks every parameter.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the first invalid parameter.
    pub fn check(&self) -> Result<()> {
        if self.max_depth == Some(0) {
            return Err(invalid("max_depth", "must be at least 1 (or None)".into()));
        }
        if self.min_samples_split < 2 {
            return Err(invalid(
                "min_samples_split",
                format!("must be at least 2, got {}", self.min_samples_split),
            ));
        }
        if self.min_samples_leaf < 1 {
            return Err(invalid("min_samples_leaf", "must be at least 1".into()));
        }
        if !(0.0..=0.5).contains(&self.min_weight_fraction_leaf) {
            return Err(invalid(
                "min_weight_fraction_leaf",
                format!("must be in [0, 0.5], got {}", self.min_weight_fraction_leaf),
            ));
        }
        self.max_features.check()?;
        if !(2..=256).contains(&self.max_bin) {
            return Err(invalid(
                "max_bin",
                format!("must be in 2..=256, got {}", self.max_bin),
            ));
        }
        Ok(())
    }

    /// The growth settings for a matrix of `n_features` columns and total weight `total_weight`.
    pub(crate) fn grow_config(
        &self,
        n_features: usize,
        total_weight: f64,
        parallel: bool,
    ) -> GrowConfig {
        GrowConfig {
            criterion: self.criterion,
            max_depth: self.max_depth.unwrap_or(usize::MAX),
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            min_weight_leaf: self.min_weight_fraction_leaf * total_weight,
            max_features: self.max_features.resolve(n_features),
            parallel,
        }
    }

    /// The `max_features` setting.
    pub fn max_features_setting(&self) -> MaxFeatures {
        self.max_features
    }

    /// The maximum number of bins (for models that bin once and grow many trees).
    pub(crate) fn bins(&self) -> usize {
        self.max_bin
    }
}

pub(crate) fn invalid(name: &'static str, reason: String) -> ModelError {
    ModelError::InvalidParam { name, reason }
}

impl Classifier for DecisionTreeParams {
    type Fitted = FittedDecisionTree;

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedDecisionTree> {
        self.check()?;
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
    params: DecisionTreeParams,
    tree: Tree,
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
        predict_raw_blocks_checked_while_scoring(x, self.tree.n_features, |rows, p, out| {
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

/// Rows per block when scoring in parallel.
pub(crate) const PREDICT_BLOCK: usize = 2048;

/// Scores every row of `x` with `score` (a function of one contiguous row), in parallel blocks
/// of rows for large inputs.
pub(crate) fn predict_rows<F>(x: ArrayView2<'_, f64>, score: F) -> Array1<f64>
where
    F: Fn(&[f64]) -> f64 + Sync,
{
    predict_blocks(x, |rows, p, out| {
        for (row, o) in rows.chunks_exact(p).zip(out.iter_mut()) {
            *o = score(row);
        }
    })
}

/// Scores `x` block by block: `score_block(rows, n_features, out)` adds to `out` (zeroed, one
/// value per row of the contiguous row-major `rows`). Blocks run in parallel for large inputs.
pub(crate) fn predict_blocks<F>(x: ArrayView2<'_, f64>, score_block: F) -> Array1<f64>
where
    F: Fn(&[f64], usize, &mut [f64]) + Sync,
{
    let scored: Result<Array1<f64>> = score_in_blocks(x, false, |rows, p, out| {
        score_block(rows, p, out);
        Ok(())
    });
    scored.unwrap_or_else(|_| Array1::zeros(x.nrows()))
}

/// Rows resolved (see [`resolve_missing`]) and scored together by [`checked_predict_blocks`]:
/// their doubled copy (`256 × 2p` values, 160 KB for 40 features) stays in L2 while every tree
/// of a forest walks it.
const RESOLVED_ROWS: usize = 256;

/// [`check_predict_input`] fused with [`predict_blocks`]: checks the column count, then, for
/// each run of [`RESOLVED_ROWS`] rows, checks they hold no infinity (`NaN` is allowed: it is a
/// missing value) while copying them in the missing-resolved form of [`resolve_missing`], and
/// scores that copy with `score_block(resolved_rows, p, out)`. The error names the first bad
/// value, whatever the thread count.
pub(crate) fn checked_predict_blocks<F>(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    score_block: F,
) -> Result<Array1<f64>>
where
    F: Fn(&[f64], usize, &mut [f64]) + Sync,
{
    checked_predict_blocks_in_runs(x, n_features, RESOLVED_ROWS, resolve_missing, score_block)
}

/// [`checked_predict_blocks`] with runs of `run_rows` rows instead of [`RESOLVED_ROWS`], copied
/// by `resolve` (which returns the index in the rows of the first infinite value, if any)
/// instead of [`resolve_missing`]: small trees (boosting) walk a run that fits the first-level
/// cache in their own layout ([`crate::lockstep`]).
pub(crate) fn checked_predict_blocks_in_runs<T, R, F>(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    run_rows: usize,
    resolve: R,
    score_block: F,
) -> Result<Array1<f64>>
where
    R: Fn(&[f64], usize, &mut Vec<T>) -> Option<usize> + Sync,
    F: Fn(&[T], usize, &mut [f64]) + Sync,
{
    if x.ncols() != n_features {
        return check_predict_input(x, n_features, true).map(|()| Array1::zeros(0));
    }
    let run_rows = run_rows.max(1);
    score_in_blocks(x, true, |rows, p, out| {
        let mut resolved = Vec::new();
        for (run, (rows, out)) in rows
            .chunks(run_rows * p)
            .zip(out.chunks_mut(run_rows))
            .enumerate()
        {
            if let Some(i) = resolve(rows, p, &mut resolved) {
                return Err(ModelError::NonFinite {
                    row: run * run_rows + i / p,
                    column: i % p,
                });
            }
            score_block(&resolved, p, out);
        }
        Ok(())
    })
}

/// As [`checked_predict_blocks`] but `score_block` gets the raw rows (`p` values each) of each
/// parallel block, checked for infinities in one pass: checks the column count, then scores
/// each block after checking it holds no infinity (`NaN` is allowed: it is a missing value).
/// The error names the first bad value, whatever the thread count.
pub(crate) fn checked_predict_raw_blocks<F>(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    score_block: F,
) -> Result<Array1<f64>>
where
    F: Fn(&[f64], usize, &mut [f64]) + Sync,
{
    predict_raw_blocks_checked_while_scoring(x, n_features, |rows, p, out| {
        if holds_infinity(rows) {
            return true;
        }
        score_block(rows, p, out);
        false
    })
}

/// As [`checked_predict_raw_blocks`] for a `score_block` that checks its rows itself, while
/// scoring them, and returns whether they hold an infinity (the block's scores are then
/// discarded).
pub(crate) fn predict_raw_blocks_checked_while_scoring<F>(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    score_block: F,
) -> Result<Array1<f64>>
where
    F: Fn(&[f64], usize, &mut [f64]) -> bool + Sync,
{
    if x.ncols() != n_features {
        return check_predict_input(x, n_features, true).map(|()| Array1::zeros(0));
    }
    score_in_blocks(x, true, |rows, p, out| {
        if score_block(rows, p, out) {
            let i = rows.iter().position(|v| v.is_infinite()).unwrap_or(0);
            return Err(ModelError::NonFinite {
                row: i / p,
                column: i % p,
            });
        }
        Ok(())
    })
}

/// Whether `values` holds `+inf` or `-inf` (`NaN` is not infinite).
///
/// Groups of eight without an early exit vectorise: on the bench's 32 MB matrix this pass takes
/// 0.73 ms against 0.86 ms for one fold over every value (a pass that only ORs the bits, the
/// floor, 0.69 ms; 2026-11-28).
pub(crate) fn holds_infinity(values: &[f64]) -> bool {
    let mut groups = values.chunks_exact(8);
    let any = groups.by_ref().fold(false, |any, group| {
        any | group
            .iter()
            .fold(false, |inf, v| inf | (v.abs() == f64::INFINITY))
    });
    any | groups.remainder().iter().any(|v| v.is_infinite())
}

/// Copies the row-major `rows` (`p` values each) into `resolved` as `2p` values per row: the row
/// with `NaN` replaced by `-inf`, then the row with `NaN` replaced by `+inf`. A split whose missing
/// values go left reads the first copy and one whose missing values go right the second, so that
/// `value <= threshold` alone routes every row (see [`StepLayout`]). Returns the index in `rows`
/// of the first infinite value, if any (the copy is then unusable).
pub(crate) fn resolve_missing(rows: &[f64], p: usize, resolved: &mut Vec<f64>) -> Option<usize> {
    resolved.clear();
    resolved.resize(2 * rows.len(), 0.0);
    // A fold without early exit vectorises; the position is searched only on failure.
    let mut any_infinite = false;
    for (row, copy) in rows.chunks_exact(p).zip(resolved.chunks_exact_mut(2 * p)) {
        let (low, high) = copy.split_at_mut(p);
        any_infinite |= resolve_row(row, low, high, |v| v);
    }
    if any_infinite {
        return rows.iter().position(|v| v.is_infinite());
    }
    None
}

/// Writes `key` of each value of `row` into `low` with `NaN` as `-inf` and into `high` with
/// `NaN` as `+inf` (the two halves of [`resolve_missing`]'s form); returns whether the row holds
/// an infinity (then the copy is unusable).
#[inline]
pub(crate) fn resolve_row<T>(
    row: &[f64],
    low: &mut [T],
    high: &mut [T],
    key: impl Fn(f64) -> T,
) -> bool {
    let mut any_infinite = false;
    for ((&v, lo), hi) in row.iter().zip(low.iter_mut()).zip(high.iter_mut()) {
        any_infinite |= v.is_infinite();
        let nan = v.is_nan();
        *lo = key(if nan { f64::NEG_INFINITY } else { v });
        *hi = key(if nan { f64::INFINITY } else { v });
    }
    any_infinite
}

/// Runs `score_block` over blocks of [`PREDICT_BLOCK`] rows (in parallel for large inputs) and
/// returns the first block error, with its row made absolute when `offset_rows`.
fn score_in_blocks<F>(
    x: ArrayView2<'_, f64>,
    offset_rows: bool,
    score_block: F,
) -> Result<Array1<f64>>
where
    F: Fn(&[f64], usize, &mut [f64]) -> Result<()> + Sync,
{
    let (n, p) = x.dim();
    let data: Cow<'_, [f64]> = match x.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(x.iter().copied().collect()),
    };
    let mut out = vec![0.0; n];
    if n == 0 || p == 0 {
        return Ok(Array1::from(out));
    }
    let shift = |block: usize, e: ModelError| match e {
        ModelError::NonFinite { row, column } if offset_rows => ModelError::NonFinite {
            row: row + block * PREDICT_BLOCK,
            column,
        },
        other => other,
    };
    if n <= PREDICT_BLOCK {
        score_block(&data, p, &mut out)?;
    } else if rayon::current_num_threads() == 1 {
        // One thread: the blocks in order on this thread, without handing them to the pool
        // (whose worker then spins for more work: +0.1 ms of CPU on a 2 ms predict).
        for (block, (o, rows)) in out
            .chunks_mut(PREDICT_BLOCK)
            .zip(data.chunks(PREDICT_BLOCK * p))
            .enumerate()
        {
            score_block(rows, p, o).map_err(|e| shift(block, e))?;
        }
    } else {
        let errors: Vec<(usize, ModelError)> = out
            .par_chunks_mut(PREDICT_BLOCK)
            .zip(data.par_chunks(PREDICT_BLOCK * p))
            .enumerate()
            .filter_map(|(block, (o, rows))| score_block(rows, p, o).err().map(|e| (block, e)))
            .collect();
        if let Some((block, e)) = errors.into_iter().min_by_key(|(block, _)| *block) {
            return Err(shift(block, e));
        }
    }
    Ok(Array1::from(out))
}

/// Rows scored side by side by [`accumulate_in_lanes`].
const LANES: usize = 8;

/// Branch-free steps of every lane between two looks for lanes that reached their leaf in
/// [`accumulate_in_lanes`].
///
/// Measured on the bench's 50-tree forest (2,291 nodes per tree on average, depth up to 77,
/// 9.3 steps per row on average; one thread, CPU time, best of 7 in one process, 2026-11-28):
/// 4 steps 88-90 ms, 6 steps 82 ms, 8 steps 82-85 ms: looking less often wastes few steps and
/// saves mispredicted branches. Re-measured with the ranked layout (`crate::ranked`, third
/// session, load 1.7-1.9): 8, 10 and 12 steps took 76, 63 and 65 ms for 50 trees and 388, 306
/// and 295 ms for 200 trees; on `f64` rows (scratch copy of this walk) 12 steps took 72 ms
/// against 84 ms for 8, and 14, 16, 20, 24 steps 74, 81, 101, 105 ms. Variants of the forest walk measured and dropped: indices
/// masked with power-of-two lengths instead of bounds-checked (+6 %: the mask lengthens each
/// step's dependency chain, a predicted bounds check does not), thresholds / values / children
/// in separate arrays (three cache lines per step instead of one, +5-10 %), a branch-free
/// refill with a sink slot (+5 %), two levels per step reading both children (+60 %), runs of
/// 32, 64, 512 or 1,024 rows instead of 256 (+15 %, +5 %, within noise, within noise), raw
/// rows with the `NaN` test in the step instead of the resolved copy (twice as slow), and lanes
/// going on to the next tree instead of idling at the end of a run (one array for the whole
/// forest, +5-10 %), and comparing integer order keys instead of `f64`s as the boosted trees'
/// walk does ([`crate::lockstep`]; 90 ms against 81 ms here, where it made the boosted walk
/// 19 % faster).
const STEPS_PER_CHECK: usize = 12;

/// Bit of [`Node`]'s packed feature word saying that missing values go left.
pub(crate) const MISSING_LEFT_BIT: u32 = 1 << 31;

/// One node of a [`Tree`], packed in 16 bytes so that deep trees stay in cache when scoring.
///
/// A split sends a row left when `x[feature] <= threshold` (raw scale), or when the value is
/// missing and missing values go left; its children are `left` and `left + 1`. A leaf (`left ==
/// 0`; the root is node 0, so it is never a child) holds P(positive), the weighted fraction of
/// positives among its training rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The threshold of a split, the probability of a leaf.
    pub(crate) threshold_or_value: f64,
    /// Feature index, with [`MISSING_LEFT_BIT`] set when missing values go left.
    pub(crate) feature_and_missing: u32,
    /// Index of the left child (the right child follows it); `0` for a leaf.
    pub(crate) left: u32,
}

impl Node {
    pub(crate) fn leaf(value: f64) -> Self {
        Node {
            threshold_or_value: value,
            feature_and_missing: 0,
            left: 0,
        }
    }

    pub(crate) fn split(feature: usize, threshold: f64, missing_left: bool, left: u32) -> Self {
        Node {
            threshold_or_value: threshold,
            feature_and_missing: feature as u32 | if missing_left { MISSING_LEFT_BIT } else { 0 },
            left,
        }
    }

    /// A chain of splits for tests: split `d` = (feature, threshold, missing left, value of its
    /// left leaf) is node `2d`, its left leaf node `2d + 1`, the next split node `2d + 2`; the
    /// last split's right child is a leaf of value `last`.
    #[cfg(test)]
    pub(crate) fn chain(
        splits: impl IntoIterator<Item = (usize, f64, bool, f64)>,
        last: f64,
    ) -> Vec<Node> {
        let mut nodes = Vec::new();
        for (feature, threshold, missing_left, leaf) in splits {
            let left = nodes.len() as u32 + 1;
            nodes.push(Node::split(feature, threshold, missing_left, left));
            nodes.push(Node::leaf(leaf));
        }
        nodes.push(Node::leaf(last));
        nodes
    }

    /// Whether the node is a leaf.
    #[inline]
    pub fn is_leaf(&self) -> bool {
        self.left == 0
    }

    /// P(positive) of a leaf (`None` for a split).
    pub fn value(&self) -> Option<f64> {
        self.is_leaf().then_some(self.threshold_or_value)
    }

    /// The feature a split tests (`None` for a leaf).
    pub fn feature(&self) -> Option<usize> {
        (!self.is_leaf()).then_some((self.feature_and_missing & !MISSING_LEFT_BIT) as usize)
    }

    /// A split's threshold on the raw scale: `x <= threshold` goes left (`None` for a leaf).
    pub fn threshold(&self) -> Option<f64> {
        (!self.is_leaf()).then_some(self.threshold_or_value)
    }

    /// Whether missing values go left (`false` for a leaf).
    pub fn missing_left(&self) -> bool {
        !self.is_leaf() && self.feature_and_missing & MISSING_LEFT_BIT != 0
    }

    /// Indices of a split's (left, right) children (`None` for a leaf).
    pub fn children(&self) -> Option<(usize, usize)> {
        (!self.is_leaf()).then_some((self.left as usize, self.left as usize + 1))
    }
}

/// A fitted tree as a flat array of nodes (node 0 is the root).
///
/// Deserialisation checks the structure (children after their parent and in range, features
/// in range), so that scoring a loaded tree cannot panic or loop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TreeRepr")]
pub struct Tree {
    nodes: Vec<Node>,
    n_features: usize,
    /// Unnormalised weighted impurity decrease per feature.
    impurity_decrease: Vec<f64>,
    /// The scoring layout of resolved rows, derived from `nodes` when a forest that cannot be
    /// rank-coded ([`crate::ranked`]) first scores (not saved).
    #[serde(skip_serializing)]
    steps: Derived<StepLayout>,
    /// The scoring layout of raw rows, derived from `nodes` when a single tree first scores
    /// (forests and AdaBoost never need it; not saved).
    #[serde(skip_serializing)]
    raw_layout: Derived<RawLayout>,
}

/// The layout [`StepLayout::accumulate`] walks, derived from a tree's nodes, for rows in the
/// missing-resolved form of [`resolve_missing`] (`2p` values: `NaN` as `-inf`, then `NaN` as
/// `+inf`).
///
/// A split on feature `f` reads value `f` of the resolved row when missing values go left (a
/// missing value is then `-inf`, which goes left) and value `p + f` otherwise (`+inf`, which goes
/// right), so one comparison `value <= threshold` routes every row; thresholds that are not
/// finite (only possible in hand-made or loaded trees) are replaced by equivalent ones for that
/// rule. A leaf at index `i` becomes a split on value 0 with threshold `+inf` whose left child is
/// `i` itself: every row that reaches it stays there, so a row can take any number of steps past
/// its leaf without a branch, and "at a leaf" is `left == index`. This relies on the scored rows
/// holding no infinity, which [`checked_predict_blocks`] guarantees.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct StepLayout {
    pub(crate) nodes: Vec<Node>,
    /// P(positive) of each leaf by node index (`0` for splits).
    pub(crate) leaf_values: Vec<f64>,
}

impl StepLayout {
    /// The layout of a tree's nodes (children of a split at `left` and `left + 1`, leaves with
    /// `left == 0`) for rows of `n_features` values.
    pub(crate) fn new(nodes: &[Node], n_features: usize) -> Self {
        let mut steps = Vec::with_capacity(nodes.len());
        let mut leaf_values = Vec::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            if node.is_leaf() {
                steps.push(Node::split(0, f64::INFINITY, false, i as u32));
                leaf_values.push(node.threshold_or_value);
                continue;
            }
            let f = (node.feature_and_missing & !MISSING_LEFT_BIT) as usize;
            let missing_left = node.missing_left();
            let t = node.threshold_or_value;
            // Finite values must compare as with `t`, and the missing stand-in (-inf when
            // missing goes left, +inf otherwise) must go the missing side.
            let threshold = if t.is_nan() {
                f64::NEG_INFINITY // every value goes right, -inf (missing left) goes left
            } else if t == f64::INFINITY && !missing_left {
                f64::MAX // every value goes left, +inf (missing right) goes right
            } else {
                t
            };
            let feature = if missing_left { f } else { n_features + f };
            steps.push(Node::split(feature, threshold, false, node.left));
            leaf_values.push(0.0);
        }
        StepLayout {
            nodes: steps,
            leaf_values,
        }
    }

    /// Adds the leaf value of each row of `resolved` (rows in the form of [`resolve_missing`],
    /// `2p` values each) to the matching entry of `out`, walking them in lanes
    /// ([`accumulate_in_lanes`], with its scratch `leaf_of`).
    pub(crate) fn accumulate(
        &self,
        resolved: &[f64],
        p: usize,
        out: &mut [f64],
        leaf_of: &mut Vec<u32>,
    ) {
        accumulate_in_lanes(
            &self.nodes,
            &self.leaf_values,
            resolved,
            2 * p,
            out,
            leaf_of,
        );
    }
}

/// A node of a layout that [`accumulate_in_lanes`] walks: one step takes a row from a split to
/// one of its children (at `left()` and `left() + 1`), and a leaf loops on itself (its
/// `left()` is its own index).
pub(crate) trait LaneStep: Copy {
    /// One value of a walked row.
    type Value: Copy;

    /// The node a row goes to from this one; the row's values start at `base` in `values`.
    fn next(self, values: &[Self::Value], base: usize) -> u32;

    /// The left child of a split, the node's own index for a leaf.
    fn left(self) -> u32;
}

impl LaneStep for Node {
    type Value = f64;

    #[inline]
    fn next(self, values: &[f64], base: usize) -> u32 {
        let v = values[base + self.feature_and_missing as usize];
        let go_left = v <= self.threshold_or_value;
        self.left + u32::from(!go_left)
    }

    #[inline]
    fn left(self) -> u32 {
        self.left
    }
}

/// Adds the leaf value of each row of `rows` (`width` values each, in the form the layout's
/// steps read) to the matching entry of `out`: `steps` is a tree in a [`LaneStep`] layout (node
/// 0 the root) and `leaf_values` the value of each leaf by node index.
///
/// [`LANES`] rows go down the tree side by side: [`STEPS_PER_CHECK`] branch-free steps of every
/// lane, then each lane that sits on a leaf notes it in `leaf_of` (scratch, any length; grown to
/// the row count) and takes the next row; the leaves' values are added once every row has its
/// leaf. Measured on taiwan_credit's fold 0 (200 trees of 6,800 nodes, 54 KB of leaf values
/// each; one thread, alternating processes, 2026-11-28): 20.8-26.5 ms against 27.5-39.8 ms
/// adding each value as its lane reached it (credit_risk 22.0-22.2 against 24.5-27.0 ms); on
/// the criterion bench's smaller trees (2,300 nodes) no change. The
/// independent node loads of the lanes overlap in memory, which is what makes scoring deep
/// trees fast; looking for leaves only every few steps keeps the steps free of unpredictable
/// branches.
#[inline]
pub(crate) fn accumulate_in_lanes<N: LaneStep>(
    steps: &[N],
    leaf_values: &[f64],
    rows: &[N::Value],
    width: usize,
    out: &mut [f64],
    leaf_of: &mut Vec<u32>,
) {
    let n = out.len();
    if n == 0 {
        return;
    }
    if leaf_of.len() < n {
        leaf_of.resize(n, 0);
    }
    let leaf_of = &mut leaf_of[..n];
    // Lane k scores row `row_of[k]` (whose values start at `base[k]`) and is at node `at[k]`;
    // lanes without a row (fewer than LANES rows, or no row left) are inactive and walk row 0
    // without adding anything.
    let mut row_of = [0usize; LANES];
    let mut base = [0usize; LANES];
    let mut at = [0u32; LANES];
    let mut active = [false; LANES];
    let lanes = LANES.min(n);
    for k in 0..lanes {
        row_of[k] = k;
        base[k] = k * width;
        active[k] = true;
    }
    let mut next_row = lanes;
    let mut live = lanes;
    while live > 0 {
        for _ in 0..STEPS_PER_CHECK {
            for k in 0..LANES {
                at[k] = steps[at[k] as usize].next(rows, base[k]);
            }
        }
        for k in 0..LANES {
            if active[k] && steps[at[k] as usize].left() == at[k] {
                leaf_of[row_of[k]] = at[k];
                at[k] = 0;
                if next_row < n {
                    row_of[k] = next_row;
                    base[k] = next_row * width;
                    next_row += 1;
                } else {
                    active[k] = false;
                    live -= 1;
                }
            }
        }
    }
    // The leaf values are read here, after the walk, rather than when each lane reaches its
    // leaf: these loads are independent of each other, so their cache misses overlap.
    for (o, &leaf) in out.iter_mut().zip(leaf_of.iter()) {
        *o += leaf_values[leaf as usize];
    }
}

/// The serialised form of a [`Tree`], checked before it becomes one.
#[derive(Deserialize)]
struct TreeRepr {
    nodes: Vec<Node>,
    n_features: usize,
    impurity_decrease: Vec<f64>,
}

impl TryFrom<TreeRepr> for Tree {
    type Error = String;

    fn try_from(repr: TreeRepr) -> std::result::Result<Self, String> {
        if repr.nodes.is_empty() || repr.impurity_decrease.len() != repr.n_features {
            return Err("tree: no nodes, or importances do not match the features".into());
        }
        for (i, node) in repr.nodes.iter().enumerate() {
            if let (Some((left, right)), Some(feature)) = (node.children(), node.feature())
                && (left <= i || right >= repr.nodes.len() || feature >= repr.n_features)
            {
                return Err(format!("tree: node {i} has invalid children or feature"));
            }
        }
        Ok(Tree::new(
            repr.nodes,
            repr.n_features,
            repr.impurity_decrease,
        ))
    }
}

impl Tree {
    /// A tree from checked parts (children after their parent and in range, features below
    /// `n_features`); its scoring layouts are built when first needed.
    fn new(nodes: Vec<Node>, n_features: usize, impurity_decrease: Vec<f64>) -> Self {
        Tree {
            nodes,
            n_features,
            impurity_decrease,
            steps: Derived::default(),
            raw_layout: Derived::default(),
        }
    }

    /// The raw-row scoring layout, built on first use.
    fn raw_layout(&self) -> &RawLayout {
        self.raw_layout.get_or_init(|| RawLayout::new(&self.nodes))
    }

    /// The nodes; node 0 is the root.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Number of input features.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }

    /// Depth (a single leaf has depth 0).
    pub fn depth(&self) -> usize {
        let mut depth = vec![0usize; self.nodes.len()];
        let mut max = 0;
        for (i, node) in self.nodes.iter().enumerate() {
            if let Some((left, right)) = node.children() {
                let d = depth[i] + 1;
                depth[left] = d;
                depth[right] = d;
                max = max.max(d);
            }
        }
        max
    }

    /// The leaf value (P(positive)) for one row of `n_features` raw values.
    #[inline]
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        let nodes = &self.nodes;
        let mut node = nodes[0];
        while node.left != 0 {
            let word = node.feature_and_missing;
            let v = row[(word & !MISSING_LEFT_BIT) as usize];
            let go_left = if v.is_nan() {
                word & MISSING_LEFT_BIT != 0
            } else {
                v <= node.threshold_or_value
            };
            node = nodes[(node.left + u32::from(!go_left)) as usize];
        }
        node.threshold_or_value
    }

    /// Adds the leaf value (P(positive)) of each row of `resolved` (rows in the form of
    /// [`resolve_missing`], `2p` values each) to the matching entry of `out`. Each row's result
    /// is the same as [`Tree::predict_row`]'s on the original row. `leaf_of` is scratch
    /// ([`accumulate_in_lanes`]).
    pub(crate) fn accumulate_rows(
        &self,
        resolved: &[f64],
        p: usize,
        out: &mut [f64],
        leaf_of: &mut Vec<u32>,
    ) {
        self.steps
            .get_or_init(|| StepLayout::new(&self.nodes, self.n_features))
            .accumulate(resolved, p, out, leaf_of);
    }

    /// Weighted impurity decrease per feature, normalised to sum to 1 (all zeros for a single
    /// leaf).
    pub fn feature_importance(&self) -> Vec<f64> {
        normalise(&self.impurity_decrease)
    }
}

/// Scales non-negative values to sum to 1 (all zeros stay zeros).
pub(crate) fn normalise(values: &[f64]) -> Vec<f64> {
    let total: f64 = values.iter().sum();
    if total > 0.0 {
        values.iter().map(|v| v / total).collect()
    } else {
        vec![0.0; values.len()]
    }
}

/// Settings of one tree growth, resolved for the data at hand.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GrowConfig {
    pub(crate) criterion: SplitCriterion,
    pub(crate) max_depth: usize,
    pub(crate) min_samples_split: usize,
    pub(crate) min_samples_leaf: usize,
    /// Absolute minimum weight per leaf.
    pub(crate) min_weight_leaf: f64,
    /// Features per node, `1..=p`.
    pub(crate) max_features: usize,
    /// Build histograms of one node in parallel over features.
    pub(crate) parallel: bool,
}

/// Weighted label sums and row counts of a set of rows.
#[derive(Debug, Clone, Copy, Default)]
struct BinStat {
    /// Weight of the positive rows.
    pos: f64,
    /// Weight of all rows.
    tot: f64,
    /// Row count.
    n: u32,
    /// Positive row count.
    n_pos: u32,
}

impl BinStat {
    #[inline]
    fn add(&mut self, o: &BinStat) {
        self.pos += o.pos;
        self.tot += o.tot;
        self.n += o.n;
        self.n_pos += o.n_pos;
    }

    /// `self - o`, with the weights made exact where the counts say they must be (no rows: zero
    /// weight; no positive rows: zero positive weight; only positive rows: `pos == tot`).
    #[inline]
    fn minus(&self, o: &BinStat) -> BinStat {
        let n = self.n - o.n;
        let n_pos = self.n_pos - o.n_pos;
        if n == 0 {
            return BinStat::default();
        }
        let tot = (self.tot - o.tot).max(0.0);
        let pos = if n_pos == 0 {
            0.0
        } else if n_pos == n {
            tot
        } else {
            (self.pos - o.pos).clamp(0.0, tot)
        };
        BinStat { pos, tot, n, n_pos }
    }

    /// Weighted fraction of positives, exact 0 or 1 for pure sets.
    fn value(&self) -> f64 {
        if self.n_pos == 0 || self.tot <= 0.0 {
            0.0
        } else if self.n_pos == self.n {
            1.0
        } else {
            (self.pos / self.tot).clamp(0.0, 1.0)
        }
    }
}

/// Per-row inputs of the growth, packed for locality.
#[derive(Debug, Clone, Copy)]
struct RowStat {
    w: f64,
    wy: f64,
    y: u32,
}

/// The best split found for a node.
#[derive(Debug, Clone, Copy)]
struct Split {
    cost: f64,
    feature: usize,
    /// Rows with value bin `<= bin` go left.
    bin: u8,
    missing_left: bool,
    left: BinStat,
    right: BinStat,
}

/// A node waiting to be split.
struct Pending {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    stat: BinStat,
    /// Histograms of every feature (only when every feature is a candidate).
    hist: Option<Vec<BinStat>>,
}

/// Grows one tree on `binned` with labels `y` and per-row weights `w` (rows of weight 0 are
/// left out). Deterministic given `rng`'s state.
pub(crate) fn grow(
    binned: &BinnedMatrix,
    y: &[bool],
    w: &[f64],
    config: &GrowConfig,
    rng: &mut ChaCha8Rng,
) -> Tree {
    let p = binned.n_features();
    let mut offsets = Vec::with_capacity(p + 1);
    offsets.push(0usize);
    for mapper in binned.mappers() {
        let last = offsets.last().copied().unwrap_or(0);
        offsets.push(last + mapper.n_bins());
    }
    let grower = Grower {
        binned,
        rows_stat: y
            .iter()
            .zip(w)
            .map(|(&label, &weight)| RowStat {
                w: weight,
                wy: if label { weight } else { 0.0 },
                y: u32::from(label),
            })
            .collect(),
        config,
        offsets,
    };
    grower.grow(rng)
}

struct Grower<'a> {
    binned: &'a BinnedMatrix,
    rows_stat: Vec<RowStat>,
    config: &'a GrowConfig,
    /// Start of each feature's bins in a flat histogram (`p + 1` entries).
    offsets: Vec<usize>,
}

impl Grower<'_> {
    fn n_features(&self) -> usize {
        self.offsets.len() - 1
    }

    fn grow(&self, rng: &mut ChaCha8Rng) -> Tree {
        let p = self.n_features();
        let config = self.config;
        let mut rows: Vec<u32> = (0..self.rows_stat.len() as u32)
            .filter(|&r| self.rows_stat[r as usize].w > 0.0)
            .collect();
        let mut scratch: Vec<u32> = Vec::with_capacity(rows.len());
        let all_features = config.max_features >= p;
        let mut root_stat = BinStat::default();
        for &r in &rows {
            let s = self.rows_stat[r as usize];
            root_stat.add(&BinStat {
                pos: s.wy,
                tot: s.w,
                n: 1,
                n_pos: s.y,
            });
        }
        let mut nodes = vec![Node::leaf(root_stat.value())];
        let mut impurity_decrease = vec![0.0; p];
        let mut stack = vec![Pending {
            node: 0,
            start: 0,
            end: rows.len(),
            depth: 0,
            stat: root_stat,
            hist: None,
        }];
        if all_features && self.can_split(&root_stat, 0) {
            stack[0].hist = Some(self.full_histogram(&rows));
        }
        let mut feature_order: Vec<usize> = (0..p).collect();
        let mut feature_hist: Vec<BinStat> = Vec::new();

        while let Some(task) = stack.pop() {
            nodes[task.node] = Node::leaf(task.stat.value());
            if !self.can_split(&task.stat, task.depth) {
                continue;
            }
            let node_rows = &rows[task.start..task.end];
            let split = if let Some(hist) = &task.hist {
                self.best_split_all(hist)
            } else {
                self.best_split_sampled(node_rows, rng, &mut feature_order, &mut feature_hist)
            };
            let Some(split) = split else { continue };

            // Stable partition of the node's rows (keeps row order, hence cache-friendly scans).
            let column = self.binned.column(split.feature);
            let goes_left = |r: u32| {
                let b = column[r as usize];
                if b == MISSING_BIN {
                    split.missing_left
                } else {
                    b <= split.bin
                }
            };
            scratch.clear();
            let mut n_left = 0;
            for i in task.start..task.end {
                let r = rows[i];
                if goes_left(r) {
                    rows[task.start + n_left] = r;
                    n_left += 1;
                } else {
                    scratch.push(r);
                }
            }
            let mid = task.start + n_left;
            rows[mid..task.end].copy_from_slice(&scratch);
            debug_assert_eq!(n_left as u32, split.left.n);

            let left_id = nodes.len();
            let mapper = self.binned.mapper(split.feature);
            let threshold = mapper.threshold(split.bin);
            // +inf ("every value goes left") is stored as f64::MAX, which JSON can hold.
            let threshold = if threshold.is_finite() {
                threshold
            } else {
                f64::MAX
            };
            nodes[task.node] =
                Node::split(split.feature, threshold, split.missing_left, left_id as u32);
            nodes.push(Node::leaf(split.left.value()));
            nodes.push(Node::leaf(split.right.value()));
            let gain = config.criterion.cost(&task.stat) - split.cost;
            impurity_decrease[split.feature] += gain.max(0.0);

            let depth = task.depth + 1;
            let (left_hist, right_hist) = match task.hist {
                Some(parent) => {
                    let need_left = self.can_split(&split.left, depth);
                    let need_right = self.can_split(&split.right, depth);
                    self.child_histograms(
                        parent,
                        &rows[task.start..mid],
                        &rows[mid..task.end],
                        need_left,
                        need_right,
                    )
                }
                None => (None, None),
            };
            stack.push(Pending {
                node: left_id + 1,
                start: mid,
                end: task.end,
                depth,
                stat: split.right,
                hist: right_hist,
            });
            stack.push(Pending {
                node: left_id,
                start: task.start,
                end: mid,
                depth,
                stat: split.left,
                hist: left_hist,
            });
        }
        Tree::new(nodes, p, impurity_decrease)
    }

    /// Whether a node with these statistics at this depth may be split at all.
    fn can_split(&self, stat: &BinStat, depth: usize) -> bool {
        let c = self.config;
        let n = stat.n as usize;
        depth < c.max_depth
            && n >= c.min_samples_split
            && n >= 2 * c.min_samples_leaf
            && stat.n_pos > 0
            && stat.n_pos < stat.n
            && stat.tot >= 2.0 * c.min_weight_leaf
    }

    /// Histograms of every feature over `rows`.
    fn full_histogram(&self, rows: &[u32]) -> Vec<BinStat> {
        let mut hist = vec![BinStat::default(); self.offsets[self.n_features()]];
        let parallel = self.config.parallel && rows.len() * self.n_features() >= 1 << 16;
        let mut slices: Vec<(usize, &mut [BinStat])> = Vec::with_capacity(self.n_features());
        let mut rest: &mut [BinStat] = &mut hist;
        for f in 0..self.n_features() {
            let (head, tail) = rest.split_at_mut(self.offsets[f + 1] - self.offsets[f]);
            slices.push((f, head));
            rest = tail;
        }
        if parallel {
            slices
                .into_par_iter()
                .for_each(|(f, h)| self.feature_histogram(f, rows, h));
        } else {
            for (f, h) in slices {
                self.feature_histogram(f, rows, h);
            }
        }
        hist
    }

    /// Accumulates feature `f`'s histogram over `rows` into `h` (which must be zeroed).
    #[inline]
    fn feature_histogram(&self, f: usize, rows: &[u32], h: &mut [BinStat]) {
        let column = self.binned.column(f);
        let stats = &self.rows_stat;
        for &r in rows {
            let s = stats[r as usize];
            let b = &mut h[column[r as usize] as usize];
            b.pos += s.wy;
            b.tot += s.w;
            b.n += 1;
            b.n_pos += s.y;
        }
    }

    /// The children's histograms from the parent's: the smaller child's is built, the larger
    /// one's is the parent's minus it. Children that will not be split get none.
    fn child_histograms(
        &self,
        mut parent: Vec<BinStat>,
        left_rows: &[u32],
        right_rows: &[u32],
        need_left: bool,
        need_right: bool,
    ) -> (Option<Vec<BinStat>>, Option<Vec<BinStat>>) {
        if !need_left && !need_right {
            return (None, None);
        }
        let left_is_small = left_rows.len() <= right_rows.len();
        let (small_rows, need_small, need_large) = if left_is_small {
            (left_rows, need_left, need_right)
        } else {
            (right_rows, need_right, need_left)
        };
        let small = self.full_histogram(small_rows);
        let large = if need_large {
            for (pb, sb) in parent.iter_mut().zip(&small) {
                *pb = pb.minus(sb);
            }
            Some(parent)
        } else {
            None
        };
        let small = need_small.then_some(small);
        if left_is_small {
            (small, large)
        } else {
            (large, small)
        }
    }

    /// The best split over every feature, from the node's full histograms.
    fn best_split_all(&self, hist: &[BinStat]) -> Option<Split> {
        let p = self.n_features();
        let per_feature =
            |f: usize| self.best_split_of_feature(f, &hist[self.offsets[f]..self.offsets[f + 1]]);
        let candidates: Vec<Option<Split>> = if self.config.parallel && hist.len() >= 1 << 12 {
            (0..p).into_par_iter().map(per_feature).collect()
        } else {
            (0..p).map(per_feature).collect()
        };
        // Sequential reduction in feature order: the first of equal costs wins, whatever the
        // thread count.
        let mut best: Option<Split> = None;
        for s in candidates.into_iter().flatten() {
            if best.is_none_or(|b| s.cost < b.cost) {
                best = Some(s);
            }
        }
        best
    }

    /// The best split over features drawn at random without replacement, as scikit-learn does:
    /// features are visited in random order until `max_features` features that are not constant
    /// in the node have been evaluated.
    fn best_split_sampled(
        &self,
        rows: &[u32],
        rng: &mut ChaCha8Rng,
        order: &mut [usize],
        hist: &mut Vec<BinStat>,
    ) -> Option<Split> {
        let p = order.len();
        let mut best: Option<Split> = None;
        let mut visited = 0;
        for i in 0..p {
            if visited >= self.config.max_features {
                break;
            }
            let j = rng.gen_range(i..p);
            order.swap(i, j);
            let f = order[i];
            let n_bins = self.offsets[f + 1] - self.offsets[f];
            hist.clear();
            hist.resize(n_bins, BinStat::default());
            self.feature_histogram(f, rows, hist);
            if hist.iter().filter(|b| b.n > 0).count() <= 1 {
                continue; // constant in this node: does not count
            }
            visited += 1;
            if let Some(s) = self.best_split_of_feature(f, hist)
                && best.is_none_or(|b| s.cost < b.cost)
            {
                best = Some(s);
            }
        }
        best
    }

    /// The best split of one feature from its histogram `h` (bin 0 = missing).
    fn best_split_of_feature(&self, f: usize, h: &[BinStat]) -> Option<Split> {
        let c = self.config;
        let missing = h[0];
        let mut values = BinStat::default();
        for b in &h[1..] {
            values.add(b);
        }
        if values.n == 0 {
            return None;
        }
        let mut total = values;
        total.add(&missing);
        let min_n = c.min_samples_leaf as u32;
        let mut best: Option<Split> = None;
        let mut consider = |left: BinStat, bin: usize, missing_left: bool| {
            let right = total.minus(&left);
            if left.n < min_n
                || right.n < min_n
                || left.tot < c.min_weight_leaf
                || right.tot < c.min_weight_leaf
            {
                return;
            }
            let cost = c.criterion.cost(&left) + c.criterion.cost(&right);
            if best.is_none_or(|b| cost < b.cost) {
                best = Some(Split {
                    cost,
                    feature: f,
                    bin: bin as u8,
                    missing_left,
                    left,
                    right,
                });
            }
        };
        let last = h.len() - 1;
        let mut cum = BinStat::default();
        for (t, b) in h.iter().enumerate().take(last).skip(1) {
            cum.add(b);
            if cum.n == 0 {
                continue;
            }
            if cum.n == values.n {
                break; // no value left for the right side
            }
            if missing.n > 0 {
                let mut with_missing = cum;
                with_missing.add(&missing);
                consider(with_missing, t, true);
                consider(cum, t, false);
            } else {
                // No missing values seen here: at prediction they follow the heavier side.
                let heavier_left = cum.tot >= values.tot - cum.tot;
                consider(cum, t, heavier_left);
            }
        }
        if missing.n > 0 {
            // Every value left, missing values right.
            consider(values, last, false);
        }
        best
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ndarray::{Array2, array};

    fn fit(params: &DecisionTreeParams, x: &Array2<f64>, y: &[bool]) -> FittedDecisionTree {
        params.fit(x.view(), y, None).unwrap()
    }

    #[test]
    fn learns_a_threshold_on_the_raw_scale() {
        let x = array![[1.0], [2.0], [3.0], [10.0], [11.0], [12.0]];
        let y = [false, false, false, true, true, true];
        let model = fit(&DecisionTreeParams::new(), &x, &y);
        let tree = model.tree();
        assert_eq!(tree.n_leaves(), 2);
        let root = tree.nodes()[0];
        let threshold = root.threshold().unwrap();
        assert!((3.0..10.0).contains(&threshold), "{root:?}");
        let p = model
            .predict_proba(array![[6.0], [7.0], [-5.0], [50.0]].view())
            .unwrap();
        assert_eq!(p[2], 0.0);
        assert_eq!(p[3], 1.0);
    }

    #[test]
    fn missing_values_get_their_own_direction() {
        // Positives are exactly the rows with a missing value.
        let x = array![[1.0], [f64::NAN], [2.0], [f64::NAN], [3.0], [4.0]];
        let y = [false, true, false, true, false, false];
        let model = fit(&DecisionTreeParams::new(), &x, &y);
        let p = model.predict_proba(x.view()).unwrap();
        assert_eq!(p.to_vec(), vec![0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
        assert!(!model.tree().nodes()[0].missing_left());
    }

    #[test]
    fn leaf_value_is_the_weighted_fraction() {
        let x = array![[0.0], [0.0], [0.0], [1.0]];
        let y = [true, false, false, false];
        let w = [3.0, 1.0, 1.0, 1.0];
        let model = DecisionTreeParams::new()
            .fit(x.view(), &y, Some(&w))
            .unwrap();
        let p = model.predict_proba(array![[0.0], [1.0]].view()).unwrap();
        assert!((p[0] - 0.6).abs() < 1e-12, "{p}");
        assert_eq!(p[1], 0.0);
    }

    #[test]
    fn max_depth_and_min_samples_leaf_are_respected() {
        let n = 200;
        let x = Array2::from_shape_fn((n, 2), |(i, j)| ((i * (j + 3)) % 17) as f64);
        let y: Vec<bool> = (0..n).map(|i| (i * 7) % 5 == 0).collect();
        let shallow = fit(&DecisionTreeParams::new().max_depth(Some(2)), &x, &y);
        assert!(shallow.tree().depth() <= 2);
        let model = fit(&DecisionTreeParams::new().min_samples_leaf(15), &x, &y);
        // Count training rows per leaf by routing them.
        let tree = model.tree();
        let mut per_leaf = vec![0usize; tree.nodes().len()];
        for row in x.outer_iter() {
            let mut i = 0;
            while let Some((left, right)) = tree.nodes()[i].children() {
                let node = tree.nodes()[i];
                i = if row[node.feature().unwrap()] <= node.threshold().unwrap() {
                    left
                } else {
                    right
                };
            }
            per_leaf[i] += 1;
        }
        for (i, node) in tree.nodes().iter().enumerate() {
            if node.is_leaf() {
                assert!(per_leaf[i] >= 15, "leaf {i} has {} rows", per_leaf[i]);
            }
        }
    }

    #[test]
    fn importance_goes_to_the_informative_feature() {
        let n = 300;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| match j {
            0 => (i % 13) as f64,
            1 => i as f64,
            _ => ((i * 31) % 7) as f64,
        });
        let y: Vec<bool> = (0..n).map(|i| i >= 200).collect();
        let imp = fit(&DecisionTreeParams::new(), &x, &y)
            .feature_importance()
            .unwrap();
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(imp[1] > 0.99, "{imp:?}");
    }

    #[test]
    fn entropy_and_gini_both_separate() {
        let x = array![[0.0, 5.0], [1.0, 4.0], [2.0, 3.0], [3.0, 2.0]];
        let y = [false, false, true, true];
        for c in [SplitCriterion::Gini, SplitCriterion::Entropy] {
            let p = fit(&DecisionTreeParams::new().criterion(c), &x, &y)
                .predict_proba(x.view())
                .unwrap();
            assert_eq!(p.to_vec(), vec![0.0, 0.0, 1.0, 1.0]);
        }
    }

    #[test]
    fn sampled_features_are_seeded() {
        let n = 300;
        let x = Array2::from_shape_fn((n, 6), |(i, j)| ((i * (j + 2) * 7919) % 101) as f64);
        let y: Vec<bool> = (0..n).map(|i| (i * 13) % 7 < 2).collect();
        let params = DecisionTreeParams::new()
            .max_features(MaxFeatures::Count(2))
            .seed(5);
        assert_eq!(fit(&params, &x, &y), fit(&params, &x, &y));
        assert_ne!(fit(&params, &x, &y), fit(&params.clone().seed(6), &x, &y));
    }

    #[test]
    fn parallel_and_sequential_growth_agree() {
        let n = 5_000;
        let x = Array2::from_shape_fn((n, 20), |(i, j)| {
            ((i * (j + 1) * 2_654_435_761) % 997) as f64
        });
        let y: Vec<bool> = (0..n).map(|i| (i * 2_654_435_761) % 11 < 3).collect();
        let binned = BinnedMatrix::fit(x.view(), 255).unwrap();
        let w = vec![1.0; n];
        let params = DecisionTreeParams::new().max_depth(Some(8));
        let grow_with = |parallel| {
            let config = params.grow_config(20, n as f64, parallel);
            grow(&binned, &y, &w, &config, &mut ChaCha8Rng::seed_from_u64(0))
        };
        assert_eq!(grow_with(true), grow_with(false));
    }

    #[test]
    fn lane_scoring_matches_row_scoring() {
        let n = 1_000;
        let x = Array2::from_shape_fn((n, 4), |(i, j)| {
            if (i + j) % 9 == 0 {
                f64::NAN
            } else {
                ((i * (j + 3) * 7919) % 113) as f64
            }
        });
        let y: Vec<bool> = (0..n)
            .map(|i| (i * 31) % 7 < 2 || x[[i, 1]].is_nan())
            .collect();
        let model = fit(&DecisionTreeParams::new(), &x, &y);
        let tree = model.tree();
        let rows = x.as_slice().unwrap();
        // 1_000 rows is not a multiple of the lane count: the last group is partial.
        let mut out = vec![0.0; n];
        let mut resolved = Vec::new();
        assert_eq!(resolve_missing(rows, 4, &mut resolved), None);
        tree.accumulate_rows(&resolved, 4, &mut out, &mut Vec::new());
        for (i, row) in rows.chunks_exact(4).enumerate() {
            assert_eq!(out[i].to_bits(), tree.predict_row(row).to_bits(), "row {i}");
        }
    }

    /// A tree from hand-made nodes (children after their parent), checked as a loaded one is.
    pub(crate) fn tree_of(nodes: Vec<Node>, n_features: usize) -> Tree {
        Tree::try_from(TreeRepr {
            nodes,
            n_features,
            impurity_decrease: vec![0.0; n_features],
        })
        .unwrap()
    }

    /// Routes one row down `tree` the plain way, from the public accessors only.
    pub(crate) fn reference_leaf(tree: &Tree, row: &[f64]) -> f64 {
        let mut i = 0;
        loop {
            let node = tree.nodes()[i];
            let Some((left, right)) = node.children() else {
                return node.value().unwrap();
            };
            let v = row[node.feature().unwrap()];
            let goes_left = if v.is_nan() {
                node.missing_left()
            } else {
                v <= node.threshold().unwrap()
            };
            i = if goes_left { left } else { right };
        }
    }

    /// A random tree of depth at most `max_depth` whose thresholds sit on the half-integer grid
    /// the rows are drawn from (so ties happen), with some NaN and infinite thresholds as only
    /// hand-made or loaded trees can have.
    pub(crate) fn random_tree(rng: &mut ChaCha8Rng, n_features: usize, max_depth: usize) -> Tree {
        let mut nodes = vec![Node::leaf(0.0)];
        let mut pending = vec![(0usize, 0usize)];
        while let Some((i, depth)) = pending.pop() {
            if depth < max_depth && rng.gen_bool(0.8) {
                let left = nodes.len();
                nodes.push(Node::leaf(0.0));
                nodes.push(Node::leaf(0.0));
                let threshold = match rng.gen_range(0..30) {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => f64::NEG_INFINITY,
                    _ => f64::from(rng.gen_range(-6i32..=6)) * 0.5,
                };
                let feature = rng.gen_range(0..n_features);
                nodes[i] = Node::split(feature, threshold, rng.gen_bool(0.5), left as u32);
                pending.push((left, depth + 1));
                pending.push((left + 1, depth + 1));
            } else {
                nodes[i] = Node::leaf(rng.r#gen::<f64>());
            }
        }
        tree_of(nodes, n_features)
    }

    #[test]
    fn fast_scoring_equals_reference_traversal_on_random_trees_with_nan() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let p = 5;
        // Several parallel blocks, a partial run of resolved rows and a partial lane group.
        let n = 2 * PREDICT_BLOCK + RESOLVED_ROWS + 13;
        let x = Array2::from_shape_fn((n, p), |_| {
            if rng.gen_bool(0.2) {
                f64::NAN
            } else {
                f64::from(rng.gen_range(-7i32..=7)) * 0.5
            }
        });
        for max_depth in [0, 1, 3, 8, 14] {
            for _ in 0..6 {
                let tree = random_tree(&mut rng, p, max_depth);
                let model = FittedDecisionTree {
                    params: DecisionTreeParams::new(),
                    tree: tree.clone(),
                };
                // The single-tree path (raw rows) and the ensembles' path (resolved rows).
                let fast = model.predict_proba(x.view()).unwrap();
                let mut resolved = Vec::new();
                assert_eq!(
                    resolve_missing(x.as_slice().unwrap(), p, &mut resolved),
                    None
                );
                let mut stepped = vec![0.0; n];
                tree.accumulate_rows(&resolved, p, &mut stepped, &mut Vec::new());
                // A single row takes the unparallel path.
                let first = model.predict_proba(x.slice(ndarray::s![..1, ..])).unwrap();
                assert_eq!(first[0].to_bits(), fast[0].to_bits());
                for (i, row) in x.outer_iter().enumerate() {
                    let row = row.to_vec();
                    let expected = reference_leaf(&tree, &row);
                    assert_eq!(fast[i].to_bits(), expected.to_bits(), "row {i}");
                    assert_eq!(stepped[i].to_bits(), expected.to_bits(), "row {i}");
                    assert_eq!(tree.predict_row(&row).to_bits(), expected.to_bits());
                }
            }
        }
    }

    #[test]
    fn an_infinity_is_found_at_any_position_and_nan_is_not_one() {
        for len in 0..27 {
            let mut values: Vec<f64> = (0..27).map(|i: i32| f64::from(i) - 3.0).take(len).collect();
            if len > 2 {
                values[len / 2] = f64::NAN;
            }
            assert!(!holds_infinity(&values), "len {len}");
            for at in 0..len {
                for inf in [f64::INFINITY, f64::NEG_INFINITY] {
                    let mut with_inf = values.clone();
                    with_inf[at] = inf;
                    assert!(holds_infinity(&with_inf), "len {len}, at {at}");
                }
            }
        }
    }

    #[test]
    fn infinity_is_reported_at_its_row_in_large_inputs() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]];
        let y = [false, false, true, true];
        let model = fit(&DecisionTreeParams::new(), &x, &y);
        let n = 3 * PREDICT_BLOCK + 5;
        let mut big = Array2::from_shape_fn((n, 2), |(i, j)| (i % 4 + j) as f64);
        big[[2 * PREDICT_BLOCK + 7, 1]] = f64::NEG_INFINITY;
        big[[3 * PREDICT_BLOCK + 1, 0]] = f64::INFINITY;
        assert!(matches!(
            model.predict_proba(big.view()),
            Err(ModelError::NonFinite { row, column: 1 }) if row == 2 * PREDICT_BLOCK + 7
        ));
        // A column-major view scores like its row-major copy.
        let clean = Array2::from_shape_fn((n, 2), |(i, j)| (i % 4 + j) as f64);
        let transposed = clean.t().to_owned();
        let p_view = model.predict_proba(transposed.t()).unwrap();
        assert_eq!(p_view, model.predict_proba(clean.view()).unwrap());
    }

    #[test]
    fn scoring_leaves_the_tree_equal_to_its_unscored_copy() {
        let x = array![[0.0, 1.0], [1.0, f64::NAN], [2.0, 1.0], [3.0, 0.0]];
        let y = [false, false, true, true];
        let model = fit(&DecisionTreeParams::new(), &x, &y);
        let unscored = model.clone();
        let p = model.predict_proba(x.view()).unwrap();
        assert_eq!(
            model, unscored,
            "the lazily built layout is not part of equality"
        );
        let json = serde_json::to_string(&model).unwrap();
        assert_eq!(json, serde_json::to_string(&unscored).unwrap());
        let loaded: FittedDecisionTree = serde_json::from_str(&json).unwrap();
        assert_eq!(loaded.predict_proba(x.view()).unwrap(), p);
    }

    #[test]
    fn corrupt_serialised_trees_are_rejected() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]];
        let y = [false, false, true, true];
        let tree = fit(&DecisionTreeParams::new(), &x, &y).tree().clone();
        let json = serde_json::to_string(&tree).unwrap();
        assert_eq!(serde_json::from_str::<Tree>(&json).unwrap(), tree);
        let repr = |nodes: Vec<Node>, n_features: usize| TreeRepr {
            nodes,
            n_features,
            impurity_decrease: vec![0.0; n_features],
        };
        let leaf = Node::leaf(0.5);
        // A child pointing back at its parent (a loop), a child out of range, a feature out of
        // range, no nodes at all.
        for bad in [
            repr(
                vec![
                    Node::split(0, 1.0, false, 1),
                    Node::split(0, 1.0, false, 1),
                    leaf,
                ],
                1,
            ),
            repr(vec![Node::split(0, 1.0, false, 1), leaf], 1),
            repr(vec![Node::split(3, 1.0, false, 1), leaf, leaf], 2),
            repr(vec![], 1),
        ] {
            assert!(Tree::try_from(bad).is_err());
        }
        assert!(Tree::try_from(repr(vec![Node::split(1, 1.0, true, 1), leaf, leaf], 2)).is_ok());
    }

    #[test]
    fn bad_params_are_errors() {
        let x = array![[0.0], [1.0]];
        let y = [false, true];
        for params in [
            DecisionTreeParams::new().max_depth(Some(0)),
            DecisionTreeParams::new().min_samples_split(1),
            DecisionTreeParams::new().min_samples_leaf(0),
            DecisionTreeParams::new().min_weight_fraction_leaf(0.7),
            DecisionTreeParams::new().min_weight_fraction_leaf(f64::NAN),
            DecisionTreeParams::new().max_features(MaxFeatures::Count(0)),
            DecisionTreeParams::new().max_features(MaxFeatures::Fraction(1.5)),
            DecisionTreeParams::new().max_bin(1),
            DecisionTreeParams::new().max_bin(300),
        ] {
            assert!(matches!(
                params.fit(x.view(), &y, None),
                Err(ModelError::InvalidParam { .. })
            ));
        }
    }

    #[test]
    fn max_features_resolves_like_sklearn() {
        assert_eq!(MaxFeatures::Sqrt.resolve(40), 6);
        assert_eq!(MaxFeatures::Sqrt.resolve(1), 1);
        assert_eq!(MaxFeatures::Log2.resolve(40), 5);
        assert_eq!(MaxFeatures::Count(100).resolve(40), 40);
        assert_eq!(MaxFeatures::Fraction(0.01).resolve(40), 1);
        assert_eq!(MaxFeatures::All.resolve(7), 7);
    }
}
