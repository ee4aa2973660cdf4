//! Backtests: a council's projection from an earlier year set against what
//! it went on to publish.
//!
//! [`setup`] builds the scenario the council could have written from its
//! figures up to a year (`la::scenario::build`, which reads nothing later),
//! runs it to the council's latest published year, and gives it the funded
//! posts of the later years: the establishment is a council's policy, not
//! something the model projects, so a backtest takes it as known and tests
//! what the model does with it. [`compare`] sets each measure's projected
//! percentiles at each later 30 September against the published value, and
//! [`coverage`] counts how many fall inside the 50% and 90% bands and how
//! far the median was off.
//!
//! A forecast evaluation needs something to beat, so each row also carries
//! two benchmarks built only from what was published by the start year:
//! "no change" (the council's value at the start, a point forecast) and
//! "pooled change" (the start value times the spread of k-year changes
//! seen across every council by then, [`ChangeRatios`]). [`evaluate`]
//! scores the three on the same rows (`score`), pooled, by start year
//! (origin) and by years ahead. Pure: no files, no threads; the runs are
//! the runner's and the files are `output`'s.

use super::score::{self, Quantiles, Score, Tally};
use crate::error::{Error, Result};
use crate::la::scenario::build;
use crate::la::{Area, Column, Figures};
use crate::model::Metric;
use crate::model::params::YearMonth;
use crate::scenario::{self, Loaded};
use crate::stats::{Cell, Summary};

/// The published measures a backtest compares, each with the model's metric
/// that counts the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Measure {
    /// Social workers in post, FTE (the model's permanent FTE, which
    /// includes ASYEs and the absent, as the published count does).
    InPost,
    /// Agency social workers, FTE (the model's agency FTE, with any
    /// fixed block of agency beyond the vacancies).
    Agency,
    /// Cases per case-holding FTE, put on the published basis (see
    /// [`Setup::caseload_basis`]).
    Caseload,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Measure::InPost, Measure::Agency, Measure::Caseload];

    /// The name in backtest.csv and coverage.csv.
    pub fn name(self) -> &'static str {
        match self {
            Measure::InPost => "in_post",
            Measure::Agency => "agency",
            Measure::Caseload => "caseload",
        }
    }

    /// In words, for charts and reports.
    pub fn words(self) -> &'static str {
        match self {
            Measure::InPost => "Social workers in post",
            Measure::Agency => "Agency social workers",
            Measure::Caseload => "Average caseload",
        }
    }

    /// The unit of its values and errors.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::InPost | Measure::Agency => "FTE",
            Measure::Caseload => "cases per case-holding FTE",
        }
    }

    /// The published column it is compared with.
    pub fn column(self) -> Column {
        match self {
            Measure::InPost => Column::InpostFte,
            Measure::Agency => Column::AgencyFte,
            Measure::Caseload => Column::CaseloadFte,
        }
    }

    fn metric(self) -> Metric {
        match self {
            Measure::InPost => Metric::PermanentFte,
            Measure::Agency => Metric::AgencyFte,
            Measure::Caseload => Metric::Caseload,
        }
    }
}

/// The calendar month from which the establishment published at a later
/// 30 September holds: October, just after the count, as `new --la` starts
/// a scenario from a 30 September position in the October after it. So at
/// each 30 September compared, the model has the funded posts published a
/// year before (docs/model.md, "Backtests", says what April would change).
pub const ESTABLISHMENT_MONTH: u32 = 10;

/// A backtest's scenario and the published values it is compared with.
#[derive(Debug, Clone)]
pub struct Setup {
    pub council: String,
    /// The workforce year it starts from: 30 September `from`, projected from October.
    pub from: i32,
    /// The latest year compared: the council's latest published.
    pub to: i32,
    /// The generated scenario's text, before the changes below.
    pub text: String,
    /// The scenario as run: the generated one with `months` reaching
    /// September `to` and the later years' establishment as dated changes.
    pub loaded: Loaded,
    /// The `--set` lines that made those changes, as written.
    pub sets: Vec<String>,
    /// The model's caseload times this is on the published basis: the
    /// published caseload counts case holders whether or not they are off
    /// sick, the model only the capacity available, so this is
    /// `1 - sickness_days_per_year / working_days_per_year`.
    pub caseload_basis: f64,
    /// Every measure at every later 30 September, as published (None when
    /// not published), measure by measure, year by year.
    pub actuals: Vec<(Measure, i32, Option<f64>)>,
    /// Every measure as published at 30 September `from` (None when not
    /// published): where the benchmarks start.
    pub starts: Vec<(Measure, Option<f64>)>,
}

/// The start years (origins) of one backtest command, `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origins {
    pub first: i32,
    pub last: i32,
}

