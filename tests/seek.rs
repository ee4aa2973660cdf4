//! `caseload seek` end to end: an answer worked out by hand, answer.toml
//! meeting the target when run, the honest outcomes (met at the low end,
//! never met), usage errors that name the problem, and the same bytes on
//! one thread or two.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn caseload() -> Command {
    Command::cargo_bin("caseload").unwrap()
}

fn bury() -> PathBuf {
    crate::common::scenario("bury-2022.toml")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// 1,000 open cases that never close and no referrals, staff who never
/// leave or go absent, every FTE holding cases: the caseload is exactly
/// 1,000 / permanent FTE in every run and month.
const FIXED: &str = r#"
name = "Fixed caseload"
start = "2022-04"
months = 6
[workforce]
establishment_fte = 100.0
permanent_fte = 40.0
case_holding_share = 1.0
long_absence_annual_rate = 0.0
annual_leaving_by_service_year = [0.0]
[demand]
referrals_per_month = 0.0
[[cases]]
name = "cin"
open = 1000
entry_share = 1.0
mean_months = 1000000000.0
"#;

/// Runs `caseload seek` on `file` into `out` and returns the command's
/// standard output and its folder.
fn seek(file: &Path, out: &Path, args: &[&str]) -> (String, PathBuf) {
    let output = caseload()
        .arg("seek")
        .arg(file)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let folder = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Wrote "))
        .map(PathBuf::from)
        .unwrap();
    (stdout, folder)
}

/// headline.csv's value of `key`.
fn headline(folder: &Path, key: &str) -> String {
    read(&folder.join("headline.csv"))
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key},")).map(str::to_string))
        .unwrap_or_else(|| panic!("no {key} in headline.csv"))
}

fn fixed_scenario(dir: &Path) -> PathBuf {
    let file = dir.join("fixed.toml");
    std::fs::write(&file, FIXED).unwrap();
    file
}

#[test]
fn a_caseload_of_open_cases_over_fte_needs_exactly_open_cases_over_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixed_scenario(dir.path());
    // 1,000 cases at 20 each need 50 FTE; 49 gives 20.4. The range 0..100
    // is searched in steps of 1 (1% of the range).
    let (stdout, folder) = seek(
        &file,
        dir.path(),
        &[
            "--target",
            "caseload<=20",
            "--by",
            "2022-09",
            "--lever",
            "workforce.permanent_fte=0..100",
            "--runs",
            "20",
        ],
    );
    assert_eq!(headline(&folder, "seek_answer_workforce.permanent_fte"), "50");
    assert_eq!(headline(&folder, "seek_outcome"), "found");
    assert_eq!(headline(&folder, "seek_chance"), "1");
    assert_eq!(headline(&folder, "seek_first_met_month"), "2022-04");
    assert!(stdout.contains("must be at least 50"), "{stdout}");
    let csv = read(&folder.join("seek.csv"));
    assert!(
        csv.starts_with("lever,value,chance,chance_se,spend_total_mean,meets\n"),
        "{csv}"
    );
    assert!(csv.contains("workforce.permanent_fte,49,0,0,0,false"), "{csv}");
    for file in ["seek.png", "seek.svg", "answer.toml", "report.html"] {
        assert!(folder.join(file).exists(), "{file}");
    }
    // Reversed, the chance falls as the lever rises: the largest value.
    let (_, folder) = seek(
        &file,
        dir.path(),
        &[
            "--target",
            "caseload>=25",
            "--by",
            "2022-09",
            "--lever",
            "workforce.permanent_fte=1..100",
        ],
    );
    assert_eq!(headline(&folder, "seek_direction"), "falls");
    // 1,000 / 40 = 25; the step is 0.5 (1% of the range, 0.99, rounded
    // down to 5 times a power of ten), so 40 meets and 40.5 does not.
    assert_eq!(headline(&folder, "seek_step_workforce.permanent_fte"), "0.5");
    assert_eq!(headline(&folder, "seek_answer_workforce.permanent_fte"), "40");
}

