//! Costs, payments and paired comparison: spend computed by hand to the
//! penny, common random numbers, and the break-even by construction.

use crate::common::{run_all, scenario_from};
use caseload::compare;
use caseload::model::{Metric, Prepared};
use caseload::runner;
use caseload::stats::Cell;

/// Certain events only: two ASYEs join each January; three agency workers
/// convert at once (conversion rate 1, fill 0); everyone leaves at exactly
/// 12 months' service (rates 0 then 1); a managed team from March to May;
/// a bonus, a retention payment and a market supplement with clawback.
const CERTAIN: &str = r#"
start = "2024-01"
months = 18
[workforce]
establishment_fte = 10
permanent_fte = 0
annual_leaving_by_service_year = [0.0, 1.0]
[recruitment]
applicants_per_month = 0
recruiting_months = [2]
cost_per_hire = 500
campaign_cost_per_month = 200
[asye]
intake_month = 1
intake_per_year = 2
annual_leaving = 0.0
[agency]
fte = 3
fill_prob = 0
mean_tenure_months = 1e15
annual_conversion_rate = 1.0
extra = [ { from = "2024-03", to = "2024-05", fte = 2 } ]
[demand]
referrals_per_month = 0
[[cases]]
name = "cin"
mean_months = 6
[costs]
permanent = 48000
asye = 36000
asye_grant = 1000
agency = 90000
managed_team = 120000
[payments.recruitment_bonus]
amount = 3000
from = "2024-01"
clawback_months = 24
clawback = "pro_rata"
[payments.retention]
amount = 1000
from = "2024-01"
paid_in_month = 7
min_service_months = 3
clawback_months = 12
clawback = "full"
[payments.market_supplement]
annual_amount = 1200
from = "2024-10"
to = "2024-12"
"#;

#[test]
fn spend_of_a_certain_scenario_matches_a_hand_calculation_to_the_penny() {
    let s = scenario_from(CERTAIN);
    let layout = runner::layout(&s);
    let record = Prepared::new(&s, &layout).simulate(7, 0);
    let at = |t: usize, m: Metric| record[t * layout.width() + layout.index(m)];

    // By hand, month by month (t = 0 is January 2024):
    // permanent: 2 ASYEs at 36,000 a year and 3 converts at 48,000 from
    //   t = 0 to 11 (6,000 + 12,000); at t = 12 all five leave (12 months'
    //   service) and the second cohort of 2 ASYEs joins: 6,000 a month on.
    // agency: the 3 convert at t = 0, so only the managed team: 2 FTE at
    //   120,000 a year in March-May (t = 2..4) = 20,000.
    // payments: t = 0 bonus 3 x 3,000 = 9,000 to the converts (not ASYEs);
    //   t = 6 (July) retention 3 x 1,000 to the converts (6 months' service;
    //   ASYEs excluded); t = 9..11 supplement 1,200 / 12 x 5 FTE = 500;
    //   t = 12 clawback: bonus pro rata 3 x 3,000 x (24 - 12) / 24 = 4,500,
    //   retention in full 3 x 1,000 = 3,000: -7,500, all of it clawback.
    // recruitment: t = 0 three hires x 500 = 1,500; t = 1 and 13 (February)
    //   campaign 200; less the ASYE grants, as cost_recruitment counts them.
    // ASYE grant (income): 2 x 1,000 at t = 0 and at t = 12.
    // Columns: permanent, agency, payments (after clawback), clawback,
    // recruitment (less the grant), grant; the total adds the first, second,
    // third and fifth.
    let mut expected = [[0.0f64; 6]; 18];
    for (t, row) in expected.iter_mut().enumerate() {
        row[0] = if t < 12 { 18_000.0 } else { 6_000.0 };
        row[1] = if (2..=4).contains(&t) { 20_000.0 } else { 0.0 };
        row[2] = match t {
            0 => 9_000.0,
            6 => 3_000.0,
            9..=11 => 500.0,
            12 => -7_500.0,
            _ => 0.0,
        };
        row[3] = if t == 12 { 7_500.0 } else { 0.0 };
        // cost_recruitment is net of the grant (MODEL.md step 11).
        row[4] = match t {
            0 => 1_500.0 - 2_000.0,
            1 | 13 => 200.0,
            12 => -2_000.0,
            _ => 0.0,
        };
        row[5] = if t == 0 || t == 12 { 2_000.0 } else { 0.0 };
    }
    let mut cumulative = 0.0;
    for (t, want) in expected.iter().enumerate() {
        let got = [
            at(t, Metric::CostPermanent),
            at(t, Metric::CostAgency),
            at(t, Metric::CostPayments),
            at(t, Metric::ClawbackRecovered),
            at(t, Metric::CostRecruitment),
            at(t, Metric::AsyeGrantIncome),
        ];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 0.005, "month {t}: got {got:?}, expected {want:?}");
        }
        let total = want[0] + want[1] + want[2] + want[4];
        cumulative += total;
        assert!((at(t, Metric::CostTotal) - total).abs() < 0.005, "total, month {t}");
        assert!(
            (at(t, Metric::CostCumulative) - cumulative).abs() < 0.005,
            "cumulative, month {t}"
        );
    }
    // The people behind the money.
    assert_eq!(at(0, Metric::PermanentFte), 5.0);
    assert_eq!(at(0, Metric::StartersFte), 5.0);
    assert_eq!(at(0, Metric::AgencyLeaversFte), 3.0);
    assert_eq!(at(12, Metric::LeaversFte), 5.0);
    assert_eq!(at(12, Metric::PermanentFte), 2.0);
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let s = scenario_from(CERTAIN.replace("fill_prob = 0", "fill_prob = 0.7").as_str());
    let pool = runner::pool(Some(2)).unwrap();
    let results = runner::summarise(&[&s, &s], 3, 50, &pool, &|| {});
    let d = &results.differences[0];
    assert_eq!(d.months, 18);
    assert!(d.cells.iter().all(|c| c.mean == 0.0 && c.p.iter().all(|p| *p == 0.0)));
    assert_eq!(results.summaries[0], results.summaries[1]);
}

