//! One run of a scenario with teams and roles: a pool per (team, role),
//! each running MODEL.md's workforce steps (1 to 6) with its own
//! parameters and streams, around the council's demand and cases (steps 7
//! and 8), with capacity, caseload and pressure per team (steps 9 and 10),
//! costs per pool (step 11) and the council's record with each team's and
//! role's metrics (step 12). docs/model.md, section 15, is the design.
//!
//! Pure, as `step.rs`: the same (scenario, seed, run) gives the same record.

use super::metrics::{Layout, RoleMetric, TeamMetric};
use super::params::*;
use super::step::{
    Census, Flows, MonthEnd, Prepared, RunTotals, Simulation, Spend, Workspace, caseload, indicator, ratio,
};

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

/// What the council needs of each pool every month, looked up once.
#[derive(Debug, Clone, Copy)]
struct PoolFacts {
    team: usize,
    role: usize,
    caseload_share: f64,
    social_worker: bool,
    manager: bool,
}

/// What every run of a scenario with teams and roles needs of its
/// organisation, worked out once (by [`Prepared::new`]).
#[derive(Debug, Clone)]
pub struct PreparedOrganisation {
    facts: Vec<PoolFacts>,
    /// Where each team's and each role's metrics go in a row (`None`: not
    /// recorded), in the order of `TeamMetric::ALL` and `RoleMetric::ALL`.
    team_indices: Vec<[Option<usize>; TeamMetric::ALL.len()]>,
    role_indices: Vec<[Option<usize>; RoleMetric::ALL.len()]>,
    span_index: Option<usize>,
    within_span_index: Option<usize>,
    /// For each of the case states' `next` moves, state by state in order,
    /// the teams holding its from and to states.
    moves: Vec<(usize, usize)>,
    /// The team holding each case state.
    state_team: Vec<usize>,
}

impl PreparedOrganisation {
    /// `org`'s pools, teams and roles against the scenario's case states
    /// and the records' layout.
    pub fn new(org: &Organisation, cases: &[CaseState], layout: &Layout) -> PreparedOrganisation {
        let social_worker = org.social_worker();
        let facts = org
            .pools
            .iter()
            .map(|p| PoolFacts {
                team: p.team,
                role: p.role,
                caseload_share: org.roles[p.role].caseload_share,
                social_worker: Some(p.role) == social_worker,
                manager: org.roles[p.role].manager,
            })
            .collect();
        let team_indices = (0..org.teams.len())
            .map(|t| TeamMetric::ALL.map(|m| layout.team_index(t, m)))
            .collect();
        let role_indices = (0..org.roles.len())
            .map(|r| RoleMetric::ALL.map(|m| layout.role_index(r, m)))
            .collect();
        let mut state_team = vec![0; cases.len()];
        for (t, team) in org.teams.iter().enumerate() {
            for &i in &team.states {
                if let Some(slot) = state_team.get_mut(i) {
                    *slot = t;
                }
            }
        }
        let moves = cases
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.next.iter().map(move |(j, _)| (i, *j)))
            .map(|(i, j)| (state_team[i], state_team.get(j).copied().unwrap_or(0)))
            .collect();
        PreparedOrganisation {
            facts,
            team_indices,
            role_indices,
            span_index: layout.span_index(),
            within_span_index: layout.within_span_index(),
            moves,
            state_team,
        }
    }
}

/// A run in progress with teams and roles.
pub struct Council<'a> {
    org: &'a Organisation,
    organised: &'a PreparedOrganisation,
    /// The council's own simulation: demand, cases, the record and the
    /// run's totals (its workforce is not stepped).
    council: Simulation<'a>,
    pools: Vec<Simulation<'a>>,
    months: Vec<PoolMonth>,
    team_open: Vec<u64>,
    /// This month's cases by team: new, closed, moved in from another
    /// team, moved out to another team.
    team_cases: Vec<[u64; 4]>,
    team_capacity: Vec<f64>,
    team_sums: Vec<Sums>,
    role_sums: Vec<Sums>,
    /// The first month each declared team's caseload reaches its own high
    /// target (empty when the teams are not declared).
    team_first_reach: Vec<Option<u32>>,
}

