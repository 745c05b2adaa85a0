//! Feature binning shared by the tree learners: [`BinMapper`] (how values are binned, with an
//! example) and [`BinnedMatrix`].

use ndarray::ArrayView2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{ModelError, Result};

/// The bin of missing values.
pub const MISSING_BIN: u8 = 0;

/// Cut points of one feature. The binning is shared by the tree learners (decision tree, random
/// forest, AdaBoost, GBM).
///
/// Like LightGBM and scikit-learn's `HistGradientBoosting`, each feature is cut into at most
/// `max_bin - 1` value bins at fit time, and trees search splits over bin histograms instead of
/// sorted values: O(rows) per feature per node instead of O(rows · log rows), with `u8` storage.
///
/// Bin `0` ([`MISSING_BIN`]) holds missing values (`NaN`); value bins are `1..n_bins()`. A split
/// "bin <= b" is the same as "x <= [`BinMapper::threshold`]`(b)`" for every non-missing `x`, so a
/// fitted tree can score raw `f64` rows without binning them.
///
/// ```
/// use pdscore_models::trees::{BinMapper, MISSING_BIN};
/// let mapper = BinMapper::fit(&[1.0, 2.0, 2.0, 3.0, f64::NAN], 256).unwrap();
/// assert_eq!(mapper.n_bins(), 4); // missing + three distinct values
/// assert_eq!(mapper.bin(f64::NAN), MISSING_BIN);
/// assert_eq!(mapper.bin(2.0), 2);
/// assert!(2.0 <= mapper.threshold(2) && 3.0 > mapper.threshold(2));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinMapper {
    /// `upper_bounds[i]` is the inclusive upper bound of value bin `i + 1`; the last is `+inf`.
    upper_bounds: Vec<f64>,
}

impl BinMapper {
    /// Learns cut points from `values` (`NaN` = missing) with at most `max_bin` bins in total
    /// (the missing bin included), so `max_bin` must be in `2..=256`.
    ///
    /// When a feature has fewer distinct values than value bins, every distinct value gets its
    /// own bin (cut at midpoints); otherwise bins hold roughly equal numbers of rows, and a
    /// single value is never split across two bins.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] when `max_bin` is out of range.
    pub fn fit(values: &[f64], max_bin: usize) -> Result<Self> {
        if !(2..=256).contains(&max_bin) {
            return Err(ModelError::InvalidParam {
                name: "max_bin",
                reason: format!("must be in 2..=256, got {max_bin}"),
            });
        }
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        // Distinct values and their counts.
        let mut distinct: Vec<(f64, usize)> = Vec::new();
        for v in sorted {
            match distinct.last_mut() {
                Some((last, count)) if *last == v => *count += 1,
                _ => distinct.push((v, 1)),
            }
        }
        let value_bins = max_bin - 1;
        let mut upper_bounds = Vec::new();
        if distinct.len() <= value_bins {
            for pair in distinct.windows(2) {
                upper_bounds.push(midpoint(pair[0].0, pair[1].0));
            }
        } else {
            let mut remaining_rows: usize = distinct.iter().map(|d| d.1).sum();
            let mut remaining_bins = value_bins;
            let mut in_bin = 0usize;
            for (i, &(v, count)) in distinct.iter().enumerate() {
                in_bin += count;
                let is_last = i + 1 == distinct.len();
                if is_last || remaining_bins <= 1 {
                    continue;
                }
                let target = remaining_rows as f64 / remaining_bins as f64;
                // Close the bin when it is full, or when adding the next value would overshoot
                // the target by more than leaving it out.
                let next = distinct[i + 1].1 as f64;
                let full = in_bin as f64 >= target
                    || (in_bin as f64 + next - target) > (target - in_bin as f64);
                // Keep enough distinct values for the remaining bins.
                let values_left = distinct.len() - i - 1;
                if full || values_left < remaining_bins {
                    upper_bounds.push(midpoint(v, distinct[i + 1].0));
                    remaining_rows -= in_bin;
                    remaining_bins -= 1;
                    in_bin = 0;
                }
            }
        }
        upper_bounds.push(f64::INFINITY);
        Ok(BinMapper { upper_bounds })
    }

    /// Total number of bins, the missing bin included.
    pub fn n_bins(&self) -> usize {
        self.upper_bounds.len() + 1
    }

    /// The bin of value `x`: [`MISSING_BIN`] for `NaN`, else the first value bin whose upper
    /// bound is `>= x`.
    #[inline]
    pub fn bin(&self, x: f64) -> u8 {
        if x.is_nan() {
            return MISSING_BIN;
        }
        // partition_point gives the number of bounds < x, i.e. the 0-based value bin.
        let i = self.upper_bounds.partition_point(|&b| b < x);
        (i.min(self.upper_bounds.len() - 1) + 1) as u8
    }

    /// The inclusive upper bound of value bin `bin` (`1..n_bins()`): for a non-missing `x`,
    /// `self.bin(x) <= bin` exactly when `x <= self.threshold(bin)`.
    ///
    /// # Panics
    /// Panics when `bin` is `0` or `>= n_bins()`.
    pub fn threshold(&self, bin: u8) -> f64 {
        assert!(bin != MISSING_BIN, "the missing bin has no threshold");
        self.upper_bounds[bin as usize - 1]
    }

