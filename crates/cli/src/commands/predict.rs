//! `pdscore predict`: score a CSV or Parquet file of any size with a saved pipeline, in
//! constant memory. The input and output formats follow the file extensions (`.parquet` or
//! `.pq` is Parquet, anything else CSV), so CSV in and Parquet out, and the reverse, work.
//!
//! Three stages run at once, joined by bounded queues (so at most a few chunks are in memory,
//! whatever the file size): a reader thread parses chunk k+1 while the main thread scores
//! chunk k (feature transform and model, both parallel over row blocks) and a writer thread
//! formats and writes chunk k-1. Each row's result depends on that row only, never on the
//! chunk it falls in.
//!
//! Where the time goes (perf, 500,000 synthetic Klarna rows, 100 MB, with the `gbm_balanced`
//! model of `cargo xtask evaluate`: 400 trees of up to 31 leaves): about 87 % of the CPU is
//! the tree walk in `FittedGbm::predict_raw` (~70,000 rows/s per core); parsing, transform and
//! writing together cost about 1 CPU-second per 100 MB. The GBM therefore bounds end-to-end
//! throughput; `cargo xtask bench-predict` measures it.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use pdscore::ingest::{
    ColumnData, CsvChunks, IngestError, ParquetChunks, TableChunk, is_parquet_path,
};
use pdscore::pipeline::{
    AtomicFile, Pipeline, Reason, ScoredArrow, ScoredCsv, ScoredParquetWriter, row_ids,
};

/// Default rows per chunk: large enough to amortise the per-chunk work, small enough for
/// constant memory (a few tens of MB for the Klarna layout).
const ROWS_PER_CHUNK: usize = 50_000;

/// Chunks waiting between two stages; with the chunk in each stage, at most
/// `3 + 2 * QUEUE_DEPTH` chunks are alive at once.
const QUEUE_DEPTH: usize = 1;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `id,pd,decision` with the input's delimiter, ids escaped against CSV and formula
    /// injection (see `pdscore::pipeline::output`).
    Csv,
    /// A JSON array of `{"id", "pd", "decision"}` objects.
    Json,
}

/// Arguments of `pdscore predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Pipeline file written by `pdscore train`.
    #[arg(long)]
    pub model: PathBuf,
    /// CSV or Parquet (`.parquet`, `.pq`) file to score (needs the id and feature columns of the
    /// training file; others are ignored).
    #[arg(long)]
    pub input: PathBuf,
    /// Output file [default: standard output]; a `.parquet` or `.pq` file is written as Parquet
    /// (`id`, `pd`, `decision` as string, double and boolean columns, `reason_k` strings).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Output format (for a Parquet output file, leave the default).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Add the N principal reasons of each row's score: the input columns that moved the
    /// model's score the most, largest first, with their signed contributions (positive raises
    /// the PD). CSV gets `reason_1..reason_N` cells such as `debt_ratio (+0.412)`; JSON a
    /// `reasons` array of `{"column", "contribution"}`. Exact TreeSHAP for tree models, linear
    /// terms for logistic regression, permutation Shapley values for the MLP.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub reasons: usize,
    /// Rows read and scored together (memory grows with it; results do not depend on it).
    #[arg(long, default_value_t = ROWS_PER_CHUNK, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub rows_per_chunk: usize,
}

/// One scored chunk on its way to the writer.
struct Scored {
    chunk: TableChunk,
    pd: Vec<f64>,
    /// The principal reasons of each row (empty without `--reasons`).
    reasons: Vec<Vec<Reason>>,
}

/// The input, chunk by chunk, whichever its format.
enum Chunks {
    Csv(CsvChunks<std::fs::File>),
    Parquet(ParquetChunks),
}

impl Iterator for Chunks {
    type Item = Result<TableChunk, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Chunks::Csv(c) => c.next(),
            Chunks::Parquet(p) => p.next(),
        }
    }
}

/// Where a chunk starts, for error messages: a line of a CSV file, a row of a Parquet file.
fn chunk_start(chunk: &TableChunk) -> String {
    if chunk.first_line > 0 {
        format!("line {}", chunk.first_line)
    } else {
        format!("row {}", chunk.first_row)
    }
}

