//! A backtest's files as bytes: backtest.csv, coverage.csv, summary.csv
//! (for every council) and the short report.html, pure functions of
//! `crate::analysis::backtest`'s results.

use super::fmt_value;
use super::report::{ChartSvg, charts_section, page, provenance_row, sha256_hex};
use super::tables::{finish, writer};
use crate::analysis::backtest::{Backtest, Coverage, Measure, Pooled, Row};
use crate::scenario::describe::{self, month_name};
use crate::text::escape;
use std::fmt::Write;

/// 1, 0, or empty when nothing was published.
fn flag(x: Option<bool>) -> String {
    x.map_or(String::new(), |b| u8::from(b).to_string())
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), fmt_value)
}

const ROW_HEADER: [&str; 10] = [
    "measure", "date", "actual", "p05", "p25", "p50", "p75", "p95", "in_50", "in_90",
];

fn row_record(r: &Row) -> Vec<String> {
    let mut out = vec![r.measure.name().to_string(), r.date.to_string(), opt(r.actual)];
    out.extend(r.p.iter().map(|x| fmt_value(*x)));
    out.push(flag(r.in_50()));
    out.push(flag(r.in_90()));
    out
}

/// backtest.csv: `measure,date,actual,p05,p25,p50,p75,p95,in_50,in_90`,
/// one row per measure and later 30 September; `actual`, `in_50` and
/// `in_90` are empty when nothing was published, `in_50`/`in_90` 1 or 0.
pub fn backtest_csv(rows: &[Row]) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record(ROW_HEADER)?;
    for r in rows {
        w.write_record(row_record(r))?;
    }
    finish(w)
}

/// Every council's backtest.csv in one, with `council` first.
pub fn all_backtests_csv(councils: &[(&str, &[Row])]) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record(std::iter::once("council").chain(ROW_HEADER))?;
    for (council, rows) in councils {
        for r in *rows {
            w.write_record(std::iter::once(council.to_string()).chain(row_record(r)))?;
        }
    }
    finish(w)
}

/// coverage.csv: `council,measure,n,in_50,in_90,mae,mean_error,mae_percent,
/// mean_error_percent`, a row per council and measure.
pub fn coverage_csv(councils: &[(&str, Vec<Coverage>)]) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record([
        "council",
        "measure",
        "n",
        "in_50",
        "in_90",
        "mae",
        "mean_error",
        "mae_percent",
        "mean_error_percent",
    ])?;
    for (council, coverages) in councils {
        for c in coverages {
            let mut record = vec![council.to_string(), c.measure.name().to_string()];
            record.extend(counts(c));
            record.extend(errors(c));
            w.write_record(record)?;
        }
    }
    finish(w)
}

/// `n,in_50,in_90` of a coverage.
fn counts(c: &Coverage) -> [String; 3] {
    [c.n.to_string(), c.in_50.to_string(), c.in_90.to_string()]
}

/// `mae,mean_error,mae_percent,mean_error_percent` of a coverage.
fn errors(c: &Coverage) -> [String; 4] {
    [
        fmt_value(c.mae),
        fmt_value(c.mean_error),
        opt(c.mae_percent),
        opt(c.mean_error_percent),
    ]
}

/// summary.csv of every council: `measure,years_ahead,councils,n,in_50,
/// in_90,share_in_50,share_in_90,mae,mean_error,mae_percent,
/// mean_error_percent`; `years_ahead` is `all` or 1, 2, ...
pub fn summary_csv(pooled: &[Pooled]) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record([
        "measure",
        "years_ahead",
        "councils",
        "n",
        "in_50",
        "in_90",
        "share_in_50",
        "share_in_90",
        "mae",
        "mean_error",
        "mae_percent",
        "mean_error_percent",
    ])?;
    for p in pooled {
        let c = &p.coverage;
        let mut record = vec![
            c.measure.name().to_string(),
            p.years_ahead.map_or("all".to_string(), |y| y.to_string()),
            p.councils.to_string(),
        ];
        record.extend(counts(c));
        record.extend([opt(c.share_50()), opt(c.share_90())]);
        record.extend(errors(c));
        w.write_record(record)?;
    }
    finish(w)
}

/// A number for people, to one decimal whatever the measure (FTE and
/// caseloads alike): `12.3`, `1,515`.
fn amount(x: f64) -> String {
    if !x.is_finite() {
        return describe::num(x);
    }
    crate::la::derive::num(x, 1)
}

