//! Reading Parquet files (cargo feature `parquet`, through polars).

use std::fs::File;
use std::path::Path;

use polars::prelude::{DataType, ParquetReader, PolarsError, SerReader};

use crate::error::IngestError;
use crate::table::{CategoricalColumn, Column, ColumnData, Table};

fn polars_error(e: PolarsError) -> IngestError {
    IngestError::Parquet {
        message: e.to_string(),
    }
}

/// Reads a Parquet file into a [`Table`]: numeric columns (integers and floats) become
/// [`ColumnData::Numeric`] (nulls and NaN are missing, infinities are an error like in CSV),
/// booleans [`ColumnData::Boolean`], strings [`ColumnData::Categorical`]. Other types are an
/// [`IngestError::Parquet`] naming the column.
pub fn read_parquet(path: impl AsRef<Path>) -> Result<Table, IngestError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let frame = ParquetReader::new(file).finish().map_err(polars_error)?;
    let mut columns = Vec::with_capacity(frame.width());
    for column in frame.columns() {
        let name = column.name().to_string();
        let dtype = column.dtype();
        let data = if dtype.is_primitive_numeric() {
            let values = column.cast(&DataType::Float64).map_err(polars_error)?;
            let values: Vec<f64> = values
                .f64()
                .map_err(polars_error)?
                .iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect();
            if let Some(row) = values.iter().position(|v| v.is_infinite()) {
                return Err(IngestError::Parquet {
                    message: format!("column `{name}` row {row}: infinite value"),
                });
            }
            ColumnData::Numeric(values)
        } else if *dtype == DataType::Boolean {
            ColumnData::Boolean(column.bool().map_err(polars_error)?.iter().collect())
        } else if *dtype == DataType::String {
            let values: Vec<Option<&str>> = column.str().map_err(polars_error)?.iter().collect();
            ColumnData::Categorical(CategoricalColumn::from_values(&values))
        } else {
            return Err(IngestError::Parquet {
                message: format!("column `{name}` has unsupported type {dtype}"),
            });
        };
        columns.push(Column { name, data });
    }
    Table::new(columns).map_err(|message| IngestError::Parquet { message })
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{DataFrame, NamedFrom, ParquetWriter, Series};

    #[test]
    fn round_trip_through_a_parquet_file() {
        let mut frame = DataFrame::new_infer_height(vec![
            Series::new("age".into(), &[Some(31i64), None, Some(40)]).into(),
            Series::new("span".into(), &[1.5f64, f64::NAN, 2.0]).into(),
            Series::new("paid".into(), &[Some(true), Some(false), None]).into(),
            Series::new("group".into(), &[Some("a"), None, Some("a")]).into(),
        ])
        .expect("frame");
        let dir = std::env::temp_dir().join(format!("pdscore-parquet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("t.parquet");
        ParquetWriter::new(File::create(&path).expect("create"))
            .finish(&mut frame)
            .expect("write");
        let table = read_parquet(&path).expect("read");
        std::fs::remove_dir_all(&dir).ok();
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
            ColumnData::Categorical(c) => assert_eq!(c.dictionary, ["a"]),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            read_parquet(dir.join("missing.parquet")),
            Err(IngestError::Io { .. })
        ));
    }
}
