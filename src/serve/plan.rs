//! A workshop plan: the page's controls, and the one place where they
//! become a scenario.
//!
//! A [`Plan`] is what the page's controls say (each `None` is "as the
//! starting position has it"). [`Plan::apply`] writes it into the text of
//! the [`Start`] (the council's commented scenario, or a named file's
//! merged table) with `toml_edit`, so that every comment stays and each
//! changed value says what it was; the text is then read back and checked
//! by the scenario format's own rules (`scenario::check`). The scenario the
//! page simulates is the one parsed from that text, and the text is the
//! file the page saves: `caseload run` on the saved file reproduces the
//! page's numbers by construction.
//!
//! How the controls map to scenario keys (docs/model.md, section 14): the
//! ASYE intake, the council's decision, is fixed at the control's value (as
//! `seek` sets a lever); experienced hires and demand growth, which are
//! not in its gift, keep the start's spread and move its centre; funded posts and a managed team are dated
//! entries appended to `workforce.establishment_changes` and
//! `agency.extra`; a payment sets its amount and its assumed effect as a
//! uniform range of the multiplier and, with roles in the start, whom it is
//! for (its `roles`, named among the start's roles).

use crate::error::{Error, Result};
use crate::la;
use crate::model::lever;
use crate::model::params::{SOCIAL_WORKER, YearMonth};
use crate::model::{Parameter, params::Scenario};
use crate::scenario::{self, Loaded, Problem, ScenarioError, Source};
use crate::text;
use serde::{Deserialize, Deserializer};
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, TableLike, Value};

/// Where a plan starts: a scenario as text, and as checked.
#[derive(Debug, Clone)]
pub struct Start {
    /// A council's name, or the file's as given on the command line.
    pub label: String,
    pub text: String,
    pub loaded: Loaded,
}

impl Start {
    /// A council's scenario from its latest published figures, found by
    /// the forgiving name search of `new --la`.
    pub fn council(figures: &la::Figures, query: &str) -> Result<Start> {
        let found = figures.find_for_page(query)?;
        let council = found.council;
        let year = council.start_year(None)?;
        let built = la::scenario::build(figures, council, year)?;
        Ok(Start {
            label: council.name.clone(),
            text: built.text,
            loaded: built.loaded,
        })
    }

    /// A scenario file named on the command line: its merged table
    /// (`extends` followed and removed), headed by where it came from.
    pub fn file(loaded: &Loaded) -> Result<Start> {
        let mut table = loaded.source.table.clone();
        table.insert("name".into(), toml::Value::String(loaded.scenario.name.clone()));
        let body = toml::to_string(&table).map_err(|e| Error::render(&loaded.source.file, e))?;
        let text = format!(
            "# {}, as read from {} (after `extends`).\n\n{body}",
            loaded.scenario.name,
            loaded.source.chain.join(" <- ")
        );
        Ok(Start {
            label: loaded.source.file.clone(),
            text,
            loaded: loaded.clone(),
        })
    }

    fn scenario(&self) -> &Scenario {
        &self.loaded.scenario
    }
}

/// Absent: `None` (as the start has it); `null`: `Some(None)` (none).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> std::result::Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// What the page's controls say. Every field is optional: absent means as
/// the starting position has it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Newly qualified social workers taken on each year.
    pub asye_intake_per_year: Option<f64>,
    /// Experienced social workers accepting offers each month.
    pub experienced_hires_per_month: Option<f64>,
    /// A change in funded posts from a month.
    pub funded_posts: Option<DatedChange>,
    /// The cap on agency staff in FTE; `null`: no cap.
    #[serde(default, deserialize_with = "present")]
    pub agency_cap_fte: Option<Option<f64>>,
    /// A managed team for a while.
    pub managed_team: Option<ManagedTeam>,
    /// A retention payment; `null`: none.
    #[serde(default, deserialize_with = "present")]
    pub retention: Option<Option<Payment>>,
    /// A recruitment bonus; `null`: none.
    #[serde(default, deserialize_with = "present")]
    pub recruitment_bonus: Option<Option<Payment>>,
    /// Growth in referrals a year, as a share (0.03 for 3%).
    pub demand_growth: Option<f64>,
    /// With teams in the start: the team whose social workers' own levers
    /// (intake, hires, posts, agency, managed team) the plan moves. Named
    /// among the start's teams, never a path.
    pub team: Option<String>,
}

impl Plan {
    /// Whether the plan changes anything (choosing a team alone does not).
    pub fn changes_anything(&self) -> bool {
        Plan {
            team: None,
            ..self.clone()
        } != Plan::default()
    }
}

