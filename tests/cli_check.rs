//! The `check` and `new` commands, through the `caseload` binary: exit
//! codes, what goes to standard output and standard error.

use crate::common::{MINIMAL, root};
use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn caseload(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("caseload").unwrap();
    cmd.current_dir(dir);
    cmd
}

const ELEVEN_MONTHS: &str = "referrals_per_month = 100.0\nseasonality = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]";

fn with_eleven_months() -> String {
    MINIMAL.replace("referrals_per_month = 100.0", ELEVEN_MONTHS)
}

#[test]
fn check_of_a_valid_file_exits_0_and_says_it_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bury.toml"), MINIMAL).unwrap();
    caseload(dir.path())
        .args(["check", "bury.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Scenario \"bury\" (bury.toml)"))
        .stdout(predicate::str::contains("Establishment 100 FTE"))
        .stdout(predicate::str::contains("90 FTE in post"))
        .stdout(predicate::str::contains("Horizon: 12 months, April 2022 to March 2023"))
        .stdout(predicate::str::contains("Assessment: 200 open now"))
        .stdout(predicate::str::contains("Agency: none"))
        .stdout(predicate::str::contains("OK: bury.toml is a valid scenario."))
        .stderr(predicate::str::is_empty());
}

#[test]
fn check_says_the_drift_the_agency_level_and_bands_that_move_together() {
    let dir = tempfile::tempdir().unwrap();
    let text = MINIMAL.replace(
        "annual_leaving_by_service_year = [0.3, 0.2, 0.15]",
        "annual_leaving_by_service_year = [{ uniform = [0.2, 0.4] }, 0.2]\nleaving_bands_move_together = true",
    ) + "\n[agency]\nfte = 10\nmode = \"level\"\nvacancy_link = 0.3\ncover_vacancies = 0.9\n\n[drift]\nleaving = 0.1\nagency = { uniform = [0.05, 0.15] }\n";
    std::fs::write(dir.path().join("x.toml"), text).unwrap();
    caseload(dir.path())
        .args(["check", "x.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("The leaving rates move together"))
        .stdout(predicate::str::contains(
            "Agency: 10 FTE now, a level of its own (mode \"level\"): it follows 30% of any change in unfilled posts",
        ))
        .stdout(predicate::str::contains(
            "Drift: from year to year, leaving rates wander by 10%, experienced hires by 0%, referrals by 0% and the agency level by between 5% and 15% (uniform)",
        ))
        .stdout(predicate::str::contains(
            "warning: agency.cover_vacancies: not used with mode = \"level\"",
        ));
    caseload(dir.path())
        .args(["check", "x.toml", "--set", "agency.mode=cover"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("cover for 90% of unfilled posts"))
        .stdout(predicate::str::contains(
            "warning: agency.vacancy_link: used only with mode = \"level\"",
        ))
        .stdout(predicate::str::contains(
            "warning: drift.agency: used only with agency.mode = \"level\"",
        ));
    std::fs::write(dir.path().join("plain.toml"), MINIMAL).unwrap();
    caseload(dir.path())
        .args(["check", "plain.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Drift").not())
        .stdout(predicate::str::contains("move together").not());
    caseload(dir.path())
        .args([
            "check",
            "plain.toml",
            "--set",
            "workforce.leaving_bands_move_together=true",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("none is a range, so this changes nothing"));
}

#[test]
fn check_of_a_bad_file_exits_2_naming_file_key_and_expectation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.toml"), with_eleven_months()).unwrap();
    caseload(dir.path())
        .args(["check", "x.toml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("OK:").not())
        .stderr(predicate::str::starts_with(
            "error: x.toml: demand.seasonality: expected 12 values, found 11",
        ));
}

#[test]
fn an_unquoted_month_is_told_to_be_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let text = MINIMAL.replace("start = \"2022-04\"", "start = 2022-04");
    std::fs::write(dir.path().join("x.toml"), text).unwrap();
    caseload(dir.path())
        .args(["check", "x.toml"])
        .assert()
        .code(2)
        .stderr(predicate::eq(
            "error: x.toml: line 2, column 9: start = 2022-04: months must be quoted, as start = \"2022-04\"\n",
        ));
}

#[test]
fn a_file_saved_as_windows_1252_is_said_not_to_be_utf8() {
    let dir = tempfile::tempdir().unwrap();
    // "£" as Excel and Notepad save it in Windows-1252 (ANSI).
    let text = MINIMAL.replace("[demand]", "# costs in \u{a3}\n[demand]");
    let line = text.lines().position(|l| l.starts_with("# costs")).unwrap() + 1;
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    std::fs::write(dir.path().join("x.toml"), bytes).unwrap();
    caseload(dir.path())
        .args(["check", "x.toml"])
        .assert()
        .code(2)
        .stderr(predicate::eq(format!(
            "error: x.toml: line {line}: the file is not UTF-8 text (byte 0xA3); save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)\n"
        )));
}

#[test]
fn every_problem_of_a_file_is_on_its_own_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = with_eleven_months()
        .replace("months = 12", "months = 0")
        .replace("establishment_fte", "establishment");
    std::fs::write(dir.path().join("x.toml"), text).unwrap();
    let out = caseload(dir.path()).args(["check", "x.toml"]).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.iter().all(|l| l.starts_with("error: x.toml: ")), "{stderr}");
    for expected in [
        "error: x.toml: months = 0: must be between 1 and 600",
        "error: x.toml: workforce.establishment: unknown key; did you mean `establishment_fte`?",
        "error: x.toml: demand.seasonality: expected 12 values, found 11",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(expected)),
            "no line {expected:?} in:\n{stderr}"
        );
    }
}

