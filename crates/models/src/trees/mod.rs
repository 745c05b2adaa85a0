//! Weighted CART decision tree grown on binned features (histogram CART), the building block of
//! [`crate::trees::forest`] and [`crate::trees::adaboost`].
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
//! ([`BinMapper::threshold`](crate::trees::binning::BinMapper::threshold)) and the side missing values
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
//! use pdscore_models::DecisionTreeParams;
//!
//! let x = array![[1.0, 0.0], [2.0, 1.0], [3.0, f64::NAN], [4.0, 1.0]];
//! let y = [false, false, true, true];
//! let tree = DecisionTreeParams::new().max_depth(Some(3)).fit(x.view(), &y, None)?;
//! let p = tree.predict_proba(x.view())?;
//! assert_eq!(p.to_vec(), vec![0.0, 0.0, 1.0, 1.0]);
//! # Ok::<(), pdscore_models::ModelError>(())
//! ```

pub(crate) mod adaboost;
pub(crate) mod binning;
mod decision_tree;
pub(crate) mod forest;
mod grow;
pub(crate) mod node;
pub(crate) mod params;
pub(crate) mod predict;
pub(crate) mod tree;

#[cfg(test)]
mod tests;

pub use adaboost::{AdaBoostParams, FittedAdaBoost};
pub use binning::{BinMapper, BinnedMatrix, MISSING_BIN};
pub use decision_tree::FittedDecisionTree;
pub use forest::{ClassWeight, FittedRandomForest, RandomForestParams};
pub use node::Node;
pub use params::{DecisionTreeParams, MaxFeatures, SplitCriterion};
pub use tree::Tree;
