//! The scorecard comparison of `cargo xtask bench-peers --scorecard only|also`: pdscore's
//! `scorecard` candidate against scorecardpy on identical folds, refereed by one script.
//!
//! For each data set:
//! 1. pdscore's side runs in this process: [`pdscore::pipeline::evaluate`] with the `scorecard`
//!    candidate alone (WoE binning + logistic regression, calibrated), `--folds`, `--seed` and
//!    the data set's id column; its out-of-fold PDs go to
//!    `target/bench-peers/scorecard/<data>/pdscore_oof.csv`;
//! 2. `benches/peers/scorecard_cv.py` reads the CSV with `peer_baseline.py`'s `load`, takes the
//!    fold of every row from that file, fits `scorecardpy.woebin` (defaults) + `woebin_ply` +
//!    scikit-learn's `LogisticRegression` on each training fold, and computes both sides'
//!    per-fold ROC and PR AUC and the paired ROC AUC differences (`referee.json`);
//! 3. this module prints the table and writes `target/bench-peers/scorecard/<data>.json`.
//!
//! scorecardpy (0.1.9.7) calls pandas APIs that pandas 3 removed, and the peer venv has pandas
//! 3, so the script runs in a venv of its own: `$PDSCORE_SCORECARD_PYTHON` when set, else
//! `target/scorecard-venv`, created with pip when missing ([`SCORECARD_PACKAGES`]).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, ensure};
use pdscore::pipeline::{CvSpec, EvaluateSpec, InputSpec, evaluate};
use serde::{Deserialize, Serialize};

use crate::calibration::write_atomic;
use crate::peer_setup::{BenchPeersArgs, Dataset, run_command};

/// The pip packages of the scorecard venv (pandas below 3: see the module docs).
pub const SCORECARD_PACKAGES: &[&str] = &[
    "pandas<3",
    "numpy",
    "scikit-learn",
    "threadpoolctl",
    "scorecardpy",
];

/// The peer script of this mode, under `benches/peers/`.
const SCRIPT: &str = "scorecard_cv.py";

/// The pdscore candidate compared.
const CANDIDATE: &str = "scorecard";

/// One side's figures, as the referee computed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideFigures {
    /// `pdscore` or `peer`.
    pub side: String,
    /// Model name.
    pub model: String,
    /// What was fitted, in words.
    pub description: String,
    /// Fit seconds summed over the folds (pdscore: the candidate's comparison fit time).
    pub fit_s: Option<f64>,
    /// ROC AUC mean and sample std over folds.
    pub roc: [f64; 2],
    /// PR AUC mean and sample std over folds.
    pub pr: [f64; 2],
    /// ROC AUC of each fold.
    pub fold_roc: Vec<f64>,
}

/// Paired per-fold ROC AUC differences, pdscore minus scorecardpy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RocDiff {
    /// Each fold's difference.
    pub per_fold: Vec<f64>,
    /// Their mean.
    pub mean: f64,
    /// Standard error of the mean.
    pub se: f64,
}

/// What `scorecard_cv.py --json` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referee {
    /// Labelled rows.
    pub rows: usize,
    /// Positive rows.
    pub positives: usize,
    /// Folds (pdscore's).
    pub folds: usize,
    /// Test cells scorecardpy had no bin for (given WoE 0).
    pub peer_unbinned_test_cells: usize,
    /// The paired ROC AUC differences.
    pub roc_diff: RocDiff,
    /// Both sides.
    pub models: Vec<SideFigures>,
    /// Python and library versions.
    pub versions: std::collections::BTreeMap<String, String>,
    /// Wall seconds of the script.
    pub wall_s: f64,
}

/// The whole result for one data set (`target/bench-peers/scorecard/<data>.json`).
#[derive(Debug, Clone, Serialize)]
pub struct ScorecardReport {
    /// Data set name.
    pub data: String,
    /// CSV path.
    pub path: String,
    /// Seed of the folds.
    pub seed: u64,
    /// rayon threads of pdscore; processes of scorecardpy's woebin.
    pub threads: usize,
    /// Wall seconds of pdscore's evaluate (comparison of the one candidate and its refit).
    pub pdscore_wall_s: f64,
    /// The referee's report.
    pub referee: Referee,
}

