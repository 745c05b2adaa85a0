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
//!    hash, and its text appended to the part's string pool ([`Levels`]: no allocation per
//!    level).
//! 3. Each categorical column's part dictionaries are joined in file order (one hash-table probe
//!    per part-level, reusing the hashes from step 2; for many levels, as ids, one flat table of
//!    level numbers), and the codes of a part are rewritten only when its local codes differ
//!    from the global ones (through a table, or by a shift when ids are all distinct). Distinct
//!    ids are joined by appending the parts' pools (two copies per part, not one per level).
//!
//! Measured on the 100,000-row bench file and dropped (CPU per read, `read_loop` example):
//! parsing row by row, each field straight into its column's converter (no field-start array),
//! cost 10-20% more than scanning then converting column by column (one kind dispatch per
//! field); converting numeric columns eight at a time row by row (to share cache lines), a
//! 256-slot long-level cache and forcing the short-decimal reader inline changed nothing
//! measurable; reading 9- to 17-byte decimals as two eight-byte runs was slower than
//! [`parse_number`]'s scalar fast path; allocating the output columns on the calling thread
//! instead of in parallel cost 20% more (glibc gives the freed memory back to the system).
//! What remains is per cell: on one core, 2.2-2.5 ns for a cached short cell, 5-12 ns for a
//! distinct number, about 52 ns per row (200 bytes) for the field scan, and 40 ns per id, 24 of
//! them allocating and freeing the id's `String` while dictionaries were `Vec<String>`. With
//! string pools ([`Levels`]) the criterion median went 23.1-23.7 -> 20.0 ms and the CPU per read
//! 40.0 -> 37.5 ms (alternating runs, same session): the parallel parse allocates nothing per
//! id, and the caller's drop of the table (1.6-1.8 ms serial before) frees two buffers per
//! categorical column.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use rayon::prelude::*;

use crate::csv::convert::{
    BadCollector, KindFacts, MissingTokens, canonical_level, parse_bool, parse_number, short_eq,
};
use crate::csv::plan::{Conversion, Plan};
use crate::csv::tokenize::{MAX_CHUNK_BYTES, split_after_lines};
use crate::error::IngestError;
use crate::levels::Levels;
use crate::table::{CategoricalColumn, Column, ColumnData, ColumnKind, MISSING_CODE, Table};

/// Dictionaries up to this size are searched linearly before a hash table is built.
const SMALL_DICTIONARY: usize = 16;

/// One output column of the fast path: which file column feeds it, its name and its kind
/// (`None`: raw text, the id column).
pub(crate) struct OutputSpec<'p> {
    pub(crate) file_column: usize,
    pub(crate) name: &'p str,
    pub(crate) kind: Option<ColumnKind>,
}

/// Size of the parts of the regular fast path: a part and its field
/// offsets stay in a core's L2 cache (1 MiB here), and the fixed cost per part stays small
/// (measured on the 20 MB bench file: 128 KiB parts cost 8% more CPU than 512 KiB ones).
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

/// Entries [`Part::field_starts`] needs beyond the part's separators (its block loop writes 16
/// entries from the one after the last separator found so far).
const STARTS_SLACK: usize = 17;

/// Runs `f` with a buffer for [`Part::field_starts`] on `part`: the thread's own (at least
/// `part.len() + STARTS_SLACK` entries: a part holds at most `part.len()` separators) for parts of about the
/// usual size, and for an outsized part (one very long line) a temporary one sized by counting
/// its separators, so that no thread keeps a huge buffer and no buffer is four times the input.
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

/// Number of lines of a non-empty part: line ends, plus one for a last line without one.
fn count_lines(part: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', part).count() + usize::from(!part.ends_with(b"\n"))
}

/// An output column being filled.
enum Storage {
    Numeric(Vec<f64>),
    Boolean(Vec<Option<bool>>),
    Codes(Vec<u32>),
}

impl Storage {
    fn new(kind: Option<ColumnKind>, n: usize) -> Self {
        match kind {
            Some(ColumnKind::Numeric) => Storage::Numeric(vec![0.0; n]),
            Some(ColumnKind::Boolean) => Storage::Boolean(vec![None; n]),
            Some(ColumnKind::Categorical) | None => Storage::Codes(vec![0; n]),
        }
    }

    fn sink(&mut self) -> Sink<'_> {
        match self {
            Storage::Numeric(v) => Sink::Numeric(v),
            Storage::Boolean(v) => Sink::Boolean(v),
            Storage::Codes(v) => Sink::Codes(v),
        }
    }
}

/// The rows of one output column that one part fills.
enum Sink<'o> {
    Numeric(&'o mut [f64]),
    Boolean(&'o mut [Option<bool>]),
    Codes(&'o mut [u32]),
}

impl<'o> Sink<'o> {
    fn split_at(self, mid: usize) -> (Sink<'o>, Sink<'o>) {
        match self {
            Sink::Numeric(s) => {
                let (a, b) = s.split_at_mut(mid);
                (Sink::Numeric(a), Sink::Numeric(b))
            }
            Sink::Boolean(s) => {
                let (a, b) = s.split_at_mut(mid);
                (Sink::Boolean(a), Sink::Boolean(b))
            }
            Sink::Codes(s) => {
                let (a, b) = s.split_at_mut(mid);
                (Sink::Codes(a), Sink::Codes(b))
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Sink::Numeric(s) => s.len(),
            Sink::Boolean(s) => s.len(),
            Sink::Codes(s) => s.len(),
        }
    }
}

/// A part-local dictionary: each level's bytes in the body (with their hash) and its text in
/// one string pool, so a level costs no allocation of its own.
#[derive(Default)]
struct PartLevels<'b> {
    keys: Vec<Hashed<'b>>,
    texts: Levels,
}

impl PartLevels<'_> {
    fn with_capacity(levels: usize) -> Self {
        PartLevels {
            keys: Vec::with_capacity(levels),
            texts: Levels::with_capacity(levels, 0),
        }
    }

    fn len(&self) -> usize {
        self.keys.len()
    }
}

/// What converting one column of one part found besides the values.
struct ColumnReport<'b> {
    bad: BadCollector,
    invalid_utf8: Option<u64>,
    /// Part-local dictionary (categorical columns), in order of first appearance.
    levels: PartLevels<'b>,
}

