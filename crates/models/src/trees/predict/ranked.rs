//! Forest scoring on rank codes: every value of a row is replaced by its rank among the
//! forest's thresholds on that feature, so that the trees' nodes shrink to 8 bytes and their
//! comparisons to 16-bit integers.
//!
//! A forest of deep trees is scored by walking every tree with the same cached run of rows
//! ([`accumulate_in_lanes`]). With 16-byte nodes (an `f64` threshold), the bench's 50 trees of
//! ~2,300 nodes take 1.8 MB, more than the second-level cache, and a third of the walk was spent
//! waiting for nodes: the same walk over one tree repeated 50 times ran 35 % faster. Here the
//! forest's distinct finite thresholds on feature `f`, sorted, are its *cuts* `c_0 < c_1 < … <
//! c_{m-1}`, and a finite value `v` becomes its *code* `1 + #{j : c_j < v}`. Then `v <= c_j`
//! exactly when `code(v) <= j + 1`, so a split on `c_j` compares the code with the *rank* `j + 1`
//! and routes every row as the `f64` comparison does, to the bit. Nodes are `(column, rank, left)`:
//! with 8-bit codes (`u8, u8, u16`: 4 bytes; when every feature has at most 253 cuts, as the
//! forests pdscore fits do, the rows at most 128 features and the trees at most 65,536 nodes) the
//! bench's 50 trees take 0.45 MB and a row's codes 2 bytes per feature instead of 16; otherwise
//! codes are 16-bit (`u16, u16, u32`: 8 bytes).
//!
//! Missing values are handled as in [`resolve_missing`](super::blocks::resolve_missing): each row
//! is coded twice, once with `NaN` as code `0` (below every rank: it goes left) and once as the
//! largest code (above every rank: it goes right), and a split reads the copy whose stand-in goes
//! its missing side. Thresholds that are not finite (hand-made or loaded trees) get ranks with the
//! same effect: `+inf` sends every finite value left (the largest code but one), `-inf` and `NaN`
//! send every finite value right (rank `0`). A leaf is a split on column 0 with the largest rank
//! whose left child is itself, so a lane can step past its leaf without a branch.
//!
//! # Coding a value fast
//!
//! The codes are computed once per row and shared by every tree, but a binary search per value
//! (8 dependent steps for 255 cuts) cost about as much as walking 50 trees. Instead each feature
//! has a *bucket index*: a monotone map `bucket(v) = min((v - lo) · scale, last)` (rounded
//! down) into at most [`MAX_BUCKETS`] buckets, chosen so that no bucket holds more than
//! [`WINDOW`] cuts. Since the map is monotone, the cuts in earlier buckets are all below `v` and
//! the cuts in later ones all above, so `code(v) = 1 + start[bucket(v)] + #{cuts of the
//! bucket below v}`, where `start[b]` counts the cuts before bucket `b`: one multiply, one
//! table load and [`WINDOW`] comparisons. The map spans the cuts from the first to the last, or
//! leaves out one cut at either end (a split on missingness puts a cut at `f64::MAX`); a feature
//! for which no span gives small enough buckets (cuts packed on a scale far finer than their
//! range) is coded by binary search instead.
//! Coding the rows takes about a sixth of the bench's 50-tree predict, and that predict took
//! about 30 % less than the `f64` walk with 16-byte nodes; 8-bit codes beat 16-bit ones on real
//! data, where trees are larger. The figures, and the variants dropped, are in `docs/models.md`.
//!
//! A forest that cannot be coded (a feature with more than [`MAX_CUTS`] distinct thresholds, or
//! more than 32,768 features) is scored by the `f64` walk of [`crate::trees::predict::StepLayout`].

use ndarray::{Array1, ArrayView2};

use super::blocks::checked_predict_blocks_in_runs;
use super::lanes::{LaneStep, accumulate_in_lanes};
use super::lockstep::order_key;
use crate::Result;
use crate::trees::node::Node;

