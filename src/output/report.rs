//! report.html: one self-contained page for a scrutiny meeting, a pure
//! function of the headlines, the charts' SVG and the scenario.
//!
//! The page needs no network: charts are inline SVG, styles are inline,
//! there are no scripts, fonts or images to fetch and no web address at
//! all. Every figure it quotes is a string of headline.csv, so the page and
//! the spreadsheet always agree to the digit; the sentences and tables only
//! re-word those strings (0.64 becomes 64%, 2023-10 October 2023, 28123456
//! £28,123,456, by the rules of `crate::text`), never re-round the numbers.
//! The chances by caseload band are summary.csv's means, as written there.

use crate::analysis::compare::{Difference, spend_breakdown};
use crate::analysis::drivers::Drivers;
use crate::model::Metric;
use crate::model::params::Scenario;
use crate::output::assumptions;
use crate::output::charts::inline_svg;
use crate::output::console::signed_caseload;
use crate::output::drivers::section as drivers_section;
use crate::output::headline::{Figure, Headline, Kind, TEAM_KEYS, chance_words, find};
use crate::scenario::Loaded;
use crate::scenario::describe::{self, month_name};
use crate::stats::Summary;
use crate::text::{self, escape};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt::Write;

/// The SHA-256 of some bytes, in hex (as `sha256sum` prints it).
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// A chart to show: its file stem and its SVG text.
#[derive(Debug, Clone)]
pub struct ChartSvg {
    pub name: String,
    pub svg: String,
}

/// What repeats a run: the command-line settings and the resolved file.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    pub runs: u32,
    pub seed: u64,
    /// The `--set` overrides, as typed.
    pub sets: &'a [String],
}

/// One scenario as the report shows it.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub loaded: &'a Loaded,
    /// The name of its resolved file in the folder and that file's bytes.
    pub resolved_name: &'a str,
    pub resolved: &'a [u8],
}

/// The report of one scenario's run, with the section "What drives the
/// uncertainty" from the run's drivers (none: no section).
pub fn run_report(
    shown: Shown,
    headlines: &[Headline],
    summary: &Summary,
    charts: &[ChartSvg],
    settings: Settings,
    drivers: &[Drivers],
) -> String {
    let s = &shown.loaded.scenario;
    let get = |key: &str| {
        find(headlines, key)
            .cloned()
            .unwrap_or_else(|| Figure::Text(String::new()))
    };
    let mut body = String::new();
    let end = s.month_at(s.months - 1);
    let _ = writeln!(
        body,
        "<header><p class=\"kicker\">Caseload projection</p><h1>{}</h1>{}{}<p class=\"meta\">{} months, {} to {} · {} simulated runs · seed {} · caseload {}</p></header>",
        escape(&s.name),
        s.description
            .as_deref()
            .map_or(String::new(), |d| format!("<p class=\"lede\">{}</p>", escape(d.trim()))),
        what_if_lede(settings.sets, 1),
        s.months,
        month_name(s.start),
        month_name(end),
        settings.runs,
        settings.seed,
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        body,
        "<section id=\"headlines\"><h2>Headlines</h2><ul class=\"headlines\">"
    );
    for sentence in scenario_sentences(s, &get) {
        let _ = writeln!(body, "<li>{sentence}</li>");
    }
    for sentence in team_sentences(s, &get) {
        let _ = writeln!(body, "<li>{sentence}</li>");
    }
    let _ = writeln!(body, "</ul>");
    let _ = writeln!(
        body,
        "<p class=\"note\">{} These figures are those of headline.csv, listed in full at the end.</p></section>",
        HEADLINE_NOTE
    );
    bands_section(&mut body, s, summary);
    teams_section(&mut body, s, summary);
    history_section(&mut body, s);
    charts_section(&mut body, charts);
    drivers_section(&mut body, s, drivers, false);
    assumptions_section(&mut body, &[shown]);
    inputs_section(&mut body, &[shown], settings);
    limits_section(&mut body);
    let _ = writeln!(
        body,
        "<section id=\"figures\"><h2>Every headline figure</h2><p>As in headline.csv in this folder.</p><table class=\"figures\"><thead><tr><th>Key</th><th>What it is</th><th class=\"num\">Value</th></tr></thead><tbody>"
    );
    for h in headlines {
        let _ = writeln!(
            body,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td></tr>",
            h.key,
            escape(&meaning(&h.key)),
            escape(&figure(&h.figure))
        );
    }
    let _ = writeln!(body, "</tbody></table></section>");
    page(&format!("Caseload projection: {}", s.name), &body)
}

/// The report of a comparison. `rows` are headline.csv's rows (scenario,
/// key, value): every scenario's headlines, then each scenario against the
/// baseline; `notes` are sentences already said (such as break-even).
/// `drivers` give the section "What drives the uncertainty" of each scheme's
/// paired difference from the baseline (none: no section).
pub fn comparison_report(
    shown: &[Shown],
    rows: &[(String, Headline)],
    differences: &[Difference],
    notes: &[String],
    charts: &[ChartSvg],
    settings: Settings,
    drivers: &[crate::output::drivers::Part],
) -> String {
    let Some(base) = shown.first() else {
        return page("Scenario comparison", "");
    };
    let base_s = &base.loaded.scenario;
    let mut body = String::new();
    comparison_header(&mut body, shown, base_s, settings);
    comparison_headlines_section(&mut body, shown, base_s, rows, differences, notes);
    side_by_side_section(&mut body, shown, rows, base_s);
    history_section(&mut body, base_s);
    charts_section(&mut body, charts);
    crate::output::drivers::comparison_section(&mut body, drivers);
    assumptions_section(&mut body, shown);
    inputs_section(&mut body, shown, settings);
    limits_section(&mut body);
    page(&format!("Scenario comparison: {}", base_s.name), &body)
}

/// A scenario's figure for a headline key among a comparison's rows; empty
/// text when it has none.
fn row_figure(rows: &[(String, Headline)], scenario: &str, key: &str) -> Figure {
    rows.iter()
        .find(|(s, h)| s == scenario && h.key == key)
        .map_or_else(|| Figure::Text(String::new()), |(_, h)| h.figure.clone())
}

/// A what-if's line at a report's top (nothing without `--set`), in the
/// console's words.
fn what_if_lede(sets: &[String], scenarios: usize) -> String {
    super::console::what_if(sets, scenarios).map_or(String::new(), |w| {
        format!("<p class=\"lede\"><strong>{}</strong></p>", escape(&w))
    })
}

