//! Splitting CSV bytes into records and fields.
//!
//! Two tokenizers share one output type, [`TokenChunk`]: a fast one for inputs without any
//! quote character (fields are slices of the input, found in one pass over its bytes), and an
//! RFC 4180 one for inputs with quotes (fields are unescaped into an owned buffer). Both count
//! physical lines, skip blank lines, strip a `\r` before `\n`, and report ragged rows. Choosing
//! the delimiter, and cutting a body after line ends into parts, are here too.

mod chunk;
mod delimiter;
mod plain;
mod quoted;
mod ragged;

use memchr::memchr;

pub(crate) use chunk::{MAX_CHUNK_BYTES, TokenChunk, Tokenized};
pub(crate) use delimiter::detect_delimiter;
use plain::tokenize_plain;
use quoted::tokenize_quoted;
pub(crate) use ragged::Ragged;

use crate::error::IngestError;

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

/// Cuts `body` after line ends into parts of about `target` bytes (the last part may lack its
/// line end).
pub(crate) fn split_after_lines(body: &[u8], target: usize) -> Vec<(usize, usize)> {
    let mut bounds = Vec::with_capacity(body.len() / target + 1);
    let mut start = 0;
    while start < body.len() {
        let mut end = (start + target).min(body.len());
        if end < body.len() {
            end = memchr::memchr(b'\n', &body[end..]).map_or(body.len(), |i| end + i + 1);
        }
        bounds.push((start, end));
        start = end;
    }
    bounds
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
}
