//! Read the shipped sample, compare the default candidates with 5-fold CV, fit the best on all
//! labelled rows, save it, load it back and score the file's unlabelled rows.
//!
//! ```sh
//! cargo run --release --example train_and_predict
//! ```

use std::path::{Path, PathBuf};

use pdscore::pipeline::{read_training_csv, take_rows};
use pdscore::prelude::*;

/// The shipped Klarna-format sample: 5,000 labelled and 500 unlabelled synthetic rows.
fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/klarna_synth_sample.csv")
}

/// Trains on the first `rows` labelled rows (all when `None`) with `candidates` (the defaults
/// when `None`), saves to `model_path`, reloads and scores the unlabelled rows.
fn run(
    rows: Option<usize>,
    candidates: Option<&[&str]>,
    model_path: &Path,
) -> anyhow::Result<Scored> {
    let input = read_training_csv(&InputSpec::new(sample(), "default"))?;
    let mut data = LabelledData::new(&input.table, &input.schema, Some(input.sha256.clone()))?;
    if let Some(n) = rows {
        let keep: Vec<usize> = (0..n.min(data.len())).collect();
        data = LabelledData::new(
            &take_rows(&data.table, &keep),
            &data.schema,
            Some(input.sha256),
        )?;
    }
    let mut list = default_candidates(0);
    if let Some(names) = candidates {
        list.retain(|c| names.contains(&c.name.as_str()));
    }
    let comparison = compare(&data, &list, &CvSpec::default(), None)?;
    println!(
        "{}",
        pdscore::pipeline::report::table_text(
            &pdscore::pipeline::CvCard::new(&comparison)?.models,
            &comparison.best().candidate.name
        )
    );
    let pipeline = Pipeline::fit(&data, &comparison, &TrainOptions::default())?;
    pipeline.save(model_path)?;
    println!(
        "saved {} to {}",
        pipeline.card().model.candidate,
        model_path.display()
    );

    let loaded = Pipeline::load(model_path)?;
    let table = read_csv(sample().as_path(), &loaded.read_options())?;
    let unlabelled = LabelledData::new(&table, loaded.schema(), None)?.unlabelled_rows;
    let scored = loaded.score(&take_rows(&table, &unlabelled))?;
    println!(
        "threshold {:.4}; first unlabelled customers:",
        scored.threshold
    );
    for ((id, pd), flagged) in scored
        .ids
        .iter()
        .zip(&scored.pd)
        .zip(&scored.decision)
        .take(5)
    {
        println!(
            "  {id}  pd {pd:.4}  {}",
            if *flagged { "refuse" } else { "accept" }
        );
    }
    Ok(scored)
}

fn main() -> anyhow::Result<()> {
    run(
        None,
        None,
        &std::env::temp_dir().join("pdscore_example_model.json"),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs_on_a_slice_of_the_sample() {
        let dir = std::env::temp_dir().join(format!("pdscore_example_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let scored = super::run(Some(1500), Some(&["logreg", "gbm"]), &dir.join("m.json")).unwrap();
        assert_eq!(scored.pd.len(), 500, "the sample's 500 unlabelled rows");
        assert!(scored.evaluation.is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
