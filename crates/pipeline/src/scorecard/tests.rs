//! Tests of the points table, its formulas and exports, on a small synthetic table.

use pdscore_ingest::{
    CategoricalColumn, Column, ColumnData, ColumnKind, FeatureSpec, Schema, Table, TargetSpec,
};
use pdscore_models::FittedClassifier;
use pdscore_models::registry::{FittedModel, ModelSpec};

use super::*;
use crate::candidate::{Candidate, CvSpec, FeaturePreset, default_candidates};
use crate::compare::compare;
use crate::data::LabelledData;
use crate::pipeline::TrainOptions;

/// splitmix64 in [0, 1).
fn u(i: u64) -> f64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// 1,500 rows: id, a numeric column with missing cells and a special value, a categorical
/// column whose levels include a quote, a boolean; the default depends on all three.
fn table() -> Table {
    let n = 1500u64;
    let (mut id, mut x, mut shop, mut flag, mut target) = (vec![], vec![], vec![], vec![], vec![]);
    let shops = ["O'Neil & Sons", "plain", "a,b", "=cmd"];
    for i in 0..n {
        let a = (u(i) * 100.0).round();
        let s = (u(i + n) * 4.0) as usize;
        let f = u(i + 2 * n) < 0.4;
        let z = -2.5 + 0.03 * a + if s == 0 { 0.8 } else { 0.0 } + if f { 0.6 } else { 0.0 };
        let y = u(i + 3 * n) < 1.0 / (1.0 + (-z).exp());
        id.push(Some(format!("r{i}")));
        x.push(if i % 23 == 0 {
            f64::NAN
        } else if i % 17 == 0 {
            -1.0
        } else {
            a
        });
        shop.push(Some(shops[s]));
        flag.push(Some(f));
        target.push(Some(if y { "1" } else { "0" }));
    }
    Table::new(vec![
        Column {
            name: "id".into(),
            data: ColumnData::Categorical(CategoricalColumn::from_values(&id)),
        },
        Column {
            name: "x".into(),
            data: ColumnData::Numeric(x),
        },
        Column {
            name: "shop \"name\"".into(),
            data: ColumnData::Categorical(CategoricalColumn::from_values(&shop)),
        },
        Column {
            name: "flag".into(),
            data: ColumnData::Boolean(flag),
        },
        Column {
            name: "default".into(),
            data: ColumnData::Categorical(CategoricalColumn::from_values(&target)),
        },
    ])
    .unwrap()
}

fn schema() -> Schema {
    let spec = |name: &str, kind| FeatureSpec {
        name: name.into(),
        kind,
    };
    Schema {
        id: Some("id".into()),
        target: Some(TargetSpec {
            column: "default".into(),
            positive: None,
        }),
        features: vec![
            spec("x", ColumnKind::Numeric),
            spec("shop \"name\"", ColumnKind::Categorical),
            spec("flag", ColumnKind::Boolean),
        ],
    }
}

