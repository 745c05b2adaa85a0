//! Door 3 of the bad-input corpus (`tests/bad_inputs/` at the workspace root): every scoring
//! case as a `text/csv` body of `POST /api/v1/predict`, the router driven in-process. The
//! status and problem `type` must match the manifest, and the API never answers 500. Model
//! cases go through `ServeConfig::load_model`, which must refuse a damaged file with a clear
//! error (the server then does not start); a valid model of other columns is served and the
//! scoring file is posted to it. Training cases have no web door.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use pdscore::pipeline::Pipeline;
use pdscore_web::{Limits, ModelSource, ServeConfig, router, train_demo_model};
use serde_json::Value;
use tower::ServiceExt;

use pdscore_testkit::bad_inputs::{self as corpus, Case, Door};

fn work_dir() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad_inputs_web");
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn train(name: &str) -> Pipeline {
    let (path, target) = corpus::model_training_file(name, &work_dir());
    train_demo_model(&path, target, &["logreg".to_owned()], 2).expect("the corpus models train")
}

async fn post_csv(app: &Router, body: Vec<u8>) -> (StatusCode, String) {
    let request = Request::post("/api/v1/predict")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Checks one answer against the case; returns the problems found.
fn check_answer(case: &Case, status: StatusCode, body: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        problems.push("answered 500".to_owned());
    }
    if Some(status.as_u16()) != case.web_status {
        problems.push(format!("status {status}, expected {:?}", case.web_status));
    }
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        problems.push("the body is not JSON".to_owned());
        return problems;
    };
    if status.is_success() {
        let rows = json["predictions"].as_array().map(Vec::len);
        if case.rows.is_some() && rows != case.rows {
            problems.push(format!("{rows:?} rows, expected {:?}", case.rows));
        }
    } else {
        let kind = json["type"].as_str().unwrap_or("");
        let slug = kind.rsplit(':').next().unwrap_or("");
        if Some(slug) != case.web_type.as_deref() {
            problems.push(format!(
                "problem type `{kind}`, expected {:?}",
                case.web_type
            ));
        }
        if json["title"].as_str().is_none_or(str::is_empty) {
            problems.push("the problem has no title".to_owned());
        }
    }
    problems
}

#[tokio::test]
async fn every_bad_scoring_input_gives_the_expected_api_answer() {
    let klarna_model = train("klarna");
    let klarna = router(klarna_model.clone(), Limits::default()).expect("router");
    let credit_risk_model = train("credit_risk");
    let cases = corpus::cases();
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for case in &cases {
        let input = std::fs::read(corpus::corpus_dir().join(&case.file)).expect("corpus file");
        let problems = match case.door {
            Door::Train => continue,
            Door::Score => {
                assert_eq!(
                    case.model, "klarna",
                    "{}: the web test serves the Klarna model",
                    case.file
                );
                let (status, body) = post_csv(&klarna, input).await;
                check_answer(case, status, &body)
            }
            Door::Model => {
                let source = if case.model == "klarna" {
                    klarna_model.to_bytes().expect("bytes")
                } else {
                    credit_risk_model.to_bytes().expect("bytes")
                };
                let path = work_dir().join(format!("{}.{}.json", case.model, case.corruption));
                std::fs::write(&path, corpus::corrupt(&source, &case.corruption))
                    .expect("write damaged model");
                match ServeConfig::new(ModelSource::File(path)).load_model() {
                    Err(e) if case.library != "ok" && case.web_status.is_none() => {
                        let text = e.to_string();
                        if text.contains(&case.message) {
                            Vec::new()
                        } else {
                            vec![format!("load error `{text}` lacks `{}`", case.message)]
                        }
                    }
                    Err(e) => vec![format!("the model did not load: {e}")],
                    Ok(pipeline) if case.web_status.is_some() => {
                        let app = router(pipeline, Limits::default()).expect("router");
                        let (status, body) = post_csv(&app, input).await;
                        check_answer(case, status, &body)
                    }
                    Ok(_) => vec!["a damaged model file loaded".to_owned()],
                }
            }
        };
        checked += 1;
        if !problems.is_empty() {
            mismatches.push(format!("{}: {}", case.file, problems.join("; ")));
        }
    }
    assert!(checked >= 40, "only {checked} cases reach the web door");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