fn signed(x: f64) -> String {
    if x > 0.0 { format!("+{}", amount(x)) } else { amount(x) }
}

fn percent(x: Option<f64>, signed: bool) -> String {
    match x {
        Some(p) if signed && p > 0.0 => format!("+{}%", crate::la::derive::num(p, 1)),
        Some(p) => format!("{}%", crate::la::derive::num(p, 1)),
        None => "–".to_string(),
    }
}

/// "3 of 4 (75%)", or "none published".
fn count(k: usize, n: usize) -> String {
    if n == 0 {
        "none published".to_string()
    } else {
        format!("{k} of {n} ({}%)", (k as f64 / n as f64 * 100.0).round())
    }
}

/// One sentence on a measure's coverage, as printed and reported.
pub fn coverage_sentence(c: &Coverage) -> String {
    if c.n == 0 {
        return format!(
            "{}: nothing published after the start to compare with.",
            c.measure.words()
        );
    }
    let balance = if c.mean_error > 0.0 {
        format!("{} {} too high", amount(c.mean_error), c.measure.unit())
    } else if c.mean_error < 0.0 {
        format!("{} {} too low", amount(-c.mean_error), c.measure.unit())
    } else {
        "neither too high nor too low".to_string()
    };
    format!(
        "{}: {} published values inside the 90% band, {} inside the 50% band; the median was off by {} {} on average ({} of the actual) and {} on balance.",
        c.measure.words(),
        count(c.in_90, c.n),
        count(c.in_50, c.n),
        amount(c.mae),
        c.measure.unit(),
        percent(c.mae_percent, false),
        balance
    )
}

const COVERAGE_HEAD: &str = "<thead><tr><th>Measure</th><th class=\"num\">Published values</th><th class=\"num\">Inside the 50% band</th><th class=\"num\">Inside the 90% band</th><th class=\"num\">Median's error on average</th><th class=\"num\">On balance (+ too high)</th></tr></thead>";

fn coverage_row(body: &mut String, label: &str, c: &Coverage) {
    let _ = writeln!(
        body,
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} {} ({})</td><td class=\"num\">{} ({})</td></tr>",
        escape(label),
        c.n,
        count(c.in_50, c.n),
        count(c.in_90, c.n),
        amount(c.mae),
        escape(c.measure.unit()),
        percent(c.mae_percent, false),
        signed(c.mean_error),
        percent(c.mean_error_percent, true)
    );
}

/// How each measure is compared like with like, in words.
fn method(body: &mut String, caseload_basis: Option<f64>) {
    let basis = caseload_basis.map_or(
        "the council's own (1 − sickness days / working days)".to_string(),
        |b| crate::la::derive::num(b, 3),
    );
    let _ = writeln!(
        body,
        "<section id=\"method\"><h2>How it is worked out</h2><ul>
<li><b>Only what was published by then.</b> The scenario is the one <code>caseload new --la</code> writes for the start year: it reads the council's workforce figures to 30 September of that year and its children in need figures to the March before, never a later figure.</li>
<li><b>Funded posts as they happened.</b> The establishment is the council's decision, not something the model projects, so it is given: from October of each later year it is that year's published in post + vacancies at 30 September, as <code>new --la</code> starts a scenario in the October after the figures it uses. So at each 30 September compared, the model has the posts published a year before.</li>
<li><b>In post</b> is the model's permanent FTE, which, like the published count, includes newly qualified (ASYE) and absent staff.</li>
<li><b>Agency</b> is the model's agency FTE, including any agency beyond the vacancies kept as a fixed block, against the published agency FTE.</li>
<li><b>Caseload</b> is put on the published basis. The published caseload counts case holders whether or not they are off sick; the model counts only the capacity available. So the model's caseload is multiplied by {basis} (1 − sickness days / working days a year) before it is compared. The model's 10% protected time for ASYEs is not undone: it moves the caseload by under 1%. A council that changed how it counted case holders (Bury before and after 2023) is compared with what it published, whatever the basis.</li>
<li><b>Bands</b> are taken month by month: the 50% band is the 25th to 75th percentile of the runs, the 90% band the 5th to 95th. A value on an edge counts as inside. If the projections are honest, about half the published values lie inside the 50% band and nine in ten inside the 90% band.</li>
<li><b>Errors</b> are the median's, projected minus published, so a positive error is a projection too high. The percentage is the total error over the total of the published values.</li>
</ul></section>"
    );
}

