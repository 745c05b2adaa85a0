//! The general path's column builders: one column of one chunk, cell by cell.

use super::bad::BadCollector;
use super::cells::{canonical_level, parse_bool, parse_number, short_eq, trim};
use super::fx::FxMap;
use super::missing::MissingTokens;
use crate::csv::tokenize::TokenChunk;
use crate::levels::Levels;
use crate::table::{ColumnKind, MISSING_CODE};

/// Dictionaries up to this size are searched linearly.
const SMALL_DICTIONARY: usize = 16;

/// One column's cells from one chunk, typed.
#[derive(Debug)]
pub(crate) enum Partial {
    Numeric(Vec<f64>),
    Boolean(Vec<Option<bool>>),
    /// Local dictionary (first appearance in the chunk) and codes into it.
    Categorical(Levels, Vec<u32>),
}

/// One column's part from one chunk, with its problems.
#[derive(Debug)]
pub(crate) struct PartialColumn {
    pub(super) data: Partial,
    pub(super) bad: BadCollector,
    pub(super) invalid_utf8: Option<u64>,
}

impl PartialColumn {
    /// Adds `offset` to the line numbers of the problems found (parts number lines from 0).
    pub(crate) fn shift_lines(&mut self, offset: u64) {
        for cell in &mut self.bad.examples {
            cell.line += offset;
        }
        if let Some(line) = &mut self.invalid_utf8 {
            *line += offset;
        }
    }
}

/// Builds one column's part cell by cell.
#[derive(Debug)]
pub(crate) struct ColumnBuilder<'a> {
    state: BuilderState<'a>,
    bad: BadCollector,
    invalid_utf8: Option<u64>,
}

#[derive(Debug)]
enum BuilderState<'a> {
    Numeric(Vec<f64>),
    Boolean(Vec<Option<bool>>),
    Categorical {
        canonicalise: bool,
        keys: Vec<&'a [u8]>,
        index: FxMap<&'a [u8], u32>,
        dictionary: Levels,
        codes: Vec<u32>,
        last: Option<(&'a [u8], u32)>,
    },
}

impl<'a> ColumnBuilder<'a> {
    /// A builder for `kind` (`None`: raw text, the id column) expecting about `capacity` cells.
    pub(crate) fn new(kind: Option<ColumnKind>, capacity: usize) -> Self {
        let state = match kind {
            Some(ColumnKind::Numeric) => BuilderState::Numeric(Vec::with_capacity(capacity)),
            Some(ColumnKind::Boolean) => BuilderState::Boolean(Vec::with_capacity(capacity)),
            Some(ColumnKind::Categorical) | None => {
                let mut index = FxMap::default();
                if kind.is_none() {
                    // Ids: (nearly) every value is new.
                    index.reserve(capacity);
                }
                BuilderState::Categorical {
                    canonicalise: kind.is_some(),
                    keys: Vec::new(),
                    index,
                    dictionary: Levels::new(),
                    codes: Vec::with_capacity(capacity),
                    last: None,
                }
            }
        };
        ColumnBuilder {
            state,
            bad: BadCollector::default(),
            invalid_utf8: None,
        }
    }

    /// Adds one cell found on `line`.
    #[inline]
    pub(crate) fn push(&mut self, cell: &'a [u8], line: u64, missing: &MissingTokens) {
        let cell = trim(cell);
        match &mut self.state {
            BuilderState::Numeric(values) => {
                // Parse first: numbers are the common case; `NaN` parses and is missing.
                match parse_number(cell) {
                    Some(v) if !v.is_infinite() => values.push(v),
                    Some(_) => {
                        self.bad.push(line, cell);
                        values.push(f64::NAN);
                    }
                    None => {
                        if !(cell.is_empty() || missing.is_missing(cell)) {
                            self.bad.push(line, cell);
                        }
                        values.push(f64::NAN);
                    }
                }
            }
            BuilderState::Boolean(values) => {
                if let Some((b, _)) = parse_bool(cell) {
                    values.push(Some(b));
                } else {
                    if !(cell.is_empty() || missing.is_missing(cell)) {
                        self.bad.push(line, cell);
                    }
                    values.push(None);
                }
            }
            BuilderState::Categorical {
                canonicalise,
                keys,
                index,
                dictionary,
                codes,
                last,
            } => {
                if cell.is_empty() || missing.is_missing(cell) {
                    codes.push(MISSING_CODE);
                    return;
                }
                let key = if *canonicalise {
                    canonical_level(cell)
                } else {
                    cell
                };
                // Runs of the same value are common (status codes): remember the last one.
                if let Some((k, c)) = *last
                    && short_eq(k, key)
                {
                    codes.push(c);
                    return;
                }
                // Few levels (status codes, groups): a linear scan beats hashing; the map is
                // filled only once the dictionary outgrows `SMALL_DICTIONARY`.
                let found = if keys.len() <= SMALL_DICTIONARY {
                    keys.iter().position(|k| short_eq(k, key)).map(|i| i as u32)
                } else {
                    index.get(key).copied()
                };
                let code = if let Some(c) = found {
                    c
                } else if let Ok(text) = std::str::from_utf8(key) {
                    let c = dictionary.len() as u32;
                    dictionary.push(text);
                    keys.push(key);
                    if keys.len() > SMALL_DICTIONARY {
                        if index.is_empty() {
                            index.extend(keys.iter().enumerate().map(|(i, k)| (*k, i as u32)));
                        } else {
                            index.insert(key, c);
                        }
                    }
                    c
                } else {
                    self.invalid_utf8.get_or_insert(line);
                    codes.push(MISSING_CODE);
                    return;
                };
                *last = Some((key, code));
                codes.push(code);
            }
        }
    }

    /// Keeps the first `n` cells (drops a ragged row's cells; such a read fails anyway).
    pub(crate) fn truncate(&mut self, n: usize) {
        match &mut self.state {
            BuilderState::Numeric(v) => v.truncate(n),
            BuilderState::Boolean(v) => v.truncate(n),
            BuilderState::Categorical { codes, last, .. } => {
                codes.truncate(n);
                *last = None;
            }
        }
    }

    /// The finished part.
    pub(crate) fn finish(self) -> PartialColumn {
        let data = match self.state {
            BuilderState::Numeric(v) => Partial::Numeric(v),
            BuilderState::Boolean(v) => Partial::Boolean(v),
            BuilderState::Categorical {
                dictionary, codes, ..
            } => Partial::Categorical(dictionary, codes),
        };
        PartialColumn {
            data,
            bad: self.bad,
            invalid_utf8: self.invalid_utf8,
        }
    }
}

/// Converts field `col` of one chunk as `kind` (`None`: raw text, the id column).
pub(crate) fn convert_chunk_column(
    chunk: &TokenChunk<'_>,
    col: usize,
    kind: Option<ColumnKind>,
    missing: &MissingTokens,
) -> PartialColumn {
    let mut builder = ColumnBuilder::new(kind, chunk.n_rows());
    for (cell, line) in chunk.column(col) {
        builder.push(cell, line, missing);
    }
    builder.finish()
}