/// A byte string with its hash computed once.
#[derive(Clone, Copy)]
struct Hashed<'b> {
    hash: u64,
    bytes: &'b [u8],
}

impl<'b> Hashed<'b> {
    /// `bytes` with its hash: `FxHasher`'s step on every eight bytes, the last one to seven
    /// bytes taken as one zero-padded word (one multiply, not one per byte: ids are 36 bytes).
    #[inline]
    fn new(bytes: &'b [u8]) -> Self {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let step = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(K);
        let mut chunks = bytes.chunks_exact(8);
        let mut hash = 0;
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            hash = step(hash, u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let tail = rest
                .iter()
                .enumerate()
                .fold(0, |word, (i, &b)| word | u64::from(b) << (8 * i));
            hash = step(hash, tail);
        }
        Hashed { hash, bytes }
    }
}

impl Hash for Hashed<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialEq for Hashed<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.bytes == other.bytes
    }
}

impl Eq for Hashed<'_> {}

/// Passes a [`Hashed`] key's precomputed hash through.
#[derive(Default)]
struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `Hashed`; fold anything else in for completeness.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type HashedMap<'b> = HashMap<Hashed<'b>, u32, BuildHasherDefault<PassThroughHasher>>;

/// One part of the body being parsed.
struct Part<'b> {
    bytes: &'b [u8],
    /// Number of lines: line ends, plus one for a last line without one.
    rows: usize,
    delimiter: u8,
    n_cols: usize,
    /// File line of the part's first row.
    first_line: u64,
}

