//! The uncertain assumptions in words: one table, keyed by key path, saying
//! what each is and how its values read, and a distribution said in words
//! (`between 55% and 65%, most likely 60%`), for the report's table of
//! assumptions. Analysts still see the key paths beside the words.

use crate::model::params::{Distribution, Uncertain};
use crate::text;

/// How an assumption's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// A share or a rate: `22%`.
    Percent,
    /// A plain number: `1.5`.
    Plain,
    /// A multiplier: `×1.2`.
    Times,
}

/// One assumption in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// The key path; `[]` stands for any index and `*` for any case state.
    pub key: &'static str,
    /// What it is; `{nth}` is the index as an ordinal counted from 1
    /// (`first`), `{state}` the case state.
    pub words: &'static str,
    pub reads: Reads,
    /// What a value is per, after the number: `a year`, `months`; or nothing.
    pub per: &'static str,
}

const fn w(key: &'static str, words: &'static str, reads: Reads, per: &'static str) -> Words {
    Words { key, words, reads, per }
}

/// Every uncertain key path in words, in the order runs sample them
/// (`Scenario::uncertain_parameters`).
pub const ASSUMPTIONS: &[Words] = &[
    w(
        "workforce.case_holding_share",
        "Share of FTE holding cases",
        Reads::Percent,
        "",
    ),
    w(
        "workforce.annual_leaving_by_service_year[]",
        "Permanent staff leaving in their {nth} year of service",
        Reads::Percent,
        "a year",
    ),
    w(
        "workforce.long_absence_annual_rate",
        "Staff starting a long absence (maternity, long-term sickness, secondment)",
        Reads::Percent,
        "a year",
    ),
    w(
        "workforce.long_absence_mean_months",
        "Length of a long absence, on average",
        Reads::Plain,
        "months",
    ),
    w(
        "workforce.pressure_sensitivity",
        "How much caseloads over the target raise leaving (at 0.5, a caseload 10% over raises leaving by 5%)",
        Reads::Plain,
        "",
    ),
    w(
        "recruitment.applicants_per_month",
        "Experienced social workers accepting offers while posts are vacant",
        Reads::Plain,
        "a month",
    ),
    w(
        "asye.intake_per_year",
        "Newly qualified social workers (ASYEs) joining",
        Reads::Plain,
        "a year",
    ),
    w(
        "asye.annual_leaving",
        "ASYEs leaving during their first year",
        Reads::Percent,
        "a year",
    ),
    w(
        "agency.fill_prob",
        "Chance a missing agency worker is found",
        Reads::Percent,
        "a month",
    ),
    w(
        "agency.mean_tenure_months",
        "Time an agency worker stays, on average",
        Reads::Plain,
        "months",
    ),
    w(
        "agency.annual_conversion_rate",
        "Agency workers taking a permanent post",
        Reads::Percent,
        "a year",
    ),
    w("demand.referrals_per_month", "Referrals", Reads::Plain, "a month"),
    w("demand.annual_growth", "Growth in referrals", Reads::Percent, "a year"),
    w(
        "demand.shocks[].multiplier",
        "Referrals during the {nth} temporary change in demand",
        Reads::Times,
        "",
    ),
    w(
        "cases.*.mean_months",
        "Time a case stays in {state}, on average",
        Reads::Plain,
        "months",
    ),
    w(
        "payments.recruitment_bonus.applicant_multiplier",
        "Recruitment bonus: experienced applicants",
        Reads::Times,
        "",
    ),
    w(
        "payments.retention.leaving_multiplier",
        "Retention payment: leaving",
        Reads::Times,
        "",
    ),
    w(
        "payments.market_supplement.applicant_multiplier",
        "Market supplement: experienced applicants",
        Reads::Times,
        "",
    ),
    w(
        "payments.market_supplement.leaving_multiplier",
        "Market supplement: leaving",
        Reads::Times,
        "",
    ),
];

/// A key path's entry in [`ASSUMPTIONS`] and its words with any index or
/// case state filled in; `None` for a key the table does not know.
pub fn words(key: &str) -> Option<(Words, String)> {
    // `a[2].b` -> (`a[].b`, 2); `cases.cin.mean_months` -> (`cases.*.mean_months`, cin).
    let mut pattern = String::with_capacity(key.len());
    let mut index = None;
    let mut rest = key;
    while let Some(open) = rest.find('[') {
        let close = rest[open..].find(']')? + open;
        index = rest[open + 1..close].parse::<usize>().ok();
        pattern.push_str(&rest[..=open]);
        pattern.push(']');
        rest = &rest[close + 1..];
    }
    pattern.push_str(rest);
    let mut state = None;
    if let Some(inner) = pattern.strip_prefix("cases.")
        && let Some((name, field)) = inner.split_once('.')
    {
        state = Some(name.to_string());
        pattern = format!("cases.*.{field}");
    }
    let entry = ASSUMPTIONS.iter().find(|a| a.key == pattern)?;
    let mut text = entry.words.to_string();
    if let Some(i) = index {
        text = text.replace("{nth}", &text::ordinal(i + 1));
    }
    if let Some(state) = state {
        text = text.replace("{state}", &state.replace('_', " "));
    }
    Some((*entry, text))
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
    fn key_paths_with_an_index_or_a_case_state_find_their_words() {
        let (entry, text) = words("workforce.annual_leaving_by_service_year[2]").unwrap();
        assert_eq!(text, "Permanent staff leaving in their third year of service");
        assert_eq!((entry.reads, entry.per), (Reads::Percent, "a year"));
        assert_eq!(
            words("demand.shocks[0].multiplier").unwrap().1,
            "Referrals during the first temporary change in demand"
        );
        assert_eq!(
            words("cases.child_in_need.mean_months").unwrap().1,
            "Time a case stays in child in need, on average"
        );
        assert_eq!(
            words("workforce.case_holding_share").unwrap().1,
            "Share of FTE holding cases"
        );
        assert!(words("workforce.no_such_key").is_none());
        assert!(words("workforce.annual_leaving_by_service_year[2").is_none());
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
