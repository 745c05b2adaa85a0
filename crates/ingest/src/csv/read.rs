//! Reading CSV into a [`Table`]: whole inputs with [`read_csv`], large files in constant memory
//! with [`CsvChunks`].

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::csv::convert::{
    ColumnBuilder, KindFacts, MissingTokens, PartialColumn, convert_chunk_column, merge_column,
};
use crate::csv::regular::{OutputSpec, infer_regular, read_regular};
use crate::csv::tokenize::{MAX_CHUNK_BYTES, Ragged, TokenChunk, detect_delimiter, tokenize};
use crate::error::{IngestError, IngestWarning};
use crate::schema::Schema;
use crate::table::{Column, ColumnData, ColumnKind, Table};

/// The tokens read as a missing value by default: `""`, `NA`, `NaN`, `null`, `None`.
pub const DEFAULT_MISSING_TOKENS: [&str; 5] = ["", "NA", "NaN", "null", "None"];

/// Size of the slices the input is cut into: small enough that a slice and its tokens stay in
/// cache while all its columns are converted.
const CACHE_CHUNK_BYTES: usize = 1 << 19;

/// Size of the parts of the regular fast path ([`crate::csv::regular`]): a part and its field
/// offsets stay in a core's L2 cache (1 MiB here), and the fixed cost per part stays small
/// (measured on the 20 MB bench file: 128 KiB parts cost 8% more CPU than 512 KiB ones).
const REGULAR_PART_BYTES: usize = 1 << 19;

/// Most bytes one streaming batch covers, whatever its row count.
const BATCH_BYTES: usize = MAX_CHUNK_BYTES / 4;

/// Where CSV bytes come from: a file path or bytes in memory.
#[derive(Debug, Clone)]
pub enum CsvSource<'a> {
    /// A file to read whole.
    Path(PathBuf),
    /// Bytes already in memory.
    Bytes(Cow<'a, [u8]>),
}

impl From<&Path> for CsvSource<'_> {
    fn from(p: &Path) -> Self {
        CsvSource::Path(p.to_path_buf())
    }
}
impl From<PathBuf> for CsvSource<'_> {
    fn from(p: PathBuf) -> Self {
        CsvSource::Path(p)
    }
}
impl From<&PathBuf> for CsvSource<'_> {
    fn from(p: &PathBuf) -> Self {
        CsvSource::Path(p.clone())
    }
}
impl<'a> From<&'a [u8]> for CsvSource<'a> {
    fn from(b: &'a [u8]) -> Self {
        CsvSource::Bytes(Cow::Borrowed(b))
    }
}
impl<'a, const N: usize> From<&'a [u8; N]> for CsvSource<'a> {
    fn from(b: &'a [u8; N]) -> Self {
        CsvSource::Bytes(Cow::Borrowed(b))
    }
}
impl From<Vec<u8>> for CsvSource<'_> {
    fn from(b: Vec<u8>) -> Self {
        CsvSource::Bytes(Cow::Owned(b))
    }
}

/// How to read a CSV input. Build with the setters; the defaults read any header CSV with
/// inferred kinds.
///
/// ```
/// use pdscore_ingest::{ReadOptions, Schema};
/// let options = ReadOptions::new().schema(Schema::klarna()).delimiter(b';');
/// assert!(options.check().is_ok());
/// assert!(ReadOptions::new().delimiter(b'"').check().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct ReadOptions {
    delimiter: Option<u8>,
    missing_tokens: Vec<String>,
    schema: Option<Schema>,
    require_target: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: None,
            missing_tokens: DEFAULT_MISSING_TOKENS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            schema: None,
            require_target: false,
        }
    }
}

impl ReadOptions {
    /// The defaults: delimiter detected, [`DEFAULT_MISSING_TOKENS`], no schema (kinds inferred,
    /// every column kept), target not required.
    pub fn new() -> Self {
        Self::default()
    }

