//! The general path through tokens: the body is tokenized (in parallel parts when it has no
//! quote, else from start to end), then each column of each chunk is converted and the parts
//! joined. It handles quotes, blank lines, ragged rows, and kinds still to infer.

use rayon::prelude::*;

use super::parts::{CACHE_CHUNK_BYTES, assemble, shift_part_line, split_at_lines};
use crate::csv::convert::{KindFacts, MissingTokens, PartialColumn, convert_chunk_column};
use crate::csv::plan::{Conversion, Plan};
use crate::csv::tokenize::{MAX_CHUNK_BYTES, Ragged, TokenChunk, tokenize};
use crate::error::IngestError;
use crate::table::{ColumnKind, Table};

/// Converts tokenized chunks into the table of `plan`, collecting every problem (ragged rows
/// first).
///
/// Work is parallel over chunks (each chunk is small enough to stay in cache while all its
/// columns are converted); the per-chunk parts are then joined column by column.
pub(crate) fn build_table(
    plan: &Plan,
    chunks: &[TokenChunk<'_>],
    ragged: Ragged,
    missing: &MissingTokens,
) -> Result<Table, IngestError> {
    let needs_facts = plan.outputs.iter().any(|o| o.2 == Conversion::Infer);
    let facts: Vec<KindFacts> = if needs_facts {
        chunks
            .par_iter()
            .map(|chunk| {
                plan.outputs
                    .iter()
                    .map(|(i, _, conv)| {
                        if *conv == Conversion::Infer {
                            KindFacts::of_chunk(chunk, *i, missing)
                        } else {
                            KindFacts::default()
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .reduce(
                || vec![KindFacts::default(); plan.outputs.len()],
                |a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect(),
            )
    } else {
        vec![KindFacts::default(); plan.outputs.len()]
    };
    let kinds: Vec<Option<ColumnKind>> = plan
        .outputs
        .iter()
        .zip(&facts)
        .map(|((_, _, conv), f)| conv.resolved(*f))
        .collect();
    // One work item per (chunk, column), chunk-major: rayon hands out contiguous ranges,
    // so a thread converts the columns of one chunk while its bytes are in cache, and a
    // single chunk (a streaming batch) is still converted in parallel over columns.
    let n_out = plan.outputs.len();
    let parts: Vec<PartialColumn> = (0..chunks.len() * n_out)
        .into_par_iter()
        .map(|k| {
            let (chunk, out) = (&chunks[k / n_out], k % n_out);
            convert_chunk_column(chunk, plan.outputs[out].0, kinds[out], missing)
        })
        .collect();
    let mut per_column: Vec<Vec<PartialColumn>> = (0..n_out)
        .map(|_| Vec::with_capacity(chunks.len()))
        .collect();
    for (k, part) in parts.into_iter().enumerate() {
        per_column[k % n_out].push(part);
    }
    assemble(plan, per_column, &kinds, ragged)
}

/// Splits a quote-free body at line ends into chunks and tokenizes them in parallel.
pub(crate) fn tokenize_parallel(
    body: &[u8],
    delimiter: u8,
    n_cols: usize,
    first_line: u64,
) -> Result<(Vec<TokenChunk<'_>>, Ragged), IngestError> {
    let bounds = split_at_lines(body);
    let parts: Vec<_> = bounds
        .par_iter()
        .map(|&(s, e)| {
            tokenize(
                &body[s..e],
                delimiter,
                n_cols,
                0,
                usize::MAX,
                MAX_CHUNK_BYTES,
                true,
            )
        })
        .collect();
    let mut chunks = Vec::with_capacity(parts.len());
    let mut ragged = Ragged::default();
    let mut line = first_line;
    for part in parts {
        let mut t = part.map_err(|e| shift_part_line(e, line))?;
        t.chunk.shift_lines(line);
        t.ragged.shift_lines(line);
        line += t.lines_consumed;
        ragged.merge(t.ragged);
        chunks.push(t.chunk);
    }
    Ok((chunks, ragged))
}

/// Tokenizes a body with quotes from start to end.
pub(crate) fn tokenize_sequential(
    body: &[u8],
    delimiter: u8,
    n_cols: usize,
    first_line: u64,
) -> Result<(Vec<TokenChunk<'_>>, Ragged), IngestError> {
    let mut chunks = Vec::new();
    let mut ragged = Ragged::default();
    let mut pos = 0;
    let mut line = first_line;
    while pos < body.len() {
        let t = tokenize(
            &body[pos..],
            delimiter,
            n_cols,
            line,
            usize::MAX,
            CACHE_CHUNK_BYTES,
            true,
        )?;
        if t.consumed == 0 {
            break;
        }
        pos += t.consumed;
        line += t.lines_consumed;
        ragged.merge(t.ragged);
        chunks.push(t.chunk);
    }
    Ok((chunks, ragged))
}
