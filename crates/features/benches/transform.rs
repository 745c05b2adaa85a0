//! `FittedFeatures::transform` on 100,000 Klarna-format rows, both presets (and the linear
//! preset with PCA at 0.95).
//!
//! The rows come from `pdscore_ingest::synth` (seed 7), written to
//! `<target>/pdscore-bench/klarna_synth_100k.csv` and read back with the ingest reader, so that
//! `benches/peers/features_sklearn.py` times scikit-learn's `ColumnTransformer` on the same
//! file in the same session.
//!
//! Run: `cargo bench -p pdscore-features --bench transform -- --sample-size 10`

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array2;
use pdscore_features::{FeatureParams, PcaComponents};
use pdscore_ingest::synth::{self, SynthParams};

const N_ROWS: usize = 100_000;

fn bench_csv_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| common::workspace_root().join("target"), PathBuf::from);
    target.join("pdscore-bench").join("klarna_synth_100k.csv")
}

fn transform(c: &mut Criterion) {
    // `cargo test --all-targets` runs this once as a smoke test (no `--bench` flag): use few
    // rows then and write no file.
    let bench_mode = std::env::args().any(|arg| arg == "--bench");
    let n_rows = if bench_mode { N_ROWS } else { 2_000 };
    let schema = common::klarna_schema();
    let table = if bench_mode {
        let csv = bench_csv_path();
        if let Some(dir) = csv.parent() {
            std::fs::create_dir_all(dir).expect("the bench folder can be created");
        }
        let params = SynthParams::new().labelled_rows(n_rows).seed(7);
        synth::generate_to_path(&params, &csv).expect("the synthetic file is written");
        println!("benchmark rows in {}", csv.display());
        common::read_klarna(&csv)
    } else {
        common::synthetic_klarna(n_rows, 7)
    };
    let mut group = c.benchmark_group("features_transform_100k");
    group.throughput(Throughput::Elements(n_rows as u64));
    let presets = [
        ("for_linear", FeatureParams::for_linear()),
        ("for_trees", FeatureParams::for_trees()),
        (
            "for_linear_pca95",
            FeatureParams::for_linear().pca(Some(PcaComponents::VarianceRatio(0.95))),
        ),
    ];
    for (name, params) in presets {
        let fitted = params.fit(&table, &schema).expect("the preset fits");
        println!("{name}: {} outputs", fitted.n_outputs());
        group.bench_function(name, |b| {
            b.iter(|| fitted.transform(black_box(&table)).expect("transform"));
        });
        // The same into a reused buffer: no fresh 100k x outputs allocation per call, whose
        // page faults dominate `transform` on this machine (no transparent huge pages).
        let mut buffer = Array2::zeros((n_rows, fitted.n_outputs()));
        group.bench_function(format!("{name}_into_reused_buffer"), |b| {
            b.iter(|| {
                fitted
                    .transform_into(black_box(&table), buffer.view_mut())
                    .expect("transform_into")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, transform);
criterion_main!(benches);
