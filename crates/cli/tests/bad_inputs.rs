//! Door 2 of the bad-input corpus (`tests/bad_inputs/` at the workspace root): every case
//! through the `pdscore` binary, with `RUST_BACKTRACE=1` set. Scoring files go to
//! `pdscore predict` with a logistic regression trained by `pdscore train` on the first rows
//! of the shipped sample; training files to `pdscore train`; model cases feed a corrupted
//! copy of the trained model file to `pdscore predict`. The exit code and a substring of the
//! message must match the manifest, and no output may show a panic or a backtrace.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pdscore_testkit::bad_inputs::{self as corpus, Case, Door};

fn pdscore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run pdscore")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn work_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad_inputs_cli");
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn train_args<'a>(data: &'a str, target: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "--quiet", "train", "--data", data, "--target", target, "--model", "logreg", "--folds",
        "2", "--out", out,
    ]
}

fn run(case: &Case, dir: &Path, models: &[(&str, PathBuf)]) -> Output {
    let input = corpus::corpus_dir().join(&case.file);
    let model_of = |name: &str| {
        models
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p.clone())
            .expect("known model")
    };
    match case.door {
        Door::Score => pdscore(&[
            "--quiet",
            "predict",
            "--model",
            s(&model_of(&case.model)),
            "--input",
            s(&input),
        ]),
        Door::Train => {
            let out = dir.join(format!("{}.model.json", case.file));
            pdscore(&train_args(s(&input), &case.target, s(&out)))
        }
        Door::Model => {
            let bytes = std::fs::read(model_of(&case.model)).expect("read model");
            let damaged = dir.join(format!("{}.{}.json", case.model, case.corruption));
            std::fs::write(&damaged, corpus::corrupt(&bytes, &case.corruption))
                .expect("write damaged model");
            pdscore(&[
                "--quiet",
                "predict",
                "--model",
                s(&damaged),
                "--input",
                s(&input),
            ])
        }
    }
}

#[test]
fn every_bad_input_gives_the_expected_cli_outcome() {
    let dir = work_dir();
    let mut models = Vec::new();
    for name in ["klarna", "credit_risk"] {
        let (data, target) = corpus::model_training_file(name, &dir);
        let out = dir.join(format!("{name}.model.json"));
        let trained = pdscore(&train_args(s(&data), target, s(&out)));
        assert!(
            trained.status.success(),
            "training the {name} model failed: {}",
            String::from_utf8_lossy(&trained.stderr)
        );
        models.push((name, out));
    }
    let cases = corpus::cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let mut mismatches = Vec::new();
    for case in &cases {
        let out = run(case, &dir, &models);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code().unwrap_or(-1);
        let mut problems = Vec::new();
        if code != case.cli_exit {
            problems.push(format!("exit code {code}, expected {}", case.cli_exit));
        }
        for marker in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
            if stderr.contains(marker) || stdout.contains(marker) {
                problems.push(format!("output shows `{marker}`"));
            }
        }
        let shown = if case.cli_exit == 0 { &stdout } else { &stderr };
        if !shown.contains(&case.message) {
            problems.push(format!("output lacks `{}`", case.message));
        }
        if case.cli_exit != 0 && !stderr.starts_with("error: ") {
            problems.push("stderr does not start with `error: `".to_owned());
        }
        if let (0, Some(rows), Door::Score | Door::Model) = (code, case.rows, case.door) {
            let lines = stdout.lines().count();
            if lines != rows + 1 {
                problems.push(format!("{lines} output lines, expected {rows} + header"));
            }
        }
        if !problems.is_empty() {
            mismatches.push(format!(
                "{} ({:?}): {}\n  stderr: {}",
                case.file,
                case.door,
                problems.join("; "),
                stderr.trim()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
