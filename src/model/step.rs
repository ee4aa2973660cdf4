//! One run, month by month: MODEL.md's monthly step, in its order.
//!
//! Pure: no I/O, no threads. The same (scenario, seed, run) always gives the
//! same record.

use super::metrics::{Layout, Metric};
use super::params::*;
use super::rng::{self, Keyed, Process, Stream};
use super::sample::{RunParams, round_half_up};
use super::state::*;
use rand::seq::index::sample as sample_indices;

/// Caps the excess caseload in the feedback so a zero capacity (infinite
/// caseload) gives a finite multiplier, and sensitivity 0 gives exactly 1.
const EXCESS_CAP: f64 = 1e12;

/// The run's random numbers: a stream per process and month for counts,
/// and chances keyed by person and month for individuals' events.
struct Streams {
    seed: u64,
    run: u64,
    leaving: Keyed,
    agency_leaving: Keyed,
    absence: Keyed,
    conversion: Keyed,
}

impl Streams {
    fn month(&self, process: Process, t: u32) -> Stream {
        rng::month_stream(self.seed, self.run, process, t)
    }
}

/// Person kinds for keyed chances.
const PERMANENT: u64 = 0;
const AGENCY: u64 = 1;

/// Simulates run `run` of `s` and returns its record: `s.months` rows of
/// `layout.width()` metric values.
pub fn simulate(s: &Scenario, layout: &Layout, seed: u64, run: u64) -> Vec<f64> {
    let mut record = vec![0.0; s.months as usize * layout.width()];
    let mut sim = Simulation::new(s, layout, seed, run);
    for (t, row) in record.chunks_mut(layout.width()).enumerate() {
        sim.step(t as u32, row);
    }
    record
}

/// A run in progress: the scenario, the run's parameters and streams, and
/// the state.
pub struct Simulation<'a> {
    s: &'a Scenario,
    layout: &'a Layout,
    pub params: RunParams,
    streams: Streams,
    pub state: State,
    /// Scratch for multinomial draws.
    split: Vec<u64>,
    shares: Vec<f64>,
}

/// What happened in a month, before it is recorded.
#[derive(Default)]
struct Flows {
    starters_fte: f64,
    leavers_fte: f64,
    agency_starters_fte: f64,
    agency_leavers_fte: f64,
    /// Hires that count for cost_per_hire (experienced and conversions).
    hires: u64,
    asye_starters: u64,
    campaign: bool,
    payments: f64,
    referrals: u64,
    new_cases: u64,
    closed_cases: u64,
}

