//! Splitting CSV bytes into records and fields.
//!
//! Two tokenizers share one output type, [`TokenChunk`]: a fast one for inputs without any
//! quote character (fields are slices of the input, found with `memchr`), and an RFC 4180 one
//! for inputs with quotes (fields are unescaped into an owned buffer). Both count physical
//! lines, skip blank lines, strip a `\r` before `\n`, and report ragged rows.

use std::borrow::Cow;

use memchr::{memchr, memchr_iter, memchr2};

use crate::error::IngestError;

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
    data: Cow<'a, [u8]>,
    /// `columns[c][r]`: field `c` of record `r`.
    columns: Vec<Vec<Span>>,
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

/// Ragged rows found while tokenizing: the first [`crate::error::MAX_EXAMPLES`] and a count.
#[derive(Debug, Default)]
pub(crate) struct Ragged {
    pub(crate) examples: Vec<IngestError>,
    pub(crate) total: usize,
}

impl Ragged {
    pub(crate) fn push(&mut self, line: u64, expected: usize, found: usize) {
        self.total += 1;
        if self.examples.len() < crate::error::MAX_EXAMPLES {
            self.examples.push(IngestError::RaggedRow {
                line,
                expected,
                found,
            });
        }
    }

    pub(crate) fn shift_lines(&mut self, offset: u64) {
        for e in &mut self.examples {
            if let IngestError::RaggedRow { line, .. } = e {
                *line += offset;
            }
        }
    }

    pub(crate) fn merge(&mut self, other: Ragged) {
        self.total += other.total;
        let room = crate::error::MAX_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
    }
}

/// What one call to [`tokenize`] produced.
#[derive(Debug)]
pub(crate) struct Tokenized<'a> {
    pub(crate) chunk: TokenChunk<'a>,
    /// Bytes of the input that were consumed (complete records and blank lines).
    pub(crate) consumed: usize,
    /// Physical lines consumed.
    pub(crate) lines_consumed: u64,
    pub(crate) ragged: Ragged,
}

/// Tokenizes up to `max_records` records of `buf` (which must start at a record boundary),
/// numbering lines from `first_line`. Stops at the first record boundary after about
/// `max_bytes` (the caller calls again for the rest). A record longer than
/// [`MAX_CHUNK_BYTES`] is an error.
///
/// When `at_eof` is false, a last record that is not terminated by `\n` is left unconsumed
/// (the caller reads more and calls again); when true it is taken as complete.
pub(crate) fn tokenize(
    buf: &[u8],
    delimiter: u8,
    n_cols: usize,
    first_line: u64,
    max_records: usize,
    max_bytes: usize,
    at_eof: bool,
) -> Result<Tokenized<'_>, IngestError> {
    if memchr(b'"', buf).is_none() {
        tokenize_plain(
            buf,
            delimiter,
            n_cols,
            first_line,
            max_records,
            max_bytes.min(MAX_CHUNK_BYTES),
            at_eof,
        )
    } else {
        tokenize_quoted(
            buf,
            delimiter,
            n_cols,
            first_line,
            max_records,
            max_bytes.min(MAX_CHUNK_BYTES),
            at_eof,
        )
    }
}

fn new_columns(n_cols: usize, capacity: usize) -> Vec<Vec<Span>> {
    (0..n_cols).map(|_| Vec::with_capacity(capacity)).collect()
}

fn span(start: usize, end: usize) -> Span {
    Span {
        start: start as u32,
        len: (end - start) as u32,
    }
}

