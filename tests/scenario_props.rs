//! Property tests of the scenario layer: no text, mutation of a valid
//! scenario or `--set` makes it panic; it either resolves to a scenario
//! that keeps every rule, or reports problems that each say where and what.

use crate::common::{FULL, MINIMAL, TEAMS};
use caseload::model::params::{Distribution, Scenario, Uncertain};
use caseload::scenario::{self, Loaded, Problem, ScenarioError, Source, describe};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;

/// Checks `text` (with `sets`) as the file `p.toml`: whatever it is, the
/// outcome must be sound.
fn check_outcome(text: &str, sets: &[String]) -> Result<(), TestCaseError> {
    let outcome = Source::from_text("p.toml", text).and_then(|mut source| {
        for set in sets {
            source.apply_set(set)?;
        }
        Ok(source)
    });
    match outcome {
        Err(problem) => {
            if problem.location.starts_with("line ") {
                let (line, column) = problem.location["line ".len()..]
                    .split_once(", column ")
                    .ok_or_else(|| TestCaseError::fail(format!("bad position {:?}", problem.location)))?;
                prop_assert!(line.parse::<usize>().is_ok_and(|l| l >= 1), "{problem:?}");
                prop_assert!(column.parse::<usize>().is_ok_and(|c| c >= 1), "{problem:?}");
            }
            problems_are_sound(&[problem])
        }
        Ok(source) => match scenario::check(source) {
            Ok(loaded) => loaded_is_sound(&loaded),
            Err(err) => problems_are_sound(&err.problems),
        },
    }
}

fn problems_are_sound(problems: &[Problem]) -> Result<(), TestCaseError> {
    prop_assert!(!problems.is_empty(), "an error without problems");
    for p in problems {
        prop_assert!(!p.file.is_empty(), "no file: {p:?}");
        // A `--set` problem's location is the assignment, which may be empty.
        prop_assert!(
            !p.location.is_empty() || p.file.ends_with("(--set)"),
            "no location: {p:?}"
        );
        prop_assert!(!p.message.trim().is_empty(), "no message: {p:?}");
        prop_assert!(!p.message.contains("Raw"), "a Rust type in the message: {p:?}");
    }
    let shown = ScenarioError {
        problems: problems.to_vec(),
    }
    .to_string();
    prop_assert!(!shown.is_empty());
    Ok(())
}

