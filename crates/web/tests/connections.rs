//! The accept loop against clients that hold sockets: a slow-header client is disconnected
//! after the header-read timeout, 2,000 idle connections do not stop a new request, and past
//! the connection cap a client waits until a slot frees instead of failing.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use pdscore::ingest::synth::{SynthParams, generate};
use pdscore_web::{Limits, router, serve_router, train_demo_model};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Starts a server with `limits` on a free port; it stops when the returned sender drops.
async fn start(limits: Limits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("train.csv");
    let mut training = Vec::new();
    generate(
        &SynthParams::new().labelled_rows(1000).seed(3),
        &mut training,
    )
    .expect("synthetic data");
    std::fs::write(&path, training).expect("write training data");
    let pipeline = train_demo_model(&path, "default", &["logreg".to_owned()], 2).expect("trained");
    let app = router(pipeline, limits.clone()).expect("router");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        serve_router(listener, app, &limits, async {
            let _ = stopped.await;
        })
        .await;
    });
    (addr, stop)
}

/// `GET /healthz` on a new connection; the status line.
async fn health(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    answer.lines().next().unwrap_or("").to_owned()
}

/// Open files this process may have (the soft limit), if the system says.
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_clients_cannot_hold_the_server() {
    let timeout = Duration::from_millis(500);
    let (addr, _stop) = start(Limits::default().header_read_timeout(timeout)).await;

    // Half a request's headers, then nothing: closed by the server after the timeout.
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: loc")
        .await
        .expect("write");
    let started = Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the slow-header client was not disconnected");
    assert!(started.elapsed() >= timeout / 2, "{:?}", started.elapsed());

    // A keep-alive client that goes quiet after its answer is closed after the timeout too.
    let mut kept = TcpStream::connect(addr).await.expect("connect");
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let mut answer = Vec::new();
    while !String::from_utf8_lossy(&answer).contains("\"status\"") {
        let mut chunk = [0u8; 1024];
        let n = tokio::time::timeout(Duration::from_secs(5), kept.read(&mut chunk))
            .await
            .expect("an answer")
            .expect("read");
        assert!(n > 0, "closed before answering");
        answer.extend_from_slice(&chunk[..n]);
    }
    let quiet = Instant::now();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), kept.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "an idle keep-alive connection stayed open");
    assert!(quiet.elapsed() >= timeout / 2, "{:?}", quiet.elapsed());

    // 2,000 idle connections (fewer if this process may not open that many sockets).
    let idle_count = open_file_limit().map_or(2_000, |n| 2_000.min(n.saturating_sub(200) / 2));
    let mut idle = Vec::with_capacity(idle_count);
    for _ in 0..idle_count {
        idle.push(TcpStream::connect(addr).await.expect("connect idle"));
    }
    let started = Instant::now();
    let status = health(addr).await;
    assert!(status.contains("200"), "{status}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?} with {idle_count} idle connections",
        started.elapsed()
    );
    // The idle ones are closed by the server after the timeout too.
    tokio::time::sleep(timeout * 3).await;
    let mut closed = 0;
    for stream in &mut idle {
        let mut byte = [0u8; 1];
        if let Ok(Ok(0)) =
            tokio::time::timeout(Duration::from_millis(50), stream.read(&mut byte)).await
        {
            closed += 1;
        }
        if closed >= 10 {
            break;
        }
    }
    assert_eq!(closed, 10, "idle connections stay open past the timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_a_client_waits_for_a_free_slot() {
    let timeout = Duration::from_millis(400);
    let (addr, _stop) = start(
        Limits::default()
            .header_read_timeout(timeout)
            .max_connections(2),
    )
    .await;
    let _first = TcpStream::connect(addr).await.expect("connect");
    let _second = TcpStream::connect(addr).await.expect("connect");
    // Give the server time to accept both and fill the cap.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let status = tokio::time::timeout(Duration::from_secs(5), health(addr))
        .await
        .expect("answered once the idle connections timed out");
    assert!(status.contains("200"), "{status}");
    // It had to wait for the idle connections' header timeout to free a slot.
    assert!(
        started.elapsed() >= timeout / 2,
        "answered after {:?}: the cap of 2 connections was not applied",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_past_the_in_flight_budget_wait_before_their_bodies_are_read() {
    let limit = 64 * 1024;
    let (addr, _stop) = start(
        Limits::default()
            .max_upload_bytes(limit)
            .upload_bytes_in_flight(limit),
    )
    .await;
    // A client that declares a body of the whole budget and sends only its start.
    let mut stalled = TcpStream::connect(addr).await.expect("connect");
    stalled
        .write_all(
            format!(
                "POST /api/v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n\
                 Content-Length: {limit}\r\n\r\nuuid;age\n"
            )
            .as_bytes(),
        )
        .await
        .expect("write");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let waiting = tokio::spawn(async move {
        let started = Instant::now();
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let body = "uuid;age\nx;30\n";
        stream
            .write_all(
                format!(
                    "POST /api/v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            )
            .await
            .expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("read");
        (started.elapsed(), answer)
    });
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        !waiting.is_finished(),
        "the second upload did not wait for the budget"
    );
    drop(stalled);
    let (took, answer) = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("answered once the stalled upload went away")
        .expect("task");
    assert!(took >= Duration::from_millis(500), "{took:?}");
    assert!(answer.starts_with("HTTP/1.1 "), "{answer}");
}
