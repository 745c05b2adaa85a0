//! Synthetic data in the original Klarna case-study format.
//!
//! [`generate`] writes rows with the 43 columns of [`crate::KLARNA_COLUMNS`] in order,
//! semicolon-separated, `NA` for missing, `True`/`False` for `has_paid`, labelled rows first and
//! unlabelled rows (`default` = `NA`) at the end, like the original file. Each column imitates
//! the published facts about the real file: the missing rates over labelled rows, the category
//! levels seen in the 10,000 real rows available with their frequencies, the ranges and skew of
//! the numeric columns, and about 1.43% positives.
//!
//! The label depends on the features through thresholds, interactions and missingness (bad
//! status codes, a missing account combined with many unpaid bills, young or night-time
//! customers, long payment spans for customers who have not paid, ...), so tree ensembles beat
//! a linear model on it, as on the real data (`benches/peers/check_synth.py` measures this).
//!
//! Everything is drawn from one `ChaCha8Rng` seeded with [`SynthParams::seed`]: the same
//! parameters give the same bytes.
//!
//! ```
//! use pdscore_ingest::synth::{SynthParams, generate};
//! let mut out = Vec::new();
//! let summary = generate(&SynthParams::new().labelled_rows(200).unlabelled_rows(10).seed(7), &mut out)?;
//! assert_eq!(summary.rows(), 210);
//! assert!(out.starts_with(b"uuid;default;"));
//! # Ok::<(), pdscore_ingest::IngestError>(())
//! ```

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use ndarray_rand::rand_distr::{Distribution, LogNormal, Normal, Poisson};
use rand::distributions::WeightedIndex;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::IngestError;
use crate::schema::KLARNA_COLUMNS;

/// Merchant categories seen in the 10,000 real rows, with their merchant group and count there.
/// (The full file is published with 57 categories; 55 occur in the rows available.)
pub const MERCHANT_CATEGORIES: [(&str, &str, u32); 55] = [
    ("Diversified entertainment", "Entertainment", 3833),
    ("Youthful Shoes & Clothing", "Clothing & Shoes", 1231),
    ("Books & Magazines", "Entertainment", 916),
    (
        "Concept stores & Miscellaneous",
        "Leisure, Sport & Hobby",
        437,
    ),
    ("General Shoes & Clothing", "Clothing & Shoes", 435),
    ("Sports gear & Outdoor", "Leisure, Sport & Hobby", 356),
    ("Dietary supplements", "Health & Beauty", 324),
    ("Diversified children products", "Children Products", 303),
    ("Diversified electronics", "Electronics", 217),
    ("Prints & Photos", "Leisure, Sport & Hobby", 173),
    (
        "Children Clothes & Nurturing products",
        "Children Products",
        143,
    ),
    ("Pet supplies", "Home & Garden", 130),
    ("Jewelry & Watches", "Jewelry & Accessories", 96),
    ("Prescription optics", "Health & Beauty", 96),
    ("Hobby articles", "Leisure, Sport & Hobby", 93),
    ("Body & Hair Care", "Health & Beauty", 91),
    (
        "Electronic equipment & Related accessories",
        "Electronics",
        91,
    ),
    (
        "Diversified Health & Beauty products",
        "Health & Beauty",
        85,
    ),
    ("Automotive Parts & Accessories", "Automotive Products", 79),
    ("Video Games & Related accessories", "Entertainment", 75),
    ("Diversified Home & Garden products", "Home & Garden", 66),
    ("Decoration & Art", "Home & Garden", 66),
    ("Diversified erotic material", "Erotic Materials", 63),
    ("Dating services", "Intangible products", 60),
    ("Cosmetics", "Health & Beauty", 60),
    ("Children toys", "Children Products", 48),
    ("Tools & Home improvement", "Home & Garden", 47),
    ("Personal care & Body improvement", "Health & Beauty", 40),
    ("Fragrances", "Health & Beauty", 36),
    ("Pharmaceutical products", "Health & Beauty", 35),
    ("Furniture", "Home & Garden", 30),
    ("Digital services", "Intangible products", 29),
    ("Food & Beverage", "Food & Beverage", 26),
    ("Adult Shoes & Clothing", "Clothing & Shoes", 20),
    (
        "Household electronics (whitegoods/appliances)",
        "Electronics",
        15,
    ),
    ("Kitchenware", "Home & Garden", 15),
    ("Collectibles", "Leisure, Sport & Hobby", 15),
    ("Music & Movies", "Entertainment", 15),
    ("Travel services", "Intangible products", 14),
    ("Costumes & Party supplies", "Leisure, Sport & Hobby", 10),
    ("Wheels & Tires", "Automotive Products", 10),
    ("Erotic Clothing & Accessories", "Erotic Materials", 9),
    ("Underwear", "Clothing & Shoes", 9),
    ("Tobacco", "Food & Beverage", 8),
    ("Safety products", "Home & Garden", 7),
    ("Non", "Jewelry & Accessories", 7),
    (
        "Diversified Jewelry & Accessories",
        "Jewelry & Accessories",
        6,
    ),
    (
        "Musical Instruments & Equipment",
        "Leisure, Sport & Hobby",
        6,
    ),
    ("Sex toys", "Erotic Materials", 5),
    ("Car electronics", "Electronics", 5),
    ("Plants & Flowers", "Home & Garden", 5),
    ("Bags & Wallets", "Jewelry & Accessories", 3),
    ("Cleaning & Sanitary", "Home & Garden", 2),
    (
        "Office machines & Related accessories (excl. computers)",
        "Electronics",
        2,
    ),
    ("Event tickets", "Intangible products", 2),
];

