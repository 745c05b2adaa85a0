//! Tests of the fitted transform.

use super::*;
use crate::testutil::{boolean, cat, num, row_table, same_bits, schema_of, table};
use crate::{CategoricalMissing, MinLevelFrequency, NumericImputation, PcaComponents};
use pdscore_ingest::ColumnKind;
use proptest::prelude::*;

fn all_levels() -> FeatureParams {
    FeatureParams::for_linear().min_level_frequency(MinLevelFrequency::Count(1))
}

#[test]
fn numeric_cells_are_imputed_scaled_and_flagged() {
    let train = table(vec![num("x", &[1.0, 3.0, f64::NAN, 10.0])]);
    let fitted = FeatureParams::for_linear()
        .fit(&train, &schema_of(&train))
        .unwrap();
    let ColumnOutcome::Numeric(fit) = &fitted.fit_log().columns[0].outcome else {
        panic!("numeric expected")
    };
    let s = fit.scaling.unwrap();
    let test = table(vec![num("x", &[f64::NAN, 5.0, f64::INFINITY])]);
    let out = fitted.transform(&test).unwrap();
    assert_eq!(out.names, ["x", "x__is_missing"]);
    assert_eq!(out.matrix[[0, 0]], (3.0 - s.mean) / s.std);
    assert_eq!(out.matrix[[0, 1]], 1.0);
    assert_eq!(out.matrix[[1, 0]], (5.0 - s.mean) / s.std);
    assert_eq!(out.matrix[[1, 1]], 0.0);
    assert_eq!(
        out.matrix[[2, 0]],
        (3.0 - s.mean) / s.std,
        "infinity counts as missing"
    );
    let log = &out.log.columns[0];
    assert_eq!((log.imputed, log.non_finite, log.out_of_range), (2, 1, 0));
}

#[test]
fn keep_leaves_nan_and_counts_it() {
    let train = table(vec![num("x", &[1.0, f64::NAN, 2.0])]);
    let fitted = FeatureParams::for_trees()
        .fit(&train, &schema_of(&train))
        .unwrap();
    let out = fitted.transform(&train).unwrap();
    assert!(out.matrix[[1, 0]].is_nan());
    assert_eq!(out.matrix[[0, 0]], 1.0, "no scaling for trees");
    assert_eq!(out.log.columns[0].missing_kept, 1);
    assert_eq!(out.log.columns[0].imputed, 0);
}

#[test]
fn out_of_range_values_are_counted_and_optionally_clipped() {
    let train = table(vec![num("x", &[0.0, 10.0])]);
    let test = table(vec![num("x", &[-5.0, 5.0, 50.0])]);
    let params = FeatureParams::for_trees();
    let out = params
        .fit(&train, &schema_of(&train))
        .unwrap()
        .transform(&test)
        .unwrap();
    assert_eq!(out.matrix.column(0).to_vec(), [-5.0, 5.0, 50.0]);
    assert_eq!(
        (out.log.columns[0].out_of_range, out.log.columns[0].clipped),
        (2, 0)
    );
    let params = params.clip_to_training_range(true);
    let out = params
        .fit(&train, &schema_of(&train))
        .unwrap()
        .transform(&test)
        .unwrap();
    assert_eq!(out.matrix.column(0).to_vec(), [0.0, 5.0, 10.0]);
    assert_eq!(
        (out.log.columns[0].out_of_range, out.log.columns[0].clipped),
        (2, 2)
    );
}

