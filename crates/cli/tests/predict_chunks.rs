//! `pdscore predict` streams its input in chunks through three threads: the output must be the
//! same bytes whatever the chunk size, so a row's result never depends on its neighbours or on
//! where a chunk boundary falls.

use std::path::{Path, PathBuf};
use std::process::Command;

fn ok(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(args)
        .output()
        .expect("run pdscore");
    assert!(
        out.status.success(),
        "pdscore {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Trains a model on a small synthetic Klarna file; returns (data, model).
fn trained(d: &Path, model: &str) -> (PathBuf, PathBuf) {
    let data = d.join("synth.csv");
    ok(&[
        "generate",
        "--rows",
        "600",
        "--unlabelled",
        "37",
        "--seed",
        "11",
        "--out",
        s(&data),
    ]);
    let model_path = d.join("model.json");
    ok(&[
        "train",
        "--data",
        s(&data),
        "--target",
        "default",
        "--model",
        model,
        "--folds",
        "2",
        "--out",
        s(&model_path),
    ]);
    (data, model_path)
}

fn predict(model: &Path, data: &Path, format: &str, rows_per_chunk: usize) -> Vec<u8> {
    ok(&[
        "predict",
        "--model",
        s(model),
        "--input",
        s(data),
        "--format",
        format,
        "--rows-per-chunk",
        &rows_per_chunk.to_string(),
        "--quiet",
    ])
}

#[test]
fn predictions_do_not_depend_on_chunk_boundaries() {
    let d = dir("predict_chunks");
    let (data, model) = trained(&d, "logreg");
    for format in ["csv", "json"] {
        let whole = predict(&model, &data, format, 10_000);
        let text = String::from_utf8_lossy(&whole);
        // 637 rows: one header line plus one line per row for CSV, an array for JSON.
        if format == "csv" {
            assert_eq!(text.lines().count(), 638, "{text}");
        } else {
            let rows: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(rows.as_array().map(Vec::len), Some(637));
        }
        // Chunk sizes that put boundaries at many places, including one row per chunk and
        // a size that leaves a short last chunk.
        for rows_per_chunk in [1, 7, 100, 636] {
            let chunked = predict(&model, &data, format, rows_per_chunk);
            assert!(
                chunked == whole,
                "{format} output with {rows_per_chunk} rows per chunk differs"
            );
        }
    }
}

#[test]
fn csv_and_json_outputs_agree_row_by_row() {
    let d = dir("predict_formats");
    let (data, model) = trained(&d, "logreg");
    let csv = String::from_utf8(predict(&model, &data, "csv", 64)).expect("UTF-8");
    let json: serde_json::Value =
        serde_json::from_slice(&predict(&model, &data, "json", 64)).expect("JSON");
    let rows = json.as_array().expect("array");
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(lines.len(), rows.len());
    for (line, row) in lines.iter().zip(rows) {
        let cells: Vec<&str> = line.split(';').collect();
        assert_eq!(row["id"].as_str(), Some(cells[0]));
        let pd: f64 = cells[1].parse().expect("pd");
        assert_eq!(row["pd"].as_f64(), Some(pd));
        assert_eq!(row["decision"].as_bool(), Some(cells[2] == "1"));
    }
}

#[test]
fn zero_rows_per_chunk_is_an_error_not_a_panic() {
    let out = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args([
            "predict",
            "--model",
            "m.json",
            "--input",
            "x.csv",
            "--rows-per-chunk",
            "0",
        ])
        .output()
        .expect("run pdscore");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rows-per-chunk"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
