//! One fitted regression tree as flat node arrays, scored on raw `f64` values (no binning at
//! predict time).

use serde::{Deserialize, Serialize};

use crate::trees::node::Node;
use crate::trees::predict::StepLayout;

/// A regression tree in LightGBM's flat layout: internal node `i` tests
/// `x[feature[i]] <= threshold[i]` (missing values go left when `missing_left[i]`), or, for a
/// categorical split (`cat_index[i] >= 0`), whether the category code `x[feature[i]]` is in the
/// left set `cat_codes[cat_index[i]]` (missing values and codes not in the set go right); a
/// child index `c >= 0` is an internal node, `c < 0` is leaf `!c`. A tree with no split has one
/// leaf and no internal nodes.
///
/// The training covers `internal_count` and `leaf_count` are LightGBM's: the number of training
/// rows of the tree's bag (after bagging, unweighted) that reached each internal node and each
/// leaf. The explanations need them ([`crate::explain`]); files saved before they were recorded
/// have neither, and still load and score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionTree {
    pub(crate) feature: Vec<u32>,
    /// May hold non-finite values: saved with [`crate::serde_nan::vec`] (JSON has none).
    #[serde(with = "crate::serde_nan::vec")]
    pub(crate) threshold: Vec<f64>,
    /// The bin of the threshold (`bin <= threshold_bin` goes left), for scoring binned rows.
    pub(crate) threshold_bin: Vec<u8>,
    pub(crate) missing_left: Vec<bool>,
    pub(crate) left: Vec<i32>,
    pub(crate) right: Vec<i32>,
    pub(crate) gain: Vec<f64>,
    pub(crate) leaf_value: Vec<f64>,
    /// Per node: index into `cat_codes`/`cat_bins` for a categorical split, `-1` otherwise.
    pub(crate) cat_index: Vec<i32>,
    /// Left sets of categorical splits as bitsets over category codes.
    pub(crate) cat_codes: Vec<Vec<u64>>,
    /// Left sets of categorical splits as bitsets over bins (for scoring binned rows).
    pub(crate) cat_bins: Vec<[u64; 4]>,
    /// Training rows that reached each internal node (empty in older files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) internal_count: Vec<u32>,
    /// Training rows that reached each leaf (empty in older files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) leaf_count: Vec<u32>,
}

/// Whether `bit` is set in a bitset of `u64` words.
#[inline]
pub(crate) fn bitset_contains(words: &[u64], bit: usize) -> bool {
    words
        .get(bit / 64)
        .is_some_and(|w| (w >> (bit % 64)) & 1 == 1)
}

/// The category code of a raw value, if it is a valid one (a non-negative integer that fits).
#[inline]
pub(crate) fn category_code(v: f64) -> Option<usize> {
    (v >= 0.0 && v <= f64::from(super::MAX_CATEGORY_CODE) && v.fract() == 0.0).then_some(v as usize)
}

impl RegressionTree {
    /// A tree with a single leaf of value `value`.
    pub(crate) fn leaf(value: f64) -> Self {
        RegressionTree {
            feature: Vec::new(),
            threshold: Vec::new(),
            threshold_bin: Vec::new(),
            missing_left: Vec::new(),
            left: Vec::new(),
            right: Vec::new(),
            gain: Vec::new(),
            leaf_value: vec![value],
            cat_index: Vec::new(),
            cat_codes: Vec::new(),
            cat_bins: Vec::new(),
            internal_count: Vec::new(),
            leaf_count: Vec::new(),
        }
    }

    /// Whether the tree holds its training covers (`internal_count`, `leaf_count`); trees of
    /// files saved before they were recorded do not.
    pub fn has_covers(&self) -> bool {
        self.leaf_count.len() == self.leaf_value.len()
            && self.internal_count.len() == self.feature.len()
    }

    /// Whether internal node `node` sends `row` (raw values, `NaN` = missing) to its left
    /// child: the routing rule of [`RegressionTree::leaf_of`], shared with the explanations.
    #[inline]
    pub(crate) fn goes_left(&self, node: usize, row: &[f64]) -> bool {
        let v = row[self.feature[node] as usize];
        let cat = self.cat_index[node];
        if cat < 0 {
            if v.is_nan() {
                self.missing_left[node]
            } else {
                v <= self.threshold[node]
            }
        } else {
            let set = &self.cat_codes[cat as usize];
            category_code(v).is_some_and(|c| bitset_contains(set, c))
        }
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.leaf_value.len()
    }

