//! Scored rows as Arrow record batches: the layout of the Python `score_batch`, the Spark and
//! Ray recipes and Parquet output.

use std::sync::Arc;

use pdscore_ingest::arrow_array::builder::StringBuilder;
use pdscore_ingest::arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray,
};
use pdscore_ingest::arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::error::{PipelineError, Result};
use crate::explain::Reason;

/// The layout of scored rows as Arrow: `<id>` (`Utf8`), `pd` (`Float64`), `decision`
/// (`Boolean`), then `reason_1..reason_N` (`Utf8`, each `column (+0.412)` as in CSV, null past
/// a row's last reason).
///
/// Cells are typed, so ids are written as they are: the formula escaping of the CSV writer
/// ([`push_cell`](super::push_cell)) is for spreadsheets reading text and does not apply.
///
/// ```
/// use pdscore_pipeline::{Reason, ScoredArrow};
/// let layout = ScoredArrow::new("uuid").with_reasons(1);
/// let reason = Reason { column: "age".into(), contribution: -0.25 };
/// let batch = layout.batch([Some("a"), None], &[0.1, 0.7], &[false, true], &[vec![reason], vec![]])?;
/// assert_eq!(batch.schema().field(0).name(), "uuid");
/// assert_eq!(batch.num_columns(), 4);
/// assert_eq!(batch.column(3).null_count(), 1);
/// # Ok::<(), pdscore_pipeline::PipelineError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ScoredArrow {
    schema: SchemaRef,
    reasons: usize,
}

impl ScoredArrow {
    /// The layout with the id column called `id_name` and no reason columns.
    pub fn new(id_name: &str) -> Self {
        Self::layout(id_name, 0)
    }

    fn layout(id_name: &str, reasons: usize) -> Self {
        let mut fields = vec![
            Field::new(id_name, DataType::Utf8, true),
            Field::new("pd", DataType::Float64, true),
            Field::new("decision", DataType::Boolean, true),
        ];
        fields
            .extend((1..=reasons).map(|k| Field::new(format!("reason_{k}"), DataType::Utf8, true)));
        ScoredArrow {
            schema: Arc::new(Schema::new(fields)),
            reasons,
        }
    }

    /// The same layout with `n` reason columns `reason_1..reason_n`.
    pub fn with_reasons(self, n: usize) -> Self {
        Self::layout(self.schema.field(0).name(), n)
    }

    /// The number of reason columns.
    pub fn reasons(&self) -> usize {
        self.reasons
    }

    /// The schema of every batch of this layout.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// One batch of scored rows. `reasons` holds each row's reasons (largest first; only the
    /// first [`reasons`](Self::reasons) are written) and may be empty when the layout has no
    /// reason columns.
    ///
    /// # Errors
    /// [`PipelineError::Table`] when the lengths of `ids`, `pd`, `decision` and a non-empty
    /// `reasons` differ.
    pub fn batch<'a>(
        &self,
        ids: impl IntoIterator<Item = Option<&'a str>>,
        pd: &[f64],
        decision: &[bool],
        reasons: &[Vec<Reason>],
    ) -> Result<RecordBatch> {
        let ids: StringArray = ids.into_iter().collect();
        let n = pd.len();
        let reasons_ok = reasons.len() == n || (reasons.is_empty() && self.reasons == 0);
        if ids.len() != n || decision.len() != n || !reasons_ok {
            return Err(PipelineError::Table(format!(
                "scored rows of different lengths: {} ids, {n} PDs, {} decisions, {} reason lists",
                ids.len(),
                decision.len(),
                reasons.len()
            )));
        }
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(ids),
            Arc::new(Float64Array::from(pd.to_vec())),
            Arc::new(BooleanArray::from(decision.to_vec())),
        ];
        for k in 0..self.reasons {
            let mut column = StringBuilder::with_capacity(n, n * 16);
            for row in reasons {
                column.append_option(row.get(k).map(ToString::to_string));
            }
            columns.push(Arc::new(column.finish()));
        }
        RecordBatch::try_new(self.schema(), columns)
            .map_err(|e| PipelineError::Arrow(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdscore_ingest::arrow_array::cast::AsArray;

    #[test]
    fn writes_ids_pds_decisions_and_reasons_in_order() {
        let layout = ScoredArrow::new("id").with_reasons(2);
        let reasons = vec![
            vec![
                Reason {
                    column: "age".into(),
                    contribution: 0.4123,
                },
                Reason {
                    column: "debt".into(),
                    contribution: -0.1,
                },
            ],
            vec![Reason {
                column: "debt".into(),
                contribution: 0.2,
            }],
        ];
        let batch = layout
            .batch(
                [Some("=1+2"), Some("b")],
                &[0.25, 0.5],
                &[false, true],
                &reasons,
            )
            .expect("batch");
        let schema = batch.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["id", "pd", "decision", "reason_1", "reason_2"]);
        assert_eq!(batch.column(0).as_string::<i32>().value(0), "=1+2");
        assert_eq!(
            batch
                .column(1)
                .as_primitive::<pdscore_ingest::arrow_array::types::Float64Type>()
                .values()[1],
            0.5
        );
        assert!(batch.column(2).as_boolean().value(1));
        assert_eq!(batch.column(3).as_string::<i32>().value(0), "age (+0.412)");
        assert_eq!(batch.column(4).as_string::<i32>().value(0), "debt (-0.100)");
        assert!(batch.column(4).is_null(1));
        assert!(matches!(
            layout.batch([Some("a")], &[0.1, 0.2], &[true, true], &[]),
            Err(PipelineError::Table(_))
        ));
    }
}
