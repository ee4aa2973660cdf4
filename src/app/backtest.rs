//! `caseload backtest`: councils projected from earlier years' published
//! figures and set against what they published since; one council or all
//! of them, from one year or each year of a range, scored beside two
//! benchmarks.
//!
//! Every (council, year) backtest is independent, so all of them are one
//! batch of jobs on the worker pool, whose runs are themselves spread over
//! the same pool: the workers stay busy to the end whatever the mix of
//! councils, years and runs, and the results come back in job order.

use super::outputs::{chart_files, csv_file, resolved_bytes};
use super::progress::Progress;
use super::{Console, thread_pool};
use crate::analysis::backtest::{self, ChangeRatios, Coverage, Evaluation, Measure, Row};
use crate::error::{Error, Result};
use crate::la;
use crate::output::backtest::{self as render, Repeat, Resolved, Skipped};
use crate::output::charts::{self, Chart};
use crate::output::files::{OutputFile, write_folder};
use crate::output::slug;
use crate::request::{Backtest, Settings};
use crate::runner;

pub fn backtest(what: &Backtest, settings: &Settings, console: &mut Console) -> Result<()> {
    let embedded = la::Figures::embedded()?;
    let figures = match what.outcomes_to {
        Some(year) => backtest::published_to(&embedded, year),
        None => embedded,
    };
    let pool = thread_pool(settings)?;
    match &what.council {
        Some(name) => one_council(&figures, name, what, settings, &pool, console),
        None => every_council(&figures, what, settings, &pool, console),
    }
}

fn one_council(
    figures: &la::Figures,
    name: &str,
    what: &Backtest,
    settings: &Settings,
    pool: &runner::Pool,
    console: &mut Console,
) -> Result<()> {
    let found = figures.find(name)?;
    let council = found.council;
    for from in what.origins.years() {
        backtest::check_year(council, from)?;
    }
    if let Some(note) = super::new::joint_note(&found) {
        console.say(note)?;
    }
    let jobs: Vec<Job> = what.origins.years().map(|from| Job { council, from }).collect();
    let label = format!("{} from {}", council.name, render::origins_arg(what.origins));
    let done = run_jobs(figures, &jobs, settings, pool, &label)
        .into_iter()
        .map(|r| r.and_then(|setup| setup))
        .collect::<Result<Vec<_>>>()?;
    let range = what.origins.is_range();
    let rows: Vec<Row> = done.iter().flat_map(|b| b.rows.iter().copied()).collect();
    let evaluation = backtest::evaluate(&rows.iter().collect::<Vec<_>>());
    let coverages = backtest::coverage_all(&rows);

    let resolved = resolved_files(&done, range, settings)?;
    let backtest_csv = if range {
        render::backtest_by_origin_csv(&rows)
    } else {
        render::backtest_csv(&rows)
    };
    let mut files = vec![
        csv_file("backtest.csv", backtest_csv)?,
        csv_file(
            "coverage.csv",
            render::coverage_csv(&[(council.name.as_str(), coverages.clone())]),
        )?,
        csv_file("scores.csv", render::scores_csv(&evaluation))?,
    ];
    let chart_list = council_charts(&done, &evaluation, &council.name, range, settings);
    let svgs = chart_files(&chart_list, pool, &mut files)?;
    let repeat = repeat_of(Some(&council.name), what, settings);
    let html = render::report(&done, &evaluation, &svgs, &resolved, &repeat);
    files.push(OutputFile::bytes("report.html", html.into_bytes()));
    files.extend(resolved.into_iter().map(|r| OutputFile::bytes(r.name, r.bytes)));
    let folder = write_folder(&settings.out, &folder_name(&slug(&council.name), what), files)?;

    let to = done.iter().map(|b| b.setup.to).max().unwrap_or(what.origins.last);
    console.say(council_heading(&council.name, what, to, settings.runs))?;
    say_scores(&evaluation, console)?;
    console.say(format_args!("Wrote {}", folder.display()))
}

