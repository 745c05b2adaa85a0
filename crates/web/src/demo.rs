//! A model trained on the spot, for demos and tests: the `pdscore-web` binary serves one when it
//! is given no `--model`, and the HTTP tests and the load test train one on the shipped sample
//! rather than keep a model file in the repository.
//!
//! It is ordinary use of the pipeline's `evaluate`, kept apart from the server so that serving
//! a saved model never involves training.

use std::path::Path;

use pdscore::pipeline::{CvSpec, EvaluateSpec, InputSpec, Pipeline, evaluate};

use crate::error::WebError;

/// Trains a pipeline on a labelled CSV for demos (the shipped sample): the candidates named in
/// `models` are cross-validated with `folds` folds and seed 0, and the best is refitted.
///
/// # Errors
/// [`WebError::Model`] wrapping read, label or fitting errors.
pub fn train_demo_model(
    data: &Path,
    target: &str,
    models: &[String],
    folds: usize,
) -> Result<Pipeline, WebError> {
    let mut spec = EvaluateSpec::new(InputSpec::new(data, target));
    spec.cv = CvSpec::default().folds(folds).seed(0);
    spec.models = Some(models.to_vec());
    evaluate(&spec, None)
        .map(|e| e.pipeline)
        .map_err(WebError::Model)
}
