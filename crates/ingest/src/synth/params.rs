//! What to generate, and what was generated.

use serde::{Deserialize, Serialize};

use crate::error::IngestError;

/// Most rows one call may write (the output is about 220 bytes a row).
pub const MAX_ROWS: usize = 100_000_000;

/// What to generate. Defaults: 10,000 labelled rows, no unlabelled rows, seed 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthParams {
    pub(super) labelled_rows: usize,
    pub(super) unlabelled_rows: usize,
    pub(super) seed: u64,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            labelled_rows: 10_000,
            unlabelled_rows: 0,
            seed: 0,
        }
    }
}

impl SynthParams {
    /// The defaults (see the type's docs).
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of labelled rows (target `0`/`1`), written first. Default: 10,000.
    pub fn labelled_rows(mut self, n: usize) -> Self {
        self.labelled_rows = n;
        self
    }

    /// Number of unlabelled rows (target `NA`) appended at the end, like the original file's
    /// last 10,000 rows. Default: 0.
    pub fn unlabelled_rows(mut self, n: usize) -> Self {
        self.unlabelled_rows = n;
        self
    }

    /// Seed of the random generator. Default: 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks that at least one row is asked for and no more than [`MAX_ROWS`].
    pub fn check(&self) -> Result<(), IngestError> {
        let total = self.labelled_rows.saturating_add(self.unlabelled_rows);
        if total == 0 || total > MAX_ROWS {
            return Err(IngestError::InvalidOptions {
                reason: format!("rows to generate must be between 1 and {MAX_ROWS}, got {total}"),
            });
        }
        Ok(())
    }
}

/// What [`generate`] wrote.
///
/// [`generate`]: super::generate
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthSummary {
    /// Labelled rows written.
    pub labelled: usize,
    /// Positive (defaulting) rows among the labelled ones.
    pub positives: usize,
    /// Unlabelled rows written.
    pub unlabelled: usize,
    /// Bytes written, header included.
    pub bytes: u64,
}

impl SynthSummary {
    /// All data rows written.
    pub fn rows(&self) -> usize {
        self.labelled + self.unlabelled
    }
}
