//! results.xlsx read back as a spreadsheet program reads it (calamine):
//! the sheets of INTERFACE.md, typed cells holding the CSVs' values, an
//! infinite caseload as an empty cell with a note, "£" in a scenario's
//! name; and the warning when runs.csv is too long for Excel.

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx};
use caseload::output::{assumptions, headline, xlsx};
use caseload::runner;
use std::io::{Cursor, Read};
use std::path::Path;

fn caseload() -> Command {
    Command::cargo_bin("caseload").unwrap()
}

/// Runs `caseload` with `args` and `--out dir --quiet`; returns its stderr.
fn run_in(dir: &Path, args: &[&str]) -> String {
    let output = caseload()
        .args(args)
        .arg("--out")
        .arg(dir.join("out"))
        .arg("--quiet")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{args:?} failed:\n{stderr}");
    stderr
}

/// Writes a scenario file into `dir`; returns its path as text.
fn scenario_file(dir: &Path, file: &str, text: &str) -> String {
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().to_string()
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap()
}

/// A sheet's cells, row by row from A1.
fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(name).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1 (its title)");
    range.rows().map(<[Data]>::to_vec).collect()
}

/// The column under the header `name` (headers are on the second row).
fn column(rows: &[Vec<Data>], name: &str) -> usize {
    rows[1]
        .iter()
        .position(|c| *c == Data::String(name.to_string()))
        .unwrap_or_else(|| panic!("no column {name:?} in {:?}", rows[1]))
}

