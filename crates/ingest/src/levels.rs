//! [`Levels`]: the distinct values of a categorical column, stored as one string pool.

use std::fmt;
use std::ops::Index;

use serde::de::{SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ordered list of strings (the levels of a [`CategoricalColumn`](crate::CategoricalColumn))
/// kept as one text buffer and the end offset of each level, instead of one `String` each.
///
/// A column of 100,000 distinct ids then costs two allocations instead of 100,000, to build
/// and to free. Levels are read by index ([`Levels::get`], `levels[i]`) or in order
/// ([`Levels::iter`]); they are appended with [`Levels::push`] or collected from any iterator
/// of strings. Serialised, a `Levels` is a plain list of strings (the JSON of the former
/// `Vec<String>`), and it compares equal to a slice or array of `&str` with the same items.
///
/// ```
/// use pdscore_ingest::Levels;
/// let mut levels: Levels = ["a", "bc"].into_iter().collect();
/// levels.push("");
/// assert_eq!(levels.len(), 3);
/// assert_eq!(&levels[1], "bc");
/// assert_eq!(levels.get(2), Some(""));
/// assert_eq!(levels.get(3), None);
/// assert_eq!(levels, ["a", "bc", ""]);
/// assert_eq!(serde_json::to_string(&levels).unwrap(), r#"["a","bc",""]"#);
/// ```
#[derive(Clone, PartialEq, Eq, Default, Hash)]
pub struct Levels {
    /// Every level's text, one after the other.
    text: String,
    /// Byte offset in `text` where each level ends (it starts where the previous one ends).
    ends: Vec<usize>,
}

impl Levels {
    /// An empty list.
    ///
    /// ```
    /// assert!(pdscore_ingest::Levels::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Levels::default()
    }

    /// An empty list with room for `levels` levels of `bytes` bytes in total.
    ///
    /// ```
    /// let mut levels = pdscore_ingest::Levels::with_capacity(2, 8);
    /// levels.push("abcd");
    /// assert_eq!(levels, ["abcd"]);
    /// ```
    pub fn with_capacity(levels: usize, bytes: usize) -> Self {
        Levels {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(levels),
        }
    }

    /// Number of levels.
    ///
    /// ```
    /// let levels: pdscore_ingest::Levels = ["x", "y"].into_iter().collect();
    /// assert_eq!(levels.len(), 2);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no level (an empty level `""` is a level).
    ///
    /// ```
    /// let mut levels = pdscore_ingest::Levels::new();
    /// assert!(levels.is_empty());
    /// levels.push("");
    /// assert!(!levels.is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Total bytes of all levels' text.
    ///
    /// ```
    /// let levels: pdscore_ingest::Levels = ["ab", "", "c"].into_iter().collect();
    /// assert_eq!(levels.text_len(), 3);
    /// ```
    #[inline]
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Level `index`, or `None` when out of bounds.
    ///
    /// ```
    /// let levels: pdscore_ingest::Levels = ["x", "y"].into_iter().collect();
    /// assert_eq!(levels.get(1), Some("y"));
    /// assert_eq!(levels.get(2), None);
    /// ```
    #[inline]
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        self.text.get(start..end)
    }

    /// Appends a level (no check for repeats: the caller keeps levels distinct).
    ///
    /// ```
    /// let mut levels = pdscore_ingest::Levels::new();
    /// levels.push("a");
    /// levels.push("a");
    /// assert_eq!(levels, ["a", "a"]);
    /// ```
    #[inline]
    pub fn push(&mut self, level: &str) {
        self.text.push_str(level);
        self.ends.push(self.text.len());
    }

    /// Appends every level of `other`, in order (two copies, whatever the number of levels).
    ///
    /// ```
    /// let mut levels: pdscore_ingest::Levels = ["a"].into_iter().collect();
    /// levels.append(&["b", "c"].into_iter().collect());
    /// assert_eq!(levels, ["a", "b", "c"]);
    /// ```
    pub fn append(&mut self, other: &Levels) {
        let offset = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|&end| end + offset));
    }

    /// The levels in order.
    ///
    /// ```
    /// let levels: pdscore_ingest::Levels = ["x", "y"].into_iter().collect();
    /// assert_eq!(levels.iter().collect::<Vec<_>>(), ["x", "y"]);
    /// ```
    pub fn iter(&self) -> LevelsIter<'_> {
        LevelsIter {
            levels: self,
            front: 0,
            back: self.len(),
        }
    }

    /// The levels as owned strings (one allocation each).
    ///
    /// ```
    /// let levels: pdscore_ingest::Levels = ["x"].into_iter().collect();
    /// assert_eq!(levels.to_vec(), vec!["x".to_string()]);
    /// ```
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

/// Iterator over the levels of a [`Levels`], in order (see [`Levels::iter`]).
#[derive(Debug, Clone)]
pub struct LevelsIter<'a> {
    levels: &'a Levels,
    front: usize,
    back: usize,
}

impl<'a> Iterator for LevelsIter<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        if self.front == self.back {
            return None;
        }
        let level = self.levels.get(self.front);
        self.front += 1;
        level
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for LevelsIter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.levels.get(self.back)
    }
}

impl ExactSizeIterator for LevelsIter<'_> {}

impl std::iter::FusedIterator for LevelsIter<'_> {}

impl<'a> IntoIterator for &'a Levels {
    type Item = &'a str;
    type IntoIter = LevelsIter<'a>;

