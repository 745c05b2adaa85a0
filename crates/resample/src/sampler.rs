//! What every sampler shares: the [`Sampler`] trait, its output [`Resampled`], the target
//! [`SamplingStrategy`], the serialisable [`SamplerSpec`], and input validation.
//!
//! # Which class is the minority
//!
//! The minority is the class with fewer rows; on a tie the positive class (`true`) is treated as
//! the minority. Samplers only ever run on the training part of a fold: validation and test rows
//! are never resampled.
//!
//! # Counts after resampling (imbalanced-learn's rounding)
//!
//! With `r` the ratio of the strategy ([`SamplingStrategy::Auto`] is `r = 1`), `min` and `maj` the
//! class counts before resampling, and `trunc` rounding toward zero as Python's `int()`:
//! - oversamplers add `trunc(r * maj - min)` minority rows; if that is negative (the ratio is
//!   below the current one), or zero for an explicit [`SamplingStrategy::Ratio`], the sampler
//!   returns [`ResampleError::UnreachableRatio`] (as imbalanced-learn does; `Auto` on already
//!   balanced classes adds nothing and succeeds);
//! - the undersampler keeps `trunc(min / r)` majority rows; if that exceeds `maj` it returns
//!   [`ResampleError::UnreachableRatio`].
//!
//! These are imbalanced-learn's formulas (`_sampling_strategy_float`), so the class counts of the
//! output are the same as imbalanced-learn's for the same input and ratio (checked against
//! fixtures produced by imbalanced-learn).

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::{
    RandomOverSamplerParams, RandomUnderSamplerParams, ResampleError, Result, SmoteParams,
};

/// The output of a sampler.
///
/// Row order: oversamplers return all input rows first, in input order, then the added rows;
/// the undersampler returns the kept rows in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Resampled {
    /// The resampled feature matrix.
    pub x: Array2<f64>,
    /// The label of each output row.
    pub y: Vec<bool>,
    /// For each output row, the input row it comes from: the copied row for copies, and for a
    /// synthetic SMOTE row the *seed* row (the minority row the new point was interpolated from;
    /// the new row lies on the segment from that row to one of its nearest minority neighbours).
    pub sample_indices: Vec<usize>,
    /// Number of synthetic rows (always the last rows of the output); 0 except for SMOTE.
    pub n_synthetic: usize,
}

impl Resampled {
    /// Number of output rows.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether the output has no rows (never the case for a successful resample).
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Whether output row `row` is synthetic (interpolated) rather than a copy of an input row.
    pub fn is_synthetic(&self, row: usize) -> bool {
        row >= self.len() - self.n_synthetic && row < self.len()
    }
}

/// The minority:majority ratio a sampler aims for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SamplingStrategy {
    /// imbalanced-learn's `"auto"`: balance the classes (the same as `Ratio(1.0)` for two
    /// classes).
    Auto,
    /// Target `minority / majority` after resampling, in `(0, 1]`.
    Ratio(f64),
}

impl Default for SamplingStrategy {
    /// `Ratio(1.0)`: equal class counts.
    fn default() -> Self {
        Self::Ratio(1.0)
    }
}

impl SamplingStrategy {
    /// The target `minority / majority` ratio.
    pub fn ratio(self) -> f64 {
        match self {
            Self::Auto => 1.0,
            Self::Ratio(r) => r,
        }
    }

    /// Validates the ratio.
    ///
    /// # Errors
    /// [`ResampleError::InvalidParam`] unless the ratio is in `(0, 1]`.
    pub fn check(self) -> Result<()> {
        let r = self.ratio();
        if r > 0.0 && r <= 1.0 {
            Ok(())
        } else {
            Err(ResampleError::InvalidParam {
                name: "sampling_strategy",
                value: r.to_string(),
                reason: "the target minority:majority ratio must be in (0, 1]".into(),
            })
        }
    }
}

