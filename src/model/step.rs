//! One run, month by month: MODEL.md's monthly step, in its order.
//!
//! Pure: no I/O, no threads. The same (scenario, seed, run) always gives the
//! same record. The step allocates nothing in a steady state: its scratch
//! vectors live in the [`Simulation`].

use super::binomial;
use super::council::{Council, PreparedOrganisation};
use super::drift::{DriftPaths, Drifting};
use super::metrics::{Layout, Metric};
use super::params::*;
use super::rng::{self, Keyed, Process, RunStreams};
use super::sample::{RunParams, band_rate, round_half_up};
use super::state::*;
use rand::seq::index::sample as sample_indices;

/// Caps the excess caseload in the feedback so a zero capacity (infinite
/// caseload) gives a finite multiplier, and sensitivity 0 gives exactly 1.
const EXCESS_CAP: f64 = 1e12;

/// Person kinds for keyed chances.
const PERMANENT: u64 = 0;
const AGENCY: u64 = 1;

/// What every run of one scenario shares, prepared once (by the runner)
/// and lent to each run: the scenario, the layout of its records and the
/// table of initial service when every run would build the same one.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    s: &'a Scenario,
    layout: &'a Layout,
    /// `None` when the runs' leaving rates differ (they are uncertain and
    /// the scenario gives no service shares): each run builds its own.
    service: Option<ServiceTable>,
    /// With teams and roles, each pool's own preparation, in the
    /// organisation's order (none without).
    pools: Vec<Prepared<'a>>,
    /// With teams and roles, what every run needs of the organisation.
    organised: Option<PreparedOrganisation>,
    /// Every run's parameters when none is uncertain (they are then the
    /// same in every run).
    fixed_params: Option<RunParams>,
}

impl<'a> Prepared<'a> {
    pub fn new(s: &'a Scenario, layout: &'a Layout) -> Prepared<'a> {
        let service = match s.workforce.initial_service_shares.as_deref() {
            Some(shares) => Some(ServiceTable::new(Some(shares), &[])),
            None => RunParams::fixed_leaving_by_year(s).map(|leaving| ServiceTable::new(None, &leaving)),
        };
        let pools = s.organisation.as_ref().map_or_else(Vec::new, |org| {
            org.pools.iter().map(|p| Prepared::new(&p.scenario, layout)).collect()
        });
        let organised = s
            .organisation
            .as_ref()
            .map(|org| PreparedOrganisation::new(org, &s.cases, layout));
        let fixed_params = s
            .parameters()
            .iter()
            .all(|(_, u)| u.is_fixed())
            .then(|| RunParams::sample(s, 0, 0));
        Prepared {
            s,
            layout,
            service,
            pools,
            organised,
            fixed_params,
        }
    }

    /// The layout of the records.
    pub fn layout(&self) -> &'a Layout {
        self.layout
    }

    /// Simulates run `run` and returns its record: `s.months` rows of
    /// `layout.width()` metric values.
    pub fn simulate(&self, seed: u64, run: u64) -> Vec<f64> {
        let months = self.s.months as usize;
        let mut record = Vec::with_capacity(months * self.layout.width());
        self.simulate_months(seed, run, 0..months, |row| record.extend_from_slice(row));
        record
    }

    /// Simulates run `run` up to the end of `keep` and hands `kept` the row
    /// of each month in `keep` (within the horizon), in month order: one row
    /// per month, of the layout's width. Returns the run's totals over the
    /// months simulated, which are the whole horizon's when `keep` reaches
    /// its end.
    pub fn simulate_months(
        &self,
        seed: u64,
        run: u64,
        keep: std::ops::Range<usize>,
        kept: impl FnMut(&[f64]),
    ) -> RunTotals {
        self.simulate_months_in(&mut Workspace::new(), seed, run, keep, kept)
    }

    /// [`Prepared::simulate_months`], with the buffers of `workspace`
    /// (the same results, with fewer allocations when a task simulates
    /// many runs).
    pub fn simulate_months_in(
        &self,
        workspace: &mut Workspace,
        seed: u64,
        run: u64,
        keep: std::ops::Range<usize>,
        mut kept: impl FnMut(&[f64]),
    ) -> RunTotals {
        // Every month writes every value of its row (tests/engine.rs checks
        // that none is left as NaN).
        let mut row = vec![f64::NAN; self.layout.width()];
        if let (Some(org), Some(organised)) = (&self.s.organisation, &self.organised) {
            let mut council = Council::new(self, &self.pools, org, organised, seed, run, workspace);
            for t in 0..keep.end.min(self.s.months as usize) {
                council.step(t as u32, &mut row);
                if t >= keep.start {
                    kept(&row);
                }
            }
            let totals = council.totals();
            council.give_back(workspace);
            return totals;
        }
        let mut sim = Simulation::for_pool(self, seed, run, 0, workspace.take(0));
        for t in 0..keep.end.min(self.s.months as usize) {
            sim.step(t as u32, &mut row);
            if t >= keep.start {
                kept(&row);
            }
        }
        let totals = std::mem::take(&mut sim.totals);
        workspace.give(0, sim.into_spare());
        totals
    }
}

/// What the outputs need of a whole run beyond its monthly values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunTotals {
    /// The first month (step) whose caseload reaches the high target.
    pub first_reach_high: Option<u32>,
    /// With teams, the first month each team's caseload reaches its own
    /// high target, in the teams' order (empty without teams).
    pub teams_first_reach_high: Vec<Option<u32>>,
    /// The caseload in the last month.
    pub end_caseload: f64,
    /// Spend over the whole horizon, by kind.
    pub spend: Spend,
}

/// Money over a month or a horizon, by kind (pounds; every field is zero or
/// more, so income and recoveries are never hidden inside a cost).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Spend {
    /// Salaries of permanent staff, ASYEs at their own rate.
    pub permanent: f64,
    /// Agency staff covering posts and any managed team.
    pub agency: f64,
    /// Enhanced payments made (bonuses, retention payments, supplements).
    pub payments_made: f64,
    /// Payments recovered from leavers under clawback.
    pub clawback: f64,
    /// Cost per hire and recruitment campaigns.
    pub recruitment: f64,
    /// The ASYE grant received: income, not a cost.
    pub asye_grant: f64,
}

impl Spend {
    /// Enhanced payments after clawback (the `cost_payments` metric).
    pub fn payments(&self) -> f64 {
        self.payments_made - self.clawback
    }

    /// Everything spent less everything received (the `cost_total` metric).
    pub fn total(&self) -> f64 {
        self.permanent + self.agency + self.payments() + self.recruitment - self.asye_grant
    }

    pub(super) fn add(&mut self, other: &Spend) {
        self.permanent += other.permanent;
        self.agency += other.agency;
        self.payments_made += other.payments_made;
        self.clawback += other.clawback;
        self.recruitment += other.recruitment;
        self.asye_grant += other.asye_grant;
    }
}