/// Cuts compared after the bucket lookup; a bucket index must put at most this many cuts in
/// one bucket. Two cuts let 512 buckets serve 255 cuts on every feature of the bench.
const WINDOW: usize = 2;

/// Most buckets in one feature's index (`u16` starts: 8 KB at most per feature).
pub(crate) const MAX_BUCKETS: usize = 4096;

/// Most distinct finite thresholds on one feature: codes `1..=MAX_CUTS + 1` stay below the
/// rank `u16::MAX - 1` that `+inf` thresholds get.
pub(crate) const MAX_CUTS: usize = u16::MAX as usize - 2;

/// Most distinct finite thresholds on one feature for 8-bit codes (the forests pdscore fits
/// have at most 254, one per bin boundary).
const NARROW_MAX_CUTS: usize = u8::MAX as usize - 2;

/// The type of a code: `u8` when every feature has at most [`NARROW_MAX_CUTS`] cuts, the row
/// at most 256 codes and every tree at most 65,536 nodes (4-byte nodes), else `u16` (8-byte
/// nodes). A code `c` of a finite value is `1..=cuts + 1`; missing values are [`Code::ZERO`]
/// (goes left) and [`Code::MAX`] (goes right).
pub(crate) trait Code: Copy + PartialOrd + Into<usize> + Send + Sync {
    /// Code of a missing value in the copy read by splits whose missing values go left.
    const ZERO: Self;
    /// Code of a missing value in the copy read by splits whose missing values go right, and
    /// the rank of a leaf.
    const MAX: Self;
    /// The rank of a `+inf` threshold: above every finite value's code.
    const BELOW_MAX: Self;
    /// `code` (a finite value's code, a rank or a column, which the layout's choice of width
    /// keeps in range) in this type.
    fn narrow(code: usize) -> Self;
}

impl Code for u8 {
    const ZERO: u8 = 0;
    const MAX: u8 = u8::MAX;
    const BELOW_MAX: u8 = u8::MAX - 1;
    #[inline]
    fn narrow(code: usize) -> u8 {
        debug_assert!(u8::try_from(code).is_ok());
        code as u8
    }
}

impl Code for u16 {
    const ZERO: u16 = 0;
    const MAX: u16 = u16::MAX;
    const BELOW_MAX: u16 = u16::MAX - 1;
    #[inline]
    fn narrow(code: usize) -> u16 {
        debug_assert!(u16::try_from(code).is_ok());
        code as u16
    }
}

/// One node of a [`RankedForest`] tree: a split sends a row to `left` when code `column` of
/// its coded row is `<= rank`, else to `left + 1`; a leaf has `rank == C::MAX` and `left` its
/// own index. `RankedNode<u8, u16>` takes 4 bytes, `RankedNode<u16, u32>` 8.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RankedNode<C, I> {
    column: C,
    rank: C,
    left: I,
}

impl<C: Code, I: Copy + Into<u32>> LaneStep for RankedNode<C, I> {
    type Value = C;

    #[inline]
    fn next(self, values: &[C], base: usize) -> u32 {
        let code = values[base + self.column.into()];
        self.left.into() + u32::from(code > self.rank)
    }

    #[inline]
    fn left(self) -> u32 {
        self.left.into()
    }
}

/// One tree of a [`RankedForest`].
#[derive(Debug, Clone, PartialEq)]
struct RankedTree<N> {
    nodes: Vec<N>,
    /// P(positive) of each leaf by node index (`0` for splits).
    leaf_values: Vec<f64>,
}

/// A forest's trees with 8-bit or 16-bit codes.
#[derive(Debug, Clone, PartialEq)]
enum RankedTrees {
    Narrow(Vec<RankedTree<RankedNode<u8, u16>>>),
    Wide(Vec<RankedTree<RankedNode<u16, u32>>>),
}

