//! `cargo xtask bench-peers`: pdscore against the Python peers (scikit-learn, imbalanced-learn,
//! LightGBM) on the same data, folds and seed, in one run.
//!
//! For each data set:
//! 1. `benches/peers/export_peer_folds.py` fits the peer's preprocessing on each training fold
//!    (StratifiedKFold, shuffle, `--seed`) and writes the fold matrices under
//!    `target/bench-peers/folds/<data>/` (reused while the data, target, folds and seed match);
//! 2. for each model, pdscore fits its recipe ([`crate::peer_arms`]) on those matrices in this
//!    process and writes the out-of-fold scores and timings, then
//!    `benches/peers/model_cv.py` fits the peer model on the same matrices in the same session
//!    and computes ROC AUC and PR AUC of both with scikit-learn;
//! 3. the table (markdown) is printed and the figures written to `target/bench-peers/<data>.json`.
//!
//! Python comes from `$PDSCORE_PYTHON` when set, else from the venv `target/peer-venv`, which is
//! created with pip when missing (packages: [`PEER_PACKAGES`]).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::peer_arms::{self, ARMS, FoldData, PeerArm};

/// The pip packages the peer scripts import.
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
    /// Print what would run (data sets found or skipped, models, Python) and stop.
    #[arg(long)]
    pub dry_run: bool,
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
    /// Columns left out of the features.
    pub drop: Vec<String>,
}

