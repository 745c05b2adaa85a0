//! Test and bench support: a Klarna-format schema, a seeded synthetic Klarna-like table, a
//! minimal CSV reader for the real 10k file, and a locator for the shared data folder.
//!
//! Stand-in until the ingest crate's reader and generator land on `main`.
#![allow(dead_code)]

use std::path::PathBuf;

use pdscore_ingest::{
    CategoricalColumn, Column, ColumnData, ColumnKind, FeatureSpec, Schema, Table, TargetSpec,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How a synthetic column is generated.
#[derive(Clone, Copy)]
enum Gen {
    /// Non-negative number: `P(0)`, scale, integer?, missing rate.
    Amount(f64, f64, bool, f64),
    /// Integer in `lo..=hi`.
    Int(i64, i64),
    /// Uniform in `lo..hi`, missing rate.
    Uniform(f64, f64, f64),
    /// Status code 1..=4 (weights), formatted with `.0` or not, missing rate.
    Status(bool, f64),
    /// Archived status 0..=5.
    Archived,
    /// One of the listed levels (weights decrease geometrically).
    Levels(&'static [&'static str]),
    /// Boolean with `P(true)`.
    Flag(f64),
}

const MERCHANT_CATEGORY: &[&str] = &[
    "Diversified entertainment",
    "Youthful Shoes & Clothing",
    "Books & Magazines",
    "General Shoes & Clothing",
    "Concept stores",
    "Sports gear & Outdoor",
    "Dietary supplements",
    "Diversified children products",
    "Electronic equipment & Related accessories",
    "Hobby articles",
    "Jewelry & Watches",
    "Prints & Photos",
];
const MERCHANT_GROUP: &[&str] = &[
    "Entertainment",
    "Clothing & Shoes",
    "Leisure, Sport & Hobby",
    "Health & Beauty",
    "Children Products",
    "Home & Garden",
    "Electronics",
];
const NAME_IN_EMAIL: &[&str] = &[
    "F+L", "L1+F", "no_match", "Nick", "F", "L", "F1+L", "Initials",
];

/// The 41 Klarna features in file order, with their generator.
const COLUMNS: &[(&str, Gen)] = &[
    (
        "account_amount_added_12_24m",
        Gen::Amount(0.6, 20_000.0, true, 0.0),
    ),
    (
        "account_days_in_dc_12_24m",
        Gen::Amount(0.95, 30.0, false, 0.115),
    ),
    (
        "account_days_in_rem_12_24m",
        Gen::Amount(0.8, 60.0, false, 0.115),
    ),
    (
        "account_days_in_term_12_24m",
        Gen::Amount(0.95, 10.0, false, 0.115),
    ),
    (
        "account_incoming_debt_vs_paid_0_24m",
        Gen::Uniform(0.0, 2.0, 0.6),
    ),
    ("account_status", Gen::Status(true, 0.54)),
    ("account_worst_status_0_3m", Gen::Status(true, 0.54)),
    ("account_worst_status_12_24m", Gen::Status(true, 0.67)),
    ("account_worst_status_3_6m", Gen::Status(true, 0.58)),
    ("account_worst_status_6_12m", Gen::Status(true, 0.6)),
    ("age", Gen::Int(18, 80)),
    ("avg_payment_span_0_12m", Gen::Uniform(0.0, 40.0, 0.24)),
    ("avg_payment_span_0_3m", Gen::Uniform(0.0, 40.0, 0.49)),
    ("merchant_category", Gen::Levels(MERCHANT_CATEGORY)),
    ("merchant_group", Gen::Levels(MERCHANT_GROUP)),
    ("has_paid", Gen::Flag(0.85)),
    ("max_paid_inv_0_12m", Gen::Amount(0.2, 8_000.0, false, 0.0)),
    (
        "max_paid_inv_0_24m",
        Gen::Amount(0.15, 10_000.0, false, 0.0),
    ),
    ("name_in_email", Gen::Levels(NAME_IN_EMAIL)),
    (
        "num_active_div_by_paid_inv_0_12m",
        Gen::Uniform(0.0, 3.0, 0.23),
    ),
    ("num_active_inv", Gen::Int(0, 10)),
    ("num_arch_dc_0_12m", Gen::Int(0, 3)),
    ("num_arch_dc_12_24m", Gen::Int(0, 3)),
    ("num_arch_ok_0_12m", Gen::Int(0, 40)),
    ("num_arch_ok_12_24m", Gen::Int(0, 40)),
    ("num_arch_rem_0_12m", Gen::Int(0, 10)),
    (
        "num_arch_written_off_0_12m",
        Gen::Amount(0.99, 1.0, true, 0.18),
    ),
    (
        "num_arch_written_off_12_24m",
        Gen::Amount(0.99, 1.0, true, 0.18),
    ),
    ("num_unpaid_bills", Gen::Int(0, 30)),
    ("status_last_archived_0_24m", Gen::Archived),
    ("status_2nd_last_archived_0_24m", Gen::Archived),
    ("status_3rd_last_archived_0_24m", Gen::Archived),
    ("status_max_archived_0_6_months", Gen::Archived),
    ("status_max_archived_0_12_months", Gen::Archived),
    ("status_max_archived_0_24_months", Gen::Archived),
    ("recovery_debt", Gen::Amount(0.99, 500.0, true, 0.0)),
    (
        "sum_capital_paid_account_0_12m",
        Gen::Amount(0.7, 5_000.0, true, 0.0),
    ),
    (
        "sum_capital_paid_account_12_24m",
        Gen::Amount(0.75, 5_000.0, true, 0.0),
    ),
    ("sum_paid_inv_0_12m", Gen::Amount(0.2, 20_000.0, true, 0.0)),
    ("time_hours", Gen::Uniform(0.0, 24.0, 0.0)),
    ("worst_status_active_inv", Gen::Status(true, 0.7)),
];

