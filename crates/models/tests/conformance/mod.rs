//! The conformance suite every pdscore model passes.
//!
//! Each model's test file includes this module (`mod conformance;`) and calls
//! [`run_conformance_suite`] with a factory that builds the model's params from a seed:
//!
//! ```ignore
//! mod conformance;
//! #[test]
//! fn logistic_regression_conforms() {
//!     conformance::run_conformance_suite(
//!         "logistic_regression",
//!         |seed| LogisticRegressionParams::new().seed(seed),
//!         conformance::Expect::default(),
//!     );
//! }
//! ```
//!
//! What it checks (the issue's list):
//! - learns a separable toy set (training ROC AUC > 0.99) and a 1:20 imbalanced one (> 0.95);
//! - weights matter: doubling all weights leaves predictions unchanged; up-weighting positives
//!   raises the mean PD; zero-weight rows do not count (for models that accept weights), or a
//!   typed error for models that cannot use them;
//! - probabilities are finite and in `[0, 1]`, also on far-out inputs;
//! - one row or many give the same per-row result, bit for bit;
//! - a serde JSON round trip is bit-exact, and the same seed gives the same model;
//! - bad input (NaN where unsupported, infinities, 0 rows, 1 class, bad weights, wrong column
//!   count) is an error, never a panic.

#![allow(
    dead_code,
    reason = "a module of several test binaries; each uses only some of its helpers"
)]

use ndarray::{Array2, ArrayView2, s};
use pdscore_models::{Classifier, FittedClassifier, ModelError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Serialize, de::DeserializeOwned};

/// What a model is expected to support.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    /// The model accepts sample weights (else fitting with weights must fail with
    /// [`ModelError::WeightsUnsupported`]).
    pub weights: bool,
    /// The model handles `NaN` natively (else `NaN` input must be an error).
    pub native_missing: bool,
    /// Tolerance for "doubling all weights leaves predictions unchanged" (absolute, on P).
    pub weight_scale_tolerance: f64,
}

impl Default for Expect {
    fn default() -> Self {
        Expect {
            weights: true,
            native_missing: false,
            weight_scale_tolerance: 1e-9,
        }
    }
}

/// A small two-feature data set with `n` rows; positives have `x0 + x1 > margin` and
/// negatives `< -margin`, with a positive share of `1 / (1 + ratio)`. Extra noise columns
/// make it 4 columns wide.
pub fn toy_data(n: usize, ratio: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 4));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let positive = i % (ratio + 1) == 0;
        let (a, b): (f64, f64) = (rng.gen_range(-3.0..3.0), rng.gen_range(-3.0..3.0));
        let shift = if positive { 1.0 } else { -1.0 };
        let t = f64::midpoint(a, b);
        // move the point to the right side of the line x0 + x1 = 0 with a margin of 0.5
        let d = if positive {
            (0.5 - t).max(0.0)
        } else {
            (-0.5 - t).min(0.0)
        };
        x[[i, 0]] = a + d + 0.1 * shift;
        x[[i, 1]] = b + d + 0.1 * shift;
        x[[i, 2]] = rng.gen_range(-1.0..1.0);
        x[[i, 3]] = rng.gen_range(0.0..10.0);
        y.push(positive);
    }
    (x, y)
}