/// A CSV's records, header first.
fn csv_records(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// A CSV's number as the workbook must hold it: the same float, or an
/// empty cell for an infinity.
fn expected_cell(csv: &str) -> Data {
    match csv {
        "inf" | "-inf" => Data::Empty,
        _ => Data::Float(csv.parse().unwrap()),
    }
}

/// A headline value as the workbook must hold it: a number, a month or a
/// word as text, or an empty cell for an infinity.
fn expected_headline(value: &str) -> Data {
    let is_month = value.len() == 7 && value.as_bytes()[4] == b'-';
    match value.parse::<f64>() {
        Ok(x) if x.is_finite() && !is_month => Data::Float(x),
        _ if value == "inf" || value == "-inf" => Data::Empty,
        _ => Data::String(value.to_string()),
    }
}

/// Every monthly row of the sheet equals the CSV's statistics: the CSV's
/// rows are `labels..., month, metric, stats...` and `stat_columns` maps
/// each sheet header word to the CSV's column.
fn assert_monthly_sheet_matches(rows: &[Vec<Data>], csv: &[Vec<String>], labels: usize, stat_columns: &[(&str, &str)]) {
    let header = &csv[0];
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let month_col = column(rows, "month");
    assert_eq!(month_col, labels, "the month follows the labels");
    let mut checked = 0;
    for record in &csv[1..] {
        let month = &record[at("month")];
        let metric = &record[at("metric")];
        let row = rows[2..]
            .iter()
            .find(|r| {
                r[month_col] == Data::String(month.clone())
                    && (0..labels).all(|c| r[c] == Data::String(record[c].clone()))
            })
            .unwrap_or_else(|| panic!("no row for {:?} {month}", &record[..labels]));
        for (word, csv_column) in stat_columns {
            if *word == "mean" && !metric.starts_with("at_or_below_") {
                continue;
            }
            let cell = &row[column(rows, &format!("{metric} {word}"))];
            assert_eq!(
                *cell,
                expected_cell(&record[at(csv_column)]),
                "{:?} {month} {metric} {word}",
                &record[..labels]
            );
            checked += 1;
        }
    }
    assert!(checked > 3 * (csv.len() - 1) - 1, "checked {checked} cells");
}

/// The part of the workbook's zip named `name`, as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn a_run_writes_results_xlsx_with_typed_cells_equal_to_the_csvs() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario_file(dir.path(), "full.toml", crate::common::FULL);
    run_in(dir.path(), &["run", &file, "--runs", "40"]);
    let folder = dir.path().join("out").join("everything");
    let bytes = std::fs::read(folder.join("results.xlsx")).unwrap();
    let mut book = open(&bytes);
    assert_eq!(book.sheet_names(), ["Headline", "Summary", "Assumptions"]);

    // Summary: a row per month, every measure's median and 90% range equal
    // to summary.csv's, months as text.
    let summary = sheet(&mut book, "Summary");
    assert_eq!(summary.len(), 2 + 36, "title, header, 36 months");
    assert_eq!(summary[2][0], Data::String("2022-04".into()));
    assert_eq!(summary[37][0], Data::String("2025-03".into()));
    assert!(matches!(
        summary[2][column(&summary, "caseload median")],
        Data::Float(_)
    ));
    let csv = csv_records(&folder.join("summary.csv"));
    // summary.csv's scenario column is not on a run's sheet.
    let csv: Vec<Vec<String>> = csv.into_iter().map(|r| r[1..].to_vec()).collect();
    assert_monthly_sheet_matches(
        &summary,
        &csv,
        0,
        &[("median", "p50"), ("p05", "p05"), ("p95", "p95"), ("mean", "mean")],
    );

    // Headline: headline.csv's rows, typed.
    let headline = sheet(&mut book, "Headline");
    assert_eq!(
        headline[1][..3],
        [
            Data::String("key".into()),
            Data::String("value".into()),
            Data::String("what it is".into())
        ]
    );
    let csv = csv_records(&folder.join("headline.csv"));
    assert_eq!(headline.len() - 2, csv.len() - 1, "a row per headline");
    for (row, record) in headline[2..].iter().zip(&csv[1..]) {
        assert_eq!(row[0], Data::String(record[0].clone()));
        assert_eq!(row[1], expected_headline(&record[1]), "{}", record[0]);
    }
    let value = |key: &str| {
        let row = headline[2..].iter().find(|r| r[0] == Data::String(key.into())).unwrap();
        row[1].clone()
    };
    assert!(matches!(value("spend_total_mean"), Data::Float(x) if x > 0.0));
    assert!(matches!(value("end_month"), Data::String(m) if m == "2025-03"));

    // Assumptions: the report's table, a row per assumption, its key path
    // in its own column.
    let assumptions = sheet(&mut book, "Assumptions");
    let key = column(&assumptions, "Key in the scenario file");
    let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(assumptions.len() > 2 + 5);
    for row in &assumptions[2..] {
        let Data::String(k) = &row[key] else { panic!("{row:?}") };
        assert!(
            html.contains(&format!("<code>{k}</code>")),
            "{k} not in the report's table"
        );
        assert!(matches!(&row[0], Data::String(w) if !w.is_empty()));
    }

    // Frozen headers on every sheet; £ and % formats in the styles.
    for n in 1..=3 {
        let xml = part(&bytes, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            xml.contains("ySplit=\"2\"") && xml.contains("state=\"frozen\""),
            "sheet{n}"
        );
        assert!(xml.contains("<col "), "sheet{n} has column widths");
    }
    let styles = part(&bytes, "xl/styles.xml");
    for code in ["£#,##0;-£#,##0", "0.0%", "0%"] {
        assert!(styles.contains(&format!("formatCode=\"{code}\"")), "{code} missing");
    }
}

