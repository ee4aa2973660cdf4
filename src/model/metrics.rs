//! The metrics recorded for every run and month: their names (a contract
//! with users' spreadsheets, INTERFACE.md) and where each sits in a record.

use super::params::Scenario;

/// Metrics recorded once per month, in output order. `open_cases_<state>`
/// (one per case state) follows `open_cases`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    EstablishmentFte,
    PermanentFte,
    AsyeFte,
    AbsentFte,
    AgencyFte,
    ManagedTeamFte,
    VacancyFte,
    CapacityFte,
    Referrals,
    NewCases,
    ClosedCases,
    OpenCases,
    Caseload,
    AtOrBelowLow,
    AtOrBelowHigh,
    StartersFte,
    LeaversFte,
    AgencyStartersFte,
    AgencyLeaversFte,
    TurnoverRate,
    VacancyRate,
    AgencyRate,
    CostPermanent,
    CostAgency,
    CostPayments,
    ClawbackRecovered,
    CostRecruitment,
    AsyeGrantIncome,
    CostTotal,
    CostCumulative,
}

impl Metric {
    pub const ALL: [Metric; 30] = [
        Metric::EstablishmentFte,
        Metric::PermanentFte,
        Metric::AsyeFte,
        Metric::AbsentFte,
        Metric::AgencyFte,
        Metric::ManagedTeamFte,
        Metric::VacancyFte,
        Metric::CapacityFte,
        Metric::Referrals,
        Metric::NewCases,
        Metric::ClosedCases,
        Metric::OpenCases,
        Metric::Caseload,
        Metric::AtOrBelowLow,
        Metric::AtOrBelowHigh,
        Metric::StartersFte,
        Metric::LeaversFte,
        Metric::AgencyStartersFte,
        Metric::AgencyLeaversFte,
        Metric::TurnoverRate,
        Metric::VacancyRate,
        Metric::AgencyRate,
        Metric::CostPermanent,
        Metric::CostAgency,
        Metric::CostPayments,
        Metric::ClawbackRecovered,
        Metric::CostRecruitment,
        Metric::AsyeGrantIncome,
        Metric::CostTotal,
        Metric::CostCumulative,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::EstablishmentFte => "establishment_fte",
            Metric::PermanentFte => "permanent_fte",
            Metric::AsyeFte => "asye_fte",
            Metric::AbsentFte => "absent_fte",
            Metric::AgencyFte => "agency_fte",
            Metric::ManagedTeamFte => "managed_team_fte",
            Metric::VacancyFte => "vacancy_fte",
            Metric::CapacityFte => "capacity_fte",
            Metric::Referrals => "referrals",
            Metric::NewCases => "new_cases",
            Metric::ClosedCases => "closed_cases",
            Metric::OpenCases => "open_cases",
            Metric::Caseload => "caseload",
            Metric::AtOrBelowLow => "at_or_below_low",
            Metric::AtOrBelowHigh => "at_or_below_high",
            Metric::StartersFte => "starters_fte",
            Metric::LeaversFte => "leavers_fte",
            Metric::AgencyStartersFte => "agency_starters_fte",
            Metric::AgencyLeaversFte => "agency_leavers_fte",
            Metric::TurnoverRate => "turnover_rate",
            Metric::VacancyRate => "vacancy_rate",
            Metric::AgencyRate => "agency_rate",
            Metric::CostPermanent => "cost_permanent",
            Metric::CostAgency => "cost_agency",
            Metric::CostPayments => "cost_payments",
            Metric::ClawbackRecovered => "clawback_recovered",
            Metric::CostRecruitment => "cost_recruitment",
            Metric::AsyeGrantIncome => "asye_grant_income",
            Metric::CostTotal => "cost_total",
            Metric::CostCumulative => "cost_cumulative",
        }
    }

    /// Whether the metric is money (costs change these and nothing else).
    pub fn is_cost(self) -> bool {
        self.name().starts_with("cost_") || matches!(self, Metric::ClawbackRecovered | Metric::AsyeGrantIncome)
    }

    fn position(self) -> usize {
        self as usize
    }
}

