//! The model card: what a saved pipeline is, how it was made and how well it did.

use std::fmt::Write as _;

use pdscore_features::FitLog;
use pdscore_ingest::{ColumnData, ColumnKind, Schema, Table};
use pdscore_metrics::{GradeRow, ThresholdObjective};
use pdscore_models::calibration::CalibrationMethod;
use pdscore_models::registry::ModelSpec;
use serde::{Deserialize, Serialize};

use crate::calibration::{CalibrationChoice, TargetRate};
use crate::candidate::FeaturePreset;
use crate::compare::{CandidateResult, Comparison};
use crate::data::DataFingerprint;
use crate::ensemble::{EnsembleCard, EnsembleFold};
use crate::error::Result;
use crate::nested::NestedEvaluation;
use crate::select::SelectionRule;

/// Everything a reader needs to trust (or distrust) a saved pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// Version of pdscore that trained the pipeline.
    pub pdscore_version: String,
    /// When the pipeline was trained (UTC, RFC 3339).
    pub created_at: String,
    /// The training input: rows, labelled rows, positives, checksum.
    pub training_data: DataFingerprint,
    /// The columns the pipeline reads.
    pub schema: SchemaCard,
    /// What the preprocessing learned on the training rows (the fit log).
    pub feature_steps: FitLog,
    /// The chosen model.
    pub model: ModelInfo,
    /// Class weighting and resampling of the training rows, `none` when neither.
    pub resampling: String,
    /// The positive-class weight a weight grid chose on all labelled rows, if the model has a
    /// grid.
    pub chosen_positive_weight: Option<f64>,
    /// What the hyper-parameter search chose on all labelled rows, for a tuned candidate (the
    /// chosen values are also in [`ModelInfo::parameters`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tuned: Option<crate::TunedParams>,
    /// How the model's scores are turned into PDs.
    pub calibration: CalibrationCard,
    /// The decision threshold and the policy that chose it.
    pub threshold: ThresholdCard,
    /// The cross-validated comparison the model was chosen from.
    pub cv: CvCard,
    /// Which inputs of the model matter most (for an ensemble: of its first member).
    pub feature_importance: FeatureImportance,
    /// For a stacked ensemble: its members and their weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ensemble: Option<EnsembleCard>,
}

/// The columns of the training data and their kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaCard {
    /// The id column, if any.
    pub id: Option<String>,
    /// The target column.
    pub target: Option<String>,
    /// The positive value of the target, when it was given (else `1`/`true`/`yes` detected).
    pub positive: Option<String>,
    /// Feature columns in order.
    pub columns: Vec<ColumnCard>,
}

/// One feature column of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnCard {
    /// Column name.
    pub name: String,
    /// Column kind.
    pub kind: ColumnKind,
    /// Distinct values seen in the training rows (categorical columns only), in order of first
    /// appearance.
    pub levels: Vec<String>,
}

impl SchemaCard {
    /// Describes `schema`, with the levels of its categorical columns found in `table`.
    pub fn new(schema: &Schema, table: &Table) -> Self {
        SchemaCard {
            id: schema.id.clone(),
            target: schema.target.as_ref().map(|t| t.column.clone()),
            positive: schema.target.as_ref().and_then(|t| t.positive.clone()),
            columns: schema
                .features
                .iter()
                .map(|f| ColumnCard {
                    name: f.name.clone(),
                    kind: f.kind,
                    levels: match table.column(&f.name).map(|c| &c.data) {
                        Some(ColumnData::Categorical(cat)) => {
                            let mut used = vec![false; cat.dictionary.len()];
                            for &code in &cat.codes {
                                if let Some(u) = used.get_mut(code as usize) {
                                    *u = true;
                                }
                            }
                            cat.dictionary
                                .iter()
                                .zip(used)
                                .filter(|(_, u)| *u)
                                .map(|(v, _)| v.to_owned())
                                .collect()
                        }
                        _ => Vec::new(),
                    },
                })
                .collect(),
        }
    }
}

/// The chosen model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The candidate name, e.g. `gbm_balanced`.
    pub candidate: String,
    /// The model family tag, e.g. `logistic_regression`.
    pub family: String,
    /// One-line description of the fitted model.
    pub description: String,
    /// The model's parameters.
    pub parameters: ModelSpec,
    /// The preprocessing preset.
    pub feature_preset: FeaturePreset,
    /// The monotone constraints the model was fitted under, by input column (absent when
    /// none, and in files saved before they existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monotone: Option<crate::monotone::MonotoneSpec>,
}

