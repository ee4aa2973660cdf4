//! What drives the uncertainty, in files and words: drivers.csv, the
//! report's section and the sentence a councillor reads, from
//! `analysis::drivers`' shares.

use super::fmt_value;
use super::tables::{finish, writer};
use crate::analysis::drivers::{Driver, Drivers, Outcome, Spread};
use crate::model::params::Scenario;
use crate::scenario::describe::month_name;
use crate::text::{self, capital, escape, mid_sentence};
use std::fmt::Write;

/// The name of the file.
pub const NAME: &str = "drivers.csv";

/// A driver in a councillor's words, from the parameter's declaration.
pub fn label(d: Driver, s: &Scenario) -> String {
    match d {
        Driver::One(p) => p.describe(s).words,
        Driver::LeavingBandsTogether => "Permanent staff leaving (every year of service, moving together)".to_string(),
        Driver::Own(p, scope) => s
            .own_parameters()
            .iter()
            .find(|o| o.parameter == p && o.scope == scope)
            .map_or_else(
                || format!("{}: {}", scope.words(s), p.describe(s).words),
                |o| o.describe(s).words,
            ),
        Driver::OwnLeavingBandsTogether(scope) => format!(
            "{}: permanent staff leaving (every year of service, moving together)",
            scope.words(s)
        ),
    }
}

/// The metric's name in drivers.csv; a paired difference adds
/// `_difference`.
fn metric(o: Outcome, difference: bool) -> String {
    if difference {
        format!("{}_difference", o.name())
    } else {
        o.name().to_string()
    }
}

/// The rows of one scenario's drivers: every driver, largest first, then
/// `chance`. An outcome that does not vary (or too few runs) has the same
/// rows with their shares empty: a share of no spread is no number, and
/// an empty cell is missing to Excel, R and pandas alike.
fn rows(s: &Scenario, drivers: &[Drivers], difference: bool) -> Vec<[String; 4]> {
    let mut out = Vec::new();
    for d in drivers {
        let m = metric(d.outcome, difference);
        let share = |x: f64| if d.explained() { fmt_value(x) } else { String::new() };
        for (driver, x) in &d.shares {
            out.push([m.clone(), driver.key(s), label(*driver, s), share(*x)]);
        }
        out.push([
            m,
            "chance".to_string(),
            "Chance, and assumptions acting together".to_string(),
            share(d.chance),
        ]);
    }
    out
}

/// drivers.csv of a run: `metric,parameter,label,share`.
pub fn run_csv(s: &Scenario, drivers: &[Drivers]) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record(["metric", "parameter", "label", "share"])?;
    for row in rows(s, drivers, false) {
        w.write_record(&row)?;
    }
    finish(w)
}

/// One scenario's drivers in a comparison: its own outcomes, or its paired
/// difference from the baseline.
pub struct Part<'a> {
    pub scenario: &'a Scenario,
    pub drivers: &'a [Drivers],
    pub difference: bool,
}

/// drivers.csv of a comparison: `scenario,metric,parameter,label,share`,
/// the run's columns after the scenario's name.
pub fn comparison_csv(parts: &[Part]) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record(["scenario", "metric", "parameter", "label", "share"])?;
    for p in parts {
        for [m, key, label, share] in rows(p.scenario, p.drivers, p.difference) {
            w.write_record([p.scenario.name.as_str(), &m, &key, &label, &share])?;
        }
    }
    finish(w)
}

/// A share in words: "about half", "about a third", "most", ...
pub fn share_words(share: f64) -> &'static str {
    const WORDS: [(f64, &str); 11] = [
        (0.1, "about a tenth"),
        (0.2, "about a fifth"),
        (0.25, "about a quarter"),
        (1.0 / 3.0, "about a third"),
        (0.4, "about two fifths"),
        (0.5, "about half"),
        (0.6, "about three fifths"),
        (2.0 / 3.0, "about two thirds"),
        (0.75, "about three quarters"),
        (0.8, "about four fifths"),
        (0.9, "about nine tenths"),
    ];
    if share >= 0.95 {
        return "almost all";
    }
    if share < 0.07 {
        return "little";
    }
    WORDS
        .iter()
        .min_by(|a, b| (a.0 - share).abs().total_cmp(&(b.0 - share).abs()))
        .map_or("some", |w| w.1)
}

/// What `whose` means in the sentence: "March 2025's caseload" or "the
/// difference in March 2025's caseload".
fn subject(s: &Scenario, difference: bool) -> String {
    let end = month_name(s.month_at(s.months.saturating_sub(1)));
    if difference {
        format!("the difference from the baseline in {end}'s caseload")
    } else {
        format!("{end}'s caseload")
    }
}