/// `name_in_email` levels (all 8 published levels) with their counts in the 10,000 real rows.
pub const NAME_IN_EMAIL: [(&str, u32); 8] = [
    ("F+L", 4031),
    ("no_match", 1732),
    ("L1+F", 1594),
    ("F", 950),
    ("Nick", 814),
    ("F1+L", 734),
    ("L", 144),
    ("Initials", 1),
];

/// Share of positives among labelled rows in the original file (1,288 of 89,976).
pub const POSITIVE_RATE: f64 = 1288.0 / 89_976.0;

/// Rows used to calibrate the label intercept (drawn from a fixed seed, so the intercept does
/// not depend on the requested seed or size).
const CALIBRATION_ROWS: usize = 50_000;
const CALIBRATION_SEED: u64 = 0x4b4c_4152_4e41;

/// Most rows one call may write (the output is about 220 bytes a row).
pub const MAX_ROWS: usize = 100_000_000;

/// What to generate. Defaults: 10,000 labelled rows, no unlabelled rows, seed 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthParams {
    labelled_rows: usize,
    unlabelled_rows: usize,
    seed: u64,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            labelled_rows: 10_000,
            unlabelled_rows: 0,
            seed: 0,
        }
    }
}

impl SynthParams {
    /// The defaults (see the type's docs).
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of labelled rows (target `0`/`1`), written first. Default: 10,000.
    pub fn labelled_rows(mut self, n: usize) -> Self {
        self.labelled_rows = n;
        self
    }

    /// Number of unlabelled rows (target `NA`) appended at the end, like the original file's
    /// last 10,000 rows. Default: 0.
    pub fn unlabelled_rows(mut self, n: usize) -> Self {
        self.unlabelled_rows = n;
        self
    }

