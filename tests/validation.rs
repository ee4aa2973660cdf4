//! Validation: every rule the scenario layer enforces, one table row each,
//! with the file, key path and words of the problem; defaults; `extends`
//! and `--set`.

use crate::common::{FULL, MINIMAL, TEAMS, check_text, resolve_text, show, write_files};
use caseload::model::params::{AgencyMode, Clawback, Distribution, ValidRange, YearMonth};
use caseload::scenario::{self, Problem, Source};

/// How a row makes its scenario.
enum Input {
    /// MINIMAL with these `--set` assignments.
    Set(&'static [&'static str]),
    /// A whole scenario text, as the file `x.toml`.
    Text(String),
    /// Files written to a fresh folder; the first one is loaded.
    Files(Vec<(&'static str, String)>),
}

/// One rule: a scenario that breaks it and the problem that must be reported.
struct Row {
    rule: &'static str,
    input: Input,
    /// The end of the problem's file (`x.toml`, `x.toml (--set)`, `/b.toml`).
    file: &'static str,
    /// The problem's location, exactly.
    at: &'static str,
    /// A fragment of the problem's message.
    says: &'static str,
}

const SET_FILE: &str = "x.toml (--set)";

fn set(rule: &'static str, sets: &'static [&'static str], at: &'static str, says: &'static str) -> Row {
    Row {
        rule,
        input: Input::Set(sets),
        file: SET_FILE,
        at,
        says,
    }
}

/// MINIMAL with its first `from` replaced by `to` (which must be there).
fn edited(from: &str, to: &str) -> String {
    assert!(MINIMAL.contains(from), "MINIMAL has no {from:?}");
    MINIMAL.replacen(from, to, 1)
}

fn edit(rule: &'static str, from: &str, to: &str, at: &'static str, says: &'static str) -> Row {
    text(rule, edited(from, to), at, says)
}

fn text(rule: &'static str, text: String, at: &'static str, says: &'static str) -> Row {
    Row {
        rule,
        input: Input::Text(text),
        file: "x.toml",
        at,
        says,
    }
}

fn files(
    rule: &'static str,
    files: Vec<(&'static str, String)>,
    file: &'static str,
    at: &'static str,
    says: &'static str,
) -> Row {
    Row {
        rule,
        input: Input::Files(files),
        file,
        at,
        says,
    }
}

/// MINIMAL with `extends = "{parent}"` at its top.
fn extending(parent: &str) -> String {
    format!("extends = \"{parent}\"\n{MINIMAL}")
}

/// MINIMAL with `more` appended (new sections).
fn plus(more: &str) -> String {
    format!("{MINIMAL}\n{more}")
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    let no_cases = MINIMAL.split("[[cases]]").next().unwrap_or_default().to_string();
    let no_workforce = edited(
        "[workforce]\nestablishment_fte = 100.0\npermanent_fte = 90.0\nannual_leaving_by_service_year = [0.3, 0.2, 0.15]\n",
        "",
    );
    let no_demand = edited("[demand]\nreferrals_per_month = 100.0\n", "");
    let third_case = "[[cases]]\nname = \"cp\"\nmean_months = 10\n";
    vec![
        // Probabilities and shares outside [0, 1].
        set("share above 1", &["workforce.case_holding_share=1.5"], "workforce.case_holding_share", "= 1.5: must be between 0 and 1"),
        set("leaving band below 0", &["workforce.annual_leaving_by_service_year=[0.3, -0.1]"], "workforce.annual_leaving_by_service_year[1]", "= -0.1: must be between 0 and 1"),
        set("absence rate above 1", &["workforce.long_absence_annual_rate=2"], "workforce.long_absence_annual_rate", "= 2: must be between 0 and 1"),
        set("ASYE caseload weight above 1", &["asye.caseload_weight=1.1"], "asye.caseload_weight", "= 1.1: must be between 0 and 1"),
        set("ASYE leaving above 1", &["asye.annual_leaving=1.5"], "asye.annual_leaving", "= 1.5: must be between 0 and 1"),
        set("agency cover_vacancies below 0", &["agency.cover_vacancies=-0.5"], "agency.cover_vacancies", "= -0.5: must be between 0 and 1"),
        set("agency cover_absence above 1", &["agency.cover_absence=1.01"], "agency.cover_absence", "= 1.01: must be between 0 and 1"),
        set("agency fill_prob above 1", &["agency.fill_prob=1.2"], "agency.fill_prob", "= 1.2: must be between 0 and 1"),
        set("agency conversion below 0", &["agency.annual_conversion_rate=-0.01"], "agency.annual_conversion_rate", "= -0.01: must be between 0 and 1"),
        set("entry_share above 1", &["cases.cin.entry_share=1.2"], "cases.cin.entry_share", "= 1.2: must be between 0 and 1"),
        edit("next share above 1", "next = { cin = 0.4 }", "next = { cin = 1.5 }", "cases.assessment.next.cin", "= 1.5: must be between 0 and 1"),
        edit("next share below 0", "next = { cin = 0.4 }", "next = { cin = -0.1 }", "cases.assessment.next.cin", "= -0.1: must be between 0 and 1"),
        set("fte_per_head 0", &["workforce.fte_per_head=0"], "workforce.fte_per_head", "= 0: must be more than 0 and at most 1"),
        set("fte_per_head above 1", &["workforce.fte_per_head=1.5"], "workforce.fte_per_head", "= 1.5: must be more than 0 and at most 1"),
        // Sums above 1.
        set("entry_share sum above 1", &["cases.assessment.entry_share=0.6", "cases.cin.entry_share=0.6"], "cases", "entry_share values sum to 1.2: must not exceed 1"),
        text("next sum above 1", plus(third_case).replace("next = { cin = 0.4 }", "next = { cin = 0.6, cp = 0.5 }"), "cases.assessment.next", "shares sum to 1.1: must not exceed 1"),
        // `next` naming no state or its own.
        edit("next names no state", "next = { cin = 0.4 }", "next = { cinn = 0.4 }", "cases.assessment.next.cinn", "names no case state; did you mean `cin`?"),
        edit("next names no state, nothing near", "next = { cin = 0.4 }", "next = { zzz = 0.4 }", "cases.assessment.next.zzz", "names no case state"),
        edit("next names its own state", "next = { cin = 0.4 }", "next = { assessment = 0.4 }", "cases.assessment.next.assessment", "a state cannot move to itself"),
        edit("next share not a number", "next = { cin = 0.4 }", "next = { cin = \"a lot\" }", "cases.assessment.next.cin", "expected a share between 0 and 1"),
        // Mean durations below 1 month.
        set("case mean_months below 1", &["cases.cin.mean_months=0.5"], "cases.cin.mean_months", "= 0.5: must be at least 1 (month)"),
        set("absence mean below 1", &["workforce.long_absence_mean_months=0.9"], "workforce.long_absence_mean_months", "= 0.9: must be at least 1 (month)"),
        set("agency tenure below 1", &["agency.mean_tenure_months=0"], "agency.mean_tenure_months", "= 0: must be at least 1 (month)"),
        set("duration distribution below 1", &["cases.cin.mean_months={ uniform = [0.5, 2] }"], "cases.cin.mean_months", "both ends must be at least 1 (month)"),
        // Negative FTE, counts and costs.
        set("negative establishment", &["workforce.establishment_fte=-1"], "workforce.establishment_fte", "= -1: must be 0 or more"),
        set("negative permanent_fte", &["workforce.permanent_fte=-5"], "workforce.permanent_fte", "= -5: must be 0 or more"),
        set("negative asye_fte", &["workforce.asye_fte=-1"], "workforce.asye_fte", "= -1: must be 0 or more"),
        set("negative absent_fte", &["workforce.absent_fte=-2"], "workforce.absent_fte", "= -2: must be 0 or more"),
        set("negative agency fte", &["agency.fte=-2"], "agency.fte", "= -2: must be 0 or more"),
        set("negative agency max_fte", &["agency.max_fte=-1"], "agency.max_fte", "= -1: must be 0 or more"),
        set("negative managed team", &["agency.extra=[{ from = \"2022-05\", fte = -3 }]"], "agency.extra[0].fte", "= -3: must be 0 or more"),
        set("negative open cases", &["cases.cin.open=-5"], "cases.cin.open", "= -5: must be 0 or more"),
        set("negative ASYE intake", &["asye.intake_per_year=-1"], "asye.intake_per_year", "= -1: must be 0 or more"),
        set("negative applicants", &["recruitment.applicants_per_month=-1"], "recruitment.applicants_per_month", "= -1: must be 0 or more"),
        set("negative referrals", &["demand.referrals_per_month=-10"], "demand.referrals_per_month", "= -10: must be 0 or more"),
        set("negative seasonality", &["demand.seasonality=[1, 1, 1, -1, 1, 1, 1, 1, 1, 1, 1, 1]"], "demand.seasonality[3]", "= -1: must be 0 or more"),
        set("dispersion 0", &["demand.dispersion=0"], "demand.dispersion", "= 0: must be more than 0"),
        set("growth below -1", &["demand.annual_growth=-1.5"], "demand.annual_growth", "= -1.5: must be -1 or more"),
        set("negative shock multiplier", &["demand.shocks=[{ from = \"2022-10\", multiplier = -0.5 }]"], "demand.shocks[0].multiplier", "= -0.5: must be 0 or more"),
        set("negative pressure sensitivity", &["workforce.pressure_sensitivity=-0.5"], "workforce.pressure_sensitivity", "= -0.5: must be 0 or more"),
        set("negative sickness days", &["workforce.sickness_days_per_year=-1"], "workforce.sickness_days_per_year", "= -1: must be 0 or more"),
        set("working days 0", &["workforce.working_days_per_year=0"], "workforce.working_days_per_year", "= 0: must be more than 0"),
        set("sickness above working days", &["workforce.sickness_days_per_year=300"], "workforce.sickness_days_per_year", "= 300: must not exceed working_days_per_year (225)"),
        set("negative initial service share", &["workforce.initial_service_shares=[-1, 1]"], "workforce.initial_service_shares", "= -1: must be 0 or more"),
        set("initial service shares all 0", &["workforce.initial_service_shares=[0, 0]"], "workforce.initial_service_shares", "at least one above 0"),
        set("negative target low", &["target.low=-1"], "target.low", "= -1: a caseload target must be between 0 and 200 cases per case-holding FTE"),
        set("target high 0", &["target.high=0", "target.low=0"], "target.high", "= 0: a caseload target must be more than 0 and at most 200 cases per case-holding FTE"),
        set("target high absurd", &["target.high=1e308"], "target.high", "= 1e308: a caseload target must be more than 0 and at most 200 cases per case-holding FTE"),
        set("target high the largest float", &["target.high=1.7976931348623157e308"], "target.high", "= 1.7976931348623157e308: a caseload target must be more than 0"),
        set("target high just above 200", &["target.high=200.5"], "target.high", "= 200.5: a caseload target must be more than 0 and at most 200"),
        set("target low above 200", &["target.low=250", "target.high=200"], "target.low", "= 250: a caseload target must be between 0 and 200"),
        set("target low above high", &["target.low=30"], "target.low", "= 30: must not be above target.high (25)"),
        set("negative permanent cost", &["costs.permanent=-1"], "costs.permanent", "= -1: must be 0 or more"),
        set("negative ASYE cost", &["costs.asye=-1"], "costs.asye", "= -1: must be 0 or more"),
        set("negative ASYE grant", &["costs.asye_grant=-1"], "costs.asye_grant", "= -1: must be 0 or more"),
        set("negative agency cost", &["costs.agency=-1"], "costs.agency", "= -1: must be 0 or more"),
        set("negative managed team cost", &["costs.managed_team=-1"], "costs.managed_team", "= -1: must be 0 or more"),
        set("negative cost per hire", &["recruitment.cost_per_hire=-1"], "recruitment.cost_per_hire", "= -1: must be 0 or more"),
        set("negative campaign cost", &["recruitment.campaign_cost_per_month=-1"], "recruitment.campaign_cost_per_month", "= -1: must be 0 or more"),
        set("negative bonus", &["payments.recruitment_bonus={ amount = -1, from = \"2022-06\" }"], "payments.recruitment_bonus.amount", "= -1: must be 0 or more"),
        set("negative retention payment", &["payments.retention={ amount = -1, from = \"2022-06\" }"], "payments.retention.amount", "= -1: must be 0 or more"),
        set("negative market supplement", &["payments.market_supplement={ annual_amount = -1, from = \"2022-06\" }"], "payments.market_supplement.annual_amount", "= -1: must be 0 or more"),
        set("negative payment multiplier", &["payments.retention={ amount = 1, from = \"2022-06\", leaving_multiplier = -0.9 }"], "payments.retention.leaving_multiplier", "= -0.9: must be 0 or more"),
        // ASYE and absent FTE within permanent FTE.
        set("asye + absent above permanent", &["workforce.asye_fte=60", "workforce.absent_fte=40"], "workforce.asye_fte", "= 60 with absent_fte = 40: together they must not exceed permanent_fte (90)"),
        // Seasonality of 12 values.
        set("seasonality of 11", &["demand.seasonality=[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"], "demand.seasonality", "expected 12 values, found 11"),
        set("seasonality of 13", &["demand.seasonality=[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"], "demand.seasonality", "expected 12 values, found 13"),
        // Impossible distributions.
        set("uniform min above max", &["demand.referrals_per_month={ uniform = [120, 80] }"], "demand.referrals_per_month", "= { uniform = [120, 80] }: min must not be above max"),
        set("triangular min above max", &["cases.cin.mean_months={ triangular = [12, 9, 6] }"], "cases.cin.mean_months", "expected min <= mode <= max"),
        set("triangular mode outside", &["cases.cin.mean_months={ triangular = [6, 14, 12] }"], "cases.cin.mean_months", "expected min <= mode <= max"),
        set("normal sd below 0", &["demand.referrals_per_month={ normal = [100, -5] }"], "demand.referrals_per_month", "= { normal = [100, -5] }: sd must be 0 or more"),
        set("lognormal sd_log below 0", &["demand.referrals_per_month={ lognormal = [100, -0.1] }"], "demand.referrals_per_month", "sd_log must be 0 or more"),
        set("lognormal median 0", &["demand.referrals_per_month={ lognormal = [0, 0.1] }"], "demand.referrals_per_month", "the median must be more than 0"),
        set("lognormal median outside range", &["workforce.case_holding_share={ lognormal = [1.5, 0.1] }"], "workforce.case_holding_share", "the median must be between 0 and 1"),
        set("normal mean outside range", &["workforce.case_holding_share={ normal = [1.2, 0.1] }"], "workforce.case_holding_share", "the mean must be between 0 and 1"),
        set("uniform ends outside range", &["workforce.case_holding_share={ uniform = [0.5, 1.5] }"], "workforce.case_holding_share", "both ends must be between 0 and 1"),
        set("triangular outside range", &["agency.fill_prob={ triangular = [-0.1, 0.5, 0.9] }"], "agency.fill_prob", "min, mode and max must be between 0 and 1"),
        set("normal of one value", &["demand.referrals_per_month={ normal = [100] }"], "demand.referrals_per_month", "normal takes 2 values [mean, sd]"),
        set("triangular of two values", &["cases.cin.mean_months={ triangular = [6, 12] }"], "cases.cin.mean_months", "triangular takes 3 values [min, mode, max]"),
        set("uniform of three values", &["demand.annual_growth={ uniform = [0, 0.1, 0.2] }"], "demand.annual_growth", "uniform takes 2 values [min, max]"),
        set("lognormal of none", &["demand.referrals_per_month={ lognormal = [] }"], "demand.referrals_per_month", "lognormal takes 2 values [median, sd_log]"),
        set("two kinds in one distribution", &["demand.referrals_per_month={ uniform = [1, 2], normal = [1, 2] }"], "demand.referrals_per_month", "a distribution has exactly one kind"),
        set("empty distribution", &["workforce.case_holding_share={}"], "workforce.case_holding_share", "an empty table is not a number or a distribution"),
        set("unknown distribution", &["workforce.case_holding_share={ beta = [2, 3] }"], "workforce.case_holding_share.beta", "unknown key; expected one of uniform, triangular, normal, lognormal"),
        set("misspelt distribution", &["workforce.case_holding_share={ triangle = [0.5, 0.6, 0.7] }"], "workforce.case_holding_share.triangle", "did you mean `triangular`?"),
        set("distribution parameter not a number", &["workforce.case_holding_share={ uniform = [0.5, \"high\"] }"], "workforce.case_holding_share.uniform[1]", "expected a number"),
        // Months.
        edit("start not YYYY-MM", "start = \"2022-04\"", "start = \"2022-4\"", "start", "= \"2022-4\": expected a month as \"YYYY-MM\""),
        set("start month 13", &["start=2022-13"], "start", "= \"2022-13\": expected a month as \"YYYY-MM\""),
        set("start a date", &["start=\"2022-04-01\""], "start", "expected a month as \"YYYY-MM\""),
        set("start in words", &["start=April"], "start", "= \"April\": expected a month as \"YYYY-MM\""),
        set("establishment change month", &["workforce.establishment_changes=[{ from = \"04/2023\", change_fte = 5 }]"], "workforce.establishment_changes[0].from", "expected a month as \"YYYY-MM\""),
        set("shock month", &["demand.shocks=[{ from = \"2022-10\", to = \"2023\", multiplier = 1.1 }]"], "demand.shocks[0].to", "= \"2023\": expected a month as \"YYYY-MM\""),
        set("payment month", &["payments.retention={ amount = 1, from = \"June 2022\" }"], "payments.retention.from", "expected a month as \"YYYY-MM\""),
        // `to` before `from`.
        set("shock to before from", &["demand.shocks=[{ from = \"2022-10\", to = \"2022-09\", multiplier = 0.9 }]"], "demand.shocks[0].to", "= \"2022-09\": must not be before `from` (\"2022-10\")"),
        set("managed team to before from", &["agency.extra=[{ from = \"2023-01\", to = \"2022-12\", fte = 5 }]"], "agency.extra[0].to", "must not be before `from`"),
        set("payment to before from", &["payments.market_supplement={ annual_amount = 1, from = \"2023-06\", to = \"2023-05\" }"], "payments.market_supplement.to", "must not be before `from` (\"2023-06\")"),
        // `extends`.
        files("extends names a missing file", vec![("a.toml", extending("nowhere.toml"))], "/a.toml", "extends", "= \"nowhere.toml\": no such file"),
        files("extends loops", vec![("a.toml", extending("b.toml")), ("b.toml", extending("a.toml"))], "/b.toml", "extends", "the extends chain loops"),
        files("extends itself", vec![("a.toml", extending("a.toml"))], "/a.toml", "extends", "the extends chain loops"),
        files("extends not a string", vec![("a.toml", format!("extends = 3\n{MINIMAL}"))], "/a.toml", "extends", "expected the name of a scenario file in quotes"),
        files("syntax error in a parent", vec![("a.toml", extending("b.toml")), ("b.toml", "months = = 3\n".into())], "/b.toml", "line 1, column 10", "TOML syntax error"),
        // Numbers that are not finite.
        edit("nan", "establishment_fte = 100.0", "establishment_fte = nan", "workforce.establishment_fte", "= nan: must be a finite number"),
        edit("inf", "referrals_per_month = 100.0", "referrals_per_month = inf", "demand.referrals_per_month", "= inf: must be a finite number"),
        edit("-inf", "permanent_fte = 90.0", "permanent_fte = -inf", "workforce.permanent_fte", "= -inf: must be a finite number"),
        set("nan in --set", &["workforce.case_holding_share=nan"], "workforce.case_holding_share", "= nan: must be a finite number"),
        set("inf in an array", &["demand.seasonality=[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, inf]"], "demand.seasonality[11]", "= inf: must be a finite number"),
        set("nan in a distribution", &["cases.cin.mean_months={ uniform = [2, nan] }"], "cases.cin.mean_months", "every parameter must be a finite number"),
        set("inf open cases", &["cases.cin.open=inf"], "cases.cin.open", "= inf: must be a finite number"),
        set("nan next share", &["cases.assessment.next={ cin = nan }"], "cases.assessment.next.cin", "= nan: must be a finite number"),
        set("inf months", &["months=inf"], "months", "= inf: expected a whole number"),
        // Fractions where a whole number is meant.
        set("months a fraction", &["months=12.5"], "months", "= 12.5: expected a whole number"),
        set("open cases a fraction", &["cases.cin.open=10.5"], "cases.cin.open", "= 10.5: expected a whole number of cases"),
        set("notice_months a fraction", &["recruitment.notice_months=1.5"], "recruitment.notice_months", "= 1.5: expected a whole number"),
        set("intake_month a fraction", &["asye.intake_month=9.5"], "asye.intake_month", "= 9.5: expected a whole number"),
        set("recruiting month a fraction", &["recruitment.recruiting_months=[1, 2.5]"], "recruitment.recruiting_months[1]", "= 2.5: expected a whole number"),
        set("paid_in_month a fraction", &["payments.retention={ amount = 1, from = \"2022-06\", paid_in_month = 4.5 }"], "payments.retention.paid_in_month", "= 4.5: expected a whole number"),
        set("clawback_months a fraction", &["payments.recruitment_bonus={ amount = 1, from = \"2022-06\", clawback_months = 2.5 }"], "payments.recruitment_bonus.clawback_months", "= 2.5: expected a whole number"),
        set("min_service_months a fraction", &["payments.retention={ amount = 1, from = \"2022-06\", min_service_months = 0.5 }"], "payments.retention.min_service_months", "= 0.5: expected a whole number"),
        // Whole numbers out of their range.
        set("months 0", &["months=0"], "months", "= 0: must be between 1 and 600"),
        set("months 601", &["months=601"], "months", "= 601: must be between 1 and 600"),
        set("intake_month 13", &["asye.intake_month=13"], "asye.intake_month", "= 13: must be between 1 and 12"),
        set("recruiting month 0", &["recruitment.recruiting_months=[0]"], "recruitment.recruiting_months[0]", "= 0: must be between 1 and 12"),
        set("paid_in_month 0", &["payments.retention={ amount = 1, from = \"2022-06\", paid_in_month = 0 }"], "payments.retention.paid_in_month", "= 0: must be between 1 and 12"),
        set("negative notice", &["recruitment.notice_months=-1"], "recruitment.notice_months", "= -1: must be between 0 and 600"),
        set("negative clawback_months", &["payments.retention={ amount = 1, from = \"2022-06\", clawback_months = -1 }"], "payments.retention.clawback_months", "= -1: must be between 0 and 600"),
        // Too large to simulate.
        set("over a million permanent heads", &["workforce.permanent_fte=2000000", "workforce.establishment_fte=2000000"], "workforce.permanent_fte", "too large to simulate on one machine"),
        set("over a million heads of part-time FTE", &["workforce.permanent_fte=600000", "workforce.establishment_fte=600000", "workforce.fte_per_head=0.5",], "workforce.permanent_fte", "(1200000 heads; the limit is 1,000,000)"),
        set("over a million posts", &["workforce.establishment_fte=2000000"], "workforce.establishment_fte", "too large to simulate on one machine"),
        set("over a million posts after changes", &["workforce.establishment_changes=[{ from = \"2022-06\", change_fte = 999990 }]"], "workforce.establishment_changes", "the establishment reaches 1000090 FTE of posts with these changes: too large to simulate on one machine"),
        set("over a million agency heads", &["agency.fte=1000001"], "agency.fte", "too large to simulate on one machine"),
        set("over a million ASYEs a year", &["asye.intake_per_year={ uniform = [0, 2000000] }"], "asye.intake_per_year", "too large to simulate on one machine"),
        set("over a million hires a month", &["recruitment.applicants_per_month=1e7"], "recruitment.applicants_per_month", "too large to simulate on one machine"),
        set("over a million referrals", &["demand.referrals_per_month=2e6"], "demand.referrals_per_month", "too large to simulate on one machine"),
        set("over a million referrals in the tail", &["demand.referrals_per_month={ lognormal = [1000, 3] }"], "demand.referrals_per_month", "too large to simulate on one machine"),
        set("over a million open cases", &["cases.cin.open=1000000"], "cases", "(1000200 open cases; the limit is 1,000,000)"),
        // Missing required keys.
        edit("missing start", "start = \"2022-04\"\n", "", "start", "missing: required (a month \"YYYY-MM\")"),
        edit("missing months", "months = 12\n", "", "months", "missing: required (a whole number)"),
        edit("missing establishment", "establishment_fte = 100.0\n", "", "workforce.establishment_fte", "missing: required (a number)"),
        edit("missing permanent_fte", "permanent_fte = 90.0\n", "", "workforce.permanent_fte", "missing: required (a number)"),
        edit("missing leaving rates", "annual_leaving_by_service_year = [0.3, 0.2, 0.15]\n", "", "workforce.annual_leaving_by_service_year", "missing: required (annual leaving rates"),
        edit("empty leaving rates", "[0.3, 0.2, 0.15]", "[]", "workforce.annual_leaving_by_service_year", "= []: expected at least one annual leaving rate"),
        edit("missing referrals", "referrals_per_month = 100.0\n", "", "demand.referrals_per_month", "missing: required (a number or a distribution)"),
        text("missing [[cases]]", no_cases, "cases", "missing: required (at least one [[cases]] section)"),
        set("empty cases array", &["cases=[]"], "cases", "missing: required (at least one [[cases]] section)"),
        text("missing [workforce]", no_workforce, "workforce", "missing: required (a [workforce] section)"),
        text("missing [demand]", no_demand, "demand", "missing: required (a [demand] section)"),
        edit("missing case name", "name = \"cin\"\n", "", "cases[1].name", "missing: required (a name for the case state)"),
        edit("missing case mean_months", "mean_months = 9.0\n", "", "cases.cin.mean_months", "missing: required (a number or a distribution)"),
        set("missing establishment change", &["workforce.establishment_changes=[{ from = \"2023-04\" }]"], "workforce.establishment_changes[0].change_fte", "missing: required (a number)"),
        set("missing change month", &["workforce.establishment_changes=[{ change_fte = 5 }]"], "workforce.establishment_changes[0].from", "missing: required (a month"),
        set("missing managed team fte", &["agency.extra=[{ from = \"2022-05\" }]"], "agency.extra[0].fte", "missing: required (a number)"),
        set("missing shock multiplier", &["demand.shocks=[{ from = \"2022-05\" }]"], "demand.shocks[0].multiplier", "missing: required (a number or a distribution)"),
        set("missing payment amount", &["payments.recruitment_bonus={ from = \"2022-06\" }"], "payments.recruitment_bonus.amount", "missing: required (a number)"),
        set("missing payment from", &["payments.retention={ amount = 100 }"], "payments.retention.from", "missing: required (a month"),
        set("missing supplement amount", &["payments.market_supplement={ from = \"2022-06\" }"], "payments.market_supplement.annual_amount", "missing: required (a number)"),
        // Case state names.
        set("duplicate case names", &["cases.cin.name=assessment"], "cases.assessment.name", "= \"assessment\": two case states have this name"),
        set("empty case name", &["cases.cin.name=\"\""], "cases[1].name", "a case state needs a name"),
        // Unknown keys, with the nearest known key.
        edit("unknown key near a known one", "establishment_fte = 100.0", "establishment = 100.0", "workforce.establishment", "unknown key; did you mean `establishment_fte`?"),
        edit("unknown top-level key", "months = 12", "mnths = 12", "mnths", "unknown key; did you mean `months`?"),
        edit("unknown key in a case", "mean_months = 9.0", "mean_month = 9.0", "cases.cin.mean_month", "unknown key; did you mean `mean_months`?"),
        text("unknown section", plus("[zzz]\nx = 1\n"), "zzz", "unknown key; expected one of"),
        set("key of another payment kind", &["payments.market_supplement={ annual_amount = 1, from = \"2022-06\", clawback_months = 12 }"], "payments.market_supplement.clawback_months", "unknown key"),
        set("unknown payment kind", &["payments.retention_bonus={ amount = 1, from = \"2022-06\" }"], "payments.retention_bonus", "did you mean `retention`?"),
        // Wrong types.
        set("months as text", &["months=\"twelve\""], "months", "string \"twelve\": expected a number"),
        edit("start as a number", "start = \"2022-04\"", "start = 2022", "start", "integer `2022`: expected text in quotes"),
        set("flag as text", &["asye.supernumerary=yes"], "asye.supernumerary", "expected true or false"),
        set("section as a value", &["costs=5"], "costs", "integer `5`: expected a table"),
        set("array as a number", &["demand.seasonality=1"], "demand.seasonality", "integer `1`: expected an array"),
        set("number as an array", &["workforce.establishment_fte=[100]"], "workforce.establishment_fte", "array: expected a number"),
        set("uncertain as text", &["demand.referrals_per_month=many"], "demand.referrals_per_month", "expected a number or a distribution"),
        set("name as a number", &["name=5"], "name", "expected text in quotes"),
        set("description as a table", &["description={ a = 1 }"], "description", "expected text in quotes"),
        set("case as a number", &["cases=[1]"], "cases[0]", "integer `1`: expected a table"),
        set("next as an array", &["cases.assessment.next=[0.4]"], "cases.assessment.next", "array: expected a table"),
        // Drift.
        set("negative drift", &["drift.leaving=-0.1"], "drift.leaving", "= -0.1: must be 0 or more"),
        set("negative drift range", &["drift.referrals={ uniform = [-0.1, 0.2] }"], "drift.referrals", "both ends must be 0 or more"),
        set("unknown drift key", &["drift.leaveing=0.1"], "drift.leaveing", "unknown key; did you mean `leaving`?"),
        set("drift as a number", &["drift=0.1"], "drift", "expected a table"),
        // The agency level.
        set("agency mode neither cover nor level", &["agency.mode=levels"], "agency.mode", "= \"levels\": expected \"cover\" or \"level\""),
        set("agency mode not text", &["agency.mode=1"], "agency.mode", "expected text in quotes"),
        set("vacancy_link above 1", &["agency.mode=level", "agency.vacancy_link=1.5"], "agency.vacancy_link", "= 1.5: must be between 0 and 1"),
        set("vacancy_link below 0 in cover mode", &["agency.vacancy_link=-0.2"], "agency.vacancy_link", "= -0.2: must be between 0 and 1"),
        set("vacancy_link range outside", &["agency.mode=level", "agency.vacancy_link={ uniform = [0.2, 1.2] }"], "agency.vacancy_link", "both ends must be between 0 and 1"),
        set("agency level drifting beyond a million heads", &["agency.mode=level", "agency.fte=50", "drift.agency=5"], "drift.agency", "the agency level could drift beyond a million heads"),
        set("unknown agency key near mode", &["agency.modes=level"], "agency.modes", "did you mean `mode`?"),
        // Clawback.
        set("bad clawback", &["payments.recruitment_bonus={ amount = 1, from = \"2022-06\", clawback = \"partial\" }"], "payments.recruitment_bonus.clawback", "= \"partial\": expected \"pro_rata\" or \"full\""),
        set("bad retention clawback", &["payments.retention={ amount = 1, from = \"2022-06\", clawback = \"Full\" }"], "payments.retention.clawback", "expected \"pro_rata\" or \"full\""),
        // TOML syntax.
        edit("syntax error", "months = 12", "months = = 12", "line 3, column 10", "TOML syntax error"),
        edit("unclosed string", "start = \"2022-04\"", "start = \"2022-04", "line 2, column 17", "TOML syntax error"),
        edit("duplicate key", "months = 12", "months = 12\nmonths = 13", "line 4, column 1", "TOML syntax error"),
        edit("unquoted month", "start = \"2022-04\"", "start = 2022-04", "line 2, column 9", "start = 2022-04: months must be quoted, as start = \"2022-04\""),
        text("unquoted month in an inline table", FULL.replace("{ from = \"2023-04\",", "{ from = 2023-04,"), "line 13, column 36", "from = 2023-04: months must be quoted, as from = \"2023-04\""),
        // `--set` itself.
        set("--set without =", &["workforce.establishment_fte"], "workforce.establishment_fte", "expected KEY=VALUE"),
        set("--set empty key part", &["workforce..establishment_fte=3"], "workforce..establishment_fte=3", "the key has an empty part"),
        set("--set names no case", &["cases.lac.open=3"], "cases.lac.open=3", "`cases` has no element `lac`"),
        set("--set into a value", &["months.x=3"], "months.x=3", "`months` is a value, not a table"),
        set("--set stops at an element", &["cases.cin=3"], "cases.cin=3", "name a key inside `cases.cin`"),
        // Teams and roles.
        text("role's caseload share above 1", plus("[roles.team_manager]\ncaseload_share = 1.5\n"), "roles.team_manager.caseload_share", "= 1.5: must be between 0 and 1"),
        text("role without a caseload share", plus("[roles.team_manager]\nmanager = true\n"), "roles.team_manager.caseload_share", "missing: required"),
        text("role name not lower case", plus("[roles.TeamManager]\ncaseload_share = 0\n"), "roles.TeamManager", "lower-case letters"),
        text("unknown key in a role", plus("[roles.team_manager]\ncaseload_share = 0\nwrkforce = { permanent_fte = 1 }\n"), "roles.team_manager.wrkforce", "did you mean `workforce`?"),
        text("a role's rate out of range", plus("[roles.team_manager]\ncaseload_share = 0\nworkforce = { long_absence_annual_rate = 2 }\n"), "roles.team_manager.workforce.long_absence_annual_rate", "= 2: must be between 0 and 1"),
        text("asye in a role other than social workers", plus("[roles.team_manager]\ncaseload_share = 0\nasye = { intake_per_year = 2 }\n"), "roles.team_manager.asye", "ASYEs join the social worker role"),
        set("span of control without roles", &["target.span_of_control=6"], "target.span_of_control", "needs roles"),
        text("span of control without a manager role", plus("[target]\nspan_of_control = 6\n[roles.advanced_practitioner]\ncaseload_share = 0.5\n"), "target.span_of_control", "needs a role with manager = true"),
        text("span of control not above 0", TEAMS.replace("span_of_control = 6", "span_of_control = 0"), "target.span_of_control", "= 0: must be more than 0"),
        text("case state held by no team", TEAMS.replace("states = [\"cin\"]", "states = [\"assessment\"]"), "teams", "case state \"cin\" is held by no team"),
        text("case state held by two teams", TEAMS.replace("states = [\"cin\"]", "states = [\"cin\", \"assessment\"]"), "teams.front_door.states", "\"assessment\" is held by team care too"),
        text("team names no case state", TEAMS.replace("states = [\"cin\"]", "states = [\"cinn\"]"), "teams.care.states", "\"cinn\" names no case state; did you mean `cin`?"),
        text("team without states", TEAMS.replace("states = [\"cin\"]\n", ""), "teams.care.states", "missing: required"),
        text("team names no role", TEAMS.replace("[teams.care.roles.team_manager]", "[teams.care.roles.team_managers]"), "teams.care.roles.team_managers", "names no role"),
        text("team's low target above its high", TEAMS.replace("low = 10, high = 15", "low = 16, high = 15"), "teams.front_door.target.low", "must not be above the team's high target"),
        text("team and role of one name", TEAMS.replace("[teams.care", "[teams.team_manager"), "teams.team_manager", "a team and a role have this name"),
        text("council amounts with teams", TEAMS.replace("annual_leaving_by_service_year = [0.3, 0.2, 0.15]", "annual_leaving_by_service_year = [0.3, 0.2, 0.15]\npermanent_fte = 40"), "workforce.permanent_fte", "with [teams], each team states its own"),
        text("a team's people out of range", TEAMS.replace("establishment_fte = 40, permanent_fte = 36", "establishment_fte = 40, permanent_fte = -36"), "teams.care.roles.social_worker.workforce.permanent_fte", "= -36: must be 0 or more"),
        text("a team's absent above its people", TEAMS.replace("establishment_fte = 40, permanent_fte = 36", "establishment_fte = 40, permanent_fte = 36, absent_fte = 40"), "teams.care.roles.social_worker.workforce.asye_fte", "must not exceed permanent_fte"),
        text("payment for an unknown role", plus("[payments.retention]\namount = 1\nfrom = \"2022-06\"\nroles = [\"team_manager\"]\n"), "payments.retention.roles", "\"team_manager\" names no role of this scenario"),
        text("payment for teams without teams", plus("[payments.retention]\namount = 1\nfrom = \"2022-06\"\nteams = [\"front_door\"]\n"), "payments.retention.teams", "the scenario has no [teams]"),
        text("payment for an unknown team", format!("{TEAMS}\n[payments.market_supplement]\nannual_amount = 1\nfrom = \"2022-06\"\nteams = [\"frontdoor\"]\n"), "payments.market_supplement.teams", "did you mean `front_door`?"),
        // Anything else FULL's sections allow must still be checked when they come from FULL.
        text("FULL with a bad value", FULL.replace("caseload_weight = 0.8", "caseload_weight = 8"), "asye.caseload_weight", "= 8: must be between 0 and 1"),
    ]
}

/// Every problem `input` gives (none when it is valid).
fn problems_of(input: &Input) -> Vec<Problem> {
    match input {
        Input::Set(sets) => check_text(MINIMAL, sets).err().unwrap_or_default(),
        Input::Text(text) => check_text(text, &[]).err().unwrap_or_default(),
        Input::Files(files) => {
            let dir = tempfile::tempdir().unwrap();
            write_files(dir.path(), files);
            match scenario::load(&dir.path().join(files[0].0), &[]) {
                Ok(_) => Vec::new(),
                Err(e) => e.problems,
            }
        }
    }
}

#[test]
fn every_rule_is_reported_with_file_key_and_words() {
    let mut failures = Vec::new();
    for row in rows() {
        let problems = problems_of(&row.input);
        let found = problems
            .iter()
            .any(|p| p.file.ends_with(row.file) && p.location == row.at && p.message.contains(row.says));
        if !found {
            failures.push(format!(
                "{}: expected file *{} at {:?} saying {:?}; got:\n{}",
                row.rule,
                row.file,
                row.at,
                row.says,
                show(&problems)
            ));
        }
        for p in &problems {
            if p.file.is_empty() || p.message.is_empty() {
                failures.push(format!("{}: a problem without file or message: {p:?}", row.rule));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn several_problems_in_one_file_are_all_reported_at_once() {
    let text = MINIMAL
        .replace("start = \"2022-04\"\n", "")
        .replace("months = 12", "months = 12.5")
        .replace("establishment_fte = 100.0", "establishment_fte = -100.0")
        .replace("permanent_fte = 90.0", "permanent_ftee = 90.0")
        .replace(
            "referrals_per_month = 100.0",
            "referrals_per_month = \"lots\"\nseasonality = [1, 1]",
        )
        .replace("next = { cin = 0.4 }", "next = { cni = 0.4 }")
        .replace("mean_months = 9.0", "mean_months = 0.5");
    let problems = check_text(&text, &[]).unwrap_err();
    let at: Vec<&str> = problems.iter().map(|p| p.location.as_str()).collect();
    for expected in [
        "start",
        "months",
        "workforce.establishment_fte",
        "workforce.permanent_ftee",
        "demand.referrals_per_month",
        "demand.seasonality",
        "cases.assessment.next.cni",
        "cases.cin.mean_months",
    ] {
        assert!(at.contains(&expected), "no problem at {expected}:\n{}", show(&problems));
    }
    assert!(problems.iter().all(|p| p.file == "x.toml"), "{}", show(&problems));
    // Each place is named once: removing an unreadable value does not make it "missing" too.
    let mut unique = at.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), at.len(), "a place named twice:\n{}", show(&problems));
}

#[test]
fn problems_read_as_file_key_value_and_expectation() {
    let err = scenario::check(
        Source::from_text(
            "scenarios/x.toml",
            &edited(
                "referrals_per_month = 100.0",
                "referrals_per_month = 100.0\nseasonality = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
            ),
        )
        .unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "scenarios/x.toml: demand.seasonality: expected 12 values, found 11 (one multiplier a month, January first)"
    );
    let problems = check_text(MINIMAL, &["months=0", "workforce.case_holding_share=2"]).unwrap_err();
    let err = scenario::ScenarioError { problems };
    assert_eq!(
        err.to_string(),
        "x.toml (--set): months = 0: must be between 1 and 600\nerror: x.toml (--set): workforce.case_holding_share = 2: must be between 0 and 1"
    );
}

/// The number of an uncertain value that must be a plain number.
fn fixed(u: &caseload::model::params::Uncertain) -> f64 {
    match u.dist {
        Distribution::Fixed(x) => x,
        other => panic!("expected a plain number, got {other:?}"),
    }
}

#[test]
fn absent_sections_switch_their_mechanism_off_and_keys_take_defaults() {
    let s = resolve_text(MINIMAL, &[]).scenario;
    assert_eq!(s.name, "x", "the name defaults to the file's stem");
    assert_eq!(s.description, None);
    assert_eq!(s.start, YearMonth::new(2022, 4).unwrap());
    assert_eq!(s.months, 12);
    assert_eq!((s.target.low, s.target.high), (20.0, 25.0));
    assert!(s.recruitment.is_none());
    assert!(s.asye.is_none());
    assert!(s.agency.is_none());
    assert!(s.drift.is_none(), "no [drift]: nothing drifts");
    assert_eq!(s.costs, Default::default());
    assert_eq!(s.payments, Default::default());

    let w = &s.workforce;
    assert_eq!((w.establishment_fte, w.permanent_fte), (100.0, 90.0));
    assert_eq!((w.asye_fte, w.absent_fte, w.fte_per_head), (0.0, 0.0, 1.0));
    assert_eq!(fixed(&w.case_holding_share), 1.0);
    assert_eq!(w.case_holding_share.valid, ValidRange::Probability);
    assert_eq!(
        w.annual_leaving_by_service_year.iter().map(fixed).collect::<Vec<_>>(),
        [0.3, 0.2, 0.15]
    );
    assert!(w.establishment_changes.is_empty());
    assert_eq!(w.initial_service_shares, None);
    assert_eq!((w.sickness_days_per_year, w.working_days_per_year), (0.0, 225.0));
    assert_eq!(fixed(&w.long_absence_annual_rate), 0.0);
    assert_eq!(fixed(&w.long_absence_mean_months), 9.0);
    assert_eq!(w.long_absence_mean_months.valid, ValidRange::AtLeastOneMonth);
    assert_eq!(fixed(&w.pressure_sensitivity), 0.0);
    assert!(!w.leaving_bands_move_together, "each band drawn on its own");

    let d = &s.demand;
    assert_eq!(fixed(&d.referrals_per_month), 100.0);
    assert_eq!(fixed(&d.annual_growth), 0.0);
    assert_eq!(d.annual_growth.valid, ValidRange::Growth);
    assert_eq!(d.seasonality, [1.0; 12]);
    assert_eq!(d.dispersion, None);
    assert!(d.shocks.is_empty());

    let names: Vec<&str> = s.cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["assessment", "cin"]);
    assert_eq!(s.cases[0].next, [(1, 0.4)]);
    let cin = &s.cases[1];
    assert_eq!((cin.open, cin.entry_share), (800, 0.0));
    assert!(cin.next.is_empty(), "no next: every leaving case closes");
    assert_eq!(fixed(&cin.mean_months), 9.0);
}

#[test]
fn a_case_needs_only_a_name_and_mean_months() {
    let s = resolve_text(&edited("open = 800\n", ""), &[]).scenario;
    assert_eq!(s.cases[1].open, 0);
}

#[test]
fn present_but_empty_sections_take_the_documented_defaults() {
    let s = resolve_text(
        &edited(
            "[workforce]",
            "[target]\n[recruitment]\n[asye]\n[agency]\n[drift]\n[costs]\n\n[workforce]",
        ),
        &[],
    )
    .scenario;
    assert_eq!((s.target.low, s.target.high), (20.0, 25.0));

    let r = s.recruitment.unwrap();
    assert_eq!(fixed(&r.applicants_per_month), 0.0);
    assert_eq!(r.notice_months, 2);
    assert_eq!(r.recruiting, [true; 12], "every month recruiting");
    assert_eq!((r.cost_per_hire, r.campaign_cost_per_month), (0.0, 0.0));

    let a = s.asye.unwrap();
    assert_eq!(a.intake_month, 9);
    assert_eq!(fixed(&a.intake_per_year), 0.0);
    assert_eq!(a.caseload_weight, 0.9);
    assert_eq!(a.annual_leaving, None, "None: the first band");
    assert!(!a.supernumerary);

    let g = s.agency.unwrap();
    assert_eq!(g.fte, 0.0);
    assert_eq!((g.cover_vacancies, g.cover_absence), (1.0, 1.0));
    assert_eq!(g.max_fte, None);
    assert_eq!(fixed(&g.fill_prob), 0.8);
    assert_eq!(fixed(&g.mean_tenure_months), 12.0);
    assert_eq!(fixed(&g.annual_conversion_rate), 0.0);
    assert!(g.managed_team.is_empty());
    assert_eq!(g.mode, AgencyMode::Cover);

    let d = s.drift.unwrap();
    for sigma in [d.leaving, d.applicants, d.referrals, d.agency] {
        assert_eq!(fixed(&sigma), 0.0);
        assert_eq!(sigma.valid, ValidRange::NonNegative);
    }

    assert_eq!(s.costs, Default::default());
}

#[test]
fn costs_of_asye_and_managed_team_default_to_permanent_and_agency() {
    let s = resolve_text(MINIMAL, &["costs={ permanent = 50000, agency = 90000 }"]).scenario;
    assert_eq!(s.costs.permanent, 50000.0);
    assert_eq!(s.costs.asye, 50000.0);
    assert_eq!(s.costs.agency, 90000.0);
    assert_eq!(s.costs.managed_team, 90000.0);
    assert_eq!(s.costs.asye_grant, 0.0);
    let s = resolve_text(
        MINIMAL,
        &["costs={ permanent = 50000, asye = 40000, managed_team = 1 }"],
    )
    .scenario;
    assert_eq!(
        (s.costs.asye, s.costs.agency, s.costs.managed_team),
        (40000.0, 0.0, 1.0)
    );
}

#[test]
fn payments_take_their_defaults() {
    let s = resolve_text(
        MINIMAL,
        &[
            "payments.recruitment_bonus={ amount = 5000, from = \"2022-06\" }",
            "payments.retention={ amount = 2000, from = \"2022-11\" }",
            "payments.market_supplement={ annual_amount = 3000, from = \"2023-01\", to = \"2023-12\" }",
        ],
    )
    .scenario;
    let b = s.payments.recruitment_bonus.unwrap();
    assert_eq!(b.amount, 5000.0);
    assert_eq!(b.from, YearMonth::new(2022, 6).unwrap());
    assert_eq!(b.to, None);
    assert_eq!(fixed(&b.applicant_multiplier), 1.0);
    assert_eq!(fixed(&b.leaving_multiplier), 1.0);
    assert_eq!((b.clawback_months, b.clawback), (0, Clawback::ProRata));

    let r = s.payments.retention.unwrap();
    assert_eq!(r.paid_in_month, 11, "paid_in_month defaults to the month of from");
    assert_eq!(r.min_service_months, 0);
    assert!(!r.include_asye);
    assert_eq!(fixed(&r.leaving_multiplier), 1.0);
    assert_eq!((r.clawback_months, r.clawback), (0, Clawback::ProRata));

    let m = s.payments.market_supplement.unwrap();
    assert_eq!(m.amount, 3000.0);
    assert_eq!(m.to, YearMonth::new(2023, 12));
    assert_eq!(fixed(&m.applicant_multiplier), 1.0);
    assert_eq!(fixed(&m.leaving_multiplier), 1.0);
}

#[test]
fn every_section_written_out_resolves_as_written() {
    let s = resolve_text(FULL, &[]).scenario;
    assert_eq!(s.name, "Everything");
    assert_eq!(s.description.as_deref(), Some("Every section present."));
    assert_eq!((s.target.low, s.target.high), (18.0, 24.0));
    let w = &s.workforce;
    assert_eq!(w.establishment_changes.len(), 1);
    assert_eq!(w.establishment_changes[0].change_fte, 10.0);
    assert_eq!(
        w.case_holding_share.dist,
        Distribution::Triangular {
            min: 0.55,
            mode: 0.6,
            max: 0.7
        }
    );
    assert_eq!(
        w.annual_leaving_by_service_year[1].dist,
        Distribution::Normal { mean: 0.25, sd: 0.03 }
    );
    assert_eq!(w.initial_service_shares.as_deref(), Some(&[0.2, 0.2, 0.2, 0.4][..]));
    assert_eq!(
        w.long_absence_mean_months.dist,
        Distribution::Lognormal {
            median: 9.0,
            sd_log: 0.2
        }
    );
    let r = s.recruitment.as_ref().unwrap();
    let months: Vec<u32> = (1..=12).filter(|m| r.recruiting[*m as usize - 1]).collect();
    assert_eq!(months, [1, 2, 3, 9, 10, 11]);
    assert_eq!(
        r.applicants_per_month.dist,
        Distribution::Uniform { min: 1.0, max: 3.0 }
    );
    let a = s.asye.as_ref().unwrap();
    assert_eq!(a.annual_leaving.map(|u| fixed(&u)), Some(0.15));
    let g = s.agency.as_ref().unwrap();
    assert_eq!(g.max_fte, Some(80.0));
    assert_eq!(g.managed_team.len(), 1);
    assert_eq!(g.managed_team[0].to, YearMonth::new(2022, 9));
    assert_eq!(s.demand.dispersion, Some(30.0));
    assert_eq!(s.demand.shocks.len(), 2);
    assert_eq!(s.demand.shocks[1].to, None, "a shock may be open-ended");
    assert_eq!(s.cases[0].next, [(1, 0.30), (2, 0.08)]);
    assert_eq!(
        s.cases[2].mean_months.dist,
        Distribution::Triangular {
            min: 8.0,
            mode: 10.0,
            max: 14.0
        }
    );
    assert_eq!(s.costs.managed_team, 120000.0);
    let r = s.payments.retention.unwrap();
    assert_eq!(
        (r.paid_in_month, r.min_service_months, r.clawback),
        (4, 12, Clawback::Full)
    );
    assert_eq!(s.payments.recruitment_bonus.unwrap().clawback_months, 24);
}

// ---- extends ----

const BASE: &str = r#"
name = "Base"
description = "The base."
start = "2022-04"
months = 24

[workforce]
establishment_fte = 100.0
permanent_fte = 90.0
absent_fte = 3.0
annual_leaving_by_service_year = [0.3, 0.2, 0.15]

[agency]
fte = 5.0
fill_prob = { triangular = [0.5, 0.7, 0.9] }
mean_tenure_months = { normal = [9.0, 1.0] }

[demand]
referrals_per_month = 100.0
seasonality = [1.2, 1, 1, 1, 1, 1, 1, 0.8, 1, 1, 1, 1]

[[cases]]
name = "assessment"
entry_share = 0.8
mean_months = 1.5
next = { cin = 0.4 }

[[cases]]
name = "cin"
mean_months = 9.0
"#;

const CHILD: &str = r#"
extends = "base.toml"

[workforce]
establishment_fte = 120.0
annual_leaving_by_service_year = [0.25]

[agency]
fill_prob = { uniform = [0.6, 0.8] }
mean_tenure_months = 6

[[cases]]
name = "all"
entry_share = 0.5
mean_months = 6
"#;

#[test]
fn extends_merges_tables_key_by_key_and_replaces_arrays_and_distributions() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("base.toml", BASE), ("child.toml", CHILD)]);
    let loaded = scenario::load(&dir.path().join("child.toml"), &[]).unwrap();
    let s = &loaded.scenario;
    assert_eq!(loaded.source.chain.len(), 2);
    assert!(loaded.source.chain[1].ends_with("base.toml"));
    assert_eq!(s.name, "child", "name is never inherited: the child's file stem");
    assert_eq!(s.description, None, "description is never inherited");
    assert_eq!(s.months, 24, "a value only the parent has is inherited");
    let w = &s.workforce;
    assert_eq!(w.establishment_fte, 120.0, "the child's value wins");
    assert_eq!((w.permanent_fte, w.absent_fte), (90.0, 3.0), "tables merge key by key");
    assert_eq!(
        w.annual_leaving_by_service_year.iter().map(fixed).collect::<Vec<_>>(),
        [0.25],
        "arrays replace"
    );
    let g = s.agency.as_ref().unwrap();
    assert_eq!(g.fte, 5.0);
    assert_eq!(
        g.fill_prob.dist,
        Distribution::Uniform { min: 0.6, max: 0.8 },
        "distributions replace whole"
    );
    assert_eq!(fixed(&g.mean_tenure_months), 6.0, "a number replaces a distribution");
    assert_eq!(s.demand.seasonality[0], 1.2);
    let names: Vec<&str> = s.cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["all"], "[[cases]] replace whole");
}

