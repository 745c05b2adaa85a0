//! A [`Table`] into an Arrow [`RecordBatch`].

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema as ArrowSchema};

use crate::table::{ColumnData, Table};

/// The Arrow type each kind of column is written as: `Float64`, `Boolean` and `Utf8`.
pub fn arrow_type(data: &ColumnData) -> DataType {
    match data {
        ColumnData::Numeric(_) => DataType::Float64,
        ColumnData::Boolean(_) => DataType::Boolean,
        ColumnData::Categorical(_) => DataType::Utf8,
    }
}

/// One column's cells as an Arrow array: numeric `NaN` and every missing cell become nulls.
pub fn column_to_array(data: &ColumnData) -> ArrayRef {
    match data {
        ColumnData::Numeric(v) => Arc::new(
            v.iter()
                .map(|&x| (!x.is_nan()).then_some(x))
                .collect::<Float64Array>(),
        ),
        ColumnData::Boolean(v) => Arc::new(v.iter().copied().collect::<BooleanArray>()),
        ColumnData::Categorical(c) => Arc::new(
            (0..c.codes.len())
                .map(|row| c.value(row))
                .collect::<StringArray>(),
        ),
    }
}

/// Writes a [`Table`] as one record batch: numeric columns as nullable `Float64` (`NaN` ->
/// null), booleans as `Boolean`, categorical columns as `Utf8`. Reading the batch back with
/// [`table_from_record_batch`](crate::table_from_record_batch) and no schema gives the same
/// table (levels that CSV rules would rewrite, such as `1.0` or a missing token, excepted).
///
/// ```
/// use pdscore_ingest::{Column, ColumnData, ReadOptions, Table, table_from_record_batch, table_to_record_batch};
/// let table = Table::new(vec![Column { name: "x".into(), data: ColumnData::Numeric(vec![1.5, f64::NAN]) }]).unwrap();
/// let batch = table_to_record_batch(&table)?;
/// assert_eq!(batch.column(0).null_count(), 1);
/// let back = table_from_record_batch(&batch, &ReadOptions::new(), 0)?;
/// assert_eq!(back.column("x").unwrap().data.missing_count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Only when Arrow refuses the batch (it does not for a valid table).
pub fn table_to_record_batch(table: &Table) -> Result<RecordBatch, ArrowError> {
    let fields: Vec<Field> = table
        .columns()
        .iter()
        .map(|c| Field::new(c.name.clone(), arrow_type(&c.data), true))
        .collect();
    let arrays: Vec<ArrayRef> = table
        .columns()
        .iter()
        .map(|c| column_to_array(&c.data))
        .collect();
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(table.n_rows()));
    RecordBatch::try_new_with_options(Arc::new(ArrowSchema::new(fields)), arrays, &options)
}
