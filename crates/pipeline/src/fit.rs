//! Fitting one candidate on training rows: preprocessing, then weighting and resampling of the
//! training rows only, then the model.

use ndarray::{ArrayView2, Axis};
use pdscore_features::FittedFeatures;
use pdscore_ingest::{Schema, Table};
use pdscore_metrics::roc_auc_score;
use pdscore_models::FittedClassifier;
use pdscore_models::registry::FittedModel;
use pdscore_resample::{ClassWeight, StratifiedKFold, sample_weights};
use rayon::prelude::*;

use crate::candidate::{Candidate, Weighting};
use crate::error::Result;

/// A candidate fitted on some training rows.
pub(crate) struct FittedParts {
    pub features: FittedFeatures,
    pub model: FittedModel,
    /// The positive-class weight chosen by a grid search, if the candidate has one.
    pub chosen_positive_weight: Option<f64>,
}

/// Fits `candidate` on the rows of `table` with labels `y`; `seed` drives the inner CV of a
/// weight grid.
pub(crate) fn fit_candidate(
    candidate: &Candidate,
    table: &Table,
    schema: &Schema,
    y: &[bool],
    seed: u64,
) -> Result<FittedParts> {
    let features = candidate.features.params().fit(table, schema)?;
    let x = features.transform(table)?.matrix;
    let (model, chosen_positive_weight) = fit_on_matrix(candidate, x.view(), y, seed)?;
    Ok(FittedParts {
        features,
        model,
        chosen_positive_weight,
    })
}

/// Fits the weighting, sampler and model of `candidate` on an already transformed matrix.
pub(crate) fn fit_on_matrix(
    candidate: &Candidate,
    x: ArrayView2<'_, f64>,
    y: &[bool],
    seed: u64,
) -> Result<(FittedModel, Option<f64>)> {
    match &candidate.weighting {
        None => Ok((fit_weighted(candidate, x, y, None)?, None)),
        Some(Weighting::Fixed(weight)) => Ok((fit_weighted(candidate, x, y, Some(*weight))?, None)),
        Some(Weighting::Grid {
            positive_weights,
            inner_folds,
        }) => {
            let best =
                search_positive_weight(candidate, x, y, positive_weights, *inner_folds, seed)?;
            let weight = ClassWeight::Custom {
                negative: 1.0,
                positive: best,
            };
            Ok((fit_weighted(candidate, x, y, Some(weight))?, Some(best)))
        }
    }
}

fn fit_weighted(
    candidate: &Candidate,
    x: ArrayView2<'_, f64>,
    y: &[bool],
    class_weight: Option<ClassWeight>,
) -> Result<FittedModel> {
    if let Some(spec) = &candidate.sampler {
        let resampled = spec.build()?.fit_resample(x, y)?;
        let weights = class_weight
            .map(|w| sample_weights(&resampled.y, &w))
            .transpose()?;
        Ok(candidate
            .model
            .fit(resampled.x.view(), &resampled.y, weights.as_deref())?)
    } else {
        let weights = class_weight.map(|w| sample_weights(y, &w)).transpose()?;
        Ok(candidate.model.fit(x, y, weights.as_deref())?)
    }
}

/// The positive-class weight with the best mean inner-CV ROC AUC (the first one on ties).
fn search_positive_weight(
    candidate: &Candidate,
    x: ArrayView2<'_, f64>,
    y: &[bool],
    positive_weights: &[f64],
    inner_folds: usize,
    seed: u64,
) -> Result<f64> {
    let folds = StratifiedKFold::new(inner_folds)
        .shuffle(true)
        .seed(seed)
        .split(y)?;
    let scores = positive_weights
        .par_iter()
        .map(|&positive| {
            let weight = ClassWeight::Custom {
                negative: 1.0,
                positive,
            };
            let mut total = 0.0;
            for fold in &folds {
                let x_train = x.select(Axis(0), &fold.train);
                let y_train: Vec<bool> = fold.train.iter().map(|&i| y[i]).collect();
                let model = fit_weighted(candidate, x_train.view(), &y_train, Some(weight))?;
                let x_test = x.select(Axis(0), &fold.test);
                let y_test: Vec<bool> = fold.test.iter().map(|&i| y[i]).collect();
                let p = model.predict_proba(x_test.view())?.to_vec();
                total += roc_auc_score(&y_test, &p, None)?;
            }
            Ok(total / folds.len() as f64)
        })
        .collect::<Result<Vec<f64>>>()?;
    let mut best = 0;
    for (i, s) in scores.iter().enumerate() {
        if *s > scores[best] {
            best = i;
        }
    }
    Ok(positive_weights[best])
}