impl Origins {
    /// Every origin, in order.
    pub fn years(self) -> std::ops::RangeInclusive<i32> {
        self.first..=self.last
    }

    /// More than one origin.
    pub fn is_range(self) -> bool {
        self.last > self.first
    }
}

/// The years a council's backtest can start from: years with figures to
/// build a scenario from (social workers in post in the five years to it)
/// and a later year with social workers in post to compare with.
pub fn usable_years(council: &Area) -> Vec<i32> {
    let Some(latest) = council.latest_year() else {
        return Vec::new();
    };
    council
        .workforce_years()
        .into_iter()
        .filter(|y| *y < latest)
        .filter(|y| ((y - 4)..=*y).any(|k| council.value(Column::InpostFte, k).is_some()))
        .collect()
}

/// Checks that `from` is a year `council` can be backtested from, or says
/// which years it can.
pub fn check_year(council: &Area, from: i32) -> Result<()> {
    let usable = usable_years(council);
    if usable.contains(&from) {
        return Ok(());
    }
    let years = if usable.is_empty() {
        "none".to_string()
    } else {
        usable.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
    };
    let why = match council.latest_year() {
        Some(latest) if from >= latest => format!(
            "{}'s latest published year is {latest}, so nothing published after 30 September {from} can be compared with",
            council.name
        ),
        _ => format!(
            "{} has no published workforce figures to build a scenario for 30 September {from}",
            council.name
        ),
    };
    Err(Error::Usage(format!(
        "--from {from}: {why}; years a backtest can start from: {years}"
    )))
}

/// Checks that some council can be backtested from `from`, or says which
/// years any can.
pub fn check_any_council(figures: &Figures, from: i32) -> Result<()> {
    let mut years: Vec<i32> = figures.councils.iter().flat_map(usable_years).collect();
    if years.contains(&from) {
        return Ok(());
    }
    years.sort_unstable();
    years.dedup();
    Err(Error::Usage(format!(
        "--from {from}: no council has published figures for 30 September {from} and a later year; years a backtest can start from: {}",
        years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
    )))
}

/// The figures as published up to and including `year`: what a
/// calibration that may not look past `year` (`--outcomes-to`) can read.
/// A backtest of these compares nothing published later, and its horizon
/// ends at `year`.
pub fn published_to(figures: &Figures, year: i32) -> Figures {
    Figures {
        england: figures.england.truncated(year),
        councils: figures.councils.iter().map(|c| c.truncated(year)).collect(),
    }
}

/// The scenario `council` could have written from its figures up to
/// `from`, with the later years' establishment and a horizon to its latest
/// published year, and the published values to compare with.
pub fn setup(figures: &Figures, council: &Area, from: i32) -> Result<Setup> {
    check_year(council, from)?;
    let to = council.latest_year().unwrap_or(from);
    let built = build(figures, council, from)?;
    let mut source = built.loaded.source.clone();
    let mut sets = vec![format!("months={}", 12 * (to - from))];
    let last = YearMonth::new(to, 9).unwrap_or(built.loaded.scenario.start);
    let changes = establishment_changes(council, from, last, built.loaded.scenario.workforce.establishment_fte);
    if !changes.is_empty() {
        let written: Vec<String> = changes
            .iter()
            .map(|(m, c)| format!("{{ from = \"{m}\", change_fte = {c:?} }}"))
            .collect();
        sets.push(format!("workforce.establishment_changes=[{}]", written.join(", ")));
    }
    for set in &sets {
        source.apply_set(set).map_err(scenario::ScenarioError::from)?;
    }
    let loaded = scenario::check(source)?;
    let w = &loaded.scenario.workforce;
    let caseload_basis = if w.working_days_per_year > 0.0 {
        (1.0 - w.sickness_days_per_year / w.working_days_per_year).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let actuals = Measure::ALL
        .iter()
        .flat_map(|m| ((from + 1)..=to).map(move |y| (*m, y, council.value(m.column(), y))))
        .collect();
    let starts = Measure::ALL
        .iter()
        .map(|m| (*m, council.value(m.column(), from)))
        .collect();
    Ok(Setup {
        council: council.name.clone(),
        from,
        to,
        text: built.text,
        loaded,
        sets,
        caseload_basis,
        actuals,
        starts,
    })
}

/// Dated changes that make the establishment follow in post + vacancies of
/// each year after `from` (a year without both published keeps the last),
/// each from [`ESTABLISHMENT_MONTH`] of that year, up to the `last` month
/// projected.
fn establishment_changes(council: &Area, from: i32, last: YearMonth, start: f64) -> Vec<(YearMonth, f64)> {
    let mut current = start;
    let mut out = Vec::new();
    for y in (from + 1)..=last.year() {
        let (Some(inpost), Some(vacancies)) = (
            council.value(Column::InpostFte, y),
            council.value(Column::VacancyFte, y),
        ) else {
            continue;
        };
        let Some(month) = YearMonth::new(y, ESTABLISHMENT_MONTH).filter(|m| *m <= last) else {
            continue;
        };
        let change = ((inpost + vacancies - current) * 100.0).round() / 100.0;
        if change != 0.0 {
            out.push((month, change));
            current += change;
        }
    }
    out
}

/// One measure at one later 30 September: the projection, the two
/// benchmarks and what happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub measure: Measure,
    pub date: YearMonth,
    /// Years after the start year's 30 September.
    pub years_ahead: i32,
    /// As published; None when not published.
    pub actual: Option<f64>,
    /// The projection's p05, p25, p50, p75, p95 that month.
    pub p: Quantiles,
    /// The benchmarks' quantiles, or why there are none.
    pub benchmarks: std::result::Result<Benchmarks, NoBenchmark>,
}