fn every_council(
    figures: &la::Figures,
    what: &Backtest,
    settings: &Settings,
    pool: &runner::Pool,
    console: &mut Console,
) -> Result<()> {
    let range = what.origins.is_range();
    let (jobs, mut skipped) = every_council_jobs(figures, what)?;
    let label = format!("every council from {}", render::origins_arg(what.origins));
    let mut done = Vec::new();
    for (job, result) in jobs.iter().zip(run_jobs(figures, &jobs, settings, pool, &label)) {
        match result? {
            Ok(b) => done.push(b),
            Err(e) => skipped.push(skip(job, &e, range)),
        }
    }

    let by_council = rows_by_council(figures, &done);
    let coverages: Vec<(&str, Vec<Coverage>)> = by_council
        .iter()
        .map(|(council, rows)| (*council, backtest::coverage_all(rows)))
        .collect();
    let pooled = backtest::pooled(&by_council.iter().map(|(_, r)| r.as_slice()).collect::<Vec<_>>());
    let all_rows: Vec<&Row> = done.iter().flat_map(|b| &b.rows).collect();
    let evaluation = backtest::evaluate(&all_rows);
    let each: Vec<(&str, &[Row])> = done
        .iter()
        .map(|b| (b.setup.council.as_str(), b.rows.as_slice()))
        .collect();

    let mut files = vec![
        csv_file("coverage.csv", render::coverage_csv(&coverages))?,
        csv_file("summary.csv", render::summary_csv(&pooled))?,
        csv_file("backtest.csv", render::all_backtests_csv(&each, range))?,
        csv_file("scores.csv", render::scores_csv(&evaluation))?,
    ];
    let chart = charts::coverage_chart(&evaluation, "every council", settings.runs as usize, settings.seed);
    let svgs = chart_files(&Vec::from_iter(chart), pool, &mut files)?;
    let repeat = repeat_of(None, what, settings);
    let html = render::all_report(&repeat, &pooled, &coverages, &evaluation, &svgs, &skipped);
    files.push(OutputFile::bytes("report.html", html.into_bytes()));
    let folder = write_folder(&settings.out, &folder_name("all", what), files)?;

    console.say(all_heading(
        what,
        done.len(),
        coverages.len(),
        skipped.len(),
        settings.runs,
    ))?;
    say_scores(&evaluation, console)?;
    console.say(format_args!("Wrote {}", folder.display()))
}

/// The scenario of each year as run, named by its year when there are
/// several.
fn resolved_files(done: &[backtest::Backtest], range: bool, settings: &Settings) -> Result<Vec<Resolved>> {
    done.iter()
        .map(|b| {
            let name = if range {
                format!("scenario-{}.resolved.toml", b.setup.from)
            } else {
                "scenario.resolved.toml".to_string()
            };
            let bytes = resolved_bytes(&name, &b.setup.loaded, settings)?;
            Ok(Resolved { name, bytes })
        })
        .collect()
}

/// Each year's charts (named by the year when there are several), then
/// the coverage by years ahead.
fn council_charts(
    done: &[backtest::Backtest],
    evaluation: &Evaluation,
    council: &str,
    range: bool,
    settings: &Settings,
) -> Vec<Chart> {
    let mut out = Vec::new();
    for b in done {
        for mut chart in charts::backtest_charts(b, settings.seed) {
            if range {
                chart.name = format!("{}-{}", chart.name, b.setup.from);
            }
            out.push(chart);
        }
    }
    out.extend(charts::coverage_chart(
        evaluation,
        council,
        settings.runs as usize,
        settings.seed,
    ));
    out
}

/// The console's first line for one council.
fn council_heading(council: &str, what: &Backtest, to: i32, runs: u32) -> String {
    let o = what.origins;
    if o.is_range() {
        format!(
            "{council}, projected from each 30 September from {} to {} against what it published to {to} ({runs} runs each):",
            o.first, o.last
        )
    } else {
        format!(
            "{council}, projected from 30 September {} to {to} ({runs} runs):",
            o.first
        )
    }
}

/// The console's first line for every council.
fn all_heading(what: &Backtest, done: usize, councils: usize, skipped: usize, runs: u32) -> String {
    let o = what.origins;
    if o.is_range() {
        format!(
            "{done} backtests of {councils} councils, projected from each 30 September from {} to {} ({runs} runs each); {skipped} council-years not backtested (report.html lists them, with why). Over every council and year:",
            o.first, o.last
        )
    } else {
        format!(
            "{done} councils projected from 30 September {} ({runs} runs each); {skipped} not backtested (report.html lists them, with why). Over every council:",
            o.first
        )
    }
}

/// Every eligible council from every year, year by year, and those
/// skipped with why.
fn every_council_jobs<'a>(figures: &'a la::Figures, what: &Backtest) -> Result<(Vec<Job<'a>>, Vec<Skipped>)> {
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    for from in what.origins.years() {
        let (eligible, not) = eligible_councils(figures, from, what.origins.is_range())?;
        jobs.extend(eligible.into_iter().map(|council| Job { council, from }));
        skipped.extend(not);
    }
    Ok((jobs, skipped))
}

