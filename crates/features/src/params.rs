//! Hyper-parameters of the preprocessing: [`FeatureParams`] and its option enums.

use serde::{Deserialize, Serialize};

use crate::error::{FeatureError, Result};
use crate::woe::WoeParams;

/// What to do with a feature whose missing rate on the training rows is high.
///
/// A column that is missing in **every** training row is always dropped (there is nothing to
/// learn from it), whatever the policy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SparsePolicy {
    /// Drop columns whose training missing rate exceeds `max_missing_rate` (the seed's rule,
    /// with 0.4).
    Drop {
        /// Largest missing rate (in `[0, 1]`) a column may have and still be kept.
        max_missing_rate: f64,
    },
    /// Keep every column; numeric and boolean columns whose training missing rate exceeds
    /// `max_missing_rate` get a missing-indicator column even when
    /// [`FeatureParams::missing_indicators`] is off (missingness carries signal on the Klarna
    /// data). Categorical columns show missingness through their missing level instead.
    Indicate {
        /// Missing rate (in `[0, 1]`) above which an indicator is forced.
        max_missing_rate: f64,
    },
}

/// How a missing numeric or boolean cell is filled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumericImputation {
    /// Fill with 0 (what the seed did).
    Zero,
    /// Fill with the training median (average of the two middle values for an even count).
    Median,
    /// Fill with the training mean.
    Mean,
    /// Fill with a fixed finite value.
    Constant(f64),
    /// Leave `NaN` in the output, for models that handle missing values natively (trees, GBMs).
    Keep,
}

/// How a categorical column becomes numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoricalEncoding {
    /// One 0/1 column per kept level (plus `=__other__` and `=__missing__` when those levels
    /// exist). A level unseen at fit time gives all zeros. For linear models and MLPs.
    OneHot,
    /// One column of integer codes: kept levels are `0..k` ordered by training frequency
    /// (descending) then by name; the merged rare levels (`__other__`) come next, then the
    /// missing level (`__missing__`); a level unseen at fit time is `-1`. For trees.
    Ordinal,
}

/// Minimum training frequency a categorical level needs to keep its own code; rarer levels are
/// merged into one `__other__` level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MinLevelFrequency {
    /// At least this many training rows (`>= 1`; 1 keeps every level).
    Count(usize),
    /// At least this fraction of the training rows (in `(0, 1]`).
    Fraction(f64),
}

/// How a missing categorical cell is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoricalMissing {
    /// Missing is a level of its own (`__missing__`), created when the training rows had
    /// missing cells. A missing cell in a column that had none at fit time is treated as an
    /// unseen level (counted in the log as `<missing>`, never an error).
    OwnLevel,
    /// `NaN` in the output; only with [`CategoricalEncoding::Ordinal`], for models with native
    /// missing handling.
    Nan,
}

/// How many principal components PCA keeps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcaComponents {
    /// Exactly this many components (`>= 1`, at most the number of pre-PCA features).
    Count(usize),
    /// The smallest number of components whose cumulative explained-variance ratio (over
    /// **all** components) exceeds this value, in `(0, 1]` (scikit-learn's rule; the seed
    /// used 0.95).
    VarianceRatio(f64),
}

/// Parameters of the preprocessing; validated by [`FeatureParams::check`], consumed by
/// [`FeatureParams::fit`].
///
/// Steps, in order, per column: sparse-column policy, then for numeric and boolean columns
/// out-of-range flagging (optionally clipping), imputation, missing indicators and standard
/// scaling; for categorical columns rare-level merging and encoding; finally optional PCA over
/// the whole matrix.
///
/// ```
/// use pdscore_features::{FeatureParams, NumericImputation, PcaComponents};
/// let params = FeatureParams::for_linear()
///     .imputation(NumericImputation::Mean)
///     .pca(Some(PcaComponents::VarianceRatio(0.95)));
/// assert!(params.check().is_ok());
/// assert!(FeatureParams::for_trees().pca(Some(PcaComponents::Count(3))).check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent on/off switches of the feature steps, each its own serialized field"
)]
pub struct FeatureParams {
    pub(crate) sparse: SparsePolicy,
    pub(crate) imputation: NumericImputation,
    pub(crate) missing_indicators: bool,
    pub(crate) encoding: CategoricalEncoding,
    pub(crate) min_level_frequency: MinLevelFrequency,
    pub(crate) categorical_missing: CategoricalMissing,
    pub(crate) strict_unknown: bool,
    pub(crate) clip_to_training_range: bool,
    pub(crate) standardize: bool,
    pub(crate) pca: Option<PcaComponents>,
    /// Weight-of-evidence binning instead of imputation, encoding and scaling (absent in files
    /// saved before scorecards existed, which read as `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) woe: Option<WoeParams>,
}