fn kind(generator: Gen) -> ColumnKind {
    match generator {
        Gen::Amount(..) | Gen::Int(..) | Gen::Uniform(..) => ColumnKind::Numeric,
        Gen::Status(..) | Gen::Archived | Gen::Levels(_) => ColumnKind::Categorical,
        Gen::Flag(_) => ColumnKind::Boolean,
    }
}

/// The Klarna schema: id `uuid`, target `default` (absent from the unlabeled file), 41 features;
/// integer status codes are categorical.
pub fn klarna_schema() -> Schema {
    Schema {
        id: Some("uuid".into()),
        target: Some(TargetSpec {
            column: "default".into(),
            positive: Some("1".into()),
        }),
        features: COLUMNS
            .iter()
            .map(|&(name, generator)| FeatureSpec {
                name: name.into(),
                kind: kind(generator),
            })
            .collect(),
    }
}

/// A seeded Klarna-like table of `n_rows` rows (uuid column first, then the 41 features).
pub fn synthetic_klarna(n_rows: usize, seed: u64) -> Table {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut columns = vec![Column {
        name: "uuid".into(),
        data: ColumnData::Categorical(CategoricalColumn::from_values(
            &(0..n_rows)
                .map(|i| Some(format!("row-{seed}-{i}")))
                .collect::<Vec<_>>(),
        )),
    }];
    for &(name, generator) in COLUMNS {
        let data = match generator {
            Gen::Amount(p_zero, scale, integer, missing) => ColumnData::Numeric(
                (0..n_rows)
                    .map(|_| {
                        if rng.gen_bool(missing) {
                            f64::NAN
                        } else if rng.gen_bool(p_zero) {
                            0.0
                        } else {
                            let x = -scale * (1.0 - rng.gen_range(0.0..1.0_f64)).ln();
                            if integer { x.ceil() } else { x }
                        }
                    })
                    .collect(),
            ),
            Gen::Int(lo, hi) => {
                ColumnData::Numeric((0..n_rows).map(|_| rng.gen_range(lo..=hi) as f64).collect())
            }
            Gen::Uniform(lo, hi, missing) => ColumnData::Numeric(
                (0..n_rows)
                    .map(|_| {
                        if rng.gen_bool(missing) {
                            f64::NAN
                        } else {
                            rng.gen_range(lo..hi)
                        }
                    })
                    .collect(),
            ),
            Gen::Status(dot_zero, missing) => {
                let values: Vec<Option<String>> = (0..n_rows)
                    .map(|_| {
                        (!rng.gen_bool(missing)).then(|| {
                            let code = [1, 1, 1, 1, 1, 1, 2, 2, 3, 4][rng.gen_range(0..10)];
                            if dot_zero {
                                format!("{code}.0")
                            } else {
                                code.to_string()
                            }
                        })
                    })
                    .collect();
                ColumnData::Categorical(CategoricalColumn::from_values(&values))
            }
            Gen::Archived => {
                let values: Vec<Option<String>> = (0..n_rows)
                    .map(|_| Some([0, 1, 1, 1, 1, 1, 2, 2, 3, 5][rng.gen_range(0..10)].to_string()))
                    .collect();
                ColumnData::Categorical(CategoricalColumn::from_values(&values))
            }
            Gen::Levels(levels) => {
                let values: Vec<Option<&str>> = (0..n_rows)
                    .map(|_| {
                        let mut i = 0;
                        while i + 1 < levels.len() && rng.gen_bool(0.5) {
                            i += 1;
                        }
                        Some(levels[i])
                    })
                    .collect();
                ColumnData::Categorical(CategoricalColumn::from_values(&values))
            }
            Gen::Flag(p_true) => {
                ColumnData::Boolean((0..n_rows).map(|_| Some(rng.gen_bool(p_true))).collect())
            }
        };
        columns.push(Column {
            name: name.into(),
            data,
        });
    }
    Table::new(columns).expect("columns have equal lengths")
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|dir| dir.join("crates").is_dir() && dir.join("Cargo.toml").is_file())
        .unwrap_or(&manifest)
        .to_path_buf()
}

