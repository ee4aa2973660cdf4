//! A goal seek's outputs, pure: the sentences (the answer in plain words
//! first, then what it means in people and months, then its accuracy),
//! seek.csv, headline.csv, the `seek` chart (the chance against the lever,
//! the asked chance as a line and the answer marked) and report.html.

use super::charts::{ChartError, DrawFailed, FAMILY, ensure_font, inline_svg, png_of, svg_of};
use super::fmt_value;
use super::report::page;
use crate::analysis::seek::{Direction, Evaluation, LeverRange, MIX_GRID, Mix, Op, Outcome, Search, Target};
use crate::model::lever::Meaning;
use crate::model::params::{Scenario, YearMonth};
use crate::scenario::Loaded;
use crate::scenario::describe::calendar_month;
use crate::text::{self, escape};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The scenario with the answer applied, in the folder.
pub const ANSWER: &str = "answer.toml";

/// What answer.toml says of itself: the levers' values applied (with the
/// scenario's own values), the target they meet and how to repeat it.
#[derive(Debug, Clone)]
pub struct Answer<'a> {
    pub target: &'a Target,
    pub by: YearMonth,
    pub chance: f64,
    pub levers: &'a [LeverRange],
    pub values: Vec<f64>,
    /// The scenario's own value of each lever, when it gives a number.
    pub currents: Vec<Option<f64>>,
    pub evaluation: &'a Evaluation,
    pub runs: u32,
    pub seed: u64,
}

impl<'a> Seeking<'a> {
    /// The answer, when there is one, as answer.toml says it.
    pub fn answer(&self) -> Option<Answer<'a>> {
        let e = self.search.answer()?;
        Some(Answer {
            target: self.target,
            by: self.by,
            chance: self.chance,
            levers: std::slice::from_ref(self.lever),
            values: vec![e.value],
            currents: vec![self.current],
            evaluation: e,
            runs: self.runs,
            seed: self.seed,
        })
    }
}

impl<'a> Mixing<'a> {
    /// The cheapest mix, when there is one, as answer.toml says it.
    pub fn answer(&self) -> Option<Answer<'a>> {
        let (values, e) = self.mix.answer_values()?;
        Some(Answer {
            target: self.target,
            by: self.by,
            chance: self.chance,
            levers: self.levers,
            values,
            currents: self.currents.to_vec(),
            evaluation: e,
            runs: self.runs,
            seed: self.seed,
        })
    }
}

/// The name of a seek's answer: the scenario's own with [`ANSWER_SUFFIX`],
/// so that `caseload run answer.toml` writes a folder of its own
/// (`OUT/<slug of this name>/`) and leaves the scenario's results alone.
pub fn answer_name(name: &str) -> String {
    format!("{}{ANSWER_SUFFIX}", name.trim_end_matches(ANSWER_SUFFIX))
}

/// What [`answer_name`] adds (once: a seek on an answer keeps one).
const ANSWER_SUFFIX: &str = " (seek answer)";

/// What the answer changed, in the levers' order: "workforce.establishment_fte
/// to 168.7 (the scenario gave 147.46)".
fn changes_words(a: &Answer) -> Vec<String> {
    a.levers
        .iter()
        .zip(&a.values)
        .zip(a.currents.iter().chain(std::iter::repeat(&None)))
        .map(|((lever, v), current)| match current {
            Some(now) => format!(
                "{} to {} (the scenario gave {})",
                lever.key,
                value_text(lever, *v),
                fmt_value(*now)
            ),
            None => format!("{} to {}", lever.key, value_text(lever, *v)),
        })
        .collect()
}

