//! A resolved scenario in plain words, for `caseload check` and the report.

use super::{Loaded, Warning};
use crate::model::params::*;
use crate::text;
use std::fmt::Write;

/// How to show a value: as a percentage, money or a plain number.
#[derive(Clone, Copy)]
pub enum Unit {
    Percent,
    Money,
    Plain,
}

/// A number for people: one decimal from 100 up, two below, no trailing zeros.
pub fn num(x: f64) -> String {
    text::number(x)
}

/// Money with thousands separators: `£52,000`.
pub fn money(x: f64) -> String {
    text::money(x)
}

/// A share as written: `0.3` -> `30%`.
pub fn percent(x: f64) -> String {
    text::percent_as_written(x)
}

fn fmt_unit(x: f64, unit: Unit) -> String {
    match unit {
        Unit::Percent => percent(x),
        Unit::Money => money(x),
        Unit::Plain => num(x),
    }
}

/// An uncertain value: `40%`, or `90% (between 75% and 100%, triangular)`.
pub fn uncertain(u: &Uncertain, unit: Unit) -> String {
    let f = |x| fmt_unit(x, unit);
    match u.dist {
        Distribution::Fixed(v) => f(v),
        Distribution::Uniform { min, max } => format!("between {} and {} (uniform)", f(min), f(max)),
        Distribution::Triangular { min, mode, max } => {
            format!("{} (between {} and {}, triangular)", f(mode), f(min), f(max))
        }
        Distribution::Normal { mean, sd } => format!("{} on average (normal, sd {})", f(mean), f(sd)),
        Distribution::Lognormal { median, sd_log } => {
            format!("{} median (lognormal, sd_log {})", f(median), num(sd_log))
        }
    }
}

/// `April 2022`.
pub fn month_name(m: YearMonth) -> String {
    format!("{} {}", calendar_month(m.month()), m.year())
}

pub fn calendar_month(m: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(m as usize + 11) % 12]
}

fn period(from: YearMonth, to: Option<YearMonth>) -> String {
    match to {
        Some(to) => format!("from {} to {}", month_name(from), month_name(to)),
        None => format!("from {} on", month_name(from)),
    }
}

/// The whole scenario in plain words, one line per fact.
pub fn describe(loaded: &Loaded) -> String {
    let s = &loaded.scenario;
    let mut o = String::new();
    // Writing to a String cannot fail.
    let _ = describe_into(&mut o, loaded, s);
    o
}

/// The scenario section by section, in the order of the file.
fn describe_into(o: &mut String, loaded: &Loaded, s: &Scenario) -> std::fmt::Result {
    heading(o, loaded, s)?;
    if let Some(org) = &s.organisation {
        organisation(o, s, org)?;
    }
    let by_team = s.organisation.as_ref().is_some_and(|o| o.teams_declared);
    workforce(o, &s.workforce, &s.target, by_team)?;
    // A team may state a section the council's sections leave out.
    let in_a_team = |has: fn(&Scenario) -> bool| {
        s.organisation
            .as_ref()
            .is_some_and(|org| org.teams_declared && org.pools.iter().any(|p| has(&p.scenario)))
    };
    let only_in_teams = |section: &str, has: fn(&Scenario) -> bool| -> Option<String> {
        in_a_team(has).then(|| format!("by team only, above (no council-wide [{section}] section)"))
    };
    match (
        &s.recruitment,
        only_in_teams("recruitment", |p| p.recruitment.is_some()),
    ) {
        (None, Some(words)) => writeln!(o, "\nRecruitment: {words}.")?,
        (r, _) => recruitment(o, r.as_ref(), by_team)?,
    }
    match (&s.asye, only_in_teams("asye", |p| p.asye.is_some())) {
        (None, Some(words)) => writeln!(o, "\nASYE intake: {words}.")?,
        (a, _) => asye(o, a.as_ref(), &s.workforce, by_team)?,
    }
    match (&s.agency, only_in_teams("agency", |p| p.agency.is_some())) {
        (None, Some(words)) => writeln!(o, "\nAgency: {words}.")?,
        (a, _) => agency(o, a.as_ref(), by_team)?,
    }
    drift(o, s.drift.as_ref())?;
    demand(o, &s.demand)?;
    cases(o, &s.cases)?;
    costs(o, &s.costs)?;
    payments(o, &s.payments)?;
    history(o, &s.history)?;
    warnings(o, &loaded.warnings)
}

