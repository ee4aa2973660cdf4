//! The levers `caseload seek` may move, declared once beside the uncertain
//! parameters (`parameter.rs`): each lever's key path (as `--set` takes
//! it), its words for people, whether it takes whole numbers, the step the
//! search resolves it to, and how an answer reads in people. Any other key
//! that a scenario gives as a number may be sought too; these give the
//! words and the whole-number rule.

/// How a lever's answer reads beside the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Funded posts: "N more funded posts than now (X)".
    Posts,
    /// A yearly intake: how many more people join over the horizon.
    YearlyIntake,
    /// A plain value against the scenario's own.
    Plain,
}

/// One lever.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lever {
    /// The key path, as in the scenario file and `--set`.
    pub key: &'static str,
    /// What it is, for a councillor.
    pub words: &'static str,
    /// Whole numbers only (people, months).
    pub integer: bool,
    /// The search's resolution: the answer is a multiple of this from the
    /// range's low end.
    pub step: f64,
    pub meaning: Meaning,
}

const fn lever(key: &'static str, words: &'static str, integer: bool, step: f64, meaning: Meaning) -> Lever {
    Lever {
        key,
        words,
        integer,
        step,
        meaning,
    }
}

/// Every declared lever.
pub const LEVERS: [Lever; 16] = [
    lever(
        "workforce.establishment_fte",
        "funded social worker posts in FTE, the establishment,",
        false,
        0.1,
        Meaning::Posts,
    ),
    lever(
        "asye.intake_per_year",
        "newly qualified social workers taken on each year",
        true,
        1.0,
        Meaning::YearlyIntake,
    ),
    lever(
        "recruitment.applicants_per_month",
        "experienced social workers accepting offers each month",
        false,
        0.1,
        Meaning::Plain,
    ),
    lever(
        "recruitment.notice_months",
        "months between an offer and the start",
        true,
        1.0,
        Meaning::Plain,
    ),
    lever(
        "agency.max_fte",
        "the cap on agency staff in FTE",
        false,
        0.1,
        Meaning::Plain,
    ),
    lever(
        "agency.fte",
        "agency staff at the start in FTE",
        false,
        0.1,
        Meaning::Plain,
    ),
    lever(
        "agency.fill_prob",
        "the chance a missing agency worker is found each month",
        false,
        0.01,
        Meaning::Plain,
    ),
    lever(
        "agency.extra[0].fte",
        "the managed team's size in FTE",
        false,
        0.1,
        Meaning::Plain,
    ),
    lever(
        "payments.retention.amount",
        "the retention payment in £ a worker",
        false,
        100.0,
        Meaning::Plain,
    ),
    lever(
        "payments.retention.leaving_multiplier",
        "the retention payment's multiplier of leaving",
        false,
        0.01,
        Meaning::Plain,
    ),
    lever(
        "payments.recruitment_bonus.amount",
        "the recruitment bonus in £ a hire",
        false,
        100.0,
        Meaning::Plain,
    ),
    lever(
        "payments.recruitment_bonus.applicant_multiplier",
        "the recruitment bonus's multiplier of applicants",
        false,
        0.01,
        Meaning::Plain,
    ),
    lever(
        "payments.market_supplement.annual_amount",
        "the market supplement in £ a worker a year",
        false,
        100.0,
        Meaning::Plain,
    ),
    lever(
        "payments.market_supplement.leaving_multiplier",
        "the market supplement's multiplier of leaving",
        false,
        0.01,
        Meaning::Plain,
    ),
    lever(
        "payments.market_supplement.applicant_multiplier",
        "the market supplement's multiplier of applicants",
        false,
        0.01,
        Meaning::Plain,
    ),
    lever(
        "workforce.case_holding_share",
        "the share of FTE holding cases",
        false,
        0.01,
        Meaning::Plain,
    ),
];

/// The declared lever with key path `key`, if any.
pub fn find(key: &str) -> Option<&'static Lever> {
    LEVERS.iter().find(|l| l.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levers_are_declared_once_with_positive_steps_and_whole_steps_for_whole_levers() {
        for (i, l) in LEVERS.iter().enumerate() {
            assert!(LEVERS[..i].iter().all(|m| m.key != l.key), "{} twice", l.key);
            assert!(l.step > 0.0, "{}", l.key);
            assert!(!l.integer || l.step == 1.0, "{}", l.key);
        }
        assert_eq!(find("asye.intake_per_year").map(|l| l.integer), Some(true));
    }
}
