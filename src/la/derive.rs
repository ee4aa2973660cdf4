//! From a council's published figures up to one year to the values of a
//! scenario, each with the comment lines that say where it came from.
//!
//! Start values (posts, people, agency, cases) are the council's figures at
//! 30 September of the year. Values that move from year to year
//! (case-holding share, turnover, starters, referrals) are ranges: a
//! lognormal whose median is the latest published value and whose spread is
//! how far such figures wander from one year to the next across England's
//! councils, scaled by the council's own changes ([`wander`]); the rates
//! also drift (MODEL.md), and agency is a level of its own that follows
//! vacancies only partly. A value the council did not publish in its last
//! five years is England's (a ratio, or England's ratio times the council's
//! size) and says so. docs/model.md ("Starting from a council's figures")
//! sets out every derivation; the constants below are its assumptions.

use super::wander::{self, Series, Z90};
use super::{Area, Cell, Column, Figures, Upto};
use crate::error::{Error, Result};
use crate::model::params::{HistoryPoint, YearMonth};
use crate::model::sample::monthly;

/// Years in a range: the year asked for and the four before it.
pub const WINDOW_YEARS: i32 = 5;
/// A year whose case-holding share differs from the latest by more than
/// this (as a share of the latest) is left out of its range: it was
/// probably counted on another basis (Bury's 2021 and 2022 figures).
pub const SHARE_BASIS_TOLERANCE: f64 = 0.25;
/// Assumption: a third of starters are newly qualified (ASYE).
pub const ASYE_SHARE_OF_STARTERS: f64 = 1.0 / 3.0;
/// Assumption: agency workers taking a permanent post each year.
pub const CONVERSION_RATE: f64 = 0.05;
/// Assumption: leaving rates by completed years of service in these
/// proportions (the shipped baseline's [0.16, 0.14, 0.12, 0.10]).
pub const LEAVING_SHAPE: [f64; 4] = [1.6, 1.4, 1.2, 1.0];
/// Assumption: an assessment lasts 1.2 months on average.
pub const ASSESSMENT_MONTHS: f64 = 1.2;
/// England 2025: child protection plans started per initial conference
/// (D1 CPP_start 61,840 / c4 ICPC 72,100).
pub const PLANS_PER_CONFERENCE: f64 = 0.858;
/// England: looked-after children per child in need at 31 March (CLA
/// 81,770 / CIN 402,400 in 2025; 82,090 / 404,310 in 2022).
pub const LOOKED_AFTER_PER_CHILD_IN_NEED: f64 = 0.203;
/// England 2025: months looked after (81,770 looked after / 34,450 ceasing a year x 12).
pub const LOOKED_AFTER_MONTHS: f64 = 28.5;
/// Assumptions: assessments going straight into care, and protection
/// plans ending in a child-in-need plan or in care.
pub const ASSESSMENT_TO_CARE: f64 = 0.02;
pub const PLAN_TO_CHILD_IN_NEED: f64 = 0.5;
pub const PLAN_TO_CARE: f64 = 0.15;
/// The model's default working days a year.
pub const WORKING_DAYS: f64 = 225.0;
/// Plans and child-in-need cases last at least this many months in the calibration.
const MIN_MONTHS: f64 = 1.0;
const MAX_PLAN_MONTHS: f64 = 60.0;
/// Most years of service the steady state counts (as the model does).
const SERVICE_MONTHS: u32 = 480;

/// One value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    pub value: f64,
    /// Taken from England's figures: the council's were missing.
    pub national: bool,
    pub lines: Vec<String>,
}

/// An uncertain value: a lognormal whose median is the latest published
/// value, with the spread such figures show from year to year
/// ([`wander`]), scaled by the council's own changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranged {
    pub latest: f64,
    /// The lognormal's `sd_log`; 0 for a fixed value.
    pub spread: f64,
    /// The council's own scale of England's pooled spread and drift (1:
    /// the pooled figures), from its year-to-year changes.
    pub scale: f64,
    pub national: bool,
    pub lines: Vec<String>,
}

impl Ranged {
    /// The value 9 runs in 10 draw above (`low`) or below (`high`).
    pub fn low(&self) -> f64 {
        self.latest * (-Z90 * self.spread).exp()
    }

    pub fn high(&self) -> f64 {
        self.latest * (Z90 * self.spread).exp()
    }

    /// Kept within `lo..=hi` and rounded, with its provenance.
    fn clamped(mut self, lo: f64, hi: f64, decimals: i32) -> Ranged {
        if self.latest < lo || self.latest > hi {
            self.lines.push(if hi.is_finite() {
                format!("Kept within {} to {}.", num(lo, 3), num(hi, 3))
            } else {
                format!("Kept at {} or more.", num(lo, 3))
            });
        }
        self.latest = round_to(self.latest.clamp(lo, hi), decimals);
        self.spread = round_to(self.spread, 3);
        self
    }
}

/// One case state as the scenario writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub name: &'static str,
    pub open: u64,
    pub entry_share: f64,
    pub mean_months: f64,
    pub next: Vec<(&'static str, f64)>,
    /// One line: how `open` and `mean_months` follow.
    pub note: String,
}

/// Every value of a council's scenario with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    pub council: String,
    pub region: String,
    /// The workforce year: the scenario starts in October of it.
    pub year: i32,
    pub establishment_fte: Sourced,
    pub permanent_fte: Sourced,
    pub fte_per_head: Sourced,
    pub asye_fte: Sourced,
    pub case_holding_share: Ranged,
    /// Turnover as a share, then the four leaving bands.
    pub turnover: Ranged,
    pub leaving: Vec<Ranged>,
    pub sickness_days_per_year: Sourced,
    pub applicants_per_month: Ranged,
    pub intake_per_year: Ranged,
    /// The agency in post: the level agency persists at (MODEL.md's
    /// `agency.mode = "level"`).
    pub agency_fte: Sourced,
    /// How much agency moves per FTE of change in vacant posts.
    pub vacancy_link: Sourced,
    pub referrals_per_month: Ranged,
    /// How far the rates drift (MODEL.md), per square root of a year.
    pub drift: Drifts,
    /// How referrals become cases: shares, counts and the calibration.
    pub cases_total: Sourced,
    pub case_lines: Vec<String>,
    pub states: Vec<State>,
    /// Published actual values at each 30 September up to the year.
    pub history: Vec<HistoryPoint>,
}

/// The drift sigmas of MODEL.md's four processes, with where each came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Drifts {
    pub leaving: Sourced,
    pub applicants: Sourced,
    pub referrals: Sourced,
    pub agency: Sourced,
}

/// One year's value and how it was worked out.
#[derive(Debug, Clone, PartialEq)]
struct Obs {
    year: i32,
    value: f64,
    text: String,
}

type PerYear<'a> = &'a dyn Fn(Upto, i32) -> Option<Obs>;

