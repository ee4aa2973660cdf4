//! The commands: each turns checked options into work and output.

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::scenario::{self, describe};
use std::io::Write;
use std::path::Path;

/// Runs one command; what it prints for people goes to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    match cli.command {
        Command::Check { scenarios, sets } => check(&scenarios, &sets, out),
        Command::New { file } => new_scenario(&file, out),
    }
}

fn check(files: &[std::path::PathBuf], sets: &[String], out: &mut dyn Write) -> Result<()> {
    let mut failed = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if i > 0 {
            writeln!(out).map_err(|e| Error::io("standard output", e))?;
        }
        match scenario::load(file, sets) {
            Ok(loaded) => {
                write!(out, "{}", describe::describe(&loaded)).map_err(|e| Error::io("standard output", e))?;
                writeln!(out, "OK: {} is a valid scenario.", loaded.source.file)
                    .map_err(|e| Error::io("standard output", e))?;
            }
            Err(e) => failed.push(e),
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    let problems = failed.into_iter().flat_map(|e| e.problems).collect();
    Err(Error::Scenario(scenario::ScenarioError { problems }))
}

fn new_scenario(file: &Path, out: &mut dyn Write) -> Result<()> {
    let mut handle = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::Usage(format!(
                "{}: already exists; caseload new never overwrites a file (choose another name)",
                file.display()
            )),
            _ => Error::io(file, e),
        })?;
    handle
        .write_all(scenario::STARTER.as_bytes())
        .map_err(|e| Error::io(file, e))?;
    writeln!(
        out,
        "Wrote {}: edit its values (each has a comment), then run `caseload check {}`.",
        file.display(),
        file.display()
    )
    .map_err(|e| Error::io("standard output", e))
}