/// The shared directory: `$PDSCORE_SHARED_DIR`, else `<root>/../shared`.
fn shared_dir(root: &Path) -> PathBuf {
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
            }],
            Vec::new(),
        ));
    }
    let known = [
        (
            "credit_risk",
            "data/credit_risk/credit_risk_dataset.csv",
            "loan_status",
            vec![],
        ),
        (
            "taiwan_credit",
            "data/taiwan_credit/UCI_Credit_Card.csv",
            "default.payment.next.month",
            vec!["ID".to_string()],
        ),
    ];
    let (mut found, mut skipped) = (Vec::new(), Vec::new());
    for (name, file, target, drop) in known {
        let path = shared.join(file);
        if path.is_file() {
            found.push(Dataset {
                name: name.into(),
                path,
                target: target.into(),
                positive: None,
                drop,
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

/// The arms selected by `--models` (all when empty), in the order given.
pub fn selected_arms(models: &[String]) -> anyhow::Result<Vec<PeerArm>> {
    if models.is_empty() {
        return Ok(ARMS.to_vec());
    }
    models.iter().map(|m| peer_arms::arm(m.trim())).collect()
}

/// Checks the options that clap cannot.
pub fn check(args: &BenchPeersArgs) -> anyhow::Result<()> {
    ensure!(
        args.folds >= 2,
        "--folds must be at least 2, got {}",
        args.folds
    );
    ensure!(args.threads >= 1, "--threads must be at least 1");
    ensure!(
        args.data.is_none() || args.target.is_some(),
        "--data needs --target COL"
    );
    selected_arms(&args.models)?;
    Ok(())
}

/// Mean and standard deviation over folds, fit and predict speed of one side (as written by
/// `model_cv.py --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideFigures {
    /// Model name.
    pub model: String,
    /// ROC AUC mean and std over folds.
    pub roc: [f64; 2],
    /// PR AUC (average precision) mean and std over folds.
    pub pr: [f64; 2],
    /// Fit seconds, summed over folds.
    pub fit_s: f64,
    /// Rows scored per second of `predict_proba`, over all folds.
    pub predict_rows_per_s: f64,
}

/// Both sides of one arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmResult {
    /// Peer model name.
    pub model: String,
    /// Matrix kind both were fitted on.
    pub kind: String,
    /// pdscore's recipe in words.
    pub ours_recipe: String,
    /// pdscore's figures.
    pub ours: SideFigures,
    /// The peer's figures.
    pub peer: SideFigures,
}

impl ArmResult {
    /// Fit time ours / peer (below 1: pdscore fits faster).
    pub fn fit_ratio(&self) -> f64 {
        self.ours.fit_s / self.peer.fit_s
    }

    /// Predict throughput ours / peer (above 1: pdscore scores faster).
    pub fn predict_ratio(&self) -> f64 {
        self.ours.predict_rows_per_s / self.peer.predict_rows_per_s
    }
}

/// What `model_cv.py --json` writes.
#[derive(Debug, Deserialize)]
struct ModelCvJson {
    ours: SideFigures,
    peer: SideFigures,
}

/// The whole result for one data set (`target/bench-peers/<data>.json`).
#[derive(Debug, Clone, Serialize)]
pub struct DatasetReport {
    /// Data set name.
    pub data: String,
    /// CSV path.
    pub path: String,
    /// Target column.
    pub target: String,
    /// Rows and positives.
    pub rows: usize,
    /// Positive rows.
    pub positives: usize,
    /// CV folds.
    pub folds: usize,
    /// Seed of both sides.
    pub seed: u64,
    /// Threads of both sides.
    pub threads: usize,
    /// Logical CPUs of the machine.
    pub cpus: usize,
    /// 1-minute load average before and after the run (Linux), if readable.
    pub loadavg_1min_start_end: [Option<f64>; 2],
    /// Wall seconds of the whole data set (export included).
    pub wall_s: f64,
    /// The Python interpreter used.
    pub python: String,
    /// Each arm.
    pub results: Vec<ArmResult>,
    /// Arms that failed, with the error.
    pub failed: Vec<(String, String)>,
}

/// The markdown table of a data set's results.
pub fn markdown_table(results: &[ArmResult]) -> String {
    let mut out = String::new();
    out.push_str(
        "| model | ROC AUC pdscore | ROC AUC peer | PR AUC pdscore | PR AUC peer | fit s pdscore | fit s peer | fit time ratio | predict rows/s pdscore | predict rows/s peer | predict speed ratio |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for r in results {
        let _ = writeln!(
            out,
            "| {} | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.4} ± {:.4} | {:.2} | {:.2} | {:.2}x | {} | {} | {:.2}x |",
            r.model,
            r.ours.roc[0],
            r.ours.roc[1],
            r.peer.roc[0],
            r.peer.roc[1],
            r.ours.pr[0],
            r.ours.pr[1],
            r.peer.pr[0],
            r.peer.pr[1],
            r.ours.fit_s,
            r.peer.fit_s,
            r.fit_ratio(),
            thousands(r.ours.predict_rows_per_s),
            thousands(r.peer.predict_rows_per_s),
            r.predict_ratio(),
        );
    }
    out
}

/// `1234567.8` -> `1,234,568`.
fn thousands(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

/// The 1-minute load average (Linux `/proc/loadavg`), if readable.
fn loadavg() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Runs `cmd`, failing with its name and exit status.
fn run_command(cmd: &mut Command) -> anyhow::Result<()> {
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

/// The key of an export: reuse the fold matrices only when it matches.
fn export_key(data: &Dataset, folds: usize, seed: u64) -> serde_json::Value {
    serde_json::json!({
        "data": data.path.canonicalize().unwrap_or_else(|_| data.path.clone()),
        "target": data.target, "positive": data.positive, "drop": data.drop,
        "folds": folds, "seed": seed,
    })
}

/// Exports the fold matrices of `data` into `dir` (unless an export with the same key is there).
fn export_folds(
    python: &Path,
    scripts: &Path,
    peer_script: &Path,
    data: &Dataset,
    args: &BenchPeersArgs,
    dir: &Path,
) -> anyhow::Result<()> {
    let key = export_key(data, args.folds, args.seed);
    let key_path = dir.join("bench_peers_key.json");
    if fs::read(&key_path)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|k| k == key)
    {
        eprintln!("reusing the fold matrices in {}", dir.display());
        return Ok(());
    }
    let mut cmd = Command::new(python);
    cmd.arg(scripts.join("export_peer_folds.py"))
        .arg("--data")
        .arg(&data.path)
        .args(["--target", &data.target])
        .args(["--folds", &args.folds.to_string()])
        .args(["--seed", &args.seed.to_string()])
        .arg("--out")
        .arg(dir)
        .arg("--peer-script")
        .arg(peer_script)
        .stdout(std::process::Stdio::null());
    if let Some(p) = &data.positive {
        cmd.args(["--positive", p]);
    }
    if !data.drop.is_empty() {
        cmd.arg("--drop").args(&data.drop);
    }
    eprintln!("exporting the fold matrices of {} ...", data.name);
    run_command(&mut cmd)?;
    fs::write(&key_path, key.to_string())?;
    Ok(())
}

/// Runs one arm on both sides.
fn run_arm(
    arm: PeerArm,
    folds: &FoldData,
    ctx: &RunContext<'_>,
    data: &Dataset,
) -> anyhow::Result<ArmResult> {
    let ours = peer_arms::run_ours(arm, folds, ctx.args.seed)?;
    let ours_path = ctx
        .out
        .join("ours")
        .join(format!("{}_{}.json", data.name, arm.peer));
    let peer_path = ctx
        .out
        .join("peer")
        .join(format!("{}_{}.json", data.name, arm.peer));
    for p in [&ours_path, &peer_path] {
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
    }
    fs::write(&ours_path, serde_json::to_string(&ours)?)?;
    eprintln!("  peer {} ...", arm.peer);
    run_command(
        Command::new(ctx.python)
            .arg(ctx.scripts.join("model_cv.py"))
            .arg("--data")
            .arg(ctx.folds_dir)
            .args(["--kind", arm.kind.as_str(), "--peer", arm.peer])
            .arg("--ours")
            .arg(&ours_path)
            .args(["--n-jobs", &ctx.args.threads.to_string()])
            .arg("--peer-script")
            .arg(ctx.peer_script)
            .arg("--json")
            .arg(&peer_path)
            .stdout(std::process::Stdio::null()),
    )?;
    let parsed: ModelCvJson = serde_json::from_slice(&fs::read(&peer_path)?)
        .with_context(|| format!("`{}` is not model_cv.py's JSON", peer_path.display()))?;
    Ok(ArmResult {
        model: arm.peer.to_string(),
        kind: arm.kind.as_str().to_string(),
        ours_recipe: arm.ours.to_string(),
        ours: parsed.ours,
        peer: parsed.peer,
    })
}

/// What every arm of a data set shares.
struct RunContext<'a> {
    args: &'a BenchPeersArgs,
    python: &'a Path,
    scripts: &'a Path,
    peer_script: &'a Path,
    out: &'a Path,
    folds_dir: &'a Path,
}

/// Runs `cargo xtask bench-peers`.
///
/// # Errors
/// Bad options, no data set found, Python or the peer scripts failing; a failing arm is reported
/// in the table's `failed` list instead.
pub fn run(args: &BenchPeersArgs, root: &Path) -> anyhow::Result<()> {
    check(args)?;
    let arms = selected_arms(&args.models)?;
    let shared = shared_dir(root);
    let (sets, skipped) = datasets(args, &shared)?;
    for s in &skipped {
        println!("skipped {s}");
    }
    let peer_script = shared.join("tools/peer_baseline.py");
    let scripts = root.join("benches/peers");
    if args.dry_run {
        for d in &sets {
            println!(
                "data {}: {} (target {}, drop {:?}), {}-fold CV, seed {}, {} thread(s)",
                d.name,
                d.path.display(),
                d.target,
                d.drop,
                args.folds,
                args.seed,
                args.threads
            );
        }
        for a in &arms {
            println!(
                "model {} on {} matrices: pdscore {}",
                a.peer,
                a.kind.as_str(),
                a.ours
            );
        }
        println!("peer script {}", peer_script.display());
        return Ok(());
    }
    if sets.is_empty() {
        bail!("no data set to run (pass --data FILE --target COL)");
    }
    ensure!(
        peer_script.is_file(),
        "peer script `{}` not found (set PDSCORE_SHARED_DIR)",
        peer_script.display()
    );
    rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build_global()
        .context("cannot size the rayon pool")?;
    let python = python(root)?;
    let out = root.join("target/bench-peers");
    for data in &sets {
        let started = Instant::now();
        let load_start = loadavg();
        let folds_dir = out.join("folds").join(&data.name);
        export_folds(&python, &scripts, &peer_script, data, args, &folds_dir)?;
        let folds = FoldData::read(&folds_dir)?;
        let ctx = RunContext {
            args,
            python: &python,
            scripts: &scripts,
            peer_script: &peer_script,
            out: &out,
            folds_dir: &folds_dir,
        };
        let (mut results, mut failed) = (Vec::new(), Vec::new());
        for &arm in &arms {
            eprintln!("{}: {} ...", data.name, arm.peer);
            match run_arm(arm, &folds, &ctx, data) {
                Ok(r) => results.push(r),
                Err(e) => {
                    eprintln!("  failed: {e:#}");
                    failed.push((arm.peer.to_string(), format!("{e:#}")));
                }
            }
        }
        let report = DatasetReport {
            data: data.name.clone(),
            path: data.path.display().to_string(),
            target: data.target.clone(),
            rows: folds.y.len(),
            positives: folds.y.iter().filter(|&&v| v).count(),
            folds: args.folds,
            seed: args.seed,
            threads: args.threads,
            cpus: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            loadavg_1min_start_end: [load_start, loadavg()],
            wall_s: started.elapsed().as_secs_f64(),
            python: python.display().to_string(),
            results,
            failed,
        };
        print_report(&report);
        let json_path = out.join(format!("{}.json", data.name));
        fs::write(&json_path, serde_json::to_string_pretty(&report)?)?;
        println!("wrote {}\n", json_path.display());
    }
    Ok(())
}

/// Prints a data set's heading, table and failures.
fn print_report(r: &DatasetReport) {
    let load = |v: Option<f64>| v.map_or_else(|| "?".into(), |l| format!("{l:.1}"));
    println!(
        "### {}: {} rows ({} positive), {}-fold stratified CV, seed {}, {} thread(s) each side, {} CPUs, load average {} -> {}, {:.0} s\n",
        r.data,
        r.rows,
        r.positives,
        r.folds,
        r.seed,
        r.threads,
        r.cpus,
        load(r.loadavg_1min_start_end[0]),
        load(r.loadavg_1min_start_end[1]),
        r.wall_s
    );
    print!("{}", markdown_table(&r.results));
    for (model, error) in &r.failed {
        println!("failed: {model}: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct TestCli {
        #[command(flatten)]
        args: BenchPeersArgs,
    }

    fn parse(argv: &[&str]) -> Result<BenchPeersArgs, clap::Error> {
        TestCli::try_parse_from(std::iter::once("bench-peers").chain(argv.iter().copied()))
            .map(|c| c.args)
    }

    #[test]
    fn defaults_run_every_model_single_threaded_with_five_folds() {
        let a = parse(&[]).unwrap();
        assert_eq!((a.folds, a.seed, a.threads), (5, 0, 1));
        assert!(a.data.is_none() && a.models.is_empty() && !a.dry_run);
        check(&a).unwrap();
        assert_eq!(selected_arms(&a.models).unwrap().len(), ARMS.len());
    }

    #[test]
    fn every_option_parses() {
        let a = parse(&[
            "--data",
            "x.csv",
            "--target",
            "t",
            "--positive",
            "yes",
            "--id",
            "uuid",
            "--drop",
            "a",
            "--drop",
            "b",
            "--folds",
            "3",
            "--seed",
            "7",
            "--models",
            "logreg,lightgbm_300",
            "--threads",
            "2",
            "--dry-run",
        ])
        .unwrap();
        assert_eq!(a.data, Some(PathBuf::from("x.csv")));
        assert_eq!(a.target.as_deref(), Some("t"));
        assert_eq!(a.positive.as_deref(), Some("yes"));
        assert_eq!(a.id.as_deref(), Some("uuid"));
        assert_eq!(a.drop, vec!["a", "b"]);
        assert_eq!((a.folds, a.seed, a.threads), (3, 7, 2));
        let arms = selected_arms(&a.models).unwrap();
        let names: Vec<&str> = arms.iter().map(|a| a.peer).collect();
        assert_eq!(names, ["logreg", "lightgbm_300"]);
        assert!(a.dry_run);
    }

    #[test]
    fn bad_options_are_errors() {
        assert!(
            parse(&["--target", "t"]).is_err(),
            "--target without --data"
        );
        assert!(parse(&["--folds", "x"]).is_err());
        assert!(check(&parse(&["--folds", "1"]).unwrap()).is_err());
        assert!(check(&parse(&["--threads", "0"]).unwrap()).is_err());
        assert!(
            check(&parse(&["--data", "x.csv"]).unwrap()).is_err(),
            "no --target"
        );
        let err = check(&parse(&["--models", "logreg,histgb"]).unwrap()).unwrap_err();
        assert!(err.to_string().contains("histgb"), "{err}");
    }

    #[test]
    fn default_data_sets_are_skipped_with_a_reason_when_absent() {
        let a = parse(&[]).unwrap();
        let (found, skipped) = datasets(&a, Path::new("/nonexistent-shared-dir")).unwrap();
        assert!(found.is_empty());
        assert_eq!(skipped.len(), 2);
        assert!(skipped[0].starts_with("credit_risk") && skipped[0].contains("not found"));
        assert!(skipped[1].starts_with("taiwan_credit"));
    }

    #[test]
    fn explicit_data_drops_the_id_column_and_names_the_output_after_the_file() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-peers-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("loans.csv");
        fs::write(&file, "id,x,y\n1,2,0\n").unwrap();
        let a = parse(&[
            "--data",
            file.to_str().unwrap(),
            "--target",
            "y",
            "--id",
            "id",
            "--drop",
            "x",
        ])
        .unwrap();
        let (found, skipped) = datasets(&a, Path::new("/nonexistent")).unwrap();
        assert!(skipped.is_empty());
        assert_eq!(found[0].name, "loans");
        assert_eq!(found[0].drop, vec!["x", "id"]);
        fs::remove_dir_all(&dir).unwrap();
        assert!(
            datasets(&a, Path::new("/nonexistent")).is_err(),
            "missing file"
        );
    }

    fn side(model: &str, roc: f64, fit_s: f64, rows_per_s: f64) -> SideFigures {
        SideFigures {
            model: model.into(),
            roc: [roc, 0.01],
            pr: [roc - 0.2, 0.02],
            fit_s,
            predict_rows_per_s: rows_per_s,
        }
    }

    #[test]
    fn table_has_one_row_per_arm_with_ratios_ours_over_peer() {
        let results = vec![ArmResult {
            model: "lightgbm_300".into(),
            kind: "tree_native".into(),
            ours_recipe: "Gbm::lightgbm_300".into(),
            ours: side("lightgbm_300", 0.95, 2.0, 120_000.0),
            peer: side("lightgbm_300", 0.951, 4.0, 40_000.0),
        }];
        let table = markdown_table(&results);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("| model |") && lines[1].starts_with("|---"));
        let cells: Vec<&str> = lines[2].split('|').map(str::trim).collect();
        // leading empty cell, then the 11 columns, then the trailing empty cell
        assert_eq!(cells.len(), 13);
        assert_eq!(cells[1], "lightgbm_300");
        assert_eq!(cells[2], "0.9500 ± 0.0100");
        assert_eq!(cells[3], "0.9510 ± 0.0100");
        assert_eq!(cells[8], "0.50x", "fit 2 s vs 4 s");
        assert_eq!(cells[9], "120,000");
        assert_eq!(cells[10], "40,000");
        assert_eq!(cells[11], "3.00x", "predict 120k vs 40k rows/s");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1_234_567.8), "1,234,568");
        assert_eq!(thousands(-1000.0), "-1,000");
    }
}