/// The start's teams, by name (none without `[teams]`).
pub fn teams(start: &Start) -> Vec<String> {
    start
        .loaded
        .source
        .table
        .get("teams")
        .and_then(toml::Value::as_table)
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

/// The start's roles, by name: the social worker role and every one of its
/// `[roles]`, alphabetical (none without `[roles]`: there is no one but
/// social workers to choose).
pub fn roles(start: &Start) -> Vec<String> {
    let Some(declared) = start.loaded.source.table.get("roles").and_then(toml::Value::as_table) else {
        return Vec::new();
    };
    let mut names: Vec<String> = declared.keys().cloned().collect();
    if !names.iter().any(|n| n == SOCIAL_WORKER) {
        names.push(SOCIAL_WORKER.to_string());
    }
    names.sort();
    names
}

/// A role's people in plain words, as the reports say them: `team_manager`
/// is "team managers", `iro` "independent reviewing officers".
pub fn role_words(role: &str) -> String {
    text::role_people(role)
}

/// Where a team's social workers' own sections are written.
pub fn team_path(team: &str) -> String {
    format!("teams.{team}.roles.social_worker")
}

/// A dated change in funded posts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedChange {
    pub from: String,
    pub change_fte: f64,
}

/// A managed team: its size and its months.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedTeam {
    pub fte: f64,
    pub from: String,
    pub to: String,
}

/// A payment: its amount (a worker, or a hire) and its assumed effect, a
/// multiplier anywhere from the first value to the second (absent: as the
/// starting position assumes, or none for a new payment).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    pub amount: f64,
    #[serde(default)]
    pub multiplier: Option<[f64; 2]>,
    /// With roles in the start: whom it is for, named among the start's
    /// roles (the payment's `roles = [...]`). Absent: as the starting
    /// position has it (every role for a new payment); `null`: every role.
    #[serde(default, deserialize_with = "present")]
    pub roles: Option<Option<Vec<String>>>,
}

/// One control of the page: its id, the scenario key it writes, its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    AsyeIntake,
    ExperiencedHires,
    FundedPosts,
    AgencyCap,
    ManagedTeam,
    Retention,
    RecruitmentBonus,
    DemandGrowth,
}

impl Control {
    pub const ALL: [Control; 8] = [
        Control::AsyeIntake,
        Control::ExperiencedHires,
        Control::FundedPosts,
        Control::AgencyCap,
        Control::ManagedTeam,
        Control::Retention,
        Control::RecruitmentBonus,
        Control::DemandGrowth,
    ];

    /// The id the page and the JSON use.
    pub fn id(self) -> &'static str {
        match self {
            Control::AsyeIntake => "asye_intake_per_year",
            Control::ExperiencedHires => "experienced_hires_per_month",
            Control::FundedPosts => "funded_posts",
            Control::AgencyCap => "agency_cap_fte",
            Control::ManagedTeam => "managed_team",
            Control::Retention => "retention",
            Control::RecruitmentBonus => "recruitment_bonus",
            Control::DemandGrowth => "demand_growth",
        }
    }

    /// The scenario key it writes: a problem at or under it is this
    /// control's.
    pub fn key(self) -> &'static str {
        match self {
            Control::AsyeIntake => "asye.intake_per_year",
            Control::ExperiencedHires => "recruitment.applicants_per_month",
            Control::FundedPosts => "workforce.establishment_changes",
            Control::AgencyCap => "agency.max_fte",
            Control::ManagedTeam => "agency.extra",
            Control::Retention => "payments.retention",
            Control::RecruitmentBonus => "payments.recruitment_bonus",
            Control::DemandGrowth => "demand.annual_growth",
        }
    }

    /// Its label for a councillor, from the one declaration of parameters
    /// (`model::parameter`) or of levers (`model::lever`).
    pub fn label(self, s: &Scenario) -> String {
        let parameter = |p: Parameter| {
            let d = p.describe(s);
            if d.per.is_empty() {
                d.words
            } else {
                format!("{}, {}", d.words, d.per)
            }
        };
        let lever =
            |key: &str| lever::find(key).map_or_else(String::new, |l| text::capital(l.words.trim_end_matches(',')));
        match self {
            Control::AsyeIntake => parameter(Parameter::AsyeIntakePerYear),
            Control::ExperiencedHires => parameter(Parameter::ApplicantsPerMonth),
            Control::FundedPosts => format!("{}: a change from a month", lever("workforce.establishment_fte")),
            Control::AgencyCap => lever("agency.max_fte"),
            Control::ManagedTeam => lever("agency.extra[0].fte"),
            Control::Retention => lever("payments.retention.amount"),
            Control::RecruitmentBonus => lever("payments.recruitment_bonus.amount"),
            Control::DemandGrowth => parameter(Parameter::AnnualGrowth),
        }
    }

    /// A payment's assumed effect, in the words of its parameter.
    pub fn effect_label(self, s: &Scenario) -> Option<String> {
        let p = match self {
            Control::Retention => Parameter::RetentionLeavingMultiplier,
            Control::RecruitmentBonus => Parameter::BonusApplicantMultiplier,
            _ => return None,
        };
        Some(p.describe(s).words)
    }

    /// The control a scenario problem belongs to, by its key path.
    pub fn of_location(location: &str) -> Option<Control> {
        // A team's own key (teams.<team>.roles.<role>.asye...) is its lever's.
        let parts: Vec<&str> = location.splitn(5, '.').collect();
        let location = match parts.as_slice() {
            ["teams", _, "roles", _, rest] => rest,
            _ => location,
        };
        Control::ALL.into_iter().find(|c| {
            let key = c.key();
            location == key || location.starts_with(&format!("{key}.")) || location.starts_with(&format!("{key}["))
        })
    }
}

