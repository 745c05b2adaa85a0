//! Arguments and helpers shared by several subcommands.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use pdscore::metrics::{MasterScale, ThresholdObjective};
use pdscore::pipeline::{
    CalibrationChoice, CalibrationSpec, CvSpec, DEFAULT_BUDGET_SECONDS, DEFAULT_PD_FLOOR,
    EnsembleSpec, InputSpec, Progress, SelectionMetric, SelectionRule,
};

/// The labelled input file and the roles of its columns.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Labelled CSV file (delimiter detected; empty target cells mark rows to score).
    #[arg(long)]
    pub data: PathBuf,
    /// Target column (binary).
    #[arg(long)]
    pub target: String,
    /// Target value meaning "defaulted" [default: 1, true or yes when present].
    #[arg(long)]
    pub positive: Option<String>,
    /// Id column, copied to the outputs and never a feature [default: none; uuid for Klarna files].
    #[arg(long)]
    pub id: Option<String>,
}

impl DataArgs {
    /// The pipeline's input spec.
    pub fn input_spec(&self) -> InputSpec {
        InputSpec::new(&self.data, &self.target)
            .positive(self.positive.clone())
            .id(self.id.clone())
    }
}

/// How a threshold is chosen on the out-of-fold predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    /// Minimise expected cost (see --cost-fn, --cost-fp).
    Cost,
    /// Maximise F1.
    F1,
    /// Highest threshold reaching --target-recall.
    Recall,
}

/// Cross-validation and threshold options.
#[derive(Debug, Args)]
pub struct CvArgs {
    /// Number of stratified folds.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Seed of the folds and of every model and sampler.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Threshold policy.
    #[arg(long, value_enum, default_value_t = PolicyArg::Cost)]
    pub threshold_policy: PolicyArg,
    /// Cost of a missed defaulter (false negative), for --threshold-policy cost.
    #[arg(long, default_value_t = 10.0)]
    pub cost_fn: f64,
    /// Cost of a refused good customer (false positive), for --threshold-policy cost.
    #[arg(long, default_value_t = 1.0)]
    pub cost_fp: f64,
    /// Target recall, for --threshold-policy recall.
    #[arg(long, default_value_t = 0.8)]
    pub target_recall: f64,
    /// How each model's scores become PDs, fitted on scores cross-fitted inside each training
    /// fold: auto (lowest cross-validated log loss of the rank-keeping methods), sigmoid (Platt
    /// on the logit), centered_isotonic (isotonic without ties), isotonic (scikit-learn's, ties
    /// rows), prior (exact undoing of class weights / resampling), none.
    #[arg(long, default_value = "auto", value_parser = parse_calibration)]
    pub calibration: CalibrationChoice,
    /// Lowest PD given out (0.0003: the EU capital rules' floor).
    #[arg(long, default_value_t = DEFAULT_PD_FLOOR)]
    pub pd_floor: f64,
    /// Inner folds inside each training fold: the cross-fitted scores the calibrator learns
    /// from, early stopping's rounds and epochs, and the nested selection.
    #[arg(long, default_value_t = 5)]
    pub inner_folds: usize,
    /// The metric the best model is selected by: pr_auc, roc_auc or log_loss. Candidates within
    /// one standard error of the leader's paired fold differences are tied and the simplest
    /// wins.
    #[arg(long, default_value = "pr_auc", value_parser = parse_select)]
    pub select: SelectionMetric,
    /// Members of the `ensemble` candidate: the best this many candidates of distinct model
    /// families (2 to 5), stacked by a non-negative logistic regression on their logits.
    #[arg(long, default_value_t = 3)]
    pub ensemble_members: usize,
    /// Time budget of the comparison in seconds. The tuned candidates (gbm, random_forest,
    /// mlp) race a few configurations of their hyper-parameters on each training fold's inner
    /// folds by successive halving; past the budget they stop racing and keep their current
    /// leader (the report says so). 0 turns tuning off.
    #[arg(long, default_value_t = DEFAULT_BUDGET_SECONDS)]
    pub budget_seconds: f64,
    /// Upper PD edges of the rating grades, comma-separated and increasing [default:
    /// 0.005,0.01,0.02,0.04,0.08,0.16, i.e. 7 grades].
    #[arg(long, value_delimiter = ',')]
    pub grade_edges: Option<Vec<f64>>,
}

fn parse_calibration(s: &str) -> Result<CalibrationChoice, String> {
    s.parse()
        .map_err(|e: pdscore::pipeline::PipelineError| e.to_string())
}

/// Parses `--monotone column=+1,column=-1`.
pub(crate) fn parse_monotone(s: &str) -> Result<pdscore::pipeline::MonotoneSpec, String> {
    s.parse()
        .map_err(|e: pdscore::pipeline::PipelineError| e.to_string())
}

fn parse_select(s: &str) -> Result<SelectionMetric, String> {
    s.parse()
        .map_err(|e: pdscore::pipeline::PipelineError| e.to_string())
}

impl CvArgs {
    /// The ensemble spec of `--ensemble-members`.
    ///
    /// # Errors
    /// A member count outside 2..=5.
    pub fn ensemble_spec(&self) -> anyhow::Result<EnsembleSpec> {
        let spec = EnsembleSpec::default().members(self.ensemble_members);
        spec.check().context("--ensemble-members")?;
        Ok(spec)
    }

    /// The CV spec (validated later by the pipeline).
    ///
    /// # Errors
    /// Grade edges that are not increasing PDs in (0, 1).
    pub fn cv_spec(&self) -> anyhow::Result<CvSpec> {
        let threshold = match self.threshold_policy {
            PolicyArg::Cost => ThresholdObjective::MinExpectedCost {
                cost_false_negative: self.cost_fn,
                cost_false_positive: self.cost_fp,
            },
            PolicyArg::F1 => ThresholdObjective::max_f1(),
            PolicyArg::Recall => ThresholdObjective::TargetRecall {
                recall: self.target_recall,
            },
        };
        let mut spec = CvSpec::default()
            .folds(self.folds)
            .seed(self.seed)
            .threshold(threshold)
            .calibration(
                CalibrationSpec::default()
                    .method(self.calibration)
                    .pd_floor(self.pd_floor)
                    .inner_folds(self.inner_folds),
            )
            .selection(SelectionRule {
                metric: self.select,
                ..SelectionRule::default()
            })
            .budget_seconds(self.budget_seconds);
        if let Some(edges) = &self.grade_edges {
            spec = spec.master_scale(
                MasterScale::new(edges.clone()).context("--grade-edges is not a master scale")?,
            );
        }
        Ok(spec)
    }
}

/// A progress bar over candidate × fold fits on stderr (hidden when stderr is not a terminal
/// or when `quiet`).
pub fn fit_progress(quiet: bool) -> (ProgressBar, impl Fn(Progress) + Sync) {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} fits, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix("cross-validating");
    let handle = bar.clone();
    let report = move |p: Progress| {
        handle.set_length(p.total as u64);
        handle.set_position(p.done as u64);
    };
    (bar, report)
}
