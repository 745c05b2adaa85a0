//! Tests of the decision tree: growth, scoring paths, serialised form, parameters.

use ndarray::{Array2, array};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::binning::BinnedMatrix;
use super::decision_tree::FittedDecisionTree;
use super::grow::grow;
use super::node::{Node, random_nodes};
use super::params::{DecisionTreeParams, MaxFeatures, SplitCriterion};
use super::predict::{PREDICT_BLOCK, RESOLVED_ROWS, holds_infinity, resolve_missing};
use super::tree::{Tree, TreeRepr};
use crate::{Classifier, FittedClassifier, ModelError};

fn fit(params: &DecisionTreeParams, x: &Array2<f64>, y: &[bool]) -> FittedDecisionTree {
    params.fit(x.view(), y, None).unwrap()
}

#[test]
fn learns_a_threshold_on_the_raw_scale() {
    let x = array![[1.0], [2.0], [3.0], [10.0], [11.0], [12.0]];
    let y = [false, false, false, true, true, true];
    let model = fit(&DecisionTreeParams::new(), &x, &y);
    let tree = model.tree();
    assert_eq!(tree.n_leaves(), 2);
    let root = tree.nodes()[0];
    let threshold = root.threshold().unwrap();
    assert!((3.0..10.0).contains(&threshold), "{root:?}");
    let p = model
        .predict_proba(array![[6.0], [7.0], [-5.0], [50.0]].view())
        .unwrap();
    assert_eq!(p[2], 0.0);
    assert_eq!(p[3], 1.0);
}

