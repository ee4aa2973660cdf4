//! Every uncertain parameter of the scenario format, declared once.
//!
//! A [`Parameter`] is the typed identity of one value that a scenario may
//! give as a distribution (INTERFACE.md's "(U)" keys). From it come its key
//! path (which also keys its random stream, so the sampler cannot drift from
//! the file format), its words for people, its unit, and whether
//! `--break-even` may sweep it. [`Scenario::parameters`] is the one place
//! that finds each parameter's value in a checked scenario; sampling
//! (`sample.rs`), the report's assumptions table and the sweep list all come
//! from these two.

use super::params::{AgencyMode, SOCIAL_WORKER, Scenario, Uncertain};
use crate::text::{capital, key_words, mid_sentence, ordinal, role_people, team_name};

/// One uncertain parameter. Parameters that repeat (leaving bands, demand
/// shocks, case states) carry their index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Parameter {
    CaseHoldingShare,
    /// Annual leaving rate in completed year of service `i` (0-based).
    LeavingBand(usize),
    LongAbsenceAnnualRate,
    LongAbsenceMeanMonths,
    PressureSensitivity,
    ApplicantsPerMonth,
    AsyeIntakePerYear,
    AsyeAnnualLeaving,
    AgencyFillProb,
    AgencyMeanTenureMonths,
    AgencyAnnualConversionRate,
    /// With `agency.mode = "level"`: how far agency follows unfilled posts.
    AgencyVacancyLink,
    ReferralsPerMonth,
    AnnualGrowth,
    /// The multiplier of demand shock `i`.
    ShockMultiplier(usize),
    /// The mean months a case spends in case state `i`.
    CaseMeanMonths(usize),
    BonusApplicantMultiplier,
    RetentionLeavingMultiplier,
    SupplementApplicantMultiplier,
    SupplementLeavingMultiplier,
    /// Drift's sigma for leaving, applicants, referrals and the agency level.
    DriftLeaving,
    DriftApplicants,
    DriftReferrals,
    DriftAgency,
}

/// How a parameter's values read in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// A share or a rate: `22%`.
    Percent,
    /// A plain number: `1.5`.
    Plain,
    /// A multiplier: `×1.2`.
    Times,
}

/// A parameter in words: what it is, how its values read, and what a
/// value is per (`a year`, `months`, or nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    pub words: String,
    pub reads: Reads,
    pub per: &'static str,
}

/// The key path of the leaving bands as a whole: it keys the one stream
/// from which a run draws its shared quantile when the bands move together.
pub const LEAVING_BANDS: &str = "workforce.annual_leaving_by_service_year";

/// The parameters whose key names are fixed (the rest carry an index).
const SINGLE: [(Parameter, &str); 21] = [
    (Parameter::CaseHoldingShare, "workforce.case_holding_share"),
    (Parameter::LongAbsenceAnnualRate, "workforce.long_absence_annual_rate"),
    (Parameter::LongAbsenceMeanMonths, "workforce.long_absence_mean_months"),
    (Parameter::PressureSensitivity, "workforce.pressure_sensitivity"),
    (Parameter::ApplicantsPerMonth, "recruitment.applicants_per_month"),
    (Parameter::AsyeIntakePerYear, "asye.intake_per_year"),
    (Parameter::AsyeAnnualLeaving, "asye.annual_leaving"),
    (Parameter::AgencyFillProb, "agency.fill_prob"),
    (Parameter::AgencyMeanTenureMonths, "agency.mean_tenure_months"),
    (Parameter::AgencyAnnualConversionRate, "agency.annual_conversion_rate"),
    (Parameter::AgencyVacancyLink, "agency.vacancy_link"),
    (Parameter::ReferralsPerMonth, "demand.referrals_per_month"),
    (Parameter::AnnualGrowth, "demand.annual_growth"),
    (
        Parameter::BonusApplicantMultiplier,
        "payments.recruitment_bonus.applicant_multiplier",
    ),
    (
        Parameter::RetentionLeavingMultiplier,
        "payments.retention.leaving_multiplier",
    ),
    (
        Parameter::SupplementApplicantMultiplier,
        "payments.market_supplement.applicant_multiplier",
    ),
    (
        Parameter::SupplementLeavingMultiplier,
        "payments.market_supplement.leaving_multiplier",
    ),
    (Parameter::DriftLeaving, "drift.leaving"),
    (Parameter::DriftApplicants, "drift.applicants"),
    (Parameter::DriftReferrals, "drift.referrals"),
    (Parameter::DriftAgency, "drift.agency"),
];

