//! How to read a CSV input: where the bytes come from and the options of the read.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::error::IngestError;
use crate::schema::Schema;

/// The tokens read as a missing value by default: `""`, `NA`, `NaN`, `null`, `None`.
pub const DEFAULT_MISSING_TOKENS: [&str; 5] = ["", "NA", "NaN", "null", "None"];

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
    pub(crate) delimiter: Option<u8>,
    pub(crate) missing_tokens: Vec<String>,
    pub(crate) schema: Option<Schema>,
    pub(crate) require_target: bool,
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
    ///
    /// [`IngestWarning::ExtraColumns`]: crate::IngestWarning::ExtraColumns
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
