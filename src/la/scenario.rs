//! A council's scenario as a commented TOML file: the values of
//! [`derive`](super::derive) laid out like the shipped scenarios, every
//! value preceded by the published figures, years and arithmetic it came
//! from. Built as text (not through serde) so that the comments sit beside
//! their values; the same figures always give the same bytes.

use super::derive::{self, Derivation, Ranged, Sourced, num};
use super::{Area, Figures};
use crate::error::{Error, Result};
use crate::scenario::{self, Loaded, Source};
use std::fmt::Write;

/// A council's scenario: its text, the values it holds, and the scenario
/// as checked.
#[derive(Debug, Clone)]
pub struct Built {
    pub text: String,
    pub derivation: Derivation,
    pub loaded: Loaded,
}

/// The scenario a council could have written from its figures published up
/// to `year` (30 September `year` for the workforce, the year to 31 March
/// `year` for children in need), checked. Later figures are never read, so
/// a backtest can compare it with what followed.
pub fn build(figures: &Figures, council: &Area, year: i32) -> Result<Built> {
    let derivation = derive::derive(figures, council, year)?;
    let text = render(&derivation);
    let file = format!("{} {year} (generated)", council.name);
    let source = Source::from_text(&file, &text).map_err(|p| Error::Scenario(p.into()))?;
    let loaded = scenario::check(source)?;
    Ok(Built {
        text,
        derivation,
        loaded,
    })
}

/// How many months a generated scenario projects.
pub const MONTHS: u32 = 36;

/// The scenario's name: also its output folder's.
pub fn scenario_name(council: &str, year: i32) -> String {
    format!("{council}, {year} published figures")
}

/// A council's name as typed on a command line: quoted unless one word.
pub fn shell_word(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}

/// The command that makes the file, with the name quoted when it needs to be.
fn command(d: &Derivation) -> String {
    format!(
        "caseload new FILE.toml --la {} --year {}",
        shell_word(&d.council),
        d.year
    )
}

/// A TOML number with at most `decimals` decimals and at least one, or a
/// whole number when `decimals` is negative.
fn val(x: f64, decimals: i32) -> String {
    if decimals < 0 {
        return format!("{}", x.round() as i64);
    }
    let x = derive::round_to(x, decimals);
    let text = format!("{:.*}", decimals.max(1) as usize, x);
    let trimmed = text.trim_end_matches('0');
    if trimmed.ends_with('.') {
        format!("{trimmed}0")
    } else {
        trimmed.to_string()
    }
}

fn uncertain(r: &Ranged, decimals: i32) -> String {
    if r.spread <= 0.0 || r.latest <= 0.0 {
        val(r.latest, decimals)
    } else {
        format!("{{ lognormal = [{}, {}] }}", val(r.latest, decimals), val(r.spread, 3))
    }
}

/// A TOML string with quotes and backslashes escaped.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes comment lines: `about` as is, the derivation indented.
fn comment(o: &mut String, about: &[&str], lines: &[String]) -> std::fmt::Result {
    for a in about {
        for part in wrap(a, COMMENT_WIDTH - 2) {
            writeln!(o, "{}", format!("# {part}").trim_end())?;
        }
    }
    for l in lines {
        for (i, part) in wrap(l, COMMENT_WIDTH - 4).into_iter().enumerate() {
            let indent = if i == 0 { "" } else { "    " };
            writeln!(o, "#   {indent}{part}")?;
        }
    }
    Ok(())
}

/// Comment lines are kept to about this width.
const COMMENT_WIDTH: usize = 100;

/// Splits a line at spaces into pieces of at most `width` characters (a
/// longer word stays whole); continuation pieces are meant to be indented.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let indent = line.len() - line.trim_start().len();
    let mut out: Vec<String> = Vec::new();
    let mut current = line[..indent].to_string();
    for word in line.split_whitespace() {
        let limit = if out.is_empty() { width } else { width - 4 };
        if current.trim().is_empty() || current.chars().count() + 1 + word.chars().count() <= limit {
            if !current.trim().is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        } else {
            out.push(std::mem::take(&mut current));
            current = format!("{}{word}", &line[..indent]);
        }
    }
    out.push(current);
    out
}