/// A comparison's header: the scenarios, the baseline, and the span, runs
/// and seed.
fn comparison_header(body: &mut String, shown: &[Shown], base_s: &Scenario, settings: Settings) {
    let end = base_s.month_at(base_s.months - 1);
    let _ = writeln!(
        body,
        "<header><p class=\"kicker\">Scenario comparison</p><h1>{}</h1><p class=\"lede\">Each scenario against the baseline, <b>{}</b>, with the same random numbers in run after run, so that the differences come from what the scenarios change and not from chance.</p>{}<p class=\"meta\">{} months, {} to {} · {} simulated runs of each · seed {} · caseload {}</p></header>",
        escape(
            &shown
                .iter()
                .map(|x| x.loaded.scenario.name.as_str())
                .collect::<Vec<_>>()
                .join(" · ")
        ),
        escape(&base_s.name),
        what_if_lede(settings.sets, shown.len()),
        base_s.months,
        month_name(base_s.start),
        month_name(end),
        settings.runs,
        settings.seed,
        env!("CARGO_PKG_VERSION")
    );
}

/// The headlines: each scenario against the baseline, the notes (such as
/// break-even), then each scenario's own headlines.
fn comparison_headlines_section(
    body: &mut String,
    shown: &[Shown],
    base_s: &Scenario,
    rows: &[(String, Headline)],
    differences: &[Difference],
    notes: &[String],
) {
    let _ = writeln!(body, "<section id=\"headlines\"><h2>Headlines</h2>");
    for (x, difference) in shown.iter().skip(1).zip(differences) {
        let name = &x.loaded.scenario.name;
        let _ = writeln!(
            body,
            "<h3>{} against the baseline</h3><ul class=\"headlines\">",
            escape(name)
        );
        for sentence in comparison_sentences(&x.loaded.scenario, base_s, difference) {
            let _ = writeln!(body, "<li>{sentence}</li>");
        }
        let _ = writeln!(body, "</ul>");
    }
    if !notes.is_empty() {
        let _ = writeln!(body, "<h3>Does it pay for itself?</h3><ul class=\"headlines\">");
        for n in notes {
            let _ = writeln!(body, "<li>{}</li>", escape(n));
        }
        let _ = writeln!(body, "</ul>");
    }
    for x in shown {
        let s = &x.loaded.scenario;
        let get = |key: &str| row_figure(rows, &s.name, key);
        let _ = writeln!(body, "<h3>{}</h3><ul class=\"headlines\">", escape(&s.name));
        for sentence in scenario_sentences(s, &get) {
            let _ = writeln!(body, "<li>{sentence}</li>");
        }
        let _ = writeln!(body, "</ul>");
    }
    let _ = writeln!(body, "</section>");
}

/// Side by side: every headline key a row, every scenario a column, with a
/// line above the first key the baseline does not have itself (those
/// compare each scenario with the baseline).
fn side_by_side_section(body: &mut String, shown: &[Shown], rows: &[(String, Headline)], base_s: &Scenario) {
    let _ = writeln!(
        body,
        "<section id=\"side-by-side\"><h2>Side by side</h2><p>The figures of headline.csv in this folder. The rows below the line compare each scenario with the baseline, run by run.</p><table class=\"figures\"><thead><tr><th>Figure</th>"
    );
    for x in shown {
        let _ = write!(body, "<th class=\"num\">{}</th>", escape(&x.loaded.scenario.name));
    }
    let _ = writeln!(body, "</tr></thead><tbody>");
    let mut keys: Vec<&str> = Vec::new();
    for (_, h) in rows {
        if !keys.contains(&&*h.key) {
            keys.push(&h.key);
        }
    }
    let own: Vec<&str> = rows
        .iter()
        .filter(|(s, _)| *s == base_s.name)
        .map(|(_, h)| &*h.key)
        .collect();
    let mut divided = false;
    for key in keys {
        let class = if !divided && !own.contains(&key) {
            divided = true;
            " class=\"divider\""
        } else {
            ""
        };
        let _ = write!(body, "<tr{class}><td>{} <code>{key}</code></td>", escape(&meaning(key)));
        for x in shown {
            let v = row_figure(rows, &x.loaded.scenario.name, key);
            let _ = write!(body, "<td class=\"num\">{}</td>", escape(&figure(&v)));
        }
        let _ = writeln!(body, "</tr>");
    }
    let _ = writeln!(body, "</tbody></table></section>");
}

/// A headline month in words: `2023-10` -> `October 2023`.
fn month_words(f: &Figure) -> String {
    match f {
        Figure::Month(m) => month_name(*m),
        other => other.text(),
    }
}

/// A headline number in words by `render`, from the value as headline.csv
/// rounds it, so the words re-word, never re-round; anything else (inf,
/// words) as headline.csv writes it.
fn number_words(f: &Figure, render: fn(f64) -> String) -> String {
    match f.rounded_value() {
        Some(x) if x.is_finite() => render(x),
        _ => f.text(),
    }
}

/// A headline share in words: `0.64` -> `64%`; a chance never says 100%
/// or 0% unless every run, or none, met it (`more than 99%`).
fn percent_words(f: &Figure) -> String {
    match f {
        Figure::Number(_, Kind::Chance) => number_words(f, text::chance),
        _ => number_words(f, text::percent),
    }
}

/// A headline sum of money in words: `28123456` -> `£28,123,456`.
fn money_words(f: &Figure) -> String {
    number_words(f, text::money)
}

/// A difference in money with its sign: `+£472,907`, `-£705`, `£0`.
fn signed_money_words(f: &Figure) -> String {
    number_words(f, text::signed_money)
}

/// A headline figure as a table shows it: money as `£28,123,456` (a change
/// in spend as `+£263,891`), shares as `64%`, anything else as written in
/// headline.csv.
fn figure(f: &Figure) -> String {
    match f {
        Figure::Number(_, Kind::Money) => money_words(f),
        Figure::Number(_, Kind::MoneyChange) => signed_money_words(f),
        Figure::Number(_, Kind::Share | Kind::Chance) => percent_words(f),
        other => other.text(),
    }
}

/// Why a caseload is infinite: its cases' capacity is nil. People may be
/// in post (a case-holding share of 0, roles that hold none), so this says
/// no one holds cases, not that no one is left.
const NO_CAPACITY: &str = "no one in post holds cases";

/// A headline caseload in words (`inf` is a month with no capacity).
fn caseload_words(f: &Figure) -> String {
    match f {
        Figure::Number(x, _) if x.is_infinite() && *x > 0.0 => format!("unbounded ({NO_CAPACITY})"),
        other => other.text(),
    }
}

fn is_unbounded(f: &Figure) -> bool {
    matches!(f, Figure::Number(x, _) if x.is_infinite() && *x > 0.0)
}

