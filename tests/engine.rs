//! The engine against MODEL.md: its analytic results, with tolerances from
//! standard errors; conservation and sanity of every run and month, as
//! property tests; zero capacity.

use crate::common::{run_all, scenario_from};
use caseload::model::{Layout, Metric, Prepared};
use caseload::runner;
use caseload::stats::{Runs, Summary};
use proptest::prelude::*;

/// Sample mean and (unbiased) variance of one metric in month t across runs.
fn moments(runs: &Runs, t: usize, metric: usize) -> (f64, f64) {
    let n = runs.records.len() as f64;
    let values: Vec<f64> = (0..runs.records.len()).map(|r| runs.value(r, t, metric)).collect();
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// Asserts the sample mean and variance agree with the expected ones within
/// `z` standard errors (the variance's standard error taken as for a normal
/// population, var * sqrt(2 / (n - 1)), widened by the excess kurtosis of a
/// Poisson-like count, 1 / mean).
fn assert_moments(label: &str, (mean, var): (f64, f64), expected_mean: f64, expected_var: f64, n: f64, z: f64) {
    let se_mean = (expected_var / n).sqrt();
    assert!(
        (mean - expected_mean).abs() <= z * se_mean + 1e-9,
        "{label}: mean {mean} vs expected {expected_mean} (se {se_mean})"
    );
    let kurtosis = if expected_mean > 0.0 { 1.0 / expected_mean } else { 0.0 };
    let se_var = expected_var * ((2.0 / (n - 1.0)) + kurtosis / n).sqrt();
    assert!(
        (var - expected_var).abs() <= z * se_var + 1e-9,
        "{label}: variance {var} vs expected {expected_var} (se {se_var})"
    );
}

const ONE_STATE: &str = r#"
start = "2024-01"
months = 48
[workforce]
establishment_fte = 10
permanent_fte = 10
annual_leaving_by_service_year = [0.0]
[demand]
referrals_per_month = 50
[[cases]]
name = "cin"
open = 40
entry_share = 0.8
mean_months = 4
"#;

#[test]
fn one_case_state_follows_the_geometric_approach_to_poisson_lambda_c_d() {
    let s = scenario_from(ONE_STATE);
    let n = 4000;
    let runs = run_all(&s, n, 11);
    let k = runs.layout.index(Metric::OpenCases);
    let (lambda, c, d, open0): (f64, f64, f64, f64) = (50.0, 0.8, 4.0, 40.0);
    let steady = lambda * c * d;
    for t in 0..s.months as usize {
        // After t + 1 steps the survivors of the initial cases are
        // Binomial(open0, s) and the newer cases Poisson(steady * (1 - s)).
        let surv = (1.0 - 1.0 / d).powi(t as i32 + 1);
        let mean = steady + (open0 - steady) * surv;
        let var = open0 * surv * (1.0 - surv) + steady * (1.0 - surv);
        assert_moments(
            &format!("month {t}"),
            moments(&runs, t, k),
            mean,
            var,
            f64::from(n),
            5.0,
        );
    }
    // Settled: Poisson, so mean and variance both lambda * c * d.
    let last = s.months as usize - 1;
    assert_moments("settled", moments(&runs, last, k), steady, steady, f64::from(n), 5.0);
}

const LEAVING_ONLY: &str = r#"
start = "2024-01"
months = 36
[workforce]
establishment_fte = 200
permanent_fte = 200
annual_leaving_by_service_year = [0.25]
[demand]
referrals_per_month = 10
[[cases]]
name = "cin"
entry_share = 1
mean_months = 3
"#;

#[test]
fn with_only_leaving_heads_follow_binomial_survival() {
    let s = scenario_from(LEAVING_ONLY);
    let n = 4000;
    let runs = run_all(&s, n, 5);
    let k = runs.layout.index(Metric::PermanentFte);
    for t in 0..s.months as usize {
        let p = (1.0f64 - 0.25).powf((t as f64 + 1.0) / 12.0);
        let (mean, var) = (200.0 * p, 200.0 * p * (1.0 - p));
        assert_moments(
            &format!("month {t}"),
            moments(&runs, t, k),
            mean,
            var,
            f64::from(n),
            5.0,
        );
    }
}

/// Referrals at 100 a month, 80% of them starting a case (in two states).
const REFERRALS: &str = r#"
start = "2024-01"
months = 6
[workforce]
establishment_fte = 10
permanent_fte = 10
annual_leaving_by_service_year = [0.0]
[demand]
referrals_per_month = 100
[[cases]]
name = "assessment"
entry_share = 0.5
mean_months = 1
[[cases]]
name = "child_in_need"
entry_share = 0.3
mean_months = 6
"#;

#[test]
fn referrals_and_new_cases_are_poisson_or_negative_binomial() {
    let n = 4000;
    for (dispersion, seed) in [(None, 3), (Some(20.0), 4)] {
        let text = match dispersion {
            Some(k) => REFERRALS.replace(
                "referrals_per_month = 100",
                &format!("referrals_per_month = 100\ndispersion = {k}"),
            ),
            None => REFERRALS.to_string(),
        };
        let s = scenario_from(&text);
        let runs = run_all(&s, n, seed);
        // Negative binomial with mean m and shape k: variance m + m^2 / k
        // (Poisson when k is infinite); new cases are the same mixture at
        // 80% of the rate.
        let variance = |mean: f64| mean + dispersion.map_or(0.0, |k| mean * mean / k);
        for t in 0..s.months as usize {
            for (metric, mean) in [(Metric::Referrals, 100.0), (Metric::NewCases, 80.0)] {
                assert_moments(
                    &format!("{metric:?}, dispersion {dispersion:?}, month {t}"),
                    moments(&runs, t, runs.layout.index(metric)),
                    mean,
                    variance(mean),
                    f64::from(n),
                    5.0,
                );
            }
        }
    }
}

/// Twelve agency workers who never leave, covering ten absent workers who
/// never return and two vacant posts; nobody is hired. Conversions are
/// capped at the unfilled heads: two until month 12, when two more posts
/// are funded.
const CONVERSION: &str = r#"
start = "2024-01"
months = 24
[workforce]
establishment_fte = 12
establishment_changes = [ { from = "2025-01", change_fte = 2 } ]
permanent_fte = 10
absent_fte = 10
annual_leaving_by_service_year = [0.0]
long_absence_annual_rate = 0.0
long_absence_mean_months = 1e15
[agency]
fte = 12
fill_prob = 0
mean_tenure_months = 1e15
annual_conversion_rate = 0.85
[demand]
referrals_per_month = 10
[[cases]]
name = "cin"
entry_share = 1
mean_months = 3
"#;

/// The exact distribution of conversions so far, month by month, from the
/// Bernoulli model of MODEL.md: each month every agency worker left draws
/// a conversion with probability p, and at most `cap(t) - converted` of
/// those who draw convert. Returns each month's distribution over 0..=cap.
fn conversions_by_dynamic_programming(
    workers: usize,
    p: f64,
    cap: impl Fn(usize) -> usize,
    months: usize,
) -> Vec<Vec<f64>> {
    let binomial = |n: usize, k: usize| -> f64 {
        let choose = (0..k).fold(1.0, |c, i| c * (n - i) as f64 / (i + 1) as f64);
        choose * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
    };
    let top = cap(months);
    let mut dist = vec![0.0; top + 1];
    dist[0] = 1.0;
    let mut out = Vec::new();
    for t in 0..months {
        let mut next = vec![0.0; top + 1];
        for (c, mass) in dist.iter().enumerate().filter(|(_, m)| **m > 0.0) {
            let room = cap(t).saturating_sub(c);
            if room == 0 {
                next[c] += mass;
                continue;
            }
            let left = workers - c;
            for drawn in 0..=left {
                next[c + drawn.min(room)] += mass * binomial(left, drawn);
            }
        }
        dist = next;
        out.push(dist.clone());
    }
    out
}

#[test]
fn conversions_follow_the_monthly_chance_under_the_cap() {
    let s = scenario_from(CONVERSION);
    let n = 4000;
    let runs = run_all(&s, n, 21);
    let k = runs.layout.index(Metric::PermanentFte);
    let p = 1.0 - (1.0f64 - 0.85).powf(1.0 / 12.0);
    let cap = |t: usize| if t < 12 { 2 } else { 4 };
    let exact = conversions_by_dynamic_programming(12, p, cap, s.months as usize);
    for (t, dist) in exact.iter().enumerate() {
        for (c, expected) in dist.iter().enumerate() {
            // Permanent FTE is the ten absent workers plus those converted.
            let seen = (0..runs.records.len())
                .filter(|r| runs.value(*r, t, k) == 10.0 + c as f64)
                .count() as f64
                / f64::from(n);
            let se = (expected * (1.0 - expected) / f64::from(n)).sqrt();
            assert!(
                (seen - expected).abs() <= 5.0 * se + 1e-9,
                "month {t}, {c} converted: share {seen} vs exact {expected} (se {se})"
            );
        }
    }
}

/// A county with 150 of its 200 posts unfilled and agency staff easy to
/// find: most covering heads at month 0 are engaged that month. Hires work
/// notice and there is no ASYE intake, so month 0's only permanent starters
/// are conversions.
const ENGAGED_THEN_CONVERTED: &str = r#"
start = "2024-01"
months = 1
[workforce]
establishment_fte = 200
permanent_fte = 50
annual_leaving_by_service_year = [0.2]
[recruitment]
applicants_per_month = 3
notice_months = 2
[agency]
fte = 10
fill_prob = 0.9
annual_conversion_rate = 0.5
[demand]
referrals_per_month = 10
[[cases]]
name = "cin"
entry_share = 1
mean_months = 3
"#;

#[test]
fn agency_workers_engaged_this_month_may_convert_this_month() {
    // MODEL.md step 6: conversions come after engagement and release, and
    // each covering agency worker converts with the monthly probability p
    // (the cap, round(unfilled), is far above what draws). So
    // E[conversions | covering heads H after engagement] = p * H, and the
    // per-run differences starters - p * H have mean 0.
    let s = scenario_from(ENGAGED_THEN_CONVERTED);
    let n = 1000;
    let runs = run_all(&s, n, 31);
    let (starters, agency) = (
        runs.layout.index(Metric::StartersFte),
        runs.layout.index(Metric::AgencyFte),
    );
    let p = 1.0 - (1.0f64 - 0.5).powf(1.0 / 12.0);
    // Heads are 1 FTE; converts leave covering agency, so H is the agency
    // recorded at month 0 plus those who converted.
    let (converted, covering): (Vec<f64>, Vec<f64>) = (0..runs.records.len())
        .map(|r| {
            (
                runs.value(r, 0, starters),
                runs.value(r, 0, agency) + runs.value(r, 0, starters),
            )
        })
        .unzip();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(
        mean(&covering) > 100.0,
        "most cover is engaged at month 0: {}",
        mean(&covering)
    );
    let d: Vec<f64> = converted.iter().zip(&covering).map(|(c, h)| c - p * h).collect();
    let d_mean = mean(&d);
    let se = (d.iter().map(|x| (x - d_mean).powi(2)).sum::<f64>() / (f64::from(n) - 1.0) / f64::from(n)).sqrt();
    assert!(
        d_mean.abs() <= 4.0 * se,
        "mean starters {} vs p * mean covering heads {} (difference {d_mean}, se {se})",
        mean(&converted),
        p * mean(&covering)
    );
}

#[test]
fn no_capacity_gives_an_infinite_caseload_counted_above_target() {
    let text = ONE_STATE.replace("permanent_fte = 10", "permanent_fte = 0");
    let s = scenario_from(&text);
    let runs = run_all(&s, 20, 1);
    let summary = Summary::of(&runs);
    let caseload = runs.layout.index(Metric::Caseload);
    let below_high = runs.layout.index(Metric::AtOrBelowHigh);
    for t in 0..summary.months {
        let c = summary.cell(t, caseload);
        assert!(c.mean.is_infinite() && c.p.iter().all(|p| p.is_infinite()));
        assert_eq!(summary.cell(t, below_high).mean, 0.0);
    }
    assert!(
        summary
            .cells
            .iter()
            .all(|c| !c.mean.is_nan() && c.p.iter().all(|p| !p.is_nan()))
    );
}

#[test]
fn zero_capacity_with_no_open_cases_is_still_infinite() {
    let text = ONE_STATE
        .replace("permanent_fte = 10", "permanent_fte = 0")
        .replace("open = 40", "open = 0")
        .replace("referrals_per_month = 50", "referrals_per_month = 0");
    let s = scenario_from(&text);
    let layout = runner::layout(&s);
    let record = Prepared::new(&s, &layout).simulate(1, 0);
    assert!(record[layout.index(Metric::Caseload)].is_infinite());
}

/// A random valid scenario exercising every mechanism.
fn arbitrary_scenario() -> impl Strategy<Value = String> {
    (
        (
            0.0..300.0f64,
            0.0..1.0f64,
            0.0..0.5f64,
            0.0..0.3f64,
            prop::sample::select(vec![1.0, 0.8, 0.5]),
        ),
        (0.0..0.6f64, 0.0..0.6f64, 0.0..0.3f64, 0.0..2.0f64, 0.0..1.0f64),
        (0.0..5.0f64, 0u32..4, 0.0..15.0f64, any::<bool>(), 0.0..1.0f64),
        (0.0..80.0f64, 0.0..1.0f64, 1.0..24.0f64, 0.0..0.5f64, 0.0..30.0f64),
        (
            0.0..400.0f64,
            0u64..500,
            1.0..12.0f64,
            0.0..0.5f64,
            prop::option::of(0.5..50.0f64),
        ),
    )
        .prop_map(|(w, l, r, a, d)| {
            let (est, perm_share, asye_share, absent_share, per_head) = w;
            let permanent = est * perm_share;
            let asye = permanent * asye_share;
            let absent = permanent * absent_share;
            let dispersion = d.4.map_or(String::new(), |k| format!("dispersion = {k}"));
            format!(
                r#"
start = "2023-11"
months = 30
[workforce]
establishment_fte = {est}
establishment_changes = [ {{ from = "2024-06", change_fte = -20.0 }}, {{ from = "2025-01", change_fte = 15.5 }} ]
permanent_fte = {permanent}
asye_fte = {asye}
absent_fte = {absent}
fte_per_head = {per_head}
annual_leaving_by_service_year = [{l0}, {l1}, {{ uniform = [0.05, 0.2] }}]
sickness_days_per_year = 9
long_absence_annual_rate = {l2}
long_absence_mean_months = 6
pressure_sensitivity = {l3}
case_holding_share = {l4}
[recruitment]
applicants_per_month = {r0}
notice_months = {r1}
recruiting_months = [1, 3, 5, 9]
cost_per_hire = 1000
[asye]
intake_per_year = {r2}
supernumerary = {r3}
caseload_weight = {r4}
[agency]
fte = {a0}
fill_prob = {a1}
mean_tenure_months = {a2}
annual_conversion_rate = {a3}
extra = [ {{ from = "2024-01", to = "2024-06", fte = {a4} }} ]
[demand]
referrals_per_month = {d0}
{dispersion}
shocks = [ {{ from = "2024-03", multiplier = {{ triangular = [0.8, 1.0, 1.3] }} }} ]
[[cases]]
name = "assessment"
open = {d1}
entry_share = 0.7
mean_months = {d2}
next = {{ cin = 0.4, cp = {d3} }}
[[cases]]
name = "cin"
open = 100
entry_share = 0.1
mean_months = {{ normal = [6, 3] }}
next = {{ cp = 0.1 }}
[[cases]]
name = "cp"
mean_months = 9
next = {{ cin = 0.5 }}
[costs]
permanent = 50000
agency = 90000
asye_grant = 2000
[payments.recruitment_bonus]
amount = 3000
from = "2024-02"
clawback_months = 12
[payments.retention]
amount = 2000
from = "2024-04"
min_service_months = 12
leaving_multiplier = {{ triangular = [0.7, 0.9, 1.0] }}
clawback_months = 12
clawback = "full"
"#,
                l0 = l.0,
                l1 = l.1,
                l2 = l.2,
                l3 = l.3,
                l4 = l.4,
                r0 = r.0,
                r1 = r.1,
                r2 = r.2,
                r3 = r.3,
                r4 = r.4,
                a0 = a.0,
                a1 = a.1,
                a2 = a.2,
                a3 = a.3,
                a4 = a.4,
                d0 = d.0,
                d1 = d.1,
                d2 = d.2,
                d3 = d.3,
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// Heads and cases are conserved month to month; nothing is NaN or
    /// negative that cannot be; probabilities stay in [0, 1].
    #[test]
    fn every_run_conserves_people_and_cases_and_stays_sane(text in arbitrary_scenario(), seed in 0u64..1000) {
        let s = scenario_from(&text);
        let layout = Layout::new(s.cases.iter().map(|c| c.name.clone()).collect());
        let w = layout.width();
        let at = |record: &[f64], t: usize, m: Metric| record[t * w + layout.index(m)];
        for run in 0..3 {
            // Every value of every month is written: the step's row starts
            // as NaN, and rows are handed on as they are.
            let mut rec = Vec::new();
            Prepared::new(&s, &layout).simulate_months(seed, run, 0..s.months as usize, |row| rec.extend_from_slice(row));
            prop_assert_eq!(rec.len(), s.months as usize * w);
            let mut permanent = s.workforce.permanent_fte;
            let mut covering = s.agency.as_ref().map_or(0.0, |a| a.fte);
            let mut open: f64 = s.cases.iter().map(|c| c.open as f64).sum();
            for t in 0..s.months as usize {
                let row = &rec[t * w..(t + 1) * w];
                prop_assert!(row.iter().all(|v| !v.is_nan()), "NaN in month {}", t);
                permanent += at(&rec, t, Metric::StartersFte) - at(&rec, t, Metric::LeaversFte);
                prop_assert!((permanent - at(&rec, t, Metric::PermanentFte)).abs() < 1e-6, "permanent heads, month {}", t);
                let agency_now = at(&rec, t, Metric::AgencyFte) - at(&rec, t, Metric::ManagedTeamFte);
                covering += at(&rec, t, Metric::AgencyStartersFte) - at(&rec, t, Metric::AgencyLeaversFte);
                prop_assert!((covering - agency_now).abs() < 1e-6, "agency heads, month {}", t);
                open += at(&rec, t, Metric::NewCases) - at(&rec, t, Metric::ClosedCases);
                prop_assert_eq!(open, at(&rec, t, Metric::OpenCases), "cases, month {}", t);
                let by_state: f64 = (0..s.cases.len()).map(|i| rec[t * w + layout.state_index(i)]).sum();
                prop_assert_eq!(by_state, open);
                for m in Metric::ALL {
                    let v = at(&rec, t, m);
                    if !matches!(m, Metric::CostPayments | Metric::CostRecruitment | Metric::CostTotal | Metric::CostCumulative) {
                        prop_assert!(v >= 0.0, "{} = {} in month {}", m.name(), v, t);
                    }
                    if m.is_cost() {
                        prop_assert!(v.is_finite(), "{} not finite", m.name());
                    }
                }
                for m in [Metric::AtOrBelowLow, Metric::AtOrBelowHigh, Metric::VacancyRate, Metric::AgencyRate] {
                    let v = at(&rec, t, m);
                    prop_assert!((0.0..=1.0).contains(&v), "{} = {} in month {}", m.name(), v, t);
                }
                prop_assert!(at(&rec, t, Metric::AsyeFte) <= at(&rec, t, Metric::PermanentFte) + 1e-9);
                prop_assert!(at(&rec, t, Metric::AbsentFte) <= at(&rec, t, Metric::PermanentFte) + 1e-9);
            }
        }
    }
}

#[test]
fn summaries_in_windows_of_months_equal_those_of_one_window() {
    // A budget of one month's values at a time: the runs are simulated once
    // per month, and every figure must come out as from a single pass.
    let s = scenario_from(&LEAVING_ONLY.replace("months = 36", "months = 7"));
    let other = scenario_from(
        &LEAVING_ONLY
            .replace("months = 36", "months = 7")
            .replace("[0.25]", "[0.35]"),
    );
    let pool = runner::pool(Some(2)).unwrap();
    let width = runner::layout(&s).width();
    let one_month = 2 * 64 * width * std::mem::size_of::<f64>();
    assert_eq!(runner::window_months(2, 64, width, 7, one_month), 1);
    let windowed = runner::summarise_within(&[&s, &other], 4, 64, &pool, &|| {}, one_month);
    let whole = runner::summarise(&[&s, &other], 4, 64, &pool, &|| {});
    assert_eq!(windowed, whole);
    assert_eq!(whole.summaries[0], Summary::of(&run_all(&s, 64, 4)));
    assert_eq!(whole.totals[1].len(), 64);
}

#[test]
fn progress_ticks_count_runs_whatever_the_scenarios_and_windows_of_months() {
    // Two scenarios, seven windows of one month: 14 runs' worth of work per
    // run, and the progress bar must still count 64 runs, ending at 64.
    let s = scenario_from(&LEAVING_ONLY.replace("months = 36", "months = 7"));
    let other = scenario_from(
        &LEAVING_ONLY
            .replace("months = 36", "months = 7")
            .replace("[0.25]", "[0.35]"),
    );
    let pool = runner::pool(Some(2)).unwrap();
    let width = runner::layout(&s).width();
    let one_month = 2 * 64 * width * std::mem::size_of::<f64>();
    let ticks = std::sync::atomic::AtomicU64::new(0);
    let tick = || {
        ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    runner::summarise_within(&[&s, &other], 4, 64, &pool, &tick, one_month);
    assert_eq!(ticks.swap(0, std::sync::atomic::Ordering::Relaxed), 64);
    runner::summarise(&[&s, &other], 4, 64, &pool, &tick);
    assert_eq!(ticks.swap(0, std::sync::atomic::Ordering::Relaxed), 64);
    // More runs than the work divides evenly into.
    runner::summarise_within(&[&s], 4, 101, &pool, &tick, 101 * width * 8 * 3);
    assert_eq!(ticks.load(std::sync::atomic::Ordering::Relaxed), 101);
}

#[test]
fn runs_streamed_in_order_equal_the_runs_kept_whole() {
    let s = scenario_from(ONE_STATE);
    let pool = runner::pool(Some(2)).unwrap();
    let kept = run_all(&s, 30, 2);
    let mut streamed = Vec::new();
    runner::for_each_run(&s, 2, 30, &pool, |r, record| {
        assert_eq!(r, streamed.len(), "runs come in order");
        streamed.push(record.to_vec());
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!(streamed, kept.records);
}

// ---- drift ----

#[test]
fn a_drift_path_is_a_random_walk_of_variance_sigma_squared_t_over_12_with_median_one() {
    use caseload::model::drift::drift_path;
    use caseload::model::rng::{Process, stream};
    let (sigma, months, n) = (0.4, 60u32, 4000);
    let paths: Vec<Vec<f64>> = (0..n)
        .map(|run| drift_path(sigma, months, &mut stream(9, run, Process::DriftReferrals)))
        .collect();
    let nf = n as f64;
    for t in [0usize, 1, 6, 12, 35, 59] {
        let x: Vec<f64> = paths.iter().map(|p| p[t].ln()).collect();
        let expected = sigma * sigma * t as f64 / 12.0;
        if t == 0 {
            assert!(x.iter().all(|x| *x == 0.0), "X(0) = 0");
            continue;
        }
        let mean = x.iter().sum::<f64>() / nf;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (nf - 1.0);
        assert!(mean.abs() <= 5.0 * (expected / nf).sqrt(), "month {t}: mean {mean}");
        // A normal sample's variance has standard error var * sqrt(2 / (n - 1)).
        let se = expected * (2.0 / (nf - 1.0)).sqrt();
        assert!(
            (var - expected).abs() <= 5.0 * se,
            "month {t}: variance {var} vs {expected}"
        );
        // exp(X) has median 1: half the paths above it, within 5 standard errors.
        let above = paths.iter().filter(|p| p[t] > 1.0).count() as f64 / nf;
        assert!(
            (above - 0.5).abs() <= 5.0 * (0.25 / nf).sqrt(),
            "month {t}: {above} above 1"
        );
    }
}

/// REFERRALS over three years, with a `[drift]` table.
fn referrals_drifting(sigma: f64) -> String {
    REFERRALS.replace("months = 6", "months = 36") + &format!("[drift]\nreferrals = {sigma}\n")
}

#[test]
fn drift_in_referrals_spreads_them_as_a_lognormal_mixture_of_poissons() {
    let n = 4000;
    let k = |runs: &Runs| runs.layout.index(Metric::Referrals);
    let still = run_all(&scenario_from(&referrals_drifting(0.0)), n, 6);
    let drifting = run_all(&scenario_from(&referrals_drifting(0.3)), n, 6);
    let last = 35;
    // R | X ~ Poisson(100 exp(X)), X ~ N(0, v), v = sigma^2 * 35 / 12:
    // E[R] = 100 exp(v / 2), Var[R] = E[R] + 100^2 (exp(2v) - exp(v)).
    let v = 0.3f64 * 0.3 * 35.0 / 12.0;
    let mean = 100.0 * (v / 2.0).exp();
    let var = mean + 1e4 * ((2.0 * v).exp() - v.exp());
    let (m, s2) = moments(&drifting, last, k(&drifting));
    assert!(
        (m - mean).abs() <= 5.0 * (var / f64::from(n)).sqrt(),
        "mean {m} vs {mean}"
    );
    assert!(s2 > 0.7 * var && s2 < 1.4 * var, "variance {s2} vs {var}");
    let (_, poisson) = moments(&still, last, k(&still));
    assert!(s2 > 20.0 * poisson, "variance {s2} with drift, {poisson} without");
    // Month 0 has X(0) = 0: the same referrals, run by run.
    for r in 0..n as usize {
        assert_eq!(drifting.value(r, 0, k(&drifting)), still.value(r, 0, k(&still)));
    }
}

/// FULL without pressure feedback (so cases never reach leaving), with `drift`.
fn full_drifting(drift: &str) -> caseload::model::params::Scenario {
    let text = crate::common::FULL.replace("pressure_sensitivity = 0.5", "pressure_sensitivity = 0.0");
    scenario_from(&format!("{text}\n[drift]\n{drift}\n"))
}

/// Whether every run's `metric` is the same, month by month, in both.
fn same_metric(a: &Runs, b: &Runs, metric: Metric) -> bool {
    let k = a.layout.index(metric);
    (0..a.records.len()).all(|r| (0..a.months).all(|t| a.value(r, t, k).to_bits() == b.value(r, t, k).to_bits()))
}

#[test]
fn drift_in_one_process_never_shifts_another_processs_draws() {
    let n = 200;
    let still = run_all(&full_drifting(""), n, 3);
    let leaving = run_all(&full_drifting("leaving = 0.5"), n, 3);
    assert!(same_metric(&still, &leaving, Metric::Referrals));
    assert!(same_metric(&still, &leaving, Metric::NewCases));
    assert!(!same_metric(&still, &leaving, Metric::LeaversFte), "leaving drifts");
    let referrals = run_all(&full_drifting("referrals = 0.5"), n, 3);
    for metric in [
        Metric::PermanentFte,
        Metric::LeaversFte,
        Metric::AgencyFte,
        Metric::StartersFte,
    ] {
        assert!(same_metric(&still, &referrals, metric), "{metric:?}");
    }
    assert!(!same_metric(&still, &referrals, Metric::Referrals), "referrals drift");
    let applicants = run_all(&full_drifting("applicants = 0.5"), n, 3);
    assert!(same_metric(&still, &applicants, Metric::Referrals));
    assert!(!same_metric(&still, &applicants, Metric::StartersFte), "hires drift");
}

#[test]
fn a_drift_table_of_zeros_changes_nothing() {
    let still = run_all(&full_drifting(""), 50, 7);
    let zeros = run_all(
        &full_drifting("leaving = 0.0\napplicants = 0\nreferrals = 0.0\nagency = 0.0"),
        50,
        7,
    );
    assert_eq!(still.records, zeros.records);
    let without =
        scenario_from(&crate::common::FULL.replace("pressure_sensitivity = 0.5", "pressure_sensitivity = 0.0"));
    assert_eq!(run_all(&without, 50, 7).records, still.records);
}

// ---- the agency level ----

/// Posts that move (two establishment changes, an ASYE intake, hires after
/// notice, conversions) around an agency that leaves and is found again.
/// Nobody leaves a permanent post and absence never changes, so month 0's
/// unfilled FTE (60 - 50 = 10) and absent FTE (4) are known exactly: the
/// cover requirement at month 0 is 10 + 0.5 * 4 = 12, the agency in post.
const MOVING_POSTS: &str = r#"
start = "2024-01"
months = 36
[workforce]
establishment_fte = 60
establishment_changes = [ { from = "2024-07", change_fte = 10 }, { from = "2025-06", change_fte = -15 } ]
permanent_fte = 50
absent_fte = 4
annual_leaving_by_service_year = [0.0]
long_absence_mean_months = 1e15
[recruitment]
applicants_per_month = 0.6
notice_months = 2
[asye]
intake_per_year = 3
[agency]
fte = 12
cover_absence = 0.5
fill_prob = 0.7
mean_tenure_months = 6
annual_conversion_rate = 0.2
[demand]
referrals_per_month = 30
[[cases]]
name = "cin"
open = 100
entry_share = 1
mean_months = 4
"#;

/// MOVING_POSTS with agency as a level (`vacancy_link`, `drift.agency`),
/// found with probability `fill_prob`, and `more` agency keys.
fn agency_level(vacancy_link: f64, drift: f64, fill_prob: f64, more: &str) -> caseload::model::params::Scenario {
    scenario_from(&MOVING_POSTS.replace("fill_prob = 0.7\n", "").replace(
        "[agency]\n",
        &format!(
            "[drift]\nagency = {drift}\n[agency]\nmode = \"level\"\nvacancy_link = {vacancy_link}\nfill_prob = {fill_prob}\n{more}\n"
        ),
    ))
}

#[test]
fn a_level_that_follows_every_unfilled_post_is_cover_mode_when_it_starts_at_the_cover_needed() {
    let cover = scenario_from(&MOVING_POSTS.replace("[agency]\n", "[agency]\ncover_vacancies = 1\n"));
    let level = agency_level(1.0, 0.0, 0.7, "");
    let (a, b) = (run_all(&cover, 300, 12), run_all(&level, 300, 12));
    assert_eq!(
        a.records, b.records,
        "level mode with link 1 and no drift is cover mode"
    );
    // And the posts and the agency do move: ten posts are added in month 6
    // and every vacancy is filled by month 20.
    let (k, v) = (a.layout.index(Metric::AgencyFte), a.layout.index(Metric::VacancyFte));
    let runs = 0..a.records.len();
    assert!(runs.clone().all(|r| a.value(r, 6, v) > a.value(r, 5, v)), "posts added");
    assert!(runs.clone().all(|r| a.value(r, 20, v) == 0.0), "posts filled");
    assert!(
        runs.clone().any(|r| a.value(r, 20, k) < a.value(r, 6, k)),
        "agency released"
    );
}

#[test]
fn a_level_that_follows_no_vacancy_stays_at_its_level_while_vacancies_move() {
    let n = 1000;
    let level = run_all(&agency_level(0.0, 0.0, 0.7, ""), n, 4);
    let cover = run_all(&scenario_from(MOVING_POSTS), n, 4);
    let (k, v) = (
        level.layout.index(Metric::AgencyFte),
        level.layout.index(Metric::VacancyFte),
    );
    let mean =
        |runs: &Runs, t: usize, k: usize| (0..n as usize).map(|r| runs.value(r, t, k)).sum::<f64>() / f64::from(n);
    for t in 0..level.months {
        // Absence never changes: A* is the level, 12, in every month.
        assert!((0..n as usize).all(|r| level.value(r, t, k) <= 12.0), "month {t}");
        assert!(
            mean(&level, t, k) > 10.0,
            "month {t}: mean agency {}",
            mean(&level, t, k)
        );
    }
    // Meanwhile ten posts were added in month 6, and filled by month 17,
    // and cover mode followed them up and down.
    assert!(mean(&level, 7, v) > mean(&level, 0, v) + 4.0);
    assert!(mean(&cover, 7, k) > mean(&level, 7, k) + 3.0);
    assert_eq!(mean(&level, 20, v), 0.0);
    assert!(mean(&cover, 20, k) < mean(&level, 20, k) - 5.0);
}

#[test]
fn a_drifting_level_spreads_agency_within_max_fte() {
    let n = 1000;
    let free = run_all(&agency_level(0.4, 0.5, 0.95, ""), n, 8);
    let capped = run_all(&agency_level(0.4, 0.5, 0.95, "max_fte = 15"), n, 8);
    let still = run_all(&agency_level(0.4, 0.0, 0.95, ""), n, 8);
    let k = free.layout.index(Metric::AgencyFte);
    let last = free.months - 1;
    let (_, spread) = moments(&free, last, k);
    let (_, spread_still) = moments(&still, last, k);
    assert!(
        spread > 10.0 * spread_still,
        "variance {spread} drifting, {spread_still} not"
    );
    let top = (0..n as usize).map(|r| free.value(r, last, k)).fold(0.0, f64::max);
    assert!(top > 20.0, "some level drifts far up: {top}");
    for t in 0..capped.months {
        assert!((0..n as usize).all(|r| capped.value(r, t, k) <= 15.0), "month {t}");
    }
    assert!(
        (0..n as usize).any(|r| capped.value(r, last, k) == 15.0),
        "the cap is reached"
    );
}
