//! The one error type of this crate, and its rendering as RFC 9457 problem details.
//!
//! Every error a request can meet maps to a [`Problem`]: a stable `type` URI, a short `title`,
//! the HTTP status, a `detail` sentence and, for data errors, the offending cells in `errors`
//! (row, column, value, message). Bad input is always a 4xx; only a fault of the server itself
//! (a model that fails on a well-formed table, a template bug) is a 500.

use std::net::SocketAddr;

use axum::http::StatusCode;
use pdscore::features::FeatureError;
use pdscore::ingest::IngestError;
use pdscore::pipeline::PipelineError;
use serde::Serialize;

/// Everything that can go wrong in the web app: at start-up (configuration, model, socket) or
/// while answering a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebError {
    /// A limit or setting of [`crate::ServeConfig`] is out of range.
    #[error("invalid setting `{name}` = {value}: {reason}")]
    InvalidSetting {
        /// Setting name, as in the setter.
        name: &'static str,
        /// The offending value, formatted.
        value: String,
        /// What the valid values are.
        reason: &'static str,
    },
    /// The model file could not be loaded, or the start-up training failed.
    #[error("cannot load the model: {0}")]
    Model(#[source] PipelineError),
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
    /// The uploaded data could not be read or scored (ingest and preprocessing errors).
    #[error(transparent)]
    Data(#[from] PipelineError),
    /// The request body has a media type this endpoint does not accept.
    #[error("unsupported media type `{found}`; send {expected}")]
    UnsupportedMediaType {
        /// The `Content-Type` received (empty when absent).
        found: String,
        /// What the endpoint accepts.
        expected: &'static str,
    },
    /// The request body is larger than the upload limit.
    #[error("the upload is larger than the limit of {limit_bytes} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit_bytes: usize,
    },
    /// The upload has more data rows than the row limit.
    #[error("the upload has {rows} rows; the limit is {limit}")]
    TooManyRows {
        /// Rows found.
        rows: usize,
        /// The limit.
        limit: usize,
    },
    /// The request is malformed (no file in the form, broken multipart, ...).
    #[error("bad request: {reason}")]
    BadRequest {
        /// What is wrong.
        reason: String,
    },
    /// The JSON body does not parse, or is not `{"rows": [...]}`.
    #[error("invalid JSON at line {line}, column {column}: {reason}")]
    InvalidJson {
        /// Line of the JSON text (1-based).
        line: usize,
        /// Column of the JSON text (1-based).
        column: usize,
        /// The parser's message.
        reason: String,
    },
    /// JSON rows hold values that cannot be a table cell (objects, arrays), or a row is not an
    /// object.
    #[error("{} bad value(s) in the JSON rows", cells.len() + not_listed)]
    BadJsonValues {
        /// The offending cells, at most [`pdscore::ingest::MAX_EXAMPLES`].
        cells: Vec<CellError>,
        /// Offending cells counted but not listed.
        not_listed: usize,
    },
    /// The JSON body has an empty `rows` array.
    #[error("`rows` is empty: send at least one row")]
    NoRows,
    /// No result or page with this id (unknown, expired or evicted).
    #[error("not found: {what}")]
    NotFound {
        /// What was asked for.
        what: String,
    },
    /// The request took longer than the request timeout.
    #[error("the request did not finish within {seconds} s")]
    Timeout {
        /// The timeout in seconds.
        seconds: f64,
    },
    /// A fault of the server (not of the input).
    #[error("internal error: {reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
}

/// One offending cell or field of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    /// Data row, counted from 1 (the first row after the CSV header, or `rows[0]` of a JSON
    /// body). `None` when the problem is not tied to a row (e.g. a missing column).
    pub row: Option<u64>,
    /// Physical line of the CSV file (header = line 1), for CSV input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Column name, when known.
    pub column: Option<String>,
    /// The offending value as found, when there is one.
    pub value: Option<String>,
    /// What is wrong with it.
    pub message: String,
}

