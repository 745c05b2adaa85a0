//! `--monotone` on `pdscore train` and `pdscore evaluate`: the flag is parsed, the constraints
//! reach the model card, and bad values, unknown or categorical columns and a model that cannot
//! honour them are clear errors before any fitting.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{dir, ok, s};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/klarna_synth_sample.csv")
}

/// Runs `pdscore args` expecting a failure; returns its standard error.
fn fails(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(args)
        .output()
        .expect("run pdscore");
    assert!(!out.status.success(), "pdscore {args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn train_args<'a>(data: &'a str, model: &'a str, monotone: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "train",
        "--data",
        data,
        "--target",
        "default",
        "--id",
        "uuid",
        "--folds",
        "2",
        "--model",
        model,
        "--monotone",
        monotone,
        "--out",
        out,
        "--quiet",
    ]
}

#[test]
fn train_with_monotone_records_the_constraints_in_the_card() {
    let d = dir("monotone_train");
    let model = d.join("gbm.json");
    let data = sample();
    ok(&train_args(
        s(&data),
        "gbm",
        "age=-1, avg_payment_span_0_12m=+1",
        s(&model),
    ));
    let card = String::from_utf8(ok(&["inspect", s(&model)])).expect("UTF-8");
    assert!(
        card.contains("monotone          age=-1,avg_payment_span_0_12m=+1"),
        "{card}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&ok(&["inspect", s(&model), "--json"])).expect("JSON");
    assert_eq!(
        json["model"]["monotone"]["columns"][0],
        serde_json::json!({"column": "age", "direction": -1})
    );
}

#[test]
fn bad_monotone_flags_are_errors_naming_the_problem() {
    let d = dir("monotone_errors");
    let out = d.join("never.json");
    let out = s(&out);
    let data = sample();
    let data = s(&data);
    let err = fails(&train_args(data, "gbm", "age=2", out));
    assert!(err.contains("+1 (increasing) or -1 (decreasing)"), "{err}");
    let err = fails(&train_args(data, "gbm", "age", out));
    assert!(err.contains("column=+1"), "{err}");
    let err = fails(&train_args(data, "gbm", "no_such_column=+1", out));
    assert!(
        err.contains("no_such_column")
            && err.contains("the feature columns are")
            && err.contains("age"),
        "{err}"
    );
    let err = fails(&train_args(data, "gbm", "merchant_group=-1", out));
    assert!(err.contains("categorical"), "{err}");
    let err = fails(&train_args(data, "mlp", "age=-1", out));
    assert!(err.contains("MLP does not support monotone"), "{err}");
    let err = fails(&train_args(data, "scorecard", "age=-1", out));
    assert!(err.contains("weight-of-evidence"), "{err}");
    let err = fails(&[
        "evaluate",
        "--data",
        data,
        "--target",
        "default",
        "--models",
        "gbm,mlp",
        "--monotone",
        "age=-1",
    ]);
    assert!(err.contains("mlp"), "{err}");
    assert!(!std::path::Path::new(out).exists());
}
