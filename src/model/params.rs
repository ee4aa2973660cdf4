//! The checked scenario: every value validated, every default filled in.
//!
//! These are the types the model trusts. They are built only by
//! `scenario::resolve` (which reports every problem of a file) and know
//! nothing of TOML or serde. Uncertain values stay as [`Uncertain`] here; a
//! run samples them once at its start (see `model::run_params`).

use super::parameter::{Parameter, Scope};
use std::fmt;

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    /// Builds a month; `None` unless `month` is 1..=12 and the year 1000..=9999.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (1000..=9999).contains(&year)).then_some(Self { year, month })
    }

    /// Parses `"YYYY-MM"` exactly.
    pub fn parse(text: &str) -> Option<Self> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.chars().chain(m.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        Self::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// Calendar month, 1 = January.
    pub fn month(self) -> u32 {
        self.month
    }

    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: YearMonth) -> i64 {
        later.index() - self.index()
    }

    /// The month `n` months after this one.
    pub fn plus(self, n: u32) -> YearMonth {
        let index = self.index() + i64::from(n);
        YearMonth {
            year: index.div_euclid(12) as i32,
            month: index.rem_euclid(12) as u32 + 1,
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A probability distribution for an uncertain parameter, as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    Fixed(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    /// `median * exp(sd_log * Z)`.
    Lognormal {
        median: f64,
        sd_log: f64,
    },
}

/// An uncertain parameter: its distribution and the valid range of its key,
/// to which a normal or lognormal draw is clipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Uncertain {
    pub dist: Distribution,
    pub valid: ValidRange,
}

impl Uncertain {
    pub fn fixed(value: f64, valid: ValidRange) -> Self {
        Self {
            dist: Distribution::Fixed(value),
            valid,
        }
    }

    /// The central value: the number itself, the mean of a uniform or
    /// normal, the mode of a triangular, the median of a lognormal.
    pub fn central(&self) -> f64 {
        match self.dist {
            Distribution::Fixed(v) => v,
            Distribution::Uniform { min, max } => (min + max) / 2.0,
            Distribution::Triangular { mode, .. } => mode,
            Distribution::Normal { mean, .. } => mean,
            Distribution::Lognormal { median, .. } => median,
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self.dist, Distribution::Fixed(_))
    }
}

/// The values a key may take, used for validation and for clipping draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValidRange {
    /// Probabilities and shares: [0, 1].
    Probability,
    /// Counts, rates, costs and multipliers: >= 0.
    NonNegative,
    /// Mean durations: >= 1 month.
    AtLeastOneMonth,
    /// Annual growth: >= -1.
    Growth,
}

impl ValidRange {
    pub fn bounds(self) -> (f64, f64) {
        match self {
            ValidRange::Probability => (0.0, 1.0),
            ValidRange::NonNegative => (0.0, f64::INFINITY),
            ValidRange::AtLeastOneMonth => (1.0, f64::INFINITY),
            ValidRange::Growth => (-1.0, f64::INFINITY),
        }
    }

    pub fn contains(self, x: f64) -> bool {
        let (lo, hi) = self.bounds();
        x >= lo && x <= hi
    }

    pub fn clip(self, x: f64) -> f64 {
        let (lo, hi) = self.bounds();
        x.clamp(lo, hi)
    }

    /// What is allowed, in words, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            ValidRange::Probability => "must be between 0 and 1",
            ValidRange::NonNegative => "must be 0 or more",
            ValidRange::AtLeastOneMonth => "must be at least 1 (month)",
            ValidRange::Growth => "must be -1 or more",
        }
    }
}

/// A resolved scenario: the whole input of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    pub start: YearMonth,
    pub months: u32,
    pub target: Target,
    pub workforce: Workforce,
    pub recruitment: Option<Recruitment>,
    pub asye: Option<Asye>,
    pub agency: Option<Agency>,
    /// `None` without a `[drift]` table: no process drifts.
    pub drift: Option<Drift>,
    pub demand: Demand,
    pub cases: Vec<CaseState>,
    pub costs: Costs,
    pub payments: Payments,
    /// Dated actual values, oldest first; the model ignores them.
    pub history: Vec<HistoryPoint>,
    /// Teams and roles (`[teams]`, `[roles]`); `None` without either: one
    /// pool of social workers, the model as it was before teams.
    pub organisation: Option<Organisation>,
}

impl Scenario {
    /// The calendar month of step `t`.
    pub fn month_at(&self, t: u32) -> YearMonth {
        self.start.plus(t)
    }

    /// Every uncertain parameter with its key path, in the order of
    /// [`Scenario::parameters`].
    pub fn uncertain_parameters(&self) -> Vec<(String, Uncertain)> {
        self.parameters().into_iter().map(|(p, u)| (p.key(self), *u)).collect()
    }
}

