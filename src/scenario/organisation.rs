//! Teams and roles: from `[roles]`, `[teams]` and `target.span_of_control`
//! to the checked [`Organisation`], one pool per (team, role).
//!
//! A scenario without `[roles]` and `[teams]` is resolved as it always was
//! (`resolve::resolve`) and has no organisation. With them, each pool is a
//! whole workforce: its sections are the top-level ones (the social worker
//! role's) merged, key by key as `extends` merges tables, with the role's
//! and then the team's. Amounts (posts, people, agency, hires, intake) are
//! never inherited: a pool's come from its team (`teams.<t>.roles.<r>`), or
//! without teams from its role (the social worker role's from the top
//! level). Each pool is checked by `resolve::resolve` itself and its
//! problems are reported at the key path where the value was written.

use super::problem::{Problem, Warning};
use super::raw::*;
use super::resolve::{self, Bound, Checker, MAX_TARGET, PROB, fmt_num};
use super::source::{Source, merge};
use crate::model::parameter::{Parameter, Scope};
use crate::model::params::*;
use std::collections::BTreeSet;
use toml::{Table, Value};

/// The sections a role or a team may restate.
const SECTIONS: [&str; 5] = ["workforce", "recruitment", "asye", "agency", "costs"];

/// Keys that are amounts of one pool, never inherited from the council's
/// or the role's sections: funded posts, people, agency, the flow of hires
/// and of newly qualified staff, and a campaign's monthly cost.
pub const AMOUNTS: [(&str, &[&str]); 4] = [
    (
        "workforce",
        &[
            "establishment_fte",
            "establishment_changes",
            "permanent_fte",
            "asye_fte",
            "absent_fte",
        ],
    ),
    ("agency", &["fte", "max_fte", "extra"]),
    ("recruitment", &["applicants_per_month", "campaign_cost_per_month"]),
    ("asye", &["intake_per_year"]),
];

/// The payment kinds, which may be limited to roles and teams.
const PAYMENTS: [&str; 3] = ["recruitment_bonus", "retention", "market_supplement"];

/// The team a scenario without `[teams]` has: every case state.
pub const WHOLE_COUNCIL: &str = "council";

/// The most social workers per manager a span of control target may be.
const MAX_SPAN: f64 = 100.0;

fn is_amount(section: &str, key: &str) -> bool {
    AMOUNTS.iter().any(|(s, keys)| *s == section && keys.contains(&key))
}

