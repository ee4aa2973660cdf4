//! What drives the uncertainty: the shares of the engine's outcomes, where
//! they are known, and drivers.csv through the command.

use crate::common::{root, scenario_from};
use caseload::analysis::drivers::{self, Driver, Outcome};
use caseload::model::Parameter;
use caseload::model::params::Scenario;
use std::process::Command;

/// One case state at its steady state, referrals the only uncertain value.
const REFERRALS_ONLY: &str = r#"
start = "2024-01"
months = 48
[workforce]
establishment_fte = 10
permanent_fte = 10
annual_leaving_by_service_year = [0.0]
[demand]
referrals_per_month = { uniform = [30, 70] }
[[cases]]
name = "cin"
open = 40
entry_share = 0.8
mean_months = 4
"#;

fn totals(s: &Scenario, runs: u32, threads: u32) -> Vec<caseload::model::RunTotals> {
    let pool = caseload::runner::pool(Some(threads)).unwrap();
    caseload::runner::totals(s, 5, runs, &pool, &|| {})
}

#[test]
fn referrals_alone_explain_the_end_caseload_as_the_poisson_steady_state_says() {
    // Open cases settle at Poisson(lambda c d), c = 0.8, d = 4: given
    // lambda their mean is 3.2 lambda and their variance 3.2 lambda. With
    // lambda uniform on [30, 70], Var(E[Y|lambda]) = 3.2^2 40^2 / 12 = 1365.3
    // and E[Var(Y|lambda)] = 3.2 x 50 = 160, so S = 1365.3 / 1525.3 = 0.895
    // (10 FTE divide both alike).
    let s = scenario_from(REFERRALS_ONLY);
    let t = totals(&s, 4000, 2);
    let all = drivers::of_runs(&s, 5, &t);
    let caseload = all.iter().find(|d| d.outcome == Outcome::CaseloadEnd).unwrap();
    assert_eq!(caseload.shares.len(), 1);
    let (driver, share) = caseload.shares[0];
    assert_eq!(driver, Driver::One(Parameter::ReferralsPerMonth));
    // Standard error about 0.005 with 4000 runs; binning costs a little.
    assert!((share - 0.895).abs() < 0.03, "share {share}");
    assert!((caseload.chance - (1.0 - share)).abs() < 1e-12);
}

#[test]
fn drivers_are_identical_on_one_thread_and_two() {
    let s = scenario_from(REFERRALS_ONLY);
    let one = drivers::of_runs(&s, 5, &totals(&s, 500, 1));
    let two = drivers::of_runs(&s, 5, &totals(&s, 500, 2));
    assert_eq!(one, two);
}

#[test]
fn a_scenario_with_nothing_uncertain_leaves_everything_to_chance() {
    let s = scenario_from(&REFERRALS_ONLY.replace("{ uniform = [30, 70] }", "50"));
    for d in drivers::of_runs(&s, 5, &totals(&s, 200, 2)) {
        assert!(d.shares.is_empty());
        // What varies is all chance; what does not (every run meets the
        // target) has nothing to share out.
        if d.explained() {
            assert_eq!(d.chance, 1.0, "{:?}", d.outcome);
        } else {
            assert_eq!(d.spread, drivers::Spread::Constant, "{:?}", d.outcome);
        }
    }
}

/// Issue: the baseline has no uncertain assumption, yet its report said
/// the spread was "chance ... or assumptions acting together".
#[test]
fn a_report_without_uncertain_assumptions_says_the_spread_is_chance_because_none_is_uncertain() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("run")
        .arg(root().join("scenarios/baseline.toml"))
        .args(["--runs", "40", "--quiet", "--out"])
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let folder = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    let csv = std::fs::read_to_string(folder.join("drivers.csv")).unwrap();
    assert!(!csv.lines().skip(1).any(|l| !l.contains(",chance,")), "{csv}");
    let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(
        report.contains("is month-to-month chance (who leaves, who is referred and when): no assumption in this scenario is uncertain"),
        "the report does not say why"
    );
    assert!(!report.contains("assumptions acting together: no single assumption"));
}

