//! Growing one tree on binned features (histogram CART): per node, per feature and per bin,
//! the weighted label sums of the node's rows, scanned for the split with the lowest weighted
//! child impurity.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::binning::{BinnedMatrix, MISSING_BIN};
use super::node::Node;
use super::params::{DecisionTreeParams, SplitCriterion};
use super::tree::Tree;
use crate::monotone::{self, Bounds};

impl SplitCriterion {
    /// Weighted impurity of a node times its weight (`0` for a pure node).
    #[inline]
    fn cost(self, s: &BinStat) -> f64 {
        if s.n_pos == 0 || s.n_pos == s.n {
            return 0.0;
        }
        let pos = s.pos.clamp(0.0, s.tot);
        let neg = s.tot - pos;
        if pos <= 0.0 || neg <= 0.0 {
            return 0.0;
        }
        match self {
            SplitCriterion::Gini => 2.0 * pos * neg / s.tot,
            SplitCriterion::Entropy => -(pos * (pos / s.tot).ln() + neg * (neg / s.tot).ln()),
        }
    }
}

impl DecisionTreeParams {
    /// The growth settings for a matrix of `n_features` columns and total weight `total_weight`.
    pub(crate) fn grow_config(
        &self,
        n_features: usize,
        total_weight: f64,
        parallel: bool,
    ) -> GrowConfig {
        GrowConfig {
            criterion: self.criterion,
            max_depth: self.max_depth.unwrap_or(usize::MAX),
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            min_weight_leaf: self.min_weight_fraction_leaf * total_weight,
            max_features: self.max_features.resolve(n_features),
            parallel,
            constrained: monotone::any(&self.monotone_constraints),
            monotone: self.monotone_constraints.clone(),
        }
    }
}

/// Settings of one tree growth, resolved for the data at hand.
#[derive(Debug, Clone)]
pub(crate) struct GrowConfig {
    pub(crate) criterion: SplitCriterion,
    pub(crate) max_depth: usize,
    pub(crate) min_samples_split: usize,
    pub(crate) min_samples_leaf: usize,
    /// Absolute minimum weight per leaf.
    pub(crate) min_weight_leaf: f64,
    /// Features per node, `1..=p`.
    pub(crate) max_features: usize,
    /// Build histograms of one node in parallel over features.
    pub(crate) parallel: bool,
    /// Monotone constraint per feature (`-1`, `0`, `1`), empty when none.
    pub(crate) monotone: Vec<i8>,
    /// Whether any feature is constrained (else the unconstrained growth, bit for bit).
    pub(crate) constrained: bool,
}

/// Weighted label sums and row counts of a set of rows.
#[derive(Debug, Clone, Copy, Default)]
struct BinStat {
    /// Weight of the positive rows.
    pos: f64,
    /// Weight of all rows.
    tot: f64,
    /// Row count.
    n: u32,
    /// Positive row count.
    n_pos: u32,
}

impl BinStat {
    #[inline]
    fn add(&mut self, o: &BinStat) {
        self.pos += o.pos;
        self.tot += o.tot;
        self.n += o.n;
        self.n_pos += o.n_pos;
    }

    /// `self - o`, with the weights made exact where the counts say they must be (no rows: zero
    /// weight; no positive rows: zero positive weight; only positive rows: `pos == tot`).
    #[inline]
    fn minus(&self, o: &BinStat) -> BinStat {
        let n = self.n - o.n;
        let n_pos = self.n_pos - o.n_pos;
        if n == 0 {
            return BinStat::default();
        }
        let tot = (self.tot - o.tot).max(0.0);
        let pos = if n_pos == 0 {
            0.0
        } else if n_pos == n {
            tot
        } else {
            (self.pos - o.pos).clamp(0.0, tot)
        };
        BinStat { pos, tot, n, n_pos }
    }

    /// Weighted fraction of positives, exact 0 or 1 for pure sets.
    fn value(&self) -> f64 {
        if self.n_pos == 0 || self.tot <= 0.0 {
            0.0
        } else if self.n_pos == self.n {
            1.0
        } else {
            (self.pos / self.tot).clamp(0.0, 1.0)
        }
    }
}

/// Per-row inputs of the growth, packed for locality.
#[derive(Debug, Clone, Copy)]
struct RowStat {
    w: f64,
    wy: f64,
    y: u32,
}

/// The best split found for a node.
#[derive(Debug, Clone, Copy)]
struct Split {
    cost: f64,
    feature: usize,
    /// Rows with value bin `<= bin` go left.
    bin: u8,
    missing_left: bool,
    left: BinStat,
    right: BinStat,
    /// Monotone direction the children's intervals follow (`0`: both inherit the node's).
    direction: i8,
    /// The children's leaf fractions clamped to the node's interval (constrained trees only).
    left_value: f64,
    right_value: f64,
}

