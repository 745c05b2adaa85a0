//! The synthetic label: log-odds from thresholds, interactions and missingness, with an
//! intercept calibrated to the published share of positives.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::customer::{Customer, Sampler, sigmoid};
use super::facts::{MERCHANT_CATEGORIES, POSITIVE_RATE};

/// Rows used to calibrate the label intercept (drawn from a fixed seed, so the intercept does
/// not depend on the requested seed or size).
const CALIBRATION_ROWS: usize = 50_000;
const CALIBRATION_SEED: u64 = 0x4b4c_4152_4e41;

/// Groups of merchants with a higher default rate in the synthetic label.
const RISKY_GROUPS: [&str; 3] = ["Intangible products", "Erotic Materials", "Electronics"];

/// The label's log-odds before the intercept: thresholds, interactions and missingness.
pub(super) fn label_score(c: &Customer) -> f64 {
    let status = |s: Option<u8>| s.map_or(0, |v| v);
    let mut f = 0.0;
    if c.account_status == Some(2) {
        f += 1.5;
    }
    f += match status(c.account_worst_status_0_3m) {
        2 => 0.7,
        3.. => 1.8,
        _ => 0.0,
    };
    if status(c.account_worst_status_12_24m) >= 3 {
        f += 0.6;
    }
    // No account but many unpaid bills: missingness interacts with a count.
    if c.account_status.is_none() && c.num_unpaid_bills >= 4.0 {
        f += 2.2;
    }
    if c.status_archived[5] >= 3 {
        f += 1.0;
    }
    if c.status_archived[0] >= 2 && c.num_active_inv >= 2.0 {
        f += 2.0;
    }
    if status(c.worst_status_active_inv) >= 2 {
        f += 1.1;
    }
    if c.num_arch_dc_0_12m > 0.0 {
        f += 0.9;
    }
    if c.num_arch_ok_0_12m >= 10.0 {
        f -= 2.0;
    }
    if c.status_archived[5] == 0 {
        f += 0.8;
    }
    // U-shaped age effect and night-time purchases.
    if c.age < 23.0 {
        f += 1.4;
    } else if c.age > 62.0 {
        f += 1.2;
    }
    if !(6.0..=22.0).contains(&c.time_hours) {
        f += 1.3;
    }
    if !c.has_paid {
        f += 0.7;
        if c.avg_payment_span_0_12m.is_some_and(|s| s > 22.0) {
            f += 2.0;
        }
    }
    // Paid in the last year but not in the last three months.
    if c.avg_payment_span_0_12m.is_some() && c.avg_payment_span_0_3m.is_none() {
        f += 1.0;
    }
    if c.account_incoming_debt_vs_paid_0_24m
        .is_some_and(|d| d > 1.2)
    {
        f += 0.7;
    }
    if RISKY_GROUPS.contains(&MERCHANT_CATEGORIES[c.merchant].1) {
        f += 0.8;
    }
    if c.recovery_debt > 0.0 {
        f += 1.0;
    }
    // Mid-sized recent purchases on a young account history are safer.
    if (2_000.0..12_000.0).contains(&c.max_paid_inv_0_12m) && c.num_arch_ok_12_24m > 0.0 {
        f -= 1.0;
    }
    1.1 * f
}

/// Finds the intercept that makes the mean probability [`POSITIVE_RATE`] on a fixed
/// calibration sample.
pub(super) fn calibrate_intercept(sampler: &Sampler) -> f64 {
    let mut rng = ChaCha8Rng::seed_from_u64(CALIBRATION_SEED);
    let scores: Vec<f64> = (0..CALIBRATION_ROWS)
        .map(|_| label_score(&sampler.customer(&mut rng)))
        .collect();
    let (mut lo, mut hi) = (-20.0, 5.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        let mean = scores.iter().map(|s| sigmoid(mid + s)).sum::<f64>() / scores.len() as f64;
        if mean > POSITIVE_RATE {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi)
}
