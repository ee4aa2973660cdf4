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
            "Permanent in post (incl. ASYE)",
            "Of whom ASYE",
            "Agency (incl. managed team)",
            "Establishment (funded posts)",
            "Vacant posts",
            "FTE",
            &footer,
        ],
    );
    assert_has(&workforce, "workforce", &dates);

    let target = by_name(&all, "target").svg().unwrap();
    assert_has(
        &target,
        "target",
        &[
            "At or below 25 (the target)",
            "At or below 20 (the low end of the band)",
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
    // The drivers of the difference the second scenario makes, named by it.
    for name in [
        "comparison-caseload",
        "comparison-difference",
        "comparison-cost",
        "drivers-bury-march-2022-with-a-2-000-retention-payment",
    ] {
        assert_eq!(png_size(&folder.join(format!("{name}.png"))), PNG_SIZE, "{name}");
        let svg = std::fs::read_to_string(folder.join(format!("{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{name}");
    }
    assert!(folder.join("report.html").is_file());
}

/// A numeric attribute of an SVG element's attributes, such as a font size.
fn number_attribute(attrs: &str, name: &str) -> Option<f64> {
    let start = attrs.find(&format!(" {name}=\""))? + name.len() + 3;
    attrs[start..].split('"').next()?.parse().ok()
}

/// Every `<text>` element: its text, x, y and font size as plotters was
/// given it (an SVG's font-size is that size over 1.24).
fn text_elements(svg: &str) -> Vec<(String, f64, f64, f64)> {
    svg.split("<text")
        .skip(1)
        .filter_map(|rest| {
            let end = rest.find('>')?;
            let (attrs, body) = (&rest[..end], &rest[end + 1..]);
            let text = body[..body.find("</text>")?].trim().to_string();
            Some((
                text,
                number_attribute(attrs, "x")?,
                number_attribute(attrs, "y")?,
                number_attribute(attrs, "font-size")? * 1.24,
            ))
        })
        .collect()
}

#[test]
fn long_titles_wrap_or_shrink_to_fit_the_chart() {
    let names = [
        "Bournemouth, Christchurch and Poole",
        "North and West Northamptonshire, March 2025 position",
        "Bournemouth, Christchurch and Poole Council: projection from the March 2025 position with the new establishment",
    ];
    let mut wrapped = 0;
    for name in names {
        let loaded = crate::common::resolve_text(crate::common::MINIMAL, &[&format!("name=\"{name}\"")]);
        let results = simulate(&[&loaded], 5, 1);
        let footer = charts::footer(5, 1);
        for chart in charts::run_charts(&loaded.scenario, &results.summaries[0], 1).unwrap() {
            let svg = chart.svg().unwrap();
            let texts = text_elements(&svg);
            // The title is drawn first, then the footer.
            let lines: Vec<_> = texts.iter().take_while(|t| t.0 != footer).collect();
            assert!(
                !lines.is_empty() && lines.len() < texts.len(),
                "{}: no title",
                chart.name
            );
            let joined: Vec<&str> = lines.iter().map(|t| t.0.as_str()).collect();
            assert_eq!(
                joined.join(" "),
                chart.title,
                "{}: the title is not all there",
                chart.name
            );
            assert!(chart.title.ends_with(name));
            for (line, x, _, size) in &lines {
                let width = charts::text_width(line, *size).unwrap();
                assert!(
                    x + width <= f64::from(SVG_SIZE.0),
                    "{}: {line:?} is {width} wide from {x}, beyond {}",
                    chart.name,
                    SVG_SIZE.0
                );
            }
            if lines.len() > 1 {
                wrapped += 1;
                assert_eq!(lines.len(), 2, "{}", chart.name);
                assert!(
                    lines[1].2 > lines[0].2,
                    "{}: the second line is below the first",
                    chart.name
                );
            }
        }
    }
    assert!(wrapped > 0, "the longest titles are broken onto two lines");
}

/// Every event label a scenario with every kind of dated change gets.
const EVENT_LABELS: [&str; 11] = [
    "Recruitment bonus starts",
    "Retention payment starts",
    "Market supplement starts",
    "Managed team starts (10 FTE)",
    "ASYE intake (each September)",
    "Demand ×0.9 starts",
    "Managed team ends",
    "Demand ×0.9 ends",
    "+10 FTE posts",
    "Demand ×1.1 starts",
    "Retention payment ends",
];

#[test]
fn dated_changes_are_marked_and_labelled_on_the_caseload_and_workforce_charts() {
    // FULL's managed team starts in its first month: move it later, so
    // that its start is a change within the projection.
    let text = crate::common::FULL.replace(
        "from = \"2022-04\", to = \"2022-09\", fte = 10.0",
        "from = \"2022-08\", to = \"2022-12\", fte = 10.0",
    );
    let loaded = crate::common::resolve_text(&text, &[]);
    let events = charts::events(&loaded.scenario);
    let labels: Vec<&str> = events.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels.len(), EVENT_LABELS.len(), "{labels:?}");
    for label in EVENT_LABELS {
        assert!(labels.contains(&label), "no event {label:?} in {labels:?}");
    }
    let results = simulate(&[&loaded], 5, 1);
    let all = charts::run_charts(&loaded.scenario, &results.summaries[0], 1).unwrap();
    for name in ["caseload", "workforce"] {
        let svg = by_name(&all, name).svg().unwrap();
        let texts = text_elements(&svg);
        // Changes in the same month share a label, joined by " · ".
        let shown: Vec<(String, f64, f64, f64)> = texts
            .into_iter()
            .filter(|t| EVENT_LABELS.iter().any(|l| t.0.split(" · ").any(|part| part == *l)))
            .collect();
        for label in EVENT_LABELS {
            assert!(
                shown.iter().any(|t| t.0.split(" · ").any(|part| part == label)),
                "{name}: no label {label:?}"
            );
        }
        // Labels in one row do not overlap.
        for (i, a) in shown.iter().enumerate() {
            for b in &shown[i + 1..] {
                if a.2 == b.2 {
                    let (wa, wb) = (
                        charts::text_width(&a.0, a.3).unwrap(),
                        charts::text_width(&b.0, b.3).unwrap(),
                    );
                    assert!(
                        a.1 + wa <= b.1 || b.1 + wb <= a.1,
                        "{name}: {:?} and {:?} overlap",
                        a.0,
                        b.0
                    );
                }
            }
        }
    }
    // The other charts have none.
    for name in ["target", "cost"] {
        let svg = by_name(&all, name).svg().unwrap();
        assert!(!svg.contains("Managed team"), "{name}");
    }
}

#[test]
fn a_scenario_without_dated_changes_in_its_horizon_has_no_event_labels() {
    // A change after the horizon and a payment from the first month are
    // not steps within the projection.
    let text = format!(
        "{}\n[payments.retention]\namount = 1000.0\nfrom = \"2022-04\"\n",
        crate::common::MINIMAL.replace(
            "establishment_fte = 100.0",
            "establishment_fte = 100.0\nestablishment_changes = [ { from = \"2030-01\", change_fte = 5.0 } ]"
        )
    );
    let loaded = crate::common::resolve_text(&text, &[]);
    assert!(loaded.scenario.payments.retention.is_some());
    assert_eq!(loaded.scenario.workforce.establishment_changes.len(), 1);
    assert_eq!(charts::events(&loaded.scenario), []);
    let results = simulate(&[&loaded], 5, 1);
    for chart in charts::run_charts(&loaded.scenario, &results.summaries[0], 1).unwrap() {
        let svg = chart.svg().unwrap();
        for t in texts(&svg) {
            assert!(
                !(t.ends_with(" starts")
                    || t.ends_with(" ends")
                    || t.contains("FTE posts")
                    || t.contains("ASYE intake")),
                "{}: {t:?}",
                chart.name
            );
        }
    }
}

#[test]
fn the_target_chart_calls_the_high_target_the_target_and_the_low_one_the_end_of_the_band() {
    let bury = load("bury-2022.toml");
    let results = simulate(&[&bury], 5, 1);
    let all = charts::run_charts(&bury.scenario, &results.summaries[0], 1).unwrap();
    let target = by_name(&all, "target");
    assert_eq!(
        target.title,
        "Chance the caseload is within the target of 25: Bury, March 2022 position"
    );
    let svg = target.svg().unwrap();
    assert_has(
        &svg,
        "target",
        &[
            "Chance the caseload is within the target of 25: Bury, March 2022 position",
            "At or below 25 (the target)",
            "At or below 20 (the low end of the band)",
        ],
    );
    for t in texts(&svg) {
        assert!(!t.contains("meeting") && !t.contains("low target"), "{t:?}");
    }
}

#[test]
fn the_workforce_chart_shades_90_percent_of_runs_of_permanent_and_agency_staff() {
    let bury = load("bury-2022.toml");
    let results = simulate(&[&bury], 20, 1);
    let all = charts::run_charts(&bury.scenario, &results.summaries[0], 1).unwrap();
    let workforce = by_name(&all, "workforce");
    let svg = workforce.svg().unwrap();
    assert!(
        texts(&svg).iter().any(|t| t.contains("90% range")),
        "no legend entry for the 90% range"
    );
    // One translucent band each, in the colour of its median line (the
    // published values' markers are opaque polygons).
    let polygons: Vec<&str> = svg
        .split("<polygon")
        .skip(1)
        .filter(|p| !p.starts_with(" opacity=\"1\""))
        .collect();
    assert_eq!(polygons.len(), 2, "two bands");
    assert!(polygons[0].contains("fill=\"#1F4E8C\""), "permanent band");
    assert!(polygons[1].contains("fill=\"#E69F00\""), "agency band");
    // Each band spans p05 to p95 of its measure, and holds the median.
    let panel = &workforce.panels[0];
    let summary = &results.summaries[0];
    for (band, metric) in panel.bands.iter().zip(["permanent_fte", "agency_fte"]) {
        let k = summary.index(metric).unwrap();
        for t in 0..summary.months {
            let cell = summary.cell(t, k);
            assert_eq!((band.low[t], band.high[t]), (cell.p05(), cell.p95()), "{metric} {t}");
        }
    }
    assert_eq!(
        panel.lines[0].values[3],
        summary.cell(3, summary.index("permanent_fte").unwrap()).p50()
    );
}

/// Issue 11: the ASYE grant drew recruitment spend below zero in intake
/// months. The cost chart now draws recruitment before the grant and the
/// grant as income of its own.
#[test]
fn the_asye_grant_is_income_of_its_own_and_recruitment_never_dips_below_zero() {
    let gyo = load("bury-2022-grow-your-own.toml");
    let results = simulate(&[&gyo], 20, 3);
    let all = charts::run_charts(&gyo.scenario, &results.summaries[0], 3).unwrap();
    let cost = by_name(&all, "cost");
    let lines: Vec<_> = cost.panels.iter().flat_map(|p| &p.lines).collect();
    let recruitment = lines.iter().find(|l| l.label == "Recruitment").unwrap();
    assert!(recruitment.values.iter().all(|x| *x >= 0.0), "{:?}", recruitment.values);
    let grant = lines
        .iter()
        .find(|l| l.label == "ASYE grant received (income)")
        .unwrap();
    // Twelve ASYEs each September at £2,000 each.
    assert!(
        grant.values.iter().any(|x| (*x - 24_000.0).abs() < 1e-6),
        "{:?}",
        grant.values
    );
    // The spreadsheet's cost_recruitment stays net of the grant (MODEL.md).
    let summary = &results.summaries[0];
    let k = summary.index("cost_recruitment").unwrap();
    assert!((0..summary.months).any(|t| summary.cell(t, k).mean < 0.0));
}

/// A review found a comparison's legends overprinting each other when a
/// scenario's name was long: a label too long for its panel's row is cut
/// at a word with an ellipsis, and a short one is left whole.
#[test]
fn a_legend_label_too_long_for_its_panel_is_shortened_not_run_into_the_next() {
    let base = load("bury-2022.toml");
    let long_name = "Bournemouth, Christchurch and Poole, September 2025 published figures, with a £3,000 retention payment from April and a market supplement";
    let other = scenario::load(
        &crate::common::scenario("bury-2022-retention.toml"),
        &[format!("name = \"{long_name}\"")],
    )
    .unwrap();
    let results = simulate(&[&base, &other], 10, 3);
    let all = charts::comparison_charts(
        &[
            (&base.scenario, &results.summaries[0]),
            (&other.scenario, &results.summaries[1]),
        ],
        &[&results.differences[0]],
        3,
    )
    .unwrap();
    let cost = by_name(&all, "comparison-cost").svg().unwrap();
    let labels = texts(&cost);
    assert!(
        labels
            .iter()
            .any(|t| t.starts_with("Bournemouth, Christchurch") && t.ends_with('…')),
        "{labels:?}"
    );
    assert!(labels.iter().any(|t| t == &base.scenario.name), "{labels:?}");
}
