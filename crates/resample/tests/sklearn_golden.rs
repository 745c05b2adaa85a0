//! Compares splits, weights and resampled class counts with scikit-learn / imbalanced-learn
//! outputs stored in `tests/fixtures/golden.json` (regenerate with
//! `"${PDSCORE_PYTHON:-python3}" crates/resample/tests/fixtures/gen_golden.py`).

use ndarray::Array2;
use pdscore_resample::{
    ClassWeight, RandomOverSamplerParams, RandomUnderSamplerParams, ResampleError, Sampler,
    SamplingStrategy, SmoteParams, StratifiedKFold, balanced_subsample, sample_weights,
};
use serde_json::Value;

fn golden() -> Value {
    serde_json::from_str(include_str!("fixtures/golden.json")).expect("golden.json parses")
}

fn bools(v: &Value) -> Vec<bool> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|b| b.as_bool().expect("a bool"))
        .collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|b| b.as_u64().expect("an index") as usize)
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|b| b.as_f64().expect("a number"))
        .collect()
}

fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "row {i}: {g} vs {w}"
        );
    }
}

#[test]
fn unshuffled_kfold_is_identical_to_sklearn() {
    let golden = golden();
    let cases = golden["kfold"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let y = bools(&case["y"]);
        let k = case["k"].as_u64().unwrap() as usize;
        let want = usizes(&case["test_fold"]);
        let got = StratifiedKFold::new(k).test_fold_of_rows(&y).unwrap();
        assert_eq!(got, want, "k={k} n={}", y.len());
        let folds = StratifiedKFold::new(k).split(&y).unwrap();
        for (fold_index, fold) in folds.iter().enumerate() {
            let test: Vec<usize> = (0..y.len()).filter(|&r| want[r] == fold_index).collect();
            assert_eq!(fold.test, test);
        }
    }
}

#[test]
fn weights_match_sklearn_compute_sample_weight() {
    let golden = golden();
    for case in golden["weights"].as_array().unwrap() {
        let y = bools(&case["y"]);
        assert_close(
            &sample_weights(&y, &ClassWeight::Balanced).unwrap(),
            &floats(&case["balanced"]),
        );
        assert_close(
            &balanced_subsample(&y, &usizes(&case["bootstrap"])).unwrap(),
            &floats(&case["balanced_subsample"]),
        );
        assert_close(
            &balanced_subsample(&y, &usizes(&case["one_class_bootstrap"])).unwrap(),
            &floats(&case["one_class_subsample"]),
        );
    }
}

#[test]
fn resampled_class_counts_match_imblearn() {
    let golden = golden();
    let cases = golden["counts"].as_array().unwrap();
    assert!(cases.len() > 50);
    for case in cases {
        let minority = case["minority"].as_u64().unwrap() as usize;
        let majority = case["majority"].as_u64().unwrap() as usize;
        let strategy = match &case["ratio"] {
            Value::String(s) if s == "auto" => SamplingStrategy::Auto,
            v => SamplingStrategy::Ratio(v.as_f64().unwrap()),
        };
        let n = minority + majority;
        let y: Vec<bool> = (0..n).map(|i| i < minority).collect();
        let x = Array2::from_shape_fn((n, 2), |(i, j)| {
            ((i * 31 + j * 17) % 23) as f64 + 0.1 * i as f64
        });
        let sampler: Box<dyn Sampler> = match case["sampler"].as_str().unwrap() {
            "over" => Box::new(
                RandomOverSamplerParams::new()
                    .sampling_strategy(strategy)
                    .check()
                    .unwrap(),
            ),
            "under" => Box::new(
                RandomUnderSamplerParams::new()
                    .sampling_strategy(strategy)
                    .check()
                    .unwrap(),
            ),
            "smote" => Box::new(
                SmoteParams::new()
                    .sampling_strategy(strategy)
                    .check()
                    .unwrap(),
            ),
            other => panic!("unknown sampler {other}"),
        };
        let result = sampler.fit_resample(x.view(), &y);
        let label = format!("{case}");
        if case.get("error").is_some() {
            assert!(
                matches!(result, Err(ResampleError::UnreachableRatio { .. })),
                "{label}: expected an error, got {result:?}"
            );
        } else {
            let out = result.unwrap_or_else(|e| panic!("{label}: {e}"));
            let positives = out.y.iter().filter(|&&v| v).count();
            assert_eq!(
                positives as u64,
                case["positives"].as_u64().unwrap(),
                "{label}"
            );
            assert_eq!(
                (out.len() - positives) as u64,
                case["negatives"].as_u64().unwrap(),
                "{label}"
            );
        }
    }
}
