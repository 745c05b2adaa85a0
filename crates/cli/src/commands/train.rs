//! `pdscore train`: fit one pipeline and save it.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pdscore::pipeline::{EvaluateSpec, evaluate};

use super::common::{CvArgs, DataArgs, fit_progress, parse_monotone};

/// Arguments of `pdscore train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub cv: CvArgs,
    /// Move the saved model's PDs to this long-run default rate (e.g. a through-the-cycle
    /// rate) instead of the training sample's; the same rows stay flagged. Recorded in the
    /// model card.
    #[arg(long)]
    pub target_rate: Option<f64>,
    /// Candidate to train, or `best` to compare every candidate and keep the best. A named
    /// candidate is still cross-validated alone, to choose its threshold.
    #[arg(long, default_value = "best")]
    pub model: String,
    /// Monotone constraints on numeric input columns, e.g. `loan_int_rate=+1,person_income=-1`
    /// (see `pdscore evaluate --help`); a named --model that cannot honour them is an error.
    #[arg(long, value_parser = parse_monotone)]
    pub monotone: Option<pdscore::pipeline::MonotoneSpec>,
    /// Where to write the pipeline file.
    #[arg(long)]
    pub out: PathBuf,
}

/// Trains and saves.
pub fn run(args: &TrainArgs, quiet: bool) -> anyhow::Result<()> {
    let mut spec = EvaluateSpec::new(args.data.input_spec());
    spec.cv = args.cv.cv_spec()?;
    spec.ensemble = args.cv.ensemble_spec()?;
    spec.target_rate = args.target_rate;
    if args.model != "best" {
        // (`ensemble` alone brings every other candidate in to stack: save it by name)
        spec.models = Some(vec![args.model.clone()]);
        spec.save = Some(args.model.clone());
    }
    spec.monotone.clone_from(&args.monotone);
    let (bar, progress) = fit_progress(quiet);
    let evaluated = evaluate(&spec, Some(&progress))
        .with_context(|| format!("cannot train on `{}`", args.data.data.display()))?;
    bar.finish_and_clear();
    if !quiet && args.monotone.is_some() {
        // Which candidates were left out of the comparison for the constraints.
        for w in &evaluated.input.warnings {
            eprintln!("warning: {w}");
        }
    }
    evaluated
        .pipeline
        .save(&args.out)
        .with_context(|| format!("cannot save the model to `{}`", args.out.display()))?;
    if !quiet {
        let card = evaluated.pipeline.card();
        let row = card
            .cv
            .models
            .iter()
            .find(|r| r.name == card.model.candidate);
        println!(
            "trained {} on {} labelled rows; CV ROC AUC {:.4}, PR AUC {:.4}; threshold {:.4}; saved to {}",
            card.model.candidate,
            card.training_data.labelled_rows,
            row.map_or(f64::NAN, |r| r.roc_auc),
            row.map_or(f64::NAN, |r| r.pr_auc),
            card.threshold.value,
            args.out.display()
        );
    }
    Ok(())
}