#[test]
fn leaving_bands_moving_together_are_one_driver_and_apart_one_each() {
    let text = REFERRALS_ONLY.replace(
        "annual_leaving_by_service_year = [0.0]",
        "annual_leaving_by_service_year = [{ uniform = [0.2, 0.4] }, { uniform = [0.1, 0.2] }]",
    );
    let apart = scenario_from(&text);
    let keys = |s: &Scenario| -> Vec<String> { drivers::inputs(s, 1, 10).iter().map(|(d, _)| d.key(s)).collect() };
    assert_eq!(
        keys(&apart),
        [
            "workforce.annual_leaving_by_service_year[0]",
            "workforce.annual_leaving_by_service_year[1]",
            "demand.referrals_per_month"
        ]
    );
    let together = scenario_from(&text.replace("[workforce]", "[workforce]\nleaving_bands_move_together = true"));
    assert_eq!(
        keys(&together),
        ["workforce.annual_leaving_by_service_year", "demand.referrals_per_month"]
    );
}

fn run_bury(out: &std::path::Path, threads: &str) -> String {
    let status = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("run")
        .arg(root().join("scenarios/bury-2022.toml"))
        .args(["--runs", "300", "--quiet", "--threads", threads, "--out"])
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read_to_string(out.join("bury-march-2022-position/drivers.csv")).unwrap()
}

