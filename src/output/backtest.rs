//! A backtest's files as bytes: backtest.csv, coverage.csv, summary.csv
//! (for every council), scores.csv (the model against two benchmarks), the
//! short report.html and the console's sentences, pure functions of
//! `crate::analysis::backtest`'s results.

use super::fmt_value;
use super::report::{ChartSvg, charts_section, page, provenance_row, sha256_hex};
use super::tables::{finish, writer};
use crate::analysis::backtest::{Backtest, Coverage, Evaluation, Forecast, Measure, Origins, Pooled, Row, StandIn};
use crate::analysis::score::Score;
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

/// backtest.csv of one council from several years: `origin` (the year
/// projected from) first.
pub fn backtest_by_origin_csv(rows: &[Row]) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record(std::iter::once("origin").chain(ROW_HEADER))?;
    for r in rows {
        w.write_record(std::iter::once(r.origin().to_string()).chain(row_record(r)))?;
    }
    finish(w)
}

/// Every council's backtest.csv in one, with `council` first; with
/// `by_origin` (several years projected from), `origin` before it.
pub fn all_backtests_csv(councils: &[(&str, &[Row])], by_origin: bool) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    let first: &[&str] = if by_origin {
        &["origin", "council"]
    } else {
        &["council"]
    };
    w.write_record(first.iter().copied().chain(ROW_HEADER))?;
    for (council, rows) in councils {
        for r in *rows {
            let origin = by_origin.then(|| r.origin().to_string());
            w.write_record(origin.into_iter().chain([council.to_string()]).chain(row_record(r)))?;
        }
    }
    finish(w)
}

/// scores.csv: `origin,measure,years_ahead,forecast,n,in_50,in_90,
/// coverage_50,coverage_90,mae,interval_score_50,interval_score_90`, a row
/// per group and forecast as [`Evaluation::scores`] orders them; `origin`
/// and `years_ahead` are `all` for pooled rows; a mean with nothing to
/// average is empty.
pub fn scores_csv(e: &Evaluation) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record([
        "origin",
        "measure",
        "years_ahead",
        "forecast",
        "n",
        "in_50",
        "in_90",
        "coverage_50",
        "coverage_90",
        "mae",
        "interval_score_50",
        "interval_score_90",
    ])?;
    let all = |x: Option<i32>| x.map_or("all".to_string(), |y| y.to_string());
    for s in &e.scores {
        let c = &s.score;
        w.write_record([
            all(s.origin),
            s.measure.name().to_string(),
            all(s.years_ahead),
            s.forecast.name().to_string(),
            c.n.to_string(),
            c.in_50.to_string(),
            c.in_90.to_string(),
            opt(c.coverage_50()),
            opt(c.coverage_90()),
            opt(c.mae),
            opt(c.interval_50),
            opt(c.interval_90),
        ])?;
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

/// A mean for people, or a dash when there was nothing to average.
fn mean(x: Option<f64>) -> String {
    x.map_or("–".to_string(), amount)
}

/// The years projected from, as typed after `--from`: `2021` or `2019..2023`.
pub fn origins_arg(o: Origins) -> String {
    if o.is_range() {
        format!("{}..{}", o.first, o.last)
    } else {
        o.first.to_string()
    }
}

/// The years projected from in words: `30 September 2021` or `each 30
/// September from 2019 to 2023`.
fn origins_words(o: Origins) -> String {
    if o.is_range() {
        format!("each 30 September from {} to {}", o.first, o.last)
    } else {
        format!("30 September {}", o.first)
    }
}

/// The command that repeats a backtest, as its report quotes it.
#[derive(Debug, Clone, Copy)]
pub struct Repeat<'a> {
    /// None: every council.
    pub council: Option<&'a str>,
    pub origins: Origins,
    pub outcomes_to: Option<i32>,
    pub runs: u32,
    pub seed: u64,
}

impl Repeat<'_> {
    pub fn command(&self) -> String {
        let who = self.council.map_or("--all".to_string(), |c| {
            format!("--la {}", crate::la::scenario::shell_word(c))
        });
        let to = self
            .outcomes_to
            .map_or(String::new(), |y| format!(" --outcomes-to {y}"));
        format!(
            "caseload backtest {who} --from {}{to} --runs {} --seed {}",
            origins_arg(self.origins),
            self.runs,
            self.seed
        )
    }
}

