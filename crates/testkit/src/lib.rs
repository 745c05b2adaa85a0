//! Test support shared by the workspace's tests, benches and examples (a dev-dependency only,
//! never published):
//!
//! - [`workspace_root`]: the directory with the workspace's `Cargo.lock`;
//! - [`sha256_hex`]: lower-case hex SHA-256, an oracle independent of the pipeline's own;
//! - [`shared_data`] and [`require_shared_data`]: the real data sets kept outside the repository
//!   (`$PDSCORE_SHARED_DIR/data/<rel>`, else `<workspace>/../shared/data/<rel>`);
//! - [`bad_inputs`]: the bad-input corpus of `tests/bad_inputs/`, read by the library, CLI and
//!   web tests.
//!
//! It depends on no pdscore crate, so the core crates' tests can use it without a cycle.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub mod bad_inputs;

/// Environment variable naming the shared directory (its `data/` holds the real data sets).
pub const SHARED_DIR_VAR: &str = "PDSCORE_SHARED_DIR";

/// Environment variable that, set to `1`, makes [`require_shared_data`] panic on a missing file
/// (CI sets it, so a missing data set fails the run instead of skipping tests).
pub const REQUIRE_SHARED_DATA_VAR: &str = "PDSCORE_REQUIRE_SHARED_DATA";

/// The workspace root: the nearest ancestor of this crate's manifest directory with a
/// `Cargo.lock`.
///
/// # Panics
///
/// When no ancestor has a `Cargo.lock` (the crate was moved out of its workspace).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or_else(|| panic!("no Cargo.lock above {}", manifest.display()))
        .to_path_buf()
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// The shared directory: `$PDSCORE_SHARED_DIR` when set (e.g. for a clone that does not sit
/// beside `shared/`), else `<workspace>/../shared`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os(SHARED_DIR_VAR)
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| workspace_root().join("..").join("shared"), PathBuf::from)
}

/// `<shared dir>/data/<rel>` when that file exists (see [`shared_dir`]), else `None`.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let path = shared_dir().join("data").join(rel);
    path.exists().then_some(path)
}

/// Whether `$PDSCORE_REQUIRE_SHARED_DATA` is `1`.
pub fn shared_data_required() -> bool {
    std::env::var_os(REQUIRE_SHARED_DATA_VAR).is_some_and(|v| v == "1")
}

/// [`shared_data`] for a test that needs the file: when it is absent, prints
/// `skipped: ...` and returns `None` (the test then returns early), unless
/// `$PDSCORE_REQUIRE_SHARED_DATA=1`, where it panics so that CI fails instead of skipping.
///
/// # Panics
///
/// When the file is absent and `$PDSCORE_REQUIRE_SHARED_DATA=1`.
pub fn require_shared_data(rel: &str) -> Option<PathBuf> {
    if let Some(path) = shared_data(rel) {
        return Some(path);
    }
    let wanted = shared_dir().join("data").join(rel);
    assert!(
        !shared_data_required(),
        "shared data file {} is missing and {REQUIRE_SHARED_DATA_VAR}=1 requires it \
         (set {SHARED_DIR_VAR} to the directory holding data/, or unset \
         {REQUIRE_SHARED_DATA_VAR} to skip the tests that need it)",
        wanted.display()
    );
    eprintln!("skipped: {} not found", wanted.display());
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc_is_the_standard_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_workspace_root_holds_this_crate() {
        assert!(workspace_root().join("crates/testkit/Cargo.toml").is_file());
    }

    #[test]
    fn a_missing_shared_file_is_none() {
        assert_eq!(shared_data("no/such/file.csv"), None);
    }
}
