//! headline.csv: the figures a person reads first, from the analysis
//! layer's typed results, each rounded as people read it. The console line,
//! report.html and results.xlsx show these same [`Figure`]s, so every
//! output agrees with the spreadsheet to the digit.

use crate::analysis::compare::{BreakEven, Difference};
use crate::analysis::headline::{RunHeadline, SpanHeadline};
use crate::model::params::YearMonth;
use std::borrow::Cow;

/// What a number is, which says how it is rounded and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Cases per case-holding FTE: one decimal.
    Caseload,
    /// FTE: one decimal.
    Fte,
    /// A share of posts (a rate): two decimals.
    Share,
    /// A chance, the share of runs in which something happens: two
    /// decimals, or more when two would round a share that is not exactly
    /// 0 or 1 to 0.00 or 1.00 (0.995, not 1.00).
    Chance,
    /// Whole pounds.
    Money,
    /// A change in whole pounds (a difference from the baseline).
    MoneyChange,
    /// A swept multiplier's value: three decimals.
    Multiplier,
    /// Social workers per manager: one decimal.
    Span,
}

impl Kind {
    fn decimals(self) -> i32 {
        match self {
            Kind::Caseload | Kind::Fte | Kind::Span => 1,
            Kind::Share | Kind::Chance => 2,
            Kind::Money | Kind::MoneyChange => 0,
            Kind::Multiplier => 3,
        }
    }
}

/// One headline figure, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// A number, unrounded; [`Figure::text`] rounds it by its kind.
    Number(f64, Kind),
    /// A target as the scenario gives it, written in full.
    Target(f64),
    Month(YearMonth),
    /// A month that does not come within the horizon.
    Never,
    /// A break-even that the sweep's grid does not reach.
    NotOnGrid,
    /// Words: a scenario's name, a key path.
    Text(String),
}

impl Figure {
    /// As headline.csv writes it.
    pub fn text(&self) -> String {
        match self {
            Figure::Number(x, Kind::Multiplier) => format!("{x:.3}"),
            Figure::Number(x, kind) => rounded(*x, decimals(*x, *kind)),
            Figure::Target(x) => format!("{x}"),
            Figure::Month(m) => m.to_string(),
            Figure::Never => "never".into(),
            Figure::NotOnGrid => "not on the grid".into(),
            Figure::Text(t) => t.clone(),
        }
    }

    /// The decimals headline.csv writes a number with (`None` for anything
    /// but a number).
    pub fn decimals(&self) -> Option<i32> {
        match self {
            Figure::Number(x, kind) => Some(decimals(*x, *kind)),
            _ => None,
        }
    }

    /// The number as rounded in headline.csv (`None` for words and months).
    pub fn rounded_value(&self) -> Option<f64> {
        match self {
            Figure::Number(x, kind) if x.is_finite() => Some(round_half_up(*x, decimals(*x, *kind))),
            Figure::Number(x, _) => Some(*x),
            Figure::Target(x) => Some(*x),
            _ => None,
        }
    }
}

/// One row of headline.csv: a key for spreadsheets and its figure. A
/// team's keys end in `_<team>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub key: Cow<'static, str>,
    pub figure: Figure,
}

/// The figure of `key` among `rows`.
pub fn find<'a>(rows: &'a [Headline], key: &str) -> Option<&'a Figure> {
    rows.iter().find(|h| h.key == key).map(|h| &h.figure)
}

/// The decimals `x` of `kind` is written with: its kind's, but for a chance
/// strictly between 0 and 1 as many more as keep it off 0 and 1 (a share of
/// runs differs from them by at least one run in however many were made).
fn decimals(x: f64, kind: Kind) -> i32 {
    let mut d = kind.decimals();
    if kind == Kind::Chance && x > 0.0 && x < 1.0 {
        while d < 12 && !(0.0 < round_half_up(x, d) && round_half_up(x, d) < 1.0) {
            d += 1;
        }
    }
    d
}

fn round_half_up(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale + 0.5).floor() / scale
}

