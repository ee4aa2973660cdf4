//! One run of a scenario with teams and roles: a pool per (team, role),
//! each running MODEL.md's workforce steps (1 to 6) with its own
//! parameters and streams, around the council's demand and cases (steps 7
//! and 8), with capacity, caseload and pressure per team (steps 9 and 10),
//! costs per pool (step 11) and the council's record with each team's and
//! role's metrics (step 12). docs/model.md, section 14, is the design.
//!
//! Pure, as `step.rs`: the same (scenario, seed, run) gives the same record.

use super::metrics::{Layout, RoleMetric, TeamMetric};
use super::params::*;
use super::step::{Census, Flows, MonthEnd, Prepared, RunTotals, Simulation, Spend, caseload, indicator, ratio};

/// What one pool did in a month, kept until the month is recorded.
#[derive(Default)]
struct PoolMonth {
    establishment: f64,
    census: Census,
    flows: Flows,
    capacity: f64,
    spend: Spend,
}

/// Sums over a team's or a role's pools.
#[derive(Default, Clone, Copy)]
struct Sums {
    establishment: f64,
    permanent: f64,
    post_holding: f64,
    agency: f64,
    capacity: f64,
    starters: f64,
    leavers: f64,
    cost_permanent: f64,
    cost_agency: f64,
    cost_payments: f64,
    /// Social workers in post (permanent and covering agency), for the span.
    social_workers: f64,
    /// Managers in post, likewise.
    managers: f64,
}

/// A run in progress with teams and roles.
pub struct Council<'a> {
    org: &'a Organisation,
    layout: &'a Layout,
    /// The council's own simulation: demand, cases, the record and the
    /// run's totals (its workforce is not stepped).
    council: Simulation<'a>,
    pools: Vec<Simulation<'a>>,
    months: Vec<PoolMonth>,
    team_open: Vec<u64>,
    team_sums: Vec<Sums>,
    role_sums: Vec<Sums>,
}

