//! Leaf-wise (best-first) growth of one regression tree on binned data: the LightGBM design.
//!
//! - Rows of the current bag live in one index array; every leaf owns a contiguous range of it
//!   (a split partitions the range in place, stably, through a scratch buffer).
//! - Histograms hold weighted gradient and hessian sums and row counts per `(feature, bin)`.
//!   Only the smaller child of a split gets its histogram built; the larger one is the parent's
//!   minus the smaller's, computed in place in the parent's buffer.
//! - Before a histogram is built, the leaf's gradient/hessian pairs are gathered into a
//!   contiguous ("ordered") buffer, so the per-feature loops read one byte column at random
//!   and the pairs sequentially.
//! - Features are processed in parallel (rayon) when the leaf is large enough to pay; each
//!   feature's histogram is summed in a fixed order, so the tree does not depend on the number
//!   of threads.
//! - Histogram buffers come from a pool that lives as long as the grower: no allocation per
//!   tree or per node once the pool is warm.

use rayon::prelude::*;

use super::split::{
    Constraint, Split, best_categorical_split, best_split_of_feature, bounded_gain,
};
use super::tree::{RegressionTree, bitset_contains};
use crate::monotone::{self, Bounds};
use crate::trees::binning::{BinnedMatrix, MISSING_BIN};

/// Number of bins reserved per feature in a histogram (`u8` bins).
pub(crate) const BINS: usize = 256;

/// Leaves with fewer rows than this build their histograms on the calling thread.
const PARALLEL_MIN_ROWS: usize = 4_096;

/// Sums of one histogram bin (or of any set of rows).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct BinStats {
    pub grad: f64,
    pub hess: f64,
    pub count: u32,
}

impl BinStats {
    #[inline]
    pub(super) fn add(&mut self, other: &BinStats) {
        self.grad += other.grad;
        self.hess += other.hess;
        self.count += other.count;
    }

    #[inline]
    pub(super) fn minus(&self, other: &BinStats) -> BinStats {
        BinStats {
            grad: self.grad - other.grad,
            hess: self.hess - other.hess,
            count: self.count - other.count,
        }
    }
}

/// Settings of tree growth (a subset of the booster's parameters).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GrowConfig {
    pub num_leaves: usize,
    pub max_depth: Option<usize>,
    pub min_child_samples: usize,
    pub min_child_weight: f64,
    pub reg_lambda: f64,
    pub min_split_gain: f64,
    pub learning_rate: f64,
}

impl GrowConfig {
    #[inline]
    pub(super) fn leaf_gain(&self, s: &BinStats) -> f64 {
        s.grad * s.grad / (s.hess + self.reg_lambda)
    }

    #[inline]
    pub(super) fn admissible(&self, s: &BinStats) -> bool {
        s.count as usize >= self.min_child_samples.max(1) && s.hess >= self.min_child_weight
    }

    fn leaf_value(&self, s: &BinStats) -> f64 {
        let denom = s.hess + self.reg_lambda;
        if denom > 0.0 {
            -s.grad / denom * self.learning_rate
        } else {
            0.0
        }
    }

    /// The leaf value of a leaf whose output (before shrinkage) must stay in `bounds`.
    fn bounded_leaf_value(&self, s: &BinStats, bounds: Bounds) -> f64 {
        bounded_gain(s, s.hess + self.reg_lambda, bounds).1 * self.learning_rate
    }
}

/// A leaf of the tree being grown.
#[derive(Debug, Clone)]
struct Leaf {
    begin: usize,
    end: usize,
    depth: usize,
    stats: BinStats,
    hist_slot: Option<usize>,
    best: Option<Split>,
    /// The internal node whose child this leaf is, and whether it is the left child.
    parent: Option<(usize, bool)>,
    /// The interval the leaf's output (before shrinkage) must stay in (monotone constraints).
    bounds: Bounds,
}

