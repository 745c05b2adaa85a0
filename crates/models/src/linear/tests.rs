//! Unit tests of the logistic regression.

use super::*;
use ndarray::array;

#[test]
fn sigmoid_and_softplus_are_stable_far_out() {
    assert_eq!(sigmoid(1e308), 1.0);
    assert_eq!(sigmoid(-1e308), 0.0);
    assert!((sigmoid(0.0) - 0.5).abs() < 1e-16);
    assert!(softplus(1e308).is_finite());
    assert_eq!(softplus(-1e308), 0.0);
    assert!((softplus(0.0) - 2f64.ln()).abs() < 1e-15);
}

#[test]
fn cholesky_solves_a_small_system() {
    let mut a = vec![4.0, 2.0, 2.0, 3.0];
    let l = cholesky(&mut a, 2).expect("positive definite");
    let x = cholesky_solve(l, &[2.0, 1.0], 2);
    // 4 x0 + 2 x1 = 2, 2 x0 + 3 x1 = 1 -> x = (0.5, 0)
    assert!((x[0] - 0.5).abs() < 1e-14 && x[1].abs() < 1e-14);
    let mut not_pd = vec![1.0, 2.0, 2.0, 1.0];
    assert!(cholesky(&mut not_pd, 2).is_none());
}

#[test]
fn invalid_params_are_errors() {
    for params in [
        LogisticRegressionParams::new().c(0.0),
        LogisticRegressionParams::new().c(f64::NAN),
        LogisticRegressionParams::new().tol(-1.0),
        LogisticRegressionParams::new().max_iter(0),
    ] {
        assert!(matches!(
            params.check(),
            Err(ModelError::InvalidParam { .. })
        ));
    }
}

#[test]
fn gradient_is_zero_at_the_optimum_and_matches_finite_differences() {
    let x = array![[0.0, 1.0], [1.0, 0.5], [2.0, -1.0], [3.0, 1.5], [4.0, 1.0]];
    let targets = [0.0, 0.0, 1.0, 0.0, 1.0];
    let weights = [1.0, 2.0, 0.5, 1.0, 0.5];
    let problem = Problem {
        x: x.view(),
        targets: &targets,
        weights: &weights,
        loss_scale: 0.2,
        penalty: 0.3,
        fit_intercept: true,
    };
    let theta = [0.3, -0.2, 0.1];
    let eval = problem.evaluate(&theta, true);
    let h = 1e-6;
    for j in 0..3 {
        let mut up = theta;
        let mut down = theta;
        up[j] += h;
        down[j] -= h;
        let numeric = (problem.objective(&up) - problem.objective(&down)) / (2.0 * h);
        assert!((numeric - eval.gradient[j]).abs() < 1e-8, "gradient {j}");
        let (gu, gd) = (
            problem.evaluate(&up, false).gradient,
            problem.evaluate(&down, false).gradient,
        );
        for k in 0..3 {
            let numeric = (gu[k] - gd[k]) / (2.0 * h);
            assert!(
                (numeric - eval.hessian[k * 3 + j]).abs() < 1e-7,
                "hessian {k},{j}"
            );
        }
    }
}

#[test]
fn the_first_non_finite_value_is_reported_across_blocks() {
    let coefficients = vec![1.0; 3];
    let model = FittedLogisticRegression {
        coefficients,
        intercept: 0.0,
        feature_means: Vec::new(),
        iterations: 0,
        grad_norm: 0.0,
        params: LogisticRegressionParams::new(),
    };
    let mut x = Array2::<f64>::zeros((3 * PREDICT_BLOCK, 3));
    x[[2 * PREDICT_BLOCK + 5, 0]] = f64::NAN;
    x[[PREDICT_BLOCK + 7, 2]] = f64::INFINITY;
    x[[PREDICT_BLOCK + 7, 1]] = f64::NEG_INFINITY;
    let err = model.predict_proba(x.view());
    assert!(matches!(
        err,
        Err(ModelError::NonFinite { row, column: 1 }) if row == PREDICT_BLOCK + 7
    ));
    x[[PREDICT_BLOCK + 7, 1]] = 0.0;
    x[[PREDICT_BLOCK + 7, 2]] = 0.0;
    assert!(matches!(
        model.predict_proba(x.view()),
        Err(ModelError::NonFinite { row, column: 0 }) if row == 2 * PREDICT_BLOCK + 5
    ));
}

#[test]
fn non_convergence_is_reported() {
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let y = [false, true, false, true];
    let err = LogisticRegressionParams::new()
        .max_iter(1)
        .tol(1e-300)
        .fit(x.view(), &y, None);
    assert!(matches!(
        err,
        Err(ModelError::NotConverged { iterations: 1, .. })
    ));
}

#[test]
fn without_intercept_the_intercept_is_zero() {
    let x = array![[-1.0], [-0.5], [0.5], [1.0], [2.0]];
    let y = [false, true, false, true, true];
    let model = LogisticRegressionParams::new()
        .fit_intercept(false)
        .fit(x.view(), &y, None)
        .expect("fit");
    assert_eq!(model.intercept(), 0.0);
    assert!(model.coefficients()[0] > 0.0);
}

#[test]
fn warm_start_reaches_the_same_optimum_in_fewer_steps() {
    let x = array![
        [0.0, 1.0],
        [1.0, 0.5],
        [2.0, -1.0],
        [3.0, 1.5],
        [4.0, 1.0],
        [5.0, 0.2]
    ];
    let y = [false, false, true, false, true, true];
    let params = LogisticRegressionParams::new().c(2.0);
    let cold = params.fit(x.view(), &y, None).expect("cold");
    let warm = params
        .fit_from(&cold, x.view(), &y, None)
        .expect("warm start");
    assert!(warm.iterations() < cold.iterations());
    for (a, b) in cold.coefficients().iter().zip(warm.coefficients()) {
        assert!((a - b).abs() < 1e-8);
    }
    let wrong = array![[1.0], [2.0]];
    assert!(params.fit_from(&cold, wrong.view(), &y[..2], None).is_err());
}
