//! Tests of the explanations: efficiency (contributions + bias = raw score) for every family,
//! TreeSHAP against brute-force Shapley values, batch independence, old files, serde.

use ndarray::{Array2, ArrayView2, s};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::ShapTree;
use super::tree_shap::{PathBuffer, add_tree_shap, expected_value};
use super::trees::{CartTreeView, GbmTreeView};
use crate::gbm::RegressionTree;
use crate::trees::Tree;
use crate::trees::node::{Node, random_nodes};
use crate::{
    AdaBoostParams, Classifier, ContributionScale, DecisionTreeParams, FittedClassifier,
    FittedModel, GbmParams, LogisticRegressionParams, MlpParams, ModelError, ModelSpec,
    RandomForestParams,
};

/// Column 0 holds category codes 0..12; the others numbers on a coarse grid (so that ties
/// happen); a share `nan` of the cells of columns 1.. is missing.
fn data(rows: usize, p: usize, nan: f64, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((rows, p), |(_, j)| {
        if j == 0 {
            f64::from(rng.gen_range(0u8..12))
        } else if rng.gen_bool(nan) {
            f64::NAN
        } else {
            f64::from(rng.gen_range(-8i32..=8)) * 0.25
        }
    });
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            let signal = if [1.0, 4.0, 7.0].contains(&r[0]) {
                1.0
            } else {
                0.0
            } + if r[1].is_nan() { 0.7 } else { r[1] }
                + 0.5 * r[2.min(p - 1)].max(0.0) * r[p - 1].min(1.0);
            signal > 0.6 || rng.gen_bool(0.1)
        })
        .collect();
    (x, y)
}

/// Every family, the GBM with column 0 categorical; `nan` says whether the data has `NaN`.
fn every_family() -> Vec<(ModelSpec, bool)> {
    vec![
        (
            ModelSpec::LogisticRegression(LogisticRegressionParams::new()),
            false,
        ),
        (
            ModelSpec::Mlp(MlpParams::new().hidden_layers(vec![8, 4]).max_epochs(20)),
            false,
        ),
        (
            ModelSpec::DecisionTree(DecisionTreeParams::new().max_depth(Some(6))),
            true,
        ),
        (
            ModelSpec::RandomForest(
                RandomForestParams::new()
                    .n_estimators(12)
                    .max_depth(Some(8)),
            ),
            true,
        ),
        (
            ModelSpec::AdaBoost(AdaBoostParams::new().n_estimators(15).max_depth(2)),
            true,
        ),
        (
            ModelSpec::Gbm(
                GbmParams::new()
                    .n_estimators(25)
                    .num_leaves(15)
                    .min_child_samples(5)
                    .categorical_features(vec![0]),
            ),
            true,
        ),
        (
            ModelSpec::Gbm(
                GbmParams::new()
                    .n_estimators(10)
                    .min_child_samples(3)
                    .subsample(0.7)
                    .subsample_freq(1)
                    .colsample_bytree(0.8),
            ),
            true,
        ),
    ]
}

fn fit_family(spec: &ModelSpec, nan: bool, seed: u64) -> (FittedModel, Array2<f64>) {
    let (x, y) = data(600, 6, if nan { 0.2 } else { 0.0 }, seed);
    let model = spec.fit(x.view(), &y, None).expect("fit");
    let (test, _) = data(150, 6, if nan { 0.25 } else { 0.0 }, seed + 100);
    (model, test)
}

fn assert_sums_to(phi: &Array2<f64>, raw: &[f64], tolerance: f64, context: &str) {
    assert_eq!(phi.nrows(), raw.len(), "{context}");
    for (i, (row, &r)) in phi.rows().into_iter().zip(raw).enumerate() {
        let sum: f64 = row.sum();
        assert!(
            (sum - r).abs() <= tolerance,
            "{context} row {i}: contributions sum to {sum}, raw score {r}"
        );
    }
}