/// Checks a raw scenario with its teams and roles; returns the scenario and
/// its warnings, or every problem found.
pub fn resolve(mut raw: RawScenario, source: &Source) -> Result<(Scenario, Vec<Warning>), Vec<Problem>> {
    let roles = raw.roles.take();
    let teams = raw.teams.take();
    let span = raw.target.as_mut().and_then(|t| t.span_of_control.take());
    let mut c = Checker {
        source,
        problems: Vec::new(),
    };
    if roles.is_none() && teams.is_none() {
        if span.is_some() {
            c.problem(
                "target.span_of_control",
                "needs roles: declare a manager role, such as [roles.team_manager] with manager = true and caseload_share = 0".into(),
            );
        }
        check_payment_scopes(&mut c, &[SOCIAL_WORKER.to_string()], None);
        return with_problems(resolve::resolve(raw, source), c.problems);
    }
    let role_names: Vec<String> = role_names(roles.as_ref());
    let team_names: Option<Vec<String>> = teams.as_ref().map(|t| t.keys().cloned().collect());
    for name in &role_names {
        check_name(&mut c, &format!("roles.{name}"), name, "role");
    }
    for name in team_names.iter().flatten() {
        check_name(&mut c, &format!("teams.{name}"), name, "team");
        if role_names.contains(name) {
            c.problem(
                &format!("teams.{name}"),
                "a team and a role have this name: names must differ, so that each metric (permanent_fte_<name>) is one team's or one role's".into(),
            );
        }
    }
    check_payment_scopes(&mut c, &role_names, team_names.as_deref());
    let role_list = resolve_roles(&mut c, roles.as_ref(), &role_names);
    let span_of_control = span.map(|n| {
        let x = c.check_number("target.span_of_control", n.0, Bound::Positive);
        if x > MAX_SPAN {
            c.problem(
                "target.span_of_control",
                format!("= {}: at most {MAX_SPAN} social workers per manager", fmt_num(x)),
            );
        }
        if !role_list.iter().any(|r| r.manager) {
            c.problem(
                "target.span_of_control",
                "needs a role with manager = true (such as [roles.team_manager]) to count managers".into(),
            );
        }
        x
    });
    if teams.is_some() {
        check_no_council_amounts(&mut c, &role_names);
        // The council's own amounts are the teams' sums: nothing to state here.
        let w = raw.workforce.get_or_insert_with(RawWorkforce::default);
        w.establishment_fte.get_or_insert(Number(0.0));
        w.permanent_fte.get_or_insert(Number(0.0));
    }
    check_asye_only_for_social_workers(&mut c, &role_names, team_names.as_deref());

    let base = resolve::resolve(raw, source);
    let (mut scenario, warnings) = match base {
        Ok(ok) => ok,
        Err(mut problems) => {
            problems.extend(c.problems);
            return Err(problems);
        }
    };
    let team_list = resolve_teams(&mut c, teams.as_ref(), &scenario, &role_names);
    let teams_declared = teams.is_some();
    let mut pools = Vec::new();
    let mut seen = BTreeSet::new();
    for (ti, team) in team_list.iter().enumerate() {
        for (ri, role) in role_list.iter().enumerate() {
            let at = Place {
                team: teams_declared.then_some(team.name.as_str()),
                role: &role.name,
                role_declared: roles.as_ref().is_some_and(|r| r.contains_key(&role.name)),
            };
            if let Some(pool) = resolve_pool(&mut c, source, &at, &team.target, &mut seen)
                && !is_empty(&pool)
            {
                let own = own_ranges(&source.table, &at, &pool, teams_declared.then_some(ti), ri);
                pools.push((ti, ri, pool, own));
            }
        }
    }
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let single = pools.len() == 1;
    let pools = pools
        .into_iter()
        .map(|(team, role, pool, own)| Pool {
            team,
            role,
            stream_key: if single {
                0
            } else {
                pool_stream_key(&team_list[team].name, &role_list[role].name)
            },
            scenario: pool,
            own,
        })
        .collect();
    scenario.organisation = Some(Organisation {
        roles: role_list,
        teams: team_list,
        teams_declared,
        pools,
        span_of_control,
    });
    Ok((scenario, warnings))
}

fn with_problems(
    result: Result<(Scenario, Vec<Warning>), Vec<Problem>>,
    mut problems: Vec<Problem>,
) -> Result<(Scenario, Vec<Warning>), Vec<Problem>> {
    match result {
        Ok(ok) if problems.is_empty() => Ok(ok),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.splice(0..0, more);
            Err(problems)
        }
    }
}

/// The roles: the social worker role and every declared one, alphabetical.
fn role_names(roles: Option<&std::collections::BTreeMap<String, RawRole>>) -> Vec<String> {
    let mut names: BTreeSet<String> = roles.map(|r| r.keys().cloned().collect()).unwrap_or_default();
    names.insert(SOCIAL_WORKER.to_string());
    names.into_iter().collect()
}

/// A team's or role's name becomes part of metric names: lower case
/// letters, digits and underscores, starting with a letter.
fn check_name(c: &mut Checker, path: &str, name: &str, what: &str) {
    let ok = name.len() <= 40
        && name.starts_with(|ch: char| ch.is_ascii_lowercase())
        && name
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
    if !ok {
        c.problem(
            path,
            format!(
                "a {what} name must be lower-case letters, digits and underscores, starting with a letter, at most 40 characters (it names metrics such as caseload_front_door)"
            ),
        );
    }
}

