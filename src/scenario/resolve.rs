//! From the file as written to the checked [`Scenario`]: defaults filled in,
//! every rule of INTERFACE.md checked, every problem reported at once.

use super::problem::{Problem, Warning};
use super::raw::*;
use super::source::Source;
use crate::model::params::*;
use std::collections::BTreeSet;

/// More heads, open cases or referrals than this cannot be simulated on one
/// machine in reasonable time and memory.
pub const SCALE_LIMIT: f64 = 1_000_000.0;

/// Collects problems while reading a raw scenario.
pub(super) struct Checker<'a> {
    pub(super) source: &'a Source,
    pub(super) problems: Vec<Problem>,
}

/// A plain number's allowed values, beyond being finite.
#[derive(Clone, Copy)]
pub(super) enum Bound {
    Range(ValidRange),
    /// Any finite number (an establishment change may be a cut).
    Any,
    Positive,
    /// A fraction in (0, 1].
    PositiveShare,
    /// A caseload target: 0 (or, for the high target, more than 0) to
    /// [`MAX_TARGET`] cases per case-holding FTE.
    Target {
        above_zero: bool,
    },
}

/// The largest caseload target accepted, in cases per case-holding FTE:
/// several times any caseload a council has published, and small enough
/// for every chart and sentence that shows the target.
pub const MAX_TARGET: f64 = 200.0;

impl Bound {
    fn check(self, x: f64) -> Option<&'static str> {
        match self {
            Bound::Range(r) => (!r.contains(x)).then(|| r.describe()),
            Bound::Any => None,
            Bound::Positive => (x <= 0.0).then_some("must be more than 0"),
            Bound::PositiveShare => (!(x > 0.0 && x <= 1.0)).then_some("must be more than 0 and at most 1"),
            Bound::Target { above_zero: false } => (!(0.0..=MAX_TARGET).contains(&x))
                .then_some("a caseload target must be between 0 and 200 cases per case-holding FTE"),
            Bound::Target { above_zero: true } => (!(x > 0.0 && x <= MAX_TARGET))
                .then_some("a caseload target must be more than 0 and at most 200 cases per case-holding FTE"),
        }
    }
}

pub(super) const PROB: Bound = Bound::Range(ValidRange::Probability);
pub(super) const NON_NEG: Bound = Bound::Range(ValidRange::NonNegative);