#[test]
fn a_child_may_keep_its_own_name_and_a_distribution_may_replace_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let child =
        "extends = \"base.toml\"\nname = \"Mine\"\n[demand]\nreferrals_per_month = { lognormal = [100, 0.1] }\n";
    write_files(dir.path(), &[("base.toml", BASE), ("child.toml", child)]);
    let s = scenario::load(&dir.path().join("child.toml"), &[]).unwrap().scenario;
    assert_eq!(s.name, "Mine");
    assert_eq!(
        s.demand.referrals_per_month.dist,
        Distribution::Lognormal {
            median: 100.0,
            sd_log: 0.1
        }
    );
    assert_eq!(s.demand.seasonality[7], 0.8, "the rest of [demand] is inherited");
}

#[test]
fn extends_paths_are_relative_to_the_file_that_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let middle = "extends = \"root.toml\"\nname = \"Middle\"\ndescription = \"middle\"\nmonths = 36\n";
    let leaf = "extends = \"../common/middle.toml\"\n[workforce]\npermanent_fte = 80\n";
    write_files(
        dir.path(),
        &[
            ("scenarios/common/root.toml", BASE),
            ("scenarios/common/middle.toml", middle),
            ("scenarios/la/leaf.toml", leaf),
        ],
    );
    let loaded = scenario::load(&dir.path().join("scenarios/la/leaf.toml"), &[]).unwrap();
    let s = &loaded.scenario;
    assert_eq!(loaded.source.chain.len(), 3);
    assert_eq!((s.name.as_str(), s.description.as_deref()), ("leaf", None));
    assert_eq!(s.months, 36);
    assert_eq!(s.start, YearMonth::new(2022, 4).unwrap());
    assert_eq!(
        (s.workforce.permanent_fte, s.workforce.establishment_fte),
        (80.0, 100.0)
    );
}