impl Row {
    /// The start year (origin) the projection was made from.
    pub fn origin(&self) -> i32 {
        self.date.year() - self.years_ahead
    }

    /// Whether the actual value lies within the middle 50% of runs (p25 to
    /// p75), compared as backtest.csv prints them: a value that equals an
    /// edge there is inside; an infinite edge holds nothing.
    pub fn in_50(&self) -> Option<bool> {
        self.actual.map(|a| score::inside(&self.p, score::Band::Fifty, a))
    }

    /// Whether it lies within the middle 90% of runs (p05 to p95), as
    /// printed.
    pub fn in_90(&self) -> Option<bool> {
        self.actual.map(|a| score::inside(&self.p, score::Band::Ninety, a))
    }

    /// The median's error: projected minus actual (positive: too high).
    pub fn error(&self) -> Option<f64> {
        self.actual.map(|a| self.p[2] - a)
    }

    /// A forecast's quantiles for this row; None for a benchmark the row
    /// does not have.
    pub fn forecast(&self, forecast: Forecast) -> Option<Quantiles> {
        match (forecast, &self.benchmarks) {
            (Forecast::Model, _) => Some(self.p),
            (Forecast::NoChange, Ok(b)) => Some(b.no_change),
            (Forecast::PooledChange, Ok(b)) => Some(b.pooled_change),
            (_, Err(_)) => None,
        }
    }
}

/// The forecasts a backtest scores: the model's, and two benchmarks that
/// any analyst could make from what was published by the start year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Forecast {
    Model,
    /// Every quantile the value published at the start: a point forecast.
    NoChange,
    /// The start value times the spread of changes over as many years seen
    /// across every council by the start year.
    PooledChange,
}

impl Forecast {
    pub const ALL: [Forecast; 3] = [Forecast::Model, Forecast::NoChange, Forecast::PooledChange];

    /// The name in scores.csv.
    pub fn name(self) -> &'static str {
        match self {
            Forecast::Model => "model",
            Forecast::NoChange => "no_change",
            Forecast::PooledChange => "pooled_change",
        }
    }
}

/// The benchmarks of one row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Benchmarks {
    /// The start value as every quantile.
    pub no_change: Quantiles,
    /// The start value times the quantiles of the pooled ratios.
    pub pooled_change: Quantiles,
    /// The years of change whose ratios were used: the row's years ahead,
    /// or fewer when no council had published that many years of change by
    /// the start year (the longest there were).
    pub ratio_years: i32,
}

/// Why a row has no benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoBenchmark {
    /// The council published no value of the measure at the start year.
    NoStartValue,
    /// No council had published two years of the measure by the start year.
    NoRatios,
}

/// The quantiles of one k-year change ratio across councils.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratios {
    /// k: the years between the two values of each pair.
    pub years: i32,
    /// Pairs of values the quantiles are taken over.
    pub pairs: usize,
    /// value(y + k) / value(y): p05, p25, p50, p75, p95 (numpy's linear
    /// percentiles, as everywhere).
    pub q: Quantiles,
}

/// The ratios the pooled-change benchmark of one start year (origin)
/// uses: for each measure and k = 1, 2, ... while any pair exists, the
/// quantiles of value(y + k) / value(y) over every council and every year
/// y with y + k no later than the origin, so only what was published by
/// then. Pairs whose first value is 0 or less are left out.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRatios {
    pub origin: i32,
    pub by_measure: Vec<(Measure, Vec<Ratios>)>,
}

impl ChangeRatios {
    pub fn of(figures: &Figures, origin: i32) -> ChangeRatios {
        let by_measure = Measure::ALL
            .iter()
            .map(|m| {
                let ratios = (1..)
                    .map(|k| (k, change_ratios(figures, m.column(), origin, k)))
                    .take_while(|(_, r)| !r.is_empty())
                    .map(|(years, mut r)| Ratios {
                        years,
                        pairs: r.len(),
                        q: Cell::of(&mut r).p,
                    })
                    .collect();
                (*m, ratios)
            })
            .collect();
        ChangeRatios { origin, by_measure }
    }