pub(super) fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x.abs() >= 1e15 {
        // 1e308, not three hundred digits.
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

impl<'a> Checker<'a> {
    pub(super) fn problem(&mut self, path: &str, message: String) {
        self.problems.push(Problem {
            file: self.source.origin_of(path).to_string(),
            location: path.to_string(),
            message,
        });
    }

    pub(super) fn missing(&mut self, path: &str, what: &str) {
        self.problem(path, format!("missing: required ({what})"));
    }

    /// A plain number: default when absent, or a problem when required.
    /// Returns a usable placeholder after a problem so checking goes on.
    pub(super) fn number(&mut self, path: &str, raw: Option<Number>, default: Option<f64>, bound: Bound) -> f64 {
        let Some(Number(x)) = raw else {
            return match default {
                Some(d) => d,
                None => {
                    self.missing(path, "a number");
                    0.0
                }
            };
        };
        self.check_number(path, x, bound)
    }

    pub(super) fn check_number(&mut self, path: &str, x: f64, bound: Bound) -> f64 {
        if !x.is_finite() {
            self.problem(path, format!("= {}: must be a finite number", fmt_num(x)));
            return 0.0;
        }
        if let Some(rule) = bound.check(x) {
            self.problem(path, format!("= {}: {rule}", fmt_num(x)));
        }
        x
    }

    /// A whole number (months, counts) in `lo..=hi`.
    pub(super) fn whole(&mut self, path: &str, raw: Option<Number>, default: Option<u32>, lo: u32, hi: u32) -> u32 {
        let Some(Number(x)) = raw else {
            return match default {
                Some(d) => d,
                None => {
                    self.missing(path, "a whole number");
                    lo
                }
            };
        };
        self.check_whole(path, x, lo, f64::from(hi)) as u32
    }

    pub(super) fn check_whole(&mut self, path: &str, x: f64, lo: u32, hi: f64) -> f64 {
        if !x.is_finite() || x.fract() != 0.0 {
            self.problem(path, format!("= {}: expected a whole number", fmt_num(x)));
            return f64::from(lo);
        }
        if x < f64::from(lo) || x > hi {
            let allowed = if hi.is_finite() {
                format!("must be between {lo} and {hi}")
            } else {
                format!("must be {lo} or more")
            };
            self.problem(path, format!("= {}: {allowed}", fmt_num(x)));
            return f64::from(lo);
        }
        x
    }

    fn uncertain(
        &mut self,
        path: &str,
        raw: Option<RawUncertain>,
        default: Option<f64>,
        valid: ValidRange,
    ) -> Uncertain {
        match raw {
            None => match default {
                Some(d) => Uncertain::fixed(d, valid),
                None => {
                    self.missing(path, "a number or a distribution");
                    Uncertain::fixed(valid.bounds().0, valid)
                }
            },
            Some(RawUncertain::Number(x)) => {
                let x = self.check_number(path, x, Bound::Range(valid));
                Uncertain::fixed(valid.clip(x), valid)
            }
            Some(RawUncertain::Distribution { kind, params }) => self.distribution(path, kind, &params, valid),
        }
    }

    fn distribution(&mut self, path: &str, kind: DistKind, p: &[f64], valid: ValidRange) -> Uncertain {
        let fallback = Uncertain::fixed(valid.bounds().0, valid);
        let written = format!(
            "{{ {} = [{}] }}",
            kind.name(),
            p.iter().map(|x| fmt_num(*x)).collect::<Vec<_>>().join(", ")
        );
        if p.len() != kind.arity() {
            self.problem(
                path,
                format!(
                    "= {written}: {} takes {} values {}",
                    kind.name(),
                    kind.arity(),
                    kind.params_help()
                ),
            );
            return fallback;
        }
        if p.iter().any(|x| !x.is_finite()) {
            self.problem(path, format!("= {written}: every parameter must be a finite number"));
            return fallback;
        }
        let in_range = |xs: &[f64]| xs.iter().all(|x| valid.contains(*x));
        let (dist, error) = match kind {
            DistKind::Uniform => (
                Distribution::Uniform { min: p[0], max: p[1] },
                if p[0] > p[1] {
                    Some("min must not be above max".to_string())
                } else if !in_range(p) {
                    Some(format!("both ends {}", valid.describe()))
                } else {
                    None
                },
            ),
            DistKind::Triangular => (
                Distribution::Triangular {
                    min: p[0],
                    mode: p[1],
                    max: p[2],
                },
                if !(p[0] <= p[1] && p[1] <= p[2]) {
                    Some("expected min <= mode <= max".to_string())
                } else if !in_range(p) {
                    Some(format!("min, mode and max {}", valid.describe()))
                } else {
                    None
                },
            ),
            DistKind::Normal => (
                Distribution::Normal { mean: p[0], sd: p[1] },
                if p[1] < 0.0 {
                    Some("sd must be 0 or more".to_string())
                } else if !valid.contains(p[0]) {
                    Some(format!("the mean {}", valid.describe()))
                } else {
                    None
                },
            ),
            DistKind::Lognormal => (
                Distribution::Lognormal {
                    median: p[0],
                    sd_log: p[1],
                },
                if p[1] < 0.0 {
                    Some("sd_log must be 0 or more".to_string())
                } else if p[0] <= 0.0 {
                    Some("the median must be more than 0".to_string())
                } else if !valid.contains(p[0]) {
                    Some(format!("the median {}", valid.describe()))
                } else {
                    None
                },
            ),
        };
        match error {
            Some(e) => {
                self.problem(path, format!("= {written}: {e}"));
                fallback
            }
            None => Uncertain { dist, valid },
        }
    }

    fn month(&mut self, path: &str, raw: Option<&str>) -> Option<YearMonth> {
        let Some(text) = raw else {
            self.missing(path, "a month \"YYYY-MM\"");
            return None;
        };
        let parsed = YearMonth::parse(text);
        if parsed.is_none() {
            self.problem(
                path,
                format!("= \"{text}\": expected a month as \"YYYY-MM\", such as \"2022-04\""),
            );
        }
        parsed
    }

    /// An optional `to` that must not come before `from`.
    fn period_end(&mut self, path: &str, from: Option<YearMonth>, to: Option<&str>) -> Option<YearMonth> {
        let to_month = to.and_then(|t| self.month(&format!("{path}.to"), Some(t)));
        if let (Some(f), Some(t)) = (from, to_month)
            && t < f
        {
            self.problem(
                &format!("{path}.to"),
                format!("= \"{t}\": must not be before `from` (\"{f}\")"),
            );
        }
        to_month
    }

    fn check_scale(&mut self, path: &str, amount: f64, what: &str) {
        if amount > SCALE_LIMIT {
            self.problem(
                path,
                format!(
                    "= {}: too large to simulate on one machine ({} {what}; the limit is 1,000,000)",
                    fmt_num(amount),
                    amount.round()
                ),
            );
        }
    }
}

/// Checks a raw scenario; returns the scenario and its warnings, or every
/// problem found.
pub fn resolve(raw: RawScenario, source: &Source) -> Result<(Scenario, Vec<Warning>), Vec<Problem>> {
    let mut c = Checker {
        source,
        problems: Vec::new(),
    };
    let given = Given::of(&raw);
    let name = raw.name.unwrap_or_else(|| default_name(&source.file));
    let start = c.month("start", raw.start.as_deref());
    let months = c.whole("months", raw.months, None, 1, 600);

    let target = {
        let t = raw.target.unwrap_or_default();
        let low = c.number("target.low", t.low, Some(20.0), Bound::Target { above_zero: false });
        let high = c.number("target.high", t.high, Some(25.0), Bound::Target { above_zero: true });
        if low > high {
            c.problem(
                "target.low",
                format!("= {}: must not be above target.high ({})", fmt_num(low), fmt_num(high)),
            );
        }
        Target { low, high }
    };

    let workforce = match raw.workforce {
        Some(w) => Some(workforce(&mut c, w)),
        None => {
            c.missing("workforce", "a [workforce] section");
            None
        }
    };
    let fte_per_head = workforce.as_ref().map_or(1.0, |w| w.fte_per_head);

    let recruitment = raw.recruitment.map(|r| recruitment(&mut c, r));
    let asye = raw.asye.map(|a| asye(&mut c, a));
    let agency = raw.agency.map(|a| agency(&mut c, a, fte_per_head));
    let drift = raw.drift.map(|d| drift(&mut c, d));
    check_agency_level_scale(&mut c, agency.as_ref(), drift.as_ref(), months, fte_per_head);
    let demand = match raw.demand {
        Some(d) => Some(demand(&mut c, d)),
        None => {
            c.missing("demand", "a [demand] section");
            None
        }
    };
    let cases = cases(&mut c, raw.cases.unwrap_or_default());
    let costs = raw.costs.map(|k| costs(&mut c, k)).unwrap_or_default();
    let payments = raw.payments.map(|p| payments(&mut c, p)).unwrap_or_default();
    let history = history(&mut c, raw.history.unwrap_or_default());

    let (Some(start), Some(workforce), Some(demand), true) = (start, workforce, demand, c.problems.is_empty()) else {
        return Err(c.problems);
    };
    let scenario = Scenario {
        name,
        description: raw.description,
        start,
        months,
        target,
        workforce,
        recruitment,
        asye,
        agency,
        drift,
        demand,
        cases,
        costs,
        payments,
        history,
        organisation: None,
    };
    let warnings = warnings(&scenario, given);
    Ok((scenario, warnings))
}

/// Keys whose warnings depend on their being written, not on their value
/// (a default cannot be told from a value written out).
#[derive(Debug, Clone, Copy, Default)]
struct Given {
    vacancy_link: bool,
    cover_vacancies: bool,
}

impl Given {
    fn of(raw: &RawScenario) -> Given {
        raw.agency.as_ref().map_or_else(Given::default, |a| Given {
            vacancy_link: a.vacancy_link.is_some(),
            cover_vacancies: a.cover_vacancies.is_some(),
        })
    }
}

/// The file's stem: `scenarios/bury-2022.toml` -> `bury-2022`.
fn default_name(file: &str) -> String {
    std::path::Path::new(file)
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned())
}