#[test]
fn a_problem_names_the_file_its_value_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let bad_base = BASE
        .replace("permanent_fte = 90.0", "permanent_fte = -90.0")
        .replace("absent_fte = 3.0", "absent_ftee = 3.0")
        .replace("months = 24", "months = \"24\"");
    let child = "extends = \"base.toml\"\n[demand]\nreferrals_per_month = -1\n";
    write_files(dir.path(), &[("base.toml", bad_base.as_str()), ("child.toml", child)]);
    let problems = scenario::load(&dir.path().join("child.toml"), &[])
        .unwrap_err()
        .problems;
    let file_of = |at: &str| {
        problems
            .iter()
            .find(|p| p.location == at)
            .map(|p| p.file.clone())
            .unwrap_or_else(|| panic!("no problem at {at}:\n{}", show(&problems)))
    };
    assert!(
        file_of("workforce.permanent_fte").ends_with("base.toml"),
        "{}",
        show(&problems)
    );
    assert!(
        file_of("workforce.absent_ftee").ends_with("base.toml"),
        "{}",
        show(&problems)
    );
    assert!(file_of("months").ends_with("base.toml"), "{}", show(&problems));
    assert!(
        file_of("demand.referrals_per_month").ends_with("child.toml"),
        "{}",
        show(&problems)
    );

    // A child that overrides the parent's bad values is fine.
    let child = "extends = \"base.toml\"\nmonths = 12\n[workforce]\npermanent_fte = 90\n";
    let bad_base = BASE
        .replace("permanent_fte = 90.0", "permanent_fte = -90.0")
        .replace("months = 24", "months = \"24\"");
    write_files(dir.path(), &[("base.toml", bad_base.as_str()), ("child.toml", child)]);
    scenario::load(&dir.path().join("child.toml"), &[]).unwrap();

    // --set on top of a chain names the file the user named.
    write_files(dir.path(), &[("base.toml", BASE), ("child.toml", CHILD)]);
    let problems = scenario::load(&dir.path().join("child.toml"), &["agency.fte=-1".into()])
        .unwrap_err()
        .problems;
    assert_eq!(problems.len(), 1, "{}", show(&problems));
    assert!(problems[0].file.ends_with("child.toml (--set)"), "{}", show(&problems));
    let s = scenario::load(&dir.path().join("child.toml"), &["agency.fte=7".into()])
        .unwrap()
        .scenario;
    assert_eq!(s.agency.unwrap().fte, 7.0);
}