/// The name, the file and what it builds on, the description, the horizon
/// and the caseload target.
fn heading(o: &mut String, loaded: &Loaded, s: &Scenario) -> std::fmt::Result {
    writeln!(o, "Scenario \"{}\" ({})", s.name, loaded.source.file)?;
    if loaded.source.chain.len() > 1 {
        writeln!(o, "  builds on {}", loaded.source.chain[1..].join(", then "))?;
    }
    if let Some(d) = &s.description {
        writeln!(o, "  {}", d.trim())?;
    }
    let end = s.month_at(s.months - 1);
    writeln!(
        o,
        "Horizon: {} months, {} to {}. Caseload target: {} to {} cases per case-holding FTE.",
        s.months,
        month_name(s.start),
        month_name(end),
        num(s.target.low),
        num(s.target.high)
    )
}

/// Roles, teams and each team's people by role.
fn organisation(o: &mut String, s: &Scenario, org: &Organisation) -> std::fmt::Result {
    writeln!(o, "\nTeams and roles")?;
    for (ri, r) in org.roles.iter().enumerate() {
        let differs = org
            .pools
            .iter()
            .find(|p| p.role == ri && r.name != SOCIAL_WORKER)
            .map_or_else(String::new, |p| role_differences(s, &p.scenario));
        writeln!(
            o,
            "  {} (roles.{}): hold {} of a full caseload{}{differs}.",
            text::capital(&text::role_people(&r.name)),
            r.name,
            percent(r.caseload_share),
            if r.manager { "; manage social workers" } else { "" }
        )?;
    }
    if let Some(span) = org.span_of_control {
        writeln!(
            o,
            "  Span of control target: at most {} social workers per manager.",
            num(span)
        )?;
    }
    for (ti, t) in org.teams.iter().enumerate() {
        let states: Vec<String> = t.states.iter().map(|i| text::case_state(&s.cases[*i].name)).collect();
        writeln!(
            o,
            "  {} team (teams.{}): holds {}; caseload target {} to {}.",
            text::team_name(&t.name),
            t.name,
            states.join(", "),
            num(t.target.low),
            num(t.target.high)
        )?;
        for p in org.pools.iter().filter(|p| p.team == ti) {
            let people = text::capital(&text::role_people(&org.roles[p.role].name));
            writeln!(o, "    {people}: {}.", pool_amounts(&p.scenario))?;
        }
    }
    type Has = fn(&Payments) -> bool;
    let kinds: [(&str, Has); 3] = [
        ("recruitment bonus", |p| p.recruitment_bonus.is_some()),
        ("retention payment", |p| p.retention.is_some()),
        ("market supplement", |p| p.market_supplement.is_some()),
    ];
    for (kind, has) in kinds {
        let reached: Vec<String> = org
            .pools
            .iter()
            .filter(|p| has(&p.scenario.payments))
            .map(|p| format!("{} in {}", org.roles[p.role].name, org.teams[p.team].name))
            .collect();
        if has(&s.payments) && reached.len() < org.pools.len() {
            writeln!(
                o,
                "  The {kind} is limited to: {}.",
                if reached.is_empty() {
                    "nobody".to_string()
                } else {
                    reached.join(", ")
                }
            )?;
        }
    }
    writeln!(
        o,
        "  The sections below are the social worker role's; other roles and teams change only what they state."
    )
}

