//! Stratified train/test split and stratified k-fold cross-validation.
//!
//! Every function here returns **row indices** (ascending) into the label slice it was given; it
//! never copies data. Splits are computed on labels only, so the same seed and the same labels
//! always give the same indices.
//!
//! # Relation to scikit-learn
//!
//! [`StratifiedKFold`] uses scikit-learn's allocation (`sklearn.model_selection.StratifiedKFold`,
//! `_make_test_folds`): classes are numbered in order of first appearance in `y`, the sorted
//! labels are dealt round-robin to the `k` folds, which fixes how many rows of each class each
//! test fold receives, and the rows of each class, in their original order, are given to folds
//! `0, 0, .., 1, 1, .., k-1` in blocks of those sizes. With `shuffle = false` the folds are
//! **identical** to scikit-learn's (the test suite checks this against fixtures produced by
//! scikit-learn). With `shuffle = true` the block assignment of each class is shuffled, as in
//! scikit-learn, but with a ChaCha8 generator instead of NumPy's Mersenne Twister, so the folds
//! are equally stratified but **not** the same rows as scikit-learn's for the same seed.
//!
//! [`stratified_split`] is *not* identical to `train_test_split(stratify=y)`: scikit-learn takes
//! `ceil(test_size * n)` test rows and spreads them over the classes by largest remainder with
//! random tie breaks; here each class contributes `round(count * test_ratio)` test rows (clamped so
//! that every class keeps at least one row on each side), so the per-class counts can differ from
//! scikit-learn's by a row, and the rows drawn differ.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::{ResampleError, Result};

/// One cross-validation fold: the rows to fit on and the rows to evaluate on.
///
/// Both lists are ascending; together they partition `0..y.len()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fold {
    /// Rows of the training part (the only rows a sampler may resample).
    pub train: Vec<usize>,
    /// Rows of the held-out part (never resampled).
    pub test: Vec<usize>,
}

/// Counts the two classes; errors on empty labels or a single class.
fn class_counts(y: &[bool]) -> Result<(usize, usize)> {
    if y.is_empty() {
        return Err(ResampleError::Empty);
    }
    let positives = y.iter().filter(|&&v| v).count();
    let negatives = y.len() - positives;
    if positives == 0 || negatives == 0 {
        return Err(ResampleError::SingleClass {
            positives,
            rows: y.len(),
        });
    }
    Ok((negatives, positives))
}