fn workforce(c: &mut Checker, w: RawWorkforce) -> Workforce {
    let establishment_fte = c.number("workforce.establishment_fte", w.establishment_fte, None, NON_NEG);
    let permanent_fte = c.number("workforce.permanent_fte", w.permanent_fte, None, NON_NEG);
    let asye_fte = c.number("workforce.asye_fte", w.asye_fte, Some(0.0), NON_NEG);
    let absent_fte = c.number("workforce.absent_fte", w.absent_fte, Some(0.0), NON_NEG);
    check_in_post(c, permanent_fte, asye_fte, absent_fte);
    let fte_per_head = fte_per_head(c, w.fte_per_head);
    let (establishment_changes, peak_establishment) =
        establishment_changes(c, establishment_fte, w.establishment_changes.unwrap_or_default());
    c.check_scale("workforce.permanent_fte", permanent_fte / fte_per_head, "heads");
    check_establishment_scale(c, establishment_fte, peak_establishment);
    let annual_leaving_by_service_year = leaving_bands(c, w.annual_leaving_by_service_year);
    let initial_service_shares = w.initial_service_shares.map(|shares| service_shares(c, &shares));
    let (sickness_days_per_year, working_days_per_year) =
        working_days(c, w.sickness_days_per_year, w.working_days_per_year);
    Workforce {
        establishment_fte,
        establishment_changes,
        permanent_fte,
        asye_fte,
        absent_fte,
        fte_per_head,
        case_holding_share: c.uncertain(
            "workforce.case_holding_share",
            w.case_holding_share,
            Some(1.0),
            ValidRange::Probability,
        ),
        annual_leaving_by_service_year,
        leaving_bands_move_together: w.leaving_bands_move_together.unwrap_or(false),
        initial_service_shares,
        sickness_days_per_year,
        working_days_per_year,
        long_absence_annual_rate: c.uncertain(
            "workforce.long_absence_annual_rate",
            w.long_absence_annual_rate,
            Some(0.0),
            ValidRange::Probability,
        ),
        long_absence_mean_months: c.uncertain(
            "workforce.long_absence_mean_months",
            w.long_absence_mean_months,
            Some(9.0),
            ValidRange::AtLeastOneMonth,
        ),
        pressure_sensitivity: c.uncertain(
            "workforce.pressure_sensitivity",
            w.pressure_sensitivity,
            Some(0.0),
            ValidRange::NonNegative,
        ),
    }
}

/// Those in their ASYE year and those absent are among the permanent staff,
/// so together they cannot be more of them.
fn check_in_post(c: &mut Checker, permanent_fte: f64, asye_fte: f64, absent_fte: f64) {
    // A negative permanent_fte is reported on its own; comparing with it would say so again, confusingly.
    if permanent_fte >= 0.0 && asye_fte + absent_fte > permanent_fte + 1e-9 {
        c.problem(
            "workforce.asye_fte",
            format!(
                "= {} with absent_fte = {}: together they must not exceed permanent_fte ({})",
                fmt_num(asye_fte),
                fmt_num(absent_fte),
                fmt_num(permanent_fte)
            ),
        );
    }
}

