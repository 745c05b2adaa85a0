//! The general path for a quote-free body with known kinds: each part is parsed straight into
//! typed columns, without a list of fields in between.

use rayon::prelude::*;

use super::parts::{assemble, shift_part_line, split_at_lines};
use crate::csv::convert::{ColumnBuilder, MissingTokens, PartialColumn};
use crate::csv::plan::Plan;
use crate::csv::tokenize::{MAX_CHUNK_BYTES, Ragged};
use crate::error::IngestError;
use crate::table::{ColumnKind, Table};

/// The general path for a quote-free body with known kinds: each part is parsed straight into
/// typed columns (no intermediate field list), parts in parallel, then joined. Handles blank
/// lines and ragged rows.
pub(crate) fn read_plain_general(
    body: &[u8],
    delimiter: u8,
    plan: &Plan,
    first_line: u64,
    missing: &MissingTokens,
) -> Result<Table, IngestError> {
    let kinds = plan.kinds();
    let mut targets = vec![None; plan.n_file_cols];
    for (out, (file_col, _, _)) in plan.outputs.iter().enumerate() {
        targets[*file_col] = Some(out);
    }
    let parts: Vec<Result<PlainPart, IngestError>> = split_at_lines(body)
        .par_iter()
        .map(|&(s, e)| parse_plain_part(&body[s..e], delimiter, &targets, &kinds, missing))
        .collect();
    let mut per_column: Vec<Vec<PartialColumn>> = kinds.iter().map(|_| Vec::new()).collect();
    let mut ragged = Ragged::default();
    let mut line = first_line;
    let mut n_rows = 0;
    for part in parts {
        let mut part = part.map_err(|e| shift_part_line(e, line))?;
        part.ragged.shift_lines(line);
        ragged.merge(part.ragged);
        for (column, mut p) in per_column.iter_mut().zip(part.columns) {
            p.shift_lines(line);
            column.push(p);
        }
        line += part.lines;
        n_rows += part.rows;
    }
    if n_rows == 0 && ragged.total == 0 {
        return Err(IngestError::HeaderOnly {
            columns: plan.n_file_cols,
        });
    }
    assemble(plan, per_column, &kinds, ragged)
}

/// One part parsed by [`parse_plain_part`]; lines are numbered from 0.
struct PlainPart {
    columns: Vec<PartialColumn>,
    rows: usize,
    lines: u64,
    ragged: Ragged,
}

/// Parses a quote-free slice (ending at a line end or the input's end) into typed parts.
/// `targets[c]` is the output fed by file column `c`, if any.
fn parse_plain_part(
    buf: &[u8],
    delimiter: u8,
    targets: &[Option<usize>],
    kinds: &[Option<ColumnKind>],
    missing: &MissingTokens,
) -> Result<PlainPart, IngestError> {
    let n_cols = targets.len();
    let estimate = memchr::memchr_iter(b'\n', buf).count() + 1;
    let mut builders: Vec<ColumnBuilder<'_>> = kinds
        .iter()
        .map(|k| ColumnBuilder::new(*k, estimate))
        .collect();
    let mut ragged = Ragged::default();
    let (mut rows, mut line) = (0usize, 0u64);
    let (mut pos, mut field_start, mut found) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i <= buf.len() {
        let b = buf.get(i).copied().unwrap_or(b'\n');
        if b == delimiter && i < buf.len() {
            if let Some(Some(out)) = targets.get(found) {
                builders[*out].push(&buf[field_start..i], line, missing);
            }
            found += 1;
            field_start = i + 1;
        } else if b == b'\n' {
            if i - pos > MAX_CHUNK_BYTES {
                return Err(IngestError::RecordTooLong {
                    line,
                    max_bytes: MAX_CHUNK_BYTES,
                });
            }
            let mut content_end = i;
            if content_end > field_start && buf[content_end - 1] == b'\r' {
                content_end -= 1;
            }
            let blank = found == 0 && content_end == pos;
            if !blank {
                if let Some(Some(out)) = targets.get(found) {
                    builders[*out].push(&buf[field_start..content_end], line, missing);
                }
                found += 1;
                if found == n_cols {
                    rows += 1;
                } else {
                    ragged.push(line, n_cols, found);
                    for builder in &mut builders {
                        builder.truncate(rows);
                    }
                }
            }
            if i < buf.len() || !blank {
                line += 1;
            }
            found = 0;
            pos = i + 1;
            field_start = pos;
        }
        i += 1;
    }
    Ok(PlainPart {
        columns: builders.into_iter().map(ColumnBuilder::finish).collect(),
        rows,
        lines: line,
        ragged,
    })
}
