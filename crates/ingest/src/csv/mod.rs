//! Reading CSV into a [`Table`](crate::Table): a whole input with [`read_csv`], a stream in
//! batches of rows with [`CsvChunks`].
//!
//! A read goes by stages, one module each:
//! - [`options`]: where the bytes come from ([`CsvSource`]) and how to read them
//!   ([`ReadOptions`]).
//! - [`header`]: a BOM stripped, leading blank lines skipped, the header's names read.
//! - [`plan`]: from the names and the options, which file column feeds each output column and
//!   how (as a kind, as raw text for the id, or with a kind still to infer).
//! - [`tokenize`]: the records and fields of a body; the delimiter; a body cut into parts after
//!   line ends.
//! - [`convert`]: the cell rules both paths share (numbers, booleans, levels, missing tokens),
//!   kind inference, and the general path's column builders.
//! - [`regular`]: the fast path, for regular bodies (no quote, every line a whole record), which
//!   most files are.
//! - [`general`]: the general path, for every other body (quotes, blank lines, ragged rows),
//!   with the same table and the same errors on the bodies both take (`tests` checks this).
//! - [`read`]: the whole-input entry points, which choose the path; [`chunks`]: the streaming
//!   reader, which takes the fast path batch by batch once the kinds are fixed.
//!
//! Imports point one way, down this list and never back: `options` and `tokenize` use no other
//! stage; `header` and `convert` use `tokenize`; `plan` uses `options` and `convert`; `regular`
//! and `general` use `plan`, `convert` and `tokenize`, and not each other; `read` and `chunks`
//! use the stages, and not each other.

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
pub(crate) use convert::{MissingTokens, parse_bool, parse_number};
pub use options::{CsvSource, DEFAULT_MISSING_TOKENS, ReadOptions};
pub use read::{CsvRead, read_csv, read_csv_with_report};
