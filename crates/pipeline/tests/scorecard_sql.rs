//! The SQL export of a scorecard, run in a real engine: the `scorecard` candidate is trained on
//! the shipped synthetic sample (`data/klarna_synth_sample.csv`), every row of the sample (and a
//! few rows with unseen levels, missing cells and out-of-range values) goes into an in-memory
//! SQLite table with the original column names, and the exported `SELECT` must give every row
//! exactly the points and the score the Rust scorecard gives it.

use std::collections::HashMap;

use pdscore_ingest::{CategoricalColumn, Column, ColumnData, Table};
use pdscore_pipeline::{
    CvSpec, InputSpec, LabelledData, Pipeline, Scorecard, ScorecardParams, TrainOptions, compare,
    default_candidates, read_training_csv,
};
use rusqlite::Connection;
use rusqlite::types::Value;

/// The sample, its scorecard pipeline and the table of rows to score.
fn trained() -> (Pipeline, Table) {
    let path = pdscore_testkit::workspace_root().join("data/klarna_synth_sample.csv");
    let input = read_training_csv(&InputSpec::new(path, "default").id(Some("uuid".into())))
        .expect("the shipped sample reads");
    let data = LabelledData::new(&input.table, &input.schema, None).expect("labelled rows");
    let candidate = default_candidates(0)
        .into_iter()
        .find(|c| c.name == "scorecard")
        .expect("a scorecard candidate");
    let comparison = compare(&data, &[candidate], &CvSpec::default().folds(3), None)
        .expect("the comparison runs");
    let pipeline = Pipeline::fit(&data, &comparison, &TrainOptions::default()).expect("fit");
    let rows = with_odd_rows(&input.table);
    (pipeline, rows)
}

/// `table` plus three rows: every cell missing; unseen levels and far out-of-range numbers; a
/// level with a quote in it. Ids `odd-0..2`.
fn with_odd_rows(table: &Table) -> Table {
    let n = table.n_rows();
    let columns = table
        .columns()
        .iter()
        .map(|c| {
            let data = match &c.data {
                ColumnData::Numeric(v) => {
                    let mut v = v.clone();
                    v.extend([f64::NAN, 1e12, -1e12]);
                    ColumnData::Numeric(v)
                }
                ColumnData::Boolean(v) => {
                    let mut v = v.clone();
                    v.extend([None, Some(true), Some(false)]);
                    ColumnData::Boolean(v)
                }
                ColumnData::Categorical(cat) => {
                    let mut values: Vec<Option<String>> =
                        (0..n).map(|i| cat.value(i).map(str::to_owned)).collect();
                    if c.name == "uuid" {
                        values.extend((0..3).map(|k| Some(format!("odd-{k}"))));
                    } else {
                        values.extend([
                            None,
                            Some("never seen".to_owned()),
                            Some("O'Brien's \"shop\"".to_owned()),
                        ]);
                    }
                    ColumnData::Categorical(CategoricalColumn::from_values(&values))
                }
            };
            Column {
                name: c.name.clone(),
                data,
            }
        })
        .collect();
    Table::new(columns).expect("same lengths")
}

/// An in-memory SQLite table `klarna` with the columns of `table` (REAL, INTEGER 0/1 for
/// booleans, TEXT) and its rows, missing cells as NULL.
fn sqlite(table: &Table) -> Connection {
    let mut db = Connection::open_in_memory().expect("SQLite");
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let defs: Vec<String> = table
        .columns()
        .iter()
        .map(|c| {
            let kind = match c.data {
                ColumnData::Numeric(_) => "REAL",
                ColumnData::Boolean(_) => "INTEGER",
                ColumnData::Categorical(_) => "TEXT",
            };
            format!("{} {kind}", quote(&c.name))
        })
        .collect();
    db.execute(&format!("CREATE TABLE klarna ({})", defs.join(", ")), [])
        .expect("create");
    let tx = db.transaction().expect("transaction");
    {
        let marks = vec!["?"; table.columns().len()].join(", ");
        let mut insert = tx
            .prepare(&format!("INSERT INTO klarna VALUES ({marks})"))
            .expect("prepare");
        for row in 0..table.n_rows() {
            let values: Vec<Value> = table
                .columns()
                .iter()
                .map(|c| match &c.data {
                    ColumnData::Numeric(v) if v[row].is_finite() => Value::Real(v[row]),
                    ColumnData::Boolean(v) => {
                        v[row].map_or(Value::Null, |b| Value::Integer(b.into()))
                    }
                    ColumnData::Categorical(cat) => cat
                        .value(row)
                        .map_or(Value::Null, |s| Value::Text(s.to_owned())),
                    ColumnData::Numeric(_) => Value::Null,
                })
                .collect();
            insert
                .execute(rusqlite::params_from_iter(values))
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    db
}

/// Runs `card.to_sql("klarna")`: score by id.
fn sql_scores(db: &Connection, card: &Scorecard) -> HashMap<String, f64> {
    let sql = card.to_sql("klarna");
    let mut stmt = db.prepare(&sql).unwrap_or_else(|e| panic!("{e}\n{sql}"));
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

fn ids(table: &Table) -> Vec<String> {
    let Some(ColumnData::Categorical(cat)) = table.column("uuid").map(|c| &c.data) else {
        panic!("uuid column")
    };
    (0..table.n_rows())
        .map(|i| cat.value(i).expect("an id").to_owned())
        .collect()
}

#[test]
fn the_exported_sql_gives_every_row_the_rust_scorecards_points() {
    let (pipeline, table) = trained();
    let card = Scorecard::from_pipeline(&pipeline, ScorecardParams::new()).expect("a scorecard");
    assert!(card.columns().len() >= 5, "{}", card.to_markdown());
    let db = sqlite(&table);
    let points = card.points(&table).expect("points");
    let scores = card.score(&table).expect("scores");
    let ids = ids(&table);

    // The whole SELECT: the same total per row, exactly.
    let from_sql = sql_scores(&db, &card);
    assert_eq!(from_sql.len(), table.n_rows());
    for (id, score) in ids.iter().zip(&scores) {
        assert_eq!(from_sql[id], *score, "row {id}");
    }
    // Each column's CASE: the same points per row, exactly.
    for (j, column) in card.columns().iter().enumerate() {
        let case = card.sql_case(j).expect("a column");
        let mut stmt = db
            .prepare(&format!("SELECT {case} FROM klarna ORDER BY rowid"))
            .expect("prepare");
        let got: Vec<f64> = stmt
            .query_map([], |r| r.get::<_, f64>(0))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect();
        for (row, g) in got.iter().enumerate() {
            assert_eq!(
                *g, points[row][j],
                "column {}, row {row}: {case}",
                column.name
            );
        }
    }
    // The odd rows reached the missing, unseen and extreme bins and still agree.
    let n = table.n_rows();
    assert!(
        points[n - 3]
            .iter()
            .zip(&points[n - 2])
            .any(|(a, b)| a != b)
    );
}

#[test]
fn unrounded_points_agree_with_sql_to_the_last_bits() {
    let (pipeline, table) = trained();
    let card = Scorecard::from_pipeline(&pipeline, ScorecardParams::new().round(false))
        .expect("a scorecard");
    let db = sqlite(&table);
    let scores = card.score(&table).expect("scores");
    let from_sql = sql_scores(&db, &card);
    for (id, score) in ids(&table).iter().zip(&scores) {
        let got = from_sql[id];
        assert!(got == *score, "row {id}: SQL {got}, Rust {score}");
    }
}
