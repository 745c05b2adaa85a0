//! Reason codes of the gradient-boosted trees: path-dependent TreeSHAP
//! ([`FittedGbm::contributions`]) of a GBM of the default pipeline's size (LightGBM's recipe:
//! 300 trees of 31 leaves, learning rate 0.05, `min_child_samples = 40`) on 100,000 × 40
//! Klarna-like synthetic rows (~1.6 % positives, ~5 % missing values), the same data
//! `benches/peers/explain_lightgbm.py` times LightGBM's `predict(X, pred_contrib=True)` on.
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo bench -p pdscore-models --bench explain
//! /work/main/target/peer-venv/bin/python benches/peers/explain_lightgbm.py --threads 1
//! ```
//!
//! Criterion times 1,000 rows; then (under `cargo bench` only) the bench explains all 100,000
//! rows once and prints rows per second. It writes its data to
//! `<workspace>/target/bench-data/explain_100k.bin` (row-major `f64` matrix, then the labels as
//! `f64`, little-endian) for the Python script.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::{Array2, s};
use pdscore_models::{Classifier, FittedClassifier, GbmParams};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const ROWS: usize = 100_000;
const FEATURES: usize = 40;
/// Rows per criterion iteration.
const TIMED_ROWS: usize = 1_000;

/// `rows` x 40: 14 log-normal amounts, 8 small counts, 6 ratios, 6 category codes, 6 flags; a
/// third of the columns have missing values; the label mixes thresholds, an interaction and
/// missingness (the generator of the `gbm` bench).
fn klarna_like(rows: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((rows, FEATURES));
    let mut y = Vec::with_capacity(rows);
    for i in 0..rows {
        for j in 0..FEATURES {
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
        for j in (0..FEATURES).step_by(3) {
            if (j == 6 && missing_signal) || rng.gen_bool(0.15) {
                x[[i, j]] = f64::NAN;
            }
        }
        y.push(rng.gen_bool(1.0 / (1.0 + (-logit).exp())));
    }
    (x, y)
}

/// Writes the data for the Python peer script; a failure only prints a warning.
fn write_for_peer(x: &Array2<f64>, y: &[bool]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    let mut bytes = Vec::with_capacity((x.len() + y.len()) * 8);
    for v in x {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    for &label in y {
        bytes.extend_from_slice(&f64::from(u8::from(label)).to_le_bytes());
    }
    let path = dir.join("explain_100k.bin");
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, bytes)) {
        eprintln!("warning: could not write {}: {e}", path.display());
    }
}

fn bench_explain(c: &mut Criterion) {
    let (x, y) = klarna_like(ROWS, 0);
    write_for_peer(&x, &y);
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