#[test]
fn booleans_become_zero_one_and_follow_imputation() {
    let train = table(vec![boolean(
        "paid",
        &[Some(true), Some(true), Some(false), None],
    )]);
    let params = FeatureParams::for_linear().standardize(false);
    let fitted = params.fit(&train, &schema_of(&train)).unwrap();
    let out = fitted.transform(&train).unwrap();
    assert_eq!(out.names, ["paid", "paid__is_missing"]);
    assert_eq!(
        out.matrix.column(0).to_vec(),
        [1.0, 1.0, 0.0, 1.0],
        "median of 1,1,0 is 1"
    );
    assert_eq!(out.matrix.column(1).to_vec(), [0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn one_hot_handles_rare_missing_and_unseen_levels() {
    let train = table(vec![cat(
        "shop",
        &[
            Some("a"),
            Some("a"),
            Some("b"),
            Some("b"),
            Some("rare"),
            None,
        ],
    )]);
    let params = FeatureParams::for_linear().min_level_frequency(MinLevelFrequency::Count(2));
    let fitted = params.fit(&train, &schema_of(&train)).unwrap();
    assert_eq!(
        fitted.output_names(),
        ["shop=a", "shop=b", "shop=__other__", "shop=__missing__"]
    );
    let test = table(vec![cat(
        "shop",
        &[
            Some("b"),
            Some("rare"),
            None,
            Some("new"),
            Some("new"),
            Some("a"),
        ],
    )]);
    let out = fitted.transform(&test).unwrap();
    let rows: Vec<Vec<f64>> = out.matrix.rows().into_iter().map(|r| r.to_vec()).collect();
    assert_eq!(
        rows,
        [
            [0.0, 1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0]
        ]
    );
    let log = &out.log.columns[0];
    assert_eq!(log.unknown, 2);
    assert_eq!(log.imputed, 1, "the missing cell went to its level");
    assert_eq!(
        log.unknown_levels,
        [LevelCount {
            level: "new".into(),
            count: 2
        }]
    );
}

#[test]
fn output_columns_name_the_input_of_every_feature() {
    let train = table(vec![
        num("x", &[1.0, 3.0, f64::NAN, 10.0]),
        cat("shop", &[Some("a"), Some("b"), None, Some("a")]),
        num("y", &[2.0, 1.0, 4.0, 3.0]),
    ]);
    let fitted = all_levels().fit(&train, &schema_of(&train)).unwrap();
    let columns = fitted.output_columns().unwrap();
    assert_eq!(columns.len(), fitted.n_outputs());
    assert_eq!(
        fitted.output_names(),
        [
            "x",
            "x__is_missing",
            "shop=a",
            "shop=b",
            "shop=__missing__",
            "y"
        ]
    );
    assert_eq!(columns, ["x", "x", "shop", "shop", "shop", "y"]);

    let with_pca = all_levels()
        .pca(Some(PcaComponents::Count(2)))
        .fit(&train, &schema_of(&train))
        .unwrap();
    assert_eq!(
        with_pca.output_columns(),
        None,
        "components mix every column"
    );
}

#[test]
fn ordinal_codes_unknown_and_missing() {
    let train = table(vec![cat("c", &[Some("x"), Some("y"), Some("y"), None])]);
    let fitted = all_levels()
        .encoding(CategoricalEncoding::Ordinal)
        .fit(&train, &schema_of(&train))
        .unwrap();
    let test = table(vec![cat("c", &[Some("y"), Some("x"), None, Some("w")])]);
    let out = fitted.transform(&test).unwrap();
    assert_eq!(out.matrix.column(0).to_vec(), [0.0, 1.0, 2.0, -1.0]);
    let fitted = FeatureParams::for_trees()
        .min_level_frequency(MinLevelFrequency::Count(1))
        .fit(&train, &schema_of(&train))
        .unwrap();
    let out = fitted.transform(&test).unwrap();
    assert!(out.matrix[[2, 0]].is_nan());
    assert_eq!(out.log.columns[0].missing_kept, 1);
}

#[test]
fn missing_in_a_column_complete_at_fit_time_is_unknown() {
    let train = table(vec![cat("c", &[Some("x"), Some("y")])]);
    let fitted = all_levels().fit(&train, &schema_of(&train)).unwrap();
    let out = fitted.transform(&table(vec![cat("c", &[None])])).unwrap();
    assert_eq!(out.matrix.row(0).to_vec(), [0.0, 0.0]);
    assert_eq!(out.log.columns[0].unknown_levels[0].level, "<missing>");
    let strict = all_levels()
        .strict_unknown(true)
        .fit(&train, &schema_of(&train))
        .unwrap();
    assert!(strict.transform(&table(vec![cat("c", &[None])])).is_ok());
}

#[test]
fn strict_mode_names_column_value_and_row() {
    let train = table(vec![cat("c", &[Some("x"), Some("y")])]);
    let fitted = all_levels()
        .strict_unknown(true)
        .fit(&train, &schema_of(&train))
        .unwrap();
    let test = table(vec![cat("c", &[Some("x"), None, Some("q"), Some("r")])]);
    assert_eq!(
        fitted.transform(&test),
        Err(FeatureError::UnknownCategory {
            column: "c".into(),
            value: "q".into(),
            row: 2
        })
    );
}

#[test]
fn unknown_levels_listed_are_capped() {
    let train = table(vec![cat("c", &[Some("x")])]);
    let fitted = all_levels().fit(&train, &schema_of(&train)).unwrap();
    let names: Vec<String> = (0..MAX_LISTED_UNKNOWN_LEVELS + 5)
        .map(|i| format!("v{i:02}"))
        .collect();
    let values: Vec<Option<&str>> = names.iter().map(|s| Some(s.as_str())).collect();
    let out = fitted.transform(&table(vec![cat("c", &values)])).unwrap();
    let log = &out.log.columns[0];
    assert_eq!(log.unknown, MAX_LISTED_UNKNOWN_LEVELS + 5);
    assert_eq!(log.unknown_levels.len(), MAX_LISTED_UNKNOWN_LEVELS);
    assert_eq!(log.unknown_levels_not_listed, 5);
    assert_eq!(log.unknown_levels[0].level, "v00", "ties ordered by name");
}

#[test]
fn missing_columns_are_all_named_and_extra_columns_ignored() {
    let train = table(vec![
        num("a", &[1.0, 2.0]),
        num("b", &[1.0, 2.0]),
        num("c", &[3.0, 4.0]),
    ]);
    let fitted = FeatureParams::for_linear()
        .fit(&train, &schema_of(&train))
        .unwrap();
    let test = table(vec![num("b", &[1.0]), num("extra", &[9.0])]);
    assert_eq!(
        fitted.transform(&test),
        Err(FeatureError::MissingColumns {
            names: vec!["a".into(), "c".into()]
        })
    );
    let test = table(vec![
        num("extra", &[9.0]),
        num("c", &[3.0]),
        num("b", &[1.0]),
        num("a", &[1.0]),
    ]);
    let out = fitted.transform(&test).unwrap();
    assert_eq!(out.names, ["a", "b", "c"]);
    let expected = fitted.transform(&row_table(&train, 0)).unwrap();
    assert_eq!(out.matrix, expected.matrix);
}

#[test]
fn kind_mismatch_at_transform_is_an_error() {
    let train = table(vec![num("a", &[1.0, 2.0])]);
    let fitted = FeatureParams::for_linear()
        .fit(&train, &schema_of(&train))
        .unwrap();
    let test = table(vec![cat("a", &[Some("1")])]);
    assert_eq!(
        fitted.transform(&test),
        Err(FeatureError::KindMismatch {
            column: "a".into(),
            expected: ColumnKind::Numeric,
            found: ColumnKind::Categorical
        })
    );
}

#[test]
fn transform_into_reuses_a_buffer_and_checks_its_shape() {
    let train = table(vec![
        num("a", &[1.0, f64::NAN, 3.0]),
        cat("c", &[Some("x"), Some("y"), None]),
    ]);
    let fitted = all_levels().fit(&train, &schema_of(&train)).unwrap();
    let expected = fitted.transform(&train).unwrap();
    let mut buffer = Array2::from_elem((3, fitted.n_outputs()), 7.0);
    let log = fitted.transform_into(&train, buffer.view_mut()).unwrap();
    assert_eq!(buffer, expected.matrix, "stale content is overwritten");
    assert_eq!(log, expected.log);
    let mut wrong = Array2::zeros((2, fitted.n_outputs()));
    assert_eq!(
        fitted.transform_into(&train, wrong.view_mut()),
        Err(FeatureError::OutputShape {
            expected: (3, fitted.n_outputs()),
            found: (2, fitted.n_outputs())
        })
    );
    let mut transposed = Array2::zeros((fitted.n_outputs(), 3));
    assert!(matches!(
        fitted.transform_into(&train, transposed.view_mut().reversed_axes()),
        Err(FeatureError::OutputShape { .. })
    ));
}

#[test]
fn empty_table_transforms_to_zero_rows() {
    let train = table(vec![num("a", &[1.0, 2.0])]);
    let fitted = FeatureParams::for_linear()
        .fit(&train, &schema_of(&train))
        .unwrap();
    let out = fitted.transform(&table(vec![num("a", &[])])).unwrap();
    assert_eq!(out.matrix.dim(), (0, 1));
    assert_eq!(out.log.rows_read, 0);
}

#[test]
fn logs_serialise_and_display() {
    let train = table(vec![
        num("a", &[1.0, f64::NAN, 3.0]),
        cat("c", &[Some("x"), Some("y"), None]),
    ]);
    let fitted = all_levels().fit(&train, &schema_of(&train)).unwrap();
    let out = fitted
        .transform(&table(vec![
            num("a", &[f64::NAN]),
            cat("c", &[Some("new")]),
        ]))
        .unwrap();
    let text = out.log.to_string();
    assert!(text.contains("a: 1 imputed"), "{text}");
    assert!(text.contains("1 unseen categories [new x1]"), "{text}");
    let json = serde_json::to_string(&out.log).unwrap();
    let back: TransformLog = serde_json::from_str(&json).unwrap();
    assert_eq!(back, out.log);
    let fit_text = fitted.fit_log().to_string();
    assert!(
        fit_text.contains("a (Numeric, 33.3% missing): impute 2, indicator"),
        "{fit_text}"
    );
    let json = serde_json::to_string(fitted.fit_log()).unwrap();
    let back: FitLog = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, fitted.fit_log());
}

/// Random mixed tables: 1..40 rows of numeric (with NaN and infinities), boolean and
/// categorical columns.
fn mixed_table() -> impl Strategy<Value = Table> {
    (1_usize..40).prop_flat_map(|n| {
        let number = prop_oneof![
            6 => -1e6_f64..1e6,
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
        ];
        let level = prop_oneof![
            4 => "[a-e]".prop_map(Some),
            1 => Just(None),
        ];
        let flag = prop_oneof![Just(Some(true)), Just(Some(false)), Just(None)];
        (
            prop::collection::vec(number.clone(), n),
            prop::collection::vec(number, n),
            prop::collection::vec(flag, n),
            prop::collection::vec(level, n),
        )
            .prop_map(|(a, b, f, c)| {
                let c: Vec<Option<&str>> = c.iter().map(|v| v.as_deref()).collect();
                table(vec![
                    num("a", &a),
                    num("b", &b),
                    boolean("f", &f),
                    cat("c", &c),
                ])
            })
    })
}

fn params_strategy() -> impl Strategy<Value = FeatureParams> {
    prop_oneof![
        Just(FeatureParams::for_linear()),
        Just(FeatureParams::for_trees()),
        Just(FeatureParams::for_linear().min_level_frequency(MinLevelFrequency::Count(3))),
        Just(
            FeatureParams::for_linear()
                .imputation(NumericImputation::Mean)
                .clip_to_training_range(true)
        ),
        Just(FeatureParams::for_linear().pca(Some(PcaComponents::VarianceRatio(0.9)))),
        Just(
            FeatureParams::for_trees()
                .categorical_missing(CategoricalMissing::OwnLevel)
                .encoding(CategoricalEncoding::Ordinal)
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn one_row_at_a_time_equals_all_at_once(
        train in mixed_table(),
        test in mixed_table(),
        params in params_strategy(),
    ) {
        let Ok(fitted) = params.fit(&train, &schema_of(&train)) else {
            // e.g. every column missing, or too few rows for PCA: nothing to compare.
            return Ok(());
        };
        let all = fitted.transform(&test).unwrap();
        prop_assert_eq!(all.matrix.ncols(), fitted.n_outputs());
        for row in 0..test.n_rows() {
            let alone = fitted.transform(&row_table(&test, row)).unwrap();
            for (x, y) in alone.matrix.row(0).iter().zip(all.matrix.row(row)) {
                prop_assert!(same_bits(*x, *y), "row {}: {} vs {}", row, x, y);
            }
        }
    }
}
