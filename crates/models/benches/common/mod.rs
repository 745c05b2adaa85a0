//! Data helpers shared by the benches of this crate (each bench uses part of them).
#![allow(
    dead_code,
    reason = "each bench includes this module and uses part of it"
)]

use std::path::PathBuf;

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `rows` x 40: 14 log-normal amounts, 8 small counts, 6 ratios, 6 category codes, 6 flags; a
/// third of the columns have missing values; the label mixes thresholds, an interaction and
/// missingness, with an intercept giving about 1.6 % positives.
pub fn klarna_like(rows: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((rows, 40));
    let mut y = Vec::with_capacity(rows);
    for i in 0..rows {
        for j in 0..40 {
            let u: f64 = rng.r#gen();
            x[[i, j]] = match j {
                0..14 => (4.0 + 1.2 * (u - 0.5) * 3.0).exp(),
                14..22 => (-(1.0 - u).ln() * 2.0).floor(),
                22..28 => u,
                28..34 => (u * u * (4 + 6 * (j - 28)) as f64).floor(),
                _ => f64::from(u8::from(u < 0.2)),
            };
        }
        let missing_signal = rng.gen_bool(0.3);
        let interaction: f64 = (x[[i, 2]].ln() - 4.0) * (x[[i, 3]].ln() - 4.0);
        let logit = -4.5 + 1.2 * (x[[i, 0]].ln() - 4.0).tanh() + 0.4 * interaction
            - 1.5 * x[[i, 22]]
            + 0.7 * f64::from(u8::from(x[[i, 15]] >= 3.0))
            + 0.6 * x[[i, 34]]
            + if missing_signal { 0.8 } else { 0.0 };
        for j in (0..40).step_by(3) {
            if (j == 6 && missing_signal) || rng.gen_bool(0.15) {
                x[[i, j]] = f64::NAN;
            }
        }
        y.push(rng.gen_bool(1.0 / (1.0 + (-logit).exp())));
    }
    (x, y)
}

/// Writes `x` (row-major `f64`) then the labels (as `f64`), little-endian, to
/// `<workspace>/target/bench-data/<file_name>` for a Python peer script; a failure only prints a
/// warning.
pub fn write_for_peer(x: &Array2<f64>, y: &[bool], file_name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    let mut bytes = Vec::with_capacity((x.len() + y.len()) * 8);
    for v in x {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    for &label in y {
        bytes.extend_from_slice(&f64::from(u8::from(label)).to_le_bytes());
    }
    let path = dir.join(file_name);
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, bytes)) {
        eprintln!("warning: could not write {}: {e}", path.display());
    }
}
