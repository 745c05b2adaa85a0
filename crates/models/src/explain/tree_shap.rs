//! Path-dependent TreeSHAP (Lundberg et al. 2018, "Consistent Individualized Feature
//! Attribution for Tree Ensembles", arXiv 1802.03888, Algorithm 2): the exact Shapley values of
//! one tree's prediction for one row, where the value of a set `S` of known features is the
//! tree's expectation with the features outside `S` integrated out along the training covers
//! (at a split on an unknown feature, each child weighs `cover(child) / cover(node)`).
//!
//! The recursion walks every path of the tree once and keeps, for the features met on the way
//! down, the weights of all subset sizes at once (`extend`), removes a feature met again (`unwind`)
//! and, at a leaf, reads off each feature's Shapley weight (`unwound_sum`): `O(L · D²)` per tree
//! and row for `L` leaves and depth `D`. The code follows the reference implementation of the
//! `shap` package (`tree_shap_recursive`), which LightGBM and XGBoost also carry.

use super::ShapTree;

/// No feature: the first element of every path.
const NO_FEATURE: usize = usize::MAX;

/// One feature on the current path: the share of the training cover that follows the path
/// when the feature is unknown (`zero`), whether the row follows it when the feature is known
/// (`one`, 1 or 0), and the weight of the subsets of one size (`weight`).
#[derive(Debug, Clone, Copy)]
struct PathElement {
    feature: usize,
    zero: f64,
    one: f64,
    weight: f64,
}

const EMPTY: PathElement = PathElement {
    feature: NO_FEATURE,
    zero: 0.0,
    one: 0.0,
    weight: 0.0,
};

/// Scratch memory of the recursion, reused from row to row and tree to tree (one per thread).
#[derive(Debug, Default)]
pub(crate) struct PathBuffer(Vec<PathElement>);

impl PathBuffer {
    /// Room for the paths of a tree of depth `depth`: the path at recursion level `k` holds at
    /// most `k + 1` elements and starts right after its parent's, `(D + 2)(D + 3) / 2` in all.
    fn reserve_for_depth(&mut self, depth: usize) {
        let needed = (depth + 2) * (depth + 3) / 2;
        if self.0.len() < needed {
            self.0.resize(needed, EMPTY);
        }
    }
}

/// Adds the Shapley values of `tree`'s prediction for `row`, times `scale`, to `phi` (one entry
/// per feature). `depth` is the tree's depth ([`ShapTree::depth`]).
pub(crate) fn add_tree_shap<T: ShapTree>(
    tree: &T,
    depth: usize,
    row: &[f64],
    scale: f64,
    phi: &mut [f64],
    buffer: &mut PathBuffer,
) {
    buffer.reserve_for_depth(depth);
    let mut walk = Walk {
        tree,
        row,
        scale,
        phi,
        path: &mut buffer.0,
    };
    walk.recurse(0, 0, 0, 1.0, 1.0, NO_FEATURE);
}

/// The tree's expected prediction over its training covers, the value of the empty set of
/// features: `E(leaf) = value`, `E(split) = Σ_child cover(child) / cover(split) · E(child)`.
pub(crate) fn expected_value<T: ShapTree>(tree: &T, node: usize) -> f64 {
    match tree.split(node) {
        None => tree.leaf_value(node),
        Some((_, left, right)) => {
            let cover = tree.cover(node);
            tree.cover(left) / cover * expected_value(tree, left)
                + tree.cover(right) / cover * expected_value(tree, right)
        }
    }
}

struct Walk<'a, T> {
    tree: &'a T,
    row: &'a [f64],
    scale: f64,
    phi: &'a mut [f64],
    path: &'a mut [PathElement],
}

