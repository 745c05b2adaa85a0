//! Regression tests of issue 9 (fuzzing): inputs that once crashed a fuzz target, replayed here.
//! The inputs live in `fuzz/regressions/<target>/` at the workspace root.

mod common;

use std::path::{Path, PathBuf};

use common::{klarna_schema, synthetic_klarna};
use pdscore_features::{FeatureError, FeatureParams, FittedFeatures};
use serde_json::Value;

fn fuzz_file(target: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(target)
        .join(name)
}

/// The `features` object of a pipeline file's content (as the `model_file_load` target feeds it).
fn features_of(path: &Path) -> Value {
    let bytes = std::fs::read(path).expect("fuzz input is in the repository");
    let mut content: Value = serde_json::from_slice(&bytes).expect("the input is JSON");
    content["features"].take()
}

fn inconsistent(result: Result<FittedFeatures, serde_json::Error>) -> String {
    let error = result
        .expect_err("inconsistent state must not load")
        .to_string();
    assert!(
        error.contains("inconsistent fitted features"),
        "unexpected error: {error}"
    );
    error
}

/// A model file whose one-hot column names one more output than the recorded pre-PCA names
/// (the fuzzer shortened the list by one) loaded, then `transform` indexed past its row and
/// panicked. It must fail to load instead.
#[test]
fn issue_9_onehot_slot_past_the_output_width_is_a_load_error() {
    let seed = features_of(&fuzz_file("corpus/model_file_load", "logreg_content.json"));
    let fitted: FittedFeatures = serde_json::from_value(seed).expect("the seed model loads");
    assert!(fitted.check_consistency().is_ok());

    let crash = features_of(&fuzz_file(
        "regressions/model_file_load",
        "onehot_slot_out_of_range.json",
    ));
    let error = inconsistent(serde_json::from_value::<FittedFeatures>(crash));
    assert!(error.contains("pre-PCA names"), "{error}");
}

/// Each invariant the transform relies on, broken one at a time on a freshly fitted state.
#[test]
fn issue_9_every_broken_invariant_is_a_load_error() {
    let train = synthetic_klarna(300, 3);
    let fitted = FeatureParams::for_linear()
        .fit(&train, &klarna_schema())
        .expect("fit");
    let good = serde_json::to_value(&fitted).expect("save");
    let reloaded: FittedFeatures = serde_json::from_value(good.clone()).expect("reload");
    assert_eq!(reloaded, fitted);

    let one_hot_column = good["fit_log"]["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| {
            c["outcome"]["step"] == "categorical"
                && c["outcome"]["outputs"]
                    .as_array()
                    .is_some_and(|o| o.len() > 1)
        })
        .expect("a one-hot column");
    let numeric_column = good["fit_log"]["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["outcome"]["step"] == "numeric")
        .expect("a numeric column");

    let mut fewer_names = good.clone();
    fewer_names["pre_pca_names"]
        .as_array_mut()
        .expect("names")
        .pop();
    inconsistent(serde_json::from_value(fewer_names));

    let mut fewer_outputs = good.clone();
    fewer_outputs["fit_log"]["columns"][one_hot_column]["outcome"]["outputs"]
        .as_array_mut()
        .expect("outputs")
        .pop();
    inconsistent(serde_json::from_value(fewer_outputs));

    let mut indicator = good.clone();
    let flag = &mut indicator["fit_log"]["columns"][numeric_column]["outcome"]["indicator"];
    *flag = Value::Bool(!flag.as_bool().expect("indicator flag"));
    inconsistent(serde_json::from_value(indicator));

    let mut kind = good.clone();
    kind["fit_log"]["columns"][numeric_column]["kind"] = Value::String("categorical".into());
    inconsistent(serde_json::from_value(kind));

    let mut output_names = good;
    output_names["output_names"]
        .as_array_mut()
        .expect("names")
        .push(Value::String("extra".into()));
    inconsistent(serde_json::from_value(output_names));
}

/// The error variant itself carries the column and the reason.
#[test]
fn issue_9_inconsistent_state_names_the_column() {
    let error = FeatureError::InconsistentState {
        column: "shop".into(),
        reason: "3 output names for an encoding of width 2".into(),
    };
    assert_eq!(
        error.to_string(),
        "inconsistent fitted features (column `shop`): 3 output names for an encoding of width 2"
    );
}
