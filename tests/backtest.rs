//! `caseload backtest`: a council's projection from an earlier year against
//! what it published since. The folder and its files; the published values
//! read straight from data/la_figures.csv, independently of `caseload::la`;
//! band flags and coverage counts that agree with the percentiles and with
//! each other; the caseload on the published basis; refusals with exit 2;
//! and every council at once.

use crate::common::root;
use assert_cmd::Command;
use caseload::backtest::{self, Measure};
use caseload::la::Figures;
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

fn caseload() -> Command {
    Command::cargo_bin("caseload").unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A CSV as rows of column -> text.
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn header(text: &str) -> String {
    text.lines().next().unwrap().to_string()
}

/// A published value from data/la_figures.csv, or None.
fn published(la: &str, year: i32, column: &str) -> Option<f64> {
    let text = read(&root().join("data/la_figures.csv"));
    rows(&text)
        .into_iter()
        .find(|r| r["la_name"] == la && r["year"] == year.to_string())
        .and_then(|r| r[column].parse().ok())
}

/// Runs `caseload backtest ARGS --quiet --out DIR`, which must succeed; its stdout.
fn backtest_into(dir: &Path, args: &[&str]) -> String {
    let output = caseload()
        .arg("backtest")
        .args(args)
        .args(["--quiet", "--out"])
        .arg(dir)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

fn num(text: &str) -> f64 {
    text.parse().unwrap_or_else(|_| panic!("{text:?} is not a number"))
}

#[test]
fn a_council_backtest_writes_a_row_per_measure_and_later_year_with_consistent_counts() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = backtest_into(dir.path(), &["--la", "bury", "--from", "2021", "--runs", "40"]);
    let folder = dir.path().join("backtest-bury-2021");
    for name in [
        "backtest.csv",
        "coverage.csv",
        "report.html",
        "scenario.resolved.toml",
        "backtest-in-post.png",
        "backtest-in-post.svg",
        "backtest-agency.png",
        "backtest-agency.svg",
        "backtest-caseload.png",
        "backtest-caseload.svg",
    ] {
        assert!(folder.join(name).is_file(), "{name} missing");
    }

    let text = read(&folder.join("backtest.csv"));
    assert_eq!(header(&text), "measure,date,actual,p05,p25,p50,p75,p95,in_50,in_90");
    let table = rows(&text);
    // Three measures, each at 30 September 2022 to 2025 (Bury's latest).
    assert_eq!(table.len(), 12);
    let columns = [
        ("in_post", "inpost_fte"),
        ("agency", "agency_fte"),
        ("caseload", "caseload_fte"),
    ];
    let mut i = 0;
    for (measure, column) in columns {
        for year in 2022..=2025 {
            let r = &table[i];
            i += 1;
            assert_eq!(
                (r["measure"].as_str(), r["date"].as_str()),
                (measure, format!("{year}-09").as_str())
            );
            assert_eq!(
                Some(num(&r["actual"])),
                published("Bury", year, column),
                "{measure} {year}"
            );
            let p: Vec<f64> = ["p05", "p25", "p50", "p75", "p95"]
                .iter()
                .map(|k| num(&r[*k]))
                .collect();
            assert!(p.windows(2).all(|w| w[0] <= w[1]), "{measure} {year}: {p:?}");
            let a = num(&r["actual"]);
            let flag = |inside: bool| if inside { "1" } else { "0" };
            assert_eq!(r["in_50"], flag(p[1] <= a && a <= p[3]), "{measure} {year}");
            assert_eq!(r["in_90"], flag(p[0] <= a && a <= p[4]), "{measure} {year}");
        }
    }

    // coverage.csv counts what backtest.csv flags; stdout and the report say the same.
    let coverage = rows(&read(&folder.join("coverage.csv")));
    assert_eq!(coverage.len(), 3);
    let html = read(&folder.join("report.html"));
    for (c, (measure, _)) in coverage.iter().zip(columns) {
        assert_eq!((c["council"].as_str(), c["measure"].as_str()), ("Bury", measure));
        let mine: Vec<_> = table.iter().filter(|r| r["measure"] == measure).collect();
        let count = |key: &str| mine.iter().filter(|r| r[key] == "1").count();
        assert_eq!(c["n"], "4");
        assert_eq!(c["in_50"], count("in_50").to_string(), "{measure}");
        assert_eq!(c["in_90"], count("in_90").to_string(), "{measure}");
        let mae = mine
            .iter()
            .map(|r| (num(&r["p50"]) - num(&r["actual"])).abs())
            .sum::<f64>()
            / 4.0;
        assert!(
            (num(&c["mae"]) - mae).abs() < 2e-4,
            "{measure}: {} against {mae}",
            c["mae"]
        );
        let sentence = format!("{} of 4 (", count("in_90"));
        assert!(stdout.contains(&sentence), "{stdout}");
        assert!(html.contains(&format!("{} of 4 (", count("in_50"))));
    }
    assert!(stdout.contains("Wrote "), "{stdout}");

    // The report: self-contained, every chart inline, how to repeat it.
    for id in [
        "chart-backtest-in-post",
        "chart-backtest-agency",
        "chart-backtest-caseload",
    ] {
        assert!(html.contains(&format!("<svg id=\"{id}\"")), "{id}");
    }
    assert!(!html.to_lowercase().contains("http"));
    assert!(html.contains("caseload backtest --la Bury --from 2021 --runs 40 --seed 1"));

    // The chart shows the actual values as diamonds, with their legend label.
    crate::charts::assert_has(
        &read(&folder.join("backtest-in-post.svg")),
        "backtest-in-post",
        &[
            "What happened (published 30 September)",
            "Published before the start",
            "Median",
        ],
    );

    // The scenario used: 48 months to September 2025, the later years' posts.
    let resolved = read(&folder.join("scenario.resolved.toml"));
    assert!(resolved.contains("months = 48"), "{resolved}");
    caseload()
        .arg("check")
        .arg(folder.join("scenario.resolved.toml"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Establishment 148.5 FTE; 50.8 FTE from October 2022;",
        ));
}

#[test]
fn the_scenario_reads_figures_to_its_year_and_takes_later_posts_as_given() {
    let figures = Figures::embedded().unwrap();
    let bury = figures.find("Bury").unwrap().council;
    let setup = backtest::setup(&figures, bury, 2021).unwrap();
    // What `new --la Bury --year 2021` writes, from figures to 2021 only.
    let then = Figures {
        england: figures.england.truncated(2021),
        councils: figures.councils.iter().map(|c| c.truncated(2021)).collect(),
    };
    let bury_then = then.find("Bury").unwrap().council;
    assert_eq!(
        setup.text,
        caseload::la::scenario::build(&then, bury_then, 2021).unwrap().text
    );
    let s = &setup.loaded.scenario;
    assert_eq!(
        (s.start.to_string(), s.months, setup.to),
        ("2021-10".to_string(), 48, 2025)
    );
    // From each October the establishment is that September's in post + vacancies.
    let w = &s.workforce;
    let mut e = w.establishment_fte;
    assert!((e - (102.4 + 46.1)).abs() < 1e-9);
    let months: Vec<String> = w.establishment_changes.iter().map(|c| c.from.to_string()).collect();
    assert_eq!(months, ["2022-10", "2023-10", "2024-10"]);
    for (change, year) in w.establishment_changes.iter().zip(2022..) {
        e += change.change_fte;
        let published =
            published("Bury", year, "inpost_fte").unwrap() + published("Bury", year, "vacancy_fte").unwrap();
        assert!((e - published).abs() < 0.011, "{year}: {e} against {published}");
    }
    // The caseload is put on the published basis: sickness days counted back.
    let sickness = published("Bury", 2021, "working_days_lost_fte").unwrap() / 102.4;
    assert!((setup.caseload_basis - (1.0 - (sickness * 10.0).round() / 10.0 / 225.0)).abs() < 1e-9);

    let pool = caseload::runner::pool(Some(2)).unwrap();
    let results = caseload::runner::summarise(&[s], 5, 30, &pool, &|| {});
    let summary = &results.summaries[0];
    let changes = backtest::ChangeRatios::of(&figures, 2021);
    let b = backtest::compare(setup.clone(), summary, &changes).unwrap();
    // Both benchmarks start from what Bury published at 30 September 2021.
    let start = published("Bury", 2021, "inpost_fte").unwrap();
    for r in b.rows.iter().filter(|r| r.measure == Measure::InPost) {
        let bench = r.benchmarks.unwrap();
        assert_eq!(bench.no_change, [start; 5]);
        let ratios = changes.for_years(Measure::InPost, r.years_ahead).unwrap();
        assert_eq!(bench.pooled_change, ratios.q.map(|q| start * q));
    }
    // The change ratios of another year are refused.
    let other = backtest::ChangeRatios::of(&figures, 2022);
    assert!(backtest::compare(setup.clone(), summary, &other).is_err());
    let k = summary.index("caseload").unwrap();
    let row = b
        .rows
        .iter()
        .find(|r| r.measure == Measure::Caseload && r.years_ahead == 2)
        .unwrap();
    assert_eq!(row.date.to_string(), "2023-09");
    let cell = summary.cell(23, k);
    for (mine, model) in row.p.iter().zip(cell.p) {
        assert!((mine - model * setup.caseload_basis).abs() < 1e-9);
    }
    let k = summary.index("permanent_fte").unwrap();
    let row = b
        .rows
        .iter()
        .find(|r| r.measure == Measure::InPost && r.years_ahead == 4)
        .unwrap();
    assert_eq!(row.p, summary.cell(47, k).p);
}

#[test]
fn a_misspelt_council_is_exit_2_with_suggestions() {
    caseload()
        .args(["backtest", "--la", "Bery", "--from", "2021", "--quiet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean").and(predicate::str::contains("\"Bury\"")));
}

#[test]
fn a_year_with_nothing_published_after_it_is_exit_2_listing_the_usable_years() {
    for from in ["2025", "2012"] {
        caseload()
            .args(["backtest", "--la", "Bury", "--from", from, "--quiet"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "years a backtest can start from: 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024",
            ));
    }
    caseload()
        .args(["backtest", "--all", "--from", "2025", "--quiet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("years a backtest can start from: 2017,"));
    // --la and --all together, or neither: a usage error.
    caseload()
        .args(["backtest", "--all", "--la", "Bury", "--from", "2021"])
        .assert()
        .code(2);
    // Neither: the message offers both, not --la alone.
    caseload()
        .args(["backtest", "--from", "2021"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "give --la NAME (one council, as for `new --la`) or --all",
        ));
}

#[test]
fn backtest_all_covers_every_council_and_pools_their_counts() {
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let stdout = backtest_into(dir.path(), &["--all", "--from", "2022", "--runs", "20"]);
    let elapsed = started.elapsed();
    let folder = dir.path().join("backtest-all-2022");

    // The console says where the councils not backtested are listed.
    assert!(
        stdout.contains("not backtested (report.html lists them, with why)"),
        "{stdout}"
    );

    let figures = Figures::embedded().unwrap();
    let expected: Vec<&str> = figures
        .councils
        .iter()
        .filter(|c| backtest::usable_years(c).contains(&2022))
        .map(|c| c.name.as_str())
        .collect();
    assert!(expected.len() >= 140, "{}", expected.len());

    let coverage_text = read(&folder.join("coverage.csv"));
    assert_eq!(
        header(&coverage_text),
        "council,measure,n,in_50,in_90,mae,mean_error,mae_percent,mean_error_percent"
    );
    let coverage = rows(&coverage_text);
    let councils: Vec<&str> = coverage.iter().step_by(3).map(|r| r["council"].as_str()).collect();
    assert_eq!(councils, expected, "every council with 2022 figures and a later year");
    assert_eq!(coverage.len(), 3 * expected.len());

    // Every row of backtest.csv is one council's, flagged as its coverage counts.
    let all = rows(&read(&folder.join("backtest.csv")));
    for c in &coverage {
        let mine: Vec<_> = all
            .iter()
            .filter(|r| r["council"] == c["council"] && r["measure"] == c["measure"])
            .collect();
        let published = mine.iter().filter(|r| !r["actual"].is_empty()).count();
        assert_eq!(c["n"], published.to_string(), "{} {}", c["council"], c["measure"]);
        for key in ["in_50", "in_90"] {
            let inside = mine.iter().filter(|r| r[key] == "1").count();
            assert_eq!(c[key], inside.to_string(), "{} {} {key}", c["council"], c["measure"]);
        }
    }

    // The summary pools them: over all years, then one, two, three years on.
    let summary = rows(&read(&folder.join("summary.csv")));
    for measure in ["in_post", "agency", "caseload"] {
        let mine: Vec<_> = coverage.iter().filter(|r| r["measure"] == measure).collect();
        let total = |key: &str| mine.iter().map(|r| num(&r[key]) as usize).sum::<usize>();
        let pooled = summary
            .iter()
            .find(|r| r["measure"] == measure && r["years_ahead"] == "all")
            .unwrap();
        for key in ["n", "in_50", "in_90"] {
            assert_eq!(pooled[key], total(key).to_string(), "{measure} {key}");
        }
        let by_year: usize = summary
            .iter()
            .filter(|r| r["measure"] == measure && r["years_ahead"] != "all")
            .map(|r| num(&r["n"]) as usize)
            .sum();
        assert_eq!(by_year, total("n"), "{measure}");
        let share = num(&pooled["share_in_90"]);
        assert!((share - total("in_90") as f64 / total("n") as f64).abs() < 1e-4);
        assert!(
            stdout.contains(&format!("{} of {} (", total("in_90"), total("n"))),
            "{stdout}"
        );
    }
    assert!(read(&folder.join("report.html")).contains("Council by council"));
    eprintln!("backtest --all --runs 20: {elapsed:?}");
}

#[test]
fn a_published_value_equal_to_a_band_edge_as_printed_counts_as_inside() {
    use caseload::backtest::Row;
    use caseload::model::params::YearMonth;
    let row = |actual: f64, p: [f64; 5]| Row {
        measure: Measure::InPost,
        date: YearMonth::new(2023, 9).unwrap(),
        years_ahead: 1,
        actual: Some(actual),
        p,
        benchmarks: Err(backtest::NoBenchmark::NoStartValue),
    };
    // 20.5 published; p95 20.50004 before rounding, 20.5 as printed.
    let above = row(20.500_04, [10.0, 12.0, 15.0, 18.0, 20.5]);
    let edge = row(20.5, [10.0, 12.0, 15.0, 18.0, 20.499_96]);
    let low_edge = row(10.0, [10.000_04, 12.0, 15.0, 18.0, 20.5]);
    let outside = row(20.5, [10.0, 12.0, 15.0, 18.0, 20.4999]);
    for r in [above, edge, low_edge] {
        assert_eq!(r.in_90(), Some(true), "{r:?}");
        assert_eq!(r.in_50(), Some(false), "{r:?}");
    }
    assert_eq!(outside.in_90(), Some(false));
    let csv = String::from_utf8(caseload::output::backtest::backtest_csv(&[edge, outside]).unwrap()).unwrap();
    let printed = rows(&csv);
    // As printed, the published value is p95 itself, and it is inside.
    assert_eq!(
        (printed[0]["actual"].as_str(), printed[0]["p95"].as_str()),
        ("20.5", "20.5")
    );
    assert_eq!(printed[0]["in_90"], "1");
    assert_eq!(
        (printed[1]["p95"].as_str(), printed[1]["in_90"].as_str()),
        ("20.4999", "0")
    );
    let c = backtest::coverage(Measure::InPost, &[edge, outside]);
    assert_eq!((c.n, c.in_90), (2, 1));
}

const SCORES_HEADER: &str =
    "origin,measure,years_ahead,forecast,n,in_50,in_90,coverage_50,coverage_90,mae,interval_score_50,interval_score_90";

/// The scores.csv row of a group and forecast.
fn score<'a>(
    scores: &'a [BTreeMap<String, String>],
    origin: &str,
    measure: &str,
    years: &str,
    forecast: &str,
) -> &'a BTreeMap<String, String> {
    scores
        .iter()
        .find(|r| {
            r["origin"] == origin && r["measure"] == measure && r["years_ahead"] == years && r["forecast"] == forecast
        })
        .unwrap_or_else(|| panic!("no scores.csv row for {origin} {measure} {years} {forecast}"))
}

#[test]
fn a_council_from_a_range_of_years_backtests_each_year_and_scores_them_with_the_benchmarks() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = backtest_into(
        dir.path(),
        &["--la", "City of London", "--from", "2019..2020", "--runs", "50"],
    );
    let folder = dir.path().join("backtest-city-of-london-2019-2020");
    for name in [
        "backtest.csv",
        "coverage.csv",
        "scores.csv",
        "report.html",
        "scenario-2019.resolved.toml",
        "scenario-2020.resolved.toml",
        "backtest-in-post-2019.svg",
        "backtest-caseload-2020.png",
        "coverage_by_years_ahead.png",
        "coverage_by_years_ahead.svg",
    ] {
        assert!(folder.join(name).is_file(), "{name} missing");
    }

    // backtest.csv: the year projected from first; 2019 to 2025 and 2020 to 2025.
    let text = read(&folder.join("backtest.csv"));
    assert_eq!(
        header(&text),
        "origin,measure,date,actual,p05,p25,p50,p75,p95,in_50,in_90"
    );
    let table = rows(&text);
    assert_eq!(table.len(), 3 * 6 + 3 * 5);
    assert!(table.iter().all(|r| !r["actual"].is_empty()), "every value published");

    // scores.csv: the model counts what backtest.csv flags, pooled and by year.
    let scores_text = read(&folder.join("scores.csv"));
    assert_eq!(header(&scores_text), SCORES_HEADER);
    let scores = rows(&scores_text);
    for (measure, column) in [
        ("in_post", "inpost_fte"),
        ("agency", "agency_fte"),
        ("caseload", "caseload_fte"),
    ] {
        for origin in ["all", "2019", "2020"] {
            let mine: Vec<_> = table
                .iter()
                .filter(|r| r["measure"] == measure && (origin == "all" || r["origin"] == origin))
                .collect();
            let model = score(&scores, origin, measure, "all", "model");
            let count = |key: &str| mine.iter().filter(|r| r[key] == "1").count().to_string();
            assert_eq!(model["n"], mine.len().to_string(), "{measure} {origin}");
            assert_eq!((&model["in_50"], &model["in_90"]), (&count("in_50"), &count("in_90")));
            let mae = mine
                .iter()
                .map(|r| (num(&r["p50"]) - num(&r["actual"])).abs())
                .sum::<f64>()
                / mine.len() as f64;
            assert!((num(&model["mae"]) - mae).abs() < 2e-4, "{measure} {origin}");
            // 90% interval score: width plus 20 times any miss.
            let is90 = mine
                .iter()
                .map(|r| {
                    let (l, u, x) = (num(&r["p05"]), num(&r["p95"]), num(&r["actual"]));
                    (u - l) + 20.0 * ((l - x).max(0.0) + (x - u).max(0.0))
                })
                .sum::<f64>()
                / mine.len() as f64;
            assert!(
                (num(&model["interval_score_90"]) - is90).abs() < 5e-3,
                "{measure} {origin}"
            );
            // No change: the value published at the start, a point.
            let no_change = score(&scores, origin, measure, "all", "no_change");
            let mae = mine
                .iter()
                .map(|r| {
                    let start = published("City of London", num(&r["origin"]) as i32, column).unwrap();
                    (start - num(&r["actual"])).abs()
                })
                .sum::<f64>()
                / mine.len() as f64;
            assert!((num(&no_change["mae"]) - mae).abs() < 1e-4, "{measure} {origin}");
            assert_eq!(
                no_change["in_90"], no_change["in_50"],
                "a point forecast's bands are one"
            );
            assert_eq!(score(&scores, origin, measure, "all", "pooled_change")["n"], model["n"]);
        }
    }

    // The report: the scores against the benchmarks, each year's charts, the
    // coverage chart, and the command that repeats it all.
    let html = read(&folder.join("report.html"));
    for text in [
        "Against two simple forecasts",
        "9 in 10 published values should fall in the 90% band",
        "Year by year",
        "<svg id=\"chart-backtest-in-post-2019\"",
        "<svg id=\"chart-backtest-caseload-2020\"",
        "<svg id=\"chart-coverage_by_years_ahead\"",
        "caseload backtest --la &quot;City of London&quot; --from 2019..2020 --runs 50 --seed 1",
        "scenario-2020.resolved.toml",
    ] {
        assert!(html.contains(text), "report.html lacks {text:?}");
    }
    assert!(!html.to_lowercase().contains("http"));
    let model = score(&scores, "all", "in_post", "all", "model");
    assert!(
        stdout.contains(&format!("{} of {} (", model["in_90"], model["n"])),
        "{stdout}"
    );
    assert!(stdout.contains("(pooled change: "), "{stdout}");
}

