//! Charts: every chart of a run and of a comparison is drawn with its
//! series, axis labels and target band (read back from the SVG), PNGs
//! decode at their size, and drawing is a pure, repeatable function.

use caseload::output::charts::{self, Chart, PNG_SIZE, SVG_SIZE};
use caseload::runner::{self, Results};
use caseload::scenario::{self, Loaded};
use std::path::Path;

fn load(name: &str) -> Loaded {
    scenario::load(&crate::common::scenario(name), &[]).unwrap()
}

/// Summaries of scenarios run together on the same random numbers.
fn simulate(scenarios: &[&Loaded], runs: u32, seed: u64) -> Results {
    let pool = runner::pool(Some(2)).unwrap();
    let scenarios: Vec<_> = scenarios.iter().map(|l| &l.scenario).collect();
    runner::summarise(&scenarios, seed, runs, &pool, &|| {})
}

/// The text of every `<text>` element of an SVG, in order.
pub fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|rest| {
            let body = &rest[rest.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

/// The `y` attribute of the `<text>` element whose text is `label` and
/// that ends with `anchor` (y-axis labels are anchored at their end).
fn label_y(svg: &str, label: &str) -> Option<i64> {
    svg.split("<text").skip(1).find_map(|rest| {
        let end = rest.find('>')?;
        let (attrs, body) = (&rest[..end], &rest[end + 1..]);
        if body[..body.find("</text>")?].trim() != label || !attrs.contains("text-anchor=\"end\"") {
            return None;
        }
        attribute(attrs, "y")
    })
}

fn attribute(attrs: &str, name: &str) -> Option<i64> {
    let start = attrs.find(&format!(" {name}=\""))? + name.len() + 3;
    attrs[start..].split('"').next()?.parse().ok()
}

pub fn assert_has(svg: &str, chart: &str, labels: &[&str]) {
    let found = texts(svg);
    for label in labels {
        assert!(
            found.iter().any(|t| t == label),
            "{chart}: no text {label:?} in the SVG; found {found:?}"
        );
    }
}

/// The shaded target band: a translucent green rectangle whose edges sit
/// exactly at the y-axis labels of the low and high targets.
fn assert_target_band(svg: &str, chart: &str, low: &str, high: &str) {
    let rect = svg
        .split("<rect")
        .skip(1)
        .find(|r| r.contains("fill=\"#009E73\"") && r.contains("opacity=\"0.13\"") && attribute(r, "width") > Some(500))
        .unwrap_or_else(|| panic!("{chart}: no target band"));
    let (y, h) = (attribute(rect, "y").unwrap(), attribute(rect, "height").unwrap());
    assert_eq!(label_y(svg, high), Some(y), "{chart}: top of the band is not at {high}");
    assert_eq!(
        label_y(svg, low),
        Some(y + h),
        "{chart}: bottom of the band is not at {low}"
    );
}

fn by_name<'a>(charts: &'a [Chart], name: &str) -> &'a Chart {
    charts.iter().find(|c| c.name == name).unwrap()
}

#[test]
fn a_run_draws_caseload_workforce_target_and_cost_with_their_series_and_labels() {
    let bury = load("bury-2022.toml");
    let results = simulate(&[&bury], 40, 7);
    let all = charts::run_charts(&bury.scenario, &results.summaries[0], 7).unwrap();
    let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["caseload", "workforce", "target", "cost"]);
    let footer = format!("40 runs · seed 7 · caseload {}", env!("CARGO_PKG_VERSION"));
    // Bury's history reaches back to September 2017: the axis with it.
    let dates = [
        "Apr 2018", "Apr 2019", "Apr 2020", "Apr 2021", "Apr 2022", "Apr 2023", "Apr 2024",
    ];

    let caseload = by_name(&all, "caseload").svg().unwrap();
    assert_has(
        &caseload,
        "caseload",
        &[
            "Average caseload: Bury, March 2022 position",
            "Median",
            "50% of runs (p25–p75)",
            "90% of runs (p05–p95)",
            "Target band (20 to 25)",
            "Cases per case-holding FTE",
            "Month",
            &footer,
        ],
    );
    assert_has(&caseload, "caseload", &dates);
    // The 90% and 50% bands are two filled shapes; the target band sits at 20 and 25.
    assert_eq!(caseload.matches("<polygon").count(), 2, "two bands");
    assert_target_band(&caseload, "caseload", "20", "25");

    let workforce = by_name(&all, "workforce").svg().unwrap();
    assert_has(
        &workforce,
        "workforce",
        &[
            "Permanent (not ASYE)",
            "ASYE",
            "Agency (incl. managed team)",
            "Establishment (funded posts)",
            "Vacant posts",
            "FTE (medians across runs, stacked)",
            &footer,
        ],
    );
    assert_has(&workforce, "workforce", &dates);

    let target = by_name(&all, "target").svg().unwrap();
    assert_has(
        &target,
        "target",
        &[
            "At or below 25 (high target)",
            "At or below 20 (low target)",
            "Share of runs (%)",
            "0%",
            "100%",
            &footer,
        ],
    );

    let cost = by_name(&all, "cost").svg().unwrap();
    assert_has(
        &cost,
        "cost",
        &[
            "Monthly spend by kind",
            "Permanent",
            "Agency",
            "Enhanced payments",
            "Recruitment",
            "Cumulative spend",
            "Median",
            "90% of runs (p05–p95)",
            "£ a month (average across runs)",
            "£ since the start",
            &footer,
        ],
    );
    for svg in [&caseload, &workforce, &target, &cost] {
        assert!(svg.starts_with(&format!("<svg width=\"{}\" height=\"{}\"", SVG_SIZE.0, SVG_SIZE.1)));
        assert!(!svg.contains("NaN"), "a NaN coordinate");
    }
}