/// Streams the input chunk by chunk and writes one line (or Parquet row) per row.
pub fn run(args: &PredictArgs, quiet: bool) -> anyhow::Result<()> {
    let pipeline = Pipeline::load(&args.model)
        .with_context(|| format!("cannot load `{}`", args.model.display()))?;
    let parquet_out = args.output.as_ref().is_some_and(is_parquet_path);
    if parquet_out && args.format == Format::Json {
        anyhow::bail!("--format json cannot be written to a Parquet file (`.parquet`, `.pq`)");
    }
    let options = pipeline.read_options();
    let (chunks, delimiter) = if is_parquet_path(&args.input) {
        let chunks = ParquetChunks::open(&args.input, &options, args.rows_per_chunk)
            .with_context(|| format!("cannot read `{}`", args.input.display()))?;
        (Chunks::Parquet(chunks), b',')
    } else {
        let chunks = CsvChunks::open(&args.input, &options, args.rows_per_chunk)
            .with_context(|| format!("cannot read `{}`", args.input.display()))?;
        let delimiter = chunks.delimiter();
        (Chunks::Csv(chunks), delimiter)
    };
    let sink = match &args.output {
        Some(path) if same_file(path, &args.input) => anyhow::bail!(
            "--output `{}` is the input file: scoring would overwrite the rows it reads; \
             choose another file",
            path.display()
        ),
        Some(path) => Sink::File(
            AtomicFile::create(path)
                .with_context(|| format!("cannot create `{}`", path.display()))?,
        ),
        None => Sink::Stdout(std::io::stdout()),
    };
    // Set by the scoring loop before it closes the channel, read by the writer after: the
    // output is completed (JSON's closing bracket, the file's rename) only after a success.
    let scoring_ok = AtomicBool::new(false);
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} scored {human_pos} rows ({per_sec}), {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let rows = RowSource {
        id_name: pipeline.schema().id.clone(),
        threshold_of: &pipeline,
    };
    // CSV goes through the pipeline's scored-row writer, the same escaping as every frontend.
    let id_name = rows.id_name.clone().unwrap_or_else(|| "row".to_owned());
    let arrow = ScoredArrow::new(&id_name).with_reasons(args.reasons);
    let csv = ScoredCsv::new(id_name, delimiter)?.with_reasons(args.reasons);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (chunk_tx, chunk_rx) = sync_channel(QUEUE_DEPTH);
        let (scored_tx, scored_rx) = sync_channel::<Scored>(QUEUE_DEPTH);
        scope.spawn(move || {
            for chunk in chunks {
                // The receiver is gone only when scoring stopped on an error.
                if chunk_tx.send(chunk).is_err() {
                    break;
                }
            }
        });
        let bar_ref = &bar;
        let rows_ref = &rows;
        let csv_ref = &csv;
        let arrow_ref = &arrow;
        let ok_ref = &scoring_ok;
        let format = if parquet_out { None } else { Some(args.format) };
        let with_reasons = args.reasons > 0;
        let writer = scope.spawn(move || -> std::io::Result<()> {
            let out = BufWriter::with_capacity(1 << 20, sink);
            let out = match format {
                None => {
                    let mut out =
                        ScoredParquetWriter::new(out, arrow_ref).map_err(std::io::Error::other)?;
                    for scored in scored_rx {
                        let (mut ids, mut decision) = (Vec::new(), Vec::new());
                        rows_ref.each(&scored, |id, _, d, _| {
                            ids.push(id.to_owned());
                            decision.push(d);
                            Ok(())
                        })?;
                        let batch = arrow_ref
                            .batch(
                                ids.iter().map(|s| Some(s.as_str())),
                                &scored.pd,
                                &decision,
                                &scored.reasons,
                            )
                            .map_err(std::io::Error::other)?;
                        out.write(&batch).map_err(std::io::Error::other)?;
                        bar_ref.inc(scored.pd.len() as u64);
                    }
                    out.finish().map_err(std::io::Error::other)?
                }
                Some(Format::Csv) => {
                    let mut out = csv_ref.writer(out)?;
                    for scored in scored_rx {
                        rows_ref.each(&scored, |id, p, decision, reasons| {
                            out.row_explained(id, p, decision, reasons)
                        })?;
                        bar_ref.inc(scored.pd.len() as u64);
                    }
                    out.finish()?
                }
                Some(Format::Json) => {
                    let mut out = out;
                    let mut text = vec![b'['];
                    let mut first = true;
                    for scored in scored_rx {
                        rows_ref.each(&scored, |id, p, decision, reasons| {
                            push_json_row(
                                &mut text,
                                first,
                                id,
                                p,
                                decision,
                                with_reasons.then_some(reasons),
                            );
                            first = false;
                            Ok(())
                        })?;
                        out.write_all(&text)?;
                        text.clear();
                        bar_ref.inc(scored.pd.len() as u64);
                    }
                    if ok_ref.load(Ordering::Acquire) {
                        text.extend_from_slice(b"\n]\n");
                        out.write_all(&text)?;
                    }
                    out
                }
            };
            let sink = out
                .into_inner()
                .map_err(std::io::IntoInnerError::into_error)?;
            sink.finish(ok_ref.load(Ordering::Acquire))
        });
        let scoring = (|| -> anyhow::Result<()> {
            let mut rows_scored = 0usize;
            for chunk in chunk_rx {
                let chunk =
                    chunk.with_context(|| format!("cannot read `{}`", args.input.display()))?;
                let pd = pipeline
                    .predict_proba(&chunk.table)
                    .with_context(|| format!("cannot score rows from {}", chunk_start(&chunk)))?;
                let reasons = if args.reasons > 0 {
                    let explained = pipeline.explain(&chunk.table).with_context(|| {
                        format!("cannot explain rows from {}", chunk_start(&chunk))
                    })?;
                    (0..explained.n_rows())
                        .map(|r| explained.reasons(r, args.reasons))
                        .collect()
                } else {
                    Vec::new()
                };
                rows_scored += pd.len();
                if scored_tx.send(Scored { chunk, pd, reasons }).is_err() {
                    break; // the writer failed: its error is reported below
                }
            }
            if rows_scored == 0 {
                // Agree with the library and the web API: a header-only file is an error, not
                // an empty result (regression: `score_header_only.csv` of the bad-input corpus).
                anyhow::bail!(
                    "cannot read `{}`: the input has a header but no data rows",
                    args.input.display()
                );
            }
            scoring_ok.store(true, Ordering::Release);
            Ok(())
        })();
        drop(scored_tx);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the output writer panicked"))?;
        scoring?;
        written.context("cannot write the output")
    })?;
    bar.finish_and_clear();
    Ok(())
}

