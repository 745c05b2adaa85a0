//! The saved ensemble: members refitted on all labelled rows and the meta-learner
//! ([`FittedEnsemble`]), and the final fit that builds it ([`fit_ensemble`]).

use ndarray::Array2;
use pdscore_features::FittedFeatures;
use pdscore_ingest::Table;
use pdscore_models::FittedClassifier;
use pdscore_models::registry::FittedModel;
use pdscore_models::stacking::FittedStack;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{EnsembleSpec, check_member_count, choose_members, too_few_members};
use crate::calibration::{Calibration, TargetRate};
use crate::candidate::Candidate;
use crate::compare::Comparison;
use crate::data::LabelledData;
use crate::error::Result;
use crate::fit::{CalibratedFit, fit_calibrated};

/// One member of a saved ensemble after the first (the first is the pipeline's own
/// [`features`](crate::Pipeline::features), [`model`](crate::Pipeline::model) and
/// [`calibration`](crate::Pipeline::calibration)).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnsembleMember {
    /// The candidate's name, e.g. `random_forest`.
    pub name: String,
    /// Its preprocessing, fitted on all labelled rows.
    pub features: FittedFeatures,
    /// Its model, fitted on all labelled rows.
    pub model: FittedModel,
    /// Its own calibration step (no target rate: that applies to the blend).
    pub calibration: Calibration,
}

impl EnsembleMember {
    /// The member's calibrated PD of every row of `table`.
    ///
    /// # Errors
    /// Preprocessing and model errors.
    pub fn predict_proba(&self, table: &Table) -> Result<Vec<f64>> {
        let x = self.features.transform(table)?.matrix;
        let mut pd = self.model.predict_proba(x.view())?.to_vec();
        self.calibration.apply_in_place(&mut pd);
        Ok(pd)
    }
}

/// The stacking part of a saved ensemble pipeline: the members after the first and the
/// meta-learner that blends all of them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FittedEnsemble {
    /// The names of all members, in the order of the meta-learner's weights (the first is the
    /// pipeline's own model).
    pub members: Vec<String>,
    /// The members after the first.
    pub others: Vec<EnsembleMember>,
    /// The meta-learner: intercept and one non-negative weight per member.
    pub stack: FittedStack,
    /// The recalibration of the blend to a long-run default rate, if one was asked for.
    pub target_rate: Option<TargetRate>,
    /// The lowest PD given out.
    pub pd_floor: f64,
}

impl FittedEnsemble {
    /// The ensemble's PD of every row of `table`, given the first member's calibrated PDs of
    /// the same rows: each other member scores the rows, then each row's PDs are blended on
    /// their own (so a row's PD never depends on the other rows).
    ///
    /// # Errors
    /// The members' preprocessing and model errors.
    pub fn blend(&self, first: &[f64], table: &Table) -> Result<Vec<f64>> {
        let others: Vec<Vec<f64>> = self
            .others
            .iter()
            .map(|m| m.predict_proba(table))
            .collect::<Result<_>>()?;
        let mut pds = vec![0.0; self.members.len()];
        Ok(first
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                pds[0] = p;
                for (slot, other) in pds[1..].iter_mut().zip(&others) {
                    *slot = other[i];
                }
                self.apply(&pds)
            })
            .collect())
    }

    /// The PD of one row from its members' calibrated PDs: the meta-learner, then the target
    /// rate shift (if any), then the PD floor.
    pub fn apply(&self, member_pds: &[f64]) -> f64 {
        let mut pd = self.stack.predict_row(member_pds);
        if let Some(t) = &self.target_rate {
            pd = t.shift.calibrate(pd);
        }
        pd.max(self.pd_floor)
    }

    /// `ensemble(gbm, random_forest, logreg): gbm 0.612, …; intercept -0.041`.
    pub fn describe(&self) -> String {
        let fold = super::EnsembleFold {
            members: self.members.clone(),
            intercept: self.stack.intercept(),
            weights: self.stack.weights().to_vec(),
        };
        format!("{}: {}", fold.name(), fold.weights_text())
    }
}

