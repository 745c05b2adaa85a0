//! The pdscore side of `cargo xtask bench-peers`: which pdscore recipe answers which peer model
//! ([`PeerArm`], [`ARMS`]), the fold matrices the peer exported ([`FoldData`], written by
//! `benches/peers/export_peer_folds.py`), and the cross-validated fit of one arm on them
//! ([`run_ours`]), whose output is the JSON `benches/peers/model_cv.py --ours` reads.
//!
//! Each arm is a [`Candidate`] of `pdscore-pipeline` ([`PeerArm::candidate`]: weighting, sampler
//! and model built with the pipeline's own constructors) fitted by [`Candidate::fit_matrix`],
//! the fit the comparison makes after its preprocessing; the preprocessing here is the peer's
//! (its exported matrices). The hyper-parameters are the peer's, as in the `peer_cv` arms of
//! `crates/models/examples/peer_cv.rs`, not those of [`default_candidates`], which the
//! comparison tunes for itself.
//!
//! [`default_candidates`]: pdscore::pipeline::default_candidates

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use ndarray::Array2;
use pdscore::features::{FeatureParams, NumericImputation};
use pdscore::models::{
    AdaBoostParams, ClassWeight as ForestClassWeight, DecisionTreeParams, FittedClassifier,
    GbmParams, LogisticRegressionParams, MlpParams, ModelSpec, RandomForestParams,
};
use pdscore::pipeline::{Candidate, FeaturePreset, Weighting};
use pdscore::resample::{ClassWeight, RandomOverSamplerParams, SamplerSpec, SmoteParams};
use serde::Serialize;

/// Which preprocessed matrices an arm is fitted on (the peer's `make_pre` kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixKind {
    /// Median imputation + missing indicators, scaling, one-hot categories.
    Linear,
    /// Median imputation + missing indicators, ordinal categories, no scaling.
    TreeImpute,
    /// `NaN` kept, ordinal categories.
    TreeNative,
}

impl MatrixKind {
    /// The directory / `meta.json` key the export script uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::TreeImpute => "tree_impute",
            Self::TreeNative => "tree_native",
        }
    }

    /// The pdscore preprocessing closest to the peer's for this kind, recorded in the arm's
    /// [`Candidate`]. The arms are fitted on the peer's exported matrices, so it is never
    /// applied here.
    pub fn features(self) -> FeaturePreset {
        match self {
            Self::Linear => FeaturePreset::Linear,
            Self::TreeImpute => FeaturePreset::Custom(
                FeatureParams::for_trees()
                    .imputation(NumericImputation::Median)
                    .missing_indicators(true),
            ),
            Self::TreeNative => FeaturePreset::Trees,
        }
    }
}

/// A peer model of `peer_baseline.py` and the pdscore recipe compared with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerArm {
    /// The peer's model name (`peer_baseline.py`'s `build_models` key).
    pub peer: &'static str,
    /// The matrices both sides are fitted on.
    pub kind: MatrixKind,
    /// What pdscore fits, in words (for the table and the JSON).
    pub ours: &'static str,
}

/// Every arm, in the peer's model order.
pub const ARMS: &[PeerArm] = &[
    PeerArm {
        peer: "logreg",
        kind: MatrixKind::Linear,
        ours: "LogisticRegression(C=1)",
    },
    PeerArm {
        peer: "logreg_balanced",
        kind: MatrixKind::Linear,
        ours: "LogisticRegression + balanced sample weights",
    },
    PeerArm {
        peer: "logreg_smote",
        kind: MatrixKind::Linear,
        ours: "Smote(k=5, 1:1) -> LogisticRegression",
    },
    PeerArm {
        peer: "dtree_balanced",
        kind: MatrixKind::TreeImpute,
        ours: "DecisionTree + balanced sample weights",
    },
    PeerArm {
        peer: "rf_200_balsub",
        kind: MatrixKind::TreeImpute,
        ours: "RandomForest(200, balanced_subsample)",
    },
    PeerArm {
        peer: "adaboost_200",
        kind: MatrixKind::TreeImpute,
        ours: "AdaBoost(200 stumps)",
    },
    PeerArm {
        peer: "lightgbm_300",
        kind: MatrixKind::TreeNative,
        ours: "Gbm::lightgbm_300",
    },
    PeerArm {
        peer: "mlp32_ros",
        kind: MatrixKind::Linear,
        ours: "RandomOverSampler(1:1) -> Mlp(32), max 500 epochs",
    },
];

