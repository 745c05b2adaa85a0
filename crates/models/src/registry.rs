//! The model registry: one serde-tagged enum of model parameters ([`ModelSpec`]) and one of
//! fitted models ([`FittedModel`]) over every model family of this crate.
//!
//! A pipeline file, a candidate list or a command-line flag can then hold *any* model: the JSON
//! carries a `"family"` tag next to the model's own fields, e.g.
//! `{"family":"logistic_regression","c":1.0,...}`. [`FittedModel`] implements
//! [`FittedClassifier`] by delegating to the fitted model inside, so code that scores rows does
//! not care which family it holds.
//!
//! Adding a family is one line in the `registry!` invocation at the bottom of this file: the
//! variant name, its tag, its params type and its fitted type.

use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::explain::ContributionScale;
use crate::trees::forest::ClassWeight;
use crate::{Classifier, FittedClassifier, ModelError, Result};

macro_rules! registry {
    ($( $(#[$doc:meta])* $variant:ident = $tag:literal : $params:ty => $fitted:ty ;)*) => {
        /// Parameters of any model family; fit it with [`ModelSpec::fit`].
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "family")]
        #[non_exhaustive]
        pub enum ModelSpec {
            $( $(#[$doc])* #[serde(rename = $tag)] $variant($params), )*
        }

        /// A fitted model of any family; scores rows through [`FittedClassifier`].
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(tag = "family")]
        #[non_exhaustive]
        pub enum FittedModel {
            $( $(#[$doc])* #[serde(rename = $tag)] $variant($fitted), )*
        }

        impl ModelSpec {
            /// The family tags known to this build, in registry order.
            pub const FAMILIES: &'static [&'static str] = &[$($tag),*];

            /// The family tag, e.g. `"logistic_regression"`.
            pub fn family(&self) -> &'static str {
                match *self {
                    $( Self::$variant(_) => $tag, )*
                }
            }

            /// Fits the model on rows `x`, labels `y` and optional per-row weights.
            ///
            /// # Errors
            /// The model's own fit errors (invalid parameters, bad input, weights it cannot use).
            pub fn fit(
                &self,
                x: ArrayView2<'_, f64>,
                y: &[bool],
                sample_weight: Option<&[f64]>,
            ) -> Result<FittedModel> {
                match *self {
                    $( Self::$variant(ref params) =>
                        Ok(FittedModel::$variant(params.fit(x, y, sample_weight)?)), )*
                }
            }
        }

        impl FittedModel {
            fn inner(&self) -> &dyn FittedClassifier {
                match *self {
                    $( Self::$variant(ref fitted) => fitted, )*
                }
            }

            /// Per-feature contributions ("reason codes") to each row's raw score: an
            /// `n × (p + 1)` matrix whose column `j < p` is feature `j`'s contribution and whose
            /// last column is the bias (the model's expected raw score, the same for every row);
            /// each row sums to [`FittedModel::raw_scores`] of that row up to rounding (1e-9).
            /// The raw score is on the scale [`FittedModel::contribution_scale`] names. Trees
            /// are explained exactly by path-dependent TreeSHAP, the logistic regression by its
            /// linear terms, the MLP by permutation-sampling Shapley values with exact
            /// efficiency (see [`crate::explain`]). A row's contributions do not depend on the
            /// other rows.
            ///
            /// ```
            /// use ndarray::Array2;
            /// use pdscore_models::{ContributionScale, FittedClassifier, GbmParams, ModelSpec};
            ///
            /// let x = Array2::from_shape_fn((200, 3), |(i, j)| ((i * (j + 3)) % 17) as f64);
            /// let y: Vec<bool> = (0..200).map(|i| x[[i, 0]] + x[[i, 1]] > 17.0).collect();
            /// let spec = ModelSpec::Gbm(GbmParams::new().n_estimators(20).min_child_samples(5));
            /// let model = spec.fit(x.view(), &y, None)?;
            ///
            /// let phi = model.contributions(x.view())?;
            /// assert_eq!(phi.dim(), (200, 4)); // three features, then the bias
            /// let raw = model.raw_scores(x.view())?;
            /// assert!((phi.row(0).sum() - raw[0]).abs() < 1e-9);
            /// // The GBM's raw score is the log-odds behind its probability.
            /// assert_eq!(model.contribution_scale(), ContributionScale::LogOdds);
            /// let p = model.predict_proba(x.view())?;
            /// assert!((model.contribution_scale().to_probability(raw[0]) - p[0]).abs() < 1e-12);
            /// // The feature that matters most for the first row:
            /// let top = (0..3).max_by(|&a, &b| phi[[0, a]].abs().total_cmp(&phi[[0, b]].abs()));
            /// assert!(top.is_some());
            /// # Ok::<(), pdscore_models::ModelError>(())
            /// ```
            ///
            /// # Errors
            /// [`ModelError::NoCovers`] for a tree model loaded from a file saved before
            /// training covers were recorded (it still scores; retrain to explain); a column
            /// count other than the fitted one, and values the model cannot score (infinities;
            /// `NaN` for the logistic regression and the MLP).
            pub fn contributions(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
                match *self {
                    $( Self::$variant(ref fitted) => fitted.contributions(x), )*
                }
            }

            /// The raw score of each row, the one [`FittedModel::contributions`] add up to:
            /// log-odds or probability, as [`FittedModel::contribution_scale`] says.
            ///
            /// # Errors
            /// As `predict_proba`.
            pub fn raw_scores(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
                match *self {
                    $( Self::$variant(ref fitted) => fitted.raw_scores(x), )*
                }
            }

            /// The scale of [`FittedModel::raw_scores`] and of the contributions, and how
            /// `predict_proba` follows from it ([`ContributionScale::to_probability`]).
            pub fn contribution_scale(&self) -> ContributionScale {
                match *self {
                    $( Self::$variant(ref fitted) => fitted.contribution_scale(), )*
                }
            }
        }
    };
}

impl ModelSpec {
    /// Whether fitting this spec stops early on a validation set: an MLP with early stopping on
    /// (its default) or a GBM with [`GbmParams::early_stopping`](crate::GbmParams::early_stopping)
    /// set. Exactly these specs accept [`ModelSpec::fit_with_validation`].
    pub fn stops_early(&self) -> bool {
        match self {
            ModelSpec::Mlp(params) => params.early_stopping_on(),
            ModelSpec::Gbm(params) => params.early_stopping.is_some(),
            _ => false,
        }
    }

    /// Fits on rows `x` with early stopping on exactly the validation rows `x_valid` (labels
    /// `y_valid`, optional weights `w_valid`), for the specs that [stop
    /// early](ModelSpec::stops_early). The fitted model's
    /// [`validation_curve`](FittedModel::validation_curve) is then the validation log loss of
    /// these rows after each iteration, and [`iterations`](FittedModel::iterations) the
    /// iterations kept (up to the best one).
    ///
    /// The GBM needs both classes among the validation rows (so that ROC AUC is defined when
    /// it watches it); the MLP accepts one class.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming `early_stopping` for a spec that does not stop early
    /// (another family, or early stopping off), and the family's own errors for bad parameters
    /// or bad training or validation input.
    pub fn fit_with_validation(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[bool],
        sample_weight: Option<&[f64]>,
        x_valid: ArrayView2<'_, f64>,
        y_valid: &[bool],
        valid_weight: Option<&[f64]>,
    ) -> Result<FittedModel> {
        match self {
            ModelSpec::Mlp(params) => Ok(FittedModel::Mlp(params.fit_with_validation(
                x,
                y,
                sample_weight,
                x_valid,
                y_valid,
                valid_weight,
            )?)),
            ModelSpec::Gbm(params) => Ok(FittedModel::Gbm(params.fit_with_validation(
                x,
                y,
                sample_weight,
                x_valid,
                y_valid,
                valid_weight,
            )?)),
            other => Err(ModelError::InvalidParam {
                name: "early_stopping",
                reason: format!(
                    "{} has no early stopping, so no use for a validation set",
                    other.family()
                ),
            }),
        }
    }

    /// The same spec training exactly `n` iterations, with no early stopping of any kind: a GBM
    /// fits `n` trees (`n_estimators = n`, early stopping off); an MLP runs `n` epochs
    /// (`max_epochs = n`, early stopping off, and no stop on the training loss either, see
    /// [`MlpParams::stop_on_training_loss`](crate::MlpParams::stop_on_training_loss)). Other
    /// families are returned unchanged. `n = 0` gives a spec whose fit fails its parameter
    /// check.
    ///
    /// With [`ModelSpec::fit_with_validation`] and [`FittedModel::validation_curve`] this is
    /// how the number of iterations is chosen by cross-validation: average the folds' curves,
    /// take the best iteration, refit on all rows with that many.
    pub fn with_fixed_iterations(&self, n: usize) -> ModelSpec {
        match self {
            ModelSpec::Mlp(params) => ModelSpec::Mlp(
                params
                    .clone()
                    .max_epochs(n)
                    .early_stopping(false)
                    .stop_on_training_loss(false),
            ),
            ModelSpec::Gbm(params) => {
                ModelSpec::Gbm(params.clone().n_estimators(n).early_stopping(None))
            }
            other => other.clone(),
        }
    }

    /// The positive-class share the model's *own* class weighting makes its training objective
    /// see, when the rows (weights) it is fitted on hold the share `prior` of positives:
    ///
    /// - a random forest with [`ClassWeight::Balanced`] or [`ClassWeight::BalancedSubsample`]:
    ///   `0.5` (each class gets half the weight; exact when the sample weights have the same
    ///   mean in both classes, and in expectation over the bootstrap for the subsample form);
    /// - a GBM with `scale_pos_weight = s`: `prior · s / (prior · s + 1 − prior)`;
    /// - every other model: `prior`.
    ///
    /// A model fitted under a changed prior estimates odds inflated by
    /// `odds(effective) / odds(prior)`; the pipeline undoes that with
    /// [`PriorShift::between`](crate::PriorShift::between)`(effective, prior)`. (Class weights
    /// or resampling the pipeline applies itself change `prior`, the share of the weights it
    /// passes.)
    ///
    /// ```
    /// use pdscore_models::trees::{ClassWeight, RandomForestParams};
    /// use pdscore_models::{GbmParams, LogisticRegressionParams, ModelSpec};
    ///
    /// let balanced = RandomForestParams::new().class_weight(ClassWeight::Balanced);
    /// let forest = ModelSpec::RandomForest(balanced);
    /// assert_eq!(forest.effective_prior(0.02), 0.5);
    /// let gbm = ModelSpec::Gbm(GbmParams::new().scale_pos_weight(49.0));
    /// assert!((gbm.effective_prior(0.02) - 0.5).abs() < 1e-12);
    /// let logreg = ModelSpec::LogisticRegression(LogisticRegressionParams::new());
    /// assert_eq!(logreg.effective_prior(0.02), 0.02);
    /// ```
    pub fn effective_prior(&self, prior: f64) -> f64 {
        match self {
            ModelSpec::RandomForest(params) => match params.class_weight_setting() {
                ClassWeight::Balanced | ClassWeight::BalancedSubsample => 0.5,
                ClassWeight::None => prior,
            },
            ModelSpec::Gbm(params) => {
                let s = params.scale_pos_weight;
                if s == 1.0 {
                    prior
                } else {
                    prior * s / (prior * s + 1.0 - prior)
                }
            }
            _ => prior,
        }
    }
}

impl FittedModel {
    /// The validation loss after each iteration, for a model fitted with early stopping: index
    /// `i` is the value after `i + 1` iterations (trees for the GBM, epochs for the MLP), and the
    /// value is on one scale for both: the weighted mean log loss `Σ w ℓ / Σ w` of the
    /// validation rows (weighted by their own weights, with no L2 term and without the GBM's
    /// `scale_pos_weight`), whatever metric the GBM's early stopping watched. The curve runs to
    /// the iteration training stopped at, beyond the one kept. `None` for models fitted without
    /// a validation set, and for other families.
    pub fn validation_curve(&self) -> Option<&[f64]> {
        let curve = match self {
            FittedModel::Mlp(model) => model.validation_loss_curve(),
            FittedModel::Gbm(model) => model.validation_log_loss(),
            _ => return None,
        };
        (!curve.is_empty()).then_some(curve)
    }

    /// Iterations behind the predictions: the GBM's trees kept, the epoch whose weights the MLP
    /// kept. `None` for families without iterations.
    pub fn iterations(&self) -> Option<usize> {
        match self {
            FittedModel::Mlp(model) => Some(model.best_epoch()),
            FittedModel::Gbm(model) => Some(model.n_trees()),
            _ => None,
        }
    }
}

impl FittedClassifier for FittedModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.inner().predict_proba(x)
    }

    fn name(&self) -> &'static str {
        self.inner().name()
    }

    fn describe(&self) -> String {
        self.inner().describe()
    }

    fn feature_importance(&self) -> Option<Vec<f64>> {
        self.inner().feature_importance()
    }
}