#[test]
fn changing_only_costs_and_payment_amounts_leaves_every_other_metric_identical() {
    let bury = std::fs::read_to_string(crate::common::scenario("bury-2022.toml")).unwrap();
    let with_payment = |amount: f64, permanent: f64| {
        let text = format!(
            "{bury}\n[payments.retention]\namount = {amount}\nfrom = \"2022-06\"\nmin_service_months = 12\nclawback_months = 12\n"
        );
        let mut s = scenario_from(&text);
        s.costs.permanent = permanent;
        s
    };
    let a = run_all(&with_payment(2000.0, 52000.0), 100, 9);
    let b = run_all(&with_payment(5000.0, 61000.0), 100, 9);
    let width = a.layout.width();
    let mut costs_differ = false;
    for (ra, rb) in a.records.iter().zip(&b.records) {
        for (i, (x, y)) in ra.iter().zip(rb).enumerate() {
            if a.layout.is_cost(i % width) {
                costs_differ |= x != y;
            } else {
                assert_eq!(x.to_bits(), y.to_bits(), "{} differs", a.layout.names()[i % width]);
            }
        }
    }
    assert!(costs_differ, "the costs themselves should differ");
}

/// Expected net cost of the retention scheme in BREAK_EVEN with leaving
/// multiplier v, worked out by hand: 100 workers who leave with monthly
/// probability m * v, each leaver replaced by agency at once and for good.
fn expected_net_cost(v: f64) -> f64 {
    let m = 1.0 - (1.0f64 - 0.3).powf(1.0 / 12.0);
    let agency_month = 90_000.0 / 12.0;
    let mut net = 0.0;
    // Retention of 3,000 paid each January (t = 0 and 12) to everyone
    // still in post then.
    net += 3_000.0 * 100.0 * ((1.0 - m * v) + (1.0 - m * v).powi(13));
    for t in 0..24 {
        let gone = |mult: f64| 100.0 * (1.0 - (1.0 - m * mult).powi(t + 1));
        net += agency_month * (gone(v) - gone(1.0));
    }
    net
}

