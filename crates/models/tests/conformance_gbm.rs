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

/// Column 0 is a category code in `0..20` whose effect is not monotone in the code (codes 1, 4,
/// 7, 11 and 16 raise the risk); column 1 is noise.
fn categorical_data(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 2));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let code = rng.gen_range(0..20u32);
        x[[i, 0]] = if rng.gen_bool(0.05) {
            f64::NAN
        } else {
            f64::from(code)
        };
        x[[i, 1]] = rng.gen_range(0.0..1.0);
        let risky = [1, 4, 7, 11, 16].contains(&code);
        y.push(rng.gen_bool(if risky { 0.6 } else { 0.1 }));
    }
    (x, y)
}

#[test]
fn native_categorical_splits_find_a_set_of_codes() {
    let (x, y) = categorical_data(4_000, 10);
    let (xt, yt) = categorical_data(2_000, 11);
    // One split only: a set of categories can separate the classes, a threshold cannot.
    let stump = |categorical: Vec<usize>| {
        GbmParams::new()
            .n_estimators(1)
            .learning_rate(1.0)
            .num_leaves(2)
            .categorical_features(categorical)
            .fit(x.view(), &y, None)
            .unwrap()
    };
    let native = stump(vec![0]);
    let ordinal = stump(Vec::new());
    let a_native = auc(
        &yt,
        native.predict_proba(xt.view()).unwrap().as_slice().unwrap(),
    );
    let a_ordinal = auc(
        &yt,
        ordinal
            .predict_proba(xt.view())
            .unwrap()
            .as_slice()
            .unwrap(),
    );
    assert!(
        a_native > a_ordinal + 0.1,
        "native {a_native} vs ordinal {a_ordinal}"
    );
    // Unseen codes and non-codes go to the same side as NaN (right) without error.
    let odd = ndarray::array![[99.0, 0.5], [2.5, 0.5], [f64::NAN, 0.5]];
    let p = native.predict_proba(odd.view()).unwrap();
    assert_eq!(p[0].to_bits(), p[2].to_bits());
    assert_eq!(p[1].to_bits(), p[2].to_bits());
    // Serde round trip keeps the category sets.
    let json = serde_json::to_string(&native).unwrap();
    let back: pdscore_models::FittedGbm = serde_json::from_str(&json).unwrap();
    assert_eq!(back, native);
}

#[test]
fn boosted_categorical_model_gives_valid_probabilities_and_ranks_well() {
    let (x, y) = categorical_data(3_000, 12);
    let model = GbmParams::new()
        .n_estimators(30)
        .categorical_features(vec![0])
        .fit(x.view(), &y, None)
        .unwrap();
    let p = model.predict_proba(x.view()).unwrap();
    assert!(p.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)));
    assert!(auc(&y, p.as_slice().unwrap()) > 0.8);
}

#[test]
fn bad_categorical_input_is_an_error() {
    let (mut x, y) = categorical_data(500, 13);
    let params = GbmParams::new()
        .n_estimators(2)
        .categorical_features(vec![0]);
    let out_of_range = GbmParams::new()
        .categorical_features(vec![5])
        .fit(x.view(), &y, None);
    assert!(matches!(out_of_range, Err(ModelError::InvalidParam { .. })));
    x[[3, 0]] = 2.5;
    assert!(matches!(
        params.fit(x.view(), &y, None),
        Err(ModelError::InvalidParam { .. })
    ));
    x[[3, 0]] = -1.0;
    assert!(params.fit(x.view(), &y, None).is_err());
    // More distinct codes than bins.
    let (mut many, y2) = categorical_data(500, 14);
    for i in 0..500 {
        many[[i, 0]] = i as f64;
    }
    assert!(params.max_bin(64).fit(many.view(), &y2, None).is_err());
}
