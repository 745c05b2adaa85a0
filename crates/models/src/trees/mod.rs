//! Decision trees and the ensembles built from them: a weighted CART tree grown on binned
//! features ([`DecisionTreeParams`]), the random forest ([`RandomForestParams`]) and AdaBoost
//! (SAMME, [`AdaBoostParams`]). The gradient-boosted trees of [`crate::gbm`] have their own
//! grower but bin with [`BinnedMatrix`] and score with this family's kernels.
//!
//! # Modules, and which way the imports point
//!
//! - `params`: the hyper-parameters ([`DecisionTreeParams`], [`SplitCriterion`],
//!   [`MaxFeatures`]); `binning`: quantile bins per feature ([`BinnedMatrix`]).
//! - `node`: [`Node`], one split or leaf packed in 16 bytes. It uses no sibling.
//! - `predict`: the scoring kernels, which see nodes and never a [`Tree`]: scoring in parallel
//!   blocks with the check for infinities, the lane kernel, the single tree's walk of raw rows,
//!   the forests' rank codes and boosting's lock-step walk.
//! - `tree`: [`Tree`], a tree's nodes and the scoring layouts `predict` derives from them.
//! - `grow`: the histogram grower, which returns a [`Tree`].
//! - `decision_tree`, `forest`, `adaboost`: the classifiers, built on all of the above.
//!
//! Each module uses only those above it in this list, so the imports form no cycle; `gbm`
//! uses `binning`, `node` and `predict`, and nothing here uses `gbm`. The figures behind the
//! choices below are in `docs/models.md`.
//!
//! # How a tree is grown
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
//! features) of sorting-based CART, which is several times slower on credit-sized data and, in
//! linfa-trees, gives no probabilities. The cost of binning is that a threshold can only fall on
//! one of `max_bin - 1` quantile cut points (255 bins by default, as LightGBM), which matters
//! little for ranking quality.
//!
//! # Fitted state and prediction
//!
//! The fitted tree is a flat array of nodes holding raw-scale thresholds
//! ([`BinMapper::threshold`]) and the side missing values take, so scoring raw `f64` rows needs
//! no binning. The probability of a row is the weighted fraction of positives in its leaf. Large
//! inputs are scored in parallel blocks of rows (rayon); each row's score is computed the same
//! way whatever the block, so it never depends on the other rows.
//!
//! Scoring copies each run of 256 rows once, checking for infinities on the way, as two halves:
//! `NaN` replaced by `-inf`, then by `+inf`. A derived step layout of the tree points each split
//! at the half whose stand-in goes its missing side, so one `value <= threshold` comparison routes
//! every row, and leaves loop on themselves so eight rows walk side by side without branches,
//! looking for finished rows every twelve steps. Forests code each run of rows once by the rank of
//! its values among the forest's thresholds (module `predict::ranked`: 4- or 8-byte nodes, 8- or
//! 16-bit comparisons) and walk every tree over that cached run, in the same lanes. A single tree
//! skips the copy and walks the raw rows in eight lanes refilled without a branch, comparing
//! integer order keys, and checks the rows for infinities just ahead of the lanes on prefetched
//! rows (module `predict::walk`); AdaBoost's stumps are scored row by row (through the step
//! layout, tree by tree, they took twice as long). Results are bit-identical to the plain
//! traversal ([`Tree::predict_row`]); a unit test checks it on random trees with `NaN`.
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
//! use pdscore_models::trees::DecisionTreeParams;
//! use pdscore_models::{Classifier, FittedClassifier};
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