/// Metrics recorded per team (`<name>_<team>`), in each team's block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamMetric {
    Caseload,
    AtOrBelowLow,
    AtOrBelowHigh,
    CapacityFte,
    OpenCases,
    /// Referrals starting a case in one of the team's states this month.
    NewCases,
    /// Cases closing from one of the team's states this month.
    ClosedCases,
    /// Cases moved this month from another team's state into one of the
    /// team's, and out of the team's states into another team's.
    TransfersIn,
    TransfersOut,
    EstablishmentFte,
    PermanentFte,
    AgencyFte,
    VacancyFte,
    SpanOfControl,
    /// Only with a span of control target.
    WithinSpan,
}

impl TeamMetric {
    pub const ALL: [TeamMetric; 15] = [
        TeamMetric::Caseload,
        TeamMetric::AtOrBelowLow,
        TeamMetric::AtOrBelowHigh,
        TeamMetric::CapacityFte,
        TeamMetric::OpenCases,
        TeamMetric::NewCases,
        TeamMetric::ClosedCases,
        TeamMetric::TransfersIn,
        TeamMetric::TransfersOut,
        TeamMetric::EstablishmentFte,
        TeamMetric::PermanentFte,
        TeamMetric::AgencyFte,
        TeamMetric::VacancyFte,
        TeamMetric::SpanOfControl,
        TeamMetric::WithinSpan,
    ];

    /// The name before `_<team>`.
    pub fn name(self) -> &'static str {
        match self {
            TeamMetric::Caseload => "caseload",
            TeamMetric::AtOrBelowLow => "at_or_below_low",
            TeamMetric::AtOrBelowHigh => "at_or_below_high",
            TeamMetric::CapacityFte => "capacity_fte",
            TeamMetric::OpenCases => "cases",
            TeamMetric::NewCases => "new_cases",
            TeamMetric::ClosedCases => "closed_cases",
            TeamMetric::TransfersIn => "transfers_in",
            TeamMetric::TransfersOut => "transfers_out",
            TeamMetric::EstablishmentFte => "establishment_fte",
            TeamMetric::PermanentFte => "permanent_fte",
            TeamMetric::AgencyFte => "agency_fte",
            TeamMetric::VacancyFte => "vacancy_fte",
            TeamMetric::SpanOfControl => "span_of_control",
            TeamMetric::WithinSpan => "within_span",
        }
    }
}

/// Metrics recorded per role (`<name>_<role>`), in each role's block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleMetric {
    EstablishmentFte,
    PermanentFte,
    AgencyFte,
    VacancyFte,
    StartersFte,
    LeaversFte,
    CapacityFte,
    CostPermanent,
    CostAgency,
    CostPayments,
}

impl RoleMetric {
    pub const ALL: [RoleMetric; 10] = [
        RoleMetric::EstablishmentFte,
        RoleMetric::PermanentFte,
        RoleMetric::AgencyFte,
        RoleMetric::VacancyFte,
        RoleMetric::StartersFte,
        RoleMetric::LeaversFte,
        RoleMetric::CapacityFte,
        RoleMetric::CostPermanent,
        RoleMetric::CostAgency,
        RoleMetric::CostPayments,
    ];

    /// The name before `_<role>`.
    pub fn name(self) -> &'static str {
        match self {
            RoleMetric::EstablishmentFte => "establishment_fte",
            RoleMetric::PermanentFte => "permanent_fte",
            RoleMetric::AgencyFte => "agency_fte",
            RoleMetric::VacancyFte => "vacancy_fte",
            RoleMetric::StartersFte => "starters_fte",
            RoleMetric::LeaversFte => "leavers_fte",
            RoleMetric::CapacityFte => "capacity_fte",
            RoleMetric::CostPermanent => "cost_permanent",
            RoleMetric::CostAgency => "cost_agency",
            RoleMetric::CostPayments => "cost_payments",
        }
    }

    pub fn is_cost(self) -> bool {
        self.name().starts_with("cost_")
    }
}

