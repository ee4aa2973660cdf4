//! `caseload run` end to end: the output folder, determinism across thread
//! counts, seeds and run counts, and that a failed command leaves earlier
//! results untouched.

use assert_cmd::Command;
use std::path::Path;

fn caseload() -> Command {
    Command::cargo_bin("caseload").unwrap()
}

fn bury() -> std::path::PathBuf {
    crate::common::scenario("bury-2022.toml")
}

/// Runs `caseload run` into `out` and returns the scenario's folder.
fn run_into(out: &Path, args: &[&str]) -> std::path::PathBuf {
    let mut cmd = caseload();
    cmd.arg("run")
        .arg(bury())
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(args);
    cmd.assert().success();
    out.join("bury-march-2022-position")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn run_writes_the_folder_of_interface_md() {
    let dir = tempfile::tempdir().unwrap();
    let folder = run_into(dir.path(), &["--runs", "50", "--per-run"]);
    let summary = read(&folder.join("summary.csv"));
    let mut lines = summary.lines();
    assert_eq!(lines.next(), Some("scenario,month,metric,mean,p05,p25,p50,p75,p95"));
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("\"Bury, March 2022 position\",2022-04,establishment_fte,147.46,"),
        "{first}"
    );
    for metric in [
        "permanent_fte",
        "asye_fte",
        "absent_fte",
        "agency_fte",
        "managed_team_fte",
        "vacancy_fte",
        "capacity_fte",
        "referrals",
        "new_cases",
        "open_cases",
        "open_cases_assessment",
        "caseload",
        "at_or_below_low",
        "at_or_below_high",
        "starters_fte",
        "leavers_fte",
        "agency_starters_fte",
        "agency_leavers_fte",
        "turnover_rate",
        "vacancy_rate",
        "agency_rate",
    ] {
        assert!(summary.contains(&format!(",2025-03,{metric},")), "{metric} missing");
    }
    // 36 months x every metric, plus the header.
    let metrics = summary.lines().filter(|l| l.contains(",2022-04,")).count();
    assert_eq!(summary.lines().count(), 1 + 36 * metrics);

    let headline = read(&folder.join("headline.csv"));
    assert!(headline.starts_with("key,value\n"));
    for key in [
        "caseload_end_median",
        "caseload_end_p05",
        "caseload_end_p95",
        "prob_at_or_below_low_end",
        "prob_at_or_below_high_end",
        "median_caseload_first_reaches_high",
        "first_reaches_high_p05",
        "first_reaches_high_p95",
    ] {
        assert!(headline.contains(&format!("\n{key},")), "{key} missing");
    }

    let runs = read(&folder.join("runs.csv"));
    assert!(runs.starts_with("run,month,establishment_fte,"));
    assert_eq!(runs.lines().count(), 1 + 50 * 36);

    // The resolved scenario is itself a valid scenario with the same name.
    let resolved = folder.join("scenario.resolved.toml");
    assert!(read(&resolved).contains("--runs 50 --seed 1"));
    caseload()
        .arg("check")
        .arg(&resolved)
        .assert()
        .success()
        .stdout(predicates::str::contains("Bury, March 2022 position"));
}

#[test]
fn summary_is_byte_identical_with_one_thread_or_two() {
    let dir = tempfile::tempdir().unwrap();
    let one = read(&run_into(&dir.path().join("1"), &["--runs", "300", "--threads", "1"]).join("summary.csv"));
    let two = read(&run_into(&dir.path().join("2"), &["--runs", "300", "--threads", "2"]).join("summary.csv"));
    assert!(one == two, "summary.csv differs between 1 and 2 threads");
}

#[test]
fn different_seeds_give_different_results() {
    let dir = tempfile::tempdir().unwrap();
    let a = read(&run_into(&dir.path().join("a"), &["--runs", "100", "--seed", "1"]).join("summary.csv"));
    let b = read(&run_into(&dir.path().join("b"), &["--runs", "100", "--seed", "2"]).join("summary.csv"));
    assert_ne!(a, b);
}

