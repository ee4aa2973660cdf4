//! Derives the constants `caseload new --la` uses for its ranges and drift
//! (`src/la/wander.rs`) from every council's figures published up to 2021,
//! and prints them: `cargo run --release --example calibrate`.
//! docs/model.md ("Ranges and drift from the published figures") quotes
//! its output.

use caseload::la::Figures;
use caseload::la::wander::{self, CALIBRATION_LAST_YEAR, Series};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let figures = Figures::embedded()?;
    let last = CALIBRATION_LAST_YEAR;
    println!("Figures published up to {last}, every council.");
    println!("series              k  pairs  variance(log change)");
    for series in Series::ALL {
        let e = wander::estimate(&figures, series, last);
        for (k, n, v) in &e.by_years {
            println!("{:<18} {k:>2} {n:>6}  {v:.4}", series.name());
        }
        println!(
            "{:<18} spread (sd_log of the range) {:.3}, drift (per sqrt year) {:.3}   [in the code: {:.3}, {:.3}]",
            series.name(),
            e.wander.spread,
            e.wander.drift,
            series.pooled().spread,
            series.pooled().drift
        );
    }
    let (link, pairs) = wander::estimate_vacancy_link(&figures, last);
    println!(
        "vacancy link: {link:.3} FTE of agency per FTE of vacancies ({pairs} one-year changes)   [in the code: {:.3}]",
        wander::VACANCY_LINK
    );
    Ok(())
}
