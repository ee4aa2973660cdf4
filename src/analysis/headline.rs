//! The figures of one scenario's runs that a person reads first, as
//! numbers: the caseload at the end against the target, when the target
//! is first reached, the workforce at the end and the spend; with teams,
//! each team's caseload against its own band and the span of control.

use crate::error::{Error, Result};
use crate::model::metrics::{SPAN_OF_CONTROL, WITHIN_SPAN};
use crate::model::params::{Scenario, YearMonth};
use crate::model::{Metric, RunTotals};
use crate::stats::{Cell, Summary, percentile_sorted};

/// One scenario's headline figures.
#[derive(Debug, Clone, PartialEq)]
pub struct RunHeadline {
    pub target_low: f64,
    pub target_high: f64,
    /// The last simulated month.
    pub end_month: YearMonth,
    /// The average caseload in the last month, across runs.
    pub caseload_end: Cell,
    /// The share of runs at or below each target in the last month.
    pub prob_at_or_below_low_end: f64,
    pub prob_at_or_below_high_end: f64,
    /// The first month the median caseload reaches the high target.
    pub median_first_reaches_high: Option<YearMonth>,
    /// Run by run, the first month the caseload reaches the high target:
    /// its 5th and 95th percentiles (`None`: not within the horizon).
    pub first_reaches_high_p05: Option<YearMonth>,
    pub first_reaches_high_p95: Option<YearMonth>,
    pub permanent_fte_end_median: f64,
    pub agency_fte_end_median: f64,
    pub vacancy_rate_end_median: f64,
    /// Mean spend over the whole horizon.
    pub spend_total_mean: f64,
    pub spend_agency_mean: f64,
    pub spend_payments_mean: f64,
    /// With a manager role: the council's social workers per manager at
    /// the end.
    pub span: Option<SpanHeadline>,
    /// With declared teams: each team's figures, in the teams' order.
    pub teams: Vec<TeamHeadline>,
}

/// Social workers per manager at the end, against the target if any.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanHeadline {
    /// `target.span_of_control`.
    pub target: Option<f64>,
    pub end: Cell,
    /// The share of runs keeping to the target at the end (with a target).
    pub prob_within_end: Option<f64>,
}

/// One team's caseload at the end against its own band, and its span of
/// control.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamHeadline {
    pub name: String,
    pub target_low: f64,
    pub target_high: f64,
    pub caseload_end: Cell,
    pub prob_at_or_below_low_end: f64,
    pub prob_at_or_below_high_end: f64,
    /// The first month the team's median caseload reaches its high target.
    pub median_first_reaches_high: Option<YearMonth>,
    /// Run by run, the first month the team's caseload reaches its high
    /// target: its 5th and 95th percentiles, as the council's.
    pub first_reaches_high_p05: Option<YearMonth>,
    pub first_reaches_high_p95: Option<YearMonth>,
    /// With a manager role, as the council's.
    pub span: Option<SpanHeadline>,
}

impl RunHeadline {
    /// The headline figures from a scenario's summary and its runs' totals.
    pub fn of(s: &Scenario, summary: &Summary, totals: &[RunTotals]) -> Result<RunHeadline> {
        let end = summary
            .months
            .checked_sub(1)
            .ok_or_else(|| internal("a summary of no months"))?;
        let index = |metric: Metric| summary.index(metric.name()).ok_or_else(|| internal(metric.name()));
        let at = |metric: Metric| index(metric).map(|k| *summary.cell(end, k));
        let caseload = index(Metric::Caseload)?;
        let median_reach = (0..summary.months).find(|&t| summary.cell(t, caseload).p50() >= s.target.high);
        let (reach_p05, reach_p95) = reach_band(s, totals.iter().map(|t| t.first_reach_high));
        let horizon_mean = |metric: Metric| -> Result<f64> {
            let k = index(metric)?;
            Ok((0..summary.months).map(|t| summary.cell(t, k).mean).sum())
        };
        let (span, teams) = organised(s, summary, totals, end)?;
        Ok(RunHeadline {
            target_low: s.target.low,
            target_high: s.target.high,
            end_month: s.month_at(end as u32),
            caseload_end: at(Metric::Caseload)?,
            prob_at_or_below_low_end: at(Metric::AtOrBelowLow)?.mean,
            prob_at_or_below_high_end: at(Metric::AtOrBelowHigh)?.mean,
            median_first_reaches_high: median_reach.map(|t| s.month_at(t as u32)),
            first_reaches_high_p05: reach_p05,
            first_reaches_high_p95: reach_p95,
            permanent_fte_end_median: at(Metric::PermanentFte)?.p50(),
            agency_fte_end_median: at(Metric::AgencyFte)?.p50(),
            vacancy_rate_end_median: at(Metric::VacancyRate)?.p50(),
            spend_total_mean: horizon_mean(Metric::CostTotal)?,
            spend_agency_mean: horizon_mean(Metric::CostAgency)?,
            spend_payments_mean: horizon_mean(Metric::CostPayments)?,
            span,
            teams,
        })
    }
}

