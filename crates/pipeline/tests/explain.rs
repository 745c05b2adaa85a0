//! Reason codes end to end: for a pipeline of every model family, fitted on the synthetic
//! Klarna sample, the per-column contributions add up to the model's raw score, one row
//! explained alone equals the same row in a batch, and the reasons come largest first. PCA
//! is refused with a clear error.

use pdscore_features::{FeatureParams, PcaComponents};
use pdscore_ingest::{ReadOptions, Schema, Table, read_csv};
use pdscore_models::explain::ContributionScale;
use pdscore_pipeline::{
    Candidate, CvSpec, FeaturePreset, LabelledData, Pipeline, PipelineError, TrainOptions, compare,
    default_candidates,
};

/// The synthetic sample the README's main command runs on (5,500 rows, 41 features with
/// missing values and text categories).
fn sample() -> (Table, Schema) {
    let path = pdscore_testkit::workspace_root().join("data/klarna_synth_sample.csv");
    let table = read_csv(&path, &ReadOptions::new()).expect("the sample reads");
    let schema = Schema::infer(&table, Some("default"), Some("uuid")).expect("schema");
    (table, schema)
}

/// Fits `candidate` on every labelled row (a 2-fold comparison of that candidate alone).
fn fit(table: &Table, schema: &Schema, candidate: Candidate) -> Pipeline {
    let data = LabelledData::new(table, schema, None).expect("labelled rows");
    let candidates = [candidate];
    let comparison =
        compare(&data, &candidates, &CvSpec::default().folds(2), None).expect("comparison");
    Pipeline::fit(&data, &comparison, &TrainOptions::default()).expect("fit")
}

/// The default candidate called `name`.
fn default_candidate(name: &str) -> Candidate {
    default_candidates(0)
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no default candidate `{name}`"))
}

#[test]
fn contributions_add_up_to_the_raw_score_for_every_family() {
    let (table, schema) = sample();
    let rows: Vec<usize> = (0..table.n_rows()).step_by(7).take(300).collect();
    let some = table.take_rows(&rows);
    for name in [
        "logreg",
        "decision_tree",
        "random_forest",
        "adaboost",
        "gbm",
        "mlp",
    ] {
        let pipeline = fit(&table, &schema, default_candidate(name));
        let explained = pipeline.explain(&some).expect("explainable");
        let matrix = pipeline
            .features()
            .transform(&some)
            .expect("transform")
            .matrix;
        let raw = pipeline
            .model()
            .raw_scores(matrix.view())
            .expect("raw scores");
        assert_eq!(explained.n_rows(), some.n_rows(), "{name}");
        assert_eq!(explained.scale, pipeline.model().contribution_scale());
        for r in 0..explained.n_rows() {
            let sum = explained.raw_score(r);
            assert!(
                (sum - raw[r]).abs() <= 1e-9 * (1.0 + raw[r].abs()),
                "{name}: row {r}: base + contributions = {sum}, raw score {}",
                raw[r]
            );
        }
        // The raw score is the model's own: its PD before calibration follows from it.
        let proba =
            pdscore_models::FittedClassifier::predict_proba(pipeline.model(), matrix.view())
                .expect("proba");
        for r in 0..raw.len() {
            let from_raw = match explained.scale {
                ContributionScale::LogOdds => 1.0 / (1.0 + (-raw[r]).exp()),
                ContributionScale::Probability => raw[r],
                _ => continue,
            };
            assert!(
                (from_raw - proba[r]).abs() < 1e-9,
                "{name}: row {r}: raw score {} gives {from_raw}, the model says {}",
                raw[r],
                proba[r]
            );
        }
        // Every column the model reads is explained, named as in the input file.
        let required = pipeline.features().required_columns();
        assert_eq!(explained.columns, required, "{name}");
    }
}

#[test]
fn a_row_alone_is_explained_as_in_a_batch_and_reasons_come_largest_first() {
    let (table, schema) = sample();
    for name in ["gbm", "logreg", "mlp"] {
        let pipeline = fit(&table, &schema, default_candidate(name));
        let batch_rows: Vec<usize> = (0..200).collect();
        let batch = pipeline
            .explain(&table.take_rows(&batch_rows))
            .expect("batch");
        for r in [0, 17, 199] {
            let alone = pipeline.explain(&table.take_rows(&[r])).expect("one row");
            assert_eq!(alone.base[0].to_bits(), batch.base[r].to_bits(), "{name}");
            for (a, b) in alone
                .contributions
                .row(0)
                .iter()
                .zip(batch.contributions.row(r))
            {
                assert_eq!(a.to_bits(), b.to_bits(), "{name}: row {r}");
            }
            let reasons = batch.reasons(r, 4);
            assert!(!reasons.is_empty() && reasons.len() <= 4, "{name}");
            for pair in reasons.windows(2) {
                assert!(pair[0].contribution.abs() >= pair[1].contribution.abs());
            }
            let top = &reasons[0];
            let j = batch
                .columns
                .iter()
                .position(|c| *c == top.column)
                .expect("a known column");
            let largest = batch
                .contributions
                .row(r)
                .iter()
                .fold(0.0f64, |m, v| m.max(v.abs()));
            assert_eq!(batch.contributions[[r, j]].abs(), largest, "{name}");
        }
    }
}

#[test]
fn pca_pipelines_are_refused_with_a_reason() {
    let (table, schema) = sample();
    let pca = FeaturePreset::Custom(
        FeatureParams::for_linear().pca(Some(PcaComponents::VarianceRatio(0.9))),
    );
    let candidate = Candidate::new("logreg_pca", pca, default_candidate("logreg").model.clone());
    let pipeline = fit(&table, &schema, candidate);
    let error = pipeline
        .explain(&table.take_rows(&[0, 1]))
        .expect_err("PCA mixes columns");
    assert!(matches!(error, PipelineError::NotExplainable(_)), "{error}");
    assert!(error.to_string().contains("PCA"), "{error}");
}
