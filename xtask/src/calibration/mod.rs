//! The calibration comparison of `cargo xtask bench-peers --calibration only|also`: pdscore's
//! pooled out-of-fold PDs against scikit-learn's `CalibratedClassifierCV` around the peer's own
//! pipelines, on identical folds, refereed by one script.
//!
//! For each data set:
//! 1. pdscore's side runs in this process: [`pdscore::pipeline::evaluate`] with the default
//!    candidates, `--folds`, `--seed` and the data set's id column, timed; its out-of-fold
//!    predictions are written as `Evaluated::oof_csv()` writes them to
//!    `target/bench-peers/calibration/<data>/pdscore_oof.csv`, and the selected candidate and
//!    per-candidate fit seconds to `pdscore_run.json` beside it ([`PdscoreRun`]);
//! 2. `benches/peers/calibrated_cv.py` reads the same CSV with `peer_baseline.py`'s `load`, takes
//!    the fold of every row from that OOF file, and fits on each outer training fold
//!    `CalibratedClassifierCV(<whole peer pipeline>, method, cv=3)` for each of
//!    [`CALIBRATED_PEERS`] and [`METHODS`], and, for reference, the uncalibrated peers
//!    (`peer_baseline.py`'s `MODEL_ORDER`, or `--models`);
//! 3. the same script referees both sides with scikit-learn and numpy (per-fold ROC and PR AUC,
//!    pooled log loss, Brier, ECE over 10 equal-count bins, mean PD, per-fold log loss and the
//!    paired fold differences of pdscore's selected model against the best peer by log loss)
//!    into `referee.json` ([`RefereeReport`]);
//! 4. this module prints the table ([`markdown_table`]), the verdict ([`verdict_line`]) and the
//!    "beat the peers" verdicts ([`beat`]: the selected model and the nested selection against
//!    the best peer on ROC AUC, PR AUC and log loss, and the time against the peers doing the
//!    same job) and writes everything to `target/bench-peers/calibration/<data>.json`
//!    ([`CalibrationReport`]).
//!
//! The script runs with `OMP_NUM_THREADS=--threads` and `OMP_WAIT_POLICY=PASSIVE`, and holds BLAS
//! to one thread (its docstring says why).
//!
//! The separator handed to the script is the one pdscore's reader detected, so a
//! semicolon-separated file is read alike on both sides. pdscore can leave out one column, its
//! id, so `--drop` is refused here: the two sides would see different features.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, ensure};
use pdscore::pipeline::{CvSpec, EvaluateSpec, InputSpec, Progress, evaluate};
use serde::{Deserialize, Serialize};

use crate::peer_setup::{BenchPeersArgs, Dataset};

pub mod beat;

/// The peer pipelines wrapped in `CalibratedClassifierCV` (`peer_baseline.py` names).
pub const CALIBRATED_PEERS: &[&str] = &["lightgbm_300", "rf_200_balsub", "logreg_balanced"];

/// The calibration methods of `CalibratedClassifierCV`.
pub const METHODS: &[&str] = &["isotonic", "sigmoid"];

/// Inner folds of `CalibratedClassifierCV`.
pub const INNER_CV: usize = 3;

/// The peer script of this mode, under `benches/peers/`.
const SCRIPT: &str = "calibrated_cv.py";

/// What pdscore's side reports besides its OOF file (`pdscore_run.json`, read by the script).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PdscoreRun {
    /// The selected candidate.
    pub selected: String,
    /// The metric the selection rule ranks by.
    pub selection_metric: String,
    /// Wall seconds of `evaluate` (read, comparison, refit of the selected candidate).
    pub evaluate_wall_s: f64,
    /// Wall seconds of the cross-validated comparison alone.
    pub comparison_wall_s: f64,
    /// Per candidate: fit seconds summed over folds (preprocessing, resampling, model).
    pub fit_seconds: BTreeMap<String, f64>,
    /// Candidates that failed, with the error.
    pub failed: Vec<(String, String)>,
    /// Labelled rows.
    pub labelled_rows: usize,
    /// The field separator pdscore's reader detected.
    pub delimiter: String,
    /// The id column pdscore left out of the features.
    pub id: Option<String>,
    /// rayon threads.
    pub threads: usize,
}

