//! The fitted pipeline: preprocessing + model + threshold + model card, and scoring.

use std::path::Path;

use ndarray::{Array2, Axis};
use pdscore_features::{FittedFeatures, TransformLog};
use pdscore_ingest::labels::labels;
use pdscore_ingest::{ReadOptions, Schema, Table};
use pdscore_metrics::{ConfusionMatrix, PrCurve, RankedScores, RocCurve, roc_auc_score};
use pdscore_models::FittedClassifier;
use pdscore_models::registry::FittedModel;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::calibration::{Calibration, TargetRate};
use crate::card::{
    CalibrationCard, CvCard, FeatureImportance, ImportanceMethod, ModelCard, ModelInfo, SchemaCard,
    ThresholdCard,
};
use crate::compare::Comparison;
use crate::data::{LabelledData, row_ids, take_rows};
use crate::ensemble::{EnsembleFit, FittedEnsemble, fit_ensemble};
use crate::error::{PipelineError, Result};
use crate::fit::{fit_calibrated, fit_candidate};
use crate::monitor::{MonitorReport, StabilityProfile};
use crate::tune::Deadline;

/// Largest number of held-out rows used for permutation importance.
const IMPORTANCE_ROWS: usize = 2000;
/// Shuffles per column in permutation importance.
const IMPORTANCE_REPEATS: usize = 2;

/// Options of [`Pipeline::fit`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainOptions {
    /// Creation time to record (RFC 3339). Default: `None`, the system clock at fit time (set
    /// it in tests for reproducible files).
    pub created_at: Option<String>,
    /// Which candidate to fit: `None` (the default) for the comparison's best.
    pub candidate: Option<String>,
    /// A long-run default rate in `(0, 1)` to move the PDs to, when it differs from the
    /// training sample's (central tendency, e.g. a through-the-cycle rate). Default: `None`,
    /// PDs calibrated to the sample's rate. Recorded in the model card.
    pub target_rate: Option<f64>,
}

/// A fitted pipeline: what scoring needs, and the model card. Save it with
/// [`Pipeline::save`]; the result for a row never depends on the other rows scored with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pipeline {
    schema: Schema,
    features: FittedFeatures,
    model: FittedModel,
    calibration: Calibration,
    threshold: f64,
    card: ModelCard,
    /// The training distribution of the PD and the inputs, for [`Pipeline::monitor`]; `None`
    /// in files saved before monitoring existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<StabilityProfile>,
    /// For a stacked ensemble: the members after the first (whose parts are `features`,
    /// `model` and `calibration` above) and the meta-learner. `None` for a single model, and in
    /// every file of format version 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ensemble: Option<FittedEnsemble>,
}

/// Scores of a table: one id, PD and decision per row, in row order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    /// Row ids (the id column's values, or row numbers when the table has no id column).
    pub ids: Vec<String>,
    /// P(default) of each row.
    pub pd: Vec<f64>,
    /// `pd >= threshold` for each row.
    pub decision: Vec<bool>,
    /// The threshold used.
    pub threshold: f64,
    /// What the preprocessing did to this table (imputed, unknown levels, ...).
    pub transform_log: TransformLog,
    /// Metrics against the target, when the table has the target column with labels.
    pub evaluation: Option<Evaluation>,
}

/// Metrics of a scored table that has labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Rows with a label.
    pub labelled_rows: usize,
    /// Labelled rows that are positive.
    pub positives: usize,
    /// ROC AUC (`None` unless both classes are present).
    pub roc_auc: Option<f64>,
    /// PR AUC / average precision (`None` unless both classes are present).
    pub pr_auc: Option<f64>,
    /// Confusion matrix at the pipeline's threshold.
    pub confusion: ConfusionMatrix,
    /// ROC curve (`None` unless both classes are present).
    pub roc_curve: Option<RocCurve>,
    /// Precision-recall curve (`None` unless both classes are present).
    pub pr_curve: Option<PrCurve>,
}

