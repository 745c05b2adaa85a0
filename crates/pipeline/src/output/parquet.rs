//! Scored rows written as a Parquet file (cargo feature `parquet`, on by default), in the
//! layout of [`ScoredArrow`].

use std::io::Write;

use pdscore_ingest::arrow_array::RecordBatch;
use pdscore_ingest::parquet::arrow::ArrowWriter;
use pdscore_ingest::parquet::basic::Compression;
use pdscore_ingest::parquet::file::properties::WriterProperties;

use super::ScoredArrow;
use crate::error::{PipelineError, Result};

/// Rows per row group of a scored file: row groups are encoded in memory before they are
/// written, so this bounds the writer's memory (a few MB for `id, pd, decision`).
const ROWS_PER_ROW_GROUP: usize = 128 * 1024;

fn parquet_error(e: impl std::fmt::Display) -> PipelineError {
    PipelineError::Arrow(format!("parquet: {e}"))
}

/// Writes batches of scored rows ([`ScoredArrow::batch`]) to one snappy-compressed Parquet
/// file, row group by row group, in constant memory.
///
/// ```
/// use pdscore_pipeline::{ScoredArrow, ScoredParquetWriter};
/// let layout = ScoredArrow::new("id");
/// let mut writer = ScoredParquetWriter::new(Vec::new(), &layout)?;
/// writer.write(&layout.batch([Some("a")], &[0.25], &[false], &[])?)?;
/// let bytes = writer.finish()?;
/// assert_eq!(&bytes[..4], b"PAR1");
/// # Ok::<(), pdscore_pipeline::PipelineError>(())
/// ```
pub struct ScoredParquetWriter<W: Write + Send> {
    writer: ArrowWriter<W>,
}

impl<W: Write + Send> ScoredParquetWriter<W> {
    /// A writer of `layout`'s batches into `out`.
    ///
    /// # Errors
    /// [`PipelineError::Arrow`] when the writer cannot start.
    pub fn new(out: W, layout: &ScoredArrow) -> Result<Self> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROWS_PER_ROW_GROUP))
            .build();
        let writer =
            ArrowWriter::try_new(out, layout.schema(), Some(props)).map_err(parquet_error)?;
        Ok(ScoredParquetWriter { writer })
    }

    /// Appends one batch.
    ///
    /// # Errors
    /// [`PipelineError::Arrow`] on a write error or a batch of another layout.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer.write(batch).map_err(parquet_error)
    }

    /// Writes the last row group and the footer; returns the output.
    ///
    /// # Errors
    /// [`PipelineError::Arrow`] on a write error.
    pub fn finish(self) -> Result<W> {
        self.writer.into_inner().map_err(parquet_error)
    }
}
