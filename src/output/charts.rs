//! Charts: pure functions from summaries to SVG text and PNG bytes.
//!
//! A [`Chart`] is the data of one picture (series already taken from the
//! summaries); [`Chart::draw`] draws it on any plotters backend, so tests
//! render SVG into a string and `run` renders the same drawing as PNG into
//! memory. Nothing here touches the file system: `output::files` writes.
//!
//! Text is drawn with the bundled DejaVu Sans (assets/fonts), registered
//! with plotters' ab_glyph support, so charts render the same on a machine
//! with no system fonts. Colours are the Okabe-Ito palette, which people
//! with the common colour-vision deficiencies can tell apart, and every
//! series also differs by lightness or dash so a greyscale print still
//! reads. Bands are the same percentiles as summary.csv: 50% of runs
//! is p25 to p75, 90% of runs is p05 to p95.

use crate::analysis::backtest::{Backtest, Evaluation, Forecast, Measure};
use crate::analysis::drivers::{Drivers, Outcome};
use crate::error::Error;
use crate::model::Metric;
use crate::model::params::{HistoryPoint, Organisation, Scenario, YearMonth};
use crate::scenario::describe::calendar_month;
use crate::stats::{Cell, Summary};
use crate::text;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::OnceLock;

/// The size of an SVG chart (its viewBox) and of a PNG chart, in pixels.
/// Every size inside a chart is a share of its height, so both look alike.
pub const SVG_SIZE: (u32, u32) = (1200, 675);
pub const PNG_SIZE: (u32, u32) = (1600, 900);

/// DejaVu Sans, bundled so that no system font or fontconfig is needed.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The family every text of a chart uses; an SVG names it, so a browser
/// falls back to its own sans-serif font.
pub(crate) const FAMILY: &str = "sans-serif";

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the bundled font assets/fonts/DejaVuSans.ttf could not be read")]
    Font,
    #[error("the summary has no {0} metric")]
    MissingMetric(&'static str),
    #[error("drawing the {chart} chart: {message}")]
    Drawing { chart: String, message: String },
    #[error("encoding the {chart} chart as PNG: {message}")]
    Png { chart: String, message: String },
}

/// A chart that could not be made, as the program's error
/// ([`Error::Render`]), naming the chart or file.
impl From<ChartError> for Error {
    fn from(e: ChartError) -> Error {
        match e {
            ChartError::Font | ChartError::MissingMetric(_) => Error::render("charts", e),
            ChartError::Drawing { chart, message } => Error::render(format!("the {chart} chart"), message),
            ChartError::Png { chart, message } => Error::render(format!("{chart}.png"), message),
        }
    }
}

/// A drawing failure, whatever the backend.
#[derive(Debug)]
pub struct DrawFailed(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawFailed {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawFailed(e.to_string())
    }
}

/// Registers the bundled font with plotters, once per process.
pub(crate) fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

// Okabe-Ito colours and the tints made from them.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const INK: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
const GREY: RGBColor = RGBColor(0x59, 0x59, 0x59);
const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
/// The 90% band (light) and the 50% band (darker) of a single fan.
const BAND_90: RGBColor = RGBColor(0xC6, 0xDF, 0xF1);
const BAND_50: RGBColor = RGBColor(0x7C, 0xB4, 0xDD);
const NAVY: RGBColor = RGBColor(0x08, 0x30, 0x6B);
/// Permanent staff on the workforce chart.
const PERMANENT: RGBColor = RGBColor(0x1F, 0x4E, 0x8C);

/// Scenario colours in a comparison, baseline first.
const PALETTE: [RGBColor; 6] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY];

/// How a line is drawn, so series differ without colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dash {
    Solid,
    /// Dash length and gap, in shares of the chart's height.
    Dashed(f64, f64),
}

/// The dash of the `i`th scenario of a comparison.
fn dash_of(i: usize) -> Dash {
    match i % 4 {
        0 => Dash::Solid,
        1 => Dash::Dashed(0.024, 0.012),
        2 => Dash::Dashed(0.006, 0.008),
        _ => Dash::Dashed(0.036, 0.010),
    }
}

/// A line: its label, values by month, colour and dash.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub values: Vec<f64>,
    pub colour: RGBColor,
    pub dash: Dash,
    /// Relative width (1 is the normal line).
    pub width: f64,
}

/// A shaded band between two percentiles, by month.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub label: String,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
    pub colour: RGBColor,
    /// 1 for an opaque band; less lets overlapping bands show through.
    pub opacity: f64,
}

/// How a point is marked: a shape, so that series of points differ
/// without colour and stand out from lines and bands in greyscale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Diamond,
    Triangle,
    Square,
}

/// Dated values drawn as markers, such as a council's published figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    pub label: String,
    /// (months from the chart's start, value): a month before the start is
    /// negative, and the axis reaches back to hold it.
    pub at: Vec<(f64, f64)>,
    pub colour: RGBColor,
    pub marker: Marker,
}

/// How the numbers of an axis are written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Units {
    Plain,
    Percent,
    Money,
}

/// One set of axes: bands drawn first, then lines, over a month axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub heading: Option<String>,
    pub y_label: String,
    pub units: Units,
    pub bands: Vec<Band>,
    pub lines: Vec<Line>,
    /// Markers drawn over everything else (published actual values).
    pub points: Vec<Points>,
    /// The target band (low, high), shaded with dashed edges.
    pub target: Option<(f64, f64)>,
    /// A reference line across the chart and its label (0 for a
    /// difference, 50% for a probability).
    pub reference: Option<(f64, String)>,
    /// A fixed y range; otherwise one that holds every finite value.
    pub y_range: Option<(f64, f64)>,
    /// When set, line `i` and band `i` belong together (one scenario, or
    /// one measure's median and range): the legend shows them as one entry,
    /// lists any lines beyond the bands alone, and this note says what the
    /// bands hold.
    pub band_note: Option<String>,
    /// Dated changes marked with a dashed line and a label above the plot.
    pub events: Vec<Event>,
}

impl Panel {
    pub fn new(y_label: &str, units: Units) -> Panel {
        Panel {
            heading: None,
            y_label: y_label.to_string(),
            units,
            bands: Vec::new(),
            lines: Vec::new(),
            points: Vec::new(),
            target: None,
            reference: None,
            y_range: None,
            band_note: None,
            events: Vec::new(),
        }
    }
}

/// A dated change in a scenario, marked on the charts so that a step in a
/// fan has its reason beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The first month the change applies (for a yearly event, its first
    /// month in the chart).
    pub month: YearMonth,
    pub label: String,
    /// Happens every year in this calendar month (the ASYE intake): marked
    /// by small ticks and labelled once.
    pub yearly: bool,
}

/// The dated changes of a scenario that fall within its projection, in
/// date order: managed teams starting and ending, establishment changes,
/// enhanced payments starting and ending, demand shocks starting and
/// ending, and the yearly ASYE intake. A change in the first month is
/// already in force at the start, so it is not a step and is left out; an
/// end is the first month without the change (the month after `to`).
pub fn events(s: &Scenario) -> Vec<Event> {
    let last = s.month_at(s.months.saturating_sub(1));
    let mut out = Vec::new();
    let mut add = |month: YearMonth, label: String| {
        if month > s.start && month <= last {
            out.push(Event {
                month,
                label,
                yearly: false,
            });
        }
    };
    let after = |m: YearMonth| m.plus(1);
    if let Some(a) = &s.agency {
        for b in &a.managed_team {
            add(b.from, format!("Managed team starts ({} FTE)", text::number(b.fte)));
            if let Some(to) = b.to {
                add(after(to), "Managed team ends".to_string());
            }
        }
    }
    for ch in &s.workforce.establishment_changes {
        add(ch.from, format!("{} FTE posts", text::signed_number(ch.change_fte)));
    }
    let p = &s.payments;
    for (payment, name) in [
        (&p.recruitment_bonus, "Recruitment bonus"),
        (&p.retention, "Retention payment"),
        (&p.market_supplement, "Market supplement"),
    ] {
        if let Some(payment) = payment {
            add(payment.from, format!("{name} starts"));
            if let Some(to) = payment.to {
                add(after(to), format!("{name} ends"));
            }
        }
    }
    for shock in &s.demand.shocks {
        let about = if shock.multiplier.is_fixed() { "" } else { "about " };
        let demand = format!("Demand {about}×{}", text::number(shock.multiplier.central()));
        add(shock.from, format!("{demand} starts"));
        if let Some(to) = shock.to {
            add(after(to), format!("{demand} ends"));
        }
    }
    if let Some(a) = &s.asye
        && !(a.intake_per_year.is_fixed() && a.intake_per_year.central() == 0.0)
    {
        let first = (1..s.months)
            .map(|t| s.month_at(t))
            .find(|m| m.month() == a.intake_month);
        if let Some(month) = first {
            out.push(Event {
                month,
                label: format!("ASYE intake (each {})", calendar_month(a.intake_month)),
                yearly: true,
            });
        }
    }
    out.sort_by_key(|e| e.month);
    out
}

/// What a chart's x axis counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XAxis {
    /// Months from the chart's start, labelled by month.
    Months,
    /// Years after a start year: value `i` of a series is `i + 1` years on.
    YearsAhead,
}

/// One chart: a title, one or more panels side by side, and a footer saying
/// where the figures come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The file stem: `caseload` gives caseload.svg and caseload.png.
    pub name: String,
    pub title: String,
    pub footer: String,
    pub start: YearMonth,
    /// Values in each series: months, or years with [`XAxis::YearsAhead`].
    pub months: usize,
    pub x_axis: XAxis,
    pub panels: Vec<Panel>,
    /// When not empty, the chart is these horizontal bars instead of its
    /// panels (the drivers' tornado).
    pub bars: Vec<Bar>,
}

/// One horizontal bar: its label, its value (a share, 0 to 1) and colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub colour: RGBColor,
}

/// What the bands of a comparison hold.
const NOTE_50: &str = "Shaded: 50% of runs (p25–p75)";
const NOTE_90: &str = "Shaded: 90% of runs (p05–p95)";
/// What the workforce chart's lines and bands hold.
const NOTE_WORKFORCE: &str = "Lines: medians · shaded: 90% range of runs (p05–p95)";

/// `runs · seed · version`, the footer of every chart.
pub fn footer(runs: usize, seed: u64) -> String {
    format!("{runs} runs · seed {seed} · caseload {}", env!("CARGO_PKG_VERSION"))
}

/// A metric's cells month by month.
fn cells(summary: &Summary, metric: Metric) -> Result<Vec<Cell>, ChartError> {
    let k = summary
        .index(metric.name())
        .ok_or(ChartError::MissingMetric(metric.name()))?;
    Ok((0..summary.months).map(|t| *summary.cell(t, k)).collect())
}

fn column(cells: &[Cell], f: impl Fn(&Cell) -> f64) -> Vec<f64> {
    cells.iter().map(f).collect()
}

fn band(label: &str, cells: &[Cell], wide: bool, colour: RGBColor, opacity: f64) -> Band {
    let (low, high) = if wide {
        (column(cells, Cell::p05), column(cells, Cell::p95))
    } else {
        (column(cells, Cell::p25), column(cells, Cell::p75))
    };
    Band {
        label: label.to_string(),
        low,
        high,
        colour,
        opacity,
    }
}