#[test]
fn contributions_and_bias_sum_to_the_raw_score_for_every_family() {
    for (spec, nan) in every_family() {
        let family = spec.family();
        let (model, x) = fit_family(&spec, nan, 1);
        let phi = model.contributions(x.view()).expect("contributions");
        assert_eq!(phi.dim(), (x.nrows(), x.ncols() + 1), "{family}");
        let raw = model.raw_scores(x.view()).expect("raw scores");
        assert_sums_to(&phi, raw.as_slice().expect("contiguous"), 1e-9, family);
        // The bias is one value for every row.
        assert!(
            phi.column(x.ncols())
                .iter()
                .all(|&b| b == phi[[0, x.ncols()]])
        );
        // The raw score gives predict_proba on the scale the model names.
        let p = model.predict_proba(x.view()).expect("predict");
        let scale = model.contribution_scale();
        for (&r, &pi) in raw.iter().zip(&p) {
            assert!((scale.to_probability(r) - pi).abs() < 1e-12, "{family}");
        }
        let expected = match model {
            FittedModel::DecisionTree(_) | FittedModel::RandomForest(_) => {
                ContributionScale::Probability
            }
            _ => ContributionScale::LogOdds,
        };
        assert_eq!(scale, expected, "{family}");
        // Some feature moves some row.
        assert!(
            phi.slice(s![.., ..x.ncols()])
                .iter()
                .any(|v| v.abs() > 1e-6),
            "{family}"
        );
    }
}

#[test]
fn a_row_is_explained_the_same_alone_or_in_any_batch() {
    for (spec, nan) in every_family() {
        let (model, x) = fit_family(&spec, nan, 2);
        let all = model.contributions(x.view()).expect("batch");
        let middle = model
            .contributions(x.slice(s![37..91, ..]))
            .expect("sub-batch");
        for i in [0, 1, 40, 77, x.nrows() - 1] {
            let alone = model
                .contributions(x.slice(s![i..=i, ..]))
                .expect("one row");
            let bits =
                |v: ndarray::ArrayView1<'_, f64>| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(alone.row(0)),
                bits(all.row(i)),
                "{} row {i}",
                spec.family()
            );
            if (37..91).contains(&i) {
                assert_eq!(
                    bits(middle.row(i - 37)),
                    bits(all.row(i)),
                    "{}",
                    spec.family()
                );
            }
        }
        // A transposed (not row-major) view gives the same values.
        let transposed = x.t().to_owned();
        let again = model.contributions(transposed.t()).expect("strided");
        assert_eq!(again, all, "{}", spec.family());
    }
}

#[test]
fn bad_input_is_an_error() {
    for (spec, nan) in every_family() {
        let (model, mut x) = fit_family(&spec, nan, 3);
        let narrow = x.slice(s![.., ..3]).to_owned();
        assert!(matches!(
            model.contributions(narrow.view()),
            Err(ModelError::Shape(_))
        ));
        x[[5, 2]] = f64::INFINITY;
        assert!(matches!(
            model.contributions(x.view()),
            Err(ModelError::NonFinite { row: 5, column: 2 })
        ));
        x[[5, 2]] = f64::NAN;
        let result = model.contributions(x.view());
        assert_eq!(
            result.is_ok(),
            nan,
            "{}: NaN is a missing value for trees only",
            spec.family()
        );
        let empty = model.contributions(x.slice(s![..0, ..])).expect("no rows");
        assert_eq!(empty.dim(), (0, x.ncols() + 1));
    }
}

// ---------------------------------------------------------------- brute force

/// `E[f(x) | x_S]` by Algorithm 1 of the paper: a known feature follows the row's branch, an
/// unknown one averages both children by their covers.
fn conditional_expectation<T: ShapTree>(tree: &T, row: &[f64], known: usize, node: usize) -> f64 {
    match tree.split(node) {
        None => tree.leaf_value(node),
        Some((feature, left, right)) => {
            if known & (1 << feature) != 0 {
                let next = if tree.goes_left(node, row) {
                    left
                } else {
                    right
                };
                conditional_expectation(tree, row, known, next)
            } else {
                let cover = tree.cover(node);
                tree.cover(left) / cover * conditional_expectation(tree, row, known, left)
                    + tree.cover(right) / cover * conditional_expectation(tree, row, known, right)
            }
        }
    }
}

