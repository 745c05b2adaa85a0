//! Turning tokenized fields into typed columns.

use std::collections::HashMap;

use crate::csv::tokenize::TokenChunk;
use crate::error::{BadCell, IngestError, MAX_EXAMPLES};
use crate::levels::Levels;
use crate::table::{CategoricalColumn, ColumnData, ColumnKind, MISSING_CODE};

/// The cell texts that mean "missing", compared after trimming ASCII whitespace.
#[derive(Debug, Clone)]
pub(crate) struct MissingTokens {
    tokens: Vec<Vec<u8>>,
    max_len: usize,
    /// The tokens of at most eight bytes, packed little-endian into a word, with their length.
    words: Vec<(u64, usize)>,
    /// The packed tokens that are not numbers either (`parse_number` rejects them).
    non_numeric_words: Vec<(u64, usize)>,
}

impl MissingTokens {
    pub(crate) fn new(tokens: &[String]) -> Self {
        let tokens: Vec<Vec<u8>> = tokens
            .iter()
            .map(|t| t.trim().as_bytes().to_vec())
            .collect();
        let max_len = tokens.iter().map(Vec::len).max().unwrap_or(0);
        let pack = |t: &Vec<u8>| {
            let mut w = [0u8; 8];
            w[..t.len()].copy_from_slice(t);
            (u64::from_le_bytes(w), t.len())
        };
        let words = tokens.iter().filter(|t| t.len() <= 8).map(pack).collect();
        let non_numeric_words = tokens
            .iter()
            .filter(|t| t.len() <= 8 && parse_number(t).is_none())
            .map(pack)
            .collect();
        MissingTokens {
            tokens,
            max_len,
            words,
            non_numeric_words,
        }
    }

    /// Like [`MissingTokens::is_missing_word`], for the tokens that are not numbers: a numeric
    /// cell matching one is missing without being parsed.
    #[inline]
    pub(crate) fn is_non_numeric_word(&self, word: u64, len: usize) -> bool {
        self.non_numeric_words
            .iter()
            .any(|&(w, l)| w == word && l == len)
    }

    /// Like [`MissingTokens::is_missing`] for a cell of `len <= 8` bytes packed little-endian
    /// into `word` (the other bytes zero).
    #[inline]
    pub(crate) fn is_missing_word(&self, word: u64, len: usize) -> bool {
        self.words.iter().any(|&(w, l)| w == word && l == len)
    }

    #[inline]
    pub(crate) fn is_missing(&self, cell: &[u8]) -> bool {
        cell.len() <= self.max_len && self.tokens.iter().any(|t| short_eq(t, cell))
    }
}

/// How one output column is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conversion {
    /// Parse as this kind.
    Kind(ColumnKind),
    /// Text kept exactly as found (the id column): categorical without canonicalisation.
    Raw,
    /// Decide the kind from the cells.
    Infer,
}

impl Conversion {
    /// The kind to parse as once inference is done (`None`: raw text).
    pub(crate) fn resolved(self, facts: KindFacts) -> Option<ColumnKind> {
        match self {
            Conversion::Kind(k) => Some(k),
            Conversion::Raw => None,
            Conversion::Infer => Some(facts.kind()),
        }
    }
}

/// Equality of short byte strings without a `memcmp` call.
#[inline]
pub(crate) fn short_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

#[inline]
pub(crate) fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