/// A run in progress: the scenario, the run's parameters and streams, and
/// the state.
pub struct Simulation<'a> {
    s: &'a Scenario,
    layout: &'a Layout,
    pub params: RunParams,
    /// The run's drift multipliers by process and month.
    drift: DriftPaths,
    /// The run's streams of counts, one per process and month.
    streams: RunStreams,
    /// In agency level mode, unfilled and absent FTE at step 6 of month 0.
    agency_start: Option<(f64, f64)>,
    pub state: State,
    scratch: Scratch,
    totals: RunTotals,
    /// Hazards of the run's constant monthly probabilities, taken once
    /// (with teams, a month has a step per pool).
    hazards: RunHazards,
    /// The share of working days not lost to sickness.
    available: f64,
    /// The permanent workforce's sums (the census without agency), kept
    /// as people join, leave, start or end an absence and end their ASYE
    /// year.
    counted: Counted,
    census_rates: CensusRates,
}

/// The hazards of a run's monthly probabilities that do not change from
/// month to month.
#[derive(Debug, Clone, Copy)]
struct RunHazards {
    agency_leaving: f64,
    absence_return: f64,
    absence_start: f64,
    conversion: f64,
}

/// Buffers reused from month to month (and, through a [`Workspace`],
/// from run to run).
#[derive(Debug, Default)]
struct Scratch {
    split: Vec<u64>,
    /// This month's referrals starting a case, by case state.
    entering: Vec<u64>,
    /// This month's cases moved along each state's `next` moves, state by
    /// state in order, and closed, by state (with teams, the council counts
    /// the moves between teams from these).
    moved: Vec<u64>,
    closed: Vec<u64>,
    shares: Vec<f64>,
    delta: Vec<i64>,
    leavers: Vec<u64>,
    /// This month's leavers as a set, for the clawback of their payments.
    leaving: IdSet,
    drawn: Vec<usize>,
    starting: Vec<f64>,
    /// This month's leaving hazards by months of service, of workers who
    /// did not join as ASYEs and of those who did (their first 12 months
    /// at the ASYE rate), indexed by [`Worker::asye`].
    hazard: [Vec<f64>; 2],
    /// This month's starters in step 2, who join after step 3 (they cannot
    /// leave in the month they start).
    joining: Vec<Worker>,
    /// The (multiplier, retention running) the table was filled for.
    hazard_inputs: Option<(f64, bool)>,
}

impl Scratch {
    /// The buffers emptied for a new run, keeping their room; no hazard
    /// table is kept (the new run's inputs are not last run's).
    fn for_new_run(mut self) -> Scratch {
        self.hazard_inputs = None;
        self
    }
}

/// One pool's buffers, lent by a [`Workspace`] to each run in turn.
#[derive(Debug, Default)]
pub(super) struct Spare {
    state: StateBuffers,
    scratch: Scratch,
}

/// Room for the runs a task simulates one after another: each run borrows
/// the vectors the last one grew instead of allocating its own (one
/// [`Spare`] per pool). A run's results do not depend on it.
#[derive(Debug, Default)]
pub struct Workspace {
    spares: Vec<Spare>,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// The buffers of pool `i` (0 without teams), or new ones.
    pub(super) fn take(&mut self, i: usize) -> Spare {
        self.spares.get_mut(i).map(std::mem::take).unwrap_or_default()
    }

    /// Gives pool `i`'s buffers back.
    pub(super) fn give(&mut self, i: usize, spare: Spare) {
        if self.spares.len() <= i {
            self.spares.resize_with(i + 1, Spare::default);
        }
        self.spares[i] = spare;
    }
}

/// What happened in a month, before it is recorded.
#[derive(Default)]
pub(super) struct Flows {
    pub(super) starters_fte: f64,
    pub(super) leavers_fte: f64,
    agency_starters_fte: f64,
    agency_leavers_fte: f64,
    /// Hires that count for cost_per_hire (experienced and conversions).
    hires: u64,
    asye_starters: u64,
    campaign: bool,
    payments: f64,
    clawback: f64,
    referrals: u64,
    new_cases: u64,
    closed_cases: u64,
}

impl Flows {
    /// Adds another pool's flows (a campaign runs if any pool's does).
    pub(super) fn add(&mut self, other: &Flows) {
        self.starters_fte += other.starters_fte;
        self.leavers_fte += other.leavers_fte;
        self.agency_starters_fte += other.agency_starters_fte;
        self.agency_leavers_fte += other.agency_leavers_fte;
        self.hires += other.hires;
        self.asye_starters += other.asye_starters;
        self.campaign |= other.campaign;
        self.payments += other.payments;
        self.clawback += other.clawback;
        self.referrals += other.referrals;
        self.new_cases += other.new_cases;
        self.closed_cases += other.closed_cases;
    }
}

/// What step 12 records beyond the census and the flows.
#[derive(Clone, Copy)]
pub(super) struct MonthEnd {
    pub(super) establishment: f64,
    pub(super) capacity: f64,
    pub(super) load: f64,
    pub(super) costs: Spend,
}

/// Sums over the permanent workforce and the agency cover. A run keeps the
/// workforce's sums as people join, leave, start or end an absence and end
/// their ASYE year ([`Simulation::counted`]), so a month's census is a copy,
/// not a pass over everyone.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Census {
    /// Everyone in post (ASYEs and absent included).
    pub(super) permanent: f64,
    /// Those holding posts (supernumerary ASYEs in their year hold none).
    pub(super) post_holding: f64,
    asye: f64,
    absent: f64,
    /// Present FTE weighted by the ASYE caseload weight.
    case_holding: f64,
    /// Annual pay bill at the permanent and ASYE rates.
    annual_cost: f64,
    /// Agency FTE covering posts (after step 6's changes once they are made).
    pub(super) covering: f64,
    /// The managed team's FTE this month.
    pub(super) managed: f64,
}

impl Census {
    /// A census of nobody whose fields are -0.0, the identity of addition
    /// (as an empty sum of floats is): adding one pool's census to it
    /// gives that census bit for bit.
    pub(super) fn empty() -> Census {
        Census {
            permanent: -0.0,
            post_holding: -0.0,
            asye: -0.0,
            absent: -0.0,
            case_holding: -0.0,
            annual_cost: -0.0,
            covering: -0.0,
            managed: -0.0,
        }
    }

    /// Adds another pool's census.
    pub(super) fn add(&mut self, other: &Census) {
        self.permanent += other.permanent;
        self.post_holding += other.post_holding;
        self.asye += other.asye;
        self.absent += other.absent;
        self.case_holding += other.case_holding;
        self.annual_cost += other.annual_cost;
        self.covering += other.covering;
        self.managed += other.managed;
    }