impl Pipeline {
    /// Refits a candidate of `comparison` (the best, or `options.candidate`) on every labelled
    /// row of `data`, calibrated the way the comparison calibrated it (cross-fitted on inner
    /// folds of all the rows), and builds the model card. The threshold is the one the
    /// comparison's threshold policy chose on that candidate's pooled out-of-fold PDs; with
    /// `options.target_rate`, the PDs are moved to that default rate and the threshold with
    /// them (by the same prior shift, so the same rows are flagged).
    ///
    /// An ensemble candidate is refitted member by member (the best candidates of distinct
    /// families in the comparison, each refitted and recalibrated on all rows), with its
    /// meta-learner fitted on those members' pooled out-of-fold PDs; see
    /// [`crate::EnsembleSpec`].
    ///
    /// `candidates` must be the list `comparison` was run on.
    ///
    /// # Errors
    /// An unknown candidate name; the fitting errors of the candidate.
    pub fn fit(
        data: &LabelledData,
        comparison: &Comparison,
        options: &TrainOptions,
    ) -> Result<Pipeline> {
        let result = match &options.candidate {
            None => comparison.best(),
            Some(name) => {
                comparison
                    .result(name)
                    .ok_or_else(|| PipelineError::UnknownCandidate {
                        name: name.clone(),
                        known: comparison
                            .results
                            .iter()
                            .map(|r| r.candidate.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })?
            }
        };
        let (candidate, parts, mut ensemble, ensemble_card) = match &result.candidate.ensemble {
            None => {
                let parts = fit_calibrated(
                    &result.candidate,
                    &data.table,
                    &data.schema,
                    &data.y,
                    &comparison.cv,
                    comparison.cv.seed,
                    Deadline::after(comparison.cv.budget_seconds),
                )?;
                // a tuned candidate is described (and explained) by its winning configuration
                (parts.fitted_candidate.clone(), parts, None, None)
            }
            Some(spec) => {
                let EnsembleFit {
                    first: (member, parts),
                    ensemble,
                    card,
                } = fit_ensemble(data, comparison, spec)?;
                (member, parts, Some(ensemble), Some(card))
            }
        };
        let candidate = &candidate;
        let mut calibration = parts.calibration;
        let mut threshold = result.threshold;
        if let Some(rate) = options.target_rate {
            let sample_rate = data.fingerprint.positives as f64 / data.y.len().max(1) as f64;
            let target = TargetRate::new(sample_rate, rate)?;
            threshold = target.shift.calibrate(threshold);
            match &mut ensemble {
                Some(e) => e.target_rate = Some(target),
                None => calibration.target_rate = Some(target),
            }
        }
        let feature_importance = match parts.model.feature_importance() {
            Some(values) if values.len() == parts.features.n_outputs() => ranked_importance(
                parts.features.output_names(),
                values,
                ImportanceMethod::Native,
            ),
            _ => permutation_importance(data, comparison, candidate)?,
        };
        let card = ModelCard {
            pdscore_version: env!("CARGO_PKG_VERSION").to_owned(),
            created_at: options
                .created_at
                .clone()
                .unwrap_or_else(crate::clock::utc_now_rfc3339),
            training_data: data.fingerprint.clone(),
            schema: SchemaCard::new(&data.schema, &data.table),
            feature_steps: parts.features.fit_log().clone(),
            model: ModelInfo {
                candidate: result.candidate.name.clone(),
                family: result.candidate.family().to_owned(),
                description: match &ensemble {
                    Some(e) => e.describe(),
                    None => parts.model.describe(),
                },
                parameters: match &ensemble {
                    Some(_) => result.candidate.model.clone(),
                    None => candidate.model.clone(),
                },
                feature_preset: candidate.features.clone(),
                monotone: candidate.monotone.clone(),
            },
            resampling: result.candidate.resampling(),
            chosen_positive_weight: parts.chosen_positive_weight,
            tuned: parts.tuned.clone(),
            calibration: match &ensemble {
                None => CalibrationCard {
                    method: calibration.calibrator.method(),
                    description: calibration.describe(),
                    selected_by: comparison.cv.calibration.method,
                    tried: parts.tried,
                    inner_folds: comparison.cv.calibration.inner_folds,
                    iterations: parts.iterations,
                    pd_floor: calibration.pd_floor,
                    target_rate: calibration.target_rate.clone(),
                },
                Some(e) => CalibrationCard {
                    // The meta-learner is a logistic (Platt) map of the members' logits,
                    // fitted on held-out PDs; each member keeps its own calibration step.
                    method: pdscore_models::calibration::CalibrationMethod::Sigmoid,
                    description: ensemble_calibration_text(e),
                    selected_by: comparison.cv.calibration.method,
                    tried: Vec::new(),
                    inner_folds: comparison.cv.calibration.inner_folds,
                    iterations: None,
                    pd_floor: e.pd_floor,
                    target_rate: e.target_rate.clone(),
                },
            },
            threshold: ThresholdCard {
                value: threshold,
                policy: comparison.cv.threshold,
            },
            cv: CvCard::new(comparison)?,
            feature_importance,
            ensemble: ensemble_card,
        };
        let mut pipeline = Pipeline {
            schema: data.schema.clone(),
            features: parts.features,
            model: parts.model,
            calibration,
            threshold,
            card,
            profile: None,
            ensemble,
        };
        let training_pd = pipeline.predict_proba(&data.table)?;
        pipeline.profile = Some(StabilityProfile::new(
            &data.table,
            &data.schema,
            &training_pd,
        )?);
        Ok(pipeline)
    }

    /// The stability of this model on new rows: the PSI of their PDs and the CSI of each input
    /// column against the training rows (see [`crate::MonitorReport`]). Rows are scored, so the
    /// table needs the model's input columns.
    ///
    /// # Errors
    /// [`PipelineError::InvalidParam`] for a model file saved without a training profile (an
    /// older pdscore: retrain it), and the errors of [`Pipeline::predict_proba`].
    pub fn monitor(&self, table: &Table) -> Result<MonitorReport> {
        let profile = self
            .profile
            .as_ref()
            .ok_or_else(|| PipelineError::InvalidParam {
                name: "model",
                value: self.card.model.candidate.clone(),
                reason: "the model file holds no training profile (saved before monitoring \
                     existed): retrain it to monitor it"
                    .into(),
            })?;
        let pd = self.predict_proba(table)?;
        crate::monitor::compare_with_profile(profile, table, &pd)
    }

    /// The training distribution of the PD and the inputs, when the file has one.
    pub fn profile(&self) -> Option<&StabilityProfile> {
        self.profile.as_ref()
    }

    /// Scores every row of `table`; ids fall back to row numbers counted from 0.
    ///
    /// # Errors
    /// Missing feature columns or bad values (preprocessing errors), model errors.
    pub fn score(&self, table: &Table) -> Result<Scored> {
        self.score_from(table, 0)
    }

    /// Like [`Pipeline::score`], numbering rows from `first_row` when there is no id column
    /// (for chunked scoring of a large file).
    ///
    /// # Errors
    /// As [`Pipeline::score`].
    pub fn score_from(&self, table: &Table, first_row: u64) -> Result<Scored> {
        let (pd, log) = self.pd_and_log(table)?;
        let decision = pd.iter().map(|&p| self.decide(p)).collect();
        let evaluation = self.evaluate(table, &pd)?;
        Ok(Scored {
            ids: row_ids(table, self.schema.id.as_deref(), first_row),
            pd,
            decision,
            threshold: self.threshold,
            transform_log: log,
            evaluation,
        })
    }

    /// The calibrated P(default) of each row only (no ids, no evaluation): the fast path for
    /// streaming.
    ///
    /// # Errors
    /// As [`Pipeline::score`].
    pub fn predict_proba(&self, table: &Table) -> Result<Vec<f64>> {
        Ok(self.pd_and_log(table)?.0)
    }

    /// The PDs of `table` and the (first) model's preprocessing log: the model's calibrated
    /// PDs, blended with the other members' for an ensemble.
    fn pd_and_log(&self, table: &Table) -> Result<(Vec<f64>, TransformLog)> {
        let transformed = self.features.transform(table)?;
        let mut pd = self
            .model
            .predict_proba(transformed.matrix.view())?
            .to_vec();
        self.calibration.apply_in_place(&mut pd);
        if let Some(ensemble) = &self.ensemble {
            pd = ensemble.blend(&pd, table)?;
        }
        Ok((pd, transformed.log))
    }

    fn evaluate(&self, table: &Table, pd: &[f64]) -> Result<Option<Evaluation>> {
        let Some(target) = &self.schema.target else {
            return Ok(None);
        };
        if table.column(&target.column).is_none() {
            return Ok(None);
        }
        // A target column that cannot be read as labels (e.g. other values) only means there
        // is nothing to evaluate: scoring must not fail because of it.
        let Ok(labels) = labels(table, target) else {
            return Ok(None);
        };
        let (mut y, mut scores) = (Vec::new(), Vec::new());
        for (label, &p) in labels.iter().zip(pd) {
            if let Some(v) = label {
                y.push(*v);
                scores.push(p);
            }
        }
        if y.is_empty() {
            return Ok(None);
        }
        let positives = y.iter().filter(|&&v| v).count();
        let confusion = ConfusionMatrix::at_threshold(&y, &scores, None, self.threshold)?;
        let both = positives > 0 && positives < y.len();
        let (roc_auc, pr_auc, roc_curve, pr_curve) = if both {
            let ranked = RankedScores::new(&y, &scores, None)?;
            (
                Some(ranked.roc_auc()?),
                Some(ranked.average_precision()?),
                Some(ranked.roc_curve(true)?),
                Some(ranked.precision_recall_curve(false)?),
            )
        } else {
            (None, None, None, None)
        };
        Ok(Some(Evaluation {
            labelled_rows: y.len(),
            positives,
            roc_auc,
            pr_auc,
            confusion,
            roc_curve,
            pr_curve,
        }))
    }

    /// How to read a file to score: the training schema's columns with their training kinds
    /// (so a column is parsed the same way it was at training), target optional, other columns
    /// ignored.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions::new().schema(self.schema.clone())
    }

