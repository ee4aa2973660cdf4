//! The second argument stage (ripgrep's high-level arguments): the clap
//! types of `cli.rs` turned once into a typed request per command. Every
//! usage error that needs no file is raised here (a break-even key that is
//! no payment's effect, a grid that is not FROM:TO:POINTS, `new` without a
//! file, a backtest's years that are not years or that no council can start
//! from), so the commands in `app` start from checked requests.

use crate::analysis::backtest::{self, Origins};
use crate::analysis::seek::{LeverRange, Op, Target, default_step};
use crate::cli::{BacktestOptions, Cli, Command, RunOptions};
use crate::error::{Error, Result};
use crate::la::Figures;
use crate::model::lever::{self, LEVERS};
use crate::model::params::YearMonth;
use crate::model::{Metric, Parameter};
use crate::scenario::problem::nearest;
use std::path::PathBuf;

/// Runs per council of a backtest unless `--runs` says otherwise.
const BACKTEST_RUNS: u32 = 1000;
const BACKTEST_ALL_RUNS: u32 = 200;

/// What one command is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Run(Scenarios, Settings),
    Compare(Scenarios, Settings, Option<Sweep>),
    Check(Scenarios),
    New(New),
    Backtest(Backtest, Settings),
    Seek(Seek, Settings),
    Serve(Serve),
}

/// `serve`: the scenario files the page may start from and where to listen.
#[derive(Debug, Clone, PartialEq)]
pub struct Serve {
    pub files: Vec<PathBuf>,
    pub address: std::net::SocketAddr,
}

/// Scenario files and the `--set` overrides applied to each.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenarios {
    pub files: Vec<PathBuf>,
    pub sets: Vec<String>,
}

/// How runs are made and where their files go.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub runs: u32,
    pub seed: u64,
    pub threads: Option<u32>,
    pub out: PathBuf,
    pub per_run: bool,
    pub quiet: bool,
    /// The `--set` overrides, which reports quote so that anyone can repeat
    /// the results.
    pub sets: Vec<String>,
}

/// `compare --break-even`: the payment effect to sweep and its grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub parameter: Parameter,
    pub key: &'static str,
    pub grid: Vec<f64>,
}

/// `new`: a starter, a council's figures, or the list of councils.
#[derive(Debug, Clone, PartialEq)]
pub enum New {
    Starter {
        file: PathBuf,
    },
    Council {
        file: PathBuf,
        name: String,
        year: Option<i32>,
    },
    ListCouncils,
}

/// `seek`: the scenario, the target, its month and chance, and the lever.
#[derive(Debug, Clone, PartialEq)]
pub struct Seek {
    pub scenario: Scenarios,
    pub target: Target,
    pub by: YearMonth,
    pub chance: f64,
    pub levers: Vec<LeverRange>,
}

/// `backtest`: one council or all, from a year or each of a range of years.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// `None`: every council.
    pub council: Option<String>,
    pub origins: Origins,
    /// Nothing published after this year is compared (`--outcomes-to`).
    pub outcomes_to: Option<i32>,
}

impl Request {
    pub fn from_cli(cli: Cli) -> Result<Request> {
        Ok(match cli.command {
            Command::Run { scenarios, options } => Request::Run(scenarios_of(scenarios, &options), settings(options)),
            Command::Compare {
                scenarios,
                options,
                break_even,
                grid,
            } => {
                let sweep = break_even.map(|key| sweep(&key, grid.as_deref())).transpose()?;
                Request::Compare(scenarios_of(scenarios, &options), settings(options), sweep)
            }
            Command::Seek {
                scenario,
                target,
                by,
                chance,
                lever,
                options,
            } => Request::Seek(
                seek(scenario, &target, &by, chance, &lever, &options)?,
                settings(options),
            ),
            Command::Serve { scenarios, port, bind } => {
                let ip: std::net::IpAddr = bind.trim().parse().map_err(|_| {
                    Error::Usage(format!(
                        "--bind {bind}: expected an IP address, such as 127.0.0.1 (this computer only) or 0.0.0.0 (every network)"
                    ))
                })?;
                Request::Serve(Serve {
                    files: scenarios,
                    address: std::net::SocketAddr::new(ip, port),
                })
            }
            Command::Check { scenarios, sets } => Request::Check(Scenarios { files: scenarios, sets }),
            Command::New {
                file,
                la,
                year,
                list_las,
            } => Request::New(match (file, la) {
                _ if list_las => New::ListCouncils,
                (Some(file), Some(name)) => New::Council { file, name, year },
                (Some(file), None) => New::Starter { file },
                (None, _) => return Err(Error::Usage("new: give the file to write, FILE.toml".into())),
            }),
            Command::Backtest {
                la,
                all,
                from,
                outcomes_to,
                options,
            } => {
                if la.is_none() && !all {
                    return Err(Error::Usage(
                        "backtest: give --la NAME (one council, as for `new --la`) or --all (every council)".into(),
                    ));
                }
                let council = la.filter(|_| !all);
                let origins = parse_origins(&from)?;
                check_outcomes_to(origins, outcomes_to)?;
                if council.is_none() {
                    let figures = Figures::embedded()?;
                    for year in origins.years() {
                        backtest::check_any_council(&figures, year)?;
                    }
                }
                Request::Backtest(
                    Backtest {
                        council: council.clone(),
                        origins,
                        outcomes_to,
                    },
                    backtest_settings(options, council.is_none()),
                )
            }
        })
    }
}