    /// Counts a worker who joins after the census was taken: a hire, so
    /// present, holding a post and not in the ASYE year.
    fn add_hire(&mut self, fte: f64, rates: &CensusRates) {
        self.permanent += fte;
        self.post_holding += fte;
        self.case_holding += fte;
        self.annual_cost += fte * rates.permanent_cost;
    }
}

/// The permanent workforce counted as people join, leave, start or end an
/// absence and end their ASYE year, so that a month's census needs no pass
/// over everyone: heads by FTE (a scenario's heads come in a handful of
/// sizes: its FTE per head and the smaller last head of each group), each
/// by whether in the ASYE year and whether absent. The census's sums are
/// worked out afresh from these whole numbers each time, so they carry no
/// rounding from one month to the next: a fully staffed establishment has
/// exactly 0 vacant, and a sum of nobody is exactly 0.
#[derive(Debug, Clone, Default)]
struct Counted {
    /// In the order each size was first seen.
    sizes: Vec<HeadsOfSize>,
}

/// The heads of one FTE.
#[derive(Debug, Clone, Copy)]
struct HeadsOfSize {
    fte: f64,
    /// `heads[asye_year][absent]`.
    heads: [[u32; 2]; 2],
}

impl Counted {
    /// Counts a worker in (`joins` true) or out.
    fn count(&mut self, joins: bool, fte: f64, asye_year: bool, absent: bool) {
        let i = match self.sizes.iter().position(|h| h.fte.to_bits() == fte.to_bits()) {
            Some(i) => i,
            None => {
                self.sizes.push(HeadsOfSize {
                    fte,
                    heads: [[0; 2]; 2],
                });
                self.sizes.len() - 1
            }
        };
        let n = &mut self.sizes[i].heads[usize::from(asye_year)][usize::from(absent)];
        if joins {
            *n += 1;
        } else {
            *n -= 1;
        }
    }

    /// The census's sums (no agency): for each size, its FTE times its
    /// heads in each sum, added size by size.
    fn census(&self, rates: &CensusRates) -> Census {
        let mut c = Census::default();
        for size in &self.sizes {
            let [[present, absent], [asye_present, asye_absent]] = size.heads.map(|row| row.map(f64::from));
            let (others, asye) = (present + absent, asye_present + asye_absent);
            if others + asye == 0.0 {
                continue;
            }
            let fte = size.fte;
            c.permanent += fte * (others + asye);
            c.post_holding += fte * if rates.supernumerary { others } else { others + asye };
            c.asye += fte * asye;
            c.absent += fte * (absent + asye_absent);
            c.case_holding += fte * present + fte * rates.asye_weight * asye_present;
            c.annual_cost += fte * rates.permanent_cost * others + fte * rates.asye_cost * asye;
        }
        c
    }
}

/// What a worker counts for in the census, by the scenario.
#[derive(Debug, Clone, Copy)]
struct CensusRates {
    /// ASYEs in their year hold no post.
    supernumerary: bool,
    /// An ASYE's share of a full caseload in their year.
    asye_weight: f64,
    asye_cost: f64,
    permanent_cost: f64,
}

impl CensusRates {
    fn of(s: &Scenario) -> CensusRates {
        CensusRates {
            supernumerary: s.asye.as_ref().is_some_and(|a| a.supernumerary),
            // ASYEs already in post keep their protected caseload without an intake.
            asye_weight: s.asye.as_ref().map_or(DEFAULT_ASYE_WEIGHT, |a| a.caseload_weight),
            asye_cost: s.costs.asye,
            permanent_cost: s.costs.permanent,
        }
    }
}

/// The hazard of a monthly probability q: -ln(1 - q), infinite at q = 1.
fn hazard(q: f64) -> f64 {
    -(1.0 - q.clamp(0.0, 1.0)).ln()
}

impl<'a> Simulation<'a> {
    pub fn new(prepared: &Prepared<'a>, seed: u64, run: u64) -> Self {
        Self::for_pool(prepared, seed, run, 0, Spare::default())
    }

    /// A run of one pool (docs/model.md, section 14): the uncertain
    /// parameters and drift paths from the council's streams (`seed`), the
    /// workforce's counts, clocks and initial draw from the pool's own,
    /// keyed by `stream_key` (0: the council's, as in the one-pool model).
    /// `spare` lends the buffers ([`Simulation::into_spare`] gives them back).
    pub(super) fn for_pool(prepared: &Prepared<'a>, seed: u64, run: u64, stream_key: u64, spare: Spare) -> Self {
        let (s, layout) = (prepared.s, prepared.layout);
        let params = match &prepared.fixed_params {
            Some(fixed) => fixed.clone(),
            None => RunParams::sample(s, seed, run),
        };
        let own = seed ^ stream_key;
        let mut initial = rng::stream(own, run, Process::Initial);
        let clocks = Clocks {
            permanent: Keyed::new(own, run, Process::Leaving, PERMANENT),
            agency: Keyed::new(own, run, Process::Leaving, AGENCY),
            absence: Keyed::new(own, run, Process::Absence, PERMANENT),
            conversion: Keyed::new(own, run, Process::Conversion, AGENCY),
            conversion_moves: params.agency_conversion > 0.0,
            absence_moves: params.absence_start > 0.0 || (params.absence_return > 0.0 && s.workforce.absent_fte > 0.0),
        };
        let built;
        let service = match &prepared.service {
            Some(shared) if shared.fits(&params.leaving_by_year) => shared,
            _ => {
                built = ServiceTable::new(s.workforce.initial_service_shares.as_deref(), &params.leaving_by_year);
                &built
            }
        };
        let state = State::initial(s, service, &mut initial, clocks, spare.state);
        let drift = DriftPaths::new(&params, seed, run, s.months);
        let hazards = RunHazards {
            agency_leaving: hazard(params.agency_leaving),
            absence_return: hazard(params.absence_return),
            absence_start: hazard(params.absence_start),
            conversion: hazard(params.agency_conversion),
        };
        let available = 1.0 - s.workforce.sickness_days_per_year / s.workforce.working_days_per_year;
        let mut sim = Simulation {
            available,
            hazards,
            s,
            layout,
            params,
            drift,
            streams: RunStreams::new(own, run),
            agency_start: None,
            state,
            scratch: spare.scratch.for_new_run(),
            totals: RunTotals::default(),
            counted: Counted::default(),
            census_rates: CensusRates::of(s),
        };
        sim.counted = sim.count_all(0);
        let census = sim.census(0);
        let caseload = caseload(sim.state.open_total(), sim.capacity(&census));
        sim.state.pressure = sim.pressure(caseload);
        sim
    }

    /// The run's buffers, for the next run.
    pub(super) fn into_spare(self) -> Spare {
        Spare {
            state: self.state.into_buffers(),
            scratch: self.scratch,
        }
    }

