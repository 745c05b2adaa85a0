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
//! With `--calibration also` (the default) each data set then gets the calibration comparison of
//! [`crate::calibration`]: pdscore's pooled out-of-fold PDs (`evaluate` in this process, default
//! candidates) against scikit-learn's `CalibratedClassifierCV` (isotonic and sigmoid, `cv=3`)
//! around the whole peer pipelines `lightgbm_300`, `rf_200_balsub` and `logreg_balanced`, and the
//! uncalibrated peers for reference, on pdscore's folds, refereed by
//! `benches/peers/calibrated_cv.py` (log loss, Brier, ECE, mean PD, ROC and PR AUC, paired fold
//! differences); table and verdict printed, figures in `target/bench-peers/calibration/<data>.json`.
//! `--calibration only` runs that comparison alone, `--calibration skip` the model-vs-model table
//! alone. In the calibration comparison `--models` narrows the uncalibrated reference peers (any
//! name of `peer_baseline.py`'s `MODEL_ORDER` with `only`), and `--drop` is refused: pdscore
//! leaves out only the id column.
//!
//! Python comes from `$PDSCORE_PYTHON` when set, else from the venv `target/peer-venv`, which is
//! created with pip when missing (packages: [`PEER_PACKAGES`](crate::peer_setup::PEER_PACKAGES)).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Serialize};

use crate::calibration;
use crate::peer_arms::{self, ARMS, FoldData, PeerArm};
use crate::peer_setup::{
    BenchPeersArgs, Dataset, ScorecardMode, datasets, loadavg, python, run_command, shared_dir,
};
use crate::scorecard;

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
    if args.runs_arms() {
        selected_arms(&args.models)?;
    }
    ensure!(
        args.scorecard != ScorecardMode::Only || args.drop.is_empty(),
        "--scorecard only cannot honour --drop {}: pdscore leaves out only the id column (--id)",
        args.drop.join(" ")
    );
    ensure!(
        !args.runs_calibration() || args.drop.is_empty(),
        "--calibration {} cannot honour --drop {}: pdscore leaves out only the id column (--id), \
         so the two sides would see different features; use --calibration skip or remove the \
         columns from the file",
        args.calibration.as_str(),
        args.drop.join(" ")
    );
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
    cmd.args(["--sep", &detected_separator(&data.path)?]);
    eprintln!("exporting the fold matrices of {} ...", data.name);
    run_command(&mut cmd)?;
    fs::write(&key_path, key.to_string())?;
    Ok(())
}

