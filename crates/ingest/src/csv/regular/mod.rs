//! The fast path for a regular body: typed reads ([`read_regular`]) and kind inference
//! ([`infer_regular`]).
//!
//! "Regular" means no quote character, and every line a record with exactly the header's number
//! of fields: no blank line, no ragged row (and at least two columns, so that no record can look
//! blank). Most real files are regular; anything else is declined (`None`) and the caller takes
//! the general path, which reports blank lines and ragged rows exactly. On a regular body both
//! paths give the same table and the same errors (property tests in `csv/tests.rs`).
//!
//! How a typed read goes:
//! 1. The body is cut after line ends into parts of about `part_bytes` (small enough that a
//!    part and its field offsets stay in a core's L2 cache), and the lines of each part are
//!    counted and quotes looked for (`memchr`): this gives each part's first row, so every
//!    output column is allocated once at its final length and split into one slice per part.
//! 2. Parts are parsed in parallel. A part is scanned 64 bytes at a time (eight SWAR words
//!    gathered into one bit mask) for delimiters and line ends, giving the start of every
//!    field; then each column is converted in one typed loop straight into its slice. Short
//!    numbers are read eight bytes at a time; short numeric, boolean and categorical cells go
//!    through small direct-mapped caches (counts, status codes, flags and `NA` repeat), probed
//!    first with the untrimmed cell, so the common cell is never trimmed. Categorical cells get
//!    part-local codes and a part-local dictionary: each level's bytes in the body with their
//!    hash, and its text appended to the part's string pool ([`Levels`](crate::Levels): no
//!    allocation per level).
//! 3. Each categorical column's part dictionaries are joined in file order (one hash-table probe
//!    per part-level, reusing the hashes from step 2; for many levels, as ids, one flat table of
//!    level numbers), and the codes of a part are rewritten only when its local codes differ
//!    from the global ones (through a table, or by a shift when ids are all distinct). Distinct
//!    ids are joined by appending the parts' pools (two copies per part, not one per level).
//!
//! Why it is built this way: the fields of a part are found first and each column is then
//! converted in one loop of its own kind, so no field pays a dispatch on its column's kind;
//! output columns are allocated once, at their final length, in parallel;
//! short cells skip trimming and parsing when a cache already holds them; and levels cost no
//! allocation each. The variants measured against these choices, kept and dropped, are in
//! `docs/ingest.md`.
//!
//! Where things are: [`parts`] drives a read (cut, count, allocate, then scan and convert the
//! parts in parallel, then join); [`scan`] finds the start of every field of a part; [`words`]
//! holds the tricks on eight-byte words (byte masks, packed short cells, short decimals);
//! [`columns`] converts one column of one part, with its caches; [`dictionary`] keeps a part's
//! categorical levels; [`join`] merges the parts of each column. This file holds the entry
//! points from a [`Plan`].

mod columns;
mod dictionary;
mod join;
mod parts;
mod scan;
mod words;

use columns::OutputSpec;
use parts::{infer_regular, read_regular};

use crate::csv::convert::MissingTokens;
use crate::csv::plan::{Conversion, Plan};
use crate::error::IngestError;
use crate::table::{Column, Table};

/// Size of the parts of the regular fast path: small enough that a part and its field offsets
/// stay in a core's L2 cache (1 MiB here), large enough that the fixed cost per part stays
/// small (`docs/ingest.md` has the measurement).
pub(crate) const REGULAR_PART_BYTES: usize = 1 << 19;

/// The regular fast path for a plan with inferred kinds: one parallel pass gathers the facts
/// of the inferred columns, then the body is read with the kinds found. `None` when the body
/// is not regular.
pub(crate) fn read_plain_regular_inferred(
    body: &[u8],
    delimiter: u8,
    plan: &Plan,
    first_line: u64,
    missing: &MissingTokens,
    part_bytes: usize,
) -> Option<Result<Table, IngestError>> {
    let inferred: Vec<usize> = plan
        .outputs
        .iter()
        .filter(|o| o.2 == Conversion::Infer)
        .map(|o| o.0)
        .collect();
    let facts = infer_regular(
        body,
        delimiter,
        plan.n_file_cols,
        &inferred,
        missing,
        part_bytes,
    )?;
    let mut fixed = plan.clone();
    let mut facts = facts.into_iter();
    for output in &mut fixed.outputs {
        if output.2 == Conversion::Infer {
            output.2 = Conversion::Kind(facts.next()?.kind());
        }
    }
    read_plain_regular(body, delimiter, &fixed, first_line, missing, part_bytes)
}

/// [`read_regular`] on a plan, in parts of about `part_bytes`: `None` when the body is not
/// regular.
pub(crate) fn read_plain_regular(
    body: &[u8],
    delimiter: u8,
    plan: &Plan,
    first_line: u64,
    missing: &MissingTokens,
    part_bytes: usize,
) -> Option<Result<Table, IngestError>> {
    let kinds = plan.kinds();
    let specs: Vec<OutputSpec<'_>> = plan
        .outputs
        .iter()
        .zip(&kinds)
        .map(|((file_column, name, _), kind)| OutputSpec {
            file_column: *file_column,
            name,
            kind: *kind,
        })
        .collect();
    let result = read_regular(
        body,
        delimiter,
        plan.n_file_cols,
        &specs,
        first_line,
        missing,
        part_bytes,
    )?;
    Some(result.and_then(|data| {
        let columns = data
            .into_iter()
            .zip(&plan.outputs)
            .map(|(data, (_, name, _))| Column {
                name: name.clone(),
                data,
            })
            .collect();
        Table::new(columns).map_err(|reason| IngestError::InvalidOptions { reason })
    }))
}