/// How England's figure stands in for a council's missing one.
#[derive(Debug, Clone, Copy)]
enum Fallback {
    /// A share or rate: England's own.
    Ratio,
    /// A count: England's per FTE in post, times the council's FTE in post.
    PerInpost(f64),
    /// A count: England's per referral, times the council's referrals a year.
    PerReferral(f64),
}

/// Builds every value of a council's scenario from its figures published
/// up to `year` (and England's): a later year is never read.
pub fn derive(figures: &Figures, council: &Area, year: i32) -> Result<Derivation> {
    let c = Upto { area: council, year };
    let e = Upto {
        area: &figures.england,
        year,
    };
    let permanent_fte = in_post(c)?;
    let inpost = permanent_fte.value;
    let fte_per_head = fte_per_head(c, e);
    let fph = fte_per_head.value;
    let posts = posts_and_agency(c, e, &permanent_fte, fph);
    let turnover = turnover(c, e);
    let leaving = leaving_bands(&turnover);
    let starters = starters(c, e, &posts, inpost, fph, turnover.latest);
    let referrals_per_month = count_range(
        c,
        e,
        &referrals_obs,
        inpost,
        "referral_count / 12",
        Series::Referrals,
        1,
    );
    let cases_total = cases_held(c, e, inpost);
    let (case_lines, states) = calibrate(c, e, &referrals_per_month, cases_total.value);
    let drift = Drifts {
        leaving: drift_of(Series::Turnover, turnover.scale, "leaving rates"),
        applicants: drift_of(
            Series::Starters,
            starters.applicants_per_month.scale,
            "experienced hires",
        ),
        referrals: drift_of(Series::Referrals, referrals_per_month.scale, "referrals"),
        agency: agency_drift(c, fph),
    };

    Ok(Derivation {
        council: council.name.clone(),
        region: council.region.clone(),
        year,
        establishment_fte: posts.establishment_fte,
        permanent_fte,
        fte_per_head,
        asye_fte: starters.asye_fte,
        case_holding_share: case_holding_share(c, e, fph),
        turnover,
        leaving,
        sickness_days_per_year: sickness(c, e),
        applicants_per_month: starters.applicants_per_month,
        intake_per_year: starters.intake_per_year,
        agency_fte: posts.agency_fte,
        vacancy_link: vacancy_link(c),
        referrals_per_month,
        drift,
        cases_total,
        case_lines,
        states,
        history: published_history(c),
    })
}

/// The permanent social workers in post: the council's latest figure in the
/// window, which every scenario needs (England's would not do).
fn in_post(c: Upto) -> Result<Sourced> {
    let inpost = latest(c, &inpost_obs).ok_or_else(|| {
        Error::Usage(format!(
            "--la {}: no social workers in post published for {} to {}, so no scenario can start from {}",
            c.area.name,
            c.year - WINDOW_YEARS + 1,
            c.year,
            c.year
        ))
    })?;
    Ok(Sourced {
        value: inpost.value,
        national: false,
        lines: vec![inpost.text],
    })
}

/// FTE per person in post, kept within 0.5 to 1.
fn fte_per_head(c: Upto, e: Upto) -> Sourced {
    let mut fte_per_head = pick(
        c,
        e,
        &fph_of,
        Fallback::Ratio,
        "FTE per person, inpost_fte / inpost_headcount",
    );
    fte_per_head.value = round_to(fte_per_head.value.clamp(0.5, 1.0), 2);
    fte_per_head
}

/// The funded posts and the agency in post.
struct Posts {
    establishment_fte: Sourced,
    agency_fte: Sourced,
}

/// Establishment = in post + vacancies; the agency in post, all of it: in
/// level mode agency persists at its level whatever the vacancies.
fn posts_and_agency(c: Upto, e: Upto, permanent_fte: &Sourced, fph: f64) -> Posts {
    let inpost_value = permanent_fte.value;
    let vacancy = pick(c, e, &vacancy_obs, Fallback::PerInpost(inpost_value), "vacancy_fte");
    let agency_obs = |v: Upto, y: i32| agency_of(v, y, fph);
    let agency = pick(c, e, &agency_obs, Fallback::PerInpost(inpost_value), "agency_fte");
    let vacancy_value = round_to(vacancy.value, 1);

    let establishment = round_to(inpost_value + vacancy_value, 2);
    let mut lines = vec![format!(
        "[CSWW] in post {} + vacancies {} = {}",
        num(inpost_value, 2),
        num(vacancy_value, 2),
        num(establishment, 2)
    )];
    lines.extend(permanent_fte.lines.iter().map(|l| format!("  in post: {l}")));
    lines.extend(vacancy.lines.iter().map(|l| format!("  vacancies: {l}")));
    Posts {
        establishment_fte: Sourced {
            value: establishment,
            national: vacancy.national,
            lines,
        },
        agency_fte: Sourced {
            value: round_to(agency.value, 1),
            ..agency
        },
    }
}

/// A process's drift: England's councils' lasting change a year (figures to
/// [`wander::CALIBRATION_LAST_YEAR`]) times the council's own scale.
fn drift_of(series: Series, scale: f64, what: &str) -> Sourced {
    let pooled = series.pooled().drift;
    let value = round_to(pooled * scale * series.stretch(), 3);
    Sourced {
        value,
        national: false,
        lines: vec![format!(
            "{what}: {} = England's councils' {} (lasting change in {} per square root of a year, figures to {}) x {} (this council's scale, as its range) x {} (the backtests' calibration)",
            num(value, 3),
            num(pooled, 3),
            series.name().replace('_', " "),
            wander::CALIBRATION_LAST_YEAR,
            num(scale, 2),
            num(series.stretch(), 2)
        )],
    }
}

/// The agency level's drift, scaled by the council's own year-to-year
/// changes in agency.
fn agency_drift(c: Upto, fph: f64) -> Sourced {
    let agency_obs = |v: Upto, y: i32| agency_of(v, y, fph);
    let obs = observations(c, &agency_obs);
    let kept: Vec<&Obs> = obs.iter().collect();
    let changes = yearly_changes(&kept);
    let scale = wander::own_scale(&changes, Series::Agency.pooled());
    let mut d = drift_of(Series::Agency, scale, "agency level");
    d.lines
        .push(format!("Its scale is from {}.", own_changes_words(changes.len())));
    d
}

/// The vacancy link: the council's own slope of agency's change on the
/// vacancies' change over its years in the window, shrunk toward England's.
fn vacancy_link(c: Upto) -> Sourced {
    let first = c.year - WINDOW_YEARS + 1;
    let changes = wander::vacancy_agency_changes(c.area, first, c.year);
    let value = wander::own_vacancy_link(&changes);
    Sourced {
        value,
        national: changes.is_empty(),
        lines: vec![format!(
            "{} = this council's slope of agency's change on the vacancies' change over {} ({} pair{} of years), weighed against England's councils' {} (figures to {}) as {} to {}",
            num(value, 3),
            if changes.is_empty() {
                "no years".to_string()
            } else {
                format!("{first} to {}", c.year)
            },
            changes.len(),
            if changes.len() == 1 { "" } else { "s" },
            num(wander::VACANCY_LINK, 2),
            wander::CALIBRATION_LAST_YEAR,
            changes.len(),
            wander::POOLED_WEIGHT
        )],
    }
}

