//! Parquet files in and out (cargo feature `parquet`, on by default), through arrow-rs's
//! `parquet` crate: [`ParquetChunks`] streams a file batch by batch in constant memory, each
//! batch read by [`table_from_record_batch`] (so the cell rules are those of Arrow input and
//! CSV); [`write_parquet`] writes a table.

use std::fs::File;
use std::path::{Path, PathBuf};

use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::arrow::{table_from_record_batch, table_to_record_batch};
use crate::csv::{ReadOptions, TableChunk};
use crate::error::IngestError;
use crate::table::Table;

fn parquet_error(path: &Path, e: impl std::fmt::Display) -> IngestError {
    IngestError::Parquet {
        message: format!("`{}`: {e}", path.display()),
    }
}

/// True when `path` ends in `.parquet` or `.pq` (any case): the files pdscore reads and writes
/// as Parquet.
///
/// ```
/// assert!(pdscore_ingest::is_parquet_path("scores.PARQUET"));
/// assert!(pdscore_ingest::is_parquet_path("part-0.pq"));
/// assert!(!pdscore_ingest::is_parquet_path("rows.csv"));
/// ```
pub fn is_parquet_path(path: impl AsRef<Path>) -> bool {
    path.as_ref()
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
}

/// Reads a Parquet file in batches of up to `rows_per_chunk` rows. Memory is bounded by one
/// row group's column chunks (of the columns read) and one batch, whatever the file size: row
/// groups are read one after another, and only the columns the schema mentions are decoded.
///
/// Each batch becomes a [`TableChunk`] through [`table_from_record_batch`] with the options'
/// schema; its `first_line` is 0 (a Parquet file has no lines) and errors name rows counted
/// from the start of the file.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("pdscore-doc-pq-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// use pdscore_ingest::{Column, ColumnData, ParquetChunks, ReadOptions, Table, write_parquet};
/// let path = dir.join("x.parquet");
/// let table = Table::new(vec![Column { name: "x".into(), data: ColumnData::Numeric(vec![1.0, 2.0, 3.0]) }]).unwrap();
/// write_parquet(&table, &path)?;
/// let sizes: Vec<usize> = ParquetChunks::open(&path, &ReadOptions::new(), 2)?
///     .map(|c| c.map(|c| c.table.n_rows()))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(sizes, vec![2, 1]);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ParquetChunks {
    reader: ParquetRecordBatchReader,
    path: PathBuf,
    options: ReadOptions,
    next_row: u64,
    rows: u64,
    done: bool,
}

impl ParquetChunks {
    /// Opens a file and reads its footer; no row is read yet.
    pub fn open(
        path: impl AsRef<Path>,
        options: &ReadOptions,
        rows_per_chunk: usize,
    ) -> Result<Self, IngestError> {
        options.check()?;
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut builder =
            ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| parquet_error(path, e))?;
        let rows = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
        if let Some(schema) = options.schema_ref() {
            let wanted: Vec<usize> = builder
                .schema()
                .fields()
                .iter()
                .enumerate()
                .filter(|(_, f)| schema.mentions(f.name()))
                .map(|(i, _)| i)
                .collect();
            let mask = ProjectionMask::roots(builder.parquet_schema(), wanted);
            builder = builder.with_projection(mask);
        }
        let reader = builder
            .with_batch_size(rows_per_chunk.max(1))
            .build()
            .map_err(|e| parquet_error(path, e))?;
        Ok(ParquetChunks {
            reader,
            path: path.to_path_buf(),
            options: options.clone(),
            next_row: 0,
            rows,
            done: false,
        })
    }

    /// Number of rows in the file (from its footer).
    pub fn n_rows(&self) -> u64 {
        self.rows
    }
}

impl Iterator for ParquetChunks {
    type Item = Result<TableChunk, IngestError>;