/// The figures of one model, as the referee computed them (pdscore candidate or peer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFigures {
    /// `pdscore` or `peer`.
    pub side: String,
    /// Model name (`<peer>+<method>` for a calibrated peer).
    pub model: String,
    /// The uncalibrated model it wraps (itself when not calibrated).
    pub base: String,
    /// `isotonic` or `sigmoid` for a calibrated peer.
    pub calibration: Option<String>,
    /// What was fitted, in words.
    pub description: String,
    /// Fit seconds summed over folds, when known.
    pub fit_s: Option<f64>,
    /// Warnings the peer's fits raised (first few).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// ROC AUC mean and sample std over folds.
    pub roc: [f64; 2],
    /// PR AUC (average precision) mean and sample std over folds.
    pub pr: [f64; 2],
    /// Pooled out-of-fold log loss.
    pub log_loss: f64,
    /// Pooled out-of-fold Brier score.
    pub brier: f64,
    /// Expected calibration error, 10 equal-count bins.
    pub ece: f64,
    /// Mean out-of-fold PD.
    pub mean_pd: f64,
    /// ROC AUC of each fold.
    pub fold_roc: Vec<f64>,
    /// PR AUC of each fold.
    pub fold_pr: Vec<f64>,
    /// Log loss of each fold.
    pub fold_log_loss: Vec<f64>,
}

impl ModelFigures {
    /// Whether this is a calibrated peer.
    fn is_calibrated_peer(&self) -> bool {
        self.side == "peer" && self.calibration.is_some()
    }

    /// The table group: 0 pdscore, 1 calibrated peers, 2 uncalibrated peers.
    fn group(&self) -> u8 {
        if self.side == "pdscore" {
            0
        } else if self.is_calibrated_peer() {
            1
        } else {
            2
        }
    }
}

/// pdscore's selected model against the best peer by pooled log loss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// pdscore's selected candidate.
    pub pdscore: String,
    /// The peer with the lowest pooled log loss.
    pub peer: String,
    /// Pooled log loss of `pdscore`.
    pub pdscore_log_loss: f64,
    /// Pooled log loss of `peer`.
    pub peer_log_loss: f64,
    /// Per fold: log loss of `pdscore` minus that of `peer`.
    pub diff_per_fold: Vec<f64>,
    /// Mean of `diff_per_fold`.
    pub mean: f64,
    /// Standard error of that mean (sample std / sqrt(folds)).
    pub se: f64,
}

/// What `calibrated_cv.py --json` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefereeReport {
    /// Labelled rows.
    pub rows: usize,
    /// Positive rows.
    pub positives: usize,
    /// Observed default rate.
    pub default_rate: f64,
    /// Outer folds.
    pub folds: usize,
    /// The OOF file the folds were taken from.
    pub fold_source: String,
    /// Both sides on the same folds (always true: the script takes pdscore's).
    pub identical_folds: bool,
    /// Seed of the peer models.
    pub seed: u64,
    /// Threads of the peers.
    pub n_jobs: usize,
    /// Inner folds of `CalibratedClassifierCV`.
    pub calibration_cv: usize,
    /// Bins of the ECE.
    pub ece_bins: usize,
    /// pdscore's selected candidate.
    pub selected: Option<String>,
    /// The peer with the lowest pooled log loss.
    pub best_peer: Option<String>,
    /// The paired comparison of those two.
    pub verdict: Option<Verdict>,
    /// Every model of both sides.
    pub models: Vec<ModelFigures>,
    /// Peers that failed, with the error.
    pub failed: Vec<(String, String)>,
    /// Python and library versions.
    pub versions: BTreeMap<String, String>,
    /// threadpoolctl's view of the thread pools.
    #[serde(default)]
    pub threadpools: serde_json::Value,
    /// The thread limits the script set (`openmp`, `blas`).
    #[serde(default)]
    pub thread_limits: BTreeMap<String, usize>,
    /// The thread environment variables the script saw.
    #[serde(default)]
    pub thread_env: BTreeMap<String, String>,
    /// 1-minute load average at the script's start and end.
    pub loadavg_1min_start_end: [f64; 2],
    /// Wall seconds of the script.
    pub wall_s: f64,
}