/// An RFC 9457 problem details document (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// A URI naming the problem class, e.g. `urn:pdscore:problem:missing-columns`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the problem class.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this request.
    pub detail: String,
    /// The offending cells or columns (empty when the problem is not about data).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<CellError>,
    /// Count of further offending cells that are not listed in `errors`.
    #[serde(skip_serializing_if = "is_zero")]
    pub errors_not_listed: usize,
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Problem {
    fn new(slug: &str, title: &str, status: StatusCode, detail: String) -> Self {
        Problem {
            kind: format!("urn:pdscore:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors: Vec::new(),
            errors_not_listed: 0,
        }
    }

    fn with_errors(mut self, errors: Vec<CellError>) -> Self {
        self.errors = errors;
        self
    }

    /// The status as a [`StatusCode`].
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl WebError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        self.problem().status_code()
    }

    /// This error as problem details.
    pub fn problem(&self) -> Problem {
        let detail = self.to_string();
        match self {
            WebError::InvalidSetting { .. }
            | WebError::Model(_)
            | WebError::Bind { .. }
            | WebError::Serve(_)
            | WebError::Internal { .. } => Problem::new(
                "internal",
                "Internal server error",
                StatusCode::INTERNAL_SERVER_ERROR,
                detail,
            ),
            WebError::Data(error) => pipeline_problem(error),
            WebError::UnsupportedMediaType { .. } => Problem::new(
                "unsupported-media-type",
                "Unsupported media type",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                detail,
            ),
            WebError::PayloadTooLarge { .. } => Problem::new(
                "payload-too-large",
                "Upload too large",
                StatusCode::PAYLOAD_TOO_LARGE,
                detail,
            ),
            WebError::TooManyRows { .. } => Problem::new(
                "too-many-rows",
                "Too many rows",
                StatusCode::PAYLOAD_TOO_LARGE,
                detail,
            ),
            WebError::BadRequest { .. } => Problem::new(
                "bad-request",
                "Bad request",
                StatusCode::BAD_REQUEST,
                detail,
            ),
            WebError::InvalidJson { .. } => Problem::new(
                "invalid-json",
                "Invalid JSON",
                StatusCode::BAD_REQUEST,
                detail,
            ),
            WebError::BadJsonValues { cells, not_listed } => {
                let mut problem = Problem::new(
                    "bad-values",
                    "Values that cannot be read",
                    StatusCode::UNPROCESSABLE_ENTITY,
                    detail,
                )
                .with_errors(cells.clone());
                problem.errors_not_listed = *not_listed;
                problem
            }
            WebError::NoRows => Problem::new(
                "no-rows",
                "No rows to score",
                StatusCode::UNPROCESSABLE_ENTITY,
                detail,
            ),
            WebError::NotFound { .. } => {
                Problem::new("not-found", "Not found", StatusCode::NOT_FOUND, detail)
            }
            WebError::Timeout { .. } => Problem::new(
                "timeout",
                "Request timed out",
                StatusCode::SERVICE_UNAVAILABLE,
                detail,
            ),
        }
    }

    /// Problem details whose CSV lines are mapped back to the caller's rows with
    /// `row_of_line` (JSON input: the CSV built from the rows has its own line numbers).
    pub(crate) fn problem_with_rows(&self, row_of_line: impl Fn(u64) -> Option<u64>) -> Problem {
        let mut problem = self.problem();
        for e in &mut problem.errors {
            if let Some(line) = e.line.take() {
                e.row = row_of_line(line);
            }
        }
        problem
    }
}

/// Problem details of a pipeline error: ingest and preprocessing errors are the user's data;
/// anything else is the server's fault.
fn pipeline_problem(error: &PipelineError) -> Problem {
    match error {
        PipelineError::Ingest(e) => ingest_problem(e),
        PipelineError::Features(e) => features_problem(e),
        PipelineError::NotExplainable(_) => Problem::new(
            "not-explainable",
            "This model cannot give reasons",
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{error}; ask without `explain`"),
        ),
        other => Problem::new(
            "internal",
            "Internal server error",
            StatusCode::INTERNAL_SERVER_ERROR,
            other.to_string(),
        ),
    }
}

fn features_problem(error: &FeatureError) -> Problem {
    let detail = error.to_string();
    let unprocessable = |slug, title, errors| {
        Problem::new(
            slug,
            title,
            StatusCode::UNPROCESSABLE_ENTITY,
            detail.clone(),
        )
        .with_errors(errors)
    };
    match error {
        FeatureError::MissingColumns { names } => unprocessable(
            "missing-columns",
            "Missing columns",
            names.iter().map(|n| missing_column(n)).collect(),
        ),
        FeatureError::KindMismatch {
            column,
            expected,
            found,
        } => unprocessable(
            "wrong-column-kind",
            "Column of the wrong kind",
            vec![CellError {
                row: None,
                line: None,
                column: Some(column.clone()),
                value: None,
                message: format!("expected {expected:?} data, found {found:?}"),
            }],
        ),
        FeatureError::UnknownCategory { column, value, row } => unprocessable(
            "unknown-category",
            "Unknown category",
            vec![CellError {
                row: Some(*row as u64 + 1),
                line: Some(*row as u64 + 2),
                column: Some(column.clone()),
                value: Some(value.clone()),
                message: "category not seen at training time".into(),
            }],
        ),
        _ => Problem::new(
            "internal",
            "Internal server error",
            StatusCode::INTERNAL_SERVER_ERROR,
            detail,
        ),
    }
}