/// FTE per person, in (0, 1]; 1 in its place after a problem.
fn fte_per_head(c: &mut Checker, raw: Option<Number>) -> f64 {
    let fte_per_head = c.number("workforce.fte_per_head", raw, Some(1.0), Bound::PositiveShare);
    // An invalid value is reported above; 1 keeps the head counts (the
    // workforce's and the agency's) finite, so they do not add a confusing
    // second problem.
    if fte_per_head > 0.0 && fte_per_head <= 1.0 {
        fte_per_head
    } else {
        1.0
    }
}

/// The dated changes to funded posts, and the largest establishment they
/// can reach (counting the increases only).
fn establishment_changes(
    c: &mut Checker,
    establishment_fte: f64,
    raw: Vec<RawEstablishmentChange>,
) -> (Vec<EstablishmentChange>, f64) {
    let mut changes = Vec::new();
    let mut peak = establishment_fte;
    for (i, ch) in raw.into_iter().enumerate() {
        let path = format!("workforce.establishment_changes[{i}]");
        let from = c.month(&format!("{path}.from"), ch.from.as_deref());
        let change_fte = c.number(&format!("{path}.change_fte"), ch.change_fte, None, Bound::Any);
        peak += change_fte.max(0.0);
        if let Some(from) = from {
            changes.push(EstablishmentChange { from, change_fte });
        }
    }
    (changes, peak)
}

/// The scale check for funded posts, blaming the changes when they are what
/// makes the establishment too large.
fn check_establishment_scale(c: &mut Checker, establishment_fte: f64, peak: f64) {
    if peak > establishment_fte && peak > SCALE_LIMIT {
        // Say where the size comes from: the file's establishment_fte may be small.
        c.problem(
            "workforce.establishment_changes",
            format!(
                "the establishment reaches {} FTE of posts with these changes: too large to simulate on one machine (the limit is 1,000,000)",
                fmt_num(peak)
            ),
        );
    } else {
        c.check_scale("workforce.establishment_fte", establishment_fte, "FTE of posts");
    }
}

/// Annual leaving rates by completed years of service: at least one.
fn leaving_bands(c: &mut Checker, raw: Option<Vec<RawUncertain>>) -> Vec<Uncertain> {
    let path = "workforce.annual_leaving_by_service_year";
    match raw {
        None => {
            c.missing(path, "annual leaving rates by completed years of service");
            Vec::new()
        }
        Some(bands) if bands.is_empty() => {
            c.problem(path, "= []: expected at least one annual leaving rate".into());
            Vec::new()
        }
        Some(bands) => bands
            .into_iter()
            .enumerate()
            .map(|(i, b)| c.uncertain(&format!("{path}[{i}]"), Some(b), None, ValidRange::Probability))
            .collect(),
    }
}

/// Shares of staff by completed years of service, scaled to sum to 1.
fn service_shares(c: &mut Checker, shares: &[Number]) -> Vec<f64> {
    let path = "workforce.initial_service_shares";
    let values: Vec<f64> = shares.iter().map(|n| c.check_number(path, n.0, NON_NEG)).collect();
    // Negative shares are reported above; only the rest can be above 0.
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
    if total <= 0.0 {
        c.problem(
            path,
            "expected shares by completed year of service, at least one above 0".into(),
        );
        return values;
    }
    values.iter().map(|v| v / total).collect()
}

/// Sickness days and working days a year; sickness cannot exceed the year.
fn working_days(c: &mut Checker, sickness: Option<Number>, working: Option<Number>) -> (f64, f64) {
    let sickness_days_per_year = c.number("workforce.sickness_days_per_year", sickness, Some(0.0), NON_NEG);
    let working_days_per_year = c.number("workforce.working_days_per_year", working, Some(225.0), Bound::Positive);
    if sickness_days_per_year > working_days_per_year {
        c.problem(
            "workforce.sickness_days_per_year",
            format!(
                "= {}: must not exceed working_days_per_year ({})",
                fmt_num(sickness_days_per_year),
                fmt_num(working_days_per_year)
            ),
        );
    }
    (sickness_days_per_year, working_days_per_year)
}

fn recruitment(c: &mut Checker, r: RawRecruitment) -> Recruitment {
    let applicants_per_month = c.uncertain(
        "recruitment.applicants_per_month",
        r.applicants_per_month,
        Some(0.0),
        ValidRange::NonNegative,
    );
    c.check_scale(
        "recruitment.applicants_per_month",
        upper_hint(&applicants_per_month),
        "hires a month",
    );
    let mut recruiting = [r.recruiting_months.is_none(); 12];
    for (i, m) in r.recruiting_months.unwrap_or_default().into_iter().enumerate() {
        let m = c.check_whole(&format!("recruitment.recruiting_months[{i}]"), m.0, 1, 12.0);
        recruiting[m as usize - 1] = true;
    }
    Recruitment {
        applicants_per_month,
        notice_months: c.whole("recruitment.notice_months", r.notice_months, Some(2), 0, 600),
        recruiting,
        cost_per_hire: c.number("recruitment.cost_per_hire", r.cost_per_hire, Some(0.0), NON_NEG),
        campaign_cost_per_month: c.number(
            "recruitment.campaign_cost_per_month",
            r.campaign_cost_per_month,
            Some(0.0),
            NON_NEG,
        ),
    }
}