const BREAK_EVEN: &str = r#"
start = "2024-01"
months = 24
[workforce]
establishment_fte = 100
permanent_fte = 100
annual_leaving_by_service_year = [0.3]
[agency]
fill_prob = 1
mean_tenure_months = 1e15
[demand]
referrals_per_month = 0
[[cases]]
name = "cin"
mean_months = 6
[costs]
permanent = 50000
agency = 90000
"#;

#[test]
fn break_even_recovers_a_value_known_by_construction() {
    // Solve expected_net_cost(v) = 0 by bisection: net cost rises with v.
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if expected_net_cost(mid) > 0.0 {
            hi = mid
        } else {
            lo = mid
        }
    }
    let truth = (lo + hi) / 2.0;
    assert!(
        truth > 0.5 && truth < 0.95,
        "the construction should put it inside the grid: {truth}"
    );

    let baseline = scenario_from(BREAK_EVEN);
    let pool = runner::pool(Some(2)).unwrap();
    let base_totals = runner::totals(&baseline, 1, 400, &pool, &|| {});
    let with_scheme =
        format!("{BREAK_EVEN}\n[payments.retention]\namount = 3000\nfrom = \"2024-01\"\nleaving_multiplier = 1.0\n");
    let points: Vec<compare::SweepPoint> = caseload::request::default_grid("payments.retention.leaving_multiplier")
        .into_iter()
        .map(|v| {
            let s =
                scenario_from(&with_scheme.replace("leaving_multiplier = 1.0", &format!("leaving_multiplier = {v}")));
            let totals = runner::totals(&s, 1, 400, &pool, &|| {});
            compare::SweepPoint {
                value: v,
                net: Cell::of(&mut compare::net_cost(&totals, &base_totals)),
            }
        })
        .collect();
    let found = compare::break_even(&points);
    let (value, low, high) = (found.value.unwrap(), found.low.unwrap(), found.high.unwrap());
    assert!(
        low <= truth && truth <= high,
        "truth {truth} outside the stated range {low}..{high}"
    );
    // The mean crossing is estimated from 400 paired runs per grid point:
    // its standard error is about 0.003 here.
    assert!((value - truth).abs() < 0.015, "break-even {value} vs truth {truth}");
}

#[test]
fn a_difference_breaks_total_spend_into_parts_that_add_up() {
    // A managed team, payments with clawback and ASYE grants: every kind of
    // money moves between the two scenarios.
    let base = scenario_from(CERTAIN.replace("fill_prob = 0", "fill_prob = 0.7").as_str());
    let scheme = scenario_from(
        CERTAIN
            .replace("fill_prob = 0", "fill_prob = 0.7")
            .replace("intake_per_year = 2", "intake_per_year = 4")
            .replace("amount = 1000", "amount = 1500")
            .as_str(),
    );
    let pool = runner::pool(Some(2)).unwrap();
    let results = runner::summarise(&[&base, &scheme], 5, 80, &pool, &|| {});
    let d = compare::Difference::of(&results.totals[1], &results.totals[0]);
    let parts: f64 = compare::spend_breakdown(&d.mean).iter().map(|p| p.effect()).sum();
    assert!((parts - d.total_spend.mean).abs() < 1e-6 * d.total_spend.mean.abs().max(1.0));
    let named: Vec<&str> = compare::spend_breakdown(&d.mean).iter().map(|p| p.what).collect();
    for what in ["less ASYE grant received", "enhanced payments made", "agency spend"] {
        assert!(named.contains(&what), "{named:?}");
    }
    // Two more ASYEs a January: the grant is money back, so it lowers the total.
    assert!((d.mean.asye_grant - 2.0 * 2.0 * 1000.0).abs() < 1e-9);
    // The net cost excluding salaries is the total less the salaries.
    let excluded = d.total_spend.mean - d.mean.permanent;
    assert!((d.net_cost_excluding_salaries.mean - excluded).abs() < 1e-6 * excluded.abs().max(1.0));
}
