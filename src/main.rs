//! The `caseload` binary: parse arguments, run the command, turn an error
//! into a message and an exit code (2 bad input, 1 anything else), and
//! stop cleanly on Ctrl-C or SIGTERM (130 or 143).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cli = match caseload::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and the version go to standard output with code 0.
            let _ = error.print();
            if let Some(hint) = caseload::cli::hint(&error, &args) {
                eprintln!("\n{hint}");
            }
            return ExitCode::from(error.exit_code() as u8);
        }
    };
    // `serve` stops on Ctrl-C by itself, letting answers in flight finish.
    if !matches!(cli.command, caseload::cli::Command::Serve { .. }) {
        stop_cleanly_on_signals();
    }
    // The handles, not their locks: the signal handler's thread writes to
    // standard error too.
    let (mut stdout, mut stderr) = (std::io::stdout(), std::io::stderr());
    let mut console = caseload::app::Console {
        out: &mut stdout,
        err: &mut stderr,
    };
    let done = caseload::request::Request::from_cli(cli).and_then(|request| caseload::app::run(request, &mut console));
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code() as u8)
        }
    }
}

/// On Ctrl-C (SIGINT) or SIGTERM, from a thread of its own: removes any
/// output folder being written (`files::abandon`, held until the process
/// ends, so that the command's own threads cannot write another file), says
/// what was and was not written, and exits with the shell's code for the
/// signal, 128 + its number. A second signal ends the process at once.
#[cfg(unix)]
fn stop_cleanly_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    // Without the handler the signal ends the process as usual, and the
    // next command clears what it left.
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        for (n, signal) in signals.forever().enumerate() {
            if n > 0 {
                std::process::exit(128 + signal);
            }
            std::thread::spawn(move || {
                let abandoned = caseload::output::files::abandon();
                if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                    // Over the progress bar's line.
                    eprint!("\r\x1b[2K");
                }
                eprintln!("{}", abandoned.message());
                std::process::exit(128 + signal);
            });
        }
    });
}

/// Elsewhere Ctrl-C ends the process as the system does; a folder being
/// written stays hidden beside the output (`.NAME.writing-PID`).
#[cfg(not(unix))]
fn stop_cleanly_on_signals() {}
