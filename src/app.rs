//! The commands: each turns checked options into work and output.

use crate::backtest;
use crate::cli::{BacktestOptions, Cli, Command, RunOptions};
use crate::compare;
use crate::error::{Error, Result};
use crate::la;
use crate::model::Parameter;
use crate::model::params::Scenario;
use crate::output::charts::{self, Chart};
use crate::output::files::{OutputFile, write_folder};
use crate::output::report::{self, ChartSvg};
use crate::output::{self, assumptions, fmt_value, headline, resolved, slug, tables, xlsx};
use crate::runner::{self, Results};
use crate::scenario::{self, Loaded, describe};
use crate::stats::Summary;
use crate::text;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Runs one command; what it prints for people goes to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    match cli.command {
        Command::Run { scenarios, options } => run_scenarios(&scenarios, &options, out),
        Command::Compare {
            scenarios,
            options,
            break_even,
            grid,
        } => compare_scenarios(&scenarios, &options, break_even.as_deref(), grid.as_deref(), out),
        Command::Check { scenarios, sets } => check(&scenarios, &sets, out),
        Command::New {
            file,
            la,
            year,
            list_las,
        } => match (file, la) {
            _ if list_las => list_councils(out),
            (Some(file), Some(la)) => new_council_scenario(&file, &la, year, out),
            (Some(file), None) => new_scenario(&file, out),
            (None, _) => Err(Error::Usage("new: give the file to write, FILE.toml".into())),
        },
        Command::Backtest { la, all, from, options } => run_backtest(la.as_deref(), all, from, &options, out),
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

/// `new --list-las`: every council with published figures.
fn list_councils(out: &mut dyn Write) -> Result<()> {
    let figures = la::Figures::embedded()?;
    say(out, format_args!("{}", la::list(&figures).trim_end()))
}

/// Says which joint return a council named as one part of it stands for.
fn say_joint(found: &la::Found, out: &mut dyn Write) -> Result<()> {
    match found.note {
        Some(part) => say(
            out,
            format_args!(
                "{part} reports its social workers jointly as {}: using that.",
                found.council.name
            ),
        ),
        None => Ok(()),
    }
}

/// `new --la NAME [--year YYYY]`: a scenario from a council's published figures.
fn new_council_scenario(file: &Path, name: &str, year: Option<i32>, out: &mut dyn Write) -> Result<()> {
    let figures = la::Figures::embedded()?;
    let found = figures.find(name)?;
    let council = found.council;
    let year_given = year.is_some();
    let year = council.start_year(year)?;
    let built = la::scenario::build(&figures, council, year)?;
    write_new(file, &built.text)?;
    say_joint(&found, out)?;
    say(
        out,
        format_args!(
            "Wrote {}: {} from its published figures for 30 September {year}; every value says where it came from. Check it with `caseload check {}`.",
            file.display(),
            council.name,
            file.display()
        ),
    )?;
    for note in figures.notes(council, year, year_given) {
        say(out, format_args!("{note}"))?;
    }
    Ok(())
}

fn new_scenario(file: &Path, out: &mut dyn Write) -> Result<()> {
    write_new(file, scenario::STARTER)?;
    say(
        out,
        format_args!(
            "Wrote {}: edit its values (each has a comment), then run `caseload check {}`.",
            file.display(),
            file.display()
        ),
    )
}

/// Writes a new file, never overwriting one.
fn write_new(file: &Path, text: &str) -> Result<()> {
    crate::output::files::write_new_file(file, text.as_bytes())
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

/// Runs scenarios together (common random numbers) with a progress bar
/// counting runs (the runner ticks once per run, however it splits the work).
fn summarise(scenarios: &[&Scenario], label: &str, options: &RunOptions, pool: &runner::Pool) -> Results {
    let progress = Progress::new(u64::from(options.runs), label, options.quiet);
    let results = runner::summarise(scenarios, options.seed, options.runs, pool, &|| progress.tick());
    progress.finish();
    results
}

fn thread_pool(options: &RunOptions) -> Result<runner::Pool> {
    runner::pool(options.threads).map_err(|e| Error::Usage(format!("--threads: cannot start the workers: {e}")))
}

fn csv_file<'a>(name: &str, bytes: std::result::Result<Vec<u8>, csv::Error>) -> Result<OutputFile<'a>> {
    let bytes = bytes.map_err(|e| Error::io(name, std::io::Error::other(e)))?;
    Ok(OutputFile::bytes(name, bytes))
}

/// scenario.resolved.toml's bytes (the report fingerprints them).
fn resolved_bytes(name: &str, loaded: &Loaded, options: &RunOptions) -> Result<Vec<u8>> {
    resolved::resolved_toml(loaded, options.runs, options.seed).map_err(|e| Error::io(name, std::io::Error::other(e)))
}

/// runs.csv of a scenario, streamed: its runs are simulated again, in run
/// order, chunk by chunk, as the file is written.
fn runs_file<'a>(name: &str, s: &'a Scenario, options: &'a RunOptions, pool: &'a runner::Pool) -> OutputFile<'a> {
    let path = name.to_string();
    OutputFile::stream(
        name,
        Box::new(move |out: &mut dyn Write| {
            let fail = |e: csv::Error| Error::io(&path, std::io::Error::other(e));
            let mut csv = tables::RunsCsv::new(out, &runner::layout(s).names(), s.start).map_err(fail)?;
            runner::for_each_run(s, options.seed, options.runs, pool, |r, record| {
                csv.write_run(r, record)
            })
            .map_err(fail)?;
            csv.finish().map_err(fail)
        }),
    )
}