#[test]
fn backtest_all_over_two_years_pools_them_and_is_the_same_on_one_thread_and_two() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let args = ["--all", "--from", "2022..2023", "--runs", "4"];
    let stdout = backtest_into(one.path(), &[&args[..], &["--threads", "1"]].concat());
    backtest_into(two.path(), &[&args[..], &["--threads", "2"]].concat());
    let folder = one.path().join("backtest-all-2022-2023");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "backtest.csv",
            "coverage.csv",
            "coverage_by_years_ahead.png",
            "coverage_by_years_ahead.svg",
            "report.html",
            "scores.csv",
            "summary.csv"
        ]
    );
    for name in &names {
        let other = two.path().join("backtest-all-2022-2023").join(name);
        assert!(
            std::fs::read(folder.join(name)).unwrap() == std::fs::read(&other).unwrap(),
            "{name} differs between one thread and two"
        );
    }
    let all = read(&folder.join("backtest.csv"));
    assert!(header(&all).starts_with("origin,council,measure,date,"));
    let all = rows(&all);
    let scores = rows(&read(&folder.join("scores.csv")));
    let summary = rows(&read(&folder.join("summary.csv")));
    for measure in ["in_post", "agency", "caseload"] {
        // Pooled: the two years together, each as its own rows of backtest.csv.
        let n = |origin: &str| num(&score(&scores, origin, measure, "all", "model")["n"]) as usize;
        assert_eq!(n("all"), n("2022") + n("2023"), "{measure}");
        let published = |origin: &str| {
            all.iter()
                .filter(|r| r["origin"] == origin && r["measure"] == measure && !r["actual"].is_empty())
                .count()
        };
        assert!(n("2022") <= published("2022") && n("2023") <= published("2023"));
        // summary.csv pools every council and year; scores.csv the same
        // rows less those without a benchmark.
        let pooled = summary
            .iter()
            .find(|r| r["measure"] == measure && r["years_ahead"] == "all")
            .unwrap();
        assert_eq!(num(&pooled["n"]) as usize, published("2022") + published("2023"));
        // By years ahead: 1 to 3 from 2022, 1 and 2 from 2023.
        let by_year: usize = (1..=3)
            .map(|y| num(&score(&scores, "all", measure, &y.to_string(), "model")["n"]) as usize)
            .sum();
        assert_eq!(by_year, n("all"), "{measure}");
        assert!(
            scores
                .iter()
                .all(|r| !(r["origin"] == "2023" && r["years_ahead"] == "3"))
        );
    }
    assert!(
        stdout.contains("projected from each 30 September from 2022 to 2023"),
        "{stdout}"
    );
}

