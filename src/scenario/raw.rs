//! The scenario file as written: serde types that mirror INTERFACE.md.
//!
//! Every leaf is optional and numbers are read as plain `f64` so that
//! `scenario::resolve` can report missing keys, fractions where a whole
//! number is meant, non-finite numbers and out-of-range values all at once,
//! with the file's own key paths. Serde itself rejects only what cannot be
//! read at all: unknown keys (`deny_unknown_fields`) and wrong types.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    pub extends: Option<String>,
    pub start: Option<String>,
    pub months: Option<Number>,
    pub target: Option<RawTarget>,
    pub workforce: Option<RawWorkforce>,
    pub recruitment: Option<RawRecruitment>,
    pub asye: Option<RawAsye>,
    pub agency: Option<RawAgency>,
    pub drift: Option<RawDrift>,
    pub demand: Option<RawDemand>,
    pub cases: Option<Vec<RawCase>>,
    pub costs: Option<RawCosts>,
    pub payments: Option<RawPayments>,
    pub history: Option<Vec<RawHistoryPoint>>,
    /// Roles by name: what differs from the social worker role (the
    /// top-level sections).
    pub roles: Option<BTreeMap<String, RawRole>>,
    /// Teams by name: their case states, target and people by role.
    pub teams: Option<BTreeMap<String, RawTeam>>,
}

/// A role: its share of a full caseload, whether it manages social
/// workers, and the sections' keys that differ from the top-level ones.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub caseload_share: Option<Number>,
    pub manager: Option<bool>,
    pub workforce: Option<RawWorkforce>,
    pub recruitment: Option<RawRecruitment>,
    pub asye: Option<RawAsye>,
    pub agency: Option<RawAgency>,
    pub costs: Option<RawCosts>,
}

/// A team: the case states it holds, its own target band, and its people
/// by role.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTeam {
    pub states: Option<Vec<String>>,
    pub target: Option<RawTeamTarget>,
    pub roles: Option<BTreeMap<String, RawPoolSections>>,
}

/// A team's own caseload target band.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTeamTarget {
    pub low: Option<Number>,
    pub high: Option<Number>,
}

/// One role in one team: the sections' keys that differ from the role's,
/// with the team's own posts, people and agency.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoolSections {
    pub workforce: Option<RawWorkforce>,
    pub recruitment: Option<RawRecruitment>,
    pub asye: Option<RawAsye>,
    pub agency: Option<RawAgency>,
    pub costs: Option<RawCosts>,
}

