//! Developer tasks for the pdscore workspace (`cargo xtask <task>`).

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!("xtask: no tasks yet");
    ExitCode::FAILURE
}
