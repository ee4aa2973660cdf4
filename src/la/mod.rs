//! Every English council's published figures, compiled into the program,
//! and finding a council by the name a person types.
//!
//! `data/la_figures.csv` (made by `data/extract.py` from the Department for
//! Education's workforce and children-in-need files) is embedded with
//! `include_str!`, so `caseload new --la` works anywhere. Each row is one
//! council (or England) and one year; a value is a number or a published
//! marker for a missing one (`x`, `c`, `z`, `u`, `low`, `..`, empty).
//!
//! [`derive`] turns a council's figures up to a year into scenario values
//! with their provenance; [`scenario`] writes them as a commented scenario
//! file. Both read only years up to the one asked for (see [`Upto`]), so a
//! backtest can build the scenario a council could have written in an
//! earlier year.

pub mod derive;
pub mod scenario;
pub mod successors;
pub mod wander;

use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// The embedded figures, as shipped in the repository.
const EMBEDDED: &str = include_str!("../../data/la_figures.csv");

/// Where the embedded figures come from, for messages.
pub const DATA_FILE: &str = "data/la_figures.csv";

/// The name of England's rows in the figures.
pub const ENGLAND: &str = "England";

/// The columns the program uses, named as in the published files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    InpostFte,
    InpostHeadcount,
    StartersHeadcount,
    LeaversFte,
    TurnoverRateFte,
    AgencyFte,
    AgencyHeadcount,
    VacancyFte,
    CaseHoldersFte,
    Cases,
    CaseloadFte,
    WorkingDaysLostFte,
    ReferralCount,
    RereferralCount,
    NoFurtherActionCount,
    NotInNeedCount,
    At31Episodes,
    StartedEpisodes,
    Icpc,
    CppAt31,
}

/// The two statistical releases, whose years mean different dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Children's social work workforce: year Y is the position at 30 September Y.
    Workforce,
    /// Children in need: year Y is the year ending 31 March Y.
    ChildrenInNeed,
}

impl Column {
    pub const ALL: [Column; 20] = [
        Column::InpostFte,
        Column::InpostHeadcount,
        Column::StartersHeadcount,
        Column::LeaversFte,
        Column::TurnoverRateFte,
        Column::AgencyFte,
        Column::AgencyHeadcount,
        Column::VacancyFte,
        Column::CaseHoldersFte,
        Column::Cases,
        Column::CaseloadFte,
        Column::WorkingDaysLostFte,
        Column::ReferralCount,
        Column::RereferralCount,
        Column::NoFurtherActionCount,
        Column::NotInNeedCount,
        Column::At31Episodes,
        Column::StartedEpisodes,
        Column::Icpc,
        Column::CppAt31,
    ];

    /// The column's name in the published files and in `data/la_figures.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Column::InpostFte => "inpost_fte",
            Column::InpostHeadcount => "inpost_headcount",
            Column::StartersHeadcount => "starters_headcount",
            Column::LeaversFte => "leavers_fte",
            Column::TurnoverRateFte => "turnover_rate_fte",
            Column::AgencyFte => "agency_fte",
            Column::AgencyHeadcount => "agency_headcount",
            Column::VacancyFte => "vacancy_fte",
            Column::CaseHoldersFte => "case_holders_fte",
            Column::Cases => "cases",
            Column::CaseloadFte => "caseload_fte",
            Column::WorkingDaysLostFte => "working_days_lost_fte",
            Column::ReferralCount => "referral_count",
            Column::RereferralCount => "rereferral_count",
            Column::NoFurtherActionCount => "no_further_action_count",
            Column::NotInNeedCount => "not_in_need_count",
            Column::At31Episodes => "At31_episodes",
            Column::StartedEpisodes => "Started_episodes",
            Column::Icpc => "ICPC",
            Column::CppAt31 => "CPP_At31",
        }
    }

    pub fn release(self) -> Release {
        if self < Column::ReferralCount {
            Release::Workforce
        } else {
            Release::ChildrenInNeed
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Why a published value is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Empty, `..` or no row for that year.
    NotPublished,
    /// `x`: not available.
    NotAvailable,
    /// `c`: suppressed to protect confidentiality.
    Suppressed,
    /// `z`: not applicable.
    NotApplicable,
    /// `u`: low reliability.
    LowReliability,
    /// `low`: a small number, not given.
    Low,
}

impl Missing {
    fn from_marker(text: &str) -> Option<Missing> {
        Some(match text.to_ascii_lowercase().as_str() {
            "" | ".." | ":" => Missing::NotPublished,
            "x" => Missing::NotAvailable,
            "c" => Missing::Suppressed,
            "z" => Missing::NotApplicable,
            "u" => Missing::LowReliability,
            "low" => Missing::Low,
            _ => return None,
        })
    }

    /// In words, for comments: `not published`, `suppressed (c)`.
    pub fn describe(self) -> &'static str {
        match self {
            Missing::NotPublished => "not published",
            Missing::NotAvailable => "not available (x)",
            Missing::Suppressed => "suppressed (c)",
            Missing::NotApplicable => "not applicable (z)",
            Missing::LowReliability => "of low reliability (u)",
            Missing::Low => "a small number not given (low)",
        }
    }
}

