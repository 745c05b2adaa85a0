//! Random oversampling (copies of minority rows) and random undersampling (a subset of majority
//! rows), with imbalanced-learn's semantics and counts.

use ndarray::{ArrayView2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::sampler::validate_input;
use crate::{Resampled, Result, Sampler, SamplerSpec, SamplingStrategy};

/// Parameters of [`RandomOverSampler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RandomOverSamplerParams {
    sampling_strategy: SamplingStrategy,
    seed: u64,
}

impl RandomOverSamplerParams {
    /// Defaults: `sampling_strategy = Ratio(1.0)`, `seed = 0`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Target minority:majority ratio after resampling. Default `Ratio(1.0)`.
    pub fn sampling_strategy(mut self, strategy: SamplingStrategy) -> Self {
        self.sampling_strategy = strategy;
        self
    }

    /// Seed of the row draws. Default `0`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`crate::ResampleError::InvalidParam`] for a ratio outside `(0, 1]`.
    pub fn check(&self) -> Result<RandomOverSampler> {
        self.sampling_strategy.check()?;
        Ok(RandomOverSampler {
            params: self.clone(),
        })
    }
}

/// Adds copies of minority rows, drawn uniformly with replacement, until the target ratio is
/// reached (imbalanced-learn's `RandomOverSampler` without shrinkage). All input rows are kept.
///
/// ```
/// use ndarray::array;
/// use pdscore_resample::{RandomOverSamplerParams, Sampler};
/// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0]];
/// let y = [false, false, false, false, true];
/// let out = RandomOverSamplerParams::new().seed(1).check()?.fit_resample(x.view(), &y)?;
/// assert_eq!(out.y.iter().filter(|&&v| v).count(), 4);
/// assert_eq!(&out.sample_indices[5..], &[4, 4, 4]);
/// # Ok::<(), pdscore_resample::ResampleError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RandomOverSampler {
    params: RandomOverSamplerParams,
}

impl RandomOverSampler {
    /// The validated parameters.
    pub fn params(&self) -> &RandomOverSamplerParams {
        &self.params
    }

    /// The target minority:majority ratio.
    pub fn sampling_strategy(&self) -> SamplingStrategy {
        self.params.sampling_strategy
    }

    /// The seed of the row draws.
    pub fn seed(&self) -> u64 {
        self.params.seed
    }
}

impl Sampler for RandomOverSampler {
    fn fit_resample(&self, x: ArrayView2<'_, f64>, y: &[bool]) -> Result<Resampled> {
        let counts = validate_input(x, y)?;
        let n_new = counts.oversample_count(self.params.sampling_strategy, self.name())?;
        let minority_rows: Vec<usize> = (0..y.len())
            .filter(|&i| y[i] == counts.minority_class)
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(self.params.seed);
        let mut sample_indices: Vec<usize> = (0..y.len()).collect();
        sample_indices
            .extend((0..n_new).map(|_| minority_rows[rng.gen_range(0..minority_rows.len())]));
        Ok(Resampled {
            x: x.select(Axis(0), &sample_indices),
            y: sample_indices.iter().map(|&i| y[i]).collect(),
            sample_indices,
            n_synthetic: 0,
        })
    }

    fn spec(&self) -> SamplerSpec {
        SamplerSpec::RandomOverSampler(self.params.clone())
    }

    fn name(&self) -> &'static str {
        "random_over_sampler"
    }
}

/// Parameters of [`RandomUnderSampler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RandomUnderSamplerParams {
    sampling_strategy: SamplingStrategy,
    seed: u64,
}

impl RandomUnderSamplerParams {
    /// Defaults: `sampling_strategy = Ratio(1.0)`, `seed = 0`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Target minority:majority ratio after resampling. Default `Ratio(1.0)`.
    pub fn sampling_strategy(mut self, strategy: SamplingStrategy) -> Self {
        self.sampling_strategy = strategy;
        self
    }

    /// Seed of the row draws. Default `0`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`crate::ResampleError::InvalidParam`] for a ratio outside `(0, 1]`.
    pub fn check(&self) -> Result<RandomUnderSampler> {
        self.sampling_strategy.check()?;
        Ok(RandomUnderSampler {
            params: self.clone(),
        })
    }
}

/// Keeps every minority row and a uniform random subset (without replacement) of the majority
/// rows, sized for the target ratio (imbalanced-learn's `RandomUnderSampler` with
/// `replacement=False`). Kept rows stay in input order (imbalanced-learn groups them by class).
///
/// ```
/// use ndarray::array;
/// use pdscore_resample::{RandomUnderSamplerParams, Sampler, SamplingStrategy};
/// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
/// let y = [false, true, false, false, false, false];
/// let sampler = RandomUnderSamplerParams::new()
///     .sampling_strategy(SamplingStrategy::Ratio(0.5))
///     .check()?;
/// let out = sampler.fit_resample(x.view(), &y)?;
/// assert_eq!(out.len(), 3); // the positive and 2 of the 5 negatives
/// assert!(out.sample_indices.contains(&1));
/// # Ok::<(), pdscore_resample::ResampleError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RandomUnderSampler {
    params: RandomUnderSamplerParams,
}

impl RandomUnderSampler {
    /// The validated parameters.
    pub fn params(&self) -> &RandomUnderSamplerParams {
        &self.params
    }

    /// The target minority:majority ratio.
    pub fn sampling_strategy(&self) -> SamplingStrategy {
        self.params.sampling_strategy
    }

    /// The seed of the row draws.
    pub fn seed(&self) -> u64 {
        self.params.seed
    }
}

impl Sampler for RandomUnderSampler {
    fn fit_resample(&self, x: ArrayView2<'_, f64>, y: &[bool]) -> Result<Resampled> {
        let counts = validate_input(x, y)?;
        let keep = counts.undersample_keep(self.params.sampling_strategy, self.name())?;
        let majority_rows: Vec<usize> = (0..y.len())
            .filter(|&i| y[i] != counts.minority_class)
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(self.params.seed);
        let chosen = rand::seq::index::sample(&mut rng, majority_rows.len(), keep);
        let mut sample_indices: Vec<usize> = (0..y.len())
            .filter(|&i| y[i] == counts.minority_class)
            .collect();
        sample_indices.extend(chosen.iter().map(|j| majority_rows[j]));
        sample_indices.sort_unstable();
        Ok(Resampled {
            x: x.select(Axis(0), &sample_indices),
            y: sample_indices.iter().map(|&i| y[i]).collect(),
            sample_indices,
            n_synthetic: 0,
        })
    }

    fn spec(&self) -> SamplerSpec {
        SamplerSpec::RandomUnderSampler(self.params.clone())
    }

    fn name(&self) -> &'static str {
        "random_under_sampler"
    }
}