#[test]
fn a_comparison_draws_every_scenario_and_the_paired_difference() {
    let base = load("bury-2022.toml");
    let other = load("bury-2022-retention.toml");
    let results = simulate(&[&base, &other], 30, 3);
    let all = charts::comparison_charts(
        &[
            (&base.scenario, &results.summaries[0]),
            (&other.scenario, &results.summaries[1]),
        ],
        &[&results.differences[0]],
        3,
    )
    .unwrap();
    let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["comparison-caseload", "comparison-difference", "comparison-cost"]
    );
    let (a, b) = (base.scenario.name.as_str(), other.scenario.name.as_str());

    let caseload = by_name(&all, "comparison-caseload").svg().unwrap();
    assert_has(
        &caseload,
        "comparison-caseload",
        &[
            a,
            b,
            "Shaded: 50% of runs (p25–p75)",
            "Target band (20 to 25)",
            "Cases per case-holding FTE",
            "Apr 2022",
        ],
    );
    // One 50% band per scenario.
    assert_eq!(caseload.matches("<polygon").count(), 2);
    assert_target_band(&caseload, "comparison-caseload", "20", "25");

    let difference = by_name(&all, "comparison-difference").svg().unwrap();
    assert_has(
        &difference,
        "comparison-difference",
        &[
            b,
            "Shaded: 90% of runs (p05–p95)",
            "No difference",
            "Caseload difference (scenario minus baseline)",
        ],
    );
    // The baseline has no difference from itself: one band only.
    assert_eq!(difference.matches("<polygon").count(), 1);
    assert!(
        !texts(&difference).iter().any(|t| t == a),
        "the baseline is not drawn against itself"
    );

    let cost = by_name(&all, "comparison-cost").svg().unwrap();
    assert_has(
        &cost,
        "comparison-cost",
        &[
            a,
            b,
            "Cumulative spend",
            "Difference from the baseline (paired runs)",
            "£ since the start",
        ],
    );
}

/// Width, height and pixels of a PNG.
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

#[test]
fn png_charts_decode_at_their_size_and_are_not_blank() {
    let bury = load("bury-2022.toml");
    let results = simulate(&[&bury], 20, 1);
    for chart in charts::run_charts(&bury.scenario, &results.summaries[0], 1).unwrap() {
        let (w, h, pixels) = decode(&chart.png().unwrap());
        assert_eq!((w, h), PNG_SIZE, "{}", chart.name);
        // Dark pixels are text and lines: the title alone gives hundreds.
        let dark = pixels.chunks(3).filter(|p| p.iter().all(|c| *c < 80)).count();
        assert!(dark > 2_000, "{}: only {dark} dark pixels", chart.name);
    }
}

#[test]
fn drawing_is_repeatable_to_the_byte() {
    let bury = load("bury-2022.toml");
    let results = simulate(&[&bury], 20, 5);
    let first = charts::run_charts(&bury.scenario, &results.summaries[0], 5).unwrap();
    let second = charts::run_charts(&bury.scenario, &results.summaries[0], 5).unwrap();
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.svg().unwrap(), b.svg().unwrap(), "{}", a.name);
        assert_eq!(a.png().unwrap(), b.png().unwrap(), "{}", a.name);
    }
}

#[test]
fn an_infinite_caseload_is_drawn_at_the_top_of_the_axis() {
    // No one in post and no agency: no capacity, caseload infinite.
    let loaded = crate::common::resolve_text(crate::common::MINIMAL, &["workforce.permanent_fte=0"]);
    let results = simulate(&[&loaded], 10, 1);
    for chart in charts::run_charts(&loaded.scenario, &results.summaries[0], 1).unwrap() {
        let svg = chart.svg().unwrap();
        assert!(!svg.contains("NaN"), "{}", chart.name);
        let (w, h, _) = decode(&chart.png().unwrap());
        assert_eq!((w, h), PNG_SIZE);
    }
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (w, h, _) = decode(&bytes);
    (w, h)
}

#[test]
fn run_and_compare_write_every_chart_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let bury = crate::common::scenario("bury-2022.toml");
    let retention = crate::common::scenario("bury-2022-retention.toml");
    let caseload = || assert_cmd::Command::cargo_bin("caseload").unwrap();
    caseload()
        .args(["run", "--runs", "20", "--quiet", "--out"])
        .arg(dir.path())
        .arg(&bury)
        .assert()
        .success();
    let folder = dir.path().join("bury-march-2022-position");
    for name in ["caseload", "workforce", "target", "cost"] {
        assert_eq!(png_size(&folder.join(format!("{name}.png"))), PNG_SIZE, "{name}");
        let svg = std::fs::read_to_string(folder.join(format!("{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{name}");
    }
    assert!(folder.join("report.html").is_file());

    caseload()
        .args(["compare", "--runs", "20", "--quiet", "--out"])
        .arg(dir.path())
        .arg(&bury)
        .arg(&retention)
        .assert()
        .success();
    let folder = dir.path().join("compare-bury-march-2022-position");
    for name in ["comparison-caseload", "comparison-difference", "comparison-cost"] {
        assert_eq!(png_size(&folder.join(format!("{name}.png"))), PNG_SIZE, "{name}");
        let svg = std::fs::read_to_string(folder.join(format!("{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{name}");
    }
    assert!(folder.join("report.html").is_file());
}
