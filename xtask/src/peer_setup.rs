//! What `cargo xtask bench-peers` and its calibration comparison share: the command-line
//! options, the data sets they run on, and the Python interpreter with the peer packages.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, ensure};
use clap::{Args, ValueEnum};

/// Whether `bench-peers` runs the calibration comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CalibrationMode {
    /// Only the calibration comparison (no model-vs-model table).
    Only,
    /// The model-vs-model table, then the calibration comparison.
    #[default]
    Also,
    /// Only the model-vs-model table (bench-peers as before the calibration mode).
    Skip,
}

impl CalibrationMode {
    /// The flag value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Only => "only",
            Self::Also => "also",
            Self::Skip => "skip",
        }
    }

    /// Whether the model-vs-model arms run.
    pub fn runs_arms(self) -> bool {
        self != Self::Only
    }

    /// Whether the calibration comparison runs.
    pub fn runs_calibration(self) -> bool {
        self != Self::Skip
    }
}

/// Whether `bench-peers` runs the scorecard comparison (pdscore's `scorecard` candidate against
/// scorecardpy, see [`crate::scorecard`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ScorecardMode {
    /// Only the scorecard comparison (no model-vs-model table, no calibration comparison).
    Only,
    /// After the other comparisons (skipped with a note when --drop is given: pdscore leaves
    /// out only the id column).
    #[default]
    Also,
    /// Not at all.
    Skip,
}

/// The pip packages the peer scripts import. scorecardpy is not among them: it needs pandas
/// below 3 and runs in a venv of its own
/// ([`SCORECARD_PACKAGES`](crate::scorecard::SCORECARD_PACKAGES)).
pub const PEER_PACKAGES: &[&str] = &[
    "numpy",
    "pandas",
    "scikit-learn",
    "imbalanced-learn",
    "lightgbm",
    "xgboost",
    "threadpoolctl",
];

/// Options of `cargo xtask bench-peers`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct BenchPeersArgs {
    /// Labelled CSV [default: the shared credit_risk and taiwan_credit data sets].
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Target column (required with --data).
    #[arg(long, requires = "data")]
    pub target: Option<String>,
    /// Target value meaning "defaulted" [default: 1 for a 0/1 target].
    #[arg(long, requires = "data")]
    pub positive: Option<String>,
    /// Id column, left out of the features.
    #[arg(long, requires = "data")]
    pub id: Option<String>,
    /// Another column to leave out (repeatable).
    #[arg(long, requires = "data")]
    pub drop: Vec<String>,
    /// Folds of the stratified CV.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Seed of the folds, models and samplers (both sides).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Comma-separated peer model names [default: all of them].
    #[arg(long, value_delimiter = ',')]
    pub models: Vec<String>,
    /// Threads of both sides (pdscore's rayon pool, the peer's n_jobs / OpenMP limit).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// The calibration comparison against CalibratedClassifierCV: after the model-vs-model
    /// table (also), instead of it (only), or not at all (skip).
    #[arg(long, value_enum, default_value_t = CalibrationMode::Also)]
    pub calibration: CalibrationMode,
    /// The scorecard comparison against scorecardpy (woebin + woebin_ply + LogisticRegression):
    /// after the others (also), instead of them (only), or not at all (skip).
    #[arg(long, value_enum, default_value_t = ScorecardMode::Also)]
    pub scorecard: ScorecardMode,
    /// Print what would run (data sets found or skipped, models, Python) and stop.
    #[arg(long)]
    pub dry_run: bool,
}

impl BenchPeersArgs {
    /// Whether the model-vs-model arms run.
    pub fn runs_arms(&self) -> bool {
        self.calibration.runs_arms() && self.scorecard != ScorecardMode::Only
    }

    /// Whether the calibration comparison runs.
    pub fn runs_calibration(&self) -> bool {
        self.calibration.runs_calibration() && self.scorecard != ScorecardMode::Only
    }

    /// Whether the scorecard comparison runs (with `also`, only when no column is dropped).
    pub fn runs_scorecard(&self) -> bool {
        match self.scorecard {
            ScorecardMode::Only => true,
            ScorecardMode::Also => self.drop.is_empty(),
            ScorecardMode::Skip => false,
        }
    }
}

