//! Special functions behind the p-values of this crate, written out because the crate takes no
//! numerical dependency: the regularised incomplete beta function (the Jeffreys test's beta
//! CDF) and the regularised upper incomplete gamma function (the chi-square tail of the
//! Hosmer-Lemeshow test), both built on the Stirling remainder of log-gamma.
//!
//! **Why not `exp(a ln x + b ln(1 − x) − ln B(a, b))`.** Both incomplete functions are a power
//! term times a continued fraction or series. With shapes near 10^6 (a million-loan portfolio)
//! the log-gamma terms of that textbook form are near 10^7, and their rounding alone costs
//! about 1e-9 relative in the result. The power terms are computed instead in Loader's
//! saddle-point form (C. Loader, *Fast and accurate computation of binomial probabilities*,
//! 2000; R's `dbinom_raw` / `dpois_raw`): the Stirling remainders [`stirlerr`] (small numbers)
//! and the deviance [`bd0`] (computed from the difference `x − np` directly, by a series when
//! it is small), so every term that enters `exp` is only as large as the result's own
//! logarithm.
//!
//! The tests hold every function to 60-digit values (mpmath) and to scipy over grids with
//! shapes up to 10^6 (`tests/golden/special.json`): 1e-13 relative to the exact values (plus
//! `2ε·|ln v|` for values far in a tail, whose exponent alone is rounded by that much), and
//! 5e-12 to scipy, whose own error reaches 2e-12 on the same grid.

mod beta;
mod gamma;

pub(crate) use beta::beta_inc;
pub(crate) use gamma::chi_square_sf;

/// `ln √(2π)`.
#[cfg(test)]
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Iteration cap of the series and continued fractions: far above what any argument the crate
/// accepts needs (the beta fraction's worst case, at the mean with shapes near 2^52, takes
/// about 230,000 iterations; shapes up to 10^6 take under 600); it only turns a bug into an
/// error.
pub(crate) const MAX_ITERATIONS: usize = 10_000_000;

/// The Stirling series of [`stirlerr`]: `B_2k / (2k (2k − 1))` for k = 1..8.
const STIRLING: [f64; 8] = [
    1.0 / 12.0,
    -1.0 / 360.0,
    1.0 / 1260.0,
    -1.0 / 1680.0,
    1.0 / 1188.0,
    -691.0 / 360_360.0,
    1.0 / 156.0,
    -3617.0 / 122_400.0,
];

/// From this argument on, eight terms of the Stirling series are exact to about 2e-18.
const STIRLING_FROM: f64 = 10.0;

/// The remainder of Stirling's formula, `ln Γ(n + 1) − (n + ½) ln n + n − ln √(2π)`, for `n > 0`.
///
/// For `n ≥ 10` the asymptotic series (eight terms); below, the recurrence
/// `stirlerr(n) = stirlerr(n + 1) + (n + ½) ln(1 + 1/n) − 1` up to 10. Absolute error about
/// 1e-15 at worst (the recurrence's roundings), which is what matters: it enters an exponent.
pub(crate) fn stirlerr(n: f64) -> f64 {
    let mut shift = 0.0;
    let mut m = n;
    while m < STIRLING_FROM {
        shift += (m + 0.5) * (1.0 / m).ln_1p() - 1.0;
        m += 1.0;
    }
    let inverse = 1.0 / m;
    let inverse_squared = inverse * inverse;
    let series = STIRLING
        .iter()
        .rev()
        .fold(0.0, |acc, &c| c + inverse_squared * acc);
    shift + inverse * series
}

/// `ln Γ(x)` for `x > 0`: `stirlerr(x) + (x − ½) ln x − x + ln √(2π)`.
///
/// The crate itself needs only the Stirling remainder (the power terms are built from it, not
/// from differences of log-gammas); this form of `ln Γ` is how the tests hold [`stirlerr`] to
/// scipy's `gammaln`. Relative error about 1e-16 away from the zeros at 1 and 2, absolute error
/// about 1e-15 near them.
#[cfg(test)]
pub(crate) fn ln_gamma(x: f64) -> f64 {
    stirlerr(x) + (x - 0.5) * x.ln() - x + LN_SQRT_2PI
}

/// Loader's deviance term `bd0(x, np) = x ln(x / np) + np − x ≥ 0`, for `x, np > 0`, given
/// also `d = x − np` computed by the caller without cancellation. Near `x = np` (where the
/// deviance is small and `np`'s own rounding would dominate) the series
/// `d·v + 2x Σ v^(2j+1) / (2j + 1)` with `v = d / (x + np)` takes the difference from `d`;
/// elsewhere `x ln(1 + d / np) − d` (a quarter of the rounding error of `x ln(x / np)`: the
/// logarithm's argument is not rounded near 1).
pub(crate) fn bd0(x: f64, np: f64, d: f64) -> f64 {
    if d.abs() < 0.1 * (x + np) {
        let v = d / (x + np);
        let v_squared = v * v;
        let mut sum = d * v;
        let mut term = 2.0 * x * v;
        for j in 1..1000_u32 {
            term *= v_squared;
            let next = sum + term / f64::from(2 * j + 1);
            if next == sum {
                break;
            }
            sum = next;
        }
        sum
    } else {
        x * (d / np).ln_1p() - d
    }
}