/// The range of 9 runs in 10 of a caseload, from its 5th and 95th
/// percentiles in bold, after "is": `between 17.5 and 24.0`, or `17.5 or
/// more` with what the infinite top means. `None` when even the 5th
/// percentile is infinite: then no range is worth giving.
fn caseload_range(p05: &Figure, p95: &Figure) -> Option<String> {
    let b = |x: String| format!("<b>{}</b>", escape(&x));
    match (is_unbounded(p05), is_unbounded(p95)) {
        (true, _) => None,
        (false, true) => Some(format!(
            "{} or more (in more than 1 run in 20 {NO_CAPACITY}, so it is unbounded)",
            b(caseload_words(p05))
        )),
        (false, false) => Some(format!(
            "between {} and {}",
            b(caseload_words(p05)),
            b(caseload_words(p95))
        )),
    }
}

/// The plain-English headlines of one scenario's run, as the report says
/// them (HTML, figures in bold): the workshop page shows the same words.
pub fn headline_sentences(s: &Scenario, headlines: &[Headline]) -> Vec<String> {
    let get = |key: &str| {
        find(headlines, key)
            .cloned()
            .unwrap_or_else(|| Figure::Text(String::new()))
    };
    scenario_sentences(s, &get)
}

/// The plain-English headlines of one scenario, from its headline strings.
fn scenario_sentences(s: &Scenario, get: &dyn Fn(&str) -> Figure) -> Vec<String> {
    let b = |x: String| format!("<b>{}</b>", escape(&x));
    let end = month_words(&get("end_month"));
    let (low, high) = (get("target_low").text(), get("target_high").text());
    let mut out = vec![
        match caseload_range(&get("caseload_end_p05"), &get("caseload_end_p95")) {
            Some(range) => format!(
                "In 9 runs out of 10 the average caseload in {} is {range}; the median is {}.",
                escape(&end),
                b(caseload_words(&get("caseload_end_median")))
            ),
            None => format!(
                "In {} {NO_CAPACITY} in at least 95 runs out of 100: with <b>no capacity to hold cases</b>, the average caseload cannot be computed (it is unbounded, <code>inf</code> in headline.csv).",
                escape(&end)
            ),
        },
    ];
    out.push(format!(
        "In {} it is at or below {} (the top of the target band) in {} of runs, and at or below {} in {} of runs.",
        escape(&end),
        escape(&high),
        b(percent_words(&get("prob_at_or_below_high_end"))),
        escape(&low),
        b(percent_words(&get("prob_at_or_below_low_end")))
    ));
    let first = get("median_caseload_first_reaches_high");
    out.push(if first == Figure::Never {
        format!(
            "The median caseload stays below {} throughout, to {}.",
            escape(&high),
            escape(&end)
        )
    } else if first == Figure::Month(s.start) {
        format!(
            "The median caseload is already at or above {} in the first month, {}.",
            escape(&high),
            b(month_words(&first))
        )
    } else {
        format!(
            "The median caseload first reaches {} in {}.",
            escape(&high),
            b(month_words(&first))
        )
    });
    out.push(reach_band_sentence(
        "the caseload",
        &high,
        (&get("first_reaches_high_p05"), &get("first_reaches_high_p95")),
        &end,
        s.start,
    ));
    out.push(format!(
        "In {} the median permanent workforce is {} FTE and agency {} FTE (including any managed team); the median vacancy rate is {}.",
        escape(&end),
        b(get("permanent_fte_end_median").text()),
        b(get("agency_fte_end_median").text()),
        b(percent_words(&get("vacancy_rate_end_median")))
    ));
    out.push(format!(
        "Over the {} months spend averages {} in all, of which {} on agency staff and {} on enhanced payments (after clawback).",
        s.months,
        b(money_words(&get("spend_total_mean"))),
        b(money_words(&get("spend_agency_mean"))),
        b(money_words(&get("spend_payments_mean")))
    ));
    out
}

/// When `subject` ("the caseload", "its caseload") first reaches `high`,
/// run by run: the 5th and 95th percentiles of the runs' first months
/// (`early`, `late`), in words, to `end` (the last month's name).
fn reach_band_sentence(
    subject: &str,
    high: &str,
    (early, late): (&Figure, &Figure),
    end: &str,
    start: crate::model::params::YearMonth,
) -> String {
    let b = |x: String| format!("<b>{}</b>", escape(&x));
    match (early, late) {
        (Figure::Never, _) => format!(
            "In at least 95 runs out of 100 {subject} never reaches {} by {}.",
            escape(high),
            escape(end)
        ),
        (_, Figure::Never) => format!(
            "Run by run, {subject} has reached {} by {} in 1 run out of 20; in more than 1 run out of 20 it never does by {}.",
            escape(high),
            b(month_words(early)),
            escape(end)
        ),
        (Figure::Month(m), _) if early == late && *m == start => format!(
            "Run by run, {subject} is at or above {} from the first month, {}, in at least 9 runs out of 10.",
            escape(high),
            b(month_words(early))
        ),
        _ if early == late => format!(
            "Run by run, {subject} first reaches {} in {} in at least 9 runs out of 10.",
            escape(high),
            b(month_words(early))
        ),
        _ => format!(
            "Run by run, {subject} first reaches {} between {} and {} in 9 runs out of 10.",
            escape(high),
            b(month_words(early)),
            b(month_words(late))
        ),
    }
}

/// The plain-English headlines of a scenario against the baseline: the
/// change in total spend first, broken down, then the net cost excluding
/// salaries of funded posts, then the caseload.
fn comparison_sentences(s: &Scenario, base: &Scenario, d: &Difference) -> Vec<String> {
    let b = |x: String| format!("<b>{}</b>", escape(&x));
    let signed = |x: f64| b(text::signed_money(x));
    let end = month_name(s.month_at(s.months - 1));
    let breakdown = spend_breakdown(&d.mean)
        .iter()
        .map(|p| format!("{} {}", p.what, signed(p.change)))
        .collect::<Vec<_>>()
        .join(", ");
    let net = &d.net_cost_excluding_salaries;
    let caseload = |x: f64| b(signed_caseload(x));
    vec![
        format!(
            "Over the {} months to {}, total spend changes by {} on average against {} (in 9 runs out of 10 between {} and {}; a minus sign is less spend). That is: {}.",
            s.months,
            escape(&end),
            signed(d.total_spend.mean),
            escape(&base.name),
            signed(d.total_spend.p05()),
            signed(d.total_spend.p95()),
            breakdown
        ),
        format!(
            "Its net cost excluding salaries of funded posts (payments, agency and recruitment spend less the ASYE grant, against the baseline's) is {} on average, between {} and {} in 9 runs out of 10. Salaries are left out of this figure because the posts are funded whether they are filled or not; the total above counts them.",
            signed(net.mean),
            signed(net.p05()),
            signed(net.p95())
        ),
        format!(
            "In {}, its average caseload differs from the baseline's by {} (median of the run-by-run differences; in 9 runs out of 10 between {} and {}). It is lower than the baseline's in {} of runs.",
            escape(&end),
            caseload(d.end_caseload.p50()),
            caseload(d.end_caseload.p05()),
            caseload(d.end_caseload.p95()),
            b(chance_words(d.lower_share))
        ),
    ]
}