impl Parameter {
    /// The parameters `--break-even` may sweep: the payments' assumed
    /// effects, the values nobody has measured.
    pub const SWEEPABLE: [Parameter; 4] = [
        Parameter::BonusApplicantMultiplier,
        Parameter::RetentionLeavingMultiplier,
        Parameter::SupplementApplicantMultiplier,
        Parameter::SupplementLeavingMultiplier,
    ];

    /// The key path in a scenario file (case states are named by `s`). It
    /// also keys the parameter's random stream.
    pub fn key(self, s: &Scenario) -> String {
        match self {
            Parameter::LeavingBand(i) => format!("{LEAVING_BANDS}[{i}]"),
            Parameter::ShockMultiplier(i) => format!("demand.shocks[{i}].multiplier"),
            Parameter::CaseMeanMonths(i) => {
                let name = s.cases.get(i).map_or("?", |c| c.name.as_str());
                format!("cases.{name}.mean_months")
            }
            single => SINGLE
                .iter()
                .find(|(p, _)| *p == single)
                .map_or_else(String::new, |(_, key)| (*key).to_string()),
        }
    }

    /// The key path of a parameter that carries no index.
    pub fn fixed_key(self) -> Option<&'static str> {
        SINGLE.iter().find(|(p, _)| *p == self).map(|(_, key)| *key)
    }

    /// The parameter with fixed key path `key`, if any (indexed parameters
    /// are not named this way).
    pub fn from_key(key: &str) -> Option<Parameter> {
        SINGLE.iter().find(|(_, k)| *k == key).map(|(p, _)| *p)
    }

    /// Whether `--break-even` may sweep it.
    pub fn is_sweepable(self) -> bool {
        Parameter::SWEEPABLE.contains(&self)
    }

    /// What it is, in words a councillor reads, how its values read and
    /// what they are per.
    pub fn describe(self, s: &Scenario) -> Description {
        let d = |words: &str, reads: Reads, per: &'static str| Description {
            words: words.to_string(),
            reads,
            per,
        };
        match self {
            Parameter::CaseHoldingShare => d("Share of FTE holding cases", Reads::Percent, ""),
            Parameter::LeavingBand(i) => {
                // The last rate applies to every later year of service too.
                let later = if i + 1 == s.workforce.annual_leaving_by_service_year.len() {
                    " and later"
                } else {
                    ""
                };
                d(
                    &format!(
                        "Permanent staff leaving in their {} year of service{later}",
                        ordinal(i + 1)
                    ),
                    Reads::Percent,
                    "a year",
                )
            }
            Parameter::LongAbsenceAnnualRate => d(
                "Staff starting a long absence (maternity, long-term sickness, secondment)",
                Reads::Percent,
                "a year",
            ),
            Parameter::LongAbsenceMeanMonths => d("Length of a long absence, on average", Reads::Plain, "months"),
            Parameter::PressureSensitivity => d(
                "How much caseloads over the target raise leaving (at 0.5, a caseload 10% over raises leaving by 5%)",
                Reads::Plain,
                "",
            ),
            Parameter::ApplicantsPerMonth => d(
                "Experienced social workers accepting offers while posts are vacant",
                Reads::Plain,
                "a month",
            ),
            Parameter::AsyeIntakePerYear => d("Newly qualified social workers (ASYEs) joining", Reads::Plain, "a year"),
            Parameter::AsyeAnnualLeaving => d("ASYEs leaving during their first year", Reads::Percent, "a year"),
            Parameter::AgencyFillProb => d("Chance a missing agency worker is found", Reads::Percent, "a month"),
            Parameter::AgencyMeanTenureMonths => d("Time an agency worker stays, on average", Reads::Plain, "months"),
            Parameter::AgencyAnnualConversionRate => {
                d("Agency workers taking a permanent post", Reads::Percent, "a year")
            }
            Parameter::AgencyVacancyLink => d(
                "Share of a change in unfilled posts that agency use follows",
                Reads::Percent,
                "",
            ),
            Parameter::ReferralsPerMonth => d("Referrals", Reads::Plain, "a month"),
            Parameter::AnnualGrowth => d("Growth in referrals", Reads::Percent, "a year"),
            Parameter::ShockMultiplier(i) => d(
                &format!("Referrals during the {} temporary change in demand", ordinal(i + 1)),
                Reads::Times,
                "",
            ),
            Parameter::CaseMeanMonths(i) => {
                let name = key_words(s.cases.get(i).map_or("?", |c| c.name.as_str()));
                d(
                    &format!("Time a case stays in {name}, on average"),
                    Reads::Plain,
                    "months",
                )
            }
            Parameter::BonusApplicantMultiplier => d("Recruitment bonus: experienced applicants", Reads::Times, ""),
            Parameter::RetentionLeavingMultiplier => d("Retention payment: leaving", Reads::Times, ""),
            Parameter::SupplementApplicantMultiplier => {
                d("Market supplement: experienced applicants", Reads::Times, "")
            }
            Parameter::SupplementLeavingMultiplier => d("Market supplement: leaving", Reads::Times, ""),
            // Sigma reads as the typical change of the multiplier over a year.
            Parameter::DriftLeaving => d(
                "How far leaving rates wander from year to year",
                Reads::Percent,
                "a year",
            ),
            Parameter::DriftApplicants => d(
                "How far the number of experienced hires wanders from year to year",
                Reads::Percent,
                "a year",
            ),
            Parameter::DriftReferrals => d("How far referrals wander from year to year", Reads::Percent, "a year"),
            Parameter::DriftAgency => d(
                "How far the level of agency staff wanders from year to year",
                Reads::Percent,
                "a year",
            ),
        }
    }
}

