//! `pdscore-web`: serves a saved model, or one trained at start-up on the shipped sample
//! (`cargo run --release -p pdscore-web`).

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use pdscore_web::cli::DemoArgs;
use pdscore_web::{ModelSource, ServeConfig, init_tracing, serve, train_demo_model};

fn main() -> ExitCode {
    let args = DemoArgs::parse();
    init_tracing(args.serve.log_json);
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

fn run(args: DemoArgs) -> Result<(), pdscore_web::WebError> {
    let model = if let Some(path) = &args.model {
        ModelSource::File(path.clone())
    } else {
        tracing::info!(
            data = %args.data.display(),
            candidates = args.train_models.join(","),
            folds = args.folds,
            "no --model given: training a model on the sample at start-up"
        );
        let started = Instant::now();
        let pipeline = train_demo_model(&args.data, &args.target, &args.train_models, args.folds)?;
        tracing::info!(
            model = pipeline.card().model.candidate,
            threshold = pipeline.threshold(),
            seconds = started.elapsed().as_secs_f64(),
            "trained"
        );
        ModelSource::Loaded(Box::new(pipeline))
    };
    let config = ServeConfig::new(model)
        .addr(args.serve.addr)
        .limits(args.serve.limits());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(pdscore_web::WebError::Serve)?;
    runtime.block_on(serve(config))
}