/// Closes the record spanning `start..end` (without its `\n`) whose last field starts at
/// `field_start`: keeps it when it has `n_cols` fields, else reports it and drops its fields.
/// A blank line is skipped.
#[inline]
fn end_record(
    buf: &[u8],
    (start, field_start, end): (usize, usize, usize),
    found: &mut usize,
    line: u64,
    (columns, lines, ragged): (&mut [Vec<Span>], &mut Vec<u64>, &mut Ragged),
) {
    let n_cols = columns.len();
    let mut content_end = end;
    if content_end > field_start && buf[content_end - 1] == b'\r' {
        content_end -= 1;
    }
    if *found == 0 && content_end == start {
        return; // blank line
    }
    if *found < n_cols {
        columns[*found].push(span(field_start, content_end));
    }
    *found += 1;
    if *found == n_cols {
        lines.push(line);
    } else {
        ragged.push(line, n_cols, *found);
        let n = lines.len();
        for c in columns.iter_mut() {
            c.truncate(n);
        }
    }
    *found = 0;
}

/// The fast path: no quote character anywhere in `buf`.
fn tokenize_plain(
    buf: &[u8],
    delimiter: u8,
    n_cols: usize,
    first_line: u64,
    max_records: usize,
    max_bytes: usize,
    at_eof: bool,
) -> Result<Tokenized<'_>, IngestError> {
    let estimate = (buf.len() / (n_cols.max(1) * 6)).min(max_records) + 1;
    let mut columns = new_columns(n_cols, estimate);
    let mut lines = Vec::with_capacity(estimate);
    let mut ragged = Ragged::default();
    let mut pos = 0;
    let mut line = first_line;
    // One scalar pass: fields are short, so a byte loop beats a `memchr` call per field.
    let mut field_start = pos;
    let mut found = 0;
    let mut i = pos;
    while i < buf.len() && lines.len() < max_records {
        let b = buf[i];
        if b == delimiter {
            if found < n_cols {
                columns[found].push(span(field_start, i));
            }
            found += 1;
            field_start = i + 1;
        } else if b == b'\n' {
            if i - pos > MAX_CHUNK_BYTES {
                return Err(IngestError::RecordTooLong {
                    line,
                    max_bytes: MAX_CHUNK_BYTES,
                });
            }
            end_record(
                buf,
                (pos, field_start, i),
                &mut found,
                line,
                (&mut columns, &mut lines, &mut ragged),
            );
            line += 1;
            i += 1;
            pos = i;
            field_start = i;
            if pos >= max_bytes {
                break;
            }
            continue;
        }
        i += 1;
    }
    if i >= buf.len() && pos < buf.len() && buf.len() - pos > MAX_CHUNK_BYTES {
        return Err(IngestError::RecordTooLong {
            line,
            max_bytes: MAX_CHUNK_BYTES,
        });
    }
    if i >= buf.len() && pos < buf.len() && lines.len() < max_records && at_eof {
        // The last record has no line end.
        end_record(
            buf,
            (pos, field_start, buf.len()),
            &mut found,
            line,
            (&mut columns, &mut lines, &mut ragged),
        );
        line += 1;
        pos = buf.len();
    } else {
        // Drop the fields of an incomplete record.
        let n = lines.len();
        for c in &mut columns {
            c.truncate(n);
        }
    }
    Ok(Tokenized {
        chunk: TokenChunk {
            data: Cow::Borrowed(&buf[..pos]),
            columns,
            lines,
        },
        consumed: pos,
        lines_consumed: line - first_line,
        ragged,
    })
}

