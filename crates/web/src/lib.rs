//! # pdscore-web
//!
//! The analyst-facing web app: upload a CSV of customers, see each one's probability of
//! default (PD) and the decision at the model's threshold, read the run log, download the
//! results; plus a JSON API for programs. It serves one saved
//! [`Pipeline`](pdscore::pipeline::Pipeline) and holds no ML logic: reading, preprocessing,
//! scoring and evaluation are the pipeline's.
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
//! time-to-live and a total size cap. Errors are RFC 9457 problem details ([`Problem`]) in the
//! API and an explanatory page in the browser, 4xx for every kind of bad input, naming the
//! row, column and value at fault ([`CellError`]). Uploads are bounded in size, rows and time,
//! and scoring runs on the blocking pool behind a semaphore ([`Limits`]).
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
//!
//! ## Layout
//!
//! `app` builds the router and `state` the state it shares; `routes` holds the handlers
//! (`pages`, `api`, `health`, `assets`); `middleware` the request log, security headers,
//! timeout and upload budget (`request_id` keeps the id it gives); `views` the templates and the
//! rendering of pages and problems, `model_view` the model as pages show it; `scoring` runs an
//! upload through the pipeline on the blocking pool; `server` binds and serves (header timeout,
//! connection cap); `demo` trains a model on the spot. No module imports one that imports it.
//! Two modules are public: `cli`, the flags that `pdscore serve` shares with the `pdscore-web`
//! binary, and `json_rows`, the JSON body parser that a fuzz target drives. The rest are
//! private; the re-exports below are the whole public interface besides those two.

mod app;
mod charts;
pub mod cli;
mod config;
mod csv_out;
mod demo;
mod error;
pub mod json_rows;
mod middleware;
mod model_view;
mod request_id;
mod routes;
mod runlog;
mod scoring;
mod server;
mod state;
mod store;
mod views;

pub use app::{ROUTES, router};
pub use config::{Limits, ModelSource, ServeConfig};
pub use demo::train_demo_model;
pub use error::{CellError, Problem, WebError};
pub use server::{init_tracing, serve, serve_router};

/// The OpenAPI 3 document served at `/api/v1/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");
