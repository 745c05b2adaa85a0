//! Monotone constraints end to end on the shipped synthetic sample (`data/klarna_synth_sample.csv`):
//! pipelines fitted with `age=-1,avg_payment_span_0_12m=+1` give calibrated PDs that are
//! monotone in those columns for every checked row and every value on a grid, for the GBM
//! (trees preset), the decision tree and the logistic regression (linear preset: scaled value,
//! missing indicator free); the same GBM fitted without constraints is not monotone; the
//! constraints are in the model card and survive the save/load round trip; bad names are
//! errors.

use pdscore_ingest::{Column, ColumnData, Table};
use pdscore_pipeline::{
    Comparison, CvSpec, EvaluateSpec, InputSpec, LabelledData, MonotoneSpec, Pipeline,
    PipelineError, TrainOptions, compare, read_training_csv,
};

const CONSTRAINTS: &str = "age=-1,avg_payment_span_0_12m=+1";

fn spec(models: &[&str], monotone: Option<&str>) -> EvaluateSpec {
    let path = pdscore_testkit::workspace_root().join("data/klarna_synth_sample.csv");
    let mut spec = EvaluateSpec::new(InputSpec::new(path, "default").id(Some("uuid".into())));
    spec.cv = CvSpec::default().folds(2);
    spec.models = Some(models.iter().map(|m| (*m).to_owned()).collect());
    spec.monotone = monotone.map(|m| m.parse().expect("constraints parse"));
    spec
}

/// The labelled rows and the comparison of `spec`'s candidates.
fn compared(spec: &EvaluateSpec) -> (LabelledData, Comparison) {
    let input = read_training_csv(&spec.input).expect("the sample reads");
    if let Some(m) = &spec.monotone {
        m.check(&input.schema).expect("constraints fit the schema");
    }
    let data = LabelledData::new(&input.table, &input.schema, None).expect("labelled rows");
    let candidates = spec.candidates().expect("candidates");
    let comparison = compare(&data, &candidates, &spec.cv, None).expect("comparison");
    (data, comparison)
}

fn pipeline(data: &LabelledData, comparison: &Comparison, name: &str) -> Pipeline {
    let options = TrainOptions {
        candidate: Some(name.to_owned()),
        created_at: Some("2026-01-01T00:00:00Z".into()),
        ..TrainOptions::default()
    };
    Pipeline::fit(data, comparison, &options).expect("pipeline fits")
}

/// `table` with numeric column `name` set to `value` in every row.
fn with_value(table: &Table, name: &str, value: f64) -> Table {
    let columns = table
        .columns()
        .iter()
        .map(|c| {
            if c.name == name {
                Column {
                    name: c.name.clone(),
                    data: ColumnData::Numeric(vec![value; table.n_rows()]),
                }
            } else {
                c.clone()
            }
        })
        .collect();
    Table::new(columns).expect("same lengths")
}

/// A grid from below the smallest to above the largest non-missing value of column `name`.
fn grid(table: &Table, name: &str) -> Vec<f64> {
    let Some(ColumnData::Numeric(values)) = table.column(name).map(|c| &c.data) else {
        panic!("{name} is not numeric");
    };
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let span = hi - lo;
    (0..=40)
        .map(|k| lo - 0.05 * span + 1.1 * span * f64::from(k) / 40.0)
        .collect()
}

/// The largest move of the PD against `direction` over the grid of `column`, over `rows`.
fn worst_violation(pipeline: &Pipeline, rows: &Table, column: &str, direction: f64) -> f64 {
    let mut previous: Option<Vec<f64>> = None;
    let mut worst = 0.0f64;
    for value in grid(rows, column) {
        let pd = pipeline
            .predict_proba(&with_value(rows, column, value))
            .expect("scores");
        if let Some(prev) = &previous {
            for (a, b) in prev.iter().zip(&pd) {
                worst = worst.max(direction * (a - b));
            }
        }
        previous = Some(pd);
    }
    worst
}

