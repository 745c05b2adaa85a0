//! Fitting one candidate on training rows: preprocessing, then weighting and resampling of the
//! training rows only, then the model ([`fit_candidate`]); and the calibrated fit that the
//! comparison and the final pipeline use ([`fit_calibrated`]), which cross-fits the candidate
//! inside its training rows to calibrate it, pick its number of rounds or epochs, and measure it
//! for the nested selection.

use ndarray::{ArrayView2, Axis};
use pdscore_features::FittedFeatures;
use pdscore_ingest::{Schema, Table};
use pdscore_metrics::roc_auc_score;
use pdscore_models::FittedClassifier;
use pdscore_models::calibration::{CalibrationMethod, PriorShift};
use pdscore_models::registry::FittedModel;
use pdscore_resample::{ClassWeight, StratifiedKFold, sample_weights};
use rayon::prelude::*;

use crate::calibration::{Calibration, CrossFitted, choose_calibration};
use crate::candidate::{Candidate, CvSpec, Weighting};
use crate::data::take_rows;
use crate::error::{PipelineError, Result};
use crate::select::FoldScores;
use crate::tune::{Deadline, TunedParams, configurations, successive_halving};

/// A candidate's model fitted on some rows, before calibration.
pub(crate) struct RawFit {
    pub model: FittedModel,
    /// The correction of the odds that undoes the class prior the training objective saw
    /// (weights, resampling, the model's own class weights) in favour of the rows' own.
    pub prior_shift: PriorShift,
    /// Whether that prior differs from the rows' own.
    pub prior_moved: bool,
}

/// Held-out rows a model that stops early watches (never resampled).
#[derive(Clone, Copy)]
pub(crate) struct Validation<'a> {
    pub x: ArrayView2<'a, f64>,
    pub y: &'a [bool],
}

/// A candidate fitted on some training rows, before calibration: what permutation importance
/// needs.
pub(crate) struct FittedParts {
    pub features: FittedFeatures,
    pub model: FittedModel,
}

/// Fits `candidate` on the rows of `table` with labels `y`, uncalibrated; `seed` drives the
/// inner CV of a weight grid.
pub(crate) fn fit_candidate(
    candidate: &Candidate,
    table: &Table,
    schema: &Schema,
    y: &[bool],
    seed: u64,
) -> Result<FittedParts> {
    let features = candidate
        .features
        .params()
        .fit_with_labels(table, schema, y)?;
    let x = features.transform(table)?.matrix;
    let candidate = crate::monotone::constrain(candidate, &features)?;
    let raw = fit_raw(&candidate, x.view(), y, seed, None)?;
    Ok(FittedParts {
        features,
        model: raw.model,
    })
}

impl Candidate {
    /// Fits the candidate's weighting, sampler and model on `x`, a matrix that is already
    /// preprocessed (the candidate's [`features`](Candidate::features) are not applied), and
    /// returns the model uncalibrated: exactly the fit the comparison makes after the
    /// preprocessing. For benchmarks on matrices preprocessed elsewhere, such as
    /// `cargo xtask bench-peers` on the peers' exported folds. `seed` drives the inner CV of a
    /// [`Weighting::Grid`]; a model that stops early watches its own held-out share.
    ///
    /// # Errors
    /// The weighting, sampler and model errors; [`PipelineError::InvalidParam`] for a
    /// candidate with [`Candidate::monotone`] constraints, which name input columns that a
    /// bare matrix does not have (set the model's own `monotone_constraints` instead).
    pub fn fit_matrix(&self, x: ArrayView2<'_, f64>, y: &[bool], seed: u64) -> Result<FittedModel> {
        if let Some(spec) = &self.monotone {
            return Err(PipelineError::InvalidParam {
                name: "monotone",
                value: spec.to_string(),
                reason: "a preprocessed matrix has no input columns to resolve the names \
                         against; set the model's monotone_constraints instead"
                    .into(),
            });
        }
        Ok(fit_raw(self, x, y, seed, None)?.model)
    }
}