/// A forest laid out for scoring on rank codes (see the module docs), with the bucket index
/// that codes its rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RankedForest {
    n_features: usize,
    /// Per feature: the bucket map `min((v - lo) · scale, last)`.
    lo: Vec<f64>,
    scale: Vec<f64>,
    last: Vec<f64>,
    /// Per feature: where its buckets start in `starts`.
    starts_at: Vec<u32>,
    /// Per feature: where its cuts start in `cuts`, and how many there are.
    cuts_at: Vec<u32>,
    cut_counts: Vec<u32>,
    /// Every feature's buckets: the number of the feature's cuts before each bucket.
    starts: Vec<u16>,
    /// Every feature's sorted cuts, each feature's followed by [`WINDOW`] `+inf`.
    cuts: Vec<f64>,
    /// Features bucketed by [`BucketMap::OrderKey`] (their linear map above is a placeholder).
    keyed: Vec<KeyedFeature>,
    /// Features coded by binary search (no bucket index fits their cuts).
    searched: Vec<usize>,
    trees: RankedTrees,
}

impl RankedForest {
    /// The layout of `trees` (fitted on `n_features` columns), with 8-bit codes when they
    /// fit, or `None` when a feature has more than [`MAX_CUTS`] distinct finite thresholds or
    /// the coded rows would have more columns than a `u16` indexes.
    pub(crate) fn new<T: AsRef<[Node]>>(trees: &[T], n_features: usize) -> Option<Self> {
        Self::with_widths(trees, n_features, true)
    }

    /// [`RankedForest::new`], with 16-bit codes even where 8 bits fit unless `allow_narrow`.
    fn with_widths<T: AsRef<[Node]>>(
        trees: &[T],
        n_features: usize,
        allow_narrow: bool,
    ) -> Option<Self> {
        if 2 * n_features > usize::from(u16::MAX) + 1 {
            return None;
        }
        let mut cuts_of = vec![Vec::new(); n_features];
        for tree in trees {
            for node in tree.as_ref() {
                if let (Some(f), Some(t)) = (node.feature(), node.threshold())
                    && t.is_finite()
                {
                    cuts_of[f].push(t);
                }
            }
        }
        for cuts in &mut cuts_of {
            cuts.sort_unstable_by(f64::total_cmp);
            // -0.0 and 0.0 are one cut: they compare equal to every value.
            cuts.dedup_by(|a, b| a == b);
            if cuts.len() > MAX_CUTS {
                return None;
            }
        }
        let narrow = allow_narrow
            && 2 * n_features <= usize::from(u8::MAX) + 1
            && cuts_of.iter().all(|cuts| cuts.len() <= NARROW_MAX_CUTS)
            && trees
                .iter()
                .all(|tree| tree.as_ref().len() <= usize::from(u16::MAX) + 1);
        let mut forest = RankedForest::coding(&cuts_of);
        forest.trees = if narrow {
            RankedTrees::Narrow(
                trees
                    .iter()
                    .map(|tree| ranked_tree(tree.as_ref(), n_features, &cuts_of))
                    .collect::<Option<_>>()?,
            )
        } else {
            RankedTrees::Wide(
                trees
                    .iter()
                    .map(|tree| ranked_tree(tree.as_ref(), n_features, &cuts_of))
                    .collect::<Option<_>>()?,
            )
        };
        Some(forest)
    }

    /// The coding tables of features whose sorted distinct finite cuts are `cuts_of`, and no
    /// tree yet.
    fn coding(cuts_of: &[Vec<f64>]) -> Self {
        let n_features = cuts_of.len();
        let mut forest = RankedForest {
            n_features,
            lo: Vec::with_capacity(n_features),
            scale: Vec::with_capacity(n_features),
            last: Vec::with_capacity(n_features),
            starts_at: Vec::with_capacity(n_features),
            cuts_at: Vec::with_capacity(n_features),
            cut_counts: Vec::with_capacity(n_features),
            starts: Vec::new(),
            cuts: Vec::new(),
            keyed: Vec::new(),
            searched: Vec::new(),
            trees: RankedTrees::Wide(Vec::new()),
        };
        for (f, cuts) in cuts_of.iter().enumerate() {
            forest.add_feature(f, cuts);
        }
        forest
    }

