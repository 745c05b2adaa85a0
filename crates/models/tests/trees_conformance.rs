//! The conformance suite for the tree family: decision tree, random forest and AdaBoost, all
//! with native missing-value handling (the missing bin).
//!
//! Fully grown trees (one row per leaf) reproduce their training labels exactly, so the suite's
//! "up-weighting positives raises the mean PD" check, which scores the training rows, cannot move
//! them; the unlimited-depth variants therefore run with `min_samples_leaf(5)`.

mod conformance;

use conformance::Expect;
use pdscore_models::{AdaBoostParams, ClassWeight, DecisionTreeParams, RandomForestParams};

fn expect() -> Expect {
    Expect {
        native_missing: true,
        ..Expect::default()
    }
}

#[test]
fn decision_tree_conforms() {
    conformance::run_conformance_suite(
        "decision_tree",
        |seed| DecisionTreeParams::new().max_depth(Some(8)).seed(seed),
        expect(),
    );
}

#[test]
fn unlimited_decision_tree_conforms() {
    conformance::run_conformance_suite(
        "decision_tree_unlimited",
        |seed| DecisionTreeParams::new().min_samples_leaf(5).seed(seed),
        expect(),
    );
}

#[test]
fn random_forest_conforms() {
    conformance::run_conformance_suite(
        "random_forest",
        |seed| {
            RandomForestParams::new()
                .n_estimators(30)
                .min_samples_leaf(5)
                .seed(seed)
        },
        expect(),
    );
}

#[test]
fn balanced_subsample_forest_conforms() {
    conformance::run_conformance_suite(
        "random_forest_balanced_subsample",
        |seed| {
            RandomForestParams::new()
                .n_estimators(30)
                .class_weight(ClassWeight::BalancedSubsample)
                .min_samples_leaf(3)
                .seed(seed)
        },
        expect(),
    );
}

#[test]
fn adaboost_conforms() {
    conformance::run_conformance_suite(
        "adaboost",
        |seed| AdaBoostParams::new().n_estimators(100).seed(seed),
        expect(),
    );
}
