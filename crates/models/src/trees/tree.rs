//! A fitted decision tree: a flat array of [`Node`]s, with the scoring layouts derived from it
//! on first use.

use serde::{Deserialize, Serialize};

use super::node::{MISSING_LEFT_BIT, Node};
use super::predict::{RawLayout, StepLayout};
use crate::derived::Derived;

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
    /// Per node (parallel to `nodes`, which stay 16 bytes each): the training cover, the total
    /// weight of the training rows that reached the node (sample weights times bootstrap
    /// multiplicities and class weights, the weights the tree was grown on), which the
    /// explanations need ([`crate::explain`]). Empty in files saved before covers were
    /// recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    cover: Vec<f64>,
    /// The scoring layout of resolved rows, derived from `nodes` when a forest that cannot be
    /// rank-coded ([`crate::trees::predict::ranked`]) first scores (not saved).
    #[serde(skip_serializing)]
    steps: Derived<StepLayout>,
    /// The scoring layout of raw rows, derived from `nodes` when a single tree first scores
    /// (forests and AdaBoost never need it; not saved).
    #[serde(skip_serializing)]
    raw_layout: Derived<RawLayout>,
}

/// The serialised form of a [`Tree`], checked before it becomes one.
#[derive(Deserialize)]
pub(super) struct TreeRepr {
    pub(super) nodes: Vec<Node>,
    pub(super) n_features: usize,
    pub(super) impurity_decrease: Vec<f64>,
    /// Absent from files saved before covers were recorded.
    #[serde(default)]
    pub(super) cover: Vec<f64>,
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
        if !repr.cover.is_empty() {
            if repr.cover.len() != repr.nodes.len() {
                return Err(format!(
                    "tree: {} covers for {} nodes",
                    repr.cover.len(),
                    repr.nodes.len()
                ));
            }
            if let Some(i) = repr.cover.iter().position(|c| !(c.is_finite() && *c > 0.0)) {
                return Err(format!("tree: node {i} has cover {}", repr.cover[i]));
            }
        }
        Ok(Tree::new(
            repr.nodes,
            repr.n_features,
            repr.impurity_decrease,
            repr.cover,
        ))
    }
}

impl Tree {
    /// A tree from checked parts (children after their parent and in range, features below
    /// `n_features`, `cover` empty or one finite positive value per node); its scoring layouts
    /// are built when first needed.
    pub(crate) fn new(
        nodes: Vec<Node>,
        n_features: usize,
        impurity_decrease: Vec<f64>,
        cover: Vec<f64>,
    ) -> Self {
        Tree {
            nodes,
            n_features,
            impurity_decrease,
            cover,
            steps: Derived::default(),
            raw_layout: Derived::default(),
        }
    }

    /// The raw-row scoring layout, built on first use.
    pub(super) fn raw_layout(&self) -> &RawLayout {
        self.raw_layout.get_or_init(|| RawLayout::new(&self.nodes))
    }

    /// The nodes; node 0 is the root.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The training cover of each node (see the field's docs; parallel to [`Tree::nodes`]),
    /// `None` for a tree loaded from a file saved before covers were recorded.
    pub fn cover(&self) -> Option<&[f64]> {
        (self.cover.len() == self.nodes.len()).then_some(&self.cover[..])
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
            let go_left =
                node.goes_left(row[(node.feature_and_missing & !MISSING_LEFT_BIT) as usize]);
            node = nodes[(node.left + u32::from(!go_left)) as usize];
        }
        node.threshold_or_value
    }

    /// Adds the leaf value (P(positive)) of each row of `resolved` (rows in the missing-resolved
    /// form of the scoring kernels, `2p` values each) to the matching entry of `out`. Each row's
    /// result is the same as [`Tree::predict_row`]'s on the original row. `leaf_of` is scratch
    /// for the lanes ([`StepLayout::accumulate`](crate::trees::predict::StepLayout::accumulate)).
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

impl AsRef<[Node]> for Tree {
    fn as_ref(&self) -> &[Node] {
        &self.nodes
    }
}
