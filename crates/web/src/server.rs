//! Running the app as a server: load the model, bind the address, serve until Ctrl-C or
//! SIGTERM (finishing the requests in flight), and the `tracing` set-up the binaries share.
//!
//! The router itself knows nothing of sockets or signals ([`crate::app`]), so tests and the
//! load test drive it in-process; only this module touches the network.

use std::net::SocketAddr;

use crate::app::router;
use crate::config::ServeConfig;
use crate::error::WebError;

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

/// Resolves on Ctrl-C or (on Unix) SIGTERM, which starts the graceful shutdown.
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