/// `a·b − c·d` with one rounding error instead of two (Kahan's algorithm with fused
/// multiply-adds).
pub(crate) fn difference_of_products(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let cd = c * d;
    let error = (-c).mul_add(d, cd); // cd − c·d exactly
    a.mul_add(b, -cd) + error
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One table of `tests/golden/special.json` (scipy's values), as rows of numbers.
    pub(crate) fn fixture(table: &str) -> Vec<Vec<f64>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/special.json");
        let text = std::fs::read_to_string(path).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json[table]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect()
            })
            .collect()
    }

    /// Checks `f` on every row of a fixture table (arguments, then scipy's value, then the exact
    /// value): relative error at most `to_exact` against the exact value and `to_scipy` against
    /// scipy's. Prints the worst errors.
    ///
    /// Far in a tail the exact bound is widened by `2ε·|ln v|`: a value `v = e^t` is computed
    /// from an exponent `t` that is itself rounded (and a sum of several rounded terms of that
    /// size), which costs `|t|·ε/2` relative at the very least (1e-13 at `v ≈ e^-500`).
    pub(crate) fn check_fixture(
        table: &str,
        to_exact: f64,
        to_scipy: f64,
        f: impl Fn(&[f64]) -> Option<f64>,
    ) {
        let (mut worst_exact, mut worst_scipy) = (0.0_f64, 0.0_f64);
        for row in fixture(table) {
            let (args, values) = row.split_at(row.len() - 2);
            let (scipy, exact) = (values[0], values[1]);
            let got = f(args).unwrap();
            let (e, s) = (relative_error(got, exact), relative_error(got, scipy));
            let allowed = to_exact + 2.0 * f64::EPSILON * exact.ln().abs();
            assert!(e <= allowed, "{table}{args:?} = {got:e}, exact {exact:e}");
            assert!(s <= to_scipy, "{table}{args:?} = {got:e}, scipy {scipy:e}");
            worst_exact = worst_exact.max(e);
            worst_scipy = worst_scipy.max(s);
        }
        println!(
            "{table}: worst relative error {worst_exact:e} to exact, {worst_scipy:e} to scipy"
        );
    }

    /// Relative error, with exact agreement (both 0, say) counting as 0.
    pub(crate) fn relative_error(got: f64, want: f64) -> f64 {
        if got == want {
            0.0
        } else {
            (got - want).abs() / want.abs()
        }
    }

    #[test]
    fn ln_gamma_matches_scipy() {
        let mut worst = 0.0_f64;
        for row in fixture("ln_gamma") {
            let (x, want) = (row[0], row[2]);
            let got = ln_gamma(x);
            // Relative where |ln Γ| >= 1, absolute near the zeros at 1 and 2.
            let error = (got - want).abs() / want.abs().max(1.0);
            assert!(error <= 1e-14, "ln_gamma({x}) = {got:e}, scipy {want:e}");
            worst = worst.max(error);
        }
        println!("ln_gamma worst error {worst:e}");
    }

    #[test]
    fn stirlerr_matches_its_definition_and_series() {
        // Exact values: ln Γ(n + 1) for integers, Γ(3/2) = √π / 2.
        let ln_factorial = |n: u32| (1..=n).map(|k| f64::from(k).ln()).sum::<f64>();
        for n in [1_u32, 2, 5, 9, 10, 11, 20] {
            let x = f64::from(n);
            let want = ln_factorial(n) - (x + 0.5) * x.ln() + x - LN_SQRT_2PI;
            assert!((stirlerr(x) - want).abs() < 2e-15, "stirlerr({n})");
        }
        let half = (std::f64::consts::PI.sqrt() / 2.0).ln() - 0.5_f64.ln() + 0.5 - LN_SQRT_2PI;
        assert!((stirlerr(0.5) - half).abs() < 1e-15);
        assert!((ln_gamma(1.0)).abs() < 1e-15 && (ln_gamma(2.0)).abs() < 1e-15);
    }

    #[test]
    fn bd0_series_and_closed_form_agree() {
        for (x, np) in [
            (10.0_f64, 10.5),
            (1e6, 1e6 + 3e3),
            (0.5, 0.45),
            (3.0, 1.0),
            (0.5, 1e-9),
        ] {
            let closed = x * (x / np).ln() + np - x;
            let got = bd0(x, np, x - np);
            assert!(
                (got - closed).abs() <= 1e-9 * closed.abs().max(1e-3),
                "bd0({x}, {np})"
            );
            assert!(got >= 0.0);
        }
        assert_eq!(bd0(7.0, 7.0, 0.0), 0.0);
    }

    #[test]
    fn difference_of_products_is_exact_where_the_naive_form_cancels() {
        // (1 + 2^-30)^2 − (1 + 2^-29) = 2^-60, lost entirely by the naive form.
        let a = 1.0 + 2.0_f64.powi(-30);
        let c = 1.0 + 2.0_f64.powi(-29);
        assert_eq!(a * a - c, 0.0);
        assert_eq!(difference_of_products(a, a, c, 1.0), 2.0_f64.powi(-60));
    }
}
