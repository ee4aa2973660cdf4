//! report.html: self-contained (no network address of any kind), quoting
//! headline.csv's figures to the digit, with every chart inline, the
//! assumptions, and a fingerprint of the resolved scenario.

use assert_cmd::Command;
use caseload::output::headline;
use caseload::output::report::{self, ChartSvg, Settings, Shown};
use caseload::runner;
use sha2::{Digest, Sha256};
use std::path::Path;

fn caseload() -> Command {
    Command::cargo_bin("caseload").unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Anything a browser could fetch, or a web address at all.
fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for bad in [
        "http:",
        "https:",
        "ftp:",
        "ws://",
        "wss://",
        "//www",
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "@import",
        "url(",
        "src=",
        "href=",
        "xlink:",
        "@font-face",
    ] {
        assert!(!lower.contains(bad), "report.html contains {bad:?}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@media print") && html.contains("size: A4"));
}

/// headline.csv's rows (the first column is the scenario in a comparison).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn the_run_report_is_self_contained_and_quotes_headline_csv_to_the_digit() {
    let dir = tempfile::tempdir().unwrap();
    caseload()
        .args(["run", "--runs", "60", "--seed", "4", "--quiet", "--out"])
        .arg(dir.path())
        .arg(crate::common::scenario("bury-2022.toml"))
        .assert()
        .success();
    let folder = dir.path().join("bury-march-2022-position");
    let html = read(&folder.join("report.html"));
    assert_self_contained(&html);

    let rows = csv_rows(&read(&folder.join("headline.csv")));
    let value = |key: &str| {
        rows.iter()
            .find(|r| r[0] == key)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("{key} missing from headline.csv"))
    };
    // Every figure of headline.csv, as the same string, in the table.
    for row in &rows {
        let cell = format!("<td><code>{}</code></td>", row[0]);
        let at = html
            .find(&cell)
            .unwrap_or_else(|| panic!("{} not in the report's table", row[0]));
        let rest = &html[at..];
        let line = &rest[..rest.find("</tr>").unwrap()];
        assert!(
            line.ends_with(&format!("<td class=\"num\">{}</td>", row[1])),
            "{}: the report does not show {:?}: {line}",
            row[0],
            row[1]
        );
    }
    // And in the plain-English headlines, the same strings re-worded only.
    let sentence = format!(
        "In 9 runs out of 10 the average caseload in March 2025 is between <b>{}</b> and <b>{}</b>; the median is <b>{}</b>.",
        value("caseload_end_p05"),
        value("caseload_end_p95"),
        value("caseload_end_median")
    );
    assert!(html.contains(&sentence), "missing: {sentence}");
    let percent = |share: &str| format!("<b>{}%</b>", (share.parse::<f64>().unwrap() * 100.0).round());
    assert!(html.contains(&format!(
        "at or below 25 (the top of the target band) in {} of runs",
        percent(&value("prob_at_or_below_high_end"))
    )));
    assert!(html.contains(&format!(
        "at or below 20 in {} of runs",
        percent(&value("prob_at_or_below_low_end"))
    )));
    let pounds = |text: &str| caseload::scenario::describe::money(text.parse().unwrap());
    assert!(html.contains(&format!("<b>{}</b> in all", pounds(&value("spend_total_mean")))));
    assert!(html.contains(&format!(
        "median permanent workforce is <b>{}</b> FTE",
        value("permanent_fte_end_median")
    )));

    // Every chart inline, by id, with the scenario's assumptions and limits.
    for id in ["chart-caseload", "chart-workforce", "chart-target", "chart-cost"] {
        assert!(html.contains(&format!("<svg id=\"{id}\"")), "{id} missing");
    }
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("<code>recruitment.applicants_per_month</code>"));
    assert!(html.contains("0.75 to 1.75, most likely 1.25"));
    assert!(html.contains("What these numbers do not tell you"));

    // The fingerprint is the SHA-256 of the resolved scenario beside it.
    let resolved = std::fs::read(folder.join("scenario.resolved.toml")).unwrap();
    let hash: String = Sha256::digest(&resolved).iter().map(|b| format!("{b:02x}")).collect();
    assert!(
        html.contains(&hash),
        "the report does not give the resolved file's SHA-256"
    );
    assert!(html.contains("caseload run scenario.resolved.toml --runs 60 --seed 4"));
}

