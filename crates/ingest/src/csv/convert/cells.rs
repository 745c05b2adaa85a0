//! The cell rules both paths share: numbers, booleans, categorical levels.

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
}
