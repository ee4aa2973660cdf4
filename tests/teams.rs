//! Teams and roles (docs/model.md, section 15): the one-pool model as the
//! special case, MODEL.md's analytic results team by team and role by role,
//! conservation per team and role, streams that adding a team leaves
//! alone, payments limited to roles, and the Bury 2018 scenario end to end.

use crate::common::{FULL, TEAMS, run_all, scenario, scenario_from};
use assert_cmd::Command;
use caseload::scenario::organisation::AMOUNTS;
use caseload::stats::Runs;
use toml::{Table, Value};

/// `text` with one team, `all`, holding every case state, its social
/// workers' amounts moved from the council's sections into the team.
fn as_one_team(text: &str) -> String {
    let mut table: Table = text.parse().unwrap();
    let mut pool = Table::new();
    for (section, keys) in AMOUNTS {
        if let Some(Value::Table(sec)) = table.get_mut(section) {
            let mut moved = Table::new();
            for key in keys {
                if let Some(v) = sec.remove(*key) {
                    moved.insert(key.to_string(), v);
                }
            }
            if !moved.is_empty() {
                pool.insert(section.to_string(), Value::Table(moved));
            }
        }
    }
    let states: Vec<Value> = match table.get("cases") {
        Some(Value::Array(cases)) => cases.iter().map(|c| c.get("name").unwrap().clone()).collect(),
        _ => panic!("no cases"),
    };
    let mut roles = Table::new();
    roles.insert("social_worker".into(), Value::Table(pool));
    let mut team = Table::new();
    team.insert("states".into(), Value::Array(states));
    team.insert("roles".into(), Value::Table(roles));
    let mut teams = Table::new();
    teams.insert("all".into(), Value::Table(team));
    table.insert("teams".into(), Value::Table(teams));
    toml::to_string(&table).unwrap()
}

/// Every metric the one-pool run records is the same, bit for bit, in the
/// organised run, for every run and month.
fn assert_same_common_metrics(one_pool: &Runs, organised: &Runs) {
    let names = one_pool.layout.names();
    let other = organised.layout.names();
    assert!(other.len() > names.len(), "the organised run adds metrics");
    assert_eq!(
        other[..names.len()],
        names[..],
        "the one-pool metrics come first, in order"
    );
    let months = one_pool.records[0].len() / one_pool.layout.width();
    for r in 0..one_pool.records.len() {
        for t in 0..months {
            for (k, name) in names.iter().enumerate() {
                let (a, b) = (one_pool.value(r, t, k), organised.value(r, t, k));
                assert_eq!(a.to_bits(), b.to_bits(), "run {r}, month {t}, {name}: {a} vs {b}");
            }
        }
    }
}

#[test]
fn one_team_holding_every_state_with_the_social_worker_role_is_the_one_pool_model() {
    let one_pool = scenario_from(FULL);
    let one_team = scenario_from(&as_one_team(FULL));
    let org = one_team.organisation.as_ref().unwrap();
    assert_eq!((org.teams.len(), org.roles.len(), org.pools.len()), (1, 1, 1));
    assert_eq!(org.pools[0].stream_key, 0);
    assert_same_common_metrics(&run_all(&one_pool, 60, 3), &run_all(&one_team, 60, 3));
}

#[test]
fn the_social_worker_role_restated_alone_is_the_one_pool_model() {
    let one_pool = scenario_from(FULL);
    let restated = scenario_from(&format!("{FULL}\n[roles.social_worker]\ncaseload_share = 1.0\n"));
    assert_same_common_metrics(&run_all(&one_pool, 60, 4), &run_all(&restated, 60, 4));
}