/// One published value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Value(f64),
    Missing(Missing),
}

impl Cell {
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Value(v) => Some(v),
            Cell::Missing(_) => None,
        }
    }
}

const MISSING_ROW: [Cell; 20] = [Cell::Missing(Missing::NotPublished); 20];

/// A council (or England) and its figures by year.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub name: String,
    /// The region the workforce figures give; empty for England.
    pub region: String,
    years: BTreeMap<i32, [Cell; 20]>,
}

impl Area {
    /// A published value; missing for a year without a row.
    pub fn cell(&self, column: Column, year: i32) -> Cell {
        self.years
            .get(&year)
            .map_or(Cell::Missing(Missing::NotPublished), |row| row[column.index()])
    }

    pub fn value(&self, column: Column, year: i32) -> Option<f64> {
        self.cell(column, year).value()
    }

    /// Years with a row of workforce figures (30 September of each), even
    /// if every value in it is suppressed.
    pub fn workforce_years(&self) -> Vec<i32> {
        self.years
            .iter()
            .filter(|(_, row)| {
                Column::ALL
                    .iter()
                    .filter(|c| c.release() == Release::Workforce)
                    .any(|c| row[c.index()] != Cell::Missing(Missing::NotPublished))
            })
            .map(|(y, _)| *y)
            .collect()
    }

    /// Every year with a row of figures (either release), up to `last`.
    pub fn years_to(&self, last: i32) -> Vec<i32> {
        self.years.range(..=last).map(|(y, _)| *y).collect()
    }

    /// The latest workforce year with social workers in post published:
    /// the year `caseload new --la` uses by default.
    pub fn latest_year(&self) -> Option<i32> {
        self.workforce_years()
            .into_iter()
            .rev()
            .find(|y| self.value(Column::InpostFte, *y).is_some())
    }

    /// The workforce year to start from: `year` if the council has figures
    /// for it, else a usage error listing the years it has; the latest year
    /// with social workers in post when `year` is `None`.
    pub fn start_year(&self, year: Option<i32>) -> Result<i32> {
        let years = self.workforce_years();
        match year {
            None => self.latest_year().ok_or_else(|| {
                Error::Usage(format!(
                    "--la {}: no year of its published figures gives its social workers in post",
                    self.name
                ))
            }),
            Some(y) if years.contains(&y) => Ok(y),
            Some(y) => Err(Error::Usage(format!(
                "--year {y}: {} has no published workforce figures for 30 September {y}; years available: {}{}",
                self.name,
                years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "),
                successors::of(&self.name).map_or(String::new(), |r| format!(
                    ". {}: for them use {}",
                    r.describe(),
                    r.options()
                ))
            ))),
        }
    }

    /// The councils a joint row covers ("Kingston upon Thames / Richmond
    /// upon Thames"), or the council's own name.
    pub fn parts(&self) -> Vec<&str> {
        self.name.split(" / ").map(str::trim).collect()
    }

    /// The same area with every year after `year` removed: what was
    /// published by then (used by tests and backtests).
    pub fn truncated(&self, year: i32) -> Area {
        Area {
            name: self.name.clone(),
            region: self.region.clone(),
            years: self.years.range(..=year).map(|(y, r)| (*y, *r)).collect(),
        }
    }
}

/// A council's figures and England's, as published up to and including
/// `year`: reading a later year gives "not published". Everything that
/// builds a scenario reads through this, so a scenario for an earlier year
/// cannot see later figures.
#[derive(Debug, Clone, Copy)]
pub struct Upto<'a> {
    pub area: &'a Area,
    pub year: i32,
}

impl Upto<'_> {
    pub fn cell(&self, column: Column, year: i32) -> Cell {
        if year > self.year {
            Cell::Missing(Missing::NotPublished)
        } else {
            self.area.cell(column, year)
        }
    }

    pub fn value(&self, column: Column, year: i32) -> Option<f64> {
        self.cell(column, year).value()
    }
}

/// Every council's figures and England's.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub england: Area,
    /// Councils with at least one year of workforce figures, by name.
    pub councils: Vec<Area>,
}