fn national_note(o: &mut String, national: bool) -> std::fmt::Result {
    if national {
        writeln!(
            o,
            "# NATIONAL DEFAULT: this council's figure was not published in those years."
        )?;
    }
    Ok(())
}

fn sourced_key(o: &mut String, about: &[&str], s: &Sourced, key: &str, value: String) -> std::fmt::Result {
    comment(o, about, &s.lines)?;
    national_note(o, s.national)?;
    writeln!(o, "{key} = {value}\n")
}

fn ranged_key(o: &mut String, about: &[&str], r: &Ranged, key: &str, decimals: i32) -> std::fmt::Result {
    comment(o, about, &r.lines)?;
    national_note(o, r.national)?;
    writeln!(o, "{key} = {}\n", uncertain(r, decimals))
}

fn section(o: &mut String, header: &str) -> std::fmt::Result {
    writeln!(
        o,
        "# -----------------------------------------------------------------------------\n{header}\n"
    )
}

/// The whole scenario file.
pub fn render(d: &Derivation) -> String {
    let mut o = String::new();
    // Writing to a String cannot fail.
    let _ = render_into(&mut o, d);
    o
}

/// The file's parts in order.
fn render_into(o: &mut String, d: &Derivation) -> std::fmt::Result {
    title(o, d)?;
    successors_note(o, d)?;
    opening_keys(o, d)?;
    history(o, d)?;
    target(o)?;
    workforce(o, d)?;
    recruitment(o, d)?;
    asye(o, d)?;
    agency(o, d)?;
    drift(o, d)?;
    demand(o, d)?;
    cases(o, d)?;
    costs(o)
}

/// The first of the years the ranges are taken from.
fn first_year(d: &Derivation) -> i32 {
    d.year - derive::WINDOW_YEARS + 1
}

/// The title and how to read the file: the command that made it, its
/// sources and what ranges and national defaults mean.
fn title(o: &mut String, d: &Derivation) -> std::fmt::Result {
    let y = d.year;
    let first = first_year(d);
    let rule = "# =============================================================================";
    writeln!(o, "{rule}")?;
    writeln!(o, "# {}: a scenario from its published figures for {y}", d.council)?;
    writeln!(o, "{rule}")?;
    writeln!(
        o,
        "#
# Made with: {} (caseload {})
# {} ({}) as at 30 September {y}, projected for {MONTHS} months from October {y}.
#
# Sources (Crown copyright, Open Government Licence v3.0), shipped with
# caseload in data/la_figures.csv (rows la_name = \"{}\"):
#   [CSWW] Department for Education, \"Children's social work workforce\":
#          year Y is the position at 30 September Y, flows in the year to it.
#   [CIN]  Department for Education, \"Children in need\": 2024-25 is the year
#          ending 31 March 2025; \"31 March 2025\" a count on that day.
#
# How to read it. Start values are the council's figures at 30 September
# {y}. Values that move from year to year are written
#     {{ lognormal = [latest, spread] }}
# centred on the council's latest published value, with the spread such
# figures show from one year to the next across England's councils, scaled by
# this council's own changes in {first} to {y}: each simulated run draws one
# value (9 runs in 10 fall within latest x exp(-1.645 spread) to
# latest x exp(+1.645 spread)), and rates drift as the years go on ([drift]),
# so the results show what such movements could mean.
# \"NATIONAL DEFAULT\" marks a value taken from England's figures because the
# council's was not published; \"assumption\" marks a value no published figure
# gives. Change any of them if you know better: docs/model.md (\"Starting from
# a council's published figures\") explains every step.
#
# Check it with:  caseload check THIS-FILE.toml
# Run it with:    caseload run THIS-FILE.toml
",
        command(d),
        env!("CARGO_PKG_VERSION"),
        d.council,
        if d.region.is_empty() { "England" } else { &d.region },
        d.council
    )
}

