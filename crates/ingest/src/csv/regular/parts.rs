//! A regular body in parts: cut after line ends, each part's rows counted and its output
//! slices cut from columns allocated once, parts scanned and converted in parallel, then
//! joined column by column.

use std::cell::RefCell;

use rayon::prelude::*;

use super::columns::{ColumnReport, OutputSpec, Sink, Storage};
use super::join::finish_column;
use super::scan::{Part, STARTS_SLACK, count_lines};
use crate::csv::convert::{KindFacts, MissingTokens};
use crate::csv::tokenize::{MAX_CHUNK_BYTES, split_after_lines};
use crate::error::IngestError;
use crate::table::ColumnData;

/// Reads a `body` whose first line is file line `first_line` into typed columns
/// (in the order of `outputs`), or the problems found in them, in parts of about `part_bytes`.
/// `None` when the body is not regular (see the module docs): the caller must take the general
/// path.
pub(crate) fn read_regular(
    body: &[u8],
    delimiter: u8,
    n_file_cols: usize,
    outputs: &[OutputSpec<'_>],
    first_line: u64,
    missing: &MissingTokens,
    part_bytes: usize,
) -> Option<Result<Vec<ColumnData>, IngestError>> {
    if n_file_cols < 2 || body.is_empty() || delimiter == b'\n' || part_bytes == 0 {
        return None;
    }
    let bounds = split_after_lines(body, part_bytes);
    if bounds.iter().any(|&(s, e)| e - s >= MAX_CHUNK_BYTES) {
        return None;
    }
    // Lines per part; a quote anywhere sends the body to the general (quoting) path.
    let rows_per_part: Vec<usize> = bounds
        .par_iter()
        .map(|&(s, e)| {
            let part = &body[s..e];
            memchr::memchr(b'"', part)
                .is_none()
                .then(|| count_lines(part))
        })
        .collect::<Option<_>>()?;
    let n_rows: usize = rows_per_part.iter().sum();

    // Every output column at its final length, cut into one slice per part.
    let mut columns: Vec<Storage> = outputs
        .par_iter()
        .map(|o| Storage::new(o.kind, n_rows))
        .collect();
    let mut sinks_per_part: Vec<Vec<Sink<'_>>> = bounds.iter().map(|_| Vec::new()).collect();
    for storage in &mut columns {
        let mut rest = storage.sink();
        for (sinks, &rows) in sinks_per_part.iter_mut().zip(&rows_per_part) {
            let (head, tail) = rest.split_at(rows);
            sinks.push(head);
            rest = tail;
        }
    }
    let mut first_rows = Vec::with_capacity(bounds.len());
    let mut row = 0;
    for &rows in &rows_per_part {
        first_rows.push(row);
        row += rows;
    }

    let parts: Option<Vec<Vec<ColumnReport<'_>>>> = sinks_per_part
        .into_par_iter()
        .zip(bounds.par_iter().zip(&first_rows))
        .map(|(sinks, (&(s, e), &first_row))| {
            let part = Part {
                bytes: &body[s..e],
                rows: sinks
                    .first()
                    .map_or_else(|| count_lines(&body[s..e]), Sink::len),
                delimiter,
                n_cols: n_file_cols,
                first_line: first_line + first_row as u64,
            };
            with_scratch(part.bytes, delimiter, part_bytes, |scratch| {
                let n = part.field_starts(scratch)?;
                let starts = &scratch[..n];
                Some(
                    outputs
                        .iter()
                        .zip(sinks)
                        .map(|(spec, sink)| part.convert(starts, spec, sink, missing))
                        .collect(),
                )
            })
        })
        .collect();
    let parts = parts?;

    // Reports per column, in part order.
    let mut per_column: Vec<Vec<ColumnReport<'_>>> = outputs
        .iter()
        .map(|_| Vec::with_capacity(parts.len()))
        .collect();
    for part in parts {
        for (column, report) in per_column.iter_mut().zip(part) {
            column.push(report);
        }
    }
    let results: Vec<Result<ColumnData, IngestError>> = columns
        .into_par_iter()
        .zip(per_column.into_par_iter().zip(outputs.par_iter()))
        .map(|(storage, (reports, spec))| finish_column(storage, reports, &first_rows, spec))
        .collect();
    let mut problems = Vec::new();
    let mut data = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(d) => data.push(d),
            Err(e) => problems.push(e),
        }
    }
    Some(match IngestError::from_problems(problems, 0) {
        Some(e) => Err(e),
        None => Ok(data),
    })
}

thread_local! {
    /// Each thread's buffer for the field starts of the part it parses (reused, as zeroing a
    /// fresh one per part costs more than the scan).
    static SCRATCH: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with a buffer for [`Part::field_starts`] on `part`: the thread's own (at least
/// `part.len() + STARTS_SLACK` entries: a part holds at most `part.len()` separators) for
/// parts of about the usual size, and for an outsized part (one very long line) a temporary
/// one sized by counting its separators, so that no thread keeps a huge buffer and no buffer
/// is four times the input.
fn with_scratch<T>(
    part: &[u8],
    delimiter: u8,
    usual_part_len: usize,
    f: impl FnOnce(&mut Vec<u32>) -> T,
) -> T {
    if part.len() > 2 * usual_part_len {
        let separators = memchr::memchr2_iter(delimiter, b'\n', part).count();
        return f(&mut vec![0; separators + STARTS_SLACK]);
    }
    SCRATCH.with_borrow_mut(|scratch| {
        let needed = part.len() + STARTS_SLACK;
        if scratch.len() < needed {
            scratch.resize(needed, 0);
        }
        f(scratch)
    })
}

/// What the cells of file columns `columns` allow (for kind inference), gathered over a body
/// in parts of about `part_bytes`, in parallel; `None` when the body is not regular (the
/// caller takes the general path).
pub(crate) fn infer_regular(
    body: &[u8],
    delimiter: u8,
    n_file_cols: usize,
    columns: &[usize],
    missing: &MissingTokens,
    part_bytes: usize,
) -> Option<Vec<KindFacts>> {
    if n_file_cols < 2 || body.is_empty() || delimiter == b'\n' || part_bytes == 0 {
        return None;
    }
    let bounds = split_after_lines(body, part_bytes);
    if bounds.iter().any(|&(s, e)| e - s >= MAX_CHUNK_BYTES) {
        return None;
    }
    bounds
        .par_iter()
        .map(|&(s, e)| {
            let bytes = &body[s..e];
            if memchr::memchr(b'"', bytes).is_some() {
                return None;
            }
            let part = Part {
                bytes,
                rows: count_lines(bytes),
                delimiter,
                n_cols: n_file_cols,
                first_line: 0,
            };
            with_scratch(bytes, delimiter, part_bytes, |scratch| {
                let n = part.field_starts(scratch)?;
                let starts = &scratch[..n];
                Some(
                    columns
                        .iter()
                        .map(|&col| KindFacts::of_cells(part.cells(starts, col), missing))
                        .collect::<Vec<_>>(),
                )
            })
        })
        .try_reduce(
            || vec![KindFacts::default(); columns.len()],
            |a, b| Some(a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect()),
        )
}
