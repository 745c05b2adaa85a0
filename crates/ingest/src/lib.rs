//! # pdscore-ingest
//!
//! Everything that turns bytes on disk into a typed, validated [`Table`]:
//!
//! - [`Table`], [`Column`] and [`ColumnData`]: the in-memory data model every other pdscore crate
//!   reads. Numeric columns are `Vec<f64>` with `NaN` for missing, categorical columns are
//!   dictionary-encoded ([`CategoricalColumn`]), booleans are `Option<bool>`.
//! - [`Schema`]: the role of each column (id, target, feature) and the kind of each feature
//!   ([`ColumnKind`]), inferred from the data or declared (the built-in Klarna schema).
//!
//! This crate knows nothing of models: `pdscore-features` turns its tables into matrices.

mod schema;
mod table;

pub use schema::{ColumnKind, FeatureSpec, Schema, TargetSpec};
pub use table::{CategoricalColumn, Column, ColumnData, MISSING_CODE, Table};
