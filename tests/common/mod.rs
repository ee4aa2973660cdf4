//! Helpers shared by the integration tests.

#![allow(dead_code)]

use caseload::scenario::{self, Loaded, Problem, Source};
use std::path::{Path, PathBuf};

/// The repository's root (tests run from it, but say so explicitly).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped scenario's path.
pub fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// A minimal valid scenario, as TOML text, for tests to vary.
pub const MINIMAL: &str = r#"
start = "2022-04"
months = 12

[workforce]
establishment_fte = 100.0
permanent_fte = 90.0
annual_leaving_by_service_year = [0.3, 0.2, 0.15]

[demand]
referrals_per_month = 100.0

[[cases]]
name = "assessment"
open = 200
entry_share = 0.8
mean_months = 1.5
next = { cin = 0.4 }

[[cases]]
name = "cin"
open = 800
mean_months = 9.0
"#;

/// A valid scenario with two teams and a manager role: the council's
/// sections state rates only, each team its posts and people.
pub const TEAMS: &str = r#"
start = "2022-04"
months = 12

[target]
span_of_control = 6

[workforce]
annual_leaving_by_service_year = [0.3, 0.2, 0.15]

[demand]
referrals_per_month = 100.0

[[cases]]
name = "assessment"
open = 200
entry_share = 0.8
mean_months = 1.5
next = { cin = 0.4 }

[[cases]]
name = "cin"
open = 800
mean_months = 9.0

[roles.team_manager]
caseload_share = 0.0
manager = true

[teams.front_door]
states = ["assessment"]
target = { low = 10, high = 15 }

[teams.front_door.roles.social_worker]
workforce = { establishment_fte = 12, permanent_fte = 10 }

[teams.front_door.roles.team_manager]
workforce = { establishment_fte = 2, permanent_fte = 2 }

[teams.care]
states = ["cin"]

[teams.care.roles.social_worker]
workforce = { establishment_fte = 40, permanent_fte = 36 }

[teams.care.roles.team_manager]
workforce = { establishment_fte = 6, permanent_fte = 5 }
"#;

/// A valid scenario with every section and most keys, for tests that need
/// more to vary than MINIMAL offers.
pub const FULL: &str = r#"
name = "Everything"
description = "Every section present."
start = "2022-04"
months = 36

[target]
low = 18
high = 24

[workforce]
establishment_fte = 147.46
establishment_changes = [ { from = "2023-04", change_fte = 10.0 } ]
permanent_fte = 101.71
asye_fte = 6.0
absent_fte = 4.0
fte_per_head = 1.0
case_holding_share = { triangular = [0.55, 0.6, 0.7] }
annual_leaving_by_service_year = [0.30, { normal = [0.25, 0.03] }, 0.20, 0.15]
initial_service_shares = [0.2, 0.2, 0.2, 0.4]
sickness_days_per_year = 9.0
working_days_per_year = 225.0
long_absence_annual_rate = 0.06
long_absence_mean_months = { lognormal = [9.0, 0.2] }
pressure_sensitivity = 0.5

[recruitment]
applicants_per_month = { uniform = [1.0, 3.0] }
notice_months = 2
recruiting_months = [1, 2, 3, 9, 10, 11]
cost_per_hire = 3000.0
campaign_cost_per_month = 500.0

[asye]
intake_month = 9
intake_per_year = 5
caseload_weight = 0.8
annual_leaving = 0.15
supernumerary = false

[agency]
fte = 55.0
cover_vacancies = 1.0
cover_absence = 0.5
max_fte = 80.0
fill_prob = 0.8
mean_tenure_months = 9.0
annual_conversion_rate = 0.05
extra = [ { from = "2022-04", to = "2022-09", fte = 10.0 } ]

[demand]
referrals_per_month = { normal = [250.0, 20.0] }
annual_growth = 0.02
seasonality = [1.1, 1.0, 1.0, 0.9, 1.0, 1.0, 0.8, 0.8, 1.1, 1.1, 1.1, 1.1]
dispersion = 30.0
shocks = [ { from = "2022-10", to = "2023-03", multiplier = 0.9 }, { from = "2024-01", multiplier = 1.1 } ]

[[cases]]
name = "assessment"
open = 600
entry_share = 0.85
mean_months = 1.5
next = { cin = 0.30, cp = 0.08 }

[[cases]]
name = "cin"
open = 900
mean_months = 8.0
next = { cp = 0.1 }

[[cases]]
name = "cp"
open = 300
entry_share = 0.02
mean_months = { triangular = [8.0, 10.0, 14.0] }

[costs]
permanent = 52000.0
asye = 43000.0
asye_grant = 2000.0
agency = 90000.0
managed_team = 120000.0

[payments.recruitment_bonus]
amount = 5000.0
from = "2022-06"
applicant_multiplier = { triangular = [1.0, 1.2, 1.5] }
clawback_months = 24
clawback = "pro_rata"

[payments.retention]
amount = 2000.0
from = "2022-06"
to = "2024-06"
paid_in_month = 4
min_service_months = 12
include_asye = false
leaving_multiplier = { triangular = [0.75, 0.9, 1.0] }
clawback_months = 12
clawback = "full"

[payments.market_supplement]
annual_amount = 3000.0
from = "2022-06"
applicant_multiplier = 1.1
leaving_multiplier = 0.95
"#;

/// Reads `text` as the file `x.toml`, applies `sets` and checks it: the
/// loaded scenario, or every problem (a syntax or `--set` error is the one
/// problem).
pub fn check_text(text: &str, sets: &[&str]) -> Result<Loaded, Vec<Problem>> {
    let mut source = Source::from_text("x.toml", text).map_err(|p| vec![p])?;
    for set in sets {
        source.apply_set(set).map_err(|p| vec![p])?;
    }
    scenario::check(source).map_err(|e| e.problems)
}

/// Like [`check_text`], but the scenario must be valid.
pub fn resolve_text(text: &str, sets: &[&str]) -> Loaded {
    match check_text(text, sets) {
        Ok(loaded) => loaded,
        Err(problems) => panic!("expected a valid scenario, got:\n{}", show(&problems)),
    }
}

/// Writes `files` (name, text) into `dir`, creating subfolders.
pub fn write_files<T: AsRef<str>>(dir: &Path, files: &[(&str, T)]) {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text.as_ref()).unwrap();
    }
}

/// Problems one a line, for failure messages.
pub fn show(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| {
            format!(
                "  file {:?}, location {:?}, message {:?}",
                p.file, p.location, p.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A checked scenario from TOML text (the test fails on any problem).
pub fn scenario_from(text: &str) -> caseload::model::params::Scenario {
    resolve_text(text, &[]).scenario
}

/// Every run's record of `s`, on two threads.
pub fn run_all(s: &caseload::model::params::Scenario, runs: u32, seed: u64) -> caseload::stats::Runs {
    let pool = caseload::runner::pool(Some(2)).unwrap();
    caseload::runner::run(s, seed, runs, &pool, &|| {})
}