/// answer.toml: the scenario as resolved with the answer applied, under
/// its own name ([`answer_name`]), its description (if any) followed by a
/// sentence saying what the answer changed (text written for the scenario
/// before the change, such as its vacancies, would otherwise read as true
/// of the answer), and a header naming the values applied, the target and
/// the command that repeats the answer's runs.
pub fn answer_toml(answer: &Loaded, a: &Answer) -> Result<Vec<u8>, toml::ser::Error> {
    let changes = changes_words(a);
    let sentence = format!("As a goal seek's answer, this file sets {}.", changes.join(" and "));
    let description = match answer.scenario.description.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => {
            format!("{d} {sentence} The figures before this sentence describe the scenario before that change.")
        }
        _ => sentence,
    };
    let mut table = answer.source.table.clone();
    table.insert("description".into(), toml::Value::String(description));
    let name = answer_name(&answer.scenario.name);
    let e = a.evaluation;
    let mut header = format!(
        "# A goal seek's answer, written by caseload {version}: the scenario {from} after `extends` and `--set`, with\n",
        version = env!("CARGO_PKG_VERSION"),
        from = answer.source.chain.join(" <- "),
    );
    for change in changes_words(a) {
        header.push_str(&format!("#   {change}\n"));
    }
    header.push_str(&format!(
        "# for {} in at least {} of runs: there {} of {} runs (seed {}).\n\
         # Its name is the scenario's with \"{ANSWER_SUFFIX}\", so that its run gets a folder of its own.\n\
         # Repeat the answer's runs with: caseload run answer.toml --runs {} --seed {}\n",
        target_words(a.target, a.by),
        text::percent(a.chance),
        text::chance(e.chance()),
        a.runs,
        a.seed,
        a.runs,
        a.seed,
    ));
    super::resolved::scenario_file(&header, table, &name)
}
/// The chart's file stem.
pub const CHART: &str = "seek";

/// Everything a seek's outputs read.
#[derive(Debug, Clone, Copy)]
pub struct Seeking<'a> {
    pub scenario: &'a Scenario,
    pub target: &'a Target,
    pub by: YearMonth,
    pub chance: f64,
    pub lever: &'a LeverRange,
    /// The scenario's own value of the lever, when it gives a number.
    pub current: Option<f64>,
    pub search: &'a Search,
    pub runs: u32,
    pub seed: u64,
}

/// `September 2024`.
fn month_words(m: YearMonth) -> String {
    format!("{} {}", calendar_month(m.month()), m.year())
}

/// A lever value as people read it: whole for a whole lever.
fn value_text(lever: &LeverRange, x: f64) -> String {
    if lever.integer { format!("{x:.0}") } else { fmt_value(x) }
}

fn lever_words(lever: &LeverRange) -> String {
    match lever.lever {
        Some(l) => format!(
            "{}{} ({})",
            l.words.trim_end_matches(','),
            crate::model::lever::scope_words(&lever.key),
            lever.key
        ),
        None => lever.key.clone(),
    }
}

fn target_words(target: &Target, by: YearMonth) -> String {
    let side = match target.op {
        Op::AtMost => "at or below",
        Op::AtLeast => "at or above",
    };
    format!(
        "{} {side} {} in {}",
        target.metric,
        fmt_value(target.value),
        month_words(by)
    )
}

/// The answer in words, then what it means, then its accuracy.
pub fn sentences(s: &Seeking) -> Vec<String> {
    let mut out = vec![answer_sentence(s)];
    if let Some(a) = s.search.answer() {
        out.extend(meaning(s.scenario, s.lever, s.current, a.value));
        out.push(first_met(s.scenario, s.chance, a));
        out.push(accuracy(&[s.lever], s.runs, s.seed, a));
    }
    out
}