/// A node waiting to be split.
struct Pending {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    stat: BinStat,
    /// Histograms of every feature (only when every feature is a candidate).
    hist: Option<Vec<BinStat>>,
    /// The interval the node's value must stay in (monotone constraints).
    bounds: Bounds,
}

/// Grows one tree on `binned` with labels `y` and per-row weights `w` (rows of weight 0 are
/// left out). Deterministic given `rng`'s state.
pub(crate) fn grow(
    binned: &BinnedMatrix,
    y: &[bool],
    w: &[f64],
    config: &GrowConfig,
    rng: &mut ChaCha8Rng,
) -> Tree {
    let p = binned.n_features();
    let mut offsets = Vec::with_capacity(p + 1);
    offsets.push(0usize);
    for mapper in binned.mappers() {
        let last = offsets.last().copied().unwrap_or(0);
        offsets.push(last + mapper.n_bins());
    }
    let grower = Grower {
        binned,
        rows_stat: y
            .iter()
            .zip(w)
            .map(|(&label, &weight)| RowStat {
                w: weight,
                wy: if label { weight } else { 0.0 },
                y: u32::from(label),
            })
            .collect(),
        config,
        offsets,
    };
    grower.grow(rng)
}

struct Grower<'a> {
    binned: &'a BinnedMatrix,
    rows_stat: Vec<RowStat>,
    config: &'a GrowConfig,
    /// Start of each feature's bins in a flat histogram (`p + 1` entries).
    offsets: Vec<usize>,
}

