//! Fitted features saved to JSON and reloaded transform bit-for-bit identically.

mod common;

use common::{klarna_schema, read_klarna, rows_table, shipped_sample_path};
use pdscore_ingest::Table;

/// Training and scoring rows: the two parts of the shipped synthetic sample.
fn train_and_test() -> (Table, Table) {
    let sample = read_klarna(&shipped_sample_path());
    let n = sample.n_rows();
    (rows_table(&sample, 0..n / 2), rows_table(&sample, n / 2..n))
}
use pdscore_features::{FeatureParams, FittedFeatures, MinLevelFrequency, PcaComponents};

fn roundtrip(params: &FeatureParams) {
    let (train, test) = train_and_test();
    let fitted = params.fit(&train, &klarna_schema()).expect("fit");
    let json = serde_json::to_string(&fitted).expect("save");
    let loaded: FittedFeatures = serde_json::from_str(&json).expect("load");
    assert_eq!(loaded, fitted);
    let before = fitted.transform(&test).expect("transform");
    let after = loaded.transform(&test).expect("transform after reload");
    assert_eq!(before.names, after.names);
    assert_eq!(before.log, after.log);
    assert!(
        before
            .matrix
            .iter()
            .zip(after.matrix.iter())
            .all(|(a, b)| a.to_bits() == b.to_bits())
    );
}

#[test]
fn linear_preset_round_trips() {
    roundtrip(&FeatureParams::for_linear());
}

#[test]
fn trees_preset_round_trips() {
    roundtrip(&FeatureParams::for_trees());
}

#[test]
fn pca_round_trips() {
    roundtrip(&FeatureParams::for_linear().pca(Some(PcaComponents::VarianceRatio(0.95))));
    roundtrip(
        &FeatureParams::for_linear()
            .min_level_frequency(MinLevelFrequency::Fraction(0.01))
            .pca(Some(PcaComponents::Count(5))),
    );
}

#[test]
fn fitting_twice_gives_the_same_bytes() {
    let (train, _) = train_and_test();
    for params in [
        FeatureParams::for_linear().pca(Some(PcaComponents::VarianceRatio(0.95))),
        FeatureParams::for_trees(),
    ] {
        let first = params.fit(&train, &klarna_schema()).expect("fit");
        let second = params.fit(&train, &klarna_schema()).expect("fit");
        assert_eq!(
            serde_json::to_string(&first).expect("save"),
            serde_json::to_string(&second).expect("save")
        );
    }
}
