//! The `ensemble` candidate: a stack of the best other candidates of distinct model families,
//! blended by a non-negative logistic regression on their logits
//! ([`pdscore_models::stacking`]).
//!
//! **In the comparison** the ensemble costs no member fit. Every candidate is already fitted on
//! each outer training fold and cross-fitted on that fold's inner folds (to calibrate it), so
//! each one has calibrated, held-out PDs of every outer training row (from the inner fits) and
//! of every outer test row (from the training-fold fit). Inside each outer training fold the
//! ensemble
//!
//! 1. ranks the candidates by the selection metric on the **inner** folds and keeps the best
//!    [`EnsembleSpec::members`], at most one per model family ([`member_family`]), so the
//!    outer test fold never influences which members are chosen;
//! 2. fits the meta-learner on the members' inner held-out PDs of the training rows (logits of
//!    **calibrated** PDs, see below);
//! 3. scores the outer test rows from the members' outer PDs: these are the figures of its row
//!    in the comparison table.
//!
//! For the nested selection it also needs figures on each inner fold: those are cross-fitted
//! too, with the members chosen on the other inner folds and the meta-learner fitted on the
//! other inner folds' rows, then applied to the held-out inner fold.
//!
//! **Calibrated, not raw, member PDs.** Raw scores are on different scales (a forest's vote
//! share, a class-weighted or resampled model's shifted odds, AdaBoost's margin share), and
//! some are far from the log-odds a logistic blend assumes; each candidate's own calibration
//! step (fitted on its inner folds) maps them to PDs on one scale, so the meta-learner's
//! weights compare like with like, and a blend of calibrated members needs only a mild
//! correction. The meta-learner's free intercept (and its weights, which also set the spread)
//! then calibrate the blend itself: it is a Platt scaling with several inputs, fitted on held-out
//! PDs, so the ensemble's PDs need no further calibration step (the ECE and mean PD / observed
//! of its row in the calibration table check this on every run).
//!
//! **The saved ensemble** ([`crate::Pipeline::ensemble`]) holds every member refitted and
//! recalibrated on all labelled rows, as the candidate would be on its own, and the
//! meta-learner fitted on the members' pooled out-of-fold PDs of the comparison (as
//! scikit-learn's `StackingClassifier` fits its final estimator on `cross_val_predict`
//! outputs). The members are the best of the comparison itself (mean selection metric over the
//! outer folds), one per family. A row's PD is a function of that row alone: each member scores
//! it, then the blend.

mod fitted;
mod stack;

use pdscore_models::stacking::StackParams;
use serde::{Deserialize, Serialize};

use crate::candidate::Candidate;
use crate::error::{PipelineError, Result};

pub use fitted::{EnsembleCard, EnsembleMember, EnsembleMemberCard, FittedEnsemble};
pub(crate) use fitted::{EnsembleFit, fit_ensemble};
pub(crate) use stack::{FoldStack, stacked_outcomes};

/// Smallest number of members of an ensemble.
pub const MIN_MEMBERS: usize = 2;
/// Largest number of members of an ensemble.
pub const MAX_MEMBERS: usize = 5;

/// How the `ensemble` candidate is built.
///
/// ```
/// use pdscore_pipeline::EnsembleSpec;
/// assert_eq!(EnsembleSpec::default().members, 3);
/// assert!(EnsembleSpec::default().members(5).check().is_ok());
/// assert!(EnsembleSpec::default().members(1).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EnsembleSpec {
    /// How many members: the best candidates of distinct families, `2..=5`. Default 3. Fewer
    /// are used when fewer families ran.
    pub members: usize,
    /// The meta-learner's parameters. Default [`StackParams::default`].
    #[serde(default)]
    pub meta: StackParams,
}

impl Default for EnsembleSpec {
    fn default() -> Self {
        EnsembleSpec {
            members: 3,
            meta: StackParams::default(),
        }
    }
}

impl EnsembleSpec {
    /// Sets the number of members, `2..=5`. Default 3.
    pub fn members(mut self, members: usize) -> Self {
        self.members = members;
        self
    }

    /// Validates the spec.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] for a member count outside `2..=5`; the meta-learner's
    /// parameter errors.
    pub fn check(&self) -> Result<()> {
        if !(MIN_MEMBERS..=MAX_MEMBERS).contains(&self.members) {
            return Err(PipelineError::InvalidParam {
                name: "ensemble_members",
                value: self.members.to_string(),
                reason: format!("between {MIN_MEMBERS} and {MAX_MEMBERS}"),
            });
        }
        self.meta.check()?;
        Ok(())
    }
}

/// The members and meta-learner of an ensemble in one outer fold of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleFold {
    /// The member candidates, best first.
    pub members: Vec<String>,
    /// The meta-learner's intercept.
    pub intercept: f64,
    /// The weight of each member's logit (same order), each `>= 0`.
    pub weights: Vec<f64>,
}

impl EnsembleFold {
    /// `ensemble(gbm, random_forest, logreg)`.
    pub fn name(&self) -> String {
        format!("ensemble({})", self.members.join(", "))
    }

    /// `gbm 0.61, random_forest 0.30, logreg 0.12; intercept -0.05`.
    pub fn weights_text(&self) -> String {
        let parts: Vec<String> = self
            .members
            .iter()
            .zip(&self.weights)
            .map(|(m, w)| format!("{m} {w:.3}"))
            .collect();
        format!("{}; intercept {:.3}", parts.join(", "), self.intercept)
    }
}

/// The family a candidate counts as when members are chosen: its model family, so the
/// scorecard and every logistic regression variant are one family (`logistic_regression`),
/// and so are `gbm` and `gbm_balanced` (`gbm`), the three MLPs (`mlp`), etc.
pub fn member_family(candidate: &Candidate) -> &'static str {
    candidate.model.family()
}

/// The indices of the members: candidates in decreasing order of `score` (ties: list order),
/// skipping stacked candidates, non-finite scores and families already taken, until `k`.
pub(crate) fn choose_members(candidates: &[&Candidate], score: &[f64], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..candidates.len())
        .filter(|&i| candidates[i].ensemble.is_none() && score[i].is_finite())
        .collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    let mut taken: Vec<&str> = Vec::new();
    let mut members = Vec::new();
    for i in order {
        let family = member_family(candidates[i]);
        if !taken.contains(&family) {
            taken.push(family);
            members.push(i);
            if members.len() == k {
                break;
            }
        }
    }
    members
}

/// The error when fewer than two families are available.
pub(crate) fn too_few_members(found: &[String]) -> PipelineError {
    PipelineError::InvalidParam {
        name: "ensemble",
        value: format!("members [{}]", found.join(", ")),
        reason: format!(
            "an ensemble needs successful candidates of at least {MIN_MEMBERS} model families \
             (logistic regression, decision tree, random forest, AdaBoost, GBM, MLP)"
        ),
    }
}

/// [`too_few_members`] when `members` (indices into `candidates`) are fewer than
/// [`MIN_MEMBERS`].
pub(crate) fn check_member_count(
    members: &[usize],
    candidates: &[&crate::candidate::Candidate],
) -> Result<(), PipelineError> {
    if members.len() < MIN_MEMBERS {
        let found: Vec<String> = members
            .iter()
            .map(|&m| candidates[m].name.clone())
            .collect();
        return Err(too_few_members(&found));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