/// The high bits of the eight bytes of `high_bits` (nothing else may be set), gathered into the
/// low byte: bit `k` is the high bit of byte `k`.
#[inline]
fn high_bits_to_byte(high_bits: u64) -> u64 {
    (high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Mask with the high bit of every byte of `word` that equals the byte repeated in `first` or
/// the one repeated in `second` (as `bytes_equal(word, first) | bytes_equal(word, second)`,
/// with three operations fewer).
#[inline]
fn bytes_equal_either(word: u64, first: u64, second: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // A byte of `x` is non-zero exactly when the high bit of its byte in `nonzero(x)` is set
    // (the low seven bits cannot carry into the next byte).
    let nonzero = |x: u64| ((x & LOW7) + LOW7) | x;
    !(nonzero(word ^ first) & nonzero(word ^ second)) & !LOW7
}

/// Mask with the high bit of every byte of `word` that equals the byte repeated in `pattern`.
#[inline]
fn bytes_equal(word: u64, pattern: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ pattern;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

impl<'b> Part<'b> {
    /// Fills `starts` with the start of every field, plus one past the end of the last field
    /// (`starts[k]..starts[k + 1] - 1` is field `k`, counted row-major), and returns how many
    /// entries it wrote. `None` when the part is not regular. `starts` must have room for the
    /// part's separators (delimiters and line ends) plus [`STARTS_SLACK`] (see [`with_scratch`]).
    fn field_starts(&self, starts: &mut [u32]) -> Option<usize> {
        let bytes = self.bytes;
        let delimiters = u64::from(self.delimiter) * 0x0101_0101_0101_0101;
        let newlines = u64::from(b'\n') * 0x0101_0101_0101_0101;
        starts[0] = 0;
        let mut n = 1;
        let mut base = 1u32;
        // Blocks of 64 bytes: one bit per byte in a word, then every separator's position
        // from its bit.
        let mut blocks = bytes.chunks_exact(64);
        for block in &mut blocks {
            let mut mask = 0u64;
            for (j, word) in block.chunks_exact(8).enumerate() {
                let mut w = [0u8; 8];
                w.copy_from_slice(word);
                let w = u64::from_le_bytes(w);
                mask |= high_bits_to_byte(bytes_equal_either(w, delimiters, newlines)) << (8 * j);
            }
            let count = mask.count_ones() as usize;
            // Most blocks hold at most 16 separators: write 16 (the extra writes land past the
            // last field and are overwritten), advance by `count`.
            for slot in &mut starts[n..n + 16] {
                *slot = base + mask.trailing_zeros();
                mask &= mask.wrapping_sub(1);
            }
            let mut m = n + 16;
            while mask != 0 {
                starts[m] = base + mask.trailing_zeros();
                mask &= mask - 1;
                m += 1;
            }
            n += count;
            base += 64;
        }
        let mut words = blocks.remainder().chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            let w = u64::from_le_bytes(w);
            let mut hits = bytes_equal_either(w, delimiters, newlines);
            let count = hits.count_ones() as usize;
            // Most words hold at most four separators: write four (the extra writes land past
            // the last field and are overwritten), advance by `count`.
            for slot in &mut starts[n..n + 4] {
                *slot = base + hits.trailing_zeros() / 8;
                hits &= hits.wrapping_sub(1);
            }
            let mut m = n + 4;
            while hits != 0 {
                starts[m] = base + hits.trailing_zeros() / 8;
                hits &= hits - 1;
                m += 1;
            }
            n += count;
            base += 8;
        }
        for (i, &b) in words.remainder().iter().enumerate() {
            if b == self.delimiter || b == b'\n' {
                starts[n] = base + i as u32;
                n += 1;
            }
        }
        if !bytes.ends_with(b"\n") {
            // The last record of the input has no line end.
            starts[n] = bytes.len() as u32 + 1;
            n += 1;
        }
        // Regular when there are `n_cols` fields per line and every line's last field ends at a
        // line end (then no other field does: `rows` counts the line ends).
        let n_cols = self.n_cols;
        if n != self.rows * n_cols + 1 {
            return None;
        }
        let all_rows_end_lines = starts[n_cols..n].iter().step_by(n_cols).all(|&s| {
            let end = s as usize - 1;
            end == bytes.len() || bytes[end] == b'\n'
        });
        all_rows_end_lines.then_some(n)
    }

    /// Field `k` (row-major) as a byte range of the part, as the general path cuts it (a `\r`
    /// before a line end is dropped from the last field of a row: `last`) and trimmed of ASCII
    /// whitespace.
    // Measured: left to the compiler, this is a call per cell (10% of the read).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn span(&self, starts: &[u32], k: usize, last: bool) -> (usize, usize) {
        let bytes = self.bytes;
        let mut start = starts[k] as usize;
        let mut end = starts[k + 1] as usize - 1;
        if last && end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        while start < end && bytes[start].is_ascii_whitespace() {
            start += 1;
        }
        while start < end && bytes[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        (start, end)
    }

    /// The short-cell cache key of field `k` as it stands in the file, untrimmed: its 1 to
    /// [`SHORT_KEY_BYTES`] bytes and its length in the top byte; 0 for a longer or empty field.
    ///
    /// Both short-cell caches map a key to the result for the key's bytes once trimmed, and a
    /// trimmed cell's key is its untrimmed key whenever the cell has nothing to trim, so a
    /// cache hit on the untrimmed key is the result the trimmed cell would get: the common
    /// case skips trimming. On a miss the cell is trimmed and converted as before.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn probe_key(&self, starts: &[u32], k: usize) -> u64 {
        let start = starts[k] as usize;
        let len = (starts[k + 1] as usize - 1) - start;
        if (1..=SHORT_KEY_BYTES).contains(&len) {
            load_word(self.bytes, start, len) | ((len as u64) << 56)
        } else {
            0
        }
    }

    /// Field `col` of every row (trimmed), as byte slices.
    fn cells<'s>(&'s self, starts: &'s [u32], col: usize) -> impl Iterator<Item = &'b [u8]> + 's {
        let rows = (starts.len() - 1) / self.n_cols;
        let last = col + 1 == self.n_cols;
        (0..rows).map(move |r| {
            let (s, e) = self.span(starts, r * self.n_cols + col, last);
            &self.bytes[s..e]
        })
    }

    /// A numeric cell the word path did not read: `fast-float2`'s value, or `NaN` for a missing
    /// token or a bad value (recorded on the cell's line).
    fn parse_other_number(
        &self,
        start: usize,
        end: usize,
        row: usize,
        bad: &mut BadCollector,
        missing: &MissingTokens,
    ) -> f64 {
        let cell = &self.bytes[start..end];
        match parse_number(cell) {
            Some(v) if !v.is_infinite() => v,
            Some(_) => {
                bad.push(self.first_line + row as u64, cell);
                f64::NAN
            }
            None => {
                if !(cell.is_empty() || missing.is_missing(cell)) {
                    bad.push(self.first_line + row as u64, cell);
                }
                f64::NAN
            }
        }
    }

    /// Converts one output column of this part into its sink.
    fn convert(
        &self,
        starts: &[u32],
        spec: &OutputSpec<'_>,
        sink: Sink<'_>,
        missing: &MissingTokens,
    ) -> ColumnReport<'b> {
        let mut report = ColumnReport {
            bad: BadCollector::default(),
            invalid_utf8: None,
            levels: PartLevels::default(),
        };
        debug_assert_eq!(sink.len(), (starts.len() - 1) / self.n_cols);
        let bytes = self.bytes;
        let (n, col) = (self.n_cols, spec.file_column);
        let last = col + 1 == n;
        let line = |row: usize| self.first_line + row as u64;
        // Missing tokens of up to eight bytes compared as words.
        let is_missing = |start: usize, end: usize| {
            let len = end - start;
            if len <= 8 {
                missing.is_missing_word(load_word(bytes, start, len), len)
            } else {
                missing.is_missing(&bytes[start..end])
            }
        };
        match sink {
            Sink::Numeric(out) => {
                // Direct-mapped cache of short cells' values: counts and codes repeat a lot.
                let mut cache = vec![(0u64, 0.0f64); NUMBER_CACHE_SLOTS];
                for (row, slot) in out.iter_mut().enumerate() {
                    let k = row * n + col;
                    // The cache is first probed with the untrimmed cell (see `probe_key`).
                    let probed = self.probe_key(starts, k);
                    if probed != 0 {
                        let probed_slot = number_slot(probed);
                        let (cached_key, value) = cache[probed_slot];
                        if cached_key == probed {
                            *slot = value;
                            continue;
                        }
                        // A short number with nothing to trim: read from the key itself.
                        if !key_needs_trimming(probed)
                            && let Some(v) = parse_short_key(probed)
                        {
                            cache[probed_slot] = (probed, v);
                            *slot = v;
                            continue;
                        }
                    }
                    let (start, end) = self.span(starts, k, last);
                    let len = end - start;
                    let key = if (1..=SHORT_KEY_BYTES).contains(&len) {
                        load_word(bytes, start, len) | ((len as u64) << 56)
                    } else {
                        0
                    };
                    let slot_index = number_slot(key);
                    if key != 0 && key != probed && cache[slot_index].0 == key {
                        *slot = cache[slot_index].1;
                        continue;
                    }
                    *slot = if let Some(v) = parse_short_number(bytes, start, end) {
                        if key != 0 {
                            cache[slot_index] = (key, v);
                        }
                        v
                    } else if len == 0 {
                        f64::NAN
                    } else if len <= 8
                        && missing.is_non_numeric_word(load_word(bytes, start, len), len)
                    {
                        // Missing either way: `fast-float2` rejects these tokens.
                        if key != 0 {
                            cache[slot_index] = (key, f64::NAN);
                        }
                        f64::NAN
                    } else {
                        self.parse_other_number(start, end, row, &mut report.bad, missing)
                    };
                }
            }
            Sink::Boolean(out) => {
                // Direct-mapped cache of short cells' values (`True`, `False`, `NA`), probed
                // with the untrimmed cell first, as numbers are.
                let mut cache = [(0u64, None); BOOLEAN_CACHE_SLOTS];
                for (row, slot) in out.iter_mut().enumerate() {
                    let k = row * n + col;
                    let probed = self.probe_key(starts, k);
                    if probed != 0 {
                        let (cached_key, value) = cache[boolean_slot(probed)];
                        if cached_key == probed {
                            *slot = value;
                            continue;
                        }
                    }
                    let (start, end) = self.span(starts, k, last);
                    let cell = &bytes[start..end];
                    let value = if let Some((b, _)) = parse_bool(cell) {
                        Some(b)
                    } else if cell.is_empty() || is_missing(start, end) {
                        None
                    } else {
                        // Bad cells are never cached: each one is recorded.
                        report.bad.push(line(row), cell);
                        *slot = None;
                        continue;
                    };
                    if (1..=SHORT_KEY_BYTES).contains(&cell.len()) {
                        let key = load_word(bytes, start, cell.len()) | ((cell.len() as u64) << 56);
                        cache[boolean_slot(key)] = (key, value);
                    }
                    *slot = value;
                }
            }
            Sink::Codes(out) => {
                let mut dictionary = LocalDictionary::new(spec.kind.is_none(), out.len());
                for (row, slot) in out.iter_mut().enumerate() {
                    let k = row * n + col;
                    // The cache is first probed with the untrimmed cell (see `probe_key`).
                    let probed = if dictionary.raw {
                        0
                    } else {
                        self.probe_key(starts, k)
                    };
                    if probed != 0 {
                        let (cached_key, code) = dictionary.short_cache[short_slot(probed)];
                        if cached_key == probed {
                            *slot = code;
                            continue;
                        }
                    }
                    let (start, end) = self.span(starts, k, last);
                    let len = end - start;
                    *slot = if len == 0 {
                        MISSING_CODE
                    } else if len <= SHORT_KEY_BYTES && !dictionary.raw {
                        let word = load_word(bytes, start, len);
                        let key = word | ((len as u64) << 56);
                        let slot_index = short_slot(key);
                        let (cached_key, cached_code) = dictionary.short_cache[slot_index];
                        if cached_key == key {
                            cached_code
                        } else {
                            let code = if missing.is_missing_word(word, len) {
                                Some(MISSING_CODE)
                            } else {
                                dictionary.code(&bytes[start..end])
                            };
                            if let Some(code) = code {
                                dictionary.short_cache[slot_index] = (key, code);
                                code
                            } else {
                                report.invalid_utf8.get_or_insert(line(row));
                                MISSING_CODE
                            }
                        }
                    } else if let Some(code) = dictionary.cached_long(bytes, start, end) {
                        code
                    } else if missing.is_missing(&bytes[start..end]) {
                        MISSING_CODE
                    } else if let Some(code) = dictionary.code(&bytes[start..end]) {
                        dictionary.cache_long(bytes, start, end, code);
                        code
                    } else {
                        report.invalid_utf8.get_or_insert(line(row));
                        MISSING_CODE
                    };
                }
                report.levels = dictionary.levels;
            }
        }
        report
    }
}