    /// The ratios for `years` ahead: that many years' own, else the
    /// longest there are; None when there are none.
    pub fn for_years(&self, measure: Measure, years: i32) -> Option<&Ratios> {
        let ratios = &self.by_measure.iter().find(|(m, _)| *m == measure)?.1;
        ratios.iter().find(|r| r.years == years).or_else(|| ratios.last())
    }
}

/// Every council's value(y + k) / value(y) of `column` with y + k no later
/// than `origin` and value(y) above 0, council by council, year by year.
fn change_ratios(figures: &Figures, column: Column, origin: i32, k: i32) -> Vec<f64> {
    let mut out = Vec::new();
    for council in &figures.councils {
        for y in council.workforce_years().into_iter().filter(|y| y + k <= origin) {
            if let (Some(before), Some(after)) = (council.value(column, y), council.value(column, y + k))
                && before > 0.0
            {
                out.push(after / before);
            }
        }
    }
    out
}

/// The benchmarks of a row `years` ahead of a start value `start`.
pub fn benchmarks(
    start: Option<f64>,
    changes: &ChangeRatios,
    measure: Measure,
    years: i32,
) -> std::result::Result<Benchmarks, NoBenchmark> {
    let start = start.ok_or(NoBenchmark::NoStartValue)?;
    let ratios = changes.for_years(measure, years).ok_or(NoBenchmark::NoRatios)?;
    // A start of 0 (a council with no agency staff) stays 0 whatever the
    // ratio: the band is [0, 0].
    let pooled_change = if start == 0.0 {
        [0.0; 5]
    } else {
        ratios.q.map(|r| start * r)
    };
    Ok(Benchmarks {
        no_change: [start; 5],
        pooled_change,
        ratio_years: ratios.years,
    })
}

/// A backtest's results: the projection month by month and the rows.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub setup: Setup,
    pub runs: usize,
    /// Each measure's projection month by month (the caseload on the
    /// published basis).
    pub projections: Vec<(Measure, Vec<Cell>)>,
    pub rows: Vec<Row>,
}

/// Sets the projection (`summary`, the runs of `setup.loaded`) and the
/// benchmarks (`changes`, of the same start year) against the published
/// values.
pub fn compare(setup: Setup, summary: &Summary, changes: &ChangeRatios) -> Result<Backtest> {
    if changes.origin != setup.from {
        return Err(Error::Internal(format!(
            "the backtest from {} was given the change ratios of {}",
            setup.from, changes.origin
        )));
    }
    let start = setup.loaded.scenario.start;
    let mut projections = Vec::new();
    for measure in Measure::ALL {
        let k = summary.index(measure.metric().name()).ok_or_else(|| {
            Error::io(
                "backtest",
                std::io::Error::other(format!("the summary has no {} metric", measure.metric().name())),
            )
        })?;
        let scale = if measure == Measure::Caseload {
            setup.caseload_basis
        } else {
            1.0
        };
        let cells: Vec<Cell> = (0..summary.months)
            .map(|t| {
                let c = summary.cell(t, k);
                Cell {
                    mean: c.mean * scale,
                    p: c.p.map(|x| x * scale),
                }
            })
            .collect();
        projections.push((measure, cells));
    }
    let mut rows = Vec::new();
    for (measure, year, actual) in &setup.actuals {
        let Some(date) = YearMonth::new(*year, 9) else { continue };
        let Ok(t) = usize::try_from(start.months_until(date)) else {
            continue;
        };
        let Some(cell) = projections
            .iter()
            .find(|(m, _)| m == measure)
            .and_then(|(_, cells)| cells.get(t))
        else {
            continue;
        };
        let years_ahead = year - setup.from;
        let start_value = setup.starts.iter().find(|(m, _)| m == measure).and_then(|(_, v)| *v);
        rows.push(Row {
            measure: *measure,
            date,
            years_ahead,
            actual: *actual,
            p: cell.p,
            benchmarks: benchmarks(start_value, changes, *measure, years_ahead),
        });
    }
    Ok(Backtest {
        setup,
        runs: summary.runs,
        projections,
        rows,
    })
}

/// How well the projections held, for one measure over some rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    pub measure: Measure,
    /// Rows with a published value.
    pub n: usize,
    pub in_50: usize,
    pub in_90: usize,
    /// Mean absolute error of the median, in the measure's unit, over the
    /// rows whose median is finite.
    pub mae: f64,
    /// Mean signed error of the median (positive: projected too high).
    pub mean_error: f64,
    /// The absolute and signed errors as a percentage of the actual
    /// values (their sums over the sum of the actual values); None when
    /// the actual values sum to 0.
    pub mae_percent: Option<f64>,
    pub mean_error_percent: Option<f64>,
}