    fn into_iter(self) -> LevelsIter<'a> {
        self.iter()
    }
}

impl Index<usize> for Levels {
    type Output = str;

    /// Level `index`.
    ///
    /// # Panics
    /// Panics when `index` is out of bounds.
    #[inline]
    fn index(&self, index: usize) -> &str {
        match self.get(index) {
            Some(level) => level,
            None => panic!("level {index} out of bounds ({} levels)", self.len()),
        }
    }
}

impl<S: AsRef<str>> FromIterator<S> for Levels {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut levels = Levels::new();
        levels.extend(iter);
        levels
    }
}

impl<S: AsRef<str>> Extend<S> for Levels {
    fn extend<I: IntoIterator<Item = S>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.ends.reserve(iter.size_hint().0);
        for level in iter {
            self.push(level.as_ref());
        }
    }
}

impl fmt::Debug for Levels {
    /// A list of strings, as `Vec<String>` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Levels {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Levels {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Levels {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

impl Serialize for Levels {
    /// A sequence of strings (JSON: an array of strings).
    fn serialize<Ser: Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for level in self {
            seq.serialize_element(level)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Levels {
    /// From a sequence of strings (JSON: an array of strings).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Collects a sequence of strings.
        struct LevelsVisitor;

        impl<'de> Visitor<'de> for LevelsVisitor {
            type Value = Levels;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Levels, A::Error> {
                let mut levels = Levels::new();
                levels
                    .ends
                    .reserve(seq.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(level) = seq.next_element::<std::borrow::Cow<'de, str>>()? {
                    levels.push(&level);
                }
                Ok(levels)
            }
        }

        deserializer.deserialize_seq(LevelsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Levels {
        ["", "a", "", "héllo", "a;b", " x "].into_iter().collect()
    }

    #[test]
    fn get_index_and_iter_agree_with_a_vec() {
        let expected = ["", "a", "", "héllo", "a;b", " x "];
        let levels = sample();
        assert_eq!(levels.len(), expected.len());
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(levels.get(i), Some(*e));
            assert_eq!(&levels[i], *e);
        }
        assert_eq!(levels.get(expected.len()), None);
        assert_eq!(levels.iter().collect::<Vec<_>>(), expected);
        assert_eq!(
            levels.iter().rev().collect::<Vec<_>>(),
            expected.iter().rev().copied().collect::<Vec<_>>()
        );
        assert_eq!(levels.iter().len(), expected.len());
        assert_eq!(levels, expected);
        assert_eq!(levels, expected.to_vec());
        assert_ne!(levels, expected[..5]);
        assert_eq!(levels.to_vec(), expected.map(String::from).to_vec());
    }

    #[test]
    fn empty_levels_are_levels() {
        let mut levels = Levels::new();
        assert!(levels.is_empty());
        assert_eq!(levels.get(0), None);
        assert_eq!(levels.iter().next(), None);
        levels.push("");
        levels.push("");
        assert_eq!(levels.len(), 2);
        assert_eq!(levels, ["", ""]);
        assert_ne!(levels, Levels::new());
        let mut one: Levels = [""].into_iter().collect();
        assert_ne!(levels, one);
        one.push("");
        assert_eq!(levels, one);
    }

    #[test]
    fn equality_is_equality_of_the_lists() {
        // Same bytes, different cuts.
        let ab_c: Levels = ["ab", "c"].into_iter().collect();
        let a_bc: Levels = ["a", "bc"].into_iter().collect();
        assert_ne!(ab_c, a_bc);
        assert_eq!(ab_c, ab_c.clone());
    }

    #[test]
    fn append_concatenates() {
        let mut levels: Levels = ["a", ""].into_iter().collect();
        levels.append(&sample());
        levels.append(&Levels::new());
        let tail = sample();
        let expected: Vec<&str> = ["a", ""].into_iter().chain(tail.iter()).collect();
        assert_eq!(levels, expected);
        let mut empty = Levels::new();
        empty.append(&sample());
        assert_eq!(empty, sample());
    }

    #[test]
    fn serde_round_trip_matches_vec_of_strings() {
        let levels = sample();
        let strings = levels.to_vec();
        let json = serde_json::to_string(&levels).expect("serialise");
        assert_eq!(
            json,
            serde_json::to_string(&strings).expect("serialise vec")
        );
        let back: Levels = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, levels);
        // Escapes (owned strings in the deserialiser) and the empty list.
        let escaped: Levels = serde_json::from_str(r#"["a\"b","\u00e9",""]"#).expect("escaped");
        assert_eq!(escaped, ["a\"b", "é", ""]);
        let empty: Levels = serde_json::from_str("[]").expect("empty");
        assert!(empty.is_empty());
        assert_eq!(serde_json::to_string(&empty).expect("serialise"), "[]");
        assert!(serde_json::from_str::<Levels>(r#"["a", 1]"#).is_err());
        assert!(serde_json::from_str::<Levels>(r#""a""#).is_err());
    }

    #[test]
    fn debug_prints_a_list() {
        assert_eq!(
            format!("{:?}", sample()),
            format!("{:?}", sample().to_vec())
        );
    }

    #[test]
    #[should_panic(expected = "out of bounds")]
    fn index_out_of_bounds_panics() {
        let levels = sample();
        let _ = &levels[levels.len()];
    }
}
