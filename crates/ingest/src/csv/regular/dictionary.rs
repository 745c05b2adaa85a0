//! Part-local dictionaries of categorical columns: level codes looked up through small
//! caches and a hash table of level bytes hashed once.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use super::words::{load_word, long_eq};
use crate::csv::convert::{canonical_level, short_eq};
use crate::levels::Levels;
use crate::table::MISSING_CODE;

/// Dictionaries up to this size are searched linearly before a hash table is built.
const SMALL_DICTIONARY: usize = 16;

/// Slots of the short-cell cache of a categorical column (a power of two).
pub(super) const SHORT_CACHE_SLOTS: usize = 64;

/// The cache slot of a packed short cell (Fibonacci hashing).
#[inline]
pub(super) fn short_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// A part-local dictionary: each level's bytes in the body (with their hash) and its text in
/// one string pool, so a level costs no allocation of its own.
#[derive(Default)]
pub(super) struct PartLevels<'b> {
    pub(super) keys: Vec<Hashed<'b>>,
    pub(super) texts: Levels,
}

impl PartLevels<'_> {
    pub(super) fn with_capacity(levels: usize) -> Self {
        PartLevels {
            keys: Vec::with_capacity(levels),
            texts: Levels::with_capacity(levels, 0),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.keys.len()
    }
}

/// A byte string with its hash computed once.
#[derive(Clone, Copy)]
pub(super) struct Hashed<'b> {
    pub(super) hash: u64,
    pub(super) bytes: &'b [u8],
}

impl<'b> Hashed<'b> {
    /// `bytes` with its hash: `FxHasher`'s step on every eight bytes, the last one to seven
    /// bytes taken as one zero-padded word (one multiply, not one per byte: ids are 36 bytes).
    #[inline]
    pub(super) fn new(bytes: &'b [u8]) -> Self {
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
pub(super) struct PassThroughHasher(u64);

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

pub(super) type HashedMap<'b> = HashMap<Hashed<'b>, u32, BuildHasherDefault<PassThroughHasher>>;

/// Dictionary-encodes the non-missing cells of one column of one part.
pub(super) struct LocalDictionary<'b> {
    /// Raw text (the id column): no canonicalisation, and nearly every value is new.
    pub(super) raw: bool,
    pub(super) levels: PartLevels<'b>,
    /// Cells of up to [`SHORT_KEY_BYTES`] bytes by packed word (bytes, and length in the top
    /// byte, so no key is 0): a direct-mapped cache of their codes ([`MISSING_CODE`] for a
    /// missing token), filled by the general lookup on a miss.
    ///
    /// [`SHORT_KEY_BYTES`]: super::words::SHORT_KEY_BYTES
    pub(super) short_cache: Vec<(u64, u32)>,
    /// Longer cells by a tag of their first and last eight bytes and length: a direct-mapped
    /// cache of codes, checked against the level's bytes.
    long_cache: Vec<(u64, u32)>,
    /// Longer levels by hashed bytes.
    index: HashedMap<'b>,
    last: Option<(&'b [u8], u32)>,
}

impl<'b> LocalDictionary<'b> {
    pub(super) fn new(raw: bool, rows: usize) -> Self {
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
    ///
    /// [`SHORT_KEY_BYTES`]: super::words::SHORT_KEY_BYTES
    #[inline]
    pub(super) fn cached_long(&self, bytes: &'b [u8], start: usize, end: usize) -> Option<u32> {
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
    pub(super) fn cache_long(&mut self, bytes: &[u8], start: usize, end: usize, code: u32) {
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
    pub(super) fn code(&mut self, cell: &'b [u8]) -> Option<u32> {
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
