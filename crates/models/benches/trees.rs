//! Fit and predict timings of the tree family on 100,000 × 40 synthetic rows (1.43% positives,
//! some `NaN`), the same data `benches/peers/models_trees.py` times scikit-learn on.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-shared RAYON_NUM_THREADS=1 \
//!     cargo bench -p pdscore-models --bench trees -- --sample-size 10
//! $PDSCORE_PYTHON benches/peers/models_trees.py --n-jobs 1
//! ```
//!
//! The bench writes the data it generates to `<workspace>/target/bench-data/trees_100k.bin`
//! (row-major `f64` matrix, then the labels as `f64`, little-endian) for the Python script.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;
use pdscore_models::{
    AdaBoostParams, ClassWeight, Classifier, DecisionTreeParams, FittedClassifier,
    RandomForestParams,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const ROWS: usize = 100_000;
const FEATURES: usize = 40;
const POSITIVES: usize = 1_430;
/// Trees of the benchmarked forest (kept below the default 100 to keep the bench short).
pub const FOREST_TREES: usize = 50;
/// Rounds of the benchmarked AdaBoost (the peer baseline's 200 stumps).
pub const ADABOOST_ROUNDS: usize = 200;

/// Ten informative columns (one interaction), thirty noise columns, every fifth column
/// integer-valued, 10% `NaN` in every seventh column; the 1.43% rows with the highest latent
/// score are positive.
fn synthetic(seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut bell = || (0..3).map(|_| rng.gen_range(-1.0..1.0)).sum::<f64>();
    let mut x = Array2::zeros((ROWS, FEATURES));
    let mut latent = vec![0.0; ROWS];
    for i in 0..ROWS {
        for j in 0..FEATURES {
            let v = bell() * (1.0 + j as f64 / 10.0);
            x[[i, j]] = if j % 5 == 4 { (v * 3.0).round() } else { v };
        }
        let informative: f64 = (0..10)
            .map(|j| x[[i, j]] * (1.0 - j as f64 / 12.0) / (1.0 + j as f64 / 10.0))
            .sum();
        latent[i] = informative + 0.8 * x[[i, 0]] * x[[i, 1]] + 1.5 * bell();
    }
    let mut sorted = latent.clone();
    sorted.sort_unstable_by(|a, b| b.total_cmp(a));
    let cut = sorted[POSITIVES - 1];
    let y: Vec<bool> = latent.iter().map(|&l| l >= cut).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed + 1);
    for j in (3..FEATURES).step_by(7) {
        for i in 0..ROWS {
            if rng.gen_bool(0.1) {
                x[[i, j]] = f64::NAN;
            }
        }
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
    let path = dir.join("trees_100k.bin");
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, bytes)) {
        eprintln!("warning: could not write {}: {e}", path.display());
    }
}

fn bench<C: Classifier>(c: &mut Criterion, name: &str, params: &C, x: &Array2<f64>, y: &[bool]) {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.bench_function("fit", |b| {
        b.iter(|| black_box(params.fit(x.view(), y, None).expect("fit")));
    });
    let model = params.fit(x.view(), y, None).expect("fit");
    group.bench_function("predict_proba", |b| {
        b.iter(|| black_box(model.predict_proba(x.view()).expect("predict")));
    });
    group.finish();
}

fn trees(c: &mut Criterion) {
    let (x, y) = synthetic(42);
    write_for_peer(&x, &y);
    eprintln!(
        "data: {ROWS} x {FEATURES}, {} positives, rayon threads {}",
        y.iter().filter(|&&v| v).count(),
        rayon::current_num_threads()
    );
    bench(c, "decision_tree", &DecisionTreeParams::new(), &x, &y);
    bench(
        c,
        "random_forest_50_balsub",
        &RandomForestParams::new()
            .n_estimators(FOREST_TREES)
            .class_weight(ClassWeight::BalancedSubsample),
        &x,
        &y,
    );
    bench(
        c,
        "adaboost_200",
        &AdaBoostParams::new().n_estimators(ADABOOST_ROUNDS),
        &x,
        &y,
    );
}

criterion_group!(benches, trees);
criterion_main!(benches);