impl<T: ShapTree> Walk<'_, T> {
    /// Visits `node`, reached from a path that starts at `parent_start` in the buffer and holds
    /// `depth` elements, through a split on `parent_feature` that lets the share
    /// `parent_zero` of the cover through and that the row follows when `parent_one` is 1.
    fn recurse(
        &mut self,
        node: usize,
        parent_start: usize,
        mut depth: usize,
        parent_zero: f64,
        parent_one: f64,
        parent_feature: usize,
    ) {
        let start = parent_start + depth + 1;
        self.path
            .copy_within(parent_start..=parent_start + depth, start);
        extend(
            &mut self.path[start..=start + depth],
            depth,
            parent_zero,
            parent_one,
            parent_feature,
        );
        let Some((feature, left, right)) = self.tree.split(node) else {
            let value = self.tree.leaf_value(node) * self.scale;
            let path = &self.path[start..=start + depth];
            for i in 1..=depth {
                let element = path[i];
                let w = unwound_sum(path, depth, i);
                self.phi[element.feature] += w * (element.one - element.zero) * value;
            }
            return;
        };
        let (hot, cold) = if self.tree.goes_left(node, self.row) {
            (left, right)
        } else {
            (right, left)
        };
        let cover = self.tree.cover(node);
        let hot_zero = self.tree.cover(hot) / cover;
        let cold_zero = self.tree.cover(cold) / cover;
        let (mut incoming_zero, mut incoming_one) = (1.0, 1.0);
        // A feature met before on this path: undo its split, to redo it here.
        if let Some(k) = (0..=depth).find(|&k| self.path[start + k].feature == feature) {
            incoming_zero = self.path[start + k].zero;
            incoming_one = self.path[start + k].one;
            unwind(&mut self.path[start..=start + depth], depth, k);
            depth -= 1;
        }
        self.recurse(
            hot,
            start,
            depth + 1,
            hot_zero * incoming_zero,
            incoming_one,
            feature,
        );
        self.recurse(
            cold,
            start,
            depth + 1,
            cold_zero * incoming_zero,
            0.0,
            feature,
        );
    }
}

/// Appends a feature to a path of `depth` elements, updating the weight of every subset size.
fn extend(path: &mut [PathElement], depth: usize, zero: f64, one: f64, feature: usize) {
    path[depth] = PathElement {
        feature,
        zero,
        one,
        weight: if depth == 0 { 1.0 } else { 0.0 },
    };
    let d1 = (depth + 1) as f64;
    for i in (0..depth).rev() {
        path[i + 1].weight += one * path[i].weight * (i + 1) as f64 / d1;
        path[i].weight = zero * path[i].weight * (depth - i) as f64 / d1;
    }
}

/// Removes element `index` from a path of `depth + 1` elements (the inverse of [`extend`]).
fn unwind(path: &mut [PathElement], depth: usize, index: usize) {
    let PathElement { zero, one, .. } = path[index];
    let d1 = (depth + 1) as f64;
    let mut next_one = path[depth].weight;
    for i in (0..depth).rev() {
        if one == 0.0 {
            path[i].weight = path[i].weight * d1 / (zero * (depth - i) as f64);
        } else {
            let tmp = path[i].weight;
            path[i].weight = next_one * d1 / ((i + 1) as f64 * one);
            next_one = tmp - path[i].weight * zero * (depth - i) as f64 / d1;
        }
    }
    for i in index..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
}

/// The total weight of a path of `depth + 1` elements with element `index` removed, without
/// changing the path.
fn unwound_sum(path: &[PathElement], depth: usize, index: usize) -> f64 {
    let PathElement { zero, one, .. } = path[index];
    let d1 = (depth + 1) as f64;
    let mut total = 0.0;
    if one == 0.0 {
        for i in (0..depth).rev() {
            total += path[i].weight / zero * d1 / (depth - i) as f64;
        }
    } else {
        let mut next_one = path[depth].weight;
        for i in (0..depth).rev() {
            let tmp = next_one * d1 / ((i + 1) as f64 * one);
            total += tmp;
            next_one = path[i].weight - tmp * zero * (depth - i) as f64 / d1;
        }
    }
    total
}