fn line(label: &str, values: Vec<f64>, colour: RGBColor, dash: Dash, width: f64) -> Line {
    Line {
        label: label.to_string(),
        values,
        colour,
        dash,
        width,
    }
}

/// A target's number as people write it: `25`, `22.5`.
fn target_text(x: f64) -> String {
    text::number(x)
}

/// The charts of one scenario's run: caseload, workforce, target, cost.
pub fn run_charts(s: &Scenario, summary: &Summary, seed: u64) -> Result<Vec<Chart>, ChartError> {
    let foot = footer(summary.runs, seed);
    let chart = |name: &str, title: String, panels: Vec<Panel>| Chart {
        name: name.to_string(),
        title,
        footer: foot.clone(),
        start: s.start,
        months: summary.months,
        x_axis: XAxis::Months,
        panels,
        bars: Vec::new(),
    };
    let marks = events(s);
    let fan = caseload_panel(s, summary, &marks)?;
    let workforce = workforce_panel(s, summary, &marks)?;
    let target = target_panel(s, summary)?;
    let monthly = monthly_spend_panel(summary)?;
    let total = cumulative_spend_panel(summary)?;
    let mut charts = vec![
        chart("caseload", format!("Average caseload: {}", s.name), vec![fan]),
        chart(
            "workforce",
            format!("Social workers against funded posts: {}", s.name),
            vec![workforce],
        ),
        chart(
            "target",
            format!(
                "Chance the caseload is within the target of {}: {}",
                target_text(s.target.high),
                s.name
            ),
            vec![target],
        ),
        chart("cost", format!("Spend: {}", s.name), vec![monthly, total]),
    ];
    if let Some(org) = &s.organisation {
        let teams = team_panels(org, summary);
        if !teams.is_empty() {
            charts.push(chart("teams", format!("Average caseload by team: {}", s.name), teams));
        }
        if let Some(span) = span_panel(org, summary) {
            charts.push(chart(
                "span",
                format!("Social workers per manager: {}", s.name),
                vec![span],
            ));
        }
    }
    Ok(charts)
}

/// A metric's cells by name (team and role metrics are named at run time);
/// `None` when the summary lacks it.
fn cells_named(summary: &Summary, name: &str) -> Option<Vec<Cell>> {
    let k = summary.index(name)?;
    Some((0..summary.months).map(|t| *summary.cell(t, k)).collect())
}

/// A fan of median, 50% and 90% of runs.
fn fan_panel(y_label: &str, cells: &[Cell]) -> Panel {
    let mut fan = Panel::new(y_label, Units::Plain);
    fan.bands = vec![
        band("90% of runs (p05–p95)", cells, true, BAND_90, 1.0),
        band("50% of runs (p25–p75)", cells, false, BAND_50, 1.0),
    ];
    fan.lines = vec![line("Median", column(cells, Cell::p50), NAVY, Dash::Solid, 1.6)];
    fan
}

/// Small multiples: each declared team's caseload fan with its own band.
fn team_panels(org: &Organisation, summary: &Summary) -> Vec<Panel> {
    if !org.teams_declared {
        return Vec::new();
    }
    org.teams
        .iter()
        .filter_map(|team| {
            let cells = cells_named(summary, &format!("caseload_{}", team.name))?;
            let mut fan = fan_panel("Cases per case-holding FTE", &cells);
            // The name alone: panels sit side by side, and the report's
            // table says which case states each team holds.
            fan.heading = Some(crate::text::team_name(&team.name));
            fan.target = Some((team.target.low, team.target.high));
            Some(fan)
        })
        .collect()
}

/// The council's span of control: social workers per manager, with the
/// target as a reference line.
fn span_panel(org: &Organisation, summary: &Summary) -> Option<Panel> {
    let cells = cells_named(summary, crate::model::metrics::SPAN_OF_CONTROL)?;
    if cells.iter().all(|c| !c.p50().is_finite()) {
        return None;
    }
    let mut fan = fan_panel("Social workers per manager (FTE)", &cells);
    if let Some(target) = org.span_of_control {
        fan.reference = Some((target, format!("Target: {}", target_text(target))));
    }
    Some(fan)
}

/// The caseload fan: median, 50% and 90% of runs, the target band, the
/// published figures and the scenario's dated changes.
fn caseload_panel(s: &Scenario, summary: &Summary, marks: &[Event]) -> Result<Panel, ChartError> {
    let caseload = cells(summary, Metric::Caseload)?;
    let mut fan = Panel::new("Cases per case-holding FTE", Units::Plain);
    fan.bands = vec![
        band("90% of runs (p05–p95)", &caseload, true, BAND_90, 1.0),
        band("50% of runs (p25–p75)", &caseload, false, BAND_50, 1.0),
    ];
    fan.lines = vec![line("Median", column(&caseload, Cell::p50), NAVY, Dash::Solid, 1.6)];
    fan.target = Some((s.target.low, s.target.high));
    fan.points.extend(history_points(
        s,
        &format!("Published ({})", published_label(s)),
        |h| h.caseload,
        INK,
        Marker::Circle,
    ));
    fan.events = marks.to_vec();
    Ok(fan)
}

/// The workshop page's caseload chart: another scenario's median (the
/// starting position) beside the plan's fan, grey and dashed, so the room
/// sees what the plan moves.
pub fn add_caseload_median(chart: &mut Chart, label: &str, summary: &Summary) -> Result<(), ChartError> {
    let caseload = cells(summary, Metric::Caseload)?;
    if let Some(panel) = chart.panels.first_mut() {
        panel.lines.push(line(
            label,
            column(&caseload, Cell::p50),
            GREY,
            Dash::Dashed(0.024, 0.012),
            1.3,
        ));
    }
    Ok(())
}

/// Permanent and agency staff, each its median and 90% of runs, against
/// the funded posts: lines rather than stacked areas, since the
/// percentiles of a sum are not the sum of percentiles.
fn workforce_panel(s: &Scenario, summary: &Summary, marks: &[Event]) -> Result<Panel, ChartError> {
    let median = |m: Metric| cells(summary, m).map(|c| column(&c, Cell::p50));
    let permanent = cells(summary, Metric::PermanentFte)?;
    let agency = cells(summary, Metric::AgencyFte)?;
    let mut workforce = Panel::new("FTE", Units::Plain);
    workforce.bands = vec![
        band("Permanent", &permanent, true, PERMANENT, 0.22),
        band("Agency", &agency, true, ORANGE, 0.3),
    ];
    workforce.lines = vec![
        line(
            "Permanent in post (incl. ASYE)",
            column(&permanent, Cell::p50),
            PERMANENT,
            Dash::Solid,
            1.6,
        ),
        line(
            "Agency (incl. managed team)",
            column(&agency, Cell::p50),
            ORANGE,
            dash_of(3),
            1.6,
        ),
        line(
            "Establishment (funded posts)",
            median(Metric::EstablishmentFte)?,
            INK,
            Dash::Solid,
            1.2,
        ),
        line("Of whom ASYE", median(Metric::AsyeFte)?, SKY, dash_of(2), 1.2),
        line("Vacant posts", median(Metric::VacancyFte)?, VERMILLION, dash_of(1), 1.2),
    ];
    workforce.band_note = Some(NOTE_WORKFORCE.to_string());
    workforce.events = marks.to_vec();
    let published = published_label(s);
    workforce.points.extend(
        [
            history_points(
                s,
                &format!("Published in post ({published})"),
                |h| h.in_post_fte,
                PERMANENT,
                Marker::Circle,
            ),
            history_points(s, "Published agency", |h| h.agency_fte, ORANGE, Marker::Triangle),
            history_points(
                s,
                "Published vacant posts",
                |h| h.vacancy_fte,
                VERMILLION,
                Marker::Square,
            ),
        ]
        .into_iter()
        .flatten(),
    );
    Ok(workforce)
}

/// The share of runs at or below the target and at or below the low end
/// of the target band, month by month.
fn target_panel(s: &Scenario, summary: &Summary) -> Result<Panel, ChartError> {
    let (low, high) = (s.target.low, s.target.high);
    let mean_percent = |m: Metric| cells(summary, m).map(|c| c.iter().map(|c| c.mean * 100.0).collect::<Vec<_>>());
    let mut target = Panel::new("Share of runs (%)", Units::Percent);
    target.lines = vec![
        line(
            &format!("At or below {} (the target)", target_text(high)),
            mean_percent(Metric::AtOrBelowHigh)?,
            BLUE,
            Dash::Solid,
            1.4,
        ),
        line(
            &format!("At or below {} (the low end of the band)", target_text(low)),
            mean_percent(Metric::AtOrBelowLow)?,
            VERMILLION,
            dash_of(1),
            1.4,
        ),
    ];
    target.reference = Some((50.0, "Half of runs".to_string()));
    target.y_range = Some((0.0, 104.0));
    Ok(target)
}

/// Average monthly spend by kind, and the ASYE grant as income when there
/// is one.
fn monthly_spend_panel(summary: &Summary) -> Result<Panel, ChartError> {
    let mean = |m: Metric| cells(summary, m).map(|c| column(&c, |c| c.mean));
    let mut monthly = Panel::new("£ a month (average across runs)", Units::Money);
    monthly.heading = Some("Monthly spend by kind".to_string());
    // cost_recruitment is net of the ASYE grant (MODEL.md step 11): the
    // chart adds the grant back and draws it as income of its own, so
    // recruitment spend never dips below zero because of it.
    let grant = mean(Metric::AsyeGrantIncome)?;
    let recruitment: Vec<f64> = mean(Metric::CostRecruitment)?
        .iter()
        .zip(&grant)
        .map(|(net, g)| net + g)
        .collect();
    let kinds = [
        ("Permanent", mean(Metric::CostPermanent)?, BLUE),
        ("Agency", mean(Metric::CostAgency)?, ORANGE),
        ("Enhanced payments", mean(Metric::CostPayments)?, GREEN),
        ("Recruitment", recruitment, PURPLE),
    ];
    let drawn = kinds.len();
    for (i, (label, values, colour)) in kinds.into_iter().enumerate() {
        monthly.lines.push(line(label, values, colour, dash_of(i), 1.2));
    }
    if grant.iter().any(|&x| x > 0.0) {
        monthly
            .lines
            .push(line("ASYE grant received (income)", grant, SKY, dash_of(drawn), 1.2));
    }
    Ok(monthly)
}

/// Cumulative spend: its median and 90% of runs.
fn cumulative_spend_panel(summary: &Summary) -> Result<Panel, ChartError> {
    let cumulative = cells(summary, Metric::CostCumulative)?;
    let mut total = Panel::new("£ since the start", Units::Money);
    total.heading = Some("Cumulative spend".to_string());
    total.bands = vec![band("90% of runs (p05–p95)", &cumulative, true, BAND_90, 1.0)];
    total.lines = vec![line("Median", column(&cumulative, Cell::p50), NAVY, Dash::Solid, 1.4)];
    Ok(total)
}

/// A backtest chart's file stem: `backtest-in-post`.
pub fn backtest_chart_name(measure: Measure) -> String {
    format!("backtest-{}", measure.name().replace('_', "-"))
}

