//! results.xlsx: the headline figures, the monthly summaries, the paired
//! differences and the assumptions as one Excel workbook, a pure function
//! of what the CSV renderers take, returning bytes.
//!
//! Cells are typed: numbers are numbers (holding the CSVs' values to the
//! digit), months stay text `YYYY-MM`, money has a £ format and shares a %
//! format. Excel has no infinity, so an infinite value (`inf` in the CSVs,
//! such as the caseload of a month with no case-holding capacity) is an
//! empty cell with a note, and each sheet says so in words above its
//! header.

use super::assumptions::AssumptionTable;
use super::headline::{Figure, Headline, Kind};
use super::report::meaning;
use crate::error::{Error, Result};
use crate::model::Metric;
use crate::model::params::YearMonth;
use crate::stats::{Cell, Summary};
use rust_xlsxwriter::{
    ColNum, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Note, RowNum, Workbook, Worksheet,
    XlsxError,
};

/// A comparison's paired differences as differences.csv takes them: the
/// baseline's name, the first month, and each other scenario's name and
/// differences.
pub type Differences<'a> = (&'a str, YearMonth, &'a [(&'a str, &'a Summary)]);

/// A statistic of a cell (its median, a percentile or its mean).
type Stat = fn(&Cell) -> f64;

/// What results.xlsx is called in an output folder.
pub const NAME: &str = "results.xlsx";

/// The rows above the data: a sentence saying how to read the sheet, then
/// the header.
const TITLE_ROW: RowNum = 0;
const HEADER_ROW: RowNum = 1;
const FIRST_DATA_ROW: RowNum = 2;

/// A run's workbook: sheets Headline, Summary and Assumptions.
/// `summary` is as summary.csv takes it; `headlines` are headline.csv's.
pub fn run_workbook(
    summary: (&str, YearMonth, &Summary),
    headlines: &[Headline],
    assumptions: &AssumptionTable,
) -> Result<Vec<u8>> {
    let rows: Vec<(Option<&str>, &Headline)> = headlines.iter().map(|h| (None, h)).collect();
    build(&[summary], &rows, None, assumptions).map_err(render_error)
}

/// A comparison's workbook: sheets Headline, Summary, Differences and
/// Assumptions. `summaries` and `rows` (scenario, key, value) are as
/// summary.csv and headline.csv take them; `differences` is the baseline's
/// name, the first month and each other scenario's paired differences, as
/// differences.csv takes them.
pub fn comparison_workbook(
    summaries: &[(&str, YearMonth, &Summary)],
    rows: &[(String, Headline)],
    differences: Differences,
    assumptions: &AssumptionTable,
) -> Result<Vec<u8>> {
    let rows: Vec<(Option<&str>, &Headline)> = rows.iter().map(|(scenario, h)| (Some(scenario.as_str()), h)).collect();
    build(summaries, &rows, Some(differences), assumptions).map_err(render_error)
}

fn render_error(e: XlsxError) -> Error {
    Error::render(NAME, e)
}

/// Number formats: money in whole pounds, a share with two decimals (a
/// headline rate or chance) as a whole percentage, a rate or chance month by
/// month to a tenth of a percent, FTE and counts to a tenth. A headline
/// chance that headline.csv writes with more decimals, so as not to round
/// to 0 or 1, shows them all (0.995 as 99.5%, not 100%).
const MONEY: &str = "£#,##0;-£#,##0";
const PERCENT: &str = "0%";
const PERCENT_TENTH: &str = "0.0%";
const PERCENT_HUNDREDTH: &str = "0.00%";
const PERCENT_THOUSANDTH: &str = "0.000%";
const ONE_DECIMAL: &str = "0.0";
const THREE_DECIMALS: &str = "0.000";
const NUMBER: &str = "#,##0.0";
const GENERAL: &str = "General";

/// The number format of a Summary or Differences column of `metric`.
fn metric_format(metric: &str) -> &'static str {
    match metric {
        m if Metric::ALL.iter().any(|x| x.name() == m && x.is_cost()) => MONEY,
        m if m.starts_with("at_or_below_") => PERCENT_TENTH,
        "vacancy_rate" | "agency_rate" | "turnover_rate" => PERCENT_TENTH,
        _ => NUMBER,
    }
}

