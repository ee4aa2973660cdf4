//! The files every command writes in the same way: CSVs rendered in
//! memory, the charts as PNG and SVG, the resolved scenario, runs.csv
//! streamed, and the report's settings.

use crate::error::{Error, Result};
use crate::model::params::Scenario;
use crate::output::charts::Chart;
use crate::output::files::OutputFile;
use crate::output::report::{ChartSvg, Settings as Quoted};
use crate::output::{resolved, tables};
use crate::request::Settings;
use crate::runner;
use crate::scenario::Loaded;
use std::io::Write;

/// A CSV rendered in memory, as a file of the folder.
pub fn csv_file<'a>(name: &str, bytes: std::result::Result<Vec<u8>, csv::Error>) -> Result<OutputFile<'a>> {
    Ok(OutputFile::bytes(name, bytes.map_err(|e| Error::render(name, e))?))
}

/// The scenario as run (the report fingerprints its bytes).
pub fn resolved_bytes(name: &str, loaded: &Loaded, settings: &Settings) -> Result<Vec<u8>> {
    resolved::resolved_toml(loaded, settings.runs, settings.seed).map_err(|e| Error::render(name, e))
}

/// runs.csv of a scenario, streamed: its runs are simulated again, in run
/// order, chunk by chunk, as the file is written.
pub fn runs_file<'a>(name: &str, s: &'a Scenario, settings: &'a Settings, pool: &'a runner::Pool) -> OutputFile<'a> {
    let path = name.to_string();
    OutputFile::stream(
        name,
        Box::new(move |out: &mut dyn Write| {
            let fail = |e: csv::Error| tables::csv_error(&path, e);
            let mut csv = tables::RunsCsv::new(out, &runner::layout(s).names(), s.start).map_err(fail)?;
            runner::for_each_run(s, settings.seed, settings.runs, pool, |r, record| {
                csv.write_run(r, record)
            })
            .map_err(fail)?;
            csv.finish().map_err(fail)
        }),
    )
}

/// The settings a report quotes so that anyone can repeat the results.
pub fn quoted(settings: &Settings) -> Quoted<'_> {
    Quoted {
        runs: settings.runs,
        seed: settings.seed,
        sets: &settings.sets,
    }
}

/// Adds every chart as PNG and SVG to `files`; returns each chart's SVG
/// for the report. Charts are rendered in parallel: PNG encoding is most
/// of the cost of the outputs.
pub fn chart_files(charts: &[Chart], pool: &runner::Pool, files: &mut Vec<OutputFile>) -> Result<Vec<ChartSvg>> {
    let rendered = runner::map_in_parallel(pool, charts, |chart| -> Result<(String, Vec<u8>)> {
        let svg = chart
            .svg()
            .map_err(|e| Error::render(format!("{}.svg", chart.name), e))?;
        let png = chart
            .png()
            .map_err(|e| Error::render(format!("{}.png", chart.name), e))?;
        Ok((svg, png))
    });
    let mut svgs = Vec::new();
    for (chart, result) in charts.iter().zip(rendered) {
        let (svg, png) = result?;
        files.push(OutputFile::bytes(format!("{}.png", chart.name), png));
        files.push(OutputFile::bytes(
            format!("{}.svg", chart.name),
            svg.clone().into_bytes(),
        ));
        svgs.push(ChartSvg {
            name: chart.name.clone(),
            svg,
        });
    }
    Ok(svgs)
}
