//! The model card: what a saved pipeline is, how it was made and how well it did.

use pdscore_features::FitLog;
use pdscore_ingest::{ColumnData, ColumnKind, Schema, Table};
use pdscore_metrics::ThresholdObjective;
use pdscore_models::registry::ModelSpec;
use serde::{Deserialize, Serialize};

use crate::candidate::{FeaturePreset, SelectionRule};
use crate::compare::{CandidateResult, Comparison};
use crate::data::DataFingerprint;

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
    /// The decision threshold and the policy that chose it.
    pub threshold: ThresholdCard,
    /// The cross-validated comparison the model was chosen from.
    pub cv: CvCard,
    /// Which inputs of the model matter most.
    pub feature_importance: FeatureImportance,
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
    /// Wall seconds of the comparison.
    pub wall_seconds: f64,
    /// One row per candidate that ran.
    pub models: Vec<CvRow>,
}

impl CvCard {
    /// Summarises a comparison.
    pub fn new(comparison: &Comparison) -> Self {
        CvCard {
            folds: comparison.cv.folds,
            seed: comparison.cv.seed,
            selection: comparison.cv.selection,
            best: comparison.best().candidate.name.clone(),
            wall_seconds: comparison.wall_seconds,
            models: comparison.results.iter().map(CvRow::new).collect(),
        }
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
    /// F1 at the threshold (pooled out-of-fold).
    pub f1: f64,
    /// Precision at the threshold (pooled out-of-fold).
    pub precision: f64,
    /// Recall at the threshold (pooled out-of-fold).
    pub recall: f64,
    /// The chosen threshold.
    pub threshold: f64,
    /// True positives at the threshold.
    pub tp: u64,
    /// False positives at the threshold.
    pub fp: u64,
    /// True negatives at the threshold.
    pub tn: u64,
    /// False negatives at the threshold.
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// Fit seconds summed over folds.
    pub fit_seconds: f64,
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
            f1: r.f1,
            precision: r.precision,
            recall: r.recall,
            threshold: r.threshold,
            tp: r.confusion.true_positives as u64,
            fp: r.confusion.false_positives as u64,
            tn: r.confusion.true_negatives as u64,
            fn_: r.confusion.false_negatives as u64,
            fit_seconds: r.fit_seconds,
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
        let _ = writeln!(s, "  resampling        {}", self.resampling);
        if let Some(w) = self.chosen_positive_weight {
            let _ = writeln!(s, "  chosen pos weight {w}");
        }
        let _ = writeln!(
            s,
            "  threshold         {:.6} ({})",
            self.threshold.value,
            policy_text(&self.threshold.policy)
        );
        let _ = writeln!(
            s,
            "  selection         {} of {} candidates, {}-fold CV seed {}, by {}",
            self.cv.best,
            self.cv.models.len(),
            self.cv.folds,
            self.cv.seed,
            self.cv.selection.metric.name()
        );
        let _ = writeln!(
            s,
            "\n{}",
            crate::report::table_text(&self.cv.models, &self.cv.best)
        );
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