#[test]
fn a_runs_path_does_not_depend_on_the_number_of_runs() {
    let dir = tempfile::tempdir().unwrap();
    let few = read(&run_into(&dir.path().join("few"), &["--runs", "100", "--per-run"]).join("runs.csv"));
    let many = read(&run_into(&dir.path().join("many"), &["--runs", "1000", "--per-run"]).join("runs.csv"));
    let run7 = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("7,"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(run7(&few).lines().count(), 36);
    assert_eq!(run7(&few), run7(&many));
}

#[test]
fn a_failed_run_leaves_the_earlier_folder_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let folder = run_into(dir.path(), &["--runs", "20"]);
    let before = read(&folder.join("summary.csv"));
    caseload()
        .arg("run")
        .arg(bury())
        .arg("--out")
        .arg(dir.path())
        .args(["--quiet", "--set", "workforce.fte_per_head=0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("workforce.fte_per_head = 0"));
    assert_eq!(read(&folder.join("summary.csv")), before);
    // Nothing half-written is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["bury-march-2022-position".to_string()]);
}

#[test]
fn a_rerun_replaces_the_folder_whole() {
    let dir = tempfile::tempdir().unwrap();
    let folder = run_into(dir.path(), &["--runs", "5", "--per-run"]);
    assert!(folder.join("runs.csv").exists());
    run_into(dir.path(), &["--runs", "5"]);
    assert!(!folder.join("runs.csv").exists(), "a stale runs.csv survived");
}

#[test]
fn run_rejects_bad_arguments_with_exit_2() {
    caseload().args(["run", "--runs", "0"]).arg(bury()).assert().code(2);
    caseload().args(["run", "--threads", "0"]).arg(bury()).assert().code(2);
    caseload()
        .args(["run", "no-such-file.toml", "--quiet"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no-such-file.toml"));
}

#[test]
fn an_out_that_is_a_file_is_a_usage_error_that_says_so_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("afile");
    std::fs::write(&blocker, "not a folder").unwrap();
    for (out, expected) in [
        (blocker.clone(), "afile: is a file, not a folder".to_string()),
        (
            blocker.join("sub"),
            "cannot make this folder: a part of the path is a file, not a folder".to_string(),
        ),
    ] {
        let output = caseload()
            .arg("run")
            .arg(bury())
            .arg("--out")
            .arg(&out)
            .args(["--runs", "2", "--quiet"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.starts_with("error: --out "), "{stderr}");
        assert!(stderr.contains(&expected), "{stderr}");
        assert!(!stderr.contains("os error"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not a folder");
}

/// A report's `<header>`: its title, description and what-if line.
fn header_of(report: &str) -> &str {
    &report[report.find("<header>").unwrap()..report.find("</header>").unwrap()]
}

#[test]
fn a_what_if_says_so_at_the_top_of_the_report_and_on_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let output = caseload()
        .arg("run")
        .arg(bury())
        .arg("--out")
        .arg(dir.path())
        .args(["--runs", "20", "--quiet", "--set", "workforce.establishment_fte=160"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let what_if = "A what-if: the scenario as its file gives it, with --set workforce.establishment_fte=160.";
    assert!(stdout.contains(what_if), "{stdout}");
    assert!(stdout.contains("give --out DIR to keep both"), "{stdout}");
    // INTERFACE.md names the folder after the scenario alone.
    let report = read(&dir.path().join("bury-march-2022-position").join("report.html"));
    let header = header_of(&report);
    assert!(header.contains(what_if), "{header}");
    // Without --set, nothing of it.
    let plain = run_into(&dir.path().join("plain"), &["--runs", "20"]);
    assert!(!read(&plain.join("report.html")).contains("A what-if"));
    // A comparison says it of each scenario, at its report's top too.
    let output = caseload()
        .arg("compare")
        .arg(bury())
        .arg(crate::common::scenario("bury-2022-retention.toml"))
        .arg("--out")
        .arg(dir.path())
        .args(["--runs", "20", "--quiet", "--set", "workforce.establishment_fte=160"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let what_if = "A what-if: each scenario as its file gives it, with --set workforce.establishment_fte=160.";
    assert!(stdout.contains(what_if), "{stdout}");
    assert!(stdout.contains("named after the baseline"), "{stdout}");
    let report = read(&dir.path().join("compare-bury-march-2022-position").join("report.html"));
    let header = header_of(&report);
    assert!(header.contains(what_if), "{header}");
}

#[test]
fn a_seed_must_be_a_whole_number_and_says_so() {
    for seed in ["-1", "1.5", "abc"] {
        let output = caseload()
            .arg("run")
            .arg(bury())
            .args(["--seed", seed, "--runs", "2", "--quiet"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("a seed must be a whole number, 0 or more"),
            "{seed}: {stderr}"
        );
        assert!(!stderr.contains("tip:"), "{seed}: {stderr}");
    }
}

/// A copy of Bury under another name, so both can sit in one comparison.
fn bury_copy(dir: &Path) -> std::path::PathBuf {
    let copy = dir.join("copy.toml");
    let parent = crate::common::scenario("bury-2022.toml");
    std::fs::write(
        &copy,
        format!("extends = {:?}\nname = \"Bury copy\"\n", parent.display().to_string()),
    )
    .unwrap();
    copy
}

#[test]
fn compare_of_a_scenario_with_itself_gives_zero_differences_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    caseload()
        .arg("compare")
        .arg(bury())
        .arg(bury_copy(dir.path()))
        .arg("--out")
        .arg(dir.path())
        .args(["--runs", "100", "--quiet"])
        .assert()
        .success();
    let folder = dir.path().join("compare-bury-march-2022-position");
    let diffs = read(&folder.join("differences.csv"));
    let mut lines = diffs.lines();
    assert_eq!(lines.next(), Some("scenario,baseline,month,metric,mean,p05,p50,p95"));
    let mut rows = 0;
    for line in lines {
        let fields: Vec<&str> = line.rsplitn(5, ',').collect();
        assert_eq!(&fields[..4], &["0", "0", "0", "0"], "{line}");
        rows += 1;
    }
    assert!(rows > 36 * 20, "{rows} rows");
    let headline = read(&folder.join("headline.csv"));
    assert!(headline.starts_with("scenario,key,value\n"));
    assert!(headline.contains("\nBury copy,net_cost_mean,0\n"), "{headline}");
    assert!(headline.contains("\nBury copy,prob_caseload_lower_end,0.00\n"));
    let summary = read(&folder.join("summary.csv"));
    assert!(summary.contains("\nBury copy,2022-04,caseload,"));
    assert!(summary.contains("\"Bury, March 2022 position\",2022-04,caseload,"));
    for file in ["bury-march-2022-position.resolved.toml", "bury-copy.resolved.toml"] {
        assert!(folder.join(file).exists(), "{file}");
    }
}

#[test]
fn compare_with_break_even_writes_the_sweep_and_says_it_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let assert = caseload()
        .arg("compare")
        .arg(bury())
        .arg(crate::common::scenario("bury-2022-retention.toml"))
        .arg("--out")
        .arg(dir.path())
        .args([
            "--runs",
            "40",
            "--quiet",
            "--break-even",
            "payments.retention.leaving_multiplier",
            "--grid",
            "0.5:1:6",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    // The sentence says which cost each break-even is of.
    assert!(
        stdout.contains("on its net cost excluding salaries of funded posts")
            && stdout.contains("On total spend, salaries included,"),
        "{stdout}"
    );
    let folder = dir.path().join("compare-bury-march-2022-position");
    let sweep = read(&folder.join("break_even.csv"));
    assert_eq!(sweep.lines().count(), 1 + 6);
    assert!(sweep.starts_with(
        "scenario,key,value,net_cost_mean,net_cost_p05,net_cost_p50,net_cost_p95,\
         spend_total_difference_mean,spend_total_difference_p05,spend_total_difference_p50,spend_total_difference_p95\n"
    ));
    let headline = read(&folder.join("headline.csv"));
    for key in [
        "break_even_value",
        "break_even_low",
        "break_even_high",
        "break_even_total_spend_value",
        "break_even_total_spend_low",
        "break_even_total_spend_high",
    ] {
        assert!(headline.contains(&format!(",{key},")), "{key}");
    }
}

#[test]
fn compare_rejects_what_it_cannot_do_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // One scenario is no comparison.
    caseload().arg("compare").arg(bury()).assert().code(2);
    // Two scenarios with one name would share a folder.
    caseload()
        .arg("compare")
        .arg(bury())
        .arg(bury())
        .args(["--quiet", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("both named"));
    // `compare BURY OTHER --quiet ARGS --out DIR` must refuse with `message`.
    let refuses = |other: &str, args: &[&str], message: &str| {
        caseload()
            .arg("compare")
            .arg(bury())
            .arg(crate::common::scenario(other))
            .arg("--quiet")
            .args(args)
            .arg("--out")
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicates::str::contains(message));
    };
    // A break-even key that is not a payment multiplier, with a suggestion.
    refuses(
        "bury-2022-retention.toml",
        &["--break-even", "payments.retention.leaving_multiplyer"],
        "did you mean payments.retention.leaving_multiplier",
    );
    // A sweep of a payment the scenario does not have.
    refuses(
        "bury-2022-grow-your-own.toml",
        &["--break-even", "payments.retention.leaving_multiplier"],
        "has no [payments.retention] section",
    );
    // A grid that is no grid.
    refuses(
        "bury-2022-retention.toml",
        &[
            "--break-even",
            "payments.retention.leaving_multiplier",
            "--grid",
            "1:0.5:3",
        ],
        "--grid",
    );
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing should be written"
    );
}

/// Issue 11: the console said "net cost -£65,841" (a saving) for a payment
/// that raised total spend by £265,259. The money line now leads with the
/// change in total spend, breaks it down into parts that add up to it, and
/// names the net cost excluding salaries exactly that.
#[test]
fn compare_leads_with_total_spend_and_its_parts_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let assert = caseload()
        .arg("compare")
        .arg(bury())
        .arg(crate::common::scenario("bury-2022-retention.toml"))
        .arg("--out")
        .arg(dir.path())
        .args(["--runs", "60", "--quiet"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let folder = dir.path().join("compare-bury-march-2022-position");
    let headline = read(&folder.join("headline.csv"));
    let name = "\"Bury, March 2022, with a £2,000 retention payment\"";
    let value = |key: &str| -> f64 {
        let prefix = format!("{name},{key},");
        let line = headline
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{key}"));
        line[prefix.len()..].parse().unwrap()
    };
    let total = value("spend_total_difference_mean");
    let parts = value("spend_permanent_difference_mean")
        + value("spend_agency_difference_mean")
        + value("payments_made_difference_mean")
        - value("clawback_recovered_difference_mean")
        + value("spend_recruitment_difference_mean")
        - value("asye_grant_income_difference_mean");
    assert!((total - parts).abs() <= 3.0, "total {total}, parts {parts}");
    // Each is rounded to the pound on its own.
    let after_clawback = value("payments_made_difference_mean") - value("clawback_recovered_difference_mean");
    assert!((value("spend_payments_difference_mean") - after_clawback).abs() <= 1.0);
    // The scheme's comparison rows lead with the total.
    let own_rows: Vec<&str> = headline.lines().filter(|l| l.starts_with(name)).collect();
    let baseline_row = own_rows.iter().position(|l| l.contains(",baseline,")).unwrap();
    assert!(own_rows[baseline_row + 1].contains(",spend_total_difference_mean,"));
    // The console's money line: total spend first, with the headline's sign
    // and figure, then the net cost excluding salaries, named so.
    let money = caseload::text::signed_money(total);
    let first = stdout.find("total spend").unwrap();
    assert!(
        stdout[first..].starts_with(&format!("total spend {money} on average")),
        "{stdout}"
    );
    let net = stdout.find("net cost").unwrap();
    assert!(net > first, "{stdout}");
    assert!(
        stdout[net..].starts_with("net cost excluding salaries of funded posts"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("net cost").count(), 1, "{stdout}");
    // Money back reads "less ...", with the sign headline.csv gives it.
    let clawback = caseload::text::signed_money(value("clawback_recovered_difference_mean"));
    assert!(
        stdout.contains(&format!("less clawback recovered {clawback}")),
        "{stdout}"
    );
    // So does the report's first sentence about the scheme.
    let report = read(&folder.join("report.html"));
    let against = report.find("against the baseline</h3>").unwrap();
    let first_item = &report[against..report[against..].find("</li>").unwrap() + against];
    assert!(first_item.contains("total spend changes by"), "{first_item}");
    assert!(report.contains("net cost excluding salaries of funded posts"));
}