fn answer_sentence(s: &Seeking) -> String {
    let l = s.lever;
    let (asked, goal) = (text::percent(s.chance), target_words(s.target, s.by));
    let at = |e: &Evaluation| format!("{} (± {})", text::chance(e.chance()), points(e.chance_se()));
    let tried = |i: usize| s.search.tried.get(i);
    match s.search.outcome {
        Outcome::Found { answer, direction } => {
            let (least, way) = match direction {
                Direction::Rises => ("at least", "rises with the lever"),
                Direction::Falls => ("at most", "falls as the lever rises"),
            };
            let e = tried(answer).map_or_else(String::new, at);
            format!(
                "For {goal} in at least {asked} of runs, {} must be {least} {}: there the chance is {e}. (The chance {way}.)",
                lever_words(l),
                value_text(l, tried(answer).map_or(f64::NAN, |e| e.value)),
            )
        }
        Outcome::MetAtLow { answer } => format!(
            "Already met at the low end: with {} at {}, {goal} in {} of runs, at least the {asked} asked, so the answer is the low end, {}.",
            lever_words(l),
            value_text(l, l.low),
            tried(answer).map_or_else(String::new, at),
            value_text(l, l.low),
        ),
        Outcome::MetAtHigh { answer } => format!(
            "The chance falls as {} rises, and even at the high end, {}, {goal} in {} of runs, at least the {asked} asked: the answer is the high end.",
            lever_words(l),
            value_text(l, l.high),
            tried(answer).map_or_else(String::new, at),
        ),
        Outcome::Never { best } => {
            let best = tried(best);
            format!(
                "No value of {} from {} to {} gives {goal} in {asked} of runs: the best chance is {}, at {}. Try a wider range or another lever.",
                lever_words(l),
                value_text(l, l.low),
                value_text(l, l.high),
                best.map_or_else(String::new, at),
                best.map_or_else(String::new, |e| value_text(l, e.value)),
            )
        }
        Outcome::Flat { lowest, highest } => format!(
            "{} hardly moves the chance of {goal}: from {} to {} across {} to {}, within {} of each other, so no value is given. Try another lever.",
            lever_words(l),
            text::chance(lowest),
            text::chance(highest),
            value_text(l, l.low),
            value_text(l, l.high),
            points(s.search.tolerance),
        ),
        Outcome::NotMonotone => format!(
            "The chance of {goal} goes up and down as {} moves from {} to {} (by more than {}), so no single value answers: see seek.csv and the chart.",
            lever_words(l),
            value_text(l, l.low),
            value_text(l, l.high),
            points(s.search.tolerance),
        ),
    }
}

/// A standard error or tolerance as percentage points: `1.3 points`.
fn points(x: f64) -> String {
    format!("{} percentage points", text::number((x * 1000.0).round() / 10.0))
}

/// What the answer means in people, against the scenario's own value.
fn meaning(scenario: &Scenario, lever: &LeverRange, current: Option<f64>, value: f64) -> Option<String> {
    let now = current?;
    let more = value - now;
    let (amount, side) = (
        fmt_value((more.abs() * 10.0).round() / 10.0),
        if more >= 0.0 { "more" } else { "fewer" },
    );
    Some(match lever.lever.map(|l| l.meaning) {
        Some(Meaning::Posts) => {
            format!(
                "That is {amount} {side} funded posts (FTE) than now ({}).",
                fmt_value(now)
            )
        }
        Some(Meaning::YearlyIntake) => {
            let intakes = intakes(scenario);
            let first = scenario.asye.as_ref().and_then(|a| {
                (0..scenario.months)
                    .map(|t| scenario.month_at(t))
                    .find(|m| m.month() == a.intake_month)
            });
            format!(
                "That is {} a year from {}: {} {side} newly qualified workers than now ({} a year) over the {intakes} intakes of the projection.",
                value_text(lever, value),
                first.map_or_else(|| "the first intake".into(), month_words),
                text::number(more.abs() * intakes as f64),
                text::number(now),
            )
        }
        _ => format!("{} is {} in the scenario now.", lever.key, value_text(lever, now)),
    })
}

/// ASYE intakes within the horizon.
fn intakes(s: &Scenario) -> usize {
    let Some(a) = &s.asye else { return 0 };
    (0..s.months)
        .filter(|&t| s.month_at(t).month() == a.intake_month)
        .count()
}

fn first_met(scenario: &Scenario, chance: f64, a: &Evaluation) -> String {
    match a.first_month_reaching(chance) {
        Some(t) => format!(
            "In the answer's runs the chance first reaches {} in {}.",
            text::percent(chance),
            month_words(scenario.month_at(t as u32))
        ),
        None => format!(
            "In the answer's runs the chance never reaches {} within the projection.",
            text::percent(chance)
        ),
    }
}