    /// Appends feature `f`'s bucket index (or marks it for binary search) and its cuts.
    fn add_feature(&mut self, f: usize, cuts: &[f64]) {
        let map = bucket_map(cuts);
        let buckets = map.map_or(1, BucketMap::buckets);
        let mut count = vec![0u16; buckets];
        if let Some(map) = map {
            for &c in cuts {
                count[map.bucket(c)] += 1;
            }
        }
        // The linear map of every feature runs first in `encode`; the other features get a
        // placeholder (bucket 0) there.
        let (lo, scale, last) = match map {
            Some(BucketMap::Linear { lo, scale, last }) => (lo, scale, last),
            Some(BucketMap::OrderKey {
                key_lo,
                shift,
                last,
            }) => {
                self.keyed.push(KeyedFeature {
                    feature: f,
                    key_lo,
                    shift,
                    last,
                });
                (0.0, 0.0, 0.0)
            }
            None => {
                // One empty bucket: the binary search overwrites its codes.
                self.searched.push(f);
                (0.0, 0.0, 0.0)
            }
        };
        self.lo.push(lo);
        self.scale.push(scale);
        self.last.push(last);
        self.starts_at.push(self.starts.len() as u32);
        let mut before = 0u16;
        for c in count {
            self.starts.push(before);
            before += c;
        }
        self.cuts_at.push(self.cuts.len() as u32);
        self.cut_counts.push(cuts.len() as u32);
        self.cuts.extend_from_slice(cuts);
        self.cuts.extend([f64::INFINITY; WINDOW]);
    }

    /// Scores `x` with every tree, run by run: each run of `run_rows` rows is checked for
    /// infinities and coded once ([`RankedForest::encode`]), then every tree adds its leaf
    /// values in the forest's order, then `finish` turns the sums into probabilities.
    ///
    /// # Errors
    /// As [`checked_predict_blocks_in_runs`]: a wrong column count or an infinite value.
    pub(crate) fn predict(
        &self,
        x: ArrayView2<'_, f64>,
        run_rows: usize,
        finish: impl Fn(&mut [f64]) + Sync,
    ) -> Result<Array1<f64>> {
        match &self.trees {
            RankedTrees::Narrow(trees) => self.predict_with(trees, x, run_rows, finish),
            RankedTrees::Wide(trees) => self.predict_with(trees, x, run_rows, finish),
        }
    }

    fn predict_with<C: Code, N: LaneStep<Value = C> + Sync>(
        &self,
        trees: &[RankedTree<N>],
        x: ArrayView2<'_, f64>,
        run_rows: usize,
        finish: impl Fn(&mut [f64]) + Sync,
    ) -> Result<Array1<f64>> {
        let width = 2 * self.n_features;
        checked_predict_blocks_in_runs(
            x,
            self.n_features,
            run_rows,
            |rows, p, codes: &mut Vec<C>| self.encode(rows, p, codes),
            |codes, _, out| {
                let mut leaf_of = Vec::new();
                for tree in trees {
                    accumulate_in_lanes(
                        &tree.nodes,
                        &tree.leaf_values,
                        codes,
                        width,
                        out,
                        &mut leaf_of,
                    );
                }
                finish(out);
            },
        )
    }