/// The error for a peer model name that no arm has, listing the known ones.
fn unknown_arm(name: &str) -> anyhow::Error {
    let known: Vec<&str> = ARMS.iter().map(|a| a.peer).collect();
    anyhow::anyhow!("unknown model `{name}`; choose from {}", known.join(", "))
}

/// The arm comparing with peer model `name`.
///
/// # Errors
/// When no arm has that peer name; the message lists the known ones.
pub fn arm(name: &str) -> anyhow::Result<PeerArm> {
    ARMS.iter()
        .copied()
        .find(|a| a.peer == name)
        .ok_or_else(|| unknown_arm(name))
}

impl PeerArm {
    /// The arm as a pipeline [`Candidate`] named after the peer, with every random choice
    /// seeded by `seed`.
    ///
    /// # Errors
    /// When the arm's peer name has no recipe (an arm not built from [`ARMS`]); the message
    /// lists the known names.
    pub fn candidate(&self, seed: u64) -> anyhow::Result<Candidate> {
        let logreg = || ModelSpec::LogisticRegression(LogisticRegressionParams::new());
        let balanced = || Weighting::Fixed(ClassWeight::Balanced);
        let new = |model| Candidate::new(self.peer, self.kind.features(), model);
        let candidate = match self.peer {
            "logreg" => new(logreg()),
            "logreg_balanced" => new(logreg()).weighting(balanced()),
            "logreg_smote" => {
                new(logreg()).sampler(SamplerSpec::Smote(SmoteParams::new().seed(seed)))
            }
            "dtree_balanced" => new(ModelSpec::DecisionTree(
                DecisionTreeParams::new().seed(seed),
            ))
            .weighting(balanced()),
            "rf_200_balsub" => new(ModelSpec::RandomForest(
                RandomForestParams::new()
                    .n_estimators(200)
                    .class_weight(ForestClassWeight::BalancedSubsample)
                    .seed(seed),
            )),
            "adaboost_200" => new(ModelSpec::AdaBoost(
                AdaBoostParams::new().n_estimators(200).seed(seed),
            )),
            "lightgbm_300" => new(ModelSpec::Gbm(GbmParams::lightgbm_300().seed(seed))),
            "mlp32_ros" => new(ModelSpec::Mlp(MlpParams::new().max_epochs(500).seed(seed)))
                .sampler(SamplerSpec::RandomOverSampler(
                    RandomOverSamplerParams::new().seed(seed),
                )),
            other => return Err(unknown_arm(other)),
        };
        candidate.check()?;
        Ok(candidate)
    }
}

/// The cross-validation inputs written by `export_peer_folds.py` (one directory).
#[derive(Debug, Clone)]
pub struct FoldData {
    dir: PathBuf,
    /// Every label, in file order.
    pub y: Vec<bool>,
    /// Training and test row indices of each fold.
    pub folds: Vec<(Vec<usize>, Vec<usize>)>,
    meta: serde_json::Value,
}

/// Reads a little-endian f64 file.
fn read_f64(path: &Path) -> anyhow::Result<Vec<f64>> {
    let bytes = fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    ensure!(
        bytes.len() % 8 == 0,
        "`{}`: {} bytes is not a whole number of f64 values",
        path.display(),
        bytes.len()
    );
    Ok(bytes
        .chunks_exact(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            f64::from_le_bytes(b)
        })
        .collect())
}

/// Reads an index file (indices stored as f64), checking each is a row of `n_rows`.
fn read_indices(path: &Path, n_rows: usize) -> anyhow::Result<Vec<usize>> {
    read_f64(path)?
        .into_iter()
        .map(|v| {
            if v >= 0.0 && v.fract() == 0.0 && (v as usize) < n_rows {
                Ok(v as usize)
            } else {
                bail!(
                    "`{}`: {v} is not a row index below {n_rows}",
                    path.display()
                )
            }
        })
        .collect()
}