/// Working days lost to sickness per FTE a year.
fn sickness(c: Upto, e: Upto) -> Sourced {
    let sickness = pick(
        c,
        e,
        &sickness_obs,
        Fallback::Ratio,
        "working_days_lost_fte / inpost_fte",
    );
    Sourced {
        value: round_to(sickness.value.clamp(0.0, WORKING_DAYS), 1),
        ..sickness
    }
}

/// The share of social work FTE holding cases, leaving out years probably
/// counted on another basis.
fn case_holding_share(c: Upto, e: Upto, fph: f64) -> Ranged {
    let share_obs = |v: Upto, y: i32| share_of(v, y, fph);
    range(
        c,
        e,
        &share_obs,
        Fallback::Ratio,
        Some(SHARE_BASIS_TOLERANCE),
        "case_holders_fte / (inpost_fte + agency_fte)",
        Series::CaseHoldingShare,
    )
    .clamped(0.01, 1.0, 3)
}

/// Turnover as a share of in post.
fn turnover(c: Upto, e: Upto) -> Ranged {
    range(
        c,
        e,
        &turnover_obs,
        Fallback::Ratio,
        None,
        "turnover_rate_fte (leavers in the year / in post)",
        Series::Turnover,
    )
    .clamped(0.0, 1.0, 3)
}

/// Starters: the experienced a month, the newly qualified a year, and one
/// year's intake of the newly qualified in post now.
struct Starters {
    applicants_per_month: Ranged,
    intake_per_year: Ranged,
    asye_fte: Sourced,
}

fn starters(c: Upto, e: Upto, posts: &Posts, inpost_value: f64, fph: f64, turnover: f64) -> Starters {
    let experienced_obs = |v: Upto, y: i32| experienced_of(v, y, fph);
    let published = count_range(
        c,
        e,
        &experienced_obs,
        inpost_value,
        "experienced starters a month",
        Series::Starters,
        2,
    );
    let intake_per_year = count_range(
        c,
        e,
        &intake_obs,
        inpost_value,
        "newly qualified starters a year",
        Series::Starters,
        1,
    );
    let applicants_per_month = balanced(
        published,
        inpost_value,
        fph,
        turnover,
        intake_per_year.latest,
        posts.agency_fte.value,
    );
    let asye_heads = round_half_up(intake_per_year.latest);
    let asye_value = round_to((asye_heads * fph).min(inpost_value), 2);
    let asye_fte = Sourced {
        value: asye_value,
        national: intake_per_year.national,
        lines: vec![format!(
            "one year's intake in post: {} (latest intake, rounded) x {} FTE per person = {}{}",
            num(asye_heads, 0),
            num(fph, 2),
            num(asye_heads * fph, 2),
            if asye_heads * fph > inpost_value {
                format!(", capped at the {} in post", num(inpost_value, 2))
            } else {
                String::new()
            }
        )],
    };
    Starters {
        applicants_per_month,
        intake_per_year,
        asye_fte,
    }
}

/// Experienced hires centred where, with the newly qualified and agency
/// conversions, they replace the leavers at the latest turnover: in post
/// stays where it is unless rates drift or posts change. The published
/// starters (shown) keep their spread. One year's starters and leavers
/// rarely balance, and a scenario that took their difference as lasting
/// would move in post by it year after year; the backtests found such
/// moves unrelated to what councils went on to publish (docs/model.md).
fn balanced(published: Ranged, inpost: f64, fph: f64, turnover: f64, intake: f64, agency_fte: f64) -> Ranged {
    let leavers = turnover * inpost / fph;
    let conversions = CONVERSION_RATE * agency_fte / fph;
    let a_year = (leavers - intake - conversions).max(0.0);
    let mut lines = published.lines.clone();
    lines.push(format!(
        "Centred where hires replace leavers: turnover {} x {} in post / {} FTE per person = {} leavers a year, less {} newly qualified and {} agency converting (5% of {} agency people) = {} a year = {} a month; the published experienced starters above, latest {} a month, rarely balance the leavers in one year (docs/model.md).",
        num(turnover, 3),
        num(inpost, 2),
        num(fph, 2),
        num(leavers, 1),
        num(intake, 1),
        num(conversions, 1),
        num(agency_fte / fph, 1),
        num(a_year, 1),
        num(a_year / 12.0, 2),
        num(published.latest, 2)
    ));
    Ranged {
        latest: round_to(a_year / 12.0, 2),
        lines,
        ..published
    }
}

/// The range of a count that scales with a council's size (England's per
/// FTE in post when the council's is missing), kept at 0 or more.
fn count_range(c: Upto, e: Upto, f: PerYear, inpost_value: f64, what: &str, series: Series, decimals: i32) -> Ranged {
    range(c, e, f, Fallback::PerInpost(inpost_value), None, what, series).clamped(0.0, f64::INFINITY, decimals)
}

/// The cases held now, a whole number.
fn cases_held(c: Upto, e: Upto, inpost_value: f64) -> Sourced {
    let cases = pick(c, e, &cases_obs, Fallback::PerInpost(inpost_value), "cases held");
    Sourced {
        value: cases.value.round(),
        ..cases
    }
}

/// The published actual values at each 30 September up to the year, for
/// the years with any of them.
fn published_history(c: Upto) -> Vec<HistoryPoint> {
    c.area
        .workforce_years()
        .into_iter()
        .filter(|y| *y <= c.year)
        .filter_map(|y| YearMonth::new(y, 9).map(|date| (y, date)))
        .map(|(y, date)| HistoryPoint {
            date,
            in_post_fte: c.value(Column::InpostFte, y),
            agency_fte: c.value(Column::AgencyFte, y),
            vacancy_fte: c.value(Column::VacancyFte, y),
            open_cases: c.value(Column::Cases, y),
            caseload: c.value(Column::CaseloadFte, y),
            turnover_rate: c.value(Column::TurnoverRateFte, y).map(|t| round_to(t / 100.0, 4)),
        })
        .filter(|h| {
            [
                h.in_post_fte,
                h.agency_fte,
                h.vacancy_fte,
                h.open_cases,
                h.caseload,
                h.turnover_rate,
            ]
            .iter()
            .any(Option::is_some)
        })
        .collect()
}

