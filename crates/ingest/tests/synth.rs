//! The synthetic Klarna generator: determinism, format, missing rates, levels, positives.

use pdscore_ingest::labels::labels;
use pdscore_ingest::synth::{
    MERCHANT_CATEGORIES, NAME_IN_EMAIL, POSITIVE_RATE, SynthParams, generate,
};
use pdscore_ingest::{ColumnData, KLARNA_COLUMNS, ReadOptions, Schema, Table, read_csv};

fn synth(labelled: usize, unlabelled: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    generate(
        &SynthParams::new()
            .labelled_rows(labelled)
            .unlabelled_rows(unlabelled)
            .seed(seed),
        &mut out,
    )
    .expect("generate");
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    assert_eq!(synth(500, 50, 11), synth(500, 50, 11));
    assert_ne!(synth(500, 50, 11), synth(500, 50, 12));
}

#[test]
fn bad_params_are_errors() {
    let mut out = Vec::new();
    assert!(generate(&SynthParams::new().labelled_rows(0), &mut out).is_err());
}

fn read(bytes: &[u8]) -> Table {
    read_csv(bytes, &ReadOptions::new().schema(Schema::klarna())).expect("synthetic file reads")
}

#[test]
fn original_format_and_unlabelled_rows_at_the_end() {
    let bytes = synth(3_000, 300, 5);
    let text = std::str::from_utf8(&bytes).expect("utf-8");
    assert_eq!(
        text.lines().next().expect("header"),
        KLARNA_COLUMNS.join(";")
    );
    assert!(text.lines().skip(1).all(|l| l.split(';').count() == 43));
    let table = read(&bytes);
    assert_eq!(table.n_rows(), 3_300);
    let schema = Schema::klarna();
    let y = labels(&table, schema.target.as_ref().expect("target")).expect("labels");
    assert!(y[..3_000].iter().all(Option::is_some));
    assert!(y[3_000..].iter().all(Option::is_none));
    let positives = y.iter().filter(|l| **l == Some(true)).count() as f64 / 3_000.0;
    assert!(
        (positives - POSITIVE_RATE).abs() < 0.007,
        "positive rate {positives}"
    );
    let ids: std::collections::HashSet<Option<&str>> =
        match &table.column("uuid").expect("uuid").data {
            ColumnData::Categorical(c) => (0..c.codes.len()).map(|r| c.value(r)).collect(),
            other => panic!("unexpected {other:?}"),
        };
    assert_eq!(ids.len(), 3_300, "uuids are distinct");
}

/// Published non-null counts among the 89,976 labelled rows (SOURCE.md).
const NON_NULL: [(&str, f64); 16] = [
    ("account_days_in_dc_12_24m", 79_293.0),
    ("account_days_in_rem_12_24m", 79_293.0),
    ("account_days_in_term_12_24m", 79_293.0),
    ("account_incoming_debt_vs_paid_0_24m", 36_619.0),
    ("account_status", 41_042.0),
    ("account_worst_status_0_3m", 41_042.0),
    ("account_worst_status_12_24m", 29_921.0),
    ("account_worst_status_3_6m", 38_038.0),
    ("account_worst_status_6_12m", 35_663.0),
    ("avg_payment_span_0_12m", 68_508.0),
    ("avg_payment_span_0_3m", 45_594.0),
    ("num_active_div_by_paid_inv_0_12m", 69_318.0),
    ("num_arch_written_off_0_12m", 73_671.0),
    ("num_arch_written_off_12_24m", 73_671.0),
    ("worst_status_active_inv", 27_436.0),
    ("age", 89_976.0),
];

#[test]
fn missing_rates_within_two_points_of_the_published_ones() {
    let n = 8_000;
    let table = read(&synth(n, 0, 21));
    for (name, non_null) in NON_NULL {
        let expected = 1.0 - non_null / 89_976.0;
        let column = table.column(name).expect("column");
        let rate = column.data.missing_count() as f64 / n as f64;
        assert!(
            (rate - expected).abs() < 0.02,
            "{name}: missing {rate:.4}, published {expected:.4}"
        );
    }
    // Columns without published missing values have none.
    for name in [
        "merchant_category",
        "has_paid",
        "time_hours",
        "sum_paid_inv_0_12m",
    ] {
        assert_eq!(
            table.column(name).expect("column").data.missing_count(),
            0,
            "{name}"
        );
    }
}

#[test]
fn levels_and_has_paid_rate() {
    let n = 6_000;
    let table = read(&synth(n, 0, 3));
    let dictionary = |name: &str| match &table.column(name).expect("column").data {
        ColumnData::Categorical(c) => c.dictionary.to_vec(),
        other => panic!("unexpected {other:?}"),
    };
    let categories = dictionary("merchant_category");
    assert!(
        categories
            .iter()
            .all(|c| MERCHANT_CATEGORIES.iter().any(|m| m.0 == c))
    );
    assert!(categories.len() >= 45, "{} categories", categories.len());
    let groups = dictionary("merchant_group");
    let mut published_groups: Vec<&str> = MERCHANT_CATEGORIES.iter().map(|m| m.1).collect();
    published_groups.sort_unstable();
    published_groups.dedup();
    assert_eq!(published_groups.len(), 12);
    assert_eq!(groups.len(), 12);
    let emails = dictionary("name_in_email");
    assert!(
        emails
            .iter()
            .all(|e| NAME_IN_EMAIL.iter().any(|m| m.0 == e))
    );
    assert!(emails.len() >= 7);
    for name in [
        "status_max_archived_0_24_months",
        "account_worst_status_0_3m",
    ] {
        let levels = dictionary(name);
        assert!(
            levels
                .iter()
                .all(|l| ["0", "1", "2", "3", "4", "5"].contains(&l.as_str())),
            "{name}: {levels:?}"
        );
    }
    match &table.column("has_paid").expect("has_paid").data {
        ColumnData::Boolean(v) => {
            let share = v.iter().flatten().filter(|b| **b).count() as f64 / n as f64;
            assert!((share - 0.851).abs() < 0.03, "has_paid True share {share}");
        }
        other => panic!("unexpected {other:?}"),
    }
    match &table.column("age").expect("age").data {
        ColumnData::Numeric(v) => {
            assert!(v.iter().all(|a| (18.0..=100.0).contains(a)));
        }
        other => panic!("unexpected {other:?}"),
    }
    match &table.column("time_hours").expect("time").data {
        ColumnData::Numeric(v) => assert!(v.iter().all(|h| (0.0..24.0).contains(h))),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn shipped_sample_matches_its_documented_command() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/klarna_synth_sample.csv");
    let shipped = std::fs::read(&path).expect("data/klarna_synth_sample.csv");
    assert_eq!(
        shipped,
        synth(5_000, 500, 0),
        "regenerate with `pdscore generate --rows 5000 --unlabelled 500 --seed 0`"
    );
}
