//! The bad-input corpus shared by the three doors' tests (library, CLI, web): reads
//! `tests/bad_inputs/manifest.json`, finds the files, builds the small training file the
//! model is fitted on and corrupts model files. Used by `tests/bad_inputs.rs`,
//! `crates/cli/tests/bad_inputs.rs` and `crates/web/tests/bad_inputs.rs`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{sha256_hex, workspace_root};

/// Data rows of the shipped sample the Klarna model is trained on (the corpus scores rows
/// 4001.., never these).
pub const TRAINING_ROWS: usize = 1500;

/// Which input a case feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// Data to score with a trained model.
    Score,
    /// Data to train on.
    Train,
    /// A (corrupted) model file, scoring a valid file.
    Model,
}

/// One corpus entry and its expected outcome at each door.
#[derive(Debug, Clone)]
pub struct Case {
    /// File name inside `tests/bad_inputs/`.
    pub file: String,
    /// The input it exercises.
    pub door: Door,
    /// Target column (training cases).
    pub target: String,
    /// Which model scores it: `klarna` (default) or `credit_risk`.
    pub model: String,
    /// How the model file is damaged (model cases).
    pub corruption: String,
    /// `ok` or the error variant path, e.g. `Ingest::EmptyFile`.
    pub library: String,
    /// Rows scored when the outcome is `ok`.
    pub rows: Option<usize>,
    /// Exit code of the CLI.
    pub cli_exit: i32,
    /// Substring of the CLI's stderr (errors) or stdout (ok).
    pub message: String,
    /// Status of `POST /api/v1/predict` (score cases).
    pub web_status: Option<u16>,
    /// Problem `type` slug (the part after the last `/`), for error statuses.
    pub web_type: Option<String>,
}

/// `tests/bad_inputs/`.
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("tests").join("bad_inputs")
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Every case of the manifest, in order.
///
/// # Panics
///
/// When the manifest cannot be read or a case lacks a field.
pub fn cases() -> Vec<Case> {
    let path = corpus_dir().join("manifest.json");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read manifest")).expect("JSON");
    let list = manifest["cases"].as_array().expect("`cases` array");
    list.iter()
        .map(|c| {
            let door = match c["path"].as_str() {
                Some("score") => Door::Score,
                Some("train") => Door::Train,
                Some("model") => Door::Model,
                other => panic!("unknown path {other:?} in {c}"),
            };
            let e = &c["expect"];
            Case {
                file: text(c, "file").expect("file"),
                door,
                target: text(c, "target").unwrap_or_else(|| "default".into()),
                model: text(c, "model").unwrap_or_else(|| "klarna".into()),
                corruption: text(c, "corruption").unwrap_or_default(),
                library: text(e, "library").expect("expect.library"),
                rows: e.get("rows").and_then(Value::as_u64).map(|r| r as usize),
                cli_exit: e["cli_exit"].as_i64().expect("expect.cli_exit") as i32,
                message: text(e, "message").expect("expect.message"),
                web_status: e
                    .get("web_status")
                    .and_then(Value::as_u64)
                    .map(|s| s as u16),
                web_type: text(e, "web_type"),
            }
        })
        .collect()
}

/// The first [`TRAINING_ROWS`] rows of the shipped sample, header included.
///
/// # Panics
///
/// When the shipped sample cannot be read.
pub fn klarna_training_csv() -> String {
    let sample = std::fs::read_to_string(workspace_root().join("data/klarna_synth_sample.csv"))
        .expect("read the shipped sample");
    let mut out: String = sample
        .lines()
        .take(TRAINING_ROWS + 1)
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// The training file and target of the model named by a case (`klarna` or `credit_risk`),
/// written under `dir`.
///
/// # Panics
///
/// On an unknown model name, or when the training file cannot be written.
pub fn model_training_file(model: &str, dir: &Path) -> (PathBuf, &'static str) {
    match model {
        "klarna" => {
            let path = dir.join("klarna_train.csv");
            std::fs::write(&path, klarna_training_csv()).expect("write training file");
            (path, "default")
        }
        "credit_risk" => (
            corpus_dir().join("train_credit_risk_shaped.csv"),
            "loan_status",
        ),
        other => panic!("unknown model {other}"),
    }
}

/// Damages valid pipeline file bytes the way a case names.
///
/// # Panics
///
/// On an unknown corruption, or bytes that are not a pipeline file.
pub fn corrupt(bytes: &[u8], corruption: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).expect("pipeline files are UTF-8");
    match corruption {
        // a valid file of another model: used as is
        "none" => bytes.to_vec(),
        "truncated" => bytes[..bytes.len() / 2].to_vec(),
        "empty" => Vec::new(),
        "not_json" => b"uuid;default\n1;0\n".to_vec(),
        "edited_threshold" => {
            // one digit of the threshold changed, checksum left as it was
            let at = text.find("\"threshold\":").expect("threshold field") + 12;
            let mut out = bytes.to_vec();
            let digit = out[at..]
                .iter()
                .position(u8::is_ascii_digit)
                .expect("a digit")
                + at;
            out[digit] = if out[digit] == b'9' {
                b'8'
            } else {
                out[digit] + 1
            };
            out
        }
        "format_version_next" => {
            // the file's own version (the current one: the file was just written) plus one
            let key = "\"format_version\":";
            let at = text.find(key).expect("format_version field") + key.len();
            let digits = text[at..]
                .find(|c: char| !c.is_ascii_digit())
                .expect("a field after format_version");
            let version: u64 = text[at..at + digits].parse().expect("an integer version");
            format!("{}{}{}", &text[..at], version + 1, &text[at + digits..]).into_bytes()
        }
        "wrong_format_name" => text
            .replacen(
                "\"format\":\"pdscore-pipeline\"",
                "\"format\":\"sklearn-pickle\"",
                1,
            )
            .into_bytes(),
        "content_replaced_checksum_updated" => {
            // well-formed envelope with a correct checksum over content that is not a pipeline
            let content = br#"{"schema":null}"#;
            let sha = sha256_hex(content);
            let start = text.find("\"sha256\":\"").expect("sha256 field") + 10;
            let mut out = text[..start].to_owned();
            out.push_str(&sha);
            out.push_str("\",\"pipeline\":");
            out.push_str(std::str::from_utf8(content).expect("ASCII"));
            out.push_str("}\n");
            out.into_bytes()
        }
        other => panic!("unknown corruption {other}"),
    }
}

/// The name of an error variant from its `Debug` text: `Ingest(EmptyFile)` ->
/// `Ingest::EmptyFile`, `ChecksumMismatch { .. }` -> `ChecksumMismatch`.
pub fn variant_path(debug: &str) -> String {
    let ident = |s: &str| -> usize {
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    };
    let first = ident(debug);
    let mut out = debug[..first].to_owned();
    let rest = &debug[first..];
    if let Some(inner) = rest.strip_prefix('(') {
        let n = ident(inner);
        if n > 0 && inner.starts_with(|c: char| c.is_ascii_uppercase()) {
            out.push_str("::");
            out.push_str(&inner[..n]);
        }
    }
    out
}
