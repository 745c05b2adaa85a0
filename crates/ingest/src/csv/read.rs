//! Reading a whole CSV input into a [`Table`] ([`read_csv`]): the header and the plan, then the
//! path for the body: the regular fast path when it takes the body, else the general path
//! (parsed straight into columns when quote-free with known kinds, tokenized otherwise).

use std::borrow::Cow;

use super::convert::MissingTokens;
use super::general::{build_table, read_plain_general, tokenize_parallel, tokenize_sequential};
use super::header::{parse_header, strip_bom};
use super::options::{CsvSource, ReadOptions};
use super::plan::{Conversion, Plan};
use super::regular::{REGULAR_PART_BYTES, read_plain_regular, read_plain_regular_inferred};
use super::tokenize::{TokenChunk, detect_delimiter};
use crate::error::{IngestError, IngestWarning};
use crate::table::Table;

/// A table read from CSV, with what was noticed on the way.
#[derive(Debug, Clone)]
pub struct CsvRead {
    /// The typed table.
    pub table: Table,
    /// Non-fatal findings (extra columns ignored).
    pub warnings: Vec<IngestWarning>,
    /// The delimiter used (given or detected).
    pub delimiter: u8,
}

/// Reads a whole CSV input into a typed table.
///
/// The header is required; the delimiter is detected unless set; quoted fields (with
/// delimiters, doubled quotes and newlines), CRLF line ends and a UTF-8 BOM are handled. With a
/// schema, its columns are parsed as declared and returned in schema order (id, target when
/// present, features); without one, every column is kept in file order with an inferred kind.
/// Warnings (extra columns) are dropped: use [`read_csv_with_report`] to see them.
///
/// Inputs without quote characters are tokenized in parallel chunks; columns are converted in
/// parallel.
///
/// ```
/// use pdscore_ingest::{ColumnData, ReadOptions, read_csv};
/// let table = read_csv(b"id;x;flag\na;1.5;True\nb;NA;False\n", &ReadOptions::new())?;
/// assert_eq!(table.n_rows(), 2);
/// assert!(matches!(table.column("flag").map(|c| &c.data), Some(ColumnData::Boolean(_))));
/// # Ok::<(), pdscore_ingest::IngestError>(())
/// ```
pub fn read_csv<'a>(
    source: impl Into<CsvSource<'a>>,
    options: &ReadOptions,
) -> Result<Table, IngestError> {
    read_csv_with_report(source, options).map(|r| r.table)
}

/// Like [`read_csv`], also returning the warnings and the delimiter used.
pub fn read_csv_with_report<'a>(
    source: impl Into<CsvSource<'a>>,
    options: &ReadOptions,
) -> Result<CsvRead, IngestError> {
    options.check()?;
    let bytes: Cow<'a, [u8]> = match source.into() {
        CsvSource::Path(path) => {
            Cow::Owned(std::fs::read(&path).map_err(|source| IngestError::Io { path, source })?)
        }
        CsvSource::Bytes(b) => b,
    };
    read_bytes(strip_bom(&bytes), options)
}

/// Reads a whole input (BOM stripped): header, plan, then the first path that takes the body.
fn read_bytes(buf: &[u8], options: &ReadOptions) -> Result<CsvRead, IngestError> {
    if buf.trim_ascii().is_empty() {
        return Err(IngestError::EmptyFile);
    }
    let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(buf));
    let Some((header, consumed, header_lines)) = parse_header(buf, delimiter, true)? else {
        return Err(IngestError::EmptyFile);
    };
    let plan = Plan::new(&header, options)?;
    let body = &buf[consumed..];
    let first_line = 1 + header_lines;
    let n_cols = plan.n_file_cols;
    let missing = MissingTokens::new(&options.missing_tokens);
    let typed = plan.outputs.iter().all(|o| o.2 != Conversion::Infer);
    let regular = if typed {
        read_plain_regular(
            body,
            delimiter,
            &plan,
            first_line,
            &missing,
            REGULAR_PART_BYTES,
        )
    } else {
        read_plain_regular_inferred(
            body,
            delimiter,
            &plan,
            first_line,
            &missing,
            REGULAR_PART_BYTES,
        )
    };
    let plain = regular.is_some() || memchr::memchr(b'"', body).is_none();
    if let Some(table) = regular.or_else(|| {
        (plain && typed).then(|| read_plain_general(body, delimiter, &plan, first_line, &missing))
    }) {
        return Ok(CsvRead {
            table: table?,
            warnings: plan.warnings,
            delimiter,
        });
    }
    let (chunks, ragged) = if plain {
        tokenize_parallel(body, delimiter, n_cols, first_line)?
    } else {
        tokenize_sequential(body, delimiter, n_cols, first_line)?
    };
    let n_rows: usize = chunks.iter().map(TokenChunk::n_rows).sum();
    if n_rows == 0 && ragged.total == 0 {
        return Err(IngestError::HeaderOnly { columns: n_cols });
    }
    let table = build_table(&plan, &chunks, ragged, &missing)?;
    Ok(CsvRead {
        table,
        warnings: plan.warnings,
        delimiter,
    })
}
