//! The tokenizers' output: the records of one slice of the input, stored column by column.

use std::borrow::Cow;

use super::ragged::Ragged;

/// A field: a byte range of [`TokenChunk::data`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

/// Largest input slice one chunk may cover (spans are `u32`).
pub(crate) const MAX_CHUNK_BYTES: usize = 1 << 30;

/// The records of one slice of the input, stored column by column.
#[derive(Debug)]
pub(crate) struct TokenChunk<'a> {
    pub(super) data: Cow<'a, [u8]>,
    /// `columns[c][r]`: field `c` of record `r`.
    pub(super) columns: Vec<Vec<Span>>,
    /// Physical line on which each record starts.
    pub(crate) lines: Vec<u64>,
}

impl TokenChunk<'_> {
    /// Number of records.
    pub(crate) fn n_rows(&self) -> usize {
        self.lines.len()
    }

    /// The bytes of field `col` of record `row`.
    pub(crate) fn field(&self, col: usize, row: usize) -> &[u8] {
        let s = self.columns[col][row];
        &self.data[s.start as usize..(s.start + s.len) as usize]
    }

    /// Iterates over the fields of one column with their line numbers.
    pub(crate) fn column(&self, col: usize) -> impl Iterator<Item = (&[u8], u64)> + '_ {
        self.columns[col].iter().zip(&self.lines).map(|(s, &line)| {
            (
                &self.data[s.start as usize..(s.start + s.len) as usize],
                line,
            )
        })
    }

    /// Adds `offset` to every line number (chunks are tokenized with lines relative to their
    /// own start, then placed).
    pub(crate) fn shift_lines(&mut self, offset: u64) {
        for l in &mut self.lines {
            *l += offset;
        }
    }
}

/// What one call to [`tokenize`](super::tokenize) produced.
#[derive(Debug)]
pub(crate) struct Tokenized<'a> {
    pub(crate) chunk: TokenChunk<'a>,
    /// Bytes of the input that were consumed (complete records and blank lines).
    pub(crate) consumed: usize,
    /// Physical lines consumed.
    pub(crate) lines_consumed: u64,
    pub(crate) ragged: Ragged,
}

/// One empty list of spans per column.
pub(super) fn new_columns(n_cols: usize, capacity: usize) -> Vec<Vec<Span>> {
    (0..n_cols).map(|_| Vec::with_capacity(capacity)).collect()
}

/// The span of bytes `start..end`.
#[inline]
pub(super) fn span(start: usize, end: usize) -> Span {
    Span {
        start: start as u32,
        len: (end - start) as u32,
    }
}
