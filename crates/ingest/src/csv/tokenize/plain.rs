//! The tokenizer for input without any quote character: fields are slices of the input.

use std::borrow::Cow;

use super::chunk::{MAX_CHUNK_BYTES, Span, TokenChunk, Tokenized, new_columns, span};
use super::ragged::Ragged;
use crate::error::IngestError;

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
pub(super) fn tokenize_plain(
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
