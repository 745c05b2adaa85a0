//! `pdscore generate` end to end: the real binary, a real file.

use std::path::PathBuf;
use std::process::Command;

fn out_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn generate_writes_the_file_and_a_summary() {
    let dir = out_dir("generate_ok");
    let file = dir.join("synth.csv");
    let run = |path: &PathBuf| {
        Command::new(env!("CARGO_BIN_EXE_pdscore"))
            .args([
                "generate",
                "--rows",
                "400",
                "--unlabelled",
                "40",
                "--seed",
                "9",
                "--out",
            ])
            .arg(path)
            .output()
            .expect("run pdscore")
    };
    let output = run(&file);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let bytes = std::fs::read(&file).expect("output file");
    assert!(stdout.contains("440 rows"), "{stdout}");
    assert!(stdout.contains("40 unlabelled"), "{stdout}");
    assert!(
        stdout.contains(&format!("{} bytes", bytes.len())),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1);
    assert!(bytes.starts_with(b"uuid;default;account_amount_added_12_24m"));
    assert_eq!(String::from_utf8_lossy(&bytes).lines().count(), 441);
    // Same seed, same bytes.
    let again = dir.join("again.csv");
    assert!(run(&again).status.success());
    assert_eq!(std::fs::read(&again).expect("second file"), bytes);
}

#[test]
fn generate_reports_errors_without_panicking() {
    let dir = out_dir("generate_err");
    let output = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(["generate", "--rows", "10", "--seed", "1", "--out"])
        .arg(dir.join("no/such/dir/out.csv"))
        .output()
        .expect("run pdscore");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: cannot generate"), "{stderr}");
    assert!(stderr.contains("caused by:"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(["generate", "--rows", "0", "--seed", "1", "--out"])
        .arg(dir.join("zero.csv"))
        .output()
        .expect("run pdscore");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("between 1 and"));

    let output = Command::new(env!("CARGO_BIN_EXE_pdscore"))
        .args(["generate", "--rows", "many"])
        .output()
        .expect("run pdscore");
    assert!(!output.status.success(), "bad flags are rejected by clap");
}
