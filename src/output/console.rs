//! The lines the console prints for people: a comparison's money line, a
//! break-even in words, from the analysis layer's typed results, and what a
//! `--set` what-if is (which the report's top says too).

use crate::analysis::compare::{BreakEven, Difference, Sweep, spend_breakdown};
use crate::model::params::Scenario;
use crate::output::headline::{caseload_text, chance_words};
use crate::text;

/// A comparison: the change in total spend first, broken down, then the
/// net cost excluding salaries, then the caseload.
pub fn money_line(s: &Scenario, base: &Scenario, d: &Difference) -> String {
    let end = s.month_at(s.months - 1);
    let breakdown = spend_breakdown(&d.mean)
        .iter()
        .map(|p| format!("{} {}", p.what, text::signed_money(p.change)))
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
        signed_caseload(d.end_caseload.p50()),
        signed_caseload(d.end_caseload.p05()),
        signed_caseload(d.end_caseload.p95()),
        chance_words(d.lower_share),
    )
}

/// A difference in caseload with its sign, as the report writes it: `+0.2`,
/// `-0.1`, `0.0`.
pub fn signed_caseload(x: f64) -> String {
    let text = caseload_text(x);
    if text.starts_with('-') || text == "0.0" || text == "inf" {
        text
    } else {
        format!("+{text}")
    }
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
            return format!("it does not pay for itself anywhere in the range tried ({key} from {from:.2} to {to:.2})");
        };
        let range = match (be.low, be.high) {
            (Some(lo), Some(hi)) => {
                let lo = if be.low_open {
                    format!("below {lo:.2} (the lowest value tried)")
                } else {
                    format!("{lo:.2}")
                };
                let hi = if be.high_open {
                    format!("above {hi:.2} (the highest value tried)")
                } else {
                    format!("{hi:.2}")
                };
                format!(", uncertain between {lo} and {hi}")
            }
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
        "{name}: on its net cost excluding salaries of funded posts (payments, agency and recruitment spend less the ASYE grant), {}. On total spend, salaries included, {}.",
        condition(&sweep.net),
        condition(&sweep.total)
    )
}

/// A what-if in words, when there are `--set` overrides: "A what-if: the
/// scenario as its file gives it, with --set workforce.establishment_fte=160."
/// (with `scenarios` above 1, a comparison's: "each scenario as its file
/// gives it"). The report's top and the console both say it, so that no
/// one reads a what-if's figures as the scenario's own.
pub fn what_if(sets: &[String], scenarios: usize) -> Option<String> {
    if sets.is_empty() {
        return None;
    }
    let sets: Vec<String> = sets.iter().map(|s| format!("--set {s}")).collect();
    let which = if scenarios > 1 { "each scenario" } else { "the scenario" };
    Some(format!(
        "A what-if: {which} as its file gives it, with {}.",
        sets.join(" and ")
    ))
}

/// The console's note on a what-if's folder: INTERFACE.md names a run's
/// folder after the scenario alone (a comparison's after its baseline), so
/// a what-if replaces the scenario's own results unless it is given
/// another `--out`.
pub fn what_if_folder(sets: &[String], scenarios: usize) -> Option<String> {
    let what_if = what_if(sets, scenarios)?;
    let named = if scenarios > 1 { "the baseline" } else { "the scenario" };
    Some(format!(
        "{what_if} Its folder is named after {named}, as one without --set is: it replaces any earlier results there (give --out DIR to keep both)."
    ))
}
