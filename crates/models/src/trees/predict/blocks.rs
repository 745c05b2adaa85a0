//! Scoring a matrix block by block: parallel blocks of rows, the check for infinities fused
//! with the copy of each run of rows, and the missing-resolved form that forests walk.

use std::borrow::Cow;

use ndarray::{Array1, ArrayView2};
use rayon::prelude::*;

use crate::check::check_predict_input;
use crate::{ModelError, Result};

/// Rows per block when scoring in parallel.
pub(crate) const PREDICT_BLOCK: usize = 2048;

/// Scores every row of `x` with `score` (a function of one contiguous row), in parallel blocks
/// of rows for large inputs.
pub(crate) fn predict_rows<F>(x: ArrayView2<'_, f64>, score: F) -> Array1<f64>
where
    F: Fn(&[f64]) -> f64 + Sync,
{
    predict_blocks(x, |rows, p, out| {
        for (row, o) in rows.chunks_exact(p).zip(out.iter_mut()) {
            *o = score(row);
        }
    })
}

/// Scores `x` block by block: `score_block(rows, n_features, out)` adds to `out` (zeroed, one
/// value per row of the contiguous row-major `rows`). Blocks run in parallel for large inputs.
pub(crate) fn predict_blocks<F>(x: ArrayView2<'_, f64>, score_block: F) -> Array1<f64>
where
    F: Fn(&[f64], usize, &mut [f64]) + Sync,
{
    let scored: Result<Array1<f64>> = score_in_blocks(x, false, |rows, p, out| {
        score_block(rows, p, out);
        Ok(())
    });
    scored.unwrap_or_else(|_| Array1::zeros(x.nrows()))
}

/// Rows resolved (see [`resolve_missing`]) and scored together by [`checked_predict_blocks`]:
/// their doubled copy (`256 × 2p` values, 160 KB for 40 features) stays in L2 while every tree
/// of a forest walks it.
pub(crate) const RESOLVED_ROWS: usize = 256;

/// [`check_predict_input`] fused with [`predict_blocks`]: checks the column count, then, for
/// each run of [`RESOLVED_ROWS`] rows, checks they hold no infinity (`NaN` is allowed: it is a
/// missing value) while copying them in the missing-resolved form of [`resolve_missing`], and
/// scores that copy with `score_block(resolved_rows, p, out)`. The error names the first bad
/// value, whatever the thread count.
pub(crate) fn checked_predict_blocks<F>(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    score_block: F,
) -> Result<Array1<f64>>
where
    F: Fn(&[f64], usize, &mut [f64]) + Sync,
{
    checked_predict_blocks_in_runs(x, n_features, RESOLVED_ROWS, resolve_missing, score_block)
}

/// [`checked_predict_blocks`] with runs of `run_rows` rows instead of [`RESOLVED_ROWS`], copied
/// by `resolve` (which returns the index in the rows of the first infinite value, if any)
/// instead of [`resolve_missing`]: small trees (boosting) walk a run that fits the first-level
/// cache in their own layout ([`crate::trees::predict::lockstep`]).
pub(crate) fn checked_predict_blocks_in_runs<T, R, F>(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    run_rows: usize,
    resolve: R,
    score_block: F,
) -> Result<Array1<f64>>
where
    R: Fn(&[f64], usize, &mut Vec<T>) -> Option<usize> + Sync,
    F: Fn(&[T], usize, &mut [f64]) + Sync,
{
    if x.ncols() != n_features {
        return check_predict_input(x, n_features, true).map(|()| Array1::zeros(0));
    }
    let run_rows = run_rows.max(1);
    score_in_blocks(x, true, |rows, p, out| {
        let mut resolved = Vec::new();
        for (run, (rows, out)) in rows
            .chunks(run_rows * p)
            .zip(out.chunks_mut(run_rows))
            .enumerate()
        {
            if let Some(i) = resolve(rows, p, &mut resolved) {
                return Err(ModelError::NonFinite {
                    row: run * run_rows + i / p,
                    column: i % p,
                });
            }
            score_block(&resolved, p, out);
        }
        Ok(())
    })
}

/// As [`checked_predict_blocks`] but `score_block` gets the raw rows (`p` values each) of each
/// parallel block, checked for infinities in one pass: checks the column count, then scores
/// each block after checking it holds no infinity (`NaN` is allowed: it is a missing value).
/// The error names the first bad value, whatever the thread count.
pub(crate) fn checked_predict_raw_blocks<F>(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    score_block: F,
) -> Result<Array1<f64>>
where
    F: Fn(&[f64], usize, &mut [f64]) + Sync,
{
    predict_raw_blocks_checked_while_scoring(x, n_features, |rows, p, out| {
        if holds_infinity(rows) {
            return true;
        }
        score_block(rows, p, out);
        false
    })
}

/// As [`checked_predict_raw_blocks`] for a `score_block` that checks its rows itself, while
/// scoring them, and returns whether they hold an infinity (the block's scores are then
/// discarded).
pub(crate) fn predict_raw_blocks_checked_while_scoring<F>(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    score_block: F,
) -> Result<Array1<f64>>
where
    F: Fn(&[f64], usize, &mut [f64]) -> bool + Sync,
{
    if x.ncols() != n_features {
        return check_predict_input(x, n_features, true).map(|()| Array1::zeros(0));
    }
    score_in_blocks(x, true, |rows, p, out| {
        if score_block(rows, p, out) {
            let i = rows.iter().position(|v| v.is_infinite()).unwrap_or(0);
            return Err(ModelError::NonFinite {
                row: i / p,
                column: i % p,
            });
        }
        Ok(())
    })
}

/// Whether `values` holds `+inf` or `-inf` (`NaN` is not infinite).
///
/// Groups of eight without an early exit vectorise, which brings the pass close to the cost of
/// reading the values (`docs/models.md`).
pub(crate) fn holds_infinity(values: &[f64]) -> bool {
    let mut groups = values.chunks_exact(8);
    let any = groups.by_ref().fold(false, |any, group| {
        any | group
            .iter()
            .fold(false, |inf, v| inf | (v.abs() == f64::INFINITY))
    });
    any | groups.remainder().iter().any(|v| v.is_infinite())
}

/// Copies the row-major `rows` (`p` values each) into `resolved` as `2p` values per row: the row
/// with `NaN` replaced by `-inf`, then the row with `NaN` replaced by `+inf`. A split whose missing
/// values go left reads the first copy and one whose missing values go right the second, so that
/// `value <= threshold` alone routes every row (see [`StepLayout`](super::StepLayout)). Returns the
/// index in `rows` of the first infinite value, if any (the copy is then unusable).
pub(crate) fn resolve_missing(rows: &[f64], p: usize, resolved: &mut Vec<f64>) -> Option<usize> {
    resolved.clear();
    resolved.resize(2 * rows.len(), 0.0);
    // A fold without early exit vectorises; the position is searched only on failure.
    let mut any_infinite = false;
    for (row, copy) in rows.chunks_exact(p).zip(resolved.chunks_exact_mut(2 * p)) {
        let (low, high) = copy.split_at_mut(p);
        any_infinite |= resolve_row(row, low, high, |v| v);
    }
    if any_infinite {
        return rows.iter().position(|v| v.is_infinite());
    }
    None
}

/// Writes `key` of each value of `row` into `low` with `NaN` as `-inf` and into `high` with
/// `NaN` as `+inf` (the two halves of [`resolve_missing`]'s form); returns whether the row holds
/// an infinity (then the copy is unusable).
#[inline]
pub(crate) fn resolve_row<T>(
    row: &[f64],
    low: &mut [T],
    high: &mut [T],
    key: impl Fn(f64) -> T,
) -> bool {
    let mut any_infinite = false;
    for ((&v, lo), hi) in row.iter().zip(low.iter_mut()).zip(high.iter_mut()) {
        any_infinite |= v.is_infinite();
        let nan = v.is_nan();
        *lo = key(if nan { f64::NEG_INFINITY } else { v });
        *hi = key(if nan { f64::INFINITY } else { v });
    }
    any_infinite
}

/// Runs `score_block` over blocks of [`PREDICT_BLOCK`] rows (in parallel for large inputs) and
/// returns the first block error, with its row made absolute when `offset_rows`.
fn score_in_blocks<F>(
    x: ArrayView2<'_, f64>,
    offset_rows: bool,
    score_block: F,
) -> Result<Array1<f64>>
where
    F: Fn(&[f64], usize, &mut [f64]) -> Result<()> + Sync,
{
    let (n, p) = x.dim();
    let data: Cow<'_, [f64]> = match x.as_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(x.iter().copied().collect()),
    };
    let mut out = vec![0.0; n];
    if n == 0 || p == 0 {
        return Ok(Array1::from(out));
    }
    let shift = |block: usize, e: ModelError| match e {
        ModelError::NonFinite { row, column } if offset_rows => ModelError::NonFinite {
            row: row + block * PREDICT_BLOCK,
            column,
        },
        other => other,
    };
    if n <= PREDICT_BLOCK {
        score_block(&data, p, &mut out)?;
    } else if rayon::current_num_threads() == 1 {
        // One thread: the blocks in order on this thread, without handing them to the pool
        // (whose worker then spins for more work: +0.1 ms of CPU on a 2 ms predict).
        for (block, (o, rows)) in out
            .chunks_mut(PREDICT_BLOCK)
            .zip(data.chunks(PREDICT_BLOCK * p))
            .enumerate()
        {
            score_block(rows, p, o).map_err(|e| shift(block, e))?;
        }
    } else {
        let errors: Vec<(usize, ModelError)> = out
            .par_chunks_mut(PREDICT_BLOCK)
            .zip(data.par_chunks(PREDICT_BLOCK * p))
            .enumerate()
            .filter_map(|(block, (o, rows))| score_block(rows, p, o).err().map(|e| (block, e)))
            .collect();
        if let Some((block, e)) = errors.into_iter().min_by_key(|(block, _)| *block) {
            return Err(shift(block, e));
        }
    }
    Ok(Array1::from(out))
}