#[test]
fn drivers_csv_has_the_interface_columns_a_chance_row_per_metric_and_no_thread_dependence() {
    let dir = tempfile::tempdir().unwrap();
    let one = run_bury(&dir.path().join("1"), "1");
    let two = run_bury(&dir.path().join("2"), "2");
    assert_eq!(one, two);
    assert!(one.starts_with("metric,parameter,label,share\n"));
    for metric in ["caseload_end", "meets_target_end", "spend_total"] {
        let chance = format!("\n{metric},chance,");
        assert_eq!(one.matches(&chance).count(), 1, "{metric}");
    }
    // Every run meets the target in the end, so meets_target_end does not
    // vary: its shares are empty, not all of it "chance".
    let headline = std::fs::read_to_string(dir.path().join("1/bury-march-2022-position/headline.csv")).unwrap();
    assert!(headline.contains("\nprob_at_or_below_high_end,1.00\n"), "{headline}");
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(one.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    for row in &rows {
        let share = &row[3];
        if row[0] == "meets_target_end" {
            assert!(share.is_empty(), "a share of no spread: {row:?}");
        } else {
            let x: f64 = share.parse().unwrap_or_else(|_| panic!("{row:?}"));
            assert!((0.0..=1.0).contains(&x), "{row:?}");
        }
    }
    let report = std::fs::read_to_string(dir.path().join("1/bury-march-2022-position/report.html")).unwrap();
    assert!(report.contains("What drives the uncertainty"));
    assert!(dir.path().join("1/bury-march-2022-position/drivers.svg").exists());
}

/// Two teams with practitioners beside their social workers; the only
/// uncertain value is the practitioners' own leaving rate (their role's
/// range) and the front door's own applicants a month (its team's range).
const OWN_RANGES: &str = r#"
start = "2024-01"
months = 24
[workforce]
annual_leaving_by_service_year = [0.1]
[recruitment]
notice_months = 0
[demand]
referrals_per_month = 40
[[cases]]
name = "assessment"
open = 100
entry_share = 1.0
mean_months = 2
next = { cin = 0.5 }
[[cases]]
name = "cin"
open = 300
mean_months = 12
[roles.practitioner]
caseload_share = 1.0
workforce = { annual_leaving_by_service_year = [{ uniform = [0.02, 0.9] }] }
[teams.front_door]
states = ["assessment"]
[teams.front_door.roles.social_worker]
workforce = { establishment_fte = 4, permanent_fte = 4 }
recruitment = { applicants_per_month = { uniform = [0.0, 2.0] } }
[teams.front_door.roles.practitioner]
workforce = { establishment_fte = 6, permanent_fte = 6 }
[teams.care]
states = ["cin"]
[teams.care.roles.social_worker]
workforce = { establishment_fte = 4, permanent_fte = 4 }
[teams.care.roles.practitioner]
workforce = { establishment_fte = 16, permanent_fte = 16 }
"#;

const PRACTITIONERS_LEAVING: &str = "roles.practitioner.workforce.annual_leaving_by_service_year[0]";
const FRONT_DOOR_HIRES: &str = "teams.front_door.roles.social_worker.recruitment.applicants_per_month";

#[test]
fn a_role_or_a_teams_own_range_is_listed_in_the_assumptions_in_words_at_its_own_key() {
    let s = scenario_from(OWN_RANGES);
    let table = caseload::output::assumptions::assumption_table(&[&s]);
    let row = |key: &str| {
        table
            .rows
            .iter()
            .find(|r| r.key == key)
            .unwrap_or_else(|| panic!("no assumption {key}: {:?}", table.rows))
    };
    let leaving = row(PRACTITIONERS_LEAVING);
    assert_eq!(
        leaving.words,
        "Practitioners: permanent staff leaving in their first year of service and later"
    );
    assert_eq!(leaving.values, ["between 2% and 90% a year"]);
    let hires = row(FRONT_DOOR_HIRES);
    assert_eq!(
        hires.words,
        "Front door team: experienced social workers accepting offers while posts are vacant"
    );
    assert_eq!(hires.values, ["between 0 and 2 a month"]);
    // Once each, though three pools share the role's range.
    assert_eq!(table.rows.iter().filter(|r| r.key == PRACTITIONERS_LEAVING).count(), 1);
}

#[test]
fn the_drivers_redraw_each_pools_own_values_as_the_run_drew_them() {
    use caseload::model::sample::{RunParams, drawn_own, monthly};
    let s = scenario_from(OWN_RANGES);
    let org = s.organisation.as_ref().unwrap();
    let practitioners: Vec<_> = org
        .pools
        .iter()
        .filter(|p| org.roles[p.role].name == "practitioner")
        .collect();
    let front_door = org
        .pools
        .iter()
        .find(|p| org.teams[p.team].name == "front_door" && org.roles[p.role].name == "social_worker")
        .unwrap();
    assert_eq!(practitioners.len(), 2);
    let mut distinct = Vec::new();
    for run in 0..50 {
        let drawn = drawn_own(&s, 9, run);
        let value = |key: &str| drawn.iter().find(|(o, _)| o.key(&s) == key).unwrap().1;
        let leaving = value(PRACTITIONERS_LEAVING);
        // What each pool's run uses: RunParams::sample of its own sections,
        // as Simulation::for_pool makes it.
        for pool in &practitioners {
            let used = RunParams::sample(&pool.scenario, 9, run);
            assert_eq!(used.leaving_by_year[0], monthly(leaving), "run {run}");
        }
        let hires = value(FRONT_DOOR_HIRES);
        assert_eq!(
            RunParams::sample(&front_door.scenario, 9, run).applicants_per_month,
            hires
        );
        distinct.push(leaving);
    }
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert_eq!(distinct.len(), 50, "each run draws its own value");
}

#[test]
fn a_roles_own_range_gets_the_share_of_the_caseload_it_drives() {
    // The front door's hires fixed: the practitioners' leaving rate is the
    // only uncertain value. Leaving 2% to 90% a year with nobody hired
    // takes between none and most of 22 practitioners by the end.
    let text = OWN_RANGES.replace("{ uniform = [0.0, 2.0] }", "0");
    let s = scenario_from(&text);
    let t = totals(&s, 600, 2);
    let all = drivers::of_runs(&s, 5, &t);
    let caseload = all.iter().find(|d| d.outcome == Outcome::CaseloadEnd).unwrap();
    assert_eq!(caseload.shares.len(), 1, "{:?}", caseload.shares);
    let (driver, share) = caseload.shares[0];
    assert_eq!(driver.key(&s), PRACTITIONERS_LEAVING);
    assert!(share > 0.5, "share {share}");
    assert_eq!(
        caseload::output::drivers::label(driver, &s),
        "Practitioners: permanent staff leaving in their first year of service and later"
    );
    // And drivers.csv's row says so.
    let csv = String::from_utf8(caseload::output::drivers::run_csv(&s, &all).unwrap()).unwrap();
    assert!(
        csv.contains(&format!(
            "caseload_end,{PRACTITIONERS_LEAVING},Practitioners: permanent staff leaving in their first year of service and later,"
        )),
        "{csv}"
    );
}