/// The charts of a backtest, one per measure: the projection from the
/// start year (median, 50% and 90% of runs), the published values before
/// the start, and what was published after it.
pub fn backtest_charts(b: &Backtest, seed: u64) -> Vec<Chart> {
    let s = &b.setup.loaded.scenario;
    let mut out = Vec::new();
    for (measure, cells) in &b.projections {
        let y_label = match measure {
            Measure::InPost => "FTE in post",
            Measure::Agency => "Agency FTE",
            Measure::Caseload => "Cases per case-holding FTE (published basis)",
        };
        let mut panel = Panel::new(y_label, Units::Plain);
        panel.bands = vec![
            band("90% of runs (p05–p95)", cells, true, BAND_90, 1.0),
            band("50% of runs (p25–p75)", cells, false, BAND_50, 1.0),
        ];
        panel.lines = vec![line("Median", column(cells, Cell::p50), NAVY, Dash::Solid, 1.6)];
        let before = history_points(
            s,
            "Published before the start",
            |h| match measure {
                Measure::InPost => h.in_post_fte,
                Measure::Agency => h.agency_fte,
                Measure::Caseload => h.caseload,
            },
            GREY,
            Marker::Circle,
        );
        let after: Vec<(f64, f64)> = b
            .rows
            .iter()
            .filter(|r| r.measure == *measure)
            .filter_map(|r| Some((s.start.months_until(r.date) as f64, r.actual?)))
            .collect();
        panel.points.extend(before);
        if !after.is_empty() {
            panel.points.push(Points {
                label: "What happened (published 30 September)".to_string(),
                at: after,
                colour: INK,
                marker: Marker::Diamond,
            });
        }
        out.push(Chart {
            name: backtest_chart_name(*measure),
            title: format!(
                "{}, {}: projected from 30 September {} against what happened",
                measure.words(),
                b.setup.council,
                b.setup.from
            ),
            footer: footer(b.runs, seed),
            start: s.start,
            months: cells.len(),
            x_axis: XAxis::Months,
            panels: vec![panel],
            bars: Vec::new(),
        });
    }
    out
}

/// The file stem of the chart of coverage by years ahead.
pub const COVERAGE_CHART: &str = "coverage_by_years_ahead";

/// The model's coverage by years ahead, pooled over every origin: a panel
/// per measure with the share of published values inside the 90% and the
/// 50% band, against the shares they should hold (9 in 10 and half). A
/// year without values scored leaves a gap. `whose` says whose backtest
/// it is, for the title. None when nothing was projected.
pub fn coverage_chart(e: &Evaluation, whose: &str, runs: usize, seed: u64) -> Option<Chart> {
    // The axis counts years, not months; the start is the first
    // projection's, for the record.
    let start = YearMonth::new(*e.origins.first()?, 10)?;
    let years = usize::try_from(e.longest).unwrap_or(0).max(1);
    let panels = Measure::ALL
        .iter()
        .map(|m| {
            let share = |band: fn(&crate::analysis::score::Score) -> Option<f64>| -> Vec<f64> {
                (1..=years as i32)
                    .map(|y| {
                        e.score(None, *m, Some(y), Forecast::Model)
                            .and_then(band)
                            .map_or(f64::NAN, |x| x * 100.0)
                    })
                    .collect()
            };
            let mut panel = Panel::new("Published values inside the band (%)", Units::Percent);
            panel.heading = Some(m.words().to_string());
            panel.lines = vec![
                line(
                    "Inside the 90% band",
                    share(|s| s.coverage_90()),
                    BLUE,
                    Dash::Solid,
                    1.6,
                ),
                line(
                    "Inside the 50% band",
                    share(|s| s.coverage_50()),
                    VERMILLION,
                    dash_of(1),
                    1.6,
                ),
                line("9 in 10 should be", vec![90.0; years], GREY, dash_of(2), 0.9),
                line("Half should be", vec![50.0; years], GREY, dash_of(3), 0.9),
            ];
            panel.y_range = Some((0.0, 104.0));
            panel
        })
        .collect();
    Some(Chart {
        name: COVERAGE_CHART.to_string(),
        title: format!("How often what was published fell inside the projection's bands, by years ahead: {whose}"),
        footer: footer(runs, seed),
        start,
        months: years,
        x_axis: XAxis::YearsAhead,
        panels,
        bars: Vec::new(),
    })
}

/// When a scenario's history is dated: "30 September" when every date is
/// a September (the published workforce figures), else "actual values".
fn published_label(s: &Scenario) -> &'static str {
    if s.history.iter().all(|h| h.date.month() == 9) {
        "30 September"
    } else {
        "actual values"
    }
}

/// One value of a scenario's history as points, or none when no date has it.
fn history_points(
    s: &Scenario,
    label: &str,
    value: impl Fn(&HistoryPoint) -> Option<f64>,
    colour: RGBColor,
    marker: Marker,
) -> Option<Points> {
    let at: Vec<(f64, f64)> = s
        .history
        .iter()
        .filter_map(|h| Some((s.start.months_until(h.date) as f64, value(h)?)))
        .collect();
    (!at.is_empty()).then(|| Points {
        label: label.to_string(),
        at,
        colour,
        marker,
    })
}

/// The charts of a comparison: every scenario's median caseload with its
/// 50% band, the paired difference from the baseline with its 90% band,
/// and every scenario's cumulative spend with its 50% band.
/// `scenarios[0]` is the baseline; `differences[i]` is scenario `i + 1`
/// minus the baseline, run by run.
pub fn comparison_charts(
    scenarios: &[(&Scenario, &Summary)],
    differences: &[&Summary],
    seed: u64,
) -> Result<Vec<Chart>, ChartError> {
    let Some((base, base_summary)) = scenarios.first() else {
        return Ok(Vec::new());
    };
    let foot = footer(base_summary.runs, seed);
    let chart = |name: &str, title: String, panels: Vec<Panel>| Chart {
        name: name.to_string(),
        title,
        footer: foot.clone(),
        start: base.start,
        months: base_summary.months,
        x_axis: XAxis::Months,
        panels,
        bars: Vec::new(),
    };
    // One line and band per scenario, in the scenario's colour and dash;
    // `first` is the index of the first scenario drawn (1 for differences,
    // which have none for the baseline).
    let fan = |panel: &mut Panel, summaries: &[&Summary], first: usize, metric: Metric, wide: bool| {
        for (i, summary) in summaries.iter().enumerate() {
            let i = i + first;
            let Some((s, _)) = scenarios.get(i) else { continue };
            let c = cells(summary, metric)?;
            let colour = PALETTE[i % PALETTE.len()];
            panel.bands.push(band(&s.name, &c, wide, colour, 0.22));
            panel
                .lines
                .push(line(&s.name, column(&c, Cell::p50), colour, dash_of(i), 1.4));
        }
        panel.band_note = Some(if wide { NOTE_90 } else { NOTE_50 }.to_string());
        Ok::<(), ChartError>(())
    };
    let own: Vec<&Summary> = scenarios.iter().map(|(_, summary)| *summary).collect();
    let mut caseload = Panel::new("Cases per case-holding FTE", Units::Plain);
    fan(&mut caseload, &own, 0, Metric::Caseload, false)?;
    caseload.target = Some((base.target.low, base.target.high));

    let mut difference = Panel::new("Caseload difference (scenario minus baseline)", Units::Plain);
    fan(&mut difference, differences, 1, Metric::Caseload, true)?;
    difference.reference = Some((0.0, "No difference".to_string()));

    let mut cost = Panel::new("£ since the start", Units::Money);
    cost.heading = Some("Cumulative spend".to_string());
    fan(&mut cost, &own, 0, Metric::CostCumulative, false)?;
    let mut cost_difference = Panel::new("£ (scenario minus baseline)", Units::Money);
    cost_difference.heading = Some("Difference from the baseline (paired runs)".to_string());
    fan(&mut cost_difference, differences, 1, Metric::CostCumulative, true)?;
    cost_difference.reference = Some((0.0, "No difference".to_string()));

    Ok(vec![
        chart(
            "comparison-caseload",
            format!("Average caseload by scenario (baseline: {})", base.name),
            vec![caseload],
        ),
        chart(
            "comparison-difference",
            format!("Change in caseload against {} (paired runs)", base.name),
            vec![difference],
        ),
        chart(
            "comparison-cost",
            format!("Spend by scenario (baseline: {})", base.name),
            vec![cost, cost_difference],
        ),
    ])
}

/// The x-axis months to label, between offsets `first` and `last` from
/// `start` (negative before it): quarters, half years (April and October,
/// the halves of councils' financial year), Aprils or every few Aprils,
/// depending on the span.
fn month_ticks(start: YearMonth, first: i64, last: i64, narrow: bool) -> Vec<f64> {
    let at = |t: i64| shift(start, t);
    let all = first..=last;
    let months = usize::try_from(last - first + 1).unwrap_or(0);
    // A narrow panel has room for half as many labels.
    let months_for_spacing = if narrow { months * 2 } else { months };
    let picked: Vec<i64> = match months_for_spacing {
        0..=6 => all.collect(),
        _ if months <= 6 => all.step_by(2).collect(),
        7..=18 => all.filter(|&t| at(t).month() % 3 == 1).collect(),
        19..=48 => all.filter(|&t| matches!(at(t).month(), 4 | 10)).collect(),
        _ => {
            let every = (months_for_spacing / 96).max(1) as i32;
            all.filter(|&t| at(t).month() == 4 && (at(t).year() - start.year()).rem_euclid(every) == 0)
                .collect()
        }
    };
    picked.into_iter().map(|t| t as f64).collect()
}

/// The month `n` months after `start` (before it when `n` is negative).
fn shift(start: YearMonth, n: i64) -> YearMonth {
    let index = i64::from(start.year()) * 12 + i64::from(start.month()) - 1 + n;
    i32::try_from(index.div_euclid(12))
        .ok()
        .and_then(|year| YearMonth::new(year, index.rem_euclid(12) as u32 + 1))
        .unwrap_or(start)
}