    /// Writes the two coded copies of each row of `rows` (`p` values each, `p` the forest's
    /// feature count) into `codes` (`2p` codes per row: missing values as [`Code::ZERO`], then
    /// as [`Code::MAX`]). Returns the index in `rows` of the first infinite value, if any (the
    /// codes are then unusable).
    pub(crate) fn encode<C: Code>(
        &self,
        rows: &[f64],
        p: usize,
        codes: &mut Vec<C>,
    ) -> Option<usize> {
        debug_assert_eq!(p, self.n_features);
        codes.clear();
        codes.resize(2 * rows.len(), C::ZERO);
        let mut buckets = vec![0u32; p];
        let mut any_infinite = false;
        for (row, coded) in rows.chunks_exact(p).zip(codes.chunks_exact_mut(2 * p)) {
            // First every bucket (independent arithmetic), then the lookups.
            for ((((b, &v), &lo), &scale), (&last, &at)) in buckets
                .iter_mut()
                .zip(row)
                .zip(&self.lo)
                .zip(&self.scale)
                .zip(self.last.iter().zip(&self.starts_at))
            {
                *b = linear_bucket(v, lo, scale, last) as u32 + at;
            }
            for k in &self.keyed {
                buckets[k.feature] = key_bucket(row[k.feature], k.key_lo, k.shift, k.last) as u32
                    + self.starts_at[k.feature];
            }
            let (low, high) = coded.split_at_mut(p);
            for ((((&v, &b), &cuts_at), low), high) in row
                .iter()
                .zip(&buckets)
                .zip(&self.cuts_at)
                .zip(low.iter_mut())
                .zip(high.iter_mut())
            {
                any_infinite |= v.is_infinite();
                let before = self.starts[b as usize];
                let window = &self.cuts[cuts_at as usize + usize::from(before)..][..WINDOW];
                let code = C::narrow(usize::from(
                    window
                        .iter()
                        .fold(before + 1, |code, &c| code + u16::from(c < v)),
                ));
                let missing = v.is_nan();
                *low = if missing { C::ZERO } else { code };
                *high = if missing { C::MAX } else { code };
            }
            for &f in &self.searched {
                let v = row[f];
                if !v.is_nan() {
                    let cuts =
                        &self.cuts[self.cuts_at[f] as usize..][..self.cut_counts[f] as usize];
                    let code = C::narrow(cuts.partition_point(|&c| c < v) + 1);
                    coded[f] = code;
                    coded[p + f] = code;
                }
            }
        }
        if any_infinite {
            return rows.iter().position(|v| v.is_infinite());
        }
        None
    }
}

/// A feature bucketed by its values' [`order_key`]s.
#[derive(Debug, Clone, Copy, PartialEq)]
struct KeyedFeature {
    feature: usize,
    key_lo: i64,
    shift: u32,
    last: u64,
}

/// A monotone map of a feature's values to buckets (`v <= w` gives `bucket(v) <= bucket(w)`),
/// each bucket holding at most [`WINDOW`] cuts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum BucketMap {
    /// Linear in the value: `min((v - lo) · scale, last)`, rounded down. Suits values spread
    /// evenly on both sides of zero.
    Linear { lo: f64, scale: f64, last: f64 },
    /// Linear in the [`order_key`], about the logarithm of positive values:
    /// `min((key(v) - key_lo) >> shift, last)`, with keys below `key_lo` in bucket 0. Suits
    /// positive skewed values (amounts, counts), whose cuts crowd near the low end.
    OrderKey { key_lo: i64, shift: u32, last: u64 },
}

impl BucketMap {
    /// The number of buckets.
    fn buckets(self) -> usize {
        match self {
            BucketMap::Linear { last, .. } => last as usize + 1,
            BucketMap::OrderKey { last, .. } => last as usize + 1,
        }
    }

    /// The bucket of `v`.
    fn bucket(self, v: f64) -> usize {
        match self {
            BucketMap::Linear { lo, scale, last } => linear_bucket(v, lo, scale, last),
            BucketMap::OrderKey {
                key_lo,
                shift,
                last,
            } => key_bucket(v, key_lo, shift, last),
        }
    }
}

/// The bucket of `v` under [`BucketMap::Linear`] (negative values, and `NaN` once `min` has
/// replaced it by `last`, fall in a valid bucket).
#[inline]
fn linear_bucket(v: f64, lo: f64, scale: f64, last: f64) -> usize {
    ((v - lo) * scale).min(last) as usize
}

/// The bucket of `v` under [`BucketMap::OrderKey`].
#[inline]
fn key_bucket(v: f64, key_lo: i64, shift: u32, last: u64) -> usize {
    let above = order_key(v).saturating_sub(key_lo).max(0) as u64;
    (above >> shift).min(last) as usize
}