/// The council's span of control metrics, after the one-pool metrics.
pub const SPAN_OF_CONTROL: &str = "span_of_control";
pub const WITHIN_SPAN: &str = "within_span";

/// Where each metric sits in a month's record, for a scenario's case states
/// and, with teams and roles, its teams and roles: the one-pool metrics
/// (with `open_cases_<state>`), then `span_of_control` (and `within_span`
/// with a target), then a block per declared team, then a block per role.
/// Without teams and roles the record is exactly the one-pool model's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    states: Vec<String>,
    organisation: Option<Organised>,
}

/// The per-team and per-role part of a layout.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Organised {
    /// Declared teams only: one implicit team would repeat the council.
    teams: Vec<String>,
    roles: Vec<String>,
    within_span: bool,
}

impl Layout {
    pub fn new(states: Vec<String>) -> Self {
        Layout {
            states,
            organisation: None,
        }
    }

    /// The layout of a scenario's records.
    pub fn of(s: &Scenario) -> Self {
        let mut layout = Layout::new(s.cases.iter().map(|c| c.name.clone()).collect());
        layout.organisation = s.organisation.as_ref().map(|o| Organised {
            teams: if o.teams_declared {
                o.teams.iter().map(|t| t.name.clone()).collect()
            } else {
                Vec::new()
            },
            roles: o.roles.iter().map(|r| r.name.clone()).collect(),
            within_span: o.span_of_control.is_some(),
        });
        layout
    }

    /// Values per month.
    pub fn width(&self) -> usize {
        let base = Metric::ALL.len() + self.states.len();
        match &self.organisation {
            None => base,
            Some(o) => self.roles_start(o) + o.roles.len() * RoleMetric::ALL.len(),
        }
    }

    fn base_width(&self) -> usize {
        Metric::ALL.len() + self.states.len()
    }

    fn team_width(o: &Organised) -> usize {
        TeamMetric::ALL.len() - usize::from(!o.within_span)
    }

    fn teams_start(&self, o: &Organised) -> usize {
        self.base_width() + 1 + usize::from(o.within_span)
    }

    fn roles_start(&self, o: &Organised) -> usize {
        self.teams_start(o) + o.teams.len() * Self::team_width(o)
    }

    /// Index of the council's `span_of_control`, with teams and roles.
    pub fn span_index(&self) -> Option<usize> {
        self.organisation.as_ref().map(|_| self.base_width())
    }

    /// Index of the council's `within_span`, with a span target.
    pub fn within_span_index(&self) -> Option<usize> {
        self.organisation
            .as_ref()
            .filter(|o| o.within_span)
            .map(|_| self.base_width() + 1)
    }

    /// Index of team `team`'s metric (`None` without declared teams, or
    /// `within_span` without a target).
    pub fn team_index(&self, team: usize, m: TeamMetric) -> Option<usize> {
        let o = self.organisation.as_ref()?;
        if team >= o.teams.len() || (m == TeamMetric::WithinSpan && !o.within_span) {
            return None;
        }
        Some(self.teams_start(o) + team * Self::team_width(o) + m as usize)
    }

    /// Index of role `role`'s metric.
    pub fn role_index(&self, role: usize, m: RoleMetric) -> Option<usize> {
        let o = self.organisation.as_ref()?;
        (role < o.roles.len()).then(|| self.roles_start(o) + role * RoleMetric::ALL.len() + m as usize)
    }

    pub fn index(&self, m: Metric) -> usize {
        let p = m.position();
        if p > Metric::OpenCases.position() {
            p + self.states.len()
        } else {
            p
        }
    }

    /// Index of `open_cases_<state>` for state `i`.
    pub fn state_index(&self, i: usize) -> usize {
        Metric::OpenCases.position() + 1 + i
    }