/// The file every problem of the plan itself names.
pub const PLAN_FILE: &str = "workshop plan";

/// The largest values the page takes, beyond the scenario format's own
/// rules: a plan is simulated while people wait, so nothing may ask for a
/// workforce thousands of times a council's.
struct Bound {
    control: Control,
    key: &'static str,
    low: f64,
    high: f64,
}

const BOUNDS: [Bound; 10] = [
    Bound {
        control: Control::AsyeIntake,
        key: "asye.intake_per_year",
        low: 0.0,
        high: 1000.0,
    },
    Bound {
        control: Control::ExperiencedHires,
        key: "recruitment.applicants_per_month",
        low: 0.0,
        high: 100.0,
    },
    Bound {
        control: Control::FundedPosts,
        key: "workforce.establishment_changes.change_fte",
        low: -10_000.0,
        high: 10_000.0,
    },
    Bound {
        control: Control::AgencyCap,
        key: "agency.max_fte",
        low: 0.0,
        high: 10_000.0,
    },
    Bound {
        control: Control::ManagedTeam,
        key: "agency.extra.fte",
        low: 0.0,
        high: 1000.0,
    },
    Bound {
        control: Control::Retention,
        key: "payments.retention.amount",
        low: 0.0,
        high: 100_000.0,
    },
    Bound {
        control: Control::Retention,
        key: "payments.retention.leaving_multiplier",
        low: 0.0,
        high: 5.0,
    },
    Bound {
        control: Control::RecruitmentBonus,
        key: "payments.recruitment_bonus.amount",
        low: 0.0,
        high: 100_000.0,
    },
    Bound {
        control: Control::RecruitmentBonus,
        key: "payments.recruitment_bonus.applicant_multiplier",
        low: 0.0,
        high: 5.0,
    },
    Bound {
        control: Control::DemandGrowth,
        key: "demand.annual_growth",
        low: -0.5,
        high: 1.0,
    },
];

/// A plan applied: the file's text and the scenario read back from it.
#[derive(Debug, Clone)]
pub struct Applied {
    pub text: String,
    pub loaded: Loaded,
    /// The plan's changes in words, one each.
    pub changes: Vec<String>,
}

