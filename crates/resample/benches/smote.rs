//! SMOTE on the credit_risk data set (32,581 rows, 7,108 defaulters): the 7 numeric columns,
//! median-imputed and standard-scaled, balanced with `k_neighbors = 5` (18,365 synthetic rows).
//!
//! Run: `cargo bench -p pdscore-resample --bench smote -- --sample-size 10`
//! Peer: `"${PDSCORE_PYTHON:-python3}" benches/peers/smote_imblearn.py` (same data and steps).
//!
//! The data file is looked for in `$PDSCORE_DATA_DIR/credit_risk/` if set, else in the shared
//! data (`pdscore_testkit::shared_data`: `$PDSCORE_SHARED_DIR/data/`, else `shared/data/`
//! beside the workspace root). Without it the bench prints why and exits.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::Criterion;
use ndarray::Array2;
use pdscore_resample::{Sampler, SmoteParams};

const FILE: &str = "credit_risk/credit_risk_dataset.csv";
const FEATURES: [&str; 7] = [
    "person_age",
    "person_income",
    "person_emp_length",
    "loan_amnt",
    "loan_int_rate",
    "loan_percent_income",
    "cb_person_cred_hist_length",
];
const TARGET: &str = "loan_status";

fn data_file() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PDSCORE_DATA_DIR") {
        return Some(Path::new(&dir).join(FILE)).filter(|p| p.is_file());
    }
    pdscore_testkit::shared_data(FILE).filter(|p| p.is_file())
}

/// Feature columns with missing values (`None`), and the labels.
type RawData = (Vec<Vec<Option<f64>>>, Vec<bool>);

/// Reads the feature columns (empty field = missing) and the 0/1 target.
fn read_csv(path: &Path) -> Result<RawData, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or("empty file")?
        .trim_end()
        .split(',')
        .collect();
    let position = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("no column {name}"))
    };
    let feature_at: Vec<usize> = FEATURES
        .iter()
        .map(|f| position(f))
        .collect::<Result<_, _>>()?;
    let target_at = position(TARGET)?;
    let mut columns = vec![Vec::new(); FEATURES.len()];
    let mut y = Vec::new();
    for (line_no, line) in lines.enumerate().map(|(i, l)| (i + 2, l.trim_end())) {
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let field = |at: usize| {
            fields
                .get(at)
                .copied()
                .ok_or(format!("line {line_no}: short row"))
        };
        for (column, &at) in columns.iter_mut().zip(&feature_at) {
            let text = field(at)?;
            column.push(if text.is_empty() {
                None
            } else {
                Some(
                    text.parse::<f64>()
                        .map_err(|e| format!("line {line_no}: {text:?}: {e}"))?,
                )
            });
        }
        y.push(match field(target_at)? {
            "1" => true,
            "0" => false,
            other => return Err(format!("line {line_no}: target {other:?}")),
        });
    }
    Ok((columns, y))
}

/// Median-imputes and standard-scales (population standard deviation, as scikit-learn's
/// `StandardScaler`) each column into an n x 7 matrix.
fn preprocess(columns: &[Vec<Option<f64>>]) -> Array2<f64> {
    let n = columns[0].len();
    let mut x = Array2::zeros((n, columns.len()));
    for (c, column) in columns.iter().enumerate() {
        let mut present: Vec<f64> = column.iter().flatten().copied().collect();
        present.sort_by(f64::total_cmp);
        let m = present.len();
        let median = if m % 2 == 1 {
            present[m / 2]
        } else {
            0.5 * (present[m / 2 - 1] + present[m / 2])
        };
        let filled: Vec<f64> = column.iter().map(|v| v.unwrap_or(median)).collect();
        let mean = filled.iter().sum::<f64>() / n as f64;
        let std = (filled.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        for (i, v) in filled.iter().enumerate() {
            x[[i, c]] = (v - mean) / std;
        }
    }
    x
}

fn main() {
    let Some(path) = data_file() else {
        eprintln!(
            "smote bench skipped: {FILE} not found (set PDSCORE_DATA_DIR or PDSCORE_SHARED_DIR, or place shared/data beside the workspace)"
        );
        return;
    };
    let (columns, y) = match read_csv(&path) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("smote bench skipped: cannot read {}: {e}", path.display());
            return;
        }
    };
    let x = preprocess(&columns);
    let smote = match SmoteParams::new().k_neighbors(5).seed(0).check() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("smote bench: {e}");
            return;
        }
    };
    match smote.fit_resample(x.view(), &y) {
        Ok(out) => eprintln!(
            "credit_risk: {} rows x {} columns, {} positives -> {} rows ({} synthetic), rayon threads {}",
            x.nrows(),
            x.ncols(),
            y.iter().filter(|&&v| v).count(),
            out.len(),
            out.n_synthetic,
            rayon::current_num_threads()
        ),
        Err(e) => {
            eprintln!("smote bench: {e}");
            return;
        }
    }

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("smote_credit_risk");
    group.bench_function("fit_resample_k5_all_threads", |b| {
        b.iter(|| black_box(smote.fit_resample(black_box(x.view()), black_box(&y))));
    });
    if let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        group.bench_function("fit_resample_k5_one_thread", |b| {
            b.iter(|| {
                pool.install(|| black_box(smote.fit_resample(black_box(x.view()), black_box(&y))))
            });
        });
    }
    group.finish();
    criterion.final_summary();

    // Load-robust supplement: CPU time per run (all threads of the process), since the machine
    // is shared and wall times vary with the load. Only under `cargo bench` (which passes
    // `--bench`), not when `cargo test --all-targets` smoke-tests the bench.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    if let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        let per_run = cpu_time_per_run(20, || {
            pool.install(|| black_box(smote.fit_resample(x.view(), &y)).is_ok())
        });
        match per_run {
            Some(ms) => {
                eprintln!("cpu time per fit_resample, 1 thread: median {ms:.1} ms over 20 runs");
            }
            None => eprintln!("cpu time not measured (needs Linux /proc/self/task/*/schedstat)"),
        }
    }
}

/// CPU time of all threads of this process in nanoseconds (Linux), std only.
fn process_cpu_ns() -> Option<u64> {
    // The kernel brings a running thread's count up to date only when it schedules: without
    // this yield, work done on the calling thread itself can read as zero.
    std::thread::yield_now();
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// Median CPU milliseconds of `runs` calls of `f` (after one warm-up call).
fn cpu_time_per_run(runs: usize, mut f: impl FnMut() -> bool) -> Option<f64> {
    f();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let before = process_cpu_ns()?;
        let ok = f();
        let after = process_cpu_ns()?;
        if !ok {
            return None;
        }
        times.push(after.saturating_sub(before) as f64 / 1e6);
    }
    times.sort_by(f64::total_cmp);
    Some(times[runs / 2])
}