    /// The next batch; a read error ends the iteration, a batch with bad values yields an
    /// `Err` and the iteration goes on.
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let batch = match self.reader.next()? {
            Ok(batch) => batch,
            Err(e) => {
                self.done = true;
                return Some(Err(parquet_error(&self.path, e)));
            }
        };
        let first_row = self.next_row;
        self.next_row += batch.num_rows() as u64;
        let id_column = self.options.schema_ref().and_then(|s| s.id.clone());
        Some(
            table_from_record_batch(&batch, &self.options, first_row)
                .map(|table| TableChunk::new(table, 0, first_row, id_column)),
        )
    }
}

/// Writes tables (chunks of one data set, all with the same columns and kinds) to one
/// snappy-compressed Parquet file, one row group per [`ParquetTableWriter::write`] call at most
/// a million rows, in memory proportional to one chunk. Columns are written as
/// [`table_to_record_batch`] writes them.
pub struct ParquetTableWriter<W: std::io::Write + Send> {
    writer: Option<ArrowWriter<W>>,
    out: Option<W>,
}

impl<W: std::io::Write + Send> ParquetTableWriter<W> {
    /// A writer into `out`; the file's schema is the first table's.
    pub fn new(out: W) -> Self {
        ParquetTableWriter {
            writer: None,
            out: Some(out),
        }
    }

    /// Appends the rows of `table`.
    ///
    /// # Errors
    /// [`IngestError::Parquet`] on a write error or a table whose columns differ from the
    /// first one's.
    pub fn write(&mut self, table: &Table) -> Result<(), IngestError> {
        let fail = |e: &dyn std::fmt::Display| IngestError::Parquet {
            message: e.to_string(),
        };
        let batch = table_to_record_batch(table).map_err(|e| fail(&e))?;
        if self.writer.is_none() {
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build();
            let out = self
                .out
                .take()
                .ok_or_else(|| fail(&"the writer has failed"))?;
            self.writer =
                Some(ArrowWriter::try_new(out, batch.schema(), Some(props)).map_err(|e| fail(&e))?);
        }
        let writer = self
            .writer
            .as_mut()
            .ok_or_else(|| fail(&"the writer has failed"))?;
        writer.write(&batch).map_err(|e| fail(&e))?;
        writer.flush().map_err(|e| fail(&e))
    }

    /// Writes the footer and returns the output. A writer that was given no table writes a
    /// file with no column.
    ///
    /// # Errors
    /// [`IngestError::Parquet`] on a write error.
    pub fn finish(self) -> Result<W, IngestError> {
        let fail = |e: &dyn std::fmt::Display| IngestError::Parquet {
            message: e.to_string(),
        };
        let writer = match (self.writer, self.out) {
            (Some(w), _) => w,
            (None, Some(out)) => ArrowWriter::try_new(
                out,
                std::sync::Arc::new(crate::arrow_schema::Schema::empty()),
                None,
            )
            .map_err(|e| fail(&e))?,
            (None, None) => return Err(fail(&"the writer has failed")),
        };
        writer.into_inner().map_err(|e| fail(&e))
    }
}

