//! The one error type of this crate, and the warnings a read can produce.

use std::fmt;
use std::path::PathBuf;

use crate::table::ColumnKind;

/// Most examples a [`IngestError::BadValues`] or [`IngestError::Many`] keeps; the total count is
/// always reported.
pub const MAX_EXAMPLES: usize = 20;

/// Most header fields a CSV input may have. Wider headers are refused before any name is
/// compared or copied, so a hostile header cannot hold a reader for long.
pub const MAX_HEADER_FIELDS: usize = 100_000;

/// Longest column name an error or warning quotes, in characters; longer names are cut and end
/// in `…`.
pub const MAX_LISTED_NAME_CHARS: usize = 64;

/// A column name as errors and warnings quote it: at most [`MAX_LISTED_NAME_CHARS`] characters.
///
/// ```
/// let long = "x".repeat(100);
/// assert_eq!(pdscore_ingest::listed_name(&long).chars().count(), 65); // 64 and an ellipsis
/// assert_eq!(pdscore_ingest::listed_name("age"), "age");
/// ```
pub fn listed_name(name: &str) -> String {
    match name.char_indices().nth(MAX_LISTED_NAME_CHARS) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_owned(),
    }
}

/// One offending cell: where it is and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCell {
    /// Physical line in the file (header = line 1, first data row = line 2; a quoted field that
    /// spans lines counts every line).
    pub line: u64,
    /// The cell as found (lossily decoded when it is not UTF-8).
    pub value: String,
}

/// Everything that can go wrong while reading or validating data.
///
/// Problems found in one pass (several bad columns, ragged rows, missing and duplicate header
/// names) are reported together in [`IngestError::Many`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The path given.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The input has no bytes (or only a BOM / whitespace).
    #[error("the input is empty: a header line is required")]
    EmptyFile,
    /// The input has a header but no data row.
    #[error("the input has a header ({columns} columns) but no data rows")]
    HeaderOnly {
        /// Number of header fields.
        columns: usize,
    },
    /// Some header names appear more than once.
    #[error("duplicate column names in the header: {}", names.join(", "))]
    DuplicateColumns {
        /// Each duplicated name, once, in file order: the first [`MAX_EXAMPLES`], each cut to
        /// [`MAX_LISTED_NAME_CHARS`] characters.
        names: Vec<String>,
    },
    /// The header has more fields than [`MAX_HEADER_FIELDS`].
    #[error("the header has more than {max} fields (found at least {found})")]
    TooManyColumns {
        /// Fields counted before the reader stopped (more than `max`).
        found: usize,
        /// The limit, [`MAX_HEADER_FIELDS`].
        max: usize,
    },
    /// Columns the schema requires are not in the header.
    #[error("missing required columns: {}", names.join(", "))]
    MissingColumns {
        /// All missing names, in schema order.
        names: Vec<String>,
    },
    /// A header name or a text cell is not valid UTF-8.
    #[error("line {line}, column `{column}`: invalid UTF-8")]
    InvalidUtf8 {
        /// Physical line of the cell.
        line: u64,
        /// Column name (`<header>` for the header line).
        column: String,
    },
    /// A row has a different number of fields than the header.
    #[error("line {line}: expected {expected} fields (as in the header), found {found}")]
    RaggedRow {
        /// Physical line where the row starts.
        line: u64,
        /// Number of header fields.
        expected: usize,
        /// Number of fields in this row.
        found: usize,
    },
    /// One record is longer than the reader handles (1 GiB).
    #[error("line {line}: a record longer than {max_bytes} bytes")]
    RecordTooLong {
        /// Physical line where the record starts.
        line: u64,
        /// The limit.
        max_bytes: usize,
    },
    /// A quoted field is still open at the end of the input.
    #[error("line {line}: a quoted field is never closed")]
    UnclosedQuote {
        /// Physical line where the row with the open quote starts.
        line: u64,
    },
    /// Cells that do not parse as the column's kind. Infinities (`inf`, `-inf`, `1e309`) are bad
    /// numeric values; `1e308` is a valid number.
    #[error(
        "column `{column}` ({kind:?}): {total} bad value(s), e.g. {}",
        fmt_cells(examples)
    )]
    BadValues {
        /// Column name.
        column: String,
        /// The kind the column is parsed as.
        kind: ColumnKind,
        /// Up to [`MAX_EXAMPLES`] offending cells, in file order.
        examples: Vec<BadCell>,
        /// Total number of offending cells in the column.
        total: usize,
    },
    /// The target column has more than two distinct non-missing values.
    #[error("target column `{column}` must have two distinct values, found {}: {}", values.len(), values.join(", "))]
    TargetNotBinary {
        /// Target column name.
        column: String,
        /// Distinct non-missing values found, in order of first appearance.
        values: Vec<String>,
    },
    /// No positive label was given and none of the values is `1`, `true` or `yes`.
    #[error("target column `{column}`: cannot tell which value means default among {}; set the positive value (TargetSpec::positive)", values.join(", "))]
    UnknownPositiveLabel {
        /// Target column name.
        column: String,
        /// Distinct non-missing values found.
        values: Vec<String>,
    },
    /// The declared positive value is not one of the target's two values.
    #[error("target column `{column}`: positive value `{positive}` is not among the values found: {}", values.join(", "))]
    PositiveNotFound {
        /// Target column name.
        column: String,
        /// The declared positive value.
        positive: String,
        /// Distinct non-missing values found.
        values: Vec<String>,
    },
    /// A training set has no positive (defaulting) row.
    #[error(
        "no positive rows: a training set needs at least one row labelled `{positive}` in `{column}`"
    )]
    NoPositiveRows {
        /// Target column name.
        column: String,
        /// The positive value.
        positive: String,
    },
    /// A column named by the caller (target, id, schema override) is not in the table.
    #[error("column `{name}` is not in the table")]
    ColumnNotFound {
        /// The name asked for.
        name: String,
    },
    /// The read options or schema are inconsistent.
    #[error("invalid options: {reason}")]
    InvalidOptions {
        /// What is wrong.
        reason: String,
    },
    /// A schema JSON document could not be parsed or written.
    #[error("schema JSON: {0}")]
    SchemaJson(#[from] serde_json::Error),
    /// A column of a typed input (an Arrow record batch, a Parquet file, a polars frame) has a
    /// data type pdscore cannot read as the kind wanted (`None`: any kind).
    #[error("column `{column}` has type {data_type}, which pdscore cannot read{}", kind.map_or_else(String::new, |k| format!(" as {k:?}")))]
    UnsupportedType {
        /// Column name.
        column: String,
        /// The input's type, as its library prints it (e.g. `Date32`).
        data_type: String,
        /// The kind the schema wants for the column, if any.
        kind: Option<ColumnKind>,
    },
    /// Cells of a typed input (an Arrow record batch, a Parquet file, a polars frame) that are
    /// not values of the column's kind: an infinity in a numeric column (as in CSV), `2` in a
    /// boolean one, text that is not a number. The first offending row is named.
    #[error("column `{column}` ({kind:?}), row {row}: bad value `{value}`{}", if *total > 1 { format!(" ({total} bad values in all)") } else { String::new() })]
    BadValueAt {
        /// Column name.
        column: String,
        /// The kind the column is read as.
        kind: ColumnKind,
        /// Row of the first offending cell, 0-based, counted from the start of the input.
        row: u64,
        /// The first offending cell, as text.
        value: String,
        /// Number of offending cells in the column (of this batch).
        total: usize,
    },
    /// Reading a Parquet file failed (feature `parquet`).
    #[error("parquet: {message}")]
    Parquet {
        /// What went wrong.
        message: String,
    },
    /// Several problems found in one pass.
    #[error("{} problem(s){}:\n{}", errors.len() + omitted, if *omitted > 0 { format!(" ({omitted} more not shown)") } else { String::new() }, ManyList(errors))]
    Many {
        /// Up to [`MAX_EXAMPLES`] problems of each kind, in file order.
        errors: Vec<IngestError>,
        /// Problems found but not kept.
        omitted: usize,
    },
}