/// A resolved scenario keeps every rule of INTERFACE.md.
fn loaded_is_sound(loaded: &Loaded) -> Result<(), TestCaseError> {
    let s: &Scenario = &loaded.scenario;
    let text = describe::describe(loaded);
    prop_assert!(text.contains("Establishment"), "{text}");

    let finite_non_neg = |x: f64| x.is_finite() && x >= 0.0;
    let share = |x: f64| (0.0..=1.0).contains(&x);
    prop_assert!((1..=600).contains(&s.months));
    prop_assert!(finite_non_neg(s.target.low) && s.target.high > 0.0 && s.target.high <= 200.0);
    prop_assert!(s.target.low <= s.target.high);

    let w = &s.workforce;
    prop_assert!(finite_non_neg(w.establishment_fte) && finite_non_neg(w.permanent_fte));
    prop_assert!(finite_non_neg(w.asye_fte) && finite_non_neg(w.absent_fte));
    prop_assert!(w.asye_fte + w.absent_fte <= w.permanent_fte + 1e-6);
    prop_assert!(w.fte_per_head > 0.0 && w.fte_per_head <= 1.0);
    prop_assert!(w.permanent_fte / w.fte_per_head <= 1e6);
    prop_assert!(!w.annual_leaving_by_service_year.is_empty());
    prop_assert!(w.establishment_changes.iter().all(|c| c.change_fte.is_finite()));
    if let Some(shares) = &w.initial_service_shares {
        prop_assert!(shares.iter().all(|x| finite_non_neg(*x)));
        prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
    prop_assert!(finite_non_neg(w.sickness_days_per_year) && w.working_days_per_year > 0.0);
    prop_assert!(w.sickness_days_per_year <= w.working_days_per_year);

    for (path, u) in s.uncertain_parameters() {
        uncertain_is_sound(&path, &u)?;
    }

    if let Some(r) = &s.recruitment {
        prop_assert!(r.notice_months <= 600);
        prop_assert!(finite_non_neg(r.cost_per_hire) && finite_non_neg(r.campaign_cost_per_month));
    }
    if let Some(a) = &s.asye {
        prop_assert!((1..=12).contains(&a.intake_month));
        prop_assert!(share(a.caseload_weight));
    }
    if let Some(a) = &s.agency {
        prop_assert!(finite_non_neg(a.fte) && a.fte / w.fte_per_head <= 1e6);
        prop_assert!(share(a.cover_vacancies) && share(a.cover_absence));
        prop_assert!(a.max_fte.is_none_or(finite_non_neg));
        for b in &a.managed_team {
            prop_assert!(finite_non_neg(b.fte) && b.to.is_none_or(|to| to >= b.from));
        }
    }
    let d = &s.demand;
    prop_assert!(d.seasonality.iter().all(|x| finite_non_neg(*x)));
    prop_assert!(d.dispersion.is_none_or(|k| k > 0.0 && k.is_finite()));
    prop_assert!(d.shocks.iter().all(|sh| sh.to.is_none_or(|to| to >= sh.from)));

    prop_assert!(!s.cases.is_empty());
    let mut entry = 0.0;
    let mut open = 0u64;
    for (i, c) in s.cases.iter().enumerate() {
        prop_assert!(!c.name.trim().is_empty());
        prop_assert!(share(c.entry_share));
        entry += c.entry_share;
        open += c.open;
        let mut next = 0.0;
        for (j, x) in &c.next {
            prop_assert!(*j < s.cases.len() && *j != i, "next of {} names {j}", c.name);
            prop_assert!(share(*x));
            next += x;
        }
        prop_assert!(next <= 1.0 + 1e-9);
    }
    prop_assert!(entry <= 1.0 + 1e-9);
    prop_assert!(open <= 1_000_000);

    let k = &s.costs;
    for cost in [k.permanent, k.asye, k.asye_grant, k.agency, k.managed_team] {
        prop_assert!(finite_non_neg(cost));
    }
    for p in [
        &s.payments.recruitment_bonus,
        &s.payments.retention,
        &s.payments.market_supplement,
    ]
    .into_iter()
    .flatten()
    {
        prop_assert!(finite_non_neg(p.amount));
        prop_assert!(p.to.is_none_or(|to| to >= p.from));
        prop_assert!((1..=12).contains(&p.paid_in_month));
        prop_assert!(p.clawback_months <= 600);
    }
    Ok(())
}

fn uncertain_is_sound(path: &str, u: &Uncertain) -> Result<(), TestCaseError> {
    let ok = |x: f64| x.is_finite() && u.valid.contains(x);
    let sound = match u.dist {
        Distribution::Fixed(x) => ok(x),
        Distribution::Uniform { min, max } => ok(min) && ok(max) && min <= max,
        Distribution::Triangular { min, mode, max } => ok(min) && ok(mode) && ok(max) && min <= mode && mode <= max,
        Distribution::Normal { mean, sd } => ok(mean) && sd.is_finite() && sd >= 0.0,
        Distribution::Lognormal { median, sd_log } => ok(median) && median > 0.0 && sd_log.is_finite() && sd_log >= 0.0,
    };
    prop_assert!(sound, "{path}: {u:?}");
    Ok(())
}

// ---- Strategies ----

/// A value a scenario file might hold, right or wrong.
#[derive(Debug, Clone)]
enum Value {
    Float(f64),
    Int(i64),
    Text(String),
    Bool(bool),
    Array(Vec<f64>),
    Distribution(&'static str, Vec<f64>),
    Raw(String),
}

impl Value {
    fn toml(&self) -> String {
        match self {
            Value::Float(x) => float(*x),
            Value::Int(i) => i.to_string(),
            Value::Text(s) => toml::Value::String(s.clone()).to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(xs) => format!("[{}]", xs.iter().map(|x| float(*x)).collect::<Vec<_>>().join(", ")),
            Value::Distribution(kind, xs) => format!(
                "{{ {kind} = [{}] }}",
                xs.iter().map(|x| float(*x)).collect::<Vec<_>>().join(", ")
            ),
            Value::Raw(s) => s.clone(),
        }
    }
}

/// A float as TOML writes it.
fn float(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:?}")
    }
}