    /// Number of internal (split) nodes.
    pub fn n_splits(&self) -> usize {
        self.feature.len()
    }

    /// The leaf index reached by a row of raw values (`NaN` = missing).
    #[inline]
    pub fn leaf_of(&self, row: &[f64]) -> usize {
        if self.feature.is_empty() {
            return 0;
        }
        let mut node = 0usize;
        loop {
            let next = if self.goes_left(node, row) {
                self.left[node]
            } else {
                self.right[node]
            };
            if next < 0 {
                return !next as usize;
            }
            node = next as usize;
        }
    }

    /// The leaf value reached by a row of raw values.
    #[inline]
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        self.leaf_value[self.leaf_of(row)]
    }

    /// Checks that the arrays describe one tree over `n_features` columns: equal lengths, every
    /// feature below `n_features`, every child reference in range, and each internal node but the
    /// root and each leaf reached from exactly one parent (so walking the tree from the root
    /// ends, whatever a loaded file holds).
    ///
    /// # Errors
    /// A message naming the first problem found.
    pub(crate) fn check_structure(&self, n_features: usize) -> Result<(), String> {
        let splits = self.feature.len();
        let leaves = self.leaf_value.len();
        let per_split = [
            self.threshold.len(),
            self.threshold_bin.len(),
            self.missing_left.len(),
            self.left.len(),
            self.right.len(),
            self.gain.len(),
            self.cat_index.len(),
        ];
        if per_split.iter().any(|&len| len != splits) || leaves != splits + 1 {
            return Err(format!(
                "{splits} splits but arrays of lengths {per_split:?} and {leaves} leaves"
            ));
        }
        let mut parents_of_split = vec![0u8; splits];
        let mut parents_of_leaf = vec![0u8; leaves];
        for node in 0..splits {
            if self.feature[node] as usize >= n_features {
                return Err(format!(
                    "node {node} splits on column {}",
                    self.feature[node]
                ));
            }
            let cat = self.cat_index[node];
            if cat >= 0
                && (cat as usize >= self.cat_codes.len() || cat as usize >= self.cat_bins.len())
            {
                return Err(format!("node {node} names categorical set {cat}"));
            }
            for child in [self.left[node], self.right[node]] {
                let count = if child < 0 {
                    parents_of_leaf.get_mut(!child as usize)
                } else {
                    parents_of_split.get_mut(child as usize)
                };
                match count {
                    Some(c) => *c = c.saturating_add(1),
                    None => return Err(format!("node {node} has child {child} out of range")),
                }
            }
        }
        let root_ok = parents_of_split.first().is_none_or(|&c| c == 0);
        let splits_ok = parents_of_split.iter().skip(1).all(|&c| c == 1);
        let leaves_ok = splits == 0 || parents_of_leaf.iter().all(|&c| c == 1);
        if !(root_ok && splits_ok && leaves_ok) {
            return Err("the child references do not form a tree".into());
        }
        self.check_covers()
    }

    /// Checks the training covers of a well-formed tree: none at all (an older file), or one
    /// positive count per internal node and per leaf, each internal node's the sum of its
    /// children's.
    fn check_covers(&self) -> Result<(), String> {
        let (internal, leaves) = (self.internal_count.len(), self.leaf_count.len());
        if internal == 0 && leaves == 0 {
            return Ok(());
        }
        if !self.has_covers() {
            return Err(format!(
                "{internal} internal counts and {leaves} leaf counts for {} splits and {} leaves",
                self.feature.len(),
                self.leaf_value.len()
            ));
        }
        if self.internal_count.contains(&0) || self.leaf_count.contains(&0) {
            return Err("a node has a training count of zero".into());
        }
        let count = |child: i32| {
            u64::from(if child < 0 {
                self.leaf_count[!child as usize]
            } else {
                self.internal_count[child as usize]
            })
        };
        for node in 0..internal {
            if count(self.left[node]) + count(self.right[node])
                != u64::from(self.internal_count[node])
            {
                return Err(format!(
                    "node {node}: the training counts of its children do not add up to its own"
                ));
            }
        }
        Ok(())
    }

    /// The tree in the decision-tree node layout ([`Node`]: the children of a split side by side, a
    /// leaf holding its value), ready for the branch-free walk of [`StepLayout`]; `None` when the
    /// tree has a categorical split (those are scored by [`RegressionTree::leaf_of`]). The tree
    /// must pass [`RegressionTree::check_structure`].
    pub(crate) fn step_layout(&self, n_features: usize) -> Option<StepLayout> {
        if self.cat_index.iter().any(|&c| c >= 0) {
            return None;
        }
        // Breadth first: `order[k]` is the node (a child reference: `>= 0` split, `< 0` leaf)
        // placed at index k, and a split placed at k puts its two children at the end.
        let mut order: Vec<i32> = vec![if self.feature.is_empty() { !0 } else { 0 }];
        let mut nodes = Vec::with_capacity(2 * self.feature.len() + 1);
        let mut k = 0;
        while let Some(&reference) = order.get(k) {
            if reference < 0 {
                nodes.push(Node::leaf(self.leaf_value[!reference as usize]));
            } else {
                let i = reference as usize;
                let left = u32::try_from(order.len()).ok()?;
                order.push(self.left[i]);
                order.push(self.right[i]);
                nodes.push(Node::split(
                    self.feature[i] as usize,
                    self.threshold[i],
                    self.missing_left[i],
                    left,
                ));
            }
            k += 1;
        }
        Some(StepLayout::new(&nodes, n_features))
    }

    /// The leaf index reached by row `row` of a binned column-major matrix (bin `0` = missing).
    #[inline]
    pub(crate) fn leaf_of_binned(
        &self,
        columns: &crate::trees::binning::BinnedMatrix,
        row: usize,
    ) -> usize {
        if self.feature.is_empty() {
            return 0;
        }
        let mut node = 0usize;
        loop {
            let b = columns.column(self.feature[node] as usize)[row];
            let cat = self.cat_index[node];
            let go_left = if cat >= 0 {
                bitset_contains(&self.cat_bins[cat as usize], b as usize)
            } else if b == crate::trees::binning::MISSING_BIN {
                self.missing_left[node]
            } else {
                b <= self.threshold_bin[node]
            };
            let next = if go_left {
                self.left[node]
            } else {
                self.right[node]
            };
            if next < 0 {
                return !next as usize;
            }
            node = next as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_traversal_follows_thresholds_and_missing_direction() {
        // root: x0 <= 1.5 (missing right) -> leaf 0 | node 1: x1 <= 0.0 (missing left) -> leaf 1 | leaf 2
        let tree = RegressionTree {
            feature: vec![0, 1],
            threshold: vec![1.5, 0.0],
            threshold_bin: vec![1, 1],
            missing_left: vec![false, true],
            left: vec![!0, !1],
            right: vec![1, !2],
            gain: vec![1.0, 0.5],
            leaf_value: vec![-1.0, 0.0, 1.0],
            cat_index: vec![-1, -1],
            cat_codes: Vec::new(),
            cat_bins: Vec::new(),
            internal_count: Vec::new(),
            leaf_count: Vec::new(),
        };
        assert_eq!(tree.leaf_of(&[1.0, 5.0]), 0);
        assert_eq!(tree.leaf_of(&[2.0, -1.0]), 1);
        assert_eq!(tree.leaf_of(&[2.0, 1.0]), 2);
        assert_eq!(tree.leaf_of(&[f64::NAN, f64::NAN]), 1);
        assert_eq!(tree.predict_row(&[2.0, 1.0]), 1.0);
        assert_eq!(RegressionTree::leaf(0.25).predict_row(&[0.0]), 0.25);
    }

    #[test]
    fn categorical_node_sends_its_codes_left_and_the_rest_right() {
        // root: x0 in {1, 3, 64} -> leaf 0, else leaf 1
        let mut codes = vec![0u64; 2];
        for c in [1usize, 3, 64] {
            codes[c / 64] |= 1 << (c % 64);
        }
        let tree = RegressionTree {
            feature: vec![0],
            threshold: vec![0.0],
            threshold_bin: vec![0],
            missing_left: vec![false],
            left: vec![!0],
            right: vec![!1],
            gain: vec![1.0],
            leaf_value: vec![-1.0, 1.0],
            cat_index: vec![0],
            cat_codes: vec![codes],
            cat_bins: vec![[0; 4]],
            internal_count: Vec::new(),
            leaf_count: Vec::new(),
        };
        for (v, leaf) in [
            (1.0, 0),
            (3.0, 0),
            (64.0, 0),
            (2.0, 1),
            (1.5, 1),
            (-1.0, 1),
            (500.0, 1),
        ] {
            assert_eq!(tree.leaf_of(&[v]), leaf, "{v}");
        }
        assert_eq!(tree.leaf_of(&[f64::NAN]), 1);
        assert_eq!(category_code(7.0), Some(7));
        assert_eq!(category_code(7.5), None);
    }
}