/// Sample mean and variance of a named metric in month t across runs.
fn moments(runs: &Runs, t: usize, name: &str) -> (f64, f64) {
    let k = runs.layout.names().iter().position(|n| n == name).unwrap();
    let n = runs.records.len() as f64;
    let values: Vec<f64> = (0..runs.records.len()).map(|r| runs.value(r, t, k)).collect();
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// Mean and variance within `z` standard errors of the expected ones (the
/// variance's standard error as for a normal population).
fn assert_moments(label: &str, (mean, var): (f64, f64), expected: (f64, f64), n: f64, z: f64) {
    let (m, v) = expected;
    let se_mean = (v / n).sqrt();
    assert!((mean - m).abs() <= z * se_mean + 1e-9, "{label}: mean {mean} vs {m}");
    let kurtosis = if m > 0.0 { 1.0 / m } else { 0.0 };
    let se_var = v * ((2.0 / (n - 1.0)) + kurtosis / n).sqrt();
    assert!((var - v).abs() <= z * se_var + 1e-9, "{label}: variance {var} vs {v}");
}

/// Two teams, each holding one case state with no moves, and a manager
/// role leaving at its own rate: no recruitment, agency or absence.
const ANALYTIC: &str = r#"
start = "2024-01"
months = 36
[workforce]
annual_leaving_by_service_year = [0.25]
[demand]
referrals_per_month = 50
[[cases]]
name = "a"
entry_share = 0.5
mean_months = 2
[[cases]]
name = "b"
open = 20
entry_share = 0.3
mean_months = 5
[roles.manager]
caseload_share = 0
manager = true
workforce = { annual_leaving_by_service_year = [0.1] }
[teams.one]
states = ["a"]
roles.social_worker.workforce = { establishment_fte = 100, permanent_fte = 100 }
roles.manager.workforce = { establishment_fte = 50, permanent_fte = 50 }
[teams.two]
states = ["b"]
roles.social_worker.workforce = { establishment_fte = 80, permanent_fte = 80 }
"#;

#[test]
fn poisson_cases_and_binomial_leaving_hold_team_by_team_and_role_by_role() {
    let s = scenario_from(ANALYTIC);
    let n = 3000;
    let runs = run_all(&s, n, 21);
    let n = f64::from(n);
    for t in 0..s.months as usize {
        let steps = t as i32 + 1;
        // Cases: the survivors of the initial open cases are binomial, the
        // newer ones Poisson (MODEL.md), team by team.
        for (team, lambda_c, d, open0) in [("one", 25.0, 2.0, 0.0), ("two", 15.0, 5.0, 20.0)] {
            let steady: f64 = lambda_c * d;
            let surv = (1.0 - 1.0 / d).powi(steps);
            let mean = steady + (open0 - steady) * surv;
            let var = open0 * surv * (1.0 - surv) + steady * (1.0 - surv);
            let name = format!("cases_{team}");
            assert_moments(
                &format!("{name} month {t}"),
                moments(&runs, t, &name),
                (mean, var),
                n,
                5.0,
            );
        }
        // Leaving: binomial survival at each role's own rate.
        let survive = |a: f64| (1.0 - a).powf((t as f64 + 1.0) / 12.0);
        let binomial = |heads: f64, p: f64| (heads * p, heads * p * (1.0 - p));
        let (sw, mgr) = (survive(0.25), survive(0.1));
        let checks = [
            ("permanent_fte_social_worker", binomial(180.0, sw)),
            ("permanent_fte_manager", binomial(50.0, mgr)),
            ("permanent_fte_two", binomial(80.0, sw)),
            (
                "permanent_fte_one",
                (
                    100.0 * sw + 50.0 * mgr,
                    100.0 * sw * (1.0 - sw) + 50.0 * mgr * (1.0 - mgr),
                ),
            ),
        ];
        for (name, expected) in checks {
            assert_moments(&format!("{name} month {t}"), moments(&runs, t, name), expected, n, 5.0);
        }
    }
}

fn column(runs: &Runs, name: &str) -> usize {
    runs.layout
        .names()
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no metric {name}"))
}

#[test]
fn people_cases_capacity_and_costs_are_conserved_per_team_and_role() {
    let s = scenario_from(&std::fs::read_to_string(scenario("bury-2018-teams.toml")).unwrap());
    let org = s.organisation.clone().unwrap();
    let runs = run_all(&s, 40, 8);
    let months = s.months as usize;
    let close = |a: f64, b: f64, what: &str| assert!((a - b).abs() <= 1e-6 * (1.0 + b.abs()), "{what}: {a} vs {b}");
    let sum = |r: usize, t: usize, names: &[String]| -> f64 {
        names.iter().map(|n| runs.value(r, t, column(&runs, n))).sum()
    };
    let per =
        |prefix: &str, names: Vec<&str>| -> Vec<String> { names.iter().map(|n| format!("{prefix}_{n}")).collect() };
    let roles: Vec<&str> = org.roles.iter().map(|r| r.name.as_str()).collect();
    let teams: Vec<&str> = org.teams.iter().map(|t| t.name.as_str()).collect();
    for r in 0..runs.records.len() {
        for t in 0..months {
            let council = |name: &str| runs.value(r, t, column(&runs, name));
            for (metric, by) in [
                ("permanent_fte", &roles),
                ("permanent_fte", &teams),
                ("agency_fte", &roles),
                ("agency_fte", &teams),
                ("establishment_fte", &roles),
                ("establishment_fte", &teams),
                ("capacity_fte", &roles),
                ("capacity_fte", &teams),
                ("starters_fte", &roles),
                ("leavers_fte", &roles),
                ("cost_permanent", &roles),
                ("cost_agency", &roles),
                ("cost_payments", &roles),
            ] {
                close(
                    sum(r, t, &per(metric, by.clone())),
                    council(metric),
                    &format!("{metric} run {r} month {t}"),
                );
            }
            close(sum(r, t, &per("cases", teams.clone())), council("open_cases"), "cases");
            if t > 0 {
                for role in &roles {
                    let v = |m: &str, t: usize| runs.value(r, t, column(&runs, &format!("{m}_{role}")));
                    close(
                        v("permanent_fte", t),
                        v("permanent_fte", t - 1) + v("starters_fte", t) - v("leavers_fte", t),
                        &format!("{role} in post, run {r} month {t}"),
                    );
                }
            }
            let span = council("span_of_control");
            let within = council("within_span");
            assert_eq!(within, if span <= 6.0 { 1.0 } else { 0.0 });
        }
    }
}

#[test]
fn adding_a_team_leaves_another_teams_people_as_they_were() {
    let two = scenario_from(TEAMS);
    let three = scenario_from(&format!(
        "{}\n[teams.care_leavers]\nstates = [\"leaving_care\"]\n[teams.care_leavers.roles.social_worker]\nworkforce = {{ establishment_fte = 5, permanent_fte = 4 }}\n",
        TEAMS.replace(
            "[roles.team_manager]",
            "[[cases]]\nname = \"leaving_care\"\nopen = 30\nmean_months = 12.0\n\n[roles.team_manager]"
        )
    ));
    let (a, b) = (run_all(&two, 30, 5), run_all(&three, 30, 5));
    for name in [
        "permanent_fte_front_door",
        "agency_fte_front_door",
        "permanent_fte_care",
        "establishment_fte_care",
    ] {
        let (ka, kb) = (column(&a, name), column(&b, name));
        for r in 0..a.records.len() {
            for t in 0..two.months as usize {
                assert_eq!(
                    a.value(r, t, ka).to_bits(),
                    b.value(r, t, kb).to_bits(),
                    "{name} run {r} month {t}"
                );
            }
        }
    }
}

#[test]
fn a_payment_limited_to_managers_is_paid_to_managers_only() {
    let text = format!(
        "{TEAMS}\n[payments.market_supplement]\nannual_amount = 6000.0\nfrom = \"2022-04\"\nroles = [\"team_manager\"]\n"
    );
    let s = scenario_from(&text);
    let runs = run_all(&s, 10, 2);
    let (sw, tm) = (
        column(&runs, "cost_payments_social_worker"),
        column(&runs, "cost_payments_team_manager"),
    );
    for r in 0..10 {
        for t in 0..s.months as usize {
            assert_eq!(runs.value(r, t, sw), 0.0);
        }
        // Six or seven managers at £500 a month each.
        assert!(runs.value(r, 0, tm) >= 3000.0, "run {r}: {}", runs.value(r, 0, tm));
    }
}

#[test]
fn bury_2018_runs_and_its_report_shows_caseloads_by_team_and_the_span_of_control() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("caseload")
        .unwrap()
        .arg("run")
        .arg(scenario("bury-2018-teams.toml"))
        .args(["--runs", "100", "--quiet", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let folder = dir.path().join("bury-2018-teams-and-roles");
    let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
    for needed in [
        "<h2>Teams and roles</h2>",
        "<td>Front door</td>",
        "<td>Child protection</td>",
        "<td>Children in care</td>",
        "<td>child in need, child protection</td>",
        "Span of control",
        "<td>Team managers</td>",
        "<td>Independent reviewing officers</td>",
        "<td>Advanced practitioners</td>",
        "<td>Social workers</td>",
        "Against the target of at most 6 social workers per team manager",
        "<th class=\"num\">Moved in</th>",
        "staff do not move between teams",
    ] {
        assert!(report.contains(needed), "the report lacks {needed:?}");
    }
    // Words, not the file's keys, wherever the report speaks of a team or
    // a role (keys stay in the columns that name them as keys).
    for raw in [
        "Team child_protection",
        "<td>child_protection</td>",
        "<td>front_door</td>",
        "<td>iro</td>",
        "<td>advanced_practitioner</td>",
        "one manager to",
        "movement between teams",
    ] {
        assert!(!report.contains(raw), "the report says {raw:?}");
    }
    let headline = std::fs::read_to_string(folder.join("headline.csv")).unwrap();
    let figure = |key: &str| {
        headline
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key},")))
            .unwrap_or_else(|| panic!("headline.csv has no {key}"))
            .to_string()
    };
    // The span of control in words is headline.csv's, to one decimal, in
    // the headline and in the section on teams alike.
    let span = figure("span_of_control_end_median");
    assert_eq!(span.split('.').nth(1).map(str::len), Some(1), "{span}");
    assert!(
        report.contains(&format!(
            "<b>{span}</b> social workers per team manager in the median run"
        )),
        "the headline's span is not {span}"
    );
    assert!(
        report.contains(&format!("across the service, {span} social workers per team manager")),
        "the section's span is not {span}"
    );
    assert!(report.contains("at most 6 social workers per team manager in <b>"));
    assert!(report.contains("Child protection team: average caseload in"));
    // Each team's headline says when its caseload first reaches its own
    // target, run by run, as the council's does.
    for team in ["Front door", "Child protection", "Children in care"] {
        let line = report
            .split(&format!("{team} team: average caseload in"))
            .nth(1)
            .and_then(|rest| rest.split("</li>").next())
            .unwrap_or_else(|| panic!("no headline for the {team} team"));
        assert!(line.contains("its caseload"), "{team}: {line}");
    }
    // Cases by team: a row per team, and what moves out of one team moves
    // into another (the teams' totals of each agree).
    let table = report
        .split("cases-by-team")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    let rows: Vec<Vec<f64>> = table
        .split("<tr><td>")
        .skip(1)
        .map(|row| {
            row.split("<td class=\"num\">")
                .skip(1)
                .map(|cell| cell.split('<').next().unwrap().replace(',', "").parse::<f64>().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 3, "{table}");
    let moved_in: f64 = rows.iter().map(|r| r[1]).sum();
    let moved_out: f64 = rows.iter().map(|r| r[2]).sum();
    assert!(moved_in > 0.0);
    // Each team's figure is rounded to a whole case.
    assert!((moved_in - moved_out).abs() <= 3.0, "in {moved_in}, out {moved_out}");
    for chart in ["teams.svg", "teams.png", "span.svg"] {
        assert!(folder.join(chart).exists(), "no {chart}");
    }
    let summary = std::fs::read_to_string(folder.join("summary.csv")).unwrap();
    for metric in [
        "caseload_front_door",
        "span_of_control_child_protection",
        "cost_agency_team_manager",
    ] {
        assert!(summary.contains(&format!(",{metric},")), "summary.csv lacks {metric}");
    }
}

#[test]
fn the_levers_of_a_scenario_with_teams_are_each_pools_own_and_set_reaches_them() {
    let loaded = caseload::scenario::load(&scenario("bury-2018-manager-payment.toml"), &[]).unwrap();
    let levers = caseload::model::lever::levers_of(&loaded.scenario);
    let keys: Vec<&str> = levers.iter().map(|(k, _)| k.as_str()).collect();
    for expected in [
        "teams.front_door.roles.team_manager.recruitment.applicants_per_month",
        "teams.child_protection.roles.social_worker.workforce.establishment_fte",
        "teams.front_door.roles.social_worker.asye.intake_per_year",
        "payments.market_supplement.annual_amount",
    ] {
        assert!(keys.contains(&expected), "no lever {expected}: {keys:?}");
    }
    assert!(!keys.contains(&"teams.front_door.roles.team_manager.asye.intake_per_year"));
    assert!(
        !keys.contains(&"workforce.establishment_fte"),
        "the council's posts are the teams'"
    );
    for (key, lever) in &levers {
        assert_eq!(
            caseload::model::lever::find(key).map(|l| l.key),
            Some(lever.key),
            "{key}"
        );
    }
    // --set reaches a team's own value.
    let set = "teams.front_door.roles.team_manager.recruitment.applicants_per_month=0.5";
    let loaded = caseload::scenario::load(&scenario("bury-2018-teams.toml"), &[set.to_string()]).unwrap();
    let org = loaded.scenario.organisation.unwrap();
    let pool = org
        .pools
        .iter()
        .find(|p| org.teams[p.team].name == "front_door" && org.roles[p.role].name == "team_manager")
        .unwrap();
    let hires = pool
        .scenario
        .recruitment
        .as_ref()
        .unwrap()
        .applicants_per_month
        .central();
    assert_eq!(hires, 0.5);
}

#[test]
fn cases_moving_between_teams_are_counted_in_and_out_and_each_teams_cases_are_conserved() {
    let s = scenario_from(&std::fs::read_to_string(scenario("bury-2018-teams.toml")).unwrap());
    let org = s.organisation.clone().unwrap();
    let runs = run_all(&s, 30, 5);
    let months = s.months as usize;
    let teams: Vec<&str> = org.teams.iter().map(|t| t.name.as_str()).collect();
    let mut moved = 0.0;
    for r in 0..runs.records.len() {
        let (mut run_in, mut run_out) = (0.0, 0.0);
        for t in 0..months {
            let value = |name: &str, t: usize| runs.value(r, t, column(&runs, name));
            let of = |metric: &str, team: &str, t: usize| value(&format!("{metric}_{team}"), t);
            let total = |metric: &str| teams.iter().map(|team| of(metric, team, t)).sum::<f64>();
            let (month_in, month_out) = (total("transfers_in"), total("transfers_out"));
            assert_eq!(
                month_in, month_out,
                "run {r} month {t}: every case moved in was moved out of another team"
            );
            assert_eq!(
                total("new_cases"),
                value("new_cases", t),
                "run {r} month {t}: new cases"
            );
            assert_eq!(
                total("closed_cases"),
                value("closed_cases", t),
                "run {r} month {t}: closed cases"
            );
            run_in += month_in;
            run_out += month_out;
            for (ti, team) in teams.iter().enumerate() {
                let before = if t == 0 {
                    org.teams[ti].states.iter().map(|i| s.cases[*i].open as f64).sum()
                } else {
                    of("cases", team, t - 1)
                };
                let change = of("new_cases", team, t) + of("transfers_in", team, t)
                    - of("transfers_out", team, t)
                    - of("closed_cases", team, t);
                assert_eq!(of("cases", team, t), before + change, "{team}, run {r} month {t}");
            }
            // Nothing moves into assessment: the front door takes no transfers.
            assert_eq!(of("transfers_in", "front_door", t), 0.0);
        }
        assert_eq!(run_in, run_out, "run {r}");
        moved += run_in;
    }
    assert!(moved > 1000.0, "cases do move between Bury's teams ({moved})");
}

#[test]
fn moves_between_states_of_one_team_are_not_transfers() {
    // Every assessment goes on to child in need, both held by one team:
    // many moves, none between teams.
    let text = r#"
start = "2022-04"
months = 12

[workforce]
annual_leaving_by_service_year = [0.2]

[demand]
referrals_per_month = 100.0

[[cases]]
name = "assessment"
open = 200
entry_share = 0.8
mean_months = 1.5
next = { cin = 1.0 }

[[cases]]
name = "cin"
open = 800
mean_months = 9.0

[[cases]]
name = "care"
open = 50
entry_share = 0.1
mean_months = 20.0

[teams.front_door]
states = ["assessment", "cin"]

[teams.front_door.roles.social_worker]
workforce = { establishment_fte = 40, permanent_fte = 36 }

[teams.care]
states = ["care"]

[teams.care.roles.social_worker]
workforce = { establishment_fte = 5, permanent_fte = 5 }
"#;
    let s = scenario_from(text);
    let runs = run_all(&s, 20, 2);
    for r in 0..runs.records.len() {
        for t in 0..s.months as usize {
            for name in [
                "transfers_in_front_door",
                "transfers_out_front_door",
                "transfers_in_care",
                "transfers_out_care",
            ] {
                assert_eq!(runs.value(r, t, column(&runs, name)), 0.0, "{name}, run {r} month {t}");
            }
        }
    }
    // The team's cases still change by its new and closed cases alone.
    let cases = column(&runs, "cases_front_door");
    let (new, closed) = (
        column(&runs, "new_cases_front_door"),
        column(&runs, "closed_cases_front_door"),
    );
    for r in 0..runs.records.len() {
        for t in 1..s.months as usize {
            assert_eq!(
                runs.value(r, t, cases),
                runs.value(r, t - 1, cases) + runs.value(r, t, new) - runs.value(r, t, closed)
            );
        }
    }
}

/// headline.csv's council-wide keys, in order: a scenario without teams
/// has exactly these, and a scenario with teams starts with them.
const COUNCIL_KEYS: [&str; 17] = [
    "target_low",
    "target_high",
    "end_month",
    "caseload_end_median",
    "caseload_end_p05",
    "caseload_end_p95",
    "prob_at_or_below_low_end",
    "prob_at_or_below_high_end",
    "median_caseload_first_reaches_high",
    "first_reaches_high_p05",
    "first_reaches_high_p95",
    "permanent_fte_end_median",
    "agency_fte_end_median",
    "vacancy_rate_end_median",
    "spend_total_mean",
    "spend_agency_mean",
    "spend_payments_mean",
];

/// A CSV file's records after its header.
fn records(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn headline_csv_and_the_workbook_give_each_teams_caseload_against_its_own_band_and_the_span() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let minimal = dir.path().join("minimal.toml");
    std::fs::write(&minimal, crate::common::MINIMAL).unwrap();
    Command::cargo_bin("caseload")
        .unwrap()
        .arg("run")
        .arg(scenario("bury-2018-teams.toml"))
        .arg(&minimal)
        .args(["--runs", "60", "--seed", "4", "--quiet", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    // Without teams: the council's rows and nothing else.
    let one_pool = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir() && !p.ends_with("bury-2018-teams-and-roles"))
        .unwrap();
    let keys: Vec<String> = records(&one_pool.join("headline.csv"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(keys, COUNCIL_KEYS);

    let folder = dir.path().join("bury-2018-teams-and-roles");
    let headline = records(&folder.join("headline.csv"));
    let keys: Vec<&str> = headline.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        keys[..COUNCIL_KEYS.len()],
        COUNCIL_KEYS,
        "the council's rows come first, as without teams"
    );
    let value = |key: &str| -> String {
        headline
            .iter()
            .find(|r| r[0] == key)
            .unwrap_or_else(|| panic!("headline.csv has no {key}"))[1]
            .clone()
    };
    // summary.csv at the end: (metric) -> (mean, p05, p50, p95).
    let summary = records(&folder.join("summary.csv"));
    let at_end = |metric: &str| -> [f64; 4] {
        let r = summary
            .iter()
            .find(|r| r[1] == "2021-03" && r[2] == metric)
            .unwrap_or_else(|| panic!("summary.csv has no {metric}"));
        [
            r[3].parse().unwrap(),
            r[4].parse().unwrap(),
            r[6].parse().unwrap(),
            r[8].parse().unwrap(),
        ]
    };
    let near = |key: &str, expected: f64, decimals: i32| {
        let v: f64 = value(key).parse().unwrap();
        assert!(
            (v - expected).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-9,
            "{key} = {v}, summary.csv says {expected}"
        );
    };
    assert_eq!(value("span_of_control_target"), "6");
    near("span_of_control_end_median", at_end("span_of_control")[2], 1);
    near("prob_within_span_end", at_end("within_span")[0], 2);
    for (team, low, high) in [
        ("child_protection", "20", "25"),
        ("children_in_care", "20", "25"),
        ("front_door", "18", "22"),
    ] {
        assert_eq!(value(&format!("target_low_{team}")), low);
        assert_eq!(value(&format!("target_high_{team}")), high, "{team}'s own band");
        let caseload = at_end(&format!("caseload_{team}"));
        near(&format!("caseload_end_median_{team}"), caseload[2], 1);
        near(&format!("caseload_end_p05_{team}"), caseload[1], 1);
        near(&format!("caseload_end_p95_{team}"), caseload[3], 1);
        near(
            &format!("prob_at_or_below_high_end_{team}"),
            at_end(&format!("at_or_below_high_{team}"))[0],
            2,
        );
        near(
            &format!("prob_at_or_below_low_end_{team}"),
            at_end(&format!("at_or_below_low_{team}"))[0],
            2,
        );
        // Run by run, the first month the team reaches its own target: the
        // 5th percentile no later than the 95th ("never" latest of all).
        let order = |key: &str| match value(&format!("{key}_{team}")).as_str() {
            "never" => "9999-99".to_string(),
            month => month.to_string(),
        };
        let (early, late) = (order("first_reaches_high_p05"), order("first_reaches_high_p95"));
        assert!(early <= late, "{team}: {early} after {late}");
        near(
            &format!("span_of_control_end_median_{team}"),
            at_end(&format!("span_of_control_{team}"))[2],
            1,
        );
        near(
            &format!("prob_within_span_end_{team}"),
            at_end(&format!("within_span_{team}"))[0],
            2,
        );
    }

    // The workbook's Headline sheet: the same rows, typed, each team's
    // said to be the team's.
    let bytes = std::fs::read(folder.join("results.xlsx")).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet: Vec<Vec<Data>> = book
        .worksheet_range("Headline")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(sheet.len() - 2, headline.len(), "a row per headline");
    for (row, record) in sheet[2..].iter().zip(&headline) {
        assert_eq!(row[0], Data::String(record[0].clone()));
        match record[1].parse::<f64>() {
            Ok(x) if x.is_finite() && !record[1].contains('-') => assert_eq!(row[1], Data::Float(x), "{}", record[0]),
            Ok(_) => assert_eq!(row[1], Data::Empty, "{}: infinite", record[0]),
            _ => assert_eq!(row[1], Data::String(record[1].clone()), "{}", record[0]),
        }
        let Data::String(words) = &row[2] else {
            panic!("{row:?}")
        };
        assert!(!words.is_empty(), "{} has no words", record[0]);
        if let Some(team) = ["child_protection", "children_in_care", "front_door"]
            .iter()
            .find(|t| record[0].ends_with(*t))
        {
            let name = caseload::text::team_name(team);
            assert!(words.starts_with(&format!("{name} team: ")), "{words}");
        }
    }
}

#[test]
fn a_value_the_councils_table_cannot_read_is_reported_once_in_the_files_words() {
    // Found by `scenario_props`: each pool's table is made from the
    // council's, and read it again with the unreadable value still there.
    let text = TEAMS.replace(
        "[demand]\nreferrals_per_month = 100.0\n",
        "[demand]\nreferrals_per_month = 100.0\nshocks = [0.0]\n",
    );
    assert_ne!(text, TEAMS);
    let problems = crate::common::check_text(&text, &[]).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert_eq!(p.location, "demand.shocks[0]");
    assert_eq!(p.message, "number `0.0`: expected a table");
}

#[test]
fn each_runs_first_month_at_a_teams_target_is_the_first_month_of_its_record_there() {
    let s = scenario_from(&std::fs::read_to_string(scenario("bury-2018-teams.toml")).unwrap());
    let org = s.organisation.as_ref().unwrap();
    let (runs, seed) = (40, 8);
    let records = run_all(&s, runs, seed);
    let pool = caseload::runner::pool(Some(2)).unwrap();
    let totals = caseload::runner::totals(&s, seed, runs, &pool, &|| {});
    let names = records.layout.names();
    let months = s.months as usize;
    let (mut reached, mut never) = (0, 0);
    for (i, team) in org.teams.iter().enumerate() {
        let k = names
            .iter()
            .position(|n| *n == format!("caseload_{}", team.name))
            .unwrap();
        for (r, run) in totals.iter().enumerate() {
            let first = (0..months).find(|&t| records.value(r, t, k) >= team.target.high);
            assert_eq!(
                run.teams_first_reach_high[i],
                first.map(|t| t as u32),
                "{} in run {r}",
                team.name
            );
            if first.is_some() { reached += 1 } else { never += 1 }
        }
    }
    // The scenario has runs of both kinds, so both paths are checked.
    assert!(reached > 0 && never > 0, "reached {reached}, never {never}");
    // A scenario without teams keeps none.
    let one_pool = scenario_from(crate::common::MINIMAL);
    let totals = caseload::runner::totals(&one_pool, seed, 3, &pool, &|| {});
    assert!(totals.iter().all(|t| t.teams_first_reach_high.is_empty()));
}
