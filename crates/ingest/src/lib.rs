//! # pdscore-ingest
//!
//! Everything that turns bytes on disk into a typed, validated [`Table`]:
//!
//! - [`read_csv`] reads a whole CSV input (path or bytes) into a [`Table`]; [`CsvChunks`]
//!   streams a large file in batches of rows in constant memory. Both detect the delimiter,
//!   handle quoted fields, CRLF and a BOM, and report every problem they find at once with
//!   line, column and value ([`IngestError`]).
//! - [`Table`], [`Column`] and [`ColumnData`]: the in-memory data model every other pdscore crate
//!   reads. Numeric columns are `Vec<f64>` with `NaN` for missing, categorical columns are
//!   dictionary-encoded ([`CategoricalColumn`]), booleans are `Option<bool>`.
//! - [`Schema`]: the role of each column (id, target, feature) and the kind of each feature
//!   ([`ColumnKind`]), inferred from the data ([`Schema::infer`]) or declared (the built-in
//!   [`Schema::klarna`]).
//! - [`labels`]: the target column as `Option<bool>` per row, with the checks training needs.
//! - [`table_from_record_batch`] and [`table_to_record_batch`]: Arrow record batches (arrow-rs)
//!   in and out, by the same cell rules as CSV; the Python bindings and Parquet go through them.
//! - [`synth`]: synthetic data in the original Klarna file format, seeded.
//! - `ParquetChunks`, `ParquetTableWriter` and `write_parquet` (cargo feature `parquet`, on by
//!   default): Parquet files streamed batch by batch in constant memory and written, through
//!   arrow-rs, by the same rules as Arrow batches.
//! - `table_from_polars` (cargo feature `polars`, off by default: it builds polars): a polars
//!   `DataFrame` into the same [`Table`], by the same rules as Arrow batches.
//!
//! ## Parsing rules
//! - Missing: the tokens of [`DEFAULT_MISSING_TOKENS`] (configurable), an empty cell, and a
//!   literal `NaN` in a numeric column. Cells are trimmed of ASCII whitespace.
//! - Numbers: anything `fast-float2` reads (`5e+05`, `-1.5`, `1e308`). Infinities (`inf`,
//!   `-inf`, or an overflow such as `1e309`) are rejected as bad values naming line and column.
//! - Booleans: `True/False` in any case, `1/0`.
//! - Categorical cells that are integers written with a zero fraction are canonicalised (`1.0`
//!   reads as level `1`), so a pandas-rewritten file and the original agree.
//!
//! ## How a read goes
//! Most files are *regular*: no quote character, and every line a record with the header's
//! number of fields. Those take a fast path (module `csv::regular`): the body is cut into parts of
//! 512 KiB parsed in parallel, fields are found 64 bytes at a time, and each column is
//! converted in one typed loop straight into its final array (short numbers, flags and short or
//! repeated categorical cells through small per-column caches). Anything else (quotes, blank
//! lines, ragged rows) takes the general path, which gives the same table and the same errors
//! (property tests compare the two). [`CsvChunks`] batches take the fast path too once the
//! kinds are fixed.
//!
//! This crate knows nothing of models: `pdscore-features` turns its tables into matrices.
//!
//! ```
//! use pdscore_ingest::{ReadOptions, Schema, read_csv};
//! let csv = "a;b\n1;x\n2;y\n";
//! let table = read_csv(csv.as_bytes(), &ReadOptions::new())?;
//! let schema = Schema::infer(&table, None, None)?;
//! assert_eq!(schema.features.len(), 2);
//! # Ok::<(), pdscore_ingest::IngestError>(())
//! ```

mod arrow;
mod csv;
mod error;
pub mod labels;
mod levels;
#[cfg(feature = "parquet")]
mod parquet_file;
#[cfg(feature = "polars")]
mod polars;
mod schema;
pub mod synth;
mod table;
mod typed;

/// The arrow-rs Parquet crate this crate reads and writes with, re-exported so callers use the
/// same version (feature `parquet`).
#[cfg(feature = "parquet")]
pub use ::parquet;
pub use arrow::{arrow_type, column_to_array, table_from_record_batch, table_to_record_batch};
pub use csv::{
    CsvChunks, CsvRead, CsvSource, DEFAULT_MISSING_TOKENS, ReadOptions, TableChunk,
    canonical_level, read_csv, read_csv_with_report,
};
pub use error::{
    BadCell, IngestError, IngestWarning, MAX_EXAMPLES, MAX_HEADER_FIELDS, MAX_LISTED_NAME_CHARS,
    listed_name,
};
pub use levels::{Levels, LevelsIter};
#[cfg(feature = "parquet")]
pub use parquet_file::{ParquetChunks, ParquetTableWriter, is_parquet_path, write_parquet};
#[cfg(feature = "polars")]
pub use polars::table_from_polars;
pub use schema::{FeatureSpec, KLARNA_COLUMNS, Schema, TargetSpec};
pub use table::{CategoricalColumn, Column, ColumnData, ColumnKind, MISSING_CODE, Table};
/// The arrow-rs crates this crate's Arrow API speaks, re-exported so callers use the same
/// versions.
pub use {arrow_array, arrow_schema};