/// The report of one council's backtest.
pub fn report(b: &Backtest, charts: &[ChartSvg], resolved_name: &str, resolved: &[u8], seed: u64) -> String {
    let s = &b.setup;
    let mut body = String::new();
    report_header(&mut body, b, seed);
    coverage_section(&mut body, b);
    comparison_section(&mut body, b);
    charts_section(&mut body, charts);
    method(&mut body, Some(s.caseload_basis));
    inputs_section(&mut body, b, resolved_name, resolved, seed);
    page(&format!("Backtest: {} from {}", s.council, s.from), &body)
}

/// The report's header: what was projected from when, against what.
fn report_header(body: &mut String, b: &Backtest, seed: u64) {
    let s = &b.setup;
    let scenario = &s.loaded.scenario;
    let _ = writeln!(
        body,
        "<header><p class=\"kicker\">Backtest</p><h1>{}: projected from 30 September {} against what happened to {}</h1><p class=\"lede\">The scenario {} could have written from its figures published up to 30 September {} (children in need to 31 March {}), run {} times to September {} with the funded posts it actually had, and set against what it published at each 30 September since.</p><p class=\"meta\">{} months, {} to {} · {} simulated runs · seed {} · caseload {}</p></header>",
        escape(&s.council),
        s.from,
        s.to,
        escape(&s.council),
        s.from,
        s.from,
        b.runs,
        s.to,
        scenario.months,
        month_name(scenario.start),
        month_name(scenario.month_at(scenario.months.saturating_sub(1))),
        b.runs,
        seed,
        env!("CARGO_PKG_VERSION")
    );
}

/// How well it held: a sentence and a table row for each measure.
fn coverage_section(body: &mut String, b: &Backtest) {
    let coverages = crate::analysis::backtest::coverage_all(&b.rows);
    let _ = writeln!(
        body,
        "<section id=\"coverage\"><h2>How well it held</h2><ul class=\"headlines\">"
    );
    for c in &coverages {
        let _ = writeln!(body, "<li>{}</li>", escape(&coverage_sentence(c)));
    }
    let _ = writeln!(
        body,
        "</ul><p class=\"note\">If the projection's uncertainty is honest, about half of the published values fall inside the 50% band and nine in ten inside the 90% band; with a handful of values, a miss or two says little on its own (<code>caseload backtest --all</code> pools every council).</p><table class=\"figures\">{COVERAGE_HEAD}<tbody>"
    );
    for c in &coverages {
        coverage_row(body, c.measure.words(), c);
    }
    let _ = writeln!(body, "</tbody></table></section>");
}

/// The projection beside each published value, as in backtest.csv.
fn comparison_section(body: &mut String, b: &Backtest) {
    let _ = writeln!(
        body,
        "<section id=\"comparison\"><h2>Projection and what happened</h2><p>As in backtest.csv in this folder.</p><table class=\"figures\"><thead><tr><th>Measure</th><th>30 September</th><th class=\"num\">Published</th><th class=\"num\">Median</th><th class=\"num\">50% of runs</th><th class=\"num\">90% of runs</th><th>Inside</th></tr></thead><tbody>"
    );
    for r in &b.rows {
        let m = r.measure;
        let inside = match (r.in_50(), r.in_90()) {
            (Some(true), _) => "both bands",
            (Some(false), Some(true)) => "the 90% band",
            (Some(false), Some(false)) => "neither",
            _ => "",
        };
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} to {}</td><td class=\"num\">{} to {}</td><td>{}</td></tr>",
            escape(m.words()),
            r.date.year(),
            r.actual
                .map_or("not published".to_string(), crate::la::derive::published),
            amount(r.p[2]),
            amount(r.p[1]),
            amount(r.p[3]),
            amount(r.p[0]),
            amount(r.p[4]),
            inside
        );
    }
    let _ = writeln!(body, "</tbody></table></section>");
}

