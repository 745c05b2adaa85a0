//! The cross-validated comparison of candidates: [`compare`].

use std::time::Instant;

use pdscore_ingest::Schema;
use pdscore_metrics::{ConfusionMatrix, RankedScores, brier_score};
use pdscore_models::FittedClassifier;
use pdscore_resample::StratifiedKFold;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::candidate::{Candidate, CvSpec, SelectionMetric};
use crate::data::{LabelledData, take_rows};
use crate::error::{PipelineError, Result};
use crate::fit::fit_candidate;

/// Progress of a comparison, reported once per finished (candidate, fold) fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Fits finished so far.
    pub done: usize,
    /// Fits in total (candidates × folds).
    pub total: usize,
}

/// The cross-validated result of one candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateResult {
    /// The candidate.
    pub candidate: Candidate,
    /// One-line model description of the last fold's model (family and key parameters).
    pub model_description: String,
    /// ROC AUC on each fold's held-out rows.
    pub fold_roc_auc: Vec<f64>,
    /// PR AUC (average precision) on each fold's held-out rows.
    pub fold_pr_auc: Vec<f64>,
    /// Brier score on each fold's held-out rows.
    pub fold_brier: Vec<f64>,
    /// Mean of `fold_roc_auc`.
    pub roc_auc: f64,
    /// Sample standard deviation (ddof = 1) of `fold_roc_auc`.
    pub roc_auc_std: f64,
    /// Mean of `fold_pr_auc`.
    pub pr_auc: f64,
    /// Sample standard deviation (ddof = 1) of `fold_pr_auc`.
    pub pr_auc_std: f64,
    /// Mean of `fold_brier`.
    pub brier: f64,
    /// Threshold chosen by the policy on the pooled out-of-fold predictions.
    pub threshold: f64,
    /// Pooled out-of-fold confusion matrix at `threshold`.
    pub confusion: ConfusionMatrix,
    /// F1 at `threshold` (pooled).
    pub f1: f64,
    /// Precision at `threshold` (pooled).
    pub precision: f64,
    /// Recall at `threshold` (pooled).
    pub recall: f64,
    /// Wall seconds of fitting (preprocessing + resampling + model), summed over folds.
    pub fit_seconds: f64,
    /// The positive-class weight a weight grid chose on each fold (empty without a grid).
    pub chosen_positive_weights: Vec<f64>,
    /// Out-of-fold P(positive) of every labelled row, in row order.
    pub oof: Vec<f64>,
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
}

struct FoldOutcome {
    test: Vec<usize>,
    scores: Vec<f64>,
    fit_seconds: f64,
    description: String,
    chosen_positive_weight: Option<f64>,
}

