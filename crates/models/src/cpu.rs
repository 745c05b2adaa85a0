//! What the models ask of the processor that safe Rust cannot say: a cache prefetch hint, and
//! loops compiled for vector instructions the processor is found to have (AVX2, AVX-512, FMA).
//!
//! This is the only module of the workspace allowed `unsafe` throughout (the other use is one
//! block in `trees/predict/walk.rs`, the single tree's unchecked reads behind
//! [`RawLayout`](crate::trees::predict::RawLayout)), and every use here is `unsafe` in form only:
//!
//! - [`prefetch`] calls `_mm_prefetch`, which only hints the cache: it cannot fault, read or
//!   change anything, whatever the address (its documentation says it is safe to use with any
//!   pointer). The call is `unsafe` because the intrinsic is declared for the `sse` target
//!   feature, and every x86-64 processor has SSE.
//! - [`LargestMagnitude::of`], [`all_finite`] and [`run_with_fused_multiply_add`] call a build
//!   of a plain loop for AVX2 or AVX-512 and FMA only after `is_x86_feature_detected!` said the
//!   processor has them.
//!
//! Why they are worth it, measured on the bench's 100,000 × 40 rows and its depth-20 tree (one
//! thread, 2026-11-28): without a prefetch the rows must be checked in one pass before the walk
//! (0.7-0.9 ms for 32 MB, bound by memory), or the walk waits for memory (4.3-5.8 ms when each
//! next 8 to 32 rows are checked just before the lanes take them). With it, the check of each
//! next 8 rows finds them in cache and costs its arithmetic: 0.37 ms for the 32 MB, 0.24 ms
//! with AVX2. The single tree's predict went from 2.5 to 2.0 ms with the prefetch, and the
//! AVX2 check took another 0.05-0.1 ms off.
//!
//! The MLP's scoring kernel ([`crate::mlp`]) is written once against [`MultiplyAddWork`]; on
//! the same rows (`cargo bench -p pdscore-models --bench linear -- mlp32_predict`, two threads)
//! it scores a 40-32-1 network in 2.05 ms with AVX-512, 3.59 ms with AVX2 (forced on the same
//! machine), against 4.28 ms for ndarray's `dot` before it. The branch-free [`all_finite`]
//! check took logistic regression's predict from 1.65 to 1.07 ms (the rows had been checked
//! one by one, with an early exit).

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

/// Whether every value is finite (no `NaN`, no infinity). Reads every value, without an early
/// exit, so that the compiler can keep several lanes of the test in vector registers; with AVX2
/// when the processor has it.
pub(crate) fn all_finite(values: &[f64]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, just checked.
        return unsafe { all_finite_avx2(values) };
    }
    all_finite_baseline(values)
}

/// [`all_finite_baseline`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn all_finite_avx2(values: &[f64]) -> bool {
    all_finite_baseline(values)
}

/// `v * 0` is a zero for a finite `v` and `NaN` otherwise, and a `NaN` survives every sum:
/// eight running sums of those products are all zero exactly when every value is finite.
#[allow(clippy::inline_always)]
#[inline(always)]
fn all_finite_baseline(values: &[f64]) -> bool {
    let mut groups = values.chunks_exact(8);
    let mut sums = [0.0f64; 8];
    for group in groups.by_ref() {
        for (s, &v) in sums.iter_mut().zip(group) {
            *s += v * 0.0;
        }
    }
    let rest: f64 = groups.remainder().iter().map(|&v| v * 0.0).sum();
    sums.into_iter().sum::<f64>() + rest == 0.0
}

/// Work whose arithmetic is written once and compiled for the processor's widest fused
/// multiply-add: [`run_with_fused_multiply_add`] calls `run::<true, WIDE>` from a function
/// compiled with AVX-512 (`WIDE`) or AVX2 and FMA when the processor has them (where
/// `f64::mul_add` is one instruction), else `run::<false, false>` (where the work must
/// multiply, then add). `WIDE` says there are 32 vector registers of eight `f64`s, not 16 of
/// four or two. Implementations mark `run` and what it calls `#[inline(always)]`, so that
/// their bodies are compiled into those functions.
pub(crate) trait MultiplyAddWork {
    /// Does the work; `FUSED` says whether `f64::mul_add` is one instruction here, `WIDE`
    /// whether the vector registers are AVX-512's.
    fn run<const FUSED: bool, const WIDE: bool>(&mut self);
}

/// Runs `work` compiled for the widest fused multiply-add the processor has (see
/// [`MultiplyAddWork`]).
pub(crate) fn run_with_fused_multiply_add<W: MultiplyAddWork>(work: &mut W) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected;
        if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("fma") {
            // SAFETY: the processor has AVX-512F and FMA, just checked.
            unsafe { run_avx512(work) };
            return;
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the processor has AVX2 and FMA, just checked.
            unsafe { run_avx2(work) };
            return;
        }
    }
    work.run::<false, false>();
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
fn run_avx512<W: MultiplyAddWork>(work: &mut W) {
    work.run::<true, true>();
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_avx2<W: MultiplyAddWork>(work: &mut W) {
    work.run::<true, false>();
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

    /// A dot product written once for every multiply-add path.
    struct Dot<'a> {
        a: &'a [f64],
        b: &'a [f64],
        result: f64,
        fused: bool,
    }

    impl MultiplyAddWork for Dot<'_> {
        #[allow(clippy::inline_always)]
        #[inline(always)]
        fn run<const FUSED: bool, const WIDE: bool>(&mut self) {
            self.result = self.a.iter().zip(self.b).fold(0.0, |sum, (&x, &y)| {
                if FUSED {
                    x.mul_add(y, sum)
                } else {
                    x * y + sum
                }
            });
            self.fused = FUSED;
        }
    }

    #[test]
    fn every_multiply_add_path_computes_the_same_work() {
        // Small integers: every product and sum is exact, fused or not.
        let a: Vec<f64> = (0..37).map(|i| f64::from(i % 7) - 3.0).collect();
        let b: Vec<f64> = (0..37).map(|i| f64::from(i % 5)).collect();
        let expected: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let mut work = Dot {
            a: &a,
            b: &b,
            result: 0.0,
            fused: false,
        };
        run_with_fused_multiply_add(&mut work);
        assert_eq!(work.result, expected);
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected;
            let fused = is_x86_feature_detected!("fma")
                && (is_x86_feature_detected!("avx2") || is_x86_feature_detected!("avx512f"));
            assert_eq!(work.fused, fused);
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                work.result = 0.0;
                // SAFETY: the processor has AVX2 and FMA, just checked.
                unsafe { run_avx2(&mut work) };
                assert_eq!(work.result, expected);
            }
        }
        work.run::<false, false>();
        assert_eq!(work.result, expected);
    }

    #[test]
    fn all_finite_finds_any_nan_or_infinity_at_any_position() {
        for len in [0usize, 1, 7, 8, 9, 17, 40] {
            let values: Vec<f64> = (0..len)
                .map(|i| [f64::MAX, -0.0, 1e-310, -3.5][i % 4])
                .collect();
            assert!(all_finite(&values), "len {len}");
            assert!(all_finite_baseline(&values), "len {len}");
            for at in 0..len {
                for bad in [f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut with_bad = values.clone();
                    with_bad[at] = bad;
                    assert!(!all_finite(&with_bad), "len {len}, at {at}");
                    assert!(!all_finite_baseline(&with_bad), "len {len}, at {at}");
                }
            }
        }
    }
}