/// For an abolished council, which councils took on its services.
fn successors_note(o: &mut String, d: &Derivation) -> std::fmt::Result {
    if let Some(r) = super::successors::of(&d.council) {
        let note = format!(
            "{}. For the councils of today: caseload new FILE.toml {}",
            r.describe(),
            r.options()
        );
        comment(o, &[&note], &[])?;
        writeln!(o)?;
    }
    Ok(())
}

/// The scenario's name, description, start and length.
fn opening_keys(o: &mut String, d: &Derivation) -> std::fmt::Result {
    let y = d.year;
    let first = first_year(d);
    let description = format!(
        "{} at 30 September {y} from its published figures: {} FTE social workers in post, {} vacant, {} agency, {} cases held; {} referrals a month in {}-{:02}. Ranges from its {first}-{y} figures. Costs are illustrative assumptions. {}",
        d.council,
        num(d.permanent_fte.value, 1),
        num(d.establishment_fte.value - d.permanent_fte.value, 1),
        num(d.agency_fte.value, 1),
        num(d.cases_total.value, 0),
        num(d.referrals_per_month.latest, 0),
        y - 1,
        y % 100,
        backtest_sentence()
    );
    writeln!(o, "name = {}", quoted(&scenario_name(&d.council, y)))?;
    writeln!(o, "description = {}\n", quoted(&description))?;
    writeln!(
        o,
        "start = \"{y}-10\"        # first simulated month: the October after the 30 September {y} figures"
    )?;
    writeln!(o, "months = {MONTHS}              # three years\n")
}

/// How well this method did in backtests: the share of published values
/// inside the projection's 90% band, every council projected from 30
/// September 2021, 2022 and 2023 and set against what it published 1 to 4
/// years later, by measure (backtest.csv's names). Measured with `caseload
/// backtest --all --from 2021..2023` (200 runs, seed 1; docs/model.md,
/// "Backtests"), years the method's constants never saw; a test re-runs it.
pub const BACKTEST_COVERAGE_90: [(&str, u32); 3] = [("in_post", 94), ("agency", 90), ("caseload", 91)];

/// [`BACKTEST_COVERAGE_90`] in one sentence for the report.
pub fn backtest_sentence() -> String {
    let percent = |name: &str| {
        BACKTEST_COVERAGE_90
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0, |(_, p)| *p)
    };
    format!(
        "In backtests of this method (every council, projected from 2021, 2022 and 2023 and set against what it published 1 to 4 years later), {}% of published values of social workers in post fell inside the 90% band, {}% of agency social workers and {}% of average caseloads.",
        percent("in_post"),
        percent("agency"),
        percent("caseload")
    )
}

/// The caseload target band.
fn target(o: &mut String) -> std::fmt::Result {
    section(
        o,
        "[target]                 # the caseload target band: cases per case-holding FTE",
    )?;
    writeln!(o, "low = 20\nhigh = 25\n")
}

/// Costs: the shipped scenarios' illustrative figures.
fn costs(o: &mut String) -> std::fmt::Result {
    section(o, "[costs]                  # £ a year per FTE, salary plus on-costs")?;
    writeln!(
        o,
        "# ILLUSTRATIVE ASSUMPTIONS (the shipped scenarios' figures), not this council's:
# replace them with its own.
permanent = 53000.0
asye = 43000.0
asye_grant = 2000.0      # one-off per ASYE when they start
agency = 90000.0
managed_team = 90000.0   # the agency beyond the vacancies is ordinary agency: the agency rate

# No enhanced payments: add [payments.retention] etc. to test one.

# One team: the published figures do not split the workforce by team or
# role, so the social workers above are one pool. To see caseloads team by
# team, or managers who hold no cases, add [roles.<name>] (what differs
# from social workers, with caseload_share) and [teams.<name>] (the case
# states each holds, and its posts and people by role under
# [teams.<name>.roles.<role>]); with teams, move the posts, people, agency,
# hires and intake above into the teams. See scenarios/bury-2018-teams.toml
# and docs/model.md, section 15."
    )
}