registry! {
    /// Logistic regression (L2-penalised), see [`crate::linear`].
    LogisticRegression = "logistic_regression": crate::LogisticRegressionParams => crate::FittedLogisticRegression;
    /// Multi-layer perceptron, see [`crate::mlp`].
    Mlp = "mlp": crate::MlpParams => crate::FittedMlp;
    /// CART decision tree, see [`crate::trees`].
    DecisionTree = "decision_tree": crate::DecisionTreeParams => crate::FittedDecisionTree;
    /// Random forest, see [`RandomForestParams`](crate::RandomForestParams).
    RandomForest = "random_forest": crate::RandomForestParams => crate::FittedRandomForest;
    /// AdaBoost (SAMME), see [`AdaBoostParams`](crate::AdaBoostParams).
    AdaBoost = "adaboost": crate::AdaBoostParams => crate::FittedAdaBoost;
    /// Histogram gradient boosting, see [`crate::gbm`].
    Gbm = "gbm": crate::GbmParams => crate::FittedGbm;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> (Array2<f64>, Vec<bool>) {
        let x = Array2::from_shape_fn((60, 2), |(i, j)| {
            ((i * 7 + j * 3) % 11) as f64 + i as f64 / 10.0
        });
        let y = (0..60).map(|i| i % 3 == 0 || i > 50).collect();
        (x, y)
    }

    fn every_family() -> Vec<ModelSpec> {
        vec![
            ModelSpec::LogisticRegression(crate::LogisticRegressionParams::new()),
            ModelSpec::Mlp(crate::MlpParams::new().max_epochs(5)),
            ModelSpec::DecisionTree(crate::DecisionTreeParams::new().max_depth(Some(3))),
            ModelSpec::RandomForest(crate::RandomForestParams::new().n_estimators(5)),
            ModelSpec::AdaBoost(crate::AdaBoostParams::new().n_estimators(5)),
            ModelSpec::Gbm(crate::GbmParams::new().n_estimators(5)),
        ]
    }

    /// Weighted mean log loss of probabilities (the documented scale of validation curves).
    fn mean_log_loss(y: &[bool], p: &[f64], w: &[f64]) -> f64 {
        let (mut total, mut weight) = (0.0, 0.0);
        for ((&yi, &pi), &wi) in y.iter().zip(p).zip(w) {
            total -= wi * if yi { pi.ln() } else { (1.0 - pi).ln() };
            weight += wi;
        }
        total / weight
    }

    fn noisy(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>, Vec<f64>) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let x = Array2::from_shape_simple_fn((n, 3), || rng.gen_range(-2.0..2.0));
        let y = x
            .rows()
            .into_iter()
            .map(|r| r[0] + r[1] * r[2] > 0.5 || rng.gen_bool(0.1))
            .collect();
        let w = (0..n).map(|i| 0.5 + (i % 3) as f64).collect();
        (x, y, w)
    }

    #[test]
    fn which_specs_stop_early() {
        use crate::gbm::EarlyStopping;
        let stopping: Vec<bool> = every_family().iter().map(ModelSpec::stops_early).collect();
        assert_eq!(stopping, [false, true, false, false, false, false]);
        assert!(!ModelSpec::Mlp(crate::MlpParams::new().early_stopping(false)).stops_early());
        let gbm = crate::GbmParams::new().early_stopping(Some(EarlyStopping::new(5)));
        assert!(ModelSpec::Gbm(gbm).stops_early());
    }

    #[test]
    fn fit_with_validation_is_for_specs_that_stop_early() {
        let (x, y) = toy();
        for spec in every_family() {
            let result = spec.fit_with_validation(x.view(), &y, None, x.view(), &y, None);
            if spec.stops_early() {
                let model = result.expect("stops early");
                assert!(model.validation_curve().is_some(), "{}", spec.family());
            } else {
                assert!(
                    matches!(
                        result,
                        Err(ModelError::InvalidParam {
                            name: "early_stopping",
                            ..
                        })
                    ),
                    "{}",
                    spec.family()
                );
            }
        }
    }

    #[test]
    fn fixed_iterations_train_exactly_that_many() {
        use crate::gbm::EarlyStopping;
        let (x, y, _) = noisy(400, 1);
        // Settings that would stop early: a patience of 1 on validation rows, and for the MLP
        // also a training-loss tolerance no epoch can beat.
        let gbm = ModelSpec::Gbm(
            crate::GbmParams::new()
                .learning_rate(0.5)
                .early_stopping(Some(EarlyStopping::new(1))),
        );
        let mlp = ModelSpec::Mlp(crate::MlpParams::new().patience(1).tol(10.0));
        for n in [1, 7, 23] {
            for spec in [&gbm, &mlp] {
                let fixed = spec.with_fixed_iterations(n);
                assert!(!fixed.stops_early());
                let model = fixed.fit(x.view(), &y, None).expect("fit");
                assert_eq!(model.iterations(), Some(n), "{} {n}", spec.family());
                assert!(model.validation_curve().is_none());
            }
        }
        let FittedModel::Mlp(model) = mlp
            .with_fixed_iterations(5)
            .fit(x.view(), &y, None)
            .expect("fit")
        else {
            unreachable!()
        };
        assert_eq!((model.epochs(), model.stopped_early()), (5, false));
        for spec in every_family() {
            if !matches!(spec, ModelSpec::Gbm(_) | ModelSpec::Mlp(_)) {
                assert_eq!(spec.with_fixed_iterations(3), spec);
                assert_eq!(
                    spec.fit(x.view(), &y, None).expect("fit").iterations(),
                    None
                );
            }
        }
    }

    #[test]
    fn validation_curves_are_the_weighted_mean_log_loss_of_the_validation_rows() {
        use crate::gbm::{EarlyStopping, EvalMetric};
        let (x, y, w) = noisy(600, 2);
        let (xv, yv, wv) = noisy(300, 3);
        let gbm = |metric| {
            ModelSpec::Gbm(
                crate::GbmParams::new()
                    .learning_rate(0.3)
                    .n_estimators(200)
                    .early_stopping(Some(EarlyStopping::new(5).metric(metric))),
            )
        };
        let mlp = ModelSpec::Mlp(crate::MlpParams::new().learning_rate(0.02).patience(3));
        // The GBM's curve comes from its binned scores, the MLP's from training's products;
        // predictions walk the raw trees and the scoring kernel, so they agree to rounding.
        for (spec, tolerance) in [
            (gbm(EvalMetric::LogLoss), 1e-12),
            (gbm(EvalMetric::RocAuc), 1e-12),
            (mlp, 1e-9),
        ] {
            let model = spec
                .fit_with_validation(x.view(), &y, Some(&w), xv.view(), &yv, Some(&wv))
                .expect("fit");
            let curve = model.validation_curve().expect("a curve");
            let kept = model.iterations().expect("iterations");
            assert!(kept >= 1 && kept <= curve.len());
            let p = model.predict_proba(xv.view()).expect("predict");
            let recomputed = mean_log_loss(&yv, p.as_slice().expect("contiguous"), &wv);
            let at_kept = curve[kept - 1];
            assert!(
                (recomputed - at_kept).abs() < tolerance,
                "{}: {recomputed} vs {at_kept}",
                spec.family()
            );
            if let FittedModel::Gbm(gbm) = &model {
                assert_eq!(
                    gbm.validation_log_loss().len(),
                    gbm.validation_history().len()
                );
                if gbm.params().early_stopping.map(|es| es.metric) == Some(EvalMetric::RocAuc) {
                    // The curve is the log loss even when early stopping watched ROC AUC.
                    assert_ne!(curve, gbm.validation_history());
                } else {
                    assert_eq!(curve, gbm.validation_history());
                    // The best round on log loss is the curve's minimum.
                    let best = curve.iter().copied().fold(f64::INFINITY, f64::min);
                    assert_eq!(at_kept, best);
                }
            }
        }
    }

    #[test]
    fn effective_prior_follows_the_models_own_class_weighting() {
        use crate::trees::forest::{ClassWeight, RandomForestParams};
        let prior = 0.0143;
        for spec in every_family() {
            assert_eq!(spec.effective_prior(prior), prior, "{}", spec.family());
        }
        for weighting in [ClassWeight::Balanced, ClassWeight::BalancedSubsample] {
            let forest = ModelSpec::RandomForest(RandomForestParams::new().class_weight(weighting));
            assert_eq!(forest.effective_prior(prior), 0.5);
        }
        let gbm = ModelSpec::Gbm(crate::GbmParams::new().scale_pos_weight(10.0));
        let odds = |p: f64| p / (1.0 - p);
        // scale_pos_weight multiplies the odds the objective sees.
        assert!((odds(gbm.effective_prior(prior)) / odds(prior) - 10.0).abs() < 1e-12);
        assert_eq!(gbm.effective_prior(0.0), 0.0);
        assert_eq!(gbm.effective_prior(1.0), 1.0);
    }

    #[test]
    fn every_family_fits_and_round_trips_through_json() {
        let (x, y) = toy();
        let specs = every_family();
        assert_eq!(specs.len(), ModelSpec::FAMILIES.len());
        for spec in specs {
            let json = serde_json::to_string(&spec).unwrap();
            assert!(
                json.contains(&format!("\"family\":\"{}\"", spec.family())),
                "{json}"
            );
            let back: ModelSpec = serde_json::from_str(&json).unwrap();
            assert_eq!(back, spec);
            let fitted = spec.fit(x.view(), &y, None).unwrap();
            let p = fitted.predict_proba(x.view()).unwrap();
            let saved = serde_json::to_string(&fitted).unwrap();
            let loaded: FittedModel = serde_json::from_str(&saved).unwrap();
            let q = loaded.predict_proba(x.view()).unwrap();
            assert_eq!(p, q, "{}", spec.family());
            assert!(!fitted.describe().is_empty());
        }
    }
}
