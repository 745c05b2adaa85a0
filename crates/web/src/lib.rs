//! # pdscore-web
//!
//! The analyst-facing web app: upload a CSV of customers, see each one's probability of
//! default (PD) and the decision at the model's threshold, read the run log, download the
//! results; plus a JSON API for programs. It serves one saved [`Pipeline`] and holds no ML
//! logic: reading, preprocessing, scoring and evaluation are the pipeline's.
//!
//! ## Pages and endpoints
//!
//! | route | what |
//! |---|---|
//! | `GET /` | upload form, the model's name, threshold and training date, expected columns |
//! | `GET /template.csv` | the header of the expected CSV |
//! | `POST /predict` | multipart upload (`file`); scores and redirects to the result |
//! | `GET /results/{id}` | summary, PD histogram, metrics when labels were uploaded, a paged and sortable table (`page`, `per_page`, `sort`), the run log |
//! | `GET /results/{id}.csv` | the results as a CSV attachment, cells escaped against formula injection |
//! | `GET /model` | the model card as a page |
//! | `POST /api/v1/predict` | `text/csv` or `application/json` `{"rows": [...]}` → `{"predictions", "log"}` |
//! | `GET /api/v1/model` | the model card (JSON) |
//! | `GET /api/v1/openapi.json` | the OpenAPI 3 description of all of the above |
//! | `GET /healthz`, `GET /readyz` | liveness and readiness |
//!
//! Results live in memory only, per upload, under a 128-bit id from the OS CSPRNG, with a
//! time-to-live and a total size cap ([`store`]). Errors are RFC 9457 problem details in the
//! API and an explanatory page in the browser, 4xx for every kind of bad input, naming the
//! row, column and value at fault ([`error`]). Uploads are bounded in size, rows and time, and
//! scoring runs on the blocking pool behind a semaphore ([`Limits`]).
//!
//! ```no_run
//! use pdscore_web::{Limits, ModelSource, ServeConfig, serve};
//!
//! # async fn run() -> Result<(), pdscore_web::WebError> {
//! let config = ServeConfig::new(ModelSource::File("model.json".into()))
//!     .addr("127.0.0.1:8080".parse().expect("an address"))
//!     .limits(Limits::default().max_rows(200_000));
//! serve(config).await
//! # }
//! ```
//!
//! In tests, drive [`router`] in-process with `tower::ServiceExt::oneshot`.

pub mod app;
pub mod charts;
pub mod cli;
pub mod config;
pub mod csv_out;
pub mod error;
pub mod json_rows;
pub mod runlog;
pub mod store;

use std::net::SocketAddr;
use std::path::Path;

pub use app::{ROUTES, router};
pub use config::{Limits, ModelSource, ServeConfig};
pub use error::{CellError, Problem, WebError};
use pdscore::pipeline::{CvSpec, EvaluateSpec, InputSpec, Pipeline, evaluate};

/// The OpenAPI 3 document served at `/api/v1/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// Loads the model, binds `config.addr` and serves until Ctrl-C or SIGTERM. Logs (and prints
/// on standard output) the address actually bound, which matters with port 0.
///
/// # Errors
/// [`WebError::InvalidSetting`], [`WebError::Model`], [`WebError::Bind`], [`WebError::Serve`].
pub async fn serve(config: ServeConfig) -> Result<(), WebError> {
    config.check()?;
    let pipeline = config.load_model()?;
    let name = pipeline.card().model.candidate.clone();
    let app = router(pipeline, config.limits.clone())?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| WebError::Bind {
            addr: config.addr,
            source,
        })?;
    let local: SocketAddr = listener.local_addr().map_err(WebError::Serve)?;
    tracing::info!(%local, model = name, "listening");
    println!("pdscore-web listening on http://{local}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(WebError::Serve)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Trains a pipeline on a labelled CSV for demos (the shipped sample): the candidates named in
/// `models` are cross-validated with `folds` folds and seed 0, and the best is refitted.
///
/// # Errors
/// [`WebError::Model`] wrapping read, label or fitting errors.
pub fn train_demo_model(
    data: &Path,
    target: &str,
    models: &[String],
    folds: usize,
) -> Result<Pipeline, WebError> {
    let mut spec = EvaluateSpec::new(InputSpec::new(data, target));
    spec.cv = CvSpec::default().folds(folds).seed(0);
    spec.models = Some(models.to_vec());
    evaluate(&spec, None)
        .map(|e| e.pipeline)
        .map_err(WebError::Model)
}

/// Initialises `tracing` output: JSON lines when `json`, else compact text; the level comes
/// from `RUST_LOG` (default `info`). Does nothing if a subscriber is already set.
pub fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
}