/// Whether `python` imports scorecardpy and the referee's packages.
fn has_packages(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import pandas, sklearn, threadpoolctl, scorecardpy"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The interpreter of the scorecard peer: `$PDSCORE_SCORECARD_PYTHON`, else
/// `target/scorecard-venv` (created with pip when missing or incomplete).
///
/// # Errors
/// A venv that cannot be made or still lacks the packages.
pub fn python(root: &Path) -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("PDSCORE_SCORECARD_PYTHON") {
        let p = PathBuf::from(p);
        ensure!(
            has_packages(&p),
            "PDSCORE_SCORECARD_PYTHON={} cannot import scorecardpy; pip install {}",
            p.display(),
            SCORECARD_PACKAGES.join(" ")
        );
        return Ok(p);
    }
    let venv = root.join("target/scorecard-venv");
    let python = venv.join("bin/python");
    if python.exists() && has_packages(&python) {
        return Ok(python);
    }
    if !python.exists() {
        eprintln!("creating the scorecard venv {} ...", venv.display());
        run_command(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    eprintln!(
        "installing {} into {} ...",
        SCORECARD_PACKAGES.join(" "),
        venv.display()
    );
    run_command(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet"])
            .args(SCORECARD_PACKAGES),
    )?;
    ensure!(
        has_packages(&python),
        "{} still cannot import scorecardpy",
        python.display()
    );
    Ok(python)
}

/// What `--dry-run` prints for one data set.
pub fn describe(args: &BenchPeersArgs, data: &Dataset) -> String {
    format!(
        "scorecard {}: pdscore evaluate in process (candidate `{CANDIDATE}`, {}-fold CV, seed {}, \
         id {}) against scorecardpy woebin + woebin_ply + LogisticRegression on the same folds \
         ({SCRIPT}, target/scorecard-venv)",
        data.name,
        args.folds,
        args.seed,
        data.id.as_deref().unwrap_or("none")
    )
}

/// The table of one data set.
pub fn markdown_table(r: &Referee) -> String {
    let mut s = String::from(
        "| model | ROC AUC | PR AUC | fit s (all folds) | what |\n|---|---|---|---|---|\n",
    );
    for m in &r.models {
        let _ = writeln!(
            s,
            "| {} | {:.4} ± {:.4} | {:.4} ± {:.4} | {} | {} |",
            m.model,
            m.roc[0],
            m.roc[1],
            m.pr[0],
            m.pr[1],
            m.fit_s.map_or_else(|| "?".into(), |f| format!("{f:.2}")),
            m.description
        );
    }
    let _ = writeln!(
        s,
        "\nROC AUC pdscore - scorecardpy, paired over folds: {:+.4} ± {:.4} (standard error)",
        r.roc_diff.mean, r.roc_diff.se
    );
    s
}

/// Runs the scorecard comparison of one data set: prints the table and writes
/// `<out>/scorecard/<data>.json`.
///
/// # Errors
/// pdscore's evaluate failing, the script failing or writing something else than its JSON.
pub fn run_dataset(
    python: &Path,
    scripts: &Path,
    peer_script: &Path,
    data: &Dataset,
    args: &BenchPeersArgs,
    out: &Path,
) -> anyhow::Result<()> {
    let dir = out.join("scorecard").join(&data.name);
    let mut spec = EvaluateSpec::new(
        InputSpec::new(&data.path, data.target.clone())
            .positive(data.positive.clone())
            .id(data.id.clone()),
    );
    spec.cv = CvSpec::default().folds(args.folds).seed(args.seed);
    spec.models = Some(vec![CANDIDATE.to_string()]);
    eprintln!("{}: scorecard: pdscore evaluate ...", data.name);
    let started = Instant::now();
    let evaluated = evaluate(&spec, None)
        .with_context(|| format!("pdscore cannot evaluate `{}`", data.path.display()))?;
    let pdscore_wall_s = started.elapsed().as_secs_f64();
    let fit_s = evaluated
        .comparison
        .result(CANDIDATE)
        .map_or(f64::NAN, |r| r.fit_seconds);
    let oof = dir.join("pdscore_oof.csv");
    write_atomic(&oof, evaluated.oof_csv().as_bytes())?;
    let json = dir.join("referee.json");
    let _ = fs::remove_file(&json);
    let mut cmd = Command::new(python);
    cmd.arg(scripts.join(SCRIPT))
        .arg("--data")
        .arg(&data.path)
        .args(["--target", &data.target])
        .args(["--sep", &char::from(evaluated.input.delimiter).to_string()])
        .arg("--pdscore-oof")
        .arg(&oof)
        .args(["--pdscore-model", CANDIDATE])
        .args(["--pdscore-fit-s", &fit_s.to_string()])
        .args(["--n-jobs", &args.threads.to_string()])
        .args(["--seed", &args.seed.to_string()])
        .arg("--peer-script")
        .arg(peer_script)
        .arg("--json")
        .arg(&json)
        .env("OMP_NUM_THREADS", args.threads.to_string())
        .stdout(Stdio::null());
    if let Some(p) = &data.positive {
        cmd.args(["--positive", p]);
    }
    if !data.drop.is_empty() {
        cmd.arg("--drop").args(&data.drop);
    }
    eprintln!(
        "{}: scorecard: scorecardpy on pdscore's folds ...",
        data.name
    );
    run_command(&mut cmd)?;
    let referee: Referee = serde_json::from_slice(
        &fs::read(&json).with_context(|| format!("cannot read `{}`", json.display()))?,
    )
    .with_context(|| format!("`{}` is not {SCRIPT}'s JSON", json.display()))?;
    println!(
        "### scorecard, {}: {} rows ({} positive), {}-fold stratified CV (pdscore's folds, \
         identical on both sides), seed {}; python {}, pandas {}, scikit-learn {}, scorecardpy {}\n",
        data.name,
        referee.rows,
        referee.positives,
        referee.folds,
        args.seed,
        referee.versions.get("python").map_or("?", String::as_str),
        referee.versions.get("pandas").map_or("?", String::as_str),
        referee
            .versions
            .get("scikit-learn")
            .map_or("?", String::as_str),
        referee
            .versions
            .get("scorecardpy")
            .map_or("?", String::as_str),
    );
    print!("{}", markdown_table(&referee));
    let report = ScorecardReport {
        data: data.name.clone(),
        path: data.path.display().to_string(),
        seed: args.seed,
        threads: args.threads,
        pdscore_wall_s,
        referee,
    };
    let path = out.join("scorecard").join(format!("{}.json", data.name));
    write_atomic(&path, &serde_json::to_vec_pretty(&report)?)?;
    println!("wrote {}\n", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(model: &str, roc: f64, fit_s: Option<f64>) -> SideFigures {
        SideFigures {
            side: "pdscore".into(),
            model: model.into(),
            description: "d".into(),
            fit_s,
            roc: [roc, 0.01],
            pr: [roc - 0.2, 0.02],
            fold_roc: vec![roc; 5],
        }
    }

    #[test]
    fn the_table_has_both_sides_and_the_paired_difference() {
        let referee = Referee {
            rows: 10,
            positives: 2,
            folds: 5,
            peer_unbinned_test_cells: 0,
            roc_diff: RocDiff {
                per_fold: vec![-0.001; 5],
                mean: -0.001,
                se: 0.0005,
            },
            models: vec![
                side("scorecard", 0.88, Some(1.0)),
                side("scorecardpy", 0.881, None),
            ],
            versions: std::collections::BTreeMap::new(),
            wall_s: 1.0,
        };
        let table = markdown_table(&referee);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[2].starts_with("| scorecard | 0.8800 ± 0.0100 | 0.6800 ± 0.0200 | 1.00 |"));
        assert!(
            lines[3].starts_with("| scorecardpy | 0.8810 ± 0.0100 |") && lines[3].contains("| ? |")
        );
        assert!(table.ends_with("paired over folds: -0.0010 ± 0.0005 (standard error)\n"));
        let json = serde_json::to_string(&referee).unwrap();
        assert_eq!(serde_json::from_str::<Referee>(&json).unwrap(), referee);
    }
}
