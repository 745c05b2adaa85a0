//! Turning the target column into labels.
//!
//! ```
//! use pdscore_ingest::{ReadOptions, Schema, TargetSpec, labels::{labels, require_positives}};
//! let table = pdscore_ingest::read_csv(b"y,x\n0,1\n1,2\nNA,3\n", &ReadOptions::new())?;
//! let spec = TargetSpec { column: "y".into(), positive: None };
//! let y = labels(&table, &spec)?;
//! assert_eq!(y, vec![Some(false), Some(true), None]);
//! assert_eq!(require_positives(&y, &spec)?, 1);
//! # Ok::<(), pdscore_ingest::IngestError>(())
//! ```

use crate::csv::canonical_level;
use crate::error::IngestError;
use crate::schema::TargetSpec;
use crate::table::{ColumnData, MISSING_CODE, Table};

/// Values taken as "positive" when [`TargetSpec::positive`] is `None` (compared ignoring case).
pub const DEFAULT_POSITIVE_VALUES: [&str; 3] = ["1", "true", "yes"];

/// The target column's distinct non-missing values (first appearance order) and each row's
/// index into them.
fn distinct_values(data: &ColumnData) -> (Vec<String>, Vec<Option<usize>>) {
    match data {
        ColumnData::Categorical(c) => {
            let rows = c
                .codes
                .iter()
                .map(|&code| (code != MISSING_CODE).then_some(code as usize))
                .collect();
            (c.dictionary.to_vec(), rows)
        }
        ColumnData::Numeric(v) => {
            let mut values: Vec<String> = Vec::new();
            let rows = v
                .iter()
                .map(|x| {
                    if x.is_nan() {
                        return None;
                    }
                    let text = if x.fract() == 0.0 && x.abs() < 9.0e15 {
                        format!("{}", *x as i64)
                    } else {
                        format!("{x}")
                    };
                    Some(values.iter().position(|v| *v == text).unwrap_or_else(|| {
                        values.push(text);
                        values.len() - 1
                    }))
                })
                .collect();
            (values, rows)
        }
        ColumnData::Boolean(v) => {
            let mut values: Vec<String> = Vec::new();
            let rows = v
                .iter()
                .map(|b| {
                    let text = match b {
                        None => return None,
                        Some(true) => "true",
                        Some(false) => "false",
                    };
                    Some(values.iter().position(|v| v == text).unwrap_or_else(|| {
                        values.push(text.to_owned());
                        values.len() - 1
                    }))
                })
                .collect();
            (values, rows)
        }
    }
}

/// The labels of every row: `Some(true)` for the positive value, `Some(false)` for the other,
/// `None` for a missing cell (an unlabelled row to score).
///
/// Errors: the column is absent ([`IngestError::ColumnNotFound`]); more than two distinct
/// values ([`IngestError::TargetNotBinary`]); no positive value given and none of the values is
/// `1`/`true`/`yes` ([`IngestError::UnknownPositiveLabel`]); a positive value given that is not
/// among two values found ([`IngestError::PositiveNotFound`]). A column with one value and no
/// match is all-negative (a scoring set may hold no defaulter).
pub fn labels(table: &Table, target: &TargetSpec) -> Result<Vec<Option<bool>>, IngestError> {
    let column = table
        .column(&target.column)
        .ok_or_else(|| IngestError::ColumnNotFound {
            name: target.column.clone(),
        })?;
    let (values, rows) = distinct_values(&column.data);
    if values.len() > 2 {
        return Err(IngestError::TargetNotBinary {
            column: target.column.clone(),
            values,
        });
    }
    let positive_index = if let Some(p) = &target.positive {
        let p = String::from_utf8_lossy(canonical_level(p.trim().as_bytes())).into_owned();
        let found = values
            .iter()
            .position(|v| *v == p)
            .or_else(|| values.iter().position(|v| v.eq_ignore_ascii_case(&p)));
        if found.is_none() && values.len() == 2 {
            return Err(IngestError::PositiveNotFound {
                column: target.column.clone(),
                positive: p,
                values,
            });
        }
        found
    } else {
        let found = values.iter().position(|v| {
            DEFAULT_POSITIVE_VALUES
                .iter()
                .any(|d| v.eq_ignore_ascii_case(d))
        });
        // One value and no match is an all-negative column (as documented above); only two
        // values leave the positive one ambiguous.
        if found.is_none() && values.len() == 2 {
            return Err(IngestError::UnknownPositiveLabel {
                column: target.column.clone(),
                values,
            });
        }
        found
    };
    Ok(rows
        .into_iter()
        .map(|r| r.map(|i| Some(i) == positive_index))
        .collect())
}