/// The search's resolution and the chance's standard error at the answer;
/// in a mix, the last lever is searched to its step, the others on a grid.
fn accuracy(levers: &[&LeverRange], runs: u32, seed: u64, a: &Evaluation) -> String {
    let Some((last, others)) = levers.split_last() else {
        return String::new();
    };
    let grid: String = others
        .iter()
        .map(|l| format!("{} takes {MIX_GRID} values across its range; ", l.key))
        .collect();
    format!(
        "Accuracy: {grid}{} is searched to a step of {}; the chance at the answer has a standard error of {} (sqrt(p(1-p)/runs), {runs} runs, seed {seed}).",
        last.key,
        value_text(last, last.step),
        points(a.chance_se()),
    )
}

/// seek.csv: one row per evaluation, in the order tried.
pub fn seek_csv(s: &Seeking) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["lever", "value", "chance", "chance_se", "spend_total_mean", "meets"])?;
    for e in &s.search.tried {
        w.write_record([
            s.lever.key.clone(),
            fmt_value(e.value),
            fmt_value(e.chance()),
            fmt_value(e.chance_se()),
            format!("{:.0}", e.spend_mean),
            e.meets(s.chance).to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// What the search found, as headline.csv writes it.
fn outcome_key(o: Outcome) -> &'static str {
    match o {
        Outcome::Found { .. } => "found",
        Outcome::MetAtLow { .. } => "met_at_low_end",
        Outcome::MetAtHigh { .. } => "met_at_high_end",
        Outcome::Never { .. } => "never_met",
        Outcome::Flat { .. } => "flat",
        Outcome::NotMonotone => "not_monotone",
    }
}

/// headline.csv: `key,value` rows, the answer's keys named after the lever.
pub fn headline_csv(s: &Seeking) -> Result<Vec<u8>, csv::Error> {
    let mut rows: Vec<(String, String)> = vec![
        ("seek_target".into(), s.target.written()),
        ("seek_by".into(), s.by.to_string()),
        ("seek_asked_chance".into(), fmt_value(s.chance)),
        ("seek_outcome".into(), outcome_key(s.search.outcome).into()),
        (
            "seek_direction".into(),
            match s.search.direction {
                Some(Direction::Rises) => "rises",
                Some(Direction::Falls) => "falls",
                None => "none",
            }
            .into(),
        ),
        (format!("seek_step_{}", s.lever.key), fmt_value(s.lever.step)),
    ];
    let shown = match (s.search.answer(), s.search.outcome) {
        (Some(a), _) => Some((true, a)),
        (None, Outcome::Never { best }) => s.search.tried.get(best).map(|e| (false, e)),
        _ => None,
    };
    if let Some((answered, e)) = shown {
        let levers = [s.lever];
        let shown = Shown {
            answered,
            levers: &levers,
            values: &[e.value],
            evaluation: e,
        };
        shown_rows(&mut rows, shown, s.scenario, s.chance);
    }
    if let Some(now) = s.current {
        rows.push((format!("seek_current_{}", s.lever.key), fmt_value(now)));
    }
    key_value_csv(&rows)
}

/// The evaluation headline.csv shows: the answer, or with none the best
/// chance tried (never met), with every lever's value.
struct Shown<'a> {
    answered: bool,
    levers: &'a [&'a LeverRange],
    values: &'a [f64],
    evaluation: &'a Evaluation,
}

/// headline.csv's rows of the answer (`seek_answer_<lever>` for each
/// lever) or, with none, of the best tried (`seek_best_<lever>`), then its
/// chance, standard error, first month and spend: the same keys for one
/// lever and a mix.
fn shown_rows(rows: &mut Vec<(String, String)>, shown: Shown, scenario: &Scenario, chance: f64) {
    let prefix = if shown.answered { "seek_answer" } else { "seek_best" };
    for (lever, value) in shown.levers.iter().zip(shown.values) {
        rows.push((format!("{prefix}_{}", lever.key), fmt_value(*value)));
    }
    let e = shown.evaluation;
    rows.push(("seek_chance".into(), fmt_value(e.chance())));
    rows.push(("seek_chance_se".into(), fmt_value(e.chance_se())));
    rows.push((
        "seek_first_met_month".into(),
        e.first_month_reaching(chance)
            .map_or("never".into(), |t| scenario.month_at(t as u32).to_string()),
    ));
    rows.push(("seek_spend_total_mean".into(), format!("{:.0}", e.spend_mean)));
}

