//! Fits the gradient-boosted trees once on a raw matrix file and scores it: the binary behind the
//! memory measurement of `pdscore_models::gbm` (run it under `/usr/bin/time -v`).
//!
//! ```sh
//! $PDSCORE_PYTHON crates/models/benches/peers/gbm_synthetic.py --out target/peer-data/synthetic_100k
//! cargo build --release -p pdscore-models --example gbm_fit_file
//! /usr/bin/time -v target/release/examples/gbm_fit_file \
//!     --x target/peer-data/synthetic_100k/tree_native/all.bin \
//!     --y target/peer-data/synthetic_100k/y.bin --cols 40 --threads 1
//! ```
//!
//! The matrix file is little-endian `f64`, row-major, `NaN` = missing; labels are `f64` 0/1.

use std::time::Instant;
use std::{fs, path::PathBuf, process::ExitCode};

use ndarray::Array2;
use pdscore_models::{Classifier, FittedClassifier, GbmParams};

fn read_f64(path: &PathBuf) -> Result<Vec<f64>, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect())
}

fn run() -> Result<(), String> {
    let (mut x_path, mut y_path, mut cols, mut threads) = (None, None, None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--x" => x_path = Some(PathBuf::from(value)),
            "--y" => y_path = Some(PathBuf::from(value)),
            "--cols" => cols = Some(value.parse::<usize>().map_err(|e| e.to_string())?),
            "--threads" => threads = Some(value.parse::<usize>().map_err(|e| e.to_string())?),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let (x_path, y_path) = (
        x_path.ok_or("--x is required")?,
        y_path.ok_or("--y is required")?,
    );
    let cols = cols.ok_or("--cols is required")?;
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| e.to_string())?;
    }
    let values = read_f64(&x_path)?;
    let rows = values.len() / cols.max(1);
    let x = Array2::from_shape_vec((rows, cols), values).map_err(|e| e.to_string())?;
    let y: Vec<bool> = read_f64(&y_path)?.iter().map(|&v| v == 1.0).collect();
    let t0 = Instant::now();
    let model = GbmParams::lightgbm_300()
        .fit(x.view(), &y, None)
        .map_err(|e| e.to_string())?;
    let fit_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let p = model.predict_proba(x.view()).map_err(|e| e.to_string())?;
    let predict_s = t1.elapsed().as_secs_f64();
    println!(
        "{rows} x {cols} ({:.1} MB as f64): fit {fit_s:.2} s, predict {:.0} rows/s, mean PD {:.4}, {}",
        (rows * cols * 8) as f64 / 1e6,
        rows as f64 / predict_s,
        p.mean().unwrap_or(f64::NAN),
        model.describe()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gbm_fit_file: {e}");
            ExitCode::FAILURE
        }
    }
}