    /// Upper bounds of all value bins (the last is `+inf`).
    pub fn upper_bounds(&self) -> &[f64] {
        &self.upper_bounds
    }
}

/// Midpoint of two finite or infinite values, never `NaN`.
fn midpoint(a: f64, b: f64) -> f64 {
    let m = a + (b - a) / 2.0;
    if m.is_finite() { m } else { a }
}

/// A matrix of bin indices, stored column by column (each feature's bins are contiguous, which
/// is what histogram building reads).
#[derive(Debug, Clone, PartialEq)]
pub struct BinnedMatrix {
    n_rows: usize,
    bins: Vec<u8>,
    mappers: Vec<BinMapper>,
}

impl BinnedMatrix {
    /// Learns one [`BinMapper`] per column of `x` (in parallel) and bins `x` with them.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for a bad `max_bin`; [`ModelError::Empty`] for no rows.
    pub fn fit(x: ArrayView2<'_, f64>, max_bin: usize) -> Result<Self> {
        if x.nrows() == 0 {
            return Err(ModelError::Empty);
        }
        let mappers = (0..x.ncols())
            .into_par_iter()
            .map(|j| {
                let column: Vec<f64> = x.column(j).iter().copied().collect();
                BinMapper::fit(&column, max_bin)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::with_mappers(x, mappers))
    }

    /// Bins `x` with mappers learned earlier (one per column).
    ///
    /// # Panics
    /// Panics when the number of mappers differs from the number of columns.
    pub fn with_mappers(x: ArrayView2<'_, f64>, mappers: Vec<BinMapper>) -> Self {
        assert_eq!(mappers.len(), x.ncols(), "one mapper per column");
        let n_rows = x.nrows();
        let mut bins = vec![0u8; n_rows * mappers.len()];
        bins.par_chunks_mut(n_rows.max(1))
            .zip(mappers.par_iter())
            .enumerate()
            .for_each(|(j, (out, mapper))| {
                for (o, &v) in out.iter_mut().zip(x.column(j).iter()) {
                    *o = mapper.bin(v);
                }
            });
        BinnedMatrix {
            n_rows,
            bins,
            mappers,
        }
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of features (columns).
    pub fn n_features(&self) -> usize {
        self.mappers.len()
    }

    /// The bins of feature `j`, one per row.
    pub fn column(&self, j: usize) -> &[u8] {
        &self.bins[j * self.n_rows..(j + 1) * self.n_rows]
    }

    /// The mapper of feature `j`.
    pub fn mapper(&self, j: usize) -> &BinMapper {
        &self.mappers[j]
    }

    /// All mappers, one per feature.
    pub fn mappers(&self) -> &[BinMapper] {
        &self.mappers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn few_distinct_values_get_one_bin_each() {
        let m = BinMapper::fit(&[3.0, 1.0, 2.0, 2.0, f64::NAN], 256).unwrap();
        assert_eq!(m.n_bins(), 4);
        assert_eq!(m.bin(1.0), 1);
        assert_eq!(m.bin(2.0), 2);
        assert_eq!(m.bin(3.0), 3);
        assert_eq!(m.bin(100.0), 3);
        assert_eq!(m.bin(-100.0), 1);
        assert_eq!(m.bin(f64::NAN), MISSING_BIN);
    }

    #[test]
    fn many_values_are_cut_into_balanced_bins() {
        let values: Vec<f64> = (0..10_000).map(f64::from).collect();
        let m = BinMapper::fit(&values, 11).unwrap();
        assert_eq!(m.n_bins(), 11);
        let mut counts = [0usize; 11];
        for &v in &values {
            counts[m.bin(v) as usize] += 1;
        }
        assert_eq!(counts[0], 0);
        for &c in &counts[1..] {
            assert!((900..=1100).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn threshold_agrees_with_bin() {
        let values: Vec<f64> = (0..5_000)
            .map(|i| f64::from(i % 997) * 0.37 - 40.0)
            .collect();
        let m = BinMapper::fit(&values, 64).unwrap();
        for &v in &values {
            let b = m.bin(v);
            for t in 1..m.n_bins() as u8 {
                assert_eq!(b <= t, v <= m.threshold(t));
            }
        }
    }

    #[test]
    fn heavy_ties_never_split_a_value() {
        let mut values = vec![0.0; 9_000];
        values.extend((0..1_000).map(f64::from));
        let m = BinMapper::fit(&values, 16).unwrap();
        assert!(m.n_bins() <= 16);
        assert_eq!(m.bin(0.0), 1);
    }

    #[test]
    fn bad_max_bin_is_an_error() {
        assert!(BinMapper::fit(&[1.0], 1).is_err());
        assert!(BinMapper::fit(&[1.0], 257).is_err());
    }

    #[test]
    fn matrix_is_column_major() {
        let x = array![[1.0, 10.0], [2.0, f64::NAN], [3.0, 30.0]];
        let b = BinnedMatrix::fit(x.view(), 256).unwrap();
        assert_eq!(b.column(0), &[1, 2, 3]);
        assert_eq!(b.column(1), &[1, 0, 2]);
        assert_eq!(b.n_features(), 2);
    }
}
