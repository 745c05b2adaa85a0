//! A custom candidate list and CV spec: three models with their own settings, 3-fold CV with
//! seed 42, selection by ROC AUC; prints the comparison table.
//!
//! ```sh
//! cargo run --release --example compare_models
//! ```

use std::path::Path;

use pdscore::models::{GbmParams, LogisticRegressionParams, RandomForestParams};
use pdscore::pipeline::{SelectionMetric, read_training_csv, report, take_rows};
use pdscore::prelude::*;
use pdscore::resample::ClassWeight;

/// The candidates of this example; `quick` makes them smaller.
fn candidates(quick: bool) -> Vec<Candidate> {
    let trees = if quick { 20 } else { 200 };
    vec![
        Candidate::new(
            "logreg_c0.1_balanced",
            FeaturePreset::Linear,
            ModelSpec::LogisticRegression(LogisticRegressionParams::new().c(0.1)),
        )
        .weighting(Weighting::Fixed(ClassWeight::Balanced)),
        Candidate::new(
            "forest",
            FeaturePreset::Trees,
            ModelSpec::RandomForest(RandomForestParams::new().n_estimators(trees).seed(42)),
        ),
        Candidate::new(
            "gbm_small",
            FeaturePreset::Trees,
            ModelSpec::Gbm(
                GbmParams::new()
                    .n_estimators(trees)
                    .learning_rate(0.05)
                    .num_leaves(15)
                    .seed(42),
            ),
        ),
    ]
}

fn run(rows: Option<usize>, quick: bool) -> anyhow::Result<Comparison> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/klarna_synth_sample.csv");
    let input = read_training_csv(&InputSpec::new(path, "default"))?;
    let mut data = LabelledData::new(&input.table, &input.schema, None)?;
    if let Some(n) = rows {
        let keep: Vec<usize> = (0..n.min(data.len())).collect();
        data = LabelledData::new(&take_rows(&data.table, &keep), &data.schema, None)?;
    }
    let cv = CvSpec::default()
        .folds(3)
        .seed(42)
        .selection(SelectionRule {
            metric: SelectionMetric::RocAuc,
            one_standard_error: false,
        });
    let comparison = compare(&data, &candidates(quick), &cv, None)?;
    let rows: Vec<_> = comparison
        .results
        .iter()
        .map(pdscore::pipeline::CvRow::new)
        .collect();
    print!(
        "{}",
        report::table_text(&rows, &comparison.best().candidate.name)
    );
    println!("best by ROC AUC: {}", comparison.best().candidate.name);
    Ok(comparison)
}

fn main() -> anyhow::Result<()> {
    run(None, false)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs_on_a_slice_of_the_sample() {
        let comparison = super::run(Some(1500), true).unwrap();
        assert_eq!(comparison.results.len(), 3);
        let best = comparison.best();
        assert!(comparison.results.iter().all(|r| r.roc_auc <= best.roc_auc));
    }
}
