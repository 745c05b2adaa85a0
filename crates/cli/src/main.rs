//! The `pdscore` command-line tool.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!("pdscore: no subcommands yet");
    ExitCode::FAILURE
}