    /// The decision for one PD: `pd >= threshold`.
    pub fn decide(&self, pd: f64) -> bool {
        pd >= self.threshold
    }

    /// The model card.
    pub fn card(&self) -> &ModelCard {
        &self.card
    }

    /// The decision threshold: a row is flagged when `pd >= threshold`.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Returns a copy deciding with another threshold (recorded in the card with `policy`).
    pub fn with_threshold(
        mut self,
        threshold: f64,
        policy: pdscore_metrics::ThresholdObjective,
    ) -> Self {
        self.threshold = threshold;
        self.card.threshold = ThresholdCard {
            value: threshold,
            policy,
        };
        self
    }

    /// The schema the pipeline reads (id, target, features).
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// For a stacked ensemble: the members after the first and the meta-learner (`None` for a
    /// single model). The first member is [`Pipeline::features`], [`Pipeline::model`] and
    /// [`Pipeline::calibration`].
    pub fn ensemble(&self) -> Option<&FittedEnsemble> {
        self.ensemble.as_ref()
    }

    /// The fitted preprocessing (of the first member, for an ensemble).
    pub fn features(&self) -> &FittedFeatures {
        &self.features
    }

    /// The fitted model (the first member, for an ensemble). Its scores are not PDs until
    /// [`Pipeline::calibration`] maps them.
    pub fn model(&self) -> &FittedModel {
        &self.model
    }

