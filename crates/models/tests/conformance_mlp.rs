//! MLP: the conformance suite, early stopping and seeding behaviour.

mod conformance;

use pdscore_models::{Classifier, FittedClassifier, MlpParams};

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