fn history(o: &mut String, d: &Derivation) -> std::fmt::Result {
    if d.history.is_empty() {
        return Ok(());
    }
    writeln!(
        o,
        "# Published actual values at each 30 September [CSWW], for charts and reports
# to set beside the projection; the model does not use them. in_post_fte,
# agency_fte and vacancy_fte are FTE; open_cases the cases held; caseload the
# cases per case-holding FTE (published: it counts case holders even when off
# sick, so it is a little below the model's); turnover_rate a share of in post.
history = ["
    )?;
    for h in &d.history {
        let mut parts = vec![format!("date = \"{}\"", h.date)];
        let fields = [
            ("in_post_fte", h.in_post_fte, 2),
            ("agency_fte", h.agency_fte, 2),
            ("vacancy_fte", h.vacancy_fte, 2),
            ("open_cases", h.open_cases, -1),
            ("caseload", h.caseload, 2),
            ("turnover_rate", h.turnover_rate, 4),
        ];
        for (key, value, decimals) in fields {
            if let Some(v) = value {
                parts.push(format!("{key} = {}", val(v, decimals)));
            }
        }
        writeln!(o, "  {{ {} }},", parts.join(", "))?;
    }
    writeln!(o, "]\n")
}

fn workforce(o: &mut String, d: &Derivation) -> std::fmt::Result {
    section(
        o,
        "[workforce]              # qualified social workers employed by the council",
    )?;
    sourced_key(
        o,
        &["Funded posts, FTE = social workers in post + vacancies."],
        &d.establishment_fte,
        "establishment_fte",
        val(d.establishment_fte.value, 2),
    )?;
    sourced_key(
        o,
        &[
            "Permanent (and fixed-term) social workers in post now, FTE, including ASYEs.",
            "[CSWW]",
        ],
        &d.permanent_fte,
        "permanent_fte",
        val(d.permanent_fte.value, 2),
    )?;
    sourced_key(
        o,
        &["Of whom in their ASYE (first) year, FTE. Assumption: a third of starters are newly qualified."],
        &d.asye_fte,
        "asye_fte",
        val(d.asye_fte.value, 2),
    )?;
    writeln!(
        o,
        "# Of whom on long absence, FTE: 0 (assumption), because the case-holding share
# below is measured against everyone in post, absent or not.
absent_fte = 0.0\n"
    )?;
    sourced_key(
        o,
        &["Average FTE per person (kept within 0.5 to 1). [CSWW]"],
        &d.fte_per_head,
        "fte_per_head",
        val(d.fte_per_head.value, 2),
    )?;
    ranged_key(
        o,
        &[
            "(U) Share of social work FTE (in post + agency) holding cases. [CSWW]",
            "case_holders_fte / (inpost_fte + agency_fte):",
        ],
        &d.case_holding_share,
        "case_holding_share",
        3,
    )?;
    let mut lines = d.turnover.lines.clone();
    lines.push(format!(
        "Assumption: rates by completed years of service in the proportions {} (newer staff leave more; the shipped baseline's shape), scaled so that the model's steady-state turnover is the latest turnover above; each band's spread gives the turnover range's 9 runs in 10.",
        derive::LEAVING_SHAPE.map(|k| num(k, 1)).join(" : ")
    ));
    let narrowed: Vec<String> = d
        .leaving
        .iter()
        .zip(["first-year", "second-year", "third-year", "fourth-and-later"])
        .flat_map(|(band, label)| band.lines.iter().map(move |l| format!("the {label} band's {l}")))
        .collect();
    if !narrowed.is_empty() {
        lines.push(format!(
            "Ranges narrowed so that 9,999 runs in 10,000 draw every band below {} (a chance drawn at 1 or more is taken as 1, and everyone in that band would leave in the first month): {}.",
            num(derive::LEAVING_CAP, 2),
            narrowed.join("; ")
        ));
    }
    comment(
        o,
        &[
            "(U, each) Chance of leaving within a year, by completed years of service:",
            "[first year, second, third, fourth and later]. From turnover [CSWW]",
            "(turnover_rate_fte: FTE leavers in the year / FTE in post):",
        ],
        &lines,
    )?;
    national_note(o, d.turnover.national)?;
    writeln!(o, "annual_leaving_by_service_year = [")?;
    for (band, label) in d
        .leaving
        .iter()
        .zip(["first year", "second", "third", "fourth and later"])
    {
        writeln!(o, "  {},   # {label}", uncertain(band, 3))?;
    }
    writeln!(o, "]")?;
    writeln!(
        o,
        "leaving_bands_move_together = true   # a run with high turnover has it in every band (MODEL.md)\n"
    )?;
    writeln!(
        o,
        "# initial_service_shares: left out, so the model starts from the service mix
# these leaving rates imply in steady state.\n"
    )?;
    sourced_key(
        o,
        &["Working days lost to sickness per FTE a year, taken off case-holding capacity. [CSWW]"],
        &d.sickness_days_per_year,
        "sickness_days_per_year",
        val(d.sickness_days_per_year.value, 1),
    )?;
    writeln!(
        o,
        "working_days_per_year = 225.0     # the model's default
long_absence_annual_rate = 0.0    # assumption: long absence is inside the case-holding share
long_absence_mean_months = 9.0    # the model's default (not used while the rate is 0)
pressure_sensitivity = 0.0        # assumption: no caseload -> leaving feedback (not published)\n"
    )
}

fn recruitment(o: &mut String, d: &Derivation) -> std::fmt::Result {
    section(
        o,
        "[recruitment]            # experienced social workers hired to permanent posts",
    )?;
    ranged_key(
        o,
        &[
            "(U) Experienced social workers accepting an offer, a month. [CSWW] starters less",
            "the newly qualified (a third, assumption) and agency workers converting",
            "(5% of agency people a year, assumption):",
        ],
        &d.applicants_per_month,
        "applicants_per_month",
        2,
    )?;
    writeln!(
        o,
        "notice_months = 2                 # assumption: typical notice
recruiting_months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]   # assumption: rolling recruitment
cost_per_hire = 3000.0            # £ per hire: illustrative assumption
campaign_cost_per_month = 1000.0  # £ a month while recruiting with posts vacant: illustrative assumption\n"
    )
}

