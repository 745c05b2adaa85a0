//! Request bodies built to exhaust the server (the hardening review's cases): each must get a
//! 4xx within 2 s, the process's peak resident memory must stay under 300 MB, and the server
//! must keep answering `/healthz`. One test in its own binary, so the peak is this test's.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use pdscore::ingest::synth::{SynthParams, generate};
use pdscore_web::{Limits, router, train_demo_model};
use tower::ServiceExt;

/// The answer's status, problem type and the time it took.
async fn post(app: &Router, content_type: &str, body: String) -> (StatusCode, String, Duration) {
    let request = Request::post("/api/v1/predict")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    let started = Instant::now();
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let elapsed = started.elapsed();
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let kind = problem["type"].as_str().unwrap_or("").to_owned();
    (status, kind, elapsed)
}

/// Peak resident set size of this process, in MB (Linux `VmHWM`).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bodies_get_a_4xx_fast_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("train.csv");
    let mut training = Vec::new();
    generate(
        &SynthParams::new().labelled_rows(2000).seed(7),
        &mut training,
    )
    .expect("synthetic data");
    std::fs::write(&path, training).expect("write training data");
    let pipeline =
        train_demo_model(&path, "default", &["logreg_balanced".to_owned()], 3).expect("trained");
    let app = router(pipeline, Limits::default()).expect("router");

    // One row with 1,000 keys, then a million empty objects: 1,000,001 rows (3 MB).
    let keys: Vec<String> = (0..1_000).map(|i| format!("\"key{i}\": {i}")).collect();
    let mut wide_then_empty = format!("{{\"rows\": [{{{}}}", keys.join(","));
    wide_then_empty.push_str(&",{}".repeat(1_000_000));
    wide_then_empty.push_str("]}");
    let (status, kind, took) = post(&app, "application/json", wide_then_empty).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{kind}");
    assert_eq!(kind, "urn:pdscore:problem:too-many-rows");
    assert!(took < Duration::from_secs(2), "{took:?}");

    // The same within the row limit: the unknown keys are skipped, so no column is left.
    let mut wide_then_fewer = format!("{{\"rows\": [{{{}}}", keys.join(","));
    wide_then_fewer.push_str(&",{}".repeat(999_000));
    wide_then_fewer.push_str("]}");
    let (status, kind, took) = post(&app, "application/json", wide_then_fewer).await;
    assert!(status.is_client_error(), "{status} {kind}");
    assert!(took < Duration::from_secs(2), "{took:?}");

    // A million and one one-byte CSV rows: refused by the record count, before parsing.
    let mut tall_csv = String::from("uuid\n");
    tall_csv.push_str(&"1\n".repeat(1_000_001));
    let (status, kind, took) = post(&app, "text/csv", tall_csv).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{kind}");
    assert_eq!(kind, "urn:pdscore:problem:too-many-rows");
    assert!(took < Duration::from_secs(2), "{took:?}");

    // A header of duplicated names (a1,a1,a2,a2,...): linear work, then a 4xx.
    let header: Vec<String> = (0..50_000).map(|i| format!("a{i},a{i}")).collect();
    let (status, kind, took) = post(&app, "text/csv", format!("{}\n", header.join(","))).await;
    assert!(status.is_client_error(), "{status} {kind}");
    assert!(took < Duration::from_secs(2), "{took:?}");

    let health = Request::get("/healthz")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(health).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);

    if let Some(peak) = peak_rss_mb() {
        assert!(peak < 300.0, "peak RSS {peak:.0} MB");
        eprintln!("peak RSS of the hostile-body test: {peak:.0} MB");
    }
}