/// The social worker role: the top-level sections describe it, every other
/// role states what differs from it, and ASYEs join it.
pub const SOCIAL_WORKER: &str = "social_worker";

/// Teams and roles: the council's workforce as pools, one per (team,
/// role), each run by MODEL.md's workforce steps with its own parameters,
/// while demand and the case states are the council's.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    /// In alphabetical order of their names (the order TOML tables keep).
    pub roles: Vec<Role>,
    /// In alphabetical order; one team named `council` holding every case
    /// state when the scenario declares none.
    pub teams: Vec<Team>,
    /// Whether the scenario declares its teams (else per-team metrics
    /// would repeat the council's).
    pub teams_declared: bool,
    /// Every (team, role) with anyone or any post in it, team by team.
    pub pools: Vec<Pool>,
    /// Social workers per team manager the council aims for
    /// (`target.span_of_control`).
    pub span_of_control: Option<f64>,
}

impl Organisation {
    /// The index of the social worker role.
    pub fn social_worker(&self) -> Option<usize> {
        self.roles.iter().position(|r| r.name == SOCIAL_WORKER)
    }
}

/// A role: a named variant of the workforce parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub name: String,
    /// The share of a full caseload a person in the role holds (a social
    /// worker 1, a team manager 0).
    pub caseload_share: f64,
    /// Whether the role manages social workers (the span of control's
    /// denominator).
    pub manager: bool,
}

/// A team: the case states it holds and its caseload target.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub name: String,
    /// Indices of the case states it holds (each state is held by exactly
    /// one team).
    pub states: Vec<usize>,
    pub target: Target,
}

/// The people in one role in one team: a whole workforce of the one-pool
/// model. Its `scenario` holds the pool's own `workforce`, `recruitment`,
/// `asye`, `agency`, `costs` and `payments` (the council's, merged with the
/// role's and the team's, amounts from the team); demand, cases and drift
/// are the council's and are not used from here.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    pub team: usize,
    pub role: usize,
    /// Keys the pool's random streams: 0 (the council's own streams) when
    /// the scenario has one pool, so that one team and one role draw what
    /// the one-pool model draws; otherwise a hash of the team's and role's
    /// names, so that adding a team leaves every other pool's draws as
    /// they were.
    pub stream_key: u64,
    pub scenario: Scenario,
    /// The pool's uncertain parameters whose values its role or its team
    /// writes (not the council's), with where: the assumptions and drivers
    /// list them (`Scenario::own_parameters`).
    pub own: Vec<(Parameter, Scope)>,
}

/// A pool's stream key from its team's and role's names: FNV-1a of
/// `team/role`, never 0 (0 is the one-pool model's).
pub fn pool_stream_key(team: &str, role: &str) -> u64 {
    let hash = team
        .bytes()
        .chain(std::iter::once(b'/'))
        .chain(role.bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
        });
    hash.max(1)
}

/// Actual values at one date (for example a council's published figures
/// at 30 September), to compare a projection with. Each is optional.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryPoint {
    pub date: YearMonth,
    pub in_post_fte: Option<f64>,
    pub agency_fte: Option<f64>,
    pub vacancy_fte: Option<f64>,
    pub open_cases: Option<f64>,
    pub caseload: Option<f64>,
    /// A share: leavers in the year over FTE in post.
    pub turnover_rate: Option<f64>,
}

