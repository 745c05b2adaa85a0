//! MLP: the conformance suite, early stopping and seeding behaviour.

mod conformance;

use pdscore_models::{Classifier, FittedClassifier, MlpParams, ModelError};

#[test]
fn mlp_conforms() {
    conformance::run_conformance_suite(
        "mlp",
        |seed| MlpParams::new().seed(seed),
        conformance::Expect::default(),
    );
}

#[test]
fn two_hidden_layers_with_dropout_conform() {
    conformance::run_conformance_suite(
        "mlp_2x16_dropout",
        |seed| {
            MlpParams::new()
                .hidden_layers(vec![16, 16])
                .dropout(0.2)
                .learning_rate(3e-3)
                .seed(seed)
        },
        conformance::Expect::default(),
    );
}

#[test]
fn early_stopping_keeps_the_best_epoch() {
    let (x, y) = conformance::noisy_data(600, 21);
    let model = MlpParams::new()
        .learning_rate(0.05)
        .patience(5)
        .seed(4)
        .fit(x.view(), &y, None)
        .expect("fit");
    let curve = model.validation_loss_curve();
    assert_eq!(curve.len(), model.epochs());
    assert!(
        model.stopped_early(),
        "a large learning rate overfits quickly"
    );
    let best = curve.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(curve[model.best_epoch() - 1], best);
    assert!(model.best_epoch() < model.epochs());
}

#[test]
fn without_early_stopping_max_epochs_bounds_training() {
    let (x, y) = conformance::noisy_data(300, 22);
    let model = MlpParams::new()
        .early_stopping(false)
        .max_epochs(7)
        .fit(x.view(), &y, None)
        .expect("fit");
    assert_eq!(model.epochs(), 7);
    assert_eq!(model.best_epoch(), 7);
    assert!(!model.stopped_early());
    assert!(model.validation_loss_curve().is_empty());
}

#[test]
fn different_seeds_give_different_models() {
    let (x, y) = conformance::noisy_data(300, 23);
    let fit = |seed| {
        MlpParams::new()
            .max_epochs(5)
            .seed(seed)
            .fit(x.view(), &y, None)
            .expect("fit")
            .predict_proba(x.view())
            .expect("predict")
    };
    assert_eq!(fit(1), fit(1));
    assert_ne!(fit(1), fit(2));
}

/// Weighted mean log loss of probabilities, written out here (the curves' documented scale).
fn mean_log_loss(y: &[bool], p: &[f64], w: Option<&[f64]>) -> f64 {
    let (mut total, mut weight) = (0.0, 0.0);
    for (i, (&yi, &pi)) in y.iter().zip(p).enumerate() {
        let wi = w.map_or(1.0, |w| w[i]);
        total -= wi * if yi { pi.ln() } else { (1.0 - pi).ln() };
        weight += wi;
    }
    total / weight
}

#[test]
fn fit_with_validation_stops_on_exactly_the_given_rows() {
    let (x, y) = conformance::noisy_data(400, 24);
    let (xv, yv) = conformance::noisy_data(200, 25);
    let params = MlpParams::new().learning_rate(0.02).patience(4).seed(6);
    let model = params
        .fit_with_validation(x.view(), &y, None, xv.view(), &yv, None)
        .expect("fit");
    let curve = model.validation_loss_curve();
    assert_eq!(curve.len(), model.epochs());
    // The kept weights are those of the best epoch on these rows, and the curve is their
    // weighted mean log loss (the scoring kernel's fused multiply-adds differ from training's
    // products in the last bits).
    let best = curve.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(curve[model.best_epoch() - 1], best);
    let p = model.predict_proba(xv.view()).expect("predict");
    let recomputed = mean_log_loss(&yv, p.as_slice().expect("contiguous"), None);
    assert!((recomputed - best).abs() < 1e-9, "{recomputed} vs {best}");

    // Validation rows of one class only are allowed, and different rows give different curves.
    let (negatives, positives): (Vec<usize>, Vec<usize>) = (0..yv.len()).partition(|&i| !yv[i]);
    let pick = |rows: &[usize]| xv.select(ndarray::Axis(0), rows);
    let on_negatives = params
        .fit_with_validation(
            x.view(),
            &y,
            None,
            pick(&negatives).view(),
            &vec![false; negatives.len()],
            None,
        )
        .expect("one class");
    let on_positives = params
        .fit_with_validation(
            x.view(),
            &y,
            None,
            pick(&positives).view(),
            &vec![true; positives.len()],
            None,
        )
        .expect("one class");
    assert_ne!(
        on_negatives.validation_loss_curve(),
        on_positives.validation_loss_curve()
    );
    // The training is the same (same seed, same rows): the first epoch's weights are the same,
    // so the curves differ because the validation rows do.
    assert_eq!(
        on_negatives.training_loss_curve()[0],
        on_positives.training_loss_curve()[0]
    );

    // Zero-weight validation rows do not count: weighting out the positives equals validating
    // on the negatives alone.
    let w: Vec<f64> = yv.iter().map(|&v| if v { 0.0 } else { 1.0 }).collect();
    let weighted = params
        .fit_with_validation(x.view(), &y, None, xv.view(), &yv, Some(&w))
        .expect("weighted");
    assert_eq!(
        weighted.validation_loss_curve(),
        on_negatives.validation_loss_curve()
    );
    assert_eq!(weighted, on_negatives.clone());
}