/// Whether `map` puts at most [`WINDOW`] of `cuts` in each bucket.
fn fits(map: BucketMap, cuts: &[f64]) -> bool {
    let mut count = vec![0usize; map.buckets()];
    cuts.iter().all(|&c| {
        let b = &mut count[map.bucket(c)];
        *b += 1;
        *b <= WINDOW
    })
}

/// A bucket map for the sorted distinct finite `cuts` with at most [`MAX_BUCKETS`] buckets,
/// or `None` if none of those tried fits: linear, then by order key, each spanning the cuts
/// from the first to the last or leaving out one cut at either end (a split on missingness puts
/// a cut at `f64::MAX`, and counts have a cut at 0), with as few buckets as fit.
fn bucket_map(cuts: &[f64]) -> Option<BucketMap> {
    let m = cuts.len();
    if m <= WINDOW {
        // One bucket holds them all (scale 0 maps every finite value to bucket 0).
        return Some(BucketMap::Linear {
            lo: 0.0,
            scale: 0.0,
            last: 0.0,
        });
    }
    let spans = [(0, m - 1), (0, m - 2), (1, m - 1), (1, m - 2)];
    let sizes = || {
        std::iter::successors(Some((2 * m).next_power_of_two()), |&b| Some(2 * b))
            .take_while(|&b| b <= MAX_BUCKETS)
    };
    let linear = spans.iter().flat_map(|&(first, last)| {
        sizes().filter_map(move |buckets| {
            let (lo, hi) = (cuts[first], cuts[last]);
            let scale = buckets as f64 / (hi - lo);
            (last > first && scale.is_finite() && scale > 0.0).then_some(BucketMap::Linear {
                lo,
                scale,
                last: (buckets - 1) as f64,
            })
        })
    });
    let keyed = spans.iter().flat_map(|&(first, last)| {
        sizes().filter_map(move |buckets| {
            let key_lo = order_key(cuts[first]);
            let range = order_key(cuts[last]).checked_sub(key_lo)? as u64;
            // The smallest shift that maps the range into `buckets`.
            let shift = (0..64).find(|&s| (range >> s) < buckets as u64)?;
            (last > first).then_some(BucketMap::OrderKey {
                key_lo,
                shift,
                last: range >> shift,
            })
        })
    });
    linear.chain(keyed).find(|&map| fits(map, cuts))
}