/// How a pipeline's PDs are calibrated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationCard {
    /// The calibration method of the saved model.
    pub method: CalibrationMethod,
    /// One line: the fitted calibrator, the target rate and the PD floor.
    pub description: String,
    /// How the method was chosen: `auto` (lowest cross-validated log loss) or named.
    pub selected_by: CalibrationChoice,
    /// Each method tried on all labelled rows with its cross-validated log loss.
    pub tried: Vec<(CalibrationMethod, f64)>,
    /// Inner folds of the cross-fitting.
    pub inner_folds: usize,
    /// Rounds or epochs chosen on the inner folds, for a model that stops early.
    pub iterations: Option<usize>,
    /// The lowest PD given out.
    pub pd_floor: f64,
    /// The long-run default rate the PDs were moved to, if any.
    pub target_rate: Option<TargetRate>,
}

/// The decision threshold: a row is flagged when `pd >= value`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThresholdCard {
    /// The threshold.
    pub value: f64,
    /// The policy that chose it on the pooled out-of-fold predictions.
    pub policy: ThresholdObjective,
}

/// The comparison summary kept in the card (no per-row predictions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvCard {
    /// Number of folds.
    pub folds: usize,
    /// Fold seed.
    pub seed: u64,
    /// The selection rule.
    pub selection: SelectionRule,
    /// The selected candidate.
    pub best: String,
    /// The candidate with the best mean of the selection metric.
    pub leader: String,
    /// The candidates tied with the leader under the rule (the leader included).
    pub tied: Vec<String>,
    /// The honest figures of the selection procedure (nested in each outer fold).
    pub nested: NestedEvaluation,
    /// The selected candidate's pooled out-of-fold PDs in rating grades.
    pub grades: Vec<GradeRow>,
    /// Wall seconds of the comparison.
    pub wall_seconds: f64,
    /// One row per candidate that ran.
    pub models: Vec<CvRow>,
}

impl CvCard {
    /// Summarises a comparison.
    ///
    /// # Errors
    /// Metric errors of the grade table.
    pub fn new(comparison: &Comparison) -> Result<Self> {
        let name = |i: usize| comparison.results[i].candidate.name.clone();
        Ok(CvCard {
            folds: comparison.cv.folds,
            seed: comparison.cv.seed,
            selection: comparison.cv.selection,
            best: comparison.best().candidate.name.clone(),
            leader: name(comparison.selection.leader),
            tied: comparison.selection.tied.iter().map(|&i| name(i)).collect(),
            nested: comparison.nested.clone(),
            grades: comparison.grades()?,
            wall_seconds: comparison.wall_seconds,
            models: comparison.results.iter().map(CvRow::new).collect(),
        })
    }
}

/// One line of the comparison table, as written by `pdscore evaluate --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvRow {
    /// Candidate name.
    pub name: String,
    /// Mean fold ROC AUC.
    pub roc_auc: f64,
    /// Fold ROC AUC standard deviation (ddof = 1).
    pub roc_auc_std: f64,
    /// Mean fold PR AUC.
    pub pr_auc: f64,
    /// Fold PR AUC standard deviation (ddof = 1).
    pub pr_auc_std: f64,
    /// Mean fold Brier score.
    pub brier: f64,
    /// Log loss of the pooled out-of-fold PDs.
    pub log_loss: f64,
    /// Expected calibration error of the pooled out-of-fold PDs (10 equal-count bins).
    pub ece: f64,
    /// Calibration intercept (calibration-in-the-large; 0 when the mean PD is right).
    pub cal_intercept: f64,
    /// Calibration slope (1 when the PDs are neither too spread nor too narrow).
    pub cal_slope: f64,
    /// Mean PD / observed default rate (1 when the PDs are right on average).
    pub mean_pd_ratio: f64,
    /// Hosmer–Lemeshow p-value (10 equal-count groups).
    pub hosmer_lemeshow_p: f64,
    /// Gini coefficient, `2 · roc_auc − 1`.
    pub gini: f64,
    /// Mean fold Kolmogorov–Smirnov statistic.
    pub ks: f64,
    /// Calibration method of each fold, e.g. `sigmoid` or `sigmoid ×4, isotonic ×1`.
    pub calibration: String,
    /// F1 at cross-fitted thresholds (pooled out-of-fold).
    pub f1: f64,
    /// Precision at cross-fitted thresholds (pooled out-of-fold).
    pub precision: f64,
    /// Recall at cross-fitted thresholds (pooled out-of-fold).
    pub recall: f64,
    /// The threshold chosen on all pooled out-of-fold PDs (the saved model's).
    pub threshold: f64,
    /// True positives at cross-fitted thresholds.
    pub tp: u64,
    /// False positives at cross-fitted thresholds.
    pub fp: u64,
    /// True negatives at cross-fitted thresholds.
    pub tn: u64,
    /// False negatives at cross-fitted thresholds.
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// Fit seconds summed over folds (for an ensemble: its meta-learner fits only; the
    /// members' fits are in their own rows).
    pub fit_seconds: f64,
    /// For an ensemble: its members and meta-learner weights on each outer fold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ensemble: Vec<EnsembleFold>,
}

