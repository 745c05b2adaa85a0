//! SMOTE (Chawla et al. 2002) and SMOTE-NC for one-hot encoded categorical columns.
//!
//! # Algorithm (imbalanced-learn's `SMOTE`)
//!
//! 1. Find the `k_neighbors` nearest minority rows of every minority row: an exact search among
//!    the `m` minority rows of the training data by squared Euclidean distance, in parallel, ties
//!    going to the lower row index; a row is never its own neighbour but an exact duplicate of it
//!    can be. The result is the brute-force one: a kd-tree (leaves of 32 rows scanned in
//!    vectorised blocks) only skips boxes of rows that cannot be neighbours, with a test that is
//!    exact in floating point, ties included.
//! 2. For each new row: draw a (minority row, one of its `k` neighbours) pair uniformly among the
//!    `m * k` pairs, and a gap `u` uniform in `[0, 1)`; the new row is `row + u * (neighbour - row)`.
//!
//! The new rows are appended after all input rows. Their [`Resampled::sample_indices`] entry is the
//! *seed* row (the `row` above), so every synthetic row lies on the segment from its seed row to one
//! of the seed row's `k` nearest minority neighbours.
//!
//! Relation to imbalanced-learn: the same neighbours (checked against scikit-learn's
//! `NearestNeighbors` on data without distance ties), the same draw distribution and the same
//! class counts, but not the same rows for a seed (ChaCha8 instead of NumPy's generator).
//!
//! SMOTE does not scale features: standardise them first (the pipeline fits a scaler on the
//! training fold), otherwise the column with the largest range decides the neighbours.
//!
//! # Categorical (one-hot) columns: SMOTE-NC
//!
//! Plain SMOTE would interpolate one-hot columns into fractions such as `0.37` that no real row
//! has. Give the column ranges of each one-hot encoded variable with
//! [`SmoteParams::categorical_groups`] to get SMOTE-NC (imbalanced-learn's `SMOTENC`):
//! - distances: every column of a group is multiplied by `median_std / sqrt(2)`, where
//!   `median_std` is the median over the continuous columns of their standard deviation
//!   (population, over the minority rows); two rows in different categories of a one-hot group then
//!   differ by `median_std²` in squared distance, as in the SMOTE-NC paper;
//! - new rows: continuous columns are interpolated as above; each group is copied from one of the
//!   seed row's `k` neighbours, choosing the group's most frequent value pattern among them (ties
//!   broken uniformly at random with the sampler's generator). Because whole patterns are copied,
//!   an all-zero pattern (a dropped reference level or an unknown category) is handled like any
//!   other category, and every synthetic row's groups hold a pattern that a real row has.
//!
//! Without groups every column is treated as continuous.

use std::ops::Range;

use ndarray::{Array2, ArrayView1, ArrayView2, Axis, s};
use rand::distributions::Standard;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::knn::nearest_neighbours;
use crate::sampler::validate_input;
use crate::{ResampleError, Resampled, Result, Sampler, SamplerSpec, SamplingStrategy};

/// Parameters of [`Smote`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmoteParams {
    k_neighbors: usize,
    sampling_strategy: SamplingStrategy,
    seed: u64,
    categorical_groups: Vec<Range<usize>>,
}

impl Default for SmoteParams {
    fn default() -> Self {
        Self {
            k_neighbors: 5,
            sampling_strategy: SamplingStrategy::default(),
            seed: 0,
            categorical_groups: Vec::new(),
        }
    }
}

impl SmoteParams {
    /// Defaults: `k_neighbors = 5`, `sampling_strategy = Ratio(1.0)`, `seed = 0`, no categorical
    /// groups (plain SMOTE).
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of nearest minority neighbours to interpolate towards. Default `5`. The minority
    /// class needs at least `k_neighbors + 1` rows (unless no row is to be added).
    pub fn k_neighbors(mut self, k: usize) -> Self {
        self.k_neighbors = k;
        self
    }

    /// Target minority:majority ratio after resampling. Default `Ratio(1.0)`.
    pub fn sampling_strategy(mut self, strategy: SamplingStrategy) -> Self {
        self.sampling_strategy = strategy;
        self
    }

