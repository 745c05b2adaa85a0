//! One synthetic customer: the draws behind each column, tied together by a hidden risk.

use ndarray_rand::rand_distr::{Distribution, LogNormal, Normal, Poisson};
use rand::Rng;
use rand::distributions::WeightedIndex;
use rand_chacha::ChaCha8Rng;

use super::facts::{MERCHANT_CATEGORIES, NAME_IN_EMAIL};
use crate::error::IngestError;

/// One synthetic customer, before formatting. Missing values are `None`.
#[derive(Debug, Clone, Default)]
pub(super) struct Customer {
    pub(super) account_amount_added_12_24m: f64,
    pub(super) account_days: Option<[f64; 3]>,
    pub(super) account_incoming_debt_vs_paid_0_24m: Option<f64>,
    pub(super) account_status: Option<u8>,
    pub(super) account_worst_status_0_3m: Option<u8>,
    pub(super) account_worst_status_12_24m: Option<u8>,
    pub(super) account_worst_status_3_6m: Option<u8>,
    pub(super) account_worst_status_6_12m: Option<u8>,
    pub(super) age: f64,
    pub(super) avg_payment_span_0_12m: Option<f64>,
    pub(super) avg_payment_span_0_3m: Option<f64>,
    pub(super) merchant: usize,
    pub(super) has_paid: bool,
    pub(super) max_paid_inv_0_12m: f64,
    pub(super) max_paid_inv_0_24m: f64,
    pub(super) name_in_email: usize,
    pub(super) num_active_div_by_paid_inv_0_12m: Option<f64>,
    pub(super) num_active_inv: f64,
    pub(super) num_arch_dc_0_12m: f64,
    pub(super) num_arch_dc_12_24m: f64,
    pub(super) num_arch_ok_0_12m: f64,
    pub(super) num_arch_ok_12_24m: f64,
    pub(super) num_arch_rem_0_12m: f64,
    pub(super) num_arch_written_off: Option<[f64; 2]>,
    pub(super) num_unpaid_bills: f64,
    /// last, 2nd last, 3rd last, max 0-6m, max 0-12m, max 0-24m.
    pub(super) status_archived: [u8; 6],
    pub(super) recovery_debt: f64,
    pub(super) sum_capital_paid_account_0_12m: f64,
    pub(super) sum_capital_paid_account_12_24m: f64,
    pub(super) sum_paid_inv_0_12m: f64,
    pub(super) time_hours: f64,
    pub(super) worst_status_active_inv: Option<u8>,
}

/// The draws behind [`Customer`], built once.
pub(super) struct Sampler {
    merchants: WeightedIndex<u32>,
    emails: WeightedIndex<u32>,
    std_normal: Normal<f64>,
    age: LogNormal<f64>,
    amount: LogNormal<f64>,
    invoice: LogNormal<f64>,
    capital: LogNormal<f64>,
    counts: LogNormal<f64>,
    span: LogNormal<f64>,
}

pub(super) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A status code from 1 (on time) upwards: 1 + number of thresholds `z` exceeds.
fn status_code(z: f64, thresholds: &[f64]) -> u8 {
    1 + thresholds.iter().filter(|&&t| z > t).count() as u8
}

