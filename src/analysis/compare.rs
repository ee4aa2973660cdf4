//! Paired comparison of scenarios run with common random numbers: run r of
//! each scenario draws from the same streams, so run-by-run differences
//! isolate the effect of what changed. Pure: from runs to figures.

use crate::error::{Error, Result};
use crate::model::{Parameter, RunTotals, Spend};
use crate::scenario::Loaded;
use crate::stats::{Cell, paired_difference};

/// Per run, the scheme's net cost against the baseline over the horizon,
/// excluding salaries of funded posts: the change in payments (after
/// clawback) plus the change in agency and recruitment spend less the ASYE
/// grant (a saving is negative). Permanent salaries are left out: the posts
/// are funded whether they are filled or not.
pub fn net_cost(scenario: &[RunTotals], baseline: &[RunTotals]) -> Vec<f64> {
    paired(scenario, baseline, |s| {
        s.agency + s.payments() + (s.recruitment - s.asye_grant)
    })
}

/// Per run, the change in total spend against the baseline (every kind,
/// salaries included, the ASYE grant as income).
pub fn total_spend_difference(scenario: &[RunTotals], baseline: &[RunTotals]) -> Vec<f64> {
    paired(scenario, baseline, Spend::total)
}

/// `f` of each run's spend, scenario minus baseline, run by run.
fn paired(scenario: &[RunTotals], baseline: &[RunTotals], f: impl Fn(&Spend) -> f64) -> Vec<f64> {
    scenario
        .iter()
        .zip(baseline)
        .map(|(a, b)| f(&a.spend) - f(&b.spend))
        .collect()
}

/// One scenario against the baseline, from both scenarios' run totals (run
/// r of each on the same random numbers): the figures read first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// The caseload in the last month, scenario minus baseline, run by run.
    pub end_caseload: Cell,
    /// The share of runs whose caseload ends lower than the baseline's.
    pub lower_share: f64,
    /// The change in total spend over the horizon, run by run.
    pub total_spend: Cell,
    /// The mean change in each kind of money; they add up to
    /// `total_spend.mean` (the grant and clawback count against spend).
    pub mean: Spend,
    /// Net cost excluding salaries of funded posts, run by run.
    pub net_cost_excluding_salaries: Cell,
}

impl Difference {
    pub fn of(scenario: &[RunTotals], baseline: &[RunTotals]) -> Difference {
        let pairs = || scenario.iter().zip(baseline);
        let mut end = pairs()
            .map(|(a, b)| paired_difference(a.end_caseload, b.end_caseload))
            .collect::<Vec<_>>();
        let n = scenario.len().max(1) as f64;
        let mean_of = |f: fn(&Spend) -> f64| pairs().map(|(a, b)| f(&a.spend) - f(&b.spend)).sum::<f64>() / n;
        Difference {
            end_caseload: Cell::of(&mut end),
            lower_share: pairs().filter(|(a, b)| a.end_caseload < b.end_caseload).count() as f64 / n,
            total_spend: Cell::of(&mut total_spend_difference(scenario, baseline)),
            mean: Spend {
                permanent: mean_of(|s| s.permanent),
                agency: mean_of(|s| s.agency),
                payments_made: mean_of(|s| s.payments_made),
                clawback: mean_of(|s| s.clawback),
                recruitment: mean_of(|s| s.recruitment),
                asye_grant: mean_of(|s| s.asye_grant),
            },
            net_cost_excluding_salaries: Cell::of(&mut net_cost(scenario, baseline)),
        }
    }
}

/// One part of the change in total spend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    /// What it is, in words; money that comes back (clawback, the ASYE
    /// grant) reads "less ...", as in accounts.
    pub what: &'static str,
    /// The mean change in it, scenario minus baseline (for money back, a
    /// rise is more money back).
    pub change: f64,
    /// Whether it comes back to the council, so that it counts against spend.
    pub money_back: bool,
}

impl Part {
    /// Its effect on total spend.
    pub fn effect(&self) -> f64 {
        if self.money_back { -self.change } else { self.change }
    }
}

