//! The pipeline file format: one JSON document, versioned and checksummed.
//!
//! ```text
//! {"format":"pdscore-pipeline","format_version":3,"sha256":"<64 hex>","pipeline":<content>}
//! ```
//!
//! `<content>` is the compact JSON of the fitted pipeline, written last so that the exact bytes
//! the checksum covers can be found again on load. Loading checks, in order: the file parses as
//! a whole JSON document (a truncated file does not), `format` is `pdscore-pipeline`,
//! `format_version` is between [`MIN_FORMAT_VERSION`] and [`FORMAT_VERSION`], and the SHA-256 of the content bytes equals the
//! recorded one (an edited file does not). Only then is the content deserialised.

use std::path::Path;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{PipelineError, Result};

/// The value of the `format` field of every pipeline file.
pub const FORMAT_NAME: &str = "pdscore-pipeline";

/// The file format version this build writes and reads. Bump it whenever the serialised shape
/// of the pipeline changes incompatibly.
///
/// Version 2 added the calibration step. Version 1 files hold models whose scores were given
/// out as PDs uncalibrated; they are refused with [`PipelineError::UnsupportedVersion`] (retrain
/// them) rather than migrated, because no calibration can be made up for them after the fact.
///
/// Version 3 added stacked ensembles (an optional `ensemble` field: the other members and the
/// meta-learner). A version 2 file is a version 3 file without one, so it still loads; a build
/// that reads only version 2 refuses every version 3 file rather than silently scoring an
/// ensemble with its first member alone.
pub const FORMAT_VERSION: u64 = 3;

/// The oldest file format version this build reads (see [`FORMAT_VERSION`]).
pub const MIN_FORMAT_VERSION: u64 = 2;

const CONTENT_KEY: &str = "\"pipeline\":";

#[derive(Deserialize)]
struct Envelope {
    format: String,
    format_version: u64,
    sha256: String,
    #[allow(
        dead_code,
        reason = "required to be present; its bytes are checked by the checksum, not read here"
    )]
    pipeline: IgnoredAny,
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        use std::fmt::Write as _;
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Serialises `value` into the versioned, checksummed envelope.
///
/// # Errors
/// [`PipelineError::Json`] if `value` cannot be serialised (e.g. a map with non-string keys).
pub fn to_envelope_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let content = serde_json::to_vec(value)?;
    let header = format!(
        "{{\"format\":\"{FORMAT_NAME}\",\"format_version\":{FORMAT_VERSION},\"sha256\":\"{}\",{CONTENT_KEY}",
        sha256_hex(&content)
    );
    let mut out = Vec::with_capacity(header.len() + content.len() + 2);
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&content);
    out.extend_from_slice(b"}\n");
    Ok(out)
}

/// Checks and deserialises an envelope; `path` only names the source in errors.
///
/// # Errors
/// [`PipelineError::NotAPipelineFile`] (also when the content does not deserialise),
/// [`PipelineError::UnsupportedVersion`], [`PipelineError::ChecksumMismatch`].
pub fn from_envelope_bytes<T: DeserializeOwned>(bytes: &[u8], path: &Path) -> Result<T> {
    let not_ours = |reason: String| PipelineError::NotAPipelineFile {
        path: path.to_path_buf(),
        reason,
    };
    let envelope: Envelope = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_eof() {
            not_ours(format!(
                "the file ends too early, it was probably truncated: {e}"
            ))
        } else {
            not_ours(e.to_string())
        }
    })?;
    if envelope.format != FORMAT_NAME {
        return Err(not_ours(format!(
            "`format` is {:?}, expected {FORMAT_NAME:?}",
            envelope.format
        )));
    }
    if !(MIN_FORMAT_VERSION..=FORMAT_VERSION).contains(&envelope.format_version) {
        return Err(PipelineError::UnsupportedVersion {
            path: path.to_path_buf(),
            found: envelope.format_version,
            supported: FORMAT_VERSION,
        });
    }
    let start = memchr_find(bytes, CONTENT_KEY.as_bytes())
        .ok_or_else(|| not_ours("no `pipeline` field".into()))?
        + CONTENT_KEY.len();
    let mut end = bytes.len();
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end <= start || bytes[end - 1] != b'}' {
        return Err(not_ours("the document does not end with `}`".into()));
    }
    let content = &bytes[start..end - 1];
    let actual = sha256_hex(content);
    if actual != envelope.sha256 {
        return Err(PipelineError::ChecksumMismatch {
            path: path.to_path_buf(),
            recorded: envelope.sha256,
            actual,
        });
    }
    // A checksum that matches content of another shape (hand-made or from another build) is
    // still not a pipeline: say so and name the file, rather than a bare JSON error.
    serde_json::from_slice(content).map_err(|e| {
        not_ours(format!(
            "the content does not describe a pipeline this build reads: {e}"
        ))
    })
}