/// The leaving rates by service year: the shape scaled to give the latest
/// turnover in steady state, each a lognormal whose 5th and 95th
/// percentiles give the turnover range's (the bands move together, so a run
/// at the turnover range's quantile u has every band at u), its spread
/// narrowed where need be so that its draws stay below [`LEAVING_CAP`]
/// with near certainty ([`leaving_spread_limit`]). A narrowed band's
/// `lines` hold one fragment, "spread S rather than W" (the scenario
/// writes one sentence for all of them).
fn leaving_bands(turnover: &Ranged) -> Vec<Ranged> {
    let bands = |t: f64| {
        let base = base_rate_for_turnover(t);
        LEAVING_SHAPE.map(|k| (base * k).min(LEAVING_CAP))
    };
    let (latest, high) = (bands(turnover.latest), bands(turnover.high()));
    latest
        .iter()
        .zip(high)
        .map(|(mid, hi)| {
            let latest = round_to(*mid, 3);
            let fitted = if *mid > 0.0 && hi > *mid {
                round_to((hi / mid).ln() / Z90, 3)
            } else {
                0.0
            };
            let limit = leaving_spread_limit(latest);
            let mut lines = Vec::new();
            if fitted > limit {
                lines.push(format!("spread {} rather than {}", num(limit, 3), num(fitted, 3)));
            }
            Ranged {
                latest,
                spread: fitted.min(limit),
                scale: turnover.scale,
                national: turnover.national,
                lines,
            }
        })
        .collect()
}

/// The most a leaving band's central and high values are, and what its
/// draws stay below: an annual chance of leaving. MODEL.md clips a drawn
/// chance to 1, and a first-year band at 1 (monthly leaving 1) empties the
/// permanent workforce in the first month.
pub const LEAVING_CAP: f64 = 0.95;

/// The standard normal's 0.9999 quantile: a leaving band's lognormal is at
/// most [`LEAVING_CAP`] at its 99.99th percentile, so 9,999 runs in 10,000
/// draw it below.
pub const Z9999: f64 = 3.719_016_485_455_68;

/// The largest spread (`sd_log`, 3 decimals, rounded down so that the
/// bound holds as written) of a leaving band centred on `latest` whose
/// 99.99th percentile, `latest x exp(Z9999 x spread)`, is at most
/// [`LEAVING_CAP`]: 0 for a band at the cap, none for a band at 0 (which
/// draws 0).
pub fn leaving_spread_limit(latest: f64) -> f64 {
    if latest <= 0.0 {
        f64::INFINITY
    } else if latest >= LEAVING_CAP {
        0.0
    } else {
        ((LEAVING_CAP / latest).ln() / Z9999 * 1000.0).floor() / 1000.0
    }
}

/// The model's steady-state turnover (leavers a year over the stock) with
/// leaving rates `base x LEAVING_SHAPE`, service counted to 40 years.
pub fn steady_state_turnover(annual_rates: &[f64]) -> f64 {
    let Some(last) = annual_rates.last() else {
        return 0.0;
    };
    let (mut survival, mut stock, mut leavers) = (1.0, 0.0, 0.0);
    for s in 0..SERVICE_MONTHS {
        let band = annual_rates.get((s / 12) as usize).unwrap_or(last);
        let q = monthly(*band);
        stock += survival;
        leavers += survival * q;
        survival *= 1.0 - q;
    }
    if stock > 0.0 { 12.0 * leavers / stock } else { 0.0 }
}