/// Fits the weighting, sampler and model of `candidate` on an already transformed matrix. A
/// model that stops early watches `validation` when given, else its own held-out share.
pub(crate) fn fit_raw(
    candidate: &Candidate,
    x: ArrayView2<'_, f64>,
    y: &[bool],
    seed: u64,
    validation: Option<Validation<'_>>,
) -> Result<RawFit> {
    let class_weight = match &candidate.weighting {
        None => None,
        Some(Weighting::Fixed(weight)) => Some(*weight),
        Some(Weighting::Grid {
            positive_weights,
            inner_folds,
        }) => {
            let best =
                search_positive_weight(candidate, x, y, positive_weights, *inner_folds, seed)?;
            Some(ClassWeight::Custom {
                negative: 1.0,
                positive: best,
            })
        }
    };
    let (model, objective_prior) = fit_weighted(candidate, x, y, class_weight, validation)?;
    let data_prior = share_of_positives(y, None);
    let objective_prior = candidate.model.effective_prior(objective_prior);
    Ok(RawFit {
        model,
        prior_shift: PriorShift::between(objective_prior, data_prior)?,
        prior_moved: (objective_prior - data_prior).abs() > 1e-12 * data_prior,
    })
}

/// Share of the (weighted) rows that are positive.
fn share_of_positives(y: &[bool], weights: Option<&[f64]>) -> f64 {
    let (mut positive, mut total) = (0.0, 0.0);
    for (i, &label) in y.iter().enumerate() {
        let w = weights.map_or(1.0, |w| w[i]);
        total += w;
        if label {
            positive += w;
        }
    }
    positive / total
}

/// Fits the sampler and model with the class weighting; returns the model and the positive
/// share its training objective saw. Validation rows are weighted to that same share, so that
/// early stopping watches the objective the model is fitted on, without resampled copies.
fn fit_weighted(
    candidate: &Candidate,
    x: ArrayView2<'_, f64>,
    y: &[bool],
    class_weight: Option<ClassWeight>,
    validation: Option<Validation<'_>>,
) -> Result<(FittedModel, f64)> {
    let resampled = candidate
        .sampler
        .as_ref()
        .map(|spec| spec.build().and_then(|s| s.fit_resample(x, y)))
        .transpose()?;
    let (x, y) = match &resampled {
        Some(r) => (r.x.view(), r.y.as_slice()),
        None => (x.view(), y),
    };
    let weights = class_weight.map(|w| sample_weights(y, &w)).transpose()?;
    let objective_prior = share_of_positives(y, weights.as_deref());
    let model = match validation {
        Some(v) if candidate.model.stops_early() => {
            let moved = candidate.weighting.is_some() || candidate.sampler.is_some();
            let valid_weights = moved.then(|| reweighted_to(v.y, objective_prior));
            candidate.model.fit_with_validation(
                x,
                y,
                weights.as_deref(),
                v.x,
                v.y,
                valid_weights.as_deref(),
            )?
        }
        _ => candidate.model.fit(x, y, weights.as_deref())?,
    };
    Ok((model, objective_prior))
}