impl Grower<'_> {
    fn n_features(&self) -> usize {
        self.offsets.len() - 1
    }

    fn grow(&self, rng: &mut ChaCha8Rng) -> Tree {
        let p = self.n_features();
        let config = self.config;
        let mut rows: Vec<u32> = (0..self.rows_stat.len() as u32)
            .filter(|&r| self.rows_stat[r as usize].w > 0.0)
            .collect();
        let mut scratch: Vec<u32> = Vec::with_capacity(rows.len());
        let all_features = config.max_features >= p;
        let mut root_stat = BinStat::default();
        for &r in &rows {
            let s = self.rows_stat[r as usize];
            root_stat.add(&BinStat {
                pos: s.wy,
                tot: s.w,
                n: 1,
                n_pos: s.y,
            });
        }
        let mut nodes = vec![Node::leaf(root_stat.value())];
        let mut impurity_decrease = vec![0.0; p];
        let mut stack = vec![Pending {
            node: 0,
            start: 0,
            end: rows.len(),
            depth: 0,
            stat: root_stat,
            hist: None,
            bounds: Bounds::UNBOUNDED,
        }];
        if all_features && self.can_split(&root_stat, 0) {
            stack[0].hist = Some(self.full_histogram(&rows));
        }
        let mut feature_order: Vec<usize> = (0..p).collect();
        let mut feature_hist: Vec<BinStat> = Vec::new();

        // Training cover of each node: a leaf's is the weight of its rows, a split's the sum of
        // its children's (filled in after growth).
        let mut cover = vec![0.0];
        let rows_weight =
            |rows: &[u32]| -> f64 { rows.iter().map(|&r| self.rows_stat[r as usize].w).sum() };

        while let Some(task) = stack.pop() {
            nodes[task.node] = Node::leaf(self.node_value(&task.stat, task.bounds));
            if !self.can_split(&task.stat, task.depth) {
                cover[task.node] = rows_weight(&rows[task.start..task.end]);
                continue;
            }
            let node_rows = &rows[task.start..task.end];
            let split = if let Some(hist) = &task.hist {
                self.best_split_all(hist, task.bounds)
            } else {
                self.best_split_sampled(
                    node_rows,
                    rng,
                    &mut feature_order,
                    &mut feature_hist,
                    task.bounds,
                )
            };
            let Some(split) = split else {
                cover[task.node] = rows_weight(node_rows);
                continue;
            };

            // Stable partition of the node's rows (keeps row order, hence cache-friendly scans).
            let column = self.binned.column(split.feature);
            let goes_left = |r: u32| {
                let b = column[r as usize];
                if b == MISSING_BIN {
                    split.missing_left
                } else {
                    b <= split.bin
                }
            };
            scratch.clear();
            let mut n_left = 0;
            for i in task.start..task.end {
                let r = rows[i];
                if goes_left(r) {
                    rows[task.start + n_left] = r;
                    n_left += 1;
                } else {
                    scratch.push(r);
                }
            }
            let mid = task.start + n_left;
            rows[mid..task.end].copy_from_slice(&scratch);
            debug_assert_eq!(n_left as u32, split.left.n);

            let left_id = nodes.len();
            let mapper = self.binned.mapper(split.feature);
            let threshold = mapper.threshold(split.bin);
            // +inf ("every value goes left") is stored as f64::MAX, which JSON can hold.
            let threshold = if threshold.is_finite() {
                threshold
            } else {
                f64::MAX
            };
            nodes[task.node] =
                Node::split(split.feature, threshold, split.missing_left, left_id as u32);
            let (left_bounds, right_bounds) =
                task.bounds
                    .children(split.direction, split.left_value, split.right_value);
            nodes.push(Node::leaf(self.node_value(&split.left, left_bounds)));
            nodes.push(Node::leaf(self.node_value(&split.right, right_bounds)));
            cover.extend([0.0, 0.0]);
            let gain = config.criterion.cost(&task.stat) - split.cost;
            impurity_decrease[split.feature] += gain.max(0.0);

            let depth = task.depth + 1;
            let (left_hist, right_hist) = match task.hist {
                Some(parent) => {
                    let need_left = self.can_split(&split.left, depth);
                    let need_right = self.can_split(&split.right, depth);
                    self.child_histograms(
                        parent,
                        &rows[task.start..mid],
                        &rows[mid..task.end],
                        need_left,
                        need_right,
                    )
                }
                None => (None, None),
            };
            stack.push(Pending {
                node: left_id + 1,
                start: mid,
                end: task.end,
                depth,
                stat: split.right,
                hist: right_hist,
                bounds: right_bounds,
            });
            stack.push(Pending {
                node: left_id,
                start: task.start,
                end: mid,
                depth,
                stat: split.left,
                hist: left_hist,
                bounds: left_bounds,
            });
        }
        // Children come after their parent: one backward pass sums the splits' covers.
        for i in (0..nodes.len()).rev() {
            if let Some((left, right)) = nodes[i].children() {
                cover[i] = cover[left] + cover[right];
            }
        }
        Tree::new(nodes, p, impurity_decrease, cover)
    }

    /// A node's value: its weighted positive fraction, clamped to its interval when the tree
    /// has monotone constraints.
    fn node_value(&self, stat: &BinStat, bounds: Bounds) -> f64 {
        if self.config.constrained {
            bounds.clamp(stat.value())
        } else {
            stat.value()
        }
    }

    /// Whether a node with these statistics at this depth may be split at all.
    fn can_split(&self, stat: &BinStat, depth: usize) -> bool {
        let c = self.config;
        let n = stat.n as usize;
        depth < c.max_depth
            && n >= c.min_samples_split
            && n >= 2 * c.min_samples_leaf
            && stat.n_pos > 0
            && stat.n_pos < stat.n
            && stat.tot >= 2.0 * c.min_weight_leaf
    }

    /// Histograms of every feature over `rows`.
    fn full_histogram(&self, rows: &[u32]) -> Vec<BinStat> {
        let mut hist = vec![BinStat::default(); self.offsets[self.n_features()]];
        let parallel = self.config.parallel && rows.len() * self.n_features() >= 1 << 16;
        let mut slices: Vec<(usize, &mut [BinStat])> = Vec::with_capacity(self.n_features());
        let mut rest: &mut [BinStat] = &mut hist;
        for f in 0..self.n_features() {
            let (head, tail) = rest.split_at_mut(self.offsets[f + 1] - self.offsets[f]);
            slices.push((f, head));
            rest = tail;
        }
        if parallel {
            slices
                .into_par_iter()
                .for_each(|(f, h)| self.feature_histogram(f, rows, h));
        } else {
            for (f, h) in slices {
                self.feature_histogram(f, rows, h);
            }
        }
        hist
    }

    /// Accumulates feature `f`'s histogram over `rows` into `h` (which must be zeroed).
    #[inline]
    fn feature_histogram(&self, f: usize, rows: &[u32], h: &mut [BinStat]) {
        let column = self.binned.column(f);
        let stats = &self.rows_stat;
        for &r in rows {
            let s = stats[r as usize];
            let b = &mut h[column[r as usize] as usize];
            b.pos += s.wy;
            b.tot += s.w;
            b.n += 1;
            b.n_pos += s.y;
        }
    }

    /// The children's histograms from the parent's: the smaller child's is built, the larger
    /// one's is the parent's minus it. Children that will not be split get none.
    fn child_histograms(
        &self,
        mut parent: Vec<BinStat>,
        left_rows: &[u32],
        right_rows: &[u32],
        need_left: bool,
        need_right: bool,
    ) -> (Option<Vec<BinStat>>, Option<Vec<BinStat>>) {
        if !need_left && !need_right {
            return (None, None);
        }
        let left_is_small = left_rows.len() <= right_rows.len();
        let (small_rows, need_small, need_large) = if left_is_small {
            (left_rows, need_left, need_right)
        } else {
            (right_rows, need_right, need_left)
        };
        let small = self.full_histogram(small_rows);
        let large = if need_large {
            for (pb, sb) in parent.iter_mut().zip(&small) {
                *pb = pb.minus(sb);
            }
            Some(parent)
        } else {
            None
        };
        let small = need_small.then_some(small);
        if left_is_small {
            (small, large)
        } else {
            (large, small)
        }
    }

    /// The best split over every feature, from the node's full histograms.
    fn best_split_all(&self, hist: &[BinStat], bounds: Bounds) -> Option<Split> {
        let p = self.n_features();
        let per_feature = |f: usize| {
            self.best_split_of_feature(f, &hist[self.offsets[f]..self.offsets[f + 1]], bounds)
        };
        let candidates: Vec<Option<Split>> = if self.config.parallel && hist.len() >= 1 << 12 {
            (0..p).into_par_iter().map(per_feature).collect()
        } else {
            (0..p).map(per_feature).collect()
        };
        // Sequential reduction in feature order: the first of equal costs wins, whatever the
        // thread count.
        let mut best: Option<Split> = None;
        for s in candidates.into_iter().flatten() {
            if best.is_none_or(|b| s.cost < b.cost) {
                best = Some(s);
            }
        }
        best
    }

    /// The best split over features drawn at random without replacement, as scikit-learn does:
    /// features are visited in random order until `max_features` features that are not constant
    /// in the node have been evaluated.
    fn best_split_sampled(
        &self,
        rows: &[u32],
        rng: &mut ChaCha8Rng,
        order: &mut [usize],
        hist: &mut Vec<BinStat>,
        bounds: Bounds,
    ) -> Option<Split> {
        let p = order.len();
        let mut best: Option<Split> = None;
        let mut visited = 0;
        for i in 0..p {
            if visited >= self.config.max_features {
                break;
            }
            let j = rng.gen_range(i..p);
            order.swap(i, j);
            let f = order[i];
            let n_bins = self.offsets[f + 1] - self.offsets[f];
            hist.clear();
            hist.resize(n_bins, BinStat::default());
            self.feature_histogram(f, rows, hist);
            if hist.iter().filter(|b| b.n > 0).count() <= 1 {
                continue; // constant in this node: does not count
            }
            visited += 1;
            if let Some(s) = self.best_split_of_feature(f, hist, bounds)
                && best.is_none_or(|b| s.cost < b.cost)
            {
                best = Some(s);
            }
        }
        best
    }

    /// The best split of one feature from its histogram `h` (bin 0 = missing). In a tree with
    /// monotone constraints, a split of a constrained feature is skipped when its children's
    /// values, clamped to `bounds`, go against the feature's direction (a split of the missing
    /// values from the rest is not constrained).
    fn best_split_of_feature(&self, f: usize, h: &[BinStat], bounds: Bounds) -> Option<Split> {
        let c = self.config;
        let direction = monotone::direction(&c.monotone, f);
        let missing = h[0];
        let mut values = BinStat::default();
        for b in &h[1..] {
            values.add(b);
        }
        if values.n == 0 {
            return None;
        }
        let mut total = values;
        total.add(&missing);
        let min_n = c.min_samples_leaf as u32;
        let mut best: Option<Split> = None;
        let mut consider = |left: BinStat, bin: usize, missing_left: bool, ordered: bool| {
            let right = total.minus(&left);
            if left.n < min_n
                || right.n < min_n
                || left.tot < c.min_weight_leaf
                || right.tot < c.min_weight_leaf
            {
                return;
            }
            let (direction, left_value, right_value) = if c.constrained {
                let (lv, rv) = (bounds.clamp(left.value()), bounds.clamp(right.value()));
                let direction = if ordered { direction } else { 0 };
                if !Bounds::ordered(direction, lv, rv) {
                    return;
                }
                (direction, lv, rv)
            } else {
                (0, 0.0, 0.0)
            };
            let cost = c.criterion.cost(&left) + c.criterion.cost(&right);
            if best.is_none_or(|b| cost < b.cost) {
                best = Some(Split {
                    cost,
                    feature: f,
                    bin: bin as u8,
                    missing_left,
                    left,
                    right,
                    direction,
                    left_value,
                    right_value,
                });
            }
        };
        let last = h.len() - 1;
        let mut cum = BinStat::default();
        for (t, b) in h.iter().enumerate().take(last).skip(1) {
            cum.add(b);
            if cum.n == 0 {
                continue;
            }
            if cum.n == values.n {
                break; // no value left for the right side
            }
            if missing.n > 0 {
                let mut with_missing = cum;
                with_missing.add(&missing);
                consider(with_missing, t, true, true);
                consider(cum, t, false, true);
            } else {
                // No missing values seen here: at prediction they follow the heavier side.
                let heavier_left = cum.tot >= values.tot - cum.tot;
                consider(cum, t, heavier_left, true);
            }
        }
        if missing.n > 0 {
            // Every value left, missing values right.
            consider(values, last, false, false);
        }
        best
    }
}