/// An axis labelled only at `ticks`: the months (as numbers from 0) and
/// the values. The ticks are computed here, never by plotters, whose own
/// search for ticks does not end on some extreme ranges.
struct TickAxis {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl Ranged for TickAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, (from, to): (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        if !(span.is_finite() && span > 0.0) {
            return from;
        }
        // Clamped so that a value far off the axis cannot overflow a pixel
        // coordinate (a NaN share maps to the axis' start).
        let share = ((v - self.range.start) / span).clamp(-1.0, 2.0);
        from.saturating_add((f64::from(to - from) * share).round() as i32)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.max_num_points() == 0 {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// `Apr 2022`.
fn month_label(start: YearMonth, x: f64) -> String {
    let m = shift(start, x.round() as i64);
    let name = calendar_month(m.month());
    format!("{} {}", name.get(..3).unwrap_or(name), m.year())
}

/// A tick label: `£1.2m`, `£450k`, `40%`, `22.5`.
fn axis_label(units: Units, scale: f64, x: f64) -> String {
    let plain = |x: f64| {
        if x.abs() >= 1e15 {
            // 1.8e307, not three hundred digits.
            return format!("{x:.1e}");
        }
        let text = format!("{x:.2}");
        let text = text.trim_end_matches('0').trim_end_matches('.').to_string();
        if text == "-0" { "0".to_string() } else { text }
    };
    match units {
        Units::Plain => plain(x),
        Units::Percent => format!("{}%", plain(x)),
        Units::Money => text::money_compact(x, scale),
    }
}

/// The y range that holds every finite value (and the target band and
/// reference line), from 0 unless values are negative, with some room.
fn y_range(panel: &Panel) -> (f64, f64) {
    if let Some((lo, hi)) = panel.y_range {
        return drawable(lo, hi);
    }
    let mut values: Vec<f64> = Vec::new();
    for b in &panel.bands {
        values.extend(b.low.iter().chain(&b.high));
    }
    for l in &panel.lines {
        values.extend(&l.values);
    }
    for p in &panel.points {
        values.extend(p.at.iter().map(|(_, y)| *y));
    }
    if let Some((low, high)) = panel.target {
        values.extend([low, high]);
    }
    values.extend(panel.reference.as_ref().map(|r| r.0));
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((0.0f64, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    // Nothing finite leaves `hi` at minus infinity: an empty axis from `lo`.
    let (lo, hi) = drawable(lo, hi.max(lo));
    let room = (hi - lo) * 0.08;
    let lo = if lo < 0.0 { lo - room } else { 0.0 };
    (lo, hi + room)
}

/// The largest value a y axis reaches: a quarter of the largest float, so
/// that the axis' span, with room above and below, is a finite number.
const Y_LIMIT: f64 = f64::MAX / 4.0;

/// The most values labelled on a y axis.
const Y_LABELS: usize = 8;

/// `lo..hi` made drawable whatever it was: NaN read as 0, values within
/// ±[`Y_LIMIT`], and a range too narrow to tell ticks apart (empty, flat,
/// or within a billionth of its size) widened to one unit or a thousandth
/// of its size, whichever is more.
fn drawable(lo: f64, hi: f64) -> (f64, f64) {
    let clean = |v: f64| if v.is_nan() { 0.0 } else { v.clamp(-Y_LIMIT, Y_LIMIT) };
    let (lo, hi) = (clean(lo), clean(hi));
    let size = lo.abs().max(hi.abs());
    if hi - lo > (size * 1e-9).max(1e-300) {
        (lo, hi)
    } else {
        (lo, lo + (size * 1e-3).max(1.0))
    }
}

/// The values to label on an axis from `lo` to `hi`: multiples of the
/// smallest step of 1, 2 or 5 times a power of ten that gives at most
/// `most` of them. Never more than `most`, and none when the range cannot
/// be drawn (not finite, or empty), so no range can keep it going.
fn value_ticks(lo: f64, hi: f64, most: usize) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) || most == 0 {
        return Vec::new();
    }
    let count = |step: f64| (hi / step).floor() - (lo / step).ceil() + 1.0;
    let power = 10f64.powi((span / most as f64).log10().floor() as i32);
    let Some(step) = [1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step.is_finite() && step > 0.0 && count(step) <= most as f64)
    else {
        return Vec::new();
    };
    let first = (lo / step).ceil();
    (0..most)
        .map(|k| (first + k as f64) * step)
        .take_while(|&t| t <= hi)
        .collect()
}

/// A drawing as SVG text, `name` naming it in errors (any chart, such as
/// seek's, draws through this and [`png_of`]).
pub fn svg_of(
    name: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), DrawFailed>,
) -> Result<String, ChartError> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, SVG_SIZE).into_drawing_area();
        draw(&root).map_err(|e| drawing_error(name, e))?;
        root.present().map_err(|e| drawing_error(name, e.into()))?;
    }
    Ok(text)
}

/// A drawing as PNG bytes, drawn and encoded in memory.
pub fn png_of(
    name: &str,
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), DrawFailed>,
) -> Result<Vec<u8>, ChartError> {
    let (w, h) = PNG_SIZE;
    let mut pixels = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, PNG_SIZE).into_drawing_area();
        draw(&root).map_err(|e| drawing_error(name, e))?;
        root.present().map_err(|e| drawing_error(name, e.into()))?;
    }
    let png_error = |e: png::EncodingError| ChartError::Png {
        chart: name.to_string(),
        message: e.to_string(),
    };
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Fast compression: a third of the time of the default for files
    // about twice the size (some 120 kB), small enough to attach anywhere.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(png_error)?;
    writer.write_image_data(&pixels).map_err(png_error)?;
    writer.finish().map_err(png_error)?;
    Ok(bytes)
}

fn drawing_error(name: &str, e: DrawFailed) -> ChartError {
    ChartError::Drawing {
        chart: name.to_string(),
        message: e.0,
    }
}

impl Chart {
    /// The chart as SVG text: a pure function of the chart's data.
    pub fn svg(&self) -> Result<String, ChartError> {
        svg_of(&self.name, |root| self.draw(root))
    }

    /// The chart as PNG bytes, drawn and encoded in memory.
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        png_of(&self.name, |root| self.draw(root))
    }

    /// The months the x axis spans, as offsets from the start: the
    /// projection, and room for every point before or after it.
    pub fn x_span(&self) -> (f64, f64) {
        if self.x_axis == XAxis::YearsAhead {
            // Half a year of room either side of the first and last year.
            return (-0.5, self.months.max(1) as f64 - 0.5);
        }
        let (mut lo, mut hi) = if self.months > 1 {
            (0.0, (self.months - 1) as f64)
        } else {
            (-0.5, 0.5)
        };
        let xs = self
            .panels
            .iter()
            .flat_map(|p| &p.points)
            .flat_map(|p| p.at.iter().map(|a| a.0));
        for x in xs.filter(|x| x.is_finite()) {
            lo = f64::min(lo, x - POINT_ROOM);
            hi = f64::max(hi, x + POINT_ROOM);
        }
        (lo, hi)
    }

    /// Draws the chart on any backend: title, panels side by side, footer.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), DrawFailed> {
        ensure_font().map_err(|e| DrawFailed(e.to_string()))?;
        let (w, h) = root.dim_in_pixel();
        let u = f64::from(h) / 100.0;
        root.fill(&WHITE)?;
        let (lines, size) = title_layout(&self.title, f64::from(w) - 5.7 * u, u, &measure);
        let line_h = TITLE_LEADING * size;
        let top_h = (2.6 * u + lines.len() as f64 * line_h + 1.6 * u).max(9.5 * u);
        let (top, rest) = root.split_vertically(top_h);
        let (body, bottom) = rest.split_vertically(f64::from(h) - top_h - 5.0 * u);
        for (i, line) in lines.into_iter().enumerate() {
            top.draw(&Text::new(
                line,
                ((2.2 * u) as i32, (2.6 * u + i as f64 * line_h) as i32),
                text_style(size, INK, HPos::Left, VPos::Top),
            ))?;
        }
        bottom.draw(&Text::new(
            self.footer.clone(),
            ((2.2 * u) as i32, (2.0 * u) as i32),
            text_style(2.3 * u, GREY, HPos::Left, VPos::Top),
        ))?;
        if !self.bars.is_empty() {
            return draw_bars(&body, &self.bars, u);
        }
        let count = self.panels.len().max(1) as u32;
        let width = w / count;
        let mut legends = Vec::new();
        for panel in &self.panels {
            legends.push(legend_rows(&body, &legend_entries(panel), width, u)?);
        }
        // Every panel's legend takes the room of the longest, so plots align.
        let rows = legends.iter().map(Vec::len).max().unwrap_or(1);
        for (i, (panel, legend)) in self.panels.iter().zip(&legends).enumerate() {
            let x0 = width * i as u32;
            let area = body.clone().shrink((x0, 0), (width, body.dim_in_pixel().1));
            self.draw_panel(&area, panel, legend, rows, u)?;
        }
        Ok(())
    }

    /// One panel: its heading, the strip of event labels, axes and grid,
    /// then bands, lines, event marks and points, and its legend below.
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
        rows: &[LegendRow],
        row_count: usize,
        u: f64,
    ) -> Result<(), DrawFailed> {
        let (plot, legend) = panel_areas(area, panel, row_count, u)?;
        let (lo, hi) = y_range(panel);
        let (x_lo, x_hi) = self.x_span();
        let frame = Frame {
            lo,
            hi,
            x_lo,
            x_hi,
            u,
            margin_left: (1.0 * u) as i32,
            margin_right: (3.5 * u) as i32,
            y_labels: (12.5 * u) as i32,
        };
        let strip = self.event_strip(&plot, panel, &frame)?;
        let mut chart = self.axes(&plot, panel, &frame, strip.height)?;
        draw_backdrop(&mut chart, panel, &frame)?;
        draw_lines(&mut chart, panel, &frame)?;
        self.draw_marks(&plot, &chart, &strip, &frame)?;
        draw_points(&chart, panel, &frame)?;
        draw_legend(&legend, rows, u)?;
        Ok(())
    }

    /// Lays out the labels of a panel's dated changes in a strip above the
    /// plot, in rows that keep labels apart, on the x axis that
    /// [`Chart::axes`] builds.
    fn event_strip<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        panel: &Panel,
        f: &Frame,
    ) -> Result<EventStrip, DrawFailed> {
        let u = f.u;
        let marks = self.marks(panel, f.x_lo, f.x_hi);
        let label_style = text_style(EVENT_TEXT * u, INK, HPos::Left, VPos::Center);
        let (left, right) = (
            f64::from(f.margin_left + f.y_labels),
            f64::from(plot.dim_in_pixel().0 as i32 - f.margin_right),
        );
        let mut xs = Vec::with_capacity(marks.len());
        let mut widths = Vec::with_capacity(marks.len());
        for mark in &marks {
            xs.push(left + (mark.x - f.x_lo) / (f.x_hi - f.x_lo) * (right - left));
            widths.push(f64::from(plot.estimate_text_size(&mark.label, &label_style)?.0));
        }
        let placed = label_rows(&xs, &widths, (left, right), 0.6 * u, 1.2 * u);
        // Yearly ticks sit in a row of their own, just above the plot.
        let ticks_h = if marks.iter().any(|m| matches!(m.kind, MarkKind::Yearly(_))) {
            EVENT_TICKS * u
        } else {
            0.0
        };
        let height = placed.iter().map(|p| p.1 + 1).max().unwrap_or(0) as f64 * EVENT_ROW * u + ticks_h;
        Ok(EventStrip {
            marks,
            placed,
            widths,
            ticks_h,
            height,
        })
    }

    /// The panel's axes and grid, below a strip `strip` pixels high.
    fn axes<'a, DB: DrawingBackend>(
        &self,
        plot: &'a DrawingArea<DB, Shift>,
        panel: &Panel,
        f: &Frame,
        strip: f64,
    ) -> Result<PanelChart<'a, DB>, DrawFailed> {
        let u = f.u;
        let (first, last) = (f.x_lo.ceil() as i64, f.x_hi.floor() as i64);
        let ticks = match self.x_axis {
            XAxis::Months => month_ticks(self.start, first, last, self.panels.len() > 1),
            XAxis::YearsAhead => (first..=last).map(|t| t as f64).collect(),
        };
        let mut chart = ChartBuilder::on(plot)
            .margin_top((2.0 * u + strip) as i32)
            .margin_right(f.margin_right)
            .margin_left(f.margin_left)
            .x_label_area_size((7.5 * u) as i32)
            .y_label_area_size(f.y_labels)
            .build_cartesian_2d(
                TickAxis {
                    range: f.x_lo..f.x_hi,
                    ticks,
                },
                TickAxis {
                    range: f.lo..f.hi,
                    ticks: value_ticks(f.lo, f.hi, Y_LABELS),
                },
            )?;
        let (start, units, scale) = (self.start, panel.units, f.lo.abs().max(f.hi.abs()));
        let x_axis = self.x_axis;
        let x_fmt = |x: &f64| match x_axis {
            XAxis::Months => month_label(start, *x),
            XAxis::YearsAhead => (x.round() as i64 + 1).to_string(),
        };
        let y_fmt = |y: &f64| axis_label(units, scale, *y);
        chart
            .configure_mesh()
            .x_desc(match x_axis {
                XAxis::Months => "Month",
                XAxis::YearsAhead => "Years ahead (each 30 September)",
            })
            .y_desc(panel.y_label.clone())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .y_labels(Y_LABELS)
            .label_style((FAMILY, 2.9 * u).into_font().color(&INK))
            .axis_desc_style((FAMILY, 3.1 * u).into_font().color(&INK))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(WHITE.mix(0.0))
            .axis_style(GREY.stroke_width(1))
            .draw()?;
        Ok(chart)
    }

    /// The dated changes: a dashed line down from each label (through the
    /// plot for a change, to the plot for the projection's start, to the
    /// row of ticks for a yearly change), then the labels.
    fn draw_marks<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        chart: &PanelChart<'_, DB>,
        strip: &EventStrip,
        f: &Frame,
    ) -> Result<(), DrawFailed> {
        if strip.marks.is_empty() {
            return Ok(());
        }
        let u = f.u;
        let base = plot.get_base_pixel();
        let at = |x: f64, y: f64| {
            let (px, py) = chart.backend_coord(&(x, y));
            (px - base.0, py - base.1)
        };
        let (top_y, bottom_y) = (at(f.x_lo, f.hi).1, at(f.x_lo, f.lo).1);
        let thin = GREY.stroke_width(1.max((0.22 * u) as u32));
        let row_mid = |row: usize| top_y - strip.height as i32 + ((row as f64 + 0.5) * EVENT_ROW * u) as i32;
        let tick_top = top_y - (strip.ticks_h - 0.4 * u) as i32;
        for (mark, (_, row)) in strip.marks.iter().zip(&strip.placed) {
            let line_x = at(mark.x, f.hi).0;
            match mark.kind {
                MarkKind::Start => dashed_vline(plot, line_x, row_mid(*row), top_y, u, thin)?,
                MarkKind::Once => dashed_vline(plot, line_x, row_mid(*row), bottom_y, u, thin)?,
                MarkKind::Yearly(first) => {
                    dashed_vline(plot, line_x, row_mid(*row), tick_top, u, thin)?;
                    let mut month = first;
                    loop {
                        let t = self.start.months_until(month) as f64 - 0.5;
                        if t > f.x_hi {
                            break;
                        }
                        let tick_x = at(t, f.hi).0;
                        plot.draw(&PathElement::new(
                            vec![(tick_x, tick_top), (tick_x, top_y - (0.2 * u) as i32)],
                            SKY.stroke_width(1.max((0.5 * u) as u32)),
                        ))?;
                        month = month.plus(12);
                    }
                }
            }
        }
        draw_mark_labels(plot, strip, &row_mid, u)
    }
}