/// The share of runs of runs.csv whose `metric` in `month` is at most `x`.
fn share_at_most(runs_csv: &str, month: &str, metric: &str, x: f64) -> f64 {
    let mut lines = runs_csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header.iter().position(|h| *h == metric).unwrap();
    let values: Vec<f64> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|cells| cells[1] == month)
        .map(|cells| cells[column].parse::<f64>().unwrap())
        .collect();
    values.iter().filter(|v| **v <= x).count() as f64 / values.len() as f64
}

#[test]
fn answer_toml_meets_the_target_at_the_asked_chance_when_run() {
    let dir = tempfile::tempdir().unwrap();
    let runs = "300";
    let (_, folder) = seek(
        &bury(),
        dir.path(),
        &[
            "--target",
            "caseload<=19",
            "--by",
            "2024-09",
            "--lever",
            "workforce.establishment_fte=140..200",
            "--runs",
            runs,
        ],
    );
    let chance: f64 = headline(&folder, "seek_chance").parse().unwrap();
    let se: f64 = headline(&folder, "seek_chance_se").parse().unwrap();
    assert!(chance >= 0.8, "{chance}");
    let out = dir.path().join("run");
    caseload()
        .arg("run")
        .arg(folder.join("answer.toml"))
        .args(["--runs", runs, "--seed", "1", "--per-run", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    // Its own name gives its run its own folder: the scenario's results
    // (output/bury-march-2022-position/) are left alone.
    assert!(!out.join("bury-march-2022-position").exists());
    let runs_csv = read(&out.join("bury-march-2022-position-seek-answer").join("runs.csv"));
    let met = share_at_most(&runs_csv, "2024-09", "caseload", 19.0);
    assert!(met >= 0.8 - se, "run gives {met}, seek said {chance} ± {se}");
    // The same scenario on the same random numbers: the very same runs
    // (headline.csv writes four decimals).
    assert!((met - chance).abs() < 1e-4, "run gives {met}, seek said {chance}");
}

/// answer.toml says what it is: its own name, the values applied with the
/// scenario's own, the target, the command that repeats it from the seek's
/// folder, and a description that no longer reads as the scenario's alone.
#[test]
fn answer_toml_names_itself_the_values_applied_the_target_and_how_to_repeat_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, folder) = seek(
        &bury(),
        dir.path(),
        &[
            "--target",
            "caseload<=19",
            "--by",
            "2024-09",
            "--lever",
            "workforce.establishment_fte=140..200",
            "--runs",
            "100",
        ],
    );
    let answer = read(&folder.join("answer.toml"));
    let value = headline(&folder, "seek_answer_workforce.establishment_fte");
    let applied = format!("workforce.establishment_fte to {value} (the scenario gave 147.46)");
    let header: String = answer
        .lines()
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(header.contains(&format!("#   {applied}")), "{header}");
    assert!(
        header.contains("for caseload at or below 19 in September 2024 in at least 80% of runs"),
        "{header}"
    );
    assert!(
        header.contains("Repeat the answer's runs with: caseload run answer.toml --runs 100 --seed 1"),
        "{header}"
    );
    assert!(!answer.contains("scenario.resolved.toml"), "{answer}");
    assert!(
        answer.contains("name = \"Bury, March 2022 position (seek answer)\""),
        "{answer}"
    );
    let description = answer.lines().find(|l| l.starts_with("description = ")).unwrap();
    assert!(
        description.contains("45.75 vacant"),
        "the scenario's own words are kept"
    );
    assert!(
        description.contains(&format!("As a goal seek's answer, this file sets {applied}.")),
        "{description}"
    );
    // It is a valid scenario, and `caseload run answer.toml` from the seek's
    // folder works as the header says.
    caseload()
        .current_dir(&folder)
        .args(["check", "answer.toml"])
        .assert()
        .success();
}