impl<'a> Council<'a> {
    /// `council` is the scenario's own prepared simulation, `pools` one per
    /// pool of `org`, in its order.
    pub fn new(council: &Prepared<'a>, pools: &[Prepared<'a>], org: &'a Organisation, seed: u64, run: u64) -> Self {
        let layout = council.layout();
        let pool_sims: Vec<Simulation<'a>> = pools
            .iter()
            .zip(&org.pools)
            .map(|(prepared, pool)| Simulation::for_pool(prepared, seed, run, pool.stream_key))
            .collect();
        let mut sim = Council {
            org,
            layout,
            council: Simulation::new(council, seed, run),
            months: pool_sims.iter().map(|_| PoolMonth::default()).collect(),
            pools: pool_sims,
            team_open: vec![0; org.teams.len()],
            team_sums: vec![Sums::default(); org.teams.len()],
            role_sums: vec![Sums::default(); org.roles.len()],
        };
        // The pressure of month 0 comes from each team's initial caseload.
        for (k, pool) in sim.pools.iter().enumerate() {
            let census = pool.census(0);
            sim.months[k].capacity = pool.capacity(&census) * org.roles[org.pools[k].role].caseload_share;
        }
        sim.feed_back();
        sim
    }

    /// The run's totals so far.
    pub fn totals(&self) -> RunTotals {
        self.council.totals()
    }

    /// Runs step t and writes its metrics into `row`.
    pub fn step(&mut self, t: u32, row: &mut [f64]) {
        // 1-6. Each pool's workforce.
        for (pool, month) in self.pools.iter_mut().zip(&mut self.months) {
            let (establishment, census, flows) = pool.workforce_month(t);
            month.establishment = establishment;
            month.census = census;
            month.flows = flows;
        }
        // 7-8. The council's demand and cases.
        let mut flows = Flows::default();
        self.council.cases_month(t, &mut flows);
        // 9. Capacity by pool, weighted by the role's share of a caseload.
        for (k, (pool, month)) in self.pools.iter().zip(&mut self.months).enumerate() {
            month.capacity = pool.capacity(&month.census) * self.org.roles[self.org.pools[k].role].caseload_share;
        }
        // 10. Feedback for next month, team by team.
        self.feed_back();
        // 11. Costs by pool; then each pool's month ends (its leavers kept
        // for clawback windows).
        for (pool, month) in self.pools.iter_mut().zip(&mut self.months) {
            month.spend = pool.costs(t, &month.census, &mut month.flows);
            pool.close_month(month.flows.leavers_fte);
        }
        // 12. The council's record: the sums over pools.
        let mut census = Census::default();
        let mut spend = Spend::default();
        let mut establishment = 0.0;
        let mut capacity = 0.0;
        for month in &self.months {
            census.add(&month.census);
            flows.add(&month.flows);
            spend.add(&month.spend);
            establishment += month.establishment;
            capacity += month.capacity;
        }
        let load = caseload(self.council.state.open_total(), capacity);
        self.council.state.leavers_by_month.push(flows.leavers_fte);
        let month_end = MonthEnd {
            establishment,
            capacity,
            load,
            costs: spend,
        };
        self.council.record(t, row, &census, &flows, &month_end);
        self.record_teams_and_roles(row);
    }

    /// Each team's open cases and caseload against its high target set
    /// the pressure multiplier of every pool in it.
    fn feed_back(&mut self) {
        self.sum_teams_and_roles();
        for (k, pool) in self.pools.iter_mut().enumerate() {
            let team = self.org.pools[k].team;
            let load = caseload(self.team_open[team], self.team_sums[team].capacity);
            let high = self.org.teams[team].target.high;
            pool.state.pressure = pool.pressure_against(high, load);
        }
    }

    /// Open cases by team, and each team's and role's sums over its pools.
    fn sum_teams_and_roles(&mut self) {
        let open = &self.council.state.open;
        for (team, sum) in self.org.teams.iter().zip(&mut self.team_open) {
            *sum = team.states.iter().map(|i| open[*i]).sum();
        }
        self.team_sums.fill(Sums::default());
        self.role_sums.fill(Sums::default());
        let social_worker = self.org.social_worker();
        for (k, month) in self.months.iter().enumerate() {
            let pool = &self.org.pools[k];
            let c = &month.census;
            let in_post = c.permanent + c.covering;
            let is_social_worker = Some(pool.role) == social_worker;
            let is_manager = self.org.roles[pool.role].manager;
            for sums in [&mut self.team_sums[pool.team], &mut self.role_sums[pool.role]] {
                sums.establishment += month.establishment;
                sums.permanent += c.permanent;
                sums.post_holding += c.post_holding;
                sums.agency += c.covering + c.managed;
                sums.capacity += month.capacity;
                sums.starters += month.flows.starters_fte;
                sums.leavers += month.flows.leavers_fte;
                sums.cost_permanent += month.spend.permanent;
                sums.cost_agency += month.spend.agency;
                sums.cost_payments += month.spend.payments();
                if is_social_worker {
                    sums.social_workers += in_post;
                }
                if is_manager {
                    sums.managers += in_post;
                }
            }
        }
    }

    fn record_teams_and_roles(&mut self, row: &mut [f64]) {
        self.sum_teams_and_roles();
        let layout = self.layout;
        let target = self.org.span_of_control;
        let (social_workers, managers) = self
            .team_sums
            .iter()
            .fold((0.0, 0.0), |(w, m), s| (w + s.social_workers, m + s.managers));
        let span = ratio(social_workers, managers);
        if let Some(i) = layout.span_index() {
            row[i] = span;
        }
        if let (Some(i), Some(target)) = (layout.within_span_index(), target) {
            row[i] = indicator(span <= target);
        }
        for (t, (team, s)) in self.org.teams.iter().zip(&self.team_sums).enumerate() {
            let load = caseload(self.team_open[t], s.capacity);
            let team_span = ratio(s.social_workers, s.managers);
            let values = [
                (TeamMetric::Caseload, load),
                (TeamMetric::AtOrBelowLow, indicator(load <= team.target.low)),
                (TeamMetric::AtOrBelowHigh, indicator(load <= team.target.high)),
                (TeamMetric::CapacityFte, s.capacity),
                (TeamMetric::OpenCases, self.team_open[t] as f64),
                (TeamMetric::EstablishmentFte, s.establishment),
                (TeamMetric::PermanentFte, s.permanent),
                (TeamMetric::AgencyFte, s.agency),
                (TeamMetric::VacancyFte, (s.establishment - s.post_holding).max(0.0)),
                (TeamMetric::SpanOfControl, team_span),
                (TeamMetric::WithinSpan, target.map_or(0.0, |x| indicator(team_span <= x))),
            ];
            for (m, value) in values {
                if let Some(i) = layout.team_index(t, m) {
                    row[i] = value;
                }
            }
        }
        for (r, s) in self.role_sums.iter().enumerate() {
            let values = [
                (RoleMetric::EstablishmentFte, s.establishment),
                (RoleMetric::PermanentFte, s.permanent),
                (RoleMetric::AgencyFte, s.agency),
                (RoleMetric::VacancyFte, (s.establishment - s.post_holding).max(0.0)),
                (RoleMetric::StartersFte, s.starters),
                (RoleMetric::LeaversFte, s.leavers),
                (RoleMetric::CapacityFte, s.capacity),
                (RoleMetric::CostPermanent, s.cost_permanent),
                (RoleMetric::CostAgency, s.cost_agency),
                (RoleMetric::CostPayments, s.cost_payments),
            ];
            for (m, value) in values {
                if let Some(i) = layout.role_index(r, m) {
                    row[i] = value;
                }
            }
        }
    }
}