impl Default for FeatureParams {
    /// Same as [`FeatureParams::for_linear`].
    fn default() -> Self {
        Self::for_linear()
    }
}

impl FeatureParams {
    /// Preset for linear models and MLPs: keep sparse columns with an indicator above 40%
    /// missing, median imputation with missing indicators, one-hot encoding (levels seen fewer
    /// than 10 times merged into `__other__`), standard scaling of numeric and boolean
    /// columns, no PCA, lenient with unseen levels, no clipping.
    pub fn for_linear() -> Self {
        FeatureParams {
            sparse: SparsePolicy::Indicate {
                max_missing_rate: 0.4,
            },
            imputation: NumericImputation::Median,
            missing_indicators: true,
            encoding: CategoricalEncoding::OneHot,
            min_level_frequency: MinLevelFrequency::Count(10),
            categorical_missing: CategoricalMissing::OwnLevel,
            strict_unknown: false,
            clip_to_training_range: false,
            standardize: true,
            pca: None,
            woe: None,
        }
    }

    /// Preset for trees and gradient boosting: keep every column with its `NaN`s (native
    /// missing handling; indicators above 40% missing), ordinal categories with missing as
    /// `NaN`, levels seen fewer than 10 times merged, no scaling, no PCA.
    pub fn for_trees() -> Self {
        FeatureParams {
            sparse: SparsePolicy::Indicate {
                max_missing_rate: 0.4,
            },
            imputation: NumericImputation::Keep,
            missing_indicators: false,
            encoding: CategoricalEncoding::Ordinal,
            min_level_frequency: MinLevelFrequency::Count(10),
            categorical_missing: CategoricalMissing::Nan,
            strict_unknown: false,
            clip_to_training_range: false,
            standardize: false,
            pca: None,
            woe: None,
        }
    }

    /// Preset for credit scorecards: every column binned and replaced by the weight of evidence
    /// of its bin ([`WoeParams::new`]: 20 equal-frequency pre-bins, bins of at least 5% of the
    /// rows, monotone event rate, missing values and special values in bins of their own,
    /// columns with an information value below 0.02 dropped). One output per kept column,
    /// `<name>__woe`, for a logistic regression. Fitting needs the labels:
    /// [`FeatureParams::fit_with_labels`].
    ///
    /// With WoE binning the imputation, indicator, encoding, level-frequency and scaling
    /// settings are not used; a [`SparsePolicy::Drop`] limit still drops sparse columns, and
    /// [`FeatureParams::strict_unknown`] still makes unseen levels an error.
    pub fn for_scorecard() -> Self {
        FeatureParams {
            sparse: SparsePolicy::Indicate {
                max_missing_rate: 1.0,
            },
            imputation: NumericImputation::Keep,
            missing_indicators: false,
            encoding: CategoricalEncoding::Ordinal,
            min_level_frequency: MinLevelFrequency::Count(1),
            categorical_missing: CategoricalMissing::OwnLevel,
            strict_unknown: false,
            clip_to_training_range: false,
            standardize: false,
            pca: None,
            woe: Some(WoeParams::new()),
        }
    }

    /// Sparse-column policy. Default: `Indicate { max_missing_rate: 0.4 }`.
    pub fn sparse(mut self, policy: SparsePolicy) -> Self {
        self.sparse = policy;
        self
    }

    /// Numeric and boolean imputation. Default: `Median` (`for_trees`: `Keep`).
    pub fn imputation(mut self, imputation: NumericImputation) -> Self {
        self.imputation = imputation;
        self
    }