#[test]
fn outcomes_to_stops_the_comparison_and_the_projection_at_that_year() {
    let dir = tempfile::tempdir().unwrap();
    let common = ["--la", "Bury", "--from", "2019..2020", "--runs", "20"];
    backtest_into(dir.path(), &common);
    let stdout = backtest_into(dir.path(), &[&common[..], &["--outcomes-to", "2021"]].concat());
    let full = dir.path().join("backtest-bury-2019-2020");
    let calibration = dir.path().join("backtest-bury-2019-2020-outcomes-to-2021");
    // Nothing published after 2021 is compared, and the runs stop there.
    let cut = rows(&read(&calibration.join("backtest.csv")));
    assert_eq!(cut.len(), 3 * 2 + 3);
    assert!(cut.iter().all(|r| r["date"].as_str() <= "2021-09"), "{cut:?}");
    assert!(read(&calibration.join("scenario-2019.resolved.toml")).contains("months = 24"));
    assert!(read(&calibration.join("scenario-2020.resolved.toml")).contains("months = 12"));
    // What it does compare is what the full backtest had for those years:
    // a run's months do not depend on how many follow them.
    let whole = rows(&read(&full.join("backtest.csv")));
    for r in &cut {
        let same = whole
            .iter()
            .find(|w| w["origin"] == r["origin"] && w["measure"] == r["measure"] && w["date"] == r["date"])
            .unwrap();
        assert_eq!(same, r);
    }
    let scores = rows(&read(&calibration.join("scores.csv")));
    assert!(
        scores
            .iter()
            .all(|r| r["years_ahead"] == "all" || num(&r["years_ahead"]) <= 2.0)
    );
    assert!(stdout.contains("against what it published to 2021"), "{stdout}");
}

