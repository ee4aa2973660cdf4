//! `caseload run`: each scenario simulated, summarised and written to its
//! own folder.

use super::outputs::{chart_files, csv_file, quoted, resolved_bytes, runs_file};
use super::progress::summarise;
use super::{Console, distinct_slugs, load_all, thread_pool, warn_all};
use crate::analysis::drivers;
use crate::analysis::headline::RunHeadline;
use crate::error::Result;
use crate::output::drivers as output_drivers;
use crate::output::files::{OutputFile, write_folder};
use crate::output::headline::{self, chance_words};
use crate::output::{assumptions, charts, console, report, slug, tables, xlsx};
use crate::request::{Scenarios, Settings};
use crate::scenario::Loaded;
use crate::text;

pub fn run(scenarios: &Scenarios, settings: &Settings, console: &mut Console) -> Result<()> {
    let loaded = load_all(scenarios)?;
    distinct_slugs(&loaded)?;
    warn_all(&loaded, console)?;
    let pool = thread_pool(settings)?;
    for l in &loaded {
        let s = &l.scenario;
        let results = summarise(&[s], &s.name, settings, &pool);
        let summary = &results.summaries[0];
        let figures = RunHeadline::of(s, summary, &results.totals[0])?;
        let shares = drivers::of_runs(s, settings.seed, &results.totals[0]);
        let rows = headline::run_headlines(&figures);

        let resolved_name = "scenario.resolved.toml";
        let resolved = resolved_bytes(resolved_name, l, settings)?;
        let workbook = xlsx::run_workbook((&s.name, s.start, summary), &rows, &assumptions::assumption_table(&[s]))?;
        let mut files = vec![
            csv_file("summary.csv", tables::summary_csv(&[(&s.name, s.start, summary)]))?,
            csv_file("headline.csv", headline::csv(&rows))?,
            csv_file(output_drivers::NAME, output_drivers::run_csv(s, &shares))?,
            OutputFile::bytes(xlsx::NAME, workbook),
        ];
        if settings.per_run {
            if let Some(warning) = tables::runs_csv_warning("runs.csv", settings.runs, s.months) {
                console.warn(warning)?;
            }
            files.push(runs_file("runs.csv", s, settings, &pool));
        }
        let mut charts = charts::run_charts(s, summary, settings.seed)?;
        charts.extend(charts::drivers_chart(s, &shares, summary.runs, settings.seed));
        let svgs = chart_files(&charts, &pool, &mut files)?;
        let html = report::run_report(
            shown(l, resolved_name, &resolved),
            &rows,
            summary,
            &svgs,
            quoted(settings),
            &shares,
        );
        files.push(OutputFile::bytes("report.html", html.into_bytes()));
        files.push(OutputFile::bytes(resolved_name, resolved));
        let folder = write_folder(&settings.out, &slug(&s.name), files)?;
        if let Some(note) = console::what_if_folder(&settings.sets, 1) {
            console.say(note)?;
        }
        let end = &figures.caseload_end;
        let caseload = if end.p05().is_infinite() {
            // As the report says it: no capacity, so no average to give.
            format!(
                "no one in post holds cases in {} in at least 95 runs out of 100, so the average caseload cannot be computed",
                figures.end_month
            )
        } else {
            format!(
                "median caseload in {} is {} (90% range {} to {})",
                figures.end_month,
                text::caseload(end.p50()),
                text::caseload(end.p05()),
                text::caseload(end.p95()),
            )
        };
        console.say(format_args!(
            "{}: {caseload}; at or below {} in {} of runs. Wrote {}",
            s.name,
            text::number(s.target.high),
            chance_words(figures.prob_at_or_below_high_end),
            folder.display()
        ))?;
    }
    Ok(())
}

/// A scenario as its report shows it, with the resolved file's bytes.
pub fn shown<'a>(loaded: &'a Loaded, resolved_name: &'a str, resolved: &'a [u8]) -> report::Shown<'a> {
    report::Shown {
        loaded,
        resolved_name,
        resolved,
    }
}