    /// Seed of the random generator. Default: 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks that at least one row is asked for and no more than [`MAX_ROWS`].
    pub fn check(&self) -> Result<(), IngestError> {
        let total = self.labelled_rows.saturating_add(self.unlabelled_rows);
        if total == 0 || total > MAX_ROWS {
            return Err(IngestError::InvalidOptions {
                reason: format!("rows to generate must be between 1 and {MAX_ROWS}, got {total}"),
            });
        }
        Ok(())
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthSummary {
    /// Labelled rows written.
    pub labelled: usize,
    /// Positive (defaulting) rows among the labelled ones.
    pub positives: usize,
    /// Unlabelled rows written.
    pub unlabelled: usize,
    /// Bytes written, header included.
    pub bytes: u64,
}

impl SynthSummary {
    /// All data rows written.
    pub fn rows(&self) -> usize {
        self.labelled + self.unlabelled
    }
}

/// One synthetic customer, before formatting. Missing values are `None`.
#[derive(Debug, Clone, Default)]
struct Customer {
    account_amount_added_12_24m: f64,
    account_days: Option<[f64; 3]>,
    account_incoming_debt_vs_paid_0_24m: Option<f64>,
    account_status: Option<u8>,
    account_worst_status_0_3m: Option<u8>,
    account_worst_status_12_24m: Option<u8>,
    account_worst_status_3_6m: Option<u8>,
    account_worst_status_6_12m: Option<u8>,
    age: f64,
    avg_payment_span_0_12m: Option<f64>,
    avg_payment_span_0_3m: Option<f64>,
    merchant: usize,
    has_paid: bool,
    max_paid_inv_0_12m: f64,
    max_paid_inv_0_24m: f64,
    name_in_email: usize,
    num_active_div_by_paid_inv_0_12m: Option<f64>,
    num_active_inv: f64,
    num_arch_dc_0_12m: f64,
    num_arch_dc_12_24m: f64,
    num_arch_ok_0_12m: f64,
    num_arch_ok_12_24m: f64,
    num_arch_rem_0_12m: f64,
    num_arch_written_off: Option<[f64; 2]>,
    num_unpaid_bills: f64,
    /// last, 2nd last, 3rd last, max 0-6m, max 0-12m, max 0-24m.
    status_archived: [u8; 6],
    recovery_debt: f64,
    sum_capital_paid_account_0_12m: f64,
    sum_capital_paid_account_12_24m: f64,
    sum_paid_inv_0_12m: f64,
    time_hours: f64,
    worst_status_active_inv: Option<u8>,
}

/// The draws behind [`Customer`], built once.
struct Sampler {
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

fn sigmoid(x: f64) -> f64 {
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
    fn new() -> Result<Self, IngestError> {
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
    fn customer(&self, rng: &mut ChaCha8Rng) -> Customer {
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

/// Groups of merchants with a higher default rate in the synthetic label.
const RISKY_GROUPS: [&str; 3] = ["Intangible products", "Erotic Materials", "Electronics"];

/// The label's log-odds before the intercept: thresholds, interactions and missingness.
fn label_score(c: &Customer) -> f64 {
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
fn calibrate_intercept(sampler: &Sampler) -> f64 {
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

/// A random version-4 UUID from the generator.
fn push_uuid(line: &mut String, rng: &mut ChaCha8Rng) {
    let mut b: [u8; 16] = rng.r#gen();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            line.push('-');
        }
        let _ = write!(line, "{byte:02x}");
    }
}

fn push_num(line: &mut String, x: f64) {
    line.push(';');
    let _ = write!(line, "{x}");
}

fn push_opt(line: &mut String, x: Option<f64>) {
    match x {
        Some(v) => push_num(line, v),
        None => line.push_str(";NA"),
    }
}

fn push_code(line: &mut String, x: Option<u8>) {
    push_opt(line, x.map(f64::from));
}

/// Formats one row (without the line end) in column order.
fn format_row(line: &mut String, c: &Customer, label: Option<bool>) {
    line.push_str(match label {
        Some(true) => ";1",
        Some(false) => ";0",
        None => ";NA",
    });
    push_num(line, c.account_amount_added_12_24m);
    for i in 0..3 {
        push_opt(line, c.account_days.map(|d| d[i]));
    }
    push_opt(line, c.account_incoming_debt_vs_paid_0_24m);
    push_code(line, c.account_status);
    push_code(line, c.account_worst_status_0_3m);
    push_code(line, c.account_worst_status_12_24m);
    push_code(line, c.account_worst_status_3_6m);
    push_code(line, c.account_worst_status_6_12m);
    push_num(line, c.age);
    push_opt(line, c.avg_payment_span_0_12m);
    push_opt(line, c.avg_payment_span_0_3m);
    let (category, group, _) = MERCHANT_CATEGORIES[c.merchant];
    line.push(';');
    line.push_str(category);
    line.push(';');
    line.push_str(group);
    line.push_str(if c.has_paid { ";True" } else { ";False" });
    push_num(line, c.max_paid_inv_0_12m);
    push_num(line, c.max_paid_inv_0_24m);
    line.push(';');
    line.push_str(NAME_IN_EMAIL[c.name_in_email].0);
    push_opt(line, c.num_active_div_by_paid_inv_0_12m);
    for x in [
        c.num_active_inv,
        c.num_arch_dc_0_12m,
        c.num_arch_dc_12_24m,
        c.num_arch_ok_0_12m,
        c.num_arch_ok_12_24m,
        c.num_arch_rem_0_12m,
    ] {
        push_num(line, x);
    }
    for i in 0..2 {
        push_opt(line, c.num_arch_written_off.map(|w| w[i]));
    }
    push_num(line, c.num_unpaid_bills);
    for s in c.status_archived {
        push_num(line, f64::from(s));
    }
    for x in [
        c.recovery_debt,
        c.sum_capital_paid_account_0_12m,
        c.sum_capital_paid_account_12_24m,
        c.sum_paid_inv_0_12m,
        c.time_hours,
    ] {
        push_num(line, x);
    }
    push_code(line, c.worst_status_active_inv);
}

/// Writes the header and the rows to `writer`.
pub fn generate<W: Write>(params: &SynthParams, writer: W) -> Result<SynthSummary, IngestError> {
    params.check()?;
    let io_error = |source| IngestError::Io {
        path: PathBuf::from("<output>"),
        source,
    };
    let sampler = Sampler::new()?;
    let intercept = calibrate_intercept(&sampler);
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut out = BufWriter::with_capacity(1 << 20, writer);
    let mut line = KLARNA_COLUMNS.join(";");
    line.push('\n');
    let mut summary = SynthSummary {
        labelled: 0,
        positives: 0,
        unlabelled: 0,
        bytes: 0,
    };
    out.write_all(line.as_bytes()).map_err(io_error)?;
    summary.bytes += line.len() as u64;
    for row in 0..params.labelled_rows + params.unlabelled_rows {
        line.clear();
        push_uuid(&mut line, &mut rng);
        let customer = sampler.customer(&mut rng);
        let positive = rng.gen_bool(sigmoid(intercept + label_score(&customer)));
        let label = (row < params.labelled_rows).then_some(positive);
        match label {
            Some(p) => {
                summary.labelled += 1;
                summary.positives += usize::from(p);
            }
            None => summary.unlabelled += 1,
        }
        format_row(&mut line, &customer, label);
        line.push('\n');
        out.write_all(line.as_bytes()).map_err(io_error)?;
        summary.bytes += line.len() as u64;
    }
    out.flush().map_err(io_error)?;
    Ok(summary)
}

/// Writes the rows to a new file at `path` (replacing it).
pub fn generate_to_path(
    params: &SynthParams,
    path: impl AsRef<Path>,
) -> Result<SynthSummary, IngestError> {
    let path = path.as_ref();
    params.check()?;
    let file = std::fs::File::create(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    generate(params, file).map_err(|e| match e {
        IngestError::Io { source, .. } => IngestError::Io {
            path: path.to_path_buf(),
            source,
        },
        other => other,
    })
}
