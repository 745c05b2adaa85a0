//! `cargo xtask loadtest`: load on `POST /api/v1/predict` of an in-process pdscore-web server
//! bound to 127.0.0.1, from HTTP/1.1 keep-alive clients (hyper), bounded in time and requests.
//!
//! Two scenarios run one after the other, each for half of `--duration`:
//! 1. `--clients` clients each sending a 1-row JSON body (`{"rows": [{...}]}`);
//! 2. `--csv-clients` clients each sending a 10,000-row CSV body (synthetic Klarna rows).
//!
//! For each: requests, errors, requests/s and latency percentiles (p50, p90, p99, max).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::body::Bytes;
use clap::Args;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use pdscore::ingest::synth::{SynthParams, generate};
use pdscore::pipeline::Pipeline;
use pdscore_web::{Limits, router, serve_router, train_demo_model};

/// Most requests one client sends in one scenario (a safety bound besides the duration).
const MAX_REQUESTS_PER_CLIENT: usize = 2_000_000;
/// Longest wait for one response before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Arguments of `cargo xtask loadtest`.
#[derive(Debug, Args)]
pub struct LoadtestArgs {
    /// Total seconds of load (split evenly between the two scenarios).
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// Concurrent clients of the 1-row JSON scenario.
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Concurrent clients of the 10,000-row CSV scenario (default: the server's scoring slots,
    /// so that latency is the time to answer, not the time queued behind other big uploads).
    #[arg(long, default_value_t = 2)]
    pub csv_clients: usize,
    /// Rows of the large CSV body.
    #[arg(long, default_value_t = 10_000)]
    pub csv_rows: usize,
    /// Pipeline file to serve [default: train logreg_balanced + gbm_balanced (3-fold CV) on the
    /// shipped sample, as `pdscore-web` does].
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Scoring jobs the server runs at once.
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
    /// Serve with `axum::serve` instead of pdscore's accept loop (header timeout, connection
    /// cap), to measure what that loop costs.
    #[arg(long)]
    pub plain_axum: bool,
}

/// What one scenario measured.
#[derive(Debug)]
struct Outcome {
    ok: usize,
    errors: usize,
    first_error: Option<String>,
    latencies: Vec<Duration>,
    wall: Duration,
    /// CPU seconds the whole process (server and clients) used, when known (Linux).
    cpu_seconds: Option<f64>,
}

/// CPU seconds (user + system) this process has used so far, from `/proc/self/stat` (Linux;
/// `None` elsewhere). The kernel reports them in USER_HZ = 100 ticks per second.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Runs both scenarios and prints their figures.
pub fn run(args: &LoadtestArgs, root: &std::path::Path) -> anyhow::Result<()> {
    if args.duration == 0 || args.clients == 0 || args.csv_clients == 0 || args.csv_rows == 0 {
        bail!("--duration, --clients, --csv-clients and --csv-rows must be at least 1");
    }
    let pipeline = if let Some(path) = &args.model {
        Pipeline::load(path).with_context(|| format!("cannot load `{}`", path.display()))?
    } else {
        let data = root.join("data/klarna_synth_sample.csv");
        eprintln!(
            "training logreg_balanced,gbm_balanced (3-fold CV) on {} ...",
            data.display()
        );
        train_demo_model(
            &data,
            "default",
            &["logreg_balanced".to_owned(), "gbm_balanced".to_owned()],
            3,
        )?
    };
    let model_name = pipeline.card().model.candidate.clone();
    let (one_row, big_csv) = bodies(args.csv_rows)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let limits = Limits::default().max_concurrent_jobs(args.jobs);
        let app = router(pipeline, limits.clone())?;
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .context("cannot bind 127.0.0.1")?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        // The server's own accept loop (header timeout, connection cap), as `pdscore serve`.
        let plain_axum = args.plain_axum;
        let server = tokio::spawn(async move {
            let stopped = async {
                let _ = stopped.await;
            };
            if plain_axum {
                if let Err(error) = axum::serve(listener, app)
                    .with_graceful_shutdown(stopped)
                    .await
                {
                    eprintln!("axum::serve: {error}");
                }
            } else {
                serve_router(listener, app, &limits, stopped).await;
            }
        });
        println!(
            "server: 127.0.0.1:{} (in-process, {}), model {model_name}, {} scoring slots, {} cores",
            addr.port(),
            if args.plain_axum {
                "axum::serve"
            } else {
                "pdscore's accept loop"
            },
            args.jobs,
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        );
        if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
            println!(
                "machine load average (1, 5, 15 min): {}",
                load.split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let half = Duration::from_secs(args.duration)
            .div_f64(2.0)
            .max(Duration::from_secs(1));
        check_answer(addr, "application/json", &one_row, 1).await?;
        check_answer(addr, "text/csv", &big_csv, args.csv_rows).await?;
        let single = scenario(addr, "application/json", one_row, args.clients, half).await;
        report(&format!("1-row JSON, {} clients", args.clients), &single);
        let big = scenario(addr, "text/csv", big_csv, args.csv_clients, half).await;
        report(
            &format!("{}-row CSV, {} clients", args.csv_rows, args.csv_clients),
            &big,
        );
        let _ = stop.send(());
        server.await.context("server task")?;
        anyhow::Ok(())
    })
}