#[test]
fn a_bad_from_or_outcomes_to_is_exit_2_and_says_what_is_expected() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["--all", "--from", "20x9"],
            "--from 20x9: expected a year or a range of years, such as 2021 or 2019..2023",
        ),
        (&["--all", "--from", "2019.."], "expected a year or a range of years"),
        (
            &["--all", "--from", "2023..2019"],
            "the range starts after it ends; give the earlier year first: 2019..2023",
        ),
        (
            &["--all", "--from", "2023..2025"],
            "--from 2025: no council has published figures for 30 September 2025 and a later year; years a backtest can start from: 2017,",
        ),
        (
            &["--la", "Bury", "--from", "2023..2025"],
            "--from 2025: Bury's latest published year is 2025",
        ),
        (
            &["--all", "--from", "2019..2021", "--outcomes-to", "2021"],
            "--outcomes-to 2021: must be after every year projected from (the last is 2021)",
        ),
    ];
    for (args, message) in cases {
        caseload()
            .arg("backtest")
            .args(args)
            .arg("--quiet")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

/// The sentence every `new --la` scenario carries about how well the method
/// did is what the backtest it names measures: origins 2021 to 2023, every
/// council, the default runs and seed. (About ten seconds on two cores.)
#[test]
fn the_backtest_sentence_new_la_writes_is_what_the_backtest_measures() {
    let dir = tempfile::tempdir().unwrap();
    backtest_into(dir.path(), &["--all", "--from", "2021..2023"]);
    let scores = rows(&read(&dir.path().join("backtest-all-2021-2023/scores.csv")));
    for (measure, percent) in caseload::la::scenario::BACKTEST_COVERAGE_90 {
        let row = score(&scores, "all", measure, "all", "model");
        let measured = (num(&row["coverage_90"]) * 100.0).round() as u32;
        assert_eq!(
            measured, percent,
            "{measure}: the backtest now gives {measured}%; update BACKTEST_COVERAGE_90 and docs/model.md"
        );
    }
    let sentence = caseload::la::scenario::backtest_sentence();
    assert!(
        sentence.contains("94% of published values of social workers in post"),
        "{sentence}"
    );
}