/// ROC AUC by the Mann-Whitney statistic (ties count one half); test-local so that the models
/// crate needs no other pdscore crate.
pub fn auc(y: &[bool], p: &[f64]) -> f64 {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && p[order[j + 1]] == p[order[i]] {
            j += 1;
        }
        let mid_rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            if y[k] {
                rank_sum += mid_rank;
            }
        }
        i = j + 1;
    }
    let n_pos = y.iter().filter(|&&v| v).count() as f64;
    let n_neg = y.len() as f64 - n_pos;
    (rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

fn proba<F: FittedClassifier>(model: &F, x: ArrayView2<'_, f64>) -> Vec<f64> {
    model
        .predict_proba(x)
        .expect("predict_proba on valid input")
        .to_vec()
}

fn assert_valid_probabilities(name: &str, p: &[f64]) {
    for (i, &v) in p.iter().enumerate() {
        assert!(
            v.is_finite() && (0.0..=1.0).contains(&v),
            "{name}: row {i} has P = {v}"
        );
    }
}

/// Runs every check of the suite; panics with the model name and the failed property.
pub fn run_conformance_suite<C, M>(name: &str, make: M, expect: Expect)
where
    C: Classifier,
    C::Fitted: Serialize + DeserializeOwned,
    M: Fn(u64) -> C,
{
    let (x, y) = toy_data(400, 1, 1);
    let model = make(7)
        .fit(x.view(), &y, None)
        .expect("fit on separable data");
    let p = proba(&model, x.view());
    assert_valid_probabilities(name, &p);
    let a = auc(&y, &p);
    assert!(a > 0.99, "{name}: separable toy AUC {a}");
    assert!(
        !model.name().is_empty() && !model.describe().is_empty(),
        "{name}: name/describe"
    );

    // Imbalanced 1:20 still ranks well.
    let (xi, yi) = toy_data(1_050, 20, 2);
    let imbalanced = make(7).fit(xi.view(), &yi, None).expect("fit on 1:20 data");
    let pi = proba(&imbalanced, xi.view());
    let ai = auc(&yi, &pi);
    assert!(ai > 0.95, "{name}: 1:20 toy AUC {ai}");

    // Far-out inputs still give probabilities.
    let far = &x * 1e6;
    assert_valid_probabilities(name, &proba(&model, far.view()));

    // One row at a time equals the batch, bit for bit.
    for i in (0..x.nrows()).step_by(37) {
        let single = proba(&model, x.slice(s![i..=i, ..]));
        assert_eq!(
            single[0].to_bits(),
            p[i].to_bits(),
            "{name}: row {i} alone vs in batch"
        );
    }

    // serde JSON round trip is bit-exact.
    let json = serde_json::to_string(&model).expect("serialise");
    let back: C::Fitted = serde_json::from_str(&json).expect("deserialise");
    let p_back = proba(&back, x.view());
    assert!(
        p.iter()
            .zip(&p_back)
            .all(|(a, b)| a.to_bits() == b.to_bits()),
        "{name}: predictions changed after a JSON round trip"
    );
    assert_eq!(json, serde_json::to_string(&back).expect("serialise again"));

    // Same seed, same model.
    let again = make(7).fit(x.view(), &y, None).expect("refit");
    assert_eq!(
        json,
        serde_json::to_string(&again).expect("serialise"),
        "{name}: same seed gave a different model"
    );

    check_weights(name, &make, expect);
    check_bad_input(name, &make, expect);
}

fn check_weights<C, M>(name: &str, make: &M, expect: Expect)
where
    C: Classifier,
    M: Fn(u64) -> C,
{
    // Overlapping classes so that weights can move the probabilities.
    let (x, y) = noisy_data(600, 3);
    let ones = vec![1.0; y.len()];
    if !expect.weights {
        let err = make(3).fit(x.view(), &y, Some(&ones));
        assert!(
            matches!(err, Err(ModelError::WeightsUnsupported(_))),
            "{name}: a model without weight support must refuse weights"
        );
        return;
    }
    let base = make(3)
        .fit(x.view(), &y, Some(&ones))
        .expect("fit with unit weights");
    let p_base = proba(&base, x.view());
    let twos = vec![2.0; y.len()];
    let doubled = make(3)
        .fit(x.view(), &y, Some(&twos))
        .expect("fit with doubled weights");
    let p_doubled = proba(&doubled, x.view());
    let worst = p_base
        .iter()
        .zip(&p_doubled)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(
        worst <= expect.weight_scale_tolerance,
        "{name}: doubling all weights moved a prediction by {worst}"
    );

    let up: Vec<f64> = y.iter().map(|&v| if v { 5.0 } else { 1.0 }).collect();
    let upweighted = make(3)
        .fit(x.view(), &y, Some(&up))
        .expect("fit with positive weights");
    let mean = |p: &[f64]| p.iter().sum::<f64>() / p.len() as f64;
    let (m_base, m_up) = (mean(&p_base), mean(&proba(&upweighted, x.view())));
    assert!(
        m_up > m_base,
        "{name}: up-weighting positives gave mean PD {m_up} <= {m_base}"
    );
}

/// Two informative columns with overlapping classes (logistic ground truth) plus two noise
/// columns.
pub fn noisy_data(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 4));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        for j in 0..4 {
            x[[i, j]] = rng.gen_range(-2.0..2.0);
        }
        let logit: f64 = 1.5 * x[[i, 0]] - x[[i, 1]] - 1.0;
        let p: f64 = 1.0 / (1.0 + (-logit).exp());
        y.push(rng.gen_bool(p));
    }
    (x, y)
}

fn check_bad_input<C, M>(name: &str, make: &M, expect: Expect)
where
    C: Classifier,
    M: Fn(u64) -> C,
{
    let (x, y) = toy_data(100, 1, 4);
    let params = make(1);

    let empty = Array2::<f64>::zeros((0, 4));
    assert!(
        params.fit(empty.view(), &[], None).is_err(),
        "{name}: 0 rows"
    );

    let one_class = vec![false; y.len()];
    assert!(
        params.fit(x.view(), &one_class, None).is_err(),
        "{name}: one class"
    );

    assert!(
        params.fit(x.view(), &y[..50], None).is_err(),
        "{name}: length mismatch"
    );

    let mut with_inf = x.clone();
    with_inf[[3, 1]] = f64::INFINITY;
    assert!(
        params.fit(with_inf.view(), &y, None).is_err(),
        "{name}: infinity"
    );

    let mut with_nan = x.clone();
    with_nan[[5, 0]] = f64::NAN;
    let nan_fit = params.fit(with_nan.view(), &y, None);
    if expect.native_missing {
        let model = nan_fit.expect("native missing handling");
        assert_valid_probabilities(name, &proba(&model, with_nan.view()));
    } else {
        assert!(nan_fit.is_err(), "{name}: NaN must be an error");
    }

    if expect.weights {
        let mut w = vec![1.0; y.len()];
        w[2] = -1.0;
        assert!(
            params.fit(x.view(), &y, Some(&w)).is_err(),
            "{name}: negative weight"
        );
        assert!(
            params.fit(x.view(), &y, Some(&w[..10])).is_err(),
            "{name}: weight length"
        );
    }

    let model = params.fit(x.view(), &y, None).expect("fit");
    let narrow = Array2::<f64>::zeros((3, 3));
    assert!(
        model.predict_proba(narrow.view()).is_err(),
        "{name}: wrong column count"
    );
    let mut bad_row = x.slice(s![0..2, ..]).to_owned();
    bad_row[[1, 2]] = f64::NEG_INFINITY;
    assert!(
        model.predict_proba(bad_row.view()).is_err(),
        "{name}: infinity at predict"
    );
}
