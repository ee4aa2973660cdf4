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
            caseload::model::Prepared::new(&plain, &layout).simulate(7, run),
            caseload::model::Prepared::new(&dated, &layout).simulate(7, run)
        );
    }
}

// ---------------------------------------------------------------------------
// Charts and report: published values beside the projection

use caseload::output::charts::{self, Chart};
use caseload::scenario::Loaded;

fn bury(sets: &[&str]) -> Loaded {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    caseload::scenario::load(&crate::common::scenario("bury-2022.toml"), &sets).unwrap()
}

fn run_charts(loaded: &Loaded) -> Vec<Chart> {
    let pool = caseload::runner::pool(Some(2)).unwrap();
    let results = caseload::runner::summarise(&[&loaded.scenario], 3, 20, &pool, &|| {});
    charts::run_charts(&loaded.scenario, &results.summaries[0], 3).unwrap()
}

fn svg_of(charts: &[Chart], name: &str) -> String {
    charts.iter().find(|c| c.name == name).unwrap().svg().unwrap()
}

/// The `cx`/`cy` of every circle filled with `colour`, in drawing order.
fn circles(svg: &str, colour: &str) -> Vec<(i64, i64)> {
    let number = |attrs: &str, name: &str| -> i64 {
        let start = attrs.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        attrs[start..].split('"').next().unwrap().parse().unwrap()
    };
    svg.split("<circle")
        .skip(1)
        .map(|rest| &rest[..rest.find("/>").unwrap()])
        .filter(|attrs| attrs.contains(&format!("fill=\"{colour}\"")))
        .map(|attrs| (number(attrs, "cx"), number(attrs, "cy")))
        .collect()
}

/// Opaque polygons (markers, not bands) of a colour.
fn polygons(svg: &str, colour: &str) -> usize {
    svg.split("<polygon")
        .skip(1)
        .map(|rest| &rest[..rest.find("/>").unwrap()])
        .filter(|attrs| attrs.contains(&format!("fill=\"{colour}\"")) && attrs.contains("opacity=\"1\""))
        .count()
}

const INK: &str = "#1A1A1A";
const VERMILLION: &str = "#D55E00";
/// Permanent staff and agency staff on the workforce chart.
const PERMANENT: &str = "#1F4E8C";
const ORANGE: &str = "#E69F00";

#[test]
fn charts_with_history_mark_each_published_value_before_the_projection() {
    let loaded = bury(&[]);
    // Bury's five published Septembers, 2017 to 2021, before April 2022.
    let published = [20.5, 20.2, 17.6, 19.9, 18.9];
    assert_eq!(loaded.scenario.history.len(), 5);
    let all = run_charts(&loaded);

    let caseload = svg_of(&all, "caseload");
    crate::charts::assert_has(
        &caseload,
        "caseload",
        &["Published (30 September)", "Projection from Apr 2022", "Apr 2018"],
    );
    // A dark dot (over a white halo) for each year, and one in the legend.
    let dots = circles(&caseload, INK);
    assert_eq!(dots.len(), published.len() + 1, "{dots:?}");
    assert_eq!(circles(&caseload, "#FFFFFF").len(), published.len() + 1);
    let plotted = &dots[..published.len()];
    // A year apart, left to right, each higher on the page as its value is higher.
    let gaps: Vec<i64> = plotted.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(gaps.iter().all(|g| *g > 0), "{plotted:?}");
    assert!(gaps.iter().max().unwrap() - gaps.iter().min().unwrap() <= 1, "{gaps:?}");
    for i in 0..published.len() {
        for j in 0..published.len() {
            if published[i] > published[j] {
                assert!(plotted[i].1 < plotted[j].1, "{i} above {j}: {plotted:?}");
            }
        }
    }
    // The bands are still the two filled shapes they were: dots are circles.
    assert_eq!(caseload.matches("<polygon").count(), 2);

    let workforce = svg_of(&all, "workforce");
    crate::charts::assert_has(
        &workforce,
        "workforce",
        &[
            "Published in post (30 September)",
            "Published agency",
            "Published vacant posts",
        ],
    );
    // Each in the colour of the line it compares with.
    assert_eq!(
        circles(&workforce, PERMANENT).len(),
        6,
        "in post: five dots and the legend's"
    );
    assert_eq!(
        polygons(&workforce, ORANGE),
        6,
        "agency: five triangles and the legend's"
    );
    assert_eq!(
        polygons(&workforce, VERMILLION),
        6,
        "vacancies: five squares and the legend's"
    );
}

