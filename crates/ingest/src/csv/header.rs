//! The header line: a UTF-8 BOM stripped, blank lines skipped, field names read.

use crate::csv::tokenize::{MAX_CHUNK_BYTES, tokenize};
use crate::error::{IngestError, MAX_HEADER_FIELDS};

/// Strips a UTF-8 BOM.
pub(crate) fn strip_bom(buf: &[u8]) -> &[u8] {
    buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf)
}

/// The header: names, bytes consumed (including leading blank lines) and lines consumed.
/// `Ok(None)` when more bytes are needed (streaming, not at EOF).
pub(crate) fn parse_header(
    buf: &[u8],
    delimiter: u8,
    at_eof: bool,
) -> Result<Option<(Vec<String>, usize, u64)>, IngestError> {
    // Skip leading blank lines.
    let mut start = 0;
    let mut skipped = 0u64;
    loop {
        let rest = &buf[start..];
        if rest.starts_with(b"\n") {
            start += 1;
        } else if rest.starts_with(b"\r\n") {
            start += 2;
        } else {
            break;
        }
        skipped += 1;
    }
    let body = &buf[start..];
    if body.trim_ascii().is_empty() {
        return if at_eof {
            Err(IngestError::EmptyFile)
        } else {
            Ok(None)
        };
    }
    // Count header fields: delimiters outside quotes, up to the first newline outside quotes.
    let mut in_quotes = false;
    let mut n_fields = 1;
    let mut complete = false;
    for &b in body {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                complete = true;
                break;
            }
            _ if b == delimiter && !in_quotes => {
                n_fields += 1;
                if n_fields > MAX_HEADER_FIELDS {
                    // Refused before the rest of the line is read (or waited for).
                    return Err(IngestError::TooManyColumns {
                        found: n_fields,
                        max: MAX_HEADER_FIELDS,
                    });
                }
            }
            _ => {}
        }
    }
    if !complete && !at_eof {
        return Ok(None);
    }
    let t = tokenize(
        body,
        delimiter,
        n_fields,
        1 + skipped,
        1,
        MAX_CHUNK_BYTES,
        at_eof,
    )?;
    if t.chunk.n_rows() != 1 {
        return if at_eof {
            Err(IngestError::EmptyFile)
        } else {
            Ok(None)
        };
    }
    let mut names = Vec::with_capacity(n_fields);
    for c in 0..n_fields {
        let raw = t.chunk.field(c, 0);
        let name = std::str::from_utf8(raw).map_err(|_| IngestError::InvalidUtf8 {
            line: 1 + skipped,
            column: "<header>".into(),
        })?;
        names.push(name.trim().to_owned());
    }
    Ok(Some((
        names,
        start + t.consumed,
        skipped + t.lines_consumed,
    )))
}
