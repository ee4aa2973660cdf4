//! headline.csv: the few figures a person reads first, rounded as people
//! read them (the report quotes these same strings).

use crate::model::Metric;
use crate::model::RunTotals;
use crate::model::params::Scenario;
use crate::stats::{Summary, percentile_sorted};

/// One headline figure: a key for spreadsheets and its value as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub key: &'static str,
    pub value: String,
}

/// The headline figures of one scenario's runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Headlines {
    pub rows: Vec<Headline>,
}

impl Headlines {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.rows.iter().find(|h| h.key == key).map(|h| h.value.as_str())
    }
}

/// `x` rounded to `decimals` places, halves up (as every rounding here).
pub fn rounded(x: f64, decimals: i32) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let scale = 10f64.powi(decimals);
    let r = (x * scale + 0.5).floor() / scale;
    let text = format!("{r:.*}", decimals.max(0) as usize);
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text[1..].to_string()
    } else {
        text
    }
}

/// A caseload as the report shows it: one decimal, or `inf`.
pub fn caseload_text(x: f64) -> String {
    rounded(x, 1)
}

/// A probability as a share with two decimals.
pub fn probability_text(x: f64) -> String {
    rounded(x, 2)
}

/// Whole pounds.
pub fn money_text(x: f64) -> String {
    rounded(x, 0)
}

/// The headline figures from a scenario's summary and its runs' totals.
pub fn compute(s: &Scenario, summary: &Summary, totals: &[RunTotals]) -> Headlines {
    let end = summary.months.saturating_sub(1);
    let index = |metric: Metric| summary.index(metric.name()).unwrap_or(0);
    let at = |metric: Metric| summary.cell(end, index(metric));
    let month_text = |t: f64| {
        if t.is_finite() {
            s.month_at((t + 0.5).floor() as u32).to_string()
        } else {
            "never".to_string()
        }
    };
    let caseload = at(Metric::Caseload);
    let k = index(Metric::Caseload);
    let median_reach = (0..summary.months)
        .find(|&t| summary.cell(t, k).p50() >= s.target.high)
        .map_or(f64::INFINITY, |t| t as f64);
    let mut reach: Vec<f64> = totals
        .iter()
        .map(|t| t.first_reach_high.map_or(f64::INFINITY, f64::from))
        .collect();
    reach.sort_by(f64::total_cmp);
    let horizon_sum = |metric: Metric| {
        let k = index(metric);
        (0..summary.months).map(|t| summary.cell(t, k).mean).sum::<f64>()
    };
    let mut rows = vec![
        ("end_month", s.month_at(end as u32).to_string()),
        ("caseload_end_median", caseload_text(caseload.p50())),
        ("caseload_end_p05", caseload_text(caseload.p05())),
        ("caseload_end_p95", caseload_text(caseload.p95())),
        (
            "prob_at_or_below_low_end",
            probability_text(at(Metric::AtOrBelowLow).mean),
        ),
        (
            "prob_at_or_below_high_end",
            probability_text(at(Metric::AtOrBelowHigh).mean),
        ),
        ("median_caseload_first_reaches_high", month_text(median_reach)),
        ("first_reaches_high_p05", month_text(percentile_sorted(&reach, 0.05))),
        ("first_reaches_high_p95", month_text(percentile_sorted(&reach, 0.95))),
        ("permanent_fte_end_median", rounded(at(Metric::PermanentFte).p50(), 1)),
        ("agency_fte_end_median", rounded(at(Metric::AgencyFte).p50(), 1)),
        (
            "vacancy_rate_end_median",
            probability_text(at(Metric::VacancyRate).p50()),
        ),
        ("spend_total_mean", money_text(horizon_sum(Metric::CostTotal))),
        ("spend_agency_mean", money_text(horizon_sum(Metric::CostAgency))),
        ("spend_payments_mean", money_text(horizon_sum(Metric::CostPayments))),
    ];
    rows.insert(0, ("target_high", format!("{}", s.target.high)));
    rows.insert(0, ("target_low", format!("{}", s.target.low)));
    Headlines {
        rows: rows.into_iter().map(|(key, value)| Headline { key, value }).collect(),
    }
}

/// `key,value` rows.
pub fn csv(headlines: &Headlines) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["key", "value"])?;
    for h in &headlines.rows {
        w.write_record([h.key, h.value.as_str()])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_up() {
        assert_eq!(probability_text(0.125), "0.13");
        assert_eq!(caseload_text(20.25), "20.3");
        assert_eq!(caseload_text(-0.25), "-0.2");
        assert_eq!(caseload_text(-0.01), "0.0");
        assert_eq!(money_text(2.5), "3");
        assert_eq!(caseload_text(f64::INFINITY), "inf");
    }
}