/// Splits rows into a stratified train part and test part.
///
/// Each class contributes `round(count * test_ratio)` rows to the test part, clamped to
/// `1..=count-1` so that both parts contain both classes; the rows are chosen uniformly at random
/// (ChaCha8 seeded with `seed`). Returns `(train, test)`, both ascending.
///
/// # Errors
/// [`ResampleError::InvalidParam`] unless `0 < test_ratio < 1`; [`ResampleError::Empty`];
/// [`ResampleError::SingleClass`]; [`ResampleError::TooFewRows`] if a class has fewer than 2 rows.
///
/// # Example
/// ```
/// let y: Vec<bool> = (0..100).map(|i| i % 10 == 0).collect();
/// let (train, test) = pdscore_resample::stratified_split(&y, 0.2, 42)?;
/// assert_eq!(test.len(), 20);
/// assert_eq!(test.iter().filter(|&&i| y[i]).count(), 2);
/// assert_eq!(train.len() + test.len(), 100);
/// # Ok::<(), pdscore_resample::ResampleError>(())
/// ```
pub fn stratified_split(
    y: &[bool],
    test_ratio: f64,
    seed: u64,
) -> Result<(Vec<usize>, Vec<usize>)> {
    if !(test_ratio > 0.0 && test_ratio < 1.0) {
        return Err(ResampleError::InvalidParam {
            name: "test_ratio",
            value: test_ratio.to_string(),
            reason: "must be strictly between 0 and 1".into(),
        });
    }
    class_counts(y)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut train = Vec::with_capacity(y.len());
    let mut test = Vec::with_capacity(y.len());
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        if rows.len() < 2 {
            return Err(ResampleError::TooFewRows {
                class,
                count: rows.len(),
                needed: 2,
                reason: "a stratified split puts at least one row of each class on each side",
            });
        }
        let n_test = ((rows.len() as f64 * test_ratio).round() as usize).clamp(1, rows.len() - 1);
        rows.shuffle(&mut rng);
        test.extend_from_slice(&rows[..n_test]);
        train.extend_from_slice(&rows[n_test..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Ok((train, test))
}

/// Stratified k-fold cross-validation (scikit-learn's allocation, see the [module docs](self)).
///
/// Every test fold holds, for each class, either `floor(count / k)` or `ceil(count / k)` rows of
/// that class, so per-class counts differ by at most one across folds; the test folds partition the
/// rows, and each fold's training part is the complement of its test part.
///
/// ```
/// use pdscore_resample::StratifiedKFold;
/// let y: Vec<bool> = (0..50).map(|i| i % 5 == 0).collect();
/// let folds = StratifiedKFold::new(5).shuffle(true).seed(7).split(&y)?;
/// assert_eq!(folds.len(), 5);
/// for fold in &folds {
///     assert_eq!(fold.test.iter().filter(|&&i| y[i]).count(), 2);
///     assert_eq!(fold.train.len() + fold.test.len(), 50);
/// }
/// # Ok::<(), pdscore_resample::ResampleError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StratifiedKFold {
    /// Number of folds (at least 2).
    pub k: usize,
    /// Shuffle each class's fold assignment (default `false`: rows keep their order, as
    /// scikit-learn does).
    pub shuffle: bool,
    /// Seed of the shuffle (default 0; ignored when `shuffle` is `false`).
    pub seed: u64,
}

impl StratifiedKFold {
    /// `k` folds, no shuffle, seed 0.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            shuffle: false,
            seed: 0,
        }
    }

    /// Whether to shuffle the fold assignment within each class. Default `false`.
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// Seed of the shuffle. Default `0`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`ResampleError::InvalidParam`] if `k < 2`.
    pub fn check(&self) -> Result<()> {
        check_k(self.k)
    }

    /// The test fold (`0..k`) of every row.
    ///
    /// # Errors
    /// Invalid `k`, empty labels, a single class, or a class with fewer than `k` rows (stricter
    /// than scikit-learn, which only warns: a test fold without positives has no AUC).
    pub fn test_fold_of_rows(&self, y: &[bool]) -> Result<Vec<usize>> {
        self.check()?;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        assign_test_folds(y, self.k, self.shuffle.then_some(&mut rng))
    }

    /// The `k` folds, in fold order.
    ///
    /// # Errors
    /// As [`StratifiedKFold::test_fold_of_rows`].
    pub fn split(&self, y: &[bool]) -> Result<Vec<Fold>> {
        let assignment = self.test_fold_of_rows(y)?;
        Ok(folds_from_assignment(&assignment, self.k))
    }
}

/// Repeated stratified k-fold: `n_repeats` rounds of a shuffled [`StratifiedKFold`], each round
/// with a different shuffle drawn from one ChaCha8 generator seeded with `seed` (as
/// scikit-learn's `RepeatedStratifiedKFold` draws every round from one `RandomState`).
///
/// ```
/// use pdscore_resample::RepeatedStratifiedKFold;
/// let y: Vec<bool> = (0..40).map(|i| i % 4 == 0).collect();
/// let rounds = RepeatedStratifiedKFold::new(4, 3).seed(1).split(&y)?;
/// assert_eq!(rounds.len(), 3);
/// assert!(rounds.iter().all(|folds| folds.len() == 4));
/// assert_ne!(rounds[0], rounds[1]);
/// # Ok::<(), pdscore_resample::ResampleError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatedStratifiedKFold {
    /// Number of folds per round (at least 2).
    pub k: usize,
    /// Number of rounds (at least 1).
    pub n_repeats: usize,
    /// Seed of the shuffles (default 0).
    pub seed: u64,
}

impl RepeatedStratifiedKFold {
    /// `k` folds repeated `n_repeats` times, seed 0.
    pub fn new(k: usize, n_repeats: usize) -> Self {
        Self {
            k,
            n_repeats,
            seed: 0,
        }
    }