/// Each council's rows over every year, in the figures' order of councils;
/// councils not backtested are left out.
fn rows_by_council<'a>(figures: &'a la::Figures, done: &[backtest::Backtest]) -> Vec<(&'a str, Vec<Row>)> {
    figures
        .councils
        .iter()
        .map(|c| {
            let rows: Vec<Row> = done
                .iter()
                .filter(|b| b.setup.council == c.name)
                .flat_map(|b| b.rows.iter().copied())
                .collect();
            (c.name.as_str(), rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
}

/// One backtest to run: a council from a year.
struct Job<'a> {
    council: &'a la::Area,
    from: i32,
}

/// Runs every job on the pool, each job's runs spread over the same pool,
/// with one progress bar over them all. Results in job order: the outer
/// error is a fault in the runs or their comparison, the inner one a
/// scenario that could not be set up (a council `--all` skips).
fn run_jobs(
    figures: &la::Figures,
    jobs: &[Job],
    settings: &Settings,
    pool: &runner::Pool,
    label: &str,
) -> Vec<Result<Result<backtest::Backtest>>> {
    let mut years: Vec<i32> = jobs.iter().map(|j| j.from).collect();
    years.dedup();
    let changes: Vec<ChangeRatios> = years.iter().map(|y| ChangeRatios::of(figures, *y)).collect();
    let progress = Progress::new(jobs.len() as u64 * u64::from(settings.runs), label, settings.quiet);
    // Each job in progress holds its runs' values: with one job per worker
    // they hold no more than one job alone may. (A worker waiting for its
    // runs may start another job meanwhile, so this is a share, not a hard
    // bound; at the default runs a job holds a few MB.)
    let budget = runner::STORE_BUDGET / pool.threads().max(1);
    let results = runner::map_in_parallel(pool, jobs, |job| -> Result<Result<backtest::Backtest>> {
        let setup = match backtest::setup(figures, job.council, job.from) {
            Ok(setup) => setup,
            Err(e) => return Ok(Err(e)),
        };
        let ratios = changes
            .iter()
            .find(|c| c.origin == job.from)
            .ok_or_else(|| Error::Internal(format!("no change ratios for {}", job.from)))?;
        let scenario = &setup.loaded.scenario;
        let results = runner::summarise_within(
            &[scenario],
            settings.seed,
            settings.runs,
            pool,
            &|| progress.tick(),
            budget,
        );
        let summary = results
            .summaries
            .first()
            .ok_or_else(|| Error::Internal("the runner returned no summary".to_string()))?;
        backtest::compare(setup, summary, ratios).map(Ok)
    });
    progress.finish();
    results
}

/// Says each measure's scores, then what they leave out and where the
/// pooled change used shorter changes.
fn say_scores(e: &Evaluation, console: &mut Console) -> Result<()> {
    for measure in Measure::ALL {
        console.say(format_args!("  {}", render::score_sentence(e, measure)))?;
    }
    for note in render::left_out_sentence(e)
        .into_iter()
        .chain(render::stand_in_sentences(e))
    {
        console.say(format_args!("  {note}"))?;
    }
    Ok(())
}

/// `backtest-<who>-<year>`, `backtest-<who>-<first>-<last>`, and
/// `-outcomes-to-<year>` after either when outcomes stop early.
fn folder_name(who: &str, what: &Backtest) -> String {
    let o = what.origins;
    let years = if o.is_range() {
        format!("{}-{}", o.first, o.last)
    } else {
        o.first.to_string()
    };
    let to = what.outcomes_to.map_or(String::new(), |y| format!("-outcomes-to-{y}"));
    format!("backtest-{who}-{years}{to}")
}

fn repeat_of<'a>(council: Option<&'a str>, what: &Backtest, settings: &Settings) -> Repeat<'a> {
    Repeat {
        council,
        origins: what.origins,
        outcomes_to: what.outcomes_to,
        runs: settings.runs,
        seed: settings.seed,
    }
}

/// The councils with figures for the year and a later one, and those
/// skipped with the reason; an error if none can be backtested.
fn eligible_councils(figures: &la::Figures, from: i32, range: bool) -> Result<(Vec<&la::Area>, Vec<Skipped>)> {
    backtest::check_any_council(figures, from)?;
    let mut skipped = Vec::new();
    let mut eligible = Vec::new();
    for council in &figures.councils {
        match backtest::check_year(council, from) {
            Ok(()) => eligible.push(council),
            Err(e) => skipped.push(skip(&Job { council, from }, &e, range)),
        }
    }
    Ok((eligible, skipped))
}

/// A council not backtested from a year, and why; from several years, the
/// year is named with the council.
fn skip(job: &Job, why: &Error, range: bool) -> Skipped {
    Skipped {
        council: if range {
            format!("{} from {}", job.council.name, job.from)
        } else {
            job.council.name.clone()
        },
        why: why.to_string(),
    }
}