#[test]
fn a_mix_that_meets_nothing_writes_its_best_for_every_lever_and_counts_what_it_ran() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, folder) = seek(
        &bury(),
        dir.path(),
        &[
            "--target",
            "caseload<=5",
            "--by",
            "2024-09",
            "--lever",
            "asye.intake_per_year=5..20",
            "--lever",
            "recruitment.applicants_per_month=1..4",
            "--runs",
            "30",
        ],
    );
    assert!(stdout.contains("No combination tried"), "{stdout}");
    assert_eq!(headline(&folder, "seek_outcome"), "never_met");
    // As a single lever's never_met: the best tried, for every lever, and its chance.
    headline(&folder, "seek_best_asye.intake_per_year");
    headline(&folder, "seek_best_recruitment.applicants_per_month");
    assert_eq!(headline(&folder, "seek_chance"), "0");
    headline(&folder, "seek_spend_total_mean");
    assert!(!folder.join("answer.toml").exists());
    // seek_combinations counts the settings of the first lever; every value
    // run is a row of seek.csv, and seek_evaluations counts them.
    let csv = read(&folder.join("seek.csv"));
    let rows = csv.lines().count() - 1;
    assert_eq!(headline(&folder, "seek_combinations"), "5");
    assert_eq!(headline(&folder, "seek_evaluations"), rows.to_string());
    assert!(rows > 5, "{rows}");
}

#[test]
fn a_target_met_at_the_low_end_returns_the_low_end_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, folder) = seek(
        &bury(),
        dir.path(),
        &[
            "--target",
            "caseload<=1000",
            "--by",
            "2024-09",
            "--lever",
            "asye.intake_per_year=5..20",
            "--runs",
            "50",
        ],
    );
    assert_eq!(headline(&folder, "seek_outcome"), "met_at_low_end");
    assert_eq!(headline(&folder, "seek_answer_asye.intake_per_year"), "5");
    assert!(stdout.contains("Already met at the low end"), "{stdout}");
}

#[test]
fn an_impossible_target_says_so_with_the_best_chance_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, folder) = seek(
        &bury(),
        dir.path(),
        &[
            "--target",
            "caseload<=5",
            "--by",
            "2024-09",
            "--lever",
            "workforce.establishment_fte=140..160",
            "--runs",
            "50",
        ],
    );
    assert_eq!(headline(&folder, "seek_outcome"), "never_met");
    assert!(stdout.contains("No value of"), "{stdout}");
    assert!(stdout.contains("the best chance is 0%"), "{stdout}");
    assert!(!folder.join("answer.toml").exists());
    assert!(read(&folder.join("headline.csv")).contains("seek_best_workforce.establishment_fte,"));
}

