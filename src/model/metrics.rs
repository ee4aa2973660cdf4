//! The metrics recorded for every run and month: their names (a contract
//! with users' spreadsheets, INTERFACE.md) and where each sits in a record.

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

/// Where each metric sits in a month's record, for a scenario's case states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    states: Vec<String>,
}

impl Layout {
    pub fn new(states: Vec<String>) -> Self {
        Layout { states }
    }

    /// Values per month.
    pub fn width(&self) -> usize {
        Metric::ALL.len() + self.states.len()
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
        out
    }

    /// Whether the metric at `index` is a cost.
    pub fn is_cost(&self, index: usize) -> bool {
        Metric::ALL.iter().any(|m| m.is_cost() && self.index(*m) == index)
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
}