impl Plan {
    /// The values this plan gives, each with its bound (months are checked
    /// by the scenario's rules).
    fn numbers(&self) -> Vec<(&'static str, f64)> {
        let mut out = Vec::new();
        let mut add = |key: &'static str, x: Option<f64>| {
            if let Some(x) = x {
                out.push((key, x));
            }
        };
        add("asye.intake_per_year", self.asye_intake_per_year);
        add("recruitment.applicants_per_month", self.experienced_hires_per_month);
        add(
            "workforce.establishment_changes.change_fte",
            self.funded_posts.as_ref().map(|c| c.change_fte),
        );
        add("agency.max_fte", self.agency_cap_fte.flatten());
        add("agency.extra.fte", self.managed_team.as_ref().map(|m| m.fte));
        add("demand.annual_growth", self.demand_growth);
        for (payment, amount, multiplier) in [
            (
                &self.retention,
                "payments.retention.amount",
                "payments.retention.leaving_multiplier",
            ),
            (
                &self.recruitment_bonus,
                "payments.recruitment_bonus.amount",
                "payments.recruitment_bonus.applicant_multiplier",
            ),
        ] {
            if let Some(Some(p)) = payment {
                add(amount, Some(p.amount));
                add(multiplier, p.multiplier.map(|m| m[0]));
                add(multiplier, p.multiplier.map(|m| m[1]));
            }
        }
        out
    }

    /// The plan's own problems: values outside what the page takes, and
    /// months too long to be months.
    fn bounds(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (key, x) in self.numbers() {
            let Some(b) = BOUNDS.iter().find(|b| b.key == key) else {
                continue;
            };
            if !(x.is_finite() && x >= b.low && x <= b.high) {
                problems.push(Problem {
                    file: PLAN_FILE.into(),
                    location: b.control.key().into(),
                    message: format!(
                        "{key} = {}: the workshop page takes {} to {}",
                        text::number(x),
                        text::number(b.low),
                        text::number(b.high)
                    ),
                });
            }
        }
        let months = [
            (
                Control::FundedPosts,
                self.funded_posts.as_ref().map(|c| c.from.as_str()),
            ),
            (
                Control::ManagedTeam,
                self.managed_team.as_ref().map(|m| m.from.as_str()),
            ),
            (Control::ManagedTeam, self.managed_team.as_ref().map(|m| m.to.as_str())),
        ];
        for (control, month) in months {
            if let Some(m) = month.filter(|m| m.chars().count() > 16) {
                problems.push(Problem {
                    file: PLAN_FILE.into(),
                    location: control.key().into(),
                    message: format!(
                        "{}...: expected a month as YYYY-MM, such as 2026-04",
                        m.chars().take(16).collect::<String>()
                    ),
                });
            }
        }
        problems
    }

    /// The roles the plan's payments are for: a list of the start's roles
    /// (never a path, never longer than the start's list of roles).
    fn role_problems(&self, start: &Start) -> Vec<Problem> {
        let known = roles(start);
        let mut problems = Vec::new();
        for (control, payment) in [
            (Control::Retention, &self.retention),
            (Control::RecruitmentBonus, &self.recruitment_bonus),
        ] {
            let Some(Some(Payment {
                roles: Some(Some(names)),
                ..
            })) = payment
            else {
                continue;
            };
            let message = if known.is_empty() {
                Some("the starting position has no roles: the payment is for its social workers".to_string())
            } else if names.is_empty() {
                Some("names no role: leave it out (or null) for every role".to_string())
            } else if names.len() > known.len() {
                Some(format!(
                    "names {} roles: the starting position has {} ({})",
                    names.len(),
                    known.len(),
                    known.join(", ")
                ))
            } else {
                names.iter().find(|n| !known.contains(n)).map(|n| {
                    format!(
                        "\"{}\": not one of the starting position's roles ({})",
                        shortened(n),
                        known.join(", ")
                    )
                })
            };
            if let Some(message) = message {
                problems.push(Problem {
                    file: PLAN_FILE.into(),
                    location: format!("{}.roles", control.key()),
                    message,
                });
            }
        }
        problems
    }

    /// The plan written into the start's text and checked by the
    /// scenario format's rules: every problem at once, each at the key of
    /// the control that caused it.
    pub fn apply(&self, start: &Start) -> std::result::Result<Applied, ScenarioError> {
        let mut problems = self.bounds();
        problems.extend(self.role_problems(start));
        if !problems.is_empty() {
            return Err(ScenarioError { problems });
        }
        let pool = match &self.team {
            None => None,
            Some(team) if teams(start).contains(team) => Some(team_path(team)),
            Some(team) => {
                let known = teams(start);
                let team = shortened(team);
                let message = if known.is_empty() {
                    format!("{team}: the starting position has no teams")
                } else {
                    format!(
                        "{team}: not one of the starting position's teams ({})",
                        known.join(", ")
                    )
                };
                return Err(ScenarioError {
                    problems: vec![Problem {
                        file: PLAN_FILE.into(),
                        location: "team".into(),
                        message,
                    }],
                });
            }
        };
        let mut doc: DocumentMut = start.text.parse().map_err(|e| internal(&format!("{e}")))?;
        let s = start.scenario();
        let mut edit = Edit {
            doc: &mut doc,
            start: s,
            pool,
            changes: Vec::new(),
            problems: Vec::new(),
        };
        let (asye, recruitment) = (edit.own("asye"), edit.own("recruitment"));
        // The intake is the council's decision: a fixed number, as `seek`
        // sets a lever. Hires and demand are not in its gift: they keep
        // the start's spread around the value the plan assumes.
        edit.number((&asye, "intake_per_year"), self.asye_intake_per_year, false, |x| {
            format!("{} ASYEs a year", text::number(x))
        });
        edit.number(
            (&recruitment, "applicants_per_month"),
            self.experienced_hires_per_month,
            true,
            |x| format!("about {} experienced hires a month", text::number(x)),
        );
        edit.number(("demand", "annual_growth"), self.demand_growth, true, |x| {
            format!("referrals growing about {} a year", text::percent_as_written(x))
        });
        if let Some(c) = &self.funded_posts {
            edit.funded_posts(c);
        }
        if let Some(cap) = self.agency_cap_fte {
            edit.agency_cap(cap);
        }
        if let Some(m) = &self.managed_team {
            edit.managed_team(m);
        }
        if let Some(p) = &self.retention {
            edit.payment(Control::Retention, p.as_ref());
        }
        if let Some(p) = &self.recruitment_bonus {
            edit.payment(Control::RecruitmentBonus, p.as_ref());
        }
        let Edit {
            mut changes, problems, ..
        } = edit;
        if let Some(team) = &self.team
            && !changes.is_empty()
        {
            changes.insert(0, format!("the {} team's own levers", team.replace('_', " ")));
        }
        if !problems.is_empty() {
            return Err(ScenarioError { problems });
        }
        // The plan's own name keeps its folder apart from the scenario's
        // when the saved file is run; with no change it is the start.
        let name = if changes.is_empty() {
            format!("{}: starting position", s.name)
        } else {
            format!("{}: workshop plan", s.name)
        };
        put(doc.as_table_mut(), "name", Item::Value(Value::from(name.as_str())));
        let text = format!("{}{doc}", header(s, &changes));
        let source = Source::from_text(PLAN_FILE, &text).map_err(ScenarioError::from)?;
        let loaded = scenario::check(source)?;
        Ok(Applied { text, loaded, changes })
    }
}