/// One pool's amounts, which are never inherited: posts (and their dated
/// changes), people, agency (its cap and any managed team), hires a month,
/// the ASYE intake and a campaign's cost; what is nought is left unsaid
/// but the posts, people and agency.
fn pool_amounts(p: &Scenario) -> String {
    let w = &p.workforce;
    let mut posts = format!("{} FTE of posts", num(w.establishment_fte));
    for ch in &w.establishment_changes {
        let _ = write!(posts, " ({:+} FTE from {})", num(ch.change_fte), month_name(ch.from));
    }
    let mut out = vec![
        posts,
        format!(
            "{} in post ({}{} absent)",
            num(w.permanent_fte),
            if w.asye_fte > 0.0 {
                format!("{} in ASYE year, ", num(w.asye_fte))
            } else {
                String::new()
            },
            num(w.absent_fte)
        ),
    ];
    match &p.agency {
        Some(a) => {
            let mut words = format!("{} agency", num(a.fte));
            if let Some(cap) = a.max_fte {
                let _ = write!(words, " (at most {} FTE)", num(cap));
            }
            for b in &a.managed_team {
                let _ = write!(words, "; a managed team of {} FTE {}", num(b.fte), period(b.from, b.to));
            }
            out.push(words);
        }
        None => out.push("0 agency".into()),
    }
    if let Some(r) = &p.recruitment
        && !(r.applicants_per_month.is_fixed() && r.applicants_per_month.central() == 0.0)
    {
        let mut words = format!(
            "{} experienced {} a month",
            uncertain(&r.applicants_per_month, Unit::Plain),
            plural(&r.applicants_per_month, "hire", "hires")
        );
        if r.campaign_cost_per_month > 0.0 {
            let _ = write!(
                words,
                " (campaign {} a recruiting month)",
                money(r.campaign_cost_per_month)
            );
        }
        out.push(words);
    }
    if let Some(a) = &p.asye
        && !(a.intake_per_year.is_fixed() && a.intake_per_year.central() == 0.0)
    {
        out.push(format!(
            "{} {} a year",
            uncertain(&a.intake_per_year, Unit::Plain),
            plural(&a.intake_per_year, "ASYE", "ASYEs")
        ));
    }
    out.join(", ")
}

/// `one` for a value of exactly 1, else `many`.
fn plural(u: &Uncertain, one: &'static str, many: &'static str) -> &'static str {
    if u.is_fixed() && u.central() == 1.0 { one } else { many }
}

/// What a role's pools have that the social worker role's sections (the
/// council's) do not: leaving rates, notice, agency terms and costs; empty
/// when nothing differs.
fn role_differences(s: &Scenario, p: &Scenario) -> String {
    let mut out = Vec::new();
    let bands = &p.workforce.annual_leaving_by_service_year;
    if *bands != s.workforce.annual_leaving_by_service_year {
        let bands: Vec<String> = bands.iter().map(leaving_rate).collect();
        out.push(format!(
            "leaving {} a year by completed years of service",
            bands.join(" / ")
        ));
    }
    if p.workforce.case_holding_share != s.workforce.case_holding_share {
        out.push(format!(
            "{} of FTE holds cases",
            uncertain(&p.workforce.case_holding_share, Unit::Percent)
        ));
    }
    if let (Some(mine), Some(council)) = (&p.recruitment, &s.recruitment)
        && mine.notice_months != council.notice_months
    {
        out.push(format!("{} months' notice", mine.notice_months));
    }
    if let (Some(mine), Some(council)) = (&p.agency, &s.agency)
        && (mine.fill_prob != council.fill_prob || mine.mean_tenure_months != council.mean_tenure_months)
    {
        out.push(format!(
            "a missing agency worker found with probability {} a month, staying {} months on average",
            uncertain(&mine.fill_prob, Unit::Percent),
            uncertain(&mine.mean_tenure_months, Unit::Plain)
        ));
    }
    let (k, c) = (&p.costs, &s.costs);
    if k.permanent != c.permanent || k.agency != c.agency {
        out.push(format!(
            "costs a year per FTE permanent {}, agency {}",
            money(k.permanent),
            money(k.agency)
        ));
    }
    out.iter().map(|x| format!("; {x}")).collect()
}