/// The field separator pdscore's reader detects in `path`, for the peer's `pandas.read_csv`.
fn detected_separator(path: &Path) -> anyhow::Result<String> {
    let chunks =
        pdscore::ingest::CsvChunks::open(path, &pdscore::ingest::ReadOptions::default(), 1)
            .with_context(|| format!("reading the header of {}", path.display()))?;
    Ok(char::from(chunks.delimiter()).to_string())
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
    let arms = if args.runs_arms() {
        selected_arms(&args.models)?
    } else {
        Vec::new()
    };
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
        if args.runs_calibration() {
            let candidates = pdscore::pipeline::default_candidates(args.seed).len();
            for line in calibration::describe(args, &sets, candidates) {
                println!("{line}");
            }
        }
        if args.runs_scorecard() {
            for d in &sets {
                println!("{}", scorecard::describe(args, d));
            }
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
    let python = if args.runs_arms() || args.runs_calibration() {
        Some(python(root)?)
    } else {
        None
    };
    if let Some(python) = &python
        && args.runs_calibration()
    {
        calibration::check_models(python, &scripts, &peer_script, &args.models)?;
    }
    let scorecard_python = if args.runs_scorecard() {
        Some(scorecard::python(root)?)
    } else {
        if args.scorecard == ScorecardMode::Also {
            println!(
                "scorecard comparison skipped: --drop is given and pdscore leaves out only the id column"
            );
        }
        None
    };
    let out = root.join("target/bench-peers");
    for data in &sets {
        if let Some(python) = &python
            && args.runs_arms()
        {
            let ctx = RunContext {
                args,
                python,
                scripts: &scripts,
                peer_script: &peer_script,
                out: &out,
                folds_dir: &out.join("folds").join(&data.name),
            };
            run_arms(&arms, &ctx, data)?;
        }
        if let Some(python) = &python
            && args.runs_calibration()
        {
            calibration::run_dataset(python, &scripts, &peer_script, data, args, &out)
                .with_context(|| format!("calibration comparison on {}", data.name))?;
        }
        if let Some(python) = &scorecard_python {
            scorecard::run_dataset(python, &scripts, &peer_script, data, args, &out)
                .with_context(|| format!("scorecard comparison on {}", data.name))?;
        }
    }
    Ok(())
}

/// The model-vs-model part of one data set: export the folds, run every arm, print the table
/// and write `<out>/<data>.json`.
fn run_arms(arms: &[PeerArm], ctx: &RunContext<'_>, data: &Dataset) -> anyhow::Result<()> {
    let (args, python, out) = (ctx.args, ctx.python, ctx.out);
    let started = Instant::now();
    let load_start = loadavg();
    export_folds(
        python,
        ctx.scripts,
        ctx.peer_script,
        data,
        args,
        ctx.folds_dir,
    )?;
    let folds = FoldData::read(ctx.folds_dir)?;
    let (mut results, mut failed) = (Vec::new(), Vec::new());
    for &arm in arms {
        eprintln!("{}: {} ...", data.name, arm.peer);
        match run_arm(arm, &folds, ctx, data) {
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
    use crate::peer_setup::{CalibrationMode, ScorecardMode};
    use clap::Parser;
    use std::path::PathBuf;

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
        assert_eq!(found[0].id.as_deref(), Some("id"));
        fs::remove_dir_all(&dir).unwrap();
        assert!(
            datasets(&a, Path::new("/nonexistent")).is_err(),
            "missing file"
        );
    }

    #[test]
    fn calibration_flag_defaults_to_also_and_takes_only_and_skip() {
        assert_eq!(parse(&[]).unwrap().calibration, CalibrationMode::Also);
        for (flag, mode) in [
            ("only", CalibrationMode::Only),
            ("also", CalibrationMode::Also),
            ("skip", CalibrationMode::Skip),
        ] {
            assert_eq!(parse(&["--calibration", flag]).unwrap().calibration, mode);
        }
        assert!(parse(&["--calibration", "sometimes"]).is_err());
    }

    #[test]
    fn calibration_refuses_drop_and_only_mode_leaves_model_names_to_the_peer_list() {
        let drop = ["--data", "x.csv", "--target", "t", "--drop", "a"];
        let err = check(&parse(&drop).unwrap()).unwrap_err().to_string();
        assert!(err.contains("--drop a") && err.contains("skip"), "{err}");
        let skip: Vec<&str> = drop
            .iter()
            .copied()
            .chain(["--calibration", "skip"])
            .collect();
        check(&parse(&skip).unwrap()).unwrap();
        // histgb has no pdscore arm, but is a reference peer of the calibration comparison.
        check(&parse(&["--models", "histgb", "--calibration", "only"]).unwrap()).unwrap();
        assert!(check(&parse(&["--models", "histgb", "--calibration", "also"]).unwrap()).is_err());
    }

    #[test]
    fn scorecard_flag_defaults_to_also_and_only_runs_nothing_else() {
        let a = parse(&[]).unwrap();
        assert_eq!(a.scorecard, ScorecardMode::Also);
        assert!(a.runs_arms() && a.runs_calibration() && a.runs_scorecard());
        let only = parse(&["--scorecard", "only", "--models", "histgb"]).unwrap();
        check(&only).unwrap();
        assert!(!only.runs_arms() && !only.runs_calibration() && only.runs_scorecard());
        let skip = parse(&["--scorecard", "skip"]).unwrap();
        assert!(skip.runs_arms() && !skip.runs_scorecard());
        // --drop: `also` leaves the scorecard comparison out, `only` refuses.
        let drop = ["--data", "x.csv", "--target", "t", "--drop", "a"];
        let also: Vec<&str> = drop
            .iter()
            .copied()
            .chain(["--calibration", "skip"])
            .collect();
        let also = parse(&also).unwrap();
        check(&also).unwrap();
        assert!(!also.runs_scorecard());
        let only: Vec<&str> = drop
            .iter()
            .copied()
            .chain(["--scorecard", "only"])
            .collect();
        let err = check(&parse(&only).unwrap()).unwrap_err().to_string();
        assert!(
            err.contains("--scorecard only") && err.contains("--drop a"),
            "{err}"
        );
        assert!(parse(&["--scorecard", "maybe"]).is_err());
    }

    #[test]
    fn the_taiwan_id_is_pdscores_id_and_the_peers_drop() {
        let shared = std::env::temp_dir().join(format!("xtask-shared-{}", std::process::id()));
        let file = shared.join("data/taiwan_credit/UCI_Credit_Card.csv");
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, "ID,x,default.payment.next.month\n1,2,0\n").unwrap();
        let (found, skipped) = datasets(&parse(&[]).unwrap(), &shared).unwrap();
        assert_eq!(skipped.len(), 1, "credit_risk absent");
        assert_eq!(found[0].name, "taiwan_credit");
        assert_eq!(found[0].id.as_deref(), Some("ID"));
        assert_eq!(found[0].drop, vec!["ID"]);
        fs::remove_dir_all(&shared).unwrap();
    }

    fn pdscore_run(delimiter: &str) -> calibration::PdscoreRun {
        calibration::PdscoreRun {
            selected: "gbm".into(),
            selection_metric: "pr_auc".into(),
            evaluate_wall_s: 1.0,
            comparison_wall_s: 0.9,
            fit_seconds: std::collections::BTreeMap::new(),
            failed: Vec::new(),
            labelled_rows: 10,
            delimiter: delimiter.into(),
            id: Some("uuid".into()),
            threads: 2,
        }
    }

    #[test]
    fn the_script_gets_pdscores_separator_folds_file_and_the_run_options() {
        let a = parse(&[
            "--data",
            "k.csv",
            "--target",
            "default",
            "--id",
            "uuid",
            "--positive",
            "1",
            "--models",
            "logreg,histgb",
            "--threads",
            "2",
            "--seed",
            "4",
        ])
        .unwrap();
        let data = Dataset {
            name: "k".into(),
            path: "k.csv".into(),
            target: "default".into(),
            positive: Some("1".into()),
            drop: vec!["uuid".into()],
            id: Some("uuid".into()),
        };
        let argv = calibration::script_args(
            &data,
            &a,
            &pdscore_run(";"),
            Path::new("/s/peer_baseline.py"),
            Path::new("/o/k"),
        );
        let argv: Vec<String> = argv
            .iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect();
        let value = |flag: &str| {
            let i = argv.iter().position(|a| a == flag).unwrap();
            argv[i + 1].as_str()
        };
        assert_eq!(value("--sep"), ";");
        assert_eq!(value("--drop"), "uuid");
        assert_eq!(value("--positive"), "1");
        assert_eq!(value("--pdscore-oof"), "/o/k/pdscore_oof.csv");
        assert_eq!(value("--pdscore-run"), "/o/k/pdscore_run.json");
        assert_eq!(value("--json"), "/o/k/referee.json");
        assert_eq!(
            value("--calibrated"),
            "lightgbm_300,rf_200_balsub,logreg_balanced"
        );
        assert_eq!(value("--methods"), "isotonic,sigmoid");
        assert_eq!(value("--cv"), "3");
        assert_eq!(value("--models"), "logreg,histgb");
        assert_eq!((value("--n-jobs"), value("--seed")), ("2", "4"));
        let all = parse(&[]).unwrap();
        let argv = calibration::script_args(
            &data,
            &all,
            &pdscore_run(","),
            Path::new("p"),
            Path::new("o"),
        );
        assert!(!argv.iter().any(|a| a == "--models"), "all reference peers");
    }

    #[test]
    fn dry_run_describes_the_calibration_comparison() {
        let a = parse(&["--calibration", "only", "--models", "logreg"]).unwrap();
        let data = Dataset {
            name: "taiwan_credit".into(),
            path: "t.csv".into(),
            target: "y".into(),
            positive: None,
            drop: vec!["ID".into()],
            id: Some("ID".into()),
        };
        let lines = calibration::describe(&a, &[data], 12);
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0].starts_with("calibration taiwan_credit (only): pdscore evaluate in process (12 default candidates, 5-fold")
                && lines[0].contains("id ID")
                && lines[0].ends_with("calibration/taiwan_credit/pdscore_oof.csv"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].contains("method=isotonic|sigmoid, cv=3")
                && lines[1].contains("lightgbm_300, rf_200_balsub, logreg_balanced")
                && lines[1].ends_with("uncalibrated reference: logreg"),
            "{}",
            lines[1]
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