/// Longest categorical cell looked up by its packed word rather than its bytes.
const SHORT_KEY_BYTES: usize = 7;

/// Slots of the short-cell cache of a categorical column (a power of two).
const SHORT_CACHE_SLOTS: usize = 64;

/// Slots of the short-cell cache of a boolean column (a power of two).
const BOOLEAN_CACHE_SLOTS: usize = 16;

/// The boolean cache slot of a packed short cell (Fibonacci hashing).
#[inline]
fn boolean_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BOOLEAN_CACHE_SLOTS.trailing_zeros()))
        as usize
}

/// Slots of the short-cell cache of a numeric column (a power of two).
const NUMBER_CACHE_SLOTS: usize = 64;

/// The numeric cache slot of a packed short cell (Fibonacci hashing).
#[inline]
fn number_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// The cache slot of a packed short cell (Fibonacci hashing).
#[inline]
fn short_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// The `len <= 8` bytes of `bytes` from `start`, packed little-endian into a word (the rest
/// zero).
#[inline]
fn load_word(bytes: &[u8], start: usize, len: usize) -> u64 {
    debug_assert!(len <= 8);
    let mut w = [0u8; 8];
    if let Some(window) = bytes.get(start..start + 8) {
        w.copy_from_slice(window);
        let word = u64::from_le_bytes(w);
        if len == 8 {
            word
        } else {
            word & ((1u64 << (8 * len)) - 1)
        }
    } else {
        w[..len].copy_from_slice(&bytes[start..start + len]);
        u64::from_le_bytes(w)
    }
}

/// Whether the cell packed in a short-cell `key` (see [`Part::probe_key`]) starts or ends with
/// a byte that trimming could remove (ASCII whitespace, and `\r`, are at most `b' '`).
#[inline]
fn key_needs_trimming(key: u64) -> bool {
    let len = (key >> 56) as usize;
    let first = key as u8;
    let last = (key >> (8 * (len.max(1) - 1))) as u8;
    first <= b' ' || last <= b' '
}

/// [`parse_short_number`] of the 1 to [`SHORT_KEY_BYTES`] bytes packed in a short-cell `key`:
/// the same value, without reading the bytes again.
#[inline]
fn parse_short_key(key: u64) -> Option<f64> {
    let len = (key >> 56) as usize;
    let word = key & low_bytes_mask(SHORT_KEY_BYTES);
    if word as u8 == b'-' {
        if len < 2 {
            return None;
        }
        parse_short_decimal(word >> 8, len - 1).map(|magnitude| -magnitude)
    } else {
        parse_short_decimal(word, len)
    }
}

/// Whether two byte strings of at least eight bytes are equal, compared eight bytes at a time
/// inline (a `memcmp` call costs more than the comparison for level names).
#[inline]
fn long_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() || n < 8 {
        return a == b;
    }
    let word = |s: &[u8], i: usize| load_word(s, i, 8);
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// A short decimal (a sign and at most eight digits and dot) in `bytes[start..end]`, read
/// eight bytes at a time; `None` for anything else (which [`parse_number`] then reads).
#[inline]
fn parse_short_number(bytes: &[u8], start: usize, end: usize) -> Option<f64> {
    let negative = start < end && bytes[start] == b'-';
    let digits_start = start + usize::from(negative);
    let len = end - digits_start;
    if !(1..=8).contains(&len) {
        return None;
    }
    let magnitude = parse_short_decimal(load_word(bytes, digits_start, len), len)?;
    Some(if negative { -magnitude } else { magnitude })
}