    /// Seed of the draws. Default `0`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Column ranges of the one-hot encoded categorical variables (one range per variable), which
    /// turns SMOTE into SMOTE-NC (see the [module docs](self)). Default: none.
    pub fn categorical_groups(mut self, groups: impl IntoIterator<Item = Range<usize>>) -> Self {
        self.categorical_groups = groups.into_iter().collect();
        self
    }

    /// Validates the parameters (group bounds against the column count are checked at
    /// [`Sampler::fit_resample`] time).
    ///
    /// # Errors
    /// [`ResampleError::InvalidParam`] for `k_neighbors == 0` or a ratio outside `(0, 1]`;
    /// [`ResampleError::BadCategoricalGroup`] for an empty group or overlapping groups.
    pub fn check(&self) -> Result<Smote> {
        if self.k_neighbors == 0 {
            return Err(ResampleError::InvalidParam {
                name: "k_neighbors",
                value: "0".into(),
                reason: "needs at least 1 neighbour".into(),
            });
        }
        self.sampling_strategy.check()?;
        let mut groups = self.categorical_groups.clone();
        groups.sort_by_key(|g| (g.start, g.end));
        for (i, group) in groups.iter().enumerate() {
            if group.start >= group.end {
                return Err(ResampleError::BadCategoricalGroup {
                    start: group.start,
                    end: group.end,
                    columns: 0,
                    reason: "a group needs at least one column",
                });
            }
            if i > 0 && groups[i - 1].end > group.start {
                return Err(ResampleError::BadCategoricalGroup {
                    start: group.start,
                    end: group.end,
                    columns: 0,
                    reason: "groups overlap",
                });
            }
        }
        Ok(Smote {
            params: self.clone(),
            sorted_groups: groups,
        })
    }
}

/// SMOTE oversampler, or SMOTE-NC with categorical groups (see the [module docs](self)).
///
/// ```
/// use ndarray::Array2;
/// use pdscore_resample::{Sampler, SmoteParams};
/// let x = Array2::from_shape_fn((20, 2), |(i, j)| (i * (j + 1)) as f64);
/// let y: Vec<bool> = (0..20).map(|i| i % 4 == 0).collect(); // 5 positives, 15 negatives
/// let smote = SmoteParams::new().k_neighbors(3).seed(42).check()?;
/// let out = smote.fit_resample(x.view(), &y)?;
/// assert_eq!(out.len(), 30);
/// assert_eq!(out.n_synthetic, 10);
/// assert!(out.y[20..].iter().all(|&label| label));
/// # Ok::<(), pdscore_resample::ResampleError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Smote {
    params: SmoteParams,
    sorted_groups: Vec<Range<usize>>,
}

impl Smote {
    /// The validated parameters.
    pub fn params(&self) -> &SmoteParams {
        &self.params
    }

    /// Number of neighbours.
    pub fn k_neighbors(&self) -> usize {
        self.params.k_neighbors
    }

    /// The target minority:majority ratio.
    pub fn sampling_strategy(&self) -> SamplingStrategy {
        self.params.sampling_strategy
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.params.seed
    }

    /// The categorical groups, sorted by start column.
    pub fn categorical_groups(&self) -> &[Range<usize>] {
        &self.sorted_groups
    }

    /// Which columns are continuous, after checking the groups against the column count.
    fn continuous_columns(&self, n_columns: usize) -> Result<Vec<usize>> {
        let mut categorical = vec![false; n_columns];
        for group in &self.sorted_groups {
            if group.end > n_columns {
                return Err(ResampleError::BadCategoricalGroup {
                    start: group.start,
                    end: group.end,
                    columns: n_columns,
                    reason: "the group goes past the last column",
                });
            }
            categorical[group.clone()].fill(true);
        }
        let continuous: Vec<usize> = (0..n_columns).filter(|&c| !categorical[c]).collect();
        if continuous.is_empty() {
            return Err(ResampleError::BadCategoricalGroup {
                start: 0,
                end: n_columns,
                columns: n_columns,
                reason: "SMOTE-NC needs at least one continuous column",
            });
        }
        Ok(continuous)
    }
}

/// Median (NumPy's: mean of the two middle values for an even count) of finite values.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    }
}

/// Population standard deviation.
fn std_dev(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt()
}