/// What a headline key is, for the tables.
pub(crate) fn meaning(key: &str) -> Cow<'static, str> {
    let words = council_meaning(key);
    if !words.is_empty() {
        return Cow::Borrowed(words);
    }
    // A team's key: one of TEAM_KEYS, then `_<team>`.
    for base in TEAM_KEYS {
        if let Some(team) = key.strip_prefix(base).and_then(|rest| rest.strip_prefix('_'))
            && !team.is_empty()
        {
            return Cow::Owned(format!("{} team: {}", text::team_name(team), team_meaning(base)));
        }
    }
    Cow::Borrowed("")
}

/// What a team's headline figure is, after "Team <name>: ".
fn team_meaning(base: &str) -> &'static str {
    match base {
        "target_low" => "low end of its own target band (cases per case-holding FTE)",
        "target_high" => "its own target, the top of its band (cases per case-holding FTE)",
        "caseload_end_median" => "average caseload at the end: median",
        "caseload_end_p05" => "average caseload at the end: 5th percentile",
        "caseload_end_p95" => "average caseload at the end: 95th percentile",
        "prob_at_or_below_low_end" => "share of runs at or below the low end of its band at the end",
        "prob_at_or_below_high_end" => "share of runs at or below its target at the end",
        "median_caseload_first_reaches_high" => "first month its median caseload reaches its target",
        "first_reaches_high_p05" => "first month a run reaches its target: 5th percentile",
        "first_reaches_high_p95" => "first month a run reaches its target: 95th percentile",
        "span_of_control_end_median" => "social workers per manager at the end: median",
        "prob_within_span_end" => "share of runs keeping to the span of control target at the end",
        _ => "",
    }
}

/// What a council-wide headline figure is ("" for a key it does not know).
fn council_meaning(key: &str) -> &'static str {
    match key {
        "target_low" => "Low end of the target band (cases per case-holding FTE)",
        "target_high" => "Target: the top of the band (cases per case-holding FTE)",
        "end_month" => "Last simulated month",
        "caseload_end_median" => "Average caseload at the end: median",
        "caseload_end_p05" => "Average caseload at the end: 5th percentile",
        "caseload_end_p95" => "Average caseload at the end: 95th percentile",
        "prob_at_or_below_low_end" => "Share of runs at or below the low end of the band at the end",
        "prob_at_or_below_high_end" => "Share of runs at or below the target at the end",
        "median_caseload_first_reaches_high" => "First month the median caseload reaches the target",
        "first_reaches_high_p05" => "First month a run reaches the target: 5th percentile",
        "first_reaches_high_p95" => "First month a run reaches the target: 95th percentile",
        "permanent_fte_end_median" => "Permanent FTE at the end: median",
        "agency_fte_end_median" => "Agency FTE at the end (with any managed team): median",
        "vacancy_rate_end_median" => "Vacancy rate at the end: median",
        "spend_total_mean" => "Total spend over the horizon: average",
        "spend_agency_mean" => "Agency spend over the horizon: average",
        "spend_payments_mean" => "Enhanced payments over the horizon: average",
        "span_of_control_target" => "Span of control target: at most this many social workers per manager",
        "span_of_control_end_median" => "Social workers per manager at the end: median",
        "span_of_control_end_p05" => "Social workers per manager at the end: 5th percentile",
        "span_of_control_end_p95" => "Social workers per manager at the end: 95th percentile",
        "prob_within_span_end" => "Share of runs keeping to the span of control target at the end",
        "baseline" => "Compared with",
        "caseload_end_difference_median" => "Caseload difference at the end: median",
        "caseload_end_difference_p05" => "Caseload difference at the end: 5th percentile",
        "caseload_end_difference_p95" => "Caseload difference at the end: 95th percentile",
        "prob_caseload_lower_end" => "Share of runs with a lower caseload at the end",
        "spend_total_difference_mean" => "Total spend difference, every kind: average",
        "spend_total_difference_p05" => "Total spend difference, every kind: 5th percentile",
        "spend_total_difference_p95" => "Total spend difference, every kind: 95th percentile",
        "spend_permanent_difference_mean" => "Permanent salaries difference: average",
        "spend_agency_difference_mean" => "Agency spend difference: average",
        "spend_payments_difference_mean" => "Enhanced payments after clawback, difference: average",
        "payments_made_difference_mean" => "Enhanced payments made, difference: average",
        "clawback_recovered_difference_mean" => "Clawback recovered, difference: average",
        "spend_recruitment_difference_mean" => "Recruitment spend difference: average",
        "asye_grant_income_difference_mean" => "ASYE grant received, difference: average",
        "net_cost_mean" => "Net cost excluding salaries of funded posts: average",
        "net_cost_p05" => "Net cost excluding salaries of funded posts: 5th percentile",
        "net_cost_p95" => "Net cost excluding salaries of funded posts: 95th percentile",
        "break_even_key" => "Break-even: the multiplier swept",
        "break_even_value" => {
            "Break-even of the net cost excluding salaries of funded posts: value where its average is 0"
        }
        "break_even_low" => {
            "Break-even of the net cost excluding salaries of funded posts: lowest value the 90% range allows"
        }
        "break_even_high" => {
            "Break-even of the net cost excluding salaries of funded posts: highest value the 90% range allows"
        }
        "break_even_total_spend_value" => "Break-even of total spend: value where its average change is 0",
        "break_even_total_spend_low" => "Break-even of total spend: lowest value the 90% range allows",
        "break_even_total_spend_high" => "Break-even of total spend: highest value the 90% range allows",
        _ => "",
    }
}

/// What the headlines' words mean, under them in the report and on the
/// workshop page.
pub const HEADLINE_NOTE: &str = "\"Average caseload\" is open cases per case-holding FTE across the whole service; \"9 runs out of 10\" is the range from the 5th to the 95th percentile of the runs.";

