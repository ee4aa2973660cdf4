//! summary.csv, runs.csv and differences.csv as bytes.

use super::fmt_value;
use crate::error::Error;
use crate::model::params::YearMonth;
use crate::stats::Summary;

pub(crate) fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

pub(crate) fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// A CSV writer's error as the program's, for the file `name`: writing to
/// the file failed ([`Error::Io`]; only runs.csv is written to a file as it
/// is made), or making its text did ([`Error::Render`]).
pub fn csv_error(name: &str, e: csv::Error) -> Error {
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::io(name, source),
        _ => Error::render(name, message),
    }
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

/// The most rows an Excel worksheet holds.
pub const EXCEL_MAX_ROWS: u64 = 1_048_576;

/// A warning when a runs file of `runs` runs over `months` months (a row
/// each, and the header) is too long for Excel to open whole.
pub fn runs_csv_warning(file: &str, runs: u32, months: u32) -> Option<String> {
    let rows = u64::from(runs) * u64::from(months) + 1;
    (rows > EXCEL_MAX_ROWS).then(|| {
        format!(
            "{file} has {} rows, more than the {} Excel can open, so Excel cannot open it whole: it is written all the same, for R, Python or Power BI (summary.csv and results.xlsx summarise every run)",
            thousands(rows),
            thousands(EXCEL_MAX_ROWS)
        )
    })
}

/// `1048576` -> `1,048,576`.
fn thousands(n: u64) -> String {
    crate::scenario::describe::money(n as f64).replace('£', "")
}

/// runs.csv, `run,month,<every metric>`, written run by run as the runs
/// come (runs numbered from 1), so that any number of runs streams through.
pub struct RunsCsv<W: std::io::Write> {
    w: csv::Writer<W>,
    start: YearMonth,
    width: usize,
    cells: Vec<String>,
}

impl<W: std::io::Write> RunsCsv<W> {
    pub fn new(out: W, names: &[String], start: YearMonth) -> Result<Self, csv::Error> {
        let mut w = csv::Writer::from_writer(out);
        let mut header = vec!["run".to_string(), "month".to_string()];
        header.extend(names.iter().cloned());
        w.write_record(&header)?;
        Ok(RunsCsv {
            w,
            start,
            width: names.len(),
            cells: Vec::new(),
        })
    }

    /// Writes run `r` (from 0) given as months of `width` values.
    pub fn write_run(&mut self, r: usize, record: &[f64]) -> Result<(), csv::Error> {
        for (t, row) in record.chunks(self.width.max(1)).enumerate() {
            self.cells.clear();
            self.cells.push((r + 1).to_string());
            self.cells.push(self.start.plus(t as u32).to_string());
            self.cells.extend(row.iter().map(|x| fmt_value(*x)));
            self.w.write_record(&self.cells)?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), csv::Error> {
        self.w.flush().map_err(csv::Error::from)
    }
}

/// break_even.csv: every scheme's sweep, a row per grid value, with the net
/// cost excluding salaries and the change in total spend across runs.
pub fn break_even_csv(sweeps: &[(&str, &crate::analysis::compare::Sweep)]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "key",
        "value",
        "net_cost_mean",
        "net_cost_p05",
        "net_cost_p50",
        "net_cost_p95",
        "spend_total_difference_mean",
        "spend_total_difference_p05",
        "spend_total_difference_p50",
        "spend_total_difference_p95",
    ])?;
    for (scenario, sweep) in sweeps {
        for (value, net, total) in &sweep.points {
            let mut record = vec![scenario.to_string(), sweep.key.to_string(), fmt_value(*value)];
            for cell in [net, total] {
                record.extend([cell.mean, cell.p05(), cell.p50(), cell.p95()].map(fmt_value));
            }
            w.write_record(&record)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_errors_say_whether_the_file_or_its_text_failed() {
        let io = csv::Error::from(std::io::Error::other("disk full"));
        let e = csv_error("runs.csv", io);
        assert!(matches!(e, Error::Io { .. }), "{e:?}");
        assert_eq!(e.to_string(), "runs.csv: disk full");
        let mut w = writer();
        w.write_record(["a", "b"]).unwrap();
        let uneven = w.write_record(["c"]).unwrap_err();
        let e = csv_error("summary.csv", uneven);
        assert!(matches!(e, Error::Render { .. }), "{e:?}");
        assert!(e.to_string().starts_with("summary.csv: could not be made: "), "{e}");
    }

    #[test]
    fn runs_csv_warns_only_past_excels_last_row() {
        // 1,048,575 rows of runs and the header fill a worksheet exactly.
        assert_eq!(runs_csv_warning("runs.csv", 1_048_575, 1), None);
        assert_eq!(runs_csv_warning("runs.csv", 3, 349_525), None);
        let warning = runs_csv_warning("runs.csv", 1_048_576, 1).unwrap();
        assert!(
            warning.starts_with("runs.csv has 1,048,577 rows, more than the 1,048,576"),
            "{warning}"
        );
        assert!(warning.contains("R, Python or Power BI"), "{warning}");
        assert!(runs_csv_warning("runs.csv", 1748, 600).is_some());
        assert!(runs_csv_warning("runs.csv", u32::MAX, 600).is_some());
    }
}