/// Exact powers of ten as `f64` (10^22 is the largest one an `f64` holds exactly).
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parses a number; `None` for anything `fast-float2` rejects (infinities parse, and are
/// rejected by the caller).
///
/// Most cells are short decimals (`-12`, `15.4799`): those whose digits form an integer of at
/// most 2^53 are read here as that integer divided by an exact power of ten, a single correctly
/// rounded IEEE division, so the result is the correctly rounded value `fast-float2` gives too
/// (Clinger's fast path). Everything else (exponents, long mantissas, `inf`, `NaN`, junk) goes
/// to `fast-float2`.
#[inline]
pub(crate) fn parse_number(cell: &[u8]) -> Option<f64> {
    let (negative, digits) = match cell.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, cell),
    };
    let mut mantissa = 0u64;
    let mut i = 0;
    while i < digits.len() && i < 20 {
        let d = digits[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    let int_len = i;
    let mut frac_len = 0;
    let mut dot = false;
    if i < digits.len() && digits[i] == b'.' {
        dot = true;
        i += 1;
        while i < digits.len() && int_len + frac_len < 20 {
            let d = digits[i].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
            i += 1;
            frac_len += 1;
        }
    }
    if i == digits.len()
        && int_len > 0
        && (!dot || frac_len > 0)
        && int_len + frac_len <= 19
        && mantissa <= 1 << 53
    {
        let magnitude = if frac_len == 0 {
            mantissa as f64
        } else {
            mantissa as f64 / EXACT_POWERS_OF_TEN[frac_len]
        };
        return Some(if negative { -magnitude } else { magnitude });
    }
    fast_float2::parse::<f64, _>(cell).ok()
}

/// `Some(true)` / `Some(false)` for a boolean token, `None` otherwise. The flag says whether the
/// token is a word (`true`, `False`, ...) rather than a digit.
#[inline]
pub(crate) fn parse_bool(cell: &[u8]) -> Option<(bool, bool)> {
    match cell {
        b"1" | b"1.0" => Some((true, false)),
        b"0" | b"0.0" => Some((false, false)),
        _ if cell.eq_ignore_ascii_case(b"true") => Some((true, true)),
        _ if cell.eq_ignore_ascii_case(b"false") => Some((false, true)),
        _ => None,
    }
}

/// The canonical text of a categorical cell: an integral number written with a `.0...` tail
/// (`1.0`, `-3.00`) loses the tail, so `1.0` and `1` are one level. Other text is unchanged
/// (`007` stays `007`).
pub fn canonical_level(cell: &[u8]) -> &[u8] {
    // Only `-?digits.0+` changes: anything else is returned as soon as its first byte shows it.
    if !cell
        .first()
        .is_some_and(|&b| b == b'-' || b.is_ascii_digit())
    {
        return cell;
    }
    let Some(dot) = cell.iter().position(|&b| b == b'.') else {
        return cell;
    };
    let (int, frac) = (&cell[..dot], &cell[dot + 1..]);
    let digits = int.strip_prefix(b"-").unwrap_or(int);
    if !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && !frac.is_empty()
        && frac.iter().all(|&b| b == b'0')
    {
        int
    } else {
        cell
    }
}

/// What the cells of a column allow, gathered chunk by chunk to infer its kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KindFacts {
    all_bool: bool,
    saw_word: bool,
    all_num: bool,
}

impl KindFacts {
    const START: KindFacts = KindFacts {
        all_bool: true,
        saw_word: false,
        all_num: true,
    };

    /// Facts of field `col` in one chunk.
    pub(crate) fn of_chunk(chunk: &TokenChunk<'_>, col: usize, missing: &MissingTokens) -> Self {
        Self::of_cells(chunk.column(col).map(|(cell, _)| cell), missing)
    }