/// `key,value` rows as a CSV file.
fn key_value_csv(rows: &[(String, String)]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["key", "value"])?;
    for (k, v) in rows {
        w.write_record([k, v])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The `seek` chart's data: the chance against the lever (or, for a mix,
/// the frontier: the last lever's answer against the first lever).
#[derive(Debug, Clone, PartialEq)]
pub struct SeekChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub footer: String,
    pub x: (f64, f64),
    pub y: (f64, f64),
    /// The y axis reads as percentages.
    pub percent: bool,
    /// The points, in x order, and what they are.
    pub points: Vec<(f64, f64)>,
    pub points_label: String,
    /// A level across the chart (the asked chance) and its label.
    pub level: Option<(f64, String)>,
    /// The answer, marked, and its label.
    pub answer: Option<(f64, f64, String)>,
}

/// The chart of the chance against the lever.
pub fn chart(s: &Seeking) -> SeekChart {
    let mut points: Vec<(f64, f64)> = s.search.tried.iter().map(|e| (e.value, e.chance())).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    SeekChart {
        // The axis says what the lever is, in words.
        title: format!("Chance of {}, at each value tried", target_words(s.target, s.by)),
        x_label: axis_words(s.lever),
        y_label: "Chance of meeting the target".into(),
        footer: super::charts::footer(s.runs as usize, s.seed),
        x: (s.lever.low, s.lever.high),
        y: (0.0, 1.0),
        percent: true,
        points,
        points_label: "Chance at each value tried".into(),
        level: Some((s.chance, format!("Asked: {}", text::percent(s.chance)))),
        answer: s
            .search
            .answer()
            .map(|e| (e.value, e.chance(), format!("Answer: {}", fmt_value(e.value)))),
    }
}

fn axis_words(lever: &LeverRange) -> String {
    lever.lever.map_or(lever.key.clone(), |l| {
        format!(
            "{}{}",
            l.words.trim_end_matches(','),
            crate::model::lever::scope_words(&lever.key)
        )
    })
}

const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const GREY: RGBColor = RGBColor(0x59, 0x59, 0x59);

impl SeekChart {
    pub fn svg(&self) -> Result<String, ChartError> {
        svg_of(CHART, |root| self.draw(root))
    }

    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        png_of(CHART, |root| self.draw(root))
    }

    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawFailed> {
        ensure_font().map_err(|e| DrawFailed(e.to_string()))?;
        let u = f64::from(root.dim_in_pixel().1) / 100.0;
        let px = |x: f64| (x * u).round() as i32;
        root.fill(&WHITE)?;
        let (body, foot) = root.split_vertically(root.dim_in_pixel().1 - px(5.0) as u32);
        foot.draw_text(
            &self.footer,
            &(FAMILY, 2.0 * u).into_font().color(&GREY),
            (px(2.0), px(1.0)),
        )?;
        let mut chart = ChartBuilder::on(&body)
            .caption(&self.title, (FAMILY, 3.0 * u))
            .margin(px(3.0))
            .x_label_area_size(px(9.0))
            .y_label_area_size(px(11.0))
            .build_cartesian_2d(self.x.0..self.x.1, self.y.0..self.y.1)?;
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .y_label_formatter(&|y| {
                if self.percent {
                    format!("{:.0}%", y * 100.0)
                } else {
                    fmt_value(*y)
                }
            })
            .label_style((FAMILY, 2.2 * u))
            .axis_desc_style((FAMILY, 2.4 * u))
            .light_line_style(RGBColor(0xE3, 0xE3, 0xE3))
            .draw()?;
        let width = px(0.35).max(1) as u32;
        if let Some((level, label)) = &self.level {
            chart
                .draw_series(LineSeries::new(
                    [(self.x.0, *level), (self.x.1, *level)],
                    GREY.stroke_width(width),
                ))?
                .label(label.as_str())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], GREY.stroke_width(width)));
        }
        chart
            .draw_series(LineSeries::new(self.points.iter().copied(), BLUE.stroke_width(width)))?
            .label(self.points_label.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(width)));
        let r = px(0.7).max(2);
        chart.draw_series(self.points.iter().map(|&p| Circle::new(p, r, BLUE.filled())))?;
        if let Some((x, y, label)) = &self.answer {
            chart
                .draw_series(LineSeries::new(
                    [(*x, self.y.0), (*x, self.y.1)],
                    VERMILLION.stroke_width(width),
                ))?
                .label(label.as_str())
                .legend(move |(a, b)| PathElement::new([(a, b), (a + 20, b)], VERMILLION.stroke_width(width)));
            chart.draw_series([Circle::new((*x, *y), r * 2, VERMILLION.filled())])?;
        }
        chart
            .configure_series_labels()
            .label_font((FAMILY, 2.2 * u))
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .position(SeriesLabelPosition::LowerRight)
            .draw()?;
        Ok(())
    }
}