impl<'a> Council<'a> {
    /// `council` is the scenario's own prepared simulation, `pools` one per
    /// pool of `org`, in its order, and `organised` what every run needs of
    /// `org`.
    /// `workspace` lends each pool's buffers (index 0 the council's own,
    /// then the pools in order); [`Council::give_back`] returns them.
    pub fn new(
        council: &Prepared<'a>,
        pools: &[Prepared<'a>],
        org: &'a Organisation,
        organised: &'a PreparedOrganisation,
        seed: u64,
        run: u64,
        workspace: &mut Workspace,
    ) -> Self {
        let pool_sims: Vec<Simulation<'a>> = pools
            .iter()
            .zip(&org.pools)
            .enumerate()
            .map(|(i, (prepared, pool))| {
                Simulation::for_pool(prepared, seed, run, pool.stream_key, workspace.take(i + 1))
            })
            .collect();
        let mut sim = Council {
            org,
            organised,
            council: Simulation::for_pool(council, seed, run, 0, workspace.take(0)),
            months: pool_sims.iter().map(|_| PoolMonth::default()).collect(),
            pools: pool_sims,
            team_open: vec![0; org.teams.len()],
            team_cases: vec![[0; 4]; org.teams.len()],
            team_capacity: vec![0.0; org.teams.len()],
            team_sums: vec![Sums::default(); org.teams.len()],
            role_sums: vec![Sums::default(); org.roles.len()],
            team_first_reach: if org.teams_declared {
                vec![None; org.teams.len()]
            } else {
                Vec::new()
            },
        };
        // The pressure of month 0 comes from each team's initial caseload.
        for ((pool, month), facts) in sim.pools.iter().zip(&mut sim.months).zip(&organised.facts) {
            month.capacity = pool.capacity(&pool.census(0)) * facts.caseload_share;
        }
        sim.feed_back();
        sim
    }

    /// The run's totals so far.
    pub fn totals(&self) -> RunTotals {
        RunTotals {
            teams_first_reach_high: self.team_first_reach.clone(),
            ..self.council.totals()
        }
    }

    /// Gives the run's buffers to `workspace` for the next run.
    pub fn give_back(self, workspace: &mut Workspace) {
        workspace.give(0, self.council.into_spare());
        for (i, pool) in self.pools.into_iter().enumerate() {
            workspace.give(i + 1, pool.into_spare());
        }
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
        self.count_cases_by_team();
        // 9. Capacity by pool, weighted by the role's share of a caseload.
        for ((pool, month), facts) in self.pools.iter().zip(&mut self.months).zip(&self.organised.facts) {
            month.capacity = pool.capacity(&month.census) * facts.caseload_share;
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
        // Sums start at -0.0, the identity of addition, so that one pool's
        // values come through bit for bit (an empty sum is -0.0 too).
        let mut census = Census::empty();
        let mut spend = Spend {
            permanent: -0.0,
            agency: -0.0,
            payments_made: -0.0,
            clawback: -0.0,
            recruitment: -0.0,
            asye_grant: -0.0,
        };
        let mut establishment = -0.0;
        let mut capacity = -0.0;
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
        self.record_teams_and_roles(t, row);
    }

    /// Each team's open cases and caseload against its high target set
    /// the pressure multiplier of every pool in it.
    fn feed_back(&mut self) {
        let open = &self.council.state.open;
        for (team, sum) in self.org.teams.iter().zip(&mut self.team_open) {
            *sum = team.states.iter().map(|i| open[*i]).sum();
        }
        self.team_capacity.fill(-0.0);
        for (month, facts) in self.months.iter().zip(&self.organised.facts) {
            self.team_capacity[facts.team] += month.capacity;
        }
        for (pool, facts) in self.pools.iter_mut().zip(&self.organised.facts) {
            let load = caseload(self.team_open[facts.team], self.team_capacity[facts.team]);
            let high = self.org.teams[facts.team].target.high;
            pool.state.pressure = pool.pressure_against(high, load);
        }
    }

    /// This month's new, closed and moved cases by team, from the
    /// council's case flows by state.
    fn count_cases_by_team(&mut self) {
        let (entering, moved, closed) = self.council.case_flows();
        self.team_cases.fill([0; 4]);
        for (i, &team) in self.organised.state_team.iter().enumerate() {
            self.team_cases[team][0] += entering.get(i).copied().unwrap_or(0);
            self.team_cases[team][1] += closed.get(i).copied().unwrap_or(0);
        }
        for (&(from, to), &n) in self.organised.moves.iter().zip(moved) {
            if from != to {
                self.team_cases[to][2] += n;
                self.team_cases[from][3] += n;
            }
        }
    }

    /// Each team's and role's sums over its pools.
    fn sum_teams_and_roles(&mut self) {
        self.team_sums.fill(Sums::default());
        self.role_sums.fill(Sums::default());
        for (month, facts) in self.months.iter().zip(&self.organised.facts) {
            let c = &month.census;
            let in_post = c.permanent + c.covering;
            for sums in [&mut self.team_sums[facts.team], &mut self.role_sums[facts.role]] {
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
                if facts.social_worker {
                    sums.social_workers += in_post;
                }
                if facts.manager {
                    sums.managers += in_post;
                }
            }
        }
    }

    fn record_teams_and_roles(&mut self, t: u32, row: &mut [f64]) {
        self.sum_teams_and_roles();
        let target = self.org.span_of_control;
        let (social_workers, managers) = self
            .team_sums
            .iter()
            .fold((0.0, 0.0), |(w, m), s| (w + s.social_workers, m + s.managers));
        let span = ratio(social_workers, managers);
        if let Some(i) = self.organised.span_index {
            row[i] = span;
        }
        if let (Some(i), Some(target)) = (self.organised.within_span_index, target) {
            row[i] = indicator(span <= target);
        }
        for (i, (team, s)) in self.org.teams.iter().zip(&self.team_sums).enumerate() {
            let load = caseload(self.team_open[i], s.capacity);
            if let Some(reach @ None) = self.team_first_reach.get_mut(i)
                && load >= team.target.high
            {
                *reach = Some(t);
            }
            let team_span = ratio(s.social_workers, s.managers);
            // In the order of TeamMetric::ALL.
            let values = [
                load,
                indicator(load <= team.target.low),
                indicator(load <= team.target.high),
                s.capacity,
                self.team_open[i] as f64,
                self.team_cases[i][0] as f64,
                self.team_cases[i][1] as f64,
                self.team_cases[i][2] as f64,
                self.team_cases[i][3] as f64,
                s.establishment,
                s.permanent,
                s.agency,
                (s.establishment - s.post_holding).max(0.0),
                team_span,
                target.map_or(0.0, |x| indicator(team_span <= x)),
            ];
            for (index, value) in self.organised.team_indices[i].iter().zip(values) {
                if let Some(i) = index {
                    row[*i] = value;
                }
            }
        }
        for (r, s) in self.role_sums.iter().enumerate() {
            // In the order of RoleMetric::ALL.
            let values = [
                s.establishment,
                s.permanent,
                s.agency,
                (s.establishment - s.post_holding).max(0.0),
                s.starters,
                s.leavers,
                s.capacity,
                s.cost_permanent,
                s.cost_agency,
                s.cost_payments,
            ];
            for (index, value) in self.organised.role_indices[r].iter().zip(values) {
                if let Some(i) = index {
                    row[*i] = value;
                }
            }
        }
    }
}
