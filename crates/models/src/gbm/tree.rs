//! One fitted regression tree as flat node arrays, scored on raw `f64` values (no binning at
//! predict time).

use serde::{Deserialize, Serialize};

/// A regression tree in LightGBM's flat layout: internal node `i` tests
/// `x[feature[i]] <= threshold[i]` (missing values go left when `missing_left[i]`); a child
/// index `c >= 0` is an internal node, `c < 0` is leaf `!c`. A tree with no split has one leaf
/// and no internal nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
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
}

impl Tree {
    /// A tree with a single leaf of value `value`.
    pub(crate) fn leaf(value: f64) -> Self {
        Tree {
            feature: Vec::new(),
            threshold: Vec::new(),
            threshold_bin: Vec::new(),
            missing_left: Vec::new(),
            left: Vec::new(),
            right: Vec::new(),
            gain: Vec::new(),
            leaf_value: vec![value],
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
            let v = row[self.feature[node] as usize];
            let go_left = if v.is_nan() {
                self.missing_left[node]
            } else {
                v <= self.threshold[node]
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

    /// The leaf value reached by a row of raw values.
    #[inline]
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        self.leaf_value[self.leaf_of(row)]
    }

    /// The leaf index reached by row `row` of a binned column-major matrix (bin `0` = missing).
    #[inline]
    pub(crate) fn leaf_of_binned(
        &self,
        columns: &crate::binning::BinnedMatrix,
        row: usize,
    ) -> usize {
        if self.feature.is_empty() {
            return 0;
        }
        let mut node = 0usize;
        loop {
            let b = columns.column(self.feature[node] as usize)[row];
            let go_left = if b == crate::binning::MISSING_BIN {
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
        let tree = Tree {
            feature: vec![0, 1],
            threshold: vec![1.5, 0.0],
            threshold_bin: vec![1, 1],
            missing_left: vec![false, true],
            left: vec![!0, !1],
            right: vec![1, !2],
            gain: vec![1.0, 0.5],
            leaf_value: vec![-1.0, 0.0, 1.0],
        };
        assert_eq!(tree.leaf_of(&[1.0, 5.0]), 0);
        assert_eq!(tree.leaf_of(&[2.0, -1.0]), 1);
        assert_eq!(tree.leaf_of(&[2.0, 1.0]), 2);
        assert_eq!(tree.leaf_of(&[f64::NAN, f64::NAN]), 1);
        assert_eq!(tree.predict_row(&[2.0, 1.0]), 1.0);
        assert_eq!(Tree::leaf(0.25).predict_row(&[0.0]), 0.25);
    }
}