/// A value that a draw will rarely exceed, for the scale check.
fn upper_hint(u: &Uncertain) -> f64 {
    match u.dist {
        Distribution::Fixed(v) => v,
        Distribution::Uniform { max, .. } | Distribution::Triangular { max, .. } => max,
        Distribution::Normal { mean, sd } => mean + 4.0 * sd,
        Distribution::Lognormal { median, sd_log } => median * (4.0 * sd_log).exp(),
    }
}

fn asye(c: &mut Checker, a: RawAsye) -> Asye {
    let intake_per_year = c.uncertain(
        "asye.intake_per_year",
        a.intake_per_year,
        Some(0.0),
        ValidRange::NonNegative,
    );
    c.check_scale("asye.intake_per_year", upper_hint(&intake_per_year), "heads a year");
    Asye {
        intake_month: c.whole("asye.intake_month", a.intake_month, Some(9), 1, 12),
        intake_per_year,
        caseload_weight: c.number(
            "asye.caseload_weight",
            a.caseload_weight,
            Some(DEFAULT_ASYE_WEIGHT),
            PROB,
        ),
        annual_leaving: a
            .annual_leaving
            .map(|raw| c.uncertain("asye.annual_leaving", Some(raw), None, ValidRange::Probability)),
        supernumerary: a.supernumerary.unwrap_or(false),
    }
}

fn agency(c: &mut Checker, a: RawAgency, fte_per_head: f64) -> Agency {
    let fte = c.number("agency.fte", a.fte, Some(0.0), NON_NEG);
    c.check_scale("agency.fte", fte / fte_per_head, "heads");
    let mut managed_team = Vec::new();
    for (i, b) in a.extra.unwrap_or_default().into_iter().enumerate() {
        let path = format!("agency.extra[{i}]");
        let from = c.month(&format!("{path}.from"), b.from.as_deref());
        let to = c.period_end(&path, from, b.to.as_deref());
        let fte = c.number(&format!("{path}.fte"), b.fte, None, NON_NEG);
        if let Some(from) = from {
            managed_team.push(DatedBlock { from, to, fte });
        }
    }
    Agency {
        fte,
        cover_vacancies: c.number("agency.cover_vacancies", a.cover_vacancies, Some(1.0), PROB),
        cover_absence: c.number("agency.cover_absence", a.cover_absence, Some(1.0), PROB),
        max_fte: a.max_fte.map(|m| c.check_number("agency.max_fte", m.0, NON_NEG)),
        fill_prob: c.uncertain("agency.fill_prob", a.fill_prob, Some(0.8), ValidRange::Probability),
        mean_tenure_months: c.uncertain(
            "agency.mean_tenure_months",
            a.mean_tenure_months,
            Some(12.0),
            ValidRange::AtLeastOneMonth,
        ),
        annual_conversion_rate: c.uncertain(
            "agency.annual_conversion_rate",
            a.annual_conversion_rate,
            Some(0.0),
            ValidRange::Probability,
        ),
        managed_team,
        mode: agency_mode(c, a.mode.as_deref(), a.vacancy_link),
    }
}

/// `agency.mode`: "cover" (the default) or "level", which takes
/// `vacancy_link`. The link is checked in either mode, so a wrong value is
/// reported even where it would not be used.
fn agency_mode(c: &mut Checker, mode: Option<&str>, vacancy_link: Option<RawUncertain>) -> AgencyMode {
    let vacancy_link = c.uncertain("agency.vacancy_link", vacancy_link, Some(0.4), ValidRange::Probability);
    match mode {
        None | Some("cover") => AgencyMode::Cover,
        Some("level") => AgencyMode::Level { vacancy_link },
        Some(other) => {
            c.problem("agency.mode", format!("= \"{other}\": expected \"cover\" or \"level\""));
            AgencyMode::Cover
        }
    }
}

/// The agency level drifts without bound: refuse a level that could reach
/// more heads than one machine simulates (four standard deviations of its
/// drift at the end of the horizon, within `max_fte`).
fn check_agency_level_scale(
    c: &mut Checker,
    agency: Option<&Agency>,
    drift: Option<&Drift>,
    months: u32,
    fte_per_head: f64,
) {
    let (Some(a), Some(d)) = (agency, drift) else {
        return;
    };
    if a.mode == AgencyMode::Cover || a.fte == 0.0 {
        return;
    }
    let spread = 4.0 * upper_hint(&d.agency) * (f64::from(months) / 12.0).sqrt();
    let reach = a.max_fte.unwrap_or(f64::INFINITY).min(a.fte * spread.exp());
    if reach / fte_per_head > SCALE_LIMIT {
        c.problem(
            "drift.agency",
            format!(
                "with agency.mode = \"level\" and agency.fte = {}, the agency level could drift beyond a million heads within the horizon: too large to simulate on one machine (a smaller drift or an agency.max_fte would keep it in bounds)",
                fmt_num(a.fte)
            ),
        );
    }
}