/// The tree of `nodes` in the ranked layout for rows of `p` features whose cuts are `cuts_of`
/// (sorted, distinct, finite, holding every finite threshold of the tree), with codes of type `C`
/// and node indices of type `I`, or `None` if a node index does not fit `I`.
fn ranked_tree<C: Code, I: TryFrom<usize> + Copy>(
    nodes: &[Node],
    p: usize,
    cuts_of: &[Vec<f64>],
) -> Option<RankedTree<RankedNode<C, I>>> {
    let index = |i: usize| I::try_from(i).ok();
    let mut ranked = Vec::with_capacity(nodes.len());
    let mut leaf_values = Vec::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        let (Some(f), Some(t), Some((left, _))) =
            (node.feature(), node.threshold(), node.children())
        else {
            ranked.push(RankedNode {
                column: C::ZERO,
                rank: C::MAX,
                left: index(i)?,
            });
            leaf_values.push(node.value().unwrap_or(0.0));
            continue;
        };
        let rank = if t == f64::INFINITY {
            C::BELOW_MAX
        } else if t.is_finite() {
            // `t` is one of the cuts: codes up to its index + 1 are values <= t.
            C::narrow(cuts_of[f].partition_point(|&c| c < t) + 1)
        } else {
            C::ZERO // -inf or NaN: no finite value goes left
        };
        let column = if node.missing_left() { f } else { p + f };
        ranked.push(RankedNode {
            column: C::narrow(column),
            rank,
            left: index(left)?,
        });
        leaf_values.push(0.0);
    }
    Some(RankedTree {
        nodes: ranked,
        leaf_values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trees::node::{random_nodes, reference_leaf};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Scores `rows` through the ranked layout (sums in tree order), in runs of 64 rows.
    fn ranked_sums(forest: &RankedForest, rows: &[f64], p: usize) -> Vec<f64> {
        let x = ndarray::ArrayView2::from_shape((rows.len() / p, p), rows).unwrap();
        forest.predict(x, 64, |_| {}).unwrap().to_vec()
    }

    /// The sum in tree order of each row's leaf values, routed the plain way.
    fn reference_sums(trees: &[Vec<Node>], rows: &[f64], p: usize) -> Vec<f64> {
        rows.chunks_exact(p)
            .map(|row| {
                trees
                    .iter()
                    .fold(0.0, |sum, tree| sum + reference_leaf(tree, row))
            })
            .collect()
    }

    fn assert_same_bits(got: &[f64], expected: &[f64], context: &str) {
        assert_eq!(got.len(), expected.len());
        for (i, (g, e)) in got.iter().zip(expected).enumerate() {
            assert_eq!(g.to_bits(), e.to_bits(), "{context}: row {i}");
        }
    }

    #[test]
    fn codes_route_every_row_as_the_f64_comparisons_do() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let p = 4;
        // Values on the thresholds' half-integer grid (ties), between them, beyond them,
        // -0.0 and missing.
        let rows: Vec<f64> = (0..700 * p)
            .map(|_| match rng.gen_range(0..10) {
                0 => f64::NAN,
                1 => -0.0,
                2 => f64::from(rng.gen_range(-9i32..=9)) * 0.5 + 0.25,
                3 => rng.gen_range(-1e6..1e6),
                _ => f64::from(rng.gen_range(-7i32..=7)) * 0.5,
            })
            .collect();
        for max_depth in [0, 1, 4, 9, 16] {
            let trees: Vec<Vec<Node>> = (0..7)
                .map(|_| random_nodes(&mut rng, p, max_depth))
                .collect();
            let forest = RankedForest::new(&trees, p).expect("few cuts");
            assert!(forest.searched.is_empty());
            assert_same_bits(
                &ranked_sums(&forest, &rows, p),
                &reference_sums(&trees, &rows, p),
                &format!("depth {max_depth}"),
            );
        }
    }

    #[test]
    fn cuts_too_dense_for_buckets_are_searched() {
        // Feature 0: 40 cuts packed within 1e-250 of zero, one at 1 and one at 1e300: no span
        // gives at most two cuts per bucket with 4,096 buckets. Feature 1: an ordinary grid.
        let dense: Vec<f64> = (1..=40).map(|k| f64::from(k) * 1e-252).collect();
        let splits: Vec<(usize, f64)> = dense
            .iter()
            .chain(&[1.0, 1e300])
            .map(|&c| (0, c))
            .chain((0..8).map(|k| (1, f64::from(k) - 3.5)))
            .collect();
        let nodes = Node::chain(
            splits
                .iter()
                .enumerate()
                .map(|(d, &(feature, c))| (feature, c, d % 3 == 0, d as f64 / 64.0)),
            0.999,
        );
        let trees = [nodes];
        let forest = RankedForest::new(&trees, 2).expect("42 cuts");
        assert_eq!(forest.searched, vec![0]);
        let mut rows = Vec::new();
        for &(_, c) in &splits {
            for v in [c, c * 0.999, c * 1.001, -c, f64::NAN] {
                rows.extend([v, v]);
                rows.extend([v, 0.0]);
                rows.extend([0.0, v]);
            }
        }
        assert_same_bits(
            &ranked_sums(&forest, &rows, 2),
            &reference_sums(&trees, &rows, 2),
            "searched feature",
        );
    }

    #[test]
    fn bucket_maps_hold_at_most_a_window_of_cuts_and_code_like_a_search() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let (mut linear, mut keyed, mut searched) = (0, 0, 0);
        for case in 0..200 {
            let m = rng.gen_range(0..300);
            let scale = 10f64.powi(rng.gen_range(-5..6));
            let mut cuts: Vec<f64> = (0..m)
                .map(|_| {
                    let v: f64 = rng.gen_range(-1.0..1.0);
                    // Skewed features (income-like) as well as symmetric ones.
                    if case % 2 == 0 {
                        v * scale
                    } else {
                        v.exp().powi(8) * scale
                    }
                })
                .collect();
            if case % 5 == 0 && m > 0 {
                cuts.push(f64::MAX);
            }
            cuts.sort_unstable_by(f64::total_cmp);
            cuts.dedup();
            if let Some(map) = bucket_map(&cuts) {
                assert!(map.buckets() <= MAX_BUCKETS);
                let mut count = vec![0; map.buckets()];
                for &c in &cuts {
                    count[map.bucket(c)] += 1;
                }
                assert!(count.iter().all(|&c| c <= WINDOW), "case {case}");
                match map {
                    BucketMap::Linear { .. } => linear += 1,
                    BucketMap::OrderKey { .. } => keyed += 1,
                }
            } else {
                searched += 1;
            }
            // Coding through the tables equals counting the cuts below.
            let forest = RankedForest::coding(std::slice::from_ref(&cuts));
            let probes: Vec<f64> = cuts
                .iter()
                .flat_map(|&c| [c, c.next_down(), c.next_up()])
                .chain([-1e308, 0.0, 1e308])
                .filter(|v| v.is_finite())
                .collect();
            let mut codes = Vec::<u16>::new();
            assert_eq!(forest.encode(&probes, 1, &mut codes), None);
            for (v, code) in probes.iter().zip(codes.chunks_exact(2)) {
                let expected = cuts.partition_point(|c| c < v) as u16 + 1;
                assert_eq!(code, [expected, expected], "case {case}, value {v}");
            }
        }
        // Every way of coding was exercised.
        assert!(
            linear > 50 && keyed > 50 && searched > 0,
            "{linear} linear, {keyed} by key, {searched} searched"
        );
    }

    #[test]
    fn forests_beyond_the_codes_are_not_laid_out() {
        // MAX_CUTS + 1 distinct thresholds on one feature, as a chain of splits.
        let nodes = Node::chain((0..=MAX_CUTS).map(|d| (0, d as f64, true, 0.5)), 0.25);
        assert!(RankedForest::new(std::slice::from_ref(&nodes), 1).is_none());
    }

    #[test]
    fn trees_too_big_for_16_bit_node_indices_take_16_bit_codes() {
        // 40,000 splits (80,001 nodes) on 10 distinct thresholds: few cuts, too many nodes
        // for the 8-bit layout's `u16` child indices.
        let nodes = Node::chain(
            (0..40_000u32).map(|d| {
                let (threshold, leaf) = (f64::from(d % 10), f64::from(d % 7) / 8.0);
                (0, threshold, d % 2 == 0, leaf)
            }),
            0.875,
        );
        let trees = [nodes];
        let forest = RankedForest::new(&trees, 1).expect("few cuts");
        assert!(matches!(forest.trees, RankedTrees::Wide(_)));
        let rows: Vec<f64> = (0..40)
            .map(|i| f64::from(i) / 3.0 - 1.0)
            .chain([f64::NAN])
            .collect();
        assert_same_bits(
            &ranked_sums(&forest, &rows, 1),
            &reference_sums(&trees, &rows, 1),
            "wide",
        );
    }

    #[test]
    fn infinities_are_reported_at_their_first_position() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let trees = [random_nodes(&mut rng, 3, 4)];
        let forest = RankedForest::new(&trees, 3).unwrap();
        let mut rows = vec![0.5; 30];
        rows[17] = f64::NEG_INFINITY;
        rows[25] = f64::INFINITY;
        let mut codes = Vec::<u8>::new();
        assert_eq!(forest.encode(&rows, 3, &mut codes), Some(17));
    }
}
