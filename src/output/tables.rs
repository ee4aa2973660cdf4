//! summary.csv, runs.csv and differences.csv as bytes.

use super::fmt_value;
use crate::model::params::YearMonth;
use crate::runner::Runs;
use crate::stats::Summary;

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `scenario,month,metric,mean,p05,p25,p50,p75,p95`, month by month.
pub fn summary_csv(scenarios: &[(&str, YearMonth, &Summary)]) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record(["scenario", "month", "metric", "mean", "p05", "p25", "p50", "p75", "p95"])?;
    for (name, start, summary) in scenarios {
        for t in 0..summary.months {
            let month = start.plus(t as u32).to_string();
            for (k, metric) in summary.names.iter().enumerate() {
                let c = summary.cell(t, k);
                let mut row = vec![name.to_string(), month.clone(), metric.clone(), fmt_value(c.mean)];
                row.extend(c.p.iter().map(|x| fmt_value(*x)));
                w.write_record(&row)?;
            }
        }
    }
    finish(w)
}

/// `scenario,baseline,month,metric,mean,p05,p50,p95` of paired differences.
pub fn differences_csv(baseline: &str, start: YearMonth, rows: &[(&str, &Summary)]) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    w.write_record(["scenario", "baseline", "month", "metric", "mean", "p05", "p50", "p95"])?;
    for (name, summary) in rows {
        for t in 0..summary.months {
            let month = start.plus(t as u32).to_string();
            for (k, metric) in summary.names.iter().enumerate() {
                let c = summary.cell(t, k);
                w.write_record([
                    name.to_string(),
                    baseline.to_string(),
                    month.clone(),
                    metric.clone(),
                    fmt_value(c.mean),
                    fmt_value(c.p05()),
                    fmt_value(c.p50()),
                    fmt_value(c.p95()),
                ])?;
            }
        }
    }
    finish(w)
}

/// `run,month,<every metric>`: every run's values, for analysts.
pub fn runs_csv(runs: &Runs, start: YearMonth) -> Result<Vec<u8>, csv::Error> {
    let mut w = writer();
    let mut header = vec!["run".to_string(), "month".to_string()];
    header.extend(runs.layout.names());
    w.write_record(&header)?;
    let width = runs.layout.width();
    for (r, record) in runs.records.iter().enumerate() {
        for (t, row) in record.chunks(width).enumerate() {
            let mut cells = vec![(r + 1).to_string(), start.plus(t as u32).to_string()];
            cells.extend(row.iter().map(|x| fmt_value(*x)));
            w.write_record(&cells)?;
        }
    }
    finish(w)
}
