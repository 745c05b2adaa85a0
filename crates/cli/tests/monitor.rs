//! `pdscore monitor` end to end: the real binary on the shipped sample, unchanged (stable,
//! exit 0) and with one input shifted (a significant CSI, exit code 3 under `--fail-above`).

use std::path::PathBuf;
use std::process::{Command, Output};

fn pdscore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(args)
        .output()
        .expect("run pdscore")
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/klarna_synth_sample.csv")
}

/// The sample with `age` doubled in every row (a shifted population).
fn shifted_sample(to: &PathBuf) {
    let text = std::fs::read_to_string(sample()).expect("sample");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let age = header
        .split(';')
        .position(|h| h == "age")
        .expect("age column");
    let mut out = format!("{header}\n");
    for line in lines {
        let cells: Vec<String> = line
            .split(';')
            .enumerate()
            .map(|(i, c)| match (i == age, c.parse::<f64>()) {
                (true, Ok(v)) => (2.0 * v).to_string(),
                _ => c.to_owned(),
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push('\n');
    }
    std::fs::write(to, out).expect("write shifted sample");
}

#[test]
fn stable_data_passes_and_a_shifted_input_fails_the_limit() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("monitor");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let model = dir.join("model.json");
    let sample = sample();
    let trained = pdscore(&[
        "train",
        "--quiet",
        "--data",
        sample.to_str().expect("path"),
        "--target",
        "default",
        "--model",
        "logreg",
        "--folds",
        "3",
        "--out",
        model.to_str().expect("path"),
    ]);
    assert!(
        trained.status.success(),
        "{}",
        String::from_utf8_lossy(&trained.stderr)
    );

    let json = dir.join("same.json");
    let same = pdscore(&[
        "monitor",
        "--model",
        model.to_str().expect("path"),
        "--data",
        sample.to_str().expect("path"),
        "--fail-above",
        "0.25",
        "--json",
        json.to_str().expect("path"),
    ]);
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("valid JSON");
    // the training rows plus the unlabelled rows of the same generator: hardly any shift
    assert!(
        report["score"]["psi"].as_f64().expect("psi") < 0.01,
        "{report}"
    );

    let shifted = dir.join("shifted.csv");
    shifted_sample(&shifted);
    let out = dir.join("report");
    let drifted = pdscore(&[
        "monitor",
        "--model",
        model.to_str().expect("path"),
        "--data",
        shifted.to_str().expect("path"),
        "--fail-above",
        "0.25",
        "--out",
        out.to_str().expect("path"),
    ]);
    assert_eq!(
        drifted.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&drifted.stderr)
    );
    let stdout = String::from_utf8_lossy(&drifted.stdout);
    let age_line = stdout
        .lines()
        .find(|l| l.starts_with("age "))
        .expect("age listed");
    assert!(age_line.contains("(significant)"), "{stdout}");
    for file in ["monitor.md", "monitor.html", "monitor.json"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let md = std::fs::read_to_string(out.join("monitor.md")).expect("md");
    assert!(md.contains("| age | "), "{md}");
}

#[test]
fn a_bad_limit_is_a_clear_error() {
    let out = pdscore(&[
        "monitor",
        "--model",
        "m.json",
        "--data",
        "d.csv",
        "--fail-above=-1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: --fail-above"), "{stderr}");
}