    /// Facts of some cells of a column.
    pub(crate) fn of_cells<'c>(
        cells: impl Iterator<Item = &'c [u8]>,
        missing: &MissingTokens,
    ) -> Self {
        let mut f = Self::START;
        for cell in cells {
            let cell = trim(cell);
            if cell.is_empty() || missing.is_missing(cell) {
                continue;
            }
            if f.all_bool {
                match parse_bool(cell) {
                    Some((_, word)) => f.saw_word |= word,
                    None => f.all_bool = false,
                }
            }
            if f.all_num && parse_number(cell).is_none() {
                f.all_num = false;
            }
            if !f.all_bool && !f.all_num {
                break;
            }
        }
        f
    }

    /// Facts of two parts together.
    pub(crate) fn merge(self, other: Self) -> Self {
        KindFacts {
            all_bool: self.all_bool && other.all_bool,
            saw_word: self.saw_word || other.saw_word,
            all_num: self.all_num && other.all_num,
        }
    }

    /// The inferred kind: boolean when every non-missing cell is a boolean token and at least
    /// one is a word (so 0/1-only columns stay numeric), numeric when every non-missing cell
    /// parses as a number, else categorical. An all-missing column is numeric.
    pub(crate) fn kind(self) -> ColumnKind {
        if self.all_bool && self.saw_word {
            ColumnKind::Boolean
        } else if self.all_num {
            ColumnKind::Numeric
        } else {
            ColumnKind::Categorical
        }
    }
}

impl Default for KindFacts {
    fn default() -> Self {
        Self::START
    }
}

/// Offending cells of one column: the first [`MAX_EXAMPLES`] and a count.
#[derive(Debug, Default)]
pub(crate) struct BadCollector {
    examples: Vec<BadCell>,
    total: usize,
}

impl BadCollector {
    #[cold]
    pub(crate) fn push(&mut self, line: u64, cell: &[u8]) {
        self.total += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(BadCell {
                line,
                value: String::from_utf8_lossy(cell).into_owned(),
            });
        }
    }

    pub(crate) fn merge(&mut self, other: BadCollector) {
        self.total += other.total;
        let room = MAX_EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(other.examples.into_iter().take(room));
    }

    pub(crate) fn finish(self, column: &str, kind: ColumnKind) -> Result<(), IngestError> {
        if self.total == 0 {
            Ok(())
        } else {
            Err(IngestError::BadValues {
                column: column.to_owned(),
                kind,
                examples: self.examples,
                total: self.total,
            })
        }
    }
}

/// A fast, non-cryptographic hasher for dictionary keys (the Fx hash of rustc).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// Dictionaries up to this size are searched linearly.
const SMALL_DICTIONARY: usize = 16;

/// One column's cells from one chunk, typed.
#[derive(Debug)]
pub(crate) enum Partial {
    Numeric(Vec<f64>),
    Boolean(Vec<Option<bool>>),
    /// Local dictionary (first appearance in the chunk) and codes into it.
    Categorical(Levels, Vec<u32>),
}

/// One column's part from one chunk, with its problems.
#[derive(Debug)]
pub(crate) struct PartialColumn {
    data: Partial,
    bad: BadCollector,
    invalid_utf8: Option<u64>,
}

impl PartialColumn {
    /// Adds `offset` to the line numbers of the problems found (parts number lines from 0).
    pub(crate) fn shift_lines(&mut self, offset: u64) {
        for cell in &mut self.bad.examples {
            cell.line += offset;
        }
        if let Some(line) = &mut self.invalid_utf8 {
            *line += offset;
        }
    }
}

/// Builds one column's part cell by cell.
#[derive(Debug)]
pub(crate) struct ColumnBuilder<'a> {
    state: BuilderState<'a>,
    bad: BadCollector,
    invalid_utf8: Option<u64>,
}

#[derive(Debug)]
enum BuilderState<'a> {
    Numeric(Vec<f64>),
    Boolean(Vec<Option<bool>>),
    Categorical {
        canonicalise: bool,
        keys: Vec<&'a [u8]>,
        index: FxMap<&'a [u8], u32>,
        dictionary: Levels,
        codes: Vec<u32>,
        last: Option<(&'a [u8], u32)>,
    },
}

