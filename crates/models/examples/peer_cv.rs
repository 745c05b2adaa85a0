//! Model-level side-by-side harness: fits a pdscore model on the exact cross-validation matrices
//! the Python peer baseline used (exported by `benches/peers/export_peer_folds.py`), and writes the
//! out-of-fold scores and timings as JSON for `benches/peers/model_cv.py`, which runs the peer
//! model on the same matrices and computes every metric for both with scikit-learn.
//!
//! ```sh
//! cargo run --release -p pdscore-models --example peer_cv -- \
//!     --data target/peer-data/credit_risk --kind tree_native --model gbm \
//!     --out target/peer-cv/credit_risk_gbm.json
//! ```
//!
//! `--threads N` sets the rayon pool size (default: all cores). Models are added to
//! [`fit_model`] by name.

use std::time::Instant;
use std::{fs, path::Path, path::PathBuf, process::ExitCode};

use ndarray::{Array2, ArrayView2};
use pdscore_models::{
    AdaBoostParams, ClassWeight, Classifier, DecisionTreeParams, FittedClassifier, GbmParams,
    LogisticRegressionParams, MlpParams, ModelError, RandomForestParams,
};
use pdscore_resample::{
    ClassWeight as ResampleClassWeight, RandomOverSamplerParams, Sampler, sample_weights,
};

/// Fits the model called `name` with `sample_weight` (if the model uses weights as part of its
/// recipe, e.g. `balanced` variants, it computes them here from `y`).
fn fit_model(
    name: &str,
    x: ArrayView2<'_, f64>,
    y: &[bool],
) -> Result<Box<dyn FittedClassifier>, String> {
    match name {
        // Each model family adds its arms here, e.g.
        // "gbm" => boxed(GbmParams::lightgbm_like().fit(x, y, None)),
        // --- tree family (peers of the same names in ../shared/tools/peer_baseline.py) ---
        "dtree_balanced" => boxed(DecisionTreeParams::new().fit(x, y, Some(&balanced_weights(y)?))),
        "rf_200_balsub" => boxed(
            RandomForestParams::new()
                .n_estimators(200)
                .class_weight(ClassWeight::BalancedSubsample)
                .fit(x, y, None),
        ),
        "adaboost_200" => boxed(AdaBoostParams::new().n_estimators(200).fit(x, y, None)),
        "gbm" => boxed(GbmParams::lightgbm_300().fit(x, y, None)),
        "gbm_balanced" => boxed(GbmParams::lightgbm_300().fit(x, y, Some(&balanced_weights(y)?))),
        // peer `logreg`: LogisticRegression(C=1) on the `linear` matrices.
        "logreg" => boxed(LogisticRegressionParams::new().fit(x, y, None)),
        // peer `logreg_balanced`: class_weight='balanced' as per-row weights.
        "logreg_balanced" => {
            boxed(LogisticRegressionParams::new().fit(x, y, Some(&balanced_weights(y)?)))
        }
        // peer `mlp32_ros`: RandomOverSampler (positives to 1:1) -> MLP (32,), early stopping,
        // at most 500 epochs (the peer's max_iter).
        "mlp32_ros" => {
            let resampled = RandomOverSamplerParams::new()
                .seed(0)
                .check()
                .map_err(|e| e.to_string())?
                .fit_resample(x, y)
                .map_err(|e| e.to_string())?;
            boxed(MlpParams::new().max_epochs(500).seed(0).fit(
                resampled.x.view(),
                &resampled.y,
                None,
            ))
        }
        "gbm_cat" => boxed(
            GbmParams::lightgbm_300()
                .categorical_features(categorical_columns()?)
                .fit(x, y, None),
        ),
        other => Err(format!("unknown model `{other}`")),
    }
}

/// Columns listed in `PDSCORE_GBM_CATEGORICAL` (comma-separated indices), for the `gbm_cat` arm
/// (native categorical splits); e.g. `7,8,9,10` for credit_risk's `tree_native` matrices, whose
/// four ordinal-coded categorical columns come after the seven numeric ones.
fn categorical_columns() -> Result<Vec<usize>, String> {
    let list = std::env::var("PDSCORE_GBM_CATEGORICAL")
        .map_err(|_| "gbm_cat needs PDSCORE_GBM_CATEGORICAL=<column,...>".to_string())?;
    list.split(',')
        .map(|c| {
            c.trim()
                .parse()
                .map_err(|e| format!("PDSCORE_GBM_CATEGORICAL: {c}: {e}"))
        })
        .collect()
}