impl FoldData {
    /// Reads `meta.json`, the labels and the fold indices of an export directory.
    ///
    /// # Errors
    /// Missing or malformed files, indices out of range.
    pub fn read(dir: &Path) -> anyhow::Result<FoldData> {
        let meta_path = dir.join("meta.json");
        let meta: serde_json::Value = serde_json::from_slice(
            &fs::read(&meta_path)
                .with_context(|| format!("cannot read `{}`", meta_path.display()))?,
        )
        .with_context(|| format!("`{}` is not JSON", meta_path.display()))?;
        let n_folds = meta["folds"]
            .as_u64()
            .with_context(|| format!("`{}` has no `folds`", meta_path.display()))?
            as usize;
        let y: Vec<bool> = read_f64(&dir.join("y.bin"))?
            .iter()
            .map(|&v| v == 1.0)
            .collect();
        let folds = (0..n_folds)
            .map(|k| {
                Ok((
                    read_indices(&dir.join(format!("fold{k}_train_idx.bin")), y.len())?,
                    read_indices(&dir.join(format!("fold{k}_test_idx.bin")), y.len())?,
                ))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(FoldData {
            dir: dir.to_path_buf(),
            y,
            folds,
            meta,
        })
    }

    /// The training and test matrices of fold `k` for `kind`.
    ///
    /// # Errors
    /// Unknown kind in `meta.json`, unreadable files, sizes that do not match the indices.
    pub fn matrices(
        &self,
        kind: MatrixKind,
        k: usize,
    ) -> anyhow::Result<(Array2<f64>, Array2<f64>)> {
        let n_features = self.meta["kinds"][kind.as_str()]
            .as_u64()
            .with_context(|| format!("meta.json has no matrices of kind `{}`", kind.as_str()))?
            as usize;
        let (train, test) = &self.folds[k];
        let read = |part: &str, rows: usize| -> anyhow::Result<Array2<f64>> {
            let path = self
                .dir
                .join(kind.as_str())
                .join(format!("fold{k}_{part}.bin"));
            let values = read_f64(&path)?;
            Array2::from_shape_vec((rows, n_features), values).with_context(|| {
                format!(
                    "`{}` does not hold {rows} rows x {n_features} columns",
                    path.display()
                )
            })
        };
        Ok((read("train", train.len())?, read("test", test.len())?))
    }
}

/// Timings of one fold, as `model_cv.py` reads them.
#[derive(Debug, Clone, Serialize)]
pub struct FoldTiming {
    /// Fold number.
    pub fold: usize,
    /// Seconds to fit, class weights and sampler included.
    pub fit_s: f64,
    /// Seconds of `predict_proba` on the fold's test rows.
    pub predict_s: f64,
    /// Test rows of the fold.
    pub test_rows: usize,
}

/// The out-of-fold scores and timings of one arm (the `--ours` file of `model_cv.py`).
#[derive(Debug, Clone, Serialize)]
pub struct OursReport {
    /// Peer model name of the arm.
    pub model: String,
    /// Matrix kind.
    pub kind: String,
    /// rayon threads used by pdscore.
    pub threads: usize,
    /// Per-fold timings.
    pub folds: Vec<FoldTiming>,
    /// Out-of-fold P(positive) per row, file order.
    pub oof: Vec<f64>,
}

/// Fits `arm` on every fold of `data` with `seed` and collects the out-of-fold scores.
///
/// # Errors
/// Unreadable matrices, and the weighting, sampler and model errors.
pub fn run_ours(arm: PeerArm, data: &FoldData, seed: u64) -> anyhow::Result<OursReport> {
    let candidate = arm.candidate(seed)?;
    let mut oof = vec![f64::NAN; data.y.len()];
    let mut folds = Vec::with_capacity(data.folds.len());
    for (k, (train, test)) in data.folds.iter().enumerate() {
        let (x_train, x_test) = data.matrices(arm.kind, k)?;
        let y_train: Vec<bool> = train.iter().map(|&i| data.y[i]).collect();
        let started = Instant::now();
        let fitted = candidate.fit_matrix(x_train.view(), &y_train, seed)?;
        let fit_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let scores = fitted.predict_proba(x_test.view())?;
        let predict_s = started.elapsed().as_secs_f64();
        for (&row, &p) in test.iter().zip(scores.iter()) {
            oof[row] = p;
        }
        folds.push(FoldTiming {
            fold: k,
            fit_s,
            predict_s,
            test_rows: test.len(),
        });
        eprintln!(
            "  pdscore {} fold {k}: fit {fit_s:.2} s, predict {predict_s:.3} s",
            arm.peer
        );
    }
    ensure!(
        oof.iter().all(|p| p.is_finite()),
        "{}: some rows got no out-of-fold score (the folds do not cover every row)",
        arm.peer
    );
    Ok(OursReport {
        model: arm.peer.to_string(),
        kind: arm.kind.as_str().to_string(),
        threads: rayon::current_num_threads(),
        folds,
        oof,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_arm_is_found_by_its_peer_name_and_unknown_names_are_errors() {
        for a in ARMS {
            assert_eq!(arm(a.peer).map(|found| found.kind).ok(), Some(a.kind));
        }
        let err = arm("xgboost_300_hist").map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("lightgbm_300"), "{err}");
    }

    #[test]
    fn every_arm_is_a_valid_pipeline_candidate_named_after_its_peer() {
        for a in ARMS {
            let candidate = a.candidate(7).unwrap();
            assert_eq!(candidate.name, a.peer);
            assert_eq!(candidate.features, a.kind.features());
        }
        let mlp = arm("mlp32_ros").unwrap().candidate(0).unwrap();
        assert_eq!(mlp.model.family(), "mlp");
        assert!(mlp.sampler.is_some() && mlp.weighting.is_none());
        let balanced = arm("logreg_balanced").unwrap().candidate(0).unwrap();
        assert_eq!(
            balanced.weighting,
            Some(Weighting::Fixed(ClassWeight::Balanced))
        );
    }

    #[test]
    fn an_arm_with_an_unknown_name_is_an_error_not_an_mlp() {
        let stray = PeerArm {
            peer: "xgboost_300_hist",
            kind: MatrixKind::TreeNative,
            ours: "?",
        };
        let err = stray.candidate(0).unwrap_err().to_string();
        assert!(err.contains("unknown model `xgboost_300_hist`"), "{err}");
        for a in ARMS {
            assert!(err.contains(a.peer), "{err}");
        }
    }

    /// Writes a tiny export directory (2 folds, 1 kind) the way export_peer_folds.py does.
    fn tiny_export(dir: &Path) {
        let write = |path: PathBuf, values: &[f64]| {
            let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        };
        let n = 80;
        let y: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i % 5 == 0))).collect();
        write(dir.join("y.bin"), &y);
        let x = |i: usize| [i as f64 / 10.0 + y[i] * 3.0, ((i * 7) % 5) as f64];
        for k in 0..2 {
            let test: Vec<usize> = (0..n).filter(|i| i % 2 == k).collect();
            let train: Vec<usize> = (0..n).filter(|i| i % 2 != k).collect();
            let idx = |v: &[usize]| v.iter().map(|&i| i as f64).collect::<Vec<_>>();
            write(dir.join(format!("fold{k}_train_idx.bin")), &idx(&train));
            write(dir.join(format!("fold{k}_test_idx.bin")), &idx(&test));
            let m = |v: &[usize]| v.iter().flat_map(|&i| x(i)).collect::<Vec<_>>();
            write(dir.join(format!("linear/fold{k}_train.bin")), &m(&train));
            write(dir.join(format!("linear/fold{k}_test.bin")), &m(&test));
        }
        fs::write(
            dir.join("meta.json"),
            r#"{"rows": 80, "folds": 2, "seed": 0, "kinds": {"linear": 2}}"#,
        )
        .unwrap();
    }