/// One data set to benchmark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// Short name: the output file stem.
    pub name: String,
    /// The CSV file.
    pub path: PathBuf,
    /// Target column.
    pub target: String,
    /// Positive target value, if not 0/1.
    pub positive: Option<String>,
    /// Columns left out of the features (the id included).
    pub drop: Vec<String>,
    /// The id column (pdscore's `InputSpec::id` in the calibration comparison).
    pub id: Option<String>,
}

/// The shared directory: `$PDSCORE_SHARED_DIR`, else `<root>/../shared`.
pub fn shared_dir(root: &Path) -> PathBuf {
    std::env::var_os("PDSCORE_SHARED_DIR").map_or_else(|| root.join("../shared"), PathBuf::from)
}

/// The data sets to run and the ones skipped (with the reason).
pub fn datasets(
    args: &BenchPeersArgs,
    shared: &Path,
) -> anyhow::Result<(Vec<Dataset>, Vec<String>)> {
    if let Some(path) = &args.data {
        let target = args.target.clone().context("--data needs --target COL")?;
        let name = path
            .file_stem()
            .map_or_else(|| "data".to_string(), |s| s.to_string_lossy().into_owned());
        let mut drop = args.drop.clone();
        drop.extend(args.id.iter().cloned());
        ensure!(path.is_file(), "`{}` is not a file", path.display());
        return Ok((
            vec![Dataset {
                name,
                path: path.clone(),
                target,
                positive: args.positive.clone(),
                drop,
                id: args.id.clone(),
            }],
            Vec::new(),
        ));
    }
    let known = [
        (
            "credit_risk",
            "data/credit_risk/credit_risk_dataset.csv",
            "loan_status",
            None,
        ),
        (
            "taiwan_credit",
            "data/taiwan_credit/UCI_Credit_Card.csv",
            "default.payment.next.month",
            Some("ID"),
        ),
    ];
    let (mut found, mut skipped) = (Vec::new(), Vec::new());
    for (name, file, target, id) in known {
        let path = shared.join(file);
        if path.is_file() {
            found.push(Dataset {
                name: name.into(),
                path,
                target: target.into(),
                positive: None,
                drop: id.iter().map(|c| (*c).to_string()).collect(),
                id: id.map(str::to_string),
            });
        } else {
            skipped.push(format!(
                "{name}: `{}` not found (set PDSCORE_SHARED_DIR to the directory holding data/)",
                path.display()
            ));
        }
    }
    Ok((found, skipped))
}

/// The 1-minute load average (Linux `/proc/loadavg`), if readable.
pub fn loadavg() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Runs `cmd`, failing with its name and exit status.
pub fn run_command(cmd: &mut Command) -> anyhow::Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    ensure!(status.success(), "{cmd:?} failed ({status})");
    Ok(())
}

/// Whether `python` imports every peer package.
fn has_packages(python: &Path) -> bool {
    Command::new(python)
        .args([
            "-c",
            "import numpy, pandas, sklearn, imblearn, lightgbm, xgboost, threadpoolctl",
        ])
        .status()
        .is_ok_and(|s| s.success())
}

/// The Python interpreter: `$PDSCORE_PYTHON`, else `target/peer-venv` (created with pip when
/// missing or incomplete).
pub fn python(root: &Path) -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("PDSCORE_PYTHON") {
        let p = PathBuf::from(p);
        ensure!(
            has_packages(&p),
            "PDSCORE_PYTHON={} cannot import the peer packages; pip install {}",
            p.display(),
            PEER_PACKAGES.join(" ")
        );
        return Ok(p);
    }
    let venv = root.join("target/peer-venv");
    let python = venv.join("bin/python");
    if python.exists() && has_packages(&python) {
        return Ok(python);
    }
    if !python.exists() {
        eprintln!("creating the peer venv {} ...", venv.display());
        run_command(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    eprintln!(
        "installing {} into {} ...",
        PEER_PACKAGES.join(" "),
        venv.display()
    );
    run_command(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet"])
            .args(PEER_PACKAGES),
    )?;
    ensure!(
        has_packages(&python),
        "{} still cannot import the peer packages",
        python.display()
    );
    Ok(python)
}
