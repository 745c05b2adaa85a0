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

use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::{Classifier, FittedClassifier, Result};

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
        }
    };
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
    /// CART decision tree, see [`crate::tree`].
    DecisionTree = "decision_tree": crate::DecisionTreeParams => crate::FittedDecisionTree;
    /// Random forest, see [`crate::forest`].
    RandomForest = "random_forest": crate::RandomForestParams => crate::FittedRandomForest;
    /// AdaBoost (SAMME), see [`crate::adaboost`].
    AdaBoost = "adaboost": crate::AdaBoostParams => crate::FittedAdaBoost;
    /// Histogram gradient boosting, see [`crate::gbm`].
    Gbm = "gbm": crate::GbmParams => crate::FittedGbm;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

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
