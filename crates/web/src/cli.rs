//! Command-line flags of the server, shared by `pdscore serve` and the `pdscore-web` binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::config::Limits;

/// Address and limits of the server.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Largest upload in megabytes (MiB); larger requests get 413.
    #[arg(long, default_value_t = 50)]
    pub max_upload_mb: usize,
    /// Most rows per upload; more get 413.
    #[arg(long, default_value_t = 1_000_000)]
    pub max_rows: usize,
    /// Request timeout in seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout_secs: u64,
    /// Scoring jobs run at the same time (others wait).
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
    /// Minutes a result stays available.
    #[arg(long, default_value_t = 60)]
    pub result_ttl_minutes: u64,
    /// Memory budget of the kept results in megabytes (MiB); the oldest are evicted beyond it.
    #[arg(long, default_value_t = 512)]
    pub result_store_mb: usize,
    /// Seconds a client may take to send a request's headers (also the keep-alive idle time).
    #[arg(long, default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Most open connections (further clients wait until one closes).
    #[arg(long, default_value_t = 8_192)]
    pub max_connections: usize,
    /// Megabytes (MiB) of upload bodies read and handled at once (others wait before their
    /// bodies are read); at least --max-upload-mb.
    #[arg(long, default_value_t = 256)]
    pub uploads_in_flight_mb: usize,
    /// Log as JSON lines instead of text.
    #[arg(long)]
    pub log_json: bool,
}

impl ServeArgs {
    /// The limits these flags describe (checked when the server starts).
    pub fn limits(&self) -> Limits {
        Limits::default()
            .max_upload_bytes(self.max_upload_mb.saturating_mul(1024 * 1024))
            .max_rows(self.max_rows)
            .request_timeout(Duration::from_secs(self.timeout_secs))
            .max_concurrent_jobs(self.jobs)
            .result_ttl(Duration::from_secs(
                self.result_ttl_minutes.saturating_mul(60),
            ))
            .result_store_bytes(self.result_store_mb.saturating_mul(1024 * 1024))
            .header_read_timeout(Duration::from_secs(self.header_timeout_secs))
            .max_connections(self.max_connections)
            .upload_bytes_in_flight(self.uploads_in_flight_mb.saturating_mul(1024 * 1024))
    }
}

/// The flags of the `pdscore-web` demo binary.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "pdscore-web",
    version,
    about = "Serve a pdscore model over HTTP"
)]
pub struct DemoArgs {
    /// Pipeline file to serve [default: train one on --data at start-up].
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Labelled CSV to train on when no --model is given.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/klarna_synth_sample.csv"))]
    pub data: PathBuf,
    /// Target column of --data.
    #[arg(long, default_value = "default")]
    pub target: String,
    /// Candidates cross-validated at start-up (comma-separated), the best is served.
    #[arg(
        long,
        default_value = "logreg_balanced,gbm_balanced",
        value_delimiter = ','
    )]
    pub train_models: Vec<String>,
    /// Cross-validation folds at start-up.
    #[arg(long, default_value_t = 3)]
    pub folds: usize,
    /// Address and limits.
    #[command(flatten)]
    pub serve: ServeArgs,
}
