//! Test and bench support: the Klarna schema and reader from `pdscore-ingest`, seeded synthetic
//! Klarna rows from `pdscore_ingest::synth`, the shipped sample, and the real 10k file.
#![allow(
    dead_code,
    reason = "a module of several test binaries and a bench; each uses only some of its helpers"
)]

use std::path::{Path, PathBuf};

use pdscore_ingest::synth::{SynthParams, generate};
use pdscore_ingest::{ReadOptions, Schema, Table, read_csv};
use pdscore_testkit::require_shared_data;
pub use pdscore_testkit::workspace_root;

/// The built-in Klarna schema (41 features; integer status codes are categorical).
pub fn klarna_schema() -> Schema {
    Schema::klarna()
}

/// Reads a Klarna-format file (original `;`/`NA` format or the pandas-rewritten one) with the
/// ingest reader and the Klarna schema.
pub fn read_klarna(path: &Path) -> Table {
    read_csv(path, &ReadOptions::new().schema(Schema::klarna()))
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// `n_rows` seeded synthetic Klarna rows (labelled), generated and read back by the ingest crate.
pub fn synthetic_klarna(n_rows: usize, seed: u64) -> Table {
    let mut bytes = Vec::new();
    generate(
        &SynthParams::new().labelled_rows(n_rows).seed(seed),
        &mut bytes,
    )
    .expect("the synthetic generator writes to memory");
    read_csv(bytes, &ReadOptions::new().schema(Schema::klarna()))
        .expect("the synthetic rows read back")
}

/// The synthetic sample shipped with the project (`data/klarna_synth_sample.csv`).
pub fn shipped_sample_path() -> PathBuf {
    workspace_root().join("data/klarna_synth_sample.csv")
}

/// The real 10k Klarna rows in the shared data, if present (`None` after a printed reason;
/// a panic instead when `PDSCORE_REQUIRE_SHARED_DATA=1`).
pub fn real_klarna_path() -> Option<PathBuf> {
    require_shared_data("klarna/unlabeled_10k_reformatted__samarthum_test.csv")
}

/// Row `row` of `table` as a one-row table (categorical dictionaries rebuilt).
pub fn row_table(table: &Table, row: usize) -> Table {
    rows_table(table, row..row + 1)
}

/// Rows `rows` of `table` as a new table (categorical dictionaries rebuilt, so the codes
/// differ from the original's).
pub fn rows_table(table: &Table, rows: std::ops::Range<usize>) -> Table {
    table.take_rows_compacted(&rows.collect::<Vec<_>>())
}
