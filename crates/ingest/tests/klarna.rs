//! The Klarna schema file, and the real 10,000 rows read from both formats.

use std::path::Path;

use pdscore_ingest::{ColumnData, KLARNA_COLUMNS, ReadOptions, Schema, Table, read_csv};
use pdscore_testkit::{require_shared_data, workspace_root};

#[test]
fn schema_file_agrees_with_the_built_in_schema() {
    let path = workspace_root().join("data/klarna_schema.json");
    let built_in = Schema::klarna();
    if std::env::var_os("PDSCORE_BLESS").is_some() {
        let json = built_in.to_json().expect("json") + "\n";
        std::fs::write(&path, json).expect("write schema file");
    }
    let text = std::fs::read_to_string(&path).expect("data/klarna_schema.json");
    let from_file = Schema::from_json(&text).expect("valid schema file");
    assert_eq!(from_file, built_in);
    let mut names = vec![from_file.id.clone().expect("id")];
    names.push(from_file.target.clone().expect("target").column);
    names.extend(from_file.features.iter().map(|f| f.name.clone()));
    assert_eq!(names, KLARNA_COLUMNS);
}

/// Splits a comma line with optional double quotes (no embedded quotes in this file).
fn split_comma_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

/// The comma file rewritten in the original format: semicolons, `NA`, integer codes, and the
/// `default` column (all `NA`: these are the unlabelled rows) after `uuid`.
fn to_original_format(comma: &str, schema: &Schema) -> String {
    let mut lines = comma.lines();
    let header = split_comma_line(lines.next().expect("header"));
    let categorical: Vec<bool> = header
        .iter()
        .map(|h| schema.kind_of(h) == Some(pdscore_ingest::ColumnKind::Categorical))
        .collect();
    let mut out = String::new();
    let mut push_row = |fields: Vec<String>, default: &str| {
        let mut row: Vec<String> = fields;
        row.insert(1, default.to_owned());
        out.push_str(&row.join(";"));
        out.push('\n');
    };
    push_row(header.clone(), "default");
    for line in lines {
        let fields = split_comma_line(line)
            .into_iter()
            .zip(&categorical)
            .map(|(f, &cat)| {
                if f.is_empty() {
                    "NA".to_owned()
                } else if cat && f.ends_with(".0") {
                    f.trim_end_matches(".0").to_owned()
                } else {
                    f
                }
            })
            .collect();
        push_row(fields, "NA");
    }
    out
}

fn assert_same_columns(a: &Table, b: &Table, names: &[&str]) {
    assert_eq!(a.n_rows(), b.n_rows());
    for name in names {
        let (x, y) = (
            &a.column(name).expect("in a").data,
            &b.column(name).expect("in b").data,
        );
        match (x, y) {
            (ColumnData::Numeric(x), ColumnData::Numeric(y)) => {
                for (r, (u, v)) in x.iter().zip(y).enumerate() {
                    assert!(
                        u == v || (u.is_nan() && v.is_nan()),
                        "{name} row {r}: {u} vs {v}"
                    );
                }
            }
            (ColumnData::Categorical(x), ColumnData::Categorical(y)) => {
                for r in 0..x.codes.len() {
                    assert_eq!(x.value(r), y.value(r), "{name} row {r}");
                }
            }
            _ => assert_eq!(x, y, "{name}"),
        }
    }
}

#[test]
fn real_rows_read_the_same_from_both_formats() {
    let Some(path) = require_shared_data("klarna/unlabeled_10k_reformatted__samarthum_test.csv")
    else {
        return;
    };
    let comma = std::fs::read_to_string(&path).expect("readable");
    let options = ReadOptions::new().schema(Schema::klarna());
    let from_comma = read_csv(Path::new(&path), &options).expect("comma file");
    let original = to_original_format(&comma, &Schema::klarna());
    assert!(original.starts_with("uuid;default;account_amount_added_12_24m;"));
    let from_original = read_csv(original.as_bytes(), &options).expect("original format");
    assert_eq!(from_comma.n_rows(), 10_000);
    let mut names: Vec<&str> = KLARNA_COLUMNS.to_vec();
    names.retain(|n| *n != "default");
    assert_same_columns(&from_comma, &from_original, &names);
    // Spot checks against the file's first row.
    match &from_comma.column("account_status").expect("status").data {
        ColumnData::Categorical(c) => assert_eq!(c.value(0), Some("1")),
        other => panic!("unexpected {other:?}"),
    }
    match &from_original.column("default").expect("target").data {
        ColumnData::Categorical(c) => assert_eq!(c.missing_count(), 10_000),
        other => panic!("unexpected {other:?}"),
    }
    match &from_comma.column("has_paid").expect("has_paid").data {
        ColumnData::Boolean(v) => assert_eq!(v.iter().flatten().filter(|b| **b).count(), 8_526),
        other => panic!("unexpected {other:?}"),
    }
}
