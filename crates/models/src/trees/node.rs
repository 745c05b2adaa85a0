//! The node of a fitted decision tree: a split or a leaf, packed in 16 bytes.
//!
//! This is the bottom of the tree family's modules: it imports none of them, and the scoring
//! kernels ([`super::predict`]), the fitted [`Tree`](super::tree::Tree) and the grower all
//! build on it.

use serde::{Deserialize, Serialize};

/// Bit of [`Node`]'s packed feature word saying that missing values go left.
pub(crate) const MISSING_LEFT_BIT: u32 = 1 << 31;

/// One node of a [`Tree`](super::Tree), packed in 16 bytes so that deep trees stay in cache when
/// scoring.
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

    /// Whether a split sends the value `v` of its feature left: `v <= threshold`, or the
    /// missing side for `NaN`. The one routing rule of raw rows, shared by
    /// [`Tree::predict_row`](super::Tree::predict_row) and the explanations
    /// ([`crate::explain`]); the scoring kernels are tested to route as it does.
    #[inline]
    pub(crate) fn goes_left(&self, v: f64) -> bool {
        if v.is_nan() {
            self.feature_and_missing & MISSING_LEFT_BIT != 0
        } else {
            v <= self.threshold_or_value
        }
    }
}

/// Routes one row down `nodes` (node 0 the root) the plain way, from the public accessors only.
#[cfg(test)]
pub(crate) fn reference_leaf(nodes: &[Node], row: &[f64]) -> f64 {
    let mut i = 0;
    loop {
        let node = nodes[i];
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

/// The nodes of a random tree of depth at most `max_depth` whose thresholds sit on the
/// half-integer grid the rows are drawn from (so ties happen), with some NaN and infinite
/// thresholds as only hand-made or loaded trees can have.
#[cfg(test)]
pub(crate) fn random_nodes(
    rng: &mut rand_chacha::ChaCha8Rng,
    n_features: usize,
    max_depth: usize,
) -> Vec<Node> {
    use rand::Rng;
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
    nodes
}
