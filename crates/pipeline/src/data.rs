//! Labelled data for training: the rows with a label, their labels, and the fingerprint of the
//! input that the model card records.

use pdscore_ingest::labels::{labels, require_positives};
use pdscore_ingest::{ColumnData, Schema, Table};
use serde::{Deserialize, Serialize};

use crate::error::{PipelineError, Result};

/// What the model card records about the training input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFingerprint {
    /// Rows in the input (labelled and unlabelled).
    pub rows: usize,
    /// Rows with a label (the rows used for training).
    pub labelled_rows: usize,
    /// Labelled rows whose label is the positive value.
    pub positives: usize,
    /// SHA-256 of the input bytes, when the caller read them from a file.
    pub sha256: Option<String>,
}

/// The labelled rows of a table, ready for cross-validation and fitting.
#[derive(Debug, Clone)]
pub struct LabelledData {
    /// Only the labelled rows, in input order.
    pub table: Table,
    /// The label of each row of `table` (`true` = positive).
    pub y: Vec<bool>,
    /// The schema (with its target).
    pub schema: Schema,
    /// For each row of `table`, its row index in the input table.
    pub labelled_rows: Vec<usize>,
    /// Rows of the input table without a label (to score), in input order.
    pub unlabelled_rows: Vec<usize>,
    /// Counts (and the input checksum when given) for the model card.
    pub fingerprint: DataFingerprint,
}

impl LabelledData {
    /// Splits `table` into labelled rows and unlabelled rows using the schema's target.
    ///
    /// # Errors
    /// [`PipelineError::NoTarget`] when the schema has no target; the label errors of
    /// `pdscore_ingest::labels` (target not binary, positive value unknown, no positive rows).
    pub fn new(table: &Table, schema: &Schema, input_sha256: Option<String>) -> Result<Self> {
        let target = schema
            .target
            .as_ref()
            .ok_or_else(|| PipelineError::NoTarget("the schema names no target column".into()))?;
        let labels = labels(table, target)?;
        let positives = require_positives(&labels, target)?;
        let mut rows = Vec::with_capacity(labels.len());
        let mut y = Vec::with_capacity(labels.len());
        let mut unlabelled_rows = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            match label {
                Some(v) => {
                    rows.push(i);
                    y.push(*v);
                }
                None => unlabelled_rows.push(i),
            }
        }
        // Record the positive value that was detected, so that scoring a file whose labelled
        // rows hold one class only still reads the labels the same way.
        let mut schema = schema.clone();
        if let (Some(t), Some(first)) = (
            schema.target.as_mut(),
            labels.iter().position(|l| *l == Some(true)),
        ) && t.positive.is_none()
        {
            t.positive = table
                .column(&t.column)
                .and_then(|c| cell_text(&c.data, first));
        }
        Ok(LabelledData {
            table: take_rows(table, &rows),
            fingerprint: DataFingerprint {
                rows: table.n_rows(),
                labelled_rows: y.len(),
                positives,
                sha256: input_sha256,
            },
            y,
            schema,
            labelled_rows: rows,
            unlabelled_rows,
        })
    }

    /// Number of labelled rows.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// True when there is no labelled row.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// A new table with the given rows of `table`, in the given order (repeats allowed).
/// Categorical columns keep their dictionary.
///
/// # Panics
/// Panics when a row index is out of bounds (callers pass indices they computed from the
/// table).
pub fn take_rows(table: &Table, rows: &[usize]) -> Table {
    table.take_rows(rows)
}

/// The id of each row as text: the `id` column's cells when the table has it (numbers without
/// a trailing `.0` when integral, an empty string for a missing cell), otherwise the row number
/// counted from `first_row`.
pub fn row_ids(table: &Table, id: Option<&str>, first_row: u64) -> Vec<String> {
    let column = id.and_then(|name| table.column(name));
    match column.map(|c| &c.data) {
        Some(ColumnData::Categorical(cat)) => (0..cat.codes.len())
            .map(|r| cat.value(r).unwrap_or("").to_owned())
            .collect(),
        Some(ColumnData::Numeric(v)) => v.iter().map(|&x| format_number(x)).collect(),
        Some(ColumnData::Boolean(v)) => v
            .iter()
            .map(|b| b.map_or(String::new(), |b| b.to_string()))
            .collect(),
        None => (0..table.n_rows() as u64)
            .map(|r| (first_row + r).to_string())
            .collect(),
    }
}

/// The text of one cell (`None` when missing).
fn cell_text(data: &ColumnData, row: usize) -> Option<String> {
    match data {
        ColumnData::Categorical(cat) => cat.value(row).map(str::to_owned),
        ColumnData::Numeric(v) => (!v[row].is_nan()).then(|| format_number(v[row])),
        ColumnData::Boolean(v) => v[row].map(|b| b.to_string()),
    }
}

fn format_number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdscore_ingest::{CategoricalColumn, Column, TargetSpec};

    fn table() -> Table {
        Table::new(vec![
            Column {
                name: "id".into(),
                data: ColumnData::Numeric(vec![10.0, 11.0, 12.0, 13.0]),
            },
            Column {
                name: "x".into(),
                data: ColumnData::Categorical(CategoricalColumn::from_values(&[
                    Some("a"),
                    None,
                    Some("b"),
                    Some("a"),
                ])),
            },
            Column {
                name: "default".into(),
                data: ColumnData::Numeric(vec![1.0, 0.0, f64::NAN, 0.0]),
            },
        ])
        .unwrap()
    }

    fn schema() -> Schema {
        Schema {
            id: Some("id".into()),
            target: Some(TargetSpec {
                column: "default".into(),
                positive: None,
            }),
            features: vec![pdscore_ingest::FeatureSpec {
                name: "x".into(),
                kind: pdscore_ingest::ColumnKind::Categorical,
            }],
        }
    }

    #[test]
    fn splits_labelled_and_unlabelled_rows() {
        let data = LabelledData::new(&table(), &schema(), None).unwrap();
        assert_eq!(data.y, vec![true, false, false]);
        assert_eq!(data.unlabelled_rows, vec![2]);
        assert_eq!(data.fingerprint.positives, 1);
        assert_eq!(data.fingerprint.rows, 4);
        let target = data.schema.target.as_ref().unwrap();
        assert_eq!(target.positive.as_deref(), Some("1"));
        assert_eq!(row_ids(&data.table, Some("id"), 0), ["10", "11", "13"]);
    }

    #[test]
    fn take_rows_keeps_values_and_missing_cells() {
        let t = take_rows(&table(), &[3, 1, 1]);
        let ColumnData::Categorical(cat) = &t.column("x").unwrap().data else {
            panic!("kind changed")
        };
        assert_eq!(cat.value(0), Some("a"));
        assert_eq!(cat.value(1), None);
        assert_eq!(t.n_rows(), 3);
    }

    #[test]
    fn ids_fall_back_to_row_numbers() {
        assert_eq!(row_ids(&table(), None, 100), ["100", "101", "102", "103"]);
    }

    #[test]
    fn no_target_is_an_error() {
        let mut s = schema();
        s.target = None;
        assert!(matches!(
            LabelledData::new(&table(), &s, None),
            Err(PipelineError::NoTarget(_))
        ));
    }
}