impl Coverage {
    /// Shares of the published values inside each band; None without any.
    pub fn share_50(&self) -> Option<f64> {
        score::share(self.in_50, self.n)
    }

    pub fn share_90(&self) -> Option<f64> {
        score::share(self.in_90, self.n)
    }
}

/// The coverage of `measure` over `rows` (other measures' rows are ignored).
pub fn coverage<'a>(measure: Measure, rows: impl IntoIterator<Item = &'a Row>) -> Coverage {
    let (mut n, mut in_50, mut in_90, mut finite) = (0, 0, 0, 0);
    let (mut abs, mut signed, mut actual) = (0.0, 0.0, 0.0);
    for r in rows.into_iter().filter(|r| r.measure == measure) {
        let (Some(a), Some(e), Some(i50), Some(i90)) = (r.actual, r.error(), r.in_50(), r.in_90()) else {
            continue;
        };
        n += 1;
        in_50 += usize::from(i50);
        in_90 += usize::from(i90);
        // An infinite projection (no capacity at all) is off by more than
        // any number: it counts as missed, and is left out of the errors.
        if e.is_finite() {
            finite += 1;
            abs += e.abs();
            signed += e;
            actual += a;
        }
    }
    let mean = |x: f64| if finite > 0 { x / finite as f64 } else { 0.0 };
    let percent = |x: f64| (actual > 0.0).then(|| x / actual * 100.0);
    Coverage {
        measure,
        n,
        in_50,
        in_90,
        mae: mean(abs),
        mean_error: mean(signed),
        mae_percent: percent(abs),
        mean_error_percent: percent(signed),
    }
}

/// The coverage of every measure over `rows`.
pub fn coverage_all(rows: &[Row]) -> Vec<Coverage> {
    Measure::ALL.iter().map(|m| coverage(*m, rows)).collect()
}

/// Coverage pooled over councils, for one measure over every horizon
/// (`years_ahead` None) or at one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pooled {
    pub years_ahead: Option<i32>,
    /// Councils with at least one published value counted.
    pub councils: usize,
    pub coverage: Coverage,
}

/// Every measure's coverage over every council's rows: first over all
/// horizons, then one to the longest horizon, year by year.
pub fn pooled(councils: &[&[Row]]) -> Vec<Pooled> {
    let longest = councils
        .iter()
        .flat_map(|rows| rows.iter().map(|r| r.years_ahead))
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for measure in Measure::ALL {
        for years_ahead in std::iter::once(None).chain((1..=longest).map(Some)) {
            let keep = |r: &&Row| years_ahead.is_none_or(|y| r.years_ahead == y);
            let coverage = coverage(measure, councils.iter().flat_map(|rows| rows.iter().filter(keep)));
            let counted = councils
                .iter()
                .filter(|rows| {
                    rows.iter()
                        .filter(keep)
                        .any(|r| r.measure == measure && r.actual.is_some())
                })
                .count();
            out.push(Pooled {
                years_ahead,
                councils: counted,
                coverage,
            });
        }
    }
    out
}

/// One forecast's score over a group of rows: pooled (`None`) or one
/// origin, one measure, every horizon (`None`) or one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRow {
    pub origin: Option<i32>,
    pub measure: Measure,
    pub years_ahead: Option<i32>,
    pub forecast: Forecast,
    pub score: Score,
}

/// How many of a measure's published values were scored, and how many were
/// left out because a benchmark could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    pub measure: Measure,
    pub scored: usize,
    /// Nothing published for the council at the start year.
    pub no_start_value: usize,
    /// No council had two years of the measure by the start year.
    pub no_ratios: usize,
}

impl LeftOut {
    pub fn total(&self) -> usize {
        self.no_start_value + self.no_ratios
    }
}

/// Where the pooled change used shorter changes than the years ahead: from
/// `origin`, `measure`'s rows `first..=last` years ahead used the ratios of
/// `used` years, the longest published by then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandIn {
    pub origin: i32,
    pub measure: Measure,
    pub first: i32,
    pub last: i32,
    pub used: i32,
}

/// The model and the two benchmarks scored on the same rows: the rows with
/// a published value and both benchmarks.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub origins: Vec<i32>,
    /// The longest horizon scored, in years.
    pub longest: i32,
    /// Pooled over origins (`origin` None) and then origin by origin; within
    /// each, measure by measure, over every horizon and then year by year,
    /// each forecast in turn. A group with no rows is left out, but for the
    /// pooled rows of each measure.
    pub scores: Vec<ScoreRow>,
    pub left_out: Vec<LeftOut>,
    /// The origins with rows left out for want of change ratios (the
    /// first year of the figures, by when no council had two years).
    pub no_ratios_from: Vec<i32>,
    pub stand_ins: Vec<StandIn>,
}