fn a_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -2.0..2.0f64,
        2 => (0u32..700).prop_map(f64::from),
        1 => any::<f64>(),
        1 => prop::sample::select(vec![0.0, 1.0, -1.0, 0.5, 12.0, 1e6, 1e6 + 1.0, 2e6, 1e300, f64::NAN, f64::INFINITY, -0.0]),
        1 => 1e5..1e7f64,
    ]
}

fn a_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => a_float().prop_map(Value::Float),
        2 => prop_oneof![any::<i64>(), -5i64..700].prop_map(Value::Int),
        2 => prop_oneof![
            "\\PC{0,12}",
            "[0-9]{4}-[0-9]{2}",
            Just("pro_rata".to_string()),
            Just("full".to_string()),
            Just("2022-04".to_string()),
        ]
        .prop_map(Value::Text),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => prop::collection::vec(a_float(), 0..14).prop_map(Value::Array),
        3 => (
            prop::sample::select(vec!["uniform", "triangular", "normal", "lognormal", "beta"]),
            prop::collection::vec(a_float(), 0..4)
        )
            .prop_map(|(k, xs)| Value::Distribution(k, xs)),
        1 => "\\PC{0,10}".prop_map(Value::Raw),
        1 => Just(Value::Raw("{}".into())),
        1 => Just(Value::Raw("{ cin = 0.5, assessment = 0.2, nowhere = 0.1 }".into())),
    ]
}

/// One edit of a scenario's text.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index, Index),
    SwapLines(Index, Index),
    SwapKeys(Index, Index),
    ReplaceNumber(Index, Value),
    ReplaceValue(Index, Value),
    InsertLine(Index, &'static str, Value),
    Truncate(Index),
}

/// Keys and section headers, known and unknown, for inserted lines.
const KEYS: &[&str] = &[
    "name",
    "description",
    "extends",
    "start",
    "months",
    "low",
    "high",
    "establishment_fte",
    "permanent_fte",
    "asye_fte",
    "absent_fte",
    "fte_per_head",
    "case_holding_share",
    "annual_leaving_by_service_year",
    "initial_service_shares",
    "sickness_days_per_year",
    "working_days_per_year",
    "long_absence_annual_rate",
    "long_absence_mean_months",
    "pressure_sensitivity",
    "establishment_changes",
    "applicants_per_month",
    "notice_months",
    "recruiting_months",
    "cost_per_hire",
    "intake_month",
    "intake_per_year",
    "caseload_weight",
    "annual_leaving",
    "supernumerary",
    "fte",
    "cover_vacancies",
    "fill_prob",
    "max_fte",
    "mean_tenure_months",
    "extra",
    "referrals_per_month",
    "annual_growth",
    "seasonality",
    "dispersion",
    "shocks",
    "open",
    "entry_share",
    "mean_months",
    "next",
    "permanent",
    "asye",
    "agency",
    "amount",
    "from",
    "to",
    "paid_in_month",
    "clawback",
    "clawback_months",
    "applicant_multiplier",
    "leaving_multiplier",
    "leaving_bands_move_together",
    "mode",
    "vacancy_link",
    "leaving",
    "applicants",
    "referrals",
    "establishment",
    "mnths",
    "[agency]",
    "[asye]",
    "[recruitment]",
    "[costs]",
    "[target]",
    "[[cases]]",
    "[payments.retention]",
    "[payments.recruitment_bonus]",
    "[payments.market_supplement]",
    "[demand]",
    "[drift]",
    "[workforce]",
];