    fn month(&self, t: u32) -> YearMonth {
        self.s.month_at(t)
    }

    /// E(t): the base establishment with the changes dated up to month t.
    fn establishment(&self, t: u32) -> f64 {
        let m = self.month(t);
        let w = &self.s.workforce;
        let changes: f64 = w
            .establishment_changes
            .iter()
            .filter(|c| c.from <= m)
            .map(|c| c.change_fte)
            .sum();
        (w.establishment_fte + changes).max(0.0)
    }

    /// The census at step t: the workforce's sums as kept, and the agency
    /// cover.
    pub(super) fn census(&self, t: u32) -> Census {
        Census {
            covering: self.covering_fte(),
            managed: self.managed_team_fte(t),
            ..self.counted.census(&self.census_rates)
        }
    }

    /// The workforce counted worker by worker at step t.
    fn count_all(&self, t: u32) -> Counted {
        let mut c = Counted::default();
        for w in &self.state.workers {
            c.count(true, w.fte, w.in_asye_year(t), w.absent);
        }
        c
    }

    fn pipeline_fte(&self) -> f64 {
        self.state.pipeline.iter().map(|o| o.fte).sum()
    }

    fn managed_team_fte(&self, t: u32) -> f64 {
        let m = self.month(t);
        self.s.agency.as_ref().map_or(0.0, |a| {
            a.managed_team
                .iter()
                .filter(|b| in_period(b.from, b.to, m))
                .map(|b| b.fte)
                .sum()
        })
    }

    fn covering_fte(&self) -> f64 {
        self.state.agency.iter().map(|a| a.fte).sum()
    }

    /// C(t): case-holding capacity in FTE.
    pub(super) fn capacity(&self, census: &Census) -> f64 {
        self.params.case_holding_share * self.available * (census.case_holding + census.covering + census.managed)
    }

    fn pressure(&self, caseload: f64) -> f64 {
        self.pressure_against(self.s.target.high, caseload)
    }

    /// The pressure multiplier of a caseload against a high target (a
    /// team's, with teams).
    pub(super) fn pressure_against(&self, high: f64, caseload: f64) -> f64 {
        let excess = (caseload / high - 1.0).clamp(0.0, EXCESS_CAP);
        1.0 + self.params.pressure_sensitivity * excess
    }

    /// The run's totals so far.
    pub(super) fn totals(&self) -> RunTotals {
        self.totals.clone()
    }

    /// Product of the applicant multipliers of the running payments.
    fn applicant_multiplier(&self, m: YearMonth) -> f64 {
        let p = &self.s.payments;
        let mut mult = 1.0;
        if p.recruitment_bonus.as_ref().is_some_and(|b| b.runs_in(m)) {
            mult *= self.params.bonus_applicants;
        }
        if p.market_supplement.as_ref().is_some_and(|s| s.runs_in(m)) {
            mult *= self.params.supplement_applicants;
        }
        mult
    }

    /// This month's leaving hazard, -ln(1 - q) with q = min(1, q_base *
    /// m_pressure * m_pay * exp(X_leaving(t))), by months of service:
    /// `hazard[0]` for those past their ASYE year (band by completed years;
    /// retention from `min_service_months`), `hazard[1]` for those in it.
    /// Service beyond the table's end takes its last entry.
    fn fill_hazards(&mut self, t: u32, m: YearMonth) {
        let p = &self.s.payments;
        let mut common = self.state.pressure * self.drift.factor(Drifting::Leaving, t);
        if p.market_supplement.as_ref().is_some_and(|s| s.runs_in(m)) {
            common *= self.params.supplement_leaving;
        }
        let retention = p.retention.as_ref().filter(|r| r.runs_in(m));
        // Most months repeat last month's inputs: keep last month's table.
        let inputs = (common, retention.is_some());
        if self.scratch.hazard_inputs == Some(inputs) {
            return;
        }
        self.scratch.hazard_inputs = Some(inputs);
        let bands = &self.params.leaving_by_year;
        let min_service = retention.map_or(0, |r| r.min_service_months as usize);
        let len = (12 * bands.len()).max(min_service) + 1;
        let retention_mult = |service: usize, asye: bool| match retention {
            Some(r) if service >= min_service && (r.include_asye || !asye) => self.params.retention_leaving,
            _ => 1.0,
        };
        let [past, asye] = &mut self.scratch.hazard;
        past.clear();
        asye.clear();
        // Block by block (a year of service, split where the retention
        // payment's eligibility starts), one hazard per block, and none
        // worked out twice for the same probability: the same values as
        // month by month, for a fraction of the work (with teams every pool
        // fills its table each month the pressure moves).
        let mut last: Option<(f64, f64)> = None;
        let mut hazard_of = |q: f64| match last {
            Some((seen, h)) if seen == q => h,
            _ => {
                let h = hazard(q);
                last = Some((q, h));
                h
            }
        };
        let mut service = 0;
        while service < len {
            let year = service / 12;
            let mut end = ((year + 1) * 12).min(len);
            if retention.is_some() && service < min_service && min_service < end {
                end = min_service;
            }
            let h = hazard_of(band_rate(bands, year) * (common * retention_mult(service, false)));
            past.resize(end, h);
            service = end;
        }
        for service in 0..12 {
            asye.push(hazard_of(
                self.params.asye_leaving * (common * retention_mult(service, true)),
            ));
        }
        // Past the ASYE year, an ASYE's hazards are everyone's: one table
        // per kind of worker, of the same length, with no test of the year.
        asye.extend_from_slice(&past[12..]);
    }

    /// A new permanent starter who is a hire (not an ASYE): the recruitment
    /// bonus, if it runs this month, is paid now.
    fn hire(&mut self, t: u32, fte: f64, flows: &mut Flows) -> Worker {
        let worker = self.state.new_worker(t, fte, false);
        flows.hires += 1;
        flows.starters_fte += fte;
        if let Some(b) = &self.s.payments.recruitment_bonus
            && b.runs_in(self.month(t))
        {
            flows.payments += self.state.payments.pay(b, worker.id, fte, t);
        }
        worker
    }

    /// Runs step t and writes its metrics into `row`.
    pub fn step(&mut self, t: u32, row: &mut [f64]) {
        // 1-6. The workforce.
        let (establishment, census, mut flows) = self.workforce_month(t);
        // 7-8. Demand and cases.
        self.cases_month(t, &mut flows);

        // 9. Capacity and caseload (the census of step 5 with its joiners
        // and step 6's agency cover: nobody leaves or changes absence after
        // step 4).
        let capacity = self.capacity(&census);
        let load = caseload(self.state.open_total(), capacity);

        // 10. Feedback for next month.
        self.state.pressure = self.pressure(load);

        // 11. Costs.
        let costs = self.costs(t, &census, &mut flows);

        // 12. Record, then age.
        self.state.leavers_by_month.push(flows.leavers_fte);
        let month = MonthEnd {
            establishment,
            capacity,
            load,
            costs,
        };
        self.record(t, row, &census, &flows, &month);
        self.age();
    }