/// Cross-validates every candidate on the labelled rows of `data` and selects the best.
///
/// Folds are stratified and shuffled with `cv.seed`. For each (candidate, fold) pair — run in
/// parallel — the preprocessing, the class weighting or resampling and the model are fitted on
/// the training part only, and the held-out part is scored. Per candidate: mean and sample std
/// of the fold ROC and PR AUCs, mean fold Brier, and on the pooled out-of-fold predictions the
/// threshold chosen by `cv.threshold` with its confusion matrix. A candidate whose fit fails is
/// listed in [`Comparison::failed`] and left out of the selection. The winner follows
/// `cv.selection` (see [`crate::SelectionRule`]).
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
    let positives = data.y.iter().filter(|&&v| v).count();
    let negatives = data.y.len() - positives;
    if positives < cv.folds || negatives < cv.folds {
        return Err(PipelineError::TooFewLabels {
            positives,
            negatives,
            folds: cv.folds,
        });
    }
    let folds = StratifiedKFold::new(cv.folds)
        .shuffle(true)
        .seed(cv.seed)
        .split(&data.y)?;
    let mut fold_of_row = vec![0; data.y.len()];
    for (k, fold) in folds.iter().enumerate() {
        for &i in &fold.test {
            fold_of_row[i] = k;
        }
    }
    let total = candidates.len() * folds.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let jobs: Vec<(usize, usize)> = (0..candidates.len())
        .flat_map(|c| (0..folds.len()).map(move |f| (c, f)))
        .collect();
    let outcomes: Vec<Result<FoldOutcome>> = jobs
        .par_iter()
        .map(|&(c, f)| {
            let outcome = run_fold(&candidates[c], data, &folds[f], cv.seed + f as u64);
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
    for ((c, _), outcome) in jobs.iter().zip(outcomes) {
        per_candidate[*c].push(outcome);
    }
    let mut results = Vec::new();
    let mut failed = Vec::new();
    for (candidate, outcomes) in candidates.iter().zip(per_candidate) {
        match summarise(candidate, data, cv, outcomes) {
            Ok(r) => results.push(r),
            Err(e) => failed.push(FailedCandidate {
                name: candidate.name.clone(),
                error: e.to_string(),
            }),
        }
    }
    if results.is_empty() {
        return Err(PipelineError::NoCandidateSucceeded {
            first: failed.first().map(|f| f.error.clone()).unwrap_or_default(),
        });
    }
    let best = select(&results, cv);
    Ok(Comparison {
        cv: cv.clone(),
        y: data.y.clone(),
        fold_of_row,
        results,
        failed,
        best,
        wall_seconds: started.elapsed().as_secs_f64(),
    })
}

fn run_fold(
    candidate: &Candidate,
    data: &LabelledData,
    fold: &pdscore_resample::Fold,
    seed: u64,
) -> Result<FoldOutcome> {
    let started = Instant::now();
    let train = take_rows(&data.table, &fold.train);
    let y_train: Vec<bool> = fold.train.iter().map(|&i| data.y[i]).collect();
    let schema: &Schema = &data.schema;
    let parts = fit_candidate(candidate, &train, schema, &y_train, seed)?;
    let fit_seconds = started.elapsed().as_secs_f64();
    let test = take_rows(&data.table, &fold.test);
    let x_test = parts.features.transform(&test)?.matrix;
    let scores = parts.model.predict_proba(x_test.view())?.to_vec();
    Ok(FoldOutcome {
        test: fold.test.clone(),
        scores,
        fit_seconds,
        description: parts.model.describe(),
        chosen_positive_weight: parts.chosen_positive_weight,
    })
}

fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let std = if values.len() > 1 {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    (mean, std)
}

fn summarise(
    candidate: &Candidate,
    data: &LabelledData,
    cv: &CvSpec,
    outcomes: Vec<Result<FoldOutcome>>,
) -> Result<CandidateResult> {
    let outcomes = outcomes.into_iter().collect::<Result<Vec<_>>>()?;
    let mut oof = vec![f64::NAN; data.y.len()];
    let (mut fold_roc_auc, mut fold_pr_auc, mut fold_brier) = (vec![], vec![], vec![]);
    let mut fit_seconds = 0.0;
    let mut chosen_positive_weights = Vec::new();
    for o in &outcomes {
        let y_test: Vec<bool> = o.test.iter().map(|&i| data.y[i]).collect();
        let ranked = RankedScores::new(&y_test, &o.scores, None)?;
        fold_roc_auc.push(ranked.roc_auc()?);
        fold_pr_auc.push(ranked.average_precision()?);
        fold_brier.push(brier_score(&y_test, &o.scores, None)?);
        for (&i, &s) in o.test.iter().zip(&o.scores) {
            oof[i] = s;
        }
        fit_seconds += o.fit_seconds;
        chosen_positive_weights.extend(o.chosen_positive_weight);
    }
    let ranked = RankedScores::new(&data.y, &oof, None)?;
    let chosen = ranked.choose_threshold(&cv.threshold)?;
    let (roc_auc, roc_auc_std) = mean_std(&fold_roc_auc);
    let (pr_auc, pr_auc_std) = mean_std(&fold_pr_auc);
    let (brier, _) = mean_std(&fold_brier);
    Ok(CandidateResult {
        candidate: candidate.clone(),
        model_description: outcomes
            .last()
            .map(|o| o.description.clone())
            .unwrap_or_default(),
        roc_auc,
        roc_auc_std,
        pr_auc,
        pr_auc_std,
        brier,
        threshold: chosen.threshold,
        f1: chosen.confusion.f1(),
        precision: chosen.confusion.precision(),
        recall: chosen.confusion.recall(),
        confusion: chosen.confusion,
        fit_seconds,
        chosen_positive_weights,
        fold_roc_auc,
        fold_pr_auc,
        fold_brier,
        oof,
    })
}

/// Index of the winner under `cv.selection` (see [`crate::SelectionRule`]).
fn select(results: &[CandidateResult], cv: &CvSpec) -> usize {
    let rule = cv.selection;
    let primary = |r: &CandidateResult| match rule.metric {
        SelectionMetric::PrAuc => (r.pr_auc, r.pr_auc_std),
        SelectionMetric::RocAuc => (r.roc_auc, r.roc_auc_std),
    };
    let secondary = |r: &CandidateResult| match rule.metric {
        SelectionMetric::PrAuc => r.roc_auc,
        SelectionMetric::RocAuc => r.pr_auc,
    };
    let mut leader = 0;
    for (i, r) in results.iter().enumerate() {
        if primary(r).0 > primary(&results[leader]).0 {
            leader = i;
        }
    }
    let (lead_mean, lead_std) = primary(&results[leader]);
    let margin = if rule.ties_within_std { lead_std } else { 0.0 };
    let mut best = leader;
    for (i, r) in results.iter().enumerate() {
        if primary(r).0 < lead_mean - margin {
            continue;
        }
        let (a, b) = (r, &results[best]);
        let better = secondary(a) > secondary(b)
            || (secondary(a) == secondary(b)
                && a.confusion.false_negatives < b.confusion.false_negatives);
        if better {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::{FeaturePreset, SelectionRule};
    use pdscore_models::{LogisticRegressionParams, ModelSpec};

    fn result(name: &str, pr: (f64, f64), roc: f64, false_negatives: f64) -> CandidateResult {
        CandidateResult {
            candidate: Candidate::new(
                name,
                FeaturePreset::Linear,
                ModelSpec::LogisticRegression(LogisticRegressionParams::new()),
            ),
            model_description: String::new(),
            fold_roc_auc: vec![],
            fold_pr_auc: vec![],
            fold_brier: vec![],
            roc_auc: roc,
            roc_auc_std: 0.01,
            pr_auc: pr.0,
            pr_auc_std: pr.1,
            brier: 0.1,
            threshold: 0.5,
            confusion: ConfusionMatrix {
                true_positives: 10.0,
                false_positives: 5.0,
                true_negatives: 80.0,
                false_negatives,
            },
            f1: 0.0,
            precision: 0.0,
            recall: 0.0,
            fit_seconds: 0.0,
            chosen_positive_weights: vec![],
            oof: vec![],
        }
    }

    #[test]
    fn selection_follows_the_documented_rule() {
        let results = vec![
            result("leader", (0.50, 0.02), 0.80, 9.0),
            result("close_better_roc", (0.49, 0.03), 0.85, 9.0),
            result("close_same_roc_fewer_fn", (0.485, 0.01), 0.85, 3.0),
            result("far_best_roc", (0.40, 0.01), 0.99, 0.0),
        ];
        let cv = CvSpec::default();
        // within one std (0.02) of the leader: the first three; best ROC AUC, then fewer FN
        assert_eq!(select(&results, &cv), 2);
        let strict = cv.clone().selection(SelectionRule {
            metric: SelectionMetric::PrAuc,
            ties_within_std: false,
        });
        assert_eq!(select(&results, &strict), 0);
        let by_roc = cv.selection(SelectionRule {
            metric: SelectionMetric::RocAuc,
            ties_within_std: false,
        });
        assert_eq!(select(&results, &by_roc), 3);
    }

    #[test]
    fn std_is_the_sample_std() {
        let (m, s) = mean_std(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert!((s - 1.290_994_448_735_805_6).abs() < 1e-15);
        assert_eq!(mean_std(&[3.0]), (3.0, 0.0));
    }
}