/// How to read each chart (the report's and the workshop page's).
pub fn caption(name: &str) -> &'static str {
    // A backtest from several years names each year's charts by it
    // (backtest-in-post-2019): the caption is the chart's.
    let name = name
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end_matches('-');
    match name {
        "caseload" => {
            "The average caseload month by month. The line is the median run; the darker band holds the middle 50% of runs (p25 to p75) and the lighter band 90% of runs (p05 to p95). The green band between dashed lines is the target band. Dashed vertical lines mark dated changes in the scenario, labelled above the chart. Dots, when the scenario has a history, are the published caseloads before the projection."
        }
        "workforce" => {
            "Permanent staff in post (with the ASYEs among them) and agency staff (with any managed team), against the funded establishment (black line); the dashed line is the vacant posts. Lines are medians across runs; the shaded bands hold 90% of runs (p05 to p95) of permanent and of agency staff. Dashed vertical lines mark dated changes in the scenario, labelled above the chart. When the scenario has a history, its published figures are points: in post (dots), agency (triangles) and vacant posts (squares)."
        }
        "target" => {
            "The share of runs in which the caseload is at or below the target (the top of the band) and at or below the low end of the band, month by month. The first is the chance of meeting the target."
        }
        "cost" => {
            "Left: each month's spend by kind, the average across runs. Right: spend since the start, the median run with 90% of runs shaded."
        }
        "teams" => {
            "Each team's caseload month by month, one panel a team: its open cases (in the case states it holds) per case-holding FTE of its own staff, each role weighted by its share of a full caseload. The line is the median run, the bands hold 50% and 90% of runs, and the green band is the team's own target band."
        }
        "span" => {
            "Social workers per manager across the service (FTE in post, permanent and agency, over managers' FTE in post): the median run with 50% and 90% of runs shaded; the dashed line is the target span of control."
        }
        "drivers" => {
            "The share of the spread of the caseload at the end that each uncertain assumption explains on its own, largest first; grey is what none explains alone (chance, and assumptions acting together). See \"What drives the uncertainty\" below."
        }
        "comparison-caseload" => {
            "Every scenario's median caseload, with the middle 50% of its runs shaded; the green band is the baseline's target."
        }
        "comparison-difference" => {
            "Each scenario's caseload minus the baseline's in the same run, month by month: the median difference with 90% of runs shaded. Below 0 means a lower caseload than the baseline."
        }
        "backtest-in-post" | "backtest-agency" => {
            "The projection from the start: the line is the median run, the darker band holds the middle 50% of runs and the lighter band 90%. Grey dots are what the council published up to the start; black diamonds what it published at each 30 September since."
        }
        "backtest-caseload" => {
            "The caseload projected from the start, on the published basis (the model's caseload times 1 − sickness days / working days): the line is the median run, the darker band holds the middle 50% of runs and the lighter band 90%. Grey dots are the caseloads the council published up to the start; black diamonds those it published at each 30 September since."
        }
        "coverage_by_years_ahead" => {
            "For each measure, the share of published values that fell inside the projection's 90% band (solid line) and 50% band (dashed), by years after the start, over every year projected from. The grey lines are what honest bands would hold: 9 in 10 published values inside the 90% band, half inside the 50% band. A line below its grey line means bands surer of themselves than they should be."
        }
        "comparison-cost" => {
            "Left: spend since the start by scenario (median, 50% of runs shaded). Right: each scenario's spend minus the baseline's in the same run (median, 90% of runs shaded)."
        }
        n if n.starts_with("drivers-") => {
            "The share of the spread of the difference this scenario makes to the caseload at the end (its caseload minus the baseline's in the same run) that each uncertain assumption explains on its own, largest first; grey is what none explains alone. See \"What drives the uncertainty\" below."
        }
        _ => "",
    }
}

/// How many of the latest history dates the report lists.
pub const HISTORY_ROWS: usize = 5;

/// The scenario's latest actual values (its `history`), as written: the
/// figures the charts show as points. Nothing without a history.
fn history_section(body: &mut String, s: &Scenario) {
    if s.history.is_empty() {
        return;
    }
    let shown = &s.history[s.history.len().saturating_sub(HISTORY_ROWS)..];
    let september = s.history.iter().all(|h| h.date.month() == 9);
    let _ = writeln!(
        body,
        "<section id=\"history\"><h2>What happened before</h2><p>{}, as given in the scenario's <code>history</code>{}. The charts show them as points beside the projection. The published caseload counts case holders even when they are off sick, so it is a little below the model's for the same position.</p><table class=\"figures history\"><thead><tr><th>Date</th><th class=\"num\">In post (FTE)</th><th class=\"num\">Agency (FTE)</th><th class=\"num\">Vacancies (FTE)</th><th class=\"num\">Caseload</th></tr></thead><tbody>",
        if shown.len() == 1 {
            "The latest actual value".to_string()
        } else {
            format!("The latest {} actual values", shown.len())
        },
        if september {
            " (published at 30 September: the Department for Education's children's social work workforce statistics)"
        } else {
            ""
        }
    );
    let cell = |v: Option<f64>| v.map_or("not published".to_string(), crate::la::derive::published);
    for h in shown {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&month_name(h.date)),
            cell(h.in_post_fte),
            cell(h.agency_fte),
            cell(h.vacancy_fte),
            cell(h.caseload)
        );
    }
    let _ = writeln!(body, "</tbody></table></section>");
}

pub(crate) fn charts_section(body: &mut String, charts: &[ChartSvg]) {
    let _ = writeln!(
        body,
        "<section id=\"charts\"><h2>Charts</h2><p class=\"note\">The same charts are in this folder as PNG files (for slides and papers) and SVG files.</p>"
    );
    for c in charts {
        let id = format!("chart-{}", c.name);
        let _ = writeln!(
            body,
            "<figure id=\"figure-{}\">{}<figcaption>{}</figcaption></figure>",
            escape(&c.name),
            inline_svg(&c.svg, &id, caption(&c.name)),
            escape(caption(&c.name))
        );
    }
    let _ = writeln!(body, "</section>");
}

fn assumptions_section(body: &mut String, shown: &[Shown]) {
    let _ = writeln!(
        body,
        "<section id=\"assumptions\"><h2>Assumptions</h2><p>The values the projection rests on that are uncertain or could be. A range is drawn afresh for each run and held for the whole run, so the spread of the results includes our uncertainty about them; \"9 in 10\" means that 9 runs in 10 draw a value in that range. The full scenario is under \"Inputs\" below; the last column names each value in the scenario file.</p>"
    );
    let scenarios: Vec<&Scenario> = shown.iter().map(|x| &x.loaded.scenario).collect();
    let table = assumptions::assumption_table(&scenarios);
    let _ = write!(body, "<table class=\"assumptions\"><thead><tr><th>Assumption</th>");
    for column in &table.columns {
        let _ = write!(body, "<th>{}</th>", escape(column));
    }
    let _ = writeln!(body, "<th class=\"key\">Key in the file</th></tr></thead><tbody>");
    for row in &table.rows {
        let _ = write!(body, "<tr><td>{}</td>", escape(&row.words));
        for value in &row.values {
            let _ = write!(body, "<td>{}</td>", escape(value));
        }
        let _ = writeln!(body, "<td class=\"key\"><code>{}</code></td></tr>", escape(&row.key));
    }
    let _ = writeln!(body, "</tbody></table></section>");
}

