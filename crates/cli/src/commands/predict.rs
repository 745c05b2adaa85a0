//! `pdscore predict`: score a CSV of any size with a saved pipeline, in constant memory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use pdscore::ingest::CsvChunks;
use pdscore::pipeline::{Pipeline, row_ids};

/// Rows per chunk: large enough to amortise the per-chunk work, small enough for constant
/// memory (a few tens of MB for the Klarna layout).
const ROWS_PER_CHUNK: usize = 50_000;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `id,pd,decision` with the input's delimiter.
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
    /// CSV to score (needs the id and feature columns of the training file; others are ignored).
    #[arg(long)]
    pub input: PathBuf,
    /// Output file [default: standard output].
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
}

/// Streams the input chunk by chunk and writes one line per row.
pub fn run(args: &PredictArgs, quiet: bool) -> anyhow::Result<()> {
    let pipeline = Pipeline::load(&args.model)
        .with_context(|| format!("cannot load `{}`", args.model.display()))?;
    let chunks = CsvChunks::open(&args.input, &pipeline.read_options(), ROWS_PER_CHUNK)
        .with_context(|| format!("cannot read `{}`", args.input.display()))?;
    let delimiter = chunks.delimiter() as char;
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create `{}`", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, sink);
    let id_name = pipeline.schema().id.clone().unwrap_or_else(|| "row".into());
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} scored {human_pos} rows ({per_sec}), {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    match args.format {
        Format::Csv => writeln!(
            out,
            "{}{delimiter}pd{delimiter}decision",
            quote(&id_name, delimiter)
        )?,
        Format::Json => write!(out, "[")?,
    }
    let mut first = true;
    for chunk in chunks {
        let chunk = chunk.with_context(|| format!("cannot read `{}`", args.input.display()))?;
        let pd = pipeline
            .predict_proba(&chunk.table)
            .with_context(|| format!("cannot score rows from line {}", chunk.first_line))?;
        let ids = row_ids(
            &chunk.table,
            pipeline.schema().id.as_deref(),
            chunk.first_row,
        );
        for (id, p) in ids.iter().zip(&pd) {
            let decision = u8::from(pipeline.decide(*p));
            match args.format {
                Format::Csv => writeln!(
                    out,
                    "{}{delimiter}{p}{delimiter}{decision}",
                    quote(id, delimiter)
                )?,
                Format::Json => {
                    if !first {
                        write!(out, ",")?;
                    }
                    write!(
                        out,
                        "\n{{\"id\":{},\"pd\":{p},\"decision\":{}}}",
                        serde_json::to_string(id)?,
                        decision == 1
                    )?;
                }
            }
            first = false;
        }
        bar.inc(pd.len() as u64);
    }
    if first {
        // Agree with the library and the web API: a header-only file is an error, not an
        // empty result (regression: `score_header_only.csv` of the bad-input corpus).
        anyhow::bail!(
            "cannot read `{}`: the input has a header but no data rows",
            args.input.display()
        );
    }
    if args.format == Format::Json {
        writeln!(out, "\n]")?;
    }
    out.flush().context("cannot write the output")?;
    bar.finish_and_clear();
    Ok(())
}

/// Quotes a CSV field when it contains the delimiter, a quote or a line break.
fn quote(field: &str, delimiter: char) -> std::borrow::Cow<'_, str> {
    if field.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
    }
}