// ---- --set ----

#[test]
fn set_overrides_numbers_strings_and_arrays() {
    let s = resolve_text(
        MINIMAL,
        &[
            "workforce.establishment_fte=150",
            "workforce.establishment_fte=160.5",
            "months=24",
            "start=2023-01",
            "name=Bury with ten more posts",
            "description=\"what if\"",
            "demand.seasonality=[1.1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.9]",
            "workforce.annual_leaving_by_service_year=[0.1, { normal = [0.2, 0.05] }]",
        ],
    )
    .scenario;
    assert_eq!(s.workforce.establishment_fte, 160.5, "the last --set wins");
    assert_eq!(s.months, 24);
    assert_eq!(s.start, YearMonth::new(2023, 1).unwrap());
    assert_eq!(s.name, "Bury with ten more posts");
    assert_eq!(s.description.as_deref(), Some("what if"));
    assert_eq!((s.demand.seasonality[0], s.demand.seasonality[11]), (1.1, 0.9));
    let bands = &s.workforce.annual_leaving_by_service_year;
    assert_eq!(bands.len(), 2);
    assert_eq!(bands[1].dist, Distribution::Normal { mean: 0.2, sd: 0.05 });
    for quoted in ["start=\"2023-01\"", "start='2023-01'", " start = 2023-01 "] {
        assert_eq!(
            resolve_text(MINIMAL, &[quoted]).scenario.start,
            YearMonth::new(2023, 1).unwrap(),
            "{quoted}"
        );
    }
}

