//! An Arrow [`RecordBatch`] into a [`Table`].

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;

use crate::csv::{MissingTokens, ReadOptions};
use crate::error::IngestError;
use crate::table::{Column, ColumnKind, Table};
use crate::typed::{
    Cells, Want, all_missing, check_duplicates, from_bools, from_floats, from_integers, from_strs,
    plan,
};

/// Reads an Arrow record batch into a [`Table`] by the cell rules of CSV: every integer and
/// float width is numeric (null and `NaN` missing, an infinity an [`IngestError::BadValueAt`]
/// naming column and row), `Boolean` boolean, `Utf8`/`LargeUtf8`/`Utf8View` and dictionaries
/// of them categorical (trimmed, missing tokens, `1.0` is level `1`), `Null` all missing; any
/// other type is an [`IngestError::UnsupportedType`] naming the column.
///
/// With a schema in `options` ([`ReadOptions::schema`]), the table has the schema's columns in
/// schema order (id, target when present or required, features), each read as the kind the
/// schema declares; columns the schema does not mention are ignored, and required columns that
/// are absent are one [`IngestError::MissingColumns`]. Without one, every column is kept with
/// the kind its type gives. `first_row` is the row number of the batch's first row in the
/// whole input, so that errors name rows of the input, not of the batch.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
/// use pdscore_ingest::{ColumnData, ReadOptions, table_from_record_batch};
///
/// let batch = RecordBatch::try_from_iter([
///     ("age", Arc::new(Float64Array::from(vec![Some(31.0), None])) as ArrayRef),
///     ("group", Arc::new(StringArray::from(vec![Some("a"), Some("1.0")])) as ArrayRef),
/// ])?;
/// let table = table_from_record_batch(&batch, &ReadOptions::new(), 0)?;
/// assert!(matches!(&table.column("age").unwrap().data, ColumnData::Numeric(v) if v[1].is_nan()));
/// match &table.column("group").unwrap().data {
///     ColumnData::Categorical(c) => assert_eq!(c.value(1), Some("1")), // as in CSV
///     _ => unreachable!(),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn table_from_record_batch(
    batch: &RecordBatch,
    options: &ReadOptions,
    first_row: u64,
) -> Result<Table, IngestError> {
    options.check()?;
    let schema = batch.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    check_duplicates(&names)?;
    let missing = MissingTokens::new(&options.missing_tokens);
    let plan = plan(&names, options)?;
    let mut columns = Vec::with_capacity(plan.len());
    for (index, want) in plan {
        let cells = Cells {
            column: names[index],
            first_row,
            missing: &missing,
        };
        let array = batch.column(index);
        let want = want.unwrap_or_else(|| Want::Kind(natural_kind(array.data_type())));
        let data = convert(&cells, want, array.as_ref())?;
        columns.push(Column {
            name: names[index].to_owned(),
            data,
        });
    }
    Table::new(columns).map_err(|reason| IngestError::InvalidOptions { reason })
}

/// The kind a column gets from its type when no schema says otherwise.
fn natural_kind(data_type: &DataType) -> ColumnKind {
    match data_type {
        DataType::Boolean => ColumnKind::Boolean,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..) => {
            ColumnKind::Categorical
        }
        _ => ColumnKind::Numeric,
    }
}

/// One batch column into the cells of the output column.
fn convert(
    cells: &Cells<'_>,
    want: Want,
    array: &dyn Array,
) -> Result<crate::table::ColumnData, IngestError> {
    macro_rules! ints {
        ($t:ty) => {
            from_integers(
                cells,
                want,
                array.as_primitive::<$t>().iter().map(|v| v.map(i128::from)),
            )
        };
    }
    macro_rules! floats {
        ($t:ty) => {
            from_floats(
                cells,
                want,
                array.as_primitive::<$t>().iter().map(|v| v.map(f64::from)),
            )
        };
    }
    let unsupported = || IngestError::UnsupportedType {
        column: cells.column.to_owned(),
        data_type: array.data_type().to_string(),
        kind: None,
    };
    match array.data_type() {
        DataType::Null => Ok(all_missing(want, array.len())),
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::UInt8 => ints!(UInt8Type),
        DataType::UInt16 => ints!(UInt16Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt64 => ints!(UInt64Type),
        DataType::Float16 => floats!(Float16Type),
        DataType::Float32 => floats!(Float32Type),
        DataType::Float64 => floats!(Float64Type),
        DataType::Boolean => from_bools(
            cells,
            want,
            || array.data_type().to_string(),
            array.as_boolean().iter(),
        ),
        DataType::Utf8 => from_strs(cells, want, array.as_string::<i32>().iter()),
        DataType::LargeUtf8 => from_strs(cells, want, array.as_string::<i64>().iter()),
        DataType::Utf8View => from_strs(cells, want, array.as_string_view().iter()),
        DataType::Dictionary(_, value_type)
            if matches!(
                value_type.as_ref(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            ) =>
        {
            let dictionary = array.as_any_dictionary();
            let values = dictionary.values();
            let entries: Vec<Option<&str>> = match value_type.as_ref() {
                DataType::Utf8 => values.as_string::<i32>().iter().collect(),
                DataType::LargeUtf8 => values.as_string::<i64>().iter().collect(),
                _ => values.as_string_view().iter().collect(),
            };
            let keys = dictionary.normalized_keys();
            let nulls = dictionary.keys().logical_nulls();
            let cell = |row: usize| {
                if nulls.as_ref().is_some_and(|n| n.is_null(row)) {
                    None
                } else {
                    entries.get(keys[row]).copied().flatten()
                }
            };
            from_strs(cells, want, (0..array.len()).map(cell))
        }
        _ => Err(unsupported()),
    }
}