/// Rounds to `digits` decimals.
fn round_to(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

impl Sampler {
    /// Builds the distributions. Their parameters are constants, so this fails only if a
    /// constant is edited into an invalid value.
    pub(super) fn new() -> Result<Self, IngestError> {
        let invalid = |what: &str| IngestError::InvalidOptions {
            reason: format!("synthetic generator: invalid {what}"),
        };
        let lognormal = |mu: f64, sigma: f64| {
            LogNormal::new(mu, sigma).map_err(|_| invalid("log-normal parameters"))
        };
        Ok(Sampler {
            merchants: WeightedIndex::new(MERCHANT_CATEGORIES.iter().map(|m| m.2))
                .map_err(|_| invalid("merchant weights"))?,
            emails: WeightedIndex::new(NAME_IN_EMAIL.iter().map(|e| e.1))
                .map_err(|_| invalid("name_in_email weights"))?,
            std_normal: Normal::new(0.0, 1.0).map_err(|_| invalid("normal parameters"))?,
            age: lognormal(16f64.ln(), 0.62)?,
            amount: lognormal(9_000f64.ln(), 1.2)?,
            invoice: lognormal(6_500f64.ln(), 0.9)?,
            capital: lognormal(15_000f64.ln(), 1.0)?,
            counts: lognormal(4f64.ln(), 1.1)?,
            span: lognormal(15f64.ln(), 0.5)?,
        })
    }

    fn normal(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.std_normal.sample(rng)
    }

    fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> f64 {
        Poisson::new(lambda.max(1e-6)).map_or(0.0, |p| p.sample(rng))
    }

    /// Draws one customer. `risk` is a hidden trait that makes bad statuses, collections and
    /// unpaid bills go together.
    pub(super) fn customer(&self, rng: &mut ChaCha8Rng) -> Customer {
        let risk = self.normal(rng);
        let mut c = Customer::default();

        // The account block: present for ~45.6% of customers; the older windows are present
        // for fewer (nested), matching the published non-null counts.
        let has_account = rng.gen_bool(41_042.0 / 89_976.0);
        if has_account {
            let history: f64 = rng.r#gen();
            c.account_status = Some(if rng.gen_bool(sigmoid(-3.4 + 0.9 * risk)) {
                2
            } else {
                1
            });
            let mut worst = |shift: f64| {
                let z = 0.75 * risk + 0.7 * self.normal(rng);
                status_code(z, &[1.05 - shift, 2.3 - shift, 2.9 - shift])
            };
            c.account_worst_status_0_3m = Some(worst(0.0));
            c.account_worst_status_3_6m = (history < 38_038.0 / 41_042.0).then(|| worst(0.0));
            c.account_worst_status_6_12m = (history < 35_663.0 / 41_042.0).then(|| worst(0.2));
            c.account_worst_status_12_24m = (history < 29_921.0 / 41_042.0).then(|| worst(0.3));
            c.account_incoming_debt_vs_paid_0_24m = rng.gen_bool(36_619.0 / 41_042.0).then(|| {
                if rng.gen_bool(0.25) {
                    0.0
                } else {
                    round_to((0.3f64.ln() + 0.4 * risk + 1.4 * self.normal(rng)).exp(), 6)
                }
            });
        }
        c.account_amount_added_12_24m = if rng.gen_bool(if has_account { 0.5 } else { 0.1 }) {
            self.amount.sample(rng).round()
        } else {
            0.0
        };
        c.sum_capital_paid_account_0_12m = if rng.gen_bool(if has_account { 0.7 } else { 0.05 }) {
            self.capital.sample(rng).round()
        } else {
            0.0
        };
        c.sum_capital_paid_account_12_24m = if rng.gen_bool(if has_account { 0.45 } else { 0.07 }) {
            (0.7 * self.capital.sample(rng)).round()
        } else {
            0.0
        };
        c.account_days = rng.gen_bool(79_293.0 / 89_976.0).then(|| {
            let days = |rng: &mut ChaCha8Rng, p: f64, mean: f64| {
                if rng.gen_bool(p) {
                    (1.0 + Self::poisson(rng, mean)).min(365.0)
                } else {
                    0.0
                }
            };
            [
                days(rng, sigmoid(-5.0 + 0.9 * risk), 40.0),
                days(rng, sigmoid(-2.2 + 0.6 * risk), 25.0),
                days(rng, sigmoid(-3.8 + 0.5 * risk), 6.0),
            ]
        });

        c.age = (18.0 + self.age.sample(rng)).floor().min(100.0);
        c.merchant = self.merchants.sample(rng);
        c.name_in_email = self.emails.sample(rng);
        c.has_paid = rng.gen_bool(sigmoid(1.85 - 0.45 * risk));
        let hour = 15.3 + 5.0 * self.normal(rng);
        c.time_hours = round_to(hour.rem_euclid(24.0), 6);

        // Invoices paid in the last 12 months drive several columns together.
        let paid_12m = rng.gen_bool(0.78);
        let n_paid = if paid_12m {
            self.counts.sample(rng).floor().max(1.0)
        } else {
            0.0
        };
        c.num_arch_ok_0_12m = n_paid;
        c.num_arch_ok_12_24m = if rng.gen_bool(0.62) {
            self.counts.sample(rng).floor()
        } else {
            0.0
        };
        c.max_paid_inv_0_12m = if paid_12m {
            self.invoice.sample(rng).round()
        } else {
            0.0
        };
        c.max_paid_inv_0_24m = if paid_12m {
            (c.max_paid_inv_0_12m * (1.0 + 0.3 * rng.r#gen::<f64>())).round()
        } else if rng.gen_bool(0.2) {
            self.invoice.sample(rng).round()
        } else {
            0.0
        };
        c.sum_paid_inv_0_12m = if paid_12m {
            (c.max_paid_inv_0_12m * (1.0 + n_paid * rng.gen_range(0.3..1.0))).round()
        } else {
            0.0
        };
        if paid_12m && rng.gen_bool(0.975) {
            let span = self.span.sample(rng) * (0.15 * risk).exp();
            c.avg_payment_span_0_12m = Some(round_to(span, 4));
            if rng.gen_bool(45_594.0 / 68_508.0) {
                c.avg_payment_span_0_3m =
                    Some(round_to(span * (0.3 * self.normal(rng) - 0.1).exp(), 4));
            }
        }
        c.num_active_inv = if rng.gen_bool(27_436.0 / 89_976.0) {
            1.0 + Self::poisson(rng, 1.0 + 0.5 * risk.max(0.0))
        } else {
            0.0
        };
        if c.num_active_inv > 0.0 {
            let z = 0.6 * risk + 0.8 * self.normal(rng);
            c.worst_status_active_inv = Some(status_code(z, &[1.25, 2.6]));
        }
        if paid_12m && rng.gen_bool(0.988) {
            c.num_active_div_by_paid_inv_0_12m = Some(round_to(c.num_active_inv / n_paid, 6));
        }
        c.num_arch_dc_0_12m = if rng.gen_bool(sigmoid(-3.6 + 0.8 * risk)) {
            1.0 + Self::poisson(rng, 0.8)
        } else {
            0.0
        };
        c.num_arch_dc_12_24m = if rng.gen_bool(sigmoid(-3.7 + 0.7 * risk)) {
            1.0 + Self::poisson(rng, 0.7)
        } else {
            0.0
        };
        c.num_arch_rem_0_12m = if rng.gen_bool(sigmoid(-1.3 + 0.5 * risk)) {
            1.0 + Self::poisson(rng, 1.2)
        } else {
            0.0
        };
        c.num_arch_written_off = rng.gen_bool(73_671.0 / 89_976.0).then(|| {
            [
                f64::from(u8::from(rng.gen_bool(0.0003))),
                f64::from(u8::from(rng.gen_bool(0.0004))),
            ]
        });
        c.num_unpaid_bills = if rng.gen_bool(sigmoid(-0.15 + 0.4 * risk)) {
            (1.0 + self.counts.sample(rng) * 0.7).floor()
        } else {
            0.0
        };
        c.recovery_debt = if rng.gen_bool(0.002) {
            self.invoice.sample(rng).round()
        } else {
            0.0
        };

        // Archived-invoice statuses: 0 = none archived, then 1..3 and a rare 5; the max over
        // a window never decreases with the window, the last three are each at most the max.
        c.status_archived = if rng.gen_bool(0.185) {
            [0; 6]
        } else {
            let z = 0.6 * risk + 0.8 * self.normal(rng);
            let max24 = if rng.gen_bool(0.0005) {
                5
            } else {
                status_code(z, &[0.45, 1.5])
            };
            let lower = |rng: &mut ChaCha8Rng, from: u8, keep: f64| {
                if rng.gen_bool(keep) {
                    from
                } else {
                    rng.gen_range(0..=from.min(3))
                }
            };
            let max12 = lower(rng, max24, 0.7);
            let max6 = lower(rng, max12, 0.6);
            let last = lower(rng, max24.min(3), 0.5).max(1);
            let second = lower(rng, max24.min(3), 0.45);
            let third = lower(rng, max24.min(3), 0.4);
            [last, second, third, max6, max12, max24]
        };
        c
    }
}
