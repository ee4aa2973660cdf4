//! A goal seek's outputs, pure: the sentences (the answer in plain words
//! first, then what it means in people and months, then its accuracy),
//! seek.csv, headline.csv, the `seek` chart (the chance against the lever,
//! the asked chance as a line and the answer marked) and report.html.

use super::charts::{ChartError, DrawFailed, FAMILY, ensure_font, inline_svg, png_of, svg_of};
use super::fmt_value;
use super::report::page;
use crate::analysis::seek::{Direction, Evaluation, LeverRange, Op, Outcome, Search, Target};
use crate::model::lever::Meaning;
use crate::model::params::{Scenario, YearMonth};
use crate::scenario::describe::calendar_month;
use crate::text::{self, escape};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The scenario with the answer applied, in the folder.
pub const ANSWER: &str = "answer.toml";
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
        Some(l) => format!("{} ({})", l.words.trim_end_matches(','), lever.key),
        None => lever.key.clone(),
    }
}

fn target_words(s: &Seeking) -> String {
    let side = match s.target.op {
        Op::AtMost => "at or below",
        Op::AtLeast => "at or above",
    };
    format!(
        "{} {side} {} in {}",
        s.target.metric,
        fmt_value(s.target.value),
        month_words(s.by)
    )
}

/// The answer in words, then what it means, then its accuracy.
pub fn sentences(s: &Seeking) -> Vec<String> {
    let mut out = vec![answer_sentence(s)];
    if let Some(a) = s.search.answer() {
        out.extend(meaning(s, a));
        out.push(first_met(s, a));
        out.push(accuracy(s, a));
    }
    out
}