/// The number format of a numeric headline figure, from what it is.
fn figure_format(figure: &Figure) -> &'static str {
    match figure {
        Figure::Number(_, Kind::Money | Kind::MoneyChange) => MONEY,
        Figure::Number(_, Kind::Share) => PERCENT,
        Figure::Number(_, Kind::Chance) => match figure.decimals() {
            Some(..=2) => PERCENT,
            Some(3) => PERCENT_TENTH,
            Some(4) => PERCENT_HUNDREDTH,
            Some(5) => PERCENT_THOUSANDTH,
            _ => GENERAL,
        },
        Figure::Number(_, Kind::Caseload | Kind::Fte | Kind::Span) => ONE_DECIMAL,
        Figure::Number(_, Kind::Multiplier) => THREE_DECIMALS,
        _ => GENERAL,
    }
}

/// The styles, made once.
struct Formats {
    title: Format,
    header: Format,
    text: Format,
    wrapped: Format,
    numbers: Vec<(&'static str, Format)>,
    general: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            title: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color("#DCE6F1")
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new(),
            wrapped: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            numbers: [
                MONEY,
                PERCENT,
                PERCENT_TENTH,
                PERCENT_HUNDREDTH,
                PERCENT_THOUSANDTH,
                ONE_DECIMAL,
                THREE_DECIMALS,
                NUMBER,
            ]
            .map(|code| (code, Format::new().set_num_format(code)))
            .into(),
            general: Format::new(),
        }
    }

    /// The format of a number format code.
    fn number(&self, code: &str) -> &Format {
        self.numbers
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(&self.general, |(_, f)| f)
    }
}

/// A headline value as a cell: text, a number or infinity.
#[derive(Debug, Clone, PartialEq)]
enum Typed {
    Text(String),
    Number(f64),
    /// `inf` (1) or `-inf` (-1).
    Infinite(f64),
}

/// A headline figure as a cell: a number as headline.csv rounds it;
/// months, `never` and words as text; an infinity as itself.
fn typed(figure: &Figure) -> Typed {
    match figure.rounded_value() {
        Some(x) if x.is_infinite() => Typed::Infinite(x.signum()),
        Some(x) if x.is_finite() => Typed::Number(x),
        _ => Typed::Text(figure.text()),
    }
}

/// A value as summary.csv writes it (`output::fmt_value`: whole
/// ten-thousandths), so the workbook holds the same number.
fn as_in_csv(x: f64) -> f64 {
    let scaled = (x * 10_000.0).round();
    if scaled.is_finite() && scaled.abs() < 9e15 {
        // Adding 0 turns a minus zero into zero, as summary.csv writes it.
        scaled / 10_000.0 + 0.0
    } else {
        x
    }
}

/// What an empty cell in a column of `metric` stands for.
fn infinite_note(x: f64, metric: &str, csv: &str) -> String {
    let sign = if x < 0.0 { "-inf" } else { "inf" };
    let why = if metric.starts_with("caseload") {
        "no case-holding capacity (an infinite caseload)"
    } else {
        "a rate over nothing (its denominator is zero)"
    };
    format!("Empty because the value is infinite: {why}. {csv} says {sign}.")
}

/// Writes `x` with `format`, or, if it is infinite, an empty cell with a note.
fn number(
    sheet: &mut Worksheet,
    (row, col): (RowNum, ColNum),
    x: f64,
    format: &Format,
    note: impl FnOnce() -> String,
) -> std::result::Result<(), XlsxError> {
    if x.is_finite() {
        sheet.write_number_with_format(row, col, as_in_csv(x), format)?;
    } else {
        sheet.write_blank(row, col, format)?;
        if x.is_infinite() {
            sheet.insert_note(row, col, &Note::new(note()).set_author("caseload"))?;
        }
    }
    Ok(())
}

/// The title sentence, the header, frozen panes above the data and left of
/// column `frozen_cols`.
fn heading(
    sheet: &mut Worksheet,
    f: &Formats,
    title: &str,
    header: &[String],
    frozen_cols: ColNum,
) -> std::result::Result<(), XlsxError> {
    sheet.write_string_with_format(TITLE_ROW, 0, title, &f.title)?;
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col(c), h, &f.header)?;
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, frozen_cols)?;
    Ok(())
}

fn col(c: usize) -> ColNum {
    ColNum::try_from(c).unwrap_or(ColNum::MAX)
}

