//! Streaming a large CSV input in batches of rows, in constant memory.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::convert::MissingTokens;
use super::general::build_table;
use super::header::{parse_header, strip_bom};
use super::options::ReadOptions;
use super::plan::Plan;
use super::regular::{REGULAR_PART_BYTES, read_plain_regular};
use super::tokenize::{MAX_CHUNK_BYTES, detect_delimiter, tokenize};
use crate::error::{IngestError, IngestWarning};
use crate::table::{ColumnData, Table};

/// Most bytes one streaming batch covers, whatever its row count.
const BATCH_BYTES: usize = MAX_CHUNK_BYTES / 4;

/// One batch of rows from [`CsvChunks`].
#[derive(Debug, Clone)]
pub struct TableChunk {
    /// The rows, typed with the reader's fixed kinds.
    pub table: Table,
    /// Physical line of the first row of this chunk in the file (0 for a Parquet file, which
    /// has no lines).
    pub first_line: u64,
    /// Index of this chunk's first row among all data rows of the file (0-based).
    pub first_row: u64,
    id_column: Option<String>,
}

impl TableChunk {
    /// A chunk of rows read by another reader (Parquet).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn new(
        table: Table,
        first_line: u64,
        first_row: u64,
        id_column: Option<String>,
    ) -> Self {
        TableChunk {
            table,
            first_line,
            first_row,
            id_column,
        }
    }

    /// The id column's values, exactly as in the file (`None` for a missing cell); `None` when
    /// the schema has no id column.
    pub fn ids(&self) -> Option<impl Iterator<Item = Option<&str>> + '_> {
        let name = self.id_column.as_deref()?;
        match &self.table.column(name)?.data {
            ColumnData::Categorical(c) => Some((0..c.codes.len()).map(move |r| c.value(r))),
            _ => None,
        }
    }
}

/// Reads a CSV stream in batches of up to `rows_per_chunk` rows, in memory proportional to one
/// batch. Every batch is parsed with the same kinds: the schema's, or those inferred from the
/// first batch.
///
/// A batch with bad values yields an `Err` and the iteration goes on with the next batch; an
/// I/O error, an unclosed quote or an over-long record ends it.
///
/// ```
/// use pdscore_ingest::{CsvChunks, ReadOptions};
/// let data: &[u8] = b"id,x\na,1\nb,2\nc,3\n";
/// let chunks = CsvChunks::new(data, &ReadOptions::new(), 2)?;
/// let sizes: Vec<usize> = chunks.map(|c| c.map(|c| c.table.n_rows())).collect::<Result<_, _>>()?;
/// assert_eq!(sizes, vec![2, 1]);
/// # Ok::<(), pdscore_ingest::IngestError>(())
/// ```
pub struct CsvChunks<R> {
    reader: R,
    path: PathBuf,
    buf: Vec<u8>,
    start: usize,
    eof: bool,
    done: bool,
    delimiter: u8,
    plan: Plan,
    missing: MissingTokens,
    rows_per_chunk: usize,
    next_line: u64,
    next_row: u64,
    kinds_fixed: bool,
    header: Vec<String>,
    id_column: Option<String>,
    bytes_per_row: usize,
}

impl CsvChunks<File> {
    /// Opens a file for chunked reading.
    pub fn open(
        path: impl AsRef<Path>,
        options: &ReadOptions,
        rows_per_chunk: usize,
    ) -> Result<Self, IngestError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut chunks = Self::new(file, options, rows_per_chunk);
        if let Err(IngestError::Io { path: p, .. }) = &mut chunks {
            path.clone_into(p);
        }
        chunks.map(|mut c| {
            c.path = path.to_path_buf();
            c
        })
    }
}

