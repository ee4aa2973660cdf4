//! The lines the console prints for people: a comparison's money line and
//! a break-even in words, from the analysis layer's typed results.

use crate::analysis::compare::{BreakEven, Difference, Sweep, spend_breakdown};
use crate::model::params::Scenario;
use crate::output::headline::{caseload_text, share_as_written};
use crate::text;

/// A comparison: the change in total spend first, broken down, then the
/// net cost excluding salaries, then the caseload.
pub fn money_line(s: &Scenario, base: &Scenario, d: &Difference) -> String {
    let end = s.month_at(s.months - 1);
    let breakdown = spend_breakdown(&d.mean)
        .iter()
        .map(|(what, x)| format!("{what} {}", text::signed_money(*x)))
        .collect::<Vec<_>>()
        .join("; ");
    let net = &d.net_cost_excluding_salaries;
    format!(
        "{} against {}, over the {} months to {}:\n  total spend {} on average (90% range {} to {}): {}.\n  net cost excluding salaries of funded posts {} (90% range {} to {}).\n  caseload at the end differs by {} (90% range {} to {}); lower in {} of runs.",
        s.name,
        base.name,
        s.months,
        end,
        text::signed_money(d.total_spend.mean),
        text::signed_money(d.total_spend.p05()),
        text::signed_money(d.total_spend.p95()),
        breakdown,
        text::signed_money(net.mean),
        text::signed_money(net.p05()),
        text::signed_money(net.p95()),
        caseload_text(d.end_caseload.p50()),
        caseload_text(d.end_caseload.p05()),
        caseload_text(d.end_caseload.p95()),
        text::percent(share_as_written(d.lower_share)),
    )
}

/// "It pays for itself if it cuts leaving by at least X%", in words, for
/// both measures of cost: the net cost excluding salaries of funded posts,
/// and the change in total spend.
pub fn break_even_sentence(name: &str, sweep: &Sweep) -> String {
    let key = sweep.key;
    let grid = (sweep.points.first().map(|p| p.0), sweep.points.last().map(|p| p.0));
    let condition = |be: &BreakEven| -> String {
        let Some(v) = be.value else {
            let (from, to) = (grid.0.unwrap_or(0.0), grid.1.unwrap_or(0.0));
            return format!("it does not pay for itself anywhere on the grid ({key} from {from:.2} to {to:.2})");
        };
        let range = match (be.low, be.high) {
            (Some(lo), Some(hi)) => format!(", uncertain between {lo:.2} and {hi:.2}"),
            _ => String::new(),
        };
        if key.ends_with("leaving_multiplier") {
            format!(
                "it pays for itself if it cuts leaving by at least {:.0}% ({key} = {v:.2}{range})",
                (1.0 - v) * 100.0
            )
        } else {
            format!(
                "it pays for itself if it raises applicants by at least {:.0}% ({key} = {v:.2}{range})",
                (v - 1.0) * 100.0
            )
        }
    };
    format!(
        "{name}: on its net cost excluding salaries of funded posts (payments, agency and recruitment), {}. On total spend, salaries included, {}.",
        condition(&sweep.net),
        condition(&sweep.total)
    )
}