    /// The fitted calibration step that turns the model's scores into PDs (the first
    /// member's, for an ensemble: its PDs are then blended, see [`Pipeline::ensemble`]).
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// Saves the pipeline as one versioned, checksummed JSON file (see [`crate::file`]).
    ///
    /// # Errors
    /// I/O and serialisation errors.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::file::save(self, path)
    }

    /// Loads a pipeline saved by [`Pipeline::save`], checking format version and checksum.
    ///
    /// # Errors
    /// I/O errors, [`PipelineError::NotAPipelineFile`] (e.g. truncated),
    /// [`PipelineError::UnsupportedVersion`], [`PipelineError::ChecksumMismatch`].
    pub fn load(path: &Path) -> Result<Pipeline> {
        crate::file::load(path)
    }

    /// The file bytes [`Pipeline::save`] writes.
    ///
    /// # Errors
    /// Serialisation errors.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        crate::file::to_envelope_bytes(self)
    }

    /// Reads pipeline file bytes (e.g. an upload); `name` names the source in errors.
    ///
    /// # Errors
    /// As [`Pipeline::load`].
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<Pipeline> {
        crate::file::from_envelope_bytes(bytes, Path::new(name))
    }
}

/// The calibration line of an ensemble's model card.
fn ensemble_calibration_text(e: &FittedEnsemble) -> String {
    use std::fmt::Write as _;
    let mut s = format!(
        "stacked: non-negative logistic regression on the logits of the members' calibrated \
         PDs ({}), fitted on their out-of-fold PDs",
        e.stack.describe()
    );
    if let Some(t) = &e.target_rate {
        let _ = write!(
            s,
            "; moved from the sample's default rate {:.4} to {:.4}",
            t.sample_rate, t.target_rate
        );
    }
    if e.pd_floor > 0.0 {
        let _ = write!(s, "; PD floor {}", e.pd_floor);
    }
    s
}