    /// Every metric name in record order.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.width());
        for m in Metric::ALL {
            out.push(m.name().to_string());
            if m == Metric::OpenCases {
                out.extend(self.states.iter().map(|s| format!("open_cases_{s}")));
            }
        }
        if let Some(o) = &self.organisation {
            out.push(SPAN_OF_CONTROL.to_string());
            if o.within_span {
                out.push(WITHIN_SPAN.to_string());
            }
            for team in &o.teams {
                for m in TeamMetric::ALL {
                    if m != TeamMetric::WithinSpan || o.within_span {
                        out.push(format!("{}_{team}", m.name()));
                    }
                }
            }
            for role in &o.roles {
                out.extend(RoleMetric::ALL.iter().map(|m| format!("{}_{role}", m.name())));
            }
        }
        out
    }

    /// Whether the metric at `index` is a cost.
    pub fn is_cost(&self, index: usize) -> bool {
        if let Some(o) = &self.organisation
            && index >= self.roles_start(o)
        {
            return RoleMetric::ALL[(index - self.roles_start(o)) % RoleMetric::ALL.len()].is_cost();
        }
        Metric::ALL.iter().any(|m| m.is_cost() && self.index(*m) == index)
    }

    /// The declared teams' names, in record order (none without teams).
    pub fn teams(&self) -> &[String] {
        self.organisation.as_ref().map_or(&[], |o| &o.teams)
    }

    /// The roles' names, in record order (none without teams and roles).
    pub fn roles(&self) -> &[String] {
        self.organisation.as_ref().map_or(&[], |o| &o.roles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_open_cases_and_indices_match_names() {
        let layout = Layout::new(vec!["assessment".into(), "cin".into()]);
        let names = layout.names();
        assert_eq!(names.len(), layout.width());
        assert_eq!(names[layout.state_index(1)], "open_cases_cin");
        for m in Metric::ALL {
            assert_eq!(names[layout.index(m)], m.name());
        }
    }

    #[test]
    fn team_and_role_blocks_follow_the_one_pool_metrics_and_indices_match_names() {
        for within_span in [false, true] {
            let layout = Layout {
                states: vec!["assessment".into(), "cin".into()],
                organisation: Some(Organised {
                    teams: vec!["front_door".into(), "care".into()],
                    roles: vec!["social_worker".into(), "team_manager".into()],
                    within_span,
                }),
            };
            let names = layout.names();
            assert_eq!(names.len(), layout.width());
            let one_pool = Layout::new(vec!["assessment".into(), "cin".into()]);
            assert_eq!(names[..one_pool.width()], one_pool.names()[..]);
            assert_eq!(layout.span_index().map(|i| names[i].as_str()), Some(SPAN_OF_CONTROL));
            assert_eq!(
                layout.within_span_index().map(|i| names[i].as_str()),
                within_span.then_some(WITHIN_SPAN)
            );
            for (t, team) in ["front_door", "care"].iter().enumerate() {
                for m in TeamMetric::ALL {
                    match layout.team_index(t, m) {
                        Some(i) => assert_eq!(names[i], format!("{}_{team}", m.name())),
                        None => assert!(m == TeamMetric::WithinSpan && !within_span),
                    }
                }
            }
            for (r, role) in ["social_worker", "team_manager"].iter().enumerate() {
                for m in RoleMetric::ALL {
                    let i = layout.role_index(r, m).unwrap();
                    assert_eq!(names[i], format!("{}_{role}", m.name()));
                    assert_eq!(layout.is_cost(i), m.is_cost());
                }
            }
            let costs: Vec<&String> = names
                .iter()
                .enumerate()
                .filter(|(i, _)| layout.is_cost(*i))
                .map(|(_, n)| n)
                .collect();
            assert!(
                costs
                    .iter()
                    .all(|n| n.starts_with("cost_") || *n == "clawback_recovered" || *n == "asye_grant_income")
            );
        }
    }
}
