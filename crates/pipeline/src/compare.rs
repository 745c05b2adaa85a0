//! The cross-validated comparison of candidates: [`compare`].

use std::time::Instant;

use pdscore_metrics::MasterScale;
use pdscore_models::FittedClassifier;
use pdscore_resample::StratifiedKFold;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::candidate::{Candidate, CvSpec};
use crate::data::{LabelledData, take_rows};
use crate::ensemble::{FoldStack, stacked_outcomes};
use crate::error::{PipelineError, Result};
use crate::fit::fit_calibrated;
use crate::nested::{NestedEvaluation, nested_evaluation};
use crate::select::{FoldScores, Selection, select};
use crate::summary::{FoldOutcome, summarise};
use crate::tune::Deadline;

pub use crate::summary::CandidateResult;

/// Progress of a comparison, reported once per finished (candidate, fold) fit (a stacked
/// ensemble fits nothing per fold and is not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Fits finished so far.
    pub done: usize,
    /// Fits in total (candidates that are not ensembles × folds).
    pub total: usize,
}

/// A candidate that could not be evaluated, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedCandidate {
    /// Candidate name.
    pub name: String,
    /// The first error met.
    pub error: String,
}

/// The outcome of [`compare`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The CV spec used.
    pub cv: CvSpec,
    /// The labels of the labelled rows, in row order.
    pub y: Vec<bool>,
    /// The fold whose held-out part holds each labelled row.
    pub fold_of_row: Vec<usize>,
    /// Results of the candidates that ran, in candidate order.
    pub results: Vec<CandidateResult>,
    /// Candidates that failed.
    pub failed: Vec<FailedCandidate>,
    /// Index into `results` of the selected candidate.
    pub best: usize,
    /// How the selection came out: leader, ties, paired differences (indices into `results`).
    pub selection: Selection,
    /// The honest figures of the whole procedure: the selection redone inside each outer
    /// training fold and judged on that fold's held-out rows.
    pub nested: NestedEvaluation,
    /// Wall seconds of the whole comparison.
    pub wall_seconds: f64,
}

impl Comparison {
    /// The selected candidate's result.
    pub fn best(&self) -> &CandidateResult {
        &self.results[self.best]
    }

    /// The result of the candidate called `name`.
    pub fn result(&self, name: &str) -> Option<&CandidateResult> {
        self.results.iter().find(|r| r.candidate.name == name)
    }

    /// The rating-grade table of the selected candidate's pooled out-of-fold PDs, on the
    /// comparison's master scale.
    ///
    /// # Errors
    /// Metric errors on degenerate predictions.
    pub fn grades(&self) -> Result<Vec<pdscore_metrics::GradeRow>> {
        grade_table(&self.cv.master_scale, &self.y, &self.best().oof)
    }
}

fn grade_table(
    scale: &MasterScale,
    y: &[bool],
    pd: &[f64],
) -> Result<Vec<pdscore_metrics::GradeRow>> {
    Ok(scale.table(y, pd)?)
}

