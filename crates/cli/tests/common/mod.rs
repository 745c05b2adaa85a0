//! Helpers shared by the CLI's integration tests that run the `pdscore` binary.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `pdscore args`, asserts it succeeded and returns its standard output.
pub fn ok(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(args)
        .output()
        .expect("run pdscore");
    assert!(
        out.status.success(),
        "pdscore {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A folder for one test under Cargo's test temporary directory.
pub fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `p` as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Trains `model` on `data` (target column `default`) with 2 folds and saves it to `out`: the
/// quick model the prediction tests score with.
#[allow(
    dead_code,
    reason = "each test binary compiles this module; only the prediction tests train this way"
)]
pub fn train_two_fold(data: &Path, model: &str, out: &Path) {
    ok(&[
        "train",
        "--data",
        s(data),
        "--target",
        "default",
        "--model",
        model,
        "--folds",
        "2",
        "--out",
        s(out),
    ]);
}