/// Each process's sigma, 0 (no drift) unless given.
fn drift(c: &mut Checker, d: RawDrift) -> Drift {
    let mut sigma = |key: &str, raw| c.uncertain(&format!("drift.{key}"), raw, Some(0.0), ValidRange::NonNegative);
    Drift {
        leaving: sigma("leaving", d.leaving),
        applicants: sigma("applicants", d.applicants),
        referrals: sigma("referrals", d.referrals),
        agency: sigma("agency", d.agency),
    }
}

fn demand(c: &mut Checker, d: RawDemand) -> Demand {
    let referrals_per_month = c.uncertain(
        "demand.referrals_per_month",
        d.referrals_per_month,
        None,
        ValidRange::NonNegative,
    );
    c.check_scale(
        "demand.referrals_per_month",
        upper_hint(&referrals_per_month),
        "referrals a month",
    );
    let mut seasonality = [1.0; 12];
    if let Some(values) = d.seasonality {
        if values.len() == 12 {
            for (i, v) in values.iter().enumerate() {
                seasonality[i] = c.check_number(&format!("demand.seasonality[{i}]"), v.0, NON_NEG);
            }
        } else {
            c.problem(
                "demand.seasonality",
                format!(
                    "expected 12 values, found {} (one multiplier a month, January first)",
                    values.len()
                ),
            );
        }
    }
    let mut shocks = Vec::new();
    for (i, s) in d.shocks.unwrap_or_default().into_iter().enumerate() {
        let path = format!("demand.shocks[{i}]");
        let from = c.month(&format!("{path}.from"), s.from.as_deref());
        let to = c.period_end(&path, from, s.to.as_deref());
        let multiplier = c.uncertain(
            &format!("{path}.multiplier"),
            s.multiplier,
            None,
            ValidRange::NonNegative,
        );
        if let Some(from) = from {
            shocks.push(Shock { from, to, multiplier });
        }
    }
    Demand {
        referrals_per_month,
        annual_growth: c.uncertain("demand.annual_growth", d.annual_growth, Some(0.0), ValidRange::Growth),
        seasonality,
        dispersion: d
            .dispersion
            .map(|k| c.check_number("demand.dispersion", k.0, Bound::Positive)),
        shocks,
    }
}

fn cases(c: &mut Checker, raw: Vec<RawCase>) -> Vec<CaseState> {
    if raw.is_empty() {
        c.missing("cases", "at least one [[cases]] section");
        return Vec::new();
    }
    let names: Vec<Option<String>> = raw.iter().map(|r| r.name.clone()).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut entry_total = 0.0;
    let mut open_total = 0.0;
    for (i, r) in raw.into_iter().enumerate() {
        let label = match &r.name {
            Some(n) if !n.trim().is_empty() => format!("cases.{n}"),
            _ => format!("cases[{i}]"),
        };
        let name = case_name(c, &label, i, r.name, &mut seen);
        let open = open_cases(c, &label, r.open);
        open_total += open;
        let entry_share = c.number(&format!("{label}.entry_share"), r.entry_share, Some(0.0), PROB);
        entry_total += entry_share;
        let mean_months = c.uncertain(
            &format!("{label}.mean_months"),
            r.mean_months,
            None,
            ValidRange::AtLeastOneMonth,
        );
        let next = next_states(c, &label, &name, r.next.unwrap_or_default(), &names);
        out.push(CaseState {
            name,
            open: open as u64,
            entry_share,
            mean_months,
            next,
        });
    }
    if above_one(entry_total) {
        c.problem(
            "cases",
            format!(
                "entry_share values sum to {}: must not exceed 1 (the rest of referrals need no allocated case)",
                fmt_num(entry_total)
            ),
        );
    }
    c.check_scale("cases", open_total, "open cases");
    out
}

/// Shares that must not sum to more than 1, give or take rounding.
fn above_one(total: f64) -> bool {
    total > 1.0 + 1e-9
}

/// A case state's name: present, not blank and not already taken.
fn case_name(c: &mut Checker, label: &str, i: usize, raw: Option<String>, seen: &mut BTreeSet<String>) -> String {
    let path = format!("{label}.name");
    match raw {
        None => {
            c.missing(&path, "a name for the case state");
            format!("state {i}")
        }
        Some(n) if n.trim().is_empty() => {
            c.problem(&path, "= \"\": a case state needs a name".into());
            n
        }
        Some(n) => {
            if !seen.insert(n.clone()) {
                c.problem(&path, format!("= \"{n}\": two case states have this name"));
            }
            n
        }
    }
}

/// Cases open now: a whole number, 0 or more (0 after a problem).
fn open_cases(c: &mut Checker, label: &str, raw: Option<Number>) -> f64 {
    let path = format!("{label}.open");
    let open = c.number(&path, raw, Some(0.0), NON_NEG);
    if open.fract() != 0.0 {
        c.problem(&path, format!("= {}: expected a whole number of cases", fmt_num(open)));
        return 0.0;
    }
    open
}

