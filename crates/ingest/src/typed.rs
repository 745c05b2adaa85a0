//! The cell rules for inputs whose cells arrive typed (Arrow record batches, Parquet files,
//! polars frames): the same rules as CSV, applied to numbers, booleans and strings instead of
//! bytes.
//!
//! - Numbers: a null or `NaN` is missing; an infinity is a bad value, as in CSV.
//! - Strings are cells of text: trimmed of ASCII whitespace, empty or one of the missing tokens
//!   is missing, then parsed as the kind wanted exactly like a CSV cell (numbers through the
//!   CSV number parser, booleans as `true/false/1/0`, levels canonicalised so `1.0` and `1` are
//!   one level). The id column's text is kept as it is (trimmed).
//! - A number read as a level is written as CSV would hold it: integers without a fraction
//!   (`3.0` is level `3`), other numbers in Rust's shortest round-trip form.
//! - Booleans read as numbers are `1`/`0`; a boolean column cannot be read as levels.

use std::collections::{HashMap, HashSet};

use crate::csv::{MissingTokens, ReadOptions, canonical_level, parse_bool, parse_number};
use crate::error::{IngestError, MAX_EXAMPLES, listed_name};
use crate::table::{CategoricalColumn, ColumnData, ColumnKind};

/// How an output column is built from a typed input column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Read as this kind.
    Kind(ColumnKind),
    /// The id column: text kept as found (trimmed), categorical without canonicalisation.
    Raw,
}

impl Want {
    /// The kind of the column built (`Raw` ids are categorical).
    fn kind(self) -> ColumnKind {
        match self {
            Want::Kind(k) => k,
            Want::Raw => ColumnKind::Categorical,
        }
    }
}

/// Where the cells come from, for error messages and the missing tokens.
pub(crate) struct Cells<'a> {
    /// Column name.
    pub(crate) column: &'a str,
    /// Row number of the first cell in the whole input (0-based).
    pub(crate) first_row: u64,
    /// Texts that mean missing in string cells.
    pub(crate) missing: &'a MissingTokens,
}

/// Collects the bad cells of one column: the first one and how many.
struct Bad {
    first: Option<(usize, String)>,
    total: usize,
}

impl Bad {
    fn new() -> Self {
        Bad {
            first: None,
            total: 0,
        }
    }

    fn push(&mut self, row: usize, value: impl FnOnce() -> String) {
        if self.first.is_none() {
            self.first = Some((row, value()));
        }
        self.total += 1;
    }

    fn finish(self, cells: &Cells<'_>, kind: ColumnKind) -> Result<(), IngestError> {
        match self.first {
            None => Ok(()),
            Some((row, value)) => Err(IngestError::BadValueAt {
                column: cells.column.to_owned(),
                kind,
                row: cells.first_row + row as u64,
                value,
                total: self.total,
            }),
        }
    }
}

/// The text of a number read as a level: integral values without a fraction.
fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A column from floating-point cells (`None` = null).
pub(crate) fn from_floats(
    cells: &Cells<'_>,
    want: Want,
    values: impl Iterator<Item = Option<f64>>,
) -> Result<ColumnData, IngestError> {
    let mut bad = Bad::new();
    let data = match want {
        Want::Kind(ColumnKind::Numeric) => {
            let out: Vec<f64> = values
                .enumerate()
                .map(|(row, v)| match v {
                    Some(v) if v.is_infinite() => {
                        bad.push(row, || format!("{v}"));
                        f64::NAN
                    }
                    Some(v) => v,
                    None => f64::NAN,
                })
                .collect();
            ColumnData::Numeric(out)
        }
        Want::Kind(ColumnKind::Boolean) => ColumnData::Boolean(
            values
                .enumerate()
                .map(|(row, v)| match v {
                    None => None,
                    Some(v) if v.is_nan() => None,
                    Some(0.0) => Some(false),
                    Some(1.0) => Some(true),
                    Some(v) => {
                        bad.push(row, || format!("{v}"));
                        None
                    }
                })
                .collect(),
        ),
        Want::Kind(ColumnKind::Categorical) | Want::Raw => {
            let texts: Vec<Option<String>> = values
                .enumerate()
                .map(|(row, v)| match v {
                    None => None,
                    Some(v) if v.is_nan() => None,
                    Some(v) if v.is_infinite() => {
                        bad.push(row, || format!("{v}"));
                        None
                    }
                    Some(v) => Some(number_text(v)),
                })
                .collect();
            ColumnData::Categorical(CategoricalColumn::from_values(&texts))
        }
    };
    bad.finish(cells, want.kind())?;
    Ok(data)
}

/// A column from integer cells (`None` = null); ids and levels keep every digit.
pub(crate) fn from_integers(
    cells: &Cells<'_>,
    want: Want,
    values: impl Iterator<Item = Option<i128>>,
) -> Result<ColumnData, IngestError> {
    match want {
        Want::Kind(ColumnKind::Categorical) | Want::Raw => {
            let texts: Vec<Option<String>> = values.map(|v| v.map(|v| v.to_string())).collect();
            Ok(ColumnData::Categorical(CategoricalColumn::from_values(
                &texts,
            )))
        }
        Want::Kind(_) => from_floats(cells, want, values.map(|v| v.map(|v| v as f64))),
    }
}