/// Posts and people, leaving, service, time available for cases and how
/// caseloads feed back on leaving.
fn workforce(o: &mut String, w: &Workforce, target: &Target, by_team: bool) -> std::fmt::Result {
    writeln!(o, "\nWorkforce (qualified social workers)")?;
    if by_team {
        // With teams the posts and people are the teams' (listed above).
        writeln!(
            o,
            "  Establishment and people by team, above; people of {} FTE each.",
            num(w.fte_per_head)
        )?;
    } else {
        write!(o, "  Establishment {} FTE", num(w.establishment_fte))?;
        for ch in &w.establishment_changes {
            write!(o, "; {:+} FTE from {}", num(ch.change_fte), month_name(ch.from))?;
        }
        writeln!(
            o,
            "; {} FTE in post ({} in ASYE year, {} absent); people of {} FTE each.",
            num(w.permanent_fte),
            num(w.asye_fte),
            num(w.absent_fte),
            num(w.fte_per_head)
        )?;
    }
    let bands: Vec<String> = w.annual_leaving_by_service_year.iter().map(leaving_rate).collect();
    writeln!(
        o,
        "  Leaving {} a year by completed years of service (the last rate applies beyond).",
        bands.join(" / ")
    )?;
    if w.leaving_bands_move_together {
        let any_range = !w.annual_leaving_by_service_year.iter().all(Uncertain::is_fixed);
        writeln!(
            o,
            "  {}",
            if any_range {
                "The leaving rates move together: a run that draws a high rate for one year of service draws high rates for every year (one shared quantile)."
            } else {
                "The leaving rates are set to move together, but none is a range, so this changes nothing."
            }
        )?;
    }
    match &w.initial_service_shares {
        Some(shares) => {
            let shares: Vec<String> = shares.iter().map(|x| percent(*x)).collect();
            writeln!(o, "  Service now: {} by completed years.", shares.join(" / "))?;
        }
        None => writeln!(o, "  Service now: the steady state implied by the leaving rates.")?,
    }
    writeln!(
        o,
        "  {} of FTE holds cases; sickness {} of {} working days a year.",
        uncertain(&w.case_holding_share, Unit::Percent),
        num(w.sickness_days_per_year),
        num(w.working_days_per_year)
    )?;
    writeln!(
        o,
        "  Long absence (maternity, long-term sickness, secondment) starts for {} a year and lasts {} months on average.",
        uncertain(&w.long_absence_annual_rate, Unit::Percent),
        uncertain(&w.long_absence_mean_months, Unit::Plain)
    )?;
    if w.pressure_sensitivity.is_fixed() && w.pressure_sensitivity.central() == 0.0 {
        writeln!(o, "  High caseloads do not change leaving (no pressure feedback).")
    } else {
        writeln!(
            o,
            "  Caseloads above {} raise leaving: sensitivity {} (0.5 means 10% over target raises leaving by 5%).",
            num(target.high),
            uncertain(&w.pressure_sensitivity, Unit::Plain)
        )
    }
}

/// An annual leaving rate, as the workforce's bands and the ASYE year show it.
fn leaving_rate(rate: &Uncertain) -> String {
    uncertain(rate, Unit::Percent)
}

/// Experienced hires: how many, in which months, after what notice, at
/// what cost. With teams, how many (and a campaign's cost) are each
/// team's, listed with its people.
fn recruitment(o: &mut String, r: Option<&Recruitment>, by_team: bool) -> std::fmt::Result {
    let Some(r) = r else {
        return writeln!(
            o,
            "\nRecruitment: none (no [recruitment] section): no experienced hires."
        );
    };
    if by_team {
        writeln!(
            o,
            "\nRecruitment: experienced hires a month by team, above, accept while posts are vacant, recruiting {}; they start after {} months' notice.",
            recruiting_months(&r.recruiting),
            r.notice_months
        )?;
        return writeln!(o, "  Cost {} per hire.", money(r.cost_per_hire));
    }
    writeln!(
        o,
        "\nRecruitment: {} experienced hires a month accept while posts are vacant, recruiting {}; they start after {} months' notice.",
        uncertain(&r.applicants_per_month, Unit::Plain),
        recruiting_months(&r.recruiting),
        r.notice_months
    )?;
    writeln!(
        o,
        "  Cost {} per hire and {} a recruiting month.",
        money(r.cost_per_hire),
        money(r.campaign_cost_per_month)
    )
}

/// `every month`, `in no month` or `in March, September`.
fn recruiting_months(recruiting: &[bool; 12]) -> String {
    let months: Vec<&str> = (1..=12)
        .filter(|m| recruiting[*m as usize - 1])
        .map(calendar_month)
        .collect();
    if months.len() == 12 {
        "every month".to_string()
    } else if months.is_empty() {
        "in no month".to_string()
    } else {
        format!("in {}", months.join(", "))
    }
}

/// The newly qualified intake; its leaving rate defaults to the workforce's
/// first band.
fn asye(o: &mut String, a: Option<&Asye>, w: &Workforce, by_team: bool) -> std::fmt::Result {
    let Some(a) = a else {
        return writeln!(o, "\nASYE intake: none (no [asye] section).");
    };
    let leaving = match &a.annual_leaving {
        Some(rate) => leaving_rate(rate),
        None => format!(
            "{} (the first band)",
            w.annual_leaving_by_service_year
                .first()
                .map(leaving_rate)
                .unwrap_or_default()
        ),
    };
    let how_many = if by_team {
        "newly qualified workers (the number by team, above)".to_string()
    } else {
        format!("{} newly qualified workers", uncertain(&a.intake_per_year, Unit::Plain))
    };
    writeln!(
        o,
        "\nASYE intake: {how_many} join each {}, holding {} of a full caseload in their first year; {} leave a year during it; {}.",
        calendar_month(a.intake_month),
        percent(a.caseload_weight),
        leaving,
        if a.supernumerary {
            "supernumerary (they hold no post in that year)"
        } else {
            "they fill posts, even beyond the establishment"
        }
    )
}