impl Evaluation {
    /// The score of one group, if it has rows (or is a measure's pooled one).
    pub fn score(
        &self,
        origin: Option<i32>,
        measure: Measure,
        years_ahead: Option<i32>,
        forecast: Forecast,
    ) -> Option<&Score> {
        self.scores
            .iter()
            .find(|s| {
                s.origin == origin && s.measure == measure && s.years_ahead == years_ahead && s.forecast == forecast
            })
            .map(|s| &s.score)
    }
}

/// Scores every forecast on `rows` (any councils, any origins).
pub fn evaluate(rows: &[&Row]) -> Evaluation {
    let scored: Vec<&Row> = rows
        .iter()
        .copied()
        .filter(|r| r.actual.is_some() && r.benchmarks.is_ok())
        .collect();
    let mut origins: Vec<i32> = rows.iter().map(|r| r.origin()).collect();
    origins.sort_unstable();
    origins.dedup();
    let longest = scored.iter().map(|r| r.years_ahead).max().unwrap_or(0);
    let mut scores = Vec::new();
    for origin in std::iter::once(None).chain(origins.iter().copied().map(Some)) {
        for measure in Measure::ALL {
            for years_ahead in std::iter::once(None).chain((1..=longest).map(Some)) {
                let group: Vec<&Row> = scored
                    .iter()
                    .copied()
                    .filter(|r| r.measure == measure)
                    .filter(|r| origin.is_none_or(|o| r.origin() == o))
                    .filter(|r| years_ahead.is_none_or(|y| r.years_ahead == y))
                    .collect();
                if group.is_empty() && (origin.is_some() || years_ahead.is_some()) {
                    continue;
                }
                for forecast in Forecast::ALL {
                    scores.push(ScoreRow {
                        origin,
                        measure,
                        years_ahead,
                        forecast,
                        score: score_of(&group, forecast),
                    });
                }
            }
        }
    }
    let no_ratios_from = origins
        .iter()
        .copied()
        .filter(|o| {
            rows.iter()
                .any(|r| r.origin() == *o && r.benchmarks == Err(NoBenchmark::NoRatios))
        })
        .collect();
    Evaluation {
        origins,
        longest,
        scores,
        left_out: left_out(rows),
        no_ratios_from,
        stand_ins: stand_ins(&scored),
    }
}

/// One forecast's score over rows that all have it.
fn score_of(rows: &[&Row], forecast: Forecast) -> Score {
    let mut tally = Tally::default();
    for r in rows {
        if let (Some(q), Some(actual)) = (r.forecast(forecast), r.actual) {
            tally.add(&q, actual);
        }
    }
    tally.score()
}

fn left_out(rows: &[&Row]) -> Vec<LeftOut> {
    Measure::ALL
        .iter()
        .map(|m| {
            let published = rows.iter().filter(|r| r.measure == *m && r.actual.is_some());
            let mut out = LeftOut {
                measure: *m,
                scored: 0,
                no_start_value: 0,
                no_ratios: 0,
            };
            for r in published {
                match r.benchmarks {
                    Ok(_) => out.scored += 1,
                    Err(NoBenchmark::NoStartValue) => out.no_start_value += 1,
                    Err(NoBenchmark::NoRatios) => out.no_ratios += 1,
                }
            }
            out
        })
        .collect()
}

