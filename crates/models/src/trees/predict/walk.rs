//! Scoring of a single deep decision tree on raw rows: [`LANES`] rows walk the tree side by
//! side, a lane that reaches its leaf takes the next row without a branch, and the check for
//! infinities runs a few rows ahead of the lanes, on rows a prefetch brought into cache.
//!
//! **Rounds.** A deep tree (the bench's unlimited-depth tree has 2,049 nodes, depth 20, 13 steps on
//! average) is walked in rounds: every lane takes `min(depth, `[`MAX_STEPS_PER_REFILL`]`)`
//! branch-free steps (leaves loop on themselves), then each lane that sits on a leaf writes its
//! value and takes the next row. A tree no deeper than 16 is thus walked in lock step, as
//! boosting's small trees are ([`crate::trees::predict::lockstep`]); a deeper one takes a second
//! round only for the rows whose path is longer than 16 steps. The refill is branch-free too: a
//! lane still walking writes to a sink slot and keeps its row, chosen with conditional moves, so
//! the only data-dependent branch left ends the walk.
//!
//! **Steps on order keys.** A lane holds its node and the offset of its row. A node is four arrays
//! ([`RawLayout`]): feature, the first order key sent right, how many keys are sent right, left
//! child. A step maps the value's bits to their [`raw_order_key`] (three integer operations) and
//! goes right when the key falls in the node's interval: one subtraction and one unsigned
//! comparison. The keys of all `f64`s form a cycle in which `NaN`s sit between `+inf` and `-inf`,
//! so both "greater than the threshold, missing values left" (the keys after the threshold's, up to
//! `+inf`'s) and "not at most the threshold, missing values right" (from after the threshold's key
//! round through every `NaN` to before `-inf`'s) are one interval: missing values take their side
//! with no test of their own, and the rows are read where they are, without the missing-resolved
//! copy forests use ([`resolve_missing`](super::blocks::resolve_missing)).
//!
//! **Checking ahead.** Before each round the walk prefetches the rows up to
//! [`PREFETCH_ROWS_AHEAD`] beyond those the lanes may take, and checks the next
//! [`CHECK_ROWS`] for infinities; the check then reads rows already in cache
//! and costs only its arithmetic ([`LargestMagnitude`]). A separate pass over the block first
//! was bound by memory, and checking just ahead without the prefetch made the lanes wait.
//!
//! Against the kernel before it (packed 16-byte nodes, `f64` comparisons, the block checked in
//! one pass first) this walk cut the bench's single-tree `predict_proba` by about a quarter;
//! the variants tried on the way (node layouts, lane counts, steps per round, prefetch
//! distances, forms of the check) and their figures are in `docs/models.md`.
//!
//! **Unchecked reads.** The step reads its node and its row value without bounds checks, in
//! the one `unsafe` block of this module. What makes that sound is checked once, not at every
//! step: [`RawLayout::new`] refuses a split whose children are not nodes, and
//! [`RawLayout::leaves`] refuses rows shorter than the features the tree reads and a `leaf_of`
//! that does not match the rows; [`walk_lanes`] only starts lanes at the root and at the start
//! of a row. The checks had cost two compare-and-branch pairs in each step's 17 instructions
//! and, through register pressure, three reloads of array addresses, about a tenth of the
//! predict time; the safe forms tried instead (fixed arrays indexed by a `u16`, comparing
//! `f64`s with a flipped sign, per-child feature offsets) kept the lanes out of registers or
//! lengthened each step's chain of dependent operations (figures in `docs/models.md`).
//! The tests run under Miri: `cargo +nightly miri test -p pdscore-models --lib walk::`.
//!
//! Results are bit-identical to [`Tree::predict_row`](crate::trees::Tree::predict_row) for rows
//! without infinities: each row follows the same path to the same leaf, and only the leaf value
//! is read.

use super::lockstep::raw_order_key;
use crate::cpu::{LargestMagnitude, prefetch};
use crate::trees::node::Node;

/// Rows walked side by side.
pub(crate) const LANES: usize = 8;

/// The most branch-free steps of every lane between two refills: a tree no deeper than this is
/// walked in lock step, `depth` steps per refill.
pub(crate) const MAX_STEPS_PER_REFILL: usize = 16;

/// Rows checked for infinities at a time; the check stays this many rows ahead of the rows the
/// lanes may take next.
const CHECK_ROWS: usize = 8;

/// How many rows beyond those the lanes may take next are prefetched.
const PREFETCH_ROWS_AHEAD: usize = 32;

/// `f64` values per 64-byte cache line: the prefetch stride.
const VALUES_PER_LINE: usize = 8;

