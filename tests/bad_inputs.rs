//! Door 1 of the bad-input corpus (`tests/bad_inputs/`): every case through the library.
//! Scoring files are read with `ingest::read_csv` and the model's read options, then
//! `Pipeline::score`; training files go through `pipeline::evaluate` (one logistic regression,
//! 2 folds); model cases load corrupted bytes of a freshly trained pipeline with
//! `Pipeline::from_bytes`. Each outcome is `ok` (with the row count) or the error variant the
//! manifest names; all mismatches are reported together.

use std::collections::HashMap;

use pdscore::ingest::read_csv;
use pdscore::pipeline::{CvSpec, EvaluateSpec, InputSpec, Pipeline, PipelineError, evaluate};

use pdscore_testkit::bad_inputs::{self as corpus, Case, Door};

/// `evaluate` with one logistic regression and 2 folds, seed 0.
fn train(path: &std::path::Path, target: &str) -> Result<Pipeline, PipelineError> {
    let mut spec = EvaluateSpec::new(InputSpec::new(path, target));
    spec.cv = CvSpec::default().folds(2).seed(0);
    spec.models = Some(vec!["logreg".to_owned()]);
    spec.created_at = Some("2026-01-01T00:00:00Z".to_owned());
    evaluate(&spec, None).map(|e| e.pipeline)
}

fn score(pipeline: &Pipeline, bytes: &[u8]) -> Result<usize, PipelineError> {
    let table = read_csv(bytes, &pipeline.read_options())?;
    Ok(pipeline.score(&table)?.pd.len())
}

/// `Ok(rows)` or the error; training cases count the training rows.
fn run(case: &Case, models: &HashMap<&str, Pipeline>) -> Result<usize, PipelineError> {
    let path = corpus::corpus_dir().join(&case.file);
    match case.door {
        Door::Score => {
            let bytes = std::fs::read(&path).expect("read corpus file");
            score(&models[case.model.as_str()], &bytes)
        }
        Door::Train => {
            let pipeline = train(&path, &case.target)?;
            Ok(pipeline.card().training_data.rows)
        }
        Door::Model => {
            let source = &models[case.model.as_str()];
            let bytes = corpus::corrupt(&source.to_bytes()?, &case.corruption);
            let pipeline = Pipeline::from_bytes(&bytes, "model.json")?;
            let data = std::fs::read(&path).expect("read corpus file");
            score(&pipeline, &data)
        }
    }
}

#[test]
fn every_bad_input_gives_the_expected_library_outcome() {
    let dir = tempfile_dir();
    let mut models = HashMap::new();
    for name in ["klarna", "credit_risk"] {
        let (path, target) = corpus::model_training_file(name, &dir);
        models.insert(name, train(&path, target).expect("the corpus models train"));
    }
    let cases = corpus::cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let mut mismatches = Vec::new();
    for case in &cases {
        let outcome = run(case, &models);
        let (found, detail) = match &outcome {
            Ok(rows) => ("ok".to_owned(), format!("{rows} rows")),
            Err(e) => (corpus::variant_path(&format!("{e:?}")), e.to_string()),
        };
        let rows_ok = match (&outcome, case.rows) {
            (Ok(rows), Some(expected)) => *rows == expected,
            _ => true,
        };
        let message_ok = outcome.is_ok() || detail.contains(&case.message);
        if found != case.library || !rows_ok || !message_ok {
            mismatches.push(format!(
                "{} ({:?}): expected {} / {:?} / `{}`, found {found}: {detail}",
                case.file, case.door, case.library, case.rows, case.message
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn variant_paths_name_the_nested_variant() {
    assert_eq!(
        corpus::variant_path("Ingest(EmptyFile)"),
        "Ingest::EmptyFile"
    );
    assert_eq!(
        corpus::variant_path("Features(MissingColumns { names: [] })"),
        "Features::MissingColumns"
    );
    assert_eq!(
        corpus::variant_path("ChecksumMismatch { path: \"m\" }"),
        "ChecksumMismatch"
    );
    assert_eq!(corpus::variant_path("Json(Error(\"x\"))"), "Json::Error");
}

/// A fresh directory under the target's temporary directory.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad_inputs_library");
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