impl CvRow {
    /// The table row of one candidate result.
    pub fn new(r: &CandidateResult) -> Self {
        CvRow {
            name: r.candidate.name.clone(),
            roc_auc: r.roc_auc,
            roc_auc_std: r.roc_auc_std,
            pr_auc: r.pr_auc,
            pr_auc_std: r.pr_auc_std,
            brier: r.brier,
            log_loss: r.calibration.log_loss,
            ece: r.calibration.ece,
            cal_intercept: r.calibration.intercept,
            cal_slope: r.calibration.slope,
            mean_pd_ratio: r.calibration.mean_pd_ratio,
            hosmer_lemeshow_p: r.calibration.hosmer_lemeshow.p_value,
            gini: r.gini,
            ks: r.ks,
            calibration: r.calibration_methods(),
            f1: r.f1,
            precision: r.precision,
            recall: r.recall,
            threshold: r.threshold,
            tp: r.confusion.true_positives as u64,
            fp: r.confusion.false_positives as u64,
            tn: r.confusion.true_negatives as u64,
            fn_: r.confusion.false_negatives as u64,
            fit_seconds: r.fit_seconds,
            ensemble: r.ensemble_folds.clone(),
        }
    }
}

/// How feature importance was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportanceMethod {
    /// The model's own measure (e.g. split gain, absolute coefficients).
    Native,
    /// Mean drop of ROC AUC on held-out rows when one input column is shuffled.
    Permutation,
}

/// Importance of each model input (the preprocessed columns), largest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureImportance {
    /// How it was measured.
    pub method: ImportanceMethod,
    /// `(input name, importance)`, sorted by decreasing importance.
    pub values: Vec<(String, f64)>,
}

