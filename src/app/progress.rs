//! The progress bar: on standard error, only on a terminal, without
//! --quiet, and once the work has taken more than a moment.

use crate::model::params::Scenario;
use crate::request::Settings;
use crate::runner::{self, Results};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    enabled: bool,
}

impl Progress {
    /// A bar that counts `total` runs.
    pub fn new(total: u64, label: &str, quiet: bool) -> Progress {
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

    pub fn tick(&self) {
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > Duration::from_millis(300)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.inc(1);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Runs scenarios together (common random numbers) with a progress bar
/// counting runs (the runner ticks once per run, however it splits the work).
pub fn summarise(scenarios: &[&Scenario], label: &str, settings: &Settings, pool: &runner::Pool) -> Results {
    let progress = Progress::new(u64::from(settings.runs), label, settings.quiet);
    let results = runner::summarise(scenarios, settings.seed, settings.runs, pool, &|| progress.tick());
    progress.finish();
    results
}