/// One member in the model card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleMemberCard {
    /// The candidate name.
    pub candidate: String,
    /// Its model family.
    pub family: String,
    /// One-line description of its fitted model.
    pub description: String,
    /// Its class weighting and resampling.
    pub resampling: String,
    /// Its calibration step in one line.
    pub calibration: String,
    /// Rounds or epochs chosen on the inner folds, for a model that stops early.
    pub iterations: Option<usize>,
    /// The meta-learner's weight of its logit.
    pub weight: f64,
}

/// The ensemble part of a model card: the members with their weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleCard {
    /// The members, in the order of their weights.
    pub members: Vec<EnsembleMemberCard>,
    /// The meta-learner's intercept.
    pub intercept: f64,
    /// What the meta-learner was fitted on.
    pub fitted_on: String,
}

/// What the final fit of an ensemble gives the pipeline.
pub(crate) struct EnsembleFit {
    /// The first member's candidate and calibrated fit (the pipeline's own parts).
    pub first: (Candidate, CalibratedFit),
    /// The rest.
    pub ensemble: FittedEnsemble,
    /// For the model card.
    pub card: EnsembleCard,
}

/// Refits the ensemble of `comparison` on every labelled row of `data`: the members are the
/// best candidates of the comparison (mean selection metric over the outer folds, one per
/// family), each refitted and recalibrated on all rows as on its own; the meta-learner is
/// fitted on their pooled out-of-fold PDs of the comparison.
///
/// # Errors
/// [`crate::PipelineError::InvalidParam`] with fewer than two families; the members' fitting
/// errors and the meta-learner's.
pub(crate) fn fit_ensemble(
    data: &LabelledData,
    comparison: &Comparison,
    spec: &EnsembleSpec,
) -> Result<EnsembleFit> {
    let metric = comparison.cv.selection.metric;
    let candidates: Vec<&Candidate> = comparison.results.iter().map(|r| &r.candidate).collect();
    let score: Vec<f64> = comparison
        .results
        .iter()
        .map(|r| r.folds.iter().map(|f| metric.oriented(f)).sum::<f64>() / r.folds.len() as f64)
        .collect();
    let members = choose_members(&candidates, &score, spec.members);
    check_member_count(&members, &candidates)?;
    let z = Array2::from_shape_fn((data.y.len(), members.len()), |(i, m)| {
        comparison.results[members[m]].oof[i]
    });
    let stack = spec.meta.fit(z.view(), &data.y)?;
    let deadline = crate::tune::Deadline::after(comparison.cv.budget_seconds);
    let fits: Vec<CalibratedFit> = members
        .par_iter()
        .map(|&m| {
            fit_calibrated(
                candidates[m],
                &data.table,
                &data.schema,
                &data.y,
                &comparison.cv,
                comparison.cv.seed,
                deadline,
            )
        })
        .collect::<Result<_>>()?;
    let card = EnsembleCard {
        members: members
            .iter()
            .zip(&fits)
            .zip(stack.weights())
            .map(|((&m, fit), &weight)| EnsembleMemberCard {
                candidate: candidates[m].name.clone(),
                family: candidates[m].family().to_owned(),
                description: fit.model.describe(),
                resampling: candidates[m].resampling(),
                calibration: fit.calibration.describe(),
                iterations: fit.iterations,
                weight,
            })
            .collect(),
        intercept: stack.intercept(),
        fitted_on: format!(
            "the members' pooled out-of-fold PDs of the {}-fold comparison ({} rows)",
            comparison.cv.folds,
            data.y.len()
        ),
    };
    let mut fits = fits.into_iter();
    let first = fits.next().ok_or_else(|| too_few_members(&[]))?;
    let others = members[1..]
        .iter()
        .zip(fits)
        .map(|(&m, fit)| EnsembleMember {
            name: candidates[m].name.clone(),
            features: fit.features,
            model: fit.model,
            calibration: fit.calibration,
        })
        .collect();
    Ok(EnsembleFit {
        first: (candidates[members[0]].clone(), first),
        ensemble: FittedEnsemble {
            members: members
                .iter()
                .map(|&m| candidates[m].name.clone())
                .collect(),
            others,
            stack,
            target_rate: None,
            pd_floor: comparison.cv.calibration.pd_floor,
        },
        card,
    })
}