fn scenarios_of(files: Vec<PathBuf>, options: &RunOptions) -> Scenarios {
    Scenarios {
        files,
        sets: options.sets.clone(),
    }
}

fn settings(o: RunOptions) -> Settings {
    Settings {
        runs: o.runs,
        seed: o.seed,
        threads: o.threads,
        out: o.out,
        per_run: o.per_run,
        quiet: o.quiet,
        sets: o.sets,
    }
}

fn backtest_settings(o: BacktestOptions, all: bool) -> Settings {
    Settings {
        runs: o.runs.unwrap_or(if all { BACKTEST_ALL_RUNS } else { BACKTEST_RUNS }),
        seed: o.seed,
        threads: o.threads,
        out: o.out,
        per_run: false,
        quiet: o.quiet,
        sets: Vec::new(),
    }
}

/// `--from YYYY` or `--from YYYY..YYYY` (inclusive, the earlier first).
fn parse_origins(text: &str) -> Result<Origins> {
    let bad = || {
        Error::Usage(format!(
            "--from {text}: expected a year or a range of years, such as 2021 or 2019..2023"
        ))
    };
    let year = |t: &str| -> Result<i32> {
        let t = t.trim();
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        t.parse().map_err(|_| bad())
    };
    let (first, last) = match text.split_once("..") {
        Some((a, b)) => (year(a)?, year(b)?),
        None => {
            let y = year(text)?;
            (y, y)
        }
    };
    if first > last {
        return Err(Error::Usage(format!(
            "--from {text}: the range starts after it ends; give the earlier year first: {last}..{first}"
        )));
    }
    Ok(Origins { first, last })
}

/// `--outcomes-to YYYY` must leave something after every origin to compare.
fn check_outcomes_to(origins: Origins, outcomes_to: Option<i32>) -> Result<()> {
    match outcomes_to {
        Some(to) if to <= origins.last => Err(Error::Usage(format!(
            "--outcomes-to {to}: must be after every year projected from (the last is {}), so that something published after it can be compared",
            origins.last
        ))),
        _ => Ok(()),
    }
}

/// The most levers a cheapest-mix search takes together.
const MAX_LEVERS: usize = 3;

/// `seek`'s arguments, each checked without the file.
fn seek(file: PathBuf, target: &str, by: &str, chance: f64, levers: &[String], options: &RunOptions) -> Result<Seek> {
    if options.per_run {
        return Err(Error::Usage(
            "--per-run: seek writes no per-run file (it runs many scenarios); for the answer's runs, \
             run its answer.toml: caseload run answer.toml --per-run"
                .into(),
        ));
    }
    if !(chance > 0.0 && chance <= 1.0) {
        return Err(Error::Usage(format!(
            "--chance {chance}: must be above 0 and at most 1, such as 0.8 for 8 runs in 10"
        )));
    }
    let by = YearMonth::parse(by.trim())
        .ok_or_else(|| Error::Usage(format!("--by {by}: expected a month as YYYY-MM, such as 2024-09")))?;
    let levers = levers.iter().map(|l| parse_lever(l)).collect::<Result<Vec<_>>>()?;
    if levers.len() > MAX_LEVERS {
        return Err(Error::Usage(format!(
            "seek: at most {MAX_LEVERS} --lever together (the grid grows fivefold with each)"
        )));
    }
    if let Some((i, l)) = levers
        .iter()
        .enumerate()
        .find(|(i, l)| levers[..*i].iter().any(|m| m.key == l.key))
    {
        return Err(Error::Usage(format!(
            "--lever {}: given twice (the {} time)",
            l.key,
            crate::text::ordinal(i + 1)
        )));
    }
    Ok(Seek {
        scenario: scenarios_of(vec![file], options),
        target: parse_target(target)?,
        by,
        chance,
        levers,
    })
}