/// The RFC 4180 path: fields may be quoted, contain delimiters, newlines and doubled quotes.
/// A quote inside an unquoted field is taken literally; bytes after a closing quote are kept.
fn tokenize_quoted(
    buf: &[u8],
    delimiter: u8,
    n_cols: usize,
    first_line: u64,
    max_records: usize,
    max_bytes: usize,
    at_eof: bool,
) -> Result<Tokenized<'static>, IngestError> {
    let mut out: Vec<u8> = Vec::with_capacity(buf.len().min(max_bytes) + 1024);
    let mut columns = new_columns(n_cols, 1024);
    let mut lines = Vec::new();
    let mut ragged = Ragged::default();
    let mut fields: Vec<Span> = Vec::with_capacity(n_cols);
    let mut pos = 0;
    let mut line = first_line;
    // Consumed position and line after the last complete record.
    let mut done = (0, first_line);
    'records: while pos < buf.len() && lines.len() < max_records {
        // Blank lines.
        if buf[pos] == b'\n' {
            pos += 1;
            line += 1;
            done = (pos, line);
            continue;
        }
        if buf[pos] == b'\r' && buf.get(pos + 1) == Some(&b'\n') {
            pos += 2;
            line += 1;
            done = (pos, line);
            continue;
        }
        let record_line = line;
        let out_mark = out.len();
        fields.clear();
        loop {
            let field_start = out.len();
            if buf.get(pos) == Some(&b'"') {
                pos += 1;
                loop {
                    let Some(q) = memchr(b'"', &buf[pos..]).map(|i| pos + i) else {
                        if at_eof {
                            return Err(IngestError::UnclosedQuote { line: record_line });
                        }
                        out.truncate(out_mark);
                        break 'records;
                    };
                    line += memchr_iter(b'\n', &buf[pos..q]).count() as u64;
                    out.extend_from_slice(&buf[pos..q]);
                    pos = q + 1;
                    if buf.get(pos) == Some(&b'"') {
                        out.push(b'"');
                        pos += 1;
                    } else {
                        break;
                    }
                }
            }
            // Unquoted field, or the rest after a closing quote.
            let stop = memchr2(delimiter, b'\n', &buf[pos..]).map(|i| pos + i);
            let end = stop.unwrap_or(buf.len());
            let mut content_end = end;
            if stop.is_some_and(|s| buf[s] == b'\n') && content_end > pos && buf[end - 1] == b'\r' {
                content_end -= 1;
            }
            if stop.is_none() && !at_eof {
                out.truncate(out_mark);
                break 'records;
            }
            out.extend_from_slice(&buf[pos..content_end]);
            if out.len() - out_mark > MAX_CHUNK_BYTES {
                return Err(IngestError::RecordTooLong {
                    line: record_line,
                    max_bytes: MAX_CHUNK_BYTES,
                });
            }
            fields.push(span(field_start, out.len()));
            match stop {
                Some(s) if buf[s] == delimiter => pos = s + 1,
                Some(s) => {
                    pos = s + 1;
                    line += 1;
                    break;
                }
                None => {
                    pos = buf.len();
                    line += 1;
                    break;
                }
            }
        }
        if fields.len() == n_cols {
            for (c, f) in columns.iter_mut().zip(&fields) {
                c.push(*f);
            }
            lines.push(record_line);
        } else {
            ragged.push(record_line, n_cols, fields.len());
            out.truncate(out_mark);
        }
        done = (pos, line);
        if out.len() >= max_bytes {
            break;
        }
    }
    Ok(Tokenized {
        chunk: TokenChunk {
            data: Cow::Owned(out),
            columns,
            lines,
        },
        consumed: done.0,
        lines_consumed: done.1 - first_line,
        ragged,
    })
}