/// A name the plan gave, as a problem repeats it: its first 40
/// characters, so that a long one is not sent back whole.
fn shortened(name: &str) -> String {
    let shown: String = name.chars().take(40).collect();
    let more = if name.chars().count() > 40 { "..." } else { "" };
    format!("{shown}{more}")
}

fn internal(message: &str) -> ScenarioError {
    ScenarioError {
        problems: vec![Problem {
            file: PLAN_FILE.into(),
            location: String::new(),
            message: format!("the starting scenario could not be edited: {message} (a fault of caseload itself)"),
        }],
    }
}

/// The saved file's opening comment: what the plan changes and how to
/// repeat it.
fn header(s: &Scenario, changes: &[String]) -> String {
    let mut out = String::from(
        "# =============================================================================\n\
         # A workshop plan, made on the page of `caseload serve`\n\
         # =============================================================================\n#\n",
    );
    out.push_str(&format!("# Starting from: {}\n", s.name));
    if changes.is_empty() {
        out.push_str("# Changes: none; this is the starting position.\n");
    } else {
        out.push_str("# Changes (each value changed says what it was):\n");
        for c in changes {
            out.push_str(&format!("#   - {c}\n"));
        }
    }
    out.push_str(
        "#\n# Repeat the page's numbers with:\n#   caseload run THIS-FILE.toml --runs 1000 --seed 1\n\
         # (the page's runs and seed; any other number of runs gives the same first runs).\n\n",
    );
    out
}

/// A plan being written into a document.
struct Edit<'a> {
    doc: &'a mut DocumentMut,
    start: &'a Scenario,
    /// The chosen team's social workers' sections (`team_path`), where
    /// the levers that are a team's own go; `None`: the council's.
    pool: Option<String>,
    changes: Vec<String>,
    problems: Vec<Problem>,
}

