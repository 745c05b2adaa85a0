//! Scoring of a single deep decision tree on raw rows: [`LANES`] rows walk the tree side by
//! side, and a lane that reaches its leaf takes the next row without a branch.
//!
//! A deep tree (the bench's unlimited-depth tree has 2,049 nodes, depth 20, 13 steps on
//! average) is walked in rounds: every lane takes `min(depth, `[`MAX_STEPS_PER_REFILL`]`)`
//! branch-free steps (leaves loop on themselves), then each lane that sits on a leaf writes its
//! value and takes the next row. A tree no deeper than 16 is thus walked in lock step, as
//! boosting's small trees are ([`crate::lockstep`]); a deeper one takes a second round only for
//! the rows whose path is longer than 16 steps. The refill is branch-free too: a lane still
//! walking writes to a sink slot and keeps its row, chosen with conditional moves, so the only
//! data-dependent branch left ends the walk, and the lanes' positions stay in registers.
//!
//! The tree keeps its nodes packed, 16 bytes each ([`RawLayout`]), and a step routes `NaN`
//! with its one comparison: `v > threshold` (false for `NaN`) where missing values go left,
//! `!(v <= threshold)` (true for `NaN`) where they go right. So the rows are read where they
//! are, without the missing-resolved copy forests use ([`crate::tree::resolve_missing`]): for
//! one tree that copy costs more than it saves.
//!
//! Measured on the bench's 100,000 × 40 rows (one thread, CPU time, best of 7 or 15, scratch
//! harness, several kernels in one process, 2026-11-28): the unlimited-depth tree 3.1-3.2 ms
//! against 4.0-4.2 ms for the previous kernel (lanes refilled one by one behind a branch at
//! every step); the same data with `max_depth` 10: 2.3 ms in lock step against 3.1 ms with a
//! refill every 8 steps. For the depth-20 tree, a refill every 4, 6, 8, 10, 12, 16, 20, 24 or
//! 32 steps took 4.3, 4.3, 3.2-3.3, 3.7, 4.1, 3.1, 3.5, 3.9 and 4.9 ms. Other variants measured
//! and dropped: a refill behind a per-lane branch (3.6-3.7 ms at 8 steps), indices masked with a
//! power-of-two length instead of bounds-checked (+3 %: the mask sits on the step's dependency
//! chain, a predicted bounds check does not), two levels per step with both children read
//! speculatively (+60 %), partitioning row indices node by node (3.9 ms), walking each block
//! before checking it for infinities (7.6 ms: the check's linear pass is what brings the rows
//! into cache), and checking then walking runs of 32 to 256 rows instead of blocks of 2,048
//! (3.4-4.9 ms: the lanes idle more at the end of each run). The floor, a depth-1 tree, is
//! 1.2 ms (mostly the infinity check's pass over the 32 MB matrix).
//!
//! Third session (same harness, load 2.5-3): separate arrays with the step `v <= t | (isnan(v)
//! & missing_left)` 3.4-3.6 ms, packed nodes with that step 3.4-3.6 ms, separate arrays with
//! the one-comparison step 3.6 ms, packed nodes with it 2.8-3.0 ms (kept). Checking each next
//! 16 to 256 rows for infinities just before the lanes take them, instead of the whole block
//! first, took 2.9-4.2 ms (the check then waits for memory inside the walk). The check alone
//! is 0.9 ms of the 2.9.
//!
//! Results are bit-identical to [`Tree::predict_row`](crate::tree::Tree::predict_row): each
//! row follows the same path to the same leaf, and only the leaf value is read.

use crate::tree::{MISSING_LEFT_BIT, Node};

/// Rows walked side by side.
pub(crate) const LANES: usize = 8;

/// The most branch-free steps of every lane between two refills: a tree no deeper than this is
/// walked in lock step, `depth` steps per refill.
pub(crate) const MAX_STEPS_PER_REFILL: usize = 16;

/// A tree laid out for [`RawLayout::leaves`] on raw rows (`NaN` for missing values, no
/// infinity): node `i` sends a row right, to `left + 1`, when value `feature` of the row is
/// `> threshold` if missing values go left, or is not `<= threshold` if they go right (so a
/// missing value takes its side with one comparison), else left, to `left`. A leaf `i` is a
/// split on value 0 at `+inf` whose missing values go left and whose left child is itself, so
/// it keeps every row that reaches it. Nodes are packed ([`Node`], 16 bytes: one load a step).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct RawLayout {
    nodes: Vec<Node>,
    leaf_values: Vec<f64>,
    /// Branch-free steps between two refills: the tree's depth, at most
    /// [`MAX_STEPS_PER_REFILL`].
    steps_per_refill: usize,
}