fn some_rows(data: &LabelledData) -> Table {
    let rows: Vec<usize> = (0..data.table.n_rows()).step_by(97).collect();
    data.table.take_rows(&rows)
}

#[test]
fn constrained_pipelines_give_monotone_pds_and_keep_the_constraints() {
    let spec = spec(&["gbm", "decision_tree", "logreg"], Some(CONSTRAINTS));
    let (data, comparison) = compared(&spec);
    let rows = some_rows(&data);
    let expected: MonotoneSpec = CONSTRAINTS.parse().unwrap();
    for name in ["gbm", "decision_tree", "logreg"] {
        let fitted = pipeline(&data, &comparison, name);
        for (column, direction) in [("age", -1.0), ("avg_payment_span_0_12m", 1.0)] {
            let worst = worst_violation(&fitted, &rows, column, direction);
            assert!(
                worst <= 1e-12,
                "{name} {column}: PD moves {worst} the wrong way"
            );
        }
        assert_eq!(fitted.card().model.monotone.as_ref(), Some(&expected));
        let loaded = Pipeline::from_bytes(&fitted.to_bytes().unwrap(), "monotone").unwrap();
        assert_eq!(loaded.card().model.monotone.as_ref(), Some(&expected));
        assert_eq!(
            loaded.predict_proba(&rows).unwrap(),
            fitted.predict_proba(&rows).unwrap()
        );
    }
    // The saved GBM carries one entry per model input: the two value columns constrained.
    let gbm = pipeline(&data, &comparison, "gbm");
    let json = serde_json::to_value(gbm.model()).unwrap();
    let entries = json["params"]["monotone_constraints"].as_array().unwrap();
    assert_eq!(entries.len(), gbm.features().n_outputs());
    let names = gbm.features().output_names();
    for (name, entry) in names.iter().zip(entries) {
        let expected = match name.as_str() {
            "age" => -1,
            "avg_payment_span_0_12m" => 1,
            _ => 0,
        };
        assert_eq!(entry.as_i64(), Some(expected), "{name}");
    }
}

#[test]
fn the_unconstrained_gbm_is_not_monotone_in_those_columns() {
    let spec = spec(&["gbm"], None);
    let (data, comparison) = compared(&spec);
    let fitted = pipeline(&data, &comparison, "gbm");
    assert!(fitted.card().model.monotone.is_none());
    let rows = some_rows(&data);
    let worst = worst_violation(&fitted, &rows, "avg_payment_span_0_12m", 1.0)
        .max(worst_violation(&fitted, &rows, "age", -1.0));
    assert!(worst > 1e-6, "the unconstrained GBM is already monotone");
}

#[test]
fn bad_constraints_are_clear_errors() {
    let input = read_training_csv(&spec(&["gbm"], None).input).unwrap();
    let unknown: MonotoneSpec = "not_a_column=+1".parse().unwrap();
    let err = unknown.check(&input.schema).unwrap_err().to_string();
    assert!(err.contains("not_a_column") && err.contains("age"), "{err}");
    let categorical: MonotoneSpec = "merchant_group=+1".parse().unwrap();
    let err = categorical.check(&input.schema).unwrap_err().to_string();
    assert!(err.contains("categorical"), "{err}");
    // A named candidate that cannot honour constraints is refused; the default list drops it.
    let err = spec(&["mlp"], Some("age=-1")).candidates().unwrap_err();
    assert!(
        matches!(
            err,
            PipelineError::InvalidParam {
                name: "monotone",
                ..
            }
        ),
        "{err}"
    );
    let mut all = spec(&[], Some("age=-1"));
    all.models = None;
    let names: Vec<String> = all
        .candidates()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(names.contains(&"gbm".to_owned()) && !names.contains(&"mlp".to_owned()));
    assert!(!names.contains(&"scorecard".to_owned()));
}