/// A part of a chart, in pixels.
type Area<DB> = DrawingArea<DB, Shift>;

/// The chart a panel's series are drawn on: months across, values up.
type PanelChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickAxis, TickAxis>>;

/// What the parts of drawing one panel share: its ranges, the unit of
/// size and the plot's margins.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// The y range.
    lo: f64,
    hi: f64,
    /// The x range, in months from the chart's start.
    x_lo: f64,
    x_hi: f64,
    /// A hundredth of the chart's height, in pixels.
    u: f64,
    /// The plot's margins and the width of its y labels, in pixels.
    margin_left: i32,
    margin_right: i32,
    y_labels: i32,
}

impl Frame {
    /// A value as drawn: beyond the axis (an infinite caseload) at its edge.
    fn clip(&self, v: f64) -> f64 {
        if v.is_nan() { self.lo } else { v.clamp(self.lo, self.hi) }
    }

    /// Values by month as points; a single month is drawn as a short level
    /// segment, so it shows.
    fn xy(&self, values: &[f64]) -> Vec<(f64, f64)> {
        match values {
            [v] => vec![(-0.3, self.clip(*v)), (0.3, self.clip(*v))],
            _ => values
                .iter()
                .enumerate()
                .map(|(t, v)| (t as f64, self.clip(*v)))
                .collect(),
        }
    }

    /// A line's values as the runs of points between values that are not
    /// numbers (a year with nothing to show leaves a gap); a run of one
    /// value is a short level segment, so it shows. Without such values,
    /// one run: [`Frame::xy`]'s points.
    fn segments(&self, values: &[f64]) -> Vec<Vec<(f64, f64)>> {
        if !values.iter().any(|v| v.is_nan()) {
            return vec![self.xy(values)];
        }
        let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (t, v) in values.iter().enumerate().map(|(t, v)| (t as f64, *v)) {
            if !v.is_nan() {
                run.push((t, self.clip(v)));
                continue;
            }
            out.extend(level_if_alone(std::mem::take(&mut run)));
        }
        out.extend(level_if_alone(run));
        out
    }
}

/// A run of points as drawn: none when empty, a short level segment for
/// one point.
fn level_if_alone(run: Vec<(f64, f64)>) -> Option<Vec<(f64, f64)>> {
    match run.as_slice() {
        [] => None,
        [(t, v)] => Some(vec![(t - 0.3, *v), (t + 0.3, *v)]),
        _ => Some(run),
    }
}

/// The strip above a plot where dated changes are labelled.
struct EventStrip {
    marks: Vec<Mark>,
    /// Each mark's label: its left edge (pixels) and row.
    placed: Vec<(f64, usize)>,
    /// Each mark's label width, in pixels.
    widths: Vec<f64>,
    /// The height of the row of yearly ticks (0 with none), in pixels.
    ticks_h: f64,
    /// The strip's whole height, in pixels.
    height: f64,
}

/// A panel's area less its heading, split into the plot and, below it,
/// room for `row_count` rows of legend.
fn panel_areas<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    row_count: usize,
    u: f64,
) -> Result<(Area<DB>, Area<DB>), DrawFailed> {
    let area = match &panel.heading {
        Some(heading) => {
            let (head, rest) = area.split_vertically(5.5 * u);
            head.draw(&Text::new(
                heading.clone(),
                ((2.2 * u) as i32, (1.0 * u) as i32),
                text_style(3.3 * u, INK, HPos::Left, VPos::Top),
            ))?;
            rest
        }
        None => area.clone(),
    };
    let legend_h = (row_count as f64 * 4.2 + 1.0) * u;
    Ok(area.split_vertically(f64::from(area.dim_in_pixel().1) - legend_h))
}

/// What lies under a panel's lines: the target band's shading, the bands,
/// the reference line and the target band's dashed edges.
fn draw_backdrop<DB: DrawingBackend>(
    chart: &mut PanelChart<'_, DB>,
    panel: &Panel,
    f: &Frame,
) -> Result<(), DrawFailed> {
    let u = f.u;
    let (x0, x1) = (chart.x_range().start, chart.x_range().end);
    if let Some((low, high)) = panel.target {
        let (a, b) = (f.clip(low), f.clip(high));
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x0, a), (x1, b)],
            GREEN.mix(0.13).filled(),
        )))?;
    }
    for b in &panel.bands {
        let mut points = f.xy(&b.low);
        points.extend(f.xy(&b.high).into_iter().rev());
        chart.draw_series(std::iter::once(Polygon::new(points, b.colour.mix(b.opacity).filled())))?;
    }
    if let Some((r, _)) = panel.reference {
        chart.draw_series(DashedLineSeries::new(
            vec![(x0, r), (x1, r)],
            (1.2 * u) as i32,
            (0.8 * u) as i32,
            GREY.stroke_width(1.max((0.25 * u) as u32)),
        ))?;
    }
    if let Some((low, high)) = panel.target {
        for edge in [low, high] {
            chart.draw_series(DashedLineSeries::new(
                vec![(x0, f.clip(edge)), (x1, f.clip(edge))],
                (1.6 * u) as i32,
                (0.8 * u) as i32,
                GREEN.stroke_width(1.max((0.3 * u) as u32)),
            ))?;
        }
    }
    Ok(())
}

/// A panel's lines, then, when points reach back before the start, a line
/// where the projection begins.
fn draw_lines<DB: DrawingBackend>(chart: &mut PanelChart<'_, DB>, panel: &Panel, f: &Frame) -> Result<(), DrawFailed> {
    let u = f.u;
    for l in &panel.lines {
        let style = l.colour.stroke_width(1.max((0.3 * u * l.width).round() as u32));
        for points in f.segments(&l.values) {
            match l.dash {
                Dash::Solid => {
                    chart.draw_series(LineSeries::new(points, style))?;
                }
                Dash::Dashed(size, gap) => {
                    chart.draw_series(DashedLineSeries::new(
                        points,
                        (size * 100.0 * u) as i32,
                        (gap * 100.0 * u) as i32,
                        style,
                    ))?;
                }
            }
        }
    }
    if f.x_lo < -0.5 {
        chart.draw_series(DashedLineSeries::new(
            vec![(-0.5, f.lo), (-0.5, f.hi)],
            (0.8 * u) as i32,
            (0.8 * u) as i32,
            GREY.stroke_width(1.max((0.25 * u) as u32)),
        ))?;
    }
    Ok(())
}

/// The labels of the event strip, drawn last and on white so that no line
/// runs through one; `row_mid` is the y of a row's middle.
fn draw_mark_labels<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    strip: &EventStrip,
    row_mid: &dyn Fn(usize) -> i32,
    u: f64,
) -> Result<(), DrawFailed> {
    let labels = strip.placed.iter().zip(&strip.widths);
    for (mark, ((text_left, row), width)) in strip.marks.iter().zip(labels) {
        let (x0, y) = (*text_left as i32, row_mid(*row));
        let (pad, half) = ((0.3 * u) as i32, (1.3 * u) as i32);
        plot.draw(&Rectangle::new(
            [(x0 - pad, y - half), (x0 + *width as i32 + pad, y + half)],
            WHITE.filled(),
        ))?;
        let colour = if matches!(mark.kind, MarkKind::Start) {
            GREY
        } else {
            INK
        };
        plot.draw(&Text::new(
            mark.label.clone(),
            (x0, y),
            text_style(EVENT_TEXT * u, colour, HPos::Left, VPos::Center),
        ))?;
    }
    Ok(())
}

/// Markers for dated values, over everything else in the plot.
fn draw_points<DB: DrawingBackend>(chart: &PanelChart<'_, DB>, panel: &Panel, f: &Frame) -> Result<(), DrawFailed> {
    for p in &panel.points {
        for (x, y) in &p.at {
            if x.is_finite() && !y.is_nan() {
                draw_marker(chart.plotting_area(), (*x, f.clip(*y)), p.marker, p.colour, f.u)?;
            }
        }
    }
    Ok(())
}

/// Months of room kept on the axis either side of a point.
const POINT_ROOM: f64 = 1.5;

/// An event label's text size and the height of a row of labels, in
/// shares of the chart's height.
const EVENT_TEXT: f64 = 2.5;
const EVENT_ROW: f64 = 3.1;
/// The height of the row of yearly ticks above the plot.
const EVENT_TICKS: f64 = 1.8;