#[test]
fn without_history_the_charts_and_report_show_none() {
    let loaded = bury(&["history=[]"]);
    assert!(loaded.scenario.history.is_empty());
    for chart in run_charts(&loaded) {
        let svg = chart.svg().unwrap();
        let texts = crate::charts::texts(&svg);
        assert!(
            !texts
                .iter()
                .any(|t| t.starts_with("Published") || t.starts_with("Projection from")),
            "{}: {texts:?}",
            chart.name
        );
        assert!(circles(&svg, INK).is_empty(), "{}", chart.name);
        // The axis starts at the projection's first month.
        assert_eq!(chart.x_span().0, 0.0, "{}", chart.name);
        if chart.name == "caseload" {
            let dates = ["Apr 2022", "Oct 2022", "Apr 2023", "Oct 2023", "Apr 2024", "Oct 2024"];
            let months = ["Apr ", "Oct "];
            let shown: Vec<&String> = texts
                .iter()
                .filter(|t| months.iter().any(|m| t.starts_with(m)))
                .collect();
            assert_eq!(shown, dates, "{texts:?}");
        }
    }
}

fn report_of(scenario: &std::path::Path, sets: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("caseload").unwrap();
    cmd.args(["run", "--runs", "20", "--quiet", "--out"])
        .arg(dir.path())
        .arg(scenario);
    for set in sets {
        cmd.args(["--set", set]);
    }
    let output = cmd.assert().success().get_output().stdout.clone();
    let stdout = String::from_utf8(output).unwrap();
    let folder = stdout.trim().rsplit("Wrote ").next().unwrap().trim().to_string();
    std::fs::read_to_string(std::path::Path::new(&folder).join("report.html")).unwrap()
}

/// The rows of the report's history table: each row's cells.
fn history_rows(html: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find("<section id=\"history\">") else {
        return Vec::new();
    };
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    let body = &section[section.find("<tbody>").unwrap()..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let text = &cell[cell.find('>').unwrap() + 1..];
                    text[..text.find("</td>").unwrap()].to_string()
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_report_lists_the_last_five_published_years_as_published() {
    // Worcestershire's history runs from 2017 to 2025: the last five shown.
    let html = report_of(&crate::common::scenario("worcestershire-2025.toml"), &[]);
    let rows = history_rows(&html);
    let dates: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        dates,
        [
            "September 2021",
            "September 2022",
            "September 2023",
            "September 2024",
            "September 2025"
        ]
    );
    // Date, in post, agency, vacancies, caseload: data/la_figures.csv's 2021 and 2025.
    assert_eq!(rows[0], ["September 2021", "262.5", "42.1", "53", "16.4"]);
    assert_eq!(rows[4], ["September 2025", "281.5", "35", "40", "14.6"]);
    assert!(html.contains("What happened before"));

    // Bury: its five years before the start, a value not given said so.
    let html = report_of(&crate::common::scenario("bury-2022.toml"), &[]);
    let rows = history_rows(&html);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[4], ["September 2021", "102.4", "44.8", "46.1", "18.9"]);
    let html = report_of(
        &crate::common::scenario("bury-2022.toml"),
        &[r#"history=[{ date = "2021-09", in_post_fte = 102.4 }]"#],
    );
    assert_eq!(
        history_rows(&html),
        [[
            "September 2021",
            "102.4",
            "not published",
            "not published",
            "not published"
        ]]
    );

    // Without a history, no table at all.
    let html = report_of(&crate::common::scenario("bury-2022.toml"), &["history=[]"]);
    assert!(!html.contains("id=\"history\""));
    assert!(!html.contains("What happened before"));
}