/// Cross-validates every candidate on the labelled rows of `data` and selects the best.
///
/// Folds are stratified and shuffled with `cv.seed`. For each (candidate, fold) pair, run in
/// parallel, everything is fitted on the training part only: the preprocessing, the class
/// weighting or resampling, the model, and its calibration, which is cross-fitted on inner
/// folds of the training part ([`crate::CalibrationSpec`]). The held-out part is scored with
/// calibrated PDs.
///
/// Per candidate ([`CandidateResult`]): mean and sample std of the fold ROC and PR AUCs, fold
/// and pooled log loss, Brier, the calibration figures of the pooled out-of-fold PDs, Gini and
/// KS, and a cross-fitted decision threshold (each fold's threshold is chosen on the other
/// folds) with its pooled confusion matrix. The threshold saved with the model is chosen on
/// all pooled out-of-fold PDs. A candidate whose fit fails is listed in
/// [`Comparison::failed`] and left out of the selection.
///
/// A stacked candidate ([`Candidate::stacked`], `ensemble` in the default list) is fitted last
/// on each fold, from the other candidates' held-out PDs only (members chosen and blended on
/// the inner folds of the training part, see [`crate::EnsembleSpec`]); it refits none of them.
///
/// The winner follows `cv.selection` ([`crate::SelectionRule`]). Its figures are optimistic —
/// it was picked for them — so the same selection is also redone inside each outer training
/// fold on the inner figures, and [`Comparison::nested`] holds what that procedure scores on
/// the held-out folds.
///
/// # Errors
/// Invalid spec or candidates, fewer labelled rows of a class than folds, duplicate names, or
/// every candidate failing.
pub fn compare(
    data: &LabelledData,
    candidates: &[Candidate],
    cv: &CvSpec,
    progress: Option<&(dyn Fn(Progress) + Sync)>,
) -> Result<Comparison> {
    let started = Instant::now();
    cv.check()?;
    check_candidates(candidates)?;
    let positives = data.y.iter().filter(|&&v| v).count();
    let negatives = data.y.len() - positives;
    // Each outer training fold is split again into at least 2 inner folds, so each class needs
    // 2 rows in every outer training fold.
    let fits_inner = |n: usize| n - n.div_ceil(cv.folds) >= 2;
    let needed = (cv.folds..=cv.folds + 2)
        .find(|&n| fits_inner(n))
        .unwrap_or(cv.folds + 2);
    if positives < needed || negatives < needed {
        return Err(PipelineError::TooFewLabels {
            positives,
            negatives,
            folds: needed,
        });
    }
    let folds = StratifiedKFold::new(cv.folds)
        .shuffle(true)
        .seed(cv.seed)
        .split(&data.y)?;
    compare_on_folds(data, candidates, cv, &folds, progress, started)
}