    /// Steps 1 to 6 of month t, the workforce's: the establishment, the
    /// census after recruitment and agency, and the month's flows so far.
    pub(super) fn workforce_month(&mut self, t: u32) -> (f64, Census, Flows) {
        let m = self.month(t);
        let mut flows = Flows::default();

        // 1. Establishment.
        let establishment = self.establishment(t);
        // 2. Starts: the pipeline, then the yearly ASYE cohort.
        self.starts(t, m, &mut flows);
        // 3. Leaving: each worker's clock runs down by this month's hazard.
        self.leaving(t, m, &mut flows);
        // 4. Absence.
        self.absence(t);
        // 5. Recruitment.
        let mut census = self.census(t);
        self.recruitment(t, m, establishment, &mut census, &mut flows);
        // 6. Agency cover, release and conversion.
        self.agency_cover(t, establishment, &mut census, &mut flows);
        (establishment, census, flows)
    }

    /// Steps 7 and 8 of month t: demand, then the cases' moves and arrivals.
    pub(super) fn cases_month(&mut self, t: u32, flows: &mut Flows) {
        let m = self.month(t);
        // 7. Demand.
        self.demand(t, m, flows);
        // 8. Cases: moves from the month's opening counts, then new cases.
        self.move_cases(t, flows);
    }

    /// This month's case flows by state (step 8): referrals starting a case,
    /// cases moved along each state's `next` moves (state by state, in
    /// order) and cases closed.
    pub(super) fn case_flows(&self) -> (&[u64], &[u64], &[u64]) {
        let sc = &self.scratch;
        (&sc.entering, &sc.moved, &sc.closed)
    }

    /// A pool's month ends (with teams): its leavers are kept for its
    /// payments' clawback windows, which move on.
    pub(super) fn close_month(&mut self, leavers_fte: f64) {
        self.state.leavers_by_month.push(leavers_fte);
        self.age();
    }

    /// Step 2: the pipeline's offers that start this month, then the yearly
    /// ASYE cohort.
    fn starts(&mut self, t: u32, m: YearMonth, flows: &mut Flows) {
        let fte_per_head = self.s.workforce.fte_per_head;
        let mut starting = std::mem::take(&mut self.scratch.starting);
        starting.clear();
        self.state.pipeline.retain(|o| {
            let starts = o.start == t;
            if starts {
                starting.push(o.fte);
            }
            !starts
        });
        let mut joining = std::mem::take(&mut self.scratch.joining);
        joining.clear();
        for &fte in &starting {
            joining.push(self.hire(t, fte, flows));
        }
        self.scratch.starting = starting;
        if let Some(a) = &self.s.asye
            && m.month() == a.intake_month
        {
            for _ in 0..self.params.asye_intake_heads {
                joining.push(self.state.new_worker(t, fte_per_head, true));
                flows.starters_fte += fte_per_head;
                flows.asye_starters += 1;
            }
        }
        self.scratch.joining = joining;
    }

    /// A hire joining in step 5 or 6, after the month's census was taken:
    /// counted in it and in the workforce's sums (present, holding a post,
    /// not in the ASYE year).
    fn join_after_census(&mut self, worker: Worker, census: &mut Census) {
        census.add_hire(worker.fte, &self.census_rates);
        self.counted.count(true, worker.fte, false, false);
        self.state.workers.push(worker);
    }

    /// Step 3: permanent workers whose clocks run out leave (with any
    /// clawback), then agency workers likewise; step 2's starters join
    /// after it.
    fn leaving(&mut self, t: u32, m: YearMonth, flows: &mut Flows) {
        self.fill_hazards(t, m);
        let tables = &self.scratch.hazard;
        let last = tables[0].len() - 1;
        let leavers = &mut self.scratch.leavers;
        leavers.clear();
        let workers = &mut self.state.workers;
        let counted = &mut self.counted;
        // Leavers are swapped out: the order of workers carries no meaning.
        // This month's starters join after the loop, so everyone here has
        // `start <= t` (0 months of service only for those in post at step 0).
        let mut i = 0;
        while i < workers.len() {
            let w = &mut workers[i];
            let service = (t as i32 - w.start) as usize;
            if w.asye && service == 12 {
                // The ASYE year ends this month.
                counted.count(false, w.fte, true, w.absent);
                counted.count(true, w.fte, false, w.absent);
            }
            w.clock -= tables[usize::from(w.asye)][service.min(last)];
            if ran_out(w.clock) {
                counted.count(false, w.fte, w.asye && service < 12, w.absent);
                flows.leavers_fte += w.fte;
                leavers.push(w.id);
                workers.swap_remove(i);
                continue;
            }
            i += 1;
        }
        for w in self.scratch.joining.drain(..) {
            counted.count(true, w.fte, w.in_asye_year(t), w.absent);
            workers.push(w);
        }
        if !self.scratch.leavers.is_empty() && !self.state.payments.is_empty() {
            let leaving = &mut self.scratch.leaving;
            leaving.mark(&self.scratch.leavers, self.state.next_worker_id);
            flows.clawback += self.state.payments.clawback(leaving, t);
            leaving.unmark(&self.scratch.leavers);
        }
        let agency_hazard = self.hazards.agency_leaving;
        // Clocks first, then the leavers out (in engagement order): a pass
        // that only reads is cheaper than moving workers as their clocks
        // are written.
        let mut any_leaver = false;
        for a in &mut self.state.agency {
            a.clock -= agency_hazard;
            any_leaver |= ran_out(a.clock);
        }
        if any_leaver {
            self.state.agency.retain(|a| {
                let leaves = ran_out(a.clock);
                if leaves {
                    flows.agency_leavers_fte += a.fte;
                }
                !leaves
            });
        }
    }

    /// Step 4: returns, then new absences among those present when the step
    /// began (a returner cannot start a new absence this month).
    fn absence(&mut self, t: u32) {
        let (back, away) = (self.hazards.absence_return, self.hazards.absence_start);
        if self.state.clocks.absence_moves {
            let keyed = self.state.clocks.absence;
            let counted = &mut self.counted;
            for w in &mut self.state.workers {
                w.absence_clock -= if w.absent { back } else { away };
                if ran_out(w.absence_clock) {
                    let asye_year = w.in_asye_year(t);
                    counted.count(false, w.fte, asye_year, w.absent);
                    counted.count(true, w.fte, asye_year, !w.absent);
                    w.absent = !w.absent;
                    w.absence_clock = keyed.exponential(w.id, w.absence_draws);
                    w.absence_draws += 1;
                }
            }
        }
    }

