//! Reading CSV into a [`Table`](crate::Table).

mod convert;
mod read;
mod regular;
mod tokenize;

pub use convert::canonical_level;
pub use read::{
    CsvChunks, CsvRead, CsvSource, DEFAULT_MISSING_TOKENS, ReadOptions, TableChunk, read_csv,
    read_csv_with_report,
};
