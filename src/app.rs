//! The commands: each turns checked options into work and output.

use crate::cli::{Cli, Command, RunOptions};
use crate::error::{Error, Result};
use crate::model::params::Scenario;
use crate::output::files::{OutputFile, write_folder};
use crate::output::{headline, resolved, slug, tables};
use crate::runner::{self, Runs};
use crate::scenario::{self, Loaded, describe};
use crate::stats::Summary;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Runs one command; what it prints for people goes to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    match cli.command {
        Command::Run { scenarios, options } => run_scenarios(&scenarios, &options, out),
        Command::Check { scenarios, sets } => check(&scenarios, &sets, out),
        Command::New { file } => new_scenario(&file, out),
    }
}

fn say(out: &mut dyn Write, text: std::fmt::Arguments) -> Result<()> {
    out.write_fmt(text)
        .and_then(|_| out.write_all(b"\n"))
        .map_err(|e| Error::io("standard output", e))
}

/// Loads every file, reporting every problem of every file before any work.
fn load_all(files: &[PathBuf], sets: &[String]) -> Result<Vec<Loaded>> {
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match scenario::load(file, sets) {
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

fn check(files: &[PathBuf], sets: &[String], out: &mut dyn Write) -> Result<()> {
    let mut problems = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if i > 0 {
            say(out, format_args!(""))?;
        }
        match scenario::load(file, sets) {
            Ok(loaded) => {
                say(out, format_args!("{}", describe::describe(&loaded).trim_end()))?;
                say(out, format_args!("OK: {} is a valid scenario.", loaded.source.file))?;
            }
            Err(e) => problems.extend(e.problems),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Scenario(scenario::ScenarioError { problems }))
    }
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
    say(
        out,
        format_args!(
            "Wrote {}: edit its values (each has a comment), then run `caseload check {}`.",
            file.display(),
            file.display()
        ),
    )
}

/// A progress bar on standard error, shown only on a terminal, without
/// --quiet, and once the work has taken more than a moment.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    enabled: bool,
}

impl Progress {
    fn new(total: u64, label: &str, quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} runs, {eta} left") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_string());
        Progress {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    fn tick(&self) {
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > Duration::from_millis(300)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Simulates a scenario's runs with a progress bar.
fn simulate(s: &Scenario, options: &RunOptions, pool: &rayon::ThreadPool) -> Runs {
    let progress = Progress::new(u64::from(options.runs), &s.name, options.quiet);
    let runs = runner::run(s, options.seed, options.runs, pool, &|| progress.tick());
    progress.finish();
    runs
}

fn thread_pool(options: &RunOptions) -> Result<rayon::ThreadPool> {
    runner::pool(options.threads).map_err(|e| Error::Usage(format!("--threads: cannot start the workers: {e}")))
}

fn csv_bytes(name: &str, bytes: std::result::Result<Vec<u8>, csv::Error>) -> Result<OutputFile> {
    let bytes = bytes.map_err(|e| Error::io(name, std::io::Error::other(e)))?;
    Ok(OutputFile {
        name: name.to_string(),
        bytes,
    })
}

fn resolved_file(name: &str, loaded: &Loaded, options: &RunOptions) -> Result<OutputFile> {
    let bytes = resolved::resolved_toml(loaded, options.runs, options.seed)
        .map_err(|e| Error::io(name, std::io::Error::other(e)))?;
    Ok(OutputFile {
        name: name.to_string(),
        bytes,
    })
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

fn run_scenarios(files: &[PathBuf], options: &RunOptions, out: &mut dyn Write) -> Result<()> {
    let loaded = load_all(files, &options.sets)?;
    distinct_slugs(&loaded)?;
    let pool = thread_pool(options)?;
    for l in &loaded {
        for w in &l.warnings {
            eprintln!("warning: {}: {w}", l.source.file);
        }
        let s = &l.scenario;
        let runs = simulate(s, options, &pool);
        let summary = Summary::of(&runs);
        let headlines = headline::compute(s, &summary, &runs);
        let mut files = vec![
            csv_bytes("summary.csv", tables::summary_csv(&[(&s.name, s.start, &summary)]))?,
            csv_bytes("headline.csv", headline::csv(&headlines))?,
            resolved_file("scenario.resolved.toml", l, options)?,
        ];
        if options.per_run {
            files.push(csv_bytes("runs.csv", tables::runs_csv(&runs, s.start))?);
        }
        let folder = write_folder(&options.out, &slug(&s.name), &files)?;
        say(
            out,
            format_args!(
                "{}: median caseload in {} is {} (90% range {} to {}); at or below {} in {:.0}% of runs. Wrote {}",
                s.name,
                headlines.get("end_month").unwrap_or_default(),
                headlines.get("caseload_end_median").unwrap_or_default(),
                headlines.get("caseload_end_p05").unwrap_or_default(),
                headlines.get("caseload_end_p95").unwrap_or_default(),
                describe::num(s.target.high),
                headlines
                    .get("prob_at_or_below_high_end")
                    .and_then(|p| p.parse::<f64>().ok())
                    .unwrap_or(0.0)
                    * 100.0,
                folder.display()
            ),
        )?;
    }
    Ok(())
}