/// Where a team's or a role's own value of a parameter is written: under
/// `roles.<role>.` (`team` None) or `teams.<team>.roles.<role>.` (indices
/// into the organisation's teams and roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Scope {
    pub team: Option<usize>,
    pub role: usize,
}

impl Scope {
    /// The key path's start: `roles.team_manager.` or
    /// `teams.front_door.roles.social_worker.`.
    pub fn prefix(self, s: &Scenario) -> String {
        let Some(org) = &s.organisation else {
            return String::new();
        };
        let role = org.roles.get(self.role).map_or("?", |r| r.name.as_str());
        match self.team {
            None => format!("roles.{role}."),
            Some(t) => format!(
                "teams.{}.roles.{role}.",
                org.teams.get(t).map_or("?", |t| t.name.as_str())
            ),
        }
    }

    /// Whose value it is, in words: `Team managers`, `Front door team`
    /// (its social workers), `Front door team, team managers`.
    pub fn words(self, s: &Scenario) -> String {
        let Some(org) = &s.organisation else {
            return String::new();
        };
        let role = org.roles.get(self.role).map_or("?", |r| r.name.as_str());
        match self.team.and_then(|t| org.teams.get(t)) {
            None => capital(&role_people(role)),
            Some(team) if role == SOCIAL_WORKER => format!("{} team", team_name(&team.name)),
            Some(team) => format!("{} team, {}", team_name(&team.name), role_people(role)),
        }
    }
}

/// A team's or a role's own value of an uncertain parameter, different
/// from the council's: `[roles.team_manager]` with its own range of leaving
/// rates, or a team's own range of applicants a month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Own<'a> {
    pub parameter: Parameter,
    pub scope: Scope,
    pub uncertain: &'a Uncertain,
    /// The first pool (index into the organisation's pools) that runs with
    /// it; every pool of the scope draws the same value in a run.
    pub pool: usize,
}

impl Own<'_> {
    /// Its key path where it is written: `roles.team_manager.workforce.annual_leaving_by_service_year[0]`.
    pub fn key(&self, s: &Scenario) -> String {
        format!("{}{}", self.scope.prefix(s), self.parameter.key(s))
    }

    /// The parameter's words, said to be the team's or the role's:
    /// `Team managers: permanent staff leaving in their first year of service`.
    pub fn describe(&self, s: &Scenario) -> Description {
        let pool = s
            .organisation
            .as_ref()
            .and_then(|o| o.pools.get(self.pool))
            .map_or(s, |p| &p.scenario);
        let d = self.parameter.describe(pool);
        Description {
            words: format!("{}: {}", self.scope.words(s), mid_sentence(&d.words)),
            ..d
        }
    }
}

