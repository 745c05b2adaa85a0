//! Monotone constraints, family by family: a model fitted with a constraint on a feature whose
//! true effect is not monotone (trees) or goes the other way (logistic regression) must be
//! monotone in that feature over a grid of values for random rows, with missing values in the
//! training column; and the same data fitted without the constraint gives a model that is not,
//! so the property tests are not vacuous.

use ndarray::{Array2, ArrayView2};
use pdscore_models::monotone::find_violation;
use pdscore_models::trees::{AdaBoostParams, DecisionTreeParams, RandomForestParams};
use pdscore_models::{
    Classifier, FittedClassifier, GbmParams, LogisticRegressionParams, ModelError,
};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n` rows of three features; feature 0 in `[0, 10]` with about 8 % missing, acting on the
/// label through `2 sin(x0)` (up, down, up: monotone in neither direction), feature 1 through
/// `+x1`, feature 2 noise.
fn wavy(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 3));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let x0: f64 = rng.gen_range(0.0..10.0);
        let x1: f64 = rng.gen_range(-2.0..2.0);
        x[[i, 0]] = if rng.gen_bool(0.08) { f64::NAN } else { x0 };
        x[[i, 1]] = x1;
        x[[i, 2]] = rng.gen_range(0.0..1.0);
        let logit = 2.0 * x0.sin() + x1;
        y.push(rng.gen_bool(1.0 / (1.0 + (-logit).exp())));
    }
    (x, y)
}

/// A grid over (and beyond) feature 0's range.
fn grid() -> Vec<f64> {
    (0..=48).map(|k| -1.0 + 0.25 * f64::from(k)).collect()
}

/// `k` rows drawn from `x` with a seed (the constrained column is overwritten by the grid).
fn some_rows(x: ArrayView2<'_, f64>, k: usize, seed: u64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xABCD);
    let rows: Vec<usize> = (0..k).map(|_| rng.gen_range(0..x.nrows())).collect();
    x.select(ndarray::Axis(0), &rows)
}

/// Asserts the model is monotone in feature 0 in `direction` on the grid for the rows.
fn assert_monotone<M: FittedClassifier>(model: &M, rows: &Array2<f64>, direction: i8) {
    let v = find_violation(model, rows.view(), 0, direction, &grid()).expect("scores");
    assert!(
        v.is_none(),
        "{} not monotone ({direction}): {v:?}",
        model.name()
    );
}

/// Whether the model goes against `direction` somewhere on the grid for the rows.
fn violates<M: FittedClassifier>(model: &M, rows: &Array2<f64>, direction: i8) -> bool {
    find_violation(model, rows.view(), 0, direction, &grid())
        .expect("scores")
        .is_some()
}

fn constraints(direction: i8) -> Vec<i8> {
    vec![direction, 0, 0]
}

fn gbm(seed: u64) -> GbmParams {
    GbmParams::new()
        .n_estimators(30)
        .num_leaves(8)
        .min_child_samples(5)
        .subsample(0.8)
        .subsample_freq(1)
        .colsample_bytree(0.67)
        .seed(seed)
}

fn forest(seed: u64) -> RandomForestParams {
    RandomForestParams::new()
        .n_estimators(15)
        .min_samples_leaf(3)
        .seed(seed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn gbm_is_monotone_in_a_constrained_feature(seed in 0u64..1_000, up in any::<bool>()) {
        let direction = if up { 1 } else { -1 };
        let (x, y) = wavy(400, seed);
        let model = gbm(seed).monotone_constraints(constraints(direction)).fit(x.view(), &y, None).unwrap();
        assert_monotone(&model, &some_rows(x.view(), 25, seed), direction);
    }

    #[test]
    fn decision_tree_is_monotone_in_a_constrained_feature(seed in 0u64..1_000, up in any::<bool>()) {
        let direction = if up { 1 } else { -1 };
        let (x, y) = wavy(400, seed);
        let model = DecisionTreeParams::new()
            .max_depth(Some(6))
            .monotone_constraints(constraints(direction))
            .fit(x.view(), &y, None)
            .unwrap();
        assert_monotone(&model, &some_rows(x.view(), 25, seed), direction);
    }

    #[test]
    fn random_forest_is_monotone_in_a_constrained_feature(seed in 0u64..1_000, up in any::<bool>()) {
        let direction = if up { 1 } else { -1 };
        let (x, y) = wavy(400, seed);
        let model = forest(seed).monotone_constraints(constraints(direction)).fit(x.view(), &y, None).unwrap();
        assert_monotone(&model, &some_rows(x.view(), 25, seed), direction);
    }

    #[test]
    fn adaboost_is_monotone_in_a_constrained_feature(seed in 0u64..1_000, up in any::<bool>()) {
        let direction = if up { 1 } else { -1 };
        let (x, y) = wavy(400, seed);
        let model = AdaBoostParams::new()
            .n_estimators(30)
            .monotone_constraints(constraints(direction))
            .fit(x.view(), &y, None)
            .unwrap();
        assert_monotone(&model, &some_rows(x.view(), 25, seed), direction);
    }

    #[test]
    fn logistic_regression_respects_coefficient_signs(seed in 0u64..1_000) {
        // Feature 1 raises the log-odds; constrained to -1 its coefficient must stop at 0.
        let (mut x, y) = wavy(400, seed);
        x.column_mut(0).mapv_inplace(|v| if v.is_nan() { 5.0 } else { v });
        let free = LogisticRegressionParams::new().fit(x.view(), &y, None).unwrap();
        prop_assert!(free.coefficients()[1] > 0.0);
        let model = LogisticRegressionParams::new()
            .monotone_constraints(vec![0, -1, 0])
            .fit(x.view(), &y, None)
            .unwrap();
        prop_assert!(model.coefficients()[1] <= 0.0);
        prop_assert!(model.grad_norm() <= 1e-8);
        let rows = some_rows(x.view(), 25, seed);
        let v = find_violation(&model, rows.view(), 1, -1, &[-3.0, -1.0, 0.0, 1.0, 3.0]).unwrap();
        prop_assert!(v.is_none());
        // The unconstrained model goes the other way.
        let v = find_violation(&free, rows.view(), 1, -1, &[-3.0, -1.0, 0.0, 1.0, 3.0]).unwrap();
        prop_assert!(v.is_some());
    }
}

/// Without the constraint, each tree family fits the wave: it goes against either direction
/// for some row (so the properties above test something).
#[test]
fn unconstrained_tree_models_are_not_monotone_on_the_same_data() {
    let (x, y) = wavy(400, 7);
    let rows = some_rows(x.view(), 25, 7);
    let gbm = gbm(7).fit(x.view(), &y, None).unwrap();
    let tree = DecisionTreeParams::new()
        .max_depth(Some(6))
        .fit(x.view(), &y, None)
        .unwrap();
    let forest = forest(7).fit(x.view(), &y, None).unwrap();
    let ada = AdaBoostParams::new()
        .n_estimators(30)
        .fit(x.view(), &y, None)
        .unwrap();
    for direction in [1, -1] {
        assert!(violates(&gbm, &rows, direction), "gbm {direction}");
        assert!(violates(&tree, &rows, direction), "tree {direction}");
        assert!(violates(&forest, &rows, direction), "forest {direction}");
        assert!(violates(&ada, &rows, direction), "adaboost {direction}");
    }
}

/// The logistic regression's constrained optimum is the optimum of the problem with the
/// constrained coefficient fixed at zero (here: the column dropped), as the KKT conditions say
/// when the bound is active.
#[test]
fn an_active_sign_constraint_gives_the_fit_without_that_column() {
    let (mut x, y) = wavy(600, 3);
    x.column_mut(0)
        .mapv_inplace(|v| if v.is_nan() { 5.0 } else { v });
    let constrained = LogisticRegressionParams::new()
        .monotone_constraints(vec![0, -1, 0])
        .fit(x.view(), &y, None)
        .unwrap();
    let dropped = x.select(ndarray::Axis(1), &[0, 2]);
    let reference = LogisticRegressionParams::new()
        .fit(dropped.view(), &y, None)
        .unwrap();
    let c = constrained.coefficients();
    assert_eq!(c[1], 0.0);
    assert!((c[0] - reference.coefficients()[0]).abs() < 1e-6);
    assert!((c[2] - reference.coefficients()[1]).abs() < 1e-6);
    assert!((constrained.intercept() - reference.intercept()).abs() < 1e-6);
    // A constraint in the direction the data already goes changes nothing.
    let agreeing = LogisticRegressionParams::new()
        .monotone_constraints(vec![0, 1, 0])
        .fit(x.view(), &y, None)
        .unwrap();
    let free = LogisticRegressionParams::new()
        .fit(x.view(), &y, None)
        .unwrap();
    for (a, b) in agreeing.coefficients().iter().zip(free.coefficients()) {
        assert!((a - b).abs() < 1e-6);
    }
}

/// Several constrained features at once, with bagging: still monotone in each.
#[test]
fn gbm_with_two_constraints_is_monotone_in_both() {
    let (x, y) = wavy(600, 11);
    let model = gbm(11)
        .monotone_constraints(vec![-1, 1, 0])
        .fit(x.view(), &y, None)
        .unwrap();
    let rows = some_rows(x.view(), 30, 11);
    assert_monotone(&model, &rows, -1);
    let grid1: Vec<f64> = (0..=20).map(|k| -2.5 + 0.25 * f64::from(k)).collect();
    assert!(
        find_violation(&model, rows.view(), 1, 1, &grid1)
            .unwrap()
            .is_none()
    );
}

#[test]
fn bad_constraint_lists_are_errors_naming_the_parameter() {
    let (x, y) = wavy(100, 1);
    let is_param_error = |r: Result<(), ModelError>| {
        matches!(
            r,
            Err(ModelError::InvalidParam {
                name: "monotone_constraints",
                ..
            })
        )
    };
    let wrong_length = vec![1, 0];
    assert!(is_param_error(
        gbm(0)
            .monotone_constraints(wrong_length.clone())
            .fit(x.view(), &y, None)
            .map(drop)
    ));
    assert!(is_param_error(
        DecisionTreeParams::new()
            .monotone_constraints(wrong_length.clone())
            .fit(x.view(), &y, None)
            .map(drop)
    ));
    assert!(is_param_error(
        forest(0)
            .monotone_constraints(wrong_length.clone())
            .fit(x.view(), &y, None)
            .map(drop)
    ));
    assert!(is_param_error(
        AdaBoostParams::new()
            .monotone_constraints(vec![0, 3, 0])
            .fit(x.view(), &y, None)
            .map(drop)
    ));
    let mut filled = x.clone();
    filled.mapv_inplace(|v| if v.is_nan() { 0.0 } else { v });
    assert!(is_param_error(
        LogisticRegressionParams::new()
            .monotone_constraints(wrong_length)
            .fit(filled.view(), &y, None)
            .map(drop)
    ));
}

/// A constrained model round-trips through JSON, and a model saved before constraints existed
/// (no field) still loads, unconstrained.
#[test]
fn constrained_models_round_trip_and_old_files_load() {
    let (x, y) = wavy(300, 5);
    let model = gbm(5)
        .monotone_constraints(vec![1, 0, 0])
        .fit(x.view(), &y, None)
        .unwrap();
    let json = serde_json::to_value(&model).unwrap();
    assert_eq!(
        json["params"]["monotone_constraints"],
        serde_json::json!([1, 0, 0])
    );
    let back: pdscore_models::FittedGbm = serde_json::from_value(json).unwrap();
    assert_eq!(back, model);
    let free = gbm(5).fit(x.view(), &y, None).unwrap();
    let json = serde_json::to_value(&free).unwrap();
    assert!(json["params"].get("monotone_constraints").is_none());
    let back: pdscore_models::FittedGbm = serde_json::from_value(json).unwrap();
    assert!(back.params().monotone_constraints_setting().is_empty());
}

/// A list of zeros constrains nothing: the model is the unconstrained one, bit for bit.
#[test]
fn all_zero_constraints_fit_the_unconstrained_model() {
    let (x, y) = wavy(300, 9);
    let free = gbm(9).fit(x.view(), &y, None).unwrap();
    let zeros = gbm(9)
        .monotone_constraints(vec![0, 0, 0])
        .fit(x.view(), &y, None)
        .unwrap();
    assert_eq!(free.trees(), zeros.trees());
    let free = forest(9).fit(x.view(), &y, None).unwrap();
    let zeros = forest(9)
        .monotone_constraints(vec![0, 0, 0])
        .fit(x.view(), &y, None)
        .unwrap();
    let (p, q) = (
        free.predict_proba(x.view()).unwrap(),
        zeros.predict_proba(x.view()).unwrap(),
    );
    assert_eq!(p, q);
}

mod conformance;

/// Constrained models pass the conformance suite too (its toy label rises with features 0 and
/// 1, so the constraints agree with the data and the models must still learn it).
#[test]
fn constrained_models_conform() {
    let agree = || vec![1, 1, 0, 0];
    let trees = conformance::Expect {
        native_missing: true,
        ..conformance::Expect::default()
    };
    conformance::run_conformance_suite(
        "gbm_monotone",
        |seed| {
            GbmParams::new()
                .n_estimators(30)
                .monotone_constraints(agree())
                .seed(seed)
        },
        trees,
    );
    conformance::run_conformance_suite(
        "random_forest_monotone",
        |seed| {
            RandomForestParams::new()
                .n_estimators(30)
                .min_samples_leaf(5)
                .monotone_constraints(agree())
                .seed(seed)
        },
        trees,
    );
    conformance::run_conformance_suite(
        "adaboost_monotone",
        |seed| {
            AdaBoostParams::new()
                .n_estimators(100)
                .monotone_constraints(agree())
                .seed(seed)
        },
        trees,
    );
    conformance::run_conformance_suite(
        "logistic_regression_monotone",
        |_seed| LogisticRegressionParams::new().monotone_constraints(agree()),
        conformance::Expect::default(),
    );
}