/// A tree laid out for [`RawLayout::leaves`] on raw rows (`NaN` for missing values): node `i`
/// sends a row right, to `lefts[i] + 1`, when the [`raw_order_key`] `k` of its value
/// `features[i]` has `k - lows[i]` (wrapping, as unsigned) below `spans[i]`, else left, to
/// `lefts[i]`. A leaf `i` sends no key right (`spans[i] == 0`) and its left child is itself, so
/// it keeps every row that reaches it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawLayout {
    features: Vec<u32>,
    lows: Vec<i64>,
    spans: Vec<u64>,
    lefts: Vec<u32>,
    leaf_values: Vec<f64>,
    /// One more than the largest feature a node reads (a leaf reads feature 0): rows need at
    /// least this many values.
    features_read: usize,
    /// Branch-free steps between two refills: the tree's depth, at most
    /// [`MAX_STEPS_PER_REFILL`].
    steps_per_refill: usize,
}

impl RawLayout {
    /// The layout of a tree's nodes (node 0 the root, children of a split at `left` and
    /// `left + 1`, leaves with `left == 0`).
    ///
    /// # Panics
    /// If a split's children are not nodes (`left + 1 >= nodes.len()`); trees check this when
    /// they are grown or loaded.
    pub(crate) fn new(nodes: &[Node]) -> Self {
        let len = nodes.len();
        let mut layout = RawLayout {
            features: vec![0; len],
            lows: vec![0; len],
            spans: vec![0; len],
            lefts: (0..len as u32).collect(),
            leaf_values: vec![0.0; len],
            features_read: 1,
            steps_per_refill: 1,
        };
        let mut depth = vec![0usize; len];
        for (i, node) in nodes.iter().enumerate() {
            if let Some((left, right)) = node.children() {
                // The walk reads nodes without bounds checks: every child must be a node.
                assert!(right < len, "node {i}'s children are not nodes");
                let d = depth[i] + 1;
                depth[left] = d;
                depth[right] = d;
                layout.steps_per_refill = layout.steps_per_refill.max(d);
            }
            if let (Some(feature), Some(threshold)) = (node.feature(), node.threshold()) {
                layout.features_read = layout.features_read.max(feature + 1);
                let (low, span) = keys_sent_right(threshold, node.missing_left());
                layout.features[i] = feature as u32;
                layout.lows[i] = low;
                layout.spans[i] = span;
                layout.lefts[i] = node.left;
            } else {
                layout.leaf_values[i] = node.threshold_or_value;
            }
        }
        layout.steps_per_refill = layout.steps_per_refill.min(MAX_STEPS_PER_REFILL);
        layout
    }

    /// Writes the leaf value of each of the raw rows `rows` (`p` values each, every feature of
    /// the tree below `p`) to the matching entry of `leaf_of`, whose last entry is a sink:
    /// `leaf_of.len()` is the number of rows plus one. Returns whether `rows` holds an
    /// infinity, every value checked; the leaf values written are then meaningless.
    ///
    /// # Panics
    /// If a node reads a feature not below `p` (so also if `p` is 0), or `leaf_of` is not one
    /// longer than the number of rows.
    pub(crate) fn leaves(&self, rows: &[f64], p: usize, leaf_of: &mut [f64]) -> bool {
        let nodes = self.lefts.len();
        let n = rows.len().checked_div(p).unwrap_or(0);
        // What the unchecked step below relies on, besides the constructor's check.
        assert!(nodes > 0, "a tree has at least its root");
        assert!(
            self.features_read <= p,
            "the tree reads {} features, the rows have {p}",
            self.features_read
        );
        assert_eq!(
            leaf_of.len().saturating_sub(1),
            n,
            "one leaf value a row, and the sink"
        );
        if n == 0 {
            return false;
        }
        // Slices of one known length: one bounds check per step covers all four loads.
        let (features, lows, spans, lefts) = (
            &self.features[..nodes],
            &self.lows[..nodes],
            &self.spans[..nodes],
            &self.lefts[..nodes],
        );
        let leaf_values = &self.leaf_values[..];
        // Ahead of the lanes: the rows below `checked_rows` are checked for infinities (the
        // largest magnitude seen is `largest`), the values below `prefetched_values` are
        // prefetched. Local variables rather than a struct's fields: the compiler keeps them
        // in registers (0.05 ms on the bench's 2 ms).
        let magnitude = LargestMagnitude::detect();
        let (mut checked_rows, mut prefetched_values, mut largest) = (0, 0, 0.0f64);
        // The lanes may hold the rows below `upto` after the coming round: prefetch up to
        // `PREFETCH_ROWS_AHEAD` rows beyond, check up to `CHECK_ROWS` beyond.
        let mut reach = |upto: usize| {
            let prefetch_end = (upto + PREFETCH_ROWS_AHEAD).min(n) * p;
            if prefetched_values < prefetch_end {
                for value in rows[prefetched_values..prefetch_end]
                    .iter()
                    .step_by(VALUES_PER_LINE)
                {
                    prefetch(value);
                }
                prefetched_values +=
                    (prefetch_end - prefetched_values).div_ceil(VALUES_PER_LINE) * VALUES_PER_LINE;
            }
            let check_end = (upto + CHECK_ROWS).min(n);
            while checked_rows < check_end {
                let end = (checked_rows + CHECK_ROWS).min(n);
                let m = magnitude.of(&rows[checked_rows * p..end * p]);
                if m > largest {
                    largest = m;
                }
                checked_rows = end;
            }
        };
        walk_lanes(
            p,
            self.steps_per_refill,
            leaf_of,
            |at| (lefts[at as usize] == at, leaf_values[at as usize]),
            |at, base| {
                let i = at as usize;
                debug_assert!(i < nodes && base + p <= rows.len());
                // SAFETY: `i` is a node: lanes start at the root (`nodes > 0`, checked above),
                // a split's children are nodes (checked in `new`) and a leaf keeps its lane.
                // `base` starts one of the `n` rows (`walk_lanes` hands out `r * p` for
                // `r < n`, or 0 to a lane with no row left, and `n > 0`), and every feature
                // read is below `p` (checked above): `base + features[i] < n * p <= rows.len()`.
                #[allow(unsafe_code)]
                unsafe {
                    let value = *rows.get_unchecked(base + *features.get_unchecked(i) as usize);
                    let key = raw_order_key(value);
                    let right = key.wrapping_sub(*lows.get_unchecked(i)).cast_unsigned()
                        < *spans.get_unchecked(i);
                    *lefts.get_unchecked(i) + u32::from(right)
                }
            },
            &mut reach,
        );
        reach(n);
        largest == f64::INFINITY
    }
}

