//! Arrow record batches (arrow-rs) in and out of a [`Table`](crate::Table).
//!
//! [`table_from_record_batch`] reads a batch by the same cell rules as CSV (see the
//! `typed` module of this crate): numeric columns of every integer and float width become
//! [`ColumnData::Numeric`](crate::ColumnData::Numeric) (null and `NaN` are missing, an infinity
//! is an [`IngestError::BadValueAt`](crate::IngestError::BadValueAt) naming column and row);
//! `Boolean` becomes boolean; `Utf8`, `LargeUtf8`, `Utf8View` and dictionaries of them become
//! categorical; an all-null (`Null`) column is all missing. Any other type is an
//! [`IngestError::UnsupportedType`](crate::IngestError::UnsupportedType) naming the column.
//!
//! With a schema, each column is read as the kind the schema declares whatever its Arrow type,
//! where that makes sense: a string column declared numeric is parsed like a CSV cell, an
//! integer status code declared categorical becomes the level `3` (as `3.0` would in CSV), a
//! `0/1` integer column declared boolean becomes booleans. So a batch of a Parquet file written
//! by pandas from a CSV scores exactly as that CSV does.
//!
//! [`table_to_record_batch`] writes a table back: `Float64` (missing as null), `Boolean`,
//! `Utf8`.

mod read;
#[cfg(test)]
mod tests;
mod write;

pub use read::table_from_record_batch;
pub use write::{arrow_type, column_to_array, table_to_record_batch};