#[test]
fn set_takes_inline_tables_and_distributions() {
    let s = resolve_text(
        FULL,
        &[
            "workforce.case_holding_share=0.5",
            "demand.referrals_per_month={ triangular = [200, 250, 320] }",
            "payments.retention={ amount = 1000, from = \"2022-06\" }",
        ],
    )
    .scenario;
    assert_eq!(
        fixed(&s.workforce.case_holding_share),
        0.5,
        "a number replaces a distribution whole"
    );
    assert_eq!(
        s.demand.referrals_per_month.dist,
        Distribution::Triangular {
            min: 200.0,
            mode: 250.0,
            max: 320.0
        }
    );
    let r = s.payments.retention.unwrap();
    assert_eq!(
        (r.amount, r.paid_in_month, r.clawback_months),
        (1000.0, 6, 0),
        "a table set whole replaces"
    );

    let s = resolve_text(
        MINIMAL,
        &["asye.intake_per_year={ uniform = [4, 8] }", "agency={ fte = 3 }"],
    )
    .scenario;
    let a = s.asye.unwrap();
    assert_eq!(a.intake_per_year.dist, Distribution::Uniform { min: 4.0, max: 8.0 });
    assert_eq!(a.intake_month, 9, "a section made by --set takes the defaults");
    let g = s.agency.unwrap();
    assert_eq!((g.fte, fixed(&g.fill_prob)), (3.0, 0.8));
}

