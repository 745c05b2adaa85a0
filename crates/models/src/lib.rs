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
//!
//! # Iterations chosen by cross-validation
//!
//! For the families that stop early (the MLP, and the GBM with early stopping set;
//! [`ModelSpec::stops_early`]), [`ModelSpec::fit_with_validation`] stops on given validation
//! rows, [`FittedModel::validation_curve`] returns the validation log loss after each iteration
//! (one scale for both families) and [`ModelSpec::with_fixed_iterations`] turns the spec into one
//! that trains exactly a given number of iterations: average the inner folds' curves, take the
//! best iteration, refit with that many.
//!
//! # Explaining a prediction
//!
//! [`FittedModel::contributions`] splits each row's raw score into one contribution per feature
//! plus a bias (reason codes: which features pushed this PD up or down, and by how much). The
//! parts add up exactly to [`FittedModel::raw_scores`], on the scale
//! [`FittedModel::contribution_scale`] names: log-odds for the GBM, AdaBoost, the logistic
//! regression and the MLP, the probability itself for the decision tree and the random forest.
//! Trees are explained by path-dependent TreeSHAP over the training covers stored in the
//! fitted trees (exact Shapley values), the logistic regression by its linear terms around the
//! training means, the MLP by permutation-sampling Shapley values against the training means
//! (sampled, but their sum is exact). Models loaded from files saved before the covers were
//! recorded still score, and explaining them is [`ModelError::NoCovers`]. The [`explain`]
//! module has the details. The contributions explain the model's raw score, before any
//! calibration the pipeline applies on top of it.
//!
//! # Monotone constraints
//!
//! The GBM, the CART family (tree, forest, AdaBoost) and the logistic regression take a
//! per-feature list of `-1 / 0 / +1` (`monotone_constraints`) and then fit a model whose
//! probability is non-increasing / free / non-decreasing in each feature, LightGBM's "basic"
//! method for trees and sign-bounded coefficients for the regression; [`monotone`] explains
//! the method, the handling of missing values, and checks a fitted model on a grid.
//!
//! # Calibration
//!
//! A model's score ranks rows; the PD a user sees must also be on the right scale. The
//! [`calibration`] module maps a score `s ∈ [0, 1]` to a calibrated PD, fitted (by the pipeline)
//! on out-of-fold scores: [`fit_sigmoid`] (Platt scaling on `logit(s)`), [`fit_isotonic`]
//! (scikit-learn's isotonic regression, reproduced exactly) and [`PriorShift`] (the exact
//! correction of the log-odds when class weights or resampling changed the class prior the model
//! was trained on; [`ModelSpec::effective_prior`] says which prior that was). A
//! [`FittedCalibrator`] holds any of them, is saved with the model, and calibrates one score at a
//! time, so a row's PD never depends on the other rows.
//!
//! ```
//! use pdscore_models::{CalibrationMethod, FittedCalibrator, PriorShift, fit_sigmoid};
//!
//! // Out-of-fold scores of an over-confident model.
//! let scores = [0.01, 0.02, 0.05, 0.2, 0.4, 0.6, 0.9, 0.95, 0.99, 0.995];
//! let y = [false, false, true, false, false, true, false, true, true, true];
//! let platt = FittedCalibrator::Sigmoid(fit_sigmoid(&scores, &y, None)?);
//! assert_eq!(platt.method(), CalibrationMethod::Sigmoid);
//! assert!(platt.calibrate(0.99) < 0.99 && platt.calibrate(0.01) > 0.01);
//!
//! // A model fitted with balanced class weights on data with 2 % defaulters.
//! let shift = FittedCalibrator::Prior(PriorShift::between(0.5, 0.02)?);
//! let mut pds = vec![0.5, 0.9];
//! shift.calibrate_in_place(&mut pds);
//! assert!((pds[0] - 0.02).abs() < 1e-15);
//! # Ok::<(), pdscore_models::ModelError>(())
//! ```

pub mod calibration;
pub mod check;
mod cpu;
mod derived;
mod error;
pub mod explain;
pub mod gbm;
pub mod linear;
pub mod mlp;
pub mod monotone;
pub mod registry;
pub mod serde_nan;
pub mod stacking;
pub mod trees;

pub use calibration::{
    CalibrationMethod, FittedCalibrator, IsotonicCalibrator, PriorShift, SigmoidCalibrator,
    fit_isotonic, fit_sigmoid,
};
pub use error::ModelError;
pub use explain::ContributionScale;
pub use gbm::{FittedGbm, GbmParams};
pub use linear::{FittedLogisticRegression, LogisticRegressionParams};
pub use mlp::{FittedMlp, MlpParams};
pub use registry::{FittedModel, ModelSpec};
pub use trees::{
    AdaBoostParams, ClassWeight, DecisionTreeParams, FittedAdaBoost, FittedDecisionTree,
    FittedRandomForest, MaxFeatures, RandomForestParams, SplitCriterion,
};

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