#[test]
fn a_syntax_error_gives_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.toml"),
        MINIMAL.replace("months = 12", "months = = 12"),
    )
    .unwrap();
    caseload(dir.path())
        .args(["check", "x.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: x.toml: line 3, column 10: TOML syntax error",
        ));
}

#[test]
fn check_takes_several_files_and_reports_every_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.toml"), MINIMAL).unwrap();
    std::fs::write(dir.path().join("other.toml"), MINIMAL.replace("100.0", "120.0")).unwrap();
    std::fs::write(dir.path().join("bad1.toml"), with_eleven_months()).unwrap();
    std::fs::write(
        dir.path().join("bad2.toml"),
        MINIMAL.replace("months = 12", "months = 12.5"),
    )
    .unwrap();

    caseload(dir.path())
        .args(["check", "good.toml", "other.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("OK: good.toml is a valid scenario."))
        .stdout(predicate::str::contains("OK: other.toml is a valid scenario."))
        .stdout(predicate::str::contains("Establishment 120 FTE"));

    caseload(dir.path())
        .args(["check", "bad1.toml", "good.toml", "bad2.toml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("OK: good.toml is a valid scenario."))
        .stderr(predicate::str::contains("error: bad1.toml: demand.seasonality"))
        .stderr(predicate::str::contains(
            "error: bad2.toml: months = 12.5: expected a whole number",
        ))
        .stderr(predicate::str::contains("good.toml").not());
}

#[test]
fn check_applies_set_to_every_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), MINIMAL).unwrap();
    std::fs::write(dir.path().join("b.toml"), MINIMAL).unwrap();
    let out = caseload(dir.path())
        .args([
            "check",
            "a.toml",
            "b.toml",
            "--set",
            "workforce.establishment_fte=150",
            "--set",
            "cases.cin.mean_months={ triangular = [6, 9, 14] }",
        ])
        .assert()
        .code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.matches("Establishment 150 FTE").count(), 2, "{stdout}");
    assert_eq!(
        stdout
            .matches("CIN: 800 open now; 0% of referrals start here; 9 (between 6 and 14, triangular) months")
            .count(),
        2,
        "{stdout}"
    );

    caseload(dir.path())
        .args(["check", "a.toml", "--set", "workforce.establishment_fte=-150"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: a.toml (--set): workforce.establishment_fte = -150: must be 0 or more",
        ));

    caseload(dir.path())
        .args(["check", "a.toml", "--set", "workforce.establishment_fte"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected KEY=VALUE"));
}

#[test]
fn check_of_a_missing_file_exits_2_and_names_it_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    caseload(dir.path())
        .args(["check", "nowhere.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: nowhere.toml: cannot read: no such file or folder\n",
        ))
        .stderr(predicate::str::contains("os error").not());
}

#[test]
fn an_extends_chain_is_shown_and_a_parents_problem_names_the_parent() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.toml"), MINIMAL).unwrap();
    std::fs::write(
        dir.path().join("child.toml"),
        "extends = \"base.toml\"\n[workforce]\nestablishment_fte = 110\n",
    )
    .unwrap();
    caseload(dir.path())
        .args(["check", "child.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Scenario \"child\" (child.toml)"))
        .stdout(predicate::str::contains("builds on base.toml"))
        .stdout(predicate::str::contains("Establishment 110 FTE"));
    std::fs::write(dir.path().join("base.toml"), with_eleven_months()).unwrap();
    caseload(dir.path())
        .args(["check", "child.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: base.toml: demand.seasonality"));
}