fn ranked_importance(
    names: &[String],
    values: Vec<f64>,
    method: ImportanceMethod,
) -> FeatureImportance {
    let mut pairs: Vec<(String, f64)> = names.iter().cloned().zip(values).collect();
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    FeatureImportance {
        method,
        values: pairs,
    }
}

/// Permutation importance: the candidate is fitted on the training part of fold 0 of the
/// comparison and scored on (up to [`IMPORTANCE_ROWS`] of) its held-out rows; each input
/// column is shuffled in turn and the mean drop in ROC AUC is its importance.
fn permutation_importance(
    data: &LabelledData,
    comparison: &Comparison,
    candidate: &crate::candidate::Candidate,
) -> Result<FeatureImportance> {
    let seed = comparison.cv.seed;
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (i, &fold) in comparison.fold_of_row.iter().enumerate() {
        if fold == 0 {
            test.push(i);
        } else {
            train.push(i);
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    if test.len() > IMPORTANCE_ROWS {
        test.shuffle(&mut rng);
        test.truncate(IMPORTANCE_ROWS);
        test.sort_unstable();
    }
    let y_train: Vec<bool> = train.iter().map(|&i| data.y[i]).collect();
    let y_test: Vec<bool> = test.iter().map(|&i| data.y[i]).collect();
    let parts = fit_candidate(
        candidate,
        &take_rows(&data.table, &train),
        &data.schema,
        &y_train,
        seed,
    )?;
    let x_test: Array2<f64> = parts
        .features
        .transform(&take_rows(&data.table, &test))?
        .matrix;
    let base = roc_auc_score(
        &y_test,
        &parts.model.predict_proba(x_test.view())?.to_vec(),
        None,
    )?;
    let mut values = Vec::with_capacity(x_test.ncols());
    for j in 0..x_test.ncols() {
        let mut drop = 0.0;
        for _ in 0..IMPORTANCE_REPEATS {
            let mut shuffled = x_test.clone();
            let mut column: Vec<f64> = x_test.column(j).to_vec();
            column.shuffle(&mut rng);
            for (cell, v) in shuffled.index_axis_mut(Axis(1), j).iter_mut().zip(column) {
                *cell = v;
            }
            let p = parts.model.predict_proba(shuffled.view())?.to_vec();
            drop += base - roc_auc_score(&y_test, &p, None)?;
        }
        values.push(drop / IMPORTANCE_REPEATS as f64);
    }
    Ok(ranked_importance(
        parts.features.output_names(),
        values,
        ImportanceMethod::Permutation,
    ))
}