fn resolve_roles(
    c: &mut Checker,
    roles: Option<&std::collections::BTreeMap<String, RawRole>>,
    names: &[String],
) -> Vec<Role> {
    names
        .iter()
        .map(|name| {
            let raw = roles.and_then(|r| r.get(name));
            let path = format!("roles.{name}.caseload_share");
            let default = (name == SOCIAL_WORKER).then_some(1.0);
            let share = raw.and_then(|r| r.caseload_share);
            let caseload_share = match (share, default) {
                (None, None) => {
                    c.problem(
                        &path,
                        "missing: required (the share of a full caseload a person in this role holds: 1 for a social worker, 0 for a team manager or an independent reviewing officer)".into(),
                    );
                    0.0
                }
                _ => c.number(&path, share, default, PROB),
            };
            Role {
                name: name.clone(),
                caseload_share,
                manager: raw.and_then(|r| r.manager).unwrap_or(false),
            }
        })
        .collect()
}

/// Every payment's `roles` and `teams` must name roles and teams of the
/// scenario.
fn check_payment_scopes(c: &mut Checker, roles: &[String], teams: Option<&[String]>) {
    let Some(Value::Table(payments)) = c.source.table.get("payments").cloned() else {
        return;
    };
    for kind in PAYMENTS {
        let Some(Value::Table(p)) = payments.get(kind) else {
            continue;
        };
        for (key, known, what) in [("roles", Some(roles), "role"), ("teams", teams, "team")] {
            let Some(Value::Array(names)) = p.get(key) else {
                continue;
            };
            let path = format!("payments.{kind}.{key}");
            let Some(known) = known else {
                c.problem(&path, "names teams, but the scenario has no [teams]".into());
                continue;
            };
            for name in names {
                let name = name.as_str().unwrap_or_default();
                if !known.iter().any(|k| k == name) {
                    let hint = super::problem::nearest(name, known.iter().map(String::as_str))
                        .map_or(String::new(), |k| format!("; did you mean `{k}`?"));
                    c.problem(&path, format!("\"{name}\" names no {what} of this scenario{hint}"));
                }
            }
        }
    }
}

/// With teams, each team states its own amounts: the council's and the
/// roles' sections state only rates, costs and shares.
fn check_no_council_amounts(c: &mut Checker, roles: &[String]) {
    let table = c.source.table.clone();
    let mut levels = vec![(String::new(), Some(&table))];
    for role in roles {
        levels.push((format!("roles.{role}."), table_at(&table, &["roles", role])));
    }
    for (prefix, level) in levels {
        let Some(level) = level else { continue };
        for (section, keys) in AMOUNTS {
            let Some(Value::Table(sec)) = level.get(section) else {
                continue;
            };
            for key in keys.iter().filter(|k| sec.contains_key(**k)) {
                c.problem(
                    &format!("{prefix}{section}.{key}"),
                    format!(
                        "with [teams], each team states its own: write it under teams.<team>.roles.<role>.{section}.{key} (the council's is the teams' sum)"
                    ),
                );
            }
        }
    }
}

/// ASYEs join the social worker role: no other role takes an `[asye]`
/// section or ASYEs in post.
fn check_asye_only_for_social_workers(c: &mut Checker, roles: &[String], teams: Option<&[String]>) {
    let table = c.source.table.clone();
    let mut places = Vec::new();
    for role in roles.iter().filter(|r| *r != SOCIAL_WORKER) {
        places.push(format!("roles.{role}"));
        for team in teams.unwrap_or_default() {
            places.push(format!("teams.{team}.roles.{role}"));
        }
    }
    for place in places {
        let parts: Vec<&str> = place.split('.').collect();
        let Some(t) = table_at(&table, &parts) else { continue };
        if t.contains_key("asye") {
            c.problem(
                &format!("{place}.asye"),
                "ASYEs join the social worker role: only social_worker takes an [asye] section".into(),
            );
        }
        if let Some(Value::Table(w)) = t.get("workforce")
            && w.contains_key("asye_fte")
        {
            c.problem(
                &format!("{place}.workforce.asye_fte"),
                "ASYEs join the social worker role: state them there".into(),
            );
        }
    }
}