/// Boxes a fit result for [`fit_model`].
fn boxed<F: FittedClassifier + 'static>(
    fitted: Result<F, ModelError>,
) -> Result<Box<dyn FittedClassifier>, String> {
    fitted
        .map(|f| Box::new(f) as Box<dyn FittedClassifier>)
        .map_err(|e| e.to_string())
}

/// `balanced` class weights (n / (2 * count)) as per-row weights, from `pdscore-resample`.
fn balanced_weights(y: &[bool]) -> Result<Vec<f64>, String> {
    sample_weights(y, &ResampleClassWeight::Balanced).map_err(|e| e.to_string())
}

fn read_f64(path: &Path) -> Result<Vec<f64>, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect())
}

fn read_matrix(path: &Path, n_features: usize) -> Result<Array2<f64>, String> {
    let values = read_f64(path)?;
    let rows = values.len() / n_features.max(1);
    Array2::from_shape_vec((rows, n_features), values).map_err(|e| e.to_string())
}

struct Args {
    data: PathBuf,
    kind: String,
    model: String,
    out: PathBuf,
    threads: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut data, mut kind, mut model, mut out, mut threads) = (None, None, None, None, None);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--data" => data = Some(PathBuf::from(value()?)),
            "--kind" => kind = Some(value()?),
            "--model" => model = Some(value()?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--threads" => threads = Some(value()?.parse().map_err(|e| format!("--threads: {e}"))?),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(Args {
        data: data.ok_or("--data is required")?,
        kind: kind.ok_or("--kind is required (linear, tree_impute or tree_native)")?,
        model: model.ok_or("--model is required")?,
        out: out.ok_or("--out is required")?,
        threads,
    })
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| e.to_string())?;
    }
    let meta: serde_json::Value = serde_json::from_slice(
        &fs::read(args.data.join("meta.json")).map_err(|e| format!("meta.json: {e}"))?,
    )
    .map_err(|e| e.to_string())?;
    let folds = meta["folds"].as_u64().ok_or("meta.json: folds")? as usize;
    let n_features = meta["kinds"][&args.kind]
        .as_u64()
        .ok_or(format!("meta.json: no kind {}", args.kind))? as usize;
    let y_all: Vec<bool> = read_f64(&args.data.join("y.bin"))?
        .iter()
        .map(|&v| v == 1.0)
        .collect();
    let mut oof = vec![f64::NAN; y_all.len()];
    let mut fold_reports = Vec::new();
    for k in 0..folds {
        let idx = |name: &str| -> Result<Vec<usize>, String> {
            Ok(
                read_f64(&args.data.join(format!("fold{k}_{name}_idx.bin")))?
                    .iter()
                    .map(|&v| v as usize)
                    .collect(),
            )
        };
        let (train_idx, test_idx) = (idx("train")?, idx("test")?);
        let dir = args.data.join(&args.kind);
        let x_train = read_matrix(&dir.join(format!("fold{k}_train.bin")), n_features)?;
        let x_test = read_matrix(&dir.join(format!("fold{k}_test.bin")), n_features)?;
        let y_train: Vec<bool> = train_idx.iter().map(|&i| y_all[i]).collect();
        let t0 = Instant::now();
        let model = fit_model(&args.model, x_train.view(), &y_train)?;
        let fit_s = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let p = model
            .predict_proba(x_test.view())
            .map_err(|e| e.to_string())?;
        let predict_s = t1.elapsed().as_secs_f64();
        for (&i, &v) in test_idx.iter().zip(p.iter()) {
            oof[i] = v;
        }
        eprintln!(
            "fold {k}: fit {fit_s:.3}s, predict {predict_s:.4}s ({})",
            model.describe()
        );
        fold_reports.push(
            serde_json::json!({"fold": k, "fit_s": fit_s, "predict_s": predict_s,
            "test_rows": test_idx.len()}),
        );
    }
    let report = serde_json::json!({
        "model": args.model, "kind": args.kind, "threads": rayon::current_num_threads(),
        "folds": fold_reports, "oof": oof,
    });
    if let Some(parent) = args.out.parent() {
        fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    fs::write(&args.out, report.to_string()).map_err(|e| e.to_string())?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("peer_cv: {e}");
            ExitCode::FAILURE
        }
    }
}