/// Shapley values of `S ↦ value(S)` over `p` features (subsets as bit masks), from the formula.
fn shapley(p: usize, value: impl Fn(usize) -> f64) -> Vec<f64> {
    let values: Vec<f64> = (0..1usize << p).map(value).collect();
    let factorial = |k: usize| (1..=k).map(|v| v as f64).product::<f64>();
    (0..p)
        .map(|i| {
            (0..1usize << p)
                .filter(|s| s & (1 << i) == 0)
                .map(|s| {
                    let size = s.count_ones() as usize;
                    factorial(size) * factorial(p - size - 1) / factorial(p)
                        * (values[s | (1 << i)] - values[s])
                })
                .sum()
        })
        .collect()
}

fn brute_force<T: ShapTree>(tree: &T, row: &[f64], p: usize) -> Vec<f64> {
    shapley(p, |known| conditional_expectation(tree, row, known, 0))
}

fn tree_shap<T: ShapTree>(tree: &T, row: &[f64], p: usize) -> Vec<f64> {
    let mut phi = vec![0.0; p];
    add_tree_shap(
        tree,
        tree.depth(),
        row,
        1.0,
        &mut phi,
        &mut PathBuffer::default(),
    );
    phi
}

fn assert_close(a: &[f64], b: &[f64], tolerance: f64, context: &str) {
    for (j, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tolerance,
            "{context} feature {j}: {x} vs {y}"
        );
    }
}

/// Checks TreeSHAP against brute force on `rows`, and that its values and the expected value
/// add up to the prediction.
fn check_against_brute_force<T: ShapTree>(tree: &T, x: ArrayView2<'_, f64>, context: &str) {
    let p = x.ncols();
    let e = expected_value(tree, 0);
    assert!((e - conditional_expectation(tree, &[], 0, 0)).abs() < 1e-12);
    for (i, row) in x.rows().into_iter().enumerate() {
        let row = row.to_vec();
        let fast = tree_shap(tree, &row, p);
        let slow = brute_force(tree, &row, p);
        assert_close(&fast, &slow, 1e-9, &format!("{context} row {i}"));
        let prediction = conditional_expectation(tree, &row, (1 << p) - 1, 0);
        let total = e + fast.iter().sum::<f64>();
        assert!((total - prediction).abs() < 1e-9, "{context} row {i}");
    }
}

