//! Choose a decision threshold for a target recall (catch 80% of the defaulters) on the
//! out-of-fold predictions, show the confusion matrix it gives, and save a pipeline that
//! decides with it.
//!
//! ```sh
//! cargo run --release --example custom_threshold
//! ```

use std::path::Path;

use pdscore::metrics::RankedScores;
use pdscore::pipeline::{read_training_csv, take_rows};
use pdscore::prelude::*;

fn run(rows: Option<usize>, recall: f64) -> anyhow::Result<(f64, f64)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/klarna_synth_sample.csv");
    let input = read_training_csv(&InputSpec::new(path, "default"))?;
    let mut data = LabelledData::new(&input.table, &input.schema, None)?;
    if let Some(n) = rows {
        let keep: Vec<usize> = (0..n.min(data.len())).collect();
        data = LabelledData::new(&take_rows(&data.table, &keep), &data.schema, None)?;
    }
    let mut candidates = default_candidates(0);
    candidates.retain(|c| c.name == "logreg" || c.name == "gbm");
    let policy = ThresholdObjective::TargetRecall { recall };
    let comparison = compare(
        &data,
        &candidates,
        &CvSpec::default().threshold(policy),
        None,
    )?;
    let best = comparison.best();

    // The same choice by hand, from the pooled out-of-fold predictions.
    let ranked = RankedScores::new(&comparison.y, &best.oof, None)?;
    let chosen = ranked.choose_threshold(&policy)?;
    let c = chosen.confusion;
    println!(
        "{}: threshold {:.4} for recall >= {recall}",
        best.candidate.name, chosen.threshold
    );
    println!("                    predicted default   predicted no default");
    println!(
        "defaulted           {:>17}   {:>20}",
        c.true_positives, c.false_negatives
    );
    println!(
        "did not default     {:>17}   {:>20}",
        c.false_positives, c.true_negatives
    );
    println!("recall {:.3}, precision {:.3}", c.recall(), c.precision());

    let pipeline = Pipeline::fit(&data, &comparison, &TrainOptions::default())?;
    assert_eq!(pipeline.threshold(), chosen.threshold);
    Ok((chosen.threshold, c.recall()))
}

fn main() -> anyhow::Result<()> {
    run(None, 0.8)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reaches_the_target_recall_on_a_slice_of_the_sample() {
        let (threshold, recall) = super::run(Some(2000), 0.8).unwrap();
        assert!(recall >= 0.8);
        assert!((0.0..=1.0).contains(&threshold));
    }
}