fn table_at<'t>(table: &'t Table, path: &[&str]) -> Option<&'t Table> {
    let mut t = table;
    for key in path {
        match t.get(*key) {
            Some(Value::Table(inner)) => t = inner,
            _ => return None,
        }
    }
    Some(t)
}

/// The teams, alphabetical; one holding every case state when none are declared.
fn resolve_teams(
    c: &mut Checker,
    teams: Option<&std::collections::BTreeMap<String, RawTeam>>,
    s: &Scenario,
    roles: &[String],
) -> Vec<Team> {
    let Some(teams) = teams else {
        return vec![Team {
            name: WHOLE_COUNCIL.into(),
            states: (0..s.cases.len()).collect(),
            target: s.target,
        }];
    };
    if teams.is_empty() {
        c.problem("teams", "= {}: declare at least one team, or none at all".into());
    }
    let names: Vec<&str> = s.cases.iter().map(|k| k.name.as_str()).collect();
    let mut holder: Vec<Option<&str>> = vec![None; names.len()];
    let mut out = Vec::new();
    for (name, raw) in teams {
        let path = format!("teams.{name}");
        let mut states = Vec::new();
        match &raw.states {
            None => c.missing(
                &format!("{path}.states"),
                "the case states the team holds, such as [\"assessment\"]",
            ),
            Some(list) if list.is_empty() => {
                c.problem(
                    &format!("{path}.states"),
                    "= []: a team holds at least one case state".into(),
                );
            }
            Some(list) => {
                for state in list {
                    let Some(i) = names.iter().position(|n| n == state) else {
                        let hint = super::problem::nearest(state, names.iter().copied())
                            .map_or(String::new(), |k| format!("; did you mean `{k}`?"));
                        c.problem(
                            &format!("{path}.states"),
                            format!("\"{state}\" names no case state{hint}"),
                        );
                        continue;
                    };
                    match holder[i] {
                        Some(other) => c.problem(
                            &format!("{path}.states"),
                            format!(
                                "\"{state}\" is held by team {other} too: every case state belongs to exactly one team"
                            ),
                        ),
                        None => {
                            holder[i] = Some(name);
                            states.push(i);
                        }
                    }
                }
            }
        }
        for role in raw.roles.iter().flat_map(|r| r.keys()) {
            if !roles.contains(role) {
                let hint = super::problem::nearest(role, roles.iter().map(String::as_str))
                    .map_or(String::new(), |k| format!("; did you mean `{k}`?"));
                c.problem(
                    &format!("{path}.roles.{role}"),
                    format!("names no role (declare it under [roles.{role}], or use social_worker){hint}"),
                );
            }
        }
        let t = raw.target.as_ref();
        let low = c.number(
            &format!("{path}.target.low"),
            t.and_then(|t| t.low),
            Some(s.target.low),
            Bound::Target { above_zero: false },
        );
        let high = c.number(
            &format!("{path}.target.high"),
            t.and_then(|t| t.high),
            Some(s.target.high),
            Bound::Target { above_zero: true },
        );
        if low > high && low <= MAX_TARGET {
            c.problem(
                &format!("{path}.target.low"),
                format!(
                    "= {}: must not be above the team's high target ({})",
                    fmt_num(low),
                    fmt_num(high)
                ),
            );
        }
        out.push(Team {
            name: name.clone(),
            states,
            target: Target { low, high },
        });
    }
    if !teams.is_empty() {
        for (i, h) in holder.iter().enumerate() {
            if h.is_none() {
                c.problem(
                    "teams",
                    format!(
                        "case state \"{}\" is held by no team: every case state belongs to exactly one team (list it in one team's states)",
                        names[i]
                    ),
                );
            }
        }
    }
    out
}

/// Where a pool's values are written.
struct Place<'a> {
    /// `None` without declared teams.
    team: Option<&'a str>,
    role: &'a str,
    role_declared: bool,
}