fn a_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::DuplicateLine(a, b)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapKeys(a, b)),
        4 => (any::<Index>(), a_value()).prop_map(|(a, v)| Mutation::ReplaceNumber(a, v)),
        3 => (any::<Index>(), a_value()).prop_map(|(a, v)| Mutation::ReplaceValue(a, v)),
        2 => (any::<Index>(), prop::sample::select(KEYS), a_value()).prop_map(|(a, k, v)| Mutation::InsertLine(a, k, v)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

/// The byte ranges of the numbers written in `text` (and of digits in
/// quoted months: replacing them is a mutation too).
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices().chain([(text.len(), ' ')]) {
        let numeric = ch.is_ascii_digit() || ".-+eE_".contains(ch);
        match (start, numeric) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if text[s..i].chars().any(|c| c.is_ascii_digit()) {
                    spans.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    spans
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    let key_lines: Vec<usize> = (0..n).filter(|i| key_of(&lines[*i]).is_some()).collect();
    match m {
        Mutation::DeleteLine(i) => {
            lines.remove(i.index(n));
        }
        Mutation::DuplicateLine(i, at) => {
            let line = lines[i.index(n)].clone();
            lines.insert(at.index(n + 1), line);
        }
        Mutation::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
        Mutation::SwapKeys(a, b) if !key_lines.is_empty() => {
            let (a, b) = (key_lines[a.index(key_lines.len())], key_lines[b.index(key_lines.len())]);
            let (ka, kb) = (
                key_of(&lines[a]).unwrap_or_default(),
                key_of(&lines[b]).unwrap_or_default(),
            );
            lines[a] = lines[a].replacen(&ka, &kb, 1);
            lines[b] = lines[b].replacen(&kb, &ka, 1);
        }
        Mutation::ReplaceNumber(i, v) => {
            let spans = number_spans(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (s, e) = spans[i.index(spans.len())];
            return format!("{}{}{}", &text[..s], v.toml(), &text[e..]);
        }
        Mutation::ReplaceValue(i, v) if !key_lines.is_empty() => {
            let at = key_lines[i.index(key_lines.len())];
            let key = key_of(&lines[at]).unwrap_or_default();
            lines[at] = format!("{key} = {}", v.toml());
        }
        Mutation::InsertLine(i, key, v) => {
            let line = if key.starts_with('[') {
                key.to_string()
            } else {
                format!("{key} = {}", v.toml())
            };
            lines.insert(i.index(n + 1), line);
        }
        Mutation::Truncate(i) => {
            let cut = text
                .char_indices()
                .map(|(b, _)| b)
                .nth(i.index(text.chars().count() + 1));
            return text[..cut.unwrap_or(text.len())].to_string();
        }
        _ => {}
    }
    lines.join("\n")
}

/// The key of a `key = value` line.
fn key_of(line: &str) -> Option<String> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then(|| key.to_string())
}

/// Pieces of TOML, right and wrong, for token soup.
const TOKENS: &[&str] = &[
    "start",
    "months",
    "=",
    "\"2022-04\"",
    "12",
    "0.5",
    "-1",
    "nan",
    "inf",
    "1e400",
    "[workforce]",
    "[demand]",
    "[[cases]]",
    "[agency]",
    "[payments.retention]",
    "establishment_fte",
    "permanent_fte",
    "annual_leaving_by_service_year",
    "referrals_per_month",
    "name",
    "\"cin\"",
    "mean_months",
    "next",
    "{",
    "}",
    "[",
    "]",
    ",",
    "uniform",
    "triangular",
    "normal",
    "lognormal",
    "cin",
    "\n",
    "\n",
    "\n",
    " ",
    "#",
    "\"",
    "'",
    "true",
    "extends",
    "\"x.toml\"",
    "seasonality",
    ".",
    "é",
    "\u{1F600}",
    "\t",
    "\r\n",
    "0x10",
    "1_000",
    "2022-04-01",
    "from",
    "to",
    "amount",
    "open",
    "entry_share",
];

/// Assignments for `--set`: known and unknown keys, array elements by name and position.
const SET_KEYS: &[&str] = &[
    "start",
    "months",
    "name",
    "workforce.establishment_fte",
    "workforce.permanent_fte",
    "workforce.asye_fte",
    "workforce.fte_per_head",
    "workforce.case_holding_share",
    "workforce.annual_leaving_by_service_year",
    "workforce.initial_service_shares",
    "workforce.establishment_changes",
    "workforce.leaving_bands_move_together",
    "drift",
    "drift.leaving",
    "drift.agency",
    "demand.referrals_per_month",
    "demand.seasonality",
    "demand.shocks",
    "demand.dispersion",
    "cases",
    "cases.cin.mean_months",
    "cases.assessment.next",
    "cases.0.open",
    "cases.1.entry_share",
    "cases.cin.name",
    "cases.7.open",
    "cases.cin",
    "agency",
    "agency.fte",
    "agency.fill_prob",
    "agency.extra",
    "agency.mode",
    "agency.vacancy_link",
    "asye.intake_month",
    "recruitment.recruiting_months",
    "recruitment.notice_months",
    "costs",
    "costs.permanent",
    "payments.retention",
    "payments.retention.amount",
    "payments.recruitment_bonus.clawback",
    "target.low",
    "months.x",
    "workforce..fte",
    "extends",
    "zzz",
    "payments",
    "demand.seasonality.3",
];

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn any_text_never_panics(text in "\\PC{0,300}") {
        check_outcome(&text, &[])?;
    }

    #[test]
    fn any_characters_never_panic(text in ".{0,200}") {
        check_outcome(&text, &[])?;
    }

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..80)) {
        check_outcome(&tokens.join(" "), &[])?;
        check_outcome(&tokens.concat(), &[])?;
    }

    #[test]
    fn a_mutated_minimal_scenario_resolves_or_says_why(mutations in prop::collection::vec(a_mutation(), 1..4)) {
        let text = mutations.iter().fold(MINIMAL.to_string(), |t, m| apply(&t, m));
        check_outcome(&text, &[])?;
    }

    #[test]
    fn a_mutated_full_scenario_resolves_or_says_why(mutations in prop::collection::vec(a_mutation(), 1..4)) {
        let text = mutations.iter().fold(FULL.to_string(), |t, m| apply(&t, m));
        check_outcome(&text, &[])?;
    }

    #[test]
    fn a_mutated_teams_scenario_resolves_or_says_why(mutations in prop::collection::vec(a_mutation(), 1..4)) {
        let text = mutations.iter().fold(TEAMS.to_string(), |t, m| apply(&t, m));
        check_outcome(&text, &[])?;
    }

    #[test]
    fn a_nudged_number_of_teams_resolves_or_says_why(at in any::<Index>(), factor in prop_oneof![0.0..2.0f64, Just(0.0), Just(-1.0)]) {
        let spans = number_spans(TEAMS);
        let (s, e) = spans[at.index(spans.len())];
        let text = match TEAMS[s..e].parse::<f64>() {
            Ok(x) => format!("{}{}{}", &TEAMS[..s], float(x * factor), &TEAMS[e..]),
            Err(_) => TEAMS.to_string(),
        };
        check_outcome(&text, &[])?;
    }

    #[test]
    fn a_nudged_number_resolves_or_says_why(
        at in any::<Index>(),
        factor in prop_oneof![0.0..2.0f64, Just(0.0), Just(-1.0), 0.999..1.001f64],
        shift in prop_oneof![Just(0.0), -1.0..1.0f64, Just(0.5), Just(1.0), Just(-1.0)],
        full in any::<bool>(),
    ) {
        // Near-valid edits: many resolve, so the rules of a resolved scenario are tested at their edges.
        let base = if full { FULL } else { MINIMAL };
        let spans = number_spans(base);
        let (s, e) = spans[at.index(spans.len())];
        let text = match base[s..e].parse::<f64>() {
            Ok(x) => format!("{}{}{}", &base[..s], float(x * factor + shift), &base[e..]),
            Err(_) => base.to_string(),
        };
        check_outcome(&text, &[])?;
    }

    #[test]
    fn any_set_resolves_or_says_why(
        sets in prop::collection::vec((prop::sample::select(SET_KEYS), a_value()), 1..4),
        full in any::<bool>(),
    ) {
        let sets: Vec<String> = sets.iter().map(|(k, v)| format!("{k}={}", v.toml())).collect();
        check_outcome(if full { FULL } else { MINIMAL }, &sets)?;
    }

    #[test]
    fn any_set_text_never_panics(set in "\\PC{0,40}", full in any::<bool>()) {
        check_outcome(if full { FULL } else { MINIMAL }, &[set])?;
    }
}

#[test]
fn the_bases_of_the_mutations_are_valid() {
    for text in [MINIMAL, FULL, TEAMS] {
        check_outcome(text, &[]).unwrap();
        assert!(Source::from_text("p.toml", text).map(scenario::check).unwrap().is_ok());
    }
}

#[test]
fn deeply_nested_values_are_refused_without_a_crash() {
    for depth in [100, 10_000, 200_000] {
        for (open, close) in [("[", "]"), ("{ a = ", " }")] {
            let text = format!("x = {}1{}\n", open.repeat(depth), close.repeat(depth));
            check_outcome(&text, &[]).unwrap();
            check_outcome(
                MINIMAL,
                &[format!(
                    "demand.seasonality={}1{}",
                    open.repeat(depth),
                    close.repeat(depth)
                )],
            )
            .unwrap();
        }
    }
}