/// `METRIC<=NUMBER` or `METRIC>=NUMBER`, METRIC a column of summary.csv
/// (`open_cases_<state>` and the teams' and roles' metrics are checked
/// against the scenario later).
pub fn parse_target(text: &str) -> Result<Target> {
    let bad = || {
        Error::Usage(format!(
            "--target {text}: expected METRIC<=NUMBER or METRIC>=NUMBER, such as caseload<=22"
        ))
    };
    let (metric, op, number) = if let Some((m, n)) = text.split_once("<=") {
        (m, Op::AtMost, n)
    } else if let Some((m, n)) = text.split_once(">=") {
        (m, Op::AtLeast, n)
    } else {
        return Err(bad());
    };
    let value: f64 = number.trim().parse().map_err(|_| bad())?;
    let metric = metric.trim();
    if !value.is_finite() || metric.is_empty() {
        return Err(bad());
    }
    let names = Metric::ALL.map(Metric::name);
    // A team's or role's metric (`caseload_<team>`, `permanent_fte_<role>`)
    // is checked against the scenario's teams and roles later, as states are.
    let per_team_or_role = crate::model::metrics::TeamMetric::ALL
        .iter()
        .map(|m| m.name())
        .chain(crate::model::metrics::RoleMetric::ALL.iter().map(|m| m.name()))
        .any(|name| metric.starts_with(&format!("{name}_")));
    let organised = [
        crate::model::metrics::SPAN_OF_CONTROL,
        crate::model::metrics::WITHIN_SPAN,
    ]
    .contains(&metric);
    if !names.contains(&metric) && !metric.starts_with("open_cases_") && !per_team_or_role && !organised {
        let hint = nearest(metric, names.iter().copied()).map_or(String::new(), |k| format!(" (did you mean {k}?)"));
        return Err(Error::Usage(format!(
            "--target {text}: no metric {metric}{hint}; a target names a column of summary.csv: {}, or open_cases_<state>",
            names.join(", ")
        )));
    }
    Ok(Target {
        metric: metric.to_string(),
        op,
        value,
    })
}

/// `KEY=LOW..HIGH`: numbers with LOW below HIGH, whole for a whole lever.
/// A key that is no declared lever is checked against the scenario later
/// (it must be a number the scenario gives).
pub fn parse_lever(text: &str) -> Result<LeverRange> {
    let bad = |why: &str| Error::Usage(format!("--lever {text}: {why}"));
    let Some((key, range)) = text.split_once('=') else {
        return Err(bad(
            "expected KEY=LOW..HIGH, such as workforce.establishment_fte=140..200",
        ));
    };
    let Some((low, high)) = range.split_once("..") else {
        return Err(bad("expected LOW..HIGH after the =, such as 140..200"));
    };
    let number = |t: &str| -> Result<f64> {
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| bad(&format!("{} is not a number", t.trim())))
    };
    let (low, high) = (number(low)?, number(high)?);
    if low >= high {
        return Err(bad("LOW must be below HIGH"));
    }
    let key = key.trim();
    if key.is_empty() {
        return Err(bad("no key before the ="));
    }
    let declared = lever::find(key);
    let integer = declared.is_some_and(|l| l.integer);
    if integer && (low.fract() != 0.0 || high.fract() != 0.0) {
        return Err(bad(&format!(
            "{key} takes whole numbers, so LOW and HIGH must be whole"
        )));
    }
    Ok(LeverRange {
        key: key.to_string(),
        low,
        high,
        step: declared.map_or_else(|| default_step(low, high), |l| l.step),
        integer,
        lever: declared,
    })
}

/// The message for a key that is no lever: the nearest declared one.
pub fn unknown_lever(key: &str, why: &str) -> Error {
    let hint = nearest(key, LEVERS.iter().map(|l| l.key)).map_or(String::new(), |k| format!(" (did you mean {k}?)"));
    Error::Usage(format!(
        "--lever {key}: {why}{hint}; levers include {}",
        LEVERS.iter().map(|l| l.key).collect::<Vec<_>>().join(", ")
    ))
}