/// Each origin and measure whose scored rows used shorter changes than
/// their years ahead.
fn stand_ins(scored: &[&Row]) -> Vec<StandIn> {
    let mut out: Vec<StandIn> = Vec::new();
    let mut short: Vec<(i32, Measure, i32, i32)> = scored
        .iter()
        .filter_map(|r| {
            let used = r.benchmarks.ok()?.ratio_years;
            (used != r.years_ahead).then_some((r.origin(), r.measure, r.years_ahead, used))
        })
        .collect();
    short.sort_unstable();
    for (origin, measure, years, used) in short {
        match out.last_mut() {
            Some(s) if (s.origin, s.measure, s.used) == (origin, measure, used) => {
                s.first = s.first.min(years);
                s.last = s.last.max(years);
            }
            _ => out.push(StandIn {
                origin,
                measure,
                first: years,
                last: years,
                used,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(measure: Measure, actual: Option<f64>, p: [f64; 5]) -> Row {
        Row {
            measure,
            date: YearMonth::new(2022, 9).unwrap(),
            years_ahead: 1,
            actual,
            p,
            benchmarks: Err(NoBenchmark::NoRatios),
        }
    }

    /// Two councils' figures for 2018 to 2020, small enough to work out
    /// every ratio by hand.
    fn figures() -> Figures {
        Figures::parse(
            "la_name,region,year,inpost_fte,agency_fte,caseload_fte
England,,2018,1000,100,16
A,North,2018,100,10,20
A,North,2019,110,0,22
A,North,2020,121,5,
B,North,2018,50,0,15
B,North,2019,40,4,18
B,North,2020,60,6,18
",
        )
        .unwrap()
    }

    fn close(a: Quantiles, b: Quantiles) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn pooled_change_takes_numpy_quantiles_of_every_councils_ratios_published_by_the_origin() {
        let changes = ChangeRatios::of(&figures(), 2020);
        let in_post = &changes.by_measure[0].1;
        // One year: A 110/100 and 121/110, B 40/50 and 60/40, sorted
        // 0.8, 1.1, 1.1, 1.5; p05 sits 0.15 of the way from the first to
        // the second, p25 0.75, p50 1.5, p75 2.25, p95 2.85.
        assert_eq!((in_post[0].years, in_post[0].pairs), (1, 4));
        assert!(
            close(in_post[0].q, [0.845, 1.025, 1.1, 1.2, 1.44]),
            "{:?}",
            in_post[0].q
        );
        // Two years: 121/100 and 60/50; none for three (nothing before 2018).
        assert_eq!((in_post[1].years, in_post[1].pairs, in_post.len()), (2, 2, 2));
        assert!(close(in_post[1].q, [1.2005, 1.2025, 1.205, 1.2075, 1.2095]));
        // Agency: a first value of 0 is left out (A 2019, B 2018), a second
        // of 0 is kept: one year 0/10 and 6/4; two years 5/10.
        let agency = &changes.by_measure[1].1;
        assert!(close(agency[0].q, [0.075, 0.375, 0.75, 1.125, 1.425]));
        assert_eq!((agency[1].pairs, agency[1].q), (1, [0.5; 5]));
        // Caseload: A 2020 unpublished, so its pairs to 2020 are missing.
        let caseload = &changes.by_measure[2].1;
        assert_eq!((caseload[0].pairs, caseload[1].pairs), (3, 1));
        // Only what was published by the origin: from 2019, one year of
        // 2018 to 2019 alone.
        let then = ChangeRatios::of(&figures(), 2019);
        assert_eq!(then.by_measure[0].1.len(), 1);
        assert!(close(then.by_measure[0].1[0].q, [0.815, 0.875, 0.95, 1.025, 1.085]));
    }

    #[test]
    fn benchmarks_start_from_the_published_value_and_say_why_when_they_cannot() {
        let changes = ChangeRatios::of(&figures(), 2020);
        let b = benchmarks(Some(100.0), &changes, Measure::InPost, 1).unwrap();
        assert_eq!((b.no_change, b.ratio_years), ([100.0; 5], 1));
        assert!(close(b.pooled_change, [84.5, 102.5, 110.0, 120.0, 144.0]));
        // Three years ahead: no three-year pair, so the longest (two).
        let b = benchmarks(Some(10.0), &changes, Measure::InPost, 3).unwrap();
        assert_eq!(b.ratio_years, 2);
        assert!(close(b.pooled_change, [12.005, 12.025, 12.05, 12.075, 12.095]));
        // No agency at the start: [0, 0] for both.
        let b = benchmarks(Some(0.0), &changes, Measure::Agency, 1).unwrap();
        assert_eq!((b.no_change, b.pooled_change), ([0.0; 5], [0.0; 5]));
        assert_eq!(
            benchmarks(None, &changes, Measure::InPost, 1),
            Err(NoBenchmark::NoStartValue)
        );
        // From 2018 nobody has two years yet.
        let none = ChangeRatios::of(&figures(), 2018);
        assert_eq!(
            benchmarks(Some(1.0), &none, Measure::Caseload, 1),
            Err(NoBenchmark::NoRatios)
        );
    }

    /// A row `years` ahead of `origin` with a published value and the
    /// benchmarks of a start value of 100 and pooled quantiles `pooled`.
    fn scored(origin: i32, years: i32, actual: f64, p: Quantiles, pooled: Quantiles) -> Row {
        Row {
            measure: Measure::InPost,
            date: YearMonth::new(origin + years, 9).unwrap(),
            years_ahead: years,
            actual: Some(actual),
            p,
            benchmarks: Ok(Benchmarks {
                no_change: [100.0; 5],
                pooled_change: pooled,
                ratio_years: years.min(2),
            }),
        }
    }

    #[test]
    fn every_forecast_is_scored_on_the_same_rows_pooled_by_origin_and_by_years_ahead() {
        let model = [80.0, 90.0, 100.0, 110.0, 120.0];
        let pooled = [70.0, 95.0, 105.0, 115.0, 140.0];
        let mut unscored = scored(2021, 1, 100.0, model, pooled);
        unscored.benchmarks = Err(NoBenchmark::NoStartValue);
        let rows = [
            scored(2021, 1, 100.0, model, pooled),
            scored(2021, 3, 125.0, model, pooled),
            scored(2022, 1, 90.0, model, pooled),
            unscored,
        ];
        let refs: Vec<&Row> = rows.iter().collect();
        let e = evaluate(&refs);
        assert_eq!((e.origins.clone(), e.longest), (vec![2021, 2022], 3));
        let get = |origin, years, f| *e.score(origin, Measure::InPost, years, f).unwrap();

        // The model over 100, 125 and 90: inside both bands twice (90 is
        // the 50% band's edge, so inside), 125 inside neither.
        let m = get(None, None, Forecast::Model);
        assert_eq!((m.n, m.in_50, m.in_90), (3, 2, 2));
        assert!((m.mae.unwrap() - 35.0 / 3.0).abs() < 1e-12);
        // 90% band: 40, 40 + 20 × 5, 40.
        assert!((m.interval_90.unwrap() - 220.0 / 3.0).abs() < 1e-12);
        // No change: a point at 100, so inside only where 100 was published;
        // the 90% score is the penalty alone: 0, 20 × 25, 20 × 10.
        let n = get(None, None, Forecast::NoChange);
        assert_eq!((n.n, n.in_50, n.in_90), (3, 1, 1));
        assert!((n.interval_90.unwrap() - 700.0 / 3.0).abs() < 1e-12);
        assert!((n.interval_50.unwrap() - (4.0 * 25.0 + 4.0 * 10.0) / 3.0).abs() < 1e-12);
        // Pooled change: 100, 125 inside its 90% band, 90 too.
        let p = get(None, None, Forecast::PooledChange);
        assert_eq!((p.n, p.in_90), (3, 3));

        // By origin and by years ahead, each group on its own rows.
        assert_eq!(get(Some(2021), None, Forecast::Model).n, 2);
        assert_eq!(get(Some(2022), Some(1), Forecast::NoChange).in_90, 0);
        assert_eq!(get(None, Some(1), Forecast::Model).n, 2);
        assert!(e.score(None, Measure::InPost, Some(2), Forecast::Model).is_none());
        assert!(e.score(Some(2022), Measure::InPost, Some(3), Forecast::Model).is_none());
        // Measures without rows still have their pooled row, empty.
        assert_eq!(get_measure(&e, Measure::Agency).n, 0);

        // The row without a start value is left out, and said to be.
        assert_eq!(
            (
                e.left_out[0].scored,
                e.left_out[0].no_start_value,
                e.left_out[0].total()
            ),
            (3, 1, 1)
        );
        // Three years ahead from 2021 used the two-year ratios.
        assert_eq!(
            e.stand_ins,
            [StandIn {
                origin: 2021,
                measure: Measure::InPost,
                first: 3,
                last: 3,
                used: 2
            }]
        );
    }

    fn get_measure(e: &Evaluation, measure: Measure) -> Score {
        *e.score(None, measure, None, Forecast::Model).unwrap()
    }

    #[test]
    fn bands_hold_their_edges_and_errors_are_projected_minus_actual() {
        let p = [10.0, 20.0, 30.0, 40.0, 50.0];
        let r = |a| row(Measure::InPost, Some(a), p);
        assert_eq!((r(20.0).in_50(), r(20.0).in_90()), (Some(true), Some(true)));
        assert_eq!((r(15.0).in_50(), r(15.0).in_90()), (Some(false), Some(true)));
        assert_eq!((r(50.5).in_50(), r(50.5).in_90()), (Some(false), Some(false)));
        assert_eq!(r(25.0).error(), Some(5.0));
        assert_eq!(row(Measure::InPost, None, p).in_90(), None);
    }

    #[test]
    fn coverage_counts_published_values_only_and_weighs_percentages_by_the_actual() {
        let p = [10.0, 20.0, 30.0, 40.0, 50.0];
        let rows = [
            row(Measure::Agency, Some(30.0), p),
            row(Measure::Agency, Some(15.0), p),
            row(Measure::Agency, Some(60.0), p),
            row(Measure::Agency, None, p),
            row(Measure::InPost, Some(30.0), p),
        ];
        let c = coverage(Measure::Agency, &rows);
        assert_eq!((c.n, c.in_50, c.in_90), (3, 1, 2));
        // Errors 0, +15, -30.
        assert!((c.mae - 15.0).abs() < 1e-12);
        assert!((c.mean_error + 5.0).abs() < 1e-12);
        assert!((c.mae_percent.unwrap() - 45.0 / 105.0 * 100.0).abs() < 1e-9);
        assert_eq!(c.share_90(), Some(2.0 / 3.0));
        let none = coverage(Measure::Caseload, &rows);
        assert_eq!((none.n, none.share_50(), none.mae_percent), (0, None, None));
    }
}