/// Grows trees on one binned matrix; owns every buffer reused from tree to tree.
pub(crate) struct TreeGrower<'a> {
    data: &'a BinnedMatrix,
    n_bins: Vec<usize>,
    /// Per feature: empty for a numeric feature, else the category code of each bin.
    bin_codes: &'a [Vec<u32>],
    /// Monotone constraint per feature (`-1`, `0`, `1`); empty when none.
    monotone: &'a [i8],
    /// Whether any feature is constrained (else the unconstrained search, bit for bit).
    constrained: bool,
    config: GrowConfig,
    /// Row indices of the bag, partitioned by leaf.
    rows: Vec<u32>,
    scratch: Vec<u32>,
    ordered: Vec<[f32; 2]>,
    pool: Vec<Vec<BinStats>>,
    free_slots: Vec<usize>,
    /// Per leaf of the last tree grown: its row range in `rows`.
    leaf_ranges: Vec<(usize, usize)>,
}

impl<'a> TreeGrower<'a> {
    /// A grower over `data`; `bin_codes[j]` is empty for a numeric feature and the category
    /// code of each bin for a categorical one; `monotone` is empty or holds each feature's
    /// monotone constraint (`-1`, `0`, `1`; checked by the caller).
    pub(crate) fn new(
        data: &'a BinnedMatrix,
        bin_codes: &'a [Vec<u32>],
        monotone: &'a [i8],
        config: GrowConfig,
    ) -> Self {
        let n_bins = data
            .mappers()
            .iter()
            .map(crate::trees::binning::BinMapper::n_bins)
            .collect();
        TreeGrower {
            data,
            n_bins,
            bin_codes,
            monotone,
            constrained: monotone::any(monotone),
            config,
            rows: Vec::with_capacity(data.n_rows()),
            scratch: vec![0; data.n_rows()],
            ordered: Vec::with_capacity(data.n_rows()),
            pool: Vec::new(),
            free_slots: Vec::new(),
            leaf_ranges: Vec::new(),
        }
    }

    fn take_slot(&mut self) -> usize {
        if let Some(slot) = self.free_slots.pop() {
            slot
        } else {
            self.pool
                .push(vec![BinStats::default(); self.n_bins.len() * BINS]);
            self.pool.len() - 1
        }
    }