impl Scenario {
    /// Every team's and role's own uncertain parameter (a range different
    /// from the council's, written under `roles.<role>.` or
    /// `teams.<team>.roles.<role>.`), once each, the roles' first, then
    /// the teams', each in the order of [`Scenario::parameters`]. Empty
    /// without teams and roles.
    pub fn own_parameters(&self) -> Vec<Own<'_>> {
        let Some(org) = &self.organisation else {
            return Vec::new();
        };
        let mut out: Vec<Own> = Vec::new();
        for (i, pool) in org.pools.iter().enumerate() {
            let values = pool.scenario.parameters();
            for (parameter, scope) in &pool.own {
                if out.iter().any(|o| o.parameter == *parameter && o.scope == *scope) {
                    continue;
                }
                if let Some((_, u)) = values.iter().find(|(p, _)| p == parameter) {
                    out.push(Own {
                        parameter: *parameter,
                        scope: *scope,
                        uncertain: u,
                        pool: i,
                    });
                }
            }
        }
        out.sort_by_key(|o| (o.scope, o.parameter));
        out
    }

    /// Every uncertain parameter the scenario has, with its value, in a
    /// fixed order: the order in which a run samples them and the order of
    /// the report's assumptions table. The one place that knows where each
    /// parameter sits in a checked scenario.
    pub fn parameters(&self) -> Vec<(Parameter, &Uncertain)> {
        let mut out: Vec<(Parameter, &Uncertain)> = Vec::new();
        let w = &self.workforce;
        out.push((Parameter::CaseHoldingShare, &w.case_holding_share));
        for (i, band) in w.annual_leaving_by_service_year.iter().enumerate() {
            out.push((Parameter::LeavingBand(i), band));
        }
        out.push((Parameter::LongAbsenceAnnualRate, &w.long_absence_annual_rate));
        out.push((Parameter::LongAbsenceMeanMonths, &w.long_absence_mean_months));
        out.push((Parameter::PressureSensitivity, &w.pressure_sensitivity));
        if let Some(r) = &self.recruitment {
            out.push((Parameter::ApplicantsPerMonth, &r.applicants_per_month));
        }
        if let Some(a) = &self.asye {
            out.push((Parameter::AsyeIntakePerYear, &a.intake_per_year));
            if let Some(rate) = &a.annual_leaving {
                out.push((Parameter::AsyeAnnualLeaving, rate));
            }
        }
        if let Some(a) = &self.agency {
            out.push((Parameter::AgencyFillProb, &a.fill_prob));
            out.push((Parameter::AgencyMeanTenureMonths, &a.mean_tenure_months));
            out.push((Parameter::AgencyAnnualConversionRate, &a.annual_conversion_rate));
            if let AgencyMode::Level { vacancy_link } = &a.mode {
                out.push((Parameter::AgencyVacancyLink, vacancy_link));
            }
        }
        if let Some(d) = &self.drift {
            out.push((Parameter::DriftLeaving, &d.leaving));
            out.push((Parameter::DriftApplicants, &d.applicants));
            out.push((Parameter::DriftReferrals, &d.referrals));
            out.push((Parameter::DriftAgency, &d.agency));
        }
        let d = &self.demand;
        out.push((Parameter::ReferralsPerMonth, &d.referrals_per_month));
        out.push((Parameter::AnnualGrowth, &d.annual_growth));
        for (i, shock) in d.shocks.iter().enumerate() {
            out.push((Parameter::ShockMultiplier(i), &shock.multiplier));
        }
        for (i, case) in self.cases.iter().enumerate() {
            out.push((Parameter::CaseMeanMonths(i), &case.mean_months));
        }
        let p = &self.payments;
        if let Some(b) = &p.recruitment_bonus {
            out.push((Parameter::BonusApplicantMultiplier, &b.applicant_multiplier));
        }
        if let Some(r) = &p.retention {
            out.push((Parameter::RetentionLeavingMultiplier, &r.leaving_multiplier));
        }
        if let Some(m) = &p.market_supplement {
            out.push((Parameter::SupplementApplicantMultiplier, &m.applicant_multiplier));
            out.push((Parameter::SupplementLeavingMultiplier, &m.leaving_multiplier));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_keys_name_one_parameter_each_and_read_back() {
        for (p, key) in SINGLE {
            assert_eq!(Parameter::from_key(key), Some(p));
        }
        let mut keys: Vec<&str> = SINGLE.iter().map(|(_, k)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SINGLE.len());
    }
}