#[test]
fn set_reaches_case_states_by_name_or_position() {
    let s = resolve_text(
        MINIMAL,
        &[
            "cases.cin.mean_months=12",
            "cases.assessment.mean_months={ uniform = [1, 2] }",
            "cases.1.open=5",
            "cases.cin.next={ assessment = 0.1 }",
        ],
    )
    .scenario;
    assert_eq!(fixed(&s.cases[1].mean_months), 12.0);
    assert_eq!(
        s.cases[0].mean_months.dist,
        Distribution::Uniform { min: 1.0, max: 2.0 }
    );
    assert_eq!(s.cases[1].open, 5);
    assert_eq!(s.cases[1].next, [(0, 0.1)]);
    assert_eq!(s.cases[0].open, 200, "other states are untouched");

    let s = resolve_text(
        MINIMAL,
        &["cases=[{ name = \"all\", entry_share = 0.6, mean_months = 4 }]"],
    )
    .scenario;
    assert_eq!(s.cases.len(), 1);
    assert_eq!(s.cases[0].name, "all");
}

#[test]
fn only_values_from_set_are_said_to_come_from_set() {
    // The file's own bad value in one case state; --set a bad value in another.
    let text = edited("entry_share = 0.8", "entry_share = 1.8");
    let problems = check_text(
        &text,
        &["cases.cin.mean_months=0.5", "demand.shocks=[{ from = \"2022-05\" }]"],
    )
    .unwrap_err();
    let file_of = |at: &str| problems.iter().find(|p| p.location == at).map(|p| p.file.as_str());
    assert_eq!(
        file_of("cases.assessment.entry_share"),
        Some("x.toml"),
        "{}",
        show(&problems)
    );
    assert_eq!(
        file_of("cases.cin.mean_months"),
        Some("x.toml (--set)"),
        "{}",
        show(&problems)
    );
    assert_eq!(
        file_of("demand.shocks[0].multiplier"),
        Some("x.toml (--set)"),
        "{}",
        show(&problems)
    );
    // A problem with a total that --set changed names the --set.
    let problems = check_text(MINIMAL, &["cases.cin.entry_share=0.5"]).unwrap_err();
    assert_eq!(problems.len(), 1, "{}", show(&problems));
    assert_eq!(
        (problems[0].file.as_str(), problems[0].location.as_str()),
        ("x.toml (--set)", "cases")
    );
}

