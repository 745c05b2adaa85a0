//! Cells read as machine words: up to eight bytes of the body packed little-endian into a
//! `u64`, compared, hashed and parsed as numbers without a loop over their bytes.

/// Longest categorical cell looked up by its packed word rather than its bytes.
pub(super) const SHORT_KEY_BYTES: usize = 7;

/// The high bits of the eight bytes of `high_bits` (nothing else may be set), gathered into the
/// low byte: bit `k` is the high bit of byte `k`.
#[inline]
pub(super) fn high_bits_to_byte(high_bits: u64) -> u64 {
    (high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Mask with the high bit of every byte of `word` that equals the byte repeated in `first` or
/// the one repeated in `second` (as `bytes_equal(word, first) | bytes_equal(word, second)`,
/// with three operations fewer).
#[inline]
pub(super) fn bytes_equal_either(word: u64, first: u64, second: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // A byte of `x` is non-zero exactly when the high bit of its byte in `nonzero(x)` is set
    // (the low seven bits cannot carry into the next byte).
    let nonzero = |x: u64| ((x & LOW7) + LOW7) | x;
    !(nonzero(word ^ first) & nonzero(word ^ second)) & !LOW7
}

/// Mask with the high bit of every byte of `word` that equals the byte repeated in `pattern`.
#[inline]
pub(super) fn bytes_equal(word: u64, pattern: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ pattern;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The `len <= 8` bytes of `bytes` from `start`, packed little-endian into a word (the rest
/// zero).
#[inline]
pub(super) fn load_word(bytes: &[u8], start: usize, len: usize) -> u64 {
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
///
/// [`Part::probe_key`]: super::scan::Part::probe_key
#[inline]
pub(super) fn key_needs_trimming(key: u64) -> bool {
    let len = (key >> 56) as usize;
    let first = key as u8;
    let last = (key >> (8 * (len.max(1) - 1))) as u8;
    first <= b' ' || last <= b' '
}

/// [`parse_short_number`] of the 1 to [`SHORT_KEY_BYTES`] bytes packed in a short-cell `key`:
/// the same value, without reading the bytes again.
#[inline]
pub(super) fn parse_short_key(key: u64) -> Option<f64> {
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
pub(super) fn long_eq(a: &[u8], b: &[u8]) -> bool {
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
///
/// [`parse_number`]: crate::csv::convert::parse_number
#[inline]
pub(super) fn parse_short_number(bytes: &[u8], start: usize, end: usize) -> Option<f64> {
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
}