/// Writes a table as one Parquet file (see [`ParquetTableWriter`]).
pub fn write_parquet(table: &Table, path: impl AsRef<Path>) -> Result<(), IngestError> {
    let path = path.as_ref();
    let file = File::create(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut writer = ParquetTableWriter::new(std::io::BufWriter::new(file));
    writer.write(table).map_err(|e| parquet_error(path, e))?;
    let out = writer.finish().map_err(|e| parquet_error(path, e))?;
    out.into_inner()
        .map_err(|e| parquet_error(path, e.error()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CategoricalColumn, Column, ColumnData, ColumnKind, FeatureSpec, Schema};

    fn table(offset: usize, n: usize) -> Table {
        let rows = offset..offset + n;
        Table::new(vec![
            Column {
                name: "id".into(),
                data: ColumnData::Categorical(CategoricalColumn::from_values(
                    &rows
                        .clone()
                        .map(|r| Some(format!("r{r}")))
                        .collect::<Vec<_>>(),
                )),
            },
            Column {
                name: "x".into(),
                data: ColumnData::Numeric(
                    rows.clone()
                        .map(|r| if r % 5 == 0 { f64::NAN } else { r as f64 / 3.0 })
                        .collect(),
                ),
            },
            Column {
                name: "flag".into(),
                data: ColumnData::Boolean(
                    rows.clone()
                        .map(|r| (r % 4 != 0).then_some(r % 2 == 0))
                        .collect(),
                ),
            },
            Column {
                name: "unused".into(),
                data: ColumnData::Numeric(rows.map(|r| r as f64).collect()),
            },
        ])
        .expect("table")
    }

    #[test]
    fn tables_written_in_chunks_read_back_in_other_chunks() {
        let dir = tempfile_dir("chunks");
        let path = dir.join("t.parquet");
        let mut writer = ParquetTableWriter::new(File::create(&path).expect("create"));
        writer.write(&table(0, 70)).expect("write");
        writer.write(&table(70, 30)).expect("write");
        writer.finish().expect("finish");
        let schema = Schema {
            id: Some("id".into()),
            target: None,
            features: vec![
                FeatureSpec {
                    name: "flag".into(),
                    kind: ColumnKind::Boolean,
                },
                FeatureSpec {
                    name: "x".into(),
                    kind: ColumnKind::Numeric,
                },
            ],
        };
        let chunks =
            ParquetChunks::open(&path, &ReadOptions::new().schema(schema), 40).expect("open");
        assert_eq!(chunks.n_rows(), 100);
        let chunks: Vec<TableChunk> = chunks.collect::<Result<_, _>>().expect("read");
        assert_eq!(
            chunks
                .iter()
                .map(|c| (c.first_row, c.table.n_rows()))
                .collect::<Vec<_>>(),
            [(0, 40), (40, 40), (80, 20)]
        );
        let whole = table(0, 100);
        for chunk in &chunks {
            let names: Vec<&str> = chunk.table.column_names().collect();
            assert_eq!(
                names,
                ["id", "flag", "x"],
                "only the schema's columns, in its order"
            );
            let rows: Vec<usize> = (chunk.first_row as usize..)
                .take(chunk.table.n_rows())
                .collect();
            let want = whole.take_rows(&rows);
            let ids: Vec<Option<&str>> = chunk.ids().expect("ids").collect();
            let want_ids: Vec<String> = rows.iter().map(|r| format!("r{r}")).collect();
            assert_eq!(
                ids,
                want_ids
                    .iter()
                    .map(|s| Some(s.as_str()))
                    .collect::<Vec<_>>()
            );
            assert_eq!(chunk.table.column("flag"), want.column("flag"));
            match (
                &chunk.table.column("x").expect("x").data,
                &want.column("x").expect("x").data,
            ) {
                (ColumnData::Numeric(a), ColumnData::Numeric(b)) => assert!(
                    a.iter()
                        .zip(b)
                        .all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()))
                ),
                other => panic!("{other:?}"),
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn errors_name_the_file_the_column_or_the_row() {
        let dir = tempfile_dir("errors");
        assert!(matches!(
            ParquetChunks::open(dir.join("none.parquet"), &ReadOptions::new(), 10),
            Err(IngestError::Io { .. })
        ));
        let not_parquet = dir.join("x.parquet");
        std::fs::write(&not_parquet, b"a,b\n1,2\n").expect("write");
        let err = ParquetChunks::open(&not_parquet, &ReadOptions::new(), 10)
            .err()
            .expect("error");
        assert!(
            matches!(&err, IngestError::Parquet { message } if message.contains("x.parquet")),
            "{err}"
        );
        let path = dir.join("t.parquet");
        write_parquet(&table(0, 20), &path).expect("write");
        let schema = Schema {
            id: None,
            target: None,
            features: vec![FeatureSpec {
                name: "absent".into(),
                kind: ColumnKind::Numeric,
            }],
        };
        let mut chunks =
            ParquetChunks::open(&path, &ReadOptions::new().schema(schema), 10).expect("open");
        assert!(
            matches!(chunks.next(), Some(Err(IngestError::MissingColumns { names })) if names == ["absent"])
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("pdscore-parquet-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        dir
    }
}