impl<R: Read> CsvChunks<R> {
    /// Reads the header from `reader` and prepares batches of up to `rows_per_chunk` rows.
    pub fn new(
        reader: R,
        options: &ReadOptions,
        rows_per_chunk: usize,
    ) -> Result<Self, IngestError> {
        options.check()?;
        if rows_per_chunk == 0 {
            return Err(IngestError::InvalidOptions {
                reason: "rows_per_chunk must be at least 1".into(),
            });
        }
        let mut chunks = CsvChunks {
            reader,
            path: PathBuf::from("<stream>"),
            buf: Vec::new(),
            start: 0,
            eof: false,
            done: false,
            delimiter: b',',
            plan: Plan {
                n_file_cols: 0,
                outputs: Vec::new(),
                warnings: Vec::new(),
            },
            missing: MissingTokens::new(&options.missing_tokens),
            rows_per_chunk,
            next_line: 1,
            next_row: 0,
            kinds_fixed: options.schema.is_some(),
            header: Vec::new(),
            id_column: options.schema.as_ref().and_then(|s| s.id.clone()),
            bytes_per_row: 256,
        };
        loop {
            let data = strip_bom(&chunks.buf);
            let bom = chunks.buf.len() - data.len();
            if !data.is_empty() || chunks.eof {
                let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(data));
                if let Some((header, consumed, lines)) = parse_header(data, delimiter, chunks.eof)?
                {
                    chunks.delimiter = delimiter;
                    chunks.start = bom + consumed;
                    chunks.next_line = 1 + lines;
                    chunks.plan = Plan::new(&header, options)?;
                    chunks.header = header;
                    break;
                }
            }
            chunks.fill(1 << 16)?;
        }
        Ok(chunks)
    }

    /// The header names, in file order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Warnings found in the header (extra columns).
    pub fn warnings(&self) -> &[IngestWarning] {
        &self.plan.warnings
    }

    /// The delimiter used.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Reads at least `want` more bytes (fewer at end of input).
    fn fill(&mut self, want: usize) -> Result<(), IngestError> {
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let target = self.buf.len() + want;
        let mut block = vec![0u8; 1 << 16];
        while self.buf.len() < target {
            let n = self
                .reader
                .read(&mut block)
                .map_err(|source| IngestError::Io {
                    path: self.path.clone(),
                    source,
                });
            let n = match n {
                Ok(n) => n,
                Err(IngestError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::Interrupted =>
                {
                    continue;
                }
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.eof = true;
                break;
            }
            self.buf.extend_from_slice(&block[..n]);
        }
        Ok(())
    }

    /// The next batch through the regular fast path ([`read_plain_regular`]), when the kinds
    /// are fixed and the batch is regular (which includes quote-free); `Ok(None)` to take the
    /// general path (which gives the same batch, slower).
    fn next_regular_chunk(&mut self) -> Result<Option<TableChunk>, IngestError> {
        if !self.kinds_fixed {
            return Ok(None);
        }
        // The batch ends after the `rows_per_chunk`-th line end (in a regular batch every line
        // is a record), or at the end of the input.
        let end = loop {
            let avail = &self.buf[self.start..];
            if let Some(i) = memchr::memchr_iter(b'\n', avail).nth(self.rows_per_chunk - 1) {
                break i + 1;
            }
            if self.eof {
                break avail.len();
            }
            if avail.len() > BATCH_BYTES {
                return Ok(None);
            }
            let more = avail.len().max(1 << 16);
            self.fill(more)?;
        };
        let batch = &self.buf[self.start..self.start + end];
        if batch.is_empty() || end > BATCH_BYTES {
            return Ok(None);
        }
        let Some(result) = read_plain_regular(
            batch,
            self.delimiter,
            &self.plan,
            self.next_line,
            &self.missing,
            REGULAR_PART_BYTES,
        ) else {
            return Ok(None);
        };
        let rows = memchr::memchr_iter(b'\n', batch).count() + usize::from(!batch.ends_with(b"\n"));
        self.bytes_per_row = (end / rows).max(1);
        self.start += end;
        let first_line = self.next_line;
        self.next_line += rows as u64;
        let first_row = self.next_row;
        self.next_row += rows as u64;
        Ok(Some(TableChunk {
            table: result?,
            first_line,
            first_row,
            id_column: self.id_column.clone(),
        }))
    }

    fn next_chunk(&mut self) -> Result<Option<TableChunk>, IngestError> {
        let want = (self.bytes_per_row * self.rows_per_chunk).clamp(1 << 16, 1 << 28);
        if self.buf.len() - self.start < want && !self.eof {
            self.fill(want)?;
        }
        if let Some(chunk) = self.next_regular_chunk()? {
            return Ok(Some(chunk));
        }
        loop {
            let avail = &self.buf[self.start..];
            let t = tokenize(
                avail,
                self.delimiter,
                self.plan.n_file_cols,
                self.next_line,
                self.rows_per_chunk,
                BATCH_BYTES,
                self.eof,
            )?;
            let rows = t.chunk.n_rows();
            let batch_full = rows == self.rows_per_chunk || t.consumed >= BATCH_BYTES;
            if rows == 0 && !self.eof && avail.len() > MAX_CHUNK_BYTES {
                return Err(IngestError::RecordTooLong {
                    line: self.next_line,
                    max_bytes: MAX_CHUNK_BYTES,
                });
            }
            if !batch_full && !self.eof {
                let more = avail.len().max(1 << 16);
                self.fill(more)?;
                continue;
            }
            if rows == 0 && t.ragged.total == 0 {
                self.start += t.consumed;
                return Ok(None);
            }
            let first_line = t.chunk.lines.first().copied().unwrap_or(self.next_line);
            let consumed = t.consumed;
            let lines = t.lines_consumed;
            let result = build_table(&self.plan, &[t.chunk], t.ragged, &self.missing);
            if let Some(per_row) = consumed.checked_div(rows) {
                self.bytes_per_row = per_row.max(1);
            }
            self.start += consumed;
            self.next_line += lines;
            let first_row = self.next_row;
            self.next_row += rows as u64;
            let table = result?;
            if !self.kinds_fixed {
                self.plan.fix_kinds(&table);
                self.kinds_fixed = true;
            }
            return Ok(Some(TableChunk {
                table,
                first_line,
                first_row,
                id_column: self.id_column.clone(),
            }));
        }
    }
}

impl<R: Read> Iterator for CsvChunks<R> {
    type Item = Result<TableChunk, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_chunk() {
            Ok(Some(c)) => Some(Ok(c)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                if matches!(
                    e,
                    IngestError::Io { .. }
                        | IngestError::UnclosedQuote { .. }
                        | IngestError::RecordTooLong { .. }
                ) {
                    self.done = true;
                }
                Some(Err(e))
            }
        }
    }
}