impl ModelCard {
    /// A multi-line plain-text rendering for terminals (`pdscore inspect`).
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(s, "pdscore model card");
        let _ = writeln!(s, "  pdscore version   {}", self.pdscore_version);
        let _ = writeln!(s, "  created at        {}", self.created_at);
        let d = &self.training_data;
        let _ = writeln!(
            s,
            "  training data     {} rows, {} labelled, {} positive ({:.2} %), sha256 {}",
            d.rows,
            d.labelled_rows,
            d.positives,
            100.0 * d.positives as f64 / d.labelled_rows.max(1) as f64,
            d.sha256.as_deref().unwrap_or("-")
        );
        let _ = writeln!(
            s,
            "  model             {} ({}): {}",
            self.model.candidate, self.model.family, self.model.description
        );
        let _ = writeln!(
            s,
            "  features          preset {}, {} columns in, {} model inputs",
            self.model.feature_preset.label(),
            self.schema.columns.len(),
            self.feature_steps.n_outputs
        );
        if let Some(e) = &self.ensemble {
            for m in &e.members {
                let _ = writeln!(
                    s,
                    "  member            {} (weight {:.4}): {}; {}",
                    m.candidate, m.weight, m.description, m.calibration
                );
            }
            let _ = writeln!(
                s,
                "  meta-learner      intercept {:.4}, fitted on {}",
                e.intercept, e.fitted_on
            );
        }
        if let Some(m) = &self.model.monotone {
            let _ = writeln!(s, "  monotone          {m}");
        }
        let _ = writeln!(s, "  resampling        {}", self.resampling);
        if let Some(w) = self.chosen_positive_weight {
            let _ = writeln!(s, "  chosen pos weight {w}");
        }
        if let Some(t) = &self.tuned {
            let _ = writeln!(s, "  tuned             {}", t.summary());
        }
        let _ = writeln!(
            s,
            "  calibration       {} (chosen by {})",
            self.calibration.description, self.calibration.selected_by
        );
        if let Some(n) = self.calibration.iterations {
            let _ = writeln!(
                s,
                "  iterations        {n} (early stopping on the inner folds)"
            );
        }
        let _ = writeln!(
            s,
            "  threshold         {:.6} ({})",
            self.threshold.value,
            policy_text(&self.threshold.policy)
        );
        let _ = writeln!(
            s,
            "  selection         {} of {} candidates, {}-fold CV seed {}, {}",
            self.cv.best,
            self.cv.models.len(),
            self.cv.folds,
            self.cv.seed,
            self.cv.selection.describe()
        );
        let n = &self.cv.nested;
        let _ = writeln!(
            s,
            "  nested estimate   ROC AUC {:.4} ± {:.4}, PR AUC {:.4} ± {:.4}, log loss {:.4}, FN {} FP {} (chosen per fold: {})",
            n.roc_auc,
            n.roc_auc_std,
            n.pr_auc,
            n.pr_auc_std,
            n.calibration.log_loss,
            n.confusion.false_negatives,
            n.confusion.false_positives,
            n.chosen.join(", ")
        );
        let _ = writeln!(s, "\n{}", table_text(&self.cv.models, &self.cv.best));
        let _ = writeln!(
            s,
            "feature importance ({:?}), top 10:",
            self.feature_importance.method
        );
        for (name, v) in self.feature_importance.values.iter().take(10) {
            let _ = writeln!(s, "  {v:>10.5}  {name}");
        }
        let _ = writeln!(s, "\nschema:");
        for c in &self.schema.columns {
            let _ = write!(s, "  {:<40} {:?}", c.name, c.kind);
            if !c.levels.is_empty() {
                let shown: Vec<&str> = c.levels.iter().take(8).map(String::as_str).collect();
                let more = c.levels.len().saturating_sub(8);
                let _ = write!(
                    s,
                    "  [{}{}]",
                    shown.join(", "),
                    if more > 0 {
                        format!(", +{more}")
                    } else {
                        String::new()
                    }
                );
            }
            s.push('\n');
        }
        s
    }
}

/// One-phrase description of a threshold policy.
pub fn policy_text(policy: &ThresholdObjective) -> String {
    match policy {
        ThresholdObjective::MaxFBeta { beta } if *beta == 1.0 => "max F1".into(),
        ThresholdObjective::MaxFBeta { beta } => format!("max F-beta, beta = {beta}"),
        ThresholdObjective::MinExpectedCost {
            cost_false_negative,
            cost_false_positive,
        } => format!("min expected cost, FN:FP = {cost_false_negative}:{cost_false_positive}"),
        ThresholdObjective::TargetRecall { recall } => format!("target recall {recall}"),
    }
}

/// The comparison table as aligned plain text (for terminals); the best row is marked `*`.
///
/// Ranking (ROC and PR AUC, mean ± std over folds), the calibration of the pooled out-of-fold
/// PDs (log loss, mean PD / observed rate, ECE, the method), and the decisions at cross-fitted
/// thresholds.
pub fn table_text(rows: &[CvRow], best: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "  {:<18} {:>15} {:>15} {:>7} {:>6} {:>6} {:<10} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7} {:>6} {:>7}",
        "model",
        "ROC AUC",
        "PR AUC",
        "logloss",
        "PD/obs",
        "ECE",
        "calib",
        "F1",
        "prec",
        "recall",
        "TP",
        "FP",
        "TN",
        "FN",
        "fit s"
    );
    for r in rows {
        let mark = if r.name == best { '*' } else { ' ' };
        let _ = writeln!(
            s,
            "{mark} {:<18} {:>7.4}±{:<7.4} {:>7.4}±{:<7.4} {:>7.4} {:>6.2} {:>6.4} {:<10} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6} {:>7} {:>6} {:>7.2}",
            r.name,
            r.roc_auc,
            r.roc_auc_std,
            r.pr_auc,
            r.pr_auc_std,
            r.log_loss,
            r.mean_pd_ratio,
            r.ece,
            short(&r.calibration, 10),
            r.f1,
            r.precision,
            r.recall,
            r.tp,
            r.fp,
            r.tn,
            r.fn_,
            r.fit_seconds
        );
    }
    s
}

/// `text` cut to `width` characters, with `…` when cut.
fn short(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_method_lists_are_cut() {
        assert_eq!(short("sigmoid", 10), "sigmoid");
        assert_eq!(short("sigmoid ×4, isotonic ×1", 10), "sigmoid ×…");
    }
}
