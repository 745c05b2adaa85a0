//! Reading a labelled CSV for training: any binary-target file, with the Klarna layout
//! recognised so that its status codes are read as categories.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use pdscore_ingest::{KLARNA_COLUMNS, ReadOptions, Schema, Table, read_csv_with_report};

use crate::error::{PipelineError, Result};
use crate::file::sha256_hex;

/// Where the training data is and which columns play which role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    /// The CSV file.
    pub path: PathBuf,
    /// Target column.
    pub target: String,
    /// The target value meaning "defaulted". Default `None`: `1`/`true`/`yes` when the column
    /// has one of them, otherwise an error listing the values found.
    pub positive: Option<String>,
    /// Id column, copied to outputs and never a feature. Default `None` (`uuid` for a
    /// Klarna-layout file).
    pub id: Option<String>,
}

impl InputSpec {
    /// A spec with no positive value and no id column.
    pub fn new(path: impl Into<PathBuf>, target: impl Into<String>) -> Self {
        InputSpec {
            path: path.into(),
            target: target.into(),
            positive: None,
            id: None,
        }
    }

    /// Sets the positive value. Default: detected.
    pub fn positive(mut self, positive: Option<String>) -> Self {
        self.positive = positive;
        self
    }

    /// Sets the id column. Default: none (`uuid` for the Klarna layout).
    pub fn id(mut self, id: Option<String>) -> Self {
        self.id = id;
        self
    }
}

/// A training CSV read into a table, with its schema and checksum.
#[derive(Debug, Clone)]
pub struct TrainingInput {
    /// Every row of the file.
    pub table: Table,
    /// Roles and kinds of the columns.
    pub schema: Schema,
    /// SHA-256 of the file bytes.
    pub sha256: String,
    /// The field delimiter of the file.
    pub delimiter: u8,
    /// Reader warnings (e.g. extra columns), as text.
    pub warnings: Vec<String>,
}

/// Reads a training CSV. A file whose header is the Klarna case study's (`uuid;default;...`)
/// is read with the built-in Klarna schema (status codes categorical); any other file gets
/// its kinds inferred, with `spec.id` as id and `spec.target` as target.
///
/// # Errors
/// I/O errors, parse errors naming line, column and value, a missing target or id column.
pub fn read_training_csv(spec: &InputSpec) -> Result<TrainingInput> {
    let bytes = std::fs::read(&spec.path).map_err(|source| PipelineError::Io {
        path: spec.path.clone(),
        source,
    })?;
    let sha256 = sha256_hex(&bytes);
    let klarna = is_klarna_header(&bytes) && spec.target == "default";
    let mut options = ReadOptions::new();
    if klarna {
        let mut schema = Schema::klarna().with_target(&spec.target, spec.positive.as_deref());
        if let Some(id) = &spec.id {
            schema = schema.with_id(id);
        }
        options = options.schema(schema).require_target(true);
    }
    let read = read_csv_with_report(bytes, &options)?;
    let schema = if let Some(schema) = options.schema_ref() {
        schema.clone()
    } else {
        Schema::infer(&read.table, Some(&spec.target), spec.id.as_deref())?
            .with_target(&spec.target, spec.positive.as_deref())
    };
    Ok(TrainingInput {
        table: read.table,
        schema,
        sha256,
        delimiter: read.delimiter,
        warnings: read.warnings.iter().map(ToString::to_string).collect(),
    })
}

/// The header line of a CSV file (at most the first 64 KiB), for layout checks.
///
/// # Errors
/// I/O errors.
pub fn header_line(path: &Path) -> Result<String> {
    let io = |source| PipelineError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut buf = vec![0; 64 * 1024];
    let mut file = std::fs::File::open(path).map_err(io)?;
    let n = file.read(&mut buf).map_err(io)?;
    buf.truncate(n);
    let line = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    Ok(String::from_utf8_lossy(line).trim().to_owned())
}

fn is_klarna_header(bytes: &[u8]) -> bool {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let line = line.trim().trim_start_matches('\u{feff}');
    let names: Vec<&str> = line
        .split([';', ','])
        .map(|n| n.trim().trim_matches('"'))
        .collect();
    names.len() == KLARNA_COLUMNS.len() && names.iter().zip(KLARNA_COLUMNS).all(|(a, b)| *a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_klarna_header_with_either_delimiter() {
        let semi = KLARNA_COLUMNS.join(";") + "\n";
        let comma = KLARNA_COLUMNS.join(",") + "\r\n";
        assert!(is_klarna_header(semi.as_bytes()));
        assert!(is_klarna_header(comma.as_bytes()));
        assert!(!is_klarna_header(b"a,b,c\n"));
    }

    #[test]
    fn reads_any_binary_target_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, "ID,x,kind,y\n1,0.5,a,no\n2,,b,yes\n3,1.5,a,no\n").unwrap();
        let input = read_training_csv(
            &InputSpec::new(&path, "y")
                .id(Some("ID".into()))
                .positive(Some("yes".into())),
        )
        .unwrap();
        assert_eq!(input.table.n_rows(), 3);
        assert_eq!(input.schema.features.len(), 2);
        assert_eq!(input.delimiter, b',');
        assert_eq!(input.sha256.len(), 64);
        let missing = read_training_csv(&InputSpec::new(&path, "nope"));
        assert!(missing.is_err());
    }
}
