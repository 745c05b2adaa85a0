//! # pdscore-features
//!
//! Column-wise preprocessing **fitted on training rows only**: sparse-column drop, imputation
//! (with missing indicators), categorical encoding with unknown/rare handling, scaling and
//! optional PCA, producing an `Array2<f64>` for the models.
//!
//! Fitting ([`FeatureParams::fit`]) and transforming ([`FittedFeatures::transform`]) are
//! different types. Everything a transform uses (which columns, imputation values, level codes,
//! scales, PCA components) is learned at fit time and saved with the fitted state (serde), and
//! every output cell is computed from its own row only, in a fixed order: the result for a row
//! is bit-for-bit the same whether it is scored alone or inside a file of a million rows. (The
//! seed refitted its scaler, PCA and encoders on the file being scored, so a customer's answer
//! depended on who else was in the file.)
//!
//! ## Steps
//!
//! 1. **Sparse columns** ([`SparsePolicy`]): drop columns whose training missing rate is above a
//!    limit, or keep them with a forced missing indicator. All-missing columns are dropped.
//! 2. **Numeric and boolean columns** ([`NumericImputation`]): booleans become 0/1; infinities
//!    count as missing; values outside the training range are counted (and optionally
//!    clipped); missing cells get the fitted fill value or stay `NaN` (`Keep`); optional
//!    `<name>__is_missing` indicators for columns that had missing cells at fit time.
//! 3. **Categorical columns** ([`CategoricalEncoding`]): levels rarer than
//!    [`MinLevelFrequency`] merge into `__other__`; missing is its own level `__missing__` (or
//!    `NaN` for ordinal, [`CategoricalMissing`]); a level unseen at fit time is encoded as
//!    unknown (one-hot: all zeros, like scikit-learn's `handle_unknown="ignore"`; ordinal: `-1`)
//!    and counted in the [`TransformLog`], or is an error in strict mode. Each table's
//!    dictionary is mapped to the fitted codes once per column, not once per row.
//! 4. **Standard scaling** of numeric and boolean value columns (population std; constant
//!    columns get scale 1).
//! 5. **PCA** ([`PcaComponents`]), fitted on the scaled training matrix.
//!
//! Presets: [`FeatureParams::for_linear`] (the default), [`FeatureParams::for_trees`], and
//! [`FeatureParams::for_scorecard`], which replaces steps 2 to 5 by a **weight-of-evidence
//! binning** of every column ([`WoeParams`], module `woe`): fitted with the labels
//! ([`FeatureParams::fit_with_labels`]), one WoE output per column kept, columns with too
//! little information value dropped and logged.
//!
//! ## PCA implementation
//!
//! `linfa-reduction` 0.8.1 is not used: its `Pca::explained_variance_ratio` is normalised over
//! the *kept* components only (10 of 40 components summed to 1.000 in the stack probe, see
//! `shared/anchors/rust_stack_probe.md`), and its `explained_variance` divides by the number of
//! kept components minus one rather than `n - 1`, so the "keep 95% of the variance" rule cannot
//! be applied. This crate computes the covariance matrix of the training matrix and its
//! symmetric eigendecomposition with a cyclic Jacobi solver (no BLAS; the matrices have tens to a
//! few hundred columns), keeps the components in descending eigenvalue order with scikit-learn's
//! sign convention (largest-magnitude loading positive), and reports ratios over the total
//! variance.
//!
//! ## Example
//!
//! ```
//! use pdscore_features::{FeatureParams, FittedFeatures};
//! use pdscore_ingest::{Column, ColumnData, ColumnKind, FeatureSpec, Schema, Table};
//!
//! let train = Table::new(vec![Column {
//!     name: "amount".into(),
//!     data: ColumnData::Numeric(vec![1.0, 2.0, 3.0, f64::NAN]),
//! }]).unwrap();
//! let schema = Schema {
//!     id: None,
//!     target: None,
//!     features: vec![FeatureSpec { name: "amount".into(), kind: ColumnKind::Numeric }],
//! };
//! let fitted = FeatureParams::for_linear().fit(&train, &schema)?;
//! // The fitted state is plain data: save it, load it, transform with it.
//! let json = serde_json::to_string(&fitted).unwrap();
//! let loaded: FittedFeatures = serde_json::from_str(&json).unwrap();
//! let one_row = Table::new(vec![Column {
//!     name: "amount".into(),
//!     data: ColumnData::Numeric(vec![f64::NAN]),
//! }]).unwrap();
//! let out = loaded.transform(&one_row)?;
//! assert_eq!(out.names, ["amount", "amount__is_missing"]);
//! assert_eq!(out.matrix[[0, 1]], 1.0);
//! println!("{}", fitted.fit_log());
//! # Ok::<(), pdscore_features::FeatureError>(())
//! ```

mod error;
mod fit;
mod fitted;
mod log;
mod params;
mod pca;
#[cfg(test)]
mod testutil;
mod woe;

pub use error::{FeatureError, Result};
pub use fitted::{FittedFeatures, Transformed};
pub use log::{
    CategoricalFit, ColumnFitLog, ColumnOutcome, ColumnTransformLog, DropReason, FitLog,
    LevelCount, MAX_LISTED_UNKNOWN_LEVELS, NumericFit, PcaLog, Scaling, TransformLog, ValueRange,
};
pub use params::{
    CategoricalEncoding, CategoricalMissing, FeatureParams, MinLevelFrequency, NumericImputation,
    PcaComponents, SparsePolicy,
};
pub use woe::{BinRule, MonotonicTrend, WoeBin, WoeFit, WoeParams};