impl Sampler for Smote {
    fn fit_resample(&self, x: ArrayView2<'_, f64>, y: &[bool]) -> Result<Resampled> {
        let counts = validate_input(x, y)?;
        let continuous = self.continuous_columns(x.ncols())?;
        let n_new = counts.oversample_count(self.params.sampling_strategy, self.name())?;
        let (n, p, k) = (x.nrows(), x.ncols(), self.params.k_neighbors);
        let minority_rows: Vec<usize> = (0..n).filter(|&i| y[i] == counts.minority_class).collect();
        let m = minority_rows.len();
        if n_new > 0 && m <= k {
            return Err(ResampleError::TooFewRows {
                class: counts.minority_class,
                count: m,
                needed: k + 1,
                reason: "SMOTE needs k_neighbors + 1 minority rows",
            });
        }

        let mut out = Array2::<f64>::zeros((n + n_new, p));
        out.slice_mut(s![..n, ..]).assign(&x);
        let mut sample_indices: Vec<usize> = (0..n).collect();
        sample_indices.reserve(n_new);
        if n_new > 0 {
            // Minority rows, column by column, with SMOTE-NC's scaling of categorical columns.
            let minority = x.select(Axis(0), &minority_rows);
            let mut columns: Vec<Vec<f64>> =
                minority.columns().into_iter().map(|c| c.to_vec()).collect();
            if !self.sorted_groups.is_empty() {
                let median_std = median(continuous.iter().map(|&c| std_dev(&columns[c])).collect());
                let scale = median_std / std::f64::consts::SQRT_2;
                // Overflowing standard deviations (values near f64::MAX) must not turn the 0s of
                // the one-hot columns into NaN.
                let scale = if scale.is_finite() { scale } else { f64::MAX };
                for group in &self.sorted_groups {
                    for column in &mut columns[group.clone()] {
                        for v in column.iter_mut() {
                            *v *= scale;
                        }
                    }
                }
            }
            let neighbours = nearest_neighbours(&columns, m, k);

            let mut rng = ChaCha8Rng::seed_from_u64(self.params.seed);
            for new_row in n..n + n_new {
                let pair = rng.gen_range(0..m * k);
                let seed_local = pair / k;
                let gap: f64 = rng.sample(Standard);
                let seed_row = minority.row(seed_local);
                let other = minority.row(neighbours[pair]);
                let mut target = out.row_mut(new_row);
                for &c in &continuous {
                    target[c] = seed_row[c] + gap * (other[c] - seed_row[c]);
                }
                let seed_neighbours = &neighbours[seed_local * k..(seed_local + 1) * k];
                for group in &self.sorted_groups {
                    let source = modal_pattern(&minority, seed_neighbours, group, &mut rng);
                    target
                        .slice_mut(s![group.clone()])
                        .assign(&minority.slice(s![source, group.clone()]));
                }
                sample_indices.push(minority_rows[seed_local]);
            }
        }
        let mut labels = y.to_vec();
        labels.resize(n + n_new, counts.minority_class);
        Ok(Resampled {
            x: out,
            y: labels,
            sample_indices,
            n_synthetic: n_new,
        })
    }

    fn spec(&self) -> SamplerSpec {
        SamplerSpec::Smote(self.params.clone())
    }

    fn name(&self) -> &'static str {
        "smote"
    }
}

