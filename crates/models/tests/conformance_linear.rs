//! Logistic regression: the conformance suite, and coefficients against scikit-learn's
//! `LogisticRegression` (fixture made by `tests/fixtures/make_logreg_fixture.py`).

mod conformance;

use ndarray::Array2;
use pdscore_models::{Classifier, FittedClassifier, LogisticRegressionParams};
use serde::Deserialize;

#[test]
fn logistic_regression_conforms() {
    conformance::run_conformance_suite(
        "logistic_regression",
        |_seed| LogisticRegressionParams::new(),
        conformance::Expect::default(),
    );
}

#[derive(Deserialize)]
struct Fixture {
    datasets: std::collections::BTreeMap<String, Dataset>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Dataset {
    x: Vec<Vec<f64>>,
    y: Vec<u8>,
}

#[derive(Deserialize)]
struct Case {
    data: String,
    class_weight: String,
    c: f64,
    coefficients: Vec<f64>,
    intercept: f64,
    sample_weight: Vec<f64>,
}

#[test]
fn coefficients_match_scikit_learn() {
    let text = include_str!("fixtures/logreg_sklearn.json");
    let fixture: Fixture = serde_json::from_str(text).expect("fixture parses");
    assert_eq!(fixture.cases.len(), 18, "3 data sets x 3 weightings x 2 C");
    for case in &fixture.cases {
        let data = &fixture.datasets[&case.data];
        let (n, p) = (data.x.len(), data.x[0].len());
        let x = Array2::from_shape_vec((n, p), data.x.concat()).expect("rectangular");
        let y: Vec<bool> = data.y.iter().map(|&v| v == 1).collect();
        let weights = (case.class_weight != "none").then_some(case.sample_weight.as_slice());
        let model = LogisticRegressionParams::new()
            .c(case.c)
            .fit(x.view(), &y, weights)
            .expect("fit");
        let label = format!("{} {} C={}", case.data, case.class_weight, case.c);
        for (j, (ours, theirs)) in model
            .coefficients()
            .iter()
            .zip(&case.coefficients)
            .enumerate()
        {
            assert!(
                (ours - theirs).abs() < 1e-4,
                "{label}: coefficient {j} {ours} vs scikit-learn {theirs}"
            );
        }
        assert!(
            (model.intercept() - case.intercept).abs() < 1e-4,
            "{label}: intercept {} vs scikit-learn {}",
            model.intercept(),
            case.intercept
        );
        assert!(model.grad_norm() <= 1e-8, "{label}: converged");
    }
}

#[test]
fn warm_start_from_another_class_weight_matches_a_cold_fit() {
    let (x, y) = conformance::noisy_data(500, 11);
    let params = LogisticRegressionParams::new().c(0.5);
    let plain = params.fit(x.view(), &y, None).expect("plain");
    let up: Vec<f64> = y.iter().map(|&v| if v { 4.0 } else { 1.0 }).collect();
    let cold = params.fit(x.view(), &y, Some(&up)).expect("cold");
    let warm = params
        .fit_from(&plain, x.view(), &y, Some(&up))
        .expect("warm");
    for (a, b) in cold.coefficients().iter().zip(warm.coefficients()) {
        assert!((a - b).abs() < 1e-7, "{a} vs {b}");
    }
    assert!(warm.iterations() <= cold.iterations());
    let (pc, pw) = (
        cold.predict_proba(x.view()).expect("predict"),
        warm.predict_proba(x.view()).expect("predict"),
    );
    assert!(pc.iter().zip(&pw).all(|(a, b)| (a - b).abs() < 1e-7));
}

#[test]
fn non_contiguous_input_scores_like_contiguous_input() {
    let (x, y) = conformance::noisy_data(200, 5);
    let model = LogisticRegressionParams::new()
        .fit(x.view(), &y, None)
        .expect("fit");
    let fortran = x.t().as_standard_layout().t().to_owned();
    let transposed_view = x.t().to_owned();
    let a = model.predict_proba(x.view()).expect("c order");
    let b = model.predict_proba(fortran.view()).expect("f order");
    let c = model
        .predict_proba(transposed_view.t())
        .expect("strided view");
    for i in 0..x.nrows() {
        assert_eq!(a[i].to_bits(), b[i].to_bits());
        assert_eq!(a[i].to_bits(), c[i].to_bits());
    }
}

#[test]
fn the_fit_does_not_depend_on_the_thread_count() {
    // More rows than one accumulation block, so that several blocks are summed.
    let (x, y) = conformance::noisy_data(10_000, 8);
    let fit_with = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let model = LogisticRegressionParams::new()
                .fit(x.view(), &y, None)
                .expect("fit");
            let p = model.predict_proba(x.view()).expect("predict");
            (serde_json::to_string(&model).expect("json"), p)
        })
    };
    let (one, p_one) = fit_with(1);
    let (three, p_three) = fit_with(3);
    assert_eq!(one, three);
    assert!(
        p_one
            .iter()
            .zip(&p_three)
            .all(|(a, b)| a.to_bits() == b.to_bits())
    );
}