/// A council found by name, with a note when the name given was one part
/// of a joint workforce row.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    pub council: &'a Area,
    pub note: Option<&'a str>,
}

/// Why a name found no one council: nothing typed, no council of that
/// name (the nearest names), or several.
enum Miss {
    Empty,
    Unknown(Vec<String>),
    Many(Vec<String>),
}

/// "; did you mean "Bury"?" for the nearest names, or nothing.
fn suggestion(near: &[String]) -> String {
    let quoted: Vec<String> = near.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [only] => format!("; did you mean {only}?"),
        [rest @ .., last] => format!("; did you mean {} or {last}?", rest.join(", ")),
    }
}

impl Figures {
    /// The figures compiled into the program.
    pub fn embedded() -> Result<Figures> {
        Figures::parse(EMBEDDED).map_err(|e| Error::Internal(format!("{DATA_FILE} (built into the program): {e}")))
    }

    /// Reads figures in the layout of `data/la_figures.csv`: `la_name,
    /// region, year` and any of the [`Column`]s by name (others ignored).
    pub fn parse(text: &str) -> std::result::Result<Figures, String> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| format!("its header: {e}"))?.clone();
        let position = |name: &str| headers.iter().position(|h| h == name);
        let (Some(name_at), Some(region_at), Some(year_at)) =
            (position("la_name"), position("region"), position("year"))
        else {
            return Err("its header lacks la_name, region or year".into());
        };
        let columns: Vec<(Column, usize)> = Column::ALL
            .iter()
            .filter_map(|c| position(c.name()).map(|at| (*c, at)))
            .collect();
        let mut areas: BTreeMap<String, Area> = BTreeMap::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| format!("line {line}: {e}"))?;
            let field = |at: usize| record.get(at).unwrap_or("");
            let name = field(name_at).to_string();
            if name.is_empty() {
                return Err(format!("line {line}: no la_name"));
            }
            let year: i32 = field(year_at)
                .parse()
                .ok()
                .filter(|y| (1900..=9999).contains(y))
                .ok_or_else(|| format!("line {line}: year {:?} is not a year", field(year_at)))?;
            let mut row = MISSING_ROW;
            for (column, at) in &columns {
                row[column.index()] = parse_cell(field(*at))
                    .ok_or_else(|| format!("line {line}: {} = {:?} is not a number", column.name(), field(*at)))?;
            }
            let area = areas.entry(name.clone()).or_insert_with(|| Area {
                name,
                region: field(region_at).to_string(),
                years: BTreeMap::new(),
            });
            if area.years.insert(year, row).is_some() {
                return Err(format!("line {line}: {} {year} appears twice", area.name));
            }
        }
        let england = areas.remove(ENGLAND).ok_or_else(|| format!("no rows for {ENGLAND}"))?;
        let councils = areas
            .into_values()
            .filter(|a| !a.workforce_years().is_empty())
            .collect();
        Ok(Figures { england, councils })
    }

    /// The council a person means by `query`: tolerant of case, "and" or
    /// "&", "City of", "Council", punctuation and spacing, and of naming
    /// one council of a joint row. An unknown name is a usage error that
    /// suggests the nearest names, in the words of `--la`.
    pub fn find(&self, query: &str) -> Result<Found<'_>> {
        self.lookup(query).map_err(|miss| {
            Error::Usage(match miss {
                Miss::Empty => format!(
                    "--la {query:?}: give a council's name, such as \"Bury\" (caseload new --list-las lists them)"
                ),
                Miss::Unknown(near) => format!(
                    "--la {query:?}: no council of that name in the published figures{} (caseload new --list-las lists them all)",
                    suggestion(&near)
                ),
                Miss::Many(names) => format!("--la {query:?} could mean {}: give the full name", names.join(" or ")),
            })
        })
    }

    /// [`Figures::find`] for a person who never types a command (the
    /// workshop page): the same search, its miss said without the
    /// command line's flags.
    pub fn find_for_page(&self, query: &str) -> Result<Found<'_>> {
        self.lookup(query).map_err(|miss| {
            Error::Usage(match miss {
                Miss::Empty => "Type a council's name, such as Bury.".to_string(),
                Miss::Unknown(near) => format!(
                    "{query:?}: no council of that name in the published figures{}",
                    suggestion(&near)
                ),
                Miss::Many(names) => format!("{query:?} could mean {}: type the full name", names.join(" or ")),
            })
        })
    }

    fn lookup(&self, query: &str) -> std::result::Result<Found<'_>, Miss> {
        let wanted = key(query);
        if wanted.is_empty() {
            return Err(Miss::Empty);
        }
        let mut matches: Vec<Found> = Vec::new();
        for council in &self.councils {
            if key(&council.name) == wanted {
                matches.push(Found { council, note: None });
            } else if let Some(part) = council.parts().into_iter().find(|p| key(p) == wanted)
                && council.parts().len() > 1
            {
                matches.push(Found {
                    council,
                    note: Some(part),
                });
            }
        }
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(Miss::Unknown(
                self.nearest(&wanted).into_iter().map(String::from).collect(),
            )),
            many => Err(Miss::Many(many.iter().map(|f| f.council.name.clone()).collect())),
        }
    }

    /// The newest workforce year in which any council published its social
    /// workers in post.
    pub fn newest_year(&self) -> Option<i32> {
        self.councils.iter().filter_map(Area::latest_year).max()
    }

    /// What `new --la` tells the user about the figures it starts from,
    /// beyond where it wrote them: that the council was abolished (and who
    /// took over), that the year's social workers in post were not
    /// published (so an earlier year's start values are used), and, when
    /// the year was not asked for, that its latest figures are older than
    /// other councils'.
    pub fn notes(&self, council: &Area, year: i32, year_given: bool) -> Vec<String> {
        let mut notes = Vec::new();
        let reorganised = successors::of(&council.name);
        if let Some(r) = reorganised {
            notes.push(format!("{}.", r.describe()));
        }
        // A year asked for whose social workers in post were not published
        // (Westminster's 2025, all `x`) starts from an earlier year's figures.
        if let Cell::Missing(why) = council.cell(Column::InpostFte, year)
            && let Some(from) = (year - derive::WINDOW_YEARS + 1..year)
                .rev()
                .find(|y| council.value(Column::InpostFte, *y).is_some())
        {
            notes.push(format!(
                "{}'s social workers in post for 30 September {year} are {}: the scenario starts from its figures for 30 September {from}, the latest published, as each value's comment says.",
                council.name,
                why.describe()
            ));
        }
        let behind = self.newest_year().map_or(0, |newest| newest - year);
        if !year_given && behind > 0 {
            notes.push(format!(
                "{}'s latest published figures are for 30 September {year}, {} older than other councils' ({}): the scenario starts from them.",
                council.name,
                years_in_words(behind),
                year + behind
            ));
        }
        if let Some(r) = reorganised {
            notes.push(format!(
                "For the councils of today: caseload new FILE.toml {}",
                r.options()
            ));
        }
        notes
    }

    /// Up to five council names nearest to a normalised name, best first.
    fn nearest(&self, wanted: &str) -> Vec<&str> {
        let mut scored: Vec<(f64, &str)> = self
            .councils
            .iter()
            .map(|c| {
                let score = std::iter::once(c.name.as_str())
                    .chain(c.parts())
                    .map(|n| similarity(wanted, &key(n)))
                    .fold(0.0, f64::max);
                (score, c.name.as_str())
            })
            .filter(|(score, _)| *score >= 0.85)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().take(5).map(|(_, n)| n).collect()
    }
}

