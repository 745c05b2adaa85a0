//! `cargo xtask bench-predict`: end-to-end throughput and peak memory of `pdscore predict`.
//!
//! Builds the release `pdscore` binary, generates a synthetic Klarna-format file with
//! `pdscore generate` when it is missing (kept for the next run), scores it CSV to CSV with a
//! saved pipeline under `/usr/bin/time` and prints rows/s, MB/s (input bytes), wall and CPU
//! time and peak RSS. Run it at two sizes to check that peak RSS is flat in the file size:
//!
//! ```text
//! cargo xtask bench-predict --rows 500000
//! cargo xtask bench-predict --rows 5000000
//! cargo xtask bench-predict --rows 5000000 --parquet   # also Parquet to Parquet, same rows
//! ```
//!
//! With `--parquet`, the same rows are also written as a Parquet file next to the CSV (typed by
//! the model's schema: ids and levels as strings, numbers as doubles, flags as booleans;
//! snappy, kept for the next run) and scored Parquet to Parquet in the same run; MB/s is always
//! the input file's size over the wall time, so the two MB/s figures are of different bytes.
//!
//! Measured 2026-11-28 01:55 UTC on the 2-vCPU machine (load average 1.3-1.6, no other build
//! running), `gbm_balanced` from `cargo xtask evaluate` (400 trees of up to 31 leaves):
//! 5,000,000 rows (1,001 MB): 8.69 s wall, 16.4 CPU-s, **115 MB/s**, 575,000 rows/s, peak RSS
//! 146 MB; 500,000 rows (100 MB): 0.93 s, 1.7 CPU-s, 108 MB/s, peak RSS 111 MB. About three
//! quarters of the CPU is the boosted trees' lock-step walk
//! (`crates/models/src/trees/predict/lockstep.rs`, ~6 ns per tree and row), a tenth the CSV
//! parser. Before the lock-step walk (2026-11-27) the 5M-row run took 82.4 CPU-s.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use pdscore::ingest::{CsvChunks, ParquetChunks, ParquetTableWriter, ReadOptions};
use pdscore::pipeline::Pipeline;

/// What to run.
#[derive(Debug, clap::Args)]
pub struct BenchPredictArgs {
    /// Rows of the synthetic input (labelled rows of `pdscore generate`).
    #[arg(long, default_value_t = 5_000_000)]
    pub rows: usize,
    /// Seed of the synthetic input.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Input file (default: `<target>/bench-predict/klarna_<rows>_seed<seed>.csv`, generated
    /// when missing).
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Saved pipeline [default: target/evaluate/model.json, written by `cargo xtask evaluate`].
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Rows per chunk passed to `pdscore predict` [default: its own].
    #[arg(long)]
    pub rows_per_chunk: Option<usize>,
    /// Also score the same rows Parquet to Parquet (the Parquet copy is written when missing).
    #[arg(long)]
    pub parquet: bool,
}

/// What `/usr/bin/time` and the clock measured of one `pdscore predict` run.
struct Run {
    wall: f64,
    user: f64,
    system: f64,
    max_rss_kb: f64,
}

/// The target directory cargo builds into.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Runs the benchmark and prints its figures.
pub fn run(args: &BenchPredictArgs, root: &Path) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--release", "--quiet", "-p", "pdscore-cli"])
        .current_dir(root)
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("cargo build --release -p pdscore-cli failed");
    }
    let target = target_dir(root);
    let pdscore = target.join("release/pdscore");
    let model = args
        .model
        .clone()
        .unwrap_or_else(|| root.join("target/evaluate/model.json"));
    if !model.exists() {
        bail!(
            "no model at `{}`: run `cargo xtask evaluate` first or pass --model",
            model.display()
        );
    }
    let work = target.join("bench-predict");
    std::fs::create_dir_all(&work)
        .with_context(|| format!("cannot create `{}`", work.display()))?;
    let input = args
        .input
        .clone()
        .unwrap_or_else(|| work.join(format!("klarna_{}_seed{}.csv", args.rows, args.seed)));
    if !input.exists() {
        eprintln!("generating {} ...", input.display());
        let status = Command::new(&pdscore)
            .args(["generate", "--rows", &args.rows.to_string()])
            .args(["--seed", &args.seed.to_string(), "--out"])
            .arg(&input)
            .status()
            .context("cannot run pdscore generate")?;
        if !status.success() {
            bail!("pdscore generate failed");
        }
    }
    let mut inputs = vec![(input.clone(), work.join("predictions.csv"))];
    if args.parquet {
        let parquet = input.with_extension("parquet");
        if !parquet.exists() {
            eprintln!("writing {} ...", parquet.display());
            write_parquet_copy(&input, &parquet, &model)?;
        }
        inputs.push((parquet, work.join("predictions.parquet")));
    }
    for (input, output) in &inputs {
        let bytes = std::fs::metadata(input)
            .with_context(|| format!("cannot read `{}`", input.display()))?
            .len();
        eprintln!("scoring {} ({:.1} MB) ...", input.display(), mb(bytes));
        let run = time_predict(&pdscore, &model, input, output, args.rows_per_chunk, &work)?;
        let rows = scored_rows(output)?;
        std::fs::remove_file(output).ok();
        println!("input        {} ({:.1} MB)", input.display(), mb(bytes));
        println!("rows scored  {rows}");
        println!(
            "wall         {:.2} s   cpu {:.2} s (user {:.2} + sys {:.2})",
            run.wall,
            run.user + run.system,
            run.user,
            run.system
        );
        println!(
            "throughput   {:.0} rows/s   {:.1} MB/s",
            rows as f64 / run.wall,
            mb(bytes) / run.wall
        );
        println!("peak RSS     {:.1} MB", run.max_rss_kb / 1024.0);
    }
    Ok(())
}

