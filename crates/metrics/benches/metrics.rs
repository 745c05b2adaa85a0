//! Criterion benchmarks of the ranking metrics on 1,000,000 scores.
//!
//! The data come from a SplitMix64 stream that `benches/peers/metrics_sklearn.py` (workspace
//! root) reproduces bit for bit with numpy, so scikit-learn is timed on the very same arrays:
//! scores uniform in [0, 1) with 53 random bits, and a label that is positive with probability
//! `0.0286 · score` (about 1.43 % positives, the reference prevalence).
//!
//! Run (from the workspace root, one after the other in the same session):
//! `cargo bench -p pdscore-metrics --bench metrics -- --sample-size 10` and
//! `${PDSCORE_PYTHON:-python3} benches/peers/metrics_sklearn.py 10`. Both print the values they
//! compute; the ROC AUCs agree exactly and the APs to 1e-16.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pdscore_metrics::{RankedScores, average_precision_score, roc_auc_score};

const N: usize = 1_000_000;
const SCORE_SEED: u64 = 42;
const LABEL_SEED: u64 = 4242;

/// The `i`-th output of SplitMix64 started at `seed` (stateless form).
fn splitmix64(seed: u64, i: u64) -> u64 {
    let mut z = seed.wrapping_add((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Uniform in [0, 1) from the top 53 bits.
fn unit(seed: u64, i: u64) -> f64 {
    (splitmix64(seed, i) >> 11) as f64 * (1.0 / (1_u64 << 53) as f64)
}

fn data() -> (Vec<bool>, Vec<f64>) {
    let scores: Vec<f64> = (0..N as u64).map(|i| unit(SCORE_SEED, i)).collect();
    let labels = scores
        .iter()
        .zip(0..)
        .map(|(&s, i)| unit(LABEL_SEED, i) < 0.0286 * s)
        .collect();
    (labels, scores)
}

fn bench_ranking(c: &mut Criterion) {
    let (y, scores) = data();
    // Printed so they can be compared with the values the Python peer prints.
    let positives = y.iter().filter(|&&v| v).count();
    let auc = roc_auc_score(&y, &scores, None);
    let ap = average_precision_score(&y, &scores, None);
    println!(
        "n={N} positives={positives} first_scores={:?}",
        &scores[..3]
    );
    println!("roc_auc_score={auc:?} average_precision_score={ap:?}");
    let mut group = c.benchmark_group("ranking_1m");
    group.bench_function("roc_auc_score", |b| {
        b.iter(|| roc_auc_score(black_box(&y), black_box(&scores), None));
    });
    group.bench_function("average_precision_score", |b| {
        b.iter(|| average_precision_score(black_box(&y), black_box(&scores), None));
    });
    group.bench_function("ranked_scores_auc_and_ap", |b| {
        b.iter(|| {
            let ranked = RankedScores::new(black_box(&y), black_box(&scores), None)?;
            Ok::<_, pdscore_metrics::MetricsError>((ranked.roc_auc()?, ranked.average_precision()?))
        });
    });
    group.finish();
}

criterion_group!(benches, bench_ranking);
criterion_main!(benches);