/// How close two normalised names are, 0 to 1: a name that contains the
/// other ("worcester" in "worcestershire") or its initials ("bcp", as
/// Bournemouth, Christchurch and Poole calls itself) counts as close.
fn similarity(a: &str, b: &str) -> f64 {
    if a.len() >= 3 && (b.starts_with(a) || a.starts_with(b)) {
        return 0.97;
    }
    let initials: String = b.split(' ').filter_map(|w| w.chars().next()).collect();
    if a.len() >= 2 && initials.len() >= 2 && a == initials {
        return 0.9;
    }
    if (a.len() >= 4 && b.contains(a)) || (b.len() >= 4 && a.contains(b)) {
        return 0.9;
    }
    strsim::jaro_winkler(a, b)
}

/// "one year", "three years": a gap between years as said aloud.
fn years_in_words(n: i32) -> String {
    const WORDS: [&str; 10] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    match n {
        1 => "one year".into(),
        2..=10 => format!("{} years", WORDS[(n - 1) as usize]),
        _ => format!("{n} years"),
    }
}

/// Words that do not distinguish one council from another.
const NOISE: [&str; 10] = [
    "and",
    "of",
    "the",
    "city",
    "county",
    "council",
    "borough",
    "royal",
    "metropolitan",
    "london",
];