/// A random GBM tree over `p` features (features repeat along paths), up to `max_depth`, with
/// numeric splits on a grid (either missing side) and categorical splits on code sets, random
/// leaf values and row counts.
fn random_gbm_tree(rng: &mut ChaCha8Rng, p: usize, max_depth: usize) -> RegressionTree {
    fn grow(
        rng: &mut ChaCha8Rng,
        t: &mut RegressionTree,
        depth: usize,
        max_depth: usize,
        p: usize,
    ) -> (i32, u32) {
        if depth < max_depth && rng.gen_bool(0.75) {
            let node = t.feature.len();
            t.feature.push(rng.gen_range(0..p as u32));
            t.threshold.push(f64::from(rng.gen_range(-4i32..=20)) * 0.5);
            t.threshold_bin.push(0);
            t.missing_left.push(rng.gen_bool(0.5));
            t.gain.push(1.0);
            t.left.push(0);
            t.right.push(0);
            t.internal_count.push(0);
            if rng.gen_bool(0.3) {
                t.cat_index.push(t.cat_codes.len() as i32);
                t.cat_codes.push(vec![rng.r#gen::<u64>() & 0x0fff]);
                t.cat_bins.push([0; 4]);
            } else {
                t.cat_index.push(-1);
            }
            let (left, n_left) = grow(rng, t, depth + 1, max_depth, p);
            let (right, n_right) = grow(rng, t, depth + 1, max_depth, p);
            t.left[node] = left;
            t.right[node] = right;
            t.internal_count[node] = n_left + n_right;
            (node as i32, n_left + n_right)
        } else {
            let leaf = t.leaf_value.len();
            t.leaf_value.push(rng.gen_range(-1.0..1.0));
            let count = rng.gen_range(1..40);
            t.leaf_count.push(count);
            (!(leaf as i32), count)
        }
    }
    let mut tree = RegressionTree::leaf(0.0);
    tree.leaf_value.clear();
    grow(rng, &mut tree, 0, max_depth, p);
    tree.check_structure(p).expect("a well-formed tree");
    assert!(tree.has_covers());
    tree
}

/// Rows of codes, halves and `NaN` for the random trees.
fn random_rows(rng: &mut ChaCha8Rng, rows: usize, p: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, p), |_| match rng.gen_range(0..10) {
        0 | 1 => f64::NAN,
        2 => f64::from(rng.gen_range(-4i32..=20)) * 0.5 + 0.25,
        _ => f64::from(rng.gen_range(-2i32..=12)),
    })
}

#[test]
fn tree_shap_equals_brute_force_shapley_values_on_random_gbm_trees() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let p = 5;
    let mut categorical = 0;
    for max_depth in [0, 1, 2, 4, 6, 9] {
        for t in 0..8 {
            let tree = random_gbm_tree(&mut rng, p, max_depth);
            categorical += tree.cat_codes.len();
            let view = GbmTreeView::new(&tree).expect("covers");
            let x = random_rows(&mut rng, 12, p);
            // TreeSHAP routes each row as scoring does.
            for row in x.rows() {
                let row = row.to_vec();
                let full = conditional_expectation(&view, &row, (1 << p) - 1, 0);
                assert_eq!(full, tree.predict_row(&row));
            }
            check_against_brute_force(&view, x.view(), &format!("depth {max_depth} tree {t}"));
        }
    }
    assert!(categorical > 10, "categorical splits tested: {categorical}");
}

#[test]
fn tree_shap_equals_brute_force_shapley_values_on_fitted_gbm_trees() {
    let (x, y) = data(800, 6, 0.2, 6);
    let model = GbmParams::new()
        .n_estimators(12)
        .num_leaves(20)
        .min_child_samples(3)
        .categorical_features(vec![0])
        .fit(x.view(), &y, None)
        .expect("fit");
    assert!(
        model.trees().iter().any(|t| !t.cat_codes.is_empty()),
        "a categorical split"
    );
    let (test, _) = data(10, 6, 0.3, 7);
    let views: Vec<GbmTreeView<'_>> = model
        .trees()
        .iter()
        .map(|t| GbmTreeView::new(t).expect("covers"))
        .collect();
    for (t, view) in views.iter().enumerate() {
        check_against_brute_force(view, test.view(), &format!("tree {t}"));
    }
    // The model's contributions are the trees' brute-force values summed.
    let phi = model.contributions(test.view()).expect("contributions");
    for (i, row) in test.rows().into_iter().enumerate() {
        let row = row.to_vec();
        let mut expected = vec![0.0; 6];
        for view in &views {
            for (e, v) in expected.iter_mut().zip(brute_force(view, &row, 6)) {
                *e += v;
            }
        }
        assert_close(
            &phi.row(i).to_vec()[..6],
            &expected,
            1e-9,
            &format!("row {i}"),
        );
    }
}

