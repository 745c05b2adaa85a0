//! Fit time of linfa 0.8.1's logistic regression and decision tree next to ours on the same
//! 100,000 x 40 rows (1.43 % positives), single process, default thread pool.
//!
//! ```sh
//! cargo bench -p pdscore-models --bench linfa_reference -- --sample-size 10
//! ```
//!
//! linfa-logistic is fitted without weights (it ignores them); ours is timed the same way.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use linfa::prelude::*;
use ndarray::{Array1, Array2};
use pdscore_models::{Classifier, DecisionTreeParams, LogisticRegressionParams};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Uniform features and a logistic label whose intercept gives about 1.4 % positives.
fn data() -> (Array2<f64>, Vec<bool>) {
    let (rows, cols) = (100_000, 40);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let x = Array2::from_shape_fn((rows, cols), |_| rng.gen_range(-1.0..1.0));
    let y = x
        .outer_iter()
        .map(|row| {
            let z: f64 = row.iter().take(10).sum::<f64>() * 0.8 - 5.2;
            rng.gen_bool(1.0 / (1.0 + (-z).exp()))
        })
        .collect();
    (x, y)
}

fn bench(c: &mut Criterion) {
    let (x, y) = data();
    let dataset = Dataset::new(x.clone(), Array1::from(y.clone()));
    let mut group = c.benchmark_group("linfa_reference_fit_100k_x40");
    group.sample_size(10);
    group.bench_function("linfa_logistic", |b| {
        b.iter(|| {
            let _ = black_box(linfa_logistic::LogisticRegression::default().fit(&dataset));
        });
    });
    group.bench_function("pdscore_logistic", |b| {
        b.iter(|| {
            let _ = black_box(LogisticRegressionParams::new().fit(x.view(), &y, None));
        });
    });
    for depth in [6, 10] {
        group.bench_function(format!("linfa_tree_depth{depth}"), |b| {
            b.iter(|| {
                let _ = black_box(
                    linfa_trees::DecisionTree::params()
                        .max_depth(Some(depth))
                        .fit(&dataset),
                );
            });
        });
        group.bench_function(format!("pdscore_tree_depth{depth}"), |b| {
            b.iter(|| {
                let _ = black_box(DecisionTreeParams::new().max_depth(Some(depth)).fit(
                    x.view(),
                    &y,
                    None,
                ));
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
