//! Reading CSV into a [`Table`](crate::Table).

mod chunks;
mod convert;
mod general;
mod header;
mod options;
mod plan;
mod read;
mod regular;
#[cfg(test)]
mod tests;
mod tokenize;

pub use chunks::{CsvChunks, TableChunk};
pub use convert::canonical_level;
pub use options::{CsvSource, DEFAULT_MISSING_TOKENS, ReadOptions};
pub use read::{CsvRead, read_csv, read_csv_with_report};