fn asye(o: &mut String, d: &Derivation) -> std::fmt::Result {
    section(
        o,
        "[asye]                   # newly qualified social workers (Assessed and Supported Year in Employment)",
    )?;
    writeln!(
        o,
        "intake_month = 9                  # September, when ASYE programmes usually start (assumption)"
    )?;
    ranged_key(
        o,
        &[
            "(U) Newly qualified people joining each year (rounded per run). [CSWW] a third",
            "of starters (assumption: the published figures do not split starters):",
        ],
        &d.intake_per_year,
        "intake_per_year",
        1,
    )?;
    writeln!(
        o,
        "caseload_weight = 0.9             # the national ASYE guidance's 10% protected time (the model's default)
# annual_leaving: left out, so ASYEs leave at the first service-year rate (the model's default).
supernumerary = false             # ASYEs fill funded posts (the model's default)\n"
    )
}

fn agency(o: &mut String, d: &Derivation) -> std::fmt::Result {
    section(o, "[agency]                 # agency social workers")?;
    sourced_key(
        o,
        &["Agency social workers in post now, FTE: the level agency use persists at. [CSWW]"],
        &d.agency_fte,
        "fte",
        val(d.agency_fte.value, 2),
    )?;
    writeln!(
        o,
        "# Agency as a level of its own (MODEL.md): it persists, wanders (drift.agency
# below) and follows the vacancies only partly, as councils' published agency
# does; \"cover\" would instead cover a share of every vacant post.
mode = \"level\""
    )?;
    sourced_key(
        o,
        &["(U) FTE of agency gained or lost per FTE of change in vacant posts. [CSWW]"],
        &d.vacancy_link,
        "vacancy_link",
        val(d.vacancy_link.value, 3),
    )?;
    writeln!(
        o,
        "cover_absence = 1.0               # the model's default (no long absence here)
# max_fte = 60.0                  # optional cap on agency: none
fill_prob = 0.8                   # (U) monthly chance a needed agency worker is found: assumption (the model's default)
mean_tenure_months = 12.0         # (U) average months an agency worker stays: assumption (the model's default)
annual_conversion_rate = 0.05     # (U) share of agency staff taking a permanent post a year: assumption
# extra = [ {{ from = \"{}-04\", to = \"{}-09\", fte = 8.0 }} ]   # a managed team: none\n",
        d.year + 1,
        d.year + 1
    )
}