fn row(r: usize) -> RowNum {
    RowNum::try_from(r).unwrap_or(RowNum::MAX)
}

/// A column wide enough for its longest word (headers wrap at spaces) or
/// its longest value.
fn width_for<'a>(texts: impl IntoIterator<Item = &'a str>, min: usize, max: usize) -> f64 {
    let longest = texts
        .into_iter()
        .flat_map(|t| t.split(' '))
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    (longest + 2).clamp(min, max) as f64
}

fn build(
    summaries: &[(&str, YearMonth, &Summary)],
    headlines: &[(Option<&str>, &Headline)],
    differences: Option<Differences>,
    assumptions: &AssumptionTable,
) -> std::result::Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut book = Workbook::new();
    let names: Vec<&str> = summaries.iter().map(|(name, _, _)| *name).collect();
    // A fixed creation time (the zip entries' own, 1980-01-01), so the same
    // results make the same bytes.
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("caseload results: {}", names.join(" · ")))
            .set_comment(format!("Made by caseload {}", env!("CARGO_PKG_VERSION")))
            .set_creation_datetime(&ExcelDateTime::from_ymd(1980, 1, 1)?),
    );
    let comparison = differences.is_some();
    headline_sheet(book.add_worksheet(), &f, headlines, comparison)?;
    let runs = summaries.first().map_or(0, |(_, _, s)| s.runs);
    let title = format!(
        "Month by month across {runs} runs: each measure's median and its 90% range (5th to 95th percentile); for at_or_below_* the mean is the chance of meeting the target. An empty cell is infinite (inf in summary.csv): for the caseload, no case-holding capacity."
    );
    let rows: Vec<Block> = summaries
        .iter()
        .map(|(name, start, summary)| Block {
            labels: if comparison { vec![name.to_string()] } else { Vec::new() },
            start: *start,
            summary,
        })
        .collect();
    let labels: Vec<&str> = if comparison { vec!["scenario"] } else { Vec::new() };
    monthly_sheet(
        book.add_worksheet(),
        &f,
        "Summary",
        &title,
        &labels,
        &rows,
        "summary.csv",
    )?;
    if let Some((baseline, start, diffs)) = differences {
        let title = format!(
            "Paired differences, each scenario minus the baseline ({baseline}), run by run on the same random numbers: their median and 90% range (5th to 95th percentile) month by month. An empty cell is infinite (inf in differences.csv): one of the two has no case-holding capacity."
        );
        let rows: Vec<Block> = diffs
            .iter()
            .map(|(name, summary)| Block {
                labels: vec![name.to_string(), baseline.to_string()],
                start,
                summary,
            })
            .collect();
        monthly_sheet(
            book.add_worksheet(),
            &f,
            "Differences",
            &title,
            &["scenario", "baseline"],
            &rows,
            "differences.csv",
        )?;
    }
    assumptions_sheet(book.add_worksheet(), &f, assumptions)?;
    book.save_to_buffer()
}

/// Headline: headline.csv's rows, typed, with what each figure is and a
/// note where a value is empty.
fn headline_sheet(
    sheet: &mut Worksheet,
    f: &Formats,
    rows: &[(Option<&str>, &Headline)],
    comparison: bool,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name("Headline")?;
    let mut header: Vec<String> = Vec::new();
    if comparison {
        header.push("scenario".into());
    }
    header.extend(["key", "value", "what it is", "note"].map(String::from));
    heading(
        sheet,
        f,
        "The figures read first, as in headline.csv: money in £, shares as percentages, months as YYYY-MM. An empty value is infinite (inf in headline.csv): no case-holding capacity.",
        &header,
        col(header.len() - 3),
    )?;
    let first = usize::from(comparison);
    for (i, (scenario, h)) in rows.iter().enumerate() {
        let key: &str = &h.key;
        let r = row(FIRST_DATA_ROW as usize + i);
        if let Some(name) = scenario {
            sheet.write_string(r, 0, *name)?;
        }
        sheet.write_string(r, col(first), key)?;
        let value_col = col(first + 1);
        match typed(&h.figure) {
            Typed::Text(text) => {
                sheet.write_string_with_format(r, value_col, &text, &f.text)?;
            }
            Typed::Number(x) => {
                sheet.write_number_with_format(r, value_col, x, f.number(figure_format(&h.figure)))?;
            }
            Typed::Infinite(sign) => {
                // Only a caseload or a span of control can be infinite here.
                let metric = if key.starts_with("span_of_control") {
                    key
                } else {
                    "caseload"
                };
                let note = infinite_note(sign, metric, "headline.csv");
                sheet.write_blank(r, value_col, f.number(figure_format(&h.figure)))?;
                sheet.insert_note(r, value_col, &Note::new(note.as_str()).set_author("caseload"))?;
                sheet.write_string(r, col(first + 3), note)?;
            }
        }
        sheet.write_string(r, col(first + 2), meaning(key).as_ref())?;
    }
    if comparison {
        sheet.set_column_width(0, width_for(rows.iter().filter_map(|(s, _)| *s), 12, 40))?;
    }
    sheet.set_column_width(col(first), width_for(rows.iter().map(|(_, h)| h.key.as_ref()), 12, 40))?;
    sheet.set_column_width(col(first + 1), 14)?;
    sheet.set_column_width(col(first + 2), 60)?;
    sheet.set_column_width(col(first + 3), 40)?;
    Ok(())
}