#[test]
fn new_into_a_folder_that_does_not_exist_is_a_usage_error_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let output = caseload(dir.path())
        .args(["new", "no-such-folder/x.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no-such-folder/x.toml: cannot write it: the folder no-such-folder does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("os error"), "{stderr}");
}

/// The starter's header says what `check` does with a mistake: a value's
/// by its key, a syntax error by its line and column. Both hold.
#[test]
fn the_starters_promise_about_check_is_what_check_does() {
    let starter = caseload::scenario::STARTER;
    assert!(
        !starter.contains("by its line and key"),
        "a value's problem has no line"
    );
    assert!(starter.contains("every mistake by its key"), "{starter}");
    assert!(starter.contains("by its line and column"), "{starter}");
    let dir = tempfile::tempdir().unwrap();
    let wrong_value = starter.replacen("fte_per_head = 0.95", "fte_per_head = -1", 1);
    assert_ne!(wrong_value, starter);
    std::fs::write(dir.path().join("value.toml"), wrong_value).unwrap();
    caseload(dir.path())
        .args(["check", "value.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("value.toml: workforce.fte_per_head = -1"));
    std::fs::write(dir.path().join("syntax.toml"), format!("{starter}\nmonths = = 3\n")).unwrap();
    caseload(dir.path())
        .args(["check", "syntax.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("syntax.toml: line "))
        .stderr(predicate::str::contains(", column "));
}

#[test]
fn new_writes_a_starter_that_passes_check() {
    assert!(
        !caseload::scenario::STARTER.trim().is_empty(),
        "the starter scenario is empty"
    );
    let dir = tempfile::tempdir().unwrap();
    caseload(dir.path())
        .args(["new", "mine.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("mine.toml"));
    let written = std::fs::read_to_string(dir.path().join("mine.toml")).unwrap();
    assert_eq!(written, caseload::scenario::STARTER);
    caseload(dir.path())
        .args(["check", "mine.toml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("OK: mine.toml is a valid scenario."))
        .stdout(predicate::str::contains("warning").not());
}

#[test]
fn new_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, "# my own work\n").unwrap();
    caseload(dir.path())
        .args(["new", "mine.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: mine.toml: already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# my own work\n");
}

#[test]
fn bad_arguments_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.toml"), MINIMAL).unwrap();
    for args in [
        &["frobnicate"][..],
        &["check", "--frobnicate", "x.toml"],
        &["check"],
        &["new"],
        &[],
        &["check", "x.toml", "--set"],
    ] {
        caseload(dir.path())
            .args(args)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty());
    }
}

#[test]
fn help_and_version_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    caseload(dir.path())
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("check"));
    caseload(dir.path())
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn every_shipped_scenario_passes_check() {
    let folder = root().join("scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| format!("scenarios/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios/*.toml shipped");
    let out = caseload(&root()).arg("check").args(&files).assert();
    let output = out.get_output();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "shipped scenarios fail check:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in &files {
        assert!(
            stdout.contains(&format!("OK: {file} is a valid scenario.")),
            "{file} not reported OK:\n{stdout}"
        );
    }
}

/// The output folder of a shipped scenario, as `run` names it.
fn folder_of(file: &str) -> String {
    let loaded = caseload::scenario::load(&crate::common::scenario(file), &[]).unwrap();
    caseload::output::slug(&loaded.scenario.name)
}

#[test]
fn every_help_ends_with_examples_that_work_and_says_where_outputs_go() {
    use clap::Parser;
    let bury = folder_of("bury-2022.toml");
    let cases: [(&[&str], Vec<String>); 6] = [
        (
            &[],
            vec![
                "output/<scenario name>/".into(),
                format!("output/{bury}/"),
                "OUT/compare-<baseline name>/".into(),
                "OUT/backtest-<council>-<year>/".into(),
            ],
        ),
        (&["run"], vec!["OUT/<scenario name>/".into(), format!("output/{bury}/")]),
        (
            &["compare"],
            vec!["OUT/compare-<baseline name>/".into(), format!("output/compare-{bury}/")],
        ),
        (&["check"], vec!["check writes no files".into()]),
        (&["new"], vec!["the one file named".into()]),
        (
            &["backtest"],
            vec![
                "OUT/backtest-<council>-<year>/".into(),
                "output/backtest-bury-2019/".into(),
                "OUT/backtest-all-<year>/".into(),
            ],
        ),
    ];
    for (command, outputs) in cases {
        let out = caseload(&root()).args(command).arg("--help").assert().code(0);
        let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let examples: Vec<&str> = help
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{command:?} --help has no examples:\n{help}"))
            .lines()
            .take_while(|l| !l.is_empty())
            .map(str::trim)
            .collect();
        assert!((2..=4).contains(&examples.len()), "{command:?}: {examples:?}");
        for example in &examples {
            let words: Vec<&str> = example.split_whitespace().collect();
            assert_eq!(words[0], "caseload", "{example}");
            if let Some(sub) = command.first() {
                assert_eq!(words[1], *sub, "{example}");
            }
            // Each parses, and names only shipped scenarios that exist.
            caseload::cli::Cli::try_parse_from(&words).unwrap_or_else(|e| panic!("{example}: {e}"));
            let scenarios: Vec<&str> = words.iter().copied().filter(|w| w.starts_with("scenarios/")).collect();
            for path in &scenarios {
                assert!(root().join(path).is_file(), "{example}: no {path}");
            }
            // Their scenarios, with any --set, check as they stand.
            if !scenarios.is_empty() {
                let sets = words.windows(2).filter(|w| w[0] == "--set").flat_map(|w| w.to_vec());
                caseload(&root())
                    .arg("check")
                    .args(&scenarios)
                    .args(sets)
                    .assert()
                    .code(0);
            }
        }
        assert!(help.contains("Where outputs go"), "{command:?}:\n{help}");
        // Lines are wrapped as written, so join them to find a phrase.
        let joined = help.split_whitespace().collect::<Vec<_>>().join(" ");
        for text in outputs {
            assert!(joined.contains(&text), "{command:?} --help lacks {text:?}:\n{help}");
        }
    }
}

#[test]
fn check_of_a_teams_scenario_says_each_teams_amounts_and_no_council_amounts_of_nought() {
    let output = caseload(&root())
        .args(["check", "scenarios/bury-2018-teams.toml"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    // Each pool's own amounts, on its team's lines.
    for line in [
        "    Social workers: 10 FTE of posts, 9 in post (2 absent), 3 agency, 0.3 experienced hires a month, 2 ASYEs a year.",
        "    Team managers: 5 FTE of posts, 5 in post (1 absent), 1 agency, 0.05 experienced hires a month.",
        "    Independent reviewing officers: 7 FTE of posts, 7 in post (0 absent), 0 agency.",
        "    Social workers: 13 FTE of posts, 12 in post (2 absent), 3 agency, 0.3 experienced hires a month, 1 ASYE a year.",
        "  Child protection team (teams.child_protection): holds child in need, child protection; caseload target 20 to 25.",
    ] {
        assert!(text.contains(line), "no line {line:?} in:\n{text}");
    }
    // What a role changes from the social workers' sections.
    assert!(
        text.contains("Team managers (roles.team_manager): hold 0% of a full caseload; manage social workers; leaving 15% / 12% / 10% / 8% a year by completed years of service; costs a year per FTE permanent £60,000, agency £95,000."),
        "{text}"
    );
    // The council's sections say the terms, not amounts of nought.
    for misleading in [
        "0 experienced hires a month",
        "0 newly qualified workers",
        "Agency: 0 FTE now",
        "£0 a recruiting month",
    ] {
        assert!(!text.contains(misleading), "{misleading:?} in:\n{text}");
    }
    for said in [
        "Recruitment: experienced hires a month by team, above,",
        "ASYE intake: newly qualified workers (the number by team, above) join each September",
        "Agency: by team, above; cover for 100% of unfilled posts and 100% of absence.",
    ] {
        assert!(text.contains(said), "no {said:?} in:\n{text}");
    }
}

#[test]
fn check_of_a_team_with_a_section_the_council_leaves_out_says_it_is_the_teams() {
    let dir = tempfile::tempdir().unwrap();
    let text = crate::common::TEAMS.replace(
        "[teams.care.roles.social_worker]\nworkforce = { establishment_fte = 40, permanent_fte = 36 }",
        "[teams.care.roles.social_worker]\nworkforce = { establishment_fte = 40, permanent_fte = 36 }\nagency = { fte = 4, max_fte = 6 }\nrecruitment = { applicants_per_month = { uniform = [0.5, 1.5] } }",
    );
    assert_ne!(text, crate::common::TEAMS);
    std::fs::write(dir.path().join("teams.toml"), text).unwrap();
    let output = caseload(dir.path()).args(["check", "teams.toml"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    for said in [
        "    Social workers: 40 FTE of posts, 36 in post (0 absent), 4 agency (at most 6 FTE), between 0.5 and 1.5 (uniform) experienced hires a month.",
        "Agency: by team only, above (no council-wide [agency] section).",
        "Recruitment: by team only, above (no council-wide [recruitment] section).",
    ] {
        assert!(text.contains(said), "no {said:?} in:\n{text}");
    }
    assert!(!text.contains("Agency: none"), "{text}");
}
