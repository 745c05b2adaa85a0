//! The RFC 4180 tokenizer, for input with quotes: fields are unescaped into an owned buffer.

use std::borrow::Cow;

use memchr::{memchr, memchr_iter, memchr2};

use super::chunk::{MAX_CHUNK_BYTES, Span, TokenChunk, Tokenized, new_columns, span};
use super::ragged::Ragged;
use crate::error::IngestError;

/// The RFC 4180 path: fields may be quoted, contain delimiters, newlines and doubled quotes.
/// A quote inside an unquoted field is taken literally; bytes after a closing quote are kept.
pub(super) fn tokenize_quoted(
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
