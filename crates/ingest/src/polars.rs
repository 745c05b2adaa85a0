//! A polars [`DataFrame`] into a [`Table`] (cargo feature `polars`), by the same cell rules as
//! Arrow record batches and CSV (see the `typed` module of this crate).

use polars::prelude::{Column as PolarsColumn, DataFrame, DataType, PolarsError};

use crate::csv::{MissingTokens, ReadOptions};
use crate::error::IngestError;
use crate::table::{Column, ColumnKind, Table};
use crate::typed::{
    Cells, Want, all_missing, check_duplicates, from_bools, from_floats, from_integers, from_strs,
    plan,
};

fn polars_error(column: &str, e: PolarsError) -> IngestError {
    IngestError::UnsupportedType {
        column: column.to_owned(),
        data_type: e.to_string(),
        kind: None,
    }
}

/// Reads a polars data frame into a [`Table`]: integer and float columns become numeric (null
/// and `NaN` missing, an infinity an [`IngestError::BadValueAt`] naming column and row),
/// booleans boolean, strings categorical (by the CSV rules: trimmed,
/// missing tokens, `1.0` is level `1`); an all-null column is all missing; any other type is an
/// [`IngestError::UnsupportedType`] naming the column. With a schema in `options`, the schema's
/// columns are read in schema order as the kinds it declares, exactly as
/// [`table_from_record_batch`](crate::table_from_record_batch) does.
///
/// ```
/// use polars::prelude::{DataFrame, NamedFrom, Series};
/// use pdscore_ingest::{ColumnData, ReadOptions, table_from_polars};
/// let frame = DataFrame::new_infer_height(vec![
///     Series::new("age".into(), &[Some(31i64), None]).into(),
/// ])?;
/// let table = table_from_polars(&frame, &ReadOptions::new())?;
/// assert!(matches!(&table.column("age").unwrap().data, ColumnData::Numeric(v) if v[1].is_nan()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn table_from_polars(frame: &DataFrame, options: &ReadOptions) -> Result<Table, IngestError> {
    options.check()?;
    let names: Vec<&str> = frame.columns().iter().map(|c| c.name().as_str()).collect();
    check_duplicates(&names)?;
    let missing = MissingTokens::new(&options.missing_tokens);
    let mut columns = Vec::new();
    for (index, want) in plan(&names, options)? {
        let column = &frame.columns()[index];
        let cells = Cells {
            column: names[index],
            first_row: 0,
            missing: &missing,
        };
        let want = want.unwrap_or_else(|| Want::Kind(natural_kind(column.dtype())));
        columns.push(Column {
            name: names[index].to_owned(),
            data: convert(&cells, want, column)?,
        });
    }
    Table::new(columns).map_err(|reason| IngestError::InvalidOptions { reason })
}

/// The kind a column gets from its type when no schema says otherwise.
fn natural_kind(dtype: &DataType) -> ColumnKind {
    match dtype {
        DataType::Boolean => ColumnKind::Boolean,
        DataType::String => ColumnKind::Categorical,
        _ => ColumnKind::Numeric,
    }
}

fn convert(
    cells: &Cells<'_>,
    want: Want,
    column: &PolarsColumn,
) -> Result<crate::table::ColumnData, IngestError> {
    let fail = |e| polars_error(cells.column, e);
    let dtype = column.dtype();
    if dtype.is_integer() {
        let values = column.cast(&DataType::Int64).map_err(fail)?;
        let values = values.i64().map_err(fail)?;
        from_integers(cells, want, values.iter().map(|v| v.map(i128::from)))
    } else if dtype.is_float() {
        let values = column.cast(&DataType::Float64).map_err(fail)?;
        from_floats(cells, want, values.f64().map_err(fail)?.iter())
    } else if *dtype == DataType::Boolean {
        from_bools(
            cells,
            want,
            || dtype.to_string(),
            column.bool().map_err(fail)?.iter(),
        )
    } else if *dtype == DataType::String {
        from_strs(cells, want, column.str().map_err(fail)?.iter())
    } else if *dtype == DataType::Null {
        Ok(all_missing(want, column.len()))
    } else {
        Err(IngestError::UnsupportedType {
            column: cells.column.to_owned(),
            data_type: dtype.to_string(),
            kind: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ColumnData, FeatureSpec, Schema};
    use polars::prelude::{NamedFrom, Series};

    fn frame() -> DataFrame {
        DataFrame::new_infer_height(vec![
            Series::new("age".into(), &[Some(31i64), None, Some(40)]).into(),
            Series::new("span".into(), &[1.5f64, f64::NAN, 2.0]).into(),
            Series::new("paid".into(), &[Some(true), Some(false), None]).into(),
            Series::new("group".into(), &[Some("a"), None, Some("1.0")]).into(),
        ])
        .expect("frame")
    }

    #[test]
    fn reads_each_kind_by_the_csv_rules() {
        let table = table_from_polars(&frame(), &ReadOptions::new()).expect("read");
        assert_eq!(table.n_rows(), 3);
        match &table.column("age").expect("age").data {
            ColumnData::Numeric(v) => {
                assert_eq!(v[0], 31.0);
                assert!(v[1].is_nan());
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            table.column("paid").map(|c| &c.data),
            Some(&ColumnData::Boolean(vec![Some(true), Some(false), None]))
        );
        match &table.column("group").expect("group").data {
            ColumnData::Categorical(c) => assert_eq!(c.dictionary, ["a", "1"]),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn agrees_with_the_arrow_reader_under_a_schema() {
        let schema = Schema {
            id: None,
            target: None,
            features: vec![
                FeatureSpec {
                    name: "group".into(),
                    kind: ColumnKind::Categorical,
                },
                FeatureSpec {
                    name: "age".into(),
                    kind: ColumnKind::Categorical,
                },
            ],
        };
        let options = ReadOptions::new().schema(schema);
        let table = table_from_polars(&frame(), &options).expect("read");
        let names: Vec<&str> = table.column_names().collect();
        assert_eq!(names, ["group", "age"]);
        match &table.column("age").expect("age").data {
            ColumnData::Categorical(c) => assert_eq!(c.value(2), Some("40")),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_infinity_or_an_odd_type_names_the_column() {
        let inf = DataFrame::new_infer_height(vec![
            Series::new("x".into(), &[1.0f64, f64::INFINITY]).into(),
        ])
        .expect("frame");
        assert!(matches!(
            table_from_polars(&inf, &ReadOptions::new()),
            Err(IngestError::BadValueAt { column, row: 1, .. }) if column == "x"
        ));
        let nested = DataFrame::new_infer_height(vec![
            Series::new("l".into(), [Series::new("".into(), &[1i64])].as_slice()).into(),
        ])
        .expect("frame");
        assert!(matches!(
            table_from_polars(&nested, &ReadOptions::new()),
            Err(IngestError::UnsupportedType { column, .. }) if column == "l"
        ));
    }
}
