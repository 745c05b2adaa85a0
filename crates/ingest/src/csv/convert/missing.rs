//! Missing tokens: the cell texts that mean "missing".

use super::cells::{parse_number, short_eq};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_tokens_match_exactly() {
        let m = MissingTokens::new(&["NA".into(), String::new()]);
        assert!(m.is_missing(b"NA"));
        assert!(m.is_missing(b""));
        assert!(!m.is_missing(b"NAN"));
    }
}
