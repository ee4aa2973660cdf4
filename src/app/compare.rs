//! `caseload compare`: every scenario on common random numbers, each
//! against the first; with `--break-even`, where a payment pays for itself.

use super::outputs::{chart_files, csv_file, quoted, resolved_bytes, runs_file};
use super::progress::{Progress, summarise};
use super::run::shown;
use super::{Console, distinct_slugs, load_all, thread_pool, warn_all};
use crate::analysis::compare::{self, Difference};
use crate::analysis::drivers::{self, Drivers};
use crate::analysis::headline::RunHeadline;
use crate::error::Result;
use crate::model::RunTotals;
use crate::model::params::Scenario;
use crate::output::drivers as output_drivers;
use crate::output::files::{OutputFile, write_folder};
use crate::output::headline::{self, Headline};
use crate::output::{assumptions, charts, console, report, slug, tables, xlsx};
use crate::request::{Scenarios, Settings, Sweep};
use crate::runner::{self, Results};
use crate::scenario::{self, Loaded};
use crate::stats::Summary;

pub fn compare(scenarios: &Scenarios, settings: &Settings, sweep: Option<&Sweep>, console: &mut Console) -> Result<()> {
    let loaded = load_all(scenarios)?;
    distinct_slugs(&loaded)?;
    compare::check_comparable(&loaded, sweep.map(|s| (s.parameter, s.key)))?;
    warn_all(&loaded, console)?;
    let pool = thread_pool(settings)?;
    let all: Vec<&Scenario> = loaded.iter().map(|l| &l.scenario).collect();
    let results = summarise(&all, "comparing", settings, &pool);
    let base_totals = &results.totals[0];
    let differences: Vec<Difference> = results.totals[1..]
        .iter()
        .map(|totals| Difference::of(totals, base_totals))
        .collect();
    let sweeps = match sweep {
        Some(sweep) => loaded[1..]
            .iter()
            .map(|l| break_even(l, sweep, base_totals, settings, &pool))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let rows = headline_rows(&loaded, &results, &differences, &sweeps)?;
    let notes: Vec<String> = loaded[1..]
        .iter()
        .zip(&sweeps)
        .map(|(l, sweep)| console::break_even_sentence(&l.scenario.name, sweep))
        .collect();
    if settings.per_run {
        for l in &loaded {
            let name = format!("runs-{}.csv", slug(&l.scenario.name));
            if let Some(warning) = tables::runs_csv_warning(&name, settings.runs, l.scenario.months) {
                console.warn(warning)?;
            }
        }
    }
    let outcome = Outcome {
        loaded: &loaded,
        results: &results,
        rows,
        differences: &differences,
        sweeps: &sweeps,
        notes: &notes,
    };
    let files = folder(&outcome, settings, &pool)?;
    let base = &loaded[0].scenario;
    let folder = write_folder(&settings.out, &format!("compare-{}", slug(&base.name)), files)?;
    for note in &notes {
        console.say(note)?;
    }
    for (l, d) in loaded[1..].iter().zip(&differences) {
        console.say(console::money_line(&l.scenario, base, d))?;
    }
    if let Some(note) = console::what_if_folder(&settings.sets, loaded.len()) {
        console.say(note)?;
    }
    console.say(format_args!("Wrote {}", folder.display()))
}

/// A scheme swept over the grid, each value on the baseline's random
/// numbers.
fn break_even(
    l: &Loaded,
    sweep: &Sweep,
    base_totals: &[RunTotals],
    settings: &Settings,
    pool: &runner::Pool,
) -> Result<compare::Sweep> {
    let mut at = Vec::with_capacity(sweep.grid.len());
    for v in &sweep.grid {
        let mut source = l.source.clone();
        source
            .apply_set(&format!("{}={v}", sweep.key))
            .map_err(scenario::ScenarioError::from)?;
        let variant = scenario::check(source)?;
        let progress = Progress::new(
            u64::from(settings.runs),
            &format!("{} = {v}", sweep.key),
            settings.quiet,
        );
        let totals = runner::totals(&variant.scenario, settings.seed, settings.runs, pool, &|| {
            progress.tick()
        });
        progress.finish();
        at.push((*v, totals));
    }
    Ok(compare::Sweep::of(sweep.key, &at, base_totals))
}

/// headline.csv's rows: every scenario's own figures, then each scheme
/// against the baseline, then each scheme's break-even.
fn headline_rows(
    loaded: &[Loaded],
    results: &Results,
    differences: &[Difference],
    sweeps: &[compare::Sweep],
) -> Result<Vec<(String, Headline)>> {
    let mut rows = Vec::new();
    for (l, (summary, totals)) in loaded.iter().zip(results.summaries.iter().zip(&results.totals)) {
        let own = RunHeadline::of(&l.scenario, summary, totals)?;
        rows.extend(
            headline::run_headlines(&own)
                .into_iter()
                .map(|h| (l.scenario.name.clone(), h)),
        );
    }
    let base = &loaded[0].scenario.name;
    for (l, d) in loaded[1..].iter().zip(differences) {
        rows.extend(
            headline::difference_headlines(base, d)
                .into_iter()
                .map(|h| (l.scenario.name.clone(), h)),
        );
    }
    for (l, sweep) in loaded[1..].iter().zip(sweeps) {
        let be = headline::break_even_headlines(sweep.key, &sweep.net, &sweep.total);
        rows.extend(be.into_iter().map(|h| (l.scenario.name.clone(), h)));
    }
    Ok(rows)
}

/// What a comparison found, for its folder.
struct Outcome<'a> {
    loaded: &'a [Loaded],
    results: &'a Results,
    rows: Vec<(String, Headline)>,
    differences: &'a [Difference],
    sweeps: &'a [compare::Sweep],
    /// The break-even sentences.
    notes: &'a [String],
}