/// The months of the table of chances by caseload band, as steps: each
/// March within the horizon, and the last month.
fn band_months(s: &Scenario) -> Vec<u32> {
    let last = s.months.saturating_sub(1);
    let mut out: Vec<u32> = (0..last).filter(|t| s.month_at(*t).month() == 3).collect();
    out.push(last);
    out
}

/// The chances, in whole percentages that add up to 100, that the average
/// caseload in month `t` is at or below the low end of the target band,
/// over it and at or below the target, and over the target: from the
/// means of at_or_below_low and at_or_below_high as summary.csv writes
/// them, each with the share it rounds (so that a share short of every
/// run is not shown as 100%, nor one above none as 0%). `None` without
/// those metrics or that month.
pub fn band_chances(summary: &Summary, t: usize) -> Option<[(u32, f64); 3]> {
    if t >= summary.months {
        return None;
    }
    let mean = |metric: Metric| {
        let k = summary.index(metric.name())?;
        crate::output::fmt_value(summary.cell(t, k).mean).parse::<f64>().ok()
    };
    let (low, high) = (mean(Metric::AtOrBelowLow)?, mean(Metric::AtOrBelowHigh)?);
    let shares = [low, (high - low).max(0.0), (1.0 - high).max(0.0)];
    let p = text::whole_percentages(&shares);
    Some([
        (*p.first()?, shares[0]),
        (*p.get(1)?, shares[1]),
        (*p.get(2)?, shares[2]),
    ])
}

fn bands_section(body: &mut String, s: &Scenario, summary: &Summary) {
    let (low, high) = (text::number(s.target.low), text::number(s.target.high));
    let _ = writeln!(
        body,
        "<section id=\"bands\"><h2>Chances by caseload band</h2><p>The share of runs in which the average caseload is in each band, each March and at the end. Each row adds up to 100%. These are the averages of <code>at_or_below_low</code> and <code>at_or_below_high</code> in summary.csv.</p><table class=\"figures bands\"><thead><tr><th>Month</th><th class=\"num\">{low} or below</th><th class=\"num\">Over {low}, up to {high}</th><th class=\"num\">Over {high}</th></tr></thead><tbody>"
    );
    let last = s.months.saturating_sub(1);
    for t in band_months(s) {
        let Some(chances) = band_chances(summary, t as usize) else {
            continue;
        };
        let end = if t == last { " (the end)" } else { "" };
        let _ = write!(body, "<tr><td>{}{end}</td>", escape(&month_name(s.month_at(t))));
        for (points, share) in chances {
            let _ = write!(body, "<td class=\"num\">{}</td>", text::whole_chance(points, share));
        }
        let _ = writeln!(body, "</tr>");
    }
    let _ = writeln!(body, "</tbody></table></section>");
}

/// A headline per declared team: its caseload at the end and the chance
/// of keeping to its own band's top; and the span of control against its
/// target (nothing without teams and roles). The figures are headline.csv's
/// (`get`), so the words and the spreadsheet agree to the digit.
fn team_sentences(s: &Scenario, get: &dyn Fn(&str) -> Figure) -> Vec<String> {
    let Some(org) = &s.organisation else {
        return Vec::new();
    };
    let end = escape(&month_words(&get("end_month")));
    let mut out = Vec::new();
    if org.teams_declared {
        for team in &org.teams {
            let at = |key: &str| get(&format!("{key}_{}", team.name));
            if at("caseload_end_median") == Figure::Text(String::new()) {
                continue;
            }
            let name = escape(&text::team_name(&team.name));
            let caseload = match caseload_range(&at("caseload_end_p05"), &at("caseload_end_p95")) {
                Some(range) => format!(
                    "average caseload in {end} of <b>{}</b> in the median run (9 runs out of 10 {range})",
                    escape(&caseload_words(&at("caseload_end_median")))
                ),
                None => format!(
                    "in {end} {NO_CAPACITY} in at least 95 runs out of 100, so its average caseload is unbounded"
                ),
            };
            let high = at("target_high").text();
            out.push(format!(
                "{name} team: {caseload}; at or below its own target of {} in <b>{}</b> of runs. {}",
                escape(&high),
                escape(&percent_words(&at("prob_at_or_below_high_end"))),
                reach_band_sentence(
                    "its caseload",
                    &high,
                    (&at("first_reaches_high_p05"), &at("first_reaches_high_p95")),
                    &month_words(&get("end_month")),
                    s.start,
                )
            ));
        }
    }
    if let (Some(target), Some(within)) = (
        org.span_of_control,
        Some(get("prob_within_span_end")).filter(|f| *f != Figure::Text(String::new())),
    ) {
        let span = |key: &str| escape(&number_words(&get(key), text::span));
        let manager = manager_words(s);
        out.push(format!(
            "Span of control in {end}: <b>{}</b> social workers per {manager} in the median run (9 runs out of 10 between {} and {}); at most {} social workers per {manager} in <b>{}</b> of runs.",
            span("span_of_control_end_median"),
            span("span_of_control_end_p05"),
            span("span_of_control_end_p95"),
            text::number(target),
            escape(&percent_words(&within))
        ));
    }
    out
}

/// Whom the span of control counts social workers per: the one manager
/// role in words (`team manager`), or `manager` when several roles manage.
fn manager_words(s: &Scenario) -> String {
    let managers: Vec<&str> = s
        .organisation
        .iter()
        .flat_map(|o| o.roles.iter().filter(|r| r.manager).map(|r| r.name.as_str()))
        .collect();
    match managers.as_slice() {
        [one] => text::role_person(one),
        _ => "manager".to_string(),
    }
}