/// The 1-row JSON body and the large CSV body, from the seeded synthetic generator.
fn bodies(csv_rows: usize) -> anyhow::Result<(Bytes, Bytes)> {
    let mut one = Vec::new();
    generate(
        &SynthParams::new()
            .labelled_rows(0)
            .unlabelled_rows(1)
            .seed(1),
        &mut one,
    )?;
    let text = String::from_utf8(one)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().context("header")?.split(';').collect();
    let cells: Vec<&str> = lines.next().context("row")?.split(';').collect();
    let row: serde_json::Map<String, serde_json::Value> = header
        .iter()
        .zip(cells)
        .filter(|(name, _)| **name != "default")
        .map(|(name, cell)| {
            let value = if cell == "NA" {
                serde_json::Value::Null
            } else {
                serde_json::Value::String(cell.to_owned())
            };
            ((*name).to_owned(), value)
        })
        .collect();
    let json = serde_json::json!({ "rows": [row] }).to_string();
    let mut csv = Vec::new();
    generate(
        &SynthParams::new()
            .labelled_rows(0)
            .unlabelled_rows(csv_rows)
            .seed(2),
        &mut csv,
    )?;
    Ok((Bytes::from(json), Bytes::from(csv)))
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> anyhow::Result<Sender> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends one request; returns the status and the body.
async fn send(
    sender: &mut Sender,
    addr: SocketAddr,
    content_type: &str,
    body: &Bytes,
) -> anyhow::Result<(u16, Bytes)> {
    sender.ready().await?;
    let request = Request::post("/api/v1/predict")
        .header(hyper::header::HOST, addr.to_string())
        .header(hyper::header::CONTENT_TYPE, content_type)
        .body(Full::new(body.clone()))?;
    let response = tokio::time::timeout(REQUEST_TIMEOUT, async {
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await?.to_bytes();
        anyhow::Ok((status, bytes))
    })
    .await
    .context("request timed out")??;
    Ok(response)
}

/// Checks once that the server answers `body` with `rows` predictions.
async fn check_answer(
    addr: SocketAddr,
    content_type: &str,
    body: &Bytes,
    rows: usize,
) -> anyhow::Result<()> {
    let mut sender = connect(addr).await?;
    let (status, answer) = send(&mut sender, addr, content_type, body).await?;
    if status != 200 {
        bail!(
            "warm-up request: status {status}: {}",
            String::from_utf8_lossy(&answer)
        );
    }
    let value: serde_json::Value = serde_json::from_slice(&answer)?;
    let n = value["predictions"].as_array().map_or(0, Vec::len);
    if n != rows {
        bail!("warm-up request: {n} predictions for {rows} rows");
    }
    Ok(())
}

async fn scenario(
    addr: SocketAddr,
    content_type: &'static str,
    body: Bytes,
    clients: usize,
    duration: Duration,
) -> Outcome {
    let started = Instant::now();
    let cpu_before = process_cpu_seconds();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut first_error = None;
            let mut sender = match connect(addr).await {
                Ok(s) => Some(s),
                Err(e) => {
                    first_error = Some(e.to_string());
                    errors += 1;
                    None
                }
            };
            for _ in 0..MAX_REQUESTS_PER_CLIENT {
                if Instant::now() >= deadline {
                    break;
                }
                let Some(s) = sender.as_mut() else { break };
                let sent = Instant::now();
                match send(s, addr, content_type, &body).await {
                    Ok((200, _)) => latencies.push(sent.elapsed()),
                    Ok((status, answer)) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| {
                            format!("status {status}: {}", String::from_utf8_lossy(&answer))
                        });
                    }
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| e.to_string());
                        sender = connect(addr).await.ok();
                    }
                }
            }
            (latencies, errors, first_error)
        }));
    }
    let mut outcome = Outcome {
        ok: 0,
        errors: 0,
        first_error: None,
        latencies: Vec::new(),
        wall: Duration::ZERO,
        cpu_seconds: None,
    };
    for task in tasks {
        match task.await {
            Ok((latencies, errors, first_error)) => {
                outcome.ok += latencies.len();
                outcome.latencies.extend(latencies);
                outcome.errors += errors;
                if outcome.first_error.is_none() {
                    outcome.first_error = first_error;
                }
            }
            Err(e) => {
                outcome.errors += 1;
                outcome.first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    outcome.wall = started.elapsed();
    outcome.cpu_seconds = match (cpu_before, process_cpu_seconds()) {
        (Some(before), Some(after)) => Some(after - before),
        _ => None,
    };
    outcome
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[index.min(sorted.len() - 1)].as_secs_f64() * 1e3
}

fn report(name: &str, outcome: &Outcome) {
    let mut sorted = outcome.latencies.clone();
    sorted.sort_unstable();
    println!(
        "{name}: {} requests in {:.1} s = {:.1} req/s; latency ms p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}; errors {}",
        outcome.ok,
        outcome.wall.as_secs_f64(),
        outcome.ok as f64 / outcome.wall.as_secs_f64(),
        percentile(&sorted, 0.50),
        percentile(&sorted, 0.90),
        percentile(&sorted, 0.99),
        percentile(&sorted, 1.0),
        outcome.errors
    );
    if let Some(cpu) = outcome.cpu_seconds {
        println!(
            "  process CPU {cpu:.1} s over {:.1} s wall = {:.2} cores busy; {:.3} CPU ms per request (server + client)",
            outcome.wall.as_secs_f64(),
            cpu / outcome.wall.as_secs_f64(),
            1e3 * cpu / outcome.ok.max(1) as f64
        );
    }
    if let Some(e) = &outcome.first_error {
        println!("  first error: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_ranked_latencies() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert!((percentile(&sorted, 0.5) - 51.0).abs() < 1e-9);
        assert!((percentile(&sorted, 0.99) - 99.0).abs() < 1e-9);
        assert!((percentile(&sorted, 1.0) - 100.0).abs() < 1e-9);
        assert!(percentile(&[], 0.5).is_nan());
    }

    #[test]
    fn cpu_time_grows_with_work() {
        let Some(before) = process_cpu_seconds() else {
            eprintln!("skipped: no /proc/self/stat on this system");
            return;
        };
        let mut x = 0u64;
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(150) {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let after = process_cpu_seconds().expect("readable twice");
        assert!(after >= before, "{before} -> {after}");
    }

    #[test]
    fn bodies_hold_one_json_row_and_the_csv_rows() {
        let (json, csv) = bodies(25).expect("bodies");
        let value: serde_json::Value = serde_json::from_slice(&json).expect("json");
        assert_eq!(value["rows"].as_array().map(Vec::len), Some(1));
        assert!(value["rows"][0].get("uuid").is_some());
        assert_eq!(String::from_utf8_lossy(&csv).lines().count(), 26);
    }
}