/// The whole calibration result of one data set (`target/bench-peers/calibration/<data>.json`).
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationReport {
    /// Data set name.
    pub data: String,
    /// CSV path.
    pub path: String,
    /// Target column.
    pub target: String,
    /// Threads of both sides.
    pub threads: usize,
    /// Logical CPUs of the machine.
    pub cpus: usize,
    /// 1-minute load average before and after (Linux), if readable.
    pub loadavg_1min_start_end: [Option<f64>; 2],
    /// Wall seconds of both sides.
    pub wall_s: f64,
    /// The Python interpreter.
    pub python: String,
    /// pdscore's OOF file.
    pub pdscore_oof: String,
    /// The peers' OOF file.
    pub peers_oof: String,
    /// pdscore's run.
    pub pdscore: PdscoreRun,
    /// The referee's figures of both sides.
    pub referee: RefereeReport,
}

/// Writes `bytes` to `path` through a temporary file renamed on success (parents created).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, bytes).with_context(|| format!("cannot write `{}`", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot rename to `{}`", path.display()))?;
    Ok(())
}

/// Checks that every name of `requested` is one of `known` (the peer script's model names).
pub fn check_names(requested: &[String], known: &[String]) -> anyhow::Result<()> {
    for name in requested {
        ensure!(
            known.iter().any(|k| k == name.trim()),
            "unknown peer model `{name}`; choose from {}",
            known.join(", ")
        );
    }
    Ok(())
}

