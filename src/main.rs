//! The `caseload` binary: parse arguments, run the command, turn an error
//! into a message and an exit code (2 bad input, 1 anything else).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = caseload::cli::Cli::parse();
    let stdout = std::io::stdout();
    match caseload::app::run(cli, &mut stdout.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code() as u8)
        }
    }
}