/// A resampling method that the pipeline can hold without knowing which one it is.
pub trait Sampler: Send + Sync + std::fmt::Debug {
    /// Resamples the training rows `x` (n × p) with labels `y`.
    ///
    /// # Errors
    /// Empty input, `x.nrows() != y.len()`, no columns, a single class, a NaN or infinite value in
    /// `x`, an unreachable ratio, or (SMOTE) too few minority rows for the neighbour count.
    fn fit_resample(&self, x: ArrayView2<'_, f64>, y: &[bool]) -> Result<Resampled>;

    /// The serialisable description of this sampler, for the model card.
    fn spec(&self) -> SamplerSpec;

    /// Short stable name, e.g. `"smote"`.
    fn name(&self) -> &'static str;
}

/// Any sampler's parameters, serialisable (e.g. in the model card) and buildable into a sampler.
///
/// ```
/// use pdscore_resample::{SamplerSpec, SmoteParams};
/// let spec = SamplerSpec::Smote(SmoteParams::new().k_neighbors(3).seed(9));
/// let json = serde_json::to_string(&spec).unwrap();
/// let back: SamplerSpec = serde_json::from_str(&json).unwrap();
/// let sampler = back.build()?;
/// assert_eq!(sampler.name(), "smote");
/// assert_eq!(sampler.spec(), spec);
/// # Ok::<(), pdscore_resample::ResampleError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SamplerSpec {
    /// [`RandomOverSampler`](crate::RandomOverSampler).
    RandomOverSampler(RandomOverSamplerParams),
    /// [`RandomUnderSampler`](crate::RandomUnderSampler).
    RandomUnderSampler(RandomUnderSamplerParams),
    /// [`Smote`](crate::Smote) (SMOTE-NC when categorical groups are given).
    Smote(SmoteParams),
}

impl SamplerSpec {
    /// Validates the parameters and builds the sampler.
    ///
    /// # Errors
    /// The parameter errors of the sampler's `check()`.
    pub fn build(&self) -> Result<Box<dyn Sampler>> {
        Ok(match self {
            Self::RandomOverSampler(p) => Box::new(p.check()?) as Box<dyn Sampler>,
            Self::RandomUnderSampler(p) => Box::new(p.check()?),
            Self::Smote(p) => Box::new(p.check()?),
        })
    }
}

/// Class counts of validated input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClassCounts {
    pub(crate) minority_class: bool,
    pub(crate) minority: usize,
    pub(crate) majority: usize,
}

impl ClassCounts {
    pub(crate) fn current_ratio(self) -> f64 {
        self.minority as f64 / self.majority as f64
    }

    /// Rows an oversampler adds to the minority class.
    pub(crate) fn oversample_count(
        self,
        strategy: SamplingStrategy,
        sampler: &'static str,
    ) -> Result<usize> {
        let r = strategy.ratio();
        // Python's int(): truncation toward zero.
        let n_new = (r * self.majority as f64 - self.minority as f64).trunc();
        // imbalanced-learn rejects an explicit ratio that adds no row at all ("auto" may add 0).
        let explicit = matches!(strategy, SamplingStrategy::Ratio(_));
        if n_new < 0.0 || (explicit && n_new <= 0.0) {
            return Err(ResampleError::UnreachableRatio {
                sampler,
                requested: r,
                current: self.current_ratio(),
                minority: self.minority,
                majority: self.majority,
                reason: "an oversampler must add at least one minority row",
            });
        }
        Ok(n_new as usize)
    }

    /// Majority rows the undersampler keeps.
    pub(crate) fn undersample_keep(
        self,
        strategy: SamplingStrategy,
        sampler: &'static str,
    ) -> Result<usize> {
        let r = strategy.ratio();
        let keep = (self.minority as f64 / r).trunc();
        if keep > self.majority as f64 {
            return Err(ResampleError::UnreachableRatio {
                sampler,
                requested: r,
                current: self.current_ratio(),
                minority: self.minority,
                majority: self.majority,
                reason: "an undersampler cannot add majority rows",
            });
        }
        Ok(keep as usize)
    }
}