    /// Field delimiter. Default: detected from the header line among `;`, `,`, tab and `|`
    /// (the most frequent outside quotes; `,` when none occurs).
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = Some(delimiter);
        self
    }

    /// Cell texts read as missing (compared after trimming whitespace). Default:
    /// [`DEFAULT_MISSING_TOKENS`]. An empty cell is always missing, and so is a literal `NaN`
    /// in a numeric column.
    pub fn missing_tokens<I, S>(mut self, tokens: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.missing_tokens = tokens.into_iter().map(Into::into).collect();
        self
    }

    /// Parse the columns the schema declares, as declared; other columns are dropped with an
    /// [`IngestWarning::ExtraColumns`]. Default: none (every column kept, kinds inferred).
    pub fn schema(mut self, schema: Schema) -> Self {
        self.schema = Some(schema);
        self
    }

    /// Whether the schema's target column must be present (training). Default: `false`
    /// (scoring files may lack it; it is read when present).
    pub fn require_target(mut self, require: bool) -> Self {
        self.require_target = require;
        self
    }

    /// The schema, if one was set.
    pub fn schema_ref(&self) -> Option<&Schema> {
        self.schema.as_ref()
    }

    /// Checks the options for contradictions.
    pub fn check(&self) -> Result<(), IngestError> {
        if let Some(d) = self.delimiter
            && matches!(d, b'"' | b'\n' | b'\r')
        {
            return Err(IngestError::InvalidOptions {
                reason: format!(
                    "delimiter {:?} cannot be a quote or a line break",
                    d as char
                ),
            });
        }
        if let Some(d) = self.delimiter
            && self
                .missing_tokens
                .iter()
                .any(|t| t.as_bytes().contains(&d))
        {
            return Err(IngestError::InvalidOptions {
                reason: "a missing token contains the delimiter".into(),
            });
        }
        if self.require_target && self.schema.as_ref().is_none_or(|s| s.target.is_none()) {
            return Err(IngestError::InvalidOptions {
                reason: "require_target needs a schema with a target column".into(),
            });
        }
        if let Some(schema) = &self.schema {
            schema.check()?;
        }
        Ok(())
    }
}

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

impl Conversion {
    /// The kind to parse as once inference is done (`None`: raw text).
    pub(crate) fn resolved(self, facts: KindFacts) -> Option<ColumnKind> {
        match self {
            Conversion::Kind(k) => Some(k),
            Conversion::Raw => None,
            Conversion::Infer => Some(facts.kind()),
        }
    }
}

/// Which file column feeds each output column, and how.
#[derive(Debug, Clone)]
struct Plan {
    n_file_cols: usize,
    outputs: Vec<(usize, String, Conversion)>,
    warnings: Vec<IngestWarning>,
}

impl Plan {
    fn new(header: &[String], options: &ReadOptions) -> Result<Plan, IngestError> {
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        let mut dups: Vec<String> = Vec::new();
        for name in header {
            if !seen.insert(name.as_str()) && !dups.contains(name) {
                dups.push(name.clone());
            }
        }
        if !dups.is_empty() {
            problems.push(IngestError::DuplicateColumns { names: dups });
        }
        let position = |name: &str| header.iter().position(|h| h == name);
        let mut outputs = Vec::new();
        let mut warnings = Vec::new();
        if let Some(schema) = &options.schema {
            let mut missing = Vec::new();
            let mut want = |name: &str, conv: Conversion, required: bool| match position(name) {
                Some(i) => outputs.push((i, name.to_owned(), conv)),
                None if required => missing.push(name.to_owned()),
                None => {}
            };
            if let Some(id) = &schema.id {
                want(id, Conversion::Raw, true);
            }
            if let Some(t) = &schema.target {
                want(
                    &t.column,
                    Conversion::Kind(ColumnKind::Categorical),
                    options.require_target,
                );
            }
            for f in &schema.features {
                want(&f.name, Conversion::Kind(f.kind), true);
            }
            if !missing.is_empty() {
                problems.push(IngestError::MissingColumns { names: missing });
            }
            let extra: Vec<String> = header
                .iter()
                .filter(|h| !schema.mentions(h))
                .cloned()
                .collect();
            if !extra.is_empty() {
                warnings.push(IngestWarning::ExtraColumns { names: extra });
            }
        } else {
            outputs = header
                .iter()
                .enumerate()
                .map(|(i, h)| (i, h.clone(), Conversion::Infer))
                .collect();
        }
        if let Some(e) = IngestError::from_problems(problems, 0) {
            return Err(e);
        }
        Ok(Plan {
            n_file_cols: header.len(),
            outputs,
            warnings,
        })
    }

