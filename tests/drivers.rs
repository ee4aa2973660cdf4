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
        assert_eq!(d.chance, 1.0);
    }
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
    let report = std::fs::read_to_string(dir.path().join("1/bury-march-2022-position/report.html")).unwrap();
    assert!(report.contains("What drives the uncertainty"));
    assert!(dir.path().join("1/bury-march-2022-position/drivers.svg").exists());
}
