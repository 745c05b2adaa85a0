//! The router driven in-process with `tower::ServiceExt::oneshot`: pages, API, every error
//! class, download escaping, isolation of concurrent uploads, limits and unknown ids.
//!
//! One small model is trained once per test binary on synthetic Klarna-format rows.

use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use pdscore::ingest::synth::{SynthParams, generate};
use pdscore::pipeline::Pipeline;
use pdscore_web::{Limits, OPENAPI_JSON, ROUTES, router, train_demo_model};
use serde_json::Value;
use tower::ServiceExt;

const BOUNDARY: &str = "pdscoreTestBoundary7f3a";

fn synth_csv(labelled: usize, unlabelled: usize, seed: u64) -> String {
    let mut out = Vec::new();
    generate(
        &SynthParams::new()
            .labelled_rows(labelled)
            .unlabelled_rows(unlabelled)
            .seed(seed),
        &mut out,
    )
    .expect("synthetic data");
    String::from_utf8(out).expect("utf-8")
}

fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("train.csv");
        std::fs::write(&path, synth_csv(2000, 0, 7)).expect("write training data");
        train_demo_model(&path, "default", &["logreg_balanced".to_owned()], 3).expect("trained")
    })
}

fn app() -> Router {
    app_with(Limits::default())
}

fn app_with(limits: Limits) -> Router {
    router(pipeline().clone(), limits).expect("router")
}

/// The scoring file: 300 labelled rows (with the target column).
fn scoring_csv() -> String {
    synth_csv(300, 0, 11)
}

fn multipart(file_name: &str, content: &str) -> Request<Body> {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n--{BOUNDARY}--\r\n"
    );
    Request::post("/predict")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request")
}

fn api_post(content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post("/api/v1/predict")
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .expect("request")
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String, String) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body = String::from_utf8(body.to_vec()).expect("utf-8 body");
    (status, location.unwrap_or(content_type), body)
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).expect("JSON body")
}