    /// Converts tokenized chunks into a table, collecting every problem (ragged rows first).
    ///
    /// Work is parallel over chunks (each chunk is small enough to stay in cache while all its
    /// columns are converted); the per-chunk parts are then joined column by column.
    fn build(
        &self,
        chunks: &[TokenChunk<'_>],
        ragged: Ragged,
        missing: &MissingTokens,
    ) -> Result<Table, IngestError> {
        let needs_facts = self.outputs.iter().any(|o| o.2 == Conversion::Infer);
        let facts: Vec<KindFacts> = if needs_facts {
            chunks
                .par_iter()
                .map(|chunk| {
                    self.outputs
                        .iter()
                        .map(|(i, _, conv)| {
                            if *conv == Conversion::Infer {
                                KindFacts::of_chunk(chunk, *i, missing)
                            } else {
                                KindFacts::default()
                            }
                        })
                        .collect::<Vec<_>>()
                })
                .reduce(
                    || vec![KindFacts::default(); self.outputs.len()],
                    |a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect(),
                )
        } else {
            vec![KindFacts::default(); self.outputs.len()]
        };
        let kinds: Vec<Option<ColumnKind>> = self
            .outputs
            .iter()
            .zip(&facts)
            .map(|((_, _, conv), f)| conv.resolved(*f))
            .collect();
        // One work item per (chunk, column), chunk-major: rayon hands out contiguous ranges,
        // so a thread converts the columns of one chunk while its bytes are in cache, and a
        // single chunk (a streaming batch) is still converted in parallel over columns.
        let n_out = self.outputs.len();
        let parts: Vec<PartialColumn> = (0..chunks.len() * n_out)
            .into_par_iter()
            .map(|k| {
                let (chunk, out) = (&chunks[k / n_out], k % n_out);
                convert_chunk_column(chunk, self.outputs[out].0, kinds[out], missing)
            })
            .collect();
        let mut per_column: Vec<Vec<PartialColumn>> = (0..n_out)
            .map(|_| Vec::with_capacity(chunks.len()))
            .collect();
        for (k, part) in parts.into_iter().enumerate() {
            per_column[k % n_out].push(part);
        }
        self.assemble(per_column, &kinds, ragged)
    }

    /// Joins each column's parts and collects every problem (ragged rows first).
    fn assemble(
        &self,
        per_column: Vec<Vec<PartialColumn>>,
        kinds: &[Option<ColumnKind>],
        ragged: Ragged,
    ) -> Result<Table, IngestError> {
        let results: Vec<Result<ColumnData, IngestError>> = per_column
            .into_par_iter()
            .zip(self.outputs.par_iter().zip(kinds.par_iter()))
            .map(|(parts, ((_, name, _), kind))| merge_column(parts, name, *kind))
            .collect();
        let omitted = ragged.total - ragged.examples.len();
        let mut problems = ragged.examples;
        let mut columns = Vec::with_capacity(results.len());
        for (r, (_, name, _)) in results.into_iter().zip(&self.outputs) {
            match r {
                Ok(data) => columns.push(Column {
                    name: name.clone(),
                    data,
                }),
                Err(e) => problems.push(e),
            }
        }
        if let Some(e) = IngestError::from_problems(problems, omitted) {
            return Err(e);
        }
        Table::new(columns).map_err(|reason| IngestError::InvalidOptions { reason })
    }

    /// Replaces inferred conversions by the kinds found in `table` (for streaming).
    fn fix_kinds(&mut self, table: &Table) {
        for ((_, _, conv), column) in self.outputs.iter_mut().zip(table.columns()) {
            if *conv == Conversion::Infer {
                *conv = Conversion::Kind(column.data.kind());
            }
        }
    }
}

/// Strips a UTF-8 BOM.
fn strip_bom(buf: &[u8]) -> &[u8] {
    buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf)
}

/// The header: names, bytes consumed (including leading blank lines) and lines consumed.
/// `Ok(None)` when more bytes are needed (streaming, not at EOF).
fn parse_header(
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
            _ if b == delimiter && !in_quotes => n_fields += 1,
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
    let table = plan.build(&chunks, ragged, &missing)?;
    Ok(CsvRead {
        table,
        warnings: plan.warnings,
        delimiter,
    })
}

