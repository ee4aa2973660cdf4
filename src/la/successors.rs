//! Councils abolished within the years of the published figures, and the
//! councils that took on their children's services.
//!
//! Each entry is from the structural changes order that abolished the
//! council (legislation.gov.uk). A council abolished this way keeps its
//! rows in `data/la_figures.csv` up to its last year, so `caseload new --la
//! Cumbria` finds it, and what it says must make clear that the figures
//! are old and who to ask for instead. Reorganisations that kept the
//! children's services authority and its name (Dorset, Buckinghamshire,
//! North Yorkshire, Somerset, each a county council become a unitary
//! council) need no entry: their figures run on under the same name.

/// A council abolished by a structural changes order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reorganisation {
    /// The abolished council, as named in `data/la_figures.csv`.
    pub council: &'static str,
    /// The day it was abolished, in words.
    pub abolished: &'static str,
    /// The councils that took on its children's services, as named in the
    /// order and findable with `--la`.
    pub successors: &'static [&'static str],
    /// The order that did it.
    pub order: &'static str,
}

/// Every council abolished since the figures begin (2013 for children in
/// need, 2017 for the workforce).
pub const REORGANISATIONS: [Reorganisation; 4] = [
    Reorganisation {
        council: "Bournemouth",
        abolished: "1 April 2019",
        successors: &["Bournemouth, Christchurch and Poole"],
        order: "the Bournemouth, Dorset and Poole (Structural Changes) Order 2018, SI 2018/648",
    },
    Reorganisation {
        council: "Poole",
        abolished: "1 April 2019",
        successors: &["Bournemouth, Christchurch and Poole"],
        order: "the Bournemouth, Dorset and Poole (Structural Changes) Order 2018, SI 2018/648",
    },
    Reorganisation {
        council: "Northamptonshire",
        abolished: "1 April 2021",
        successors: &["North Northamptonshire", "West Northamptonshire"],
        order: "the Northamptonshire (Structural Changes) Order 2020, SI 2020/156",
    },
    Reorganisation {
        council: "Cumbria",
        abolished: "1 April 2023",
        successors: &["Cumberland", "Westmorland and Furness"],
        order: "the Cumbria (Structural Changes) Order 2022, SI 2022/331",
    },
];

/// The reorganisation that abolished `council` (its name as in the
/// figures), if any.
pub fn of(council: &str) -> Option<&'static Reorganisation> {
    REORGANISATIONS.iter().find(|r| r.council == council)
}

impl Reorganisation {
    /// "Cumbria was abolished on 1 April 2023; Cumberland Council and
    /// Westmorland and Furness Council took on its children's services
    /// (the Cumbria (Structural Changes) Order 2022, SI 2022/331)".
    pub fn describe(&self) -> String {
        let councils: Vec<String> = self.successors.iter().map(|s| format!("{s} Council")).collect();
        format!(
            "{} was abolished on {}; {} took on its children's services ({})",
            self.council,
            self.abolished,
            councils.join(" and "),
            self.order
        )
    }

    /// The `--la` options for its successors: `--la Cumberland or --la
    /// "Westmorland and Furness"`.
    pub fn options(&self) -> String {
        self.successors
            .iter()
            .map(|s| format!("--la {}", super::scenario::shell_word(s)))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumbria_is_described_with_its_successors_and_order() {
        let cumbria = of("Cumbria").unwrap();
        assert_eq!(
            cumbria.describe(),
            "Cumbria was abolished on 1 April 2023; Cumberland Council and Westmorland and Furness \
             Council took on its children's services (the Cumbria (Structural Changes) Order 2022, \
             SI 2022/331)"
        );
        assert_eq!(cumbria.options(), "--la Cumberland or --la \"Westmorland and Furness\"");
        assert_eq!(of("Cumberland"), None);
    }
}