#[test]
fn set_cannot_change_extends() {
    let problems = check_text(MINIMAL, &["extends=other.toml"]).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("`extends` cannot be set"),
        "{}",
        show(&problems)
    );
}

#[test]
fn files_as_editors_save_them_are_read() {
    // A byte-order mark (Windows Notepad) and CRLF line endings.
    resolve_text(&format!("\u{FEFF}{MINIMAL}"), &[]);
    resolve_text(&MINIMAL.replace('\n', "\r\n"), &[]);
    // Columns count characters, not bytes.
    let problems = check_text("name = \"é😀\" x", &[]).unwrap_err();
    assert_eq!(problems[0].location, "line 1, column 13", "{}", show(&problems));
    let problems = check_text(
        &format!("name = \"é😀\"{}", edited("months = 12", "months = = 12")),
        &[],
    )
    .unwrap_err();
    assert_eq!(problems[0].location, "line 3, column 10", "{}", show(&problems));
}

#[test]
fn unreadable_files_are_problems_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("latin1.toml"), b"months = 3\nname = \"caf\xe9\"\n").unwrap();
    let problems = scenario::load(&dir.path().join("latin1.toml"), &[])
        .unwrap_err()
        .problems;
    assert!(problems[0].file.ends_with("latin1.toml"), "{}", show(&problems));
    assert_eq!(problems[0].location, "line 2", "{}", show(&problems));
    assert_eq!(
        problems[0].message,
        "the file is not UTF-8 text (byte 0xE9); save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)"
    );
    let problems = scenario::load(dir.path(), &[]).unwrap_err().problems;
    assert_eq!(
        problems[0].message,
        "cannot read: it is a folder, not a file",
        "{}",
        show(&problems)
    );
    write_files(
        dir.path(),
        &[("a.toml", extending("sub")), ("sub/x.toml", MINIMAL.to_string())],
    );
    let problems = scenario::load(&dir.path().join("a.toml"), &[]).unwrap_err().problems;
    assert!(
        problems[0].message.contains("no such file"),
        "extends naming a folder: {}",
        show(&problems)
    );
}