#[test]
fn a_comparison_writes_results_xlsx_with_differences_and_a_pound_sign_intact() {
    let dir = tempfile::tempdir().unwrap();
    let name = "Bonus of £4,000 — “doubled”";
    let base = scenario_file(
        dir.path(),
        "base.toml",
        &crate::common::FULL.replace("Everything", "Baseline"),
    );
    let variant = scenario_file(
        dir.path(),
        "variant.toml",
        &crate::common::FULL
            .replace("Everything", name)
            .replace("amount = 2000.0", "amount = 4000.0"),
    );
    run_in(dir.path(), &["compare", &base, &variant, "--runs", "40"]);
    let folder = dir.path().join("out").join("compare-baseline");
    let bytes = std::fs::read(folder.join("results.xlsx")).unwrap();
    let mut book = open(&bytes);
    assert_eq!(
        book.sheet_names(),
        ["Headline", "Summary", "Differences", "Assumptions"]
    );

    let headline = sheet(&mut book, "Headline");
    assert_eq!(
        headline[1][..3],
        ["scenario", "key", "value"].map(|h| Data::String(h.into()))
    );
    let csv = csv_records(&folder.join("headline.csv"));
    assert_eq!(headline.len() - 2, csv.len() - 1, "a row per headline");
    for (row, record) in headline[2..].iter().zip(&csv[1..]) {
        assert_eq!(row[0], Data::String(record[0].clone()));
        assert_eq!(row[1], Data::String(record[1].clone()));
        assert_eq!(row[2], expected_headline(&record[2]), "{} {}", record[0], record[1]);
    }
    // The name with "£", a dash and curly quotes, as written.
    assert!(headline.iter().any(|r| r[0] == Data::String(name.into())));
    let net = headline[2..]
        .iter()
        .find(|r| r[1] == Data::String("net_cost_mean".into()))
        .unwrap();
    assert_eq!(net[0], Data::String(name.into()));
    assert!(matches!(net[2], Data::Float(_)));

    let summary = sheet(&mut book, "Summary");
    assert_eq!(summary.len(), 2 + 2 * 36, "title, header, 36 months of each");
    assert_eq!(column(&summary, "scenario"), 0);
    let csv = csv_records(&folder.join("summary.csv"));
    assert_monthly_sheet_matches(&summary, &csv, 1, &[("median", "p50"), ("p05", "p05"), ("p95", "p95")]);

    let differences = sheet(&mut book, "Differences");
    assert_eq!(differences.len(), 2 + 36);
    assert_eq!(
        differences[2][..2],
        [Data::String(name.into()), Data::String("Baseline".into())]
    );
    let csv = csv_records(&folder.join("differences.csv"));
    assert_monthly_sheet_matches(
        &differences,
        &csv,
        2,
        &[("median", "p50"), ("p05", "p05"), ("p95", "p95"), ("mean", "mean")],
    );
    // The payment doubled, so spend differs by the end: the sheet shows it.
    let payments = column(&differences, "cost_cumulative median");
    assert!(matches!(differences[37][payments], Data::Float(x) if x > 0.0));

    let assumptions = sheet(&mut book, "Assumptions");
    assert_eq!(
        assumptions[1],
        ["Assumption", "Unit", "Baseline", name, "Key in the scenario file"].map(|h| Data::String(h.into()))
    );
}

/// A service with nobody to hold cases (as in tests/engine.rs).
const NO_CAPACITY: &str = r#"
name = "Nobody"
start = "2024-01"
months = 12
[workforce]
establishment_fte = 10
permanent_fte = 0
annual_leaving_by_service_year = [0.0]
[demand]
referrals_per_month = 50
[[cases]]
name = "cin"
open = 40
entry_share = 0.8
mean_months = 4
"#;

