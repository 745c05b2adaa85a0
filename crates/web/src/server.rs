//! Running the app as a server: load the model, bind the address, serve until Ctrl-C or
//! SIGTERM (finishing the requests in flight), and the `tracing` set-up the binaries share.
//!
//! The router itself knows nothing of sockets or signals ([`crate::app`]), so tests and the
//! load test drive it in-process; only this module touches the network.
//!
//! The accept loop is ours rather than `axum::serve`'s, for two limits that a server facing
//! untrusted clients needs: a header-read timeout (hyper's, which also closes keep-alive
//! connections idle for that long), so slow-header clients cannot hold sockets forever, and a
//! cap on open connections, so they cannot exhaust file descriptors. Accept errors (such as
//! running out of descriptors) pause the loop briefly instead of stopping the server.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::app::router;
use crate::config::{Limits, ServeConfig};
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
    serve_router(listener, app, &config.limits, shutdown_signal()).await;
    Ok(())
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets the requests in flight
/// finish (for at most the request timeout). Applies [`Limits::header_read_timeout`] and
/// [`Limits::max_connections`]; the other limits live in the router.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// # let pipeline: pdscore::pipeline::Pipeline = unimplemented!();
/// use pdscore_web::{Limits, router, serve_router};
///
/// let limits = Limits::default();
/// let app = router(pipeline, limits.clone()).expect("valid limits");
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// serve_router(listener, app, &limits, async { /* until asked to stop */ }).await;
/// # Ok(())
/// # }
/// ```
pub async fn serve_router(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_read_timeout)
        .keep_alive_timeout(limits.header_read_timeout);
    let builder = Arc::new(builder);
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = open.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    tracing::warn!(%error, "accept failed; pausing 100 ms");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let builder = Arc::clone(&builder);
        let watcher = graceful.watcher();
        let header_timeout = limits.header_read_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            // hyper's header timer starts with the first byte of a request; a client that
            // sends none is closed here after the same time.
            // (`peek` waits for a byte; `readable` may wake up without one.)
            let mut first = [0u8; 1];
            match tokio::time::timeout(header_timeout, stream.peek(&mut first)).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => return,
            }
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            if let Err(error) = watcher.watch(connection).await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.request_timeout) => {
            tracing::warn!("requests still running after the request timeout; closing");
        }
    }
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
