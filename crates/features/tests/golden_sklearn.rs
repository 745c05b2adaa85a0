//! Golden values from scikit-learn 1.9 (tests/fixtures/make_sklearn_golden.py): median
//! imputation, StandardScaler and PCA(n_components=0.95, svd_solver="full") on a small matrix
//! with missing values. Checks the fitted statistics, the number of components the 0.95 rule
//! keeps (ratios over the total variance), the components with sklearn's sign convention, and
//! the transformed rows.

use pdscore_features::{ColumnOutcome, FeatureParams, PcaComponents};
use pdscore_ingest::{Column, ColumnData, ColumnKind, FeatureSpec, Schema, Table};
use serde::Deserialize;

#[derive(Deserialize)]
struct Golden {
    columns: Vec<String>,
    x: Vec<Vec<Option<f64>>>,
    medians: Vec<f64>,
    scale_mean: Vec<f64>,
    scale_std: Vec<f64>,
    explained_variance_ratio_all: Vec<f64>,
    n_components_95: usize,
    components_95: Vec<Vec<f64>>,
    explained_variance_95: Vec<f64>,
    transformed_95: Vec<Vec<f64>>,
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * (1.0 + b.abs()),
        "{what}: {a} vs sklearn {b}"
    );
}

#[test]
fn matches_scikit_learn_imputer_scaler_and_pca() {
    let text = include_str!("fixtures/sklearn_golden.json");
    let golden: Golden = serde_json::from_str(text).expect("the fixture parses");
    let columns: Vec<Column> = golden
        .columns
        .iter()
        .enumerate()
        .map(|(j, name)| Column {
            name: name.clone(),
            data: ColumnData::Numeric(golden.x.iter().map(|r| r[j].unwrap_or(f64::NAN)).collect()),
        })
        .collect();
    let table = Table::new(columns).expect("equal lengths");
    let schema = Schema {
        id: None,
        target: None,
        features: golden
            .columns
            .iter()
            .map(|name| FeatureSpec {
                name: name.clone(),
                kind: ColumnKind::Numeric,
            })
            .collect(),
    };
    let params = FeatureParams::for_linear()
        .missing_indicators(false)
        .sparse(pdscore_features::SparsePolicy::Indicate {
            max_missing_rate: 1.0,
        })
        .pca(Some(PcaComponents::VarianceRatio(0.95)));
    let fitted = params.fit(&table, &schema).expect("fit");
    for (j, column) in fitted.fit_log().columns.iter().enumerate() {
        let ColumnOutcome::Numeric(fit) = &column.outcome else {
            panic!("numeric expected")
        };
        close(
            fit.imputation_value.expect("median"),
            golden.medians[j],
            "median",
        );
        let scaling = fit.scaling.expect("scaled");
        close(scaling.mean, golden.scale_mean[j], "mean");
        close(scaling.std, golden.scale_std[j], "std");
    }
    let pca = fitted.fit_log().pca.as_ref().expect("pca log");
    assert_eq!(pca.n_components, golden.n_components_95);
    for (k, ratio) in pca.explained_variance_ratio.iter().enumerate() {
        close(*ratio, golden.explained_variance_ratio_all[k], "ratio");
        close(
            pca.explained_variance[k],
            golden.explained_variance_95[k],
            "variance",
        );
    }
    let out = fitted.transform(&table).expect("transform");
    for (row, expected) in golden.transformed_95.iter().enumerate() {
        for (k, value) in expected.iter().enumerate() {
            // Same sign convention as sklearn's svd_flip, so no sign ambiguity here.
            close(out.matrix[[row, k]], *value, "projection");
        }
    }
    let components = fitted.pca_components().expect("components");
    assert_eq!(components.nrows(), golden.components_95.len());
    for (row, expected) in components.rows().into_iter().zip(&golden.components_95) {
        for (a, b) in row.iter().zip(expected) {
            close(*a, *b, "component");
        }
    }
}