/// Agency cover, how agency workers come and go, and any managed team.
fn agency(o: &mut String, a: Option<&Agency>, by_team: bool) -> std::fmt::Result {
    let Some(a) = a else {
        return writeln!(o, "\nAgency: none (no [agency] section).");
    };
    // With teams, the agency staff now, any cap and any managed team are
    // each team's (listed with its people).
    let (now, cap) = if by_team {
        ("by team, above".to_string(), String::new())
    } else {
        (
            format!("{} FTE now", num(a.fte)),
            match a.max_fte {
                Some(m) => format!(", at most {} FTE", num(m)),
                None => ", no cap".into(),
            },
        )
    };
    match &a.mode {
        AgencyMode::Cover => writeln!(
            o,
            "\nAgency: {now}; cover for {} of unfilled posts and {} of absence{cap}.",
            percent(a.cover_vacancies),
            percent(a.cover_absence),
        )?,
        AgencyMode::Level { vacancy_link } => writeln!(
            o,
            "\nAgency: {now}, a level of its own (mode \"level\"): it follows {} of any change in unfilled posts and {} of any change in absence since the start{cap}.",
            uncertain(vacancy_link, Unit::Percent),
            percent(a.cover_absence),
        )?,
    }
    writeln!(
        o,
        "  A missing agency worker is found with probability {} a month; they stay {} months on average; {} a year take a permanent post.",
        uncertain(&a.fill_prob, Unit::Percent),
        uncertain(&a.mean_tenure_months, Unit::Plain),
        uncertain(&a.annual_conversion_rate, Unit::Percent)
    )?;
    for b in &a.managed_team {
        writeln!(o, "  Managed team: {} FTE {}.", num(b.fte), period(b.from, b.to))?;
    }
    Ok(())
}

/// How far each process's rate wanders, when there is a `[drift]` table.
fn drift(o: &mut String, d: Option<&Drift>) -> std::fmt::Result {
    let Some(d) = d else {
        return Ok(());
    };
    writeln!(
        o,
        "\nDrift: from year to year, leaving rates wander by {}, experienced hires by {}, referrals by {} and the agency level by {} (the sd of a log multiplier over a year; 0 = no drift).",
        uncertain(&d.leaving, Unit::Percent),
        uncertain(&d.applicants, Unit::Percent),
        uncertain(&d.referrals, Unit::Percent),
        uncertain(&d.agency, Unit::Percent)
    )
}

/// Referrals: their level, growth and variation, seasonality and shocks.
fn demand(o: &mut String, d: &Demand) -> std::fmt::Result {
    writeln!(
        o,
        "\nDemand: {} referrals a month, growing {} a year; {}.",
        uncertain(&d.referrals_per_month, Unit::Plain),
        uncertain(&d.annual_growth, Unit::Percent),
        match d.dispersion {
            Some(k) => format!("more variable than Poisson (dispersion {})", num(k)),
            None => "Poisson month-to-month variation".into(),
        }
    )?;
    if d.seasonality.iter().any(|x| *x != 1.0) {
        let season: Vec<String> = d.seasonality.iter().map(|x| num(*x * 100.0)).collect();
        writeln!(
            o,
            "  Seasonality (% of the average, January first): {}.",
            season.join(" ")
        )?;
    }
    for sh in &d.shocks {
        writeln!(
            o,
            "  Shock: referrals x {} {}.",
            uncertain(&sh.multiplier, Unit::Plain),
            period(sh.from, sh.to)
        )?;
    }
    Ok(())
}

