//! Turning tokenized fields into typed columns.

use std::collections::HashMap;

use crate::error::{BadCell, IngestError, MAX_EXAMPLES};
use crate::schema::ColumnKind;
use crate::table::{CategoricalColumn, ColumnData, MISSING_CODE};
use crate::tokenize::TokenChunk;

/// The cell texts that mean "missing", compared after trimming ASCII whitespace.
#[derive(Debug, Clone)]
pub(crate) struct MissingTokens {
    tokens: Vec<Vec<u8>>,
    max_len: usize,
}

impl MissingTokens {
    pub(crate) fn new(tokens: &[String]) -> Self {
        let tokens: Vec<Vec<u8>> = tokens
            .iter()
            .map(|t| t.trim().as_bytes().to_vec())
            .collect();
        let max_len = tokens.iter().map(Vec::len).max().unwrap_or(0);
        MissingTokens { tokens, max_len }
    }

    #[inline]
    pub(crate) fn is_missing(&self, cell: &[u8]) -> bool {
        cell.len() <= self.max_len && self.tokens.iter().any(|t| t.as_slice() == cell)
    }
}

/// How one output column is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conversion {
    /// Parse as this kind.
    Kind(ColumnKind),
    /// Text kept exactly as found (the id column): categorical without canonicalisation.
    Raw,
    /// Decide the kind from the cells.
    Infer,
}

#[inline]
pub(crate) fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

/// Parses a number; `None` for anything `fast-float2` rejects (infinities parse, and are
/// rejected by the caller).
#[inline]
pub(crate) fn parse_number(cell: &[u8]) -> Option<f64> {
    fast_float2::parse::<f64, _>(cell).ok()
}

/// `Some(true)` / `Some(false)` for a boolean token, `None` otherwise. The flag says whether the
/// token is a word (`true`, `False`, ...) rather than a digit.
#[inline]
pub(crate) fn parse_bool(cell: &[u8]) -> Option<(bool, bool)> {
    match cell {
        b"1" | b"1.0" => Some((true, false)),
        b"0" | b"0.0" => Some((false, false)),
        _ if cell.eq_ignore_ascii_case(b"true") => Some((true, true)),
        _ if cell.eq_ignore_ascii_case(b"false") => Some((false, true)),
        _ => None,
    }
}

/// The canonical text of a categorical cell: an integral number written with a `.0...` tail
/// (`1.0`, `-3.00`) loses the tail, so `1.0` and `1` are one level. Other text is unchanged
/// (`007` stays `007`).
pub fn canonical_level(cell: &[u8]) -> &[u8] {
    let Some(dot) = memchr::memchr(b'.', cell) else {
        return cell;
    };
    let (int, frac) = (&cell[..dot], &cell[dot + 1..]);
    let digits = int.strip_prefix(b"-").unwrap_or(int);
    if !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && !frac.is_empty()
        && frac.iter().all(|&b| b == b'0')
    {
        int
    } else {
        cell
    }
}

/// Infers a column's kind: boolean when every non-missing cell is a boolean token and at least
/// one is a word (so 0/1-only columns stay numeric), numeric when every non-missing cell parses
/// as a number, else categorical. An all-missing column is numeric.
pub(crate) fn infer_kind(
    chunks: &[TokenChunk<'_>],
    col: usize,
    missing: &MissingTokens,
) -> ColumnKind {
    let (mut all_bool, mut saw_word, mut all_num) = (true, false, true);
    'outer: for chunk in chunks {
        for (cell, _) in chunk.column(col) {
            let cell = trim(cell);
            if missing.is_missing(cell) {
                continue;
            }
            if all_bool {
                match parse_bool(cell) {
                    Some((_, word)) => saw_word |= word,
                    None => all_bool = false,
                }
            }
            if all_num && parse_number(cell).is_none() {
                all_num = false;
            }
            if !all_bool && !all_num {
                break 'outer;
            }
        }
    }
    if all_bool && saw_word {
        ColumnKind::Boolean
    } else if all_num {
        ColumnKind::Numeric
    } else {
        ColumnKind::Categorical
    }
}

struct BadCollector {
    examples: Vec<BadCell>,
    total: usize,
}

impl BadCollector {
    fn new() -> Self {
        BadCollector {
            examples: Vec::new(),
            total: 0,
        }
    }

    #[cold]
    fn push(&mut self, line: u64, cell: &[u8]) {
        self.total += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(BadCell {
                line,
                value: String::from_utf8_lossy(cell).into_owned(),
            });
        }
    }

    fn finish(self, column: &str, kind: ColumnKind) -> Result<(), IngestError> {
        if self.total == 0 {
            Ok(())
        } else {
            Err(IngestError::BadValues {
                column: column.to_owned(),
                kind,
                examples: self.examples,
                total: self.total,
            })
        }
    }
}