/// One sentence on a measure's scores over every origin, as printed: the
/// model's coverage of both bands, its median's error against no change's,
/// and its 90% band's interval score against pooled change's.
pub fn score_sentence(e: &Evaluation, measure: Measure) -> String {
    let get = |f| e.score(None, measure, None, f);
    let (Some(m), Some(same), Some(pooled)) = (
        get(Forecast::Model),
        get(Forecast::NoChange),
        get(Forecast::PooledChange),
    ) else {
        return format!("{}: nothing to score.", measure.words());
    };
    if m.n == 0 {
        return format!("{}: nothing published after the start to score.", measure.words());
    }
    format!(
        "{}: {} published values inside the 90% band, {} inside the 50% band; the median was off by {} {} on average (no change: {}); the 90% band's interval score {} (pooled change: {}; lower is better).",
        measure.words(),
        count(m.in_90, m.n),
        count(m.in_50, m.n),
        mean(m.mae),
        measure.unit(),
        mean(same.mae),
        mean(m.interval_90),
        mean(pooled.interval_90)
    )
}

/// What the scores leave out, in a sentence; None when nothing.
pub fn left_out_sentence(e: &Evaluation) -> Option<String> {
    let total: usize = e.left_out.iter().map(|l| l.total()).sum();
    if total == 0 {
        return None;
    }
    let scored: usize = e.left_out.iter().map(|l| l.scored).sum();
    let no_start: usize = e.left_out.iter().map(|l| l.no_start_value).sum();
    let no_ratios: usize = e.left_out.iter().map(|l| l.no_ratios).sum();
    let mut why = Vec::new();
    if no_start > 0 {
        why.push(format!("{no_start} whose council published nothing at the start"));
    }
    if no_ratios > 0 {
        let years: Vec<String> = e.no_ratios_from.iter().map(i32::to_string).collect();
        why.push(format!(
            "{no_ratios} projected from {}, by when no council had published two years of figures to take changes from",
            and_list(&years.iter().map(String::as_str).collect::<Vec<_>>())
        ));
    }
    Some(format!(
        "The model and both benchmarks are scored on the same {scored} published values: {total} more, which the benchmarks cannot forecast, are left out ({}); coverage.csv and summary.csv count them.",
        why.join("; ")
    ))
}

/// Where the pooled change used shorter changes than the years ahead, a
/// sentence each (measures alike grouped).
pub fn stand_in_sentences(e: &Evaluation) -> Vec<String> {
    let mut groups: Vec<(StandIn, Vec<&'static str>)> = Vec::new();
    for s in &e.stand_ins {
        let key = |x: &StandIn| (x.origin, x.first, x.last, x.used);
        match groups.iter_mut().find(|(g, _)| key(g) == key(s)) {
            Some((_, measures)) => measures.push(measure_noun(s.measure)),
            None => groups.push((*s, vec![measure_noun(s.measure)])),
        }
    }
    groups
        .into_iter()
        .map(|(s, measures)| {
            let years = if s.first == s.last {
                format!("{} years ahead", s.first)
            } else {
                format!("{} to {} years ahead", s.first, s.last)
            };
            let changes = if s.used == 1 {
                "one-year changes".to_string()
            } else {
                format!("{}-year changes", s.used)
            };
            format!(
                "From {}, the pooled change of {} {years} uses the {changes}, the longest any council had published by then.",
                s.origin,
                and_list(&measures)
            )
        })
        .collect()
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A measure as a noun in a sentence.
fn measure_noun(m: Measure) -> &'static str {
    match m {
        Measure::InPost => "social workers in post",
        Measure::Agency => "agency social workers",
        Measure::Caseload => "the caseload",
    }
}

fn forecast_words(f: Forecast) -> &'static str {
    match f {
        Forecast::Model => "The model",
        Forecast::NoChange => "No change",
        Forecast::PooledChange => "Pooled change",
    }
}

const SCORES_HEAD: &str = "<th>Measure (unit)</th><th>Forecast</th><th class=\"num\">Values</th><th class=\"num\">Inside the<br>50% band</th><th class=\"num\">Inside the<br>90% band</th><th class=\"num\">Median off<br>by (mean)</th><th class=\"num\">Interval score<br>50% band</th><th class=\"num\">Interval score<br>90% band</th>";