    /// Step 5: the labour market limits hiring, capped at the vacant heads.
    fn recruitment(&mut self, t: u32, m: YearMonth, establishment: f64, census: &mut Census, flows: &mut Flows) {
        let fte_per_head = self.s.workforce.fte_per_head;
        let vacant = establishment - census.post_holding - self.pipeline_fte();
        if let Some(r) = &self.s.recruitment
            && r.recruiting[m.month() as usize - 1]
            && vacant > 0.0
        {
            flows.campaign = true;
            let cap = round_half_up(vacant / fte_per_head);
            let lambda = self.params.applicants_per_month
                * self.applicant_multiplier(m)
                * self.drift.factor(Drifting::Applicants, t);
            let hires = rng::poisson(&mut self.streams.month(Process::Recruitment, t), lambda).min(cap);
            for _ in 0..hires {
                if r.notice_months == 0 {
                    // Joins after this month's leaving and absence.
                    let worker = self.hire(t, fte_per_head, flows);
                    self.join_after_census(worker, census);
                } else {
                    self.state.pipeline.push(Offer {
                        fte: fte_per_head,
                        start: t + r.notice_months,
                    });
                }
            }
        }
    }

    /// Step 6: agency cover engaged or released to what is wanted, then
    /// conversions to permanent posts.
    fn agency_cover(&mut self, t: u32, establishment: f64, census: &mut Census, flows: &mut Flows) {
        let s = self.s;
        let fte_per_head = s.workforce.fte_per_head;
        let Some(a) = &s.agency else {
            return;
        };
        let unfilled = (establishment - census.post_holding).max(0.0);
        let wanted = self.cover_requirement(t, a, unfilled, census.absent);
        let covering = census.covering;
        if wanted > covering {
            let missing = round_half_up((wanted - covering) / fte_per_head);
            let found = binomial::binomial(
                &mut self.streams.month(Process::Agency, t),
                missing,
                self.params.agency_fill,
            );
            for _ in 0..found {
                let engaged = self.state.new_agency_worker(fte_per_head);
                self.state.agency.push(engaged);
                flows.agency_starters_fte += fte_per_head;
            }
        } else if covering > wanted {
            let surplus = round_half_up((covering - wanted) / fte_per_head) as usize;
            // The list is in engagement order: release the latest engaged first.
            let keep = self.state.agency.len().saturating_sub(surplus);
            for released in self.state.agency.drain(keep..) {
                flows.agency_leavers_fte += released.fte;
            }
        }
        let conversion_cap = round_half_up(unfilled / fte_per_head) as usize;
        if unfilled > 0.0 && conversion_cap > 0 && self.params.agency_conversion > 0.0 {
            self.convert(t, conversion_cap, flows, census);
        }
        census.covering = self.covering_fte();
    }

    /// Step 6's cover requirement A*, within `max_fte`: a share of unfilled
    /// posts and absence in cover mode; in level mode the agency level,
    /// drifting, moved by the changes in unfilled and absent FTE since month
    /// 0 (the values of month 0, which runs first, are kept).
    fn cover_requirement(&mut self, t: u32, a: &Agency, unfilled: f64, absent: f64) -> f64 {
        let wanted = match a.mode {
            AgencyMode::Cover => a.cover_vacancies * unfilled + a.cover_absence * absent,
            AgencyMode::Level { .. } => {
                let (unfilled_0, absent_0) = *self.agency_start.get_or_insert((unfilled, absent));
                level_requirement(
                    a.fte * self.drift.factor(Drifting::Agency, t),
                    self.params.vacancy_link * (unfilled - unfilled_0),
                    a.cover_absence * (absent - absent_0),
                )
            }
        };
        a.max_fte.map_or(wanted, |cap| wanted.min(cap))
    }

    /// Step 7: this month's referrals, split among the case states they
    /// enter.
    fn demand(&mut self, t: u32, m: YearMonth, flows: &mut Flows) {
        let d = &self.s.demand;
        let shocks: f64 = d
            .shocks
            .iter()
            .zip(&self.params.shock_multipliers)
            .filter(|(sh, _)| in_period(sh.from, sh.to, m))
            .map(|(_, mult)| mult)
            .product();
        let growth = match self.params.annual_growth {
            0.0 => 1.0,
            g => (1.0 + g).powf(f64::from(t) / 12.0),
        };
        let lambda = self.params.referrals_per_month
            * growth
            * d.seasonality[m.month() as usize - 1]
            * shocks
            * self.drift.factor(Drifting::Referrals, t);
        // Referrals are Poisson (or, with dispersion, Poisson at a gamma-
        // distributed rate), so their split by entry share is a Poisson
        // count per case state and one for those needing no case, drawn
        // independently: the same in distribution as drawing the total and
        // splitting it, with one cheap draw per state instead of a binomial.
        let demand_rng = &mut self.streams.month(Process::Demand, t);
        let rate = match d.dispersion {
            Some(k) => rng::gamma_rate(demand_rng, lambda, k),
            None => lambda,
        };
        let entering = &mut self.scratch.entering;
        entering.clear();
        entering.extend(
            self.s
                .cases
                .iter()
                .map(|c| rng::poisson(demand_rng, rate * c.entry_share)),
        );
        let no_case = (1.0 - self.s.cases.iter().map(|c| c.entry_share).sum::<f64>()).max(0.0);
        flows.referrals = entering.iter().sum::<u64>() + rng::poisson(demand_rng, rate * no_case);
    }

    /// Step 6's conversions: each covering agency worker after engagement
    /// and release (this month's engaged too) takes a permanent post with
    /// the monthly conversion probability, capped at the unfilled heads (a
    /// random subset when more draw). The chance is each worker's conversion clock running out this
    /// month, which it does with exactly that probability; one not picked
    /// under the cap draws a new clock, so each later month's chance is
    /// again the same.
    fn convert(&mut self, t: u32, cap: usize, flows: &mut Flows, census: &mut Census) {
        let h = self.hazards.conversion;
        let mut drawn = std::mem::take(&mut self.scratch.drawn);
        drawn.clear();
        for (i, a) in self.state.agency.iter_mut().enumerate() {
            a.conversion_clock -= h;
            if ran_out(a.conversion_clock) {
                drawn.push(i);
            }
        }
        if drawn.len() > cap {
            let rng = &mut self.streams.month(Process::Conversion, t);
            let mut picked: Vec<usize> = sample_indices(rng, drawn.len(), cap)
                .into_iter()
                .map(|k| drawn[k])
                .collect();
            picked.sort_unstable();
            let clocks = self.state.clocks;
            for &i in &drawn {
                if picked.binary_search(&i).is_err() {
                    let a = &mut self.state.agency[i];
                    a.conversion_clock = clocks.conversion_clock(a.id, a.conversion_draws);
                    a.conversion_draws += 1;
                }
            }
            drawn = picked;
        }
        for &i in drawn.iter().rev() {
            let converted = self.state.agency.remove(i);
            flows.agency_leavers_fte += converted.fte;
            let worker = self.hire(t, converted.fte, flows);
            self.join_after_census(worker, census);
        }
        self.scratch.drawn = drawn;
    }

