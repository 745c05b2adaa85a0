//! Turning fields into typed columns: the cell rules both paths share (numbers, booleans,
//! categorical levels, missing tokens), kind inference, and the general path's column
//! builders and their join.

mod bad;
mod builder;
mod cells;
mod fx;
mod infer;
mod merge;
mod missing;

pub(crate) use bad::BadCollector;
pub(crate) use builder::{ColumnBuilder, PartialColumn, convert_chunk_column};
pub use cells::canonical_level;
pub(crate) use cells::{parse_bool, parse_number, short_eq};
pub(crate) use infer::KindFacts;
pub(crate) use merge::merge_column;
pub(crate) use missing::MissingTokens;