/// The high nibble of every byte.
const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
/// Eight ASCII `0`s.
const ZEROS: u64 = 0x3030_3030_3030_3030;
/// Constants of the eight-digit conversion (as in `fast_float`'s `parse_eight_digits`): pairs
/// of digits are combined, then pairs of pairs with `MUL1 = 100 + (10^6 << 32)` and
/// `MUL2 = 1 + (10^4 << 32)`.
const PAIRS: u64 = 0x0000_00FF_0000_00FF;
const MUL1: u64 = 0x000F_4240_0000_0064;
const MUL2: u64 = 0x0000_2710_0000_0001;

/// Exact powers of ten up to 10^7.
const POWERS_OF_TEN: [f64; 8] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7];

/// Reads `len` (1 to 8) bytes packed in `word` as `digits[.digits]` (digits on both sides of
/// the dot); `None` for anything else. The digits form an integer below 10^8, so the result is
/// that integer divided by an exact power of ten: correctly rounded, as `fast-float2` reads it.
#[inline]
fn parse_short_decimal(word: u64, len: usize) -> Option<f64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let dots = bytes_equal(word, u64::from(b'.') * ONES) & low_bytes_mask(len);
    let (digits, n_digits, frac_len) = if dots == 0 {
        (word, len, 0)
    } else {
        let dot = (dots.trailing_zeros() / 8) as usize;
        if dots & (dots - 1) != 0 || dot == 0 || dot + 1 == len {
            return None;
        }
        let below = (1u64 << (8 * dot)) - 1;
        (
            (word & below) | ((word >> 8) & !below),
            len - 1,
            len - 1 - dot,
        )
    };
    // Right-align the digits, padding with leading '0's: the first digit lands in the lowest
    // byte of the eight.
    let aligned = if n_digits == 8 {
        digits
    } else {
        (digits << (8 * (8 - n_digits))) | ((b'0' as u64 * ONES) >> (8 * n_digits))
    };
    if aligned & HIGH_NIBBLES != ZEROS
        || aligned.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES != ZEROS
    {
        return None;
    }
    let v = aligned - ZEROS;
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let value = ((v & PAIRS)
        .wrapping_mul(MUL1)
        .wrapping_add(((v >> 16) & PAIRS).wrapping_mul(MUL2)))
        >> 32;
    let value = value as u32 as f64;
    Some(if frac_len == 0 {
        value
    } else {
        value / POWERS_OF_TEN[frac_len]
    })
}

/// A word with the low `len` bytes set.
#[inline]
fn low_bytes_mask(len: usize) -> u64 {
    if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    }
}

/// Dictionary-encodes the non-missing cells of one column of one part.
struct LocalDictionary<'b> {
    /// Raw text (the id column): no canonicalisation, and nearly every value is new.
    raw: bool,
    levels: PartLevels<'b>,
    /// Cells of up to [`SHORT_KEY_BYTES`] bytes by packed word (bytes, and length in the top
    /// byte, so no key is 0): a direct-mapped cache of their codes ([`MISSING_CODE`] for a
    /// missing token), filled by the general lookup on a miss.
    short_cache: Vec<(u64, u32)>,
    /// Longer cells by a tag of their first and last eight bytes and length: a direct-mapped
    /// cache of codes, checked against the level's bytes.
    long_cache: Vec<(u64, u32)>,
    /// Longer levels by hashed bytes.
    index: HashedMap<'b>,
    last: Option<(&'b [u8], u32)>,
}

impl<'b> LocalDictionary<'b> {
    fn new(raw: bool, rows: usize) -> Self {
        LocalDictionary {
            raw,
            levels: if raw {
                PartLevels::with_capacity(rows)
            } else {
                PartLevels::default()
            },
            short_cache: if raw {
                Vec::new()
            } else {
                vec![(0, 0); SHORT_CACHE_SLOTS]
            },
            long_cache: if raw {
                Vec::new()
            } else {
                vec![(0, MISSING_CODE); SHORT_CACHE_SLOTS]
            },
            index: HashedMap::default(),
            last: None,
        }
    }

    /// The cache tag and slot of a long cell (more than eight bytes): its first and last
    /// eight bytes and its length.
    #[inline]
    fn long_tag(bytes: &[u8], start: usize, end: usize) -> (u64, usize) {
        let head = load_word(bytes, start, 8);
        let tail = load_word(bytes, end - 8, 8);
        let tag = head ^ tail.rotate_left(29) ^ (end - start) as u64;
        (tag, short_slot(tag))
    }

    /// The code of a long categorical cell (more than [`SHORT_KEY_BYTES`] bytes) when the
    /// long-cell cache holds it; the cached level's bytes are compared in full.
    #[inline]
    fn cached_long(&self, bytes: &'b [u8], start: usize, end: usize) -> Option<u32> {
        if self.raw || end - start < 8 {
            return None;
        }
        let (tag, slot) = Self::long_tag(bytes, start, end);
        let (cached_tag, code) = *self.long_cache.get(slot)?;
        (cached_tag == tag
            && self
                .levels
                .keys
                .get(code as usize)
                .is_some_and(|k| long_eq(k.bytes, &bytes[start..end])))
        .then_some(code)
    }

    /// Remembers the code of a long categorical cell (see [`LocalDictionary::cached_long`]).
    #[inline]
    fn cache_long(&mut self, bytes: &[u8], start: usize, end: usize, code: u32) {
        if self.raw || end - start < 8 {
            return;
        }
        let (tag, slot) = Self::long_tag(bytes, start, end);
        if let Some(entry) = self.long_cache.get_mut(slot) {
            *entry = (tag, code);
        }
    }

    /// The local code of a (trimmed, non-missing) cell; `None` when it is not UTF-8.
    #[inline]
    fn code(&mut self, cell: &'b [u8]) -> Option<u32> {
        if self.raw {
            // Ids are (nearly) all distinct: every cell is a level here, and repeats are found
            // when the parts are joined (`merge_dictionaries`), which hashes once per cell.
            return self.add(Hashed::new(cell));
        }
        let key = canonical_level(cell);
        {
            // Runs of one value are common (status codes); few levels are scanned linearly.
            if let Some((k, c)) = self.last
                && short_eq(k, key)
            {
                return Some(c);
            }
            if self.levels.len() <= SMALL_DICTIONARY {
                if let Some(i) = self.levels.keys.iter().position(|k| short_eq(k.bytes, key)) {
                    let code = i as u32;
                    self.last = Some((key, code));
                    return Some(code);
                }
                let code = self.add(Hashed::new(key))?;
                self.last = Some((key, code));
                return Some(code);
            }
        }
        let hashed = Hashed::new(key);
        let code = match self.index.get(&hashed) {
            Some(&c) => c,
            None => self.add(hashed)?,
        };
        self.last = Some((key, code));
        Some(code)
    }