/// A table of every measure's three forecasts, pooled over origins or for
/// each origin in turn.
fn scores_table(body: &mut String, e: &Evaluation, by_origin: bool) {
    let origins: Vec<Option<i32>> = if by_origin {
        e.origins.iter().copied().map(Some).collect()
    } else {
        vec![None]
    };
    let first = if by_origin { "<th>From</th>" } else { "" };
    let _ = writeln!(
        body,
        "<table class=\"figures\"><thead><tr>{first}{SCORES_HEAD}</tr></thead><tbody>"
    );
    for origin in origins {
        for measure in Measure::ALL {
            for forecast in Forecast::ALL {
                let Some(s) = e.score(origin, measure, None, forecast) else {
                    continue;
                };
                // The year and measure head their group of three rows.
                let first = forecast == Forecast::Model;
                let from = match origin {
                    Some(o) if first => format!("<td>{o}</td>"),
                    Some(_) => "<td></td>".to_string(),
                    None => String::new(),
                };
                let (divider, what) = if first {
                    (
                        " class=\"divider\"",
                        format!("{} ({})", escape(measure.words()), escape(measure.unit())),
                    )
                } else {
                    ("", String::new())
                };
                let _ = writeln!(
                    body,
                    "<tr{divider}>{from}<td>{what}</td><td>{}</td>{}</tr>",
                    forecast_words(forecast),
                    score_cells(s)
                );
            }
        }
    }
    let _ = writeln!(body, "</tbody></table>");
}

fn score_cells(s: &Score) -> String {
    format!(
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        s.n,
        percent_of(s.in_50, s.n),
        percent_of(s.in_90, s.n),
        mean(s.mae),
        mean(s.interval_50),
        mean(s.interval_90)
    )
}

/// "75%", or a dash of none.
fn percent_of(k: usize, n: usize) -> String {
    crate::analysis::score::share(k, n).map_or("–".to_string(), |x| format!("{}%", (x * 100.0).round()))
}