fn answer_sentence(s: &Seeking) -> String {
    let l = s.lever;
    let (asked, goal) = (text::percent(s.chance), target_words(s));
    let at = |e: &Evaluation| format!("{} (± {})", text::percent(e.chance()), points(e.chance_se()));
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
            text::percent(lowest),
            text::percent(highest),
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
fn meaning(s: &Seeking, a: &Evaluation) -> Option<String> {
    let now = s.current?;
    let more = a.value - now;
    let (amount, side) = (
        fmt_value((more.abs() * 10.0).round() / 10.0),
        if more >= 0.0 { "more" } else { "fewer" },
    );
    Some(match s.lever.lever.map(|l| l.meaning) {
        Some(Meaning::Posts) => {
            format!(
                "That is {amount} {side} funded posts (FTE) than now ({}).",
                fmt_value(now)
            )
        }
        Some(Meaning::YearlyIntake) => {
            let intakes = intakes(s.scenario);
            let first = s.scenario.asye.as_ref().and_then(|a| {
                (0..s.scenario.months)
                    .map(|t| s.scenario.month_at(t))
                    .find(|m| m.month() == a.intake_month)
            });
            format!(
                "That is {} a year from {}: {} {side} newly qualified workers than now ({} a year) over the {intakes} intakes of the projection.",
                value_text(s.lever, a.value),
                first.map_or_else(|| "the first intake".into(), month_words),
                text::number(more.abs() * intakes as f64),
                text::number(now),
            )
        }
        _ => format!("The scenario has {} now.", value_text(s.lever, now)),
    })
}

/// ASYE intakes within the horizon.
fn intakes(s: &Scenario) -> usize {
    let Some(a) = &s.asye else { return 0 };
    (0..s.months)
        .filter(|&t| s.month_at(t).month() == a.intake_month)
        .count()
}

fn first_met(s: &Seeking, a: &Evaluation) -> String {
    match a.first_month_reaching(s.chance) {
        Some(t) => format!(
            "In the answer's runs the chance first reaches {} in {}.",
            text::percent(s.chance),
            month_words(s.scenario.month_at(t as u32))
        ),
        None => format!(
            "In the answer's runs the chance never reaches {} within the projection.",
            text::percent(s.chance)
        ),
    }
}

fn accuracy(s: &Seeking, a: &Evaluation) -> String {
    format!(
        "Accuracy: the lever is searched to a step of {}; the chance at the answer has a standard error of {} (sqrt(p(1-p)/runs), {} runs, seed {}).",
        value_text(s.lever, s.lever.step),
        points(a.chance_se()),
        s.runs,
        s.seed
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
    let shown = s.search.answer().or(match s.search.outcome {
        Outcome::Never { best } => s.search.tried.get(best),
        _ => None,
    });
    if let Some(e) = shown {
        let prefix = if s.search.answer().is_some() {
            "seek_answer"
        } else {
            "seek_best"
        };
        rows.push((format!("{prefix}_{}", s.lever.key), fmt_value(e.value)));
        rows.push(("seek_chance".into(), fmt_value(e.chance())));
        rows.push(("seek_chance_se".into(), fmt_value(e.chance_se())));
        let first = e.first_month_reaching(s.chance);
        rows.push((
            "seek_first_met_month".into(),
            first.map_or("never".into(), |t| s.scenario.month_at(t as u32).to_string()),
        ));
        rows.push(("seek_spend_total_mean".into(), format!("{:.0}", e.spend_mean)));
    }
    if let Some(now) = s.current {
        rows.push((format!("seek_current_{}", s.lever.key), fmt_value(now)));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["key", "value"])?;
    for (k, v) in &rows {
        w.write_record([k, v])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The `seek` chart's data: points in lever order.
#[derive(Debug, Clone, PartialEq)]
pub struct SeekChart {
    pub title: String,
    pub x_label: String,
    pub footer: String,
    pub low: f64,
    pub high: f64,
    /// (lever value, chance), in lever order.
    pub points: Vec<(f64, f64)>,
    pub asked: f64,
    pub answer: Option<(f64, f64)>,
}

/// The chart of the chance against the lever.
pub fn chart(s: &Seeking) -> SeekChart {
    let mut points: Vec<(f64, f64)> = s.search.tried.iter().map(|e| (e.value, e.chance())).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    SeekChart {
        title: format!("Chance of {} against {}", target_words(s), s.lever.key),
        x_label: s
            .lever
            .lever
            .map_or(s.lever.key.clone(), |l| l.words.trim_end_matches(',').to_string()),
        footer: super::charts::footer(s.runs as usize, s.seed),
        low: s.lever.low,
        high: s.lever.high,
        points,
        asked: s.chance,
        answer: s.search.answer().map(|e| (e.value, e.chance())),
    }
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
            .build_cartesian_2d(self.low..self.high, 0f64..1.0)?;
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc("Chance of meeting the target")
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .label_style((FAMILY, 2.2 * u))
            .axis_desc_style((FAMILY, 2.4 * u))
            .light_line_style(RGBColor(0xE3, 0xE3, 0xE3))
            .draw()?;
        let width = px(0.35).max(1) as u32;
        chart
            .draw_series(LineSeries::new(
                [(self.low, self.asked), (self.high, self.asked)],
                GREY.stroke_width(width),
            ))?
            .label(format!("Asked: {}", text::percent(self.asked)))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], GREY.stroke_width(width)));
        chart
            .draw_series(LineSeries::new(self.points.iter().copied(), BLUE.stroke_width(width)))?
            .label("Chance at each value tried")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(width)));
        let r = px(0.7).max(2);
        chart.draw_series(self.points.iter().map(|&p| Circle::new(p, r, BLUE.filled())))?;
        if let Some((x, y)) = self.answer {
            chart
                .draw_series(LineSeries::new([(x, 0.0), (x, 1.0)], VERMILLION.stroke_width(width)))?
                .label(format!("Answer: {}", fmt_value(x)))
                .legend(move |(a, b)| PathElement::new([(a, b), (a + 20, b)], VERMILLION.stroke_width(width)));
            chart.draw_series([Circle::new((x, y), r * 2, VERMILLION.filled())])?;
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
    let mut body = format!("<h1>Goal seek: {}</h1>\n", escape(&s.scenario.name));
    for line in sentences(s) {
        body.push_str(&format!("<p>{}</p>\n", escape(&line)));
    }
    body.push_str(&format!(
        "<figure>{}</figure>\n",
        inline_svg(svg, "seek-chart", &chart(s).title)
    ));
    body.push_str(
        "<h2>Every value tried</h2>\n<table>\n<tr><th>Value</th><th>Chance</th><th>Standard error</th><th>Mean spend over the projection</th><th>Meets</th></tr>\n",
    );
    let mut tried: Vec<&Evaluation> = s.search.tried.iter().collect();
    tried.sort_by(|a, b| a.value.total_cmp(&b.value));
    for e in tried {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            value_text(s.lever, e.value),
            text::percent(e.chance()),
            points(e.chance_se()),
            escape(&text::money(e.spend_mean)),
            if e.meets(s.chance) { "yes" } else { "no" }
        ));
    }
    body.push_str("</table>\n<h2>How it was found and how to repeat it</h2>\n");
    body.push_str(&format!(
        "<p>Every value was run {} times with seed {}, the same runs for every value (common random numbers), so the chance moves smoothly with the lever. The search tried up to nine values spread over the range, then halved the gap around the asked chance down to the lever's step. A chance that moves by no more than {} across the range counts as not moved.</p>\n",
        s.runs,
        s.seed,
        points(s.search.tolerance)
    ));
    let sets: String = sets.iter().map(|x| format!(" --set {}", escape(x))).collect();
    if has_answer {
        body.push_str(&format!(
            "<p>The scenario with the answer applied is <code>{ANSWER}</code>: <code>caseload run {ANSWER} --runs {} --seed {}</code> gives the same runs.{}</p>\n",
            s.runs,
            s.seed,
            if sets.is_empty() { String::new() } else { format!(" (Given with{sets}.)") }
        ));
    }
    page(&format!("Goal seek: {}", s.scenario.name), &body)
}