/// Where the scored rows go: a file that appears only when complete, or standard output.
enum Sink {
    File(AtomicFile),
    Stdout(std::io::Stdout),
}

impl Sink {
    /// Completes the output after a successful run (`ok`), else abandons a file (nothing is
    /// left at the output path; an older file there is kept).
    fn finish(self, ok: bool) -> std::io::Result<()> {
        match self {
            Sink::File(file) if ok => file.commit(),
            Sink::File(file) => {
                drop(file);
                Ok(())
            }
            Sink::Stdout(mut out) => out.flush(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(file) => file.write(buf),
            Sink::Stdout(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(file) => file.flush(),
            Sink::Stdout(out) => out.flush(),
        }
    }
}

/// True when `output` names the file `input` is (after resolving links and `..`), so that
/// writing it would destroy the rows being read.
fn same_file(output: &Path, input: &Path) -> bool {
    let Ok(input) = input.canonicalize() else {
        return false;
    };
    if let Ok(output) = output.canonicalize() {
        return output == input;
    }
    // The output does not exist yet: compare its folder and name.
    let folder = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match (folder.canonicalize(), output.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name) == input,
        _ => false,
    }
}

/// Gives each scored row its id and decision without a per-row allocation.
struct RowSource<'a> {
    id_name: Option<String>,
    threshold_of: &'a Pipeline,
}

impl RowSource<'_> {
    /// Calls `row(id, pd, decision, reasons)` for each row of one scored chunk, in order.
    fn each(
        &self,
        scored: &Scored,
        mut row: impl FnMut(&str, f64, bool, &[Reason]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let table = &scored.chunk.table;
        let id_column = self
            .id_name
            .as_deref()
            .and_then(|name| table.column(name))
            .map(|c| &c.data);
        // Ids held as text (the usual case) are passed in place; other id kinds go through
        // `row_ids`, which gives them their text form.
        let other_ids = match id_column {
            Some(ColumnData::Categorical(_)) => None,
            _ => Some(row_ids(
                table,
                self.id_name.as_deref(),
                scored.chunk.first_row,
            )),
        };
        for (r, &p) in scored.pd.iter().enumerate() {
            let id = match (&other_ids, id_column) {
                (Some(ids), _) => ids[r].as_str(),
                (None, Some(ColumnData::Categorical(cat))) => cat.value(r).unwrap_or(""),
                (None, _) => "",
            };
            let reasons = scored.reasons.get(r).map_or(&[][..], Vec::as_slice);
            row(id, p, self.threshold_of.decide(p), reasons)?;
        }
        Ok(())
    }
}

/// Appends one `{"id", "pd", "decision"}` object of the JSON array, with a `"reasons"` array
/// when `reasons` is given; `first` says whether it is the array's first element.
fn push_json_row(
    text: &mut Vec<u8>,
    first: bool,
    id: &str,
    pd: f64,
    decision: bool,
    reasons: Option<&[Reason]>,
) {
    if !first {
        text.push(b',');
    }
    text.extend_from_slice(b"\n{\"id\":");
    push_json_string(text, id);
    // `write!` into a Vec cannot fail.
    let _ = write!(text, ",\"pd\":{pd},\"decision\":{decision}");
    if let Some(reasons) = reasons {
        text.extend_from_slice(b",\"reasons\":");
        // serde_json cannot fail on these plain structs (a non-finite contribution is `null`).
        let _ = serde_json::to_writer(&mut *text, reasons);
    }
    text.push(b'}');
}

/// Appends a JSON string literal.
fn push_json_string(text: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        text.push(b'"');
        text.extend_from_slice(s.as_bytes());
        text.push(b'"');
    } else {
        // Rare: escapes needed. serde_json cannot fail on a string.
        let _ = serde_json::to_writer(&mut *text, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        let mut t = Vec::new();
        push_json_string(&mut t, "abc");
        push_json_string(&mut t, "a\"b\n");
        assert_eq!(t, b"\"abc\"\"a\\\"b\\n\"");
    }
}