/// The interval of [`raw_order_key`]s a split on `threshold` sends right, as (first key, number
/// of keys), wrapping round from `i64::MAX` to `i64::MIN`.
///
/// With missing values left, a value goes right when `v > threshold`: the keys after the
/// threshold's, up to `+inf`'s. With missing values right, when `!(v <= threshold)`: the keys
/// after the threshold's, round through every `NaN`, up to just before `-inf`'s. A `NaN`
/// threshold sends every value right (`v <= NaN` is false) as `-inf` does, and `-0.0` splits as
/// `0.0` does.
fn keys_sent_right(threshold: f64, missing_left: bool) -> (i64, u64) {
    let threshold = if threshold.is_nan() {
        f64::NEG_INFINITY
    } else {
        threshold + 0.0
    };
    let after = raw_order_key(threshold).wrapping_add(1);
    let end = if missing_left {
        // One past `+inf`'s key.
        raw_order_key(f64::INFINITY).wrapping_add(1)
    } else {
        raw_order_key(f64::NEG_INFINITY)
    };
    (after, end.wrapping_sub(after).cast_unsigned())
}

/// Walks the rows `0..leaf_of.len() - 1` (row `r` starting at value `r * stride`) down a tree
/// in [`LANES`] lanes and writes each row's leaf value to `leaf_of[r]`; the last entry of
/// `leaf_of` is a sink. `leaf(at)` says whether node `at` is a leaf (a leaf loops on itself)
/// and gives its value; `step(at, base)` is the node after `at` for the row starting at `base`.
/// Before each round, `before_round(upto)` learns that the lanes may hold the rows below
/// `upto` after it.
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
    mut before_round: impl FnMut(usize),
) {
    let n = leaf_of.len().saturating_sub(1);
    if n == 0 {
        return;
    }
    let sink = n;
    let mut at = [0u32; LANES];
    let mut row = [sink; LANES];
    let mut base = [0usize; LANES];
    for k in 0..LANES.min(n) {
        row[k] = k;
        base[k] = k * stride;
    }
    let mut next = LANES;
    loop {
        before_round((next + LANES).min(n));
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
                    3 => -0.0,
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
                // Missing values of every sign and payload, and both zeros.
                let rows: Vec<f64> = (0..n * p)
                    .map(|_| match rng.gen_range(0..10) {
                        0 => f64::NAN,
                        1 => -f64::NAN,
                        2 => f64::from_bits(f64::INFINITY.to_bits() | 1),
                        3 => -0.0,
                        _ => f64::from(rng.gen_range(-5i32..=5)) * 0.5,
                    })
                    .collect();
                let mut leaf_of = vec![-1.0; n + 1];
                assert!(!layout.leaves(&rows, p, &mut leaf_of));
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
        let nodes = Node::chain(
            (0..40).map(|d| (0, f64::from(d), d % 2 == 0, f64::from(d) / 100.0)),
            0.999,
        );
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
        assert!(!layout.leaves(&rows, 1, &mut leaf_of));
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
        assert!(!layout.leaves(&[], 1, &mut sink_only));
        assert_eq!(sink_only, [7.0]);
        assert!(!layout.leaves(&[], 1, &mut []));
    }

    #[test]
    #[should_panic(expected = "children are not nodes")]
    fn a_split_whose_children_are_not_nodes_is_refused() {
        // Children at 2 and 3 of three nodes: the walk would read past the nodes.
        let _ = RawLayout::new(&[
            Node::split(0, 0.5, true, 2),
            Node::leaf(0.25),
            Node::leaf(0.75),
        ]);
    }

    #[test]
    fn rows_too_short_for_the_features_read_are_refused() {
        let layout = RawLayout::new(&[
            Node::split(2, 0.5, true, 1),
            Node::leaf(0.25),
            Node::leaf(0.75),
        ]);
        let mut leaf_of = [0.0; 3];
        assert!(!layout.leaves(&[0.0, 0.0, 1.0, 0.0, 0.0, 0.0], 3, &mut leaf_of));
        assert_eq!(leaf_of[..2], [0.75, 0.25]);
        // Two values a row for a split on the third: a panic, not a read past the rows.
        let short = std::panic::catch_unwind(|| {
            layout.leaves(&[0.0; 4], 2, &mut [0.0; 3]);
        });
        assert!(short.is_err());
        // A lone leaf reads value 0 of its row: rows of no values are refused too.
        let lone = RawLayout::new(&[Node::leaf(0.5)]);
        assert!(std::panic::catch_unwind(|| lone.leaves(&[], 0, &mut [0.0; 3])).is_err());
        // More leaf values than rows: refused, not walked past the rows.
        let long = std::panic::catch_unwind(|| {
            layout.leaves(&[0.0; 6], 3, &mut [0.0; 4]);
        });
        assert!(long.is_err());
    }

    #[test]
    fn infinities_are_reported_wherever_they_are_and_every_row_is_still_written() {
        let nodes = [
            Node::split(0, 0.5, false, 1),
            Node::leaf(0.25),
            Node::leaf(0.75),
        ];
        let layout = RawLayout::new(&nodes);
        let rows = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.5, 0.6];
        let mut leaf_of = [0.0; 6];
        assert!(layout.leaves(&rows, 1, &mut leaf_of));
        assert_eq!(leaf_of[..5], [0.75, 0.75, 0.25, 0.25, 0.75]);

        // Two values a row, over more rows than the check and the prefetch look ahead: an
        // infinity in any row and column, the last one included, is found.
        let (n, p) = (3 * (LANES + CHECK_ROWS + PREFETCH_ROWS_AHEAD) + 5, 2);
        let finite: Vec<f64> = (0..n * p).map(|i| (i % 7) as f64 * 0.25).collect();
        let mut leaf_of = vec![0.0; n + 1];
        assert!(!layout.leaves(&finite, p, &mut leaf_of));
        for at in 0..n * p {
            let mut rows = finite.clone();
            rows[at] = if at % 2 == 0 {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            };
            assert!(layout.leaves(&rows, p, &mut leaf_of), "value {at}");
        }
    }

    // `!(v <= threshold)` is the rule under test: unlike `v > threshold` it holds for `NaN`.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    #[test]
    fn keys_sent_right_match_the_comparisons_for_every_kind_of_value() {
        // The edges of the order, `NaN`s of both signs and other payloads, and random bit
        // patterns (a few of them `NaN`s too).
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let special: Vec<f64> = crate::trees::predict::lockstep::EDGE_VALUES
            .into_iter()
            .chain([
                f64::NAN,
                -f64::NAN,
                f64::from_bits(f64::NEG_INFINITY.to_bits() | 5),
                f64::from_bits(f64::INFINITY.to_bits() | (1 << 40)),
            ])
            .chain((0..60).map(|_| f64::from_bits(rng.r#gen::<u64>())))
            .collect();
        for &threshold in &special {
            for missing_left in [true, false] {
                let (low, span) = keys_sent_right(threshold, missing_left);
                for &v in &special {
                    if v.is_infinite() {
                        continue;
                    }
                    let expected = if v.is_nan() {
                        !missing_left
                    } else {
                        !(v <= threshold)
                    };
                    let right = raw_order_key(v).wrapping_sub(low).cast_unsigned() < span;
                    assert_eq!(
                        right, expected,
                        "{v:e} against {threshold:e}, missing left {missing_left}"
                    );
                }
            }
        }
    }
}