/// Picks the delimiter among `; , \t |`: the one found most often outside quotes in the first
/// line (ties resolved in that order); `,` when none occurs.
pub(crate) fn detect_delimiter(buf: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b';', b',', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for &b in buf {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            if b == b'\n' {
                break;
            }
            if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let (best, &n) = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .unwrap_or((1, &0));
    if n == 0 { b',' } else { CANDIDATES[best] }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(t: &Tokenized<'_>, n_cols: usize) -> Vec<Vec<String>> {
        (0..t.chunk.n_rows())
            .map(|r| {
                (0..n_cols)
                    .map(|c| String::from_utf8_lossy(t.chunk.field(c, r)).into_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn plain_and_quoted_paths_agree_on_simple_input() {
        let plain = b"1;a\r\n\n2;b\n";
        let t = tokenize(plain, b';', 2, 2, usize::MAX, MAX_CHUNK_BYTES, true).expect("plain");
        assert_eq!(fields(&t, 2), vec![vec!["1", "a"], vec!["2", "b"]]);
        assert_eq!(t.chunk.lines, vec![2, 4]);
        let quoted = b"\"1\";a\r\n\n2;\"b\"\n";
        let q = tokenize(quoted, b';', 2, 2, usize::MAX, MAX_CHUNK_BYTES, true).expect("quoted");
        assert_eq!(fields(&q, 2), fields(&t, 2));
        assert_eq!(q.chunk.lines, t.chunk.lines);
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_newlines() {
        let input = b"\"a;b\";\"say \"\"hi\"\"\"\n\"two\nlines\";x\nlast;y";
        let t = tokenize(input, b';', 2, 2, usize::MAX, MAX_CHUNK_BYTES, true).expect("quoted");
        assert_eq!(
            fields(&t, 2),
            vec![
                vec!["a;b", "say \"hi\""],
                vec!["two\nlines", "x"],
                vec!["last", "y"]
            ]
        );
        assert_eq!(t.chunk.lines, vec![2, 3, 5]);
        assert_eq!(t.lines_consumed, 4);
    }

    #[test]
    fn ragged_rows_are_reported_and_dropped() {
        let t = tokenize(
            b"1;2\n1\n1;2;3\n4;5\n",
            b';',
            2,
            2,
            usize::MAX,
            MAX_CHUNK_BYTES,
            true,
        )
        .expect("ok");
        assert_eq!(t.chunk.n_rows(), 2);
        assert_eq!(t.ragged.total, 2);
        assert!(matches!(
            t.ragged.examples[1],
            IngestError::RaggedRow {
                line: 4,
                expected: 2,
                found: 3
            }
        ));
    }

    #[test]
    fn incomplete_last_record_is_left_when_not_at_eof() {
        let t = tokenize(b"1;2\n3;4", b';', 2, 2, usize::MAX, MAX_CHUNK_BYTES, false).expect("ok");
        assert_eq!(t.chunk.n_rows(), 1);
        assert_eq!(t.consumed, 4);
        let q = tokenize(
            b"1;2\n\"3\n;4",
            b';',
            2,
            2,
            usize::MAX,
            MAX_CHUNK_BYTES,
            false,
        )
        .expect("ok");
        assert_eq!(q.chunk.n_rows(), 1);
        assert_eq!(q.consumed, 4);
    }

    #[test]
    fn byte_budget_stops_at_a_record_boundary() {
        let t = tokenize(b"1;2\n3;4\n5;6", b';', 2, 2, usize::MAX, 4, true).expect("ok");
        assert_eq!(t.chunk.n_rows(), 1);
        assert_eq!(t.consumed, 4);
        let rest = tokenize(b"3;4\n5;6", b';', 2, 3, usize::MAX, 4, true).expect("ok");
        assert_eq!(rest.chunk.n_rows(), 1);
        let last = tokenize(b"5;6", b';', 2, 4, usize::MAX, 4, true).expect("ok");
        assert_eq!(last.chunk.lines, vec![4]);
        let q = tokenize(b"\"1\";2\n3;4\n", b';', 2, 2, usize::MAX, 2, true).expect("ok");
        assert_eq!(q.chunk.n_rows(), 1);
        assert_eq!(q.consumed, 6);
    }

    #[test]
    fn unclosed_quote_is_an_error_at_eof() {
        let e = tokenize(
            b"1;2\n\"3;4\n",
            b';',
            2,
            2,
            usize::MAX,
            MAX_CHUNK_BYTES,
            true,
        );
        assert!(matches!(e, Err(IngestError::UnclosedQuote { line: 3 })));
    }

    #[test]
    fn delimiter_detection_ignores_quoted_text() {
        assert_eq!(detect_delimiter(b"a;b;c\n1,2,3"), b';');
        assert_eq!(detect_delimiter(b"\"a;b\",c,d\n"), b',');
        assert_eq!(detect_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(detect_delimiter(b"a|b\n"), b'|');
        assert_eq!(detect_delimiter(b"single\n"), b',');
    }
}