/// report.html: the answer in plain words first, the chart, every value
/// tried, and how to repeat it.
pub fn report(s: &Seeking, svg: &str, has_answer: bool, sets: &[String]) -> String {
    let mut tried: Vec<&Evaluation> = s.search.tried.iter().collect();
    tried.sort_by(|a, b| a.value.total_cmp(&b.value));
    let rows: Vec<(Vec<String>, &Evaluation)> = tried
        .into_iter()
        .map(|e| (vec![value_text(s.lever, e.value)], e))
        .collect();
    let page = Page {
        name: &s.scenario.name,
        sentences: sentences(s),
        svg,
        title: chart(s).title,
        heads: vec![s.lever.key.clone()],
        rows,
        chance: s.chance,
        how: format!(
            "The search tried up to nine values spread over the range, then halved the gap around the asked chance down to the lever's step. A chance that moves by no more than {} across the range counts as not moved.",
            points(s.search.tolerance)
        ),
    };
    report_page(&page, (s.runs, s.seed), has_answer, sets)
}

/// What a seek's report shows.
struct Page<'a> {
    name: &'a str,
    sentences: Vec<String>,
    svg: &'a str,
    title: String,
    /// The levers' keys, one column each.
    heads: Vec<String>,
    /// Every evaluation with its levers' values as written.
    rows: Vec<(Vec<String>, &'a Evaluation)>,
    chance: f64,
    /// How the search went, in words.
    how: String,
}

fn report_page(p: &Page, (runs, seed): (u32, u64), has_answer: bool, sets: &[String]) -> String {
    let mut body = format!("<h1>Goal seek: {}</h1>\n", escape(p.name));
    for line in &p.sentences {
        body.push_str(&format!("<p>{}</p>\n", escape(line)));
    }
    body.push_str(&format!(
        "<figure>{}</figure>\n",
        inline_svg(p.svg, "seek-chart", &p.title)
    ));
    body.push_str("<h2>Every value tried</h2>\n<table>\n<tr>");
    for h in &p.heads {
        body.push_str(&format!("<th>{}</th>", escape(h)));
    }
    body.push_str("<th>Chance</th><th>Standard error</th><th>Mean spend over the projection</th><th>Meets</th></tr>\n");
    for (values, e) in &p.rows {
        body.push_str("<tr>");
        for v in values {
            body.push_str(&format!("<td>{v}</td>"));
        }
        body.push_str(&format!(
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            text::chance(e.chance()),
            points(e.chance_se()),
            escape(&text::money(e.spend_mean)),
            if e.meets(p.chance) { "yes" } else { "no" }
        ));
    }
    body.push_str("</table>\n<h2>How it was found and how to repeat it</h2>\n");
    body.push_str(&format!(
        "<p>Every value was run {runs} times with seed {seed}, the same runs for every value (common random numbers), so the chance moves smoothly with the lever. {}</p>\n",
        escape(&p.how)
    ));
    let sets: String = sets.iter().map(|x| format!(" --set {}", escape(x))).collect();
    if has_answer {
        body.push_str(&format!(
            "<p>The scenario with the answer applied is <code>{ANSWER}</code>: <code>caseload run {ANSWER} --runs {runs} --seed {seed}</code> gives the same runs.{}</p>\n",
            if sets.is_empty() { String::new() } else { format!(" (Given with{sets}.)") }
        ));
    }
    page(&format!("Goal seek: {}", p.name), &body)
}