#[test]
fn fit_with_validation_needs_early_stopping_and_a_valid_set() {
    let (x, y) = conformance::noisy_data(100, 26);
    let (xv, yv) = conformance::noisy_data(30, 27);
    let params = MlpParams::new().max_epochs(3);
    let err = params.clone().early_stopping(false).fit_with_validation(
        x.view(),
        &y,
        None,
        xv.view(),
        &yv,
        None,
    );
    assert!(
        matches!(
            err,
            Err(ModelError::InvalidParam {
                name: "early_stopping",
                ..
            })
        ),
        "{err:?}"
    );
    let empty = ndarray::Array2::<f64>::zeros((0, x.ncols()));
    assert!(matches!(
        params.fit_with_validation(x.view(), &y, None, empty.view(), &[], None),
        Err(ModelError::Empty)
    ));
    let narrow = xv.slice(ndarray::s![.., ..1]).to_owned();
    assert!(matches!(
        params.fit_with_validation(x.view(), &y, None, narrow.view(), &yv, None),
        Err(ModelError::Shape(_))
    ));
    assert!(matches!(
        params.fit_with_validation(x.view(), &y, None, xv.view(), &yv[1..], None),
        Err(ModelError::Shape(_))
    ));
    let mut bad = xv.clone();
    bad[[3, 1]] = f64::NAN;
    assert!(matches!(
        params.fit_with_validation(x.view(), &y, None, bad.view(), &yv, None),
        Err(ModelError::NonFinite { row: 3, column: 1 })
    ));
    let zeros = vec![0.0; yv.len()];
    assert!(matches!(
        params.fit_with_validation(x.view(), &y, None, xv.view(), &yv, Some(&zeros)),
        Err(ModelError::BadWeights(_))
    ));
}

#[test]
fn without_the_training_loss_stop_exactly_max_epochs_run() {
    let (x, y) = conformance::noisy_data(300, 28);
    // A tolerance no epoch after the first can beat: the training-loss rule stops `patience`
    // epochs after the first...
    let params = MlpParams::new()
        .early_stopping(false)
        .tol(10.0)
        .patience(2)
        .max_epochs(9);
    let stopped = params.fit(x.view(), &y, None).expect("fit");
    assert_eq!(stopped.epochs(), 3);
    assert!(stopped.stopped_early());
    // ... unless it is switched off.
    let full = params
        .stop_on_training_loss(false)
        .fit(x.view(), &y, None)
        .expect("fit");
    assert_eq!(full.epochs(), 9);
    assert_eq!(full.best_epoch(), 9);
    assert!(!full.stopped_early());
    // Files saved before the switch existed load with it on.
    let mut json = serde_json::to_value(MlpParams::new()).expect("serialise");
    json.as_object_mut()
        .expect("object")
        .remove("stop_on_training_loss");
    let old: MlpParams = serde_json::from_value(json).expect("old file");
    assert_eq!(old, MlpParams::new());
}