/// The warnings (odd but legal values) of MINIMAL with `sets`, as
/// (location, message).
fn warnings(sets: &[&str]) -> Vec<(String, String)> {
    resolve_text(MINIMAL, sets)
        .warnings
        .into_iter()
        .map(|w| (w.location, w.message))
        .collect()
}

#[test]
fn the_agency_level_takes_vacancy_link_0_4_by_default() {
    let s = resolve_text(MINIMAL, &["agency.mode=level"]).scenario;
    let Some(AgencyMode::Level { vacancy_link }) = s.agency.map(|a| a.mode) else {
        panic!("not level mode");
    };
    assert_eq!(fixed(&vacancy_link), 0.4);
    assert_eq!(vacancy_link.valid, ValidRange::Probability);
    let s = resolve_text(MINIMAL, &["agency.mode=cover", "agency.vacancy_link=0.9"]).scenario;
    assert_eq!(s.agency.map(|a| a.mode), Some(AgencyMode::Cover));
}

#[test]
fn keys_the_agency_mode_does_not_use_are_warned_about() {
    assert_eq!(warnings(&["agency.fte=5", "drift.leaving=0.1"]), []);
    assert_eq!(
        warnings(&["agency.mode=level", "agency.vacancy_link=0.3", "drift.agency=0.1"]),
        []
    );
    let said = |sets: &[&str], at: &str, words: &str| {
        let found = warnings(sets);
        assert!(
            found.iter().any(|(l, m)| l == at && m.contains(words)),
            "{sets:?}: expected a warning at {at} saying {words:?}, got {found:?}"
        );
    };
    said(
        &["agency.vacancy_link=0.3"],
        "agency.vacancy_link",
        "used only with mode = \"level\"",
    );
    said(
        &["agency.mode=cover", "agency.vacancy_link=0.3"],
        "agency.vacancy_link",
        "has no effect",
    );
    said(
        &["agency.mode=level", "agency.cover_vacancies=0.9"],
        "agency.cover_vacancies",
        "not used with mode = \"level\"",
    );
    said(
        &["agency.fte=5", "drift.agency=0.2"],
        "drift.agency",
        "used only with agency.mode = \"level\"",
    );
    said(
        &["drift.agency={ uniform = [0, 0.2] }"],
        "drift.agency",
        "has no effect",
    );
    // A drift of 0 says nothing, whatever the mode.
    assert_eq!(warnings(&["agency.fte=5", "drift.agency=0"]), []);
}