/// A column from boolean cells (`None` = null).
pub(crate) fn from_bools(
    cells: &Cells<'_>,
    want: Want,
    data_type: impl FnOnce() -> String,
    values: impl Iterator<Item = Option<bool>>,
) -> Result<ColumnData, IngestError> {
    match want {
        Want::Kind(ColumnKind::Boolean) => Ok(ColumnData::Boolean(values.collect())),
        Want::Kind(ColumnKind::Numeric) => Ok(ColumnData::Numeric(
            values
                .map(|v| v.map_or(f64::NAN, |b| if b { 1.0 } else { 0.0 }))
                .collect(),
        )),
        Want::Kind(ColumnKind::Categorical) | Want::Raw => Err(IngestError::UnsupportedType {
            column: cells.column.to_owned(),
            data_type: data_type(),
            kind: Some(want.kind()),
        }),
    }
}

/// A column from string cells (`None` = null), read like CSV cells.
pub(crate) fn from_strs<'s>(
    cells: &Cells<'_>,
    want: Want,
    values: impl Iterator<Item = Option<&'s str>>,
) -> Result<ColumnData, IngestError> {
    let missing = |s: &str| s.is_empty() || cells.missing.is_missing(s.as_bytes());
    let mut bad = Bad::new();
    let data = match want {
        Want::Raw => {
            let texts: Vec<Option<&str>> = values
                .map(|v| v.map(str::trim_ascii).filter(|s| !s.is_empty()))
                .collect();
            ColumnData::Categorical(CategoricalColumn::from_values(&texts))
        }
        Want::Kind(ColumnKind::Categorical) => {
            let texts: Vec<Option<&str>> = values
                .map(|v| {
                    let s = v?.trim_ascii();
                    if missing(s) {
                        return None;
                    }
                    // canonical_level returns a prefix of its input, which is valid UTF-8 as
                    // it ends before an ASCII `.`.
                    let level = canonical_level(s.as_bytes());
                    Some(&s[..level.len()])
                })
                .collect();
            ColumnData::Categorical(CategoricalColumn::from_values(&texts))
        }
        Want::Kind(ColumnKind::Numeric) => ColumnData::Numeric(
            values
                .enumerate()
                .map(|(row, v)| {
                    let Some(s) = v.map(str::trim_ascii).filter(|s| !missing(s)) else {
                        return f64::NAN;
                    };
                    match parse_number(s.as_bytes()) {
                        Some(x) if x.is_finite() || x.is_nan() => x,
                        _ => {
                            bad.push(row, || s.to_owned());
                            f64::NAN
                        }
                    }
                })
                .collect(),
        ),
        Want::Kind(ColumnKind::Boolean) => ColumnData::Boolean(
            values
                .enumerate()
                .map(|(row, v)| {
                    let s = v.map(str::trim_ascii).filter(|s| !missing(s))?;
                    if let Some((b, _)) = parse_bool(s.as_bytes()) {
                        Some(b)
                    } else {
                        bad.push(row, || s.to_owned());
                        None
                    }
                })
                .collect(),
        ),
    };
    bad.finish(cells, want.kind())?;
    Ok(data)
}

/// An all-null column of `n` rows.
pub(crate) fn all_missing(want: Want, n: usize) -> ColumnData {
    match want.kind() {
        ColumnKind::Numeric => ColumnData::Numeric(vec![f64::NAN; n]),
        ColumnKind::Boolean => ColumnData::Boolean(vec![None; n]),
        ColumnKind::Categorical => ColumnData::Categorical(CategoricalColumn {
            dictionary: crate::levels::Levels::new(),
            codes: vec![crate::table::MISSING_CODE; n],
        }),
    }
}

/// Duplicate column names are an error, as in a CSV header.
pub(crate) fn check_duplicates(names: &[&str]) -> Result<(), IngestError> {
    let mut seen = HashSet::with_capacity(names.len());
    let mut dups: Vec<String> = Vec::new();
    for name in names {
        if !seen.insert(*name) && dups.len() < MAX_EXAMPLES && !dups.contains(&listed_name(name)) {
            dups.push(listed_name(name));
        }
    }
    if dups.is_empty() {
        Ok(())
    } else {
        Err(IngestError::DuplicateColumns { names: dups })
    }
}

/// Which batch column feeds each output column and how (`None`: the kind its type gives).
pub(crate) fn plan(
    names: &[&str],
    options: &ReadOptions,
) -> Result<Vec<(usize, Option<Want>)>, IngestError> {
    let Some(schema) = &options.schema else {
        return Ok((0..names.len()).map(|i| (i, None)).collect());
    };
    let position: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut out = Vec::new();
    let mut absent = Vec::new();
    let mut want = |name: &str, how: Want, required: bool| match position.get(name) {
        Some(&i) => out.push((i, Some(how))),
        None if required => absent.push(name.to_owned()),
        None => {}
    };
    if let Some(id) = &schema.id {
        want(id, Want::Raw, true);
    }
    if let Some(target) = &schema.target {
        want(
            &target.column,
            Want::Kind(ColumnKind::Categorical),
            options.require_target,
        );
    }
    for feature in &schema.features {
        want(&feature.name, Want::Kind(feature.kind), true);
    }
    if absent.is_empty() {
        Ok(out)
    } else {
        Err(IngestError::MissingColumns { names: absent })
    }
}