/// The real 10k Klarna rows, if present: `<root>/../shared/data/klarna/...` (CI: beside the
/// clone), or one level further up (a git worktree under `<dir>/wt/<name>`).
pub fn real_klarna_path() -> Option<PathBuf> {
    let file = "shared/data/klarna/unlabeled_10k_reformatted__samarthum_test.csv";
    let root = workspace_root();
    [root.join("..").join(file), root.join("../..").join(file)]
        .into_iter()
        .find(|path| path.is_file())
}

/// Splits one CSV record (comma-separated, `"` quoting with `""` escapes).
fn split_record(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match (ch, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(ch),
        }
    }
    fields.push(field);
    fields
}

/// Minimal reader for a comma-separated Klarna-format file (empty field = missing): schema
/// features typed by their kind, every other column read as text.
pub fn read_klarna_csv(path: &std::path::Path, schema: &Schema) -> Table {
    let text = std::fs::read_to_string(path).expect("the CSV file is readable UTF-8");
    let mut lines = text.lines();
    let header = split_record(lines.next().expect("the file has a header"));
    let rows: Vec<Vec<String>> = lines.filter(|l| !l.is_empty()).map(split_record).collect();
    let columns = header
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let cells = rows.iter().map(|r| r[j].as_str());
            let data = match schema.feature(name).map(|f| f.kind) {
                Some(ColumnKind::Numeric) => ColumnData::Numeric(
                    cells
                        .map(|c| {
                            if c.is_empty() {
                                f64::NAN
                            } else {
                                c.parse().expect("a numeric cell parses as f64")
                            }
                        })
                        .collect(),
                ),
                Some(ColumnKind::Boolean) => ColumnData::Boolean(
                    cells
                        .map(|c| match c {
                            "True" | "true" | "1" => Some(true),
                            "False" | "false" | "0" => Some(false),
                            _ => None,
                        })
                        .collect(),
                ),
                _ => {
                    let values: Vec<Option<&str>> =
                        cells.map(|c| (!c.is_empty()).then_some(c)).collect();
                    ColumnData::Categorical(CategoricalColumn::from_values(&values))
                }
            };
            Column {
                name: name.clone(),
                data,
            }
        })
        .collect();
    Table::new(columns).expect("columns have equal lengths")
}

/// Row `row` of `table` as a one-row table (categorical dictionaries rebuilt).
pub fn row_table(table: &Table, row: usize) -> Table {
    rows_table(table, row..row + 1)
}

/// Rows `rows` of `table` as a new table (categorical dictionaries rebuilt, so the codes
/// differ from the original's).
pub fn rows_table(table: &Table, rows: std::ops::Range<usize>) -> Table {
    table.take_rows_compacted(&rows.collect::<Vec<_>>())
}

/// Writes `table` as a comma-separated file (empty field = missing, `True`/`False`, text
/// quoted when it holds a comma or a quote), for the Python peer benchmark.
pub fn write_csv(table: &Table, path: &std::path::Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let names: Vec<&str> = table.column_names().collect();
    writeln!(out, "{}", names.join(","))?;
    for row in 0..table.n_rows() {
        for (j, column) in table.columns().iter().enumerate() {
            if j > 0 {
                out.write_all(b",")?;
            }
            match &column.data {
                ColumnData::Numeric(v) if v[row].is_nan() => {}
                ColumnData::Numeric(v) => write!(out, "{}", v[row])?,
                ColumnData::Boolean(v) => match v[row] {
                    Some(true) => out.write_all(b"True")?,
                    Some(false) => out.write_all(b"False")?,
                    None => {}
                },
                ColumnData::Categorical(c) => match c.value(row) {
                    Some(s) if s.contains([',', '"']) => {
                        write!(out, "\"{}\"", s.replace('"', "\"\""))?;
                    }
                    Some(s) => out.write_all(s.as_bytes())?,
                    None => {}
                },
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush()
}
