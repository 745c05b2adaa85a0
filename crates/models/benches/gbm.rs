//! Criterion benchmarks of the gradient-boosted trees: fit (LightGBM's `lightgbm_300` settings,
//! fewer trees to stay short) and batch prediction on a seeded Klarna-like matrix generated here
//! (40 columns, ~1.6 % positives, ~5 % missing values, non-linear label).
//!
//! ```sh
//! cargo bench -p pdscore-models --bench gbm -- --sample-size 10
//! ```
//!
//! The side-by-side comparison with LightGBM on real data is `benches/peers/gbm_compare.sh`.

use std::hint::black_box;

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use pdscore_models::{Classifier, FittedClassifier, GbmParams};

fn bench_gbm(c: &mut Criterion) {
    let (x, y) = common::klarna_like(20_000, 0);
    let positives = y.iter().filter(|&&v| v).count();
    eprintln!("bench data: {} rows, {positives} positives", y.len());
    let params = GbmParams::lightgbm_300().n_estimators(50);
    let mut group = c.benchmark_group("gbm");
    group.bench_function("fit_20k_x40_50_trees", |b| {
        b.iter(|| black_box(params.fit(x.view(), &y, None).expect("fit")));
    });
    let model = GbmParams::lightgbm_300()
        .fit(x.view(), &y, None)
        .expect("fit");
    group.bench_function("predict_20k_rows_300_trees", |b| {
        b.iter(|| black_box(model.predict_proba(x.view()).expect("predict")));
    });
    group.finish();
}

criterion_group!(benches, bench_gbm);
criterion_main!(benches);