/// One line per case state: open cases, entry, time there and where next.
fn cases(o: &mut String, cases: &[CaseState]) -> std::fmt::Result {
    writeln!(o, "\nCases held by social workers")?;
    for c in cases {
        let next: Vec<String> = c
            .next
            .iter()
            .map(|(j, share)| format!("{} to {}", percent(*share), text::case_state(&cases[*j].name)))
            .collect();
        let next = if next.is_empty() {
            "then close".to_string()
        } else {
            format!("then {}, the rest close", next.join(", "))
        };
        // The state in words, with its key where the words are not it.
        let words = text::case_state(&c.name);
        let name = if words.eq_ignore_ascii_case(&c.name) {
            text::capital(&words)
        } else {
            format!("{} ({})", text::capital(&words), c.name)
        };
        writeln!(
            o,
            "  {name}: {} open now; {} of referrals start here; {} months on average; {next}.",
            c.open,
            percent(c.entry_share),
            uncertain(&c.mean_months, Unit::Plain)
        )?;
    }
    Ok(())
}

/// Yearly costs per FTE and the ASYE grant.
fn costs(o: &mut String, k: &Costs) -> std::fmt::Result {
    writeln!(
        o,
        "\nCosts a year per FTE: permanent {}, ASYE {}, agency {}, managed team {}; ASYE grant {} each.",
        money(k.permanent),
        money(k.asye),
        money(k.agency),
        money(k.managed_team),
        money(k.asye_grant)
    )
}

/// The enhanced payments, one line each, or that there are none.
fn payments(o: &mut String, p: &Payments) -> std::fmt::Result {
    if p.recruitment_bonus.is_none() && p.retention.is_none() && p.market_supplement.is_none() {
        writeln!(o, "Enhanced payments: none.")?;
    }
    if let Some(b) = &p.recruitment_bonus {
        writeln!(
            o,
            "Recruitment bonus: {} to each new permanent starter {}; applicants x {}; {}.",
            money(b.amount),
            period(b.from, b.to),
            uncertain(&b.applicant_multiplier, Unit::Plain),
            clawback(b)
        )?;
    }
    if let Some(r) = &p.retention {
        writeln!(
            o,
            "Retention payment: {} each {} to everyone with at least {} months' service{} {}; leaving x {}; {}.",
            money(r.amount),
            calendar_month(r.paid_in_month),
            r.min_service_months,
            if r.include_asye {
                " (ASYEs included)"
            } else {
                " (not ASYEs)"
            },
            period(r.from, r.to),
            uncertain(&r.leaving_multiplier, Unit::Plain),
            clawback(r)
        )?;
    }
    if let Some(m) = &p.market_supplement {
        writeln!(
            o,
            "Market supplement: {} a year to every permanent worker {}; applicants x {}, leaving x {}.",
            money(m.amount),
            period(m.from, m.to),
            uncertain(&m.applicant_multiplier, Unit::Plain),
            uncertain(&m.leaving_multiplier, Unit::Plain)
        )?;
    }
    Ok(())
}

/// How many dated actual values there are and the span they cover, if any.
fn history(o: &mut String, history: &[HistoryPoint]) -> std::fmt::Result {
    let (Some(first), Some(last)) = (history.first(), history.last()) else {
        return Ok(());
    };
    let n = history.len();
    let yearly = history.windows(2).all(|w| w[0].date.months_until(w[1].date) == 12);
    let kind = match (n, yearly) {
        (1, _) => "1 dated actual value".to_string(),
        (_, true) => format!("{n} published yearly values"),
        (_, false) => format!("{n} dated actual values"),
    };
    let span = if n == 1 {
        first.date.to_string()
    } else {
        format!("{} to {}", first.date, last.date)
    };
    writeln!(
        o,
        "History: {kind}, {span} (to compare with the projection; the model does not use them)."
    )
}

/// Odd but legal values, if any.
fn warnings(o: &mut String, warnings: &[Warning]) -> std::fmt::Result {
    if warnings.is_empty() {
        return Ok(());
    }
    writeln!(o, "\nWorth a second look:")?;
    for w in warnings {
        writeln!(o, "  warning: {w}")?;
    }
    Ok(())
}

fn clawback(p: &Payment) -> String {
    if p.clawback_months == 0 {
        return "no clawback".into();
    }
    let how = match p.clawback {
        Clawback::Full => "in full",
        Clawback::ProRata => "pro rata",
    };
    format!("recovered {how} from leavers within {} months", p.clawback_months)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(num(101.71), "101.7");
        assert_eq!(num(147.46), "147.5");
        assert_eq!(num(55.0), "55");
        assert_eq!(num(0.95), "0.95");
        assert_eq!(num(9.25), "9.25");
        assert_eq!(money(52000.0), "£52,000");
        assert_eq!(money(-1234567.4), "-£1,234,567");
        assert_eq!(percent(0.3), "30%");
    }
}