#[test]
fn bad_targets_months_and_levers_exit_2_naming_the_problem() {
    let lever = "workforce.establishment_fte=140..200";
    let cases: [(&str, &str, &str, &str); 11] = [
        ("caseload<22x", "2024-09", lever, "expected METRIC<=NUMBER"),
        ("caselod<=22", "2024-09", lever, "did you mean caseload?"),
        (
            "caseload<=22",
            "2026-01",
            lever,
            "outside the scenario's horizon, 2022-04 to 2025-03",
        ),
        ("caseload<=22", "2024-9", lever, "expected a month as YYYY-MM"),
        (
            "caseload<=22",
            "2024-09",
            "workforce.establishment_ft=140..200",
            "did you mean workforce.establishment_fte?",
        ),
        (
            "caseload<=22",
            "2024-09",
            "workforce.establishment_fte=200..140",
            "LOW must be below HIGH",
        ),
        (
            "caseload<=22",
            "2024-09",
            "workforce.establishment_fte=abc..200",
            "abc is not a number",
        ),
        (
            "caseload<=22",
            "2024-09",
            "asye.intake_per_year=2.5..10",
            "takes whole numbers",
        ),
        (
            "open_cases_nothing<=22",
            "2024-09",
            lever,
            "the scenario has no metric open_cases_nothing",
        ),
        (
            "caseload<=22",
            "2024-09",
            "agency.max_fte=10..=20",
            "=20 is not a number",
        ),
        // A value the scenario refuses names the --lever, not a --set the
        // user never typed.
        (
            "caseload<=22",
            "2024-09",
            "workforce.establishment_fte=-10..140",
            "bury-2022.toml (--lever workforce.establishment_fte=-10..140): workforce.establishment_fte = -10: must be 0 or more",
        ),
    ];
    for (target, by, lever, expected) in cases {
        let output = caseload()
            .args(["seek"])
            .arg(bury())
            .args(["--target", target, "--by", by, "--lever", lever, "--runs", "5", "--out"])
            .arg(std::env::temp_dir().join("caseload-seek-never-written"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{target} {by} {lever}: {stderr}");
        assert!(stderr.contains(expected), "{target} {by} {lever}: {stderr}");
    }
    // --per-run has no per-run file to write in a seek: it says where the
    // answer's runs come from instead of being ignored.
    let output = caseload()
        .args(["seek"])
        .arg(bury())
        .args([
            "--target",
            "caseload<=22",
            "--by",
            "2024-09",
            "--lever",
            lever,
            "--per-run",
        ])
        .args(["--runs", "5", "--out"])
        .arg(std::env::temp_dir().join("caseload-seek-never-written"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("caseload run answer.toml --per-run"), "{stderr}");
}

#[test]
fn two_levers_give_the_cheapest_mix_with_its_frontier_and_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, folder) = seek(
        &bury(),
        dir.path(),
        &[
            "--target",
            "caseload<=19",
            "--by",
            "2024-09",
            "--lever",
            "asye.intake_per_year=5..25",
            "--lever",
            "workforce.establishment_fte=140..200",
            "--runs",
            "100",
        ],
    );
    assert!(
        stdout.contains("The cheapest mix for caseload at or below 19"),
        "{stdout}"
    );
    assert_eq!(headline(&folder, "seek_outcome"), "cheapest_mix");
    assert_eq!(headline(&folder, "seek_combinations"), "5");
    let csv = read(&folder.join("seek.csv"));
    assert!(csv.starts_with(
        "combination,asye.intake_per_year,workforce.establishment_fte,chance,chance_se,spend_total_mean,meets,frontier\n"
    ));
    // One answer per combination, and the cheapest of them is the answer.
    let frontier: Vec<Vec<&str>> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|cells| cells[7] == "true")
        .collect();
    assert_eq!(frontier.len(), 5);
    let cheapest = frontier
        .iter()
        .min_by_key(|cells| cells[5].parse::<i64>().unwrap())
        .unwrap();
    assert_eq!(headline(&folder, "seek_answer_asye.intake_per_year"), cheapest[1]);
    assert_eq!(
        headline(&folder, "seek_answer_workforce.establishment_fte"),
        cheapest[2]
    );
    let answer = read(&folder.join("answer.toml"));
    assert!(
        answer.contains(&format!("intake_per_year = {}", cheapest[1])),
        "{answer}"
    );
    assert!(folder.join("seek.png").exists());
}

#[test]
fn a_lever_given_twice_is_refused() {
    let output = caseload()
        .arg("seek")
        .arg(bury())
        .args(["--target", "caseload<=22", "--by", "2024-09"])
        .args(["--lever", "agency.max_fte=10..20", "--lever", "agency.max_fte=20..30"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--lever agency.max_fte: given twice"));
}

#[test]
fn seek_is_the_same_bytes_on_one_thread_or_two() {
    let dir = tempfile::tempdir().unwrap();
    let args = |threads: &'static str| {
        [
            "--target",
            "caseload<=20",
            "--by",
            "2024-03",
            "--lever",
            "workforce.establishment_fte=140..200",
            "--runs",
            "200",
            "--threads",
            threads,
        ]
    };
    let (_, one) = seek(&bury(), &dir.path().join("one"), &args("1"));
    let (_, two) = seek(&bury(), &dir.path().join("two"), &args("2"));
    for file in ["seek.csv", "headline.csv", "answer.toml", "seek.svg"] {
        assert_eq!(read(&one.join(file)), read(&two.join(file)), "{file}");
    }
}