/// One scenario's (or one pair's) months on a monthly sheet.
struct Block<'a> {
    /// The text columns before the month (scenario, baseline).
    labels: Vec<String>,
    start: YearMonth,
    summary: &'a Summary,
}

/// The statistics shown of each measure: (header word, value).
fn statistics(metric: &str) -> Vec<(&'static str, Stat)> {
    let mut out: Vec<(&'static str, Stat)> = vec![("median", Cell::p50), ("p05", Cell::p05), ("p95", Cell::p95)];
    if metric.starts_with("at_or_below_") {
        // A 0 or 1 in each run: its mean is the chance of meeting the target.
        out.insert(0, ("mean", |c: &Cell| c.mean));
    }
    out
}

/// Summary or Differences: a row per month (per scenario), a column per
/// measure's statistic.
fn monthly_sheet(
    sheet: &mut Worksheet,
    f: &Formats,
    name: &str,
    title: &str,
    labels: &[&str],
    blocks: &[Block],
    csv: &str,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name(name)?;
    let metrics: &[String] = blocks.first().map_or(&[], |b| &b.summary.names);
    let mut header: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    header.push("month".into());
    let mut columns: Vec<(usize, &str, Stat)> = Vec::new();
    for (k, metric) in metrics.iter().enumerate() {
        for (word, stat) in statistics(metric) {
            header.push(format!("{metric} {word}"));
            columns.push((k, metric, stat));
        }
    }
    let month_col = labels.len();
    heading(sheet, f, title, &header, col(month_col + 1))?;
    sheet.set_row_height(HEADER_ROW, 30)?;
    let mut r = FIRST_DATA_ROW as usize;
    for block in blocks {
        for t in 0..block.summary.months {
            for (c, label) in block.labels.iter().enumerate() {
                sheet.write_string(row(r), col(c), label)?;
            }
            sheet.write_string(row(r), col(month_col), block.start.plus(t as u32).to_string())?;
            for (i, (k, metric, stat)) in columns.iter().enumerate() {
                let x = stat(block.summary.cell(t, *k));
                number(
                    sheet,
                    (row(r), col(month_col + 1 + i)),
                    x,
                    f.number(metric_format(metric)),
                    || infinite_note(x, metric, csv),
                )?;
            }
            r += 1;
        }
    }
    for (c, _) in labels.iter().enumerate() {
        let width = width_for(blocks.iter().map(|b| b.labels[c].as_str()), 12, 40);
        sheet.set_column_width(col(c), width)?;
    }
    sheet.set_column_width(col(month_col), 9)?;
    for (i, h) in header[month_col + 1..].iter().enumerate() {
        sheet.set_column_width(col(month_col + 1 + i), width_for([h.as_str()], 11, 30))?;
    }
    Ok(())
}

/// Assumptions: the report's table, a row per assumption.
fn assumptions_sheet(
    sheet: &mut Worksheet,
    f: &Formats,
    table: &AssumptionTable,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name("Assumptions")?;
    let mut header = vec!["Assumption".to_string(), "Unit".to_string()];
    header.extend(table.columns.iter().cloned());
    header.push("Key in the scenario file".into());
    heading(
        sheet,
        f,
        "The values the projection rests on that are uncertain or could be. A range is drawn afresh for each run and held for the whole run, so the spread of the results includes our uncertainty about them.",
        &header,
        1,
    )?;
    let values = table.columns.len();
    for (i, a) in table.rows.iter().enumerate() {
        let r = row(FIRST_DATA_ROW as usize + i);
        sheet.write_string_with_format(r, 0, &a.words, &f.wrapped)?;
        sheet.write_string_with_format(r, 1, a.per, &f.wrapped)?;
        for (c, v) in a.values.iter().enumerate() {
            sheet.write_string_with_format(r, col(2 + c), v, &f.wrapped)?;
        }
        sheet.write_string_with_format(r, col(2 + values), &a.key, &f.wrapped)?;
    }
    sheet.set_column_width(0, 45)?;
    sheet.set_column_width(1, 20)?;
    for c in 0..values {
        sheet.set_column_width(col(2 + c), 40)?;
    }
    sheet.set_column_width(
        col(2 + values),
        width_for(table.rows.iter().map(|a| a.key.as_str()), 20, 60),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_figures_are_typed_by_what_they_hold() {
        use crate::output::headline::Kind;
        let caseload = |x: f64| Figure::Number(x, Kind::Caseload);
        assert_eq!(typed(&caseload(20.46)), Typed::Number(20.5));
        assert_eq!(typed(&caseload(f64::INFINITY)), Typed::Infinite(1.0));
        assert_eq!(typed(&caseload(f64::NEG_INFINITY)), Typed::Infinite(-1.0));
        let march = YearMonth::new(2025, 3).unwrap();
        assert_eq!(typed(&Figure::Month(march)), Typed::Text("2025-03".into()));
        assert_eq!(typed(&Figure::Never), Typed::Text("never".into()));
        // A scenario called "2024" stays words.
        assert_eq!(typed(&Figure::Text("2024".into())), Typed::Text("2024".into()));
        assert_eq!(typed(&Figure::NotOnGrid), Typed::Text("not on the grid".into()));
        assert_eq!(
            typed(&Figure::Number(-73_440.4, Kind::MoneyChange)),
            Typed::Number(-73_440.0)
        );
        assert_eq!(typed(&Figure::Target(25.0)), Typed::Number(25.0));
    }

    #[test]
    fn values_are_the_csvs_to_the_digit() {
        assert_eq!(as_in_csv(1.0 / 3.0), 0.3333);
        assert_eq!(as_in_csv(101.71), 101.71);
        assert_eq!(as_in_csv(-0.00001), 0.0);
        assert!(as_in_csv(-0.00001).is_sign_positive());
    }

    #[test]
    fn formats_follow_the_metric() {
        assert_eq!(metric_format("cost_total"), "£#,##0;-£#,##0");
        assert_eq!(metric_format("vacancy_rate"), PERCENT_TENTH);
        assert_eq!(metric_format("turnover_rate"), PERCENT_TENTH);
        assert_eq!(metric_format("at_or_below_high"), PERCENT_TENTH);
        assert_eq!(metric_format("caseload"), NUMBER);
        assert_eq!(metric_format("clawback_recovered"), MONEY);
        assert_eq!(metric_format("asye_grant_income"), MONEY);
        let number = |kind: Kind| Figure::Number(1.0, kind);
        assert_eq!(figure_format(&number(Kind::MoneyChange)), MONEY);
        assert_eq!(figure_format(&number(Kind::Money)), MONEY);
        assert_eq!(figure_format(&number(Kind::Share)), PERCENT);
        assert_eq!(figure_format(&number(Kind::Chance)), PERCENT);
        assert_eq!(figure_format(&Figure::Number(0.995, Kind::Chance)), PERCENT_TENTH);
        assert_eq!(figure_format(&Figure::Number(0.9999, Kind::Chance)), PERCENT_HUNDREDTH);
        assert_eq!(figure_format(&number(Kind::Caseload)), ONE_DECIMAL);
        assert_eq!(figure_format(&number(Kind::Fte)), ONE_DECIMAL);
        assert_eq!(figure_format(&number(Kind::Multiplier)), THREE_DECIMALS);
        assert_eq!(figure_format(&Figure::Target(25.0)), GENERAL);
    }
}