impl IngestError {
    /// The individual problems: the inner list of [`IngestError::Many`], else `self` alone.
    pub fn problems(&self) -> &[IngestError] {
        match self {
            IngestError::Many { errors, .. } => errors,
            other => std::slice::from_ref(other),
        }
    }

    /// Folds a list of problems into one error: `None` when empty, the problem itself when
    /// single, else [`IngestError::Many`].
    pub(crate) fn from_problems(mut errors: Vec<IngestError>, omitted: usize) -> Option<Self> {
        match (errors.len(), omitted) {
            (0, 0) => None,
            (1, 0) => errors.pop(),
            _ => Some(IngestError::Many { errors, omitted }),
        }
    }
}

fn fmt_cells(cells: &[BadCell]) -> String {
    cells
        .iter()
        .take(3)
        .map(|c| format!("line {}: `{}`", c.line, c.value))
        .collect::<Vec<_>>()
        .join(", ")
}

struct ManyList<'a>(&'a [IngestError]);

impl fmt::Display for ManyList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  - {e}")?;
        }
        Ok(())
    }
}

/// Something worth telling the caller that does not stop the read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IngestWarning {
    /// Header columns the schema does not mention; they were ignored.
    ExtraColumns {
        /// The ignored names, in file order: the first [`MAX_EXAMPLES`], each cut to
        /// [`MAX_LISTED_NAME_CHARS`] characters.
        names: Vec<String>,
        /// How many columns were ignored.
        total: usize,
    },
}

impl fmt::Display for IngestWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IngestWarning::ExtraColumns { names, total } => {
                write!(f, "ignored columns not in the schema: {}", names.join(", "))?;
                if *total > names.len() {
                    write!(f, " and {} more", total - names.len())?;
                }
                Ok(())
            }
        }
    }
}