impl<'a> ColumnBuilder<'a> {
    /// A builder for `kind` (`None`: raw text, the id column) expecting about `capacity` cells.
    pub(crate) fn new(kind: Option<ColumnKind>, capacity: usize) -> Self {
        let state = match kind {
            Some(ColumnKind::Numeric) => BuilderState::Numeric(Vec::with_capacity(capacity)),
            Some(ColumnKind::Boolean) => BuilderState::Boolean(Vec::with_capacity(capacity)),
            Some(ColumnKind::Categorical) | None => {
                let mut index = FxMap::default();
                if kind.is_none() {
                    // Ids: (nearly) every value is new.
                    index.reserve(capacity);
                }
                BuilderState::Categorical {
                    canonicalise: kind.is_some(),
                    keys: Vec::new(),
                    index,
                    dictionary: Levels::new(),
                    codes: Vec::with_capacity(capacity),
                    last: None,
                }
            }
        };
        ColumnBuilder {
            state,
            bad: BadCollector::default(),
            invalid_utf8: None,
        }
    }

    /// Adds one cell found on `line`.
    #[inline]
    pub(crate) fn push(&mut self, cell: &'a [u8], line: u64, missing: &MissingTokens) {
        let cell = trim(cell);
        match &mut self.state {
            BuilderState::Numeric(values) => {
                // Parse first: numbers are the common case; `NaN` parses and is missing.
                match parse_number(cell) {
                    Some(v) if !v.is_infinite() => values.push(v),
                    Some(_) => {
                        self.bad.push(line, cell);
                        values.push(f64::NAN);
                    }
                    None => {
                        if !(cell.is_empty() || missing.is_missing(cell)) {
                            self.bad.push(line, cell);
                        }
                        values.push(f64::NAN);
                    }
                }
            }
            BuilderState::Boolean(values) => {
                if let Some((b, _)) = parse_bool(cell) {
                    values.push(Some(b));
                } else {
                    if !(cell.is_empty() || missing.is_missing(cell)) {
                        self.bad.push(line, cell);
                    }
                    values.push(None);
                }
            }
            BuilderState::Categorical {
                canonicalise,
                keys,
                index,
                dictionary,
                codes,
                last,
            } => {
                if cell.is_empty() || missing.is_missing(cell) {
                    codes.push(MISSING_CODE);
                    return;
                }
                let key = if *canonicalise {
                    canonical_level(cell)
                } else {
                    cell
                };
                // Runs of the same value are common (status codes): remember the last one.
                if let Some((k, c)) = *last
                    && short_eq(k, key)
                {
                    codes.push(c);
                    return;
                }
                // Few levels (status codes, groups): a linear scan beats hashing; the map is
                // filled only once the dictionary outgrows `SMALL_DICTIONARY`.
                let found = if keys.len() <= SMALL_DICTIONARY {
                    keys.iter().position(|k| short_eq(k, key)).map(|i| i as u32)
                } else {
                    index.get(key).copied()
                };
                let code = if let Some(c) = found {
                    c
                } else if let Ok(text) = std::str::from_utf8(key) {
                    let c = dictionary.len() as u32;
                    dictionary.push(text);
                    keys.push(key);
                    if keys.len() > SMALL_DICTIONARY {
                        if index.is_empty() {
                            index.extend(keys.iter().enumerate().map(|(i, k)| (*k, i as u32)));
                        } else {
                            index.insert(key, c);
                        }
                    }
                    c
                } else {
                    self.invalid_utf8.get_or_insert(line);
                    codes.push(MISSING_CODE);
                    return;
                };
                *last = Some((key, code));
                codes.push(code);
            }
        }
    }

    /// Keeps the first `n` cells (drops a ragged row's cells; such a read fails anyway).
    pub(crate) fn truncate(&mut self, n: usize) {
        match &mut self.state {
            BuilderState::Numeric(v) => v.truncate(n),
            BuilderState::Boolean(v) => v.truncate(n),
            BuilderState::Categorical { codes, last, .. } => {
                codes.truncate(n);
                *last = None;
            }
        }
    }

