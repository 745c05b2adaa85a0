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

/// Scratch memory of the recursion, reused from row to row and tree to tree (one per thread):
/// the paths, the numbers `k` and reciprocals `1 / k` the weight updates multiply by
/// (divisions and integer conversions in their dependent chains cost more than the rest of the
/// work), and the running sums of [`add_leaf`].
#[derive(Debug, Default)]
pub(crate) struct PathBuffer {
    path: Vec<PathElement>,
    tables: Tables,
    hot: HotSums,
}

/// Per feature the row follows at a leaf ([`add_leaf`]): the feature, `1 − zero`, its cover
/// share `zero` times `1 / (depth + 1)`, and the running values of the unwound sum.
#[derive(Debug, Default)]
struct HotSums {
    feature: Vec<usize>,
    one_minus_zero: Vec<f64>,
    zero: Vec<f64>,
    next: Vec<f64>,
    total: Vec<f64>,
}

/// `k` and `1 / k` as `f64`, for `k` up to the deepest path.
#[derive(Debug, Default)]
struct Tables {
    number: Vec<f64>,
    recip: Vec<f64>,
}

impl PathBuffer {
    /// Room for the paths of a tree of depth `depth`: the path at recursion level `k` holds at
    /// most `k + 1` elements and starts right after its parent's, `(D + 2)(D + 3) / 2` in all;
    /// and the reciprocals of `1..=D + 2`.
    fn reserve_for_depth(&mut self, depth: usize) {
        let needed = (depth + 2) * (depth + 3) / 2;
        if self.path.len() < needed {
            self.path.resize(needed, EMPTY);
        }
        if self.tables.number.len() < depth + 3 {
            self.tables.number = (0..depth + 3).map(|k| k as f64).collect();
            self.tables.recip = self.tables.number.iter().map(|k| 1.0 / k).collect();
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
        path: &mut buffer.path,
        tables: &buffer.tables,
        hot: &mut buffer.hot,
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
    tables: &'a Tables,
    hot: &'a mut HotSums,
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
            self.tables,
            depth,
            parent_zero,
            parent_one,
            parent_feature,
        );
        let Some((feature, left, right)) = self.tree.split(node) else {
            let value = self.tree.leaf_value(node) * self.scale;
            add_leaf(
                &self.path[start..=start + depth],
                self.tables,
                depth,
                value,
                self.phi,
                self.hot,
            );
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
            unwind(&mut self.path[start..=start + depth], self.tables, depth, k);
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

// The path's `one` fractions are exactly 0 or 1 (products of the row's 0/1 branch choices),
// so the reference implementation's divisions by `one` are left out where `one` is 1.

/// Appends a feature to a path of `depth` elements, updating the weight of every subset size.
#[inline]
fn extend(
    path: &mut [PathElement],
    tables: &Tables,
    depth: usize,
    zero: f64,
    one: f64,
    feature: usize,
) {
    path[depth] = PathElement {
        feature,
        zero,
        one,
        weight: if depth == 0 { 1.0 } else { 0.0 },
    };
    let (k, inv) = (&tables.number, &tables.recip);
    let (one, zero) = (one * inv[depth + 1], zero * inv[depth + 1]);
    // `above` carries the new weight of element `i + 1` (a register, not a store and reload).
    let mut above = path[depth].weight;
    for i in (0..depth).rev() {
        let w = path[i].weight;
        path[i + 1].weight = above + one * w * k[i + 1];
        above = zero * w * k[depth - i];
    }
    path[0].weight = above;
}

/// Removes element `index` from a path of `depth + 1` elements (the inverse of [`extend`]).
fn unwind(path: &mut [PathElement], tables: &Tables, depth: usize, index: usize) {
    let PathElement { zero, one, .. } = path[index];
    debug_assert!(one == 0.0 || one == 1.0);
    let (k, inv) = (&tables.number, &tables.recip);
    let d1 = k[depth + 1];
    if one == 0.0 {
        let scale = d1 / zero;
        for i in (0..depth).rev() {
            path[i].weight *= scale * inv[depth - i];
        }
    } else {
        let zero_d = zero * inv[depth + 1];
        let mut next_one = path[depth].weight;
        for i in (0..depth).rev() {
            let tmp = path[i].weight;
            path[i].weight = next_one * (d1 * inv[i + 1]);
            next_one = tmp - path[i].weight * (zero_d * k[depth - i]);
        }
    }
    for i in index..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
}

/// Adds each feature's Shapley contribution at a leaf of value `value` reached along `path`
/// (`depth + 1` elements, the first no feature) to `phi`: the element's share of the path
/// weights with it unwound (the reference's `unwound_path_sum`) times `(one − zero) · value`.
///
/// For a feature the row does not follow (`one = 0`) the unwound sum is `Σ_j w_j (d + 1) /
/// ((d − j) zero)`, so its contribution `−Σ_j w_j (d + 1) / (d − j) · value` is the same for
/// every such feature and computed once. The features the row follows run their dependent
/// chains side by side, one pass over the path weights for all of them.
#[inline]
fn add_leaf(
    path: &[PathElement],
    tables: &Tables,
    depth: usize,
    value: f64,
    phi: &mut [f64],
    hot: &mut HotSums,
) {
    let (k, inv) = (&tables.number, &tables.recip);
    let d1 = k[depth + 1];
    hot.feature.clear();
    hot.one_minus_zero.clear();
    hot.zero.clear();
    let mut any_cold = false;
    for element in &path[1..=depth] {
        debug_assert!(element.one == 0.0 || element.one == 1.0);
        if element.one == 0.0 {
            any_cold = true;
        } else {
            hot.feature.push(element.feature);
            hot.one_minus_zero.push(1.0 - element.zero);
            hot.zero.push(element.zero * inv[depth + 1]);
        }
    }
    if any_cold {
        let mut total = 0.0;
        for j in (0..depth).rev() {
            total += path[j].weight * inv[depth - j];
        }
        let contribution = -total * d1 * value;
        for element in &path[1..=depth] {
            if element.one == 0.0 {
                phi[element.feature] += contribution;
            }
        }
    }
    let m = hot.feature.len();
    if m == 0 {
        return;
    }
    hot.next.clear();
    hot.next.resize(m, path[depth].weight);
    hot.total.clear();
    hot.total.resize(m, 0.0);
    let (zero, next, total) = (&hot.zero[..m], &mut hot.next[..m], &mut hot.total[..m]);
    for j in (0..depth).rev() {
        let (a, b, w) = (d1 * inv[j + 1], k[depth - j], path[j].weight);
        for ((n, t), &z) in next.iter_mut().zip(total.iter_mut()).zip(zero) {
            let tmp = *n * a;
            *t += tmp;
            *n = w - tmp * (z * b);
        }
    }
    for ((&feature, &t), &keep) in hot.feature.iter().zip(&*total).zip(&hot.one_minus_zero) {
        phi[feature] += t * keep * value;
    }
}
