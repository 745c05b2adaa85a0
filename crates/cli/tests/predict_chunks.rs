//! `pdscore predict` streams its input in chunks through three threads: the output must be the
//! same bytes whatever the chunk size, so a row's result never depends on its neighbours or on
//! where a chunk boundary falls.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{dir, ok, s, train_two_fold};

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
    train_two_fold(&data, model, &model_path);
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
fn reasons_name_columns_largest_first_whatever_the_chunks() {
    let d = dir("predict_reasons");
    let (data, model) = trained(&d, "gbm");
    let header = std::fs::read_to_string(&data).expect("data");
    let columns: Vec<&str> = header.lines().next().expect("header").split(';').collect();
    let explained = |format: &str, rows_per_chunk: usize| {
        ok(&[
            "predict",
            "--model",
            s(&model),
            "--input",
            s(&data),
            "--format",
            format,
            "--reasons",
            "3",
            "--rows-per-chunk",
            &rows_per_chunk.to_string(),
            "--quiet",
        ])
    };
    let csv = explained("csv", 10_000);
    assert_eq!(
        csv,
        explained("csv", 7),
        "reasons depend on chunk boundaries"
    );
    let text = String::from_utf8(csv).expect("UTF-8");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("uuid;pd;decision;reason_1;reason_2;reason_3")
    );
    let json: serde_json::Value = serde_json::from_slice(&explained("json", 50)).expect("JSON");
    let rows = json.as_array().expect("array");
    for (line, row) in lines.zip(rows) {
        let cells: Vec<&str> = line.split(';').collect();
        let reasons = row["reasons"].as_array().expect("reasons in JSON");
        assert!(!reasons.is_empty() && reasons.len() <= 3, "{line}");
        let mut previous = f64::INFINITY;
        for (k, reason) in reasons.iter().enumerate() {
            let column = reason["column"].as_str().expect("column");
            let contribution = reason["contribution"].as_f64().expect("contribution");
            assert!(columns.contains(&column), "{column} is not an input column");
            assert!(contribution.abs() <= previous, "{line}: not largest first");
            previous = contribution.abs();
            // The CSV cell says the same: `column (+0.123)`.
            assert_eq!(cells[3 + k], format!("{column} ({contribution:+.3})"));
        }
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

/// Runs `pdscore predict` expecting a failure; returns (stdout, stderr).
fn failing(args: &[&str]) -> (Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(args)
        .output()
        .expect("run pdscore");
    assert!(!out.status.success(), "pdscore {args:?} succeeded");
    (
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The data with a value that cannot be read in row `bad_row` (1-based), far past the first
/// chunks, so that those are scored and handed to the writer before the error.
fn broken_late(data: &Path, d: &Path, bad_row: usize) -> PathBuf {
    let text = std::fs::read_to_string(data).expect("read data");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(';').collect();
    let age = header
        .iter()
        .position(|c| *c == "age")
        .expect("an age column");
    let mut cells: Vec<String> = lines[bad_row].split(';').map(str::to_owned).collect();
    "not-a-number".clone_into(&mut cells[age]);
    lines[bad_row] = cells.join(";");
    let broken = d.join("broken.csv");
    std::fs::write(&broken, lines.join("\n") + "\n").expect("write broken data");
    broken
}

#[test]
fn a_failed_run_leaves_no_output_file_and_no_closing_bracket() {
    let d = dir("predict_failed_output");
    let (data, model) = trained(&d, "logreg");
    let broken = broken_late(&data, &d, 500);
    let out = d.join("scores.csv");
    std::fs::write(&out, "an older result\n").expect("write older output");
    for format in ["csv", "json"] {
        let (_, stderr) = failing(&[
            "predict",
            "--quiet",
            "--model",
            s(&model),
            "--input",
            s(&broken),
            "--output",
            s(&out),
            "--format",
            format,
            "--rows-per-chunk",
            "50",
        ]);
        assert!(stderr.contains("not-a-number"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(&out).expect("older output"),
            "an older result\n",
            "{format}: the older file was replaced by a partial one"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // To standard output the rows before the error are streamed, but the JSON is not closed.
    let (stdout, _) = failing(&[
        "predict",
        "--quiet",
        "--model",
        s(&model),
        "--input",
        s(&broken),
        "--format",
        "json",
        "--rows-per-chunk",
        "50",
    ]);
    let text = String::from_utf8(stdout).expect("UTF-8");
    assert!(text.starts_with('['), "{}", &text[..text.len().min(80)]);
    assert!(
        !text.trim_end().ends_with(']'),
        "a failed run closed its JSON array"
    );
    // A successful run writes the file whole.
    ok(&[
        "predict",
        "--quiet",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--output",
        s(&out),
    ]);
    let written = std::fs::read_to_string(&out).expect("output");
    assert_eq!(written.lines().count(), 638, "header and 637 rows");
}

#[test]
fn output_equal_to_input_is_refused() {
    let d = dir("predict_output_is_input");
    let (data, model) = trained(&d, "logreg");
    let before = std::fs::read(&data).expect("read data");
    let dotted = d.join(".").join(data.file_name().expect("name"));
    for output in [&data, &dotted] {
        let (_, stderr) = failing(&[
            "predict",
            "--quiet",
            "--model",
            s(&model),
            "--input",
            s(&data),
            "--output",
            s(output),
        ]);
        assert!(stderr.contains("is the input file"), "{stderr}");
    }
    assert_eq!(
        std::fs::read(&data).expect("read data"),
        before,
        "the input was changed"
    );
}