/// `--break-even KEY [--grid FROM:TO:POINTS]`: the key must name a
/// payment's effect (the parameters' declaration says which).
fn sweep(key: &str, grid: Option<&str>) -> Result<Sweep> {
    let sweepable: Vec<&'static str> = Parameter::SWEEPABLE.iter().filter_map(|p| p.fixed_key()).collect();
    let Some((parameter, key)) = Parameter::from_key(key)
        .filter(|p| p.is_sweepable())
        .and_then(|p| p.fixed_key().map(|k| (p, k)))
    else {
        let hint = nearest(key, sweepable.iter().copied()).map_or(String::new(), |k| format!(" (did you mean {k}?)"));
        return Err(Error::Usage(format!(
            "--break-even {key}: not a payment multiplier{hint}; expected one of {}",
            sweepable.join(", ")
        )));
    };
    let grid = match grid {
        Some(text) => parse_grid(text)?,
        None => default_grid(key),
    };
    Ok(Sweep { parameter, key, grid })
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
    Ok(spaced(from, to, points))
}

/// The grid a key is swept over by default: leaving multipliers from 0.5
/// to 1 (a cut of up to half), applicant multipliers from 1 to 2 (up to
/// double), 21 values each.
pub fn default_grid(key: &str) -> Vec<f64> {
    if key.ends_with("leaving_multiplier") {
        spaced(0.5, 1.0, 21)
    } else {
        spaced(1.0, 2.0, 21)
    }
}

fn spaced(from: f64, to: f64, points: u32) -> Vec<f64> {
    (0..points)
        .map(|i| from + (to - from) * f64::from(i) / f64::from(points - 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_are_checked_and_evenly_spaced() {
        assert_eq!(parse_grid("0.5:1:3").unwrap(), [0.5, 0.75, 1.0]);
        for bad in ["1:0.5:3", "0.5:1", "0.5:1:1", "a:1:3", "0.5:1:1001", "0.5:inf:3"] {
            assert!(matches!(parse_grid(bad), Err(Error::Usage(_))), "{bad}");
        }
        assert_eq!(default_grid("payments.retention.leaving_multiplier").len(), 21);
        assert_eq!(default_grid("payments.retention.leaving_multiplier")[20], 1.0);
    }

    #[test]
    fn from_is_a_year_or_an_inclusive_range_with_the_earlier_year_first() {
        assert_eq!(
            parse_origins("2021").unwrap(),
            Origins {
                first: 2021,
                last: 2021
            }
        );
        assert_eq!(
            parse_origins("2019..2023").unwrap(),
            Origins {
                first: 2019,
                last: 2023
            }
        );
        assert_eq!(
            parse_origins(" 2019 .. 2019 ").unwrap(),
            Origins {
                first: 2019,
                last: 2019
            }
        );
        for bad in [
            "",
            "20x1",
            "2019..",
            "..2023",
            "2019...2023",
            "2019-2023",
            "-2019",
            "2019..2023..2024",
            "+2021",
        ] {
            let Err(Error::Usage(message)) = parse_origins(bad) else {
                panic!("{bad:?} should be refused");
            };
            assert!(
                message.contains("expected a year or a range of years"),
                "{bad}: {message}"
            );
        }
        let Err(Error::Usage(message)) = parse_origins("2023..2019") else {
            panic!("a backwards range is refused");
        };
        assert!(message.contains("give the earlier year first: 2019..2023"), "{message}");
    }

    #[test]
    fn outcomes_must_reach_beyond_every_origin() {
        let origins = Origins {
            first: 2017,
            last: 2020,
        };
        assert!(check_outcomes_to(origins, Some(2021)).is_ok());
        assert!(check_outcomes_to(origins, None).is_ok());
        let Err(Error::Usage(message)) = check_outcomes_to(origins, Some(2020)) else {
            panic!("no outcome after the last origin");
        };
        assert!(message.contains("the last is 2020"), "{message}");
    }

    #[test]
    fn only_a_payments_effect_can_be_swept() {
        let s = sweep("payments.retention.leaving_multiplier", None).unwrap();
        assert_eq!(s.parameter, Parameter::RetentionLeavingMultiplier);
        let Err(Error::Usage(message)) = sweep("payments.retention.leaving_multiplyer", None) else {
            panic!("a misspelt key is a usage error");
        };
        assert!(
            message.contains("did you mean payments.retention.leaving_multiplier?"),
            "{message}"
        );
        assert!(sweep("demand.referrals_per_month", None).is_err());
    }
}
