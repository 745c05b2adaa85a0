//! The conformance suite and behavioural tests of the gradient-boosted trees.

mod conformance;

use ndarray::Array2;
use pdscore_models::gbm::{EarlyStopping, EvalMetric, GbmParams, ImportanceKind};
use pdscore_models::{Classifier, FittedClassifier, ModelError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn gbm_conforms() {
    conformance::run_conformance_suite(
        "gbm",
        |seed| GbmParams::new().n_estimators(30).seed(seed),
        conformance::Expect {
            native_missing: true,
            ..conformance::Expect::default()
        },
    );
}

#[test]
fn gbm_with_bagging_and_feature_sampling_conforms() {
    conformance::run_conformance_suite(
        "gbm_bagged",
        |seed| {
            GbmParams::new()
                .n_estimators(30)
                .subsample(0.8)
                .subsample_freq(1)
                .colsample_bytree(0.75)
                .seed(seed)
        },
        conformance::Expect {
            native_missing: true,
            ..conformance::Expect::default()
        },
    );
}

/// A non-linear problem with missing values whose missingness itself carries signal.
fn nonlinear_with_missing(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 5));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        for j in 0..5 {
            x[[i, j]] = rng.gen_range(-2.0..2.0);
        }
        let missing = rng.gen_bool(0.2);
        let interaction: f64 = x[[i, 0]] * x[[i, 1]];
        let logit: f64 = 2.0 * interaction.signum() + if missing { 1.5 } else { -0.5 };
        if missing {
            x[[i, 2]] = f64::NAN;
        }
        y.push(rng.gen_bool(1.0 / (1.0 + (-logit).exp())));
    }
    (x, y)
}

fn auc(y: &[bool], p: &[f64]) -> f64 {
    conformance::auc(y, p)
}

#[test]
fn learns_interactions_and_missingness() {
    let (x, y) = nonlinear_with_missing(4_000, 1);
    let (xt, yt) = nonlinear_with_missing(2_000, 2);
    let model = GbmParams::new().fit(x.view(), &y, None).unwrap();
    let p = model.predict_proba(xt.view()).unwrap();
    let a = auc(&yt, p.as_slice().unwrap());
    // The Bayes AUC of this design is about 0.85; a linear model gets about 0.6.
    assert!(a > 0.8, "test AUC {a}");
    let gain = model.importance(ImportanceKind::Gain);
    // Noise columns 3 and 4 get less gain than the interaction columns 0 and 1.
    assert!(gain[0].min(gain[1]) > gain[3].max(gain[4]), "{gain:?}");
    let splits = model.importance(ImportanceKind::Split);
    assert!(splits.iter().sum::<f64>() > 0.0);
    assert_eq!(model.feature_importance().unwrap(), gain);
}

#[test]
fn trees_respect_num_leaves_and_max_depth() {
    let (x, y) = nonlinear_with_missing(2_000, 3);
    let model = GbmParams::new()
        .n_estimators(5)
        .num_leaves(7)
        .fit(x.view(), &y, None)
        .unwrap();
    assert!(model.trees().iter().all(|t| t.n_leaves() <= 7));
    assert!(model.trees().iter().any(|t| t.n_leaves() == 7));
    let stumps = GbmParams::new()
        .n_estimators(5)
        .max_depth(Some(1))
        .fit(x.view(), &y, None)
        .unwrap();
    assert!(stumps.trees().iter().all(|t| t.n_leaves() <= 2));
}

#[test]
fn init_score_is_weighted_log_odds() {
    let (x, y) = nonlinear_with_missing(1_000, 4);
    let pos = y.iter().filter(|&&v| v).count() as f64;
    let model = GbmParams::new()
        .n_estimators(1)
        .scale_pos_weight(3.0)
        .fit(x.view(), &y, None)
        .unwrap();
    let expected = (3.0 * pos / (y.len() as f64 - pos)).ln();
    assert!((model.init_score() - expected).abs() < 1e-12);
}

#[test]
fn scale_pos_weight_raises_the_mean_pd() {
    let (x, y) = nonlinear_with_missing(1_500, 5);
    let mean = |s: f64| {
        let m = GbmParams::new()
            .n_estimators(20)
            .scale_pos_weight(s)
            .fit(x.view(), &y, None)
            .unwrap();
        m.predict_proba(x.view()).unwrap().mean().unwrap()
    };
    assert!(mean(4.0) > mean(1.0) + 0.05);
}

#[test]
fn early_stopping_keeps_the_best_round() {
    let (x, y) = nonlinear_with_missing(3_000, 6);
    for metric in [EvalMetric::LogLoss, EvalMetric::RocAuc] {
        let params = GbmParams::new()
            .n_estimators(500)
            .learning_rate(0.3)
            .early_stopping(Some(EarlyStopping::new(10).metric(metric)))
            .seed(2);
        let model = params.fit(x.view(), &y, None).unwrap();
        let best = model.best_iteration().unwrap();
        assert_eq!(model.n_trees(), best + 1);
        assert!(model.n_trees() < 500, "{metric:?} never stopped");
        assert!(model.validation_history().len() >= best + 10);
        // Same seed, same model.
        let again = params.fit(x.view(), &y, None).unwrap();
        assert_eq!(again, model);
    }
    // An explicit validation set.
    let (xv, yv) = nonlinear_with_missing(1_000, 7);
    let model = GbmParams::new()
        .n_estimators(300)
        .learning_rate(0.3)
        .early_stopping(Some(EarlyStopping::new(5)))
        .fit_with_validation(x.view(), &y, None, xv.view(), &yv, None)
        .unwrap();
    assert!(model.n_trees() < 300);
    // ... which needs early stopping configured.
    let err = GbmParams::new().fit_with_validation(x.view(), &y, None, xv.view(), &yv, None);
    assert!(matches!(err, Err(ModelError::InvalidParam { .. })));
}

#[test]
fn bad_params_are_errors_at_fit_time() {
    let (x, y) = nonlinear_with_missing(100, 8);
    let err = GbmParams::new().num_leaves(1).fit(x.view(), &y, None);
    assert!(matches!(
        err,
        Err(ModelError::InvalidParam {
            name: "num_leaves",
            ..
        })
    ));
}

#[test]
fn result_does_not_depend_on_thread_count() {
    let (x, y) = nonlinear_with_missing(12_000, 9);
    let params = GbmParams::new()
        .n_estimators(10)
        .subsample(0.7)
        .subsample_freq(1)
        .seed(5);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| params.fit(x.view(), &y, None).unwrap());
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| params.fit(x.view(), &y, None).unwrap());
    assert_eq!(one, two);
}