impl Edit<'_> {
    fn problem(&mut self, control: Control, message: String) {
        self.problems.push(Problem {
            file: PLAN_FILE.into(),
            location: control.key().into(),
            message,
        });
    }

    /// The table at `path` (dotted), made when it is not there.
    fn table(&mut self, path: &str) -> Option<&mut dyn TableLike> {
        let mut at: &mut dyn TableLike = self.doc.as_table_mut();
        for part in path.split('.') {
            if !at.contains_key(part) {
                let mut t = Table::new();
                t.set_implicit(true);
                at.insert(part, Item::Table(t));
            }
            let item = at.get_mut(part)?;
            // An inline table cannot hold the plan's comments: it becomes
            // a section of its own (a team's `asye = { ... }`).
            if item.is_inline_table() {
                *item = match std::mem::take(item).into_table() {
                    Ok(table) => Item::Table(table),
                    Err(unchanged) => unchanged,
                };
            }
            at = item.as_table_like_mut()?;
        }
        Some(at)
    }

    /// Where a team's own section goes: under the chosen team, or the
    /// council's.
    fn own(&self, section: &str) -> String {
        match &self.pool {
            Some(pool) => format!("{pool}.{section}"),
            None => section.to_string(),
        }
    }

    /// Whether the plan may write the agency section: the council's must
    /// be there; a team's is the team's own to start.
    fn has_agency(&self) -> bool {
        self.pool.is_some() || self.has_table("agency")
    }

    fn has_table(&self, name: &str) -> bool {
        self.doc.get(name).is_some_and(|i| i.as_table_like().is_some())
    }

    /// Sets a number the start may give as a range: fixed at `x`, or,
    /// with `keep_spread`, the range keeping its spread with its centre
    /// moved to `x`.
    fn number(
        &mut self,
        (section, key): (&str, &str),
        x: Option<f64>,
        keep_spread: bool,
        words: impl Fn(f64) -> String,
    ) {
        let Some(x) = x else { return };
        let Some(table) = self.table(section) else { return };
        let old = table.get(key).and_then(Item::as_value).cloned();
        let was = old
            .as_ref()
            .map_or_else(|| "not given".to_string(), |v| v.to_string().trim().to_string());
        let mut value = if keep_spread {
            moved(old.as_ref(), x)
        } else {
            Value::from(x)
        };
        value.decor_mut().set_suffix(format!("   # workshop plan; was {was}"));
        put(table, key, Item::Value(value));
        self.changes.push(words(x));
    }

    fn funded_posts(&mut self, c: &DatedChange) {
        if c.change_fte == 0.0 {
            return;
        }
        let mut entry = InlineTable::new();
        entry.insert("from", Value::from(c.from.as_str()));
        entry.insert("change_fte", Value::from(c.change_fte));
        let workforce = self.own("workforce");
        if let Some(table) = self.table(&workforce) {
            append(table, "establishment_changes", entry);
        }
        self.changes.push(format!(
            "{} funded posts (FTE) from {}",
            text::signed_number(c.change_fte),
            month_words(&c.from)
        ));
    }

    fn agency_cap(&mut self, cap: Option<f64>) {
        if !self.has_agency() {
            self.problem(
                Control::AgencyCap,
                "the starting position has no agency staff, so there is no agency to cap".into(),
            );
            return;
        }
        let agency = self.own("agency");
        let Some(table) = self.table(&agency) else { return };
        let was = table
            .get("max_fte")
            .and_then(Item::as_value)
            .map_or_else(|| "no cap".to_string(), |v| v.to_string().trim().to_string());
        match cap {
            Some(x) => {
                let mut value = Value::from(x);
                value.decor_mut().set_suffix(format!("   # workshop plan; was {was}"));
                put(table, "max_fte", Item::Value(value));
                self.changes.push(format!("agency capped at {} FTE", text::number(x)));
            }
            None => {
                table.remove("max_fte");
                self.changes.push(format!("no cap on agency (was {was})"));
            }
        }
    }

    fn managed_team(&mut self, m: &ManagedTeam) {
        if m.fte == 0.0 {
            return;
        }
        if !self.has_agency() {
            self.problem(
                Control::ManagedTeam,
                "the starting position has no agency section, which a managed team is part of".into(),
            );
            return;
        }
        let mut entry = InlineTable::new();
        entry.insert("from", Value::from(m.from.as_str()));
        entry.insert("to", Value::from(m.to.as_str()));
        entry.insert("fte", Value::from(m.fte));
        let agency = self.own("agency");
        if let Some(table) = self.table(&agency) {
            append(table, "extra", entry);
        }
        self.changes.push(format!(
            "a managed team of {} FTE from {} to {}",
            text::number(m.fte),
            month_words(&m.from),
            month_words(&m.to)
        ));
    }

    fn payment(&mut self, control: Control, payment: Option<&Payment>) {
        let (name, effect, words) = match control {
            Control::Retention => ("retention", "leaving_multiplier", "retention payment"),
            _ => ("recruitment_bonus", "applicant_multiplier", "recruitment bonus"),
        };
        let start = self.start.start.to_string();
        let payments_present = self.has_table("payments");
        let Some(p) = payment else {
            if payments_present && let Some(payments) = self.table("payments") {
                payments.remove(name);
            }
            self.changes.push(format!("no {words}"));
            return;
        };
        let Some(table) = self.table(&format!("payments.{name}")) else {
            return;
        };
        let fresh = !table.contains_key("amount");
        let note = |v: Value, why: &str| {
            let mut v = v;
            v.decor_mut().set_suffix(format!("   # workshop plan{why}"));
            Item::Value(v)
        };
        put(table, "amount", note(Value::from(p.amount), ""));
        if let Some([low, high]) = p.multiplier {
            let multiplier = if low == high {
                Value::from(low)
            } else {
                let mut range = InlineTable::new();
                range.insert("uniform", Value::Array(Array::from_iter([low, high])));
                Value::InlineTable(range)
            };
            put(
                table,
                effect,
                note(multiplier, ": an assumption, anywhere in this range"),
            );
        }
        if fresh {
            put(
                table,
                "from",
                note(Value::from(start.as_str()), ": from the first month"),
            );
            if control == Control::Retention {
                put(
                    table,
                    "min_service_months",
                    note(Value::from(12), ": after a year's service"),
                );
                put(table, "include_asye", note(Value::from(false), ""));
                put(
                    table,
                    "clawback_months",
                    note(Value::from(12), ": repaid pro rata within a year"),
                );
            } else {
                put(
                    table,
                    "clawback_months",
                    note(Value::from(24), ": repaid pro rata within two years"),
                );
            }
        }
        let whom = match &p.roles {
            Some(Some(names)) => {
                let was = if fresh {
                    ": only these roles".to_string()
                } else {
                    let was = table
                        .get("roles")
                        .and_then(Item::as_value)
                        .map_or_else(|| "every role".to_string(), |v| v.to_string().trim().to_string());
                    format!("; was {was}")
                };
                let list = Array::from_iter(names.iter().map(String::as_str));
                put(table, "roles", note(Value::Array(list), &was));
                let words: Vec<String> = names.iter().map(|n| role_words(n)).collect();
                format!(" for {}", listed(&words))
            }
            Some(None) if table.remove("roles").is_some() => " for every role".to_string(),
            _ => String::new(),
        };
        let effect_words = if control == Control::Retention {
            "leaving"
        } else {
            "experienced applicants"
        };
        let assumed = match p.multiplier {
            Some([low, high]) => format!("{effect_words} ×{} to ×{}", text::number(low), text::number(high)),
            None if fresh => format!("no effect on {effect_words} assumed"),
            None => "its effect as the starting position assumes".to_string(),
        };
        self.changes
            .push(format!("a {words} of {}{whom} ({assumed})", text::money(p.amount)));
    }
}

