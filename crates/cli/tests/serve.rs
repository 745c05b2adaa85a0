//! `pdscore serve` end to end: the real binary trains nothing itself, so a small model is made
//! with `pdscore generate` + `pdscore train`, served on a free loopback port, queried over
//! plain HTTP/1.1, then stopped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn pdscore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(args)
        .output()
        .expect("run pdscore")
}

fn ok(args: &[&str]) {
    let out = pdscore(args);
    assert!(
        out.status.success(),
        "pdscore {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Kills the server when the test ends, passing or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

#[test]
fn serve_answers_health_page_and_api_then_stops() {
    let d = dir("serve");
    let data = d.join("synth.csv");
    let model = d.join("model.json");
    ok(&[
        "generate",
        "--rows",
        "600",
        "--unlabelled",
        "5",
        "--seed",
        "4",
        "--out",
        s(&data),
    ]);
    ok(&[
        "--quiet",
        "train",
        "--data",
        s(&data),
        "--target",
        "default",
        "--model",
        "logreg",
        "--folds",
        "3",
        "--out",
        s(&model),
    ]);
    let child = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(["serve", "--model", s(&model), "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the listening line");
    let addr = line
        .trim()
        .strip_prefix("pdscore-web listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_owned();
    let health = http(
        &addr,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let page = http(
        &addr,
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        page.contains("logreg") && page.contains("/template.csv"),
        "{page}"
    );
    let csv = std::fs::read_to_string(&data).expect("data");
    let request = format!(
        "POST /api/v1/predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\r\n{csv}",
        csv.len()
    );
    let answer = http(&addr, &request);
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{}",
        &answer[..200.min(answer.len())]
    );
    let body = answer.split("\r\n\r\n").nth(1).expect("body");
    let value: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(value["predictions"].as_array().map(Vec::len), Some(605));
}

#[test]
fn serve_rejects_a_missing_model_and_bad_limits_with_one_message() {
    let out = pdscore(&[
        "serve",
        "--model",
        "/nonexistent/model.json",
        "--addr",
        "127.0.0.1:0",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.starts_with("error: ") && stderr.contains("/nonexistent/model.json"),
        "{stderr}"
    );
    let out = pdscore(&["serve", "--model", "m.json", "--jobs", "0"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("max_concurrent_jobs"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