/// Warns on standard error when a runs file is too long for Excel.
fn warn_runs_csv(name: &str, runs: u32, months: u32) {
    if let Some(warning) = tables::runs_csv_warning(name, runs, months) {
        eprintln!("warning: {warning}");
    }
}

fn chart_error(name: &str, e: charts::ChartError) -> Error {
    Error::io(name, std::io::Error::other(e))
}

/// The settings a report quotes so that anyone can repeat the results.
fn settings(options: &RunOptions) -> report::Settings<'_> {
    report::Settings {
        runs: options.runs,
        seed: options.seed,
        sets: &options.sets,
    }
}

/// Adds every chart as PNG and SVG to `files`; returns each chart's SVG
/// for the report.
fn chart_files(charts: &[Chart], pool: &runner::Pool, files: &mut Vec<OutputFile>) -> Result<Vec<ChartSvg>> {
    // Each chart as SVG and PNG, rendered in parallel (PNG encoding is most
    // of the cost of the outputs).
    let rendered = runner::map_in_parallel(pool, charts, |chart| -> Result<(String, Vec<u8>, String, String)> {
        let png = format!("{}.png", chart.name);
        let svg_name = format!("{}.svg", chart.name);
        let svg = chart.svg().map_err(|e| chart_error(&svg_name, e))?;
        let bytes = chart.png().map_err(|e| chart_error(&png, e))?;
        Ok((png, bytes, svg_name, svg))
    });
    let mut svgs = Vec::new();
    for (chart, result) in charts.iter().zip(rendered) {
        let (png, bytes, svg_name, svg) = result?;
        files.push(OutputFile::bytes(png, bytes));
        files.push(OutputFile::bytes(svg_name, svg.clone().into_bytes()));
        svgs.push(ChartSvg {
            name: chart.name.clone(),
            svg,
        });
    }
    Ok(svgs)
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
        let results = summarise(&[s], &s.name, options, &pool);
        let summary = &results.summaries[0];
        let headlines = headline::compute(s, summary, &results.totals[0]);
        let resolved_name = "scenario.resolved.toml";
        let resolved = resolved_bytes(resolved_name, l, options)?;
        let mut files = vec![
            csv_file("summary.csv", tables::summary_csv(&[(&s.name, s.start, summary)]))?,
            csv_file("headline.csv", headline::csv(&headlines))?,
            OutputFile::bytes(
                xlsx::NAME,
                xlsx::run_workbook(
                    (&s.name, s.start, summary),
                    &headlines,
                    &assumptions::assumption_table(&[s]),
                )?,
            ),
        ];
        if options.per_run {
            warn_runs_csv("runs.csv", options.runs, s.months);
            files.push(runs_file("runs.csv", s, options, &pool));
        }
        let charts = charts::run_charts(s, summary, options.seed).map_err(|e| chart_error("charts", e))?;
        let svgs = chart_files(&charts, &pool, &mut files)?;
        let shown = report::Shown {
            loaded: l,
            resolved_name,
            resolved: &resolved,
        };
        let html = report::run_report(shown, &headlines, summary, &svgs, settings(options));
        files.push(OutputFile::bytes("report.html", html.into_bytes()));
        files.push(OutputFile::bytes(resolved_name, resolved));
        let folder = write_folder(&options.out, &slug(&s.name), files)?;
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

/// Runs per council of a backtest unless `--runs` says otherwise.
const BACKTEST_RUNS: u32 = 1000;
const BACKTEST_ALL_RUNS: u32 = 200;

/// `backtest --la NAME --from YYYY` or `backtest --all --from YYYY`.
fn run_backtest(
    name: Option<&str>,
    all: bool,
    from: i32,
    options: &BacktestOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let figures = la::Figures::embedded()?;
    let default_runs = if all { BACKTEST_ALL_RUNS } else { BACKTEST_RUNS };
    let options = RunOptions {
        runs: options.runs.unwrap_or(default_runs),
        seed: options.seed,
        out: options.out.clone(),
        sets: Vec::new(),
        threads: options.threads,
        per_run: false,
        quiet: options.quiet,
    };
    match name {
        Some(name) if !all => backtest_council(&figures, name, from, &options, out),
        _ => backtest_all(&figures, from, &options, out),
    }
}

fn backtest_council(
    figures: &la::Figures,
    name: &str,
    from: i32,
    options: &RunOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let found = figures.find(name)?;
    let council = found.council;
    let setup = backtest::setup(figures, council, from)?;
    say_joint(&found, out)?;
    let pool = thread_pool(options)?;
    let results = summarise(
        &[&setup.loaded.scenario],
        &format!("{} from {from}", council.name),
        options,
        &pool,
    );
    let b = backtest::compare(setup, &results.summaries[0])?;
    let coverages = backtest::coverage_all(&b.rows);
    let resolved_name = "scenario.resolved.toml";
    let resolved = resolved_bytes(resolved_name, &b.setup.loaded, options)?;
    let mut files = vec![
        csv_file("backtest.csv", output::backtest::backtest_csv(&b.rows))?,
        csv_file(
            "coverage.csv",
            output::backtest::coverage_csv(&[(council.name.as_str(), coverages.clone())]),
        )?,
    ];
    let svgs = chart_files(&charts::backtest_charts(&b, options.seed), &pool, &mut files)?;
    let html = output::backtest::report(&b, &svgs, resolved_name, &resolved, options.seed);
    files.push(OutputFile::bytes("report.html", html.into_bytes()));
    files.push(OutputFile::bytes(resolved_name, resolved));
    let folder = write_folder(&options.out, &format!("backtest-{}-{from}", slug(&council.name)), files)?;
    say(
        out,
        format_args!(
            "{}, projected from 30 September {from} to {} ({} runs):",
            council.name, b.setup.to, options.runs
        ),
    )?;
    for c in &coverages {
        say(out, format_args!("  {}", output::backtest::coverage_sentence(c)))?;
    }
    say(out, format_args!("Wrote {}", folder.display()))
}

fn backtest_all(figures: &la::Figures, from: i32, options: &RunOptions, out: &mut dyn Write) -> Result<()> {
    let mut skipped = Vec::new();
    let mut eligible = Vec::new();
    for council in &figures.councils {
        match backtest::check_year(council, from) {
            Ok(()) => eligible.push(council),
            Err(e) => skipped.push(output::backtest::Skipped {
                council: council.name.clone(),
                why: e.to_string(),
            }),
        }
    }
    if eligible.is_empty() {
        let mut years: Vec<i32> = figures.councils.iter().flat_map(backtest::usable_years).collect();
        years.sort_unstable();
        years.dedup();
        return Err(Error::Usage(format!(
            "--from {from}: no council has published figures for 30 September {from} and a later year; years a backtest can start from: {}",
            years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        )));
    }
    let pool = thread_pool(options)?;
    let mut done = Vec::new();
    let mut progress: Option<Progress> = None;
    for council in eligible.iter().copied() {
        let setup = match backtest::setup(figures, council, from) {
            Ok(setup) => setup,
            Err(e) => {
                skipped.push(output::backtest::Skipped {
                    council: council.name.clone(),
                    why: e.to_string(),
                });
                continue;
            }
        };
        let bar = progress.get_or_insert_with(|| {
            Progress::new(
                eligible.len() as u64 * u64::from(options.runs),
                &format!("every council from {from}"),
                options.quiet,
            )
        });
        let results = runner::summarise(&[&setup.loaded.scenario], options.seed, options.runs, &pool, &|| {
            bar.tick()
        });
        done.push(backtest::compare(setup, &results.summaries[0])?);
    }
    if let Some(bar) = &progress {
        bar.finish();
    }
    let rows: Vec<(&str, &[backtest::Row])> = done
        .iter()
        .map(|b| (b.setup.council.as_str(), b.rows.as_slice()))
        .collect();
    let coverages: Vec<(&str, Vec<backtest::Coverage>)> = rows
        .iter()
        .map(|(council, rows)| (*council, backtest::coverage_all(rows)))
        .collect();
    let pooled = backtest::pooled(&rows.iter().map(|(_, r)| *r).collect::<Vec<_>>());
    let html = output::backtest::all_report(from, options.runs, options.seed, &pooled, &coverages, &skipped);
    let files = vec![
        csv_file("coverage.csv", output::backtest::coverage_csv(&coverages))?,
        csv_file("summary.csv", output::backtest::summary_csv(&pooled))?,
        csv_file("backtest.csv", output::backtest::all_backtests_csv(&rows))?,
        OutputFile::bytes("report.html", html.into_bytes()),
    ];
    let folder = write_folder(&options.out, &format!("backtest-all-{from}"), files)?;
    say(
        out,
        format_args!(
            "{} councils projected from 30 September {from} ({} runs each); {} not backtested:",
            done.len(),
            options.runs,
            skipped.len()
        ),
    )?;
    for p in pooled.iter().filter(|p| p.years_ahead.is_none()) {
        say(
            out,
            format_args!("  {}", output::backtest::coverage_sentence(&p.coverage)),
        )?;
    }
    say(out, format_args!("Wrote {}", folder.display()))
}

/// Parses `FROM:TO:POINTS` into increasing grid values.
fn parse_grid(text: &str) -> Result<Vec<f64>> {
    let bad = || {
        Error::Usage(format!(
            "--grid {text}: expected FROM:TO:POINTS with FROM < TO and 2 to 1000 points, such as 0.5:1:21"
        ))
    };
    let parts: Vec<&str> = text.split(':').collect();
    let [from, to, points] = parts.as_slice() else {
        return Err(bad());
    };
    let (from, to): (f64, f64) = (
        from.trim().parse().map_err(|_| bad())?,
        to.trim().parse().map_err(|_| bad())?,
    );
    let points: u32 = points.trim().parse().map_err(|_| bad())?;
    if !(from.is_finite() && to.is_finite() && from < to && (2..=1000).contains(&points)) {
        return Err(bad());
    }
    Ok((0..points)
        .map(|i| from + (to - from) * f64::from(i) / f64::from(points - 1))
        .collect())
}

fn compare_scenarios(
    files: &[PathBuf],
    options: &RunOptions,
    break_even_key: Option<&str>,
    grid: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    let loaded = load_all(files, &options.sets)?;
    distinct_slugs(&loaded)?;
    let sweep = match break_even_key {
        None => None,
        Some(key) => {
            if !Parameter::from_key(key).is_some_and(Parameter::is_sweepable) {
                let sweepable = Parameter::SWEEPABLE.map(|p| p.key(&loaded[0].scenario));
                let hint = scenario::problem::nearest(key, sweepable.iter().map(String::as_str))
                    .map_or(String::new(), |k| format!(" (did you mean {k}?)"));
                return Err(Error::Usage(format!(
                    "--break-even {key}: not a payment multiplier{hint}; expected one of {}",
                    sweepable.join(", ")
                )));
            }
            let section = key.rsplit_once('.').map_or(key, |(s, _)| s);
            for l in &loaded[1..] {
                let has_section = l
                    .source
                    .table
                    .get("payments")
                    .and_then(|p| p.get(section.trim_start_matches("payments.")))
                    .is_some();
                if !has_section {
                    return Err(Error::Usage(format!(
                        "--break-even {key}: {} has no [{section}] section to sweep",
                        l.source.file
                    )));
                }
            }
            let values = match grid {
                Some(g) => parse_grid(g)?,
                None => compare::default_grid(key),
            };
            Some((key, values))
        }
    };
    same_shape(&loaded)?;
    let pool = thread_pool(options)?;
    let scenarios: Vec<&Scenario> = loaded.iter().map(|l| &l.scenario).collect();
    let results = summarise(&scenarios, "comparing", options, &pool);
    let base = &loaded[0].scenario;
    let base_totals = &results.totals[0];

    let mut headline_rows: Vec<(String, &'static str, String)> = Vec::new();
    for (l, (summary, totals)) in loaded.iter().zip(results.summaries.iter().zip(&results.totals)) {
        for h in headline::compute(&l.scenario, summary, totals).rows {
            headline_rows.push((l.scenario.name.clone(), h.key, h.value));
        }
    }
    let comparisons: Vec<compare::Difference> = results.totals[1..]
        .iter()
        .map(|totals| compare::Difference::of(totals, base_totals))
        .collect();
    for (l, difference) in loaded[1..].iter().zip(&comparisons) {
        headline_rows.push((l.scenario.name.clone(), "baseline", base.name.clone()));
        for (key, value) in difference.headlines() {
            headline_rows.push((l.scenario.name.clone(), key, value));
        }
    }

    let mut files = Vec::new();
    let named: Vec<(&str, crate::model::params::YearMonth, &Summary)> = loaded
        .iter()
        .zip(&results.summaries)
        .map(|(l, s)| (l.scenario.name.as_str(), l.scenario.start, s))
        .collect();
    files.push(csv_file("summary.csv", tables::summary_csv(&named))?);
    let diff_rows: Vec<(&str, &Summary)> = loaded[1..]
        .iter()
        .map(|l| l.scenario.name.as_str())
        .zip(&results.differences)
        .collect();
    files.push(csv_file(
        "differences.csv",
        tables::differences_csv(&base.name, base.start, &diff_rows),
    )?);
    let pairs: Vec<(&Scenario, &Summary)> = scenarios.iter().copied().zip(&results.summaries).collect();
    let differences: Vec<&Summary> = results.differences.iter().collect();
    let charts = charts::comparison_charts(&pairs, &differences, options.seed).map_err(|e| chart_error("charts", e))?;
    let svgs = chart_files(&charts, &pool, &mut files)?;
    let mut notes = Vec::new();

    if let Some((key, values)) = &sweep {
        let mut rows = csv::Writer::from_writer(Vec::new());
        let sweep_err = |e: csv::Error| Error::io("break_even.csv", std::io::Error::other(e));
        let header = [
            "scenario",
            "key",
            "value",
            "net_cost_mean",
            "net_cost_p05",
            "net_cost_p50",
            "net_cost_p95",
            "spend_total_difference_mean",
            "spend_total_difference_p05",
            "spend_total_difference_p50",
            "spend_total_difference_p95",
        ];
        rows.write_record(header).map_err(sweep_err)?;
        for l in &loaded[1..] {
            let mut net_points = Vec::new();
            let mut total_points = Vec::new();
            for v in values {
                let mut source = l.source.clone();
                source
                    .apply_set(&format!("{key}={v}"))
                    .map_err(scenario::ScenarioError::from)?;
                let variant = scenario::check(source)?;
                let progress = Progress::new(u64::from(options.runs), &format!("{key} = {v}"), options.quiet);
                let totals = runner::totals(&variant.scenario, options.seed, options.runs, &pool, &|| {
                    progress.tick()
                });
                progress.finish();
                let net = crate::stats::Cell::of(&mut compare::net_cost(&totals, base_totals));
                let total = crate::stats::Cell::of(&mut compare::total_spend_difference(&totals, base_totals));
                let mut record = vec![l.scenario.name.clone(), key.to_string(), fmt_value(*v)];
                for cell in [&net, &total] {
                    record.extend([cell.mean, cell.p05(), cell.p50(), cell.p95()].map(fmt_value));
                }
                rows.write_record(&record).map_err(sweep_err)?;
                net_points.push(compare::SweepPoint { value: *v, net });
                total_points.push(compare::SweepPoint { value: *v, net: total });
            }
            let be = compare::break_even(&net_points);
            let be_total = compare::break_even(&total_points);
            let name = l.scenario.name.clone();
            headline_rows.push((name.clone(), "break_even_key", key.to_string()));
            headline_rows.push((name.clone(), "break_even_value", compare::fmt_break_even(be.value)));
            headline_rows.push((name.clone(), "break_even_low", compare::fmt_break_even(be.low)));
            headline_rows.push((name.clone(), "break_even_high", compare::fmt_break_even(be.high)));
            for (k, x) in [
                ("break_even_total_spend_value", be_total.value),
                ("break_even_total_spend_low", be_total.low),
                ("break_even_total_spend_high", be_total.high),
            ] {
                headline_rows.push((name.clone(), k, compare::fmt_break_even(x)));
            }
            let sentence = break_even_sentence(&name, key, values, &be, &be_total);
            say(out, format_args!("{sentence}"))?;
            notes.push(sentence);
        }
        files.push(csv_file(
            "break_even.csv",
            rows.into_inner().map_err(|e| csv::Error::from(e.into_error())),
        )?);
    }

    let mut w = csv::Writer::from_writer(Vec::new());
    let write_err = |e: csv::Error| Error::io("headline.csv", std::io::Error::other(e));
    w.write_record(["scenario", "key", "value"]).map_err(write_err)?;
    for (name, key, value) in &headline_rows {
        w.write_record([name.as_str(), key, value.as_str()])
            .map_err(write_err)?;
    }
    files.push(csv_file(
        "headline.csv",
        w.into_inner().map_err(|e| csv::Error::from(e.into_error())),
    )?);
    let workbook = xlsx::comparison_workbook(
        &named,
        &headline_rows,
        (&base.name, base.start, &diff_rows),
        &assumptions::assumption_table(&scenarios),
    )?;
    files.push(OutputFile::bytes(xlsx::NAME, workbook));
    let resolved: Vec<(String, Vec<u8>)> = loaded
        .iter()
        .map(|l| {
            let name = format!("{}.resolved.toml", slug(&l.scenario.name));
            resolved_bytes(&name, l, options).map(|bytes| (name, bytes))
        })
        .collect::<Result<_>>()?;
    let shown: Vec<report::Shown> = loaded
        .iter()
        .zip(&resolved)
        .map(|(l, (name, bytes))| report::Shown {
            loaded: l,
            resolved_name: name,
            resolved: bytes,
        })
        .collect();
    let html = report::comparison_report(&shown, &headline_rows, &comparisons, &notes, &svgs, settings(options));
    files.push(OutputFile::bytes("report.html", html.into_bytes()));
    for (name, bytes) in resolved {
        files.push(OutputFile::bytes(name, bytes));
    }
    for l in &loaded {
        let slug = slug(&l.scenario.name);
        if options.per_run {
            let name = format!("runs-{slug}.csv");
            warn_runs_csv(&name, options.runs, l.scenario.months);
            files.push(runs_file(&name, &l.scenario, options, &pool));
        }
    }
    let folder = write_folder(&options.out, &format!("compare-{}", slug(&base.name)), files)?;
    for (l, d) in loaded[1..].iter().zip(&comparisons) {
        say(out, format_args!("{}", money_line(&l.scenario, base, d)))?;
    }
    say(out, format_args!("Wrote {}", folder.display()))
}

/// A comparison on the console: the change in total spend first, broken
/// down, then the net cost excluding salaries, then the caseload.
fn money_line(s: &Scenario, base: &Scenario, d: &compare::Difference) -> String {
    let end = s.month_at(s.months - 1);
    let breakdown = compare::spend_breakdown(&d.mean)
        .iter()
        .map(|(what, x)| format!("{what} {}", text::signed_money(*x)))
        .collect::<Vec<_>>()
        .join("; ");
    let net = &d.net_cost_excluding_salaries;
    format!(
        "{} against {}, over the {} months to {}:\n  total spend {} on average (90% range {} to {}): {}.\n  net cost excluding salaries of funded posts {} (90% range {} to {}).\n  caseload at the end differs by {} (90% range {} to {}); lower in {:.0}% of runs.",
        s.name,
        base.name,
        s.months,
        end,
        text::signed_money(d.total_spend.mean),
        text::signed_money(d.total_spend.p05()),
        text::signed_money(d.total_spend.p95()),
        breakdown,
        text::signed_money(net.mean),
        text::signed_money(net.p05()),
        text::signed_money(net.p95()),
        headline::caseload_text(d.end_caseload.p50()),
        headline::caseload_text(d.end_caseload.p05()),
        headline::caseload_text(d.end_caseload.p95()),
        d.lower_share * 100.0,
    )
}

/// Paired differences need every scenario on the same months and case
/// states as the baseline.
fn same_shape(loaded: &[Loaded]) -> Result<()> {
    let base = &loaded[0];
    let states = |l: &Loaded| l.scenario.cases.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    for l in &loaded[1..] {
        let (a, b) = (&base.scenario, &l.scenario);
        if a.start != b.start || a.months != b.months {
            return Err(Error::Usage(format!(
                "{} runs {} months from {}, but the baseline {} runs {} months from {}: a comparison needs the same months",
                l.source.file, b.months, b.start, base.source.file, a.months, a.start
            )));
        }
        if states(base) != states(l) {
            return Err(Error::Usage(format!(
                "{} has case states {:?}, but the baseline {} has {:?}: a comparison needs the same case states",
                l.source.file,
                states(l),
                base.source.file,
                states(base)
            )));
        }
    }
    Ok(())
}

/// "It pays for itself if it cuts leaving by at least X%", in words, for
/// both measures of cost: the net cost excluding salaries of funded posts,
/// and the change in total spend.
fn break_even_sentence(
    name: &str,
    key: &str,
    grid: &[f64],
    net: &compare::BreakEven,
    total: &compare::BreakEven,
) -> String {
    let leaving = key.ends_with("leaving_multiplier");
    let condition = |be: &compare::BreakEven| -> String {
        let Some(v) = be.value else {
            let (from, to) = (
                grid.first().copied().unwrap_or(0.0),
                grid.last().copied().unwrap_or(0.0),
            );
            return format!("it does not pay for itself anywhere on the grid ({key} from {from:.2} to {to:.2})");
        };
        let range = match (be.low, be.high) {
            (Some(lo), Some(hi)) => format!(", uncertain between {lo:.2} and {hi:.2}"),
            _ => String::new(),
        };
        if leaving {
            format!(
                "it pays for itself if it cuts leaving by at least {:.0}% ({key} = {v:.2}{range})",
                (1.0 - v) * 100.0
            )
        } else {
            format!(
                "it pays for itself if it raises applicants by at least {:.0}% ({key} = {v:.2}{range})",
                (v - 1.0) * 100.0
            )
        }
    };
    format!(
        "{name}: on its net cost excluding salaries of funded posts (payments, agency and recruitment), {}. On total spend, salaries included, {}.",
        condition(net),
        condition(total)
    )
}