#[test]
fn the_comparison_report_puts_scenarios_side_by_side_with_headline_csv_figures() {
    let dir = tempfile::tempdir().unwrap();
    caseload()
        .args(["compare", "--runs", "30", "--quiet", "--out"])
        .arg(dir.path())
        .arg(crate::common::scenario("bury-2022.toml"))
        .arg(crate::common::scenario("bury-2022-retention.toml"))
        .args([
            "--break-even",
            "payments.retention.leaving_multiplier",
            "--grid",
            "0.6:1:3",
        ])
        .assert()
        .success();
    let folder = dir.path().join("compare-bury-march-2022-position");
    let html = read(&folder.join("report.html"));
    assert_self_contained(&html);

    let rows = csv_rows(&read(&folder.join("headline.csv")));
    let scenarios: Vec<String> = rows.iter().fold(Vec::new(), |mut names, r| {
        if !names.contains(&r[0]) {
            names.push(r[0].clone());
        }
        names
    });
    assert_eq!(scenarios.len(), 2);
    // Each key is a row with one cell per scenario, in headline.csv's order.
    for row in &rows {
        let (scenario, key, value) = (&row[0], &row[1], &row[2]);
        let at = html
            .find(&format!("<code>{key}</code></td>"))
            .unwrap_or_else(|| panic!("{key} not in the side-by-side table"));
        let line = &html[at..at + html[at..].find("</tr>").unwrap()];
        let cells: Vec<&str> = line
            .split("<td class=\"num\">")
            .skip(1)
            .map(|c| c.trim_end_matches("</td>"))
            .collect();
        let column = scenarios.iter().position(|s| s == scenario).unwrap();
        assert_eq!(
            cells[column],
            report::escape(value),
            "{scenario} {key}: the report shows {:?}",
            cells[column]
        );
    }
    for id in [
        "chart-comparison-caseload",
        "chart-comparison-difference",
        "chart-comparison-cost",
    ] {
        assert!(html.contains(&format!("<svg id=\"{id}\"")), "{id} missing");
    }
    assert!(html.contains("Does it pay for itself?"));
    assert!(html.contains("break_even_value"));
    // Both scenarios' resolved files are fingerprinted.
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".resolved.toml") {
            let hash: String = Sha256::digest(std::fs::read(&path).unwrap())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert!(html.contains(&hash), "{} not fingerprinted", path.display());
        }
    }
}

#[test]
fn the_report_is_a_pure_function_that_escapes_what_users_write() {
    let text = format!(
        "name = \"Tom & Jerry's <b>team</b>\"\ndescription = \"<script>alert(1)</script>\"\n{}",
        crate::common::MINIMAL
    );
    let loaded = crate::common::resolve_text(&text, &[]);
    let pool = runner::pool(Some(1)).unwrap();
    let results = runner::summarise(&[&loaded.scenario], 1, 10, &pool, &|| {});
    let summary = &results.summaries[0];
    let headlines = headline::compute(&loaded.scenario, summary, &results.totals[0]);
    let charts: Vec<ChartSvg> = caseload::output::charts::run_charts(&loaded.scenario, summary, 1)
        .unwrap()
        .iter()
        .map(|c| ChartSvg {
            name: c.name.clone(),
            svg: c.svg().unwrap(),
        })
        .collect();
    let shown = Shown {
        loaded: &loaded,
        resolved_name: "scenario.resolved.toml",
        resolved: b"resolved",
    };
    let settings = Settings {
        runs: 10,
        seed: 1,
        sets: &["demand.referrals_per_month=90".to_string()],
    };
    let html = report::run_report(shown, &headlines, &charts, settings);
    assert_eq!(html, report::run_report(shown, &headlines, &charts, settings));
    assert_self_contained(&html);
    assert!(html.contains("Tom &amp; Jerry&#39;s &lt;b&gt;team&lt;/b&gt;"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<code>--set demand.referrals_per_month=90</code>"));
    assert!(html.contains(&report::sha256_hex(b"resolved")));
}