/// The check callers make before training: at least one labelled row is positive. Returns the
/// number of positive rows.
pub fn require_positives(
    labels: &[Option<bool>],
    target: &TargetSpec,
) -> Result<usize, IngestError> {
    let positives = labels.iter().filter(|l| **l == Some(true)).count();
    if positives == 0 {
        return Err(IngestError::NoPositiveRows {
            column: target.column.clone(),
            positive: target
                .positive
                .clone()
                .unwrap_or_else(|| "1/true/yes".into()),
        });
    }
    Ok(positives)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{CategoricalColumn, Column};

    fn table(values: &[Option<&str>]) -> Table {
        Table::new(vec![Column {
            name: "y".into(),
            data: ColumnData::Categorical(CategoricalColumn::from_values(values)),
        }])
        .expect("table")
    }

    fn spec(positive: Option<&str>) -> TargetSpec {
        TargetSpec {
            column: "y".into(),
            positive: positive.map(str::to_owned),
        }
    }

    #[test]
    fn default_positive_is_detected() {
        let t = table(&[Some("no"), Some("yes"), None]);
        assert_eq!(
            labels(&t, &spec(None)).expect("ok"),
            vec![Some(false), Some(true), None]
        );
    }

    #[test]
    fn declared_positive_is_canonicalised() {
        let t = table(&[Some("0"), Some("1")]);
        assert_eq!(
            labels(&t, &spec(Some("1.0"))).expect("ok"),
            vec![Some(false), Some(true)]
        );
    }

    #[test]
    fn errors_list_the_values_found() {
        let t = table(&[Some("good"), Some("bad")]);
        match labels(&t, &spec(None)) {
            Err(IngestError::UnknownPositiveLabel { values, .. }) => {
                assert_eq!(values, ["good", "bad"]);
            }
            other => panic!("unexpected {other:?}"),
        }
        match labels(&t, &spec(Some("ugly"))) {
            Err(IngestError::PositiveNotFound { values, .. }) => assert_eq!(values.len(), 2),
            other => panic!("unexpected {other:?}"),
        }
        let t3 = table(&[Some("0"), Some("1"), Some("2")]);
        match labels(&t3, &spec(None)) {
            Err(IngestError::TargetNotBinary { values, .. }) => assert_eq!(values, ["0", "1", "2"]),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            labels(
                &t3,
                &TargetSpec {
                    column: "nope".into(),
                    positive: None
                }
            ),
            Err(IngestError::ColumnNotFound { .. })
        ));
    }

    #[test]
    fn no_positive_rows_is_a_training_error() {
        let t = table(&[Some("0"), Some("0"), None]);
        let y = labels(&t, &spec(Some("1"))).expect("all negative is a valid label set");
        assert_eq!(y, vec![Some(false), Some(false), None]);
        assert!(matches!(
            require_positives(&y, &spec(Some("1"))),
            Err(IngestError::NoPositiveRows { .. })
        ));
    }

    /// Regression (bad-input corpus, `train_all_negative.csv`): an all-`0` training target
    /// was reported as "cannot tell which value means default among 0" instead of "no
    /// positive rows".
    #[test]
    fn regression_all_negative_target_is_no_positive_rows_not_unknown_label() {
        let t = table(&[Some("0"), Some("0"), None]);
        let y = labels(&t, &spec(None)).expect("one value is an all-negative column");
        assert_eq!(y, vec![Some(false), Some(false), None]);
        assert!(matches!(
            require_positives(&y, &spec(None)),
            Err(IngestError::NoPositiveRows { .. })
        ));
    }

    #[test]
    fn numeric_and_boolean_targets() {
        let t = Table::new(vec![
            Column {
                name: "n".into(),
                data: ColumnData::Numeric(vec![0.0, 1.0, f64::NAN]),
            },
            Column {
                name: "b".into(),
                data: ColumnData::Boolean(vec![Some(true), Some(false), None]),
            },
        ])
        .expect("table");
        let n = TargetSpec {
            column: "n".into(),
            positive: None,
        };
        let b = TargetSpec {
            column: "b".into(),
            positive: None,
        };
        assert_eq!(
            labels(&t, &n).expect("n"),
            vec![Some(false), Some(true), None]
        );
        assert_eq!(
            labels(&t, &b).expect("b"),
            vec![Some(true), Some(false), None]
        );
    }
}