fn missing_column(name: &str) -> CellError {
    CellError {
        row: None,
        line: None,
        column: Some(name.to_owned()),
        value: None,
        message: "required column is missing".into(),
    }
}

/// The cells of one ingest problem (a [`IngestError::Many`] is flattened by the caller).
fn ingest_cells(error: &IngestError) -> Vec<CellError> {
    let at_line =
        |line: u64, column: Option<&str>, value: Option<String>, message: String| CellError {
            row: Some(line.saturating_sub(1)),
            line: Some(line),
            column: column.map(str::to_owned),
            value,
            message,
        };
    match error {
        IngestError::MissingColumns { names } => names.iter().map(|n| missing_column(n)).collect(),
        IngestError::DuplicateColumns { names } => names
            .iter()
            .map(|n| CellError {
                row: None,
                line: Some(1),
                column: Some(n.clone()),
                value: None,
                message: "column name appears more than once in the header".into(),
            })
            .collect(),
        IngestError::InvalidUtf8 { line, column } => vec![at_line(
            *line,
            Some(column),
            None,
            "invalid UTF-8; save the file as UTF-8".into(),
        )],
        IngestError::RaggedRow {
            line,
            expected,
            found,
        } => vec![at_line(
            *line,
            None,
            None,
            format!("expected {expected} fields (as in the header), found {found}"),
        )],
        IngestError::UnclosedQuote { line } => vec![at_line(
            *line,
            None,
            None,
            "a quoted field is never closed".into(),
        )],
        IngestError::BadValues {
            column,
            kind,
            examples,
            ..
        } => examples
            .iter()
            .map(|cell| {
                at_line(
                    cell.line,
                    Some(column),
                    Some(cell.value.clone()),
                    format!("not a valid {kind:?} value"),
                )
            })
            .collect(),
        IngestError::ColumnNotFound { name } => vec![missing_column(name)],
        _ => Vec::new(),
    }
}

/// Cells of a bad-values problem that were counted but not listed.
fn unlisted_cells(error: &IngestError) -> usize {
    match error {
        IngestError::BadValues {
            examples, total, ..
        } => total.saturating_sub(examples.len()),
        _ => 0,
    }
}

fn ingest_problem(error: &IngestError) -> Problem {
    let detail = error.to_string();
    let (slug, title, status) = ingest_class(error);
    let mut problem = Problem::new(slug, title, status, detail);
    let mut not_listed = 0;
    for e in error.problems() {
        problem.errors.extend(ingest_cells(e));
        not_listed += unlisted_cells(e);
    }
    if let IngestError::Many { omitted, .. } = error {
        not_listed += omitted;
    }
    problem.errors_not_listed = not_listed;
    problem
}