impl Chart {
    /// What is labelled above a panel: where the projection starts, when
    /// the axis reaches back before it, and the panel's events within the
    /// axis, each at the x of its line, between the last month without the
    /// change and the first with it.
    fn marks(&self, panel: &Panel, x_lo: f64, x_hi: f64) -> Vec<Mark> {
        let mut out = Vec::new();
        if x_lo < -0.5 {
            out.push(Mark {
                x: -0.5,
                label: format!("Projection from {}", month_label(self.start, 0.0)),
                kind: MarkKind::Start,
            });
        }
        for e in &panel.events {
            let x = self.start.months_until(e.month) as f64 - 0.5;
            if x <= x_lo || x >= x_hi {
                continue;
            }
            // Changes in the same month share a line and a label.
            let same = out.iter_mut().find(|m| m.x == x && matches!(m.kind, MarkKind::Once));
            match same {
                Some(m) if !e.yearly => {
                    m.label.push_str(" · ");
                    m.label.push_str(&e.label);
                }
                _ => out.push(Mark {
                    x,
                    label: e.label.clone(),
                    kind: if e.yearly {
                        MarkKind::Yearly(e.month)
                    } else {
                        MarkKind::Once
                    },
                }),
            }
        }
        out.sort_by(|a, b| a.x.total_cmp(&b.x));
        out
    }
}

/// A label above a panel, with a line down from it.
struct Mark {
    x: f64,
    label: String,
    kind: MarkKind,
}

enum MarkKind {
    /// The start of the projection, whose line is drawn with the plot.
    Start,
    /// A change: a dashed line through the plot.
    Once,
    /// A change every year from this month: a tick above the plot at each.
    Yearly(YearMonth),
}

/// Rows for labels beside vertical lines. The label of the line at `xs[i]`
/// (pixels, ascending) is `widths[i]` wide and goes `pad` to the right of
/// its line, else to its left, else over it (its line then starts below
/// it), always within `bounds`. Each label keeps at least `gap` from every
/// label in its row, and takes the place that crosses fewest lines (lines
/// from rows above that run through it, labels below that its own line runs
/// through), then the highest row, then the first place in that order.
/// Returns each label's left edge and row.
fn label_rows(xs: &[f64], widths: &[f64], bounds: (f64, f64), pad: f64, gap: f64) -> Vec<(f64, usize)> {
    // Placed labels: (row, left, right, line x).
    let mut placed: Vec<(usize, f64, f64, f64)> = Vec::new();
    let mut out = Vec::with_capacity(xs.len());
    for (&x, &w) in xs.iter().zip(widths) {
        let over = (x - w / 2.0).min(bounds.1 - w).max(bounds.0);
        let fits = |left: f64| left >= bounds.0 && left + w <= bounds.1;
        let mut places: Vec<f64> = [x + pad, x - pad - w].into_iter().filter(|l| fits(*l)).collect();
        places.push(over);
        let meets_none = |row: usize, left: f64| {
            let (a, b) = (left - gap, left + w + gap);
            placed.iter().all(|&(r, l, rr, _)| r != row || b <= l || a >= rr)
        };
        let crossings = |row: usize, left: f64| {
            let lines_through = placed
                .iter()
                .filter(|&&(r, _, _, lx)| r < row && lx >= left && lx <= left + w)
                .count();
            let labels_crossed = placed
                .iter()
                .filter(|&&(r, l, rr, _)| r > row && x >= l && x <= rr)
                .count();
            lines_through + labels_crossed
        };
        let rows = placed.iter().map(|p| p.0 + 1).max().unwrap_or(0);
        let mut best: Option<(usize, usize, usize, f64)> = None;
        for row in 0..=rows {
            for (i, &left) in places.iter().enumerate() {
                if !meets_none(row, left) {
                    continue;
                }
                let score = (crossings(row, left), row, i, left);
                if best.is_none_or(|b| (score.0, score.1, score.2) < (b.0, b.1, b.2)) {
                    best = Some(score);
                }
            }
        }
        let (row, left) = best.map_or((rows, over), |b| (b.1, b.3));
        placed.push((row, left, left + w, x));
        out.push((left, row));
    }
    out
}

/// A dashed vertical line in pixels, from `y0` down to `y1`.
fn dashed_vline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: i32,
    y0: i32,
    y1: i32,
    u: f64,
    style: ShapeStyle,
) -> Result<(), DrawFailed> {
    let (dash, gap) = (((0.9 * u) as i32).max(1), ((0.7 * u) as i32).max(1));
    let mut y = y0;
    while y < y1 {
        area.draw(&PathElement::new(vec![(x, y), (x, (y + dash).min(y1))], style))?;
        y += dash + gap;
    }
    Ok(())
}

/// A title's size in shares of the chart's height: on one line; the
/// smallest one line may shrink to before it breaks; on two lines.
const TITLE: f64 = 4.4;
const TITLE_SHRUNK: f64 = 3.8;
const TITLE_TWO_LINES: f64 = 3.9;
/// The distance between a title's lines, in sizes.
const TITLE_LEADING: f64 = 1.2;

/// The width of `text` in the bundled font at `size` pixels, as plotters
/// lays it out (the widths every chart is laid out with).
pub fn text_width(text: &str, size: f64) -> Result<f64, ChartError> {
    ensure_font()?;
    Ok(measure(text, size))
}

/// [`text_width`] once the font is registered; a generous guess should
/// the font fail, so that text is never laid out too narrow.
fn measure(text: &str, size: f64) -> f64 {
    (FAMILY, size)
        .into_font()
        .box_size(text)
        .map_or(text.chars().count() as f64 * size * 0.7, |(w, _)| f64::from(w))
}

/// A title's lines and their size in pixels, every line at most `room`
/// wide (measured by `width(text, size)`): one line at full size; else one
/// line a little smaller; else two lines broken at a space, after a colon
/// when both halves then fit, otherwise where the longer line is
/// shortest, smaller still only if a line must be.
fn title_layout(title: &str, room: f64, u: f64, width: &dyn Fn(&str, f64) -> f64) -> (Vec<String>, f64) {
    let fit = |lines: &[&str], size: f64| {
        let widest = lines.iter().map(|l| width(l, size)).fold(0.0, f64::max);
        let mut size = if widest > room { size * room / widest } else { size };
        while size > 1.0 && lines.iter().any(|l| width(l, size) > room) {
            size *= 0.98;
        }
        size
    };
    let one = fit(&[title], TITLE * u);
    let spaces: Vec<usize> = title.match_indices(' ').map(|(i, _)| i).collect();
    if one >= TITLE_SHRUNK * u || spaces.is_empty() {
        return (vec![title.to_string()], one);
    }
    let size = TITLE_TWO_LINES * u;
    let halves = |i: usize| (title[..i].trim_end(), title[i..].trim_start());
    let longer = |i: usize| {
        let (a, b) = halves(i);
        width(a, size).max(width(b, size))
    };
    let after_colon = spaces
        .iter()
        .copied()
        .filter(|&i| title[..i].ends_with(':'))
        .find(|&i| longer(i) <= room);
    let best = spaces.iter().copied().min_by(|&a, &b| longer(a).total_cmp(&longer(b)));
    match after_colon.or(best) {
        Some(i) => {
            let (a, b) = halves(i);
            (vec![a.to_string(), b.to_string()], fit(&[a, b], size))
        }
        None => (vec![title.to_string()], one),
    }
}

/// Draws a marker at `at` on any area: the shape in its colour over a
/// slightly larger white one, so it stands out on bands and areas.
fn draw_marker<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    at: CT::From,
    marker: Marker,
    colour: RGBColor,
    u: f64,
) -> Result<(), DrawFailed>
where
    CT::From: Clone,
{
    let r = (1.1 * u).round().max(3.0) as i32;
    let halo = (0.35 * u).round().max(1.0) as i32;
    for (size, fill) in [(r + halo, WHITE), (r, colour)] {
        match marker {
            Marker::Circle => {
                area.draw(&(EmptyElement::at(at.clone()) + Circle::new((0, 0), size, fill.filled())))?;
            }
            _ => {
                area.draw(&(EmptyElement::at(at.clone()) + Polygon::new(outline(marker, size), fill.filled())))?;
            }
        }
    }
    Ok(())
}

/// A marker's outline around (0, 0) in pixels, about `r` from the centre
/// (a little more for the pointed shapes, so they look as large).
fn outline(marker: Marker, r: i32) -> Vec<(i32, i32)> {
    let d = f64::from(r) * 1.3;
    let p = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    match marker {
        Marker::Diamond => vec![p(0.0, -d), p(d, 0.0), p(0.0, d), p(-d, 0.0)],
        Marker::Triangle => vec![p(0.0, -d), p(d * 0.866, d * 0.5), p(-d * 0.866, d * 0.5)],
        Marker::Square => vec![(-r, -r), (r, -r), (r, r), (-r, r)],
        Marker::Circle => (0..12)
            .map(|i| {
                let a = f64::from(i) * std::f64::consts::PI / 6.0;
                p(f64::from(r) * a.cos(), f64::from(r) * a.sin())
            })
            .collect(),
    }
}

fn text_style<'a>(size: f64, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'a> {
    (FAMILY, size).into_font().color(&colour).pos(Pos::new(h, v))
}

/// What a legend entry shows beside its label.
#[derive(Debug, Clone)]
enum Swatch {
    Fill(RGBColor, f64),
    Stroke(RGBColor, Dash, f64),
    /// A line over its band.
    Both(RGBColor, Dash, f64, f64),
    Target,
    /// A point's marker.
    Marker(Marker, RGBColor),
    /// Text alone.
    Note,
}

/// A row of legend entries: (x, swatch, label).
type LegendRow = Vec<(f64, Swatch, String)>;

/// Lines and bands, points, the reference line and the target band.
fn legend_entries(panel: &Panel) -> Vec<(Swatch, String)> {
    let mut out = Vec::new();
    match &panel.band_note {
        Some(note) => {
            for (l, b) in panel.lines.iter().zip(&panel.bands) {
                out.push((
                    Swatch::Both(l.colour, l.dash, l.width, b.opacity.max(0.3)),
                    l.label.clone(),
                ));
            }
            for l in panel.lines.iter().skip(panel.bands.len()) {
                out.push((Swatch::Stroke(l.colour, l.dash, l.width), l.label.clone()));
            }
            out.push((Swatch::Note, note.clone()));
        }
        None => {
            for l in &panel.lines {
                out.push((Swatch::Stroke(l.colour, l.dash, l.width), l.label.clone()));
            }
            for b in &panel.bands {
                out.push((Swatch::Fill(b.colour, b.opacity.max(0.35)), b.label.clone()));
            }
        }
    }
    for p in &panel.points {
        out.push((Swatch::Marker(p.marker, p.colour), p.label.clone()));
    }
    if let Some((_, label)) = &panel.reference {
        out.push((Swatch::Stroke(GREY, Dash::Dashed(0.012, 0.008), 0.8), label.clone()));
    }
    if let Some((low, high)) = panel.target {
        out.push((
            Swatch::Target,
            format!("Target band ({} to {})", target_text(low), target_text(high)),
        ));
    }
    out
}

