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
}