/// Weights that make the positive share of `y` equal `prior`.
fn reweighted_to(y: &[bool], prior: f64) -> Vec<f64> {
    let share = share_of_positives(y, None);
    let (positive, negative) = (prior / share, (1.0 - prior) / (1.0 - share));
    y.iter()
        .map(|&v| if v { positive } else { negative })
        .collect()
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
                let (model, _) =
                    fit_weighted(candidate, x_train.view(), &y_train, Some(weight), None)?;
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

/// A candidate fitted and calibrated on some training rows.
pub(crate) struct CalibratedFit {
    pub features: FittedFeatures,
    pub model: FittedModel,
    pub calibration: Calibration,
    /// The positive-class weight a weight grid chose on all the rows, if any.
    pub chosen_positive_weight: Option<f64>,
    /// Rounds or epochs chosen on the inner folds, for models that stop early.
    pub iterations: Option<usize>,
    /// Each calibration method tried, with its cross-validated log loss.
    pub tried: Vec<(CalibrationMethod, f64)>,
    /// The candidate's figures on each inner fold (calibrated, cross-validated PDs): what the
    /// nested selection compares.
    pub inner: Vec<FoldScores>,
    /// The calibrated, cross-validated PD of each row (its inner fold's model and calibrator
    /// were fitted without it): what an ensemble's meta-learner is fitted on.
    pub inner_pd: Vec<f64>,
    /// The inner fold of each row.
    pub inner_fold_of_row: Vec<usize>,
    /// What the hyper-parameter search chose, for a tuned candidate.
    pub tuned: Option<TunedParams>,
    /// The candidate as fitted: a tuned candidate's winning configuration (no tuning of its
    /// own), else the candidate (with any weight grid resolved).
    pub fitted_candidate: Candidate,
}

struct InnerFit {
    /// The selection metric of the uncalibrated scores (higher is better): what tuning races.
    figure: f64,
    test: Vec<usize>,
    scores: Vec<f64>,
    prior_shift: PriorShift,
    prior_moved: bool,
    curve: Option<Vec<f64>>,
}

/// Fits `candidate` on the rows of `table` and calibrates it without scoring a row it trained
/// on.
///
/// 1. The preprocessing is fitted on all the rows (a shortcut the inner folds share: it learns
///    medians, scales and levels, never the labels), and a weight grid is searched once on
///    them; the weight it picks is used by every fit below. A preprocessing that learns from
///    the labels (WoE binning) is instead refitted on each inner training part, so that no
///    inner held-out row is scored through bins that saw its label.
/// 2. The rows are split into `spec.inner_folds` stratified folds (fewer when a class has
///    fewer rows, see [`CalibrationSpec::inner_folds_for`]; seeded by `seed`); each fold
///    is scored by the candidate fitted on the others. A model that stops early watches its
///    inner held-out fold, and the number of rounds or epochs where the mean of those
///    validation curves is lowest is kept for the final fit.
/// 3. The candidate is fitted on all the rows (that many rounds or epochs).
/// 4. The calibrator is chosen and fitted on the cross-fitted scores
///    ([`choose_calibration`]).
///
/// A tuned candidate ([`Candidate::tuning`]) races its configurations on the inner folds of
/// step 2 ([`crate::TuningSpec`], stopping early at `deadline`); the winner's inner fits are
/// the ones steps 3 and 4 use.
pub(crate) fn fit_calibrated(
    candidate: &Candidate,
    table: &Table,
    schema: &Schema,
    y: &[bool],
    cv: &CvSpec,
    seed: u64,
    deadline: Deadline,
) -> Result<CalibratedFit> {
    let spec = &cv.calibration;
    let params = candidate.features.params();
    let features = params.fit_with_labels(table, schema, y)?;
    let x = features.transform(table)?.matrix;
    let refit_features = params.uses_labels();
    // Constraints are resolved against these features; a candidate with constraints never
    // learns its features from the labels, so the inner folds share them.
    let candidate = crate::monotone::constrain(candidate, &features)?;
    let (candidate, chosen_positive_weight) = resolve_weight_grid(&candidate, x.view(), y, seed)?;
    let candidate = &candidate;
    let folds = StratifiedKFold::new(spec.inner_folds_for(y))
        .shuffle(true)
        .seed(seed)
        .split(y)?;
    let stops_early = candidate.model.stops_early();
    let racing = candidate.tuning.is_some();
    let fit_fold = |candidate: &Candidate, k: usize| -> Result<InnerFit> {
        let fold = &folds[k];
        let y_train: Vec<bool> = fold.train.iter().map(|&i| y[i]).collect();
        let y_test: Vec<bool> = fold.test.iter().map(|&i| y[i]).collect();
        let (x_train, x_test) = if refit_features {
            let train = take_rows(table, &fold.train);
            let inner_features = params.fit_with_labels(&train, schema, &y_train)?;
            (
                inner_features.transform(&train)?.matrix,
                inner_features
                    .transform(&take_rows(table, &fold.test))?
                    .matrix,
            )
        } else {
            (
                x.select(Axis(0), &fold.train),
                x.select(Axis(0), &fold.test),
            )
        };
        let validation = stops_early.then_some(Validation {
            x: x_test.view(),
            y: &y_test,
        });
        let raw = fit_raw(candidate, x_train.view(), &y_train, seed, validation)?;
        let scores = raw.model.predict_proba(x_test.view())?.to_vec();
        let figure = if racing {
            let figure = FoldScores::new(&y_test, &scores)?;
            cv.selection.metric.oriented(&figure)
        } else {
            f64::NAN
        };
        Ok(InnerFit {
            figure,
            test: fold.test.clone(),
            scores,
            prior_shift: raw.prior_shift,
            prior_moved: raw.prior_moved,
            curve: raw.model.validation_curve().map(<[f64]>::to_vec),
        })
    };
    let (candidate, inner, tuned) = match &candidate.tuning {
        None => {
            let inner: Vec<InnerFit> = (0..folds.len())
                .into_par_iter()
                .map(|k| fit_fold(candidate, k))
                .collect::<Result<_>>()?;
            (candidate.clone(), inner, None)
        }
        Some(tuning) => {
            let configs = configurations(candidate, tuning);
            let raced = successive_halving(
                &configs,
                folds.len(),
                tuning.eta,
                deadline,
                fit_fold,
                |f: &InnerFit| f.figure,
            )?;
            let winner = configs
                .into_iter()
                .nth(raced.winner)
                .expect("the winner is one of the configurations");
            (winner.candidate, raced.fits, Some(raced.report))
        }
    };
    let candidate = &candidate;
    let iterations = if stops_early {
        best_iteration(&inner)
    } else {
        None
    };
    let final_candidate = match iterations {
        Some(n) => Candidate {
            model: candidate.model.with_fixed_iterations(n),
            ..candidate.clone()
        },
        None => candidate.clone(),
    };
    let raw = fit_raw(&final_candidate, x.view(), y, seed, None)?;

    let mut scores = vec![0.0; y.len()];
    let mut fold_of_row = vec![0; y.len()];
    for (k, fit) in inner.iter().enumerate() {
        for (&i, &s) in fit.test.iter().zip(&fit.scores) {
            scores[i] = s;
            fold_of_row[i] = k;
        }
    }
    let fold_prior_shift: Vec<PriorShift> = inner.iter().map(|f| f.prior_shift).collect();
    let chosen = choose_calibration(
        spec,
        &CrossFitted {
            y,
            scores: &scores,
            fold_of_row: &fold_of_row,
            fold_prior_shift: &fold_prior_shift,
            final_prior_shift: &raw.prior_shift,
            prior_moved: raw.prior_moved || inner.iter().any(|f| f.prior_moved),
        },
    )?;
    let inner_scores = inner
        .iter()
        .map(|fit| {
            let y_test: Vec<bool> = fit.test.iter().map(|&i| y[i]).collect();
            let pd: Vec<f64> = fit
                .test
                .iter()
                .map(|&i| chosen.cross_validated_pd[i])
                .collect();
            FoldScores::new(&y_test, &pd)
        })
        .collect::<Result<_>>()?;
    Ok(CalibratedFit {
        features,
        model: raw.model,
        calibration: chosen.calibration,
        chosen_positive_weight,
        iterations,
        tried: chosen.tried,
        inner: inner_scores,
        inner_pd: chosen.cross_validated_pd,
        inner_fold_of_row: fold_of_row,
        tuned,
        fitted_candidate: candidate.clone(),
    })
}

/// `candidate` with its weight grid (if it has one) replaced by the weight the grid search picks
/// on these rows, and that weight: the inner fits and the final fit then share one weighting,
/// so the calibrator fitted on the inner fits' scores suits the final model's.
fn resolve_weight_grid(
    candidate: &Candidate,
    x: ArrayView2<'_, f64>,
    y: &[bool],
    seed: u64,
) -> Result<(Candidate, Option<f64>)> {
    let Some(Weighting::Grid {
        positive_weights,
        inner_folds,
    }) = &candidate.weighting
    else {
        return Ok((candidate.clone(), None));
    };
    let best = search_positive_weight(candidate, x, y, positive_weights, *inner_folds, seed)?;
    let fixed = Candidate {
        weighting: Some(Weighting::Fixed(ClassWeight::Custom {
            negative: 1.0,
            positive: best,
        })),
        ..candidate.clone()
    };
    Ok((fixed, Some(best)))
}

/// The number of iterations (1-based) where the mean of the inner validation curves is lowest,
/// over the iterations every curve reached. `None` when a fit kept no curve.
fn best_iteration(inner: &[InnerFit]) -> Option<usize> {
    let curves: Vec<&[f64]> = inner
        .iter()
        .map(|f| f.curve.as_deref())
        .collect::<Option<_>>()?;
    let reached = curves.iter().map(|c| c.len()).min()?;
    let mut best: Option<(usize, f64)> = None;
    for i in 0..reached {
        let mean = curves.iter().map(|c| c[i]).sum::<f64>() / curves.len() as f64;
        if best.is_none_or(|(_, b)| mean < b) {
            best = Some((i + 1, mean));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(curve: Vec<f64>) -> InnerFit {
        InnerFit {
            figure: 0.0,
            test: vec![],
            scores: vec![],
            prior_shift: PriorShift::between(0.5, 0.5).unwrap(),
            prior_moved: false,
            curve: Some(curve),
        }
    }

    #[test]
    fn best_iteration_is_the_minimum_of_the_mean_curve_over_common_rounds() {
        let fits = [
            inner(vec![0.5, 0.4, 0.35, 0.36, 0.37]),
            inner(vec![0.5, 0.3, 0.34, 0.33]),
        ];
        // means: 0.5, 0.35, 0.345, 0.345 (4 rounds reached by both): the first minimum wins
        assert_eq!(best_iteration(&fits), Some(3));
        let no_curve = InnerFit {
            curve: None,
            ..inner(vec![])
        };
        assert_eq!(best_iteration(&[no_curve]), None);
    }

    #[test]
    fn reweighting_reaches_the_prior() {
        let y = [true, false, false, false];
        let w = reweighted_to(&y, 0.5);
        assert!((share_of_positives(&y, Some(&w)) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn fit_matrix_is_the_weighted_or_resampled_model_fit() {
        use crate::candidate::FeaturePreset;
        use pdscore_models::LogisticRegressionParams;
        use pdscore_models::registry::ModelSpec;
        use pdscore_resample::{RandomOverSamplerParams, SamplerSpec};

        let n = 60;
        let y: Vec<bool> = (0..n).map(|i| i % 6 == 0).collect();
        let x = ndarray::Array2::from_shape_fn((n, 2), |(i, j)| {
            (i as f64 * 0.37 + j as f64).sin() + if y[i] { 1.5 } else { 0.0 }
        });
        let model = ModelSpec::LogisticRegression(LogisticRegressionParams::new());
        let score = |m: &FittedModel| m.predict_proba(x.view()).unwrap().to_vec();

        let plain = Candidate::new("logreg", FeaturePreset::Linear, model.clone());
        let by_hand = model.fit(x.view(), &y, None).unwrap();
        assert_eq!(
            score(&plain.fit_matrix(x.view(), &y, 0).unwrap()),
            score(&by_hand)
        );

        let balanced = plain
            .clone()
            .weighting(Weighting::Fixed(ClassWeight::Balanced));
        let weights = sample_weights(&y, &ClassWeight::Balanced).unwrap();
        let by_hand = model.fit(x.view(), &y, Some(&weights)).unwrap();
        assert_eq!(
            score(&balanced.fit_matrix(x.view(), &y, 0).unwrap()),
            score(&by_hand)
        );

        let sampler = SamplerSpec::RandomOverSampler(RandomOverSamplerParams::new().seed(4));
        let oversampled = plain.sampler(sampler.clone());
        let resampled = sampler.build().unwrap().fit_resample(x.view(), &y).unwrap();
        let by_hand = model.fit(resampled.x.view(), &resampled.y, None).unwrap();
        assert_eq!(
            score(&oversampled.fit_matrix(x.view(), &y, 0).unwrap()),
            score(&by_hand)
        );
    }
}