impl Place<'_> {
    fn role_prefix(&self) -> Option<String> {
        self.role_declared.then(|| format!("roles.{}.", self.role))
    }

    fn team_prefix(&self) -> Option<String> {
        self.team.map(|t| format!("teams.{t}.roles.{}.", self.role))
    }

    /// The prefix of the level the pool's amounts come from: the team's;
    /// without teams the role's (the social worker role's is the top level,
    /// which its own role table may restate).
    fn amount_prefixes(&self) -> Vec<String> {
        match (self.team_prefix(), self.role == SOCIAL_WORKER) {
            (Some(team), _) => vec![team],
            (None, true) => [Some(String::new()), self.role_prefix()]
                .into_iter()
                .flatten()
                .collect(),
            (None, false) => self.role_prefix().into_iter().collect(),
        }
    }

    fn is_social_worker(&self) -> bool {
        self.role == SOCIAL_WORKER
    }
}

/// Builds one pool's table (the council's with its sections merged and its
/// payments limited to it), resolves it and reports its problems where the
/// values were written; `seen` keeps a problem from being reported once per
/// team.
fn resolve_pool(
    c: &mut Checker,
    source: &Source,
    at: &Place,
    target: &Target,
    seen: &mut BTreeSet<(String, String)>,
) -> Option<Scenario> {
    let table = pool_table(&source.table, at);
    let raw: RawScenario = match Value::Table(table).try_into() {
        Ok(raw) => raw,
        Err(e) => {
            let place = at.team_prefix().or(at.role_prefix()).unwrap_or_default();
            // Not expected (every value the council's table could not read
            // is gone from it), but said in the file's words if it happens.
            let reason = super::tidy_type_error(e.message());
            c.problem(place.trim_end_matches('.'), format!("could not be read: {reason}"));
            return None;
        }
    };
    match resolve::resolve(raw, source) {
        Ok((mut s, _)) => {
            s.target = *target;
            // Demand and cases are the council's: a pool neither samples
            // nor keeps them (nor the history, which the model never reads).
            s.cases.clear();
            s.demand.shocks.clear();
            s.history.clear();
            Some(s)
        }
        Err(problems) => {
            for p in problems {
                let Some(location) = locate(&source.table, at, &p.location) else {
                    continue;
                };
                if seen.insert((location.clone(), p.message.clone())) {
                    c.problem(&location, p.message);
                }
            }
            None
        }
    }
}

