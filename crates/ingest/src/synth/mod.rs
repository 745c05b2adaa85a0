//! Synthetic data in the original Klarna case-study format.
//!
//! [`generate`] writes rows with the 43 columns of [`crate::KLARNA_COLUMNS`] in order,
//! semicolon-separated, `NA` for missing, `True`/`False` for `has_paid`, labelled rows first and
//! unlabelled rows (`default` = `NA`) at the end, like the original file. Each column imitates
//! the published facts about the real file: the missing rates over labelled rows, the category
//! levels seen in the 10,000 real rows available with their frequencies, the ranges and skew of
//! the numeric columns, and about 1.43% positives.
//!
//! The label depends on the features through thresholds, interactions and missingness (bad
//! status codes, a missing account combined with many unpaid bills, young or night-time
//! customers, long payment spans for customers who have not paid, ...), so tree ensembles beat
//! a linear model on it, as on the real data (`benches/peers/check_synth.py` measures this).
//!
//! Everything is drawn from one `ChaCha8Rng` seeded with [`SynthParams::seed`]: the same
//! parameters give the same bytes.
//!
//! ```
//! use pdscore_ingest::synth::{SynthParams, generate};
//! let mut out = Vec::new();
//! let summary = generate(&SynthParams::new().labelled_rows(200).unlabelled_rows(10).seed(7), &mut out)?;
//! assert_eq!(summary.rows(), 210);
//! assert!(out.starts_with(b"uuid;default;"));
//! # Ok::<(), pdscore_ingest::IngestError>(())
//! ```

mod customer;
mod facts;
mod label;
mod params;
mod write;

pub use facts::{MERCHANT_CATEGORIES, NAME_IN_EMAIL, POSITIVE_RATE};
pub use params::{MAX_ROWS, SynthParams, SynthSummary};
pub use write::{generate, generate_to_path};