/// Where cases go after the state `name`: (index of the state, share), in
/// file order, with shares that leave the rest to close.
fn next_states(
    c: &mut Checker,
    label: &str,
    name: &str,
    raw: toml::Table,
    names: &[Option<String>],
) -> Vec<(usize, f64)> {
    let mut next = Vec::new();
    let mut next_total = 0.0;
    for (dest, share) in raw {
        let path = format!("{label}.next.{dest}");
        let share = match share {
            toml::Value::Integer(v) => v as f64,
            toml::Value::Float(v) => v,
            other => {
                c.problem(&path, format!("= {other}: expected a share between 0 and 1"));
                continue;
            }
        };
        let share = c.check_number(&path, share, PROB);
        next_total += share;
        if let Some(j) = destination(c, &path, &dest, name, names) {
            next.push((j, share));
        }
    }
    if above_one(next_total) {
        c.problem(
            &format!("{label}.next"),
            format!(
                "shares sum to {}: must not exceed 1 (the rest close)",
                fmt_num(next_total)
            ),
        );
    }
    next
}

/// The index of the case state `dest` names, or a problem: a state cannot
/// move to itself, and an unknown name gets the nearest known one as a hint.
fn destination(c: &mut Checker, path: &str, dest: &str, name: &str, names: &[Option<String>]) -> Option<usize> {
    if dest == name {
        c.problem(
            path,
            "a state cannot move to itself (its time there is mean_months)".into(),
        );
        return None;
    }
    let found = names.iter().position(|n| n.as_deref() == Some(dest));
    if found.is_none() {
        let known = names.iter().flatten().map(String::as_str).filter(|n| *n != name);
        let hint = match super::problem::nearest(dest, known) {
            Some(k) => format!("; did you mean `{k}`?"),
            None => String::new(),
        };
        c.problem(path, format!("names no case state{hint}"));
    }
    found
}

fn costs(c: &mut Checker, k: RawCosts) -> Costs {
    let permanent = c.number("costs.permanent", k.permanent, Some(0.0), NON_NEG);
    let agency = c.number("costs.agency", k.agency, Some(0.0), NON_NEG);
    Costs {
        permanent,
        asye: c.number("costs.asye", k.asye, Some(permanent), NON_NEG),
        asye_grant: c.number("costs.asye_grant", k.asye_grant, Some(0.0), NON_NEG),
        agency,
        managed_team: c.number("costs.managed_team", k.managed_team, Some(agency), NON_NEG),
    }
}

/// Fields every payment kind shares.
struct Common {
    amount: f64,
    from: YearMonth,
    to: Option<YearMonth>,
}

fn common(
    c: &mut Checker,
    path: &str,
    amount_key: &str,
    amount: Option<Number>,
    from: Option<String>,
    to: Option<String>,
) -> Option<Common> {
    let amount = c.number(&format!("{path}.{amount_key}"), amount, None, NON_NEG);
    let from_month = c.month(&format!("{path}.from"), from.as_deref());
    let to = c.period_end(path, from_month, to.as_deref());
    from_month.map(|from| Common { amount, from, to })
}

fn clawback_kind(c: &mut Checker, path: &str, raw: Option<String>) -> Clawback {
    match raw.as_deref() {
        None | Some("pro_rata") => Clawback::ProRata,
        Some("full") => Clawback::Full,
        Some(other) => {
            c.problem(
                &format!("{path}.clawback"),
                format!("= \"{other}\": expected \"pro_rata\" or \"full\""),
            );
            Clawback::ProRata
        }
    }
}

fn payment(common: Common) -> Payment {
    let one = Uncertain::fixed(1.0, ValidRange::NonNegative);
    Payment {
        amount: common.amount,
        from: common.from,
        to: common.to,
        applicant_multiplier: one,
        leaving_multiplier: one,
        clawback_months: 0,
        clawback: Clawback::ProRata,
        paid_in_month: common.from.month(),
        min_service_months: 0,
        include_asye: false,
    }
}

fn payments(c: &mut Checker, p: RawPayments) -> Payments {
    let multiplier = |c: &mut Checker, path: &str, raw| c.uncertain(path, raw, Some(1.0), ValidRange::NonNegative);
    let recruitment_bonus = p.recruitment_bonus.and_then(|b| {
        let path = "payments.recruitment_bonus";
        let base = common(c, path, "amount", b.amount, b.from, b.to);
        let applicant_multiplier = multiplier(c, &format!("{path}.applicant_multiplier"), b.applicant_multiplier);
        let clawback_months = c.whole(&format!("{path}.clawback_months"), b.clawback_months, Some(0), 0, 600);
        let clawback = clawback_kind(c, path, b.clawback);
        base.map(|base| Payment {
            applicant_multiplier,
            clawback_months,
            clawback,
            ..payment(base)
        })
    });
    let retention = p.retention.and_then(|r| {
        let path = "payments.retention";
        let base = common(c, path, "amount", r.amount, r.from, r.to);
        let paid_in_month = r
            .paid_in_month
            .map(|m| c.whole(&format!("{path}.paid_in_month"), Some(m), None, 1, 12));
        let min_service_months = c.whole(
            &format!("{path}.min_service_months"),
            r.min_service_months,
            Some(0),
            0,
            6000,
        );
        let leaving_multiplier = multiplier(c, &format!("{path}.leaving_multiplier"), r.leaving_multiplier);
        let clawback_months = c.whole(&format!("{path}.clawback_months"), r.clawback_months, Some(0), 0, 600);
        let clawback = clawback_kind(c, path, r.clawback);
        base.map(|base| {
            let defaults = payment(base);
            Payment {
                paid_in_month: paid_in_month.unwrap_or(defaults.paid_in_month),
                min_service_months,
                include_asye: r.include_asye.unwrap_or(false),
                leaving_multiplier,
                clawback_months,
                clawback,
                ..defaults
            }
        })
    });
    let market_supplement = p.market_supplement.and_then(|m| {
        let path = "payments.market_supplement";
        let base = common(c, path, "annual_amount", m.annual_amount, m.from, m.to);
        let applicant_multiplier = multiplier(c, &format!("{path}.applicant_multiplier"), m.applicant_multiplier);
        let leaving_multiplier = multiplier(c, &format!("{path}.leaving_multiplier"), m.leaving_multiplier);
        base.map(|base| Payment {
            applicant_multiplier,
            leaving_multiplier,
            ..payment(base)
        })
    });
    Payments {
        recruitment_bonus,
        retention,
        market_supplement,
    }
}