    /// Add a 0/1 `<name>__is_missing` column for every numeric or boolean column that had
    /// missing cells in the training rows (like scikit-learn's `add_indicator`; columns
    /// complete at fit time get none, so the output width is fixed at fit time). Default: `true`
    /// (`for_trees`: `false`).
    pub fn missing_indicators(mut self, on: bool) -> Self {
        self.missing_indicators = on;
        self
    }

    /// Categorical encoding. Default: `OneHot` (`for_trees`: `Ordinal`).
    pub fn encoding(mut self, encoding: CategoricalEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Minimum training frequency of a categorical level. Default: `Count(10)`.
    pub fn min_level_frequency(mut self, min: MinLevelFrequency) -> Self {
        self.min_level_frequency = min;
        self
    }

    /// Encoding of missing categorical cells. Default: `OwnLevel` (`for_trees`: `Nan`).
    pub fn categorical_missing(mut self, missing: CategoricalMissing) -> Self {
        self.categorical_missing = missing;
        self
    }

    /// When `true`, a categorical value unseen at fit time is an error at transform time
    /// ([`FeatureError::UnknownCategory`], naming column, value and row) instead of being
    /// encoded as unknown and counted in the log. Default: `false`.
    pub fn strict_unknown(mut self, strict: bool) -> Self {
        self.strict_unknown = strict;
        self
    }

    /// Clip numeric values to the `[min, max]` seen at fit time. Out-of-range values are
    /// counted in the [`TransformLog`](crate::TransformLog) either way. Default: `false`.
    pub fn clip_to_training_range(mut self, clip: bool) -> Self {
        self.clip_to_training_range = clip;
        self
    }

    /// Standard-scale numeric and boolean columns (not indicators, not categorical outputs):
    /// `(x - mean) / std` with the population standard deviation of the imputed training
    /// values, like scikit-learn's `StandardScaler`; a constant column gets scale 1.
    /// Default: `true` (`for_trees`: `false`).
    pub fn standardize(mut self, on: bool) -> Self {
        self.standardize = on;
        self
    }

    /// Optional PCA over the whole (scaled) matrix. Default: `None`.
    pub fn pca(mut self, pca: Option<PcaComponents>) -> Self {
        self.pca = pca;
        self
    }

    /// Weight-of-evidence binning (`Some`) in place of imputation, encoding and scaling, or the
    /// usual preprocessing (`None`). Default: `None` (`for_scorecard`: [`WoeParams::new`]).
    pub fn woe(mut self, woe: Option<WoeParams>) -> Self {
        self.woe = woe;
        self
    }

    /// The WoE binning parameters, when the preprocessing is a WoE binning.
    pub fn woe_params(&self) -> Option<&WoeParams> {
        self.woe.as_ref()
    }

    /// Whether fitting learns from the labels (WoE binning), so that it needs
    /// [`FeatureParams::fit_with_labels`] and must be refitted wherever held-out rows are
    /// scored.
    pub fn uses_labels(&self) -> bool {
        self.woe.is_some()
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`FeatureError::InvalidParameter`] for a value out of range,
    /// [`FeatureError::IncompatibleParameters`] for `CategoricalMissing::Nan` with one-hot
    /// encoding, or PCA on a matrix that may hold `NaN` (`Keep` imputation or `Nan` missing
    /// categories), or PCA after WoE binning; the [`WoeParams::check`] errors.
    pub fn check(&self) -> Result<()> {
        if let Some(woe) = &self.woe {
            woe.check()?;
            if self.pca.is_some() {
                return Err(FeatureError::IncompatibleParameters {
                    reason: "PCA would mix the WoE columns a scorecard reads one by one",
                });
            }
        }
        let (SparsePolicy::Drop { max_missing_rate } | SparsePolicy::Indicate { max_missing_rate }) =
            self.sparse;
        if !(0.0..=1.0).contains(&max_missing_rate) {
            return Err(FeatureError::InvalidParameter {
                name: "sparse.max_missing_rate",
                value: max_missing_rate.to_string(),
                reason: "must be in [0, 1]",
            });
        }
        if let NumericImputation::Constant(value) = self.imputation
            && !value.is_finite()
        {
            return Err(FeatureError::InvalidParameter {
                name: "imputation",
                value: value.to_string(),
                reason: "a constant fill value must be finite",
            });
        }
        match self.min_level_frequency {
            MinLevelFrequency::Count(0) => {
                return Err(FeatureError::InvalidParameter {
                    name: "min_level_frequency",
                    value: "Count(0)".into(),
                    reason: "a count must be at least 1",
                });
            }
            MinLevelFrequency::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return Err(FeatureError::InvalidParameter {
                    name: "min_level_frequency",
                    value: format!("Fraction({f})"),
                    reason: "a fraction must be in (0, 1]",
                });
            }
            _ => {}
        }
        if self.categorical_missing == CategoricalMissing::Nan
            && self.encoding == CategoricalEncoding::OneHot
        {
            return Err(FeatureError::IncompatibleParameters {
                reason: "missing categories as NaN need ordinal encoding (one-hot has no NaN slot)",
            });
        }
        if let Some(pca) = self.pca {
            match pca {
                PcaComponents::Count(0) => {
                    return Err(FeatureError::InvalidParameter {
                        name: "pca",
                        value: "Count(0)".into(),
                        reason: "keep at least one component",
                    });
                }
                PcaComponents::VarianceRatio(r) if !(r > 0.0 && r <= 1.0) => {
                    return Err(FeatureError::InvalidParameter {
                        name: "pca",
                        value: format!("VarianceRatio({r})"),
                        reason: "an explained-variance ratio must be in (0, 1]",
                    });
                }
                _ => {}
            }
            if self.imputation == NumericImputation::Keep
                || self.categorical_missing == CategoricalMissing::Nan
            {
                return Err(FeatureError::IncompatibleParameters {
                    reason: "PCA needs a matrix without NaN: use an imputation other than Keep \
                             and missing categories as their own level",
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_default_is_linear() {
        assert!(FeatureParams::for_linear().check().is_ok());
        assert!(FeatureParams::for_trees().check().is_ok());
        assert!(FeatureParams::for_scorecard().check().is_ok());
        assert!(FeatureParams::for_scorecard().uses_labels());
        assert!(!FeatureParams::for_linear().uses_labels());
        assert_eq!(FeatureParams::default(), FeatureParams::for_linear());
    }

    #[test]
    fn bad_missing_rate_is_rejected() {
        for rate in [-0.1, 1.5, f64::NAN] {
            let params = FeatureParams::default().sparse(SparsePolicy::Drop {
                max_missing_rate: rate,
            });
            assert!(matches!(
                params.check(),
                Err(FeatureError::InvalidParameter {
                    name: "sparse.max_missing_rate",
                    ..
                })
            ));
        }
    }

    #[test]
    fn non_finite_constant_is_rejected() {
        let params =
            FeatureParams::default().imputation(NumericImputation::Constant(f64::INFINITY));
        assert!(matches!(
            params.check(),
            Err(FeatureError::InvalidParameter {
                name: "imputation",
                ..
            })
        ));
    }

    #[test]
    fn bad_level_frequency_is_rejected() {
        for min in [
            MinLevelFrequency::Count(0),
            MinLevelFrequency::Fraction(0.0),
            MinLevelFrequency::Fraction(1.5),
            MinLevelFrequency::Fraction(f64::NAN),
        ] {
            let params = FeatureParams::default().min_level_frequency(min);
            assert!(matches!(
                params.check(),
                Err(FeatureError::InvalidParameter {
                    name: "min_level_frequency",
                    ..
                })
            ));
        }
    }

    #[test]
    fn nan_categories_need_ordinal() {
        let params = FeatureParams::for_linear().categorical_missing(CategoricalMissing::Nan);
        assert!(matches!(
            params.check(),
            Err(FeatureError::IncompatibleParameters { .. })
        ));
    }

    #[test]
    fn bad_pca_settings_are_rejected() {
        for pca in [
            PcaComponents::Count(0),
            PcaComponents::VarianceRatio(0.0),
            PcaComponents::VarianceRatio(1.01),
        ] {
            let params = FeatureParams::for_linear().pca(Some(pca));
            assert!(matches!(
                params.check(),
                Err(FeatureError::InvalidParameter { name: "pca", .. })
            ));
        }
        let params = FeatureParams::for_trees().pca(Some(PcaComponents::Count(2)));
        assert!(matches!(
            params.check(),
            Err(FeatureError::IncompatibleParameters { .. })
        ));
    }
}
