//! The uncertain assumptions in words, for the report's table and
//! results.xlsx: each parameter's words from its declaration
//! (`model::parameter`), and a distribution said in words (`between 55%
//! and 65%, most likely 60%`). Analysts still see the key paths beside the
//! words.

use crate::model::parameter::{Description, Reads};
use crate::model::params::{Distribution, Scenario, Uncertain};
use crate::text;

/// The assumptions table as data, for the report and results.xlsx: a row
/// per uncertain parameter, a value column per scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumptionTable {
    /// The value columns' headings: the scenarios' names, or one heading
    /// for a single scenario.
    pub columns: Vec<String>,
    pub rows: Vec<AssumptionRow>,
}

/// One assumption: its words, what its values are per, its value or range
/// in words in each scenario, and its key path.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumptionRow {
    pub words: String,
    pub per: &'static str,
    pub values: Vec<String>,
    pub key: String,
}

/// Every uncertain parameter of the scenarios (in the order of
/// `Scenario::parameters`, then each team's and role's own,
/// `Scenario::own_parameters`; the first scenario's first), in words from
/// the parameters' declaration.
pub fn assumption_table(scenarios: &[&Scenario]) -> AssumptionTable {
    let per: Vec<Vec<(String, Description, &Uncertain)>> = scenarios
        .iter()
        .map(|s| {
            let council = s.parameters().into_iter().map(|(p, u)| (p.key(s), p.describe(s), u));
            // Then each team's and role's own ranges, at their own key paths.
            let own = s
                .own_parameters()
                .into_iter()
                .map(|o| (o.key(s), o.describe(s), o.uncertain));
            council.chain(own).collect()
        })
        .collect();
    let mut rows: Vec<AssumptionRow> = Vec::new();
    for (key, description, _) in per.iter().flatten() {
        if rows.iter().any(|r| r.key == *key) {
            continue;
        }
        let values = per
            .iter()
            .map(|params| {
                params.iter().find(|(k, _, _)| k == key).map_or_else(
                    || "not in this scenario".to_string(),
                    |(_, d, u)| range(u, d.reads, d.per),
                )
            })
            .collect();
        rows.push(AssumptionRow {
            words: description.words.clone(),
            per: description.per,
            values,
            key: key.clone(),
        });
    }
    let columns = if scenarios.len() > 1 {
        scenarios.iter().map(|s| s.name.clone()).collect()
    } else {
        vec!["Value, or range across runs".to_string()]
    };
    AssumptionTable { columns, rows }
}

/// A value as the assumption reads: `22%`, `1.5`, `×1.2`.
fn value(x: f64, reads: Reads) -> String {
    match reads {
        Reads::Percent => text::percent_as_written(x),
        Reads::Plain => text::number(x),
        Reads::Times => format!("×{}", text::number(x)),
    }
}

/// The values an assumption takes across runs, in words: `22% a year`;
/// `between 18% and 26% a year` (uniform); `between 55% and 65%, most
/// likely 60%` (triangular); `most likely 90 a month; 9 in 10 between 74
/// and 106` (normal: the mean ± 1.645 sd); `typically 9 months; 9 in 10
/// between 6.5 and 12.5` (lognormal: the median times exp(± 1.645 sd_log),
/// whose most likely value is a little below its median). A normal or
/// lognormal draw is clipped to the key's valid range, so are its words.
pub fn range(u: &Uncertain, reads: Reads, per: &str) -> String {
    let v = |x: f64| value(x, reads);
    let with_per = |x: f64| {
        if per.is_empty() {
            v(x)
        } else {
            format!("{} {per}", v(x))
        }
    };
    let clip = |x: f64| u.valid.clip(x);
    match u.dist {
        Distribution::Fixed(x) => with_per(x),
        Distribution::Uniform { min, max } => format!("between {} and {}", v(min), with_per(max)),
        Distribution::Triangular { min, mode, max } => {
            format!("between {} and {}, most likely {}", v(min), with_per(max), v(mode))
        }
        Distribution::Normal { mean, sd } => format!(
            "most likely {}; 9 in 10 between {} and {}",
            with_per(mean),
            v(clip(mean - 1.645 * sd)),
            v(clip(mean + 1.645 * sd))
        ),
        Distribution::Lognormal { median, sd_log } => format!(
            "typically {}; 9 in 10 between {} and {}",
            with_per(median),
            v(clip(median * (-1.645 * sd_log).exp())),
            v(clip(median * (1.645 * sd_log).exp()))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::ValidRange;

    fn u(dist: Distribution, valid: ValidRange) -> Uncertain {
        Uncertain { dist, valid }
    }

    #[test]
    fn every_distribution_reads_in_words() {
        let p = ValidRange::Probability;
        let share = Distribution::Triangular {
            min: 0.55,
            mode: 0.6,
            max: 0.65,
        };
        assert_eq!(
            range(&u(share, p), Reads::Percent, ""),
            "between 55% and 65%, most likely 60%"
        );
        assert_eq!(
            range(&u(share, p), Reads::Plain, ""),
            "between 0.55 and 0.65, most likely 0.6"
        );
        assert_eq!(
            range(&u(Distribution::Fixed(0.22), p), Reads::Percent, "a year"),
            "22% a year"
        );
        assert_eq!(
            range(
                &u(Distribution::Uniform { min: 1.0, max: 3.0 }, ValidRange::NonNegative),
                Reads::Plain,
                "a month"
            ),
            "between 1 and 3 a month"
        );
        assert_eq!(
            range(
                &u(Distribution::Normal { mean: 250.0, sd: 20.0 }, ValidRange::NonNegative),
                Reads::Plain,
                "a month"
            ),
            "most likely 250 a month; 9 in 10 between 217.1 and 282.9"
        );
        // Clipped to the valid range: a share cannot pass 100%.
        assert_eq!(
            range(&u(Distribution::Normal { mean: 0.9, sd: 0.1 }, p), Reads::Percent, ""),
            "most likely 90%; 9 in 10 between 73.55% and 100%"
        );
        assert_eq!(
            range(
                &u(
                    Distribution::Lognormal {
                        median: 9.0,
                        sd_log: 0.2
                    },
                    ValidRange::AtLeastOneMonth
                ),
                Reads::Plain,
                "months"
            ),
            "typically 9 months; 9 in 10 between 6.48 and 12.51"
        );
        assert_eq!(
            range(&u(Distribution::Fixed(1.1), ValidRange::NonNegative), Reads::Times, ""),
            "×1.1"
        );
    }
}