    /// Grows one tree on the rows `bag` (ascending indices) with gradient/hessian pairs `gh`
    /// (one per row of the data) on the features where `use_feature` is true.
    pub(crate) fn grow(
        &mut self,
        gh: &[[f32; 2]],
        bag: &[u32],
        use_feature: &[bool],
    ) -> RegressionTree {
        self.rows.clear();
        self.rows.extend_from_slice(bag);
        self.free_slots.clear();
        self.free_slots.extend((0..self.pool.len()).rev());
        let cfg = self.config;

        let root_slot = self.take_slot();
        let root_stats = self.build_histogram(root_slot, 0, self.rows.len(), gh, use_feature);
        let mut leaves = vec![Leaf {
            begin: 0,
            end: self.rows.len(),
            depth: 0,
            stats: root_stats,
            hist_slot: Some(root_slot),
            best: None,
            parent: None,
            bounds: Bounds::UNBOUNDED,
        }];
        self.evaluate(&mut leaves[0], use_feature);
        let mut tree = RegressionTree::leaf(0.0);

        while leaves.len() < cfg.num_leaves {
            // Best-first: the leaf with the largest gain (lowest index on ties).
            let mut chosen: Option<(usize, f64)> = None;
            for (i, leaf) in leaves.iter().enumerate() {
                if let Some(split) = &leaf.best
                    && chosen.is_none_or(|(_, g)| split.gain > g)
                {
                    chosen = Some((i, split.gain));
                }
            }
            let Some((li, _)) = chosen else { break };
            let split = leaves[li].best.take().unwrap_or_else(|| unreachable!());
            let parent = leaves[li].clone();
            let node = tree.feature.len();
            let mapper = self.data.mapper(split.feature);
            tree.feature.push(split.feature as u32);
            if let Some(bins) = split.categories {
                let codes = &self.bin_codes[split.feature];
                let max_code = codes.iter().copied().max().unwrap_or(0) as usize;
                let mut code_set = vec![0u64; max_code / 64 + 1];
                for (b, &code) in codes.iter().enumerate() {
                    if bitset_contains(&bins, b) {
                        code_set[code as usize / 64] |= 1 << (code % 64);
                    }
                }
                tree.cat_index.push(tree.cat_codes.len() as i32);
                tree.cat_codes.push(code_set);
                tree.cat_bins.push(bins);
                tree.threshold.push(0.0);
            } else {
                tree.cat_index.push(-1);
                tree.threshold.push(mapper.threshold(split.threshold_bin));
            }
            tree.threshold_bin.push(split.threshold_bin);
            tree.missing_left.push(split.missing_left);
            tree.gain.push(split.gain);
            tree.internal_count.push(parent.stats.count);
            let right_leaf = leaves.len();
            tree.left.push(!(li as i32));
            tree.right.push(!(right_leaf as i32));
            if let Some((p, is_left)) = parent.parent {
                if is_left {
                    tree.left[p] = node as i32;
                } else {
                    tree.right[p] = node as i32;
                }
            }

            let mid = self.partition(&parent, &split);
            debug_assert_eq!(mid - parent.begin, split.left.count as usize);
            let depth = parent.depth + 1;
            let (left_bounds, right_bounds) =
                parent
                    .bounds
                    .children(split.direction, split.left_output, split.right_output);
            let can_split = |s: &BinStats| {
                cfg.max_depth.is_none_or(|d| depth < d)
                    && s.count as usize >= 2 * cfg.min_child_samples.max(1)
                    && s.hess >= 2.0 * cfg.min_child_weight
            };
            let (left_ok, right_ok) = (can_split(&split.left), can_split(&split.right));
            let parent_slot = parent.hist_slot.unwrap_or_else(|| unreachable!());
            let (mut left_slot, mut right_slot) = (None, None);
            if left_ok || right_ok {
                let left_smaller = split.left.count <= split.right.count;
                let small_slot = self.take_slot();
                if left_smaller {
                    self.build_histogram(small_slot, parent.begin, mid, gh, use_feature);
                } else {
                    self.build_histogram(small_slot, mid, parent.end, gh, use_feature);
                }
                self.subtract(parent_slot, small_slot, use_feature);
                if left_smaller {
                    (left_slot, right_slot) = (Some(small_slot), Some(parent_slot));
                } else {
                    (left_slot, right_slot) = (Some(parent_slot), Some(small_slot));
                }
            } else {
                self.free_slots.push(parent_slot);
            }
            let mut left = Leaf {
                begin: parent.begin,
                end: mid,
                depth,
                stats: split.left,
                hist_slot: left_slot,
                best: None,
                parent: Some((node, true)),
                bounds: left_bounds,
            };
            let mut right = Leaf {
                begin: mid,
                end: parent.end,
                depth,
                stats: split.right,
                hist_slot: right_slot,
                best: None,
                parent: Some((node, false)),
                bounds: right_bounds,
            };
            for (leaf, ok) in [(&mut left, left_ok), (&mut right, right_ok)] {
                if ok {
                    self.evaluate(leaf, use_feature);
                }
                if leaf.best.is_none()
                    && let Some(slot) = leaf.hist_slot.take()
                {
                    self.free_slots.push(slot);
                }
            }
            leaves[li] = left;
            leaves.push(right);
        }

        tree.leaf_value = if self.constrained {
            leaves
                .iter()
                .map(|l| cfg.bounded_leaf_value(&l.stats, l.bounds))
                .collect()
        } else {
            leaves.iter().map(|l| cfg.leaf_value(&l.stats)).collect()
        };
        tree.leaf_count = leaves.iter().map(|l| l.stats.count).collect();
        self.leaf_ranges.clear();
        self.leaf_ranges
            .extend(leaves.iter().map(|l| (l.begin, l.end)));
        tree
    }

    /// Rows of each leaf of the last tree grown (indices into the data), by leaf index.
    pub(crate) fn leaf_rows(&self, leaf: usize) -> &[u32] {
        let (b, e) = self.leaf_ranges[leaf];
        &self.rows[b..e]
    }

    /// Number of leaves of the last tree grown.
    pub(crate) fn n_last_leaves(&self) -> usize {
        self.leaf_ranges.len()
    }

