//! The general path: every body the regular fast path declines (quotes, blank lines, ragged
//! rows), read with the same table and the same errors as that path gives.

mod parts;
mod plain;
mod tokenized;

pub(crate) use plain::read_plain_general;
pub(crate) use tokenized::{build_table, tokenize_parallel, tokenize_sequential};