    /// Step 8: each state's open cases leave with probability 1 / mean
    /// duration and go on by their `next` shares (one multinomial draw per
    /// state), then the month's referrals start cases by `entry_share`
    /// (drawn with them in step 7).
    fn move_cases(&mut self, t: u32, flows: &mut Flows) {
        let states = &self.s.cases;
        let cases_rng = &mut self.streams.month(Process::Cases, t);
        let sc = &mut self.scratch;
        sc.delta.clear();
        sc.delta.resize(states.len(), 0);
        sc.moved.clear();
        sc.closed.clear();
        for (i, c) in states.iter().enumerate() {
            let exits = binomial::binomial(cases_rng, self.state.open[i], self.params.case_exit[i]);
            sc.delta[i] -= exits as i64;
            sc.shares.clear();
            sc.shares.extend(c.next.iter().map(|(_, share)| *share));
            binomial::multinomial(cases_rng, exits, &sc.shares, &mut sc.split);
            let mut moved = 0;
            for ((j, _), n) in c.next.iter().zip(&sc.split) {
                sc.delta[*j] += *n as i64;
                moved += n;
                sc.moved.push(*n);
            }
            flows.closed_cases += exits - moved;
            sc.closed.push(exits - moved);
        }
        for (i, n) in sc.entering.iter().enumerate() {
            sc.delta[i] += *n as i64;
            flows.new_cases += n;
        }
        for (open, change) in self.state.open.iter_mut().zip(&sc.delta) {
            *open = (*open as i64 + change).max(0) as u64;
        }
    }

    /// Step 11: the month's spend by kind.
    pub(super) fn costs(&mut self, t: u32, census: &Census, flows: &mut Flows) -> Spend {
        let m = self.month(t);
        let k = &self.s.costs;
        let permanent = census.annual_cost / 12.0;
        let agency = census.covering * k.agency / 12.0 + census.managed * k.managed_team / 12.0;

        let p = &self.s.payments;
        if let Some(r) = &p.retention
            && r.runs_in(m)
            && m.month() == r.paid_in_month
        {
            for w in &self.state.workers {
                if retention_eligible(r, w, t) {
                    flows.payments += self.state.payments.pay(r, w.id, w.fte, t);
                }
            }
        }
        if let Some(s) = &p.market_supplement
            && s.runs_in(m)
        {
            flows.payments += s.amount / 12.0 * census.permanent;
        }

        let recruitment = self.s.recruitment.as_ref().map_or(0.0, |r| {
            r.cost_per_hire * flows.hires as f64 + if flows.campaign { r.campaign_cost_per_month } else { 0.0 }
        });
        Spend {
            permanent,
            agency,
            payments_made: flows.payments,
            clawback: flows.clawback,
            recruitment,
            asye_grant: k.asye_grant * flows.asye_starters as f64,
        }
    }

    pub(super) fn record(&mut self, t: u32, row: &mut [f64], census: &Census, flows: &Flows, month: &MonthEnd) {
        let MonthEnd {
            establishment,
            capacity,
            load,
            costs,
        } = *month;
        let layout = self.layout;
        let mut set = |metric: Metric, value: f64| row[layout.index(metric)] = value;
        let managed = census.managed;
        let agency = census.covering + managed;
        let vacancy = (establishment - census.post_holding).max(0.0);
        let window = &self.state.leavers_by_month[self.state.leavers_by_month.len().saturating_sub(12)..];
        let annual_leavers = window.iter().sum::<f64>() * 12.0 / window.len() as f64;
        let total_cost = costs.total();
        self.state.cost_cumulative += total_cost;

        set(Metric::EstablishmentFte, establishment);
        set(Metric::PermanentFte, census.permanent);
        set(Metric::AsyeFte, census.asye);
        set(Metric::AbsentFte, census.absent);
        set(Metric::AgencyFte, agency);
        set(Metric::ManagedTeamFte, managed);
        set(Metric::VacancyFte, vacancy);
        set(Metric::CapacityFte, capacity);
        set(Metric::Referrals, flows.referrals as f64);
        set(Metric::NewCases, flows.new_cases as f64);
        set(Metric::ClosedCases, flows.closed_cases as f64);
        set(Metric::OpenCases, self.state.open_total() as f64);
        set(Metric::Caseload, load);
        set(Metric::AtOrBelowLow, indicator(load <= self.s.target.low));
        set(Metric::AtOrBelowHigh, indicator(load <= self.s.target.high));
        set(Metric::StartersFte, flows.starters_fte);
        set(Metric::LeaversFte, flows.leavers_fte);
        set(Metric::AgencyStartersFte, flows.agency_starters_fte);
        set(Metric::AgencyLeaversFte, flows.agency_leavers_fte);
        set(Metric::TurnoverRate, ratio(annual_leavers, census.permanent));
        set(Metric::VacancyRate, ratio(vacancy, vacancy + census.post_holding));
        set(Metric::AgencyRate, ratio(agency, agency + census.permanent));
        set(Metric::CostPermanent, costs.permanent);
        set(Metric::CostAgency, costs.agency);
        set(Metric::CostPayments, costs.payments());
        set(Metric::ClawbackRecovered, costs.clawback);
        // MODEL.md step 11: recruitment spend less the ASYE grant (the grant
        // is also its own metric, so charts can show it as income).
        set(Metric::CostRecruitment, costs.recruitment - costs.asye_grant);
        set(Metric::AsyeGrantIncome, costs.asye_grant);
        set(Metric::CostTotal, total_cost);
        set(Metric::CostCumulative, self.state.cost_cumulative);
        for (i, open) in self.state.open.iter().enumerate() {
            row[layout.state_index(i)] = *open as f64;
        }
        let totals = &mut self.totals;
        if totals.first_reach_high.is_none() && load >= self.s.target.high {
            totals.first_reach_high = Some(t);
        }
        totals.end_caseload = load;
        totals.spend.add(&costs);
    }

    /// Step 12's ageing. Service and the ASYE year follow from each
    /// worker's start step, so only the payments' clawback windows move on.
    fn age(&mut self) {
        let next = self.state.leavers_by_month.len() as u32;
        self.state.payments.age(next);
    }
}

/// Whether a worker is eligible for the retention payment (and its effect) now.
fn retention_eligible(r: &Payment, w: &Worker, t: u32) -> bool {
    w.service(t) >= r.min_service_months && (r.include_asye || !w.in_asye_year(t))
}