/// Words as a list: `a`, `a and b`, `a, b and c`.
fn listed(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Sets `key` in `table`, keeping the comments above an existing key
/// (`TableLike::insert` would reformat the key and drop them).
fn put(table: &mut dyn TableLike, key: &str, item: Item) {
    match table.get_mut(key) {
        Some(slot) => *slot = item,
        None => {
            table.insert(key, item);
        }
    }
}

/// A month as people say it (`April 2026`), or as given when it is not one.
fn month_words(m: &str) -> String {
    YearMonth::parse(m).map_or_else(|| m.to_string(), crate::scenario::describe::month_name)
}

/// Appends `entry` to the array `key` of `table` (an inline array, or an
/// array of tables), made when absent.
fn append(table: &mut dyn TableLike, key: &str, entry: InlineTable) {
    match table.get_mut(key) {
        Some(Item::Value(Value::Array(items))) => {
            items.push(entry);
            items.decor_mut().set_suffix("   # workshop plan: the last entry");
        }
        Some(Item::ArrayOfTables(tables)) => tables.push(entry.into_table()),
        _ => {
            let mut items = Array::new();
            items.push(entry);
            items.decor_mut().set_suffix("   # workshop plan");
            put(table, key, Item::Value(Value::Array(items)));
        }
    }
}

/// The value with its centre moved to `x`: a number becomes `x`; a range
/// keeps its spread (a lognormal its sd_log, a normal its sd; a uniform or
/// triangular range is scaled when its centre and `x` are above 0, else
/// shifted). A lognormal cannot centre on 0 or below: that is the plain
/// number.
fn moved(old: Option<&Value>, x: f64) -> Value {
    let Some(Value::InlineTable(range)) = old else {
        return Value::from(x);
    };
    let Some((kind, Some(values))) = range
        .iter()
        .next()
        .map(|(k, v)| (k.to_string(), v.as_array().map(numbers)))
    else {
        return Value::from(x);
    };
    let new: Option<Vec<f64>> = match (kind.as_str(), values.as_slice()) {
        ("lognormal", [_, sd]) if x > 0.0 => Some(vec![x, *sd]),
        ("normal", [_, sd]) => Some(vec![x, *sd]),
        ("uniform", [a, b]) => Some(scaled_or_shifted(&[*a, *b], (a + b) / 2.0, x)),
        ("triangular", [a, m, b]) => Some(scaled_or_shifted(&[*a, *m, *b], *m, x)),
        _ => None,
    };
    match new {
        Some(values) if values.iter().all(|v| v.is_finite()) => {
            let mut t = InlineTable::new();
            t.insert(&kind, Value::Array(Array::from_iter(values.into_iter().map(tidy))));
            Value::InlineTable(t)
        }
        _ => Value::from(x),
    }
}

fn scaled_or_shifted(values: &[f64], centre: f64, x: f64) -> Vec<f64> {
    if centre > 0.0 && x > 0.0 {
        values.iter().map(|v| v * x / centre).collect()
    } else {
        values.iter().map(|v| v + x - centre).collect()
    }
}

/// Six significant figures: the file stays readable.
fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 6 - x.abs().log10().ceil() as i32;
    let scale = 10f64.powi(digits.clamp(-300, 300));
    (x * scale).round() / scale
}