/// Runs `pdscore predict` under `/usr/bin/time`.
fn time_predict(
    pdscore: &Path,
    model: &Path,
    input: &Path,
    output: &Path,
    rows_per_chunk: Option<usize>,
    work: &Path,
) -> anyhow::Result<Run> {
    let times = work.join("time.txt");
    let mut command = Command::new("/usr/bin/time");
    command
        .args(["-f", "%e %U %S %M", "-o"])
        .arg(&times)
        .arg(pdscore)
        .args(["--quiet", "predict", "--model"])
        .arg(model)
        .arg("--input")
        .arg(input)
        .arg("--output")
        .arg(output);
    if let Some(n) = rows_per_chunk {
        command.args(["--rows-per-chunk", &n.to_string()]);
    }
    let started = Instant::now();
    let status = command
        .status()
        .context("cannot run /usr/bin/time (apt-get install time)")?;
    let wall = started.elapsed().as_secs_f64();
    if !status.success() {
        bail!("pdscore predict failed");
    }
    let text = std::fs::read_to_string(&times)
        .with_context(|| format!("cannot read `{}`", times.display()))?;
    let fields: Vec<f64> = text
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let [_, user, system, max_rss_kb] = fields[..] else {
        bail!("unexpected /usr/bin/time output: {text}");
    };
    Ok(Run {
        wall,
        user,
        system,
        max_rss_kb,
    })
}

/// Rows of a scored output: lines less the header (CSV) or the footer's count (Parquet).
fn scored_rows(output: &Path) -> anyhow::Result<u64> {
    if pdscore::ingest::is_parquet_path(output) {
        let chunks = ParquetChunks::open(output, &ReadOptions::new(), 1)
            .with_context(|| format!("cannot read `{}`", output.display()))?;
        return Ok(chunks.n_rows());
    }
    let scored = std::fs::File::open(output)
        .with_context(|| format!("cannot read `{}`", output.display()))?;
    Ok(std::io::BufRead::lines(std::io::BufReader::new(scored))
        .count()
        .saturating_sub(1) as u64)
}

/// Writes the rows of `csv` as a Parquet file, chunk by chunk, typed by the model's schema.
fn write_parquet_copy(csv: &Path, parquet: &Path, model: &Path) -> anyhow::Result<()> {
    let pipeline =
        Pipeline::load(model).with_context(|| format!("cannot load `{}`", model.display()))?;
    let chunks = CsvChunks::open(csv, &pipeline.read_options(), 200_000)
        .with_context(|| format!("cannot read `{}`", csv.display()))?;
    let partial = parquet.with_extension("parquet.partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot create `{}`", partial.display()))?;
    let mut writer = ParquetTableWriter::new(std::io::BufWriter::new(file));
    for chunk in chunks {
        let chunk = chunk.with_context(|| format!("cannot read `{}`", csv.display()))?;
        writer.write(&chunk.table)?;
    }
    std::io::Write::flush(&mut writer.finish()?)?;
    std::fs::rename(&partial, parquet)
        .with_context(|| format!("cannot write `{}`", parquet.display()))?;
    Ok(())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}