#[test]
fn missing_values_get_their_own_direction() {
    // Positives are exactly the rows with a missing value.
    let x = array![[1.0], [f64::NAN], [2.0], [f64::NAN], [3.0], [4.0]];
    let y = [false, true, false, true, false, false];
    let model = fit(&DecisionTreeParams::new(), &x, &y);
    let p = model.predict_proba(x.view()).unwrap();
    assert_eq!(p.to_vec(), vec![0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
    assert!(!model.tree().nodes()[0].missing_left());
}

#[test]
fn leaf_value_is_the_weighted_fraction() {
    let x = array![[0.0], [0.0], [0.0], [1.0]];
    let y = [true, false, false, false];
    let w = [3.0, 1.0, 1.0, 1.0];
    let model = DecisionTreeParams::new()
        .fit(x.view(), &y, Some(&w))
        .unwrap();
    let p = model.predict_proba(array![[0.0], [1.0]].view()).unwrap();
    assert!((p[0] - 0.6).abs() < 1e-12, "{p}");
    assert_eq!(p[1], 0.0);
}

#[test]
fn max_depth_and_min_samples_leaf_are_respected() {
    let n = 200;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| ((i * (j + 3)) % 17) as f64);
    let y: Vec<bool> = (0..n).map(|i| (i * 7) % 5 == 0).collect();
    let shallow = fit(&DecisionTreeParams::new().max_depth(Some(2)), &x, &y);
    assert!(shallow.tree().depth() <= 2);
    let model = fit(&DecisionTreeParams::new().min_samples_leaf(15), &x, &y);
    // Count training rows per leaf by routing them.
    let tree = model.tree();
    let mut per_leaf = vec![0usize; tree.nodes().len()];
    for row in x.outer_iter() {
        let mut i = 0;
        while let Some((left, right)) = tree.nodes()[i].children() {
            let node = tree.nodes()[i];
            i = if row[node.feature().unwrap()] <= node.threshold().unwrap() {
                left
            } else {
                right
            };
        }
        per_leaf[i] += 1;
    }
    for (i, node) in tree.nodes().iter().enumerate() {
        if node.is_leaf() {
            assert!(per_leaf[i] >= 15, "leaf {i} has {} rows", per_leaf[i]);
        }
    }
}

#[test]
fn importance_goes_to_the_informative_feature() {
    let n = 300;
    let x = Array2::from_shape_fn((n, 3), |(i, j)| match j {
        0 => (i % 13) as f64,
        1 => i as f64,
        _ => ((i * 31) % 7) as f64,
    });
    let y: Vec<bool> = (0..n).map(|i| i >= 200).collect();
    let imp = fit(&DecisionTreeParams::new(), &x, &y)
        .feature_importance()
        .unwrap();
    assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(imp[1] > 0.99, "{imp:?}");
}

#[test]
fn entropy_and_gini_both_separate() {
    let x = array![[0.0, 5.0], [1.0, 4.0], [2.0, 3.0], [3.0, 2.0]];
    let y = [false, false, true, true];
    for c in [SplitCriterion::Gini, SplitCriterion::Entropy] {
        let p = fit(&DecisionTreeParams::new().criterion(c), &x, &y)
            .predict_proba(x.view())
            .unwrap();
        assert_eq!(p.to_vec(), vec![0.0, 0.0, 1.0, 1.0]);
    }
}

#[test]
fn sampled_features_are_seeded() {
    let n = 300;
    let x = Array2::from_shape_fn((n, 6), |(i, j)| ((i * (j + 2) * 7919) % 101) as f64);
    let y: Vec<bool> = (0..n).map(|i| (i * 13) % 7 < 2).collect();
    let params = DecisionTreeParams::new()
        .max_features(MaxFeatures::Count(2))
        .seed(5);
    assert_eq!(fit(&params, &x, &y), fit(&params, &x, &y));
    assert_ne!(fit(&params, &x, &y), fit(&params.clone().seed(6), &x, &y));
}

#[test]
fn parallel_and_sequential_growth_agree() {
    let n = 5_000;
    let x = Array2::from_shape_fn((n, 20), |(i, j)| {
        ((i * (j + 1) * 2_654_435_761) % 997) as f64
    });
    let y: Vec<bool> = (0..n).map(|i| (i * 2_654_435_761) % 11 < 3).collect();
    let binned = BinnedMatrix::fit(x.view(), 255).unwrap();
    let w = vec![1.0; n];
    let params = DecisionTreeParams::new().max_depth(Some(8));
    let grow_with = |parallel| {
        let config = params.grow_config(20, n as f64, parallel);
        grow(&binned, &y, &w, &config, &mut ChaCha8Rng::seed_from_u64(0))
    };
    assert_eq!(grow_with(true), grow_with(false));
}

#[test]
fn lane_scoring_matches_row_scoring() {
    let n = 1_000;
    let x = Array2::from_shape_fn((n, 4), |(i, j)| {
        if (i + j) % 9 == 0 {
            f64::NAN
        } else {
            ((i * (j + 3) * 7919) % 113) as f64
        }
    });
    let y: Vec<bool> = (0..n)
        .map(|i| (i * 31) % 7 < 2 || x[[i, 1]].is_nan())
        .collect();
    let model = fit(&DecisionTreeParams::new(), &x, &y);
    let tree = model.tree();
    let rows = x.as_slice().unwrap();
    // 1_000 rows is not a multiple of the lane count: the last group is partial.
    let mut out = vec![0.0; n];
    let mut resolved = Vec::new();
    assert_eq!(resolve_missing(rows, 4, &mut resolved), None);
    tree.accumulate_rows(&resolved, 4, &mut out, &mut Vec::new());
    for (i, row) in rows.chunks_exact(4).enumerate() {
        assert_eq!(out[i].to_bits(), tree.predict_row(row).to_bits(), "row {i}");
    }
}

/// A tree from hand-made nodes (children after their parent), checked as a loaded one is.
fn tree_of(nodes: Vec<Node>, n_features: usize) -> Tree {
    Tree::try_from(TreeRepr {
        nodes,
        n_features,
        impurity_decrease: vec![0.0; n_features],
        cover: Vec::new(),
    })
    .unwrap()
}

/// A random tree, checked as a loaded one is (see [`random_nodes`]).
fn random_tree(rng: &mut ChaCha8Rng, n_features: usize, max_depth: usize) -> Tree {
    tree_of(random_nodes(rng, n_features, max_depth), n_features)
}

/// Routes one row down `tree` the plain way, from the public accessors only.
fn reference_leaf(tree: &Tree, row: &[f64]) -> f64 {
    super::node::reference_leaf(tree.nodes(), row)
}

#[test]
fn fast_scoring_equals_reference_traversal_on_random_trees_with_nan() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let p = 5;
    // Several parallel blocks, a partial run of resolved rows and a partial lane group.
    let n = 2 * PREDICT_BLOCK + RESOLVED_ROWS + 13;
    let x = Array2::from_shape_fn((n, p), |_| {
        if rng.gen_bool(0.2) {
            f64::NAN
        } else {
            f64::from(rng.gen_range(-7i32..=7)) * 0.5
        }
    });
    for max_depth in [0, 1, 3, 8, 14] {
        for _ in 0..6 {
            let tree = random_tree(&mut rng, p, max_depth);
            let model = FittedDecisionTree {
                params: DecisionTreeParams::new(),
                tree: tree.clone(),
            };
            // The single-tree path (raw rows) and the ensembles' path (resolved rows).
            let fast = model.predict_proba(x.view()).unwrap();
            let mut resolved = Vec::new();
            assert_eq!(
                resolve_missing(x.as_slice().unwrap(), p, &mut resolved),
                None
            );
            let mut stepped = vec![0.0; n];
            tree.accumulate_rows(&resolved, p, &mut stepped, &mut Vec::new());
            // A single row takes the unparallel path.
            let first = model.predict_proba(x.slice(ndarray::s![..1, ..])).unwrap();
            assert_eq!(first[0].to_bits(), fast[0].to_bits());
            for (i, row) in x.outer_iter().enumerate() {
                let row = row.to_vec();
                let expected = reference_leaf(&tree, &row);
                assert_eq!(fast[i].to_bits(), expected.to_bits(), "row {i}");
                assert_eq!(stepped[i].to_bits(), expected.to_bits(), "row {i}");
                assert_eq!(tree.predict_row(&row).to_bits(), expected.to_bits());
            }
        }
    }
}