/// How far the rates drift: MODEL.md's `[drift]`, from the figures.
fn drift(o: &mut String, d: &Derivation) -> std::fmt::Result {
    section(
        o,
        "[drift]                  # how far rates wander over the years (sd of a log multiplier per square root of a year)",
    )?;
    comment(
        o,
        &[
            "Each run's rates wander month by month as a random walk, so the further",
            "ahead, the wider the range: a drift of 0.15 is a typical lasting change of",
            "about 15% in a year, 30% in four. From how England's councils' figures moved",
            "over one to four years up to 2021 (docs/model.md, \"Ranges and drift\").",
        ],
        &[],
    )?;
    for (key, s) in [
        ("leaving", &d.drift.leaving),
        ("applicants", &d.drift.applicants),
        ("referrals", &d.drift.referrals),
        ("agency", &d.drift.agency),
    ] {
        comment(o, &[], &s.lines)?;
        writeln!(o, "{key} = {}", val(s.value, 3))?;
    }
    writeln!(o)
}

fn demand(o: &mut String, d: &Derivation) -> std::fmt::Result {
    section(o, "[demand]                 # referrals to children's social care")?;
    ranged_key(
        o,
        &["(U) Referrals a month. [CIN] referral_count in the year to 31 March / 12:"],
        &d.referrals_per_month,
        "referrals_per_month",
        1,
    )?;
    writeln!(
        o,
        "annual_growth = 0.0               # assumption: no trend beyond the range above
seasonality = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]   # flat: the figures are yearly
# dispersion = 30.0               # optional extra month-to-month variation: none\n"
    )
}

fn cases(o: &mut String, d: &Derivation) -> std::fmt::Result {
    writeln!(
        o,
        "# -----------------------------------------------------------------------------"
    )?;
    comment(
        o,
        &[
            "Case states: the cases social workers hold.",
            "Open cases now = cases held by case-holding social workers [CSWW]:",
        ],
        &d.cases_total.lines,
    )?;
    national_note(o, d.cases_total.national)?;
    comment(
        o,
        &[
            "",
            "How they split and how long they last (open = entering a month x months):",
        ],
        &d.case_lines,
    )?;
    writeln!(o)?;
    for s in &d.states {
        writeln!(o, "[[cases]]")?;
        writeln!(o, "name = \"{}\"", s.name)?;
        writeln!(o, "# {}", s.note)?;
        writeln!(o, "open = {}", s.open)?;
        writeln!(o, "entry_share = {}", val(s.entry_share, 3))?;
        writeln!(o, "mean_months = {}", val(s.mean_months, 1))?;
        if !s.next.is_empty() {
            let next: Vec<String> = s.next.iter().map(|(k, v)| format!("{k} = {}", val(*v, 3))).collect();
            writeln!(o, "next = {{ {} }}", next.join(", "))?;
        }
        writeln!(o)?;
    }
    Ok(())
}