/// `x` rounded to `decimals` places, halves up (as every rounding here).
pub fn rounded(x: f64, decimals: i32) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let r = round_half_up(x, decimals);
    let text = format!("{r:.*}", decimals.max(0) as usize);
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text[1..].to_string()
    } else {
        text
    }
}

/// A caseload as the headlines show it: one decimal, or `inf`.
pub fn caseload_text(x: f64) -> String {
    rounded(x, Kind::Caseload.decimals())
}

/// Social workers per manager as the headlines show them: one decimal, or
/// `inf`.
pub fn span_text(x: f64) -> String {
    rounded(x, Kind::Span.decimals())
}

/// A chance in words as headline.csv rounds it (`0.64` -> `64%`, `0.995`
/// -> `more than 99%`), for every sentence that quotes one: the terminal,
/// the reports and the workshop page.
pub fn chance_words(p: f64) -> String {
    match Figure::Number(p, Kind::Chance).rounded_value() {
        Some(x) if x.is_finite() => crate::text::chance(x),
        _ => Figure::Number(p, Kind::Chance).text(),
    }
}

fn month_or_never(m: Option<YearMonth>) -> Figure {
    m.map_or(Figure::Never, Figure::Month)
}

fn row(key: &'static str, figure: Figure) -> Headline {
    Headline {
        key: Cow::Borrowed(key),
        figure,
    }
}

/// The headline keys a team has, each written `<key>_<team>`: its band,
/// its caseload at the end against it, and its span of control.
pub const TEAM_KEYS: [&str; 12] = [
    "target_low",
    "target_high",
    "caseload_end_median",
    "caseload_end_p05",
    "caseload_end_p95",
    "prob_at_or_below_low_end",
    "prob_at_or_below_high_end",
    "median_caseload_first_reaches_high",
    "first_reaches_high_p05",
    "first_reaches_high_p95",
    "span_of_control_end_median",
    "prob_within_span_end",
];

/// A team's row: `key` (one of [`TEAM_KEYS`]) with `_<team>` after it.
fn team_row(key: &'static str, team: &str, figure: Figure) -> Headline {
    Headline {
        key: Cow::Owned(format!("{key}_{team}")),
        figure,
    }
}

/// The council's span of control rows: the target, the span at the end
/// (median and 90% range) and the chance of keeping to the target.
fn span_rows(span: &SpanHeadline) -> Vec<Headline> {
    use Figure::Number;
    let mut out = Vec::new();
    if let Some(target) = span.target {
        out.push(row("span_of_control_target", Figure::Target(target)));
    }
    out.push(row("span_of_control_end_median", Number(span.end.p50(), Kind::Span)));
    out.push(row("span_of_control_end_p05", Number(span.end.p05(), Kind::Span)));
    out.push(row("span_of_control_end_p95", Number(span.end.p95(), Kind::Span)));
    if let Some(p) = span.prob_within_end {
        out.push(row("prob_within_span_end", Number(p, Kind::Chance)));
    }
    out
}

