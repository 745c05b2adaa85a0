//! Regression tests of issue 9 (fuzzing): model-file inputs that once crashed the
//! `model_file_load` fuzz target, replayed through [`Pipeline::from_bytes`] exactly as the
//! target does (the input is the content of a file, wrapped in a valid envelope).

use std::path::Path;

use pdscore_pipeline::Pipeline;
use pdscore_pipeline::file::{FORMAT_VERSION, sha256_hex};

fn wrapped(name: &str, folder: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(folder)
        .join(name);
    let content = std::fs::read(&path).expect("fuzz input is in the repository");
    let mut file = format!(
        "{{\"format\":\"pdscore-pipeline\",\"format_version\":{FORMAT_VERSION},\"sha256\":\"{}\",\"pipeline\":",
        sha256_hex(&content)
    )
    .into_bytes();
    file.extend_from_slice(&content);
    file.extend_from_slice(b"}\n");
    file
}

/// A one-hot column with one more output than the recorded feature names loaded and then
/// panicked in the transform; it must be refused on load.
#[test]
fn issue_9_inconsistent_features_in_a_model_file_are_a_load_error() {
    let seed = wrapped("logreg_content.json", "corpus/model_file_load");
    assert!(Pipeline::from_bytes(&seed, "seed.json").is_ok());

    let crash = wrapped(
        "onehot_slot_out_of_range.json",
        "regressions/model_file_load",
    );
    let error = Pipeline::from_bytes(&crash, "crash.json")
        .expect_err("an inconsistent model file must not load")
        .to_string();
    assert!(
        error.contains("inconsistent fitted features"),
        "unexpected error: {error}"
    );
}