    /// Seed of the shuffles. Default `0`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`ResampleError::InvalidParam`] if `k < 2` or `n_repeats == 0`.
    pub fn check(&self) -> Result<()> {
        check_k(self.k)?;
        if self.n_repeats == 0 {
            return Err(ResampleError::InvalidParam {
                name: "n_repeats",
                value: "0".into(),
                reason: "must be at least 1".into(),
            });
        }
        Ok(())
    }

    /// The folds of every round: `result[round][fold]`.
    ///
    /// # Errors
    /// As [`StratifiedKFold::test_fold_of_rows`], and `n_repeats == 0`.
    pub fn split(&self, y: &[bool]) -> Result<Vec<Vec<Fold>>> {
        self.check()?;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        (0..self.n_repeats)
            .map(|_| {
                let assignment = assign_test_folds(y, self.k, Some(&mut rng))?;
                Ok(folds_from_assignment(&assignment, self.k))
            })
            .collect()
    }
}

fn check_k(k: usize) -> Result<()> {
    if k < 2 {
        return Err(ResampleError::InvalidParam {
            name: "k",
            value: k.to_string(),
            reason: "needs at least 2 folds".into(),
        });
    }
    Ok(())
}

/// Number of `j` in `0..n` with `j % k == i`.
fn residue_count(n: usize, k: usize, i: usize) -> usize {
    if n <= i { 0 } else { (n - i).div_ceil(k) }
}

/// scikit-learn's `_make_test_folds` for two classes.
fn assign_test_folds(y: &[bool], k: usize, mut rng: Option<&mut ChaCha8Rng>) -> Result<Vec<usize>> {
    let (negatives, positives) = class_counts(y)?;
    // Classes in order of first appearance, as scikit-learn encodes them.
    let first = y[0];
    let order = [first, !first];
    let count_of = |class: bool| if class { positives } else { negatives };
    for class in order {
        if count_of(class) < k {
            return Err(ResampleError::TooFewRows {
                class,
                count: count_of(class),
                needed: k,
                reason: "every test fold needs at least one row of each class",
            });
        }
    }
    let mut assignment = vec![0_usize; y.len()];
    // Position of the class's block in the sorted (by class code) label list.
    let mut block_start = 0;
    for class in order {
        let count = count_of(class);
        let block_end = block_start + count;
        let mut folds_for_class = Vec::with_capacity(count);
        for fold in 0..k {
            let n = residue_count(block_end, k, fold) - residue_count(block_start, k, fold);
            folds_for_class.extend(std::iter::repeat_n(fold, n));
        }
        if let Some(rng) = rng.as_deref_mut() {
            folds_for_class.shuffle(rng);
        }
        let rows = (0..y.len()).filter(|&i| y[i] == class);
        for (row, fold) in rows.zip(folds_for_class) {
            assignment[row] = fold;
        }
        block_start = block_end;
    }
    Ok(assignment)
}