    /// The finished part.
    pub(crate) fn finish(self) -> PartialColumn {
        let data = match self.state {
            BuilderState::Numeric(v) => Partial::Numeric(v),
            BuilderState::Boolean(v) => Partial::Boolean(v),
            BuilderState::Categorical {
                dictionary, codes, ..
            } => Partial::Categorical(dictionary, codes),
        };
        PartialColumn {
            data,
            bad: self.bad,
            invalid_utf8: self.invalid_utf8,
        }
    }
}

/// Converts field `col` of one chunk as `kind` (`None`: raw text, the id column).
pub(crate) fn convert_chunk_column(
    chunk: &TokenChunk<'_>,
    col: usize,
    kind: Option<ColumnKind>,
    missing: &MissingTokens,
) -> PartialColumn {
    let mut builder = ColumnBuilder::new(kind, chunk.n_rows());
    for (cell, line) in chunk.column(col) {
        builder.push(cell, line, missing);
    }
    builder.finish()
}

/// Joins per-chunk dictionaries into one, in order of first appearance, and remaps the codes.
/// `parts` holds, per chunk, the offset of its dictionary in `texts` and its local codes.
fn merge_dictionaries(texts: Levels, parts: Vec<(usize, Vec<u32>)>, n: usize) -> CategoricalColumn {
    let mut global_of = vec![0u32; texts.len()];
    let mut first = vec![false; texts.len()];
    {
        let mut index: FxMap<&str, u32> = FxMap::default();
        index.reserve(texts.len());
        for (i, text) in texts.iter().enumerate() {
            let next = index.len() as u32;
            let code = *index.entry(text).or_insert_with(|| {
                first[i] = true;
                next
            });
            global_of[i] = code;
        }
    }
    // Without repeats (ids) the pool is the dictionary as it is.
    let dictionary = if first.iter().all(|&f| f) {
        texts
    } else {
        texts
            .iter()
            .zip(first)
            .filter_map(|(t, f)| f.then_some(t))
            .collect()
    };
    let mut codes = Vec::with_capacity(n);
    for (offset, local) in parts {
        codes.extend(local.into_iter().map(|c| {
            if c == MISSING_CODE {
                c
            } else {
                global_of[offset + c as usize]
            }
        }));
    }
    CategoricalColumn { dictionary, codes }
}