/// The change in total spend broken down by kind, in the order people read
/// them; the parts' effects add up to the total. Kinds that neither
/// scenario has are left out, except agency and salaries, which every
/// comparison moves.
pub fn spend_breakdown(mean: &Spend) -> Vec<Part> {
    let salaries = if mean.permanent > 0.0 {
        "salaries of the extra permanent staff"
    } else {
        "permanent salaries"
    };
    let part = |what, change, money_back, always| {
        (
            Part {
                what,
                change,
                money_back,
            },
            always,
        )
    };
    [
        part("enhanced payments made", mean.payments_made, false, false),
        part("agency spend", mean.agency, false, true),
        part("recruitment spend", mean.recruitment, false, false),
        part(salaries, mean.permanent, false, true),
        part("less clawback recovered", mean.clawback, true, false),
        part("less ASYE grant received", mean.asye_grant, true, false),
    ]
    .into_iter()
    .filter(|(p, always)| *always || p.change.abs() >= 0.5)
    .map(|(p, _)| p)
    .collect()
}

/// Paired differences need every scenario on the same months and case
/// states as the baseline, and a break-even sweep needs the parameter it
/// sweeps in every scenario but the baseline.
pub fn check_comparable(loaded: &[Loaded], sweep: Option<(Parameter, &str)>) -> Result<()> {
    let Some((base, others)) = loaded.split_first() else {
        return Ok(());
    };
    let states = |l: &Loaded| l.scenario.cases.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    for l in others {
        let (a, b) = (&base.scenario, &l.scenario);
        if let Some((parameter, key)) = sweep
            && !b.parameters().iter().any(|(p, _)| *p == parameter)
        {
            let section = key.rsplit_once('.').map_or(key, |(s, _)| s);
            return Err(Error::Usage(format!(
                "--break-even {key}: {} has no [{section}] section to sweep",
                l.source.file
            )));
        }
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
        if crate::model::Layout::of(a) != crate::model::Layout::of(b) {
            let words = |s: &crate::model::params::Scenario| {
                s.organisation.as_ref().map_or("no teams or roles".to_string(), |o| {
                    let teams: Vec<&str> = o.teams.iter().map(|t| t.name.as_str()).collect();
                    let roles: Vec<&str> = o.roles.iter().map(|r| r.name.as_str()).collect();
                    format!(
                        "teams {teams:?}, roles {roles:?}{}",
                        if o.span_of_control.is_some() {
                            " and a span of control target"
                        } else {
                            ""
                        }
                    )
                })
            };
            return Err(Error::Usage(format!(
                "{} has {}, but the baseline {} has {}: a comparison needs the same teams and roles",
                l.source.file,
                words(b),
                base.source.file,
                words(a)
            )));
        }
    }
    Ok(())
}

/// A scheme's break-even sweep: at each value of the swept parameter, the
/// net cost excluding salaries and the change in total spend against the
/// baseline, run by run; and where each crosses zero.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub key: &'static str,
    /// (value, net cost excluding salaries, total spend difference).
    pub points: Vec<(f64, Cell, Cell)>,
    pub net: BreakEven,
    pub total: BreakEven,
}

impl Sweep {
    /// From each grid value's run totals, in increasing order of value.
    pub fn of(key: &'static str, at: &[(f64, Vec<RunTotals>)], baseline: &[RunTotals]) -> Sweep {
        let points: Vec<(f64, Cell, Cell)> = at
            .iter()
            .map(|(v, totals)| {
                let net = Cell::of(&mut net_cost(totals, baseline));
                let total = Cell::of(&mut total_spend_difference(totals, baseline));
                (*v, net, total)
            })
            .collect();
        let crossing = |pick: fn(&(f64, Cell, Cell)) -> Cell| {
            let swept: Vec<SweepPoint> = points
                .iter()
                .map(|p| SweepPoint {
                    value: p.0,
                    net: pick(p),
                })
                .collect();
            break_even(&swept)
        };
        Sweep {
            key,
            net: crossing(|p| p.1),
            total: crossing(|p| p.2),
            points,
        }
    }
}