/// Every file of the comparison's folder.
fn folder<'a>(outcome: &Outcome<'a>, settings: &'a Settings, pool: &'a runner::Pool) -> Result<Vec<OutputFile<'a>>> {
    let Outcome {
        loaded,
        results,
        rows,
        differences,
        sweeps,
        notes,
    } = outcome;
    let loaded: &'a [Loaded] = loaded;
    let base = &loaded[0].scenario;
    let all: Vec<&Scenario> = loaded.iter().map(|l| &l.scenario).collect();
    let named: Vec<(&str, crate::model::params::YearMonth, &Summary)> = loaded
        .iter()
        .zip(&results.summaries)
        .map(|(l, s)| (l.scenario.name.as_str(), l.scenario.start, s))
        .collect();
    let diff_rows: Vec<(&str, &Summary)> = loaded[1..]
        .iter()
        .map(|l| l.scenario.name.as_str())
        .zip(&results.differences)
        .collect();
    let mut files = vec![
        csv_file("summary.csv", tables::summary_csv(&named))?,
        csv_file(
            "differences.csv",
            tables::differences_csv(&base.name, base.start, &diff_rows),
        )?,
        csv_file("headline.csv", headline::comparison_csv(rows))?,
    ];
    if !sweeps.is_empty() {
        let named_sweeps: Vec<(&str, &compare::Sweep)> = loaded[1..]
            .iter()
            .map(|l| l.scenario.name.as_str())
            .zip(sweeps.iter())
            .collect();
        files.push(csv_file("break_even.csv", tables::break_even_csv(&named_sweeps))?);
    }
    let own: Vec<Vec<Drivers>> = all
        .iter()
        .zip(&results.totals)
        .map(|(s, totals)| drivers::of_runs(s, settings.seed, totals))
        .collect();
    let paired: Vec<Vec<Drivers>> = all[1..]
        .iter()
        .zip(&results.totals[1..])
        .map(|(s, totals)| drivers::of_differences(s, base, settings.seed, totals, &results.totals[0]))
        .collect();
    let parts = |difference: bool| -> Vec<output_drivers::Part> {
        let (from, list) = if difference { (1, &paired) } else { (0, &own) };
        all[from..]
            .iter()
            .zip(list)
            .map(|(s, d)| output_drivers::Part {
                scenario: s,
                drivers: d,
                difference,
            })
            .collect()
    };
    let every: Vec<output_drivers::Part> = parts(false).into_iter().chain(parts(true)).collect();
    files.push(csv_file(output_drivers::NAME, output_drivers::comparison_csv(&every))?);
    let table = assumptions::assumption_table(&all);
    let workbook = xlsx::comparison_workbook(&named, rows, (&base.name, base.start, &diff_rows), &table)?;
    files.push(OutputFile::bytes(xlsx::NAME, workbook));
    let pairs: Vec<(&Scenario, &Summary)> = all.iter().copied().zip(&results.summaries).collect();
    let diffs: Vec<&Summary> = results.differences.iter().collect();
    let mut charts = charts::comparison_charts(&pairs, &diffs, settings.seed)?;
    let runs = results.summaries.first().map_or(0, |s| s.runs);
    charts.extend(
        all[1..]
            .iter()
            .zip(&paired)
            .filter_map(|(s, d)| charts::difference_drivers_chart(s, base, d, runs, settings.seed)),
    );
    let svgs = chart_files(&charts, pool, &mut files)?;
    let resolved: Vec<(String, Vec<u8>)> = loaded
        .iter()
        .map(|l| {
            let name = format!("{}.resolved.toml", slug(&l.scenario.name));
            resolved_bytes(&name, l, settings).map(|bytes| (name, bytes))
        })
        .collect::<Result<_>>()?;
    let shown: Vec<report::Shown> = loaded
        .iter()
        .zip(&resolved)
        .map(|(l, (name, bytes))| shown(l, name, bytes))
        .collect();
    let html = report::comparison_report(&shown, rows, differences, notes, &svgs, quoted(settings), &parts(true));
    files.push(OutputFile::bytes("report.html", html.into_bytes()));
    files.extend(resolved.into_iter().map(|(name, bytes)| OutputFile::bytes(name, bytes)));
    if settings.per_run {
        for l in loaded {
            files.push(runs_file(
                &format!("runs-{}.csv", slug(&l.scenario.name)),
                &l.scenario,
                settings,
                pool,
            ));
        }
    }
    Ok(files)
}
