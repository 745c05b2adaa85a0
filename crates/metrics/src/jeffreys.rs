//! The Jeffreys test of a PD against observed defaults (PD back-testing).

use crate::special::beta_inc;
use crate::{MetricsError, Result};

/// Largest `count` accepted: `defaults + ½` must be exact in an `f64`.
const MAX_COUNT: u64 = 1 << 52;

/// One-sided p-value of the Jeffreys test of a PD: the CDF of
/// `Beta(defaults + ½, count − defaults + ½)` at `pd`.
///
/// This is the test the ECB's instructions for reporting the validation results of internal
/// models and the EBA guidelines on PD estimation use to back-test a rating grade or a
/// portfolio: the Jeffreys prior `Beta(½, ½)` updated with `defaults` out of `count`
/// obligors gives a posterior of the default rate, and the p-value is the posterior
/// probability that the rate is at most `pd`. A **small p-value means the observed default
/// rate is significantly above the PD** (the PD is too low); a p-value near 1 means it is
/// (conservatively) above the observed rate. Unlike the binomial test, it is defined for zero
/// defaults and is not discrete in the PD. Computed as the regularised incomplete beta function
/// `I_pd(defaults + ½, count − defaults + ½)`, as `scipy.stats.beta.cdf` (checked against it
/// and against 60-digit values up to `count = 10^6`, see `tests/golden/README.md`).
///
/// # Errors
/// [`MetricsError::InvalidParameter`] for `count == 0`, `count > 2^52`, `defaults > count`, or
/// a `pd` outside `[0, 1]` (or `NaN`).
///
/// # Example
/// ```
/// use pdscore_metrics::jeffreys_p_value;
/// // 30 defaults among 1,000 loans with a PD of 2%: the PD is too low at the 5% level.
/// let p = jeffreys_p_value(30, 1_000, 0.02)?;
/// assert!((p - 0.01623847108311798).abs() < 1e-13);
/// // 20 defaults are in line with it.
/// assert!(jeffreys_p_value(20, 1_000, 0.02)? > 0.4);
/// # Ok::<(), pdscore_metrics::MetricsError>(())
/// ```
pub fn jeffreys_p_value(defaults: u64, count: u64, pd: f64) -> Result<f64> {
    if count == 0 {
        return Err(MetricsError::param("count", count, "must be >= 1"));
    }
    if count > MAX_COUNT {
        return Err(MetricsError::param(
            "count",
            count,
            "must be at most 2^52 (exact in an f64 with the half of the prior)",
        ));
    }
    if defaults > count {
        return Err(MetricsError::param(
            "defaults",
            defaults,
            "must not exceed count",
        ));
    }
    if !(0.0..=1.0).contains(&pd) {
        return Err(MetricsError::param(
            "pd",
            pd,
            "must be a probability in [0, 1]",
        ));
    }
    let a = defaults as f64 + 0.5;
    let b = (count - defaults) as f64 + 0.5;
    beta_inc(a, b, pd).ok_or(MetricsError::NoConvergence {
        what: "incomplete beta function (Jeffreys test)",
        iterations: crate::special::MAX_ITERATIONS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::special::tests::check_fixture;

    #[test]
    fn matches_scipy_beta_cdf() {
        check_fixture("jeffreys", 1e-13, 5e-12, |row| {
            jeffreys_p_value(row[0] as u64, row[1] as u64, row[2]).ok()
        });
    }

    #[test]
    fn edges_and_a_closed_form() {
        assert_eq!(jeffreys_p_value(0, 10, 0.0), Ok(0.0));
        assert_eq!(jeffreys_p_value(10, 10, 1.0), Ok(1.0));
        // No default in one loan: Beta(½, 3/2), CDF (2/π)(asin √x + √(x (1 − x))).
        for x in [1e-6_f64, 0.1, 0.3, 0.9] {
            let closed = 2.0 / std::f64::consts::PI * (x.sqrt().asin() + (x * (1.0 - x)).sqrt());
            let got = jeffreys_p_value(0, 1, x).unwrap();
            assert!(
                (got - closed).abs() <= 1e-15 * closed,
                "{x}: {got} vs {closed}"
            );
        }
    }

    #[test]
    fn huge_counts_converge() {
        // 1.43 % defaults in 10^9 and 2^52 loans, PD at and near the observed rate.
        for count in [1_000_000_000_u64, MAX_COUNT] {
            let defaults = count / 70;
            let rate = defaults as f64 / count as f64;
            let at = jeffreys_p_value(defaults, count, rate).unwrap();
            assert!((0.3..0.7).contains(&at), "count {count}: {at}");
            assert!(jeffreys_p_value(defaults, count, rate * 0.99).unwrap() < 1e-6);
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        for (name, result) in [
            ("count", jeffreys_p_value(0, 0, 0.1)),
            ("count", jeffreys_p_value(0, MAX_COUNT + 1, 0.1)),
            ("defaults", jeffreys_p_value(11, 10, 0.1)),
            ("pd", jeffreys_p_value(1, 10, -0.1)),
            ("pd", jeffreys_p_value(1, 10, 1.5)),
            ("pd", jeffreys_p_value(1, 10, f64::NAN)),
        ] {
            assert!(
                matches!(result, Err(MetricsError::InvalidParameter { name: n, .. }) if n == name),
                "{name}: {result:?}"
            );
        }
    }
}