/// The caseload target band (cases per case-holding FTE).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workforce {
    pub establishment_fte: f64,
    pub establishment_changes: Vec<EstablishmentChange>,
    pub permanent_fte: f64,
    pub asye_fte: f64,
    pub absent_fte: f64,
    pub fte_per_head: f64,
    pub case_holding_share: Uncertain,
    pub annual_leaving_by_service_year: Vec<Uncertain>,
    /// Whether a run draws every leaving band at one shared quantile
    /// (comonotone), so that turnover is uncertain as a whole; false: each
    /// band from its own stream.
    pub leaving_bands_move_together: bool,
    /// Shares by completed years of service, normalised to sum to 1.
    pub initial_service_shares: Option<Vec<f64>>,
    pub sickness_days_per_year: f64,
    pub working_days_per_year: f64,
    pub long_absence_annual_rate: Uncertain,
    pub long_absence_mean_months: Uncertain,
    pub pressure_sensitivity: Uncertain,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EstablishmentChange {
    pub from: YearMonth,
    pub change_fte: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recruitment {
    pub applicants_per_month: Uncertain,
    pub notice_months: u32,
    /// `recruiting[m - 1]` is true when calendar month m is a recruiting month.
    pub recruiting: [bool; 12],
    pub cost_per_hire: f64,
    pub campaign_cost_per_month: f64,
}

/// The national ASYE guidance's 10% protected time: an ASYE holds 90% of a
/// full caseload.
pub const DEFAULT_ASYE_WEIGHT: f64 = 0.9;

#[derive(Debug, Clone, PartialEq)]
pub struct Asye {
    pub intake_month: u32,
    pub intake_per_year: Uncertain,
    pub caseload_weight: f64,
    /// `None`: the first band of the leaving rates.
    pub annual_leaving: Option<Uncertain>,
    pub supernumerary: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Agency {
    pub fte: f64,
    pub cover_vacancies: f64,
    pub cover_absence: f64,
    pub max_fte: Option<f64>,
    pub fill_prob: Uncertain,
    pub mean_tenure_months: Uncertain,
    pub annual_conversion_rate: Uncertain,
    pub managed_team: Vec<DatedBlock>,
    pub mode: AgencyMode,
}

/// How step 6 sets the agency cover requirement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AgencyMode {
    /// Agency covers a share of unfilled posts and of absence
    /// (`cover_vacancies`, `cover_absence`): MODEL.md's step 6.
    Cover,
    /// Agency is a level of its own: the initial FTE, drifting, moved by
    /// `vacancy_link` per FTE of change in unfilled posts since month 0 and
    /// by `cover_absence` per FTE of change in absence.
    Level { vacancy_link: Uncertain },
}

/// A managed team block: `fte` of capacity from `from` to `to` (inclusive;
/// open-ended without `to`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DatedBlock {
    pub from: YearMonth,
    pub to: Option<YearMonth>,
    pub fte: f64,
}

/// How far each process's rate wanders over the years: sigma, the standard
/// deviation of its log multiplier per square root of a year (0: none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drift {
    /// Every permanent leaving probability.
    pub leaving: Uncertain,
    /// The mean number of experienced hires.
    pub applicants: Uncertain,
    /// The mean number of referrals.
    pub referrals: Uncertain,
    /// The agency level (with `agency.mode = "level"`).
    pub agency: Uncertain,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    pub referrals_per_month: Uncertain,
    pub annual_growth: Uncertain,
    /// January first.
    pub seasonality: [f64; 12],
    pub dispersion: Option<f64>,
    pub shocks: Vec<Shock>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shock {
    pub from: YearMonth,
    pub to: Option<YearMonth>,
    pub multiplier: Uncertain,
}

/// Whether a dated period (inclusive, open-ended without `to`) covers `m`.
pub fn in_period(from: YearMonth, to: Option<YearMonth>, m: YearMonth) -> bool {
    m >= from && to.is_none_or(|to| m <= to)
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseState {
    pub name: String,
    pub open: u64,
    pub entry_share: f64,
    pub mean_months: Uncertain,
    /// (index of the destination state, share), in file order.
    pub next: Vec<(usize, f64)>,
}

/// Annual costs per FTE, with on-costs; all 0 when `[costs]` is absent.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Costs {
    pub permanent: f64,
    pub asye: f64,
    pub asye_grant: f64,
    pub agency: f64,
    pub managed_team: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Payments {
    pub recruitment_bonus: Option<Payment>,
    pub retention: Option<Payment>,
    pub market_supplement: Option<Payment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clawback {
    Full,
    ProRata,
}

/// One enhanced payment scheme. The three kinds share their fields; the
/// ones a kind does not use keep their defaults (multipliers 1, no
/// clawback, ...), and validation rejects keys a kind does not have.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Payment {
    /// `amount` (bonus, retention) or `annual_amount` (market supplement), per FTE.
    pub amount: f64,
    pub from: YearMonth,
    pub to: Option<YearMonth>,
    pub applicant_multiplier: Uncertain,
    pub leaving_multiplier: Uncertain,
    pub clawback_months: u32,
    pub clawback: Clawback,
    pub paid_in_month: u32,
    pub min_service_months: u32,
    pub include_asye: bool,
}

impl Payment {
    pub fn runs_in(&self, m: YearMonth) -> bool {
        in_period(self.from, self.to, m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_month_parses_only_yyyy_mm() {
        assert_eq!(YearMonth::parse("2022-04"), YearMonth::new(2022, 4));
        for bad in [
            "2022-4",
            "2022-13",
            "2022-00",
            "22-04",
            "2022/04",
            "2022-04-01",
            "",
            "abcd-ef",
        ] {
            assert_eq!(YearMonth::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn year_month_arithmetic_crosses_years() {
        let m = YearMonth::new(2022, 11).unwrap();
        assert_eq!(m.plus(3).to_string(), "2023-02");
        assert_eq!(m.months_until(YearMonth::new(2023, 2).unwrap()), 3);
        assert_eq!(YearMonth::new(2023, 2).unwrap().months_until(m), -3);
    }
}