fn folds_from_assignment(assignment: &[usize], k: usize) -> Vec<Fold> {
    (0..k)
        .map(|fold| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..assignment.len()).partition(|&row| assignment[row] == fold);
            Fold { train, test }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize, every: usize) -> Vec<bool> {
        (0..n).map(|i| i % every == every / 2).collect()
    }

    #[test]
    fn residue_count_matches_brute_force() {
        for n in 0..30 {
            for k in 2..6 {
                for i in 0..k {
                    let brute = (0..n).filter(|j| j % k == i).count();
                    assert_eq!(residue_count(n, k, i), brute, "n={n} k={k} i={i}");
                }
            }
        }
    }

    #[test]
    fn kfold_folds_partition_rows_and_keep_class_counts_within_one() {
        for (n, every, k) in [(101, 7, 5), (64, 2, 4), (37, 3, 3), (1000, 70, 10)] {
            let y = labels(n, every);
            for shuffle in [false, true] {
                let folds = StratifiedKFold::new(k)
                    .shuffle(shuffle)
                    .seed(3)
                    .split(&y)
                    .unwrap();
                let mut seen = vec![0_u32; n];
                for fold in &folds {
                    for &row in &fold.test {
                        seen[row] += 1;
                    }
                    let mut all: Vec<usize> =
                        fold.train.iter().chain(&fold.test).copied().collect();
                    all.sort_unstable();
                    assert_eq!(all, (0..n).collect::<Vec<_>>());
                }
                assert!(
                    seen.iter().all(|&c| c == 1),
                    "test folds must partition the rows"
                );
                for class in [false, true] {
                    let counts: Vec<usize> = folds
                        .iter()
                        .map(|f| f.test.iter().filter(|&&r| y[r] == class).count())
                        .collect();
                    let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
                    assert!(hi - lo <= 1, "class {class} counts {counts:?}");
                }
            }
        }
    }

    #[test]
    fn kfold_is_deterministic_and_seed_sensitive() {
        let y = labels(200, 9);
        let a = StratifiedKFold::new(5)
            .shuffle(true)
            .seed(11)
            .split(&y)
            .unwrap();
        let b = StratifiedKFold::new(5)
            .shuffle(true)
            .seed(11)
            .split(&y)
            .unwrap();
        let c = StratifiedKFold::new(5)
            .shuffle(true)
            .seed(12)
            .split(&y)
            .unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn kfold_rejects_bad_input() {
        let y = labels(50, 7);
        assert!(matches!(
            StratifiedKFold::new(1).split(&y),
            Err(ResampleError::InvalidParam { name: "k", .. })
        ));
        assert_eq!(
            StratifiedKFold::new(3).split(&[]),
            Err(ResampleError::Empty)
        );
        assert!(matches!(
            StratifiedKFold::new(3).split(&[true; 10]),
            Err(ResampleError::SingleClass {
                positives: 10,
                rows: 10
            })
        ));
        let few: Vec<bool> = (0..20).map(|i| i < 2).collect();
        assert!(matches!(
            StratifiedKFold::new(3).split(&few),
            Err(ResampleError::TooFewRows {
                class: true,
                count: 2,
                needed: 3,
                ..
            })
        ));
        assert!(RepeatedStratifiedKFold::new(3, 0).split(&y).is_err());
    }

    #[test]
    fn repeated_kfold_rounds_differ_and_are_stratified() {
        let y = labels(120, 6);
        let rounds = RepeatedStratifiedKFold::new(4, 3)
            .seed(5)
            .split(&y)
            .unwrap();
        assert_eq!(rounds.len(), 3);
        assert_ne!(rounds[0], rounds[1]);
        assert_ne!(rounds[1], rounds[2]);
        for folds in &rounds {
            let pos: Vec<usize> = folds
                .iter()
                .map(|f| f.test.iter().filter(|&&r| y[r]).count())
                .collect();
            assert!(pos.iter().max().unwrap() - pos.iter().min().unwrap() <= 1);
        }
        assert_eq!(
            rounds,
            RepeatedStratifiedKFold::new(4, 3)
                .seed(5)
                .split(&y)
                .unwrap()
        );
    }

    #[test]
    fn split_keeps_class_ratio_and_is_seeded() {
        let y = labels(1000, 70);
        let positives = y.iter().filter(|&&v| v).count();
        let (train, test) = stratified_split(&y, 0.25, 9).unwrap();
        assert_eq!(train.len() + test.len(), y.len());
        let test_pos = test.iter().filter(|&&r| y[r]).count();
        assert_eq!(test_pos, (positives as f64 * 0.25).round() as usize);
        let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), y.len());
        assert_eq!(
            (train.clone(), test.clone()),
            stratified_split(&y, 0.25, 9).unwrap()
        );
        assert_ne!(test, stratified_split(&y, 0.25, 10).unwrap().1);
    }

    #[test]
    fn split_rejects_bad_input() {
        let y = labels(100, 7);
        for ratio in [0.0, 1.0, -0.1, f64::NAN] {
            assert!(matches!(
                stratified_split(&y, ratio, 0),
                Err(ResampleError::InvalidParam {
                    name: "test_ratio",
                    ..
                })
            ));
        }
        let one_positive: Vec<bool> = (0..10).map(|i| i == 0).collect();
        assert!(matches!(
            stratified_split(&one_positive, 0.5, 0),
            Err(ResampleError::TooFewRows { class: true, .. })
        ));
        assert_eq!(stratified_split(&[], 0.5, 0), Err(ResampleError::Empty));
    }
}
