//! `caseload seek`: the lever value at which a target is met by a month at
//! the asked chance. Every value tried is the scenario with the lever set
//! as `--set` would set it, run on the same seed and runs (common random
//! numbers), so the chance moves smoothly with the lever; the search itself
//! is `analysis::seek`, the words and files `output::seek`.

use super::outputs::csv_file;
use super::{Console, load_all, thread_pool, warn_all};
use crate::analysis::seek::{self, Evaluation, LeverRange, Target};
use crate::error::{Error, Result};
use crate::model::params::Scenario;
use crate::model::{Prepared, Workspace};
use crate::output::files::{OutputFile, write_folder};
use crate::output::seek::{self as render, Mixing, Seeking};
use crate::output::{fmt_value, slug};
use crate::request::{Seek, Settings, unknown_lever};
use crate::runner;
use crate::scenario::{self, Loaded, ScenarioError, Source};
use toml::Value;

/// Runs simulated together by one task.
const CHUNK: u64 = 64;

pub fn seek(request: &Seek, settings: &Settings, console: &mut Console) -> Result<()> {
    let loaded = load_all(&request.scenario)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Internal("seek: no scenario loaded".into()))?;
    warn_all(std::slice::from_ref(&loaded), console)?;
    let s = &loaded.scenario;
    let month = target_month(s, request)?;
    let metric = metric_index(s, &request.target)?;
    let currents = request
        .levers
        .iter()
        .map(|l| {
            let current = current_value(&loaded.source, &set_key(&l.key));
            if l.lever.is_none() && current.is_none() {
                return Err(unknown_lever(&l.key, "not a lever, nor a number the scenario gives"));
            }
            Ok(current)
        })
        .collect::<Result<Vec<_>>>()?;
    let pool = thread_pool(settings)?;
    let evaluate = |values: &[f64]| -> Result<Evaluation> {
        let variant = variant(&loaded, &request.levers, values)?;
        let value = values.last().copied().unwrap_or(f64::NAN);
        let at = At { metric, month, value };
        Ok(evaluate(&variant.scenario, &request.target, at, settings, &pool))
    };
    let (files, lines) = match request.levers.as_slice() {
        [lever] => one_lever(
            request,
            &loaded,
            lever,
            currents.first().copied().flatten(),
            settings,
            evaluate,
        )?,
        levers => {
            let mix = seek::cheapest(levers, request.chance, settings.runs, evaluate)?;
            let answer = match mix.answer_values() {
                Some((values, _)) => Some(variant(&loaded, levers, &values)?),
                None => None,
            };
            let mixing = Mixing {
                scenario: s,
                target: &request.target,
                by: request.by,
                chance: request.chance,
                levers,
                currents: &currents,
                mix: &mix,
                runs: settings.runs,
                seed: settings.seed,
            };
            (
                mix_folder(&mixing, answer.as_ref(), settings)?,
                render::mix_sentences(&mixing),
            )
        }
    };
    let folder = write_folder(&settings.out, &format!("seek-{}", slug(&s.name)), files)?;
    for line in lines {
        console.say(line)?;
    }
    console.say(format_args!("Wrote {}", folder.display()))
}

/// One lever: the search, its files and its sentences.
fn one_lever<'a>(
    request: &Seek,
    loaded: &Loaded,
    lever: &LeverRange,
    current: Option<f64>,
    settings: &Settings,
    mut evaluate: impl FnMut(&[f64]) -> Result<Evaluation>,
) -> Result<(Vec<OutputFile<'a>>, Vec<String>)> {
    let search = seek::search(lever, request.chance, settings.runs, |v| evaluate(&[v]))?;
    let answer = match search.answer() {
        Some(a) => Some(variant(loaded, std::slice::from_ref(lever), &[a.value])?),
        None => None,
    };
    let seeking = Seeking {
        scenario: &loaded.scenario,
        target: &request.target,
        by: request.by,
        chance: request.chance,
        lever,
        current,
        search: &search,
        runs: settings.runs,
        seed: settings.seed,
    };
    Ok((
        folder(&seeking, answer.as_ref(), settings)?,
        render::sentences(&seeking),
    ))
}

/// Every file of a cheapest-mix seek's folder.
fn mix_folder<'a>(mixing: &Mixing, answer: Option<&Loaded>, settings: &Settings) -> Result<Vec<OutputFile<'a>>> {
    let mut files = vec![
        csv_file("seek.csv", render::mix_csv(mixing))?,
        csv_file("headline.csv", render::mix_headline_csv(mixing))?,
    ];
    let svg = match render::frontier_chart(mixing) {
        Some(chart) => chart_pair(&chart, &mut files)?,
        None => String::new(),
    };
    answer_file(answer, mixing.answer(), &mut files)?;
    let html = render::mix_report(mixing, &svg, answer.is_some(), &settings.sets);
    files.push(OutputFile::bytes("report.html", html.into_bytes()));
    Ok(files)
}

/// The chart as PNG and SVG files; returns the SVG for the report.
fn chart_pair(chart: &render::SeekChart, files: &mut Vec<OutputFile>) -> Result<String> {
    let svg = chart.svg()?;
    files.push(OutputFile::bytes(format!("{}.png", render::CHART), chart.png()?));
    files.push(OutputFile::bytes(
        format!("{}.svg", render::CHART),
        svg.clone().into_bytes(),
    ));
    Ok(svg)
}