/// Caseloads team by team and the span of control at the end, and spend by
/// role over the horizon (with teams and roles; nothing without).
fn teams_section(body: &mut String, s: &Scenario, summary: &Summary) {
    let (Some(org), Some(last)) = (&s.organisation, summary.months.checked_sub(1)) else {
        return;
    };
    let at_end = |name: &str| summary.index(name).map(|k| *summary.cell(last, k));
    let over_horizon = |name: &str| {
        summary
            .index(name)
            .map(|k| (0..summary.months).map(|t| summary.cell(t, k).mean).sum::<f64>())
    };
    let end = escape(&month_name(s.month_at(last as u32)));
    let manager = escape(&manager_words(s));
    let _ = writeln!(body, "<section id=\"teams\"><h2>Teams and roles</h2>");
    if org.teams_declared {
        let _ = writeln!(
            body,
            "<p>Each team's average caseload at the end ({end}): its open cases per case-holding FTE of its own staff, each role counted by its share of a full caseload; and its social workers per {manager}. \"9 runs in 10\" is the 5th to 95th percentile.</p><table class=\"figures teams\"><thead><tr><th>Team</th><th>Holds</th><th class=\"num\">Median caseload</th><th class=\"num\">9 runs in 10</th><th class=\"num\">Target</th><th class=\"num\">Chance at or below its top</th><th class=\"num\">Social workers per {manager}</th></tr></thead><tbody>"
        );
        for team in &org.teams {
            let holds: Vec<String> = team
                .states
                .iter()
                .map(|i| text::case_state(&s.cases[*i].name))
                .collect();
            let caseload = at_end(&format!("caseload_{}", team.name));
            let within = at_end(&format!("at_or_below_high_{}", team.name));
            let span = at_end(&format!("span_of_control_{}", team.name));
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} to {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&text::team_name(&team.name)),
                escape(&holds.join(", ")),
                caseload.map_or(String::new(), |c| text::caseload(c.p50())),
                caseload.map_or(String::new(), |c| format!(
                    "{} to {}",
                    text::caseload(c.p05()),
                    text::caseload(c.p95())
                )),
                text::number(team.target.low),
                text::number(team.target.high),
                within.map_or(String::new(), |c| chance_words(c.mean)),
                span.map_or(String::new(), |c| text::span(c.p50()))
            );
        }
        let _ = writeln!(body, "</tbody></table>");
        cases_by_team_table(body, s, &over_horizon);
    }
    if let Some(span) = at_end(crate::model::metrics::SPAN_OF_CONTROL) {
        let target = match (org.span_of_control, at_end(crate::model::metrics::WITHIN_SPAN)) {
            (Some(target), Some(within)) => format!(
                " Against the target of at most {} social workers per {manager}, the span is kept to in {} of runs.",
                text::number(target),
                chance_words(within.mean)
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            body,
            "<p>Span of control: across the service, {} social workers per {manager} at the end in the median run (9 runs in 10: {} to {}), counting FTE in post, permanent and agency.{target}</p>",
            text::span(span.p50()),
            text::span(span.p05()),
            text::span(span.p95())
        );
    }
    let _ = writeln!(
        body,
        "<p>Each role at the end and its spend over the {} months (the average across runs).</p><table class=\"figures roles\"><thead><tr><th>Role</th><th class=\"num\">Share of a caseload</th><th class=\"num\">Funded posts (FTE)</th><th class=\"num\">Permanent in post (median FTE)</th><th class=\"num\">Agency (median FTE)</th><th class=\"num\">Permanent spend</th><th class=\"num\">Agency spend</th><th class=\"num\">Enhanced payments</th></tr></thead><tbody>",
        s.months
    );
    for role in &org.roles {
        let name = &role.name;
        let median =
            |metric: &str| at_end(&format!("{metric}_{name}")).map_or(String::new(), |c| text::number(c.p50()));
        let spend = |metric: &str| over_horizon(&format!("{metric}_{name}")).map_or(String::new(), text::money);
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&text::capital(&text::role_people(name))),
            text::percent(role.caseload_share),
            median("establishment_fte"),
            median("permanent_fte"),
            median("agency_fte"),
            spend("cost_permanent"),
            spend("cost_agency"),
            spend("cost_payments")
        );
    }
    let _ = writeln!(body, "</tbody></table></section>");
}

/// Each team's cases over the horizon (the average across runs): new,
/// moved in from and out to other teams, and closed.
fn cases_by_team_table(body: &mut String, s: &Scenario, over_horizon: &dyn Fn(&str) -> Option<f64>) {
    let Some(org) = &s.organisation else {
        return;
    };
    let _ = writeln!(
        body,
        "<p>Cases team by team over the {} months (the average across runs): referrals starting a case in the team, cases moving in from and out to other teams as they change state, and cases closed.</p><table class=\"figures cases-by-team\"><thead><tr><th>Team</th><th class=\"num\">New cases</th><th class=\"num\">Moved in</th><th class=\"num\">Moved out</th><th class=\"num\">Closed</th></tr></thead><tbody>",
        s.months
    );
    for team in &org.teams {
        let total = |metric: &str| over_horizon(&format!("{metric}_{}", team.name)).map_or(String::new(), text::count);
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&text::team_name(&team.name)),
            total("new_cases"),
            total("transfers_in"),
            total("transfers_out"),
            total("closed_cases")
        );
    }
    let _ = writeln!(body, "</tbody></table>");
}

/// A row of a provenance table: a label and its value, already HTML.
pub(crate) fn provenance_row(body: &mut String, label: &str, value: &str) {
    let _ = writeln!(body, "<tr><th>{}</th><td>{value}</td></tr>", escape(label));
}

fn inputs_section(body: &mut String, shown: &[Shown], settings: Settings) {
    let _ = writeln!(
        body,
        "<section id=\"inputs\"><h2>Inputs and where they came from</h2><p>Anyone can repeat these results with the same version of caseload: the resolved scenario file in this folder holds the inputs as run, and its SHA-256 fingerprint below shows it is unchanged.</p><table class=\"provenance\"><tbody>"
    );
    provenance_row(body, "Program", &format!("caseload {}", env!("CARGO_PKG_VERSION")));
    provenance_row(body, "Runs", &settings.runs.to_string());
    provenance_row(body, "Seed", &settings.seed.to_string());
    if !settings.sets.is_empty() {
        let sets: Vec<String> = settings
            .sets
            .iter()
            .map(|s| format!("<code>--set {}</code>", escape(s)))
            .collect();
        provenance_row(body, "Overrides", &sets.join("<br>"));
    }
    for x in shown {
        let source = &x.loaded.source;
        let prefix = if shown.len() > 1 {
            format!("{}: ", x.loaded.scenario.name)
        } else {
            String::new()
        };
        provenance_row(
            body,
            &format!("{prefix}scenario file"),
            &format!("<code>{}</code>", escape(&source.file)),
        );
        if source.chain.len() > 1 {
            let chain: Vec<String> = source.chain[1..]
                .iter()
                .map(|f| format!("<code>{}</code>", escape(f)))
                .collect();
            provenance_row(body, &format!("{prefix}builds on"), &chain.join(", then "));
        }
        provenance_row(
            body,
            &format!("{prefix}resolved file"),
            &format!("<code>{}</code>", escape(x.resolved_name)),
        );
        provenance_row(
            body,
            &format!("{prefix}SHA-256 of the resolved file"),
            &format!("<code class=\"hash\">{}</code>", sha256_hex(x.resolved)),
        );
        provenance_row(
            body,
            &format!("{prefix}repeat with"),
            &format!(
                "<code>caseload run {} --runs {} --seed {}</code>",
                escape(x.resolved_name),
                settings.runs,
                settings.seed
            ),
        );
    }
    let _ = writeln!(body, "</tbody></table>");
    for x in shown {
        let _ = writeln!(
            body,
            "<h3>{} in plain words</h3><pre class=\"describe\">{}</pre>",
            escape(&x.loaded.scenario.name),
            escape(describe::describe(x.loaded).trim_end())
        );
    }
    let _ = writeln!(body, "</section>");
}