/// Slug, title and status of an ingest error; for several problems, the most specific class
/// they share (or the generic `invalid-csv`).
fn ingest_class(error: &IngestError) -> (&'static str, &'static str, StatusCode) {
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    match error {
        IngestError::EmptyFile => ("empty-file", "Empty file", StatusCode::BAD_REQUEST),
        IngestError::HeaderOnly { .. } => ("no-data-rows", "No data rows", unprocessable),
        IngestError::DuplicateColumns { .. } => {
            ("duplicate-columns", "Duplicate column names", unprocessable)
        }
        IngestError::TooManyColumns { .. } => {
            ("too-many-columns", "Too many columns", unprocessable)
        }
        IngestError::MissingColumns { .. } | IngestError::ColumnNotFound { .. } => {
            ("missing-columns", "Missing columns", unprocessable)
        }
        IngestError::InvalidUtf8 { .. } => ("invalid-utf8", "Not UTF-8", StatusCode::BAD_REQUEST),
        IngestError::RaggedRow { .. } | IngestError::UnclosedQuote { .. } => {
            ("malformed-csv", "Malformed CSV", StatusCode::BAD_REQUEST)
        }
        IngestError::BadValues { .. } => {
            ("bad-values", "Values that cannot be read", unprocessable)
        }
        IngestError::Many { errors, .. } => {
            let classes: Vec<_> = errors.iter().map(ingest_class).collect();
            // A file that is not well-formed CSV is a 400 whatever else is wrong with it (the
            // cells of a ragged row are often bad values too).
            if let Some(malformed) = classes.iter().find(|c| c.2 == StatusCode::BAD_REQUEST) {
                return *malformed;
            }
            match classes.first() {
                Some(first) if classes.iter().all(|c| c.0 == first.0) => *first,
                _ => ("invalid-csv", "Problems in the CSV", unprocessable),
            }
        }
        IngestError::TargetNotBinary { .. }
        | IngestError::UnknownPositiveLabel { .. }
        | IngestError::PositiveNotFound { .. }
        | IngestError::NoPositiveRows { .. } => {
            ("bad-target", "Unreadable target column", unprocessable)
        }
        IngestError::Io { .. }
        | IngestError::InvalidOptions { .. }
        | IngestError::SchemaJson(_)
        | IngestError::Parquet { .. } => (
            "internal",
            "Internal server error",
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
        _ => ("invalid-csv", "Problems in the CSV", unprocessable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdscore::ingest::{BadCell, ColumnKind};

    #[test]
    fn bad_values_name_row_line_column_and_value() {
        let e = WebError::Data(PipelineError::Ingest(IngestError::BadValues {
            column: "age".into(),
            kind: ColumnKind::Numeric,
            examples: vec![BadCell {
                line: 5,
                value: "abc".into(),
            }],
            total: 3,
        }));
        let p = e.problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.kind, "urn:pdscore:problem:bad-values");
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].row, Some(4));
        assert_eq!(p.errors[0].line, Some(5));
        assert_eq!(p.errors[0].column.as_deref(), Some("age"));
        assert_eq!(p.errors[0].value.as_deref(), Some("abc"));
        assert_eq!(p.errors_not_listed, 2);
    }

    #[test]
    fn many_problems_of_one_class_keep_the_class() {
        let e = IngestError::Many {
            errors: vec![
                IngestError::RaggedRow {
                    line: 3,
                    expected: 4,
                    found: 2,
                },
                IngestError::UnclosedQuote { line: 9 },
            ],
            omitted: 0,
        };
        let p = WebError::Data(PipelineError::Ingest(e)).problem();
        assert_eq!(p.status, 400);
        assert_eq!(p.errors.len(), 2);
        let mixed = IngestError::Many {
            errors: vec![
                IngestError::BadValues {
                    column: "age".into(),
                    kind: ColumnKind::Numeric,
                    examples: vec![BadCell {
                        line: 2,
                        value: "x".into(),
                    }],
                    total: 1,
                },
                IngestError::MissingColumns {
                    names: vec!["a".into()],
                },
            ],
            omitted: 1,
        };
        let p = WebError::Data(PipelineError::Ingest(mixed)).problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.kind, "urn:pdscore:problem:invalid-csv");
        assert_eq!(p.errors.len(), 2);
        assert_eq!(p.errors_not_listed, 1);
        let ragged_with_bad_cells = IngestError::Many {
            errors: vec![
                IngestError::RaggedRow {
                    line: 4,
                    expected: 43,
                    found: 3,
                },
                IngestError::BadValues {
                    column: "age".into(),
                    kind: ColumnKind::Numeric,
                    examples: vec![BadCell {
                        line: 4,
                        value: "fields".into(),
                    }],
                    total: 1,
                },
            ],
            omitted: 0,
        };
        let p = WebError::Data(PipelineError::Ingest(ragged_with_bad_cells)).problem();
        assert_eq!(
            p.status, 400,
            "a ragged file is malformed whatever else is wrong"
        );
        assert_eq!(p.kind, "urn:pdscore:problem:malformed-csv");
        assert_eq!(p.errors.len(), 2);
    }

    #[test]
    fn server_faults_are_500_and_input_faults_are_4xx() {
        let internal = WebError::Internal { reason: "x".into() };
        assert_eq!(internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            WebError::PayloadTooLarge { limit_bytes: 1 }.status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert_eq!(
            WebError::UnsupportedMediaType {
                found: String::new(),
                expected: "text/csv"
            }
            .status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(
            WebError::Data(PipelineError::Ingest(IngestError::EmptyFile)).status(),
            StatusCode::BAD_REQUEST
        );
    }
}