/// answer.toml, when there is an answer.
fn answer_file(answer: Option<&Loaded>, facts: Option<render::Answer>, files: &mut Vec<OutputFile>) -> Result<()> {
    if let (Some(loaded), Some(facts)) = (answer, facts) {
        let bytes = render::answer_toml(loaded, &facts).map_err(|e| Error::render(render::ANSWER, e))?;
        files.push(OutputFile::bytes(render::ANSWER, bytes));
    }
    Ok(())
}

/// Every file of the seek's folder.
fn folder<'a>(seeking: &Seeking, answer: Option<&Loaded>, settings: &Settings) -> Result<Vec<OutputFile<'a>>> {
    let mut files = vec![
        csv_file("seek.csv", render::seek_csv(seeking))?,
        csv_file("headline.csv", render::headline_csv(seeking))?,
    ];
    let svg = chart_pair(&render::chart(seeking), &mut files)?;
    answer_file(answer, seeking.answer(), &mut files)?;
    let html = render::report(seeking, &svg, answer.is_some(), &settings.sets);
    files.push(OutputFile::bytes("report.html", html.into_bytes()));
    Ok(files)
}

/// The target month's step, which must lie within the horizon.
fn target_month(s: &Scenario, request: &Seek) -> Result<usize> {
    let t = s.start.months_until(request.by);
    if t < 0 || t >= i64::from(s.months) {
        return Err(Error::Usage(format!(
            "--by {}: outside the scenario's horizon, {} to {}",
            request.by,
            s.start,
            s.month_at(s.months.saturating_sub(1))
        )));
    }
    Ok(t as usize)
}

/// Where the target's metric sits in a month's row.
fn metric_index(s: &Scenario, target: &Target) -> Result<usize> {
    let names = runner::layout(s).names();
    names.iter().position(|n| *n == target.metric).ok_or_else(|| {
        Error::Usage(format!(
            "--target {}: the scenario has no metric {}; its case states{} give {}",
            target.written(),
            target.metric,
            if s.organisation.is_some() {
                ", teams and roles"
            } else {
                ""
            },
            names
                .iter()
                .filter(|n| !crate::model::Metric::ALL.iter().any(|m| m.name() == n.as_str()))
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// The key as `--set` takes it: `agency.extra[0].fte` is `agency.extra.0.fte`.
fn set_key(key: &str) -> String {
    key.replace('[', ".").replace(']', "")
}

/// The scenario with each lever at its value, as `--set KEY=value` makes
/// it.
fn variant(loaded: &Loaded, levers: &[LeverRange], values: &[f64]) -> Result<Loaded> {
    let mut source = loaded.source.clone();
    for (lever, value) in levers.iter().zip(values) {
        let assignment = format!("{}={value}", set_key(&lever.key));
        let option = format!(
            "--lever {}={}..{}",
            lever.key,
            fmt_value(lever.low),
            fmt_value(lever.high)
        );
        if let Err(problem) = source.apply_from(&assignment, &option) {
            return Err(match lever.lever {
                Some(_) => ScenarioError::from(problem).into(),
                None => unknown_lever(&lever.key, &problem.message),
            });
        }
    }
    Ok(scenario::check(source)?)
}

/// The scenario's own value at a key path, when it is a plain number.
fn current_value(source: &Source, key: &str) -> Option<f64> {
    let mut at: Option<&Value> = None;
    for segment in key.split('.') {
        at = match at {
            None => source.table.get(segment),
            Some(Value::Table(t)) => t.get(segment),
            Some(Value::Array(items)) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            Some(_) => None,
        };
    }
    match at? {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// Where one evaluation looks: the metric's place in a row, the target
/// month's step, and the lever's value.
#[derive(Clone, Copy)]
struct At {
    metric: usize,
    month: usize,
    value: f64,
}

/// Runs `s` on the common random numbers and counts the runs meeting the
/// target, month by month, with the mean spend over the horizon. Runs are
/// simulated in parallel in chunks, gathered in run order and summed
/// serially, so the numbers do not depend on the threads.
fn evaluate(s: &Scenario, target: &Target, at: At, settings: &Settings, pool: &runner::Pool) -> Evaluation {
    let At { metric, month, value } = at;
    let layout = runner::layout(s);
    let prepared = Prepared::new(s, &layout);
    let months = s.months as usize;
    let runs = u64::from(settings.runs);
    let firsts: Vec<u64> = (0..runs).step_by(CHUNK as usize).collect();
    let chunks = runner::map_in_parallel(pool, &firsts, |&first| {
        let mut workspace = Workspace::new();
        (first..(first + CHUNK).min(runs))
            .map(|r| {
                let mut met = Vec::with_capacity(months);
                let totals = prepared.simulate_months_in(&mut workspace, settings.seed, r, 0..months, |row| {
                    met.push(target.met_by(row[metric]));
                });
                (met, totals.spend.total())
            })
            .collect::<Vec<_>>()
    });
    let mut met_by_month = vec![0u32; months];
    let mut spend = 0.0;
    for (met, total) in chunks.iter().flatten() {
        for (count, &m) in met_by_month.iter_mut().zip(met) {
            *count += u32::from(m);
        }
        spend += total;
    }
    Evaluation {
        value,
        runs: settings.runs,
        met: met_by_month.get(month).copied().unwrap_or(0),
        met_by_month,
        spend_mean: spend / runs.max(1) as f64,
    }
}
