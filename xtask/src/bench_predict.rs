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
//! ```
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
    let bytes = std::fs::metadata(&input)
        .with_context(|| format!("cannot read `{}`", input.display()))?
        .len();
    let output = work.join("predictions.csv");
    let times = work.join("time.txt");
    let mut command = Command::new("/usr/bin/time");
    command
        .args(["-f", "%e %U %S %M", "-o"])
        .arg(&times)
        .arg(&pdscore)
        .args(["--quiet", "predict", "--model"])
        .arg(&model)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output);
    if let Some(n) = args.rows_per_chunk {
        command.args(["--rows-per-chunk", &n.to_string()]);
    }
    eprintln!("scoring {} ({:.1} MB) ...", input.display(), mb(bytes));
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
    let scored = std::fs::File::open(&output)
        .with_context(|| format!("cannot read `{}`", output.display()))?;
    let rows = std::io::BufRead::lines(std::io::BufReader::new(scored))
        .count()
        .saturating_sub(1);
    std::fs::remove_file(&output).ok();
    println!("input        {} ({:.1} MB)", input.display(), mb(bytes));
    println!("rows scored  {rows}");
    println!(
        "wall         {wall:.2} s   cpu {:.2} s (user {user:.2} + sys {system:.2})",
        user + system
    );
    println!(
        "throughput   {:.0} rows/s   {:.1} MB/s",
        rows as f64 / wall,
        mb(bytes) / wall
    );
    println!("peak RSS     {:.1} MB", max_rss_kb / 1024.0);
    Ok(())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}