/// A name reduced to the words that identify it: lower case, `&` as "and",
/// punctuation as spaces, "saint" as "st", then the [`NOISE`] words dropped ("Bristol, City
/// of" and "Bristol City Council" are both `bristol`). A name made only of
/// such words keeps them ("City of London" stays `city of london`, and
/// "London Borough of Camden" is `camden`).
pub fn key(name: &str) -> String {
    let lower = name.to_lowercase().replace('&', " and ");
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| if w == "saint" { "st" } else { w })
        .collect();
    let kept: Vec<&str> = words.iter().copied().filter(|w| !NOISE.contains(w)).collect();
    if kept.is_empty() {
        words.join(" ")
    } else {
        kept.join(" ")
    }
}

fn parse_cell(text: &str) -> Option<Cell> {
    if let Some(missing) = Missing::from_marker(text) {
        return Some(Cell::Missing(missing));
    }
    let value: f64 = text.parse().ok()?;
    (value.is_finite() && value >= 0.0).then_some(Cell::Value(value))
}

/// `caseload new --list-las`: every council, its region and its years.
pub fn list(figures: &Figures) -> String {
    let width = figures
        .councils
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0);
    let region_width = figures
        .councils
        .iter()
        .map(|c| c.region.chars().count())
        .max()
        .unwrap_or(0)
        .max("region".len());
    let mut out = format!(
        "{:width$}  {:region_width$}  workforce years\n",
        "council",
        "region",
        width = width,
        region_width = region_width
    );
    for c in &figures.councils {
        let years = c.workforce_years();
        let span = match (years.first(), years.last()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => String::new(),
        };
        let abolished = successors::of(&c.name).map_or(String::new(), |r| {
            format!("  (abolished {}: now {})", r.abolished, r.successors.join("; "))
        });
        // A latest year whose social workers in post are not published
        // (Westminster's 2025, all `x`): `new --la` starts from an earlier one.
        let in_post = match (c.latest_year(), years.last()) {
            (Some(latest), Some(last)) if latest < *last => format!("  (social workers in post to {latest})"),
            (None, Some(_)) => "  (no social workers in post published)".to_string(),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{:width$}  {:region_width$}  {span}{in_post}{abolished}\n",
            c.name,
            c.region,
            width = width,
            region_width = region_width
        ));
    }
    out.push_str(&format!(
        "{} councils. Use a name with: caseload new FILE.toml --la NAME [--year YYYY]\n",
        figures.councils.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_keyed_without_noise_words() {
        assert_eq!(key("Bristol, City of"), "bristol");
        assert_eq!(key("bristol city council"), "bristol");
        assert_eq!(key("Brighton & Hove"), key("Brighton and Hove"));
        assert_eq!(key("  St. Helens "), "st helens");
        assert_eq!(key("City of London"), "city of london");
        assert_eq!(key("Herefordshire, County of"), "herefordshire");
        assert_eq!(key("Royal Borough of Kensington and Chelsea"), "kensington chelsea");
        assert_eq!(key("London Borough of Camden"), "camden");
        assert_eq!(key("London"), "london");
        assert_eq!(key("Saint Helens"), key("St. Helens"));
    }

    #[test]
    fn every_cell_of_the_embedded_figures_parses() {
        let f = Figures::embedded().unwrap();
        assert!(f.councils.len() >= 150, "{}", f.councils.len());
        assert_eq!(f.england.value(Column::InpostFte, 2025), Some(36186.3));
    }

    #[test]
    fn council_keys_are_unique_so_no_name_is_ambiguous() {
        let f = Figures::embedded().unwrap();
        let mut seen = BTreeMap::new();
        for c in &f.councils {
            for part in c.parts() {
                if let Some(other) = seen.insert(key(part), c.name.clone()) {
                    panic!("{part} and {other} share the key {}", key(part));
                }
            }
        }
    }

    #[test]
    fn markers_are_missing_and_other_text_is_refused() {
        assert_eq!(parse_cell("c"), Some(Cell::Missing(Missing::Suppressed)));
        assert_eq!(parse_cell(".."), Some(Cell::Missing(Missing::NotPublished)));
        assert_eq!(parse_cell("LOW"), Some(Cell::Missing(Missing::Low)));
        assert_eq!(parse_cell("12.5"), Some(Cell::Value(12.5)));
        assert_eq!(parse_cell("n/a"), None);
        assert_eq!(parse_cell("-1"), None);
        assert_eq!(parse_cell("inf"), None);
    }

    #[test]
    fn upto_hides_later_years() {
        let f = Figures::embedded().unwrap();
        let bury = f.find("bury").unwrap().council;
        let view = Upto { area: bury, year: 2022 };
        assert_eq!(view.value(Column::InpostFte, 2022), Some(103.8));
        assert_eq!(view.value(Column::InpostFte, 2023), None);
    }
}