/// Cuts a quote-free body after line ends into cache-sized parts.
fn split_at_lines(body: &[u8]) -> Vec<(usize, usize)> {
    let threads = rayon::current_num_threads().max(1);
    let target = (body.len() / (threads * 4)).clamp(1 << 16, CACHE_CHUNK_BYTES);
    crate::csv::tokenize::split_after_lines(body, target)
}

/// A part's error with its line made absolute: parts number their lines from 0, and `first_line`
/// is the file line of the part's first line.
fn shift_part_line(error: IngestError, first_line: u64) -> IngestError {
    match error {
        IngestError::RecordTooLong { line, max_bytes } => IngestError::RecordTooLong {
            line: first_line + line,
            max_bytes,
        },
        other => other,
    }
}

/// The kinds the plan parses as (`None`: raw text), once no inference is left.
fn fixed_kinds(plan: &Plan) -> Vec<Option<ColumnKind>> {
    plan.outputs
        .iter()
        .map(|(_, _, conv)| conv.resolved(KindFacts::default()))
        .collect()
}

/// The regular fast path for a plan with inferred kinds: one parallel pass gathers the facts
/// of the inferred columns, then the body is read with the kinds found. `None` when the body
/// is not regular.
fn read_plain_regular_inferred(
    body: &[u8],
    delimiter: u8,
    plan: &Plan,
    first_line: u64,
    missing: &MissingTokens,
    part_bytes: usize,
) -> Option<Result<Table, IngestError>> {
    let inferred: Vec<usize> = plan
        .outputs
        .iter()
        .filter(|o| o.2 == Conversion::Infer)
        .map(|o| o.0)
        .collect();
    let facts = infer_regular(
        body,
        delimiter,
        plan.n_file_cols,
        &inferred,
        missing,
        part_bytes,
    )?;
    let mut fixed = plan.clone();
    let mut facts = facts.into_iter();
    for output in &mut fixed.outputs {
        if output.2 == Conversion::Infer {
            output.2 = Conversion::Kind(facts.next()?.kind());
        }
    }
    read_plain_regular(body, delimiter, &fixed, first_line, missing, part_bytes)
}

/// [`crate::csv::regular`] on a plan, in parts of about `part_bytes`: `None` when the body is not
/// regular.
fn read_plain_regular(
    body: &[u8],
    delimiter: u8,
    plan: &Plan,
    first_line: u64,
    missing: &MissingTokens,
    part_bytes: usize,
) -> Option<Result<Table, IngestError>> {
    let kinds = fixed_kinds(plan);
    let specs: Vec<OutputSpec<'_>> = plan
        .outputs
        .iter()
        .zip(&kinds)
        .map(|((file_column, name, _), kind)| OutputSpec {
            file_column: *file_column,
            name,
            kind: *kind,
        })
        .collect();
    let result = read_regular(
        body,
        delimiter,
        plan.n_file_cols,
        &specs,
        first_line,
        missing,
        part_bytes,
    )?;
    Some(result.and_then(|data| {
        let columns = data
            .into_iter()
            .zip(&plan.outputs)
            .map(|(data, (_, name, _))| Column {
                name: name.clone(),
                data,
            })
            .collect();
        Table::new(columns).map_err(|reason| IngestError::InvalidOptions { reason })
    }))
}

/// The general path for a quote-free body with known kinds: each part is parsed straight into
/// typed columns (no intermediate field list), parts in parallel, then joined. Handles blank
/// lines and ragged rows.
fn read_plain_general(
    body: &[u8],
    delimiter: u8,
    plan: &Plan,
    first_line: u64,
    missing: &MissingTokens,
) -> Result<Table, IngestError> {
    let kinds = fixed_kinds(plan);
    let mut targets = vec![None; plan.n_file_cols];
    for (out, (file_col, _, _)) in plan.outputs.iter().enumerate() {
        targets[*file_col] = Some(out);
    }
    let parts: Vec<Result<PlainPart, IngestError>> = split_at_lines(body)
        .par_iter()
        .map(|&(s, e)| parse_plain_part(&body[s..e], delimiter, &targets, &kinds, missing))
        .collect();
    let mut per_column: Vec<Vec<PartialColumn>> = kinds.iter().map(|_| Vec::new()).collect();
    let mut ragged = Ragged::default();
    let mut line = first_line;
    let mut n_rows = 0;
    for part in parts {
        let mut part = part.map_err(|e| shift_part_line(e, line))?;
        part.ragged.shift_lines(line);
        ragged.merge(part.ragged);
        for (column, mut p) in per_column.iter_mut().zip(part.columns) {
            p.shift_lines(line);
            column.push(p);
        }
        line += part.lines;
        n_rows += part.rows;
    }
    if n_rows == 0 && ragged.total == 0 {
        return Err(IngestError::HeaderOnly {
            columns: plan.n_file_cols,
        });
    }
    plan.assemble(per_column, &kinds, ragged)
}