/// Dated actual values: months in order, each value a finite number >= 0.
fn history(c: &mut Checker, raw: Vec<RawHistoryPoint>) -> Vec<HistoryPoint> {
    let mut out: Vec<HistoryPoint> = Vec::new();
    for (i, h) in raw.into_iter().enumerate() {
        let path = format!("history[{i}]");
        let date = c.month(&format!("{path}.date"), h.date.as_deref());
        let mut value =
            |key: &str, raw: Option<Number>| raw.map(|n| c.check_number(&format!("{path}.{key}"), n.0, NON_NEG));
        let (in_post_fte, agency_fte, vacancy_fte) = (
            value("in_post_fte", h.in_post_fte),
            value("agency_fte", h.agency_fte),
            value("vacancy_fte", h.vacancy_fte),
        );
        let (open_cases, caseload, turnover_rate) = (
            value("open_cases", h.open_cases),
            value("caseload", h.caseload),
            value("turnover_rate", h.turnover_rate),
        );
        let Some(date) = date else { continue };
        if let Some(before) = out.last()
            && before.date >= date
        {
            c.problem(
                &format!("{path}.date"),
                format!(
                    "= \"{date}\": dates must increase, and this is not after \"{}\"",
                    before.date
                ),
            );
        }
        out.push(HistoryPoint {
            date,
            in_post_fte,
            agency_fte,
            vacancy_fte,
            open_cases,
            caseload,
            turnover_rate,
        });
    }
    out
}

/// Odd but legal values worth a second look.
fn warnings(s: &Scenario, given: Given) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut warn = |location: &str, message: String| {
        out.push(Warning {
            location: location.to_string(),
            message,
        })
    };
    let mean_season = s.demand.seasonality.iter().sum::<f64>() / 12.0;
    if (mean_season - 1.0).abs() > 0.1 {
        warn(
            "demand.seasonality",
            format!(
                "the twelve multipliers average {mean_season:.2}, not about 1, so they change the year's referrals as well as their timing"
            ),
        );
    }
    if s.months > 120 {
        warn(
            "months",
            format!(
                "a horizon of {} years: projections this far ahead say little",
                s.months as f64 / 12.0
            ),
        );
    }
    let entry: f64 = s.cases.iter().map(|c| c.entry_share).sum();
    if entry < 0.5 {
        warn(
            "cases",
            format!(
                "entry_share values sum to {:.2}: {:.0}% of referrals become no allocated case",
                entry,
                (1.0 - entry) * 100.0
            ),
        );
    }
    if s.workforce.permanent_fte > s.workforce.establishment_fte * 1.2 && s.workforce.establishment_fte > 0.0 {
        warn(
            "workforce.permanent_fte",
            "more than 120% of the establishment is in post: is the establishment right?".into(),
        );
    }
    if let Some(a) = &s.asye
        && a.intake_per_year.central() > 0.0
        && a.caseload_weight == 0.0
    {
        warn(
            "asye.caseload_weight",
            "0: ASYEs hold no cases at all in their first year".into(),
        );
    }
    out.extend(agency_mode_warnings(s, given));
    out
}

/// Agency keys that the scenario's agency mode does not use.
fn agency_mode_warnings(s: &Scenario, given: Given) -> Vec<Warning> {
    let level = s
        .agency
        .as_ref()
        .is_some_and(|a| matches!(a.mode, AgencyMode::Level { .. }));
    let mut out = Vec::new();
    let mut warn = |location: &str, message: &str| {
        out.push(Warning {
            location: location.to_string(),
            message: message.to_string(),
        })
    };
    if given.vacancy_link && !level {
        warn(
            "agency.vacancy_link",
            "used only with mode = \"level\": with mode = \"cover\" (the default) agency covers cover_vacancies of unfilled posts, and this has no effect",
        );
    }
    if given.cover_vacancies && level {
        warn(
            "agency.cover_vacancies",
            "not used with mode = \"level\": vacancy_link says how far agency follows unfilled posts",
        );
    }
    if s.drift.as_ref().is_some_and(|d| upper_hint(&d.agency) > 0.0) && !level {
        warn(
            "drift.agency",
            "used only with agency.mode = \"level\": the agency cover follows vacancies and absence here, so this drift has no effect",
        );
    }
    out
}