/// Everything a cheapest-mix seek's outputs read.
#[derive(Debug, Clone, Copy)]
pub struct Mixing<'a> {
    pub scenario: &'a Scenario,
    pub target: &'a Target,
    pub by: YearMonth,
    pub chance: f64,
    pub levers: &'a [LeverRange],
    /// Each lever's value in the scenario, when it gives a number.
    pub currents: &'a [Option<f64>],
    pub mix: &'a Mix,
    pub runs: u32,
    pub seed: u64,
}

/// The values of every lever as written, `key = value` joined by "and".
fn mix_values_words(levers: &[LeverRange], values: &[f64]) -> String {
    levers
        .iter()
        .zip(values)
        .map(|(l, v)| format!("{} = {}", l.key, value_text(l, *v)))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// A mix's answer in words, then what it means, then its accuracy.
pub fn mix_sentences(m: &Mixing) -> Vec<String> {
    let goal = target_words(m.target, m.by);
    let asked = text::percent(m.chance);
    let met = m
        .mix
        .combinations
        .iter()
        .filter(|c| c.search.answer().is_some())
        .count();
    let Some((values, a)) = m.mix.answer_values() else {
        let best = m.mix.best();
        return vec![format!(
            "No combination tried gives {goal} in {asked} of runs: the best chance is {}, at {}. Try wider ranges or other levers.",
            best.as_ref().map_or_else(String::new, |b| text::chance(b.1.chance())),
            best.as_ref()
                .map_or_else(String::new, |b| mix_values_words(m.levers, &b.0)),
        )];
    };
    let mut out = vec![format!(
        "The cheapest mix for {goal} in at least {asked} of runs: {}, with mean spend {} over the projection; there the chance is {} (± {}). {}",
        mix_values_words(m.levers, &values),
        text::money(a.spend_mean),
        text::chance(a.chance()),
        points(a.chance_se()),
        combinations_words(m, met),
    )];
    for ((lever, current), v) in m.levers.iter().zip(m.currents).zip(&values) {
        out.extend(meaning(m.scenario, lever, *current, *v));
    }
    out.push(first_met(m.scenario, m.chance, a));
    let levers: Vec<&LeverRange> = m.levers.iter().collect();
    out.push(accuracy(&levers, m.runs, m.seed, a));
    out
}

/// What was tried, said so that "combination" is not read as every value
/// run: "4 of the 5 combinations of asye.intake_per_year tried meet the
/// target with some value of workforce.establishment_fte (each combination
/// searched it as a seek of one lever; 45 values run in all; seek.csv has
/// each combination's answer, the frontier)."
fn combinations_words(m: &Mixing, met: usize) -> String {
    let (last, others) = match m.levers.split_last() {
        Some((last, others)) => (last.key.as_str(), others),
        None => ("", &[][..]),
    };
    let others: Vec<&str> = others.iter().map(|l| l.key.as_str()).collect();
    format!(
        "{met} of the {} combinations of {} tried meet the target with some value of {last} (each combination searched it as a seek of one lever; {} values run in all; seek.csv has each combination's answer, the frontier).",
        m.mix.combinations.len(),
        others.join(" and "),
        m.mix.tried().count(),
    )
}

/// seek.csv of a mix: `combination`, each lever's value (a column named by
/// its key), then as for one lever, and `frontier` marking each
/// combination's answer.
pub fn mix_csv(m: &Mixing) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = vec!["combination".to_string()];
    head.extend(m.levers.iter().map(|l| l.key.clone()));
    head.extend(["chance", "chance_se", "spend_total_mean", "meets", "frontier"].map(String::from));
    w.write_record(&head)?;
    let mut combination = 0;
    for c in &m.mix.combinations {
        combination += 1;
        let answer = c.search.answer_index();
        for (i, e) in c.search.tried.iter().enumerate() {
            let mut row = vec![combination.to_string()];
            row.extend(c.fixed.iter().chain([&e.value]).map(|v| fmt_value(*v)));
            row.extend([
                fmt_value(e.chance()),
                fmt_value(e.chance_se()),
                format!("{:.0}", e.spend_mean),
                e.meets(m.chance).to_string(),
                (answer == Some(i)).to_string(),
            ]);
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// headline.csv of a mix.
pub fn mix_headline_csv(m: &Mixing) -> Result<Vec<u8>, csv::Error> {
    let mut rows: Vec<(String, String)> = vec![
        ("seek_target".into(), m.target.written()),
        ("seek_by".into(), m.by.to_string()),
        ("seek_asked_chance".into(), fmt_value(m.chance)),
        (
            "seek_outcome".into(),
            if m.mix.answer().is_some() {
                "cheapest_mix"
            } else {
                "never_met"
            }
            .into(),
        ),
        ("seek_combinations".into(), m.mix.combinations.len().to_string()),
        ("seek_evaluations".into(), m.mix.tried().count().to_string()),
    ];
    let shown = match m.mix.answer_values() {
        Some((values, a)) => Some((true, values, a)),
        None => m.mix.best().map(|(values, e)| (false, values, e)),
    };
    if let Some((answered, values, e)) = shown {
        let levers: Vec<&LeverRange> = m.levers.iter().collect();
        let shown = Shown {
            answered,
            levers: &levers,
            values: &values,
            evaluation: e,
        };
        shown_rows(&mut rows, shown, m.scenario, m.chance);
    }
    key_value_csv(&rows)
}

/// The frontier: each combination's answer for the last lever against the
/// first lever, the cheapest marked.
pub fn frontier_chart(m: &Mixing) -> Option<SeekChart> {
    let (first, last) = (m.levers.first()?, m.levers.last()?);
    let mut points: Vec<(f64, f64)> = m
        .mix
        .combinations
        .iter()
        .filter_map(|c| Some((*c.fixed.first()?, c.search.answer()?.value)))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    Some(SeekChart {
        title: format!(
            "What each combination needs for {} in {} of runs",
            target_words(m.target, m.by),
            text::percent(m.chance)
        ),
        x_label: axis_words(first),
        y_label: axis_words(last),
        footer: super::charts::footer(m.runs as usize, m.seed),
        x: (first.low, first.high),
        y: (last.low, last.high),
        percent: false,
        points,
        points_label: "Least that meets the target, each combination".into(),
        level: None,
        answer: m.mix.answer().and_then(|(c, a)| {
            Some((
                *c.fixed.first()?,
                a.value,
                format!("Cheapest: {}", text::money(a.spend_mean)),
            ))
        }),
    })
}

/// report.html of a mix.
pub fn mix_report(m: &Mixing, svg: &str, has_answer: bool, sets: &[String]) -> String {
    let rows: Vec<(Vec<String>, &Evaluation)> = m
        .mix
        .tried()
        .map(|(values, e)| {
            let words = m.levers.iter().zip(&values).map(|(l, v)| value_text(l, *v)).collect();
            (words, e)
        })
        .collect();
    let page = Page {
        name: &m.scenario.name,
        sentences: mix_sentences(m),
        svg,
        title: frontier_chart(m).map(|c| c.title).unwrap_or_default(),
        heads: m.levers.iter().map(|l| l.key.clone()).collect(),
        rows,
        chance: m.chance,
        how: format!(
            "Every lever but the last took {MIX_GRID} values spread over its range; for each combination the last lever was searched as for one lever (nine values, then halving the gap to its step), and the cheapest answer by mean total spend over the projection is the mix."
        ),
    };
    report_page(&page, (m.runs, m.seed), has_answer, sets)
}
