//! Every error variant, each triggered by a real malformed file under `tests/fixtures/`.

use std::path::PathBuf;

use pdscore_ingest::labels::{labels, require_positives};
use pdscore_ingest::{
    ColumnKind, IngestError, IngestWarning, MAX_EXAMPLES, MAX_HEADER_FIELDS, MAX_LISTED_NAME_CHARS,
    ReadOptions, Schema, TargetSpec, read_csv, read_csv_with_report,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(name: &str) -> Result<pdscore_ingest::Table, IngestError> {
    read_csv(fixture(name), &ReadOptions::new())
}

#[test]
fn missing_file_is_an_io_error_naming_the_path() {
    match read("does_not_exist.csv") {
        Err(IngestError::Io { path, .. }) => assert!(path.ends_with("does_not_exist.csv")),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn empty_file() {
    assert!(matches!(read("empty.csv"), Err(IngestError::EmptyFile)));
}

#[test]
fn header_only() {
    assert!(matches!(
        read("header_only.csv"),
        Err(IngestError::HeaderOnly { columns: 3 })
    ));
}

#[test]
fn duplicate_columns_lists_each_name_once() {
    match read("duplicate_columns.csv") {
        Err(IngestError::DuplicateColumns { names }) => assert_eq!(names, ["x", "y"]),
        other => panic!("unexpected {other:?}"),
    }
}

/// Regression (hardening): `a1,a1,a2,a2,...` made the duplicate check quadratic (hours of CPU
/// for a 50 MiB header). Now linear, with the listed names capped and cut short.
#[test]
fn a_hostile_duplicate_header_is_refused_quickly_with_a_short_list() {
    let pairs = 45_000; // 90,000 fields: under MAX_HEADER_FIELDS
    let long = "n".repeat(500);
    let mut header = String::new();
    for i in 0..pairs {
        let name = if i == 0 {
            long.clone()
        } else {
            format!("a{i}")
        };
        header.push_str(&name);
        header.push(',');
        header.push_str(&name);
        header.push(',');
    }
    header.push_str("last\n");
    let mut csv = header.clone().into_bytes();
    csv.extend_from_slice(&vec![b','; pairs * 2]);
    csv.extend_from_slice(b"1\n");
    let started = std::time::Instant::now();
    let error = read_csv(&csv[..], &ReadOptions::new()).expect_err("duplicates");
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs_f64() < 5.0, "took {elapsed:?}");
    match error {
        IngestError::DuplicateColumns { names } => {
            assert_eq!(names.len(), MAX_EXAMPLES);
            assert_eq!(
                names[0].chars().count(),
                MAX_LISTED_NAME_CHARS + 1,
                "cut and …"
            );
            assert!(names[0].ends_with('…'));
            assert_eq!(names[1], "a1");
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// A header wider than MAX_HEADER_FIELDS is refused before its names are read.
#[test]
fn a_header_with_too_many_fields_is_refused() {
    let mut csv = vec![b'x'; 1];
    for _ in 0..MAX_HEADER_FIELDS + 10 {
        csv.extend_from_slice(b",x");
    }
    csv.extend_from_slice(b"\n");
    match read_csv(&csv[..], &ReadOptions::new()) {
        Err(IngestError::TooManyColumns { found, max }) => {
            assert_eq!(max, MAX_HEADER_FIELDS);
            assert!(found > max);
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// Many ignored columns are summarised, not all listed.
#[test]
fn many_extra_columns_are_counted_and_a_few_listed() {
    let mut csv = String::from("id,x");
    for i in 0..1000 {
        csv.push_str(",extra");
        csv.push_str(&i.to_string());
    }
    csv.push_str("\n1,2");
    csv.push_str(&",".repeat(1000));
    csv.push('\n');
    let schema = Schema::new()
        .with_id("id")
        .with_kind("x", ColumnKind::Numeric);
    let read =
        read_csv_with_report(csv.as_bytes(), &ReadOptions::new().schema(schema)).expect("readable");
    match &read.warnings[..] {
        [IngestWarning::ExtraColumns { names, total }] => {
            assert_eq!((*total, names.len()), (1000, MAX_EXAMPLES));
            assert!(read.warnings[0].to_string().ends_with("and 980 more"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn missing_columns_lists_all_names() {
    let options = ReadOptions::new().schema(Schema::klarna());
    match read_csv(fixture("missing_columns.csv"), &options) {
        Err(IngestError::MissingColumns { names }) => {
            assert_eq!(names.len(), 43 - 4, "{names:?}");
            assert!(names.contains(&"account_status".to_owned()));
            assert!(!names.contains(&"age".to_owned()));
            assert!(
                !names.contains(&"default".to_owned()),
                "target is optional by default"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let training = ReadOptions::new()
        .schema(Schema::klarna())
        .require_target(true);
    match read_csv(fixture("missing_columns.csv"), &training) {
        Err(IngestError::MissingColumns { names }) => {
            assert!(names.contains(&"default".to_owned()));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn bad_numeric_value_names_physical_line_column_and_value() {
    let schema = Schema::new()
        .with_id("id")
        .with_kind("note", ColumnKind::Categorical)
        .with_kind("x", ColumnKind::Numeric);
    match read_csv(
        fixture("bad_numeric.csv"),
        &ReadOptions::new().schema(schema),
    ) {
        Err(IngestError::BadValues {
            column,
            kind,
            examples,
            total,
        }) => {
            assert_eq!(column, "x");
            assert_eq!(kind, ColumnKind::Numeric);
            assert_eq!(total, 2);
            // Line 2 holds a quoted field spanning two lines, so row "2;ok;abc" is on line 4.
            assert_eq!(examples[0].line, 4);
            assert_eq!(examples[0].value, "abc");
            assert_eq!(examples[1].line, 7);
            assert_eq!(examples[1].value, "1,5");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn bad_values_keep_twenty_examples_and_the_total() {
    let schema = Schema::new()
        .with_id("id")
        .with_kind("x", ColumnKind::Numeric);
    match read_csv(
        fixture("bad_many_values.csv"),
        &ReadOptions::new().schema(schema),
    ) {
        Err(IngestError::BadValues {
            examples, total, ..
        }) => {
            assert_eq!(total, 30);
            assert_eq!(examples.len(), MAX_EXAMPLES);
            assert_eq!(examples[19].line, 21);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn invalid_utf8_names_line_and_column() {
    match read("invalid_utf8.csv") {
        Err(IngestError::InvalidUtf8 { line, column }) => {
            assert_eq!(line, 3);
            assert_eq!(column, "name");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn ragged_rows_report_expected_and_found() {
    let err = read("ragged.csv").expect_err("ragged");
    let problems = err.problems();
    assert_eq!(problems.len(), 2, "{err}");
    assert!(matches!(
        problems[0],
        IngestError::RaggedRow {
            line: 3,
            expected: 3,
            found: 2
        }
    ));
    assert!(matches!(
        problems[1],
        IngestError::RaggedRow {
            line: 4,
            expected: 3,
            found: 4
        }
    ));
}

#[test]
fn unclosed_quote() {
    assert!(matches!(
        read("unclosed_quote.csv"),
        Err(IngestError::UnclosedQuote { line: 2 })
    ));
}

#[test]
fn many_problems_are_reported_at_once() {
    let schema = Schema::new()
        .with_kind("a", ColumnKind::Numeric)
        .with_kind("b", ColumnKind::Numeric)
        .with_kind("c", ColumnKind::Numeric);
    let err = read_csv(
        fixture("many_problems.csv"),
        &ReadOptions::new().schema(schema),
    )
    .expect_err("three problems");
    let text = err.to_string();
    match &err {
        IngestError::Many { errors, omitted } => {
            assert_eq!(*omitted, 0);
            assert_eq!(errors.len(), 3, "{text}");
            assert!(matches!(errors[0], IngestError::RaggedRow { line: 3, .. }));
            assert!(matches!(&errors[1], IngestError::BadValues { column, .. } if column == "b"));
            assert!(matches!(&errors[2], IngestError::BadValues { column, .. } if column == "c"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(text.contains("line 2: `x`"), "{text}");
}

#[test]
fn infinities_are_errors_and_1e308_is_a_number() {
    let schema = Schema::new()
        .with_id("id")
        .with_kind("x", ColumnKind::Numeric);
    match read_csv(fixture("infinity.csv"), &ReadOptions::new().schema(schema)) {
        Err(IngestError::BadValues {
            examples, total, ..
        }) => {
            assert_eq!(total, 3);
            let lines: Vec<u64> = examples.iter().map(|e| e.line).collect();
            assert_eq!(lines, [3, 4, 5]);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn target_with_three_values_lists_them() {
    let table = read("target_three_values.csv").expect("readable");
    let spec = TargetSpec {
        column: "default".into(),
        positive: None,
    };
    match labels(&table, &spec) {
        Err(IngestError::TargetNotBinary { values, .. }) => assert_eq!(values, ["0", "1", "2"]),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn unknown_positive_label_asks_for_one() {
    let table = read("target_unknown_positive.csv").expect("readable");
    let spec = TargetSpec {
        column: "default".into(),
        positive: None,
    };
    let err = labels(&table, &spec).expect_err("ambiguous");
    assert!(matches!(err, IngestError::UnknownPositiveLabel { .. }));
    assert!(err.to_string().contains("good, bad"));
    let declared = TargetSpec {
        column: "default".into(),
        positive: Some("bad".into()),
    };
    assert_eq!(
        labels(&table, &declared).expect("declared"),
        [Some(false), Some(true)]
    );
    let wrong = TargetSpec {
        column: "default".into(),
        positive: Some("ugly".into()),
    };
    assert!(matches!(
        labels(&table, &wrong),
        Err(IngestError::PositiveNotFound { .. })
    ));
}

#[test]
fn training_set_without_positives() {
    let table = read("no_positive.csv").expect("readable");
    let spec = TargetSpec {
        column: "default".into(),
        positive: Some("1".into()),
    };
    let y = labels(&table, &spec).expect("labels");
    assert_eq!(y, [Some(false), Some(false), None]);
    assert!(matches!(
        require_positives(&y, &spec),
        Err(IngestError::NoPositiveRows { .. })
    ));
}

#[test]
fn extra_columns_are_a_warning_and_dropped() {
    let schema = Schema::new()
        .with_id("id")
        .with_kind("x", ColumnKind::Numeric)
        .with_kind("flag", ColumnKind::Boolean);
    let read = read_csv_with_report(
        fixture("extra_columns.csv"),
        &ReadOptions::new().schema(schema),
    )
    .expect("readable");
    assert_eq!(read.delimiter, b'|');
    assert_eq!(
        read.warnings,
        [IngestWarning::ExtraColumns {
            names: vec!["extra1".into(), "extra2".into()],
            total: 2
        }]
    );
    let names: Vec<&str> = read.table.column_names().collect();
    assert_eq!(names, ["id", "x", "flag"]);
}

#[test]
fn invalid_options_are_errors() {
    assert!(matches!(
        read_csv(b"a\n1\n", &ReadOptions::new().delimiter(b'\n')),
        Err(IngestError::InvalidOptions { .. })
    ));
    assert!(matches!(
        read_csv(b"a\n1\n", &ReadOptions::new().require_target(true)),
        Err(IngestError::InvalidOptions { .. })
    ));
    assert!(matches!(
        Schema::from_json("{\"id\": 3}"),
        Err(IngestError::SchemaJson(_))
    ));
    let table = read_csv(b"a\n1\n", &ReadOptions::new()).expect("ok");
    assert!(matches!(
        Schema::infer(&table, Some("nope"), None),
        Err(IngestError::ColumnNotFound { .. })
    ));
}