    /// Adds a new level; `None` when it is not UTF-8.
    #[inline]
    fn add(&mut self, key: Hashed<'b>) -> Option<u32> {
        let text = std::str::from_utf8(key.bytes).ok()?;
        let code = self.levels.len() as u32;
        self.levels.keys.push(key);
        self.levels.texts.push(text);
        if !self.raw && self.levels.len() > SMALL_DICTIONARY {
            if self.index.is_empty() {
                self.index.extend(
                    self.levels
                        .keys
                        .iter()
                        .enumerate()
                        .map(|(i, k)| (*k, i as u32)),
                );
            } else {
                self.index.insert(key, code);
            }
        }
        Some(code)
    }
}

/// Joins one column's part reports (in file order) into the finished column, or its problem.
fn finish_column(
    storage: Storage,
    reports: Vec<ColumnReport<'_>>,
    first_rows: &[usize],
    spec: &OutputSpec<'_>,
) -> Result<ColumnData, IngestError> {
    let mut bad = BadCollector::default();
    let mut invalid_utf8 = None;
    let mut level_parts = Vec::with_capacity(reports.len());
    for report in reports {
        bad.merge(report.bad);
        if invalid_utf8.is_none() {
            invalid_utf8 = report.invalid_utf8;
        }
        level_parts.push(report.levels);
    }
    if let Some(line) = invalid_utf8 {
        return Err(IngestError::InvalidUtf8 {
            line,
            column: spec.name.to_owned(),
        });
    }
    let kind = spec.kind.unwrap_or(ColumnKind::Categorical);
    bad.finish(spec.name, kind)?;
    Ok(match storage {
        Storage::Numeric(v) => ColumnData::Numeric(v),
        Storage::Boolean(v) => ColumnData::Boolean(v),
        Storage::Codes(mut codes) => {
            let dictionary = merge_dictionaries(&mut codes, level_parts, first_rows);
            ColumnData::Categorical(CategoricalColumn { dictionary, codes })
        }
    })
}

/// Dictionaries with more levels than this (summed over parts) are joined through one flat
/// table of level numbers ([`merge_many_levels`]) rather than a hash map of levels.
const MANY_LEVELS: usize = 1 << 12;

/// Joins part-local dictionaries into one (order of first appearance in the file) and rewrites
/// the codes of each part whose local codes are not the global ones.
fn merge_dictionaries(
    codes: &mut [u32],
    level_parts: Vec<PartLevels<'_>>,
    first_rows: &[usize],
) -> Levels {
    let total: usize = level_parts.iter().map(PartLevels::len).sum();
    if total > MANY_LEVELS {
        return merge_many_levels(codes, level_parts, first_rows, total);
    }
    let mut index = HashedMap::default();
    index.reserve(total);
    let mut dictionary = Levels::new();
    let mut global_of: Vec<u32> = Vec::new();
    for (p, levels) in level_parts.iter().enumerate() {
        global_of.clear();
        let mut identity = true;
        for (local, (&key, text)) in levels.keys.iter().zip(&levels.texts).enumerate() {
            let next = dictionary.len() as u32;
            let global = *index.entry(key).or_insert(next);
            if global == next {
                dictionary.push(text);
            }
            identity &= global as usize == local;
            global_of.push(global);
        }
        remap_part(codes, first_rows, p, &global_of, identity);
    }
    dictionary
}

/// Rewrites the codes of part `p` through `global_of` (nothing to do when it is the identity).
fn remap_part(
    codes: &mut [u32],
    first_rows: &[usize],
    p: usize,
    global_of: &[u32],
    identity: bool,
) {
    if identity {
        return;
    }
    // Shifted by one so that `MISSING_CODE` (`u32::MAX`) wraps to entry 0 and maps to itself:
    // no branch on missing cells, which come in no predictable pattern.
    let shifted: Vec<u32> = std::iter::once(MISSING_CODE)
        .chain(global_of.iter().copied())
        .collect();
    let end = first_rows.get(p + 1).copied().unwrap_or(codes.len());
    for code in &mut codes[first_rows[p]..end] {
        *code = shifted[code.wrapping_add(1) as usize];
    }
}

/// Adds `offset` to the codes of part `p` (missing cells stay missing).
fn shift_part(codes: &mut [u32], first_rows: &[usize], p: usize, offset: u32) {
    if offset == 0 {
        return;
    }
    let end = first_rows.get(p + 1).copied().unwrap_or(codes.len());
    for code in &mut codes[first_rows[p]..end] {
        *code = if *code == MISSING_CODE {
            MISSING_CODE
        } else {
            *code + offset
        };
    }
}