/// [`compare`] on given outer folds (`folds.len()` must be `cv.folds`).
pub(crate) fn compare_on_folds(
    data: &LabelledData,
    candidates: &[Candidate],
    cv: &CvSpec,
    folds: &[pdscore_resample::Fold],
    progress: Option<&(dyn Fn(Progress) + Sync)>,
    started: Instant,
) -> Result<Comparison> {
    let mut fold_of_row = vec![0; data.y.len()];
    for (k, fold) in folds.iter().enumerate() {
        for &i in &fold.test {
            fold_of_row[i] = k;
        }
    }
    // Stacked candidates fit nothing per fold: they are built below from the others' PDs.
    let base: Vec<usize> = (0..candidates.len())
        .filter(|&c| candidates[c].ensemble.is_none())
        .collect();
    let keep_stacks = base.len() < candidates.len();
    let budget_left = cv.budget_seconds - started.elapsed().as_secs_f64();
    let deadline = Deadline::after(budget_left);
    let total = base.len() * folds.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let jobs: Vec<(usize, usize)> = base
        .iter()
        .flat_map(|&c| (0..folds.len()).map(move |f| (c, f)))
        .collect();
    let outcomes: Vec<Result<(FoldOutcome, Option<FoldStack>)>> = jobs
        .par_iter()
        .map(|&(c, f)| {
            let outcome = run_fold(
                &candidates[c],
                data,
                cv,
                &folds[f],
                cv.seed + f as u64,
                keep_stacks,
                deadline,
            );
            let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if let Some(report) = progress {
                report(Progress {
                    done: finished,
                    total,
                });
            }
            outcome
        })
        .collect();
    let mut per_candidate: Vec<Vec<Result<FoldOutcome>>> =
        (0..candidates.len()).map(|_| Vec::new()).collect();
    let mut stacks: Vec<Vec<FoldStack>> = (0..candidates.len()).map(|_| Vec::new()).collect();
    for ((c, _), outcome) in jobs.iter().zip(outcomes) {
        per_candidate[*c].push(outcome.map(|(o, stack)| {
            stacks[*c].extend(stack);
            o
        }));
    }
    let mut summarised: Vec<Option<Result<CandidateResult>>> =
        (0..candidates.len()).map(|_| None).collect();
    for &c in &base {
        let outcomes = std::mem::take(&mut per_candidate[c]);
        summarised[c] = Some(summarise(&candidates[c], data, cv, &fold_of_row, outcomes));
    }
    let succeeded: Vec<(&Candidate, &[FoldStack])> = base
        .iter()
        .filter(|&&c| matches!(summarised[c], Some(Ok(_))) && stacks[c].len() == folds.len())
        .map(|&c| (&candidates[c], stacks[c].as_slice()))
        .collect();
    for (c, candidate) in candidates.iter().enumerate() {
        if let Some(spec) = &candidate.ensemble {
            let outcomes = stacked_outcomes(candidate, spec, &succeeded, folds, &data.y, cv);
            summarised[c] = Some(summarise(candidate, data, cv, &fold_of_row, outcomes));
        }
    }
    drop(succeeded);
    let mut results = Vec::new();
    let mut failed = Vec::new();
    for (candidate, result) in candidates.iter().zip(summarised) {
        match result {
            Some(Ok(r)) => results.push(r),
            Some(Err(e)) => failed.push(FailedCandidate {
                name: candidate.name.clone(),
                error: e.to_string(),
            }),
            None => {}
        }
    }
    if results.is_empty() {
        return Err(PipelineError::NoCandidateSucceeded {
            first: failed.first().map(|f| f.error.clone()).unwrap_or_default(),
        });
    }
    let complexity: Vec<(u8, u8)> = results.iter().map(|r| r.candidate.complexity()).collect();
    let outer: Vec<Vec<FoldScores>> = results.iter().map(|r| r.folds.clone()).collect();
    let selection = select(&outer, cv.selection, &complexity);
    let nested = nested_evaluation(&results, &data.y, &fold_of_row, cv, &complexity)?;
    Ok(Comparison {
        cv: cv.clone(),
        y: data.y.clone(),
        fold_of_row,
        best: selection.chosen,
        selection,
        nested,
        results,
        failed,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}

fn check_candidates(candidates: &[Candidate]) -> Result<()> {
    if candidates.is_empty() {
        return Err(PipelineError::InvalidParam {
            name: "candidates",
            value: "[]".into(),
            reason: "at least one candidate".into(),
        });
    }
    for (i, c) in candidates.iter().enumerate() {
        c.check()?;
        if candidates[..i].iter().any(|o| o.name == c.name) {
            return Err(PipelineError::InvalidParam {
                name: "candidates",
                value: c.name.clone(),
                reason: "candidate names must be unique".into(),
            });
        }
    }
    Ok(())
}

fn run_fold(
    candidate: &Candidate,
    data: &LabelledData,
    cv: &CvSpec,
    fold: &pdscore_resample::Fold,
    seed: u64,
    keep_stack: bool,
    deadline: Deadline,
) -> Result<(FoldOutcome, Option<FoldStack>)> {
    let started = Instant::now();
    let train = take_rows(&data.table, &fold.train);
    let y_train: Vec<bool> = fold.train.iter().map(|&i| data.y[i]).collect();
    let fitted = fit_calibrated(
        candidate,
        &train,
        &data.schema,
        &y_train,
        cv,
        seed,
        deadline,
    )?;
    let fit_seconds = started.elapsed().as_secs_f64();
    let test = take_rows(&data.table, &fold.test);
    let x_test = fitted.features.transform(&test)?.matrix;
    let mut pd = fitted.model.predict_proba(x_test.view())?.to_vec();
    fitted.calibration.apply_in_place(&mut pd);
    let stack = keep_stack.then(|| FoldStack {
        test_pd: pd.clone(),
        inner_pd: fitted.inner_pd,
        inner_fold: fitted.inner_fold_of_row,
        inner_scores: fitted.inner.clone(),
    });
    let outcome = FoldOutcome {
        test: fold.test.clone(),
        pd,
        fit_seconds,
        description: fitted.model.describe(),
        calibration: fitted.calibration.calibrator.method(),
        tried: fitted.tried,
        iterations: fitted.iterations,
        chosen_positive_weight: fitted.chosen_positive_weight,
        inner: fitted.inner,
        ensemble: None,
        tuned: fitted.tuned,
    };
    Ok((outcome, stack))
}