impl RawLayout {
    /// The layout of a tree's nodes (node 0 the root, children of a split at `left` and
    /// `left + 1`, leaves with `left == 0`).
    pub(crate) fn new(nodes: &[Node]) -> Self {
        let len = nodes.len();
        let mut layout = RawLayout {
            nodes: Vec::with_capacity(len),
            leaf_values: vec![0.0; len],
            steps_per_refill: 1,
        };
        let mut depth = vec![0usize; len];
        for (i, node) in nodes.iter().enumerate() {
            if let Some((left, right)) = node.children() {
                let d = depth[i] + 1;
                depth[left] = d;
                depth[right] = d;
                layout.steps_per_refill = layout.steps_per_refill.max(d);
            }
            let step = if let (Some(feature), Some(threshold)) = (node.feature(), node.threshold())
            {
                let missing_left = node.missing_left();
                // A NaN threshold sends every value right and missing values their side: with
                // missing values left, `v > -inf` does that for the finite values.
                let threshold = if threshold.is_nan() && missing_left {
                    f64::NEG_INFINITY
                } else {
                    threshold
                };
                Node::split(feature, threshold, missing_left, node.left)
            } else {
                layout.leaf_values[i] = node.threshold_or_value;
                Node::split(0, f64::INFINITY, true, i as u32)
            };
            layout.nodes.push(step);
        }
        layout.steps_per_refill = layout.steps_per_refill.min(MAX_STEPS_PER_REFILL);
        layout
    }

    /// Writes the leaf value of each of the raw rows `rows` (`p` values each, every feature of
    /// the tree below `p`, no infinity) to the matching entry of `leaf_of`, whose last entry is
    /// a sink: `leaf_of.len()` is the number of rows plus one.
    // `!(v <= t)` is meant: unlike `v > t` it is true for `NaN`, which sends a missing value
    // right with the one comparison.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    pub(crate) fn leaves(&self, rows: &[f64], p: usize, leaf_of: &mut [f64]) {
        let (nodes, leaf_values) = (&self.nodes[..], &self.leaf_values[..]);
        walk_lanes(
            p,
            self.steps_per_refill,
            leaf_of,
            |at| (nodes[at as usize].left == at, leaf_values[at as usize]),
            |at, base| {
                let node = nodes[at as usize];
                let word = node.feature_and_missing;
                let v = rows[base + (word & !MISSING_LEFT_BIT) as usize];
                let t = node.threshold_or_value;
                let go_right = if word & MISSING_LEFT_BIT != 0 {
                    v > t
                } else {
                    !(v <= t)
                };
                node.left + u32::from(go_right)
            },
        );
    }
}

