//! Fit and predict timings of the tree family on 100,000 × 40 synthetic rows (1.43% positives,
//! some `NaN`), the same data `benches/peers/models_trees.py` times scikit-learn on.
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo bench -p pdscore-models --bench trees -- --sample-size 10
//! RAYON_NUM_THREADS=1 cargo bench -p pdscore-models --bench trees -- predict_proba  # predict only
//! $PDSCORE_PYTHON benches/peers/models_trees.py --n-jobs 1 --predict-only
//! ```
//!
//! After the criterion benches (under `cargo bench` only, and only for the groups the filter
//! selects) it prints the median CPU time of one `predict_proba` call, summed over every thread
//! of the process (Linux `/proc/self/task/*/schedstat`): on a shared machine this is steadier
//! than wall time, and it is what the peer script's `process_time` measures.
//!
//! The bench writes the data it generates to `<workspace>/target/bench-data/trees_100k.bin`
//! (row-major `f64` matrix, then the labels as `f64`, little-endian) for the Python script.

use std::hint::black_box;

mod common;

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
/// Trees of the larger forest, timed for prediction only (the peer baseline's `rf_200_balsub`).
pub const LARGE_FOREST_TREES: usize = 200;
/// `predict_proba` calls per CPU-time median.
const CPU_RUNS: usize = 15;
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

/// The criterion filter given on the command line: the first argument that is neither a flag
/// nor the value of one of criterion's flags that take a value.
fn filter() -> Option<String> {
    const TAKES_VALUE: [&str; 12] = [
        "--sample-size",
        "--measurement-time",
        "--warm-up-time",
        "--save-baseline",
        "--baseline",
        "--load-baseline",
        "--noise-threshold",
        "--significance-level",
        "--confidence-level",
        "--nresamples",
        "--profile-time",
        "--output-format",
    ];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if TAKES_VALUE.contains(&arg.as_str()) {
            args.next();
        } else if !arg.starts_with('-') {
            return Some(arg);
        }
    }
    None
}

/// Whether the benchmark `group/function` is selected by the command-line filter (a substring
/// match; criterion itself treats the filter as a regular expression).
fn selected(group: &str, function: &str) -> bool {
    filter().is_none_or(|f| format!("{group}/{function}").contains(&f))
}

/// Times `fit` (unless `predict_only`) and `predict_proba` of `params` with criterion, then
/// returns the median CPU milliseconds of one `predict_proba` call when run by `cargo bench`.
fn bench<C: Classifier>(
    c: &mut Criterion,
    name: &str,
    params: &C,
    predict_only: bool,
    data: (&Array2<f64>, &[bool]),
) -> Option<f64> {
    let (x, y) = data;
    let wants_fit = !predict_only && selected(name, "fit");
    let wants_predict = selected(name, "predict_proba");
    if !wants_fit && !wants_predict {
        return None;
    }
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    if wants_fit {
        group.bench_function("fit", |b| {
            b.iter(|| black_box(params.fit(x.view(), y, None).expect("fit")));
        });
    }
    if !wants_predict {
        group.finish();
        return None;
    }
    let model = params.fit(x.view(), y, None).expect("fit");
    eprintln!("{name}: {}", model.describe());
    group.bench_function("predict_proba", |b| {
        b.iter(|| black_box(model.predict_proba(x.view()).expect("predict")));
    });
    group.finish();
    // Only under `cargo bench` (which passes `--bench`), not when `cargo test --all-targets`
    // smoke-tests the bench.
    if !std::env::args().any(|arg| arg == "--bench") {
        return None;
    }
    cpu_ms_per_run(CPU_RUNS, || {
        black_box(model.predict_proba(x.view()).expect("predict"));
    })
}

fn trees(c: &mut Criterion) {
    let (x, y) = synthetic(42);
    common::write_for_peer(&x, &y, "trees_100k.bin");
    eprintln!(
        "data: {ROWS} x {FEATURES}, {} positives, rayon threads {}",
        y.iter().filter(|&&v| v).count(),
        rayon::current_num_threads()
    );
    let forest = |n| {
        RandomForestParams::new()
            .n_estimators(n)
            .class_weight(ClassWeight::BalancedSubsample)
    };
    let cpu = [
        (
            "decision_tree",
            bench(
                c,
                "decision_tree",
                &DecisionTreeParams::new(),
                false,
                (&x, &y),
            ),
        ),
        (
            "random_forest_50_balsub",
            bench(
                c,
                "random_forest_50_balsub",
                &forest(FOREST_TREES),
                false,
                (&x, &y),
            ),
        ),
        (
            "random_forest_200_balsub",
            bench(
                c,
                "random_forest_200_balsub",
                &forest(LARGE_FOREST_TREES),
                true,
                (&x, &y),
            ),
        ),
        (
            "adaboost_200",
            bench(
                c,
                "adaboost_200",
                &AdaBoostParams::new().n_estimators(ADABOOST_ROUNDS),
                false,
                (&x, &y),
            ),
        ),
    ];
    for (name, ms) in cpu {
        if let Some(ms) = ms {
            eprintln!(
                "cpu time {name}/predict_proba: median {ms:.2} ms over {CPU_RUNS} runs \
                 (all threads, rayon threads {})",
                rayon::current_num_threads()
            );
        }
    }
}

/// CPU time of all threads of this process in nanoseconds (Linux), std only.
fn process_cpu_ns() -> Option<u64> {
    // The kernel brings a running thread's count up to date only when it schedules: without
    // this yield, work done on the calling thread itself can read as zero.
    std::thread::yield_now();
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// Median CPU milliseconds of `runs` calls of `f` (after one warm-up call); `None` where
/// `/proc/self/task/*/schedstat` is not readable.
fn cpu_ms_per_run(runs: usize, mut f: impl FnMut()) -> Option<f64> {
    f();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let before = process_cpu_ns()?;
        f();
        let after = process_cpu_ns()?;
        times.push(after.saturating_sub(before) as f64 / 1e6);
    }
    times.sort_by(f64::total_cmp);
    Some(times[runs / 2])
}

criterion_group!(benches, trees);
criterion_main!(benches);
