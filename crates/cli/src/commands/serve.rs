//! `pdscore serve`: the web app and JSON API for a saved pipeline (see `pdscore-web`).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use pdscore_web::cli::ServeArgs;
use pdscore_web::{ModelSource, ServeConfig, init_tracing, serve};

/// Arguments of `pdscore serve`.
#[derive(Debug, Args)]
pub struct ServeCmdArgs {
    /// Pipeline file written by `pdscore train`.
    #[arg(long)]
    pub model: PathBuf,
    /// Address and limits.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Serves until Ctrl-C or SIGTERM.
pub fn run(args: &ServeCmdArgs) -> anyhow::Result<()> {
    init_tracing(args.serve.log_json);
    let config = ServeConfig::new(ModelSource::File(args.model.clone()))
        .addr(args.serve.addr)
        .limits(args.serve.limits());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(serve(config))
        .with_context(|| format!("cannot serve `{}`", args.model.display()))
}