/// Joins the parts of one column (in file order) into a typed column, or the column's problem.
pub(crate) fn merge_column(
    parts: Vec<PartialColumn>,
    name: &str,
    kind: Option<ColumnKind>,
) -> Result<ColumnData, IngestError> {
    let n: usize = parts
        .iter()
        .map(|p| match &p.data {
            Partial::Numeric(v) => v.len(),
            Partial::Boolean(v) => v.len(),
            Partial::Categorical(_, c) => c.len(),
        })
        .sum();
    let mut bad = BadCollector::default();
    let mut invalid_utf8 = None;
    let mut numeric = Vec::new();
    let mut boolean = Vec::new();
    let mut texts = Levels::new();
    let mut local_codes: Vec<(usize, Vec<u32>)> = Vec::new();
    for part in parts {
        bad.merge(part.bad);
        if invalid_utf8.is_none() {
            invalid_utf8 = part.invalid_utf8;
        }
        match part.data {
            Partial::Numeric(v) => {
                numeric.reserve(n);
                numeric.extend(v);
            }
            Partial::Boolean(v) => {
                boolean.reserve(n);
                boolean.extend(v);
            }
            Partial::Categorical(dictionary, codes) => {
                local_codes.push((texts.len(), codes));
                texts.append(&dictionary);
            }
        }
    }
    let categorical = if local_codes.is_empty() {
        CategoricalColumn::default()
    } else {
        merge_dictionaries(texts, local_codes, n)
    };
    if let Some(line) = invalid_utf8 {
        return Err(IngestError::InvalidUtf8 {
            line,
            column: name.to_owned(),
        });
    }
    let kind_or_cat = kind.unwrap_or(ColumnKind::Categorical);
    bad.finish(name, kind_or_cat)?;
    Ok(match kind_or_cat {
        ColumnKind::Numeric => ColumnData::Numeric(numeric),
        ColumnKind::Boolean => ColumnData::Boolean(boolean),
        ColumnKind::Categorical => ColumnData::Categorical(categorical),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_level_strips_only_zero_fractions_of_integers() {
        assert_eq!(canonical_level(b"1.0"), b"1");
        assert_eq!(canonical_level(b"-3.00"), b"-3");
        assert_eq!(canonical_level(b"1.5"), b"1.5");
        assert_eq!(canonical_level(b"007"), b"007");
        assert_eq!(canonical_level(b"a.0"), b"a.0");
        assert_eq!(canonical_level(b".0"), b".0");
        assert_eq!(canonical_level(b"1."), b"1.");
    }

    #[test]
    fn number_parsing_accepts_exponents_and_flags_infinities() {
        assert_eq!(parse_number(b"5e+05"), Some(500_000.0));
        assert_eq!(parse_number(b"0"), Some(0.0));
        assert_eq!(
            parse_number(b"123456789012345"),
            Some(123_456_789_012_345.0)
        );
        assert_eq!(
            parse_number(b"12345678901234567"),
            Some(12_345_678_901_234_567.0)
        );
        assert_eq!(parse_number(b"-12"), Some(-12.0));
        assert_eq!(parse_number(b"1e308"), Some(1e308));
        assert!(parse_number(b"1e309").is_some_and(f64::is_infinite));
        assert!(parse_number(b"-inf").is_some_and(f64::is_infinite));
        assert_eq!(parse_number(b"abc"), None);
        assert_eq!(parse_number(b"1 2"), None);
    }

    /// What `fast-float2` alone reads (the reference the fast path must match bit for bit).
    fn reference(cell: &[u8]) -> Option<u64> {
        fast_float2::parse::<f64, _>(cell).ok().map(f64::to_bits)
    }

    #[test]
    fn decimal_fast_path_matches_fast_float_on_edge_cases() {
        let cases: [&[u8]; 22] = [
            b"0",
            b"-0",
            b"0.1",
            b"-0.1",
            b"15.4799",
            b"16.939657",
            b"9007199254740992",
            b"9007199254740993",
            b"0.30000000000000004",
            b"1234567890.123456789",
            b"00012.50",
            b"1.",
            b".5",
            b"-",
            b"-.5",
            b"1.2.3",
            b"1e5",
            b"12345678901234567890",
            b"99999999999999999999.5",
            b"0.0000000000000000000001",
            b"4.35",
            b"-1234.5678",
        ];
        for cell in cases {
            assert_eq!(
                parse_number(cell).map(f64::to_bits),
                reference(cell),
                "{}",
                String::from_utf8_lossy(cell)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn decimal_fast_path_matches_fast_float(
            negative: bool,
            int in "[0-9]{1,12}",
            frac in proptest::option::of("[0-9]{0,12}"),
        ) {
            let mut cell = String::new();
            if negative {
                cell.push('-');
            }
            cell.push_str(&int);
            if let Some(frac) = frac {
                cell.push('.');
                cell.push_str(&frac);
            }
            proptest::prop_assert_eq!(
                parse_number(cell.as_bytes()).map(f64::to_bits),
                reference(cell.as_bytes())
            );
        }
    }

    #[test]
    fn boolean_tokens() {
        assert_eq!(parse_bool(b"True"), Some((true, true)));
        assert_eq!(parse_bool(b"false"), Some((false, true)));
        assert_eq!(parse_bool(b"1"), Some((true, false)));
        assert_eq!(parse_bool(b"yes"), None);
    }

    #[test]
    fn missing_tokens_match_exactly() {
        let m = MissingTokens::new(&["NA".into(), String::new()]);
        assert!(m.is_missing(b"NA"));
        assert!(m.is_missing(b""));
        assert!(!m.is_missing(b"NAN"));
    }
}