/// [`merge_dictionaries`] for many levels (ids, nearly all distinct). Levels are numbered in
/// file order (parts in order, each in order of first appearance) and looked up in one
/// open-addressing table of level numbers, tagged with the top half of their hash so that
/// level bytes are compared only on a likely repeat: one pass finds every repeat. Without
/// repeats (the usual case for ids) the dictionary is the levels in order and each part's
/// codes only shift by the number of levels before it.
fn merge_many_levels(
    codes: &mut [u32],
    level_parts: Vec<PartLevels<'_>>,
    first_rows: &[usize],
    total: usize,
) -> Levels {
    // Level number of the first level of each part, and the total at the end.
    let mut part_offsets = Vec::with_capacity(level_parts.len() + 1);
    let mut offset = 0;
    for levels in &level_parts {
        part_offsets.push(offset);
        offset += levels.len();
    }
    part_offsets.push(offset);
    let level_key = |i: usize| {
        let p = part_offsets.partition_point(|&o| o <= i) - 1;
        level_parts[p].keys[i - part_offsets[p]]
    };
    // At most half full; an entry is `tag << 32 | (level + 1)`, 0 when empty (codes, hence
    // level numbers, are below `MISSING_CODE`, so `level + 1` fits in 32 bits).
    let bits = (2 * total).next_power_of_two().trailing_zeros();
    let mask = (1usize << bits) - 1;
    let mut table = vec![0u64; 1 << bits];
    // `(level, first level with the same text)` for every repeat.
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    for (i, &key) in level_parts.iter().flat_map(|l| &l.keys).enumerate() {
        let tag = key.hash >> 32;
        let mut slot = (key.hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize;
        loop {
            let entry = table[slot];
            if entry == 0 {
                table[slot] = (tag << 32) | (i as u64 + 1);
                break;
            }
            if entry >> 32 == tag {
                let first = (entry & 0xFFFF_FFFF) as usize - 1;
                if level_key(first) == key {
                    repeats.push((i, first));
                    break;
                }
            }
            slot = (slot + 1) & mask;
        }
    }
    drop(table);
    if repeats.is_empty() {
        let bytes = level_parts.iter().map(|l| l.texts.text_len()).sum();
        let mut dictionary = Levels::with_capacity(total, bytes);
        for (p, levels) in level_parts.iter().enumerate() {
            let offset = dictionary.len() as u32;
            dictionary.append(&levels.texts);
            shift_part(codes, first_rows, p, offset);
        }
        return dictionary;
    }
    let mut dictionary = Levels::with_capacity(total - repeats.len(), 0);
    let mut first_of: Vec<u32> = (0..total as u32).collect();
    for (i, f) in repeats {
        first_of[i] = f as u32;
    }
    let mut code_of: Vec<u32> = vec![0; total];
    let mut i = 0;
    let mut global_of: Vec<u32> = Vec::new();
    for (p, levels) in level_parts.iter().enumerate() {
        global_of.clear();
        let mut identity = true;
        for (local, text) in levels.texts.iter().enumerate() {
            let f = first_of[i] as usize;
            let code = if f == i {
                dictionary.push(text);
                (dictionary.len() - 1) as u32
            } else {
                code_of[f]
            };
            code_of[i] = code;
            identity &= code as usize == local;
            global_of.push(code);
            i += 1;
        }
        remap_part(codes, first_rows, p, &global_of, identity);
    }
    dictionary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_eq_is_slice_equality() {
        let texts: [&[u8]; 8] = [
            b"Diversified children products",
            b"Diversified children productz",
            b"Xiversified children products",
            b"Diversified childrenXproducts",
            b"Clothing & Shoes",
            b"Clothing & Shoez",
            b"12345678",
            b"abc",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(long_eq(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn short_keys_read_as_their_bytes_read() {
        let cells: [&[u8]; 22] = [
            b"0", b"7", b"-", b"-0", b"-7", b"12", b"1.5", b"-1.5", b"0.25", b"1234567",
            b"-123456", b"1.", b".5", b"-.5", b"1..2", b"12a", b"NA", b" 5", b"5 ", b"1e5", b"+5",
            b"99.0001",
        ];
        for cell in cells {
            let mut padded = cell.to_vec();
            padded.extend_from_slice(b";;;;;;;;");
            let key = load_word(&padded, 0, cell.len()) | ((cell.len() as u64) << 56);
            let by_key = parse_short_key(key);
            let by_bytes = parse_short_number(&padded, 0, cell.len());
            assert_eq!(
                by_key.map(f64::to_bits),
                by_bytes.map(f64::to_bits),
                "{cell:?}"
            );
            let trims = cell.first() != cell.trim_ascii_start().first()
                || cell.last() != cell.trim_ascii_end().last();
            assert_eq!(key_needs_trimming(key), trims, "{cell:?}");
        }
    }

    #[test]
    fn either_mask_is_the_union_of_the_two_masks() {
        let patterns = [b';', b'\n', b',', 0, 0x80, 0xff, b'\t'];
        // Every byte value in every position, beside separators and bytes one away from them.
        for byte in 0..=255_u8 {
            for &first in &patterns {
                for &second in &patterns {
                    let bytes = [
                        byte,
                        first,
                        byte.wrapping_add(1),
                        second,
                        byte,
                        0x7f,
                        0x80,
                        byte,
                    ];
                    let word = u64::from_le_bytes(bytes);
                    let (a, b) = (
                        u64::from(first) * 0x0101_0101_0101_0101,
                        u64::from(second) * 0x0101_0101_0101_0101,
                    );
                    assert_eq!(
                        bytes_equal_either(word, a, b),
                        bytes_equal(word, a) | bytes_equal(word, b),
                        "{bytes:?} {first} {second}"
                    );
                }
            }
        }
    }

    #[test]
    fn byte_masks_find_exactly_the_matching_bytes() {
        let word = u64::from_le_bytes(*b";a;\n\x3b\xbb;\x00");
        let semis = bytes_equal(word, u64::from(b';') * 0x0101_0101_0101_0101);
        let positions: Vec<u32> = (0..8).filter(|i| semis >> (i * 8 + 7) & 1 == 1).collect();
        assert_eq!(positions, vec![0, 2, 4, 6]);
        assert_eq!(semis & !0x8080_8080_8080_8080, 0);
    }

    #[test]
    fn high_bits_gather_into_one_byte() {
        for byte in 0..=255_u64 {
            let high_bits = (0..8)
                .filter(|k| byte >> k & 1 == 1)
                .map(|k| 0x80 << (8 * k))
                .sum();
            assert_eq!(high_bits_to_byte(high_bits), byte);
        }
    }

    /// A `;`-separated part of `bytes` with `n_cols` fields per line, starting at line 2.
    fn part_of(bytes: &[u8], n_cols: usize) -> Part<'_> {
        Part {
            bytes,
            rows: count_lines(bytes),
            delimiter: b';',
            n_cols,
            first_line: 2,
        }
    }

    fn starts_of(bytes: &[u8], n_cols: usize) -> Option<Vec<u32>> {
        let part = part_of(bytes, n_cols);
        let mut starts = vec![0; bytes.len() + STARTS_SLACK];
        let n = part.field_starts(&mut starts)?;
        starts.truncate(n);
        Some(starts)
    }

    #[test]
    fn field_starts_of_regular_parts() {
        let bytes = b"ab;c;1234567\n;;x\r\nlast;y;z";
        let starts = starts_of(bytes, 3).expect("regular");
        assert_eq!(starts, vec![0, 3, 5, 13, 14, 15, 18, 23, 25, 27]);
        let part = part_of(bytes, 3);
        assert_eq!(part.rows, 3);
        let last: Vec<&[u8]> = part.cells(&starts, 2).collect();
        assert_eq!(last, vec![&b"1234567"[..], b"x", b"z"]);
        let first: Vec<&[u8]> = part.cells(&starts, 0).collect();
        assert_eq!(first, vec![&b"ab"[..], b"", b"last"]);
    }

    #[test]
    fn field_starts_fit_in_separators_plus_slack() {
        // Dense separators (empty fields) write the most entries past the last one; blocks of
        // 64 bytes with no separator, a few, and more than 16.
        let mut sparse =
            [&b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789a;cdef"[..]; 3].concat();
        sparse.extend_from_slice(b"x;y\n");
        let mut dense = b";".repeat(127);
        dense.push(b'\n');
        for (bytes, n_cols) in [
            (&b";;;;;;;\n;;;;;;;\n"[..], 8),
            (b";;;;;;;;;;;;;;;;;;;;;;;\n", 24),
            (b"a;b\nc;d", 2),
            (b";\n;\n;\n;\n;\n;\n;\n;\n;\n", 2),
            (&sparse, 5),
            (&dense, 128),
        ] {
            let part = part_of(bytes, n_cols);
            let separators = memchr::memchr2_iter(b';', b'\n', bytes).count();
            let mut tight = vec![0; separators + STARTS_SLACK];
            let mut roomy = vec![0; bytes.len() + 64];
            let n = part.field_starts(&mut tight).expect("regular");
            assert_eq!(part.field_starts(&mut roomy), Some(n));
            assert_eq!(tight[..n], roomy[..n]);
        }
    }

    #[test]
    fn irregular_parts_are_declined() {
        assert!(starts_of(b"1;2\n\n3;4\n", 2).is_none(), "blank line");
        assert!(starts_of(b"1;2\n3\n4;5;6\n", 2).is_none(), "ragged rows");
        assert!(
            starts_of(b"1;2;3\n4;5\n", 2).is_none(),
            "too many then too few"
        );
        assert!(starts_of(b"1;2\n3;4\n\r\n", 2).is_none(), "CRLF blank line");
        assert!(starts_of(b"1;2\n3;4\n", 2).is_some());
    }

    /// Joins `parts` of texts (local codes `codes`, parts starting at `first_rows`) with
    /// [`merge_many_levels`] and with the sequential join, forced; both must agree.
    fn check_many_levels_merge(texts: &[String], per_part: usize, codes: &[u32]) -> Levels {
        let parts = || -> Vec<PartLevels<'_>> {
            texts
                .chunks(per_part)
                .map(|chunk| PartLevels {
                    keys: chunk.iter().map(|t| Hashed::new(t.as_bytes())).collect(),
                    texts: chunk.iter().collect(),
                })
                .collect()
        };
        let first_rows: Vec<usize> = (0..texts.len().div_ceil(per_part))
            .map(|p| p * per_part)
            .collect();
        let mut many_codes = codes.to_vec();
        let many = merge_many_levels(&mut many_codes, parts(), &first_rows, texts.len());
        let mut index = HashedMap::default();
        let mut dictionary: Vec<&str> = Vec::new();
        let mut sequential_codes = codes.to_vec();
        let parts = parts();
        for (p, levels) in parts.iter().enumerate() {
            let global_of: Vec<u32> = levels
                .keys
                .iter()
                .zip(&levels.texts)
                .map(|(&key, text)| {
                    let next = dictionary.len() as u32;
                    let g = *index.entry(key).or_insert(next);
                    if g == next {
                        dictionary.push(text);
                    }
                    g
                })
                .collect();
            remap_part(&mut sequential_codes, &first_rows, p, &global_of, false);
        }
        assert_eq!(many, dictionary);
        assert_eq!(many_codes, sequential_codes);
        many
    }

    #[test]
    fn many_levels_merge_matches_the_sequential_one() {
        // Three parts of ids with repeats within and across parts, more levels than the
        // sequential join takes.
        let texts: Vec<String> = (0..3 * MANY_LEVELS)
            .map(|i| format!("id-{}", (i * 7919) % (2 * MANY_LEVELS)))
            .collect();
        let per_part = texts.len() / 3;
        let mut codes: Vec<u32> = (0..3).flat_map(|_| (0..per_part as u32).rev()).collect();
        codes[5] = MISSING_CODE;
        let merged = check_many_levels_merge(&texts, per_part, &codes);
        assert_eq!(merged.len(), 2 * MANY_LEVELS);
    }

    #[test]
    fn distinct_levels_merge_by_shifting_codes() {
        // Distinct ids in uneven parts (the last one short), missing cells here and there: every
        // part's codes shift by the levels before it.
        let texts: Vec<String> = (0..2 * MANY_LEVELS + 77)
            .map(|i| format!("{i:08x}-uuid"))
            .collect();
        let per_part = MANY_LEVELS / 3;
        let mut codes: Vec<u32> = texts
            .chunks(per_part)
            .flat_map(|chunk| 0..chunk.len() as u32)
            .collect();
        for row in [0, 1, per_part, 3 * per_part + 2, texts.len() - 1] {
            codes[row] = MISSING_CODE;
        }
        let merged = check_many_levels_merge(&texts, per_part, &codes);
        assert_eq!(merged, texts);
    }

    #[test]
    fn dictionaries_merge_in_order_of_first_appearance() {
        let part = |levels: &[&'static str]| PartLevels {
            keys: levels.iter().map(|s| Hashed::new(s.as_bytes())).collect(),
            texts: levels.iter().collect(),
        };
        // Part 0 holds rows 0..2 (b, a), part 1 rows 2..5 (b, c, a) with local codes 0, 1, 2.
        let mut codes = vec![0, 1, 0, 1, 2];
        let parts = vec![part(&["b", "a"]), part(&["b", "c", "a"])];
        let dictionary = merge_dictionaries(&mut codes, parts, &[0, 2]);
        assert_eq!(dictionary, ["b", "a", "c"]);
        assert_eq!(codes, vec![0, 1, 0, 2, 1]);
    }
}