impl<'a> Simulation<'a> {
    pub fn new(s: &'a Scenario, layout: &'a Layout, seed: u64, run: u64) -> Self {
        let params = RunParams::sample(s, seed, run);
        let mut initial = rng::stream(seed, run, Process::Initial);
        let state = State::initial(s, &params, &mut initial);
        let mut sim = Simulation {
            s,
            layout,
            params,
            streams: Streams {
                seed,
                run,
                leaving: Keyed::new(seed, run, Process::Leaving, PERMANENT),
                agency_leaving: Keyed::new(seed, run, Process::Leaving, AGENCY),
                absence: Keyed::new(seed, run, Process::Absence, PERMANENT),
                conversion: Keyed::new(seed, run, Process::Conversion, AGENCY),
            },
            state,
            split: Vec::new(),
            shares: Vec::new(),
        };
        let caseload = caseload(sim.state.open_total(), sim.capacity(0));
        sim.state.pressure = sim.pressure(caseload);
        sim
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

    fn supernumerary(&self) -> bool {
        self.s.asye.as_ref().is_some_and(|a| a.supernumerary)
    }

    /// Permanent FTE holding posts (supernumerary ASYEs in their year hold none).
    fn post_holding_fte(&self) -> f64 {
        let supernumerary = self.supernumerary();
        self.state
            .workers
            .iter()
            .filter(|w| !(supernumerary && w.in_asye_year()))
            .map(|w| w.fte)
            .sum()
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
    fn capacity(&self, t: u32) -> f64 {
        let w = &self.s.workforce;
        // ASYEs already in post keep their protected caseload without an intake.
        let weight = self.s.asye.as_ref().map_or(DEFAULT_ASYE_WEIGHT, |a| a.caseload_weight);
        let permanent: f64 = self
            .state
            .workers
            .iter()
            .filter(|w| !w.absent)
            .map(|w| if w.in_asye_year() { w.fte * weight } else { w.fte })
            .sum();
        let available = 1.0 - w.sickness_days_per_year / w.working_days_per_year;
        self.params.case_holding_share * available * (permanent + self.covering_fte() + self.managed_team_fte(t))
    }

    fn pressure(&self, caseload: f64) -> f64 {
        let excess = (caseload / self.s.target.high - 1.0).clamp(0.0, EXCESS_CAP);
        1.0 + self.params.pressure_sensitivity * excess
    }

    /// Product of the leaving multipliers of the payments a worker is eligible for.
    fn pay_leaving_multiplier(&self, m: YearMonth, w: &Worker) -> f64 {
        let p = &self.s.payments;
        let mut mult = 1.0;
        if let Some(r) = &p.retention
            && r.runs_in(m)
            && retention_eligible(r, w)
        {
            mult *= self.params.retention_leaving;
        }
        if p.market_supplement.as_ref().is_some_and(|s| s.runs_in(m)) {
            mult *= self.params.supplement_leaving;
        }
        mult
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

    /// A new permanent starter who is a hire (not an ASYE): the recruitment
    /// bonus, if it runs this month, is paid now.
    fn hire(&mut self, t: u32, fte: f64, flows: &mut Flows) -> Worker {
        let mut worker = self.state.new_worker(fte, false);
        flows.hires += 1;
        flows.starters_fte += fte;
        if let Some(b) = &self.s.payments.recruitment_bonus
            && b.runs_in(self.month(t))
        {
            let amount = b.amount * fte;
            flows.payments += amount;
            worker.payments.push(PaymentReceived {
                step: t,
                amount,
                clawback_months: b.clawback_months,
                clawback: b.clawback,
            });
        }
        worker
    }

    /// Runs step t and writes its metrics into `row`.
    pub fn step(&mut self, t: u32, row: &mut [f64]) {
        let m = self.month(t);
        let mut flows = Flows::default();

        // 1. Establishment.
        let establishment = self.establishment(t);

        // 2. Starts: the pipeline, then the yearly ASYE cohort.
        let fte_per_head = self.s.workforce.fte_per_head;
        let mut starting = Vec::new();
        self.state.pipeline.retain(|o| {
            if o.start == t {
                starting.push(o.fte);
                false
            } else {
                true
            }
        });
        for fte in starting {
            let worker = self.hire(t, fte, &mut flows);
            self.state.workers.push(worker);
        }
        if let Some(a) = &self.s.asye
            && m.month() == a.intake_month
        {
            for _ in 0..self.params.asye_intake_heads {
                let worker = self.state.new_worker(fte_per_head, true);
                self.state.workers.push(worker);
                flows.starters_fte += fte_per_head;
                flows.asye_starters += 1;
            }
        }

        // 3. Leaving, with clawback of payments still in their window.
        let pressure = self.state.pressure;
        let workers = std::mem::take(&mut self.state.workers);
        let mut staying = Vec::with_capacity(workers.len());
        for w in workers {
            if w.started_this_month {
                staying.push(w);
                continue;
            }
            let base = match w.asye_month {
                Some(_) => self.params.asye_leaving,
                None => band_rate(&self.params, w.service),
            };
            let q = (base * pressure * self.pay_leaving_multiplier(m, &w)).min(1.0);
            if self.streams.leaving.chance(w.id, t, q) {
                flows.leavers_fte += w.fte;
                flows.payments -= clawback(&w, t);
            } else {
                staying.push(w);
            }
        }
        self.state.workers = staying;
        let agency_leaving = self.params.agency_leaving;
        let keyed = self.streams.agency_leaving;
        self.state.agency.retain(|a| {
            let leaves = keyed.chance(a.id, t, agency_leaving);
            if leaves {
                flows.agency_leavers_fte += a.fte;
            }
            !leaves
        });

        // 4. Absence: returns, then new absences among those present when
        // the step began (a returner cannot start a new absence this month).
        let (back, away) = (self.params.absence_return, self.params.absence_start);
        let keyed = self.streams.absence;
        for w in &mut self.state.workers {
            let p = if w.absent { back } else { away };
            if keyed.chance(w.id, t, p) {
                w.absent = !w.absent;
            }
        }

        // 5. Recruitment: the labour market limits hiring, capped at the vacant heads.
        let vacant = establishment - self.post_holding_fte() - self.pipeline_fte();
        if let Some(r) = &self.s.recruitment
            && r.recruiting[m.month() as usize - 1]
            && vacant > 0.0
        {
            flows.campaign = true;
            let cap = round_half_up(vacant / fte_per_head);
            let lambda = self.params.applicants_per_month * self.applicant_multiplier(m);
            let hires = rng::poisson(&mut self.streams.month(Process::Recruitment, t), lambda).min(cap);
            for _ in 0..hires {
                if r.notice_months == 0 {
                    let mut worker = self.hire(t, fte_per_head, &mut flows);
                    // Joined after leaving and absence were drawn this month.
                    worker.started_this_month = false;
                    self.state.workers.push(worker);
                } else {
                    self.state.pipeline.push(Offer {
                        fte: fte_per_head,
                        start: t + r.notice_months,
                    });
                }
            }
        }

        // 6. Agency cover, release and conversion.
        if let Some(a) = &self.s.agency {
            let unfilled = (establishment - self.post_holding_fte()).max(0.0);
            let absent_fte: f64 = self.state.workers.iter().filter(|w| w.absent).map(|w| w.fte).sum();
            let wanted = a.cover_vacancies * unfilled + a.cover_absence * absent_fte;
            let wanted = a.max_fte.map_or(wanted, |cap| wanted.min(cap));
            let covering = self.covering_fte();
            if wanted > covering {
                let missing = round_half_up((wanted - covering) / fte_per_head);
                let found = rng::binomial(
                    &mut self.streams.month(Process::Agency, t),
                    missing,
                    self.params.agency_fill,
                );
                for _ in 0..found {
                    self.state.next_agency_id += 1;
                    self.state.agency.push(AgencyWorker {
                        id: self.state.next_agency_id - 1,
                        fte: fte_per_head,
                        months_engaged: 0,
                        engaged_this_month: true,
                    });
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
                let p = self.params.agency_conversion;
                let keyed = self.streams.conversion;
                let drawn: Vec<usize> = (0..self.state.agency.len())
                    .filter(|&i| {
                        let a = &self.state.agency[i];
                        !a.engaged_this_month && keyed.chance(a.id, t, p)
                    })
                    .collect();
                let chosen: Vec<usize> = if drawn.len() > conversion_cap {
                    let rng = &mut self.streams.month(Process::Conversion, t);
                    let mut picked: Vec<usize> = sample_indices(rng, drawn.len(), conversion_cap)
                        .into_iter()
                        .map(|k| drawn[k])
                        .collect();
                    picked.sort_unstable();
                    picked
                } else {
                    drawn
                };
                for &i in chosen.iter().rev() {
                    let converted = self.state.agency.remove(i);
                    flows.agency_leavers_fte += converted.fte;
                    let mut worker = self.hire(t, converted.fte, &mut flows);
                    worker.started_this_month = false;
                    self.state.workers.push(worker);
                }
            }
        }

        // 7. Demand.
        let d = &self.s.demand;
        let shocks: f64 = d
            .shocks
            .iter()
            .zip(&self.params.shock_multipliers)
            .filter(|(sh, _)| in_period(sh.from, sh.to, m))
            .map(|(_, mult)| mult)
            .product();
        let lambda = self.params.referrals_per_month
            * (1.0 + self.params.annual_growth).powf(f64::from(t) / 12.0)
            * d.seasonality[m.month() as usize - 1]
            * shocks;
        let demand_rng = &mut self.streams.month(Process::Demand, t);
        flows.referrals = match d.dispersion {
            Some(k) => rng::gamma_poisson(demand_rng, lambda, k),
            None => rng::poisson(demand_rng, lambda),
        };

        // 8. Cases: moves from the month's opening counts, then new cases.
        let states = &self.s.cases;
        let cases_rng = &mut self.streams.month(Process::Cases, t);
        let mut delta: Vec<i64> = vec![0; states.len()];
        for (i, c) in states.iter().enumerate() {
            let exits = rng::binomial(cases_rng, self.state.open[i], self.params.case_exit[i]);
            delta[i] -= exits as i64;
            self.shares.clear();
            self.shares.extend(c.next.iter().map(|(_, share)| *share));
            rng::multinomial(cases_rng, exits, &self.shares, &mut self.split);
            let mut moved = 0;
            for ((j, _), n) in c.next.iter().zip(&self.split) {
                delta[*j] += *n as i64;
                moved += n;
            }
            flows.closed_cases += exits - moved;
        }
        self.shares.clear();
        self.shares.extend(states.iter().map(|c| c.entry_share));
        rng::multinomial(cases_rng, flows.referrals, &self.shares, &mut self.split);
        for (i, n) in self.split.iter().enumerate() {
            delta[i] += *n as i64;
            flows.new_cases += n;
        }
        for (open, change) in self.state.open.iter_mut().zip(&delta) {
            *open = (*open as i64 + change).max(0) as u64;
        }

        // 9. Capacity and caseload.
        let capacity = self.capacity(t);
        let open_total = self.state.open_total();
        let load = caseload(open_total, capacity);

        // 10. Feedback for next month.
        self.state.pressure = self.pressure(load);

        // 11. Costs.
        let costs = self.costs(t, &mut flows);

        // 12. Record, then age.
        self.state.leavers_by_month.push(flows.leavers_fte);
        self.record(t, row, establishment, capacity, load, &flows, costs);
        self.age();
    }

    /// Step 11: the month's spend by kind: (permanent, agency, payments, recruitment).
    fn costs(&mut self, t: u32, flows: &mut Flows) -> [f64; 4] {
        let m = self.month(t);
        let k = &self.s.costs;
        let permanent: f64 = self
            .state
            .workers
            .iter()
            .map(|w| w.fte * if w.in_asye_year() { k.asye } else { k.permanent } / 12.0)
            .sum();
        let agency = self.covering_fte() * k.agency / 12.0 + self.managed_team_fte(t) * k.managed_team / 12.0;

        let p = &self.s.payments;
        if let Some(r) = &p.retention
            && r.runs_in(m)
            && m.month() == r.paid_in_month
        {
            for w in &mut self.state.workers {
                if retention_eligible(r, w) {
                    let amount = r.amount * w.fte;
                    flows.payments += amount;
                    w.payments.push(PaymentReceived {
                        step: t,
                        amount,
                        clawback_months: r.clawback_months,
                        clawback: r.clawback,
                    });
                }
            }
        }
        if let Some(s) = &p.market_supplement
            && s.runs_in(m)
        {
            let fte: f64 = self.state.workers.iter().map(|w| w.fte).sum();
            flows.payments += s.amount / 12.0 * fte;
        }

        let recruitment = self.s.recruitment.as_ref().map_or(0.0, |r| {
            r.cost_per_hire * flows.hires as f64 + if flows.campaign { r.campaign_cost_per_month } else { 0.0 }
        }) - k.asye_grant * flows.asye_starters as f64;
        [permanent, agency, flows.payments, recruitment]
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        t: u32,
        row: &mut [f64],
        establishment: f64,
        capacity: f64,
        load: f64,
        flows: &Flows,
        costs: [f64; 4],
    ) {
        let layout = self.layout;
        let mut set = |metric: Metric, value: f64| row[layout.index(metric)] = value;
        let permanent: f64 = self.state.workers.iter().map(|w| w.fte).sum();
        let post_holding = self.post_holding_fte();
        let asye: f64 = self
            .state
            .workers
            .iter()
            .filter(|w| w.in_asye_year())
            .map(|w| w.fte)
            .sum();
        let absent: f64 = self.state.workers.iter().filter(|w| w.absent).map(|w| w.fte).sum();
        let managed = self.managed_team_fte(t);
        let agency = self.covering_fte() + managed;
        let vacancy = (establishment - post_holding).max(0.0);
        let window = &self.state.leavers_by_month[self.state.leavers_by_month.len().saturating_sub(12)..];
        let annual_leavers = window.iter().sum::<f64>() * 12.0 / window.len() as f64;
        let total_cost: f64 = costs.iter().sum();
        self.state.cost_cumulative += total_cost;

        set(Metric::EstablishmentFte, establishment);
        set(Metric::PermanentFte, permanent);
        set(Metric::AsyeFte, asye);
        set(Metric::AbsentFte, absent);
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
        set(Metric::TurnoverRate, ratio(annual_leavers, permanent));
        set(Metric::VacancyRate, ratio(vacancy, vacancy + post_holding));
        set(Metric::AgencyRate, ratio(agency, agency + permanent));
        set(Metric::CostPermanent, costs[0]);
        set(Metric::CostAgency, costs[1]);
        set(Metric::CostPayments, costs[2]);
        set(Metric::CostRecruitment, costs[3]);
        set(Metric::CostTotal, total_cost);
        set(Metric::CostCumulative, self.state.cost_cumulative);
        for (i, open) in self.state.open.iter().enumerate() {
            row[layout.state_index(i)] = *open as f64;
        }
    }

    /// Step 12's ageing: a month of service, of ASYE year and of engagement.
    fn age(&mut self) {
        // Payments stay on record while a leaver next month would still repay them.
        let next = self.state.leavers_by_month.len() as u32;
        for w in &mut self.state.workers {
            w.service += 1;
            w.started_this_month = false;
            w.asye_month = w.asye_month.map(|a| a + 1).filter(|a| *a < 12);
            w.payments.retain(|p| next - p.step < p.clawback_months);
        }
        for a in &mut self.state.agency {
            a.months_engaged += 1;
            a.engaged_this_month = false;
        }
    }
}

/// Whether a worker is eligible for the retention payment (and its effect) now.
fn retention_eligible(r: &Payment, w: &Worker) -> bool {
    w.service >= r.min_service_months && (r.include_asye || !w.in_asye_year())
}

/// What a leaver at step `t` repays: every payment still in its window, in
/// full or pro rata to the months remaining.
fn clawback(w: &Worker, t: u32) -> f64 {
    w.payments
        .iter()
        .filter_map(|p| {
            let elapsed = t - p.step;
            (elapsed < p.clawback_months).then(|| match p.clawback {
                Clawback::Full => p.amount,
                Clawback::ProRata => p.amount * f64::from(p.clawback_months - elapsed) / f64::from(p.clawback_months),
            })
        })
        .sum()
}

/// Open cases per case-holding FTE; infinite with no capacity.
fn caseload(open: u64, capacity: f64) -> f64 {
    if capacity > 0.0 {
        open as f64 / capacity
    } else {
        f64::INFINITY
    }
}

/// A rate with MODEL.md's conventions: 0/0 = 0, x/0 = inf.
fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else if numerator > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

fn indicator(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}