/// The inputs: the program, the command that repeats the backtest, how the
/// scenario was made, and the resolved file with its fingerprint.
fn inputs_section(body: &mut String, b: &Backtest, resolved_name: &str, resolved: &[u8], seed: u64) {
    let s = &b.setup;
    let council = escape(&crate::la::scenario::shell_word(&s.council));
    let _ = writeln!(
        body,
        "<section id=\"inputs\"><h2>Inputs</h2><table class=\"provenance\"><tbody>"
    );
    provenance_row(body, "Program", &format!("caseload {}", env!("CARGO_PKG_VERSION")));
    provenance_row(
        body,
        "Repeat with",
        &format!(
            "<code>caseload backtest --la {council} --from {} --runs {} --seed {seed}</code>",
            s.from, b.runs
        ),
    );
    let sets = s
        .sets
        .iter()
        .map(|x| format!("<code>--set {}</code>", escape(x)))
        .collect::<Vec<_>>()
        .join(" ");
    provenance_row(
        body,
        "Scenario",
        &format!(
            "<code>caseload new FILE.toml --la {council} --year {}</code>, then {sets}",
            s.from
        ),
    );
    provenance_row(
        body,
        "Resolved file",
        &format!("<code>{}</code>", escape(resolved_name)),
    );
    provenance_row(
        body,
        "SHA-256 of the resolved file",
        &format!("<code class=\"hash\">{}</code>", sha256_hex(resolved)),
    );
    let _ = writeln!(body, "</tbody></table></section>");
}

/// A council that could not be backtested, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub council: String,
    pub why: String,
}

/// The report of every council's backtest.
pub fn all_report(
    from: i32,
    runs: u32,
    seed: u64,
    pooled: &[Pooled],
    councils: &[(&str, Vec<Coverage>)],
    skipped: &[Skipped],
) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header><p class=\"kicker\">Backtest of every council</p><h1>Every council projected from 30 September {from} against what happened</h1><p class=\"lede\">For each of {} councils, the scenario it could have written from its figures published up to 30 September {from}, run {runs} times to its latest published year with the funded posts it actually had, and set against what it published at each 30 September since.</p><p class=\"meta\">{runs} simulated runs per council · seed {seed} · caseload {}</p></header>",
        councils.len(),
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        body,
        "<section id=\"coverage\"><h2>Coverage</h2><p>A 90% band should hold about 90% of what happened, a 50% band about half. Below that, the projections are surer of themselves than they should be; above, more cautious.</p><ul class=\"headlines\">"
    );
    for p in pooled.iter().filter(|p| p.years_ahead.is_none()) {
        let _ = writeln!(
            body,
            "<li>{} ({} councils)</li>",
            escape(&coverage_sentence(&p.coverage)),
            p.councils
        );
    }
    let _ = writeln!(
        body,
        "</ul><h3>By years after the start</h3><table class=\"figures\">{COVERAGE_HEAD}<tbody>"
    );
    for p in pooled {
        let label = match p.years_ahead {
            None => format!("{}, all years", p.coverage.measure.words()),
            Some(1) => format!("{}, 1 year on", p.coverage.measure.words()),
            Some(y) => format!("{}, {y} years on", p.coverage.measure.words()),
        };
        coverage_row(&mut body, &label, &p.coverage);
    }
    let _ = writeln!(body, "</tbody></table></section>");
    method(&mut body, None);
    let _ = writeln!(
        body,
        "<section id=\"councils\"><h2>Council by council</h2><p>As in coverage.csv in this folder; every value compared is in backtest.csv. Repeat one with <code>caseload backtest --la NAME --from {from}</code> for its charts.</p><table class=\"figures\"><thead><tr><th>Council</th>"
    );
    for m in Measure::ALL {
        let _ = write!(body, "<th class=\"num\">{}: inside 90% / 50%</th>", escape(m.words()));
    }
    let _ = writeln!(body, "</tr></thead><tbody>");
    for (council, coverages) in councils {
        let _ = write!(body, "<tr><td>{}</td>", escape(council));
        for c in coverages {
            let _ = write!(body, "<td class=\"num\">{} / {} of {}</td>", c.in_90, c.in_50, c.n);
        }
        let _ = writeln!(body, "</tr>");
    }
    let _ = writeln!(body, "</tbody></table>");
    if !skipped.is_empty() {
        let _ = writeln!(body, "<h3>Not backtested</h3><ul>");
        for s in skipped {
            let _ = writeln!(body, "<li>{}: {}</li>", escape(&s.council), escape(&s.why));
        }
        let _ = writeln!(body, "</ul>");
    }
    let _ = writeln!(body, "</section>");
    page(&format!("Backtest of every council from {from}"), &body)
}
