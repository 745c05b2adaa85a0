use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::builder::StringDictionaryBuilder;
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float16Array, Float32Array, Int8Array, Int64Array,
    LargeStringArray, NullArray, RecordBatch, StringArray, StringViewArray, UInt64Array,
};
use proptest::prelude::*;

use super::*;
use crate::{
    ColumnData, ColumnKind, FeatureSpec, IngestError, ReadOptions, Schema, Table, read_csv,
};

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).expect("batch")
}

fn numeric(table: &Table, name: &str) -> Vec<f64> {
    match &table.column(name).expect("column").data {
        ColumnData::Numeric(v) => v.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

fn levels(table: &Table, name: &str) -> Vec<Option<String>> {
    match &table.column(name).expect("column").data {
        ColumnData::Categorical(c) => (0..c.codes.len())
            .map(|r| c.value(r).map(str::to_owned))
            .collect(),
        other => panic!("{name} is {other:?}"),
    }
}

#[test]
fn every_numeric_width_reads_as_numbers_with_null_missing() {
    let b = batch(vec![
        (
            "i8",
            Arc::new(Int8Array::from(vec![Some(-3), None])) as ArrayRef,
        ),
        ("u64", Arc::new(UInt64Array::from(vec![Some(7), Some(0)]))),
        (
            "f16",
            Arc::new(Float16Array::from(vec![Some(half_one()), None])),
        ),
        (
            "f32",
            Arc::new(Float32Array::from(vec![Some(0.5), Some(f32::NAN)])),
        ),
        ("i64", Arc::new(Int64Array::from(vec![None, Some(1 << 40)]))),
    ]);
    let t = table_from_record_batch(&b, &ReadOptions::new(), 0).expect("read");
    assert_eq!(numeric(&t, "i8")[0], -3.0);
    assert!(numeric(&t, "i8")[1].is_nan());
    assert_eq!(numeric(&t, "u64"), vec![7.0, 0.0]);
    assert_eq!(numeric(&t, "f16")[0], 1.0);
    assert!(numeric(&t, "f16")[1].is_nan());
    assert_eq!(numeric(&t, "f32")[0], 0.5);
    assert!(numeric(&t, "f32")[1].is_nan());
    assert_eq!(numeric(&t, "i64")[1], (1u64 << 40) as f64);
}

fn half_one() -> half::f16 {
    half::f16::from_f32(1.0)
}

#[test]
fn an_infinity_names_column_and_input_row() {
    let b = batch(vec![(
        "span",
        Arc::new(arrow_array::Float64Array::from(vec![
            1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ])) as ArrayRef,
    )]);
    let err = table_from_record_batch(&b, &ReadOptions::new(), 100).expect_err("infinite");
    match &err {
        IngestError::BadValueAt {
            column,
            row,
            value,
            total,
            kind,
        } => {
            assert_eq!(column, "span");
            assert_eq!(*row, 101);
            assert_eq!(value, "inf");
            assert_eq!(*total, 2);
            assert_eq!(*kind, ColumnKind::Numeric);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("row 101"), "{err}");
}

#[test]
fn every_string_layout_reads_as_levels_by_csv_rules() {
    let mut dict = StringDictionaryBuilder::<Int32Type>::new();
    dict.append_value("b");
    dict.append_null();
    dict.append_value("2.0");
    dict.append_value("b");
    let b = batch(vec![
        (
            "utf8",
            Arc::new(StringArray::from(vec![
                Some(" a "),
                Some("NA"),
                None,
                Some("3.00"),
            ])) as ArrayRef,
        ),
        (
            "large",
            Arc::new(LargeStringArray::from(vec![
                Some("x"),
                Some(""),
                Some("y"),
                Some("x"),
            ])),
        ),
        (
            "view",
            Arc::new(StringViewArray::from(vec![
                Some("p"),
                Some("q"),
                None,
                Some("p"),
            ])),
        ),
        ("dict", Arc::new(dict.finish())),
        (
            "flag",
            Arc::new(BooleanArray::from(vec![
                Some(true),
                None,
                Some(false),
                Some(true),
            ])),
        ),
    ]);
    let t = table_from_record_batch(&b, &ReadOptions::new(), 0).expect("read");
    let s = |v: &[Option<&str>]| v.iter().map(|x| x.map(str::to_owned)).collect::<Vec<_>>();
    assert_eq!(levels(&t, "utf8"), s(&[Some("a"), None, None, Some("3")]));
    assert_eq!(
        levels(&t, "large"),
        s(&[Some("x"), None, Some("y"), Some("x")])
    );
    assert_eq!(
        levels(&t, "view"),
        s(&[Some("p"), Some("q"), None, Some("p")])
    );
    assert_eq!(
        levels(&t, "dict"),
        s(&[Some("b"), None, Some("2"), Some("b")])
    );
    match &t.column("dict").expect("dict").data {
        ColumnData::Categorical(c) => assert_eq!(c.dictionary, ["b", "2"]),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        t.column("flag").expect("flag").data,
        ColumnData::Boolean(vec![Some(true), None, Some(false), Some(true)])
    );
}

#[test]
fn an_unsupported_type_is_an_error_naming_the_column() {
    let b = batch(vec![
        ("ok", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
        ("opened", Arc::new(Date32Array::from(vec![19000]))),
    ]);
    let err = table_from_record_batch(&b, &ReadOptions::new(), 0).expect_err("date");
    assert!(
        matches!(&err, IngestError::UnsupportedType { column, data_type, .. } if column == "opened" && data_type == "Date32"),
        "{err:?}"
    );
    assert!(err.to_string().contains("`opened`"));
}

#[test]
fn a_null_column_is_all_missing() {
    let b = batch(vec![("empty", Arc::new(NullArray::new(3)) as ArrayRef)]);
    let t = table_from_record_batch(&b, &ReadOptions::new(), 0).expect("read");
    assert_eq!(t.column("empty").expect("empty").data.missing_count(), 3);
}

#[test]
fn a_schema_picks_orders_and_coerces_the_columns() {
    let schema = Schema {
        id: Some("id".into()),
        target: None,
        features: vec![
            FeatureSpec {
                name: "status".into(),
                kind: ColumnKind::Categorical,
            },
            FeatureSpec {
                name: "paid".into(),
                kind: ColumnKind::Boolean,
            },
            FeatureSpec {
                name: "amount".into(),
                kind: ColumnKind::Numeric,
            },
        ],
    };
    let options = ReadOptions::new().schema(schema.clone());
    let b = batch(vec![
        (
            "amount",
            Arc::new(StringArray::from(vec!["1.5", " NA", "2e3"])) as ArrayRef,
        ),
        ("extra", Arc::new(Int64Array::from(vec![1, 2, 3]))),
        (
            "status",
            Arc::new(arrow_array::Float64Array::from(vec![
                Some(1.0),
                None,
                Some(2.5),
            ])),
        ),
        (
            "paid",
            Arc::new(Int64Array::from(vec![Some(1), Some(0), None])),
        ),
        (
            "id",
            Arc::new(Int64Array::from(vec![9_007_199_254_740_993, 2, 3])),
        ),
    ]);
    let t = table_from_record_batch(&b, &options, 0).expect("read");
    let names: Vec<&str> = t.column_names().collect();
    assert_eq!(names, ["id", "status", "paid", "amount"]);
    assert_eq!(levels(&t, "id")[0].as_deref(), Some("9007199254740993"));
    assert_eq!(
        levels(&t, "status"),
        vec![Some("1".to_owned()), None, Some("2.5".to_owned())]
    );
    assert_eq!(
        t.column("paid").expect("paid").data,
        ColumnData::Boolean(vec![Some(true), Some(false), None])
    );
    let amount = numeric(&t, "amount");
    assert_eq!(amount[0], 1.5);
    assert!(amount[1].is_nan());
    assert_eq!(amount[2], 2000.0);

    // the same rows as CSV give the same table
    let csv = "id;status;paid;amount\n9007199254740993;1.0;1;1.5\n2;;0;NA\n3;2.5;;2e3\n";
    assert!(same(&read_csv(csv.as_bytes(), &options).expect("csv"), &t));

    // a required column absent, and a bad boolean
    let short = batch(vec![(
        "id",
        Arc::new(Int64Array::from(vec![1])) as ArrayRef,
    )]);
    assert!(matches!(
        table_from_record_batch(&short, &options, 0),
        Err(IngestError::MissingColumns { names }) if names == ["status", "paid", "amount"]
    ));
    let bad = batch(vec![
        ("id", Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef),
        ("status", Arc::new(StringArray::from(vec!["a", "b"]))),
        ("paid", Arc::new(Int64Array::from(vec![1, 2]))),
        ("amount", Arc::new(StringArray::from(vec!["x", "1"]))),
    ]);
    let err = table_from_record_batch(&bad, &options, 10).expect_err("bad");
    assert!(
        matches!(&err, IngestError::BadValueAt { column, row: 11, value, .. } if column == "paid" && value == "2"),
        "{err:?}"
    );
}

#[test]
fn duplicate_names_are_an_error() {
    let b = RecordBatch::try_new(
        Arc::new(arrow_schema::Schema::new(vec![
            arrow_schema::Field::new("a", arrow_schema::DataType::Int64, false),
            arrow_schema::Field::new("a", arrow_schema::DataType::Int64, false),
        ])),
        vec![
            Arc::new(Int64Array::from(vec![1])) as ArrayRef,
            Arc::new(Int64Array::from(vec![2])),
        ],
    )
    .expect("batch");
    assert!(matches!(
        table_from_record_batch(&b, &ReadOptions::new(), 0),
        Err(IngestError::DuplicateColumns { names }) if names == ["a"]
    ));
}

fn column_strategy(n: usize) -> impl Strategy<Value = ColumnData> {
    prop_oneof![
        proptest::collection::vec(
            prop_oneof![
                Just(f64::NAN),
                -1e12f64..1e12,
                any::<i32>().prop_map(f64::from)
            ],
            n
        )
        .prop_map(ColumnData::Numeric),
        proptest::collection::vec(proptest::option::of(any::<bool>()), n)
            .prop_map(ColumnData::Boolean),
        proptest::collection::vec(proptest::option::of("[a-z][a-z0-9_]{0,6}"), n)
            .prop_map(|v| { ColumnData::Categorical(crate::CategoricalColumn::from_values(&v)) }),
    ]
}

fn table_strategy() -> impl Strategy<Value = Table> {
    (0usize..40, 1usize..6).prop_flat_map(|(n, width)| {
        proptest::collection::vec(column_strategy(n), width).prop_map(|columns| {
            Table::new(
                columns
                    .into_iter()
                    .enumerate()
                    .map(|(i, data)| crate::Column {
                        name: format!("c{i}"),
                        data,
                    })
                    .collect(),
            )
            .expect("equal lengths")
        })
    })
}

/// Tables compared with NaN equal to NaN.
fn same(a: &Table, b: &Table) -> bool {
    a.n_rows() == b.n_rows()
        && a.columns().len() == b.columns().len()
        && a.columns().iter().zip(b.columns()).all(|(x, y)| {
            x.name == y.name
                && match (&x.data, &y.data) {
                    (ColumnData::Numeric(p), ColumnData::Numeric(q)) => p
                        .iter()
                        .zip(q)
                        .all(|(u, v)| u.to_bits() == v.to_bits() || (u.is_nan() && v.is_nan())),
                    (p, q) => p == q,
                }
        })
}

proptest! {
    #[test]
    fn a_table_round_trips_through_a_record_batch(table in table_strategy()) {
        let batch = table_to_record_batch(&table).expect("batch");
        prop_assert_eq!(batch.num_rows(), table.n_rows());
        let back = table_from_record_batch(&batch, &ReadOptions::new(), 0).expect("read");
        prop_assert!(same(&table, &back), "{:?}\n{:?}", table, back);
    }

    #[test]
    fn a_batch_reads_as_its_csv_reads(values in proptest::collection::vec(
        (proptest::option::of(-1e6f64..1e6), proptest::option::of("[a-z]{1,3}"), proptest::option::of(any::<bool>())), 1..30)) {
        let schema = Schema {
            id: None,
            target: None,
            features: vec![
                FeatureSpec { name: "x".into(), kind: ColumnKind::Numeric },
                FeatureSpec { name: "g".into(), kind: ColumnKind::Categorical },
                FeatureSpec { name: "b".into(), kind: ColumnKind::Boolean },
            ],
        };
        let options = ReadOptions::new().schema(schema);
        let mut csv = String::from("x;g;b\n");
        for (x, g, b) in &values {
            writeln!(
                csv,
                "{};{};{}",
                x.map(|v| v.to_string()).unwrap_or_default(),
                g.clone().unwrap_or_default(),
                b.map(|v| if v { "True" } else { "False" }).unwrap_or_default()
            ).expect("write");
        }
        let b = batch(vec![
            ("x", Arc::new(arrow_array::Float64Array::from(values.iter().map(|v| v.0).collect::<Vec<_>>())) as ArrayRef),
            ("g", Arc::new(StringArray::from(values.iter().map(|v| v.1.clone()).collect::<Vec<_>>()))),
            ("b", Arc::new(BooleanArray::from(values.iter().map(|v| v.2).collect::<Vec<_>>()))),
        ]);
        let from_arrow = table_from_record_batch(&b, &options, 0).expect("arrow");
        let from_csv = read_csv(csv.as_bytes(), &options).expect("csv");
        prop_assert!(same(&from_arrow, &from_csv), "{:?}\n{:?}", from_arrow, from_csv);
    }
}
