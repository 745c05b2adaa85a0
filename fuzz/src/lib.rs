//! Shared state of the pdscore fuzz targets: a pipeline trained once per process on a slice of
//! the shipped sample (`data/klarna_synth_sample.csv`), its saved bytes, and a features
//! transform fitted once on the same rows. Everything is built lazily in a [`OnceLock`] so a
//! fuzz process pays for it once, not per input.
//!
//! Training is deterministic (fixed seeds, fixed creation time), so a crash input replays
//! against the same fitted state in a regular `cargo test`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pdscore::features::{FeatureParams, FittedFeatures};
use pdscore::pipeline::{read_training_csv, take_rows};
use pdscore::prelude::*;

/// Labelled rows of the sample the fuzz pipeline is trained on (small: start-up stays fast).
pub const TRAIN_ROWS: usize = 1_000;

/// Rows the targets score at most per input (keeps each execution short).
pub const MAX_SCORED_ROWS: usize = 64;

/// Path of the shipped Klarna-format sample.
pub fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/klarna_synth_sample.csv")
}

struct Trained {
    pipeline: Pipeline,
    bytes: Vec<u8>,
    features: FittedFeatures,
    schema: Schema,
}

fn build() -> Trained {
    let input = read_training_csv(&InputSpec::new(sample_path(), "default"))
        .expect("the shipped sample reads");
    let full = LabelledData::new(&input.table, &input.schema, None).expect("labelled sample");
    let keep: Vec<usize> = (0..TRAIN_ROWS.min(full.len())).collect();
    let data = LabelledData::new(&take_rows(&full.table, &keep), &full.schema, None)
        .expect("labelled slice");
    let mut candidates = default_candidates(0);
    candidates.retain(|c| c.name == "logreg");
    let cv = CvSpec {
        folds: 2,
        ..CvSpec::default()
    };
    let comparison = compare(&data, &candidates, &cv, None).expect("logreg compares");
    let options = TrainOptions {
        created_at: Some("2026-01-01T00:00:00Z".to_owned()),
        candidate: None,
        target_rate: None,
    };
    let pipeline = Pipeline::fit(&data, &comparison, &options).expect("logreg fits");
    let bytes = pipeline.to_bytes().expect("pipeline serialises");
    let features = FeatureParams::default()
        .fit(&data.table, &data.schema)
        .expect("features fit");
    Trained {
        pipeline,
        bytes,
        features,
        schema: data.schema.clone(),
    }
}

fn trained() -> &'static Trained {
    static TRAINED: OnceLock<Trained> = OnceLock::new();
    TRAINED.get_or_init(build)
}

/// The tiny logistic-regression pipeline trained on the sample.
pub fn pipeline() -> &'static Pipeline {
    &trained().pipeline
}

/// The saved file bytes of [`pipeline`] (what `Pipeline::save` writes).
pub fn pipeline_bytes() -> &'static [u8] {
    &trained().bytes
}

/// Features fitted with `FeatureParams::default()` on the training slice.
pub fn features() -> &'static FittedFeatures {
    &trained().features
}

/// The schema of the training slice (the Klarna schema as read).
pub fn schema() -> &'static Schema {
    &trained().schema
}

/// The first [`MAX_SCORED_ROWS`] rows of `table`.
pub fn head(table: &Table) -> Table {
    let n = table.n_rows().min(MAX_SCORED_ROWS);
    take_rows(table, &(0..n).collect::<Vec<_>>())
}

/// Transforms and scores `table` with the shared state; every error is fine, a panic is a bug.
pub fn transform_and_score(table: &Table) {
    let table = head(table);
    let _ = features().transform(&table);
    let _ = pipeline().score(&table);
}