    /// Builds the histogram of rows `rows[begin..end]` into `slot`; returns the leaf totals.
    fn build_histogram(
        &mut self,
        slot: usize,
        begin: usize,
        end: usize,
        gh: &[[f32; 2]],
        use_feature: &[bool],
    ) -> BinStats {
        let rows = &self.rows[begin..end];
        self.ordered.clear();
        self.ordered.extend(rows.iter().map(|&r| gh[r as usize]));
        let ordered = &self.ordered;
        let data = self.data;
        let n_bins = &self.n_bins;
        let hist = &mut self.pool[slot];
        let one = |(j, h): (usize, &mut [BinStats])| {
            if !use_feature[j] {
                return;
            }
            let h = &mut h[..n_bins[j]];
            h.fill(BinStats::default());
            let column = data.column(j);
            accumulate(column, rows, ordered, h);
        };
        if rows.len() >= PARALLEL_MIN_ROWS && rayon::current_num_threads() > 1 {
            hist.par_chunks_mut(BINS).enumerate().for_each(one);
        } else {
            hist.chunks_mut(BINS).enumerate().for_each(one);
        }
        let mut total = BinStats::default();
        for pair in ordered {
            total.grad += f64::from(pair[0]);
            total.hess += f64::from(pair[1]);
        }
        total.count = rows.len() as u32;
        total
    }

    /// `pool[big] -= pool[small]` on the used features.
    fn subtract(&mut self, big: usize, small: usize, use_feature: &[bool]) {
        let (a, b) = if big < small {
            let (lo, hi) = self.pool.split_at_mut(small);
            (&mut lo[big], &hi[0])
        } else {
            let (lo, hi) = self.pool.split_at_mut(big);
            (&mut hi[0], &lo[small])
        };
        for (j, (hb, hs)) in a.chunks_mut(BINS).zip(b.chunks(BINS)).enumerate() {
            if use_feature[j] {
                let n = self.n_bins[j];
                for (x, y) in hb[..n].iter_mut().zip(&hs[..n]) {
                    *x = x.minus(y);
                }
            }
        }
    }

    /// Finds the best split of `leaf` from its histogram (sets `leaf.best`).
    fn evaluate(&self, leaf: &mut Leaf, use_feature: &[bool]) {
        let Some(slot) = leaf.hist_slot else { return };
        let hist = &self.pool[slot];
        let cfg = &self.config;
        let bounds = leaf.bounds;
        let parent_gain = if self.constrained {
            bounded_gain(&leaf.stats, leaf.stats.hess + cfg.reg_lambda, bounds).0
        } else {
            cfg.leaf_gain(&leaf.stats)
        };
        let stats = leaf.stats;
        let search = |j: usize| -> Option<Split> {
            if !use_feature[j] || self.n_bins[j] < 2 {
                return None;
            }
            let constraint = self.constrained.then(|| Constraint {
                bounds,
                direction: monotone::direction(self.monotone, j),
            });
            if !self.bin_codes[j].is_empty() {
                return best_categorical_split(
                    cfg,
                    j,
                    &hist[j * BINS..j * BINS + self.n_bins[j]],
                    &stats,
                    parent_gain,
                    constraint,
                );
            }
            best_split_of_feature(
                cfg,
                j,
                &hist[j * BINS..j * BINS + self.n_bins[j]],
                &stats,
                parent_gain,
                constraint,
            )
        };
        let n_features = self.n_bins.len();
        let candidates: Vec<Option<Split>> =
            if (leaf.end - leaf.begin) >= PARALLEL_MIN_ROWS && rayon::current_num_threads() > 1 {
                (0..n_features).into_par_iter().map(search).collect()
            } else {
                (0..n_features).map(search).collect()
            };
        let mut best: Option<Split> = None;
        for s in candidates.into_iter().flatten() {
            if best.is_none_or(|b| s.gain > b.gain) {
                best = Some(s);
            }
        }
        leaf.best = best;
    }

    /// Stable in-place partition of the parent's rows by the split; returns the boundary.
    fn partition(&mut self, parent: &Leaf, split: &Split) -> usize {
        let column = self.data.column(split.feature);
        let (t, missing_left) = (split.threshold_bin, split.missing_left);
        let mut n_left = parent.begin;
        let mut n_right = 0usize;
        for k in parent.begin..parent.end {
            let r = self.rows[k];
            let b = column[r as usize];
            let go_left = if let Some(set) = &split.categories {
                bitset_contains(set, b as usize)
            } else if b == MISSING_BIN {
                missing_left
            } else {
                b <= t
            };
            if go_left {
                self.rows[n_left] = r;
                n_left += 1;
            } else {
                self.scratch[n_right] = r;
                n_right += 1;
            }
        }
        self.rows[n_left..parent.end].copy_from_slice(&self.scratch[..n_right]);
        n_left
    }
}