/// A CART tree of random nodes with random leaf covers (a split's cover the sum of its
/// children's, as grown trees have).
fn random_cart_tree(rng: &mut ChaCha8Rng, p: usize, max_depth: usize) -> Tree {
    let nodes = random_nodes(rng, p, max_depth);
    let mut cover: Vec<f64> = nodes.iter().map(|_| rng.gen_range(0.1..5.0)).collect();
    for i in (0..nodes.len()).rev() {
        if let Some((left, right)) = nodes[i].children() {
            cover[i] = cover[left] + cover[right];
        }
    }
    Tree::new(nodes, p, vec![0.0; p], cover)
}

#[test]
fn tree_shap_equals_brute_force_shapley_values_on_cart_trees() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let p = 5;
    for max_depth in [0, 1, 3, 5, 8] {
        for t in 0..8 {
            let tree = random_cart_tree(&mut rng, p, max_depth);
            let x = random_rows(&mut rng, 10, p);
            for votes in [false, true] {
                let view = CartTreeView::new(&tree, votes, "test").expect("covers");
                if !votes {
                    for row in x.rows() {
                        let row = row.to_vec();
                        let full = conditional_expectation(&view, &row, (1 << p) - 1, 0);
                        assert_eq!(full, tree.predict_row(&row));
                    }
                }
                check_against_brute_force(&view, x.view(), &format!("depth {max_depth} tree {t}"));
            }
        }
    }
    // Fitted trees, with sample weights.
    let (x, y) = data(500, 5, 0.2, 9);
    let w: Vec<f64> = (0..500).map(|i| 0.5 + (i % 4) as f64).collect();
    let fitted = DecisionTreeParams::new()
        .max_depth(Some(7))
        .fit(x.view(), &y, Some(&w))
        .expect("fit");
    let view = CartTreeView::new(fitted.tree(), false, "test").expect("covers");
    let (test, _) = data(10, 5, 0.3, 10);
    check_against_brute_force(&view, test.view(), "fitted tree");
}

#[test]
fn covers_are_the_training_rows_of_each_node() {
    let (x, y) = data(700, 6, 0.2, 11);
    let n = x.nrows() as u32;
    let model = GbmParams::new()
        .n_estimators(5)
        .min_child_samples(5)
        .categorical_features(vec![0])
        .fit(x.view(), &y, None)
        .expect("fit");
    for tree in model.trees() {
        let root = tree
            .internal_count
            .first()
            .copied()
            .unwrap_or(tree.leaf_count[0]);
        assert_eq!(root, n);
        let mut reached = vec![0u32; tree.n_leaves()];
        for row in x.rows() {
            reached[tree.leaf_of(&row.to_vec())] += 1;
        }
        assert_eq!(reached, tree.leaf_count);
    }
    // With bagging, the rows of each round's bag.
    let bagged = GbmParams::new()
        .n_estimators(5)
        .subsample(0.5)
        .subsample_freq(1)
        .fit(x.view(), &y, None)
        .expect("fit");
    for tree in bagged.trees() {
        let bag: u32 = tree.leaf_count.iter().sum();
        assert!(bag < n && bag > n / 3, "{bag}");
    }
    // CART: the weight of the rows reaching each node.
    let w: Vec<f64> = (0..x.nrows()).map(|i| 1.0 + (i % 3) as f64).collect();
    let tree = DecisionTreeParams::new()
        .max_depth(Some(5))
        .fit(x.view(), &y, Some(&w))
        .expect("fit");
    let tree = tree.tree();
    let cover = tree.cover().expect("covers");
    assert_eq!(cover[0], w.iter().sum::<f64>());
    for (i, node) in tree.nodes().iter().enumerate() {
        if node.is_leaf() {
            let weight: f64 = x
                .rows()
                .into_iter()
                .zip(&w)
                .filter(|(row, _)| leaf_index(tree.nodes(), &row.to_vec()) == i)
                .map(|(_, w)| w)
                .sum();
            assert_eq!(cover[i], weight, "leaf {i}");
        }
    }
}

