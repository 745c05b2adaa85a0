//! The lane kernel: eight rows walk a tree side by side, without branches, and the layout of
//! resolved rows ([`StepLayout`]) that forests which cannot be rank-coded walk with it.

use crate::trees::node::{MISSING_LEFT_BIT, Node};

/// Rows scored side by side by [`accumulate_in_lanes`].
const LANES: usize = 8;

/// Branch-free steps of every lane between two looks for lanes that reached their leaf in
/// [`accumulate_in_lanes`].
///
/// Looking less often wastes few steps and saves mispredicted branches; past 12 the wasted
/// steps cost more than the branches saved. The steps tried, and the variants of the forest
/// walk dropped, are in `docs/models.md`.
const STEPS_PER_CHECK: usize = 12;

/// The layout [`StepLayout::accumulate`] walks, derived from a tree's nodes, for rows in the
/// missing-resolved form of [`resolve_missing`](super::blocks::resolve_missing) (`2p` values: `NaN`
/// as `-inf`, then `NaN` as `+inf`).
///
/// A split on feature `f` reads value `f` of the resolved row when missing values go left (a
/// missing value is then `-inf`, which goes left) and value `p + f` otherwise (`+inf`, which goes
/// right), so one comparison `value <= threshold` routes every row; thresholds that are not
/// finite (only possible in hand-made or loaded trees) are replaced by equivalent ones for that
/// rule. A leaf at index `i` becomes a split on value 0 with threshold `+inf` whose left child is
/// `i` itself: every row that reaches it stays there, so a row can take any number of steps past
/// its leaf without a branch, and "at a leaf" is `left == index`. This relies on the scored rows
/// holding no infinity, which [`checked_predict_blocks`](super::checked_predict_blocks) guarantees.
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

    /// Adds the leaf value of each row of `resolved` (rows in the form of
    /// [`resolve_missing`](super::blocks::resolve_missing), `2p` values each) to the matching entry
    /// of `out`, walking them in lanes ([`accumulate_in_lanes`], with its scratch `leaf_of`).
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
/// leaf: those loads are independent of each other, so their cache misses overlap (on
/// taiwan_credit's forest, with large arrays of leaf values, that took about a quarter off the
/// walk; `docs/models.md`). The independent node loads of the lanes overlap in memory too,
/// which is what makes scoring deep trees fast; looking for leaves only every few steps keeps
/// the steps free of unpredictable branches.
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