/// What the numbers do not tell you: docs/model.md's limits, short.
const LIMITS: [&str; 9] = [
    "<b>It is an average, not anyone's caseload.</b> The caseload is open cases over all case-holding capacity in the service. Some teams and workers (often front door and assessment) will be well above it while the average looks fine.",
    "<b>Every case counts the same.</b> A looked-after child and a short assessment are one case each; complexity, court work, travel and sibling groups are not weighed.",
    "<b>The labour market is an assumption.</b> How many experienced social workers accept offers, how easily agency staff are found and how long they stay are our assumptions, not forecasts of the market or of what neighbouring councils do.",
    "<b>The effects of payments and of pressure are assumptions.</b> There is little published evidence on how much a bonus or retention payment changes hiring or leaving, or how much high caseloads drive people out. Read the spread, and test other values.",
    "<b>It is not fitted to our history.</b> The inputs are set by hand from published figures; check them against recent months before relying on the projection.",
    "<b>Demand does not respond to the workforce.</b> Referrals and how long cases stay open do not change when caseloads are high, though in practice thresholds and durations may.",
    "<b>Only qualified social workers are counted.</b> Family support workers, personal advisers and others who hold or share cases are not modelled; there is no overtime or redundancy, and staff do not move between teams (cases do, as they change state).",
    "<b>Costs are simple.</b> A yearly cost per FTE with no pay awards, inflation or progression; the shipped costs are illustrative.",
    "<b>Percentiles are month by month.</b> The median line is not one run's path, and uncertainty grows with time: beyond three to five years the ranges are wide for good reason. The spread is what the assumptions imply, not a guarantee: if they are wrong in ways their ranges do not allow for, so are the results.",
];

fn limits_section(body: &mut String) {
    let _ = writeln!(
        body,
        "<section id=\"limits\"><h2>What these numbers do not tell you</h2><ul>"
    );
    for l in LIMITS {
        let _ = writeln!(body, "<li>{l}</li>");
    }
    let _ = writeln!(
        body,
        "</ul><p class=\"note\">More in docs/model.md of caseload, section 9, \"What the model does not do\".</p></section>"
    );
}

/// Styles: readable on a screen in a committee room and on A4 paper.
const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 64rem; padding: 1.5rem 2rem 3rem; font-family: "DejaVu Sans", Verdana, "Segoe UI", Arial, sans-serif; font-size: 1.05rem; line-height: 1.5; color: #1a1a1a; background: #fff; }
header { border-bottom: 3px solid #0072b2; margin-bottom: 1.5rem; padding-bottom: 0.5rem; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.85rem; color: #0072b2; margin: 0; font-weight: bold; }
h1 { font-size: 1.9rem; margin: 0.2rem 0 0.4rem; line-height: 1.2; }
h2 { font-size: 1.4rem; margin: 2rem 0 0.6rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 0.4rem; }
.lede { font-size: 1.1rem; margin: 0.3rem 0; }
.meta, .note, figcaption { color: #555; font-size: 0.92rem; }
ul.headlines { padding-left: 1.2rem; }
ul.headlines li { margin: 0.35rem 0; font-size: 1.12rem; }
figure { margin: 1.5rem 0; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #e3e3e3; }
figcaption { margin-top: 0.4rem; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0; font-size: 0.92rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #1a1a1a; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.num, ul.headlines b { white-space: nowrap; }
th.key, td.key { width: 1%; color: #666; }
td.key code { font-size: 0.75em; color: #666; }
tr.divider td { border-top: 2px solid #1a1a1a; }
table.provenance th { width: 16rem; font-weight: normal; color: #555; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; color: #333; }
code.hash { word-break: break-all; }
pre.describe { white-space: pre-wrap; font-family: inherit; font-size: 0.92rem; background: #f6f6f6; padding: 0.8rem 1rem; border-left: 3px solid #0072b2; }
@media print {
  @page { size: A4; margin: 15mm 14mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 18pt; }
  h2 { font-size: 13pt; break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  ul.headlines li { font-size: 10.5pt; }
  figure, tr { break-inside: avoid; page-break-inside: avoid; }
  figure svg { border: none; }
  table { font-size: 8.5pt; }
  section#charts, section#assumptions, section#limits { break-before: page; page-break-before: always; }
}
"#;

pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}<footer class=\"note\"><p>Made by caseload {}, a Monte Carlo simulator of children's social work caseloads. This page needs no network connection.</p></footer>\n</body>\n</html>\n",
        escape(title),
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_figures_are_reworded_as_headline_csv_rounds_them() {
        let share = |x: f64| Figure::Number(x, Kind::Share);
        assert_eq!(percent_words(&share(0.6449)), "64%");
        assert_eq!(percent_words(&share(0.645)), "65%");
        assert_eq!(percent_words(&share(0.07)), "7%");
        assert_eq!(percent_words(&share(0.996)), "100%");
        let chance = |x: f64| Figure::Number(x, Kind::Chance);
        assert_eq!(percent_words(&chance(0.996)), "more than 99%");
        assert_eq!(percent_words(&chance(0.995)), "more than 99%");
        assert_eq!(percent_words(&chance(1.0)), "100%");
        assert_eq!(percent_words(&chance(0.003)), "less than 1%");
        assert_eq!(figure(&chance(0.995)), "more than 99%");
        let october = crate::model::params::YearMonth::new(2023, 10).unwrap();
        assert_eq!(month_words(&Figure::Month(october)), "October 2023");
        assert_eq!(month_words(&Figure::Never), "never");
        assert_eq!(money_words(&Figure::Number(28_123_456.4, Kind::Money)), "£28,123,456");
        assert_eq!(money_words(&Figure::Number(-63_491.0, Kind::Money)), "-£63,491");
        assert_eq!(figure(&Figure::Number(263_891.0, Kind::MoneyChange)), "+£263,891");
        let inf = Figure::Number(f64::INFINITY, Kind::Caseload);
        assert_eq!(caseload_words(&inf), "unbounded (no one in post holds cases)");
    }

    #[test]
    fn the_hash_is_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
