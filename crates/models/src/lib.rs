//! # pdscore-models
//!
//! Every classifier pdscore offers, behind one pair of traits:
//!
//! - a **params** type (builder with documented defaults, validated by `check()`), implementing
//!   [`Classifier`]: `fit(x, y, sample_weight) -> Result<Fitted>`;
//! - a **fitted** type implementing [`FittedClassifier`]: `predict_proba(x) -> P(positive)`,
//!   serialisable with serde.
//!
//! The crate sees matrices (`ArrayView2<f64>`), boolean labels and optional per-row weights, never a
//! table or a file. Every random choice takes a seed.

pub mod adaboost;
pub mod binning;
pub mod check;
mod cpu;
mod derived;
mod error;
pub mod forest;
pub mod gbm;
pub mod linear;
mod lockstep;
pub mod mlp;
mod ranked;
pub mod registry;
pub mod serde_nan;
pub mod tree;
mod walk;

pub use adaboost::{AdaBoostParams, FittedAdaBoost};
pub use error::ModelError;
pub use forest::{ClassWeight, FittedRandomForest, RandomForestParams};
pub use gbm::{FittedGbm, GbmParams};
pub use linear::{FittedLogisticRegression, LogisticRegressionParams};
pub use mlp::{FittedMlp, MlpParams};
pub use registry::{FittedModel, ModelSpec};
pub use tree::{DecisionTreeParams, FittedDecisionTree, MaxFeatures, SplitCriterion};

use ndarray::{Array1, ArrayView2};

/// Result alias of this crate.
pub type Result<T, E = ModelError> = std::result::Result<T, E>;

/// Hyper-parameters of a model: fitting them to data gives a [`FittedClassifier`].
pub trait Classifier {
    /// The fitted model.
    type Fitted: FittedClassifier;

    /// Fits on rows `x` (n × p), labels `y` (`true` = positive / defaulted) and optional
    /// non-negative per-row weights.
    ///
    /// # Errors
    /// Invalid parameters, shape mismatches, empty input, a single class, non-finite values
    /// where the model does not support them, or weights the model cannot use.
    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
    ) -> Result<Self::Fitted>;
}

/// A fitted model that scores rows with P(positive).
pub trait FittedClassifier: Send + Sync {
    /// P(positive) for each row of `x`; every value is finite and in `[0, 1]`, and the score of a
    /// row does not depend on the other rows.
    ///
    /// # Errors
    /// A column count different from the one seen at fit time, or non-finite values where the
    /// model does not support them.
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>>;

    /// Short stable name of the model family, e.g. `"logistic_regression"`.
    fn name(&self) -> &'static str;

    /// One line for reports: the family and its key parameters.
    fn describe(&self) -> String;

    /// Model-native feature importance (one value per input column), if the model has one.
    fn feature_importance(&self) -> Option<Vec<f64>> {
        None
    }
}
