//! Fit and predict timings of the logistic regression and the MLP on 100,000 x 40 synthetic rows
//! with 1.43 % positives (seeded), the shape of pdscore's reference data set.
//!
//! ```sh
//! CARGO_TARGET_DIR=... cargo bench -p pdscore-models --bench linear -- --sample-size 10
//! ${PDSCORE_PYTHON:-python3} benches/peers/models_linear.py   # scikit-learn on the same rows
//! ```
//!
//! The bench writes its data set to `<workspace>/target/bench-data/linear_100k_x40.f64` and
//! `linear_100k_y.f64` (little-endian f64, row-major) so that the Python peer script times
//! scikit-learn on exactly the same numbers.
//!
//! The MLP is timed for a fixed 10 epochs without early stopping (scikit-learn:
//! `MLPClassifier((32,), early_stopping=False, max_iter=10)`), so that both sides do the same
//! amount of work; an early-stopped fit's length depends on the stopping rule, which differs
//! (validation log loss here, accuracy in scikit-learn).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array2;
use pdscore_models::{Classifier, FittedClassifier, LogisticRegressionParams, MlpParams};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const ROWS: usize = 100_000;
const COLS: usize = 40;
const POSITIVES: usize = 1_430;

/// Standard normal features (a few correlated pairs), a linear-plus-interaction ground truth
/// with logistic noise, and exactly `POSITIVES` positives: the rows with the highest scores.
fn synthetic(seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut open_unit = move || (1.0 - rng.r#gen::<f64>()).clamp(1e-12, 1.0 - 1e-12);
    let mut x = Array2::<f64>::zeros((ROWS, COLS));
    let mut score = vec![0.0; ROWS];
    let beta: Vec<f64> = (0..COLS)
        .map(|j| {
            if j % 3 == 0 {
                0.0
            } else {
                1.0 / (1.0 + j as f64 / 4.0)
            }
        })
        .collect();
    for i in 0..ROWS {
        for j in 0..COLS {
            // Box-Muller standard normal
            let (u1, u2) = (open_unit(), open_unit());
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            x[[i, j]] = if j % 5 == 1 {
                0.6 * x[[i, j - 1]] + 0.8 * z
            } else {
                z
            };
        }
        let u = open_unit();
        let logistic_noise = (u / (1.0 - u)).ln();
        score[i] = (0..COLS).map(|j| beta[j] * x[[i, j]]).sum::<f64>()
            + 0.5 * x[[i, 0]] * x[[i, 2]]
            + logistic_noise;
    }
    let mut order: Vec<usize> = (0..ROWS).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]));
    let mut y = vec![false; ROWS];
    for &i in &order[..POSITIVES] {
        y[i] = true;
    }
    (x, y)
}

fn write_for_peer(x: &Array2<f64>, y: &[bool]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    let bytes = |values: &mut dyn Iterator<Item = f64>| -> Vec<u8> {
        values.flat_map(f64::to_le_bytes).collect()
    };
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| {
            std::fs::write(
                dir.join("linear_100k_x40.f64"),
                bytes(&mut x.iter().copied()),
            )
        })
        .and_then(|()| {
            std::fs::write(
                dir.join("linear_100k_y.f64"),
                bytes(&mut y.iter().map(|&v| f64::from(u8::from(v)))),
            )
        });
    if let Err(e) = written {
        eprintln!(
            "could not write the peer data set to {}: {e}",
            dir.display()
        );
    }
}

fn bench_models(c: &mut Criterion) {
    let (x, y) = synthetic(42);
    write_for_peer(&x, &y);
    let mut group = c.benchmark_group("linear_100k_x40");
    group.sample_size(10);

    let logreg = LogisticRegressionParams::new();
    group.bench_function("logreg_fit", |b| {
        b.iter(|| black_box(logreg.fit(x.view(), &y, None).expect("fit")));
    });
    let mlp = MlpParams::new()
        .early_stopping(false)
        .max_epochs(10)
        .seed(0);
    group.bench_function("mlp32_fit_10_epochs", |b| {
        b.iter(|| black_box(mlp.fit(x.view(), &y, None).expect("fit")));
    });

    let fitted_logreg = logreg.fit(x.view(), &y, None).expect("fit");
    let fitted_mlp = mlp.fit(x.view(), &y, None).expect("fit");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("logreg_predict", |b| {
        b.iter(|| black_box(fitted_logreg.predict_proba(x.view()).expect("predict")));
    });
    group.bench_function("mlp32_predict", |b| {
        b.iter(|| black_box(fitted_mlp.predict_proba(x.view()).expect("predict")));
    });
    group.finish();
}

criterion_group!(benches, bench_models);
criterion_main!(benches);
