//! The field scan of one part: the start of every field, found 64 bytes at a time, and the
//! trimmed byte range of a field.

use super::words::{SHORT_KEY_BYTES, bytes_equal_either, high_bits_to_byte, load_word};

/// One part of the body being parsed.
pub(super) struct Part<'b> {
    pub(super) bytes: &'b [u8],
    /// Number of lines: line ends, plus one for a last line without one.
    pub(super) rows: usize,
    pub(super) delimiter: u8,
    pub(super) n_cols: usize,
    /// File line of the part's first row.
    pub(super) first_line: u64,
}

/// Entries [`Part::field_starts`] needs beyond the part's separators (its block loop writes 16
/// entries from the one after the last separator found so far).
pub(super) const STARTS_SLACK: usize = 17;

/// Number of lines of a non-empty part: line ends, plus one for a last line without one.
pub(super) fn count_lines(part: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', part).count() + usize::from(!part.ends_with(b"\n"))
}

impl<'b> Part<'b> {
    /// Fills `starts` with the start of every field, plus one past the end of the last field
    /// (`starts[k]..starts[k + 1] - 1` is field `k`, counted row-major), and returns how many
    /// entries it wrote. `None` when the part is not regular. `starts` must have room for the
    /// part's separators (delimiters and line ends) plus [`STARTS_SLACK`] (see `with_scratch`
    /// in `parts`).
    pub(super) fn field_starts(&self, starts: &mut [u32]) -> Option<usize> {
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
    #[allow(
        clippy::inline_always,
        reason = "left to the compiler this stays a call per cell (`docs/ingest.md` has the cost)"
    )]
    #[inline(always)]
    pub(super) fn span(&self, starts: &[u32], k: usize, last: bool) -> (usize, usize) {
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
    #[allow(
        clippy::inline_always,
        reason = "called once per cell on the hot path, as `span` is (see its reason)"
    )]
    #[inline(always)]
    pub(super) fn probe_key(&self, starts: &[u32], k: usize) -> u64 {
        let start = starts[k] as usize;
        let len = (starts[k + 1] as usize - 1) - start;
        if (1..=SHORT_KEY_BYTES).contains(&len) {
            load_word(self.bytes, start, len) | ((len as u64) << 56)
        } else {
            0
        }
    }

    /// Field `col` of every row (trimmed), as byte slices.
    pub(super) fn cells<'s>(
        &'s self,
        starts: &'s [u32],
        col: usize,
    ) -> impl Iterator<Item = &'b [u8]> + 's {
        let rows = (starts.len() - 1) / self.n_cols;
        let last = col + 1 == self.n_cols;
        (0..rows).map(move |r| {
            let (s, e) = self.span(starts, r * self.n_cols + col, last);
            &self.bytes[s..e]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