    #[test]
    fn logreg_arm_scores_every_row_out_of_fold_and_is_seed_stable() {
        let dir = std::env::temp_dir().join(format!("xtask-peer-arms-{}", std::process::id()));
        tiny_export(&dir);
        let data = FoldData::read(&dir).unwrap();
        let a = run_ours(arm("logreg_smote").unwrap(), &data, 3).unwrap();
        let b = run_ours(arm("logreg_smote").unwrap(), &data, 3).unwrap();
        assert_eq!(a.oof.len(), 80);
        assert_eq!(a.folds.len(), 2);
        assert_eq!(a.oof, b.oof);
        // The positives are shifted by +3 in column 0: they must rank above the negatives.
        let mean = |pos: bool| {
            let v: Vec<f64> = (0..80)
                .filter(|&i| data.y[i] == pos)
                .map(|i| a.oof[i])
                .collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        assert!(mean(true) > mean(false));
        // A kind that was not exported is an error, not a panic.
        let err = run_ours(arm("lightgbm_300").unwrap(), &data, 0).unwrap_err();
        assert!(err.to_string().contains("tree_native"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn truncated_matrices_are_errors() {
        let dir = std::env::temp_dir().join(format!("xtask-peer-trunc-{}", std::process::id()));
        tiny_export(&dir);
        fs::write(dir.join("linear/fold0_test.bin"), [0u8; 12]).unwrap();
        let data = FoldData::read(&dir).unwrap();
        assert!(data.matrices(MatrixKind::Linear, 0).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
