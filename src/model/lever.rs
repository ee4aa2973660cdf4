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

/// The declared lever with key path `key`, if any. A key under a team's
/// or a role's sections (`teams.<team>.roles.<role>.agency.extra[0].fte`,
/// `roles.<role>.recruitment.applicants_per_month`) is the lever it ends
/// with, for that team or role: the words and step are the same, and
/// `--set` reaches the team's or role's own value.
pub fn find(key: &str) -> Option<&'static Lever> {
    LEVERS.iter().find(|l| l.key == unscoped(key))
}

/// The levers a scenario offers, each with its key path as `--set` takes
/// it: without teams and roles, every declared lever; with them, the
/// payments' and the council's shares as they are, and each pool's own
/// posts, people, hires, intake and agency under
/// `teams.<team>.roles.<role>.` (or, without declared teams,
/// `roles.<role>.`; the social worker role's at the top level), so that a
/// front end can offer "a managed team for the front door" or "hires of
/// team managers" by name.
pub fn levers_of(s: &super::params::Scenario) -> Vec<(String, &'static Lever)> {
    let Some(org) = &s.organisation else {
        return LEVERS.iter().map(|l| (l.key.to_string(), l)).collect();
    };
    let per_pool = |l: &Lever| {
        ["workforce.", "recruitment.", "asye.", "agency."]
            .iter()
            .any(|p| l.key.starts_with(p))
    };
    let mut out: Vec<(String, &'static Lever)> = LEVERS
        .iter()
        .filter(|l| !per_pool(l) || l.key == "workforce.case_holding_share")
        .map(|l| (l.key.to_string(), l))
        .collect();
    for pool in &org.pools {
        let (team, role) = (&org.teams[pool.team].name, &org.roles[pool.role].name);
        let prefix = if org.teams_declared {
            format!("teams.{team}.roles.{role}.")
        } else if role == super::params::SOCIAL_WORKER {
            String::new()
        } else {
            format!("roles.{role}.")
        };
        for l in LEVERS
            .iter()
            .filter(|l| per_pool(l) && l.key != "workforce.case_holding_share")
        {
            let is_asye = l.key.starts_with("asye.");
            let has_managed_team = pool
                .scenario
                .agency
                .as_ref()
                .is_some_and(|a| !a.managed_team.is_empty());
            if (is_asye && role != super::params::SOCIAL_WORKER) || (l.key.contains("extra[0]") && !has_managed_team) {
                continue;
            }
            out.push((format!("{prefix}{}", l.key), l));
        }
    }
    out
}

/// A key path without its team or role prefix.
pub fn unscoped(key: &str) -> &str {
    let rest = match key.strip_prefix("teams.") {
        Some(rest) => rest.split_once(".roles.").map_or(rest, |(_, r)| r),
        None => match key.strip_prefix("roles.") {
            Some(rest) => rest,
            None => return key,
        },
    };
    rest.split_once('.').map_or(rest, |(_, r)| r)
}

/// The team and role a lever's key is scoped to, for its words: `for the
/// front_door team's team_manager role`, or empty for the council's.
pub fn scope_words(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["teams", team, "roles", role, ..] => format!(
            " in the {} team's {} role",
            crate::text::key_words(team),
            crate::text::role_person(role)
        ),
        ["roles", role, ..] => format!(" in the {} role", crate::text::role_person(role)),
        _ => String::new(),
    }
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

    #[test]
    fn a_lever_under_a_team_or_role_is_the_lever_it_ends_with() {
        let managed = "teams.front_door.roles.social_worker.agency.extra[0].fte";
        assert_eq!(find(managed).map(|l| l.key), Some("agency.extra[0].fte"));
        assert_eq!(scope_words(managed), " in the front door team's social worker role");
        assert_eq!(
            scope_words("roles.iro.leaving.by_year"),
            " in the independent reviewing officer role"
        );
        let hires = "roles.team_manager.recruitment.applicants_per_month";
        assert_eq!(find(hires).map(|l| l.key), Some("recruitment.applicants_per_month"));
        assert_eq!(unscoped("payments.retention.amount"), "payments.retention.amount");
        assert_eq!(find("teams.x.workforce.permanent_fte"), None);
    }
}
