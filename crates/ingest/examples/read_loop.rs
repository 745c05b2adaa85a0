//! Reads one CSV file `N` times with the Klarna schema and prints the median wall time per read
//! and, on Linux, the mean CPU time per read (all threads, user + system, from
//! `/proc/self/stat`): the figures next to `benches/peers/ingest_pandas.py`, and a loop to
//! profile (`perf record`).
//!
//! `cargo run --release -p pdscore-ingest --example read_loop -- FILE [N] [whole|chunks]`
//!
//! `whole` is `read_csv` (the default); `chunks` is `CsvChunks` in batches of 10,000 rows.

use std::time::Instant;

use pdscore_ingest::{CsvChunks, ReadOptions, Schema, read_csv};

/// CPU time of this process so far (user + system, all threads), in seconds; `None` where
/// `/proc/self/stat` is not available.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here (0-based,
    // counting from the state field). Linux reports them in USER_HZ = 100 ticks per second.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: read_loop FILE [N] [whole|chunks]")?;
    let repeats: usize = args.next().map_or(Ok(20), |s| s.parse())?;
    let mode = args.next().unwrap_or_else(|| "whole".into());
    let options = ReadOptions::new().schema(Schema::klarna());
    let read = || -> Result<usize, Box<dyn std::error::Error>> {
        Ok(match mode.as_str() {
            "whole" => read_csv(std::path::Path::new(&path), &options)?.n_rows(),
            "chunks" => {
                let mut n = 0;
                for chunk in CsvChunks::open(&path, &options, 10_000)? {
                    n += chunk?.table.n_rows();
                }
                n
            }
            other => return Err(format!("unknown mode {other}").into()),
        })
    };
    read()?; // warm the page cache and the allocator
    let mut times = Vec::with_capacity(repeats);
    let mut rows = 0;
    let cpu_start = cpu_seconds();
    for _ in 0..repeats {
        let start = Instant::now();
        rows = read()?;
        times.push(start.elapsed().as_secs_f64());
    }
    let cpu = cpu_start
        .zip(cpu_seconds())
        .map(|(a, b)| (b - a) / repeats as f64);
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let size = std::fs::metadata(&path)?.len() as f64;
    let cpu = cpu.map_or_else(|| "n/a".to_owned(), |c| format!("{:.1} ms", c * 1e3));
    println!(
        "{mode}: {rows} rows, {repeats} reads, median wall {:.1} ms ({:.0} MB/s), mean CPU {cpu}",
        median * 1e3,
        size / median / 1e6
    );
    Ok(())
}
