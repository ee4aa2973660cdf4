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
//! far the median was off. Pure: no files, no threads; the runs are the
//! runner's and the files are `output`'s.

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
    Ok(Setup {
        council: council.name.clone(),
        from,
        to,
        text: built.text,
        loaded,
        sets,
        caseload_basis,
        actuals,
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

/// One measure at one later 30 September: the projection and what happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub measure: Measure,
    pub date: YearMonth,
    /// Years after the start year's 30 September.
    pub years_ahead: i32,
    /// As published; None when not published.
    pub actual: Option<f64>,
    /// The projection's p05, p25, p50, p75, p95 that month.
    pub p: [f64; 5],
}

/// Whole ten-thousandths: backtest.csv prints values to 4 decimals
/// (`output::fmt_value`), so band edges are compared at that precision.
fn as_printed(x: f64) -> f64 {
    (x * 10_000.0).round()
}

impl Row {
    /// Whether the actual value lies within the middle 50% of runs (p25 to
    /// p75), compared as backtest.csv prints them: a value that equals an
    /// edge there is inside.
    pub fn in_50(&self) -> Option<bool> {
        self.within(1, 3)
    }

    /// Whether it lies within the middle 90% of runs (p05 to p95), as
    /// printed.
    pub fn in_90(&self) -> Option<bool> {
        self.within(0, 4)
    }

    fn within(&self, low: usize, high: usize) -> Option<bool> {
        self.actual.map(|a| {
            let a = as_printed(a);
            as_printed(self.p[low]) <= a && a <= as_printed(self.p[high])
        })
    }

    /// The median's error: projected minus actual (positive: too high).
    pub fn error(&self) -> Option<f64> {
        self.actual.map(|a| self.p[2] - a)
    }
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

/// Sets the projection (`summary`, the runs of `setup.loaded`) against the
/// published values.
pub fn compare(setup: Setup, summary: &Summary) -> Result<Backtest> {
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
        rows.push(Row {
            measure: *measure,
            date,
            years_ahead: year - setup.from,
            actual: *actual,
            p: cell.p,
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
    /// Mean absolute error of the median, in the measure's unit.
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
        (self.n > 0).then(|| self.in_50 as f64 / self.n as f64)
    }

    pub fn share_90(&self) -> Option<f64> {
        (self.n > 0).then(|| self.in_90 as f64 / self.n as f64)
    }
}

/// The coverage of `measure` over `rows` (other measures' rows are ignored).
pub fn coverage<'a>(measure: Measure, rows: impl IntoIterator<Item = &'a Row>) -> Coverage {
    let (mut n, mut in_50, mut in_90) = (0, 0, 0);
    let (mut abs, mut signed, mut actual) = (0.0, 0.0, 0.0);
    for r in rows.into_iter().filter(|r| r.measure == measure) {
        let (Some(a), Some(e), Some(i50), Some(i90)) = (r.actual, r.error(), r.in_50(), r.in_90()) else {
            continue;
        };
        n += 1;
        in_50 += usize::from(i50);
        in_90 += usize::from(i90);
        // An infinite projection (no capacity at all) is off by more than
        // any number: it counts as missed, not in the mean error.
        if e.is_finite() {
            abs += e.abs();
            signed += e;
        }
        actual += a;
    }
    let mean = |x: f64| if n > 0 { x / n as f64 } else { 0.0 };
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
        }
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