/// Builds one typed column from field `col` of every chunk.
pub(crate) fn convert_column(
    chunks: &[TokenChunk<'_>],
    col: usize,
    name: &str,
    conversion: Conversion,
    missing: &MissingTokens,
) -> Result<ColumnData, IngestError> {
    let n_rows: usize = chunks.iter().map(TokenChunk::n_rows).sum();
    let kind = match conversion {
        Conversion::Kind(k) => k,
        Conversion::Raw => return categorical(chunks, col, name, missing, false, n_rows),
        Conversion::Infer => infer_kind(chunks, col, missing),
    };
    match kind {
        ColumnKind::Numeric => {
            let mut values = Vec::with_capacity(n_rows);
            let mut bad = BadCollector::new();
            for chunk in chunks {
                for (cell, line) in chunk.column(col) {
                    let cell = trim(cell);
                    if cell.is_empty() || missing.is_missing(cell) {
                        values.push(f64::NAN);
                        continue;
                    }
                    match parse_number(cell) {
                        Some(v) if v.is_finite() => values.push(v),
                        // A literal NaN is missing, whether or not it is a missing token.
                        Some(v) if v.is_nan() => values.push(f64::NAN),
                        _ => {
                            bad.push(line, cell);
                            values.push(f64::NAN);
                        }
                    }
                }
            }
            bad.finish(name, kind)?;
            Ok(ColumnData::Numeric(values))
        }
        ColumnKind::Boolean => {
            let mut values = Vec::with_capacity(n_rows);
            let mut bad = BadCollector::new();
            for chunk in chunks {
                for (cell, line) in chunk.column(col) {
                    let cell = trim(cell);
                    if cell.is_empty() || missing.is_missing(cell) {
                        values.push(None);
                        continue;
                    }
                    if let Some((b, _)) = parse_bool(cell) {
                        values.push(Some(b));
                    } else {
                        bad.push(line, cell);
                        values.push(None);
                    }
                }
            }
            bad.finish(name, kind)?;
            Ok(ColumnData::Boolean(values))
        }
        ColumnKind::Categorical => categorical(chunks, col, name, missing, true, n_rows),
    }
}

fn categorical(
    chunks: &[TokenChunk<'_>],
    col: usize,
    name: &str,
    missing: &MissingTokens,
    canonicalise: bool,
    n_rows: usize,
) -> Result<ColumnData, IngestError> {
    let mut index: HashMap<&[u8], u32> = HashMap::new();
    let mut column = CategoricalColumn {
        dictionary: Vec::new(),
        codes: Vec::with_capacity(n_rows),
    };
    for chunk in chunks {
        for (cell, line) in chunk.column(col) {
            let cell = trim(cell);
            if cell.is_empty() || missing.is_missing(cell) {
                column.codes.push(MISSING_CODE);
                continue;
            }
            let key = if canonicalise {
                canonical_level(cell)
            } else {
                cell
            };
            let code = if let Some(&c) = index.get(key) {
                c
            } else {
                let text = std::str::from_utf8(key).map_err(|_| IngestError::InvalidUtf8 {
                    line,
                    column: name.to_owned(),
                })?;
                let c = column.dictionary.len() as u32;
                column.dictionary.push(text.to_owned());
                index.insert(key, c);
                c
            };
            column.codes.push(code);
        }
    }
    Ok(ColumnData::Categorical(column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_level_strips_only_zero_fractions_of_integers() {
        assert_eq!(canonical_level(b"1.0"), b"1");
        assert_eq!(canonical_level(b"-3.00"), b"-3");
        assert_eq!(canonical_level(b"1.5"), b"1.5");
        assert_eq!(canonical_level(b"007"), b"007");
        assert_eq!(canonical_level(b"a.0"), b"a.0");
        assert_eq!(canonical_level(b".0"), b".0");
        assert_eq!(canonical_level(b"1."), b"1.");
    }

    #[test]
    fn number_parsing_accepts_exponents_and_flags_infinities() {
        assert_eq!(parse_number(b"5e+05"), Some(500_000.0));
        assert_eq!(parse_number(b"1e308"), Some(1e308));
        assert!(parse_number(b"1e309").is_some_and(f64::is_infinite));
        assert!(parse_number(b"-inf").is_some_and(f64::is_infinite));
        assert_eq!(parse_number(b"abc"), None);
        assert_eq!(parse_number(b"1 2"), None);
    }

    #[test]
    fn boolean_tokens() {
        assert_eq!(parse_bool(b"True"), Some((true, true)));
        assert_eq!(parse_bool(b"false"), Some((false, true)));
        assert_eq!(parse_bool(b"1"), Some((true, false)));
        assert_eq!(parse_bool(b"yes"), None);
    }

    #[test]
    fn missing_tokens_match_exactly() {
        let m = MissingTokens::new(&["NA".into(), String::new()]);
        assert!(m.is_missing(b"NA"));
        assert!(m.is_missing(b""));
        assert!(!m.is_missing(b"NAN"));
    }
}
