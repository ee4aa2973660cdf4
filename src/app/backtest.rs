//! `caseload backtest`: a council projected from an earlier year's
//! published figures, set against what it published since; one council or
//! all of them.

use super::outputs::{chart_files, csv_file, resolved_bytes};
use super::progress::{Progress, summarise};
use super::{Console, thread_pool};
use crate::analysis::backtest::{self, Coverage, Row};
use crate::error::{Error, Result};
use crate::la;
use crate::output::files::{OutputFile, write_folder};
use crate::output::{self, charts, slug};
use crate::request::{Backtest, Settings};
use crate::runner;

pub fn backtest(what: &Backtest, settings: &Settings, console: &mut Console) -> Result<()> {
    let figures = la::Figures::embedded()?;
    match &what.council {
        Some(name) => one_council(&figures, name, what.from, settings, console),
        None => every_council(&figures, what.from, settings, console),
    }
}

fn one_council(figures: &la::Figures, name: &str, from: i32, settings: &Settings, console: &mut Console) -> Result<()> {
    let found = figures.find(name)?;
    let council = found.council;
    let setup = backtest::setup(figures, council, from)?;
    if let Some(note) = super::new::joint_note(&found) {
        console.say(note)?;
    }
    let pool = thread_pool(settings)?;
    let label = format!("{} from {from}", council.name);
    let results = summarise(&[&setup.loaded.scenario], &label, settings, &pool);
    let b = backtest::compare(setup, &results.summaries[0])?;
    let coverages = backtest::coverage_all(&b.rows);

    let resolved_name = "scenario.resolved.toml";
    let resolved = resolved_bytes(resolved_name, &b.setup.loaded, settings)?;
    let mut files = vec![
        csv_file("backtest.csv", output::backtest::backtest_csv(&b.rows))?,
        csv_file(
            "coverage.csv",
            output::backtest::coverage_csv(&[(council.name.as_str(), coverages.clone())]),
        )?,
    ];
    let svgs = chart_files(&charts::backtest_charts(&b, settings.seed), &pool, &mut files)?;
    let html = output::backtest::report(&b, &svgs, resolved_name, &resolved, settings.seed);
    files.push(OutputFile::bytes("report.html", html.into_bytes()));
    files.push(OutputFile::bytes(resolved_name, resolved));
    let folder = write_folder(
        &settings.out,
        &format!("backtest-{}-{from}", slug(&council.name)),
        files,
    )?;

    console.say(format_args!(
        "{}, projected from 30 September {from} to {} ({} runs):",
        council.name, b.setup.to, settings.runs
    ))?;
    for c in &coverages {
        console.say(format_args!("  {}", output::backtest::coverage_sentence(c)))?;
    }
    console.say(format_args!("Wrote {}", folder.display()))
}

fn every_council(figures: &la::Figures, from: i32, settings: &Settings, console: &mut Console) -> Result<()> {
    let (eligible, mut skipped) = eligible_councils(figures, from)?;
    let pool = thread_pool(settings)?;
    let mut done = Vec::new();
    let progress = Progress::new(
        eligible.len() as u64 * u64::from(settings.runs),
        &format!("every council from {from}"),
        settings.quiet,
    );
    for council in eligible {
        let setup = match backtest::setup(figures, council, from) {
            Ok(setup) => setup,
            Err(e) => {
                skipped.push(skip(council, &e));
                continue;
            }
        };
        let results = runner::summarise(&[&setup.loaded.scenario], settings.seed, settings.runs, &pool, &|| {
            progress.tick()
        });
        done.push(backtest::compare(setup, &results.summaries[0])?);
    }
    progress.finish();

    let rows: Vec<(&str, &[Row])> = done
        .iter()
        .map(|b| (b.setup.council.as_str(), b.rows.as_slice()))
        .collect();
    let coverages: Vec<(&str, Vec<Coverage>)> = rows
        .iter()
        .map(|(council, rows)| (*council, backtest::coverage_all(rows)))
        .collect();
    let pooled = backtest::pooled(&rows.iter().map(|(_, r)| *r).collect::<Vec<_>>());
    let html = output::backtest::all_report(from, settings.runs, settings.seed, &pooled, &coverages, &skipped);
    let files = vec![
        csv_file("coverage.csv", output::backtest::coverage_csv(&coverages))?,
        csv_file("summary.csv", output::backtest::summary_csv(&pooled))?,
        csv_file("backtest.csv", output::backtest::all_backtests_csv(&rows))?,
        OutputFile::bytes("report.html", html.into_bytes()),
    ];
    let folder = write_folder(&settings.out, &format!("backtest-all-{from}"), files)?;

    console.say(format_args!(
        "{} councils projected from 30 September {from} ({} runs each); {} not backtested (report.html lists them, with why). Over every council:",
        done.len(),
        settings.runs,
        skipped.len()
    ))?;
    for p in pooled.iter().filter(|p| p.years_ahead.is_none()) {
        console.say(format_args!("  {}", output::backtest::coverage_sentence(&p.coverage)))?;
    }
    console.say(format_args!("Wrote {}", folder.display()))
}

/// The councils with figures for the year and a later one, and those
/// skipped with the reason; an error if none can be backtested.
fn eligible_councils(figures: &la::Figures, from: i32) -> Result<(Vec<&la::Area>, Vec<output::backtest::Skipped>)> {
    let mut skipped = Vec::new();
    let mut eligible = Vec::new();
    for council in &figures.councils {
        match backtest::check_year(council, from) {
            Ok(()) => eligible.push(council),
            Err(e) => skipped.push(skip(council, &e)),
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
    Ok((eligible, skipped))
}

fn skip(council: &la::Area, why: &Error) -> output::backtest::Skipped {
    output::backtest::Skipped {
        council: council.name.clone(),
        why: why.to_string(),
    }
}