/// The index of the leaf a row reaches.
fn leaf_index(nodes: &[Node], row: &[f64]) -> usize {
    let mut i = 0;
    while let (Some((left, right)), Some(f)) = (nodes[i].children(), nodes[i].feature()) {
        i = if nodes[i].goes_left(row[f]) {
            left
        } else {
            right
        };
    }
    i
}

// ---------------------------------------------------------------- files

/// Removes `keys` from every object in `value`, recursively.
fn strip(value: &mut serde_json::Value, keys: &[&str]) {
    match value {
        serde_json::Value::Object(map) => {
            for key in keys {
                map.remove(*key);
            }
            for v in map.values_mut() {
                strip(v, keys);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| strip(v, keys)),
        _ => {}
    }
}

#[test]
fn old_files_without_covers_load_and_score_but_do_not_explain() {
    for (spec, nan) in every_family() {
        let (model, x) = fit_family(&spec, nan, 12);
        let mut json = serde_json::to_value(&model).expect("to json");
        strip(
            &mut json,
            &["cover", "internal_count", "leaf_count", "feature_means"],
        );
        let old: FittedModel = serde_json::from_value(json).expect("an older file loads");
        assert_eq!(
            old.predict_proba(x.view()).expect("scores"),
            model.predict_proba(x.view()).expect("scores"),
            "{}",
            spec.family()
        );
        match old {
            FittedModel::LogisticRegression(_) | FittedModel::Mlp(_) => {
                // Without stored means the reference is zeros: still exact.
                let phi = old.contributions(x.view()).expect("explains");
                let raw = old.raw_scores(x.view()).expect("raw");
                assert_sums_to(
                    &phi,
                    raw.as_slice().expect("contiguous"),
                    1e-9,
                    spec.family(),
                );
            }
            _ => {
                let err = old.contributions(x.view()).expect_err("no covers");
                assert!(matches!(err, ModelError::NoCovers { .. }), "{err}");
                assert!(
                    err.to_string()
                        .contains("model file has no training covers; retrain to get reason codes"),
                    "{err}"
                );
            }
        }
    }
}

#[test]
fn covers_and_means_survive_the_json_round_trip() {
    for (spec, nan) in every_family() {
        let (model, x) = fit_family(&spec, nan, 13);
        let json = serde_json::to_string(&model).expect("to json");
        for key in ["feature_means", "cover", "internal_count"] {
            let expected = match key {
                "feature_means" => matches!(
                    model,
                    FittedModel::LogisticRegression(_) | FittedModel::Mlp(_)
                ),
                "cover" => matches!(
                    model,
                    FittedModel::DecisionTree(_)
                        | FittedModel::RandomForest(_)
                        | FittedModel::AdaBoost(_)
                ),
                _ => matches!(model, FittedModel::Gbm(_)),
            };
            assert_eq!(
                json.contains(&format!("\"{key}\"")),
                expected,
                "{} {key}",
                spec.family()
            );
        }
        let back: FittedModel = serde_json::from_str(&json).expect("from json");
        assert_eq!(
            back.contributions(x.view()).expect("explains"),
            model.contributions(x.view()).expect("explains"),
            "{}",
            spec.family()
        );
    }
}

#[test]
fn loading_rejects_covers_that_do_not_fit_the_tree() {
    let (model, _) = fit_family(&every_family()[5].0, true, 14);
    let json = serde_json::to_value(&model).expect("to json");
    let edits: [(&str, serde_json::Value); 3] = [
        ("leaf_count", serde_json::json!([1])),
        ("internal_count", serde_json::json!([])),
        ("leaf_count", serde_json::json!(null)),
    ];
    for (field, value) in edits {
        let mut bad = json.clone();
        let tree = &mut bad["trees"][1];
        if value.is_null() {
            // Counts that do not add up: one leaf gains a row.
            let first = tree["leaf_count"][0].as_u64().expect("a count");
            tree["leaf_count"][0] = serde_json::json!(first + 1);
        } else {
            tree[field] = value;
        }
        let err = serde_json::from_value::<FittedModel>(bad).expect_err(field);
        assert!(err.to_string().contains("gbm tree 1"), "{field}: {err}");
    }
    let (forest, _) = fit_family(&every_family()[3].0, true, 15);
    let json = serde_json::to_value(&forest).expect("to json");
    for value in [serde_json::json!([1.0]), serde_json::json!(null)] {
        let mut bad = json.clone();
        let cover = &mut bad["trees"][0]["cover"];
        if value.is_null() {
            cover[0] = serde_json::json!(0.0);
        } else {
            *cover = value;
        }
        let err = serde_json::from_value::<FittedModel>(bad).expect_err("bad cover");
        assert!(err.to_string().contains("cover"), "{err}");
    }
}

// ---------------------------------------------------------------- additive models

#[test]
fn logistic_contributions_are_the_linear_terms_around_the_training_means() {
    let (x, y) = data(400, 5, 0.0, 16);
    let model = LogisticRegressionParams::new()
        .fit(x.view(), &y, None)
        .expect("fit");
    let means = crate::linear::column_means(x.view());
    assert_eq!(model.feature_means(), &means[..]);
    let phi = model.contributions(x.view()).expect("contributions");
    let w = model.coefficients();
    for (i, row) in x.rows().into_iter().enumerate() {
        for j in 0..5 {
            assert_eq!(phi[[i, j]], w[j] * (row[j] - means[j]));
        }
    }
    // The mean row's contributions are zero: the bias is its log-odds.
    let mean_row = Array2::from_shape_vec((1, 5), means).expect("shape");
    let at_mean = model.contributions(mean_row.view()).expect("contributions");
    assert!(at_mean.row(0).iter().take(5).all(|&v| v == 0.0));
    let raw = model.raw_scores(mean_row.view()).expect("raw");
    assert!((at_mean[[0, 5]] - raw[0]).abs() < 1e-12);
}

#[test]
fn mlp_contributions_are_exact_shapley_values_for_two_features() {
    // With two features, a permutation and its reverse are both orders: exact.
    let (x, y) = data(300, 2, 0.0, 17);
    let model = MlpParams::new()
        .hidden_layers(vec![6])
        .max_epochs(30)
        .fit(x.view(), &y, None)
        .expect("fit");
    let reference = model.feature_means().to_vec();
    let phi = model.contributions(x.view()).expect("contributions");
    let logit = |row: &[f64]| {
        let a = Array2::from_shape_vec((1, 2), row.to_vec()).expect("shape");
        model.raw_scores(a.view()).expect("logit")[0]
    };
    for (i, row) in x.rows().into_iter().take(40).enumerate() {
        let exact = shapley(2, |known| {
            let mut mixed = reference.clone();
            for j in 0..2 {
                if known & (1 << j) != 0 {
                    mixed[j] = row[j];
                }
            }
            logit(&mixed)
        });
        assert_close(
            &phi.row(i).to_vec()[..2],
            &exact,
            1e-12,
            &format!("row {i}"),
        );
        assert!((phi[[i, 2]] - logit(&reference)).abs() < 1e-15);
    }
}

#[test]
fn mlp_permutations_must_come_in_pairs() {
    let (x, y) = data(200, 4, 0.0, 18);
    let model = MlpParams::new()
        .max_epochs(3)
        .fit(x.view(), &y, None)
        .expect("fit");
    for bad in [0, 3] {
        assert!(matches!(
            model.contributions_sampled(x.view(), bad, 1),
            Err(ModelError::InvalidParam {
                name: "permutations",
                ..
            })
        ));
    }
    // More permutations, another seed: other estimates, the same exact sum.
    let phi = model
        .contributions_sampled(x.view(), 64, 9)
        .expect("contributions");
    let raw = model.raw_scores(x.view()).expect("raw");
    assert_sums_to(&phi, raw.as_slice().expect("contiguous"), 1e-9, "mlp");
    assert_ne!(phi, model.contributions(x.view()).expect("contributions"));
}