/// The 5th and 95th percentiles of the runs' first months reaching a
/// target, a run that never reaches it counting as infinitely late; each
/// rounded to the nearest month (`None`: beyond the horizon).
fn reach_band(s: &Scenario, first: impl Iterator<Item = Option<u32>>) -> (Option<YearMonth>, Option<YearMonth>) {
    let mut reach: Vec<f64> = first.map(|t| t.map_or(f64::INFINITY, f64::from)).collect();
    reach.sort_by(f64::total_cmp);
    let month = |t: f64| t.is_finite().then(|| s.month_at((t + 0.5).floor() as u32));
    (
        month(percentile_sorted(&reach, 0.05)),
        month(percentile_sorted(&reach, 0.95)),
    )
}

/// With teams and roles: the council's span of control (with a manager
/// role) and each declared team's figures; nothing without.
fn organised(
    s: &Scenario,
    summary: &Summary,
    totals: &[RunTotals],
    end: usize,
) -> Result<(Option<SpanHeadline>, Vec<TeamHeadline>)> {
    let Some(org) = &s.organisation else {
        return Ok((None, Vec::new()));
    };
    let index = |name: &str| summary.index(name).ok_or_else(|| internal(name));
    let at = |name: &str| index(name).map(|k| *summary.cell(end, k));
    let managed = org.roles.iter().any(|r| r.manager);
    let span_of = |suffix: &str| -> Result<Option<SpanHeadline>> {
        if !managed {
            return Ok(None);
        }
        let within = match org.span_of_control {
            Some(_) => Some(at(&format!("{WITHIN_SPAN}{suffix}"))?.mean),
            None => None,
        };
        Ok(Some(SpanHeadline {
            target: org.span_of_control,
            end: at(&format!("{SPAN_OF_CONTROL}{suffix}"))?,
            prob_within_end: within,
        }))
    };
    let span = span_of("")?;
    let mut teams = Vec::new();
    if org.teams_declared {
        for (i, team) in org.teams.iter().enumerate() {
            let suffix = format!("_{}", team.name);
            let caseload = index(&format!("caseload{suffix}"))?;
            let reach = (0..summary.months).find(|&t| summary.cell(t, caseload).p50() >= team.target.high);
            let runs_reach = totals
                .iter()
                .map(|t| t.teams_first_reach_high.get(i).copied().flatten());
            let (reach_p05, reach_p95) = reach_band(s, runs_reach);
            teams.push(TeamHeadline {
                name: team.name.clone(),
                target_low: team.target.low,
                target_high: team.target.high,
                caseload_end: *summary.cell(end, caseload),
                prob_at_or_below_low_end: at(&format!("at_or_below_low{suffix}"))?.mean,
                prob_at_or_below_high_end: at(&format!("at_or_below_high{suffix}"))?.mean,
                median_first_reaches_high: reach.map(|t| s.month_at(t as u32)),
                first_reaches_high_p05: reach_p05,
                first_reaches_high_p95: reach_p95,
                span: span_of(&suffix)?,
            });
        }
    }
    Ok((span, teams))
}

fn internal(what: &str) -> Error {
    Error::Internal(format!("the headline figures need {what} in the summary"))
}