fn pipeline(preset: FeaturePreset) -> Pipeline {
    let t = table();
    let data = LabelledData::new(&t, &schema(), None).unwrap();
    let mut candidate = default_candidates(0)
        .into_iter()
        .find(|c| c.name == "scorecard")
        .unwrap();
    candidate.features = preset;
    let features = candidate.features.params();
    if let Some(woe) = features.woe_params().cloned() {
        let woe = woe.special_values("x", vec![-1.0]);
        candidate.features = FeaturePreset::Custom(features.woe(Some(woe)));
    }
    let comparison = compare(&data, &[candidate], &CvSpec::default().folds(3), None).unwrap();
    Pipeline::fit(
        &data,
        &comparison,
        &TrainOptions {
            created_at: Some("2026-01-01T00:00:00Z".into()),
            ..TrainOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn points_follow_the_formula_and_the_score_gives_the_pipelines_pd() {
    let p = pipeline(FeaturePreset::Scorecard);
    let card = Scorecard::from_pipeline(&p, ScorecardParams::new().round(false)).unwrap();
    assert_eq!(card.columns().len(), 3);
    let params = card.params();
    let factor = 20.0 / std::f64::consts::LN_2;
    assert!((params.factor() - factor).abs() < 1e-12);
    assert!((params.offset() - (600.0 - factor * 50f64.ln())).abs() < 1e-9);
    let share = (params.offset() - factor * card.intercept()) / 3.0;
    for c in card.columns() {
        assert!(c.coefficient < 0.0, "WoE up, risk down: {}", c.coefficient);
        for (bin, &points) in c.binning.bins.iter().zip(&c.points) {
            assert!((points - (-factor * c.coefficient * bin.woe + share)).abs() < 1e-9);
        }
        // More WoE (fewer defaulters), more points.
        let mut by_woe: Vec<(f64, f64)> = c
            .binning
            .bins
            .iter()
            .map(|b| b.woe)
            .zip(c.points.clone())
            .collect();
        by_woe.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(by_woe.windows(2).all(|w| w[0].1 <= w[1].1));
    }
    let t = table();
    let scores = card.score(&t).unwrap();
    let FittedModel::LogisticRegression(model) = p.model() else {
        panic!("logistic regression expected")
    };
    let x = p.features().transform(&t).unwrap().matrix;
    let raw = model.predict_proba(x.view()).unwrap();
    let pd = p.predict_proba(&t).unwrap();
    for (i, &s) in scores.iter().enumerate() {
        assert!((card.raw_pd(s) - raw[i]).abs() < 1e-9, "row {i}");
        assert!((card.pd(s) - pd[i]).abs() < 1e-9, "row {i}");
        assert!((card.score_of_raw_pd(raw[i]) - s).abs() < 1e-6);
    }
    // 600 points at odds 50:1, 620 at 100:1.
    assert!((card.raw_pd(600.0) - 1.0 / 51.0).abs() < 1e-12);
    assert!((card.raw_pd(620.0) - 1.0 / 101.0).abs() < 1e-12);
}

#[test]
fn rounded_points_are_whole_and_the_score_is_their_sum() {
    let p = pipeline(FeaturePreset::Scorecard);
    let exact = Scorecard::from_pipeline(&p, ScorecardParams::new().round(false)).unwrap();
    let card = Scorecard::from_pipeline(&p, ScorecardParams::new()).unwrap();
    let t = table();
    let points = card.points(&t).unwrap();
    let scores = card.score(&t).unwrap();
    let exact_scores = exact.score(&t).unwrap();
    for ((row, &s), &e) in points.iter().zip(&scores).zip(&exact_scores) {
        assert!(row.iter().all(|p| p.fract() == 0.0));
        assert_eq!(s, row.iter().sum::<f64>());
        assert!((s - e).abs() <= 0.5 * 3.0 + 1e-9);
    }
    // The special value and missing cells have bins, and rows with them get those points.
    let x = &card.columns()[0];
    let special = x.binning.numeric_bin(-1.0);
    assert!(matches!(
        x.binning.bins[special].rule,
        pdscore_features::BinRule::Special { .. }
    ));
    assert_eq!(points[17][0], x.points[special]);
    assert_eq!(points[23][0], x.points[x.binning.missing_bin]);
}

#[test]
fn exports_list_every_bin_and_escape_their_cells() {
    let card =
        Scorecard::from_pipeline(&pipeline(FeaturePreset::Scorecard), ScorecardParams::new())
            .unwrap();
    let bins: usize = card.columns().iter().map(|c| c.binning.bins.len()).sum();
    let csv = card.to_csv();
    assert_eq!(csv.lines().count(), bins + 1);
    assert!(csv.starts_with("column,bin,woe,iv,count,event_rate,points\n"));
    assert!(
        csv.contains("\n\"shop \"\"name\"\"\",O'Neil & Sons,") && csv.contains(",\"a,b\","),
        "{csv}"
    );
    assert!(
        csv.contains(",'= -1,"),
        "special-value bins are formula-escaped: {csv}"
    );
    assert!(csv.contains(",'=cmd,"), "{csv}");
    let md = card.to_markdown();
    assert!(md.contains("600 points at good:bad odds 50:1, 20 points to double the odds"));
    assert!(md.contains("## x\n") && md.contains("| missing |") && md.contains("| = -1 |"));
    assert!(md.contains("(and unseen levels)"), "{md}");
    assert!(md.contains("| 600 | 50.0 | 0.01961 |"), "{md}");
    assert_eq!(card.rows().len(), bins);
}

#[test]
fn sql_tests_nulls_specials_edges_and_levels() {
    let card =
        Scorecard::from_pipeline(&pipeline(FeaturePreset::Scorecard), ScorecardParams::new())
            .unwrap();
    let x = card.sql_case(0).unwrap();
    assert!(x.starts_with("CASE WHEN \"x\" IS NULL THEN "), "{x}");
    assert!(x.contains(" WHEN \"x\" = -1 THEN "), "{x}");
    let edges = &card.columns()[0].binning.edges;
    assert!(!edges.is_empty());
    for e in edges {
        assert!(x.contains(&format!(" WHEN \"x\" <= {e} THEN ")), "{x}");
    }
    let shop = card.sql_case(1).unwrap();
    assert!(shop.contains("\"shop \"\"name\"\"\" IN ("), "{shop}");
    let column = &card.columns()[1];
    for level in ["O'Neil & Sons", "plain", "a,b", "=cmd"] {
        let bin = column.binning.level_bin(Some(level));
        let listed = shop.contains(&sql::string_literal(level));
        assert_eq!(
            listed,
            Some(bin) != column.binning.unseen_bin,
            "{level}: {shop}"
        );
    }
    assert_eq!(sql::string_literal("O'Neil & Sons"), "'O''Neil & Sons'");
    let flag = card.sql_case(2).unwrap();
    assert!(
        flag.contains("IN (FALSE)") || flag.contains("IN (TRUE)"),
        "{flag}"
    );
    assert!(card.sql_case(3).is_none());
    let sql = card.to_sql("risk.applications");
    assert!(sql.contains("SELECT\n  \"id\",\n  (CASE"), "{sql}");
    assert!(sql.contains("\n  + (CASE") && sql.ends_with("  AS score\nFROM risk.applications;\n"));
    assert!(card.to_sql("bad name").ends_with("FROM \"bad name\";\n"));
}

#[test]
fn other_pipelines_are_not_scorecards() {
    let linear = pipeline(FeaturePreset::Linear);
    let err = Scorecard::from_pipeline(&linear, ScorecardParams::new()).unwrap_err();
    assert!(matches!(err, PipelineError::NotAScorecard { .. }));
    assert!(err.to_string().contains("not a WoE binning"), "{err}");
    assert!(
        Scorecard::from_pipeline(
            &pipeline(FeaturePreset::Scorecard),
            ScorecardParams::new().base_odds(-1.0)
        )
        .is_err()
    );
    let gbm_like = Candidate::new(
        "tree",
        FeaturePreset::Scorecard,
        ModelSpec::DecisionTree(pdscore_models::DecisionTreeParams::new().max_depth(Some(3))),
    );
    let t = table();
    let data = LabelledData::new(&t, &schema(), None).unwrap();
    let comparison = compare(&data, &[gbm_like], &CvSpec::default().folds(3), None).unwrap();
    let tree = Pipeline::fit(&data, &comparison, &TrainOptions::default()).unwrap();
    let err = Scorecard::from_pipeline(&tree, ScorecardParams::new()).unwrap_err();
    assert!(
        err.to_string().contains("not a logistic regression"),
        "{err}"
    );
}