/// Features with at most this many bins accumulate into [`LANES`] interleaved copies of the
/// histogram when the leaf is large (see [`accumulate`]).
const NARROW_BINS: usize = 64;

/// Number of interleaved histogram copies for narrow features.
const LANES: usize = 4;

/// Adds the pairs of `rows` (gathered in `ordered`, same order) into the bins of `column`.
///
/// A histogram update is a load-add-store on the bin; when consecutive rows hit the same bin
/// (frequent for flags, small counts and category codes) each update waits for the previous
/// store. For narrow features of large leaves, row `k` therefore goes to copy `k % LANES` of
/// the histogram (on the stack), and the copies are summed at the end: independent chains, and
/// the same order of additions whatever the thread count. Wide features of large leaves do
/// the same with full-size copies (24 KiB on the stack, still within L1).
#[inline]
fn accumulate(column: &[u8], rows: &[u32], ordered: &[[f32; 2]], hist: &mut [BinStats]) {
    let n_bins = hist.len();
    if n_bins <= NARROW_BINS && rows.len() >= 16 * n_bins {
        accumulate_lanes::<NARROW_BINS>(column, rows, ordered, hist);
    } else if rows.len() >= 8 * BINS {
        accumulate_lanes::<BINS>(column, rows, ordered, hist);
    } else {
        for (&r, g) in rows.iter().zip(ordered) {
            let e = &mut hist[column[r as usize] as usize];
            e.grad += f64::from(g[0]);
            e.hess += f64::from(g[1]);
            e.count += 1;
        }
    }
}

