//! The two things the single tree's walk ([`crate::walk`]) asks of the processor that safe Rust
//! cannot say: a cache prefetch hint, and the AVX2 form of the infinity check.
//!
//! This is the only module of the workspace allowed `unsafe` throughout (the other use is one
//! block in [`crate::walk`], the step's unchecked reads), and both uses here are `unsafe` in
//! form only:
//!
//! - [`prefetch`] calls `_mm_prefetch`, which only hints the cache: it cannot fault, read or
//!   change anything, whatever the address (its documentation says it is safe to use with any
//!   pointer). The call is `unsafe` because the intrinsic is declared for the `sse` target
//!   feature, and every x86-64 processor has SSE.
//! - [`LargestMagnitude::of`] calls an AVX2 build of a plain loop only after
//!   `is_x86_feature_detected!("avx2")` said the processor has AVX2.
//!
//! Why they are worth it, measured on the bench's 100,000 × 40 rows and its depth-20 tree (one
//! thread, 2026-11-28): without a prefetch the rows must be checked in one pass before the walk
//! (0.7-0.9 ms for 32 MB, bound by memory), or the walk waits for memory (4.3-5.8 ms when each
//! next 8 to 32 rows are checked just before the lanes take them). With it, the check of each
//! next 8 rows finds them in cache and costs its arithmetic: 0.37 ms for the 32 MB, 0.24 ms
//! with AVX2. The single tree's predict went from 2.5 to 2.0 ms with the prefetch, and the
//! AVX2 check took another 0.05-0.1 ms off.

#![allow(unsafe_code)]

/// Hints the processor to bring the cache line holding `value` into the nearest cache, without
/// waiting for it. Does nothing off x86-64.
#[inline]
pub(crate) fn prefetch(value: &f64) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint that cannot fault or change memory, for any address;
        // `_mm_prefetch` needs `unsafe` only for its `sse` target feature, which every x86-64
        // processor has.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(value).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The largest absolute value of a slice, `NaN`s skipped: `+inf` exactly when the slice holds
/// an infinity. Computed with AVX2 when the processor has it (detected once, by
/// [`LargestMagnitude::detect`]), else with the baseline instructions.
///
/// ```ignore
/// let largest = LargestMagnitude::detect();
/// assert_eq!(largest.of(&[1.0, f64::NAN, -3.0]), 3.0);
/// assert_eq!(largest.of(&[1.0, f64::NEG_INFINITY]), f64::INFINITY);
/// ```
#[derive(Debug, Clone, Copy)]
pub(crate) struct LargestMagnitude {
    avx2: bool,
}

impl LargestMagnitude {
    /// Looks up once whether the processor has AVX2.
    pub(crate) fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        LargestMagnitude { avx2 }
    }

    /// The largest `|v|` over `values` that are not `NaN`, 0 when there is none.
    #[inline]
    pub(crate) fn of(self, values: &[f64]) -> f64 {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: `detect` found AVX2 on this processor.
            return unsafe { largest_magnitude_avx2(values) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = self.avx2;
        largest_magnitude(values)
    }
}

/// [`largest_magnitude`] compiled for AVX2 (four values per instruction instead of two).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn largest_magnitude_avx2(values: &[f64]) -> f64 {
    largest_magnitude(values)
}

/// The largest `|v|` over `values` that are not `NaN` (0 when there is none): eight running
/// maxima without an early exit, which the compiler turns into vector maxima.
// Always inlined, so that the AVX2 wrapper compiles this body with AVX2.
#[allow(clippy::inline_always)]
#[inline(always)]
fn largest_magnitude(values: &[f64]) -> f64 {
    // `a > m` is false for `NaN`, which so never replaces a maximum.
    let larger = |m: f64, v: f64| {
        let a = v.abs();
        if a > m { a } else { m }
    };
    let mut groups = values.chunks_exact(8);
    let mut maxima = [0.0f64; 8];
    for group in groups.by_ref() {
        for (m, &v) in maxima.iter_mut().zip(group) {
            *m = larger(*m, v);
        }
    }
    let rest = groups.remainder().iter().fold(0.0, |m, &v| larger(m, v));
    maxima.into_iter().fold(rest, larger)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_magnitude_skips_nan_and_finds_infinities_at_any_position() {
        let detected = LargestMagnitude::detect();
        let baseline = LargestMagnitude { avx2: false };
        for len in [0usize, 1, 7, 8, 9, 16, 31, 100] {
            let values: Vec<f64> = (0..len)
                .map(|i| {
                    if i % 5 == 2 {
                        f64::NAN
                    } else {
                        (i as f64 - 40.0) * 0.25
                    }
                })
                .collect();
            let expected = values
                .iter()
                .filter(|v| !v.is_nan())
                .fold(0.0f64, |m, v| m.max(v.abs()));
            for largest in [detected, baseline] {
                assert_eq!(largest.of(&values), expected, "len {len}");
                for at in 0..len {
                    for inf in [f64::INFINITY, f64::NEG_INFINITY] {
                        let mut with_inf = values.clone();
                        with_inf[at] = inf;
                        assert_eq!(largest.of(&with_inf), f64::INFINITY, "len {len}, at {at}");
                    }
                }
            }
        }
        let only_nan = [f64::NAN; 11];
        assert_eq!(detected.of(&only_nan), 0.0);
    }
}
