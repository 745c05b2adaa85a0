//! `pdscore inspect`: print the model card of a pipeline file.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pdscore::pipeline::Pipeline;

/// Arguments of `pdscore inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The pipeline file written by `pdscore train` or `pdscore evaluate --out`.
    pub model: PathBuf,
    /// Print the card as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Loads the file (checking version and checksum) and prints its card.
pub fn run(args: &InspectArgs) -> anyhow::Result<()> {
    let pipeline = Pipeline::load(&args.model)
        .with_context(|| format!("cannot load `{}`", args.model.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(pipeline.card())?);
    } else {
        print!("{}", pipeline.card().to_text());
    }
    Ok(())
}