/// Walks the rows `0..leaf_of.len() - 1` (row `r` starting at value `r * stride`) down a tree
/// in [`LANES`] lanes and writes each row's leaf value to `leaf_of[r]`; the last entry of
/// `leaf_of` is a sink. `leaf(at)` says whether node `at` is a leaf (a leaf loops on itself)
/// and gives its value; `step(at, base)` is the node after `at` for the row starting at `base`.
///
/// Lanes with no row left walk row 0 again and write to the sink; the walk ends when every
/// lane is in that state.
#[inline]
fn walk_lanes(
    stride: usize,
    steps_per_refill: usize,
    leaf_of: &mut [f64],
    leaf: impl Fn(u32) -> (bool, f64),
    step: impl Fn(u32, usize) -> u32,
) {
    let rows = leaf_of.len().saturating_sub(1);
    if rows == 0 {
        return;
    }
    let sink = rows;
    let mut at = [0u32; LANES];
    let mut row = [sink; LANES];
    let mut base = [0usize; LANES];
    for k in 0..LANES.min(rows) {
        row[k] = k;
        base[k] = k * stride;
    }
    let mut next = LANES;
    loop {
        for _ in 0..steps_per_refill {
            for k in 0..LANES {
                at[k] = step(at[k], base[k]);
            }
        }
        for k in 0..LANES {
            let (done, value) = leaf(at[k]);
            leaf_of[if done { row[k] } else { sink }] = value;
            let fresh = next.min(sink);
            next += usize::from(done);
            row[k] = if done { fresh } else { row[k] };
            base[k] = if row[k] < sink { row[k] * stride } else { 0 };
            at[k] = if done { 0 } else { at[k] };
        }
        if row.iter().all(|&r| r == sink) {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Routes one row the plain way.
    fn reference(nodes: &[Node], row: &[f64]) -> f64 {
        let mut i = 0;
        loop {
            let node = nodes[i];
            let Some((left, right)) = node.children() else {
                return node.threshold_or_value;
            };
            let v = row[node.feature().expect("split")];
            let go_left = if v.is_nan() {
                node.missing_left()
            } else {
                v <= node.threshold().expect("split")
            };
            i = if go_left { left } else { right };
        }
    }

    /// A random unbalanced tree (deep on one side) with some non-finite thresholds.
    fn random_nodes(rng: &mut ChaCha8Rng, p: usize, max_depth: usize) -> Vec<Node> {
        let mut nodes = vec![Node::leaf(0.0)];
        let mut pending = vec![(0usize, 0usize)];
        while let Some((i, depth)) = pending.pop() {
            if depth < max_depth && rng.gen_bool(0.75) {
                let left = nodes.len();
                nodes.push(Node::leaf(0.0));
                nodes.push(Node::leaf(0.0));
                let threshold = match rng.gen_range(0..20) {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => f64::NEG_INFINITY,
                    _ => f64::from(rng.gen_range(-4i32..=4)) * 0.5,
                };
                nodes[i] = Node::split(
                    rng.gen_range(0..p),
                    threshold,
                    rng.gen_bool(0.5),
                    left as u32,
                );
                pending.push((left, depth + 1));
                pending.push((left + 1, depth + 1));
            } else {
                nodes[i] = Node::leaf(rng.r#gen::<f64>());
            }
        }
        nodes
    }

    #[test]
    fn lanes_match_the_plain_walk_for_every_row_count() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let p = 3;
        for max_depth in [0, 1, 5, 30] {
            let nodes = random_nodes(&mut rng, p, max_depth);
            let layout = RawLayout::new(&nodes);
            // Fewer rows than lanes, exactly the lanes, and a partial last refill.
            for n in [1, 2, LANES - 1, LANES, LANES + 1, 3 * LANES + 5, 200] {
                let rows: Vec<f64> = (0..n * p)
                    .map(|_| {
                        if rng.gen_bool(0.2) {
                            f64::NAN
                        } else {
                            f64::from(rng.gen_range(-5i32..=5)) * 0.5
                        }
                    })
                    .collect();
                let mut leaf_of = vec![-1.0; n + 1];
                layout.leaves(&rows, p, &mut leaf_of);
                for (r, row) in rows.chunks_exact(p).enumerate() {
                    assert_eq!(
                        leaf_of[r].to_bits(),
                        reference(&nodes, row).to_bits(),
                        "depth {max_depth}, {n} rows, row {r}"
                    );
                }
            }
        }
    }

    #[test]
    fn paths_longer_than_one_round_are_walked_to_their_leaf() {
        // A chain of 40 splits on feature 0 at thresholds 0, 1, 2, ...: row value v reaches the
        // leaf of depth min(v, 39) + 1 or the last one; depths beyond 16 take several rounds.
        let depth = 40;
        let mut nodes = Vec::new();
        for d in 0..depth {
            let left = (2 * d + 1) as u32;
            nodes.push(Node::split(0, f64::from(d), d % 2 == 0, left));
            nodes.push(Node::leaf(f64::from(d) / 100.0));
        }
        // The last split's right child.
        nodes.push(Node::leaf(0.999));
        // Children after their parent: node 2d is split d, node 2d + 1 its left leaf, node
        // 2d + 2 the next split.
        let layout = RawLayout::new(&nodes);
        assert_eq!(layout.steps_per_refill, MAX_STEPS_PER_REFILL);
        let rows: Vec<f64> = (0..50)
            .map(|i| {
                if i % 7 == 3 {
                    f64::NAN
                } else {
                    f64::from(i) - 2.5
                }
            })
            .collect();
        let mut leaf_of = vec![-1.0; rows.len() + 1];
        layout.leaves(&rows, 1, &mut leaf_of);
        for (r, row) in rows.chunks_exact(1).enumerate() {
            assert_eq!(
                leaf_of[r].to_bits(),
                reference(&nodes, row).to_bits(),
                "row {r}"
            );
        }
        let shallow = [
            Node::split(0, 0.5, true, 1),
            Node::leaf(0.25),
            Node::leaf(0.75),
        ];
        assert_eq!(RawLayout::new(&shallow).steps_per_refill, 1);
    }

    #[test]
    fn no_rows_writes_nothing() {
        let nodes = [
            Node::split(0, 0.5, true, 1),
            Node::leaf(0.25),
            Node::leaf(0.75),
        ];
        let layout = RawLayout::new(&nodes);
        let mut sink_only = [7.0];
        layout.leaves(&[], 1, &mut sink_only);
        assert_eq!(sink_only, [7.0]);
        layout.leaves(&[], 1, &mut []);
    }

    #[test]
    fn leaves_keep_every_row_including_missing_and_infinite_values() {
        let nodes = [
            Node::split(0, 0.5, false, 1),
            Node::leaf(0.25),
            Node::leaf(0.75),
        ];
        let layout = RawLayout::new(&nodes);
        let rows = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.5, 0.6];
        let mut leaf_of = [0.0; 6];
        layout.leaves(&rows, 1, &mut leaf_of);
        assert_eq!(leaf_of[..5], [0.75, 0.75, 0.25, 0.25, 0.75]);
    }
}