fn numbers(a: &Array) -> Vec<f64> {
    a.iter()
        .filter_map(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
        .collect()
}

/// The centre of a value as [`moved`] reads it: a number itself; a
/// lognormal's median, a normal's mean, a triangular's mode, a uniform's
/// midpoint.
pub fn centre(value: &toml::Value) -> Option<f64> {
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    if let Some(x) = number(value) {
        return Some(x);
    }
    let (kind, values) = value.as_table()?.iter().next()?;
    let values: Vec<f64> = values.as_array()?.iter().filter_map(number).collect();
    match (kind.as_str(), values.as_slice()) {
        ("lognormal" | "normal", [m, _]) => Some(*m),
        ("uniform", [a, b]) => Some((a + b) / 2.0),
        ("triangular", [_, m, _]) => Some(*m),
        _ => None,
    }
}

/// The value at a dotted key path of the start's table.
pub fn value_at<'a>(start: &'a Start, path: &str) -> Option<&'a toml::Value> {
    let mut parts = path.split('.');
    let mut at = start.loaded.source.table.get(parts.next()?)?;
    for part in parts {
        at = at.get(part)?;
    }
    Some(at)
}

/// The months a dated control may name: the start's horizon.
pub fn months(s: &Scenario) -> Vec<YearMonth> {
    (0..s.months).map(|t| s.month_at(t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Value {
        text.parse::<Value>().unwrap()
    }

    #[test]
    fn a_range_keeps_its_spread_and_moves_its_centre() {
        let m = |old: &str, x: f64| moved(Some(&value(old)), x).to_string().trim().to_string();
        assert_eq!(
            m("{ lognormal = [18.0, 0.539] }", 30.0),
            "{ lognormal = [30.0, 0.539] }"
        );
        assert_eq!(m("{ normal = [0.0, 0.01] }", 0.03), "{ normal = [0.03, 0.01] }");
        assert_eq!(m("{ uniform = [1.0, 3.0] }", 4.0), "{ uniform = [2.0, 6.0] }");
        assert_eq!(
            m("{ triangular = [-0.01, 0.0, 0.02] }", 0.02),
            "{ triangular = [0.01, 0.02, 0.04] }"
        );
        // A lognormal cannot centre on 0: the plain number.
        assert_eq!(m("{ lognormal = [0.22, 0.57] }", 0.0), "0.0");
        assert_eq!(m("2.5", 3.0), "3.0");
        assert_eq!(moved(None, 1.5).to_string().trim(), "1.5");
    }

    #[test]
    fn the_centre_is_what_moved_moves() {
        let c = |text: &str| centre(&format!("v = {text}").parse::<toml::Table>().unwrap()["v"]);
        assert_eq!(c("{ lognormal = [18.0, 0.5] }"), Some(18.0));
        assert_eq!(c("{ uniform = [1.0, 3.0] }"), Some(2.0));
        assert_eq!(c("{ triangular = [0.75, 0.9, 1.0] }"), Some(0.9));
        assert_eq!(c("7"), Some(7.0));
        assert_eq!(c("\"seven\""), None);
    }

    #[test]
    fn a_problem_belongs_to_the_control_whose_key_holds_it() {
        assert_eq!(
            Control::of_location("workforce.establishment_changes[1].from"),
            Some(Control::FundedPosts)
        );
        assert_eq!(
            Control::of_location("payments.retention.leaving_multiplier"),
            Some(Control::Retention)
        );
        assert_eq!(Control::of_location("agency.extra[0].to"), Some(Control::ManagedTeam));
        assert_eq!(Control::of_location("agency.max_fte"), Some(Control::AgencyCap));
        assert_eq!(Control::of_location("agency.max_fte_other"), None);
        assert_eq!(Control::of_location("demand.referrals_per_month"), None);
    }

    #[test]
    fn numbers_keep_six_significant_figures() {
        assert_eq!(tidy(0.263_888_888_9), 0.263_889);
        assert_eq!(tidy(1_234.567_891), 1_234.57);
        assert_eq!(tidy(0.0), 0.0);
    }

    #[test]
    fn a_plan_is_written_into_the_start_and_read_back_with_every_change_commented() {
        let figures = la::Figures::embedded().unwrap();
        let start = Start::council(&figures, "bury").unwrap();
        let unchanged = Plan::default().apply(&start).unwrap();
        assert!(unchanged.changes.is_empty());
        // Its charts' titles say what it is.
        let start_name = &start.loaded.scenario.name;
        assert_eq!(
            unchanged.loaded.scenario.name,
            format!("{start_name}: starting position")
        );
        let plan = Plan {
            asye_intake_per_year: Some(25.0),
            agency_cap_fte: Some(None),
            retention: Some(Some(Payment {
                amount: 2000.0,
                multiplier: Some([0.8, 0.95]),
                roles: None,
            })),
            ..Plan::default()
        };
        let applied = plan.apply(&start).unwrap();
        let s = &applied.loaded.scenario;
        assert!(
            applied
                .text
                .contains("intake_per_year = 25.0   # workshop plan; was { lognormal")
        );
        assert!(s.payments.retention.is_some());
        assert_eq!(applied.changes.len(), 3);
        assert_eq!(s.name, format!("{start_name}: workshop plan"));
        // The start's comments stay.
        assert!(applied.text.contains("# (U) Newly qualified people joining each year"));
    }
}
