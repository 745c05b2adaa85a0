//! A body in parts: cut after line ends into cache-sized parts, which are parsed in parallel
//! with lines numbered from 0, then placed and joined column by column.

use rayon::prelude::*;

use crate::csv::convert::{PartialColumn, merge_column};
use crate::csv::plan::Plan;
use crate::csv::tokenize::{Ragged, split_after_lines};
use crate::error::IngestError;
use crate::table::{Column, ColumnData, ColumnKind, Table};

/// Size of the slices the input is cut into: small enough that a slice and its tokens stay in
/// cache while all its columns are converted.
pub(crate) const CACHE_CHUNK_BYTES: usize = 1 << 19;

/// Cuts a quote-free body after line ends into cache-sized parts.
pub(crate) fn split_at_lines(body: &[u8]) -> Vec<(usize, usize)> {
    let threads = rayon::current_num_threads().max(1);
    let target = (body.len() / (threads * 4)).clamp(1 << 16, CACHE_CHUNK_BYTES);
    split_after_lines(body, target)
}

/// A part's error with its line made absolute: parts number their lines from 0, and `first_line`
/// is the file line of the part's first line.
pub(crate) fn shift_part_line(error: IngestError, first_line: u64) -> IngestError {
    match error {
        IngestError::RecordTooLong { line, max_bytes } => IngestError::RecordTooLong {
            line: first_line + line,
            max_bytes,
        },
        other => other,
    }
}

/// Joins each column's parts (in file order) into the table of `plan`, or every problem found
/// (ragged rows first).
pub(crate) fn assemble(
    plan: &Plan,
    per_column: Vec<Vec<PartialColumn>>,
    kinds: &[Option<ColumnKind>],
    ragged: Ragged,
) -> Result<Table, IngestError> {
    let results: Vec<Result<ColumnData, IngestError>> = per_column
        .into_par_iter()
        .zip(plan.outputs.par_iter().zip(kinds.par_iter()))
        .map(|(parts, ((_, name, _), kind))| merge_column(parts, name, *kind))
        .collect();
    let omitted = ragged.total - ragged.examples.len();
    let mut problems = ragged.examples;
    let mut columns = Vec::with_capacity(results.len());
    for (r, (_, name, _)) in results.into_iter().zip(&plan.outputs) {
        match r {
            Ok(data) => columns.push(Column {
                name: name.clone(),
                data,
            }),
            Err(e) => problems.push(e),
        }
    }
    if let Some(e) = IngestError::from_problems(problems, omitted) {
        return Err(e);
    }
    Table::new(columns).map_err(|reason| IngestError::InvalidOptions { reason })
}