/// One part parsed by [`parse_plain_part`]; lines are numbered from 0.
struct PlainPart {
    columns: Vec<PartialColumn>,
    rows: usize,
    lines: u64,
    ragged: Ragged,
}

/// Parses a quote-free slice (ending at a line end or the input's end) into typed parts.
/// `targets[c]` is the output fed by file column `c`, if any.
fn parse_plain_part(
    buf: &[u8],
    delimiter: u8,
    targets: &[Option<usize>],
    kinds: &[Option<ColumnKind>],
    missing: &MissingTokens,
) -> Result<PlainPart, IngestError> {
    let n_cols = targets.len();
    let estimate = memchr::memchr_iter(b'\n', buf).count() + 1;
    let mut builders: Vec<ColumnBuilder<'_>> = kinds
        .iter()
        .map(|k| ColumnBuilder::new(*k, estimate))
        .collect();
    let mut ragged = Ragged::default();
    let (mut rows, mut line) = (0usize, 0u64);
    let (mut pos, mut field_start, mut found) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i <= buf.len() {
        let b = buf.get(i).copied().unwrap_or(b'\n');
        if b == delimiter && i < buf.len() {
            if let Some(Some(out)) = targets.get(found) {
                builders[*out].push(&buf[field_start..i], line, missing);
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
            let mut content_end = i;
            if content_end > field_start && buf[content_end - 1] == b'\r' {
                content_end -= 1;
            }
            let blank = found == 0 && content_end == pos;
            if !blank {
                if let Some(Some(out)) = targets.get(found) {
                    builders[*out].push(&buf[field_start..content_end], line, missing);
                }
                found += 1;
                if found == n_cols {
                    rows += 1;
                } else {
                    ragged.push(line, n_cols, found);
                    for builder in &mut builders {
                        builder.truncate(rows);
                    }
                }
            }
            if i < buf.len() || !blank {
                line += 1;
            }
            found = 0;
            pos = i + 1;
            field_start = pos;
        }
        i += 1;
    }
    Ok(PlainPart {
        columns: builders.into_iter().map(ColumnBuilder::finish).collect(),
        rows,
        lines: line,
        ragged,
    })
}

/// Splits a quote-free body at line ends into chunks and tokenizes them in parallel.
fn tokenize_parallel(
    body: &[u8],
    delimiter: u8,
    n_cols: usize,
    first_line: u64,
) -> Result<(Vec<TokenChunk<'_>>, Ragged), IngestError> {
    let bounds = split_at_lines(body);
    let parts: Vec<_> = bounds
        .par_iter()
        .map(|&(s, e)| {
            tokenize(
                &body[s..e],
                delimiter,
                n_cols,
                0,
                usize::MAX,
                MAX_CHUNK_BYTES,
                true,
            )
        })
        .collect();
    let mut chunks = Vec::with_capacity(parts.len());
    let mut ragged = Ragged::default();
    let mut line = first_line;
    for part in parts {
        let mut t = part.map_err(|e| shift_part_line(e, line))?;
        t.chunk.shift_lines(line);
        t.ragged.shift_lines(line);
        line += t.lines_consumed;
        ragged.merge(t.ragged);
        chunks.push(t.chunk);
    }
    Ok((chunks, ragged))
}

/// Tokenizes a body with quotes from start to end.
fn tokenize_sequential(
    body: &[u8],
    delimiter: u8,
    n_cols: usize,
    first_line: u64,
) -> Result<(Vec<TokenChunk<'_>>, Ragged), IngestError> {
    let mut chunks = Vec::new();
    let mut ragged = Ragged::default();
    let mut pos = 0;
    let mut line = first_line;
    while pos < body.len() {
        let t = tokenize(
            &body[pos..],
            delimiter,
            n_cols,
            line,
            usize::MAX,
            CACHE_CHUNK_BYTES,
            true,
        )?;
        if t.consumed == 0 {
            break;
        }
        pos += t.consumed;
        line += t.lines_consumed;
        ragged.merge(t.ragged);
        chunks.push(t.chunk);
    }
    Ok((chunks, ragged))
}

/// One batch of rows from [`CsvChunks`].
#[derive(Debug, Clone)]
pub struct TableChunk {
    /// The rows, typed with the reader's fixed kinds.
    pub table: Table,
    /// Physical line of the first row of this chunk in the file.
    pub first_line: u64,
    /// Index of this chunk's first row among all data rows of the file (0-based).
    pub first_row: u64,
    id_column: Option<String>,
}

impl TableChunk {
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

    /// The next batch through the regular fast path ([`crate::csv::regular`]), when the kinds are
    /// fixed and the batch is regular (which includes quote-free); `Ok(None)` to take the general path
    /// (which gives the same batch, slower).
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
            let result = self.plan.build(&[t.chunk], t.ragged, &self.missing);
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The header of the generated files and the schema that reads them: an id, a target, and
    /// one feature of each kind (two numeric).
    const HEADER: [&str; 6] = ["id", "label", "x", "y", "flag", "group"];

    fn schema() -> Schema {
        Schema::new()
            .with_id("id")
            .with_target("label", None)
            .with_kind("x", ColumnKind::Numeric)
            .with_kind("y", ColumnKind::Numeric)
            .with_kind("flag", ColumnKind::Boolean)
            .with_kind("group", ColumnKind::Categorical)
    }

    /// Cells that exercise every branch of the conversions: short and long numbers, signs,
    /// exponents, dots at the ends, infinities, missing tokens, junk, padding, canonical
    /// levels, long levels and invalid UTF-8.
    const CELLS: [&[u8]; 34] = [
        b"0",
        b"1",
        b"-0",
        b"42",
        b"-7",
        b"15.4799",
        b"16.939657",
        b"12345678",
        b"123456789",
        b"0.5",
        b"1.",
        b".5",
        b"-.5",
        b"5e+05",
        b"1e400",
        b"inf",
        b"-inf",
        b"NaN",
        b"NA",
        b"",
        b"null",
        b" NA ",
        b"None",
        b"abc",
        b"1 2",
        b" 3.25 ",
        b"True",
        b"false",
        b"1.0",
        b"-3.00",
        b"Diversified entertainment",
        b"no_match",
        b"\xff\xfe",
        b"a\xffb",
    ];

    fn body_strategy() -> impl Strategy<Value = (Vec<u8>, bool, bool)> {
        let row = proptest::collection::vec(0..CELLS.len(), HEADER.len());
        (
            proptest::collection::vec(row, 1..40),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(rows, crlf, final_newline)| {
                let mut body = Vec::new();
                for (r, cells) in rows.iter().enumerate() {
                    if r > 0 {
                        body.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                    }
                    for (c, &cell) in cells.iter().enumerate() {
                        if c > 0 {
                            body.push(b';');
                        }
                        body.extend_from_slice(CELLS[cell]);
                    }
                }
                if final_newline {
                    body.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
                (body, crlf, final_newline)
            })
    }

    /// A comparable rendering of a read (tables hold `NaN`, which is not equal to itself).
    fn render(result: &Result<Table, IngestError>) -> String {
        match result {
            Ok(table) => format!("{table:?}"),
            Err(e) => format!("error: {e:?}"),
        }
    }

    fn plan() -> Plan {
        let header: Vec<String> = HEADER.iter().map(|h| (*h).to_owned()).collect();
        Plan::new(&header, &ReadOptions::new().schema(schema())).expect("plan")
    }

    proptest! {
        #[test]
        fn regular_path_matches_general_path(
            (body, _crlf, _final_newline) in body_strategy(),
            part_bytes in 1usize..200,
        ) {
            let plan = plan();
            let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
            let general = read_plain_general(&body, b';', &plan, 2, &missing);
            let regular = read_plain_regular(&body, b';', &plan, 2, &missing, part_bytes);
            prop_assert!(regular.is_some(), "a regular body was declined");
            prop_assert_eq!(render(&regular.expect("checked")), render(&general));
        }
    }

    /// Short cells probe the caches untrimmed first: the same values padded and unpadded, in
    /// both orders, with line ends `\n` and `\r\n`, read as the general path reads them (the
    /// same table, or the same error listing every bad flag).
    #[test]
    fn padded_and_unpadded_repeats_read_as_the_general_path_reads_them() {
        let plan = plan();
        let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
        let cells = [
            ("5", "g"),
            (" 5", " g"),
            ("5 ", "g "),
            ("\t5\t", "\tg"),
            (" NA", "NA "),
            ("NA", " NA "),
            ("-1.5 ", " h"),
            ("-1.5", "h"),
            ("1 2", "g h"),
        ];
        // Flags, repeated bad ones included (each must be reported, none cached).
        let flags = [
            "True", " True", "False ", "NA", " NA", "1", "0.0", "maybe", " maybe", "false",
        ];
        for line_end in ["\n", "\r\n"] {
            for order in [false, true] {
                let mut body = String::new();
                for r in 0..4 * cells.len() {
                    let (x, group) = if order {
                        cells[cells.len() - 1 - r % cells.len()]
                    } else {
                        cells[r % cells.len()]
                    };
                    body.extend([
                        "id",
                        &r.to_string(),
                        ";0;",
                        x,
                        ";",
                        x,
                        ";",
                        flags[r % flags.len()],
                        ";",
                        group,
                        line_end,
                    ]);
                }
                let general = read_plain_general(body.as_bytes(), b';', &plan, 2, &missing);
                let regular = read_plain_regular(body.as_bytes(), b';', &plan, 2, &missing, 64)
                    .expect("a regular body");
                assert_eq!(render(&regular), render(&general), "{body}");
                assert!(render(&general).contains("maybe"), "bad flags are reported");
            }
        }
    }

    /// Thousands of ids (more than the regular path joins with a hash map), all distinct or with
    /// repeats and missing ids, read in small parts: the regular path gives the general path's
    /// table.
    #[test]
    fn many_ids_read_as_the_general_path_reads_them() {
        let plan = plan();
        let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
        for repeats in [false, true] {
            let mut body = Vec::new();
            for row in 0..6000_u32 {
                let id = match row % 1000 {
                    999 if repeats => String::from("NA"),
                    998 if repeats => format!("{:08x}-repeat", row % 3),
                    _ => format!(
                        "{:08x}-4f1c-9e2b-{row:012}",
                        row.wrapping_mul(2_654_435_761)
                    ),
                };
                body.extend_from_slice(
                    format!(
                        "{id};{};{}.5;{};True;g{}\n",
                        row % 2,
                        row % 13,
                        row,
                        row % 5
                    )
                    .as_bytes(),
                );
            }
            let general = read_plain_general(&body, b';', &plan, 2, &missing);
            let regular =
                read_plain_regular(&body, b';', &plan, 2, &missing, 4096).expect("a regular body");
            assert_eq!(render(&regular), render(&general), "repeats: {repeats}");
            let table = regular.expect("read");
            let ids = match &table.column("id").expect("id").data {
                ColumnData::Categorical(c) => c.dictionary.len(),
                other => panic!("id read as {other:?}"),
            };
            assert_eq!(ids, if repeats { 6000 - 12 + 3 } else { 6000 });
        }
    }

    /// Only cells each column reads without error, so that whole tables are compared.
    fn clean_body_strategy() -> impl Strategy<Value = Vec<u8>> {
        let text: &[&str] = &[
            "a",
            "Books & Magazines",
            "123456789.00",
            "123456789",
            "Diversified electronics",
            "Diversified entertainment",
            "no_match",
            " F+L ",
            "1.0",
            "1",
            "NA",
            "",
        ];
        let label: &[&str] = &["0", "1", "NA", "", "1.0"];
        let number: &[&str] = &[
            "0",
            "-0",
            "42",
            "15.4799",
            "-16.939657",
            "12345678",
            "123456789.5",
            "1.",
            ".5",
            "5e+05",
            "NaN",
            "NA",
            "",
            " 7 ",
            "0.1",
        ];
        let flag: &[&str] = &["True", "false", "1", "0", "NA", ""];
        let choices = [text, label, number, number, flag, text];
        let row = choices
            .map(|c| proptest::sample::select(c.to_vec()))
            .to_vec();
        proptest::collection::vec(row, 1..60).prop_map(|rows| {
            rows.iter()
                .map(|cells| cells.join(";") + "\n")
                .collect::<String>()
                .into_bytes()
        })
    }

    proptest! {
        #[test]
        fn regular_path_matches_general_path_on_clean_tables(
            body in clean_body_strategy(),
            part_bytes in 1usize..300,
        ) {
            let plan = plan();
            let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
            let general = read_plain_general(&body, b';', &plan, 2, &missing);
            prop_assert!(general.is_ok());
            let regular = read_plain_regular(&body, b';', &plan, 2, &missing, part_bytes);
            prop_assert_eq!(render(&regular.expect("regular")), render(&general));
        }
    }

    /// A file of four columns, each of one flavour (numbers, boolean words, 0/1, text, all
    /// missing), so inference meets every kind.
    fn inferred_file_strategy() -> impl Strategy<Value = Vec<u8>> {
        const FLAVOURS: [&[&str]; 5] = [
            &[
                "0",
                "-1.5",
                "15.4799",
                "5e+05",
                "NA",
                "",
                "NaN",
                "123456789",
            ],
            &["True", "false", "1", "0", "NA", ""],
            &["0", "1", "NA", "", "1.0"],
            &["a", "1", "Books & Magazines", "NA", "2.0", ""],
            &["NA", "", "null"],
        ];
        proptest::collection::vec(0..FLAVOURS.len(), 4)
            .prop_flat_map(|flavours| {
                let row = flavours
                    .iter()
                    .map(|&f| proptest::sample::select(FLAVOURS[f].to_vec()))
                    .collect::<Vec<_>>();
                proptest::collection::vec(row, 1..60)
            })
            .prop_map(|rows| {
                let mut file = String::from("a;b;c;d\n");
                for cells in rows {
                    file += &cells.join(";");
                    file.push('\n');
                }
                file.into_bytes()
            })
    }

    /// The general inferring read (tokenize, gather facts, convert), as `read_bytes` does for
    /// a body the regular path declines.
    fn read_inferred_general(file: &[u8]) -> Result<Table, IngestError> {
        let options = ReadOptions::new();
        let (header, consumed, lines) = parse_header(file, b';', true)?.expect("a header");
        let plan = Plan::new(&header, &options)?;
        let missing = MissingTokens::new(&options.missing_tokens);
        let (chunks, ragged) =
            tokenize_parallel(&file[consumed..], b';', plan.n_file_cols, 1 + lines)?;
        plan.build(&chunks, ragged, &missing)
    }

    proptest! {
        #[test]
        fn regular_inference_matches_general_inference(
            file in inferred_file_strategy(),
            part_bytes in 1usize..200,
        ) {
            let general = render(&read_inferred_general(&file));
            prop_assert_eq!(&render(&read_csv(file.as_slice(), &ReadOptions::new())), &general);
            let options = ReadOptions::new();
            let (header, consumed, _) = parse_header(&file, b';', true)
                .expect("header")
                .expect("a header");
            let plan = Plan::new(&header, &options).expect("plan");
            let missing = MissingTokens::new(&options.missing_tokens);
            let regular = read_plain_regular_inferred(
                &file[consumed..], b';', &plan, 2, &missing, part_bytes,
            );
            prop_assert_eq!(render(&regular.expect("regular")), general);
        }
    }

    #[test]
    fn irregular_bodies_take_the_general_path_with_its_errors() {
        let plan = plan();
        let missing = MissingTokens::new(&ReadOptions::new().missing_tokens);
        let quoted = b"a;1;2;3;True;g\nb;1;2;3;True;\"g;h\"\n";
        assert!(read_plain_regular(quoted, b';', &plan, 2, &missing, 16).is_none());
        for body in [
            &b"a;1;2;3;True;g\n\nb;1;2;3;True;g\n"[..],
            b"a;1;2;3;True;g\nb;1;2\nc;1;2;3;True;g;extra\n",
            b"a;1;2;3;True;g\n\r\n",
        ] {
            assert!(read_plain_regular(body, b';', &plan, 2, &missing, 16).is_none());
            let mut file = HEADER.join(";").into_bytes();
            file.push(b'\n');
            file.extend_from_slice(body);
            let whole = read_csv(file.as_slice(), &ReadOptions::new().schema(schema()));
            let general = read_plain_general(body, b';', &plan, 2, &missing);
            assert_eq!(render(&whole), render(&general));
        }
    }
}
