//! The workshop page's words (`caseload serve`): the one-line answer a
//! councillor reads first, a plan against the starting position on common
//! random numbers, from the analysis layer's typed results.

use crate::analysis::compare::Difference;
use crate::analysis::headline::RunHeadline;
use crate::model::params::Scenario;
use crate::output::headline::caseload_text;
use crate::scenario::describe::month_name;
use crate::text;

/// "This plan: caseload 21.3 in March 2025, 2.1 lower than the starting
/// position; £340k more spend over the 36 months." With no change, the
/// starting position's own caseload and spend.
pub fn plan_line(s: &Scenario, own: &RunHeadline, d: &Difference, changed: bool) -> String {
    let end = month_name(own.end_month);
    let caseload = caseload_text(own.caseload_end.p50());
    if !changed {
        return format!(
            "The starting position: caseload {caseload} in {end} (9 runs in 10 between {} and {}); {} spend over the {} months.",
            caseload_text(own.caseload_end.p05()),
            caseload_text(own.caseload_end.p95()),
            compact(own.spend_total_mean),
            s.months
        );
    }
    let change = d.end_caseload.p50();
    let rounded = caseload_text(change.abs());
    let caseload_change = if !change.is_finite() {
        "against an infinite caseload in some runs".to_string()
    } else if rounded == "0.0" {
        "the same as the starting position".to_string()
    } else if change < 0.0 {
        format!("{rounded} lower than the starting position")
    } else {
        format!("{rounded} higher than the starting position")
    };
    let spend = d.total_spend.mean;
    let spend_change = if compact(spend.abs()) == "£0" {
        "the same spend".to_string()
    } else if spend > 0.0 {
        format!("{} more spend", compact(spend))
    } else {
        format!("{} less spend", compact(-spend))
    };
    format!(
        "This plan: caseload {caseload} in {end}, {caseload_change}; {spend_change} over the {} months.",
        s.months
    )
}

/// The plan against the start in a few sentences: the caseload's paired
/// change and its range, the share of runs lower, the spend's change.
pub fn difference_sentences(d: &Difference) -> Vec<String> {
    vec![
        format!(
            "Run by run on the same random numbers, the caseload at the end changes by {} (9 runs in 10 between {} and {}), and is lower than the starting position's in {} of runs.",
            crate::output::console::signed_caseload(d.end_caseload.p50()),
            crate::output::console::signed_caseload(d.end_caseload.p05()),
            crate::output::console::signed_caseload(d.end_caseload.p95()),
            crate::output::headline::chance_words(d.lower_share)
        ),
        format!(
            "Total spend changes by {} on average (9 runs in 10 between {} and {}); the net cost excluding salaries of funded posts is {}.",
            text::signed_money(d.total_spend.mean),
            text::signed_money(d.total_spend.p05()),
            text::signed_money(d.total_spend.p95()),
            text::signed_money(d.net_cost_excluding_salaries.mean)
        ),
    ]
}

/// Money short enough for a sentence: `£340k`, `£12.5m`.
fn compact(x: f64) -> String {
    text::money_compact(x, x.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_compact_in_sentences() {
        assert_eq!(compact(340_000.0), "£340k");
        assert_eq!(compact(12_500_000.0), "£12.5m");
    }
}