/// A scenario's own headline figures, in headline.csv's order.
pub fn run_headlines(h: &RunHeadline) -> Vec<Headline> {
    use Figure::Number;
    let mut rows = vec![
        row("target_low", Figure::Target(h.target_low)),
        row("target_high", Figure::Target(h.target_high)),
        row("end_month", Figure::Month(h.end_month)),
        row("caseload_end_median", Number(h.caseload_end.p50(), Kind::Caseload)),
        row("caseload_end_p05", Number(h.caseload_end.p05(), Kind::Caseload)),
        row("caseload_end_p95", Number(h.caseload_end.p95(), Kind::Caseload)),
        row(
            "prob_at_or_below_low_end",
            Number(h.prob_at_or_below_low_end, Kind::Chance),
        ),
        row(
            "prob_at_or_below_high_end",
            Number(h.prob_at_or_below_high_end, Kind::Chance),
        ),
        row(
            "median_caseload_first_reaches_high",
            month_or_never(h.median_first_reaches_high),
        ),
        row("first_reaches_high_p05", month_or_never(h.first_reaches_high_p05)),
        row("first_reaches_high_p95", month_or_never(h.first_reaches_high_p95)),
        row(
            "permanent_fte_end_median",
            Number(h.permanent_fte_end_median, Kind::Fte),
        ),
        row("agency_fte_end_median", Number(h.agency_fte_end_median, Kind::Fte)),
        row(
            "vacancy_rate_end_median",
            Number(h.vacancy_rate_end_median, Kind::Share),
        ),
        row("spend_total_mean", Number(h.spend_total_mean, Kind::Money)),
        row("spend_agency_mean", Number(h.spend_agency_mean, Kind::Money)),
        row("spend_payments_mean", Number(h.spend_payments_mean, Kind::Money)),
    ];
    // With teams and roles only, after the council's rows: a scenario
    // without them keeps exactly the rows above.
    if let Some(span) = &h.span {
        rows.extend(span_rows(span));
    }
    for team in &h.teams {
        let name = team.name.as_str();
        let [
            low,
            high,
            median,
            p05,
            p95,
            prob_low,
            prob_high,
            reach,
            reach_p05,
            reach_p95,
            span_median,
            within,
        ] = TEAM_KEYS;
        rows.extend([
            team_row(low, name, Figure::Target(team.target_low)),
            team_row(high, name, Figure::Target(team.target_high)),
            team_row(median, name, Number(team.caseload_end.p50(), Kind::Caseload)),
            team_row(p05, name, Number(team.caseload_end.p05(), Kind::Caseload)),
            team_row(p95, name, Number(team.caseload_end.p95(), Kind::Caseload)),
            team_row(prob_low, name, Number(team.prob_at_or_below_low_end, Kind::Chance)),
            team_row(prob_high, name, Number(team.prob_at_or_below_high_end, Kind::Chance)),
            team_row(reach, name, month_or_never(team.median_first_reaches_high)),
            team_row(reach_p05, name, month_or_never(team.first_reaches_high_p05)),
            team_row(reach_p95, name, month_or_never(team.first_reaches_high_p95)),
        ]);
        if let Some(span) = &team.span {
            rows.push(team_row(span_median, name, Number(span.end.p50(), Kind::Span)));
            if let Some(p) = span.prob_within_end {
                rows.push(team_row(within, name, Number(p, Kind::Chance)));
            }
        }
    }
    rows
}

/// A scenario against the baseline: the change in total spend first, then
/// its parts, the net cost excluding salaries, then the caseload (keys are
/// a contract with users' spreadsheets; docs/model.md explains each).
pub fn difference_headlines(baseline: &str, d: &Difference) -> Vec<Headline> {
    use Figure::Number;
    let m = &d.mean;
    let net = &d.net_cost_excluding_salaries;
    let change = |x: f64| Number(x, Kind::MoneyChange);
    vec![
        row("baseline", Figure::Text(baseline.to_string())),
        row("spend_total_difference_mean", change(d.total_spend.mean)),
        row("spend_total_difference_p05", change(d.total_spend.p05())),
        row("spend_total_difference_p95", change(d.total_spend.p95())),
        row("spend_permanent_difference_mean", change(m.permanent)),
        row("spend_agency_difference_mean", change(m.agency)),
        row("spend_payments_difference_mean", change(m.payments())),
        row("payments_made_difference_mean", change(m.payments_made)),
        row("clawback_recovered_difference_mean", change(m.clawback)),
        row("spend_recruitment_difference_mean", change(m.recruitment)),
        row("asye_grant_income_difference_mean", change(m.asye_grant)),
        row("net_cost_mean", change(net.mean)),
        row("net_cost_p05", change(net.p05())),
        row("net_cost_p95", change(net.p95())),
        row(
            "caseload_end_difference_median",
            Number(d.end_caseload.p50(), Kind::Caseload),
        ),
        row(
            "caseload_end_difference_p05",
            Number(d.end_caseload.p05(), Kind::Caseload),
        ),
        row(
            "caseload_end_difference_p95",
            Number(d.end_caseload.p95(), Kind::Caseload),
        ),
        row("prob_caseload_lower_end", Number(d.lower_share, Kind::Chance)),
    ]
}