/// The base rate whose shaped rates give `turnover` in steady state
/// (bisection; turnover rises with the base rate).
pub fn base_rate_for_turnover(turnover: f64) -> f64 {
    let rates = |b: f64| LEAVING_SHAPE.map(|k| (b * k).min(LEAVING_CAP));
    let (mut lo, mut hi) = (0.0, LEAVING_CAP / LEAVING_SHAPE[0]);
    if turnover <= 0.0 {
        return 0.0;
    }
    if steady_state_turnover(&rates(hi)) <= turnover {
        return hi;
    }
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if steady_state_turnover(&rates(mid)) < turnover {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// The case states: open cases split and durations set so that, at the
/// latest referrals, the total open stays at the cases held.
fn calibrate(c: Upto, e: Upto, referrals: &Ranged, cases_held: f64) -> (Vec<String>, Vec<State>) {
    let figures = case_figures(c, e, referrals.latest * 12.0);
    let flows = flows(referrals.latest, &figures);
    let open = open_cases(&flows, cases_held);
    let mut lines = flow_lines(referrals.latest, &figures, &flows, &open);
    lines.extend(balance_lines(referrals.latest, &flows, &open, cases_held));
    (lines, case_states(&flows, &open))
}

/// The council's figures (or England's) that the case states follow.
struct CaseFigures {
    nfa: Sourced,
    close: Sourced,
    plans: Sourced,
    cpp: Sourced,
    at31: Sourced,
    rereferral: Sourced,
}

fn case_figures(c: Upto, e: Upto, annual_referrals: f64) -> CaseFigures {
    CaseFigures {
        nfa: pick(c, e, &nfa_obs, Fallback::Ratio, "no further action"),
        close: pick(c, e, &close_obs, Fallback::Ratio, "assessed not in need"),
        plans: pick(c, e, &plan_obs, Fallback::Ratio, "plans started per assessment"),
        cpp: pick(c, e, &cpp_obs, Fallback::PerReferral(annual_referrals), "CPP_At31"),
        at31: pick(
            c,
            e,
            &at31_obs,
            Fallback::PerReferral(annual_referrals),
            "At31_episodes",
        ),
        rereferral: pick(c, e, &rereferral_obs, Fallback::Ratio, "re-referrals"),
    }
}

/// A month's flows between the states at the latest referrals.
struct Flows {
    /// Share of referrals ending with no further action.
    nfa_share: f64,
    /// Assessments started a month.
    assessments: f64,
    /// Shares of assessments closed (not in need), going to a plan, and to
    /// child in need.
    p_close: f64,
    p_plan: f64,
    p_cin: f64,
    plan_starts: f64,
    plan_months: f64,
    /// Child-in-need cases starting a month, from assessments and plans.
    cin_inflow: f64,
    looked_after_estimate: f64,
    /// Entering care a month from assessments and ended plans.
    care_fixed: f64,
    /// Share of child-in-need cases ending in care.
    q_care: f64,
    care_inflow: f64,
}

fn flows(referrals: f64, f: &CaseFigures) -> Flows {
    let nfa_share = f.nfa.value.clamp(0.0, 1.0);
    let assessments = referrals * (1.0 - nfa_share);
    let p_close = round_to(f.close.value.clamp(0.0, 1.0 - ASSESSMENT_TO_CARE), 3);
    let p_plan = round_to(f.plans.value.clamp(0.0, 1.0 - ASSESSMENT_TO_CARE - p_close), 3);
    let p_cin = round_to((1.0 - ASSESSMENT_TO_CARE - p_close - p_plan).max(0.0), 3);
    let plan_starts = assessments * p_plan;
    let plan_months = if plan_starts > 0.0 {
        (f.cpp.value / plan_starts).clamp(MIN_MONTHS, MAX_PLAN_MONTHS)
    } else {
        MAX_PLAN_MONTHS
    };
    let cin_inflow = assessments * p_cin + plan_starts * PLAN_TO_CHILD_IN_NEED;
    let looked_after_estimate = LOOKED_AFTER_PER_CHILD_IN_NEED * f.at31.value;
    let care_fixed = assessments * ASSESSMENT_TO_CARE + plan_starts * PLAN_TO_CARE;
    let q_care = if cin_inflow > 0.0 {
        round_to(
            ((looked_after_estimate / LOOKED_AFTER_MONTHS - care_fixed) / cin_inflow).clamp(0.0, 0.5),
            3,
        )
    } else {
        0.0
    };
    let care_inflow = care_fixed + q_care * cin_inflow;
    Flows {
        nfa_share,
        assessments,
        p_close,
        p_plan,
        p_cin,
        plan_starts,
        plan_months,
        cin_inflow,
        looked_after_estimate,
        care_fixed,
        q_care,
        care_inflow,
    }
}

/// The cases held split among the states.
struct Open {
    /// Open in steady state at the flows: assessments, plans, looked after.
    assessment_open: f64,
    plan_open: f64,
    care_open: f64,
    /// The cases held less those three: child in need's share.
    room: f64,
    /// Below 1 when the cases held are fewer than the flows need.
    scale: f64,
    cin_months: f64,
    /// Each state's open cases, whole numbers adding up to the cases held.
    assessment: f64,
    plan: f64,
    care: f64,
    cin: f64,
    /// Share of referrals entering an assessment.
    entry: f64,
}

/// Child in need is the balancing state: it holds the cases the other
/// states leave, lasting at least [`MIN_MONTHS`]; when the cases held are
/// too few even for that, every state is scaled down.
fn open_cases(f: &Flows, cases_held: f64) -> Open {
    let assessment_open = f.assessments * ASSESSMENT_MONTHS;
    let plan_open = f.plan_starts * f.plan_months;
    let care_open = f.care_inflow * LOOKED_AFTER_MONTHS;
    let room = cases_held - assessment_open - plan_open - care_open;
    let (scale, cin_months) = if f.cin_inflow > 0.0 && room >= f.cin_inflow * MIN_MONTHS {
        (1.0, room / f.cin_inflow)
    } else {
        let needed = assessment_open + plan_open + care_open + f.cin_inflow * MIN_MONTHS;
        let scale = if needed > 0.0 {
            (cases_held / needed).min(1.0)
        } else {
            1.0
        };
        (scale, MIN_MONTHS)
    };
    let assessment = (scale * assessment_open).round();
    let plan = (scale * plan_open).round();
    let care = (scale * care_open).round();
    Open {
        assessment_open,
        plan_open,
        care_open,
        room,
        scale,
        cin_months,
        assessment,
        plan,
        care,
        cin: (cases_held - assessment - plan - care).max(0.0),
        entry: round_to((1.0 - f.nfa_share) * scale, 3),
    }
}

/// How the flows follow from the figures: referrals to looked after.
fn flow_lines(referrals: f64, figures: &CaseFigures, f: &Flows, open: &Open) -> Vec<String> {
    vec![
        format!("Referrals: {} a month (the latest, as above).", num(referrals, 1)),
        format!("No further action: {}", inline(&figures.nfa)),
        format!(
            "Re-referrals: {}; they are counted in the referrals and start a new assessment, as in the model: no adjustment.",
            inline(&figures.rereferral)
        ),
        format!(
            "Assessment: {} x (1 - {}) = {} start a month, lasting {} months (assumption): {} open.",
            num(referrals, 1),
            num(f.nfa_share, 3),
            num(f.assessments, 1),
            num(ASSESSMENT_MONTHS, 1),
            num(open.assessment_open, 0)
        ),
        format!("Closed after assessment (not in need): {}", inline(&figures.close)),
        format!("Protection plans per assessment: {}", inline(&figures.plans)),
        format!(
            "Child protection: {} x {} = {} plans start a month; {} open, so a plan lasts {} / {} = {} months{}.",
            num(f.assessments, 1),
            num(f.p_plan, 3),
            num(f.plan_starts, 1),
            inline(&figures.cpp),
            num(figures.cpp.value, 0),
            num(f.plan_starts, 1),
            num(f.plan_months, 1),
            if f.plan_starts > 0.0 && (figures.cpp.value / f.plan_starts - f.plan_months).abs() > 1e-9 {
                format!(" (kept within {MIN_MONTHS} to {MAX_PLAN_MONTHS})")
            } else {
                String::new()
            }
        ),
        format!(
            "Looked after (not in the shipped figures): {} (England's looked-after children per child in need) x {} = {}, lasting {} months (England), so {} enter a month.",
            num(LOOKED_AFTER_PER_CHILD_IN_NEED, 3),
            inline(&figures.at31),
            num(f.looked_after_estimate, 0),
            num(LOOKED_AFTER_MONTHS, 1),
            num(f.looked_after_estimate / LOOKED_AFTER_MONTHS, 1)
        ),
        format!(
            "  {}% of assessments and {}% of ended plans (assumptions) give {}; the rest come from child in need: {} of cases ending there (kept within 0 to 0.5); {} open in steady state.",
            num(ASSESSMENT_TO_CARE * 100.0, 0),
            num(PLAN_TO_CARE * 100.0, 0),
            num(f.care_fixed, 1),
            num(f.q_care, 3),
            num(open.care_open, 0)
        ),
    ]
}

/// How child in need balances the cases held, and the scaling when they
/// are too few.
fn balance_lines(referrals: f64, f: &Flows, open: &Open, cases_held: f64) -> Vec<String> {
    let cin_enter = format!(
        "Child in need: {} x {} + {} x {} = {} enter a month",
        num(f.assessments, 1),
        num(f.p_cin, 3),
        num(f.plan_starts, 1),
        num(PLAN_TO_CHILD_IN_NEED, 1),
        num(f.cin_inflow, 1)
    );
    let mut lines = Vec::new();
    if open.scale < 1.0 {
        lines.push(format!("{cin_enter}."));
        lines.push(format!(
            "Cases held ({}) are fewer than these figures need ({} + {} + {} open, and at least {} month of child in need: {}). So only {} of referrals needing a case are taken to become one held by a social worker (entry share {} x {} = {}), every state's open cases are scaled by {}, and a child-in-need case lasts {} month.",
            num(cases_held, 0),
            num(open.assessment_open, 0),
            num(open.plan_open, 0),
            num(open.care_open, 0),
            num(MIN_MONTHS, 0),
            num(open.assessment_open + open.plan_open + open.care_open + f.cin_inflow * MIN_MONTHS, 0),
            num(open.scale, 3),
            num(1.0 - f.nfa_share, 3),
            num(open.scale, 3),
            num(open.entry, 3),
            num(open.scale, 3),
            num(MIN_MONTHS, 0)
        ));
    } else {
        lines.push(format!(
            "{cin_enter}; the balance of the cases held, {} - {} - {} - {} = {}, is open, lasting {} / {} = {} months.",
            num(cases_held, 0),
            num(open.assessment, 0),
            num(open.plan, 0),
            num(open.care, 0),
            num(open.cin, 0),
            num(open.room, 0),
            num(f.cin_inflow, 1),
            num(open.cin_months, 1)
        ));
    }
    lines.push(format!(
        "So, at {} referrals a month, open cases stay near the {} held.",
        num(referrals, 1),
        num(cases_held, 0)
    ));
    lines
}

/// The four case states as the scenario writes them.
fn case_states(f: &Flows, open: &Open) -> Vec<State> {
    vec![
        State {
            name: "assessment",
            open: open.assessment as u64,
            entry_share: open.entry,
            mean_months: ASSESSMENT_MONTHS,
            next: vec![
                ("child_in_need", f.p_cin),
                ("child_protection", f.p_plan),
                ("looked_after", ASSESSMENT_TO_CARE),
            ],
            note: format!("the rest ({}) close: assessed not in need", num(f.p_close, 3)),
        },
        State {
            name: "child_in_need",
            open: open.cin as u64,
            entry_share: 0.0,
            mean_months: round_to(open.cin_months, 1).max(MIN_MONTHS),
            next: vec![("looked_after", f.q_care)],
            note: "the balancing state: child in need plans and other support".into(),
        },
        State {
            name: "child_protection",
            open: open.plan as u64,
            entry_share: 0.0,
            mean_months: round_to(f.plan_months, 1).max(MIN_MONTHS),
            next: vec![("child_in_need", PLAN_TO_CHILD_IN_NEED), ("looked_after", PLAN_TO_CARE)],
            note: "children on a child protection plan; where plans go when they end is an assumption".into(),
        },
        State {
            name: "looked_after",
            open: open.care as u64,
            entry_share: 0.0,
            mean_months: LOOKED_AFTER_MONTHS,
            next: Vec::new(),
            note: "looked-after children (an estimate); leaving care closes the case".into(),
        },
    ]
}

/// A value's provenance as one sentence.
fn inline(s: &Sourced) -> String {
    s.lines.join(" ")
}

// ---------------------------------------------------------------------------
// Choosing among years

fn window(year: i32) -> std::ops::RangeInclusive<i32> {
    (year - WINDOW_YEARS + 1)..=year
}

fn observations(v: Upto, f: PerYear) -> Vec<Obs> {
    window(v.year).filter_map(|y| f(v, y)).collect()
}

fn latest(v: Upto, f: PerYear) -> Option<Obs> {
    window(v.year).rev().find_map(|y| f(v, y))
}

/// England's observations standing in for the council's, scaled.
fn national(e: Upto, f: PerYear, fallback: Fallback) -> Vec<Obs> {
    observations(e, f)
        .into_iter()
        .filter_map(|o| match fallback {
            Fallback::Ratio => Some(Obs {
                text: format!("England {}", o.text),
                ..o
            }),
            Fallback::PerInpost(size) => {
                let base = e.value(Column::InpostFte, o.year).filter(|b| *b > 0.0)?;
                let value = o.value / base * size;
                Some(Obs {
                    year: o.year,
                    value,
                    text: format!(
                        "England {} per FTE in post ({}) x {} = {}",
                        o.text,
                        published(base),
                        num(size, 2),
                        num(value, 2)
                    ),
                })
            }
            Fallback::PerReferral(referrals) => {
                let base = e.value(Column::ReferralCount, o.year).filter(|b| *b > 0.0)?;
                let value = o.value / base * referrals;
                Some(Obs {
                    year: o.year,
                    value,
                    text: format!(
                        "England {} per referral ({}) x {} referrals a year = {}",
                        o.text,
                        published(base),
                        num(referrals, 0),
                        num(value, 0)
                    ),
                })
            }
        })
        .collect()
}

/// The council's latest value in the window, or England's.
fn pick(c: Upto, e: Upto, f: PerYear, fallback: Fallback, what: &str) -> Sourced {
    if let Some(o) = latest(c, f) {
        let mut lines = vec![o.text.clone()];
        if o.year < c.year {
            let later = if o.year + 1 == c.year {
                c.year.to_string()
            } else {
                format!("{} to {}", o.year + 1, c.year)
            };
            lines.push(format!(
                "(not published for {later}: the latest year published is used)"
            ));
        }
        return Sourced {
            value: o.value,
            national: false,
            lines,
        };
    }
    let nat = national(e, f, fallback);
    match nat.last() {
        Some(o) => Sourced {
            value: o.value,
            national: true,
            lines: vec![
                format!(
                    "{what}: not published for this council for {} to {}; national default:",
                    c.year - WINDOW_YEARS + 1,
                    c.year
                ),
                o.text.clone(),
            ],
        },
        None => Sourced {
            value: 0.0,
            national: true,
            lines: vec![format!(
                "{what}: not published for this council or for England: taken as 0"
            )],
        },
    }
}

/// A lognormal centred on the council's latest value in the window (or
/// England's, scaled, when the council published none), with `series`'s
/// pooled spread scaled by the council's own year-to-year changes.
fn range(
    c: Upto,
    e: Upto,
    f: PerYear,
    fallback: Fallback,
    basis_tolerance: Option<f64>,
    what: &str,
    series: Series,
) -> Ranged {
    let mut obs = observations(c, f);
    let mut lines = Vec::new();
    // A lognormal cannot be centred on 0: a council whose every value in
    // the window is 0 (Derby's 0 leavers of 135 FTE in 2017, its first
    // year) gets England's, as one that published none does.
    let all_zero = !obs.is_empty() && obs.iter().all(|o| o.value <= 0.0);
    if all_zero {
        lines.extend(obs.drain(..).map(|o| o.text));
    }
    let national_used = obs.is_empty();
    if national_used {
        obs = national(e, f, fallback);
        lines.push(format!(
            "{what}: {} for this council for {} to {}; national default:",
            if all_zero { "0 in every year" } else { "not published" },
            c.year - WINDOW_YEARS + 1,
            c.year
        ));
    }
    let Some(last) = obs.last().cloned() else {
        lines.push(format!(
            "{what}: not published for this council or for England: taken as 0"
        ));
        return Ranged {
            latest: 0.0,
            spread: 0.0,
            scale: 1.0,
            national: true,
            lines,
        };
    };
    // Nor on a latest 0: every run would draw 0 (no one leaving for three
    // years, for Manchester's 0 leavers of 415 FTE in 2022). The latest
    // positive value centres it.
    let centre = obs.iter().rev().find(|o| o.value > 0.0).unwrap_or(&last).clone();
    let mut kept: Vec<&Obs> = Vec::new();
    for o in &obs {
        let off_basis = basis_tolerance
            .filter(|tol| centre.value > 0.0 && (o.value / centre.value - 1.0).abs() > *tol && o.year != centre.year);
        if let Some(tol) = off_basis {
            lines.push(format!(
                "{} (left out: more than {}% from the latest, so probably counted on another basis)",
                o.text,
                num(tol * 100.0, 0)
            ));
        } else {
            lines.push(o.text.clone());
            kept.push(o);
        }
    }
    // England's figures stand in for the council's: its own changes say nothing.
    let changes = if national_used {
        Vec::new()
    } else {
        yearly_changes(&kept)
    };
    let pooled = series.pooled();
    let scale = wander::own_scale(&changes, pooled);
    let spread = pooled.spread * scale * series.stretch();
    let r = Ranged {
        latest: centre.value,
        spread,
        scale,
        national: national_used,
        lines: Vec::new(),
    };
    if centre.year != last.year {
        lines.push(format!(
            "The latest value ({}'s) is 0, which cannot centre a range (every run would draw 0): it is centred on the latest positive value, {}'s.",
            last.year, centre.year
        ));
    }
    lines.push(format!(
        "Range: centred on the latest {}value, {} ({}); spread (sd_log) {} = England's councils' {} (year-to-year noise in {}, figures to {}) x {} from {} x {} (the backtests' calibration); 9 runs in 10 draw {} to {} (docs/model.md).",
        if centre.year == last.year { "" } else { "positive " },
        num(centre.value, 3),
        centre.year,
        num(spread, 3),
        num(pooled.spread, 3),
        series.name().replace('_', " "),
        wander::CALIBRATION_LAST_YEAR,
        num(scale, 2),
        own_changes_words(changes.len()),
        num(series.stretch(), 2),
        num(r.low(), 3),
        num(r.high(), 3),
    ));
    Ranged { lines, ..r }
}

/// The log changes between consecutive years (both positive) of `kept`.
fn yearly_changes(kept: &[&Obs]) -> Vec<f64> {
    kept.windows(2)
        .filter(|w| w[1].year == w[0].year + 1 && w[0].value > 0.0 && w[1].value > 0.0)
        .map(|w| (w[1].value / w[0].value).ln())
        .collect()
}

/// Where a council's scale came from, in words.
fn own_changes_words(m: usize) -> String {
    match m {
        0 => "no year-to-year change of its own published (so England's)".to_string(),
        1 => format!(
            "its one year-to-year change, weighed against England's as 1 to {}",
            wander::POOLED_WEIGHT
        ),
        m => format!(
            "its {m} year-to-year changes, weighed against England's as {m} to {}",
            wander::POOLED_WEIGHT
        ),
    }
}

// ---------------------------------------------------------------------------
// One year's figure, and how it is worked out

fn get(v: Upto, c: Column, y: i32) -> Option<f64> {
    v.value(c, y)
}

fn inpost_obs(v: Upto, y: i32) -> Option<Obs> {
    let x = get(v, Column::InpostFte, y)?;
    Some(Obs {
        year: y,
        value: x,
        text: format!("{y} inpost_fte {}", published(x)),
    })
}

fn vacancy_obs(v: Upto, y: i32) -> Option<Obs> {
    let x = get(v, Column::VacancyFte, y)?;
    Some(Obs {
        year: y,
        value: x,
        text: format!("{y} vacancy_fte {}", published(x)),
    })
}

fn fph_of(v: Upto, y: i32) -> Option<Obs> {
    let fte = get(v, Column::InpostFte, y)?;
    let heads = get(v, Column::InpostHeadcount, y).filter(|h| *h > 0.0)?;
    (fte > 0.0).then(|| Obs {
        year: y,
        value: fte / heads,
        text: format!(
            "{y} inpost_fte {} / inpost_headcount {} = {}",
            published(fte),
            published(heads),
            num(fte / heads, 3)
        ),
    })
}

/// Agency FTE, or its headcount times FTE per person when the FTE is not given.
fn agency_of(v: Upto, y: i32, fph: f64) -> Option<Obs> {
    if let Some(x) = get(v, Column::AgencyFte, y) {
        return Some(Obs {
            year: y,
            value: x,
            text: format!("{y} agency_fte {}", published(x)),
        });
    }
    let heads = get(v, Column::AgencyHeadcount, y)?;
    let why = missing_text(v.cell(Column::AgencyFte, y));
    Some(Obs {
        year: y,
        value: heads * fph,
        text: format!(
            "{y} agency_fte {why}: agency_headcount {} x {} FTE per person = {}",
            published(heads),
            num(fph, 2),
            num(heads * fph, 2)
        ),
    })
}

fn sickness_obs(v: Upto, y: i32) -> Option<Obs> {
    let days = get(v, Column::WorkingDaysLostFte, y)?;
    let fte = get(v, Column::InpostFte, y).filter(|f| *f > 0.0)?;
    Some(Obs {
        year: y,
        value: days / fte,
        text: format!(
            "{y} working_days_lost_fte {} / inpost_fte {} = {} days",
            published(days),
            published(fte),
            num(days / fte, 1)
        ),
    })
}

fn cases_obs(v: Upto, y: i32) -> Option<Obs> {
    if let Some(x) = get(v, Column::Cases, y) {
        return Some(Obs {
            year: y,
            value: x,
            text: format!("{y} cases {}", published(x)),
        });
    }
    let caseload = get(v, Column::CaseloadFte, y)?;
    let holders = get(v, Column::CaseHoldersFte, y)?;
    Some(Obs {
        year: y,
        value: (caseload * holders).round(),
        text: format!(
            "{y} cases {}: caseload_fte {} x case_holders_fte {} = {}",
            missing_text(v.cell(Column::Cases, y)),
            published(caseload),
            published(holders),
            num(caseload * holders, 0)
        ),
    })
}

fn share_of(v: Upto, y: i32, fph: f64) -> Option<Obs> {
    let holders = get(v, Column::CaseHoldersFte, y)?;
    let inpost = get(v, Column::InpostFte, y)?;
    let agency = agency_of(v, y, fph)?;
    let all = inpost + agency.value;
    (all > 0.0).then(|| Obs {
        year: y,
        value: holders / all,
        text: format!(
            "{y} {} / ({} + {}) = {}",
            published(holders),
            published(inpost),
            num(agency.value, 2),
            num(holders / all, 3)
        ),
    })
}

fn turnover_obs(v: Upto, y: i32) -> Option<Obs> {
    if let Some(t) = get(v, Column::TurnoverRateFte, y) {
        return Some(Obs {
            year: y,
            value: t / 100.0,
            text: format!("{y} {}% = {}", published(t), num(t / 100.0, 3)),
        });
    }
    let leavers = get(v, Column::LeaversFte, y)?;
    let inpost = get(v, Column::InpostFte, y).filter(|i| *i > 0.0)?;
    Some(Obs {
        year: y,
        value: leavers / inpost,
        text: format!(
            "{y} turnover_rate_fte {}: leavers_fte {} / inpost_fte {} = {}%",
            missing_text(v.cell(Column::TurnoverRateFte, y)),
            published(leavers),
            published(inpost),
            num(leavers / inpost * 100.0, 1)
        ),
    })
}

/// Experienced starters a month: starters, less the newly qualified share
/// and agency workers converting, over 12.
fn experienced_of(v: Upto, y: i32, fph: f64) -> Option<Obs> {
    let starters = get(v, Column::StartersHeadcount, y)?;
    let (agency_heads, agency_text) = match get(v, Column::AgencyHeadcount, y) {
        Some(h) => (h, format!("agency_headcount {}", published(h))),
        None => {
            let a = agency_of(v, y, fph)?;
            (
                a.value / fph,
                format!("agency {} FTE / {}", num(a.value, 1), num(fph, 2)),
            )
        }
    };
    let a_year = (starters * (1.0 - ASYE_SHARE_OF_STARTERS) - CONVERSION_RATE * agency_heads).max(0.0);
    Some(Obs {
        year: y,
        value: a_year / 12.0,
        text: format!(
            "{y} starters_headcount {} x 2/3 - {} x {agency_text} = {} a year = {} a month",
            published(starters),
            num(CONVERSION_RATE, 2),
            num(a_year, 1),
            num(a_year / 12.0, 2)
        ),
    })
}

fn intake_obs(v: Upto, y: i32) -> Option<Obs> {
    let starters = get(v, Column::StartersHeadcount, y)?;
    Some(Obs {
        year: y,
        value: starters * ASYE_SHARE_OF_STARTERS,
        text: format!(
            "{y} starters_headcount {} / 3 = {}",
            published(starters),
            num(starters * ASYE_SHARE_OF_STARTERS, 1)
        ),
    })
}

fn referrals_obs(v: Upto, y: i32) -> Option<Obs> {
    let r = get(v, Column::ReferralCount, y)?;
    Some(Obs {
        year: y,
        value: r / 12.0,
        text: format!("{}-{:02} {} / 12 = {}", y - 1, y % 100, published(r), num(r / 12.0, 1)),
    })
}

/// No-further-action referrals, published or, when suppressed, from the
/// identity referrals = no further action + assessed not in need +
/// children-in-need episodes started (exact in the published figures).
fn nfa_count(v: Upto, y: i32) -> Option<(f64, String)> {
    let r = get(v, Column::ReferralCount, y)?;
    if let Some(n) = get(v, Column::NoFurtherActionCount, y) {
        return Some((n, format!("no_further_action_count {}", published(n))));
    }
    let nin = get(v, Column::NotInNeedCount, y)?;
    let started = get(v, Column::StartedEpisodes, y)?;
    let n = r - nin - started;
    (n >= 0.0).then(|| {
        (
            n,
            format!(
                "no_further_action_count {}, so referral_count {} - not_in_need_count {} - Started_episodes {} = {}",
                missing_text(v.cell(Column::NoFurtherActionCount, y)),
                published(r),
                published(nin),
                published(started),
                num(n, 0)
            ),
        )
    })
}

fn cin_year(y: i32) -> String {
    format!("{}-{:02}", y - 1, y % 100)
}

fn nfa_obs(v: Upto, y: i32) -> Option<Obs> {
    let r = get(v, Column::ReferralCount, y).filter(|r| *r > 0.0)?;
    let (n, text) = nfa_count(v, y)?;
    Some(Obs {
        year: y,
        value: n / r,
        text: format!(
            "[CIN] {} {text} of {} referrals = {}",
            cin_year(y),
            published(r),
            num(n / r, 3)
        ),
    })
}

fn close_obs(v: Upto, y: i32) -> Option<Obs> {
    let r = get(v, Column::ReferralCount, y)?;
    let (n, _) = nfa_count(v, y)?;
    let nin = get(v, Column::NotInNeedCount, y)?;
    let assessed = r - n;
    (assessed > 0.0).then(|| Obs {
        year: y,
        value: nin / assessed,
        text: format!(
            "[CIN] {} not_in_need_count {} / assessed {} (referrals {} - no further action {}) = {}",
            cin_year(y),
            published(nin),
            num(assessed, 0),
            published(r),
            num(n, 0),
            num(nin / assessed, 3)
        ),
    })
}

fn plan_obs(v: Upto, y: i32) -> Option<Obs> {
    let r = get(v, Column::ReferralCount, y)?;
    let (n, _) = nfa_count(v, y)?;
    let icpc = get(v, Column::Icpc, y)?;
    let assessed = r - n;
    (assessed > 0.0).then(|| Obs {
        year: y,
        value: icpc * PLANS_PER_CONFERENCE / assessed,
        text: format!(
            "[CIN] {} ICPC {} x {} (England's plans per conference) / assessed {} = {}",
            cin_year(y),
            published(icpc),
            num(PLANS_PER_CONFERENCE, 3),
            num(assessed, 0),
            num(icpc * PLANS_PER_CONFERENCE / assessed, 3)
        ),
    })
}

fn cpp_obs(v: Upto, y: i32) -> Option<Obs> {
    let x = get(v, Column::CppAt31, y)?;
    Some(Obs {
        year: y,
        value: x,
        text: format!("[CIN] 31 March {y} CPP_At31 {}", published(x)),
    })
}

fn at31_obs(v: Upto, y: i32) -> Option<Obs> {
    let x = get(v, Column::At31Episodes, y)?;
    Some(Obs {
        year: y,
        value: x,
        text: format!("[CIN] 31 March {y} At31_episodes {}", published(x)),
    })
}

fn rereferral_obs(v: Upto, y: i32) -> Option<Obs> {
    let r = get(v, Column::ReferralCount, y).filter(|r| *r > 0.0)?;
    let x = get(v, Column::RereferralCount, y)?;
    Some(Obs {
        year: y,
        value: x / r,
        text: format!(
            "[CIN] {} rereferral_count {} of {} = {}",
            cin_year(y),
            published(x),
            published(r),
            num(x / r, 3)
        ),
    })
}

fn missing_text(cell: Cell) -> &'static str {
    match cell {
        Cell::Missing(m) => m.describe(),
        Cell::Value(_) => "given",
    }
}

// ---------------------------------------------------------------------------
// Numbers

pub fn round_to(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    let r = (x * k).round() / k;
    if r == 0.0 { 0.0 } else { r }
}

fn round_half_up(x: f64) -> f64 {
    (x + 0.5).floor().max(0.0)
}

/// A computed number with at most `decimals` decimals, trailing zeros
/// dropped, thousands separated: `2,905`, `0.626`.
pub fn num(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x);
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    let text = if text == "-0" { "0".to_string() } else { text };
    thousands(&text)
}

/// A published number as published: `150.1`, `1,515`.
pub fn published(x: f64) -> String {
    thousands(&format!("{x}"))
}

fn thousands(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let (whole, frac) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let mut out = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_shape_gives_its_documented_turnover() {
        // docs/sources.md: [0.16, 0.14, 0.12, 0.10] give 11.85% as leavers
        // over the steady-state stock.
        let t = steady_state_turnover(&[0.16, 0.14, 0.12, 0.10]);
        assert!((t - 0.1185).abs() < 0.0005, "{t}");
        let b = base_rate_for_turnover(t);
        assert!((b - 0.1).abs() < 1e-6, "{b}");
    }

    #[test]
    fn numbers_are_written_for_people() {
        assert_eq!(num(2905.0, 0), "2,905");
        assert_eq!(num(0.6260, 3), "0.626");
        assert_eq!(num(-0.0001, 2), "0");
        assert_eq!(published(36186.3), "36,186.3");
        assert_eq!(published(15.0), "15");
    }
}