/// Legend entries laid out in rows that fit `width`, measured with the
/// bundled font.
fn legend_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Swatch, String)],
    width: u32,
    u: f64,
) -> Result<Vec<LegendRow>, DrawFailed> {
    let mut rows: Vec<LegendRow> = vec![Vec::new()];
    let left = 2.2 * u;
    let mut x = left;
    let style = text_style(2.9 * u, INK, HPos::Left, VPos::Center);
    for (swatch, label) in entries {
        let swatch_w = if matches!(swatch, Swatch::Note) { 0.0 } else { 5.7 * u };
        // A label too long for a row of its own (a long scenario name) is
        // shortened with an ellipsis rather than run into the next panel.
        let room = f64::from(width) - left - swatch_w - 3.5 * u;
        let label = &fit_label(area, label, &style, room)?;
        let (text_w, _) = area.estimate_text_size(label, &style)?;
        let need = swatch_w + f64::from(text_w) + 3.5 * u;
        if x + need > f64::from(width) && x > left {
            rows.push(Vec::new());
            x = left;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, swatch.clone(), label.clone()));
        }
        x += need;
    }
    Ok(rows)
}

/// `label` as it fits in `room` pixels: whole, or cut at a word (or, for
/// one long word, a character) with an ellipsis.
fn fit_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    style: &TextStyle,
    room: f64,
) -> Result<String, DrawFailed> {
    let fits =
        |text: &str| -> Result<bool, DrawFailed> { Ok(f64::from(area.estimate_text_size(text, style)?.0) <= room) };
    if fits(label)? {
        return Ok(label.to_string());
    }
    let mut words: Vec<&str> = label.split(' ').collect();
    while words.len() > 1 {
        words.pop();
        let cut = format!("{}…", words.join(" ").trim_end_matches([',', ';', ':']));
        if fits(&cut)? {
            return Ok(cut);
        }
    }
    let mut chars: Vec<char> = label.chars().collect();
    while chars.len() > 1 {
        chars.pop();
        let cut = format!("{}…", chars.iter().collect::<String>());
        if fits(&cut)? {
            return Ok(cut);
        }
    }
    Ok("…".to_string())
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[LegendRow],
    u: f64,
) -> Result<(), DrawFailed> {
    for (r, row) in rows.iter().enumerate() {
        let y = ((r as f64 * 4.2 + 2.2) * u) as i32;
        for (x, swatch, label) in row {
            let x = *x as i32;
            let (x1, half) = (x + (4.5 * u) as i32, (1.1 * u) as i32);
            let stroke = |colour: &RGBColor, dash: &Dash, width: &f64| -> Result<(), DrawFailed> {
                let style = colour.stroke_width(1.max((0.3 * u * width).round() as u32));
                match dash {
                    Dash::Solid => area.draw(&PathElement::new(vec![(x, y), (x1, y)], style))?,
                    Dash::Dashed(size, gap) => {
                        let (size, gap) = (((size * 100.0 * u) as i32).max(1), ((gap * 100.0 * u) as i32).max(1));
                        let mut a = x;
                        while a < x1 {
                            area.draw(&PathElement::new(vec![(a, y), ((a + size).min(x1), y)], style))?;
                            a += size + gap;
                        }
                    }
                }
                Ok(())
            };
            match swatch {
                Swatch::Note => {
                    area.draw(&Text::new(
                        label.clone(),
                        (x, y),
                        text_style(2.9 * u, GREY, HPos::Left, VPos::Center),
                    ))?;
                    continue;
                }
                Swatch::Both(colour, dash, width, opacity) => {
                    area.draw(&Rectangle::new(
                        [(x, y - half), (x1, y + half)],
                        colour.mix(*opacity).filled(),
                    ))?;
                    stroke(colour, dash, width)?;
                }
                Swatch::Fill(colour, opacity) => {
                    area.draw(&Rectangle::new(
                        [(x, y - half), (x1, y + half)],
                        colour.mix(*opacity).filled(),
                    ))?;
                }
                Swatch::Target => {
                    area.draw(&Rectangle::new(
                        [(x, y - half), (x1, y + half)],
                        GREEN.mix(0.13).filled(),
                    ))?;
                    let style = GREEN.stroke_width(1.max((0.3 * u) as u32));
                    for edge in [y - half, y + half] {
                        area.draw(&PathElement::new(vec![(x, edge), (x + (1.6 * u) as i32, edge)], style))?;
                        area.draw(&PathElement::new(vec![(x + (2.6 * u) as i32, edge), (x1, edge)], style))?;
                    }
                }
                Swatch::Stroke(colour, dash, width) => stroke(colour, dash, width)?,
                Swatch::Marker(marker, colour) => draw_marker(area, ((x + x1) / 2, y), *marker, *colour, u)?,
            }
            area.draw(&Text::new(
                label.clone(),
                (x1 + (1.6 * u) as i32, y),
                text_style(2.9 * u, INK, HPos::Left, VPos::Center),
            ))?;
        }
    }
    Ok(())
}

/// Removes what a standalone SVG file needs but a page does not (its XML
/// namespace, a web address) and lets it scale to the page's width, with
/// an id and a title for screen readers.
pub fn inline_svg(svg: &str, id: &str, title: &str) -> String {
    let body = match svg.find('>') {
        Some(end) if svg.starts_with("<svg") => &svg[end + 1..],
        _ => svg,
    };
    let (w, h) = SVG_SIZE;
    format!(
        "<svg id=\"{id}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title>{body}",
        text::escape(title)
    )
}

/// The drivers' tornado: one bar per driver of the caseload at the end,
/// longest first, and chance last in grey, each with its share at its end.
/// None when the scenario's drivers hold no caseload.
pub fn drivers_chart(s: &Scenario, drivers: &[Drivers], runs: usize, seed: u64) -> Option<Chart> {
    let end = crate::scenario::describe::month_name(s.month_at(s.months.saturating_sub(1)));
    let title = format!(
        "What drives the uncertainty in {end}'s caseload: share of its spread each assumption explains on its own, {}",
        s.name
    );
    tornado(DRIVERS_CHART.to_string(), title, s, drivers, runs, seed)
}

/// A comparison's drivers chart for one scenario: the tornado of the
/// difference it makes to the caseload at the end, run by run, against
/// the baseline; named `drivers-<scenario>` (as runs-<scenario>.csv).
pub fn difference_drivers_chart(
    s: &Scenario,
    baseline: &Scenario,
    drivers: &[Drivers],
    runs: usize,
    seed: u64,
) -> Option<Chart> {
    let end = crate::scenario::describe::month_name(s.month_at(s.months.saturating_sub(1)));
    let title = format!(
        "What drives the uncertainty in the difference {} makes to {end}'s caseload against {}: share each assumption explains on its own",
        s.name, baseline.name
    );
    let name = format!("{DRIVERS_CHART}-{}", crate::output::slug(&s.name));
    tornado(name, title, s, drivers, runs, seed)
}

/// Bars of the caseload's drivers, longest first as `drivers` orders them,
/// then chance in grey.
fn tornado(name: String, title: String, s: &Scenario, drivers: &[Drivers], runs: usize, seed: u64) -> Option<Chart> {
    // No spread, no shares of it to draw: the report's sentence says so.
    let caseload = drivers
        .iter()
        .find(|d| d.outcome == Outcome::CaseloadEnd)
        .filter(|d| d.explained())?;
    let mut bars: Vec<Bar> = caseload
        .shares
        .iter()
        .map(|(driver, share)| Bar {
            label: crate::output::drivers::label(*driver, s),
            value: *share,
            colour: BLUE,
        })
        .collect();
    bars.push(Bar {
        label: "Chance, and assumptions acting together".to_string(),
        value: caseload.chance,
        colour: GREY,
    });
    Some(Chart {
        name,
        title,
        footer: footer(runs, seed),
        start: s.start,
        months: s.months as usize,
        x_axis: XAxis::Months,
        panels: Vec::new(),
        bars,
    })
}

/// The drivers chart's file stem.
pub const DRIVERS_CHART: &str = "drivers";

/// Horizontal bars in pixels: labels on the left (wrapped to two lines,
/// then shortened with an ellipsis), bars scaled so the longest fills the
/// room, each share written at its bar's end.
fn draw_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, bars: &[Bar], u: f64) -> Result<(), DrawFailed> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (f64::from(w), f64::from(h));
    let label_room = 0.42 * w;
    let x0 = 2.2 * u + label_room + 1.5 * u;
    let x1 = w - 9.0 * u;
    let top = 2.0 * u;
    let row = ((h - top - 2.0 * u) / bars.len().max(1) as f64).min(9.0 * u);
    let size = (2.6 * u).min(0.32 * row);
    let longest = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1e-9);
    area.draw(&PathElement::new(
        vec![
            (x0 as i32, top as i32),
            (x0 as i32, (top + row * bars.len() as f64) as i32),
        ],
        ShapeStyle::from(&GRID).stroke_width(((0.15 * u) as u32).max(1)),
    ))?;
    for (i, bar) in bars.iter().enumerate() {
        let mid = top + row * (i as f64 + 0.5);
        let lines = wrap_label(&bar.label, label_room, size, 2);
        let lead = 1.15 * size;
        let first = mid - lead * (lines.len() as f64 - 1.0) / 2.0;
        for (k, line) in lines.into_iter().enumerate() {
            area.draw(&Text::new(
                line,
                ((2.2 * u) as i32, (first + lead * k as f64) as i32),
                text_style(size, INK, HPos::Left, VPos::Center),
            ))?;
        }
        let end = x0 + (x1 - x0) * bar.value.clamp(0.0, 1.0) / longest.min(1.0);
        let half = 0.32 * row;
        area.draw(&Rectangle::new(
            [
                (x0 as i32, (mid - half) as i32),
                (end.max(x0 + 1.0) as i32, (mid + half) as i32),
            ],
            bar.colour.filled(),
        ))?;
        area.draw(&Text::new(
            text::percent(bar.value),
            ((end + 1.0 * u) as i32, mid as i32),
            text_style(size, INK, HPos::Left, VPos::Center),
        ))?;
    }
    Ok(())
}

