//! Outputs: pure renderers from summaries to bytes (`tables`, `headline`,
//! `resolved`, `charts`, `report`, `backtest`, `xlsx`, and the
//! workshop page's words, `workshop`), and the one module that
//! writes files (`files`).

pub mod assumptions;
pub mod backtest;
pub mod charts;
pub mod console;
pub mod drivers;
pub mod files;
pub mod headline;
pub mod report;
pub mod resolved;
pub mod seek;
pub mod tables;
pub mod workshop;
pub mod xlsx;

/// A number in a CSV cell: at most 4 decimals, no trailing zeros, `inf` for
/// an infinite value. Deterministic; Excel reads it as a number, but `inf`
/// as text (results.xlsx leaves an infinity empty, with a note).
pub fn fmt_value(x: f64) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let scaled = (x * 10_000.0).round();
    if scaled.abs() >= 9e15 || scaled.is_nan() {
        // Beyond exact integers: let the float formatter do it.
        let s = format!("{x:.4}");
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    // Whole ten-thousandths as an integer: fast and exact.
    let units = scaled as i64;
    let (whole, frac) = (units.unsigned_abs() / 10_000, units.unsigned_abs() % 10_000);
    let sign = if units < 0 { "-" } else { "" };
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let frac = format!("{frac:04}");
    format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
}

/// A scenario's folder name: `Bury, March 2022` -> `bury-march-2022`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "scenario".into()
    } else {
        trimmed.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_short_and_exact_enough() {
        assert_eq!(fmt_value(101.71), "101.71");
        assert_eq!(fmt_value(2.0), "2");
        assert_eq!(fmt_value(1.0 / 3.0), "0.3333");
        assert_eq!(fmt_value(-0.00001), "0");
        assert_eq!(fmt_value(f64::INFINITY), "inf");
    }

    #[test]
    fn slugs_are_folder_safe() {
        assert_eq!(slug("Bury, March 2022 position"), "bury-march-2022-position");
        assert_eq!(slug("bury-2022"), "bury-2022");
        assert_eq!(slug("***"), "scenario");
    }
}
