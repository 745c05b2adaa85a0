//! Reads one CSV file `N` times with the Klarna schema and prints the median wall time per
//! read, for profiling (`perf record`) and for CPU-time figures (`/usr/bin/time`).
//!
//! `cargo run --release -p pdscore-ingest --example read_loop -- FILE [N] [whole|chunks]`

use std::time::Instant;

use pdscore_ingest::{CsvChunks, ReadOptions, Schema, read_csv};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: read_loop FILE [N] [whole|chunks]")?;
    let repeats: usize = args.next().map_or(Ok(20), |s| s.parse())?;
    let mode = args.next().unwrap_or_else(|| "whole".into());
    let options = ReadOptions::new().schema(Schema::klarna());
    let mut times = Vec::with_capacity(repeats);
    let mut rows = 0;
    for _ in 0..repeats {
        let start = Instant::now();
        rows = match mode.as_str() {
            "whole" => read_csv(std::path::Path::new(&path), &options)?.n_rows(),
            "chunks" => {
                let mut n = 0;
                for chunk in CsvChunks::open(&path, &options, 10_000)? {
                    n += chunk?.table.n_rows();
                }
                n
            }
            other => return Err(format!("unknown mode {other}").into()),
        };
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let size = std::fs::metadata(&path)?.len() as f64;
    println!(
        "{mode}: {rows} rows, {repeats} reads, median {:.1} ms, {:.0} MB/s",
        median * 1e3,
        size / median / 1e6
    );
    Ok(())
}