/// The break-even of a sweep of `key`: of the net cost excluding salaries
/// of funded posts, and of the change in total spend.
pub fn break_even_headlines(key: &str, net: &BreakEven, total: &BreakEven) -> Vec<Headline> {
    let at = |x: Option<f64>| x.map_or(Figure::NotOnGrid, |v| Figure::Number(v, Kind::Multiplier));
    vec![
        row("break_even_key", Figure::Text(key.to_string())),
        row("break_even_value", at(net.value)),
        row("break_even_low", at(net.low)),
        row("break_even_high", at(net.high)),
        row("break_even_total_spend_value", at(total.value)),
        row("break_even_total_spend_low", at(total.low)),
        row("break_even_total_spend_high", at(total.high)),
    ]
}

/// headline.csv of one scenario: `key,value` rows.
pub fn csv(rows: &[Headline]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["key", "value"])?;
    for h in rows {
        w.write_record([&*h.key, h.figure.text().as_str()])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// headline.csv of a comparison: `scenario,key,value` rows.
pub fn comparison_csv(rows: &[(String, Headline)]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["scenario", "key", "value"])?;
    for (scenario, h) in rows {
        w.write_record([scenario.as_str(), &*h.key, h.figure.text().as_str()])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_up() {
        assert_eq!(Figure::Number(0.125, Kind::Chance).text(), "0.13");
        assert_eq!(caseload_text(20.25), "20.3");
        assert_eq!(caseload_text(-0.25), "-0.2");
        assert_eq!(caseload_text(-0.01), "0.0");
        assert_eq!(Figure::Number(2.5, Kind::Money).text(), "3");
        assert_eq!(caseload_text(f64::INFINITY), "inf");
    }

    #[test]
    fn figures_read_as_headline_csv_writes_them() {
        assert_eq!(Figure::Target(25.0).text(), "25");
        assert_eq!(Figure::Target(22.5).text(), "22.5");
        assert_eq!(Figure::Number(0.8866, Kind::Multiplier).text(), "0.887");
        assert_eq!(Figure::NotOnGrid.text(), "not on the grid");
        assert_eq!(Figure::Never.text(), "never");
        assert_eq!(Figure::Number(0.125, Kind::Share).rounded_value(), Some(0.13));
        assert_eq!(Figure::Month(YearMonth::new(2025, 3).unwrap()).rounded_value(), None);
    }

    #[test]
    fn a_chance_short_of_certain_is_not_written_as_certain() {
        let chance = |x: f64| Figure::Number(x, Kind::Chance);
        // 995 runs of 1,000: not 1.00, nor 100% in words.
        assert_eq!(chance(0.995).text(), "0.995");
        assert_eq!(chance(0.995).rounded_value(), Some(0.995));
        assert_eq!(chance_words(0.995), "more than 99%");
        assert_eq!(chance(0.9999).text(), "0.9999");
        assert_eq!(chance(0.004).text(), "0.004");
        assert_eq!(chance_words(0.004), "less than 1%");
        assert_eq!(chance(0.00004).text(), "0.00004");
        // Every run, or none, and anything away from the ends: two decimals.
        assert_eq!(chance(1.0).text(), "1.00");
        assert_eq!(chance_words(1.0), "100%");
        assert_eq!(chance(0.0).text(), "0.00");
        assert_eq!(chance_words(0.0), "0%");
        assert_eq!(chance(0.6449).text(), "0.64");
        assert_eq!(chance_words(0.6449), "64%");
        assert_eq!(chance(0.994).text(), "0.99");
        // A rate is not a chance: its two decimals stay.
        assert_eq!(Figure::Number(0.996, Kind::Share).text(), "1.00");
    }
}