/// The sentence a councillor reads about the caseload at the end.
pub fn sentence(s: &Scenario, d: &Drivers, difference: bool) -> String {
    let what = subject(s, difference);
    match d.spread {
        Spread::Constant => {
            return format!(
                "{} is the same in every run, so there is no spread to explain.",
                capital(&what)
            );
        }
        Spread::TooFewRuns => {
            return format!("There are too few runs (fewer than 4) to say what drives the spread of {what}.");
        }
        Spread::Varies => {}
    }
    if d.shares.is_empty() {
        return format!(
            "All the spread of {what} is month-to-month chance (who leaves, who is referred and when): no assumption in this scenario is uncertain, each being a single value."
        );
    }
    let Some((driver, share)) = d.top().filter(|(_, share)| *share >= 0.07) else {
        return format!(
            "All the uncertainty in {what} is chance (who leaves, who is referred and when) or assumptions acting together: no single assumption explains much of it on its own."
        );
    };
    let words = share_words(share);
    format!(
        "{} of the uncertainty in {what} comes from {} ({}); better evidence on that would narrow the range most.",
        capital(words),
        mid_sentence(&label(driver, s)),
        text::percent(share)
    )
}

/// The report's section: the sentence and a table of the caseload's shares.
pub fn section(body: &mut String, s: &Scenario, drivers: &[Drivers], difference: bool) {
    let Some(caseload) = caseload(drivers) else {
        return;
    };
    let _ = writeln!(body, "<section id=\"drivers\"><h2>What drives the uncertainty</h2>");
    part(body, s, caseload, difference);
    let _ = writeln!(body, "</section>");
}

/// The comparison report's section: each scheme's difference from the
/// baseline, one after another.
pub fn comparison_section(body: &mut String, parts: &[Part]) {
    if parts.is_empty() {
        return;
    }
    let _ = writeln!(
        body,
        "<section id=\"drivers\"><h2>What drives the uncertainty</h2><p>Of the difference each scenario makes to the caseload at the end, run by run, compared with the baseline.</p>"
    );
    for p in parts {
        if let Some(caseload) = caseload(p.drivers) {
            let _ = writeln!(body, "<h3>{}</h3>", escape(&p.scenario.name));
            part(body, p.scenario, caseload, p.difference);
        }
    }
    let _ = writeln!(body, "</section>");
}

fn caseload(drivers: &[Drivers]) -> Option<&Drivers> {
    drivers.iter().find(|d| d.outcome == Outcome::CaseloadEnd)
}

/// The sentence, what the shares are, and their table (the sentence alone
/// when there are no shares to give).
fn part(body: &mut String, s: &Scenario, caseload: &Drivers, difference: bool) {
    let _ = writeln!(body, "<p>{}</p>", escape(&sentence(s, caseload, difference)));
    if !caseload.explained() || caseload.shares.is_empty() {
        return;
    }
    let _ = writeln!(
        body,
        "<p class=\"note\">Each share is the part of the spread of {} across runs that the assumption explains on its own (estimated from the runs already made; see drivers.csv and docs/model.md). \"Chance\" is the rest: the month-to-month randomness of who leaves and who is referred, and assumptions acting together.{}</p>",
        escape(&subject(s, difference)),
        if caseload.scaled {
            " The estimated shares added to a little over 100% through sampling noise, so they have been scaled to add to 100%."
        } else {
            ""
        }
    );
    let _ = writeln!(
        body,
        "<table class=\"figures drivers\"><thead><tr><th>Assumption</th><th>In the scenario file</th><th class=\"num\">Share</th></tr></thead><tbody>"
    );
    for (driver, share) in &caseload.shares {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td></tr>",
            escape(&label(*driver, s)),
            escape(&driver.key(s)),
            text::percent(*share)
        );
    }
    let _ = writeln!(
        body,
        "<tr><td>Chance, and assumptions acting together</td><td></td><td class=\"num\">{}</td></tr></tbody></table>",
        text::percent(caseload.chance)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_the_nearest_simple_fraction() {
        assert_eq!(share_words(0.52), "about half");
        assert_eq!(share_words(0.31), "about a third");
        assert_eq!(share_words(0.24), "about a quarter");
        assert_eq!(share_words(0.97), "almost all");
        assert_eq!(share_words(0.02), "little");
    }

    #[test]
    fn labels_start_lower_case_mid_sentence_unless_an_abbreviation() {
        assert_eq!(mid_sentence("Referrals"), "referrals");
        assert_eq!(mid_sentence("ASYEs leaving"), "ASYEs leaving");
    }
}