/// The model names of `peer_baseline.py` (`calibrated_cv.py --list-models`).
///
/// # Errors
/// The script failing (Python, packages or the peer script missing).
pub fn peer_model_names(
    python: &Path,
    scripts: &Path,
    peer_script: &Path,
) -> anyhow::Result<Vec<String>> {
    let mut cmd = Command::new(python);
    cmd.arg(scripts.join(SCRIPT))
        .arg("--peer-script")
        .arg(peer_script)
        .arg("--list-models");
    let out = cmd
        .output()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    ensure!(
        out.status.success(),
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// Checks, before any fit, that `--models` and [`CALIBRATED_PEERS`] are peer models.
///
/// # Errors
/// The script failing, or an unknown name.
pub fn check_models(
    python: &Path,
    scripts: &Path,
    peer_script: &Path,
    models: &[String],
) -> anyhow::Result<()> {
    let known = peer_model_names(python, scripts, peer_script)?;
    check_names(models, &known)?;
    let calibrated: Vec<String> = CALIBRATED_PEERS.iter().map(|s| (*s).to_string()).collect();
    check_names(&calibrated, &known)
        .context("a peer this mode calibrates is no longer in peer_baseline.py")
}

/// The lines `--dry-run` prints for this mode.
pub fn describe(args: &BenchPeersArgs, sets: &[Dataset], candidates: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for d in sets {
        lines.push(format!(
            "calibration {} ({}): pdscore evaluate in process ({candidates} default candidates, \
             {}-fold stratified CV, seed {}, id {}, {} thread(s)) -> \
             target/bench-peers/calibration/{}/pdscore_oof.csv",
            d.name,
            args.calibration.as_str(),
            args.folds,
            args.seed,
            d.id.as_deref().unwrap_or("none"),
            args.threads,
            d.name
        ));
    }
    let reference = if args.models.is_empty() {
        "every model of peer_baseline.py's MODEL_ORDER".to_string()
    } else {
        args.models.join(", ")
    };
    lines.push(format!(
        "calibration peers (benches/peers/{SCRIPT}, on pdscore's folds, n_jobs {}): \
         CalibratedClassifierCV(<whole peer pipeline>, method={}, cv={INNER_CV}) around {}; \
         uncalibrated reference: {reference}",
        args.threads,
        METHODS.join("|"),
        CALIBRATED_PEERS.join(", ")
    ));
    lines.push(
        "calibration referee (scikit-learn, both sides): per-fold ROC/PR AUC, pooled log loss, \
         Brier, ECE (10 equal-count bins), mean PD, paired fold log-loss differences -> \
         target/bench-peers/calibration/<data>.json"
            .to_string(),
    );
    lines
}

/// The arguments of `calibrated_cv.py` for one data set (everything after the script path).
pub fn script_args(
    data: &Dataset,
    args: &BenchPeersArgs,
    run: &PdscoreRun,
    peer_script: &Path,
    dir: &Path,
) -> Vec<OsString> {
    let mut a: Vec<OsString> = Vec::new();
    let mut push = |s: &str| a.push(s.into());
    push("--data");
    push(&data.path.to_string_lossy());
    push("--target");
    push(&data.target);
    push("--sep");
    push(&run.delimiter);
    if let Some(p) = &data.positive {
        push("--positive");
        push(p);
    }
    if !data.drop.is_empty() {
        push("--drop");
        for c in &data.drop {
            push(c);
        }
    }
    push("--pdscore-oof");
    push(&dir.join("pdscore_oof.csv").to_string_lossy());
    push("--pdscore-run");
    push(&dir.join("pdscore_run.json").to_string_lossy());
    push("--calibrated");
    push(&CALIBRATED_PEERS.join(","));
    push("--methods");
    push(&METHODS.join(","));
    push("--cv");
    push(&INNER_CV.to_string());
    if !args.models.is_empty() {
        let models: Vec<&str> = args.models.iter().map(|m| m.trim()).collect();
        push("--models");
        push(&models.join(","));
    }
    push("--seed");
    push(&args.seed.to_string());
    push("--n-jobs");
    push(&args.threads.to_string());
    push("--peer-script");
    push(&peer_script.to_string_lossy());
    push("--json");
    push(&dir.join("referee.json").to_string_lossy());
    push("--peer-oof");
    push(&dir.join("peers_oof.csv").to_string_lossy());
    a
}

/// Runs pdscore's side: evaluate, then write `pdscore_oof.csv` and `pdscore_run.json` in `dir`.
///
/// # Errors
/// Reading or evaluating the data, writing the files.
pub fn run_pdscore(
    data: &Dataset,
    args: &BenchPeersArgs,
    dir: &Path,
) -> anyhow::Result<PdscoreRun> {
    let mut spec = EvaluateSpec::new(
        InputSpec::new(&data.path, data.target.clone())
            .positive(data.positive.clone())
            .id(data.id.clone()),
    );
    spec.cv = CvSpec::default().folds(args.folds).seed(args.seed);
    let candidates = spec.candidates()?.len();
    eprintln!(
        "{}: calibration: pdscore evaluate ({candidates} candidates x {} folds, seed {}) ...",
        data.name, args.folds, args.seed
    );
    let folds = args.folds;
    let progress = move |p: Progress| {
        if p.done.is_multiple_of(folds) || p.done == p.total {
            eprintln!("  pdscore {}/{} fits", p.done, p.total);
        }
    };
    let started = Instant::now();
    let evaluated = evaluate(&spec, Some(&progress))
        .with_context(|| format!("pdscore cannot evaluate `{}`", data.path.display()))?;
    let evaluate_wall_s = started.elapsed().as_secs_f64();
    let c = &evaluated.comparison;
    let run = PdscoreRun {
        selected: c.best().candidate.name.clone(),
        selection_metric: c.cv.selection.metric.name().to_string(),
        evaluate_wall_s,
        comparison_wall_s: c.wall_seconds,
        fit_seconds: c
            .results
            .iter()
            .map(|r| (r.candidate.name.clone(), r.fit_seconds))
            .collect(),
        failed: c
            .failed
            .iter()
            .map(|f| (f.name.clone(), f.error.clone()))
            .collect(),
        labelled_rows: evaluated.data.y.len(),
        delimiter: char::from(evaluated.input.delimiter).to_string(),
        id: evaluated.input.schema.id.clone(),
        threads: rayon::current_num_threads(),
    };
    eprintln!(
        "  pdscore: {:.1} s (comparison {:.1} s), selected {} by {}",
        run.evaluate_wall_s, run.comparison_wall_s, run.selected, run.selection_metric
    );
    // The nested selection's PDs ride along as one more model, so the referee scores them too.
    let mut oof = evaluated.oof_csv();
    oof.push_str(&beat::nested_oof_rows(&evaluated));
    write_atomic(&dir.join("pdscore_oof.csv"), oof.as_bytes())?;
    write_atomic(
        &dir.join("pdscore_run.json"),
        &serde_json::to_vec_pretty(&run)?,
    )?;
    Ok(run)
}

/// Runs the peers and the referee on pdscore's folds; returns the referee's report.
///
/// # Errors
/// The script failing or writing something that is not its JSON.
pub fn run_peers(
    python: &Path,
    scripts: &Path,
    peer_script: &Path,
    data: &Dataset,
    args: &BenchPeersArgs,
    run: &PdscoreRun,
    dir: &Path,
) -> anyhow::Result<RefereeReport> {
    let json = dir.join("referee.json");
    // A stale report of an earlier run must not pass for this one.
    let _ = fs::remove_file(&json);
    let mut cmd = Command::new(python);
    cmd.arg(scripts.join(SCRIPT))
        .args(script_args(data, args, run, peer_script, dir))
        .env("OMP_NUM_THREADS", args.threads.to_string())
        // Idle OpenMP threads of LightGBM's, XGBoost's and scikit-learn's runtimes would
        // otherwise spin between the small fits of CalibratedClassifierCV (see the script).
        .env("OMP_WAIT_POLICY", "PASSIVE")
        .stdout(Stdio::null());
    eprintln!(
        "{}: calibration: peers on pdscore's folds ({} calibrated, reference {}) ...",
        data.name,
        CALIBRATED_PEERS.len() * METHODS.len(),
        if args.models.is_empty() {
            "all".to_string()
        } else {
            args.models.join(",")
        }
    );
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    ensure!(status.success(), "{cmd:?} failed ({status})");
    serde_json::from_slice(
        &fs::read(&json).with_context(|| format!("cannot read `{}`", json.display()))?,
    )
    .with_context(|| format!("`{}` is not {SCRIPT}'s JSON", json.display()))
}

/// Runs the whole calibration comparison of one data set: prints the table and the verdict and
/// writes `<out>/calibration/<data>.json`.
///
/// # Errors
/// Either side failing.
pub fn run_dataset(
    python: &Path,
    scripts: &Path,
    peer_script: &Path,
    data: &Dataset,
    args: &BenchPeersArgs,
    out: &Path,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let load_start = crate::peer_setup::loadavg();
    let dir = out.join("calibration").join(&data.name);
    let run = run_pdscore(data, args, &dir)?;
    let referee = run_peers(python, scripts, peer_script, data, args, &run, &dir)?;
    let report = CalibrationReport {
        data: data.name.clone(),
        path: data.path.display().to_string(),
        target: data.target.clone(),
        threads: args.threads,
        cpus: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        loadavg_1min_start_end: [load_start, crate::peer_setup::loadavg()],
        wall_s: started.elapsed().as_secs_f64(),
        python: python.display().to_string(),
        pdscore_oof: dir.join("pdscore_oof.csv").display().to_string(),
        peers_oof: dir.join("peers_oof.csv").display().to_string(),
        pdscore: run,
        referee,
    };
    print!("{}", report_text(&report));
    let json_path = out.join("calibration").join(format!("{}.json", data.name));
    write_atomic(&json_path, &serde_json::to_vec_pretty(&report)?)?;
    println!("wrote {}\n", json_path.display());
    Ok(())
}

/// The heading, versions, table, verdict, notes and failures of one data set.
pub fn report_text(r: &CalibrationReport) -> String {
    let load = |v: Option<f64>| v.map_or_else(|| "?".into(), |l| format!("{l:.1}"));
    let f = &r.referee;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "### calibration, {}: {} rows ({} positive, default rate {:.4}), {}-fold stratified CV \
         (pdscore's folds, identical on both sides), seed {}, {} thread(s) each side, {} CPUs, \
         load average {} -> {}, {:.0} s (pdscore evaluate {:.1} s, of which comparison {:.1} s; \
         peers and referee {:.1} s)\n",
        r.data,
        f.rows,
        f.positives,
        f.default_rate,
        f.folds,
        f.seed,
        r.threads,
        r.cpus,
        load(r.loadavg_1min_start_end[0]),
        load(r.loadavg_1min_start_end[1]),
        r.wall_s,
        r.pdscore.evaluate_wall_s,
        r.pdscore.comparison_wall_s,
        f.wall_s
    );
    let version = |k: &str| f.versions.get(k).map_or("?", String::as_str);
    let limits: Vec<String> = f
        .thread_limits
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .chain(f.thread_env.iter().map(|(k, v)| format!("{k}={v}")))
        .collect();
    let limits = if limits.is_empty() {
        "unknown".to_string()
    } else {
        limits.join(", ")
    };
    let _ = writeln!(
        s,
        "python {}, scikit-learn {}, lightgbm {}, imbalanced-learn {}, xgboost {}, numpy {}; \
         peers calibrated with CalibratedClassifierCV(<whole peer pipeline>, cv={}); ECE over {} \
         equal-count bins; peer thread limits {}\n",
        version("python"),
        version("scikit-learn"),
        version("lightgbm"),
        version("imbalanced-learn"),
        version("xgboost"),
        version("numpy"),
        f.calibration_cv,
        f.ece_bins,
        limits
    );
    s.push_str(&markdown_table(f));
    let _ = writeln!(s, "\n{}", verdict_line(f));
    s.push_str(&beat::beat_lines(&r.pdscore, f));
    let _ = writeln!(
        s,
        "fit s: pdscore per candidate, summed over folds, while {} (candidate, fold) fit(s) ran at \
         once; peers summed over folds with n_jobs {}, inner calibration fits included.",
        r.pdscore.threads, f.n_jobs
    );
    for (model, error) in &r.pdscore.failed {
        let _ = writeln!(s, "failed (pdscore): {model}: {error}");
    }
    for (model, error) in &f.failed {
        let _ = writeln!(s, "failed (peer): {model}: {error}");
    }
    s
}

/// The markdown table of both sides: pdscore's candidates, then the calibrated peers, then the
/// uncalibrated peers, each group by pooled log loss; `rank` is the log-loss rank over all rows.
/// pdscore's selected candidate and the best peer are marked.
pub fn markdown_table(r: &RefereeReport) -> String {
    let mut rows: Vec<&ModelFigures> = r.models.iter().collect();
    let mut by_loss = rows.clone();
    by_loss.sort_by(|a, b| a.log_loss.total_cmp(&b.log_loss));
    rows.sort_by(|a, b| {
        a.group()
            .cmp(&b.group())
            .then(a.log_loss.total_cmp(&b.log_loss))
    });
    let mut out = String::from(
        "| side | model | log loss | Brier | ECE | mean PD (/ default rate) | ROC AUC | PR AUC | fit s | rank by log loss |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for m in rows {
        let side = match m.group() {
            0 => "pdscore",
            1 => "peer, calibrated",
            _ => "peer",
        };
        let name = if m.side == "pdscore" && r.selected.as_deref() == Some(m.model.as_str()) {
            format!("**{}** (selected)", m.model)
        } else if m.side == "peer" && r.best_peer.as_deref() == Some(m.model.as_str()) {
            format!("**{}** (best peer)", m.model)
        } else {
            m.model.clone()
        };
        let rank = by_loss
            .iter()
            .position(|o| std::ptr::eq(*o, m))
            .map_or(0, |i| i + 1);
        let ratio = if r.default_rate > 0.0 {
            format!("{:.4} ({:.2}x)", m.mean_pd, m.mean_pd / r.default_rate)
        } else {
            format!("{:.4}", m.mean_pd)
        };
        let fit = m
            .fit_s
            .map_or_else(|| "-".to_string(), |v| format!("{v:.1}"));
        let _ = writeln!(
            out,
            "| {side} | {name} | {:.4} | {:.4} | {:.4} | {ratio} | {:.4} ± {:.4} | {:.4} ± {:.4} | {fit} | {rank} |",
            m.log_loss, m.brier, m.ece, m.roc[0], m.roc[1], m.pr[0], m.pr[1],
        );
    }
    out
}

/// The one-line verdict: pdscore's selected model against the best peer by log loss.
pub fn verdict_line(r: &RefereeReport) -> String {
    match &r.verdict {
        Some(v) => format!(
            "verdict: pdscore's selected model log loss {:.4} ({}) vs best peer {:.4} ({}); \
             paired fold difference (pdscore - peer) {:+.4} ± {:.4} (mean ± se over {} folds)",
            v.pdscore_log_loss,
            v.pdscore,
            v.peer_log_loss,
            v.peer,
            v.mean,
            v.se,
            v.diff_per_fold.len()
        ),
        None => format!(
            "verdict: none (selected {}, best peer {})",
            r.selected.as_deref().unwrap_or("unknown"),
            r.best_peer.as_deref().unwrap_or("none: no peer ran")
        ),
    }
}

#[cfg(test)]
mod tests;