/// Writes `value` to `path` in the envelope format.
///
/// # Errors
/// [`PipelineError::Io`] or [`PipelineError::Json`].
pub fn save<T: Serialize>(value: &T, path: &Path) -> Result<()> {
    let bytes = to_envelope_bytes(value)?;
    crate::atomic::write_atomically(path, &bytes).map_err(|source| PipelineError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads and checks a file written by [`save`].
///
/// # Errors
/// See [`from_envelope_bytes`]; [`PipelineError::Io`] when the file cannot be read.
pub fn load<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|source| PipelineError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    from_envelope_bytes(&bytes, path)
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        name: String,
        values: Vec<f64>,
    }

    fn thing() -> Thing {
        Thing {
            name: "pipeline".into(),
            values: vec![0.1, 1e-300, -2.5],
        }
    }

    #[test]
    fn round_trip_is_exact() {
        let bytes = to_envelope_bytes(&thing()).unwrap();
        let back: Thing = from_envelope_bytes(&bytes, Path::new("x")).unwrap();
        assert_eq!(back, thing());
    }

    #[test]
    fn truncated_file_is_a_clear_error() {
        let bytes = to_envelope_bytes(&thing()).unwrap();
        let cut = &bytes[..bytes.len() - 10];
        let err = from_envelope_bytes::<Thing>(cut, Path::new("m.json")).unwrap_err();
        assert!(
            matches!(err, PipelineError::NotAPipelineFile { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("truncated"), "{err}");
    }

    #[test]
    fn edited_content_fails_the_checksum() {
        let bytes = to_envelope_bytes(&thing()).unwrap();
        let text = String::from_utf8(bytes).unwrap().replace("-2.5", "-2.6");
        let err = from_envelope_bytes::<Thing>(text.as_bytes(), Path::new("m.json")).unwrap_err();
        assert!(
            matches!(err, PipelineError::ChecksumMismatch { .. }),
            "{err}"
        );
    }

    #[test]
    fn other_version_is_rejected_with_both_versions() {
        let bytes = to_envelope_bytes(&thing()).unwrap();
        let text = String::from_utf8(bytes).unwrap().replace(
            &format!("\"format_version\":{FORMAT_VERSION}"),
            "\"format_version\":7",
        );
        let err = from_envelope_bytes::<Thing>(text.as_bytes(), Path::new("m.json")).unwrap_err();
        match err {
            PipelineError::UnsupportedVersion {
                found, supported, ..
            } => {
                assert_eq!((found, supported), (7, FORMAT_VERSION));
            }
            other => panic!("unexpected {other}"),
        }
    }

    /// Regression (calibration issue): a model file of format 1 (uncalibrated scores given out
    /// as PDs) is refused with both versions named and the advice to retrain.
    #[test]
    fn regression_format_1_files_are_refused_with_a_retrain_hint() {
        let bytes = to_envelope_bytes(&thing()).unwrap();
        let text = String::from_utf8(bytes).unwrap().replace(
            &format!("\"format_version\":{FORMAT_VERSION}"),
            "\"format_version\":1",
        );
        let err = from_envelope_bytes::<Thing>(text.as_bytes(), Path::new("m.json")).unwrap_err();
        assert!(
            matches!(
                err,
                PipelineError::UnsupportedVersion {
                    found: 1,
                    supported: FORMAT_VERSION,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("retrain"), "{err}");
    }

    /// Version 2 files (written before ensembles) keep loading: their content is a version 3
    /// pipeline without an ensemble.
    #[test]
    fn version_2_files_still_load() {
        let bytes = to_envelope_bytes(&thing()).unwrap();
        let text = String::from_utf8(bytes).unwrap().replace(
            &format!("\"format_version\":{FORMAT_VERSION}"),
            "\"format_version\":2",
        );
        assert!(text.contains("\"format_version\":2,"));
        let back: Thing = from_envelope_bytes(text.as_bytes(), Path::new("m.json")).unwrap();
        assert_eq!(back, thing());
    }

    #[test]
    fn foreign_json_is_not_a_pipeline() {
        let err =
            from_envelope_bytes::<Thing>(br#"{"hello": 1}"#, Path::new("m.json")).unwrap_err();
        assert!(
            matches!(err, PipelineError::NotAPipelineFile { .. }),
            "{err}"
        );
    }

    /// Regression (bad-input corpus, corruption `content_replaced_checksum_updated`): a
    /// consistent envelope around content of another shape was a bare "JSON: invalid type"
    /// error that named no file.
    #[test]
    fn regression_checksummed_foreign_content_is_not_a_pipeline_file() {
        let content = br#"{"schema":null}"#;
        let bytes = format!(
            "{{\"format\":\"{FORMAT_NAME}\",\"format_version\":{FORMAT_VERSION},\"sha256\":\"{}\",{CONTENT_KEY}{}}}",
            sha256_hex(content),
            std::str::from_utf8(content).unwrap()
        );
        let err = from_envelope_bytes::<Thing>(bytes.as_bytes(), Path::new("m.json")).unwrap_err();
        assert!(
            matches!(&err, PipelineError::NotAPipelineFile { reason, .. } if reason.contains("does not describe a pipeline")),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("m.json: "), "{err}");
    }

    #[test]
    fn sha256_matches_a_known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