/// The neighbour (local minority index) whose values in `group` are the most frequent pattern
/// among `neighbours`; ties between patterns are broken uniformly at random.
fn modal_pattern(
    minority: &Array2<f64>,
    neighbours: &[usize],
    group: &Range<usize>,
    rng: &mut ChaCha8Rng,
) -> usize {
    let pattern =
        |local: usize| -> ArrayView1<'_, f64> { minority.slice(s![local, group.clone()]) };
    let mut best_count = 0;
    let mut tied: Vec<usize> = Vec::new();
    for (i, &candidate) in neighbours.iter().enumerate() {
        let value = pattern(candidate);
        // Count each distinct pattern once, at its first occurrence.
        if neighbours[..i]
            .iter()
            .any(|&earlier| pattern(earlier) == value)
        {
            continue;
        }
        let count = neighbours[i..]
            .iter()
            .filter(|&&other| pattern(other) == value)
            .count();
        if count > best_count {
            best_count = count;
            tied.clear();
        }
        if count == best_count {
            tied.push(candidate);
        }
    }
    if tied.len() == 1 {
        tied[0]
    } else {
        tied[rng.gen_range(0..tied.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn median_and_std_match_numpy_conventions() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(std_dev(&[1.0, 3.0]), 1.0);
    }

    #[test]
    fn modal_pattern_picks_the_majority_pattern() {
        // Group columns 1..3; rows 0, 2, 3 share [1, 0], row 1 has [0, 1].
        let minority = array![
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [0.0, 1.0, 0.0],
            [0.0, 1.0, 0.0]
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let picked = modal_pattern(&minority, &[1, 2, 3], &(1..3), &mut rng);
        assert!(picked == 2 || picked == 3);
        // A tie between [0, 1] and [1, 0] picks one of the two, both seen over many draws.
        let mut seen = [false; 4];
        for _ in 0..50 {
            seen[modal_pattern(&minority, &[1, 2], &(1..3), &mut rng)] = true;
        }
        assert_eq!(seen, [false, true, true, false]);
    }

    #[test]
    fn groups_are_validated() {
        assert!(matches!(
            SmoteParams::new()
                .categorical_groups(std::iter::once(2..2))
                .check(),
            Err(ResampleError::BadCategoricalGroup {
                reason: "a group needs at least one column",
                ..
            })
        ));
        assert!(matches!(
            SmoteParams::new().categorical_groups([3..6, 1..4]).check(),
            Err(ResampleError::BadCategoricalGroup {
                reason: "groups overlap",
                ..
            })
        ));
        assert!(matches!(
            SmoteParams::new().k_neighbors(0).check(),
            Err(ResampleError::InvalidParam {
                name: "k_neighbors",
                ..
            })
        ));
        let smote = SmoteParams::new()
            .k_neighbors(1)
            .categorical_groups(std::iter::once(1..4))
            .check()
            .unwrap();
        let x = Array2::<f64>::zeros((4, 3));
        assert!(matches!(
            smote.fit_resample(x.view(), &[true, true, false, false]),
            Err(ResampleError::BadCategoricalGroup { columns: 3, .. })
        ));
        let all_categorical = SmoteParams::new()
            .categorical_groups(std::iter::once(0..3))
            .check()
            .unwrap();
        assert!(matches!(
            all_categorical.fit_resample(x.view(), &[true, true, false, false]),
            Err(ResampleError::BadCategoricalGroup {
                reason: "SMOTE-NC needs at least one continuous column",
                ..
            })
        ));
    }

    #[test]
    fn smote_nc_survives_overflowing_standard_deviations() {
        let x = Array2::from_shape_fn((12, 3), |(i, j)| match j {
            0 => {
                if i % 2 == 0 {
                    1e308
                } else {
                    -1e308
                }
            }
            1 => f64::from(u8::from(i % 3 == 0)),
            _ => f64::from(u8::from(i % 3 != 0)),
        });
        let y: Vec<bool> = (0..12).map(|i| i < 4).collect();
        let out = SmoteParams::new()
            .k_neighbors(2)
            .categorical_groups(std::iter::once(1..3))
            .check()
            .unwrap()
            .fit_resample(x.view(), &y)
            .unwrap();
        assert_eq!(out.n_synthetic, 4);
        assert!(out.sample_indices.iter().all(|&i| i < 12));
        for row in out.x.slice(s![12.., 1..3]).rows() {
            assert_eq!(row.sum(), 1.0);
        }
    }

    #[test]
    fn too_few_minority_rows_is_an_error_unless_nothing_is_added() {
        let x = Array2::from_shape_fn((10, 2), |(i, j)| (i + j) as f64);
        let y: Vec<bool> = (0..10).map(|i| i < 3).collect();
        let smote = SmoteParams::new().check().unwrap();
        assert!(matches!(
            smote.fit_resample(x.view(), &y),
            Err(ResampleError::TooFewRows {
                class: true,
                count: 3,
                needed: 6,
                ..
            })
        ));
        // Balanced classes with `Auto`: nothing to add, no neighbours needed.
        let x = x.slice(s![..6, ..]);
        let y = &y[..6];
        let none = SmoteParams::new()
            .sampling_strategy(SamplingStrategy::Auto)
            .check()
            .unwrap()
            .fit_resample(x, y)
            .unwrap();
        assert_eq!(none.x, x);
        assert_eq!(none.n_synthetic, 0);
    }
}
