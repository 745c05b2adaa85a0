//! `pdscore predict` reads and writes Parquet by file extension: every combination of CSV and
//! Parquet in and out gives the same ids, PDs (to the bit), decisions and reasons as CSV to CSV,
//! whatever the chunk size.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{dir, ok, s, train_two_fold};
use pdscore::ingest::{ColumnData, ParquetChunks, ReadOptions, Table, read_csv, write_parquet};

/// A synthetic Klarna file, the same rows as Parquet, and a model trained on them.
fn setup(d: &Path, model: &str) -> (PathBuf, PathBuf, PathBuf) {
    let csv = d.join("synth.csv");
    ok(&[
        "generate",
        "--rows",
        "500",
        "--unlabelled",
        "40",
        "--seed",
        "5",
        "--out",
        s(&csv),
    ]);
    // Kinds inferred, not the model's: status codes become numbers in the Parquet file, and
    // the reader must turn them back into the levels the model knows.
    let table = read_csv(std::fs::read(&csv).expect("csv"), &ReadOptions::new()).expect("read");
    let parquet = d.join("synth.parquet");
    write_parquet(&table, &parquet).expect("write parquet");
    let model_path = d.join("model.json");
    train_two_fold(&csv, model, &model_path);
    (csv, parquet, model_path)
}

fn predict(model: &Path, input: &Path, output: &Path, extra: &[&str]) {
    let mut args = vec![
        "predict",
        "--model",
        s(model),
        "--input",
        s(input),
        "--output",
        s(output),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    ok(&args);
}

/// Every cell of a Parquet output as text, the way the CSV writer prints it.
fn parquet_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut names = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for chunk in ParquetChunks::open(path, &ReadOptions::new(), 1000).expect("open") {
        let table: Table = chunk.expect("chunk").table;
        names = table.column_names().map(str::to_owned).collect();
        for r in 0..table.n_rows() {
            rows.push(
                table
                    .columns()
                    .iter()
                    .map(|c| match &c.data {
                        ColumnData::Numeric(v) => format!("{}", v[r]),
                        ColumnData::Boolean(v) => match v[r] {
                            Some(true) => "1".to_owned(),
                            Some(false) => "0".to_owned(),
                            None => String::new(),
                        },
                        ColumnData::Categorical(cat) => cat.value(r).unwrap_or("").to_owned(),
                    })
                    .collect(),
            );
        }
    }
    (names, rows)
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).expect("csv output");
    let mut lines = text.lines();
    // A CSV output keeps a CSV input's delimiter (`;` for generated files); `,` otherwise.
    let split = |l: &str| l.split([',', ';']).map(str::to_owned).collect::<Vec<_>>();
    let names = split(lines.next().expect("header"));
    (names, lines.map(split).collect())
}

#[test]
fn parquet_and_csv_inputs_and_outputs_agree_to_the_bit() {
    let d = dir("predict_parquet");
    let (csv, parquet, model) = setup(&d, "gbm");
    let reference = d.join("csv_to.csv");
    predict(&model, &csv, &reference, &[]);
    let (names, want) = csv_rows(&reference);
    assert_eq!(names, ["uuid", "pd", "decision"]);
    assert_eq!(want.len(), 540);

    let parquet_to_csv = d.join("parquet_to.csv");
    predict(&model, &parquet, &parquet_to_csv, &[]);
    assert_eq!(
        csv_rows(&parquet_to_csv),
        (names.clone(), want.clone()),
        "Parquet in, CSV out differs from CSV to CSV"
    );
    for (input, chunk) in [(&csv, "1000"), (&parquet, "1000"), (&parquet, "7")] {
        let out = d.join(format!("to_{chunk}.parquet"));
        predict(&model, input, &out, &["--rows-per-chunk", chunk]);
        let (got_names, got) = parquet_rows(&out);
        assert_eq!(got_names, names);
        assert_eq!(
            got,
            want,
            "{} -> Parquet, chunks of {chunk}",
            input.display()
        );
    }
}

#[test]
fn reasons_are_written_to_parquet_as_to_csv() {
    let d = dir("predict_parquet_reasons");
    let (_, parquet, model) = setup(&d, "logreg");
    let csv_out = d.join("reasons.csv");
    let pq_out = d.join("reasons.pq");
    predict(&model, &parquet, &csv_out, &["--reasons", "2"]);
    predict(&model, &parquet, &pq_out, &["--reasons", "2"]);
    let (names, want) = csv_rows(&csv_out);
    assert_eq!(names, ["uuid", "pd", "decision", "reason_1", "reason_2"]);
    assert!(want.iter().any(|r| !r[3].is_empty()), "no reasons at all");
    assert_eq!(parquet_rows(&pq_out), (names, want));
}

#[test]
fn a_bad_parquet_input_fails_naming_the_column_and_leaves_no_output() {
    let d = dir("predict_parquet_bad");
    let (csv, _, model) = setup(&d, "logreg");
    let mut table = read_csv(std::fs::read(&csv).expect("csv"), &ReadOptions::new()).expect("read");
    // `age` as booleans: the model wants numbers; booleans are 1/0 numbers, so use text.
    let columns = table
        .clone()
        .into_columns()
        .into_iter()
        .map(|mut c| {
            if c.name == "age" {
                let n = c.data.len();
                let values: Vec<Option<&str>> = (0..n)
                    .map(|r| Some(if r == 3 { "old" } else { "30" }))
                    .collect();
                c.data = ColumnData::Categorical(pdscore::ingest::CategoricalColumn::from_values(
                    &values,
                ));
            }
            c
        })
        .collect();
    table = Table::new(columns).expect("table");
    let bad = d.join("bad.parquet");
    write_parquet(&table, &bad).expect("write");
    let out = d.join("never.parquet");
    let run = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args([
            "predict",
            "--model",
            s(&model),
            "--input",
            s(&bad),
            "--output",
            s(&out),
            "--quiet",
        ])
        .output()
        .expect("run");
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("`age`") && stderr.contains("row 3") && stderr.contains("old"),
        "{stderr}"
    );
    assert!(!out.exists(), "a failed run left {}", out.display());

    let json = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args([
            "predict",
            "--model",
            s(&model),
            "--input",
            s(&csv),
            "--output",
            s(&out),
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    assert!(
        !json.status.success(),
        "JSON into a .parquet file was accepted"
    );
}