/// Net cost at one value of the swept key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    pub value: f64,
    pub net: Cell,
}

/// Where a payment pays for itself: the value of the swept key at which the
/// mean net cost crosses zero, and the range over which the 90% band of net
/// cost includes zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakEven {
    /// `None` when the mean net cost does not cross zero on the grid.
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// Whether the range stops at the grid's end because the 90% band still
    /// includes zero there: the true bound lies beyond the values tried.
    pub low_open: bool,
    pub high_open: bool,
}

/// The first crossing of zero by `f` along the grid, by linear
/// interpolation between the grid points either side.
fn crossing(points: &[SweepPoint], f: impl Fn(&Cell) -> f64) -> Option<f64> {
    points.windows(2).find_map(|w| {
        let (a, b) = (f(&w[0].net), f(&w[1].net));
        if a == 0.0 {
            Some(w[0].value)
        } else if (a < 0.0) != (b < 0.0) || b == 0.0 {
            Some(w[0].value + (w[1].value - w[0].value) * a / (a - b))
        } else {
            None
        }
    })
}

/// Break-even from a sweep whose values are in increasing order.
pub fn break_even(points: &[SweepPoint]) -> BreakEven {
    let value = crossing(points, |c| c.mean);
    let a = crossing(points, |c| c.p05());
    let b = crossing(points, |c| c.p95());
    let (mut low_open, mut high_open) = (false, false);
    let (low, high) = match (a, b) {
        (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
        // Where one bound never crosses, the range runs to the grid's end.
        (Some(x), None) | (None, Some(x)) => {
            let first = points.first().map(|p| p.value);
            let last = points.last().map(|p| p.value);
            let side = |c: &Cell| c.p05() < 0.0 && c.p95() > 0.0;
            let open_at_start = points.first().is_some_and(|p| side(&p.net));
            if open_at_start {
                low_open = true;
                (first, Some(x))
            } else {
                high_open = true;
                (Some(x), last)
            }
        }
        (None, None) => (None, None),
    };
    BreakEven {
        value,
        low,
        high,
        low_open,
        high_open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(value: f64, mean: f64, lo: f64, hi: f64) -> SweepPoint {
        SweepPoint {
            value,
            net: Cell {
                mean,
                p: [lo, lo, mean, hi, hi],
            },
        }
    }

    #[test]
    fn break_even_interpolates_the_zero_crossing_and_its_band() {
        // Net cost rises linearly with the multiplier: mean 0 at 0.8, the
        // band of +-10 crosses zero at 0.75 and 0.85.
        let points: Vec<SweepPoint> = (0..=10)
            .map(|i| {
                let v = 0.5 + 0.05 * f64::from(i);
                let mean = 200.0 * (v - 0.8);
                point(v, mean, mean - 10.0, mean + 10.0)
            })
            .collect();
        let b = break_even(&points);
        assert!((b.value.unwrap() - 0.8).abs() < 1e-9);
        assert!((b.low.unwrap() - 0.75).abs() < 1e-9);
        assert!((b.high.unwrap() - 0.85).abs() < 1e-9);
    }

    #[test]
    fn a_range_cut_off_by_the_grid_says_so() {
        // The mean crosses zero at 0.8; the band's upper edge crosses at
        // 0.7; its lower edge would cross only at 1.3, past the grid's end.
        let points: Vec<SweepPoint> = (0..=10)
            .map(|i| {
                let v = 0.5 + 0.05 * f64::from(i);
                let mean = 200.0 * (v - 0.8);
                point(v, mean, mean - 100.0, mean + 20.0)
            })
            .collect();
        let b = break_even(&points);
        assert!(b.high_open && !b.low_open, "{b:?}");
        assert_eq!(b.high, Some(1.0));
        assert!((b.low.unwrap() - 0.7).abs() < 1e-9, "{b:?}");
    }

    #[test]
    fn no_crossing_is_reported_as_none() {
        let points = vec![point(0.5, 10.0, 5.0, 15.0), point(1.0, 20.0, 15.0, 25.0)];
        assert_eq!(break_even(&points).value, None);
    }
}