/// Validates sampler input and counts the classes.
pub(crate) fn validate_input(x: ArrayView2<'_, f64>, y: &[bool]) -> Result<ClassCounts> {
    if y.is_empty() || x.nrows() == 0 {
        return Err(ResampleError::Empty);
    }
    if x.nrows() != y.len() {
        return Err(ResampleError::LengthMismatch {
            x_rows: x.nrows(),
            y_len: y.len(),
        });
    }
    if x.ncols() == 0 {
        return Err(ResampleError::NoColumns { rows: x.nrows() });
    }
    if let Some(((row, column), &value)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(ResampleError::NonFinite { row, column, value });
    }
    let positives = y.iter().filter(|&&v| v).count();
    let negatives = y.len() - positives;
    if positives == 0 || negatives == 0 {
        return Err(ResampleError::SingleClass {
            positives,
            rows: y.len(),
        });
    }
    let minority_class = positives <= negatives;
    Ok(ClassCounts {
        minority_class,
        minority: positives.min(negatives),
        majority: positives.max(negatives),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn strategy_ratio_bounds() {
        assert_eq!(SamplingStrategy::Auto.ratio(), 1.0);
        assert_eq!(SamplingStrategy::default(), SamplingStrategy::Ratio(1.0));
        assert!(SamplingStrategy::Ratio(0.3).check().is_ok());
        assert!(SamplingStrategy::Ratio(1.0).check().is_ok());
        for bad in [0.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            assert!(SamplingStrategy::Ratio(bad).check().is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_follow_imblearn_truncation() {
        let c = ClassCounts {
            minority_class: true,
            minority: 10,
            majority: 90,
        };
        assert_eq!(
            c.oversample_count(SamplingStrategy::Ratio(0.5), "t")
                .unwrap(),
            35
        );
        assert_eq!(c.oversample_count(SamplingStrategy::Auto, "t").unwrap(), 80);
        // 0.11 * 90 - 10 = -0.1 truncates to 0, which imblearn rejects for an explicit ratio.
        assert!(
            c.oversample_count(SamplingStrategy::Ratio(0.11), "t")
                .is_err()
        );
        let tie = ClassCounts {
            minority_class: true,
            minority: 50,
            majority: 50,
        };
        assert_eq!(
            tie.oversample_count(SamplingStrategy::Auto, "t").unwrap(),
            0
        );
        assert!(
            tie.oversample_count(SamplingStrategy::Ratio(1.0), "t")
                .is_err()
        );
        assert!(matches!(
            c.oversample_count(SamplingStrategy::Ratio(0.1), "t"),
            Err(ResampleError::UnreachableRatio { .. })
        ));
        assert_eq!(
            c.undersample_keep(SamplingStrategy::Ratio(0.3), "t")
                .unwrap(),
            33
        );
        assert_eq!(
            c.undersample_keep(SamplingStrategy::Ratio(0.12), "t")
                .unwrap(),
            83
        );
        assert!(matches!(
            c.undersample_keep(SamplingStrategy::Ratio(0.1), "t"),
            Err(ResampleError::UnreachableRatio { .. })
        ));
    }

    #[test]
    fn validation_names_the_problem() {
        let x = array![[1.0, 2.0], [3.0, f64::NAN], [0.0, 0.0]];
        assert!(matches!(
            validate_input(x.view(), &[true, false, false]),
            Err(ResampleError::NonFinite {
                row: 1,
                column: 1,
                ..
            })
        ));
        assert_eq!(
            validate_input(x.view(), &[true, false]),
            Err(ResampleError::LengthMismatch {
                x_rows: 3,
                y_len: 2
            })
        );
        let ok = array![[1.0], [2.0], [3.0]];
        assert!(matches!(
            validate_input(ok.view(), &[false, false, false]),
            Err(ResampleError::SingleClass {
                positives: 0,
                rows: 3
            })
        ));
        let counts = validate_input(ok.view(), &[true, true, false]).unwrap();
        assert!(!counts.minority_class);
        assert_eq!((counts.minority, counts.majority), (1, 2));
        let empty = Array2::<f64>::zeros((0, 2));
        assert_eq!(validate_input(empty.view(), &[]), Err(ResampleError::Empty));
        let no_cols = Array2::<f64>::zeros((2, 0));
        assert_eq!(
            validate_input(no_cols.view(), &[true, false]),
            Err(ResampleError::NoColumns { rows: 2 })
        );
    }
}