/// The model against the two benchmarks: what they are, how to read the
/// scores, the tables, and what was left out.
fn scores_section(body: &mut String, e: &Evaluation) {
    let _ = writeln!(
        body,
        "<section id=\"scores\"><h2>Against two simple forecasts</h2>
<p>Bands can hold what happened by being too wide to be of use, so the projection is scored beside two forecasts that anyone could have made from the figures published by the start year:</p>
<ul>
<li><b>No change</b>: the council's value at the start, carried forward. It is a single number, not a band, so it is inside its bands only when the value published later is exactly the same, and its interval score is the penalty alone.</li>
<li><b>Pooled change</b>: the council's value at the start times the changes over as many years seen across every council up to the start year (value k years on over value then): their 5th to 95th percentiles make its 90% band, the 25th to 75th its 50% band and the median its median. A council with no agency staff at the start stays at 0.</li>
</ul>
<p><b>How to read them.</b> 9 in 10 published values should fall in the 90% band and half in the 50% band: fewer means bands surer of themselves than they should be, more means bands wider than they need be. The median's error is how far the middle of each forecast was from what was published. The interval score (Gneiting and Raftery, 2007) is the band's width plus a penalty for each published value outside it: 20 times the distance outside the 90% band, 4 times outside the 50% band. It rewards a band that is narrow and still holds what happened; lower is better. Errors and scores are in the measure's unit, so compare forecasts of the same measure, not one measure with another. An infinite projected caseload (no capacity at all) counts as a miss and is left out of the averages.</p>"
    );
    scores_table(body, e, false);
    if e.origins.len() > 1 {
        let _ = writeln!(
            body,
            "<h3>Year by year</h3><p>Each year projected from on its own: the rows a judgement on a few start years only needs.</p>"
        );
        scores_table(body, e, true);
    }
    let mut notes: Vec<String> = left_out_sentence(e).into_iter().collect();
    notes.extend(stand_in_sentences(e));
    notes.push(
        "scores.csv in this folder has every figure, also by years ahead (1 year on, 2 years on and so on)."
            .to_string(),
    );
    let _ = writeln!(body, "<p class=\"note\">{}</p></section>", escape(&notes.join(" ")));
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

/// A resolved scenario as written to the folder: its file name and bytes.
pub struct Resolved {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The report of one council's backtest from one year or several
/// (`backtests` in the order of their years, `resolved` beside them).
pub fn report(
    backtests: &[Backtest],
    e: &Evaluation,
    charts: &[ChartSvg],
    resolved: &[Resolved],
    repeat: &Repeat,
) -> String {
    let mut body = String::new();
    let council = backtests.first().map_or("", |b| b.setup.council.as_str());
    match backtests {
        [b] => {
            report_header(&mut body, b, repeat.seed);
            coverage_section(&mut body, b, None);
            scores_section(&mut body, e);
            comparison_section(&mut body, b, None);
        }
        _ => {
            range_header(&mut body, backtests, repeat);
            scores_section(&mut body, e);
            for b in backtests {
                coverage_section(&mut body, b, Some(b.setup.from));
                comparison_section(&mut body, b, Some(b.setup.from));
            }
        }
    }
    charts_section(&mut body, charts);
    let basis = match backtests {
        [b] => Some(b.setup.caseload_basis),
        _ => None,
    };
    method(&mut body, basis);
    inputs_section(&mut body, backtests, resolved, repeat);
    let years = match (backtests.first(), backtests.last()) {
        (Some(a), Some(b)) if a.setup.from != b.setup.from => format!("{} to {}", a.setup.from, b.setup.from),
        (Some(a), _) => a.setup.from.to_string(),
        _ => String::new(),
    };
    page(&format!("Backtest: {council} from {years}"), &body)
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

/// The header of a council's backtest from several years.
fn range_header(body: &mut String, backtests: &[Backtest], repeat: &Repeat) {
    let council = backtests.first().map_or("", |b| b.setup.council.as_str());
    let to = backtests
        .iter()
        .map(|b| b.setup.to)
        .max()
        .unwrap_or(repeat.origins.last);
    let outcomes = repeat
        .outcomes_to
        .map_or(String::new(), |y| format!(" · published values to {y} only"));
    let _ = writeln!(
        body,
        "<header><p class=\"kicker\">Backtest</p><h1>{}: projected from {} against what happened to {to}</h1><p class=\"lede\">From each of those years, the scenario {} could have written from its figures published up to then, run {} times to its latest published year with the funded posts it actually had, and set against what it published at each 30 September since. The scores pool every start year and give each on its own.</p><p class=\"meta\">{} start years · {} simulated runs each · seed {}{outcomes} · caseload {}</p></header>",
        escape(council),
        origins_words(repeat.origins),
        escape(council),
        repeat.runs,
        backtests.len(),
        repeat.runs,
        repeat.seed,
        env!("CARGO_PKG_VERSION")
    );
}

/// How well it held: a sentence and a table row for each measure; `from`
/// names the start year when the report has several.
fn coverage_section(body: &mut String, b: &Backtest, from: Option<i32>) {
    let coverages = crate::analysis::backtest::coverage_all(&b.rows);
    let (id, heading) = match from {
        Some(y) => (
            format!("coverage-{y}"),
            format!("From 30 September {y}: how well it held"),
        ),
        None => ("coverage".to_string(), "How well it held".to_string()),
    };
    let _ = writeln!(body, "<section id=\"{id}\"><h2>{heading}</h2><ul class=\"headlines\">");
    for c in &coverages {
        let _ = writeln!(body, "<li>{}</li>", escape(&coverage_sentence(c)));
    }
    let _ = writeln!(body, "</ul>");
    if from.is_none() {
        let _ = writeln!(
            body,
            "<p class=\"note\">If the projection's uncertainty is honest, about half of the published values fall inside the 50% band and nine in ten inside the 90% band; with a handful of values, a miss or two says little on its own (<code>caseload backtest --all</code> pools every council).</p>"
        );
    }
    let _ = writeln!(body, "<table class=\"figures\">{COVERAGE_HEAD}<tbody>");
    for c in &coverages {
        coverage_row(body, c.measure.words(), c);
    }
    let _ = writeln!(body, "</tbody></table></section>");
}

/// The projection beside each published value, as in backtest.csv.
fn comparison_section(body: &mut String, b: &Backtest, from: Option<i32>) {
    let (id, heading) = match from {
        Some(y) => (
            format!("comparison-{y}"),
            format!("From 30 September {y}: projection and what happened"),
        ),
        None => ("comparison".to_string(), "Projection and what happened".to_string()),
    };
    let _ = writeln!(
        body,
        "<section id=\"{id}\"><h2>{heading}</h2><p>As in backtest.csv in this folder.</p><table class=\"figures\"><thead><tr><th>Measure</th><th>30 September</th><th class=\"num\">Published</th><th class=\"num\">Median</th><th class=\"num\">50% of runs</th><th class=\"num\">90% of runs</th><th>Inside</th></tr></thead><tbody>"
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

/// The inputs: the program, the command that repeats the backtest, and for
/// each start year how the scenario was made and the resolved file with
/// its fingerprint.
fn inputs_section(body: &mut String, backtests: &[Backtest], resolved: &[Resolved], repeat: &Repeat) {
    let _ = writeln!(
        body,
        "<section id=\"inputs\"><h2>Inputs</h2><table class=\"provenance\"><tbody>"
    );
    provenance_row(body, "Program", &format!("caseload {}", env!("CARGO_PKG_VERSION")));
    provenance_row(
        body,
        "Repeat with",
        &format!("<code>{}</code>", escape(&repeat.command())),
    );
    let several = backtests.len() > 1;
    for (b, file) in backtests.iter().zip(resolved) {
        let s = &b.setup;
        let council = escape(&crate::la::scenario::shell_word(&s.council));
        let from = if several {
            format!(" from {}", s.from)
        } else {
            String::new()
        };
        let sets = s
            .sets
            .iter()
            .map(|x| format!("<code>--set {}</code>", escape(x)))
            .collect::<Vec<_>>()
            .join(" ");
        provenance_row(
            body,
            &format!("Scenario{from}"),
            &format!(
                "<code>caseload new FILE.toml --la {council} --year {}</code>, then {sets}",
                s.from
            ),
        );
        provenance_row(
            body,
            &format!("Resolved file{from}"),
            &format!("<code>{}</code>", escape(&file.name)),
        );
        provenance_row(
            body,
            &format!("SHA-256 of the resolved file{from}"),
            &format!("<code class=\"hash\">{}</code>", sha256_hex(&file.bytes)),
        );
    }
    let _ = writeln!(body, "</tbody></table></section>");
}

/// A council that could not be backtested, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub council: String,
    pub why: String,
}

/// The report of every council's backtest: `councils` holds each council's
/// coverage over every start year.
pub fn all_report(
    repeat: &Repeat,
    pooled: &[Pooled],
    councils: &[(&str, Vec<Coverage>)],
    e: &Evaluation,
    charts: &[ChartSvg],
    skipped: &[Skipped],
) -> String {
    let mut body = String::new();
    let (runs, seed) = (repeat.runs, repeat.seed);
    let when = origins_words(repeat.origins);
    let outcomes = repeat
        .outcomes_to
        .map_or(String::new(), |y| format!(" · published values to {y} only"));
    let _ = writeln!(
        body,
        "<header><p class=\"kicker\">Backtest of every council</p><h1>Every council projected from {when} against what happened</h1><p class=\"lede\">For each of {} councils, the scenario it could have written from its figures published up to {when}, run {runs} times to its latest published year with the funded posts it actually had, and set against what it published at each 30 September since.</p><p class=\"meta\">{runs} simulated runs per council · seed {seed}{outcomes} · caseload {}</p></header>",
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
    scores_section(&mut body, e);
    charts_section(&mut body, charts);
    method(&mut body, None);
    let over = if repeat.origins.is_range() {
        " over every start year"
    } else {
        ""
    };
    let _ = writeln!(
        body,
        "<section id=\"councils\"><h2>Council by council</h2><p>As in coverage.csv in this folder{over}; every value compared is in backtest.csv. Repeat one with <code>caseload backtest --la NAME --from {}</code> for its charts; this page was made by <code>{}</code>.</p><table class=\"figures\"><thead><tr><th>Council</th>",
        origins_arg(repeat.origins),
        escape(&repeat.command())
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
    let title_years = if repeat.origins.is_range() {
        format!("{} to {}", repeat.origins.first, repeat.origins.last)
    } else {
        repeat.origins.first.to_string()
    };
    page(&format!("Backtest of every council from {title_years}"), &body)
}
