//! Out-of-time validation: the split by a time column (numbers or sortable text), the time
//! column kept out of the features, and figures equal to fitting the candidate on the earlier
//! rows by hand and scoring the later ones.

use std::fmt::Write as _;

use pdscore_ingest::{CategoricalColumn, Column, ColumnData, Schema, Table};
use pdscore_metrics::roc_auc_score;
use pdscore_pipeline::{
    CvSpec, EvaluateSpec, InputSpec, LabelledData, OutOfTimeSpec, Pipeline, TrainOptions, compare,
    default_candidates, evaluate, out_of_time, split_by_time, take_rows,
};

/// Rows over 12 months; from month 9 on the default rate is higher for the same features.
fn timed(n: usize) -> (Table, Vec<String>) {
    let mut state = 7u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut a, mut b, mut month, mut target) = (vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let m = 1 + i % 12;
        let (x1, x2) = (next() * 4.0 - 2.0, next() * 4.0 - 2.0);
        let shift = if m >= 9 { 0.8 } else { 0.0 };
        let z = -3.0 + 1.1 * x1 - 0.7 * x2 + shift;
        a.push(x1);
        b.push(x2);
        month.push(format!("2024-{m:02}"));
        target.push(f64::from(u8::from(next() < 1.0 / (1.0 + (-z).exp()))));
    }
    let months: Vec<Option<&str>> = month.iter().map(|m| Some(m.as_str())).collect();
    let table = Table::new(vec![
        Column {
            name: "a".into(),
            data: ColumnData::Numeric(a),
        },
        Column {
            name: "b".into(),
            data: ColumnData::Numeric(b),
        },
        Column {
            name: "month".into(),
            data: ColumnData::Categorical(CategoricalColumn::from_values(&months)),
        },
        Column {
            name: "default".into(),
            data: ColumnData::Numeric(target),
        },
    ])
    .expect("equal lengths");
    (table, month)
}

#[test]
fn the_split_follows_the_time_column() {
    let (table, month) = timed(240);
    let spec = OutOfTimeSpec {
        column: "month".into(),
        test_from: "2024-09".into(),
    };
    let split = split_by_time(&table, &spec).unwrap();
    for (p, m) in split.iter().zip(&month) {
        assert_eq!(*p, Some(m.as_str() >= "2024-09"));
    }
    let numeric = Table::new(vec![Column {
        name: "t".into(),
        data: ColumnData::Numeric(vec![1.0, 5.0, f64::NAN, 9.0]),
    }])
    .unwrap();
    let by_number = OutOfTimeSpec {
        column: "t".into(),
        test_from: "5".into(),
    };
    assert_eq!(
        split_by_time(&numeric, &by_number).unwrap(),
        [Some(false), Some(true), None, Some(true)]
    );
    for bad in [
        OutOfTimeSpec {
            column: "t".into(),
            test_from: "May".into(),
        },
        OutOfTimeSpec {
            column: "absent".into(),
            test_from: "1".into(),
        },
    ] {
        assert!(split_by_time(&numeric, &bad).is_err(), "{bad:?}");
    }
}

#[test]
fn figures_equal_a_fit_on_the_earlier_rows_by_hand() {
    let (table, month) = timed(3000);
    let mut schema = Schema::infer(&table, Some("default"), None).unwrap();
    schema.features.retain(|f| f.name != "month");
    let data = LabelledData::new(&table, &schema, None).unwrap();
    let candidates: Vec<_> = default_candidates(0)
        .into_iter()
        .filter(|c| c.name == "logreg")
        .collect();
    let cv = CvSpec::default().folds(3);
    let comparison = compare(&data, &candidates, &cv, None).unwrap();
    let spec = OutOfTimeSpec {
        column: "month".into(),
        test_from: "2024-09".into(),
    };
    let oot = out_of_time(&data, &comparison, &spec).unwrap();
    assert_eq!(oot.train_rows + oot.test_rows, 3000);
    assert_eq!(oot.test_rows, 1000);
    assert_eq!(oot.rows.len(), 1);
    // by hand: the earlier rows compared and fitted, the later rows scored
    let train: Vec<usize> = (0..3000)
        .filter(|&i| month[i].as_str() < "2024-09")
        .collect();
    let test: Vec<usize> = (0..3000)
        .filter(|&i| month[i].as_str() >= "2024-09")
        .collect();
    let early = LabelledData::new(&take_rows(&table, &train), &schema, None).unwrap();
    let early_comparison = compare(&early, &candidates, &cv, None).unwrap();
    let pipeline = Pipeline::fit(&early, &early_comparison, &TrainOptions::default()).unwrap();
    let pd = pipeline.predict_proba(&take_rows(&table, &test)).unwrap();
    let y: Vec<bool> = test.iter().map(|&i| data.y[i]).collect();
    let by_hand = roc_auc_score(&y, &pd, None).unwrap();
    assert_eq!(oot.rows[0].roc_auc, by_hand);
    // the later period defaults more than the model learnt: its PDs are too low there
    assert!(
        oot.rows[0].mean_pd_ratio < 0.9,
        "{}",
        oot.rows[0].mean_pd_ratio
    );
}

#[test]
fn evaluate_keeps_the_time_column_out_of_the_features() {
    let (table, _) = timed(2400);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("timed.csv");
    let mut csv = String::from("a,b,month,default\n");
    for row in 0..table.n_rows() {
        let num = |name: &str| match &table.column(name).unwrap().data {
            ColumnData::Numeric(v) => v[row],
            _ => unreachable!("numeric"),
        };
        let month = match &table.column("month").unwrap().data {
            ColumnData::Categorical(c) => c.value(row).unwrap().to_owned(),
            _ => unreachable!("text"),
        };
        let _ = writeln!(csv, "{},{},{month},{}", num("a"), num("b"), num("default"));
    }
    std::fs::write(&path, csv).unwrap();
    let mut spec = EvaluateSpec::new(InputSpec::new(&path, "default"));
    spec.models = Some(vec!["logreg".into()]);
    spec.cv = CvSpec::default().folds(3);
    spec.out_of_time = Some(OutOfTimeSpec {
        column: "month".into(),
        test_from: "2024-09".into(),
    });
    let evaluated = evaluate(&spec, None).unwrap();
    assert!(
        evaluated
            .pipeline
            .features()
            .output_names()
            .iter()
            .all(|n| !n.contains("month")),
        "{:?}",
        evaluated.pipeline.features().output_names()
    );
    let oot = evaluated.out_of_time.as_ref().expect("out-of-time figures");
    assert_eq!(oot.test_rows, 800);
    assert!(evaluated.results().unwrap().out_of_time.is_some());
    assert!(evaluated.summary_text().contains("out of time"));
}