#[test]
fn an_infinite_caseload_is_an_empty_cell_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario_file(dir.path(), "nobody.toml", NO_CAPACITY);
    run_in(dir.path(), &["run", &file, "--runs", "10"]);
    let folder = dir.path().join("out").join("nobody");
    let bytes = std::fs::read(folder.join("results.xlsx")).unwrap();
    let mut book = open(&bytes);

    // summary.csv says inf; the workbook leaves the cell empty.
    let csv = std::fs::read_to_string(folder.join("summary.csv")).unwrap();
    assert!(csv.contains(",2024-12,caseload,inf,inf,inf,inf,inf,inf"), "{csv}");
    let summary = sheet(&mut book, "Summary");
    assert!(matches!(&summary[0][0], Data::String(t) if t.contains("An empty cell is infinite")));
    let median = column(&summary, "caseload median");
    for row in &summary[2..] {
        assert_eq!(row[median], Data::Empty, "{:?}", row[0]);
        assert_eq!(row[median + 1], Data::Empty);
        assert_eq!(row[median + 2], Data::Empty);
    }

    let headline = sheet(&mut book, "Headline");
    let (r, row) = headline
        .iter()
        .enumerate()
        .find(|(_, r)| r[0] == Data::String("caseload_end_median".into()))
        .unwrap();
    assert_eq!(row[1], Data::Empty);
    let note = column(&headline, "note");
    let Data::String(visible) = &row[note] else {
        panic!("{row:?}")
    };
    assert!(visible.contains("no case-holding capacity"), "{visible}");

    // And as an Excel note on the empty cell (B, the value column).
    let rels = part(&bytes, "xl/worksheets/_rels/sheet1.xml.rels");
    let target = rels
        .split("Target=\"../")
        .skip(1)
        .map(|t| t.split('"').next().unwrap())
        .find(|t| t.starts_with("comments"))
        .expect("the Headline sheet has notes");
    let comments = part(&bytes, &format!("xl/{target}"));
    let cell = format!("<comment ref=\"B{}\"", r + 1);
    let at = comments
        .find(&cell)
        .unwrap_or_else(|| panic!("no note on B{}: {comments}", r + 1));
    let text = &comments[at..];
    let text = &text[..text.find("</comment>").unwrap()];
    assert!(text.contains("no case-holding capacity"), "{text}");
}

#[test]
fn the_workbook_is_a_pure_function_of_its_inputs() {
    let loaded = crate::common::resolve_text(crate::common::MINIMAL, &[]);
    let s = &loaded.scenario;
    let pool = runner::pool(Some(1)).unwrap();
    let results = runner::summarise(&[s], 1, 10, &pool, &|| {});
    let summary = &results.summaries[0];
    let headlines = headline::run_headlines(
        &caseload::analysis::headline::RunHeadline::of(s, summary, &results.totals[0]).unwrap(),
    );
    let table = assumptions::assumption_table(&[s]);
    let make = || xlsx::run_workbook((&s.name, s.start, summary), &headlines, &table).unwrap();
    let bytes = make();
    assert_eq!(bytes, make(), "the same inputs make the same bytes");
    let mut book = open(&bytes);
    assert_eq!(sheet(&mut book, "Summary").len(), 2 + 12);
}

#[test]
fn per_run_past_excels_last_row_warns_and_still_writes_runs_csv() {
    let dir = tempfile::tempdir().unwrap();
    // 1,748 runs of 600 months and a header: 1,048,801 rows, past Excel's
    // 1,048,576. A tiny service keeps it quick.
    let tiny = r#"
name = "Tiny"
start = "2022-04"
months = 600
[workforce]
establishment_fte = 1
permanent_fte = 1
annual_leaving_by_service_year = [0.0]
[demand]
referrals_per_month = 0
[[cases]]
name = "cin"
open = 0
mean_months = 2
"#;
    let file = scenario_file(dir.path(), "tiny.toml", tiny);
    let stderr = run_in(dir.path(), &["run", &file, "--runs", "1748", "--per-run"]);
    assert!(
        stderr.contains("warning: runs.csv has 1,048,801 rows, more than the 1,048,576 Excel can open"),
        "{stderr}"
    );
    assert!(stderr.contains("R, Python or Power BI"), "{stderr}");
    let runs = std::fs::read(dir.path().join("out").join("tiny").join("runs.csv")).unwrap();
    assert_eq!(runs.iter().filter(|b| **b == b'\n').count(), 1_048_801);

    // Within the limit (the boundary itself is unit-tested), nothing is said.
    let stderr = run_in(dir.path(), &["run", &file, "--runs", "2", "--per-run"]);
    assert!(!stderr.contains("Excel"), "{stderr}");
}
