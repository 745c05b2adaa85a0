//! Reason codes of the gradient-boosted trees: path-dependent TreeSHAP
//! ([`FittedGbm::contributions`]) of a GBM of the default pipeline's size (LightGBM's recipe:
//! 300 trees of 31 leaves, learning rate 0.05, `min_child_samples = 40`) on 100,000 × 40
//! Klarna-like synthetic rows (~1.6 % positives, ~5 % missing values), the same data
//! `benches/peers/explain_lightgbm.py` times LightGBM's `predict(X, pred_contrib=True)` on.
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo bench -p pdscore-models --bench explain
//! $PDSCORE_PYTHON benches/peers/explain_lightgbm.py --threads 1
//! ```
//!
//! Criterion times 1,000 rows; then (under `cargo bench` only) the bench explains all 100,000
//! rows once and prints rows per second. It writes its data to
//! `<workspace>/target/bench-data/explain_100k.bin` (row-major `f64` matrix, then the labels as
//! `f64`, little-endian) for the Python script.

use std::hint::black_box;

mod common;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::s;
use pdscore_models::{Classifier, FittedClassifier, GbmParams};

const ROWS: usize = 100_000;
const FEATURES: usize = 40;
/// Rows per criterion iteration.
const TIMED_ROWS: usize = 1_000;

fn bench_explain(c: &mut Criterion) {
    let (x, y) = common::klarna_like(ROWS, 0);
    common::write_for_peer(&x, &y, "explain_100k.bin");
    let params = GbmParams::lightgbm_300().min_child_samples(40);
    let model = params.fit(x.view(), &y, None).expect("fit");
    eprintln!(
        "data: {ROWS} x {FEATURES}, {} positives; {}; rayon threads {}",
        y.iter().filter(|&&v| v).count(),
        model.describe(),
        rayon::current_num_threads()
    );
    let rows = x.slice(s![..TIMED_ROWS, ..]);
    let mut group = c.benchmark_group("explain");
    group.sample_size(10);
    group.bench_function("gbm_300_trees_1000_rows", |b| {
        b.iter(|| black_box(model.contributions(rows).expect("contributions")));
    });
    group.finish();
    // Only under `cargo bench` (which passes `--bench`), not when `cargo test --all-targets`
    // smoke-tests the bench.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let start = Instant::now();
    let phi = model.contributions(x.view()).expect("contributions");
    let seconds = start.elapsed().as_secs_f64();
    let raw = model.raw_scores(x.view()).expect("raw scores");
    let worst = phi
        .rows()
        .into_iter()
        .zip(&raw)
        .map(|(row, r)| (row.sum() - r).abs())
        .fold(0.0, f64::max);
    eprintln!(
        "explained {ROWS} rows in {seconds:.2} s: {:.0} rows/s (largest |sum - raw| {worst:.1e})",
        ROWS as f64 / seconds
    );
}

criterion_group!(benches, bench_explain);
criterion_main!(benches);