/// Uploads `content` through the form; returns the result page path.
async fn upload(app: &Router, content: &str) -> String {
    let (status, location, body) = send(app, multipart("customers.csv", content)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(location.starts_with("/results/"), "{location}");
    location
}

/// Parses a downloaded CSV into `(id, pd, decision)` rows.
fn parse_download(text: &str) -> Vec<(String, f64, u8)> {
    text.lines()
        .skip(1)
        .map(|line| {
            let mut parts = line.rsplitn(3, ',');
            let decision = parts.next().expect("decision").parse().expect("0/1");
            let pd = parts.next().expect("pd").parse().expect("number");
            let id = parts.next().expect("id").to_owned();
            (id, pd, decision)
        })
        .collect()
}

fn replace_column(csv: &str, column: &str, row: usize, value: &str) -> String {
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    let index = lines[0]
        .split(';')
        .position(|c| c == column)
        .expect("column");
    let mut cells: Vec<&str> = lines[row].split(';').collect();
    cells[index] = value;
    lines[row] = cells.join(";");
    lines.join("\n") + "\n"
}

fn drop_column(csv: &str, column: &str) -> String {
    let index = csv
        .lines()
        .next()
        .expect("header")
        .split(';')
        .position(|c| c == column)
        .expect("column");
    csv.lines()
        .map(|line| {
            let mut cells: Vec<&str> = line.split(';').collect();
            cells.remove(index);
            cells.join(";")
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[tokio::test]
async fn index_shows_the_model_and_no_external_assets() {
    let app = app();
    let (status, _, body) = send(&app, get("/")).await;
    assert_eq!(status, StatusCode::OK);
    let card = pipeline().card();
    assert!(body.contains(&card.model.candidate));
    assert!(body.contains(&format!("{:.4}", pipeline().threshold())));
    assert!(body.contains(&card.created_at));
    assert!(body.contains("href=\"/template.csv\""));
    assert!(body.contains("<label for=\"file\""));
    for external in ["src=\"http", "href=\"http", "url(http", "//cdn"] {
        assert!(!body.contains(external), "external asset: {external}");
    }
    let (status, _, template) = send(&app, get("/template.csv")).await;
    assert_eq!(status, StatusCode::OK);
    let header = template.lines().next().expect("header");
    assert!(header.starts_with("uuid,"));
    assert!(header.contains("merchant_category") && header.ends_with(",default"));
    let (status, _, css) = send(&app, get("/static/app.css")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!css.contains("http"));
}

#[tokio::test]
async fn html_upload_gives_a_result_page_with_table_log_metrics_and_download() {
    let app = app();
    let csv = scoring_csv();
    let location = upload(&app, &csv).await;
    let (status, _, page) = send(&app, get(&location)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("id=\"rows-scored\">300<"),
        "rows scored shown"
    );
    assert!(page.contains("id=\"results-table\""));
    assert!(page.matches("<code>").count() >= 50, "a page of ids");
    assert!(page.contains("Run log") && page.contains("read 300 rows"));
    assert!(page.contains("ROC AUC") && page.contains("Confusion matrix"));
    assert!(page.contains("<svg"), "inline charts");
    let (status, _, download) = send(&app, get(&format!("{location}.csv"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(download.starts_with("uuid,pd,decision\n"));
    let rows = parse_download(&download);
    assert_eq!(rows.len(), 300);
    let threshold = pipeline().threshold();
    for (_, pd, decision) in &rows {
        assert!((0.0..=1.0).contains(pd));
        assert_eq!(*decision, u8::from(*pd >= threshold));
    }
    // The download is the same as the API's answer for the same file.
    let (status, _, body) = send(&app, api_post("text/csv", csv.clone())).await;
    assert_eq!(status, StatusCode::OK);
    let answer = json(&body);
    let predictions = answer["predictions"].as_array().expect("array");
    for (row, p) in rows.iter().zip(predictions) {
        assert_eq!(row.0, p["id"].as_str().expect("id"));
        assert!((row.1 - p["pd"].as_f64().expect("pd")).abs() < 1e-12);
    }
}

#[tokio::test]
async fn result_pages_page_and_sort_on_the_server() {
    let app = app();
    let location = upload(&app, &scoring_csv()).await;
    let (status, _, page) = send(
        &app,
        get(&format!("{location}?sort=pd_asc&page=2&per_page=10")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Rows 11–20 of 300"));
    assert!(page.contains("Page 2 of 30"));
    let pds: Vec<f64> = page
        .split("<td class=\"num\">")
        .skip(1)
        .map(|s| s.split('<').next().expect("cell").parse().expect("pd"))
        .collect();
    assert_eq!(pds.len(), 10);
    assert!(pds.windows(2).all(|w| w[0] <= w[1]), "ascending: {pds:?}");
    let (status, _, _) = send(&app, get(&format!("{location}?sort=sideways"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = send(&app, get(&format!("{location}?page=abc"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn api_scores_csv_and_json_rows_alike() {
    let app = app();
    let csv = synth_csv(0, 5, 21);
    let (status, content_type, body) = send(&app, api_post("text/csv", csv.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(content_type, "application/json");
    let from_csv = json(&body);
    assert_eq!(from_csv["predictions"].as_array().expect("array").len(), 5);
    assert!(!from_csv["log"].as_array().expect("log").is_empty());
    assert!(
        from_csv.get("evaluation").is_none(),
        "no labels, no metrics"
    );
    // The same first row as JSON, values typed the JSON way.
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(';').collect();
    let first: Vec<&str> = lines.next().expect("row").split(';').collect();
    let mut row = serde_json::Map::new();
    for (name, cell) in header.iter().zip(&first) {
        let value = if *cell == "NA" {
            Value::Null
        } else if *cell == "True" || *cell == "False" {
            Value::Bool(*cell == "True")
        } else if let Ok(x) = cell.parse::<f64>() {
            serde_json::json!(x)
        } else {
            Value::String((*cell).to_owned())
        };
        row.insert((*name).to_owned(), value);
    }
    let body = serde_json::json!({ "rows": [row] }).to_string();
    let (status, _, answer) = send(&app, api_post("application/json", body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let from_json = json(&answer);
    let a = &from_csv["predictions"][0];
    let b = &from_json["predictions"][0];
    assert_eq!(a["id"], b["id"]);
    assert!((a["pd"].as_f64().expect("pd") - b["pd"].as_f64().expect("pd")).abs() < 1e-12);
    assert_eq!(a["decision"], b["decision"]);
}

#[tokio::test]
async fn api_reports_evaluation_when_labels_are_present() {
    let app = app();
    let (status, _, body) = send(&app, api_post("text/csv", scoring_csv())).await;
    assert_eq!(status, StatusCode::OK);
    let answer = json(&body);
    let eval = &answer["evaluation"];
    assert_eq!(eval["labelled_rows"], 300);
    let cm = &eval["confusion_matrix"];
    let total: u64 = [
        "true_positives",
        "false_positives",
        "true_negatives",
        "false_negatives",
    ]
    .iter()
    .map(|k| cm[k].as_u64().expect("count"))
    .sum();
    assert_eq!(total, 300);
}

#[tokio::test]
async fn missing_columns_are_named() {
    let app = app();
    let csv = drop_column(&drop_column(&scoring_csv(), "age"), "merchant_group");
    let (status, content_type, body) = send(&app, api_post("text/csv", csv.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(content_type, "application/problem+json");
    let problem = json(&body);
    assert_eq!(problem["type"], "urn:pdscore:problem:missing-columns");
    assert_eq!(problem["status"], 422);
    let columns: HashSet<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["column"].as_str().expect("column"))
        .collect();
    assert_eq!(columns, HashSet::from(["age", "merchant_group"]));
    // The page says the same.
    let (status, _, page) = send(&app, multipart("x.csv", &csv)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Missing columns") && page.contains("<code>age</code>"));
}

#[tokio::test]
async fn bad_values_name_row_column_and_value() {
    let app = app();
    let csv = replace_column(&scoring_csv(), "age", 4, "forty");
    let (status, _, body) = send(&app, api_post("text/csv", csv.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = json(&body);
    assert_eq!(problem["type"], "urn:pdscore:problem:bad-values");
    let error = &problem["errors"][0];
    assert_eq!(error["row"], 4);
    assert_eq!(error["line"], 5);
    assert_eq!(error["column"], "age");
    assert_eq!(error["value"], "forty");
    let (status, _, page) = send(&app, multipart("x.csv", &csv)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("<code>forty</code>"));
}

#[tokio::test]
async fn malformed_and_empty_csv_are_400() {
    let app = app();
    let csv = scoring_csv();
    let mut lines: Vec<&str> = csv.lines().collect();
    lines[3] = "just;three;fields";
    let ragged = lines.join("\n") + "\n";
    let (status, _, body) = send(&app, api_post("text/csv", ragged)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let problem = json(&body);
    assert_eq!(problem["type"], "urn:pdscore:problem:malformed-csv");
    assert_eq!(problem["errors"][0]["line"], 4);
    let (status, _, body) = send(&app, api_post("text/csv", "")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["type"], "urn:pdscore:problem:empty-file");
    let header_only = csv.lines().next().expect("header").to_owned() + "\n";
    let (status, _, _) = send(&app, api_post("text/csv", header_only)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = send(&app, api_post("text/csv", vec![0xff, 0xfe, b';', b'\n'])).await;
    assert!(status.is_client_error(), "{status}");
}

#[tokio::test]
async fn json_errors_are_problems_with_rows() {
    let app = app();
    let (status, _, body) = send(&app, api_post("application/json", "{\"rows\": [")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["type"], "urn:pdscore:problem:invalid-json");
    let (status, _, body) = send(&app, api_post("application/json", r#"{"rows": []}"#)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(&body)["type"], "urn:pdscore:problem:no-rows");
    let (status, _, body) = send(
        &app,
        api_post(
            "application/json",
            r#"{"rows": [{"uuid": "a", "age": {"x": 1}}]}"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = json(&body);
    assert_eq!(problem["errors"][0]["row"], 1);
    assert_eq!(problem["errors"][0]["column"], "age");
    // A bad cell in the second JSON row is reported as row 2, with no CSV line.
    let csv = synth_csv(0, 2, 5);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(';').collect();
    let rows: Vec<Value> = lines
        .map(|line| {
            let object: serde_json::Map<String, Value> = header
                .iter()
                .zip(line.split(';'))
                .map(|(k, v)| ((*k).to_owned(), Value::String(v.to_owned())))
                .collect();
            Value::Object(object)
        })
        .collect();
    let mut rows = rows;
    rows[1]["age"] = Value::String("old".into());
    let body = serde_json::json!({ "rows": rows }).to_string();
    let (status, _, answer) = send(&app, api_post("application/json", body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let problem = json(&answer);
    assert_eq!(problem["errors"][0]["row"], 2);
    assert_eq!(problem["errors"][0]["value"], "old");
    assert!(problem["errors"][0].get("line").is_none());
}

#[tokio::test]
async fn wrong_media_types_are_415() {
    let app = app();
    let (status, _, body) = send(&app, api_post("application/xml", "<rows/>")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json(&body)["status"], 415);
    let request = Request::post("/predict")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("a,b\n1,2\n"))
        .expect("request");
    let (status, _, page) = send(&app, request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(page.contains("Unsupported media type"));
}

#[tokio::test]
async fn a_form_without_a_file_is_400() {
    let app = app();
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--{BOUNDARY}--\r\n"
    );
    let request = Request::post("/predict")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request");
    let (status, _, page) = send(&app, request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("no `file` field"));
}

#[tokio::test]
async fn downloads_escape_formula_cells_including_ids() {
    let app = app();
    let mut csv = synth_csv(0, 6, 3);
    let risky = [
        "=HYPERLINK(\"x\")",
        "+cmd",
        "-2+3",
        "@SUM(A1)",
        "\tTAB",
        "safe-id",
    ];
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    for (line, id) in lines.iter_mut().skip(1).zip(risky) {
        let rest = line.split_once(';').expect("id").1.to_owned();
        let quoted = if id.contains('"') {
            format!("\"{}\"", id.replace('"', "\"\""))
        } else {
            id.to_owned()
        };
        *line = format!("{quoted};{rest}");
    }
    csv = lines.join("\n") + "\n";
    let location = upload(&app, &csv).await;
    let (status, _, download) = send(&app, get(&format!("{location}.csv?"))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, download_sorted) = send(&app, get(&format!("{location}.csv"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(download, download_sorted);
    let ids: Vec<&str> = download
        .lines()
        .skip(1)
        .map(|l| l.rsplitn(3, ',').nth(2).expect("id"))
        .collect();
    assert_eq!(
        ids,
        vec![
            "\"'=HYPERLINK(\"\"x\"\")\"",
            "'+cmd",
            "'-2+3",
            "'@SUM(A1)",
            // The reader trims cells, so the tab is gone before it reaches the output.
            "TAB",
            "safe-id"
        ]
    );
    for line in download.lines() {
        assert!(
            !line.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{line}"
        );
    }
}

#[tokio::test]
async fn concurrent_uploads_each_get_only_their_own_rows() {
    let app = app();
    let prefix_ids = |csv: &str, prefix: &str| {
        csv.lines()
            .enumerate()
            .map(|(i, line)| {
                if i == 0 {
                    line.to_owned()
                } else {
                    format!("{prefix}{line}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    };
    let a = prefix_ids(&synth_csv(0, 120, 31), "alice-");
    let b = prefix_ids(&synth_csv(0, 80, 32), "bob-");
    let (la, lb) = tokio::join!(upload(&app, &a), upload(&app, &b));
    assert_ne!(la, lb);
    let (da, db) = tokio::join!(
        send(&app, get(&format!("{la}.csv"))),
        send(&app, get(&format!("{lb}.csv")))
    );
    let ids_a: Vec<String> = parse_download(&da.2).into_iter().map(|r| r.0).collect();
    let ids_b: Vec<String> = parse_download(&db.2).into_iter().map(|r| r.0).collect();
    assert_eq!(ids_a.len(), 120);
    assert_eq!(ids_b.len(), 80);
    assert!(ids_a.iter().all(|id| id.starts_with("alice-")));
    assert!(ids_b.iter().all(|id| id.starts_with("bob-")));
}

#[tokio::test]
async fn uploads_beyond_the_limits_are_413() {
    let app = app_with(Limits::default().max_upload_bytes(4096).max_rows(50));
    let big = scoring_csv();
    assert!(big.len() > 4096);
    let (status, _, body) = send(&app, api_post("text/csv", big.clone())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json(&body)["type"], "urn:pdscore:problem:payload-too-large");
    let (status, _, page) = send(&app, multipart("big.csv", &big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.contains("Upload too large"));
    // Within the byte limit but over the row limit.
    let app = app_with(Limits::default().max_rows(50));
    let (status, _, body) = send(&app, api_post("text/csv", big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json(&body)["type"], "urn:pdscore:problem:too-many-rows");
}

#[tokio::test]
async fn a_request_over_the_timeout_is_503() {
    // 20,000 rows take far longer than the 1 ms timeout, whose timer then fires first.
    let app = app_with(Limits::default().request_timeout(Duration::from_millis(1)));
    let (status, _, body) = send(&app, api_post("text/csv", synth_csv(0, 20_000, 9))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json(&body)["type"], "urn:pdscore:problem:timeout");
}

#[tokio::test]
async fn unknown_result_ids_are_404() {
    let app = app();
    let unknown = "0123456789abcdef0123456789abcdef";
    for uri in [
        format!("/results/{unknown}"),
        format!("/results/{unknown}.csv"),
        "/results/not-an-id".to_owned(),
        "/results/..%2F..%2Fetc%2Fpasswd".to_owned(),
    ] {
        let (status, _, page) = send(&app, get(&uri)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(page.contains("no result with this id"), "{uri}");
    }
    let (status, _, body) = send(&app, get("/api/v1/nothing")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["type"], "urn:pdscore:problem:no-such-route");
}

#[tokio::test]
async fn health_readiness_and_model_card() {
    let app = app();
    let (status, _, body) = send(&app, get("/healthz")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["status"], "ok");
    let (status, _, body) = send(&app, get("/readyz")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["status"], "ready");
    let (status, _, body) = send(&app, get("/api/v1/model")).await;
    assert_eq!(status, StatusCode::OK);
    let card = json(&body);
    assert_eq!(
        card["model"]["candidate"],
        pipeline().card().model.candidate
    );
    let (status, _, page) = send(&app, get("/model")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Cross-validated comparison"));
}

#[tokio::test]
async fn every_route_is_documented_and_routed() {
    let document: Value = serde_json::from_str(OPENAPI_JSON).expect("OpenAPI parses");
    assert!(
        document["openapi"]
            .as_str()
            .expect("version")
            .starts_with("3.")
    );
    let paths = document["paths"].as_object().expect("paths");
    for (method, path) in ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
    assert_eq!(
        paths
            .values()
            .map(|p| p.as_object().expect("ops").len())
            .sum::<usize>(),
        ROUTES.len(),
        "the document describes no route the router lacks"
    );
    let app = app();
    let (status, _, served) = send(&app, get("/api/v1/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&served), document);
    for (method, path) in ROUTES {
        let uri = path.replace("{id}", "0123456789abcdef0123456789abcdef");
        let request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(&uri)
            .body(Body::empty())
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        let body = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let body = String::from_utf8_lossy(&body);
        assert!(
            !body.contains("no-such-route") && !body.contains("no page at"),
            "{method} {uri} is not routed"
        );
    }
}

#[tokio::test]
async fn a_large_json_body_scores_like_the_same_csv() {
    let app = app();
    let csv = synth_csv(0, 300, 41);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(';').collect();
    let rows: Vec<Value> = lines
        .map(|line| {
            let object: serde_json::Map<String, Value> = header
                .iter()
                .zip(line.split(';'))
                .map(|(k, v)| ((*k).to_owned(), Value::String(v.to_owned())))
                .collect();
            Value::Object(object)
        })
        .collect();
    let body = serde_json::json!({ "rows": rows }).to_string();
    assert!(body.len() > 64 * 1024, "converted on the blocking pool");
    let (status, _, from_json) = send(&app, api_post("application/json", body)).await;
    assert_eq!(status, StatusCode::OK, "{from_json}");
    let (status, _, from_csv) = send(&app, api_post("text/csv", csv)).await;
    assert_eq!(status, StatusCode::OK);
    let (a, b) = (json(&from_json), json(&from_csv));
    assert_eq!(a["predictions"].as_array().map(Vec::len), Some(300));
    assert_eq!(a["predictions"], b["predictions"]);
}

#[tokio::test]
async fn api_and_result_page_give_the_principal_reasons() {
    let app = app();
    let csv = synth_csv(0, 5, 21);
    let header: Vec<String> = csv
        .lines()
        .next()
        .expect("header")
        .split(';')
        .map(str::to_owned)
        .collect();
    let explained = |answer: &Value, n: usize| {
        for p in answer["predictions"].as_array().expect("predictions") {
            let reasons = p["reasons"].as_array().expect("reasons asked for");
            assert!(!reasons.is_empty() && reasons.len() <= n, "{p}");
            let sizes: Vec<f64> = reasons
                .iter()
                .map(|r| {
                    let column = r["column"].as_str().expect("column");
                    assert!(header.iter().any(|h| h == column), "{column}");
                    r["contribution"].as_f64().expect("number").abs()
                })
                .collect();
            assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first");
        }
    };
    // A CSV body asks with the query.
    let request = Request::post("/api/v1/predict?explain=2")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv.clone()))
        .expect("request");
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let from_csv = json(&body);
    explained(&from_csv, 2);
    assert!(
        body.contains("\"step\":\"explain\""),
        "the log has the explain step: {body}"
    );
    // Without `explain`, no reasons.
    let (_, _, plain) = send(&app, api_post("text/csv", csv.clone())).await;
    assert!(json(&plain)["predictions"][0].get("reasons").is_none());
    // A JSON body asks in the body, and gets the same reasons as the CSV.
    let mut lines = csv.lines().skip(1);
    let first: Vec<&str> = lines.next().expect("row").split(';').collect();
    let row: serde_json::Map<String, Value> = header
        .iter()
        .zip(&first)
        .map(|(name, cell)| {
            let value = match (*cell, cell.parse::<f64>()) {
                ("NA", _) => Value::Null,
                ("True" | "False", _) => Value::Bool(*cell == "True"),
                (_, Ok(x)) => serde_json::json!(x),
                _ => Value::String((*cell).to_owned()),
            };
            (name.clone(), value)
        })
        .collect();
    let body = serde_json::json!({ "explain": 2, "rows": [row] }).to_string();
    let (status, _, answer) = send(&app, api_post("application/json", body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let from_json = json(&answer);
    explained(&from_json, 2);
    let (a, b) = (
        &from_csv["predictions"][0]["reasons"],
        &from_json["predictions"][0]["reasons"],
    );
    assert_eq!(a.as_array().map(Vec::len), b.as_array().map(Vec::len));
    for (x, y) in a
        .as_array()
        .into_iter()
        .flatten()
        .zip(b.as_array().into_iter().flatten())
    {
        assert_eq!(x["column"], y["column"]);
        let (x, y) = (x["contribution"].as_f64(), y["contribution"].as_f64());
        assert!((x.expect("x") - y.expect("y")).abs() < 1e-9);
    }
    // A bad count is a problem, not a panic.
    let request = Request::post("/api/v1/predict?explain=many")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv.clone()))
        .expect("request");
    let (status, content_type, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(content_type, "application/problem+json");
    // The result page gives each flagged row its reasons.
    let location = upload(&app, &scoring_csv()).await;
    let (status, _, page) = send(&app, get(&location)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Top reasons"), "a reasons column");
    let flagged_rows = page.matches("badge flag").count();
    let reason_cells = page.matches("<td class=\"reasons\"><code>").count();
    assert!(
        flagged_rows > 0,
        "the sample has flagged rows on the first page"
    );
    assert_eq!(
        reason_cells, flagged_rows,
        "every flagged row shown has reasons"
    );
}