/// A dated actual value, for charts and reports to set beside the
/// projection; the model does not use it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistoryPoint {
    pub date: Option<String>,
    pub in_post_fte: Option<Number>,
    pub agency_fte: Option<Number>,
    pub vacancy_fte: Option<Number>,
    pub open_cases: Option<Number>,
    pub caseload: Option<Number>,
    pub turnover_rate: Option<Number>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub low: Option<Number>,
    pub high: Option<Number>,
    pub span_of_control: Option<Number>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkforce {
    pub establishment_fte: Option<Number>,
    pub establishment_changes: Option<Vec<RawEstablishmentChange>>,
    pub permanent_fte: Option<Number>,
    pub asye_fte: Option<Number>,
    pub absent_fte: Option<Number>,
    pub fte_per_head: Option<Number>,
    pub case_holding_share: Option<RawUncertain>,
    pub annual_leaving_by_service_year: Option<Vec<RawUncertain>>,
    pub leaving_bands_move_together: Option<bool>,
    pub initial_service_shares: Option<Vec<Number>>,
    pub sickness_days_per_year: Option<Number>,
    pub working_days_per_year: Option<Number>,
    pub long_absence_annual_rate: Option<RawUncertain>,
    pub long_absence_mean_months: Option<RawUncertain>,
    pub pressure_sensitivity: Option<RawUncertain>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEstablishmentChange {
    pub from: Option<String>,
    pub change_fte: Option<Number>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecruitment {
    pub applicants_per_month: Option<RawUncertain>,
    pub notice_months: Option<Number>,
    pub recruiting_months: Option<Vec<Number>>,
    pub cost_per_hire: Option<Number>,
    pub campaign_cost_per_month: Option<Number>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAsye {
    pub intake_month: Option<Number>,
    pub intake_per_year: Option<RawUncertain>,
    pub caseload_weight: Option<Number>,
    pub annual_leaving: Option<RawUncertain>,
    pub supernumerary: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgency {
    pub fte: Option<Number>,
    pub cover_vacancies: Option<Number>,
    pub cover_absence: Option<Number>,
    pub max_fte: Option<Number>,
    pub fill_prob: Option<RawUncertain>,
    pub mean_tenure_months: Option<RawUncertain>,
    pub annual_conversion_rate: Option<RawUncertain>,
    pub extra: Option<Vec<RawBlock>>,
    pub mode: Option<String>,
    pub vacancy_link: Option<RawUncertain>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBlock {
    pub from: Option<String>,
    pub to: Option<String>,
    pub fte: Option<Number>,
}

/// How far rates wander, per process: sigma, the standard deviation of a
/// log multiplier per square root of a year.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDrift {
    pub leaving: Option<RawUncertain>,
    pub applicants: Option<RawUncertain>,
    pub referrals: Option<RawUncertain>,
    pub agency: Option<RawUncertain>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    pub referrals_per_month: Option<RawUncertain>,
    pub annual_growth: Option<RawUncertain>,
    pub seasonality: Option<Vec<Number>>,
    pub dispersion: Option<Number>,
    pub shocks: Option<Vec<RawShock>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    pub from: Option<String>,
    pub to: Option<String>,
    pub multiplier: Option<RawUncertain>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCase {
    pub name: Option<String>,
    pub open: Option<Number>,
    pub entry_share: Option<Number>,
    pub mean_months: Option<RawUncertain>,
    /// Destination state name -> share, in file order.
    pub next: Option<toml::Table>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCosts {
    pub permanent: Option<Number>,
    pub asye: Option<Number>,
    pub asye_grant: Option<Number>,
    pub agency: Option<Number>,
    pub managed_team: Option<Number>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayments {
    pub recruitment_bonus: Option<RawRecruitmentBonus>,
    pub retention: Option<RawRetention>,
    pub market_supplement: Option<RawMarketSupplement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecruitmentBonus {
    pub amount: Option<Number>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub applicant_multiplier: Option<RawUncertain>,
    pub clawback_months: Option<Number>,
    pub clawback: Option<String>,
    /// Only these roles (all without).
    pub roles: Option<Vec<String>>,
    /// Only these teams (all without).
    pub teams: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetention {
    pub amount: Option<Number>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub paid_in_month: Option<Number>,
    pub min_service_months: Option<Number>,
    pub include_asye: Option<bool>,
    pub leaving_multiplier: Option<RawUncertain>,
    pub clawback_months: Option<Number>,
    pub clawback: Option<String>,
    /// Only these roles (all without).
    pub roles: Option<Vec<String>>,
    /// Only these teams (all without).
    pub teams: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMarketSupplement {
    pub annual_amount: Option<Number>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub applicant_multiplier: Option<RawUncertain>,
    pub leaving_multiplier: Option<RawUncertain>,
    /// Only these roles (all without).
    pub roles: Option<Vec<String>>,
    /// Only these teams (all without).
    pub teams: Option<Vec<String>>,
}

/// A TOML number, integer or float, read as `f64`. Whether it must be whole,
/// finite or in a range is checked in `resolve`, which can report it with
/// the key and all other problems at once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberVisitor).map(Number)
    }
}

struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
}

/// A (U) value: a number or `{ uniform | triangular | normal | lognormal = [...] }`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawUncertain {
    Number(f64),
    /// The distribution's name and its parameters as written.
    Distribution {
        kind: DistKind,
        params: Vec<f64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistKind {
    Uniform,
    Triangular,
    Normal,
    Lognormal,
}

impl DistKind {
    pub const ALL: [(&'static str, DistKind); 4] = [
        ("uniform", DistKind::Uniform),
        ("triangular", DistKind::Triangular),
        ("normal", DistKind::Normal),
        ("lognormal", DistKind::Lognormal),
    ];

    pub fn name(self) -> &'static str {
        match self {
            DistKind::Uniform => "uniform",
            DistKind::Triangular => "triangular",
            DistKind::Normal => "normal",
            DistKind::Lognormal => "lognormal",
        }
    }

    /// What the parameters are, in order, for messages.
    pub fn params_help(self) -> &'static str {
        match self {
            DistKind::Uniform => "[min, max]",
            DistKind::Triangular => "[min, mode, max]",
            DistKind::Normal => "[mean, sd]",
            DistKind::Lognormal => "[median, sd_log]",
        }
    }

    pub fn arity(self) -> usize {
        match self {
            DistKind::Triangular => 3,
            _ => 2,
        }
    }
}

impl<'de> Deserialize<'de> for RawUncertain {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UncertainVisitor)
    }
}

struct UncertainVisitor;

const DIST_HELP: &str = "a number or a distribution such as { triangular = [min, mode, max] } \
     (uniform = [min, max], normal = [mean, sd], lognormal = [median, sd_log])";

impl<'de> Visitor<'de> for UncertainVisitor {
    type Value = RawUncertain;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(DIST_HELP)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawUncertain, E> {
        Ok(RawUncertain::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawUncertain, E> {
        Ok(RawUncertain::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawUncertain, E> {
        Ok(RawUncertain::Number(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawUncertain, A::Error> {
        let mut found: Option<RawUncertain> = None;
        while let Some(key) = map.next_key::<String>()? {
            let Some(&(_, kind)) = DistKind::ALL.iter().find(|(name, _)| *name == key) else {
                return Err(de::Error::unknown_field(
                    &key,
                    &["uniform", "triangular", "normal", "lognormal"],
                ));
            };
            if found.is_some() {
                return Err(de::Error::custom(format!(
                    "a distribution has exactly one kind, found a second (`{key}`)"
                )));
            }
            let params: Vec<Number> = map.next_value()?;
            found = Some(RawUncertain::Distribution {
                kind,
                params: params.into_iter().map(|n| n.0).collect(),
            });
        }
        found.ok_or_else(|| de::Error::custom(format!("an empty table is not {DIST_HELP}")))
    }
}