/// One pool's table: the council's, its sections merged with the role's
/// and the team's (amounts from the amount level only), ASYEs only for
/// social workers, payments limited to the pool.
fn pool_table(top: &Table, at: &Place) -> Table {
    let mut table = top.clone();
    table.remove("roles");
    table.remove("teams");
    if let Some(Value::Table(t)) = table.get_mut("target") {
        t.remove("span_of_control");
    }
    let role_level = at.role_prefix().and_then(|p| table_at(top, &split(&p)).cloned());
    let team_level = at.team_prefix().and_then(|p| table_at(top, &split(&p)).cloned());
    let amount_levels: Vec<Option<Table>> = at
        .amount_prefixes()
        .iter()
        .map(|p| {
            if p.is_empty() {
                Some(top.clone())
            } else {
                table_at(top, &split(p)).cloned()
            }
        })
        .collect();
    for section in SECTIONS {
        let mut merged = Table::new();
        let mut present = false;
        for level in [Some(top), role_level.as_ref(), team_level.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Some(Value::Table(sec)) = level.get(section) {
                present = true;
                let rates: Table = sec
                    .iter()
                    .filter(|(k, _)| !is_amount(section, k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                merge(&mut merged, rates);
            }
        }
        for level in amount_levels.iter().flatten() {
            if let Some(Value::Table(sec)) = level.get(section) {
                present = true;
                let amounts: Table = sec
                    .iter()
                    .filter(|(k, _)| is_amount(section, k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                merge(&mut merged, amounts);
            }
        }
        if section == "workforce" {
            for key in ["establishment_fte", "permanent_fte"] {
                merged.entry(key.to_string()).or_insert(Value::Float(0.0));
            }
        }
        if present && (section != "asye" || at.is_social_worker()) {
            table.insert(section.to_string(), Value::Table(merged));
        } else {
            table.remove(section);
        }
    }
    limit_payments(&mut table, at);
    table
}

fn split(prefix: &str) -> Vec<&str> {
    prefix.trim_end_matches('.').split('.').collect()
}

/// Keeps the payments that reach the pool, without their `roles` and `teams`.
fn limit_payments(table: &mut Table, at: &Place) {
    let Some(Value::Table(payments)) = table.get_mut("payments") else {
        return;
    };
    let team = at.team.unwrap_or(WHOLE_COUNCIL);
    payments.retain(|_, p| {
        let Value::Table(p) = p else { return true };
        let reaches = |key: &str, name: &str| match p.get(key) {
            Some(Value::Array(names)) => names.iter().any(|n| n.as_str() == Some(name)),
            _ => true,
        };
        let keep = reaches("roles", at.role) && (at.team.is_none() || reaches("teams", team));
        p.remove("roles");
        p.remove("teams");
        keep
    });
}

/// Where a pool's problem at `location` (a key path of the pool's table)
/// was written: the deepest level that states the key, or, for an amount,
/// its amount level. `None` for what the council's own sections state,
/// which the council's resolution reports already.
fn locate(top: &Table, at: &Place, location: &str) -> Option<String> {
    let mut parts = location.split(['.', '[']);
    let section = parts.next().unwrap_or_default();
    let key = parts.next().unwrap_or_default();
    if !SECTIONS.contains(&section) {
        return None;
    }
    let states = |prefix: &str| {
        let mut path = split(prefix);
        if prefix.is_empty() {
            path.clear();
        }
        path.push(section);
        table_at(top, &path).is_some_and(|t| t.contains_key(key))
    };
    let prefix = if is_amount(section, key) {
        let levels = at.amount_prefixes();
        levels
            .iter()
            .rev()
            .find(|p| states(p))
            .or(levels.last())
            .cloned()
            .unwrap_or_default()
    } else {
        [at.team_prefix(), at.role_prefix()]
            .into_iter()
            .flatten()
            .find(|p| states(p))
            .unwrap_or_default()
    };
    (!prefix.is_empty()).then(|| format!("{prefix}{location}"))
}

/// The pool's uncertain parameters whose values are written for its role
/// (`roles.<role>.`) or its team (`teams.<team>.roles.<role>.`) rather than
/// inherited from the council's sections, with where (`team`: the pool's
/// team when teams are declared).
fn own_ranges(top: &Table, at: &Place, pool: &Scenario, team: Option<usize>, role: usize) -> Vec<(Parameter, Scope)> {
    pool.parameters()
        .into_iter()
        .filter(|(_, u)| !u.is_fixed())
        .filter_map(|(p, _)| {
            let written = locate(top, at, &p.key(pool))?;
            let scope = Scope {
                team: if written.starts_with("teams.") { team } else { None },
                role,
            };
            Some((p, scope))
        })
        .collect()
}

/// A pool with no posts, nobody in post, no agency, no managed team and no
/// intake never has anyone in it.
fn is_empty(s: &Scenario) -> bool {
    let w = &s.workforce;
    let no_posts = w.establishment_fte == 0.0 && w.establishment_changes.iter().all(|ch| ch.change_fte <= 0.0);
    let no_agency = s
        .agency
        .as_ref()
        .is_none_or(|a| a.fte == 0.0 && a.managed_team.is_empty() && matches!(a.mode, AgencyMode::Cover));
    let no_intake = s
        .asye
        .as_ref()
        .is_none_or(|a| a.intake_per_year.is_fixed() && a.intake_per_year.central() == 0.0);
    no_posts && w.permanent_fte == 0.0 && no_agency && no_intake
}
