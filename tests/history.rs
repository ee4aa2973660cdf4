//! The optional `history` key: dated actual values, validated like every
//! other key, resolved in order and described by `check`; the model
//! ignores it.

use crate::common::{MINIMAL, check_text, resolve_text, show};
use caseload::model::params::YearMonth;
use caseload::scenario::describe;

fn with_history(history: &str) -> String {
    format!("history = {history}\n{MINIMAL}")
}

#[test]
fn history_resolves_into_dated_optional_values() {
    let loaded = resolve_text(
        &with_history(
            r#"[
  { date = "2021-09", in_post_fte = 102.4, agency_fte = 44.8, vacancy_fte = 46.1, open_cases = 981, caseload = 18.9, turnover_rate = 0.221 },
  { date = "2022-09", in_post_fte = 103.8 },
]"#,
        ),
        &[],
    );
    let h = &loaded.scenario.history;
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].date, YearMonth::new(2021, 9).unwrap());
    assert_eq!(h[0].open_cases, Some(981.0));
    assert_eq!(h[0].turnover_rate, Some(0.221));
    assert_eq!(h[1].in_post_fte, Some(103.8));
    assert_eq!(h[1].caseload, None);
    assert!(describe::describe(&loaded).contains("History: 2 published yearly values, 2021-09 to 2022-09"));
}

#[test]
fn without_history_there_is_none_and_check_says_nothing_of_it() {
    let loaded = resolve_text(MINIMAL, &[]);
    assert!(loaded.scenario.history.is_empty());
    assert!(!describe::describe(&loaded).contains("History"));
}

#[test]
fn history_may_be_given_as_tables_and_by_set() {
    let text = format!("{MINIMAL}\n[[history]]\ndate = \"2024-03\"\ncaseload = 17.1\n");
    let loaded = resolve_text(&text, &[]);
    assert_eq!(loaded.scenario.history.len(), 1);
    let loaded = resolve_text(MINIMAL, &[r#"history=[{ date = "2024-09", agency_fte = 3 }]"#]);
    assert_eq!(loaded.scenario.history[0].agency_fte, Some(3.0));
    assert!(describe::describe(&loaded).contains("History: 1 dated actual value, 2024-09"));
}

#[test]
fn irregular_dates_are_described_as_dated_values() {
    let loaded = resolve_text(
        &with_history(r#"[{ date = "2024-03", caseload = 17 }, { date = "2024-09", caseload = 18 }]"#),
        &[],
    );
    assert!(describe::describe(&loaded).contains("History: 2 dated actual values, 2024-03 to 2024-09"));
}

/// Each bad history and the problem it must give: (history, location, words).
#[test]
fn bad_history_is_reported_with_its_key_path() {
    let rows = [
        (
            r#"[{ date = "2024-9", caseload = 1 }]"#,
            "history[0].date",
            "expected a month as \"YYYY-MM\"",
        ),
        (r#"[{ caseload = 1 }]"#, "history[0].date", "missing: required"),
        (
            r#"[{ date = "2024-09", caseload = -1 }]"#,
            "history[0].caseload",
            "must be 0 or more",
        ),
        (
            r#"[{ date = "2024-09", in_post_fte = nan }]"#,
            "history[0].in_post_fte",
            "must be a finite number",
        ),
        (
            r#"[{ date = "2024-09", open_cases = inf }]"#,
            "history[0].open_cases",
            "must be a finite number",
        ),
        (
            r#"[{ date = "2024-09" }, { date = "2024-09" }]"#,
            "history[1].date",
            "dates must increase",
        ),
        (
            r#"[{ date = "2024-09" }, { date = "2023-09" }]"#,
            "history[1].date",
            "this is not after \"2024-09\"",
        ),
        (
            r#"[{ date = "2024-09", caseloads = 17 }]"#,
            "history[0].caseloads",
            "unknown key; did you mean `caseload`?",
        ),
        (
            r#"[{ date = "2024-09", caseload = "high" }]"#,
            "history[0].caseload",
            "expected a number",
        ),
        (r#""2024-09""#, "history", "expected an array"),
    ];
    for (history, location, says) in rows {
        let problems = check_text(&with_history(history), &[]).expect_err(history);
        assert!(
            problems
                .iter()
                .any(|p| p.file == "x.toml" && p.location == location && p.message.contains(says)),
            "{history}: expected {location}: {says}; got\n{}",
            show(&problems)
        );
    }
}

#[test]
fn history_does_not_change_a_run() {
    let plain = resolve_text(MINIMAL, &[]).scenario;
    let dated = resolve_text(
        &with_history(r#"[{ date = "2021-09", caseload = 30 }, { date = "2022-03", caseload = 40 }]"#),
        &[],
    )
    .scenario;
    let layout = caseload::runner::layout(&plain);
    for run in 0..3 {
        assert_eq!(
            caseload::model::simulate(&plain, &layout, 7, run),
            caseload::model::simulate(&dated, &layout, 7, run)
        );
    }
}