/// [`accumulate`] into [`LANES`] stack copies of a `B`-bin histogram (`B` a power of two
/// `>= hist.len()`), summed into `hist` at the end.
#[inline]
fn accumulate_lanes<const B: usize>(
    column: &[u8],
    rows: &[u32],
    ordered: &[[f32; 2]],
    hist: &mut [BinStats],
) {
    let mut lanes = [[BinStats::default(); B]; LANES];
    let main = rows.len() / LANES * LANES;
    for (r4, g4) in rows[..main]
        .chunks_exact(LANES)
        .zip(ordered[..main].chunks_exact(LANES))
    {
        for (lane, (&r, g)) in lanes.iter_mut().zip(r4.iter().zip(g4)) {
            let e = &mut lane[column[r as usize] as usize & (B - 1)];
            e.grad += f64::from(g[0]);
            e.hess += f64::from(g[1]);
            e.count += 1;
        }
    }
    for (&r, g) in rows[main..].iter().zip(&ordered[main..]) {
        let e = &mut lanes[0][column[r as usize] as usize & (B - 1)];
        e.grad += f64::from(g[0]);
        e.hess += f64::from(g[1]);
        e.count += 1;
    }
    for (b, out) in hist.iter_mut().enumerate() {
        for lane in &lanes {
            out.add(&lane[b]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn config() -> GrowConfig {
        GrowConfig {
            num_leaves: 31,
            max_depth: None,
            min_child_samples: 1,
            min_child_weight: 0.0,
            reg_lambda: 0.0,
            min_split_gain: 0.0,
            learning_rate: 1.0,
        }
    }

    #[test]
    fn split_search_finds_the_step_and_sends_missing_to_its_side() {
        // x = 0..10, gradient -1 for x >= 5 and for missing rows, +1 otherwise.
        let mut x = Array2::zeros((12, 1));
        for i in 0..10 {
            x[[i, 0]] = i as f64;
        }
        x[[10, 0]] = f64::NAN;
        x[[11, 0]] = f64::NAN;
        let data = BinnedMatrix::fit(x.view(), 255).unwrap();
        let gh: Vec<[f32; 2]> = (0..12)
            .map(|i| if i >= 5 { [-1.0, 1.0] } else { [1.0, 1.0] })
            .collect();
        let bag: Vec<u32> = (0..12).collect();
        let numeric = [Vec::new()];
        let mut grower = TreeGrower::new(
            &data,
            &numeric,
            &[],
            GrowConfig {
                num_leaves: 2,
                ..config()
            },
        );
        let tree = grower.grow(&gh, &bag, &[true]);
        assert_eq!(tree.n_leaves(), 2);
        assert!(tree.threshold[0] > 4.0 && tree.threshold[0] < 5.0);
        assert!(!tree.missing_left[0]);
        assert_eq!(tree.predict_row(&[f64::NAN]), 1.0);
        assert_eq!(tree.predict_row(&[0.0]), -1.0);
        // leaf rows partition the bag
        let mut all: Vec<u32> = (0..grower.n_last_leaves())
            .flat_map(|l| grower.leaf_rows(l).to_vec())
            .collect();
        all.sort_unstable();
        assert_eq!(all, bag);
    }

    #[test]
    fn histogram_subtraction_matches_direct_build() {
        let n = 9_000;
        let mut x = Array2::zeros((n, 3));
        for i in 0..n {
            x[[i, 0]] = (i % 97) as f64;
            x[[i, 1]] = ((i * 31) % 13) as f64;
            x[[i, 2]] = if i % 7 == 0 { f64::NAN } else { (i % 5) as f64 };
        }
        let data = BinnedMatrix::fit(x.view(), 255).unwrap();
        let gh: Vec<[f32; 2]> = (0..n)
            .map(|i| [((i % 11) as f32 - 5.0) / 4.0, 0.25])
            .collect();
        let bag: Vec<u32> = (0..n as u32).collect();
        let numeric = vec![Vec::new(); 3];
        let mut grower = TreeGrower::new(&data, &numeric, &[], config());
        let used = [true; 3];
        grower.rows = bag.clone();
        let parent = grower.take_slot();
        grower.build_histogram(parent, 0, n, &gh, &used);
        let small = grower.take_slot();
        grower.build_histogram(small, 0, 3_000, &gh, &used);
        grower.subtract(parent, small, &used);
        let direct = grower.take_slot();
        grower.build_histogram(direct, 3_000, n, &gh, &used);
        for j in 0..3 {
            for b in 0..grower.n_bins[j] {
                let (s, d) = (
                    grower.pool[parent][j * BINS + b],
                    grower.pool[direct][j * BINS + b],
                );
                assert_eq!(s.count, d.count);
                assert!((s.grad - d.grad).abs() < 1e-9 && (s.hess - d.hess).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn interleaved_accumulation_matches_the_plain_sums() {
        let n = 5_000u32;
        let column: Vec<u8> = (0..n).map(|i| ((i * 7) % 5) as u8).collect();
        let rows: Vec<u32> = (0..n).filter(|i| i % 3 != 0).collect();
        let ordered: Vec<[f32; 2]> = rows
            .iter()
            .map(|&r| [(r % 13) as f32 * 0.1 - 0.6, 0.2])
            .collect();
        let mut hist = vec![BinStats::default(); 5];
        accumulate(&column, &rows, &ordered, &mut hist);
        let mut plain = vec![BinStats::default(); 5];
        for (&r, g) in rows.iter().zip(&ordered) {
            let e = &mut plain[column[r as usize] as usize];
            e.grad += f64::from(g[0]);
            e.hess += f64::from(g[1]);
            e.count += 1;
        }
        for (a, b) in hist.iter().zip(&plain) {
            assert_eq!(a.count, b.count);
            assert!((a.grad - b.grad).abs() < 1e-9 && (a.hess - b.hess).abs() < 1e-9);
        }
    }

    #[test]
    fn leaf_count_and_depth_limits_hold() {
        let n = 2_000;
        let mut x = Array2::zeros((n, 2));
        for i in 0..n {
            x[[i, 0]] = (i % 101) as f64;
            x[[i, 1]] = (i % 37) as f64;
        }
        let data = BinnedMatrix::fit(x.view(), 64).unwrap();
        let gh: Vec<[f32; 2]> = (0..n)
            .map(|i| [((i * 7919) % 17) as f32 - 8.0, 1.0])
            .collect();
        let bag: Vec<u32> = (0..n as u32).collect();
        let numeric = vec![Vec::new(); 2];
        let mut grower = TreeGrower::new(
            &data,
            &numeric,
            &[],
            GrowConfig {
                num_leaves: 7,
                ..config()
            },
        );
        assert_eq!(grower.grow(&gh, &bag, &[true, true]).n_leaves(), 7);
        let mut shallow = TreeGrower::new(
            &data,
            &numeric,
            &[],
            GrowConfig {
                num_leaves: 100,
                max_depth: Some(2),
                ..config()
            },
        );
        assert!(shallow.grow(&gh, &bag, &[true, true]).n_leaves() <= 4);
    }
}
