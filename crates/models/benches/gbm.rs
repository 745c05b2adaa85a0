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

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;
use pdscore_models::{Classifier, FittedClassifier, GbmParams};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `rows` x 40: 14 log-normal amounts, 8 small counts, 6 ratios, 6 category codes, 6 flags; a
/// third of the columns have missing values; the label mixes thresholds, an interaction and
/// missingness, with an intercept giving about 1.6 % positives.
fn klarna_like(rows: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((rows, 40));
    let mut y = Vec::with_capacity(rows);
    for i in 0..rows {
        for j in 0..40 {
            let u: f64 = rng.r#gen();
            x[[i, j]] = match j {
                0..14 => (4.0 + 1.2 * (u - 0.5) * 3.0).exp(),
                14..22 => (-(1.0 - u).ln() * 2.0).floor(),
                22..28 => u,
                28..34 => (u * u * (4 + 6 * (j - 28)) as f64).floor(),
                _ => f64::from(u8::from(u < 0.2)),
            };
        }
        let missing_signal = rng.gen_bool(0.3);
        let interaction: f64 = (x[[i, 2]].ln() - 4.0) * (x[[i, 3]].ln() - 4.0);
        let logit = -4.5 + 1.2 * (x[[i, 0]].ln() - 4.0).tanh() + 0.4 * interaction
            - 1.5 * x[[i, 22]]
            + 0.7 * f64::from(u8::from(x[[i, 15]] >= 3.0))
            + 0.6 * x[[i, 34]]
            + if missing_signal { 0.8 } else { 0.0 };
        for j in (0..40).step_by(3) {
            if (j == 6 && missing_signal) || rng.gen_bool(0.15) {
                x[[i, j]] = f64::NAN;
            }
        }
        y.push(rng.gen_bool(1.0 / (1.0 + (-logit).exp())));
    }
    (x, y)
}

fn bench_gbm(c: &mut Criterion) {
    let (x, y) = klarna_like(20_000, 0);
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