/// `label` in at most `most` lines of at most `room` pixels at `size`:
/// broken at spaces, the last line shortened with an ellipsis if it must.
fn wrap_label(label: &str, room: f64, size: f64, most: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut words = label.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let last = lines.len() + 1 == most;
        let mut line = word.to_string();
        while let Some(next) = words.peek() {
            let longer = format!("{line} {next}");
            if !last && measure(&longer, size) > room {
                break;
            }
            line = longer;
            words.next();
        }
        lines.push(line);
        if lines.len() == most {
            break;
        }
    }
    if let Some(last) = lines.last_mut()
        && measure(last, size) > room
    {
        while !last.is_empty() && measure(&format!("{last}…"), size) > room {
            last.pop();
        }
        *last = format!("{}…", last.trim_end());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn chart_errors_name_the_chart_or_file() {
        let drawing = ChartError::Drawing {
            chart: "caseload".into(),
            message: "no room".into(),
        };
        assert_eq!(
            Error::from(drawing).to_string(),
            "the caseload chart: could not be made: no room"
        );
        let png = ChartError::Png {
            chart: "cost".into(),
            message: "too big".into(),
        };
        assert_eq!(Error::from(png).to_string(), "cost.png: could not be made: too big");
        let missing = Error::from(ChartError::MissingMetric("caseload"));
        assert_eq!(
            missing.to_string(),
            "charts: could not be made: the summary has no caseload metric"
        );
        assert_eq!(missing.exit_code(), 1);
    }

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn months_are_labelled_as_dates_on_financial_half_years() {
        let ticks = month_ticks(ym(2022, 4), 0, 35, false);
        let labels: Vec<String> = ticks.iter().map(|t| month_label(ym(2022, 4), *t)).collect();
        assert_eq!(
            labels,
            ["Apr 2022", "Oct 2022", "Apr 2023", "Oct 2023", "Apr 2024", "Oct 2024"]
        );
        assert_eq!(month_ticks(ym(2022, 4), 0, 35, true), [0.0, 12.0, 24.0]);
        assert_eq!(month_ticks(ym(2022, 4), 0, 2, false).len(), 3);
        assert_eq!(month_ticks(ym(2022, 1), 0, 11, false), [0.0, 3.0, 6.0, 9.0]);
        assert!(month_ticks(ym(2022, 4), 0, 599, false).len() <= 12);
        // Before the start: history reaching back to September 2019.
        let back = month_ticks(ym(2022, 4), -31, 35, false);
        assert_eq!(month_label(ym(2022, 4), back[0]), "Apr 2020");
        assert_eq!(month_label(ym(2022, 4), -7.0), "Sep 2021");
    }

    #[test]
    fn axis_labels_read_as_money_and_shares() {
        assert_eq!(axis_label(Units::Money, 2.0e7, 12_500_000.0), "£12.5m");
        assert_eq!(axis_label(Units::Money, 4.0e5, 450_000.0), "£450k");
        assert_eq!(axis_label(Units::Money, 4.0e5, -50_000.0), "-£50k");
        assert_eq!(axis_label(Units::Percent, 100.0, 40.0), "40%");
        assert_eq!(axis_label(Units::Plain, 30.0, 22.5), "22.5");
    }

    #[test]
    fn event_labels_keep_apart_and_within_the_plot() {
        let (pad, gap) = (4.0, 8.0);
        // Far apart: one row, each right of its line.
        assert_eq!(
            label_rows(&[100.0, 500.0], &[100.0, 100.0], (0.0, 1000.0), pad, gap),
            [(104.0, 0), (504.0, 0)]
        );
        // Close: the second goes below the first, still right of its line.
        assert_eq!(
            label_rows(&[100.0, 150.0], &[200.0, 100.0], (0.0, 1000.0), pad, gap),
            [(104.0, 0), (154.0, 1)]
        );
        // At the right edge: left of its line.
        assert_eq!(label_rows(&[950.0], &[100.0], (0.0, 1000.0), pad, gap), [(846.0, 0)]);
        // However crowded, labels in a row never meet and stay in bounds.
        let xs: Vec<f64> = (0..40).map(|i| f64::from(i * 37 % 900 + 50)).collect();
        let mut xs = xs;
        xs.sort_by(f64::total_cmp);
        let widths: Vec<f64> = (0..40).map(|i| f64::from(60 + i * 53 % 200)).collect();
        let placed = label_rows(&xs, &widths, (0.0, 1000.0), pad, gap);
        for (i, (a, ra)) in placed.iter().enumerate() {
            assert!(*a >= 0.0 && a + widths[i] <= 1000.0, "{i}");
            for (j, (b, rb)) in placed.iter().enumerate().skip(i + 1) {
                if ra == rb {
                    assert!(a + widths[i] + gap <= *b || b + widths[j] + gap <= *a, "{i} and {j}");
                }
            }
        }
    }

    #[test]
    fn titles_shrink_a_little_then_break_onto_two_lines() {
        // A stand-in font: every character half the size wide.
        let width = |text: &str, size: f64| text.chars().count() as f64 * size * 0.5;
        let u = 10.0;
        let (lines, size) = title_layout("Average caseload: Bury", 1000.0, u, &width);
        assert_eq!((lines, size), (vec!["Average caseload: Bury".to_string()], TITLE * u));
        // 46 characters at 44 pixels are 1012 wide: a little smaller fits.
        let title = "Average caseload: Bournemouth, Christchurch an";
        let (lines, size) = title_layout(title, 1000.0, u, &width);
        assert_eq!(lines, [title]);
        assert!(size < TITLE * u && size >= TITLE_SHRUNK * u && width(title, size) <= 1000.0);
        // Far too long for one line: two, broken after the colon.
        let title = "Chance the caseload is within the target of 25: North and West Northamptonshire, March 2025";
        let (lines, size) = title_layout(title, 1000.0, u, &width);
        assert_eq!(
            lines,
            [
                "Chance the caseload is within the target of 25:",
                "North and West Northamptonshire, March 2025"
            ]
        );
        assert_eq!(size, TITLE_TWO_LINES * u);
        // With no colon to break at, where the longer line is shortest.
        let title =
            "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt";
        let (lines, _) = title_layout(title, 1000.0, u, &width);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.join(" "), title);
        assert!(lines[0].len().abs_diff(lines[1].len()) <= 5, "{lines:?}");
    }

    #[test]
    fn value_ticks_are_round_numbers_within_the_axis_and_never_too_many() {
        assert_eq!(value_ticks(0.0, 32.4, 8), [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0]);
        assert_eq!(value_ticks(0.0, 104.0, 8), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(value_ticks(-13.0, 7.0, 8), [-10.0, -5.0, 0.0, 5.0]);
        assert_eq!(value_ticks(0.0, 2.4e7, 8), [0.0, 5e6, 1e7, 1.5e7, 2e7]);
        let extremes = [
            (0.0, f64::MAX),
            (-f64::MAX, f64::MAX),
            (-Y_LIMIT * 1.08, Y_LIMIT * 1.08),
            (1e300, 1e300 * (1.0 + 1e-15)),
            (0.0, 1e-300),
            (0.0, 5e-324),
            (3.0, 3.0),
            (4.0, 3.0),
            (f64::NEG_INFINITY, f64::INFINITY),
            (f64::NAN, 1.0),
        ];
        for (lo, hi) in extremes {
            let ticks = value_ticks(lo, hi, 8);
            assert!(ticks.len() <= 8, "{lo}..{hi}: {ticks:?}");
            assert!(
                ticks.iter().all(|t| t.is_finite() && *t >= lo && *t <= hi),
                "{lo}..{hi}: {ticks:?}"
            );
        }
        // Extreme but drawable ranges still get their labels, short ones.
        assert_eq!(axis_label(Units::Plain, 1e307, 4.5e307), "4.5e307");
        assert_eq!(axis_label(Units::Money, 1e307, -4.5e307), "-£4.5e301m");
        assert!(value_ticks(-Y_LIMIT * 1.08, Y_LIMIT * 1.08, 8).len() >= 3);
        assert!(value_ticks(0.0, 1e-300, 8).len() >= 3);
    }

    #[test]
    fn any_range_is_made_finite_and_wide_enough_to_draw() {
        assert_eq!(drawable(0.0, 30.0), (0.0, 30.0));
        assert_eq!(drawable(0.0, -3.0), (0.0, 1.0));
        assert_eq!(drawable(5.0, 5.0), (5.0, 6.0));
        assert_eq!(drawable(-1e300, -1e300), (-1e300, -1e300 + 1e297));
        assert_eq!(drawable(f64::NAN, f64::NAN), (0.0, 1.0));
        assert_eq!(drawable(f64::NEG_INFINITY, f64::INFINITY), (-Y_LIMIT, Y_LIMIT));
        assert_eq!(drawable(0.0, 5e-324), (0.0, 1.0));
        for (lo, hi) in [
            (0.0, f64::MAX),
            (-f64::MAX, f64::MAX),
            (f64::MAX, f64::MAX),
            (0.0, 1e-300),
        ] {
            let (a, b) = drawable(lo, hi);
            let room = (b - a) * 0.08;
            assert!((b - a + 2.0 * room).is_finite() && b > a, "{lo}..{hi} gave {a}..{b}");
        }
    }

    /// A chart of one panel holding `values` as a line and as a band.
    fn extreme_chart(values: &[f64], units: Units) -> Chart {
        let mut p = Panel::new("y", units);
        p.lines.push(line("l", values.to_vec(), BLUE, Dash::Solid, 1.0));
        p.bands.push(Band {
            label: "b".to_string(),
            low: values.iter().map(|v| -v).collect(),
            high: values.to_vec(),
            colour: BAND_90,
            opacity: 1.0,
        });
        p.target = values.last().map(|v| (0.0, *v));
        Chart {
            name: "extreme".to_string(),
            title: "extreme".to_string(),
            footer: String::new(),
            start: ym(2022, 4),
            months: values.len(),
            x_axis: XAxis::Months,
            panels: vec![p],
            bars: Vec::new(),
        }
    }

    #[test]
    fn charts_of_any_finite_or_infinite_values_finish_drawing() {
        let max = f64::MAX;
        let cases: Vec<(&str, Vec<f64>, Units)> = vec![
            ("largest float", vec![1e308, max, max], Units::Plain),
            ("-1e308 to 1e308", vec![-1e308, 0.0, 1e308], Units::Plain),
            ("largest money", vec![max, -max], Units::Money),
            ("largest percent", vec![max; 3], Units::Percent),
            ("tiny", vec![1e-300, 2e-300, 3e-300], Units::Plain),
            ("smallest float", vec![5e-324, 0.0], Units::Plain),
            ("all equal", vec![7.0; 12], Units::Plain),
            ("all equal and huge", vec![-1e308; 12], Units::Money),
            (
                "close together and huge",
                vec![1e300, 1e300 * (1.0 + 1e-15)],
                Units::Plain,
            ),
            (
                "NaN and infinities",
                vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.0, 1e308],
                Units::Plain,
            ),
            ("nothing finite", vec![f64::NAN, f64::INFINITY], Units::Plain),
            ("one month", vec![max], Units::Plain),
        ];
        let mut charts: Vec<(String, Chart)> = cases
            .into_iter()
            .map(|(name, values, units)| (name.to_string(), extreme_chart(&values, units)))
            .collect();
        let mut fixed = extreme_chart(&[1.0, 2.0], Units::Plain);
        fixed.panels[0].y_range = Some((f64::NEG_INFINITY, f64::NAN));
        charts.push(("a fixed range of infinity to NaN".to_string(), fixed));
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for (name, chart) in charts {
                let drawn = chart.svg().map(|svg| !svg.contains("NaN"));
                let png = name == "largest float" || name == "tiny";
                let drawn = drawn.map(|ok| ok && (!png || chart.png().is_ok()));
                let _ = sender.send((name, drawn.is_ok_and(|ok| ok)));
            }
        });
        // Each chart takes well under a second; a hang takes forever.
        let deadline = Instant::now() + Duration::from_secs(60);
        for _ in 0..13 {
            let left = deadline.saturating_duration_since(Instant::now());
            match receiver.recv_timeout(left) {
                Ok((name, ok)) => assert!(ok, "{name}: not drawn, or drawn with a NaN coordinate"),
                Err(_) => panic!("a chart of extreme values was still drawing after 60 s"),
            }
        }
    }

    #[test]
    fn infinite_values_do_not_stretch_the_axis() {
        let mut p = Panel::new("y", Units::Plain);
        p.lines
            .push(line("l", vec![10.0, f64::INFINITY, 20.0], BLUE, Dash::Solid, 1.0));
        p.target = Some((20.0, 25.0));
        let (lo, hi) = y_range(&p);
        assert_eq!(lo, 0.0);
        assert!(hi > 25.0 && hi < 30.0, "{hi}");
    }
}
