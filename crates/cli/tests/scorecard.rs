//! `pdscore scorecard` end to end: train the `scorecard` candidate on the shipped sample, export
//! its points table as Markdown, CSV and SQL, and refuse a model that is not a scorecard.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{dir, ok, s};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/klarna_synth_sample.csv")
}

fn train(model: &str, out: &Path) {
    ok(&[
        "train",
        "--data",
        s(&sample()),
        "--target",
        "default",
        "--id",
        "uuid",
        "--folds",
        "3",
        "--model",
        model,
        "--out",
        s(out),
        "--quiet",
    ]);
}

#[test]
fn scorecard_exports_markdown_csv_and_sql() {
    let d = dir("scorecard_exports");
    let model = d.join("scorecard.json");
    train("scorecard", &model);
    let md = String::from_utf8(ok(&["scorecard", "--model", s(&model)])).expect("UTF-8");
    assert!(md.starts_with("# Scorecard `scorecard`\n"), "{md}");
    assert!(md.contains("600 points at good:bad odds 50:1, 20 points to double the odds"));
    assert!(md.contains("| bin | WoE | IV | count | event rate | points |"));
    assert!(md.contains("## Score and PD"));

    let csv_path = d.join("points.csv");
    ok(&[
        "scorecard",
        "--model",
        s(&model),
        "--format",
        "csv",
        "--output",
        s(&csv_path),
    ]);
    let csv = std::fs::read_to_string(&csv_path).expect("csv written");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("column,bin,woe,iv,count,event_rate,points")
    );
    assert!(lines.count() > 10, "{csv}");

    let sql = String::from_utf8(ok(&[
        "scorecard",
        "--model",
        s(&model),
        "--format",
        "sql",
        "--table",
        "risk.klarna",
        "--pdo",
        "40",
        "--no-round",
    ]))
    .expect("UTF-8");
    assert!(sql.contains("SELECT\n  \"uuid\",\n  (CASE WHEN "), "{sql}");
    assert!(sql.contains("40 points to double the odds"), "{sql}");
    let fractional = sql
        .split(" THEN ")
        .skip(1)
        .filter_map(|t| t.split_whitespace().next())
        .any(|points| points.contains('.'));
    assert!(fractional, "--no-round keeps fractional points: {sql}");
    assert!(sql.ends_with("  AS score\nFROM risk.klarna;\n"), "{sql}");
}

#[test]
fn a_model_that_is_not_a_scorecard_is_a_clear_error() {
    let d = dir("scorecard_refused");
    let model = d.join("logreg.json");
    train("logreg", &model);
    let out = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(["scorecard", "--model", s(&model)])
        .output()
        .expect("run pdscore");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("no points table") && stderr.contains("not a WoE binning"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let missing = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(["scorecard", "--model", s(&d.join("absent.json"))])
        .output()
        .expect("run pdscore");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot load"));
}
