//! Writing the rows: the header, then one formatted line per customer.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::customer::{Customer, Sampler, sigmoid};
use super::facts::{MERCHANT_CATEGORIES, NAME_IN_EMAIL};
use super::label::{calibrate_intercept, label_score};
use super::params::{SynthParams, SynthSummary};
use crate::error::IngestError;
use crate::schema::KLARNA_COLUMNS;

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
