//! `pdscore evaluate`, `train`, `predict` and `inspect` end to end: the real binary on small
//! files. Real data sets are looked up in the shared data (`pdscore_testkit::require_shared_data`);
//! tests that need them print a reason and return when absent (or fail when
//! `PDSCORE_REQUIRE_SHARED_DATA=1`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pdscore_testkit::require_shared_data;

fn pdscore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(args)
        .output()
        .expect("run pdscore")
}

fn ok(args: &[&str]) -> String {
    let out = pdscore(args);
    assert!(
        out.status.success(),
        "pdscore {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a command that must fail; returns its stderr after checking it is one clear message.
fn fails(args: &[&str]) -> String {
    let out = pdscore(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "pdscore {args:?} should fail");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The first `rows` data rows of a CSV (header kept).
fn head(source: &Path, rows: usize, out: &Path) {
    let text = std::fs::read_to_string(source).expect("read source");
    let kept: Vec<&str> = text.lines().take(rows + 1).collect();
    std::fs::write(out, kept.join("\n") + "\n").expect("write head");
}

/// A small synthetic Klarna-format file: 700 labelled + 30 unlabelled rows.
fn klarna_synth(dir: &Path) -> PathBuf {
    let path = dir.join("synth.csv");
    ok(&[
        "generate",
        "--rows",
        "700",
        "--unlabelled",
        "30",
        "--seed",
        "3",
        "--out",
        s(&path),
    ]);
    path
}

#[test]
fn evaluate_writes_table_json_oof_and_reports() {
    let d = dir("evaluate");
    let data = klarna_synth(&d);
    let json = d.join("results.json");
    let oof = d.join("oof.csv");
    let out = d.join("out");
    let stdout = ok(&[
        "evaluate",
        "--data",
        s(&data),
        "--target",
        "default",
        "--folds",
        "3",
        "--models",
        "logreg,decision_tree,gbm_balanced",
        "--json",
        s(&json),
        "--oof",
        s(&oof),
        "--out",
        s(&out),
        "--threshold-policy",
        "f1",
    ]);
    assert!(
        stdout.contains("logreg") && stdout.contains("best: "),
        "{stdout}"
    );
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("valid JSON");
    assert_eq!(results["selection_metric"], "pr_auc");
    let models = results["models"].as_array().expect("models");
    assert_eq!(models.len(), 3);
    for key in [
        "name",
        "roc_auc",
        "roc_auc_std",
        "pr_auc",
        "pr_auc_std",
        "brier",
        "f1",
        "precision",
        "recall",
        "threshold",
        "tp",
        "fp",
        "tn",
        "fn",
        "fit_seconds",
    ] {
        assert!(models[0].get(key).is_some(), "missing {key}");
    }
    let best = results["best"].as_str().expect("best");
    assert!(models.iter().any(|m| m["name"] == best));
    let oof_text = std::fs::read_to_string(&oof).expect("oof");
    let mut lines = oof_text.lines();
    assert_eq!(lines.next(), Some("row,fold,model,y,score"));
    assert_eq!(
        lines.count(),
        3 * 700,
        "one line per labelled row and model"
    );
    for name in [
        "report.md",
        "report.html",
        "results.json",
        "oof.csv",
        "model.json",
        "predictions.csv",
    ] {
        assert!(out.join(name).exists(), "{name} missing");
    }
    let predictions = std::fs::read_to_string(out.join("predictions.csv")).expect("predictions");
    assert!(predictions.starts_with("uuid;pd\n"));
    assert_eq!(
        predictions.lines().count(),
        31,
        "header + the 30 unlabelled rows"
    );
}

#[test]
fn train_predict_inspect_round_trip_on_the_real_klarna_rows() {
    let d = dir("train_predict");
    let data = klarna_synth(&d);
    let model = d.join("model.json");
    let stdout = ok(&[
        "train",
        "--data",
        s(&data),
        "--target",
        "default",
        "--model",
        "logreg",
        "--folds",
        "3",
        "--out",
        s(&model),
    ]);
    assert!(stdout.contains("trained logreg"), "{stdout}");
    let card = ok(&["inspect", s(&model)]);
    assert!(
        card.contains("pdscore model card") && card.contains("logistic_regression"),
        "{card}"
    );
    let card_json: serde_json::Value =
        serde_json::from_str(&ok(&["inspect", "--json", s(&model)])).expect("card JSON");
    assert_eq!(card_json["model"]["candidate"], "logreg");

    // score the synthetic file itself, as CSV and as JSON
    let csv = d.join("pred.csv");
    ok(&[
        "predict",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--output",
        s(&csv),
    ]);
    let text = std::fs::read_to_string(&csv).expect("predictions");
    assert!(
        text.starts_with("uuid;pd;decision\n"),
        "delimiter of the input"
    );
    assert_eq!(text.lines().count(), 731);
    let json = ok(&[
        "predict",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--format",
        "json",
        "--quiet",
    ]);
    let rows: serde_json::Value = serde_json::from_str(&json).expect("JSON array");
    assert_eq!(rows.as_array().map(Vec::len), Some(730));
    let first_csv_pd: f64 = text
        .lines()
        .nth(1)
        .and_then(|l| l.split(';').nth(1))
        .and_then(|v| v.parse().ok())
        .expect("pd");
    assert_eq!(rows[0]["pd"].as_f64(), Some(first_csv_pd));

    // the 10,000 real Klarna rows: comma-separated, no labels, `1.0`-style codes
    let Some(real) = require_shared_data("klarna/unlabeled_10k_reformatted__samarthum_test.csv")
    else {
        return;
    };
    let real_out = d.join("real.csv");
    ok(&[
        "predict",
        "--model",
        s(&model),
        "--input",
        s(&real),
        "--output",
        s(&real_out),
    ]);
    let text = std::fs::read_to_string(&real_out).expect("predictions");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("uuid,pd,decision"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 10_000);
    for row in &rows {
        let cells: Vec<&str> = row.split(',').collect();
        let pd: f64 = cells[1].parse().expect("pd");
        assert!((0.0..=1.0).contains(&pd));
        assert!(cells[2] == "0" || cells[2] == "1");
    }
}

#[test]
fn any_binary_target_csv_works() {
    let d = dir("other_data");
    // credit_risk: categorical text columns and missing values, target 0/1
    if let Some(credit) = require_shared_data("credit_risk/credit_risk_dataset.csv") {
        let small = d.join("credit.csv");
        head(&credit, 1500, &small);
        let json = d.join("credit.json");
        ok(&[
            "evaluate",
            "--quiet",
            "--data",
            s(&small),
            "--target",
            "loan_status",
            "--folds",
            "2",
            "--models",
            "logreg,gbm",
            "--json",
            s(&json),
        ]);
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("JSON");
        assert!(v["models"][1]["roc_auc"].as_f64().expect("auc") > 0.8);
    }
    // taiwan_credit with --id ID: the id never becomes a feature
    if let Some(taiwan) = require_shared_data("taiwan_credit/UCI_Credit_Card.csv") {
        let small = d.join("taiwan.csv");
        head(&taiwan, 1500, &small);
        let model = d.join("taiwan_model.json");
        ok(&[
            "train",
            "--quiet",
            "--data",
            s(&small),
            "--target",
            "default.payment.next.month",
            "--id",
            "ID",
            "--model",
            "logreg",
            "--folds",
            "2",
            "--out",
            s(&model),
        ]);
        let card = ok(&["inspect", s(&model)]);
        assert!(
            !card.contains("\n  ID "),
            "ID must not be a feature:\n{card}"
        );
        let pred = d.join("taiwan_pred.csv");
        ok(&[
            "predict",
            "--model",
            s(&model),
            "--input",
            s(&small),
            "--output",
            s(&pred),
        ]);
        let text = std::fs::read_to_string(&pred).expect("predictions");
        assert!(
            text.starts_with("ID,pd,decision\n1,"),
            "{}",
            &text[..40.min(text.len())]
        );
    }
}

#[test]
fn bad_inputs_are_one_clear_error() {
    let d = dir("errors");
    let missing = d.join("nope.csv");
    let e = fails(&["evaluate", "--data", s(&missing), "--target", "y"]);
    assert!(e.contains("nope.csv"), "{e}");

    // a target without 1/true/yes: the error lists the values and asks for --positive
    let odd = d.join("odd.csv");
    std::fs::write(
        &odd,
        "x,status\n1,good\n2,bad\n3,good\n4,bad\n5,good\n6,bad\n",
    )
    .expect("write");
    let e = fails(&[
        "evaluate",
        "--data",
        s(&odd),
        "--target",
        "status",
        "--folds",
        "2",
    ]);
    assert!(e.contains("good") && e.contains("bad"), "{e}");

    let data = klarna_synth(&d);
    let e = fails(&[
        "evaluate",
        "--data",
        s(&data),
        "--target",
        "default",
        "--models",
        "nope",
    ]);
    assert!(
        e.contains("unknown model `nope`") && e.contains("logreg"),
        "{e}"
    );
    let e = fails(&["evaluate", "--data", s(&data), "--target", "no_such_column"]);
    assert!(e.contains("no_such_column"), "{e}");

    // truncated and edited pipeline files
    let model = d.join("model.json");
    ok(&[
        "train",
        "--quiet",
        "--data",
        s(&data),
        "--target",
        "default",
        "--model",
        "logreg",
        "--folds",
        "2",
        "--out",
        s(&model),
    ]);
    let bytes = std::fs::read(&model).expect("model");
    let cut = d.join("cut.json");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let e = fails(&["inspect", s(&cut)]);
    assert!(e.contains("truncated"), "{e}");
    let edited = d.join("edited.json");
    let text =
        String::from_utf8(bytes)
            .expect("UTF-8")
            .replacen("\"threshold\":", "\"threshold\": ", 1);
    std::fs::write(&edited, text.replacen("0.", "1.", 1)).expect("write");
    let e = fails(&["predict", "--model", s(&edited), "--input", s(&data)]);
    assert!(
        e.contains("checksum") || e.contains("not a complete"),
        "{e}"
    );

    // a file to score without the feature columns
    let e = fails(&["predict", "--model", s(&model), "--input", s(&odd)]);
    assert!(
        e.contains("error: cannot read") || e.contains("missing"),
        "{e}"
    );
}

/// `train --model ensemble` compares every candidate and saves the stacked ensemble; the card
/// names its members; reasons are refused with a clear message; a bad member count is an error.
#[test]
fn the_ensemble_from_the_command_line() {
    let d = dir("ensemble");
    let data = klarna_synth(&d);
    let e = fails(&[
        "evaluate",
        "--data",
        s(&data),
        "--target",
        "default",
        "--ensemble-members",
        "7",
    ]);
    assert!(
        e.contains("ensemble_members") && e.contains("between 2 and 5"),
        "{e}"
    );

    let model = d.join("ensemble.json");
    let stdout = ok(&[
        "train",
        "--data",
        s(&data),
        "--target",
        "default",
        "--model",
        "ensemble",
        "--ensemble-members",
        "2",
        "--folds",
        "3",
        "--out",
        s(&model),
    ]);
    assert!(stdout.contains("trained ensemble"), "{stdout}");
    let card = ok(&["inspect", s(&model)]);
    assert_eq!(card.matches("  member            ").count(), 2, "{card}");
    assert!(
        card.contains("model             ensemble (ensemble): ensemble("),
        "{card}"
    );
    let scored = d.join("pd.csv");
    ok(&[
        "predict",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--output",
        s(&scored),
    ]);
    let rows = std::fs::read_to_string(&scored).expect("scored rows");
    assert_eq!(rows.lines().count(), 731, "a header and one line per row");
    let e = fails(&[
        "predict",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--reasons",
        "2",
    ]);
    assert!(e.contains("stacked ensemble"), "{e}");
}

/// `train --model gbm` tunes the GBM on the inner folds: the card and the report name the
/// chosen parameters; `--budget-seconds 0` turns tuning off; a negative budget is an error.
#[test]
fn tuning_from_the_command_line() {
    let d = dir("tuning");
    let data = klarna_synth(&d);
    let e = fails(&[
        "evaluate",
        "--data",
        s(&data),
        "--target",
        "default",
        "--budget-seconds=-1",
    ]);
    assert!(e.contains("budget_seconds"), "{e}");

    let model = d.join("gbm.json");
    let report = d.join("report");
    ok(&[
        "evaluate",
        "--data",
        s(&data),
        "--target",
        "default",
        "--models",
        "logreg,gbm",
        "--folds",
        "3",
        "--out",
        s(&report),
    ]);
    let md = std::fs::read_to_string(report.join("report.md")).unwrap();
    assert!(md.contains("### gbm: tuned parameters per fold"), "{md}");
    assert_eq!(md.matches("| 6 | 12 | ok |").count(), 3, "{md}");
    ok(&[
        "train",
        "--data",
        s(&data),
        "--target",
        "default",
        "--model",
        "gbm",
        "--folds",
        "3",
        "--out",
        s(&model),
    ]);
    let card = ok(&["inspect", s(&model)]);
    assert!(
        card.contains("  tuned             ")
            && card.contains("(best of 6 configurations, 12 inner fits)"),
        "{card}"
    );
    let untuned = d.join("untuned.json");
    ok(&[
        "train",
        "--data",
        s(&data),
        "--target",
        "default",
        "--model",
        "gbm",
        "--folds",
        "3",
        "--budget-seconds",
        "0",
        "--out",
        s(&untuned),
    ]);
    let card = ok(&["inspect", s(&untuned)]);
    assert!(
        card.contains(
            "own parameters (best of 1 configuration, 5 inner fits, cut short by the time budget)"
        ),
        "{card}"
    );
}
