//! The ensemble's figures in the comparison, built from the other candidates' held-out PDs
//! without fitting any of them again (see the [parent module](super)).

use std::time::Instant;

use ndarray::Array2;
use pdscore_models::calibration::CalibrationMethod;
use pdscore_models::stacking::FittedStack;
use pdscore_resample::Fold;

use super::{EnsembleFold, EnsembleSpec, check_member_count, choose_members, too_few_members};
use crate::candidate::{Candidate, CvSpec};
use crate::error::{PipelineError, Result};
use crate::select::FoldScores;
use crate::summary::FoldOutcome;

/// What one candidate's fit on one outer training fold leaves for stacking.
#[derive(Debug, Clone)]
pub(crate) struct FoldStack {
    /// Calibrated PD of each outer test row (in the fold's `test` order).
    pub test_pd: Vec<f64>,
    /// Calibrated, inner-cross-fitted PD of each outer training row (in the fold's `train`
    /// order): each row scored by the candidate fitted without its inner fold.
    pub inner_pd: Vec<f64>,
    /// The inner fold of each outer training row (same order).
    pub inner_fold: Vec<usize>,
    /// The candidate's figures on each inner fold.
    pub inner_scores: Vec<FoldScores>,
}

/// The outer-fold outcomes of the ensemble `candidate` from the successful base candidates
/// `base` (each with its [`FoldStack`] of every outer fold): one per fold of `folds`.
pub(crate) fn stacked_outcomes(
    candidate: &Candidate,
    spec: &EnsembleSpec,
    base: &[(&Candidate, &[FoldStack])],
    folds: &[Fold],
    y: &[bool],
    cv: &CvSpec,
) -> Vec<Result<FoldOutcome>> {
    folds
        .iter()
        .enumerate()
        .map(|(f, fold)| stack_fold(candidate, spec, base, f, fold, y, cv))
        .collect()
}

fn stack_fold(
    candidate: &Candidate,
    spec: &EnsembleSpec,
    base: &[(&Candidate, &[FoldStack])],
    f: usize,
    fold: &Fold,
    y: &[bool],
    cv: &CvSpec,
) -> Result<FoldOutcome> {
    let started = Instant::now();
    let candidates: Vec<&Candidate> = base.iter().map(|(c, _)| *c).collect();
    let stacks: Vec<&FoldStack> = base.iter().map(|(_, s)| &s[f]).collect();
    let inner_fold = &stacks
        .first()
        .ok_or_else(|| too_few_members(&[]))?
        .inner_fold;
    if stacks.iter().any(|s| &s.inner_fold != inner_fold) {
        return Err(PipelineError::InvalidParam {
            name: "ensemble",
            value: candidate.name.clone(),
            reason: "the candidates were cross-fitted on different inner folds".into(),
        });
    }
    let n_inner = stacks[0].inner_scores.len();
    let y_train: Vec<bool> = fold.train.iter().map(|&i| y[i]).collect();
    let floor = cv.calibration.pd_floor;
    let metric = cv.selection.metric;

    // The members and meta-learner of this outer fold, from the inner figures only.
    let mean_inner = |skip: Option<usize>| -> Vec<f64> {
        stacks
            .iter()
            .map(|s| {
                let kept: Vec<f64> = s
                    .inner_scores
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| Some(*j) != skip)
                    .map(|(_, score)| metric.oriented(score))
                    .collect();
                kept.iter().sum::<f64>() / kept.len().max(1) as f64
            })
            .collect()
    };
    let members = choose_members(&candidates, &mean_inner(None), spec.members);
    let all_rows: Vec<usize> = (0..y_train.len()).collect();
    let stack = fit_meta(spec, &stacks, &members, &all_rows, &y_train, &candidates)?;
    let pd: Vec<f64> = (0..fold.test.len())
        .map(|r| {
            let pds: Vec<f64> = members.iter().map(|&m| stacks[m].test_pd[r]).collect();
            stack.predict_row(&pds).max(floor)
        })
        .collect();

    // Cross-fitted inner figures for the nested selection: members and meta-learner chosen
    // and fitted without the inner fold they are measured on.
    let mut inner = Vec::with_capacity(n_inner);
    for j in 0..n_inner {
        let members_j = choose_members(&candidates, &mean_inner(Some(j)), spec.members);
        let (fit_rows, held): (Vec<usize>, Vec<usize>) =
            all_rows.iter().partition(|&&r| inner_fold[r] != j);
        let y_fit: Vec<bool> = fit_rows.iter().map(|&r| y_train[r]).collect();
        let stack_j = fit_meta(spec, &stacks, &members_j, &fit_rows, &y_fit, &candidates)?;
        let y_held: Vec<bool> = held.iter().map(|&r| y_train[r]).collect();
        let pd_held: Vec<f64> = held
            .iter()
            .map(|&r| {
                let pds: Vec<f64> = members_j.iter().map(|&m| stacks[m].inner_pd[r]).collect();
                stack_j.predict_row(&pds).max(floor)
            })
            .collect();
        inner.push(FoldScores::new(&y_held, &pd_held)?);
    }

    let ensemble = EnsembleFold {
        members: members
            .iter()
            .map(|&m| candidates[m].name.clone())
            .collect(),
        intercept: stack.intercept(),
        weights: stack.weights().to_vec(),
    };
    Ok(FoldOutcome {
        test: fold.test.clone(),
        pd,
        fit_seconds: started.elapsed().as_secs_f64(),
        description: format!("{}: {}", ensemble.name(), stack.describe()),
        // The meta-learner is the calibration: a logistic (Platt) map of the members' logits.
        calibration: CalibrationMethod::Sigmoid,
        tried: Vec::new(),
        iterations: None,
        chosen_positive_weight: None,
        tuned: None,
        inner,
        ensemble: Some(ensemble),
    })
}

/// Fits the meta-learner on the inner held-out PDs of `members` at the training-fold rows
/// `rows` (labels `y_rows`).
fn fit_meta(
    spec: &EnsembleSpec,
    stacks: &[&FoldStack],
    members: &[usize],
    rows: &[usize],
    y_rows: &[bool],
    candidates: &[&Candidate],
) -> Result<FittedStack> {
    check_member_count(members, candidates)?;
    let z = Array2::from_shape_fn((rows.len(), members.len()), |(r, m)| {
        stacks[members[m]].inner_pd[rows[r]]
    });
    Ok(spec.meta.fit(z.view(), y_rows)?)
}