#[test]
fn an_infinity_is_found_at_any_position_and_nan_is_not_one() {
    for len in 0..27 {
        let mut values: Vec<f64> = (0..27).map(|i: i32| f64::from(i) - 3.0).take(len).collect();
        if len > 2 {
            values[len / 2] = f64::NAN;
        }
        assert!(!holds_infinity(&values), "len {len}");
        for at in 0..len {
            for inf in [f64::INFINITY, f64::NEG_INFINITY] {
                let mut with_inf = values.clone();
                with_inf[at] = inf;
                assert!(holds_infinity(&with_inf), "len {len}, at {at}");
            }
        }
    }
}

#[test]
fn infinity_is_reported_at_its_row_in_large_inputs() {
    let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]];
    let y = [false, false, true, true];
    let model = fit(&DecisionTreeParams::new(), &x, &y);
    let n = 3 * PREDICT_BLOCK + 5;
    let mut big = Array2::from_shape_fn((n, 2), |(i, j)| (i % 4 + j) as f64);
    big[[2 * PREDICT_BLOCK + 7, 1]] = f64::NEG_INFINITY;
    big[[3 * PREDICT_BLOCK + 1, 0]] = f64::INFINITY;
    assert!(matches!(
        model.predict_proba(big.view()),
        Err(ModelError::NonFinite { row, column: 1 }) if row == 2 * PREDICT_BLOCK + 7
    ));
    // A column-major view scores like its row-major copy.
    let clean = Array2::from_shape_fn((n, 2), |(i, j)| (i % 4 + j) as f64);
    let transposed = clean.t().to_owned();
    let p_view = model.predict_proba(transposed.t()).unwrap();
    assert_eq!(p_view, model.predict_proba(clean.view()).unwrap());
}

#[test]
fn scoring_leaves_the_tree_equal_to_its_unscored_copy() {
    let x = array![[0.0, 1.0], [1.0, f64::NAN], [2.0, 1.0], [3.0, 0.0]];
    let y = [false, false, true, true];
    let model = fit(&DecisionTreeParams::new(), &x, &y);
    let unscored = model.clone();
    let p = model.predict_proba(x.view()).unwrap();
    assert_eq!(
        model, unscored,
        "the lazily built layout is not part of equality"
    );
    let json = serde_json::to_string(&model).unwrap();
    assert_eq!(json, serde_json::to_string(&unscored).unwrap());
    let loaded: FittedDecisionTree = serde_json::from_str(&json).unwrap();
    assert_eq!(loaded.predict_proba(x.view()).unwrap(), p);
}

#[test]
fn corrupt_serialised_trees_are_rejected() {
    let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]];
    let y = [false, false, true, true];
    let tree = fit(&DecisionTreeParams::new(), &x, &y).tree().clone();
    let json = serde_json::to_string(&tree).unwrap();
    assert_eq!(serde_json::from_str::<Tree>(&json).unwrap(), tree);
    let repr = |nodes: Vec<Node>, n_features: usize| TreeRepr {
        nodes,
        n_features,
        impurity_decrease: vec![0.0; n_features],
        cover: Vec::new(),
    };
    let leaf = Node::leaf(0.5);
    // A child pointing back at its parent (a loop), a child out of range, a feature out of
    // range, no nodes at all.
    for bad in [
        repr(
            vec![
                Node::split(0, 1.0, false, 1),
                Node::split(0, 1.0, false, 1),
                leaf,
            ],
            1,
        ),
        repr(vec![Node::split(0, 1.0, false, 1), leaf], 1),
        repr(vec![Node::split(3, 1.0, false, 1), leaf, leaf], 2),
        repr(vec![], 1),
    ] {
        assert!(Tree::try_from(bad).is_err());
    }
    assert!(Tree::try_from(repr(vec![Node::split(1, 1.0, true, 1), leaf, leaf], 2)).is_ok());
}

#[test]
fn bad_params_are_errors() {
    let x = array![[0.0], [1.0]];
    let y = [false, true];
    for params in [
        DecisionTreeParams::new().max_depth(Some(0)),
        DecisionTreeParams::new().min_samples_split(1),
        DecisionTreeParams::new().min_samples_leaf(0),
        DecisionTreeParams::new().min_weight_fraction_leaf(0.7),
        DecisionTreeParams::new().min_weight_fraction_leaf(f64::NAN),
        DecisionTreeParams::new().max_features(MaxFeatures::Count(0)),
        DecisionTreeParams::new().max_features(MaxFeatures::Fraction(1.5)),
        DecisionTreeParams::new().max_bin(1),
        DecisionTreeParams::new().max_bin(300),
    ] {
        assert!(matches!(
            params.fit(x.view(), &y, None),
            Err(ModelError::InvalidParam { .. })
        ));
    }
}

#[test]
fn max_features_resolves_like_sklearn() {
    assert_eq!(MaxFeatures::Sqrt.resolve(40), 6);
    assert_eq!(MaxFeatures::Sqrt.resolve(1), 1);
    assert_eq!(MaxFeatures::Log2.resolve(40), 5);
    assert_eq!(MaxFeatures::Count(100).resolve(40), 40);
    assert_eq!(MaxFeatures::Fraction(0.01).resolve(40), 1);
    assert_eq!(MaxFeatures::All.resolve(7), 7);
}
