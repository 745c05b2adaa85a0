//! One output column of one part: its cells converted in one typed loop straight into the
//! column's slice, short cells through small direct-mapped caches.

use super::dictionary::{LocalDictionary, PartLevels, short_slot};
use super::scan::Part;
use super::words::{
    SHORT_KEY_BYTES, key_needs_trimming, load_word, parse_short_key, parse_short_number,
};
use crate::csv::convert::{BadCollector, MissingTokens, parse_bool, parse_number};
use crate::table::{ColumnKind, MISSING_CODE};

/// One output column of the fast path: which file column feeds it, its name and its kind
/// (`None`: raw text, the id column).
pub(crate) struct OutputSpec<'p> {
    pub(crate) file_column: usize,
    pub(crate) name: &'p str,
    pub(crate) kind: Option<ColumnKind>,
}

/// An output column being filled.
pub(super) enum Storage {
    Numeric(Vec<f64>),
    Boolean(Vec<Option<bool>>),
    Codes(Vec<u32>),
}

impl Storage {
    pub(super) fn new(kind: Option<ColumnKind>, n: usize) -> Self {
        match kind {
            Some(ColumnKind::Numeric) => Storage::Numeric(vec![0.0; n]),
            Some(ColumnKind::Boolean) => Storage::Boolean(vec![None; n]),
            Some(ColumnKind::Categorical) | None => Storage::Codes(vec![0; n]),
        }
    }

    pub(super) fn sink(&mut self) -> Sink<'_> {
        match self {
            Storage::Numeric(v) => Sink::Numeric(v),
            Storage::Boolean(v) => Sink::Boolean(v),
            Storage::Codes(v) => Sink::Codes(v),
        }
    }
}

/// The rows of one output column that one part fills.
pub(super) enum Sink<'o> {
    Numeric(&'o mut [f64]),
    Boolean(&'o mut [Option<bool>]),
    Codes(&'o mut [u32]),
}

impl<'o> Sink<'o> {
    pub(super) fn split_at(self, mid: usize) -> (Sink<'o>, Sink<'o>) {
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

    pub(super) fn len(&self) -> usize {
        match self {
            Sink::Numeric(s) => s.len(),
            Sink::Boolean(s) => s.len(),
            Sink::Codes(s) => s.len(),
        }
    }
}

/// What converting one column of one part found besides the values.
pub(super) struct ColumnReport<'b> {
    pub(super) bad: BadCollector,
    pub(super) invalid_utf8: Option<u64>,
    /// Part-local dictionary (categorical columns), in order of first appearance.
    pub(super) levels: PartLevels<'b>,
}

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

impl<'b> Part<'b> {
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
    pub(super) fn convert(
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
