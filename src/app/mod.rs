//! The commands, each a straight pipeline: request -> scenarios -> runs ->
//! analysis -> files -> a line on the console. `main` parses the
//! arguments, turns them into a [`Request`] and calls [`run`]; what people
//! read goes to the [`Console`] it passes, and nothing here prints.

mod backtest;
mod compare;
mod new;
mod outputs;
mod progress;
mod run;
mod seek;
mod serve;

use crate::error::{Error, Result};
use crate::output::slug;
use crate::request::{Request, Scenarios, Settings};
use crate::runner;
use crate::scenario::{self, Loaded};
use std::io::Write;

/// Where a command's words go: results to `out` (standard output), warnings
/// to `err` (standard error).
pub struct Console<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

impl Console<'_> {
    /// One line of results.
    fn say(&mut self, line: impl std::fmt::Display) -> Result<()> {
        writeln!(self.out, "{line}").map_err(|e| Error::io("standard output", e))
    }

    /// One warning.
    fn warn(&mut self, line: impl std::fmt::Display) -> Result<()> {
        writeln!(self.err, "warning: {line}").map_err(|e| Error::io("standard error", e))
    }
}

/// Runs one command.
pub fn run(request: Request, console: &mut Console) -> Result<()> {
    match request {
        Request::Run(scenarios, settings) => run::run(&scenarios, &settings, console),
        Request::Compare(scenarios, settings, sweep) => {
            compare::compare(&scenarios, &settings, sweep.as_ref(), console)
        }
        Request::Check(scenarios) => new::check(&scenarios, console),
        Request::New(what) => new::new(what, console),
        Request::Backtest(what, settings) => backtest::backtest(&what, &settings, console),
        Request::Seek(what, settings) => seek::seek(&what, &settings, console),
        Request::Serve(what) => serve::serve(&what, console),
    }
}

/// Loads every file, reporting every problem of every file before any work.
fn load_all(scenarios: &Scenarios) -> Result<Vec<Loaded>> {
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    for file in &scenarios.files {
        match scenario::load(file, &scenarios.sets) {
            Ok(l) => loaded.push(l),
            Err(e) => problems.extend(e.problems),
        }
    }
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(Error::Scenario(scenario::ScenarioError { problems }))
    }
}

/// Says each scenario's warnings, file by file.
fn warn_all(loaded: &[Loaded], console: &mut Console) -> Result<()> {
    for l in loaded {
        for w in &l.warnings {
            console.warn(format_args!("{}: {w}", l.source.file))?;
        }
    }
    Ok(())
}

/// Refuses two scenarios that would write the same folder.
fn distinct_slugs(loaded: &[Loaded]) -> Result<()> {
    for (i, a) in loaded.iter().enumerate() {
        if let Some(b) = loaded[..i]
            .iter()
            .find(|b| slug(&b.scenario.name) == slug(&a.scenario.name))
        {
            return Err(Error::Usage(format!(
                "{} and {} are both named \"{}\", so their outputs would overwrite each other: give one a different `name`",
                b.source.file, a.source.file, a.scenario.name
            )));
        }
    }
    Ok(())
}

fn thread_pool(settings: &Settings) -> Result<runner::Pool> {
    runner::pool(settings.threads).map_err(|e| Error::Usage(format!("--threads: cannot start the workers: {e}")))
}
