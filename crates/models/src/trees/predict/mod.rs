//! Scoring kernels of the tree family.

mod blocks;
mod lanes;
pub(crate) mod lockstep;
pub(crate) mod ranked;
mod walk;

#[cfg(test)]
pub(crate) use blocks::RESOLVED_ROWS;
pub(crate) use blocks::{
    PREDICT_BLOCK, checked_predict_blocks, checked_predict_blocks_in_runs,
    checked_predict_raw_blocks, predict_raw_blocks_checked_while_scoring, predict_rows,
};
#[cfg(test)]
pub(crate) use blocks::{holds_infinity, resolve_missing};
pub(crate) use lanes::StepLayout;
pub(crate) use walk::RawLayout;
