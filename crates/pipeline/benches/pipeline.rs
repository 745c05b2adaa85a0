//! Criterion benches of the pipeline on the shipped sample (`data/klarna_synth_sample.csv`):
//!
//! - `score/5500_rows`: [`Pipeline::score`] of the whole sample with a fitted `logreg` and `gbm`
//!   pipeline (preprocessing + model + decisions + ids);
//! - `compare/logreg_gbm_3fold_2000_rows`: a small cross-validated comparison.
//!
//! ```sh
//! cargo bench -p pdscore-pipeline --bench pipeline -- --sample-size 10
//! ```
//! The whole-comparison side-by-side with the Python peer is `benches/peers/pipeline_vs_peer.py`.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pdscore_ingest::read_csv;
use pdscore_pipeline::{
    CvSpec, InputSpec, LabelledData, Pipeline, TrainOptions, compare, default_candidates,
    read_training_csv, take_rows,
};

fn sample_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/klarna_synth_sample.csv")
}

fn labelled(rows: usize) -> LabelledData {
    let input = read_training_csv(&InputSpec::new(sample_path(), "default")).expect("sample");
    let data = LabelledData::new(&input.table, &input.schema, None).expect("labels");
    let keep: Vec<usize> = (0..rows.min(data.len())).collect();
    LabelledData::new(&take_rows(&data.table, &keep), &data.schema, None).expect("labels")
}

fn bench(c: &mut Criterion) {
    let data = labelled(2000);
    let mut candidates = default_candidates(0);
    candidates.retain(|c| c.name == "logreg" || c.name == "gbm");
    let cv = CvSpec::default().folds(3);
    let comparison = compare(&data, &candidates, &cv, None).expect("comparison");
    let mut group = c.benchmark_group("score");
    for name in ["logreg", "gbm"] {
        let pipeline = Pipeline::fit(
            &data,
            &comparison,
            &TrainOptions {
                candidate: Some(name.into()),
                ..TrainOptions::default()
            },
        )
        .expect("fit");
        let table = read_csv(sample_path().as_path(), &pipeline.read_options()).expect("read");
        group.bench_function(format!("{name}/5500_rows"), |b| {
            b.iter(|| pipeline.score(&table).expect("score"));
        });
    }
    group.finish();
    c.bench_function("compare/logreg_gbm_3fold_2000_rows", |b| {
        b.iter(|| compare(&data, &candidates, &cv, None).expect("comparison"));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