/// The agency level mode's cover requirement before `max_fte`: the level
/// (its initial FTE times its drift) plus the agency that follows the
/// changes in unfilled posts and in absence since month 0, never below 0.
pub fn level_requirement(level: f64, vacancy_change: f64, absence_change: f64) -> f64 {
    (level + vacancy_change + absence_change).max(0.0)
}

/// Open cases per case-holding FTE; infinite with no capacity.
pub(super) fn caseload(open: u64, capacity: f64) -> f64 {
    if capacity > 0.0 {
        open as f64 / capacity
    } else {
        f64::INFINITY
    }
}

/// A rate with MODEL.md's conventions: 0/0 = 0, x/0 = inf.
pub(super) fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else if numerator > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

pub(super) fn indicator(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{self, Source};

    /// The shipped baseline with absence moving, people absent and ASYEs
    /// at the start, supernumerary ASYEs, heads of 0.8 FTE (so each group
    /// ends in a smaller head) and, with `emptied`, everyone leaving within
    /// months and nobody joining.
    fn baseline_with(emptied: bool) -> Scenario {
        let mut text = include_str!("../../scenarios/baseline.toml")
            .replace("absent_fte = 0.0", "absent_fte = 7.3")
            .replace("fte_per_head = 0.95", "fte_per_head = 0.8")
            .replace("long_absence_annual_rate = 0.0 ", "long_absence_annual_rate = 0.3 ")
            .replace("supernumerary = false ", "supernumerary = true ");
        if emptied {
            for (key, value) in [
                ("annual_leaving_by_service_year", "[0.999]"),
                ("annual_leaving", "0.999"),
                ("applicants_per_month", "0"),
                ("intake_per_year", "0"),
                ("annual_conversion_rate", "0"),
            ] {
                let line = text
                    .lines()
                    .find(|l| l.starts_with(&format!("{key} ")))
                    .unwrap()
                    .to_string();
                text = text.replace(&line, &format!("{key} = {value}"));
            }
        }
        let source = Source::from_text("baseline.toml", &text).unwrap();
        scenario::check(source).unwrap().scenario
    }

    /// Heads by size and by (ASYE year, absent), every size with any, in
    /// order of size: what two countings must agree on.
    fn heads_by_size(c: &Counted) -> Vec<(u64, [[u32; 2]; 2])> {
        let mut heads: Vec<(u64, [[u32; 2]; 2])> = c
            .sizes
            .iter()
            .filter(|h| h.heads.iter().flatten().any(|n| *n > 0))
            .map(|h| (h.fte.to_bits(), h.heads))
            .collect();
        heads.sort_unstable_by_key(|h| h.0);
        heads
    }

    /// Every month, the heads counted as people join, leave, change absence
    /// and end their ASYE year are those of counting the workforce afresh,
    /// and the census read from them is its sums to rounding, exactly 0
    /// when nobody is in a sum.
    #[test]
    fn the_workforce_counted_month_by_month_is_the_workforce_counted_afresh() {
        for s in [
            baseline_with(false),
            // Sums of nobody.
            baseline_with(true),
        ] {
            let layout = Layout::of(&s);
            let prepared = Prepared::new(&s, &layout);
            let mut row = vec![0.0; layout.width()];
            let (mut emptied, mut absences, mut asye_ends) = (false, false, false);
            for run in 0..8 {
                let mut sim = Simulation::new(&prepared, 11, run);
                for t in 0..s.months {
                    let absent_before = sim.state.workers.iter().filter(|w| w.absent).count();
                    sim.step(t, &mut row);
                    let afresh = sim.count_all(t);
                    assert_eq!(heads_by_size(&sim.counted), heads_by_size(&afresh), "month {t}");
                    let kept = sim.counted.census(&sim.census_rates);
                    let mut added = Census::default();
                    for w in &sim.state.workers {
                        let mut one = Counted::default();
                        one.count(true, w.fte, w.in_asye_year(t), w.absent);
                        added.add(&one.census(&sim.census_rates));
                    }
                    let pairs = [
                        (kept.permanent, added.permanent),
                        (kept.post_holding, added.post_holding),
                        (kept.asye, added.asye),
                        (kept.absent, added.absent),
                        (kept.case_holding, added.case_holding),
                        (kept.annual_cost, added.annual_cost),
                    ];
                    for (i, (k, a)) in pairs.into_iter().enumerate() {
                        assert!(
                            (k - a).abs() <= 1e-9 * a.abs().max(1.0),
                            "sum {i}, month {t}: {k} vs {a}"
                        );
                        assert_eq!(k == 0.0, a == 0.0, "sum {i}, month {t}: {k} vs {a}");
                        assert!(k >= 0.0, "sum {i}, month {t}: {k}");
                    }
                    emptied |= sim.state.workers.is_empty();
                    absences |= sim.state.workers.iter().filter(|w| w.absent).count() != absent_before;
                    asye_ends |= sim.state.workers.iter().any(|w| w.asye && w.service(t) == 12);
                }
            }
            assert!(absences && asye_ends, "the case moves no absence or ends no ASYE year");
            if s.workforce.annual_leaving_by_service_year.len() == 1 {
                assert!(emptied, "everyone did not leave");
            }
        }
    }

    /// The census carries no rounding from one month to the next: once the
    /// odd-sized heads have gone, whole heads sum exactly (a fully staffed
    /// establishment of 281.5 FTE has nothing vacant, not 5.7e-14).
    #[test]
    fn the_census_forgets_the_heads_that_have_gone() {
        let rates = CensusRates {
            supernumerary: false,
            asye_weight: 0.9,
            asye_cost: 40_000.0,
            permanent_cost: 50_000.0,
        };
        let mut c = Counted::default();
        for _ in 0..281 {
            c.count(true, 1.0, false, false);
        }
        c.count(true, 0.3, false, true);
        c.count(true, 0.5, false, false);
        c.count(false, 0.3, false, true);
        let census = c.census(&rates);
        assert_eq!(census.post_holding, 281.5);
        assert_eq!(census.permanent, 281.5);
        assert_eq!(census.absent.to_bits(), 0.0f64.to_bits());
        assert_eq!(census.annual_cost, 281.5 * 50_000.0);
        c.count(false, 0.5, false, false);
        for _ in 0..281 {
            c.count(false, 1.0, false, false);
        }
        let nobody = c.census(&rates);
        for sum in [
            nobody.permanent,
            nobody.post_holding,
            nobody.case_holding,
            nobody.annual_cost,
        ] {
            assert_eq!(sum.to_bits(), 0.0f64.to_bits());
        }
    }

    #[test]
    fn the_agency_level_follows_its_changes_and_is_never_negative() {
        assert_eq!(level_requirement(12.0, 3.0, -1.0), 14.0);
        assert_eq!(level_requirement(12.0, -20.0, 0.0), 0.0);
        assert_eq!(level_requirement(0.0, -0.5, -0.5), 0.0);
    }
}
