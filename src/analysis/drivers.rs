//! What drives the uncertainty: the share of an outcome's variance across
//! runs that each uncertain parameter explains on its own.
//!
//! The share is the first-order sensitivity index
//! S_i = Var(E[Y | X_i]) / Var(Y), estimated from the runs already made
//! ("given data"), with no extra runs: the runs are sorted by the value
//! they drew of X_i and cut into equal-count bins, and the variance of the
//! bins' means of Y over the variance of Y is the correlation ratio
//! (Pearson's eta squared), as in Plischke, Borgonovo and Smith (2013),
//! "Global sensitivity measures from given data", EJOR 226(3), and Strong
//! and Oakley's partitioning. With n runs there are about sqrt(n) bins, at
//! most [`MAX_BINS`]. Even a parameter with no effect gives bins whose
//! means differ by chance, about (bins - 1) / (n - bins) of the rest of the
//! variance, so that is subtracted (the ANOVA correction: epsilon squared,
//! Kelley 1935) and the share clamped at 0.
//!
//! A run draws each parameter from its own stream, so the parameters are
//! independent, except the leaving bands when they move together: those
//! share one quantile and are one driver. A team's or role's own range is
//! a driver of its own, drawn as its pools draw it: from the stream of the
//! council's key of that name, so it moves with the council's range of the
//! same key when both are uncertain (docs/model.md, section 15). What no parameter explains on its
//! own is "chance": the month-to-month randomness of who leaves and who is
//! referred, and parameters acting together (interactions).
//!
//! Everything here is serial and in run order: the same runs give the same
//! shares on any number of threads.

use crate::model::parameter::{LEAVING_BANDS, Parameter, Scope};
use crate::model::params::Scenario;
use crate::model::sample::{drawn, drawn_own};
use crate::model::{RunTotals, Spend};

/// The most bins a parameter's runs are cut into.
pub const MAX_BINS: usize = 50;

/// An outcome at the end of the horizon whose variance is shared out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The average caseload in the last month.
    CaseloadEnd,
    /// 1 when the last month's caseload is at or below the high target.
    MeetsTargetEnd,
    /// Total spend over the horizon.
    SpendTotal,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::CaseloadEnd, Outcome::MeetsTargetEnd, Outcome::SpendTotal];

    /// The metric's name in drivers.csv.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::CaseloadEnd => "caseload_end",
            Outcome::MeetsTargetEnd => "meets_target_end",
            Outcome::SpendTotal => "spend_total",
        }
    }

    /// Each run's value. An infinite caseload (nobody holding cases) counts
    /// as the largest finite caseload of the runs, so that it neither
    /// breaks the variance nor dominates it; it never meets the target.
    pub fn values(self, s: &Scenario, totals: &[RunTotals]) -> Vec<f64> {
        match self {
            Outcome::CaseloadEnd => capped(totals.iter().map(|t| t.end_caseload).collect()),
            Outcome::MeetsTargetEnd => totals
                .iter()
                .map(|t| f64::from(u8::from(t.end_caseload <= s.target.high)))
                .collect(),
            Outcome::SpendTotal => totals.iter().map(|t| Spend::total(&t.spend)).collect(),
        }
    }
}

/// Infinite values replaced by the largest finite one (0 when none is).
fn capped(mut values: Vec<f64>) -> Vec<f64> {
    let top = values
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let top = if top.is_finite() { top } else { 0.0 };
    for v in &mut values {
        if !v.is_finite() {
            *v = top;
        }
    }
    values
}

/// One driver: an uncertain parameter, or every leaving band when they
/// move together (one quantile per run); the council's, or a team's or a
/// role's own (`Scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    One(Parameter),
    LeavingBandsTogether,
    Own(Parameter, Scope),
    OwnLeavingBandsTogether(Scope),
}

impl Driver {
    /// Its key path in the scenario file.
    pub fn key(self, s: &Scenario) -> String {
        match self {
            Driver::One(p) => p.key(s),
            Driver::LeavingBandsTogether => LEAVING_BANDS.to_string(),
            Driver::Own(p, scope) => format!("{}{}", scope.prefix(s), p.key(s)),
            Driver::OwnLeavingBandsTogether(scope) => format!("{}{LEAVING_BANDS}", scope.prefix(s)),
        }
    }
}

/// Each driver of `s` with the value every run drew of it, in the order of
/// the declaration. Fixed parameters are left out. Leaving bands that move
/// together are one driver, valued by the first uncertain band (every band
/// is a rising function of the run's one quantile).
pub fn inputs(s: &Scenario, seed: u64, runs: usize) -> Vec<(Driver, Vec<f64>)> {
    let uncertain: Vec<Parameter> = s
        .parameters()
        .into_iter()
        .filter(|(_, u)| !u.is_fixed())
        .map(|(p, _)| p)
        .collect();
    let together = s.workforce.leaving_bands_move_together;
    let mut drivers: Vec<(Driver, Vec<f64>)> = Vec::new();
    let mut slot: Vec<Option<usize>> = Vec::with_capacity(uncertain.len());
    for p in &uncertain {
        let driver = match p {
            Parameter::LeavingBand(_) if together => Driver::LeavingBandsTogether,
            _ => Driver::One(*p),
        };
        if drivers.iter().any(|(d, _)| *d == driver) {
            slot.push(None);
        } else {
            slot.push(Some(drivers.len()));
            drivers.push((driver, Vec::with_capacity(runs)));
        }
    }
    // Then each team's and role's own: its leaving bands one driver when
    // they move together in its pools.
    let own = s.own_parameters();
    let together_in = |pool: usize| {
        s.organisation
            .as_ref()
            .and_then(|o| o.pools.get(pool))
            .is_some_and(|p| p.scenario.workforce.leaving_bands_move_together)
    };
    let mut own_slot: Vec<Option<usize>> = Vec::with_capacity(own.len());
    for o in &own {
        let driver = match o.parameter {
            Parameter::LeavingBand(_) if together_in(o.pool) => Driver::OwnLeavingBandsTogether(o.scope),
            p => Driver::Own(p, o.scope),
        };
        if drivers.iter().any(|(d, _)| *d == driver) {
            own_slot.push(None);
        } else {
            own_slot.push(Some(drivers.len()));
            drivers.push((driver, Vec::with_capacity(runs)));
        }
    }
    for run in 0..runs as u64 {
        let values = drawn(s, seed, run).into_iter().filter(|(p, _)| uncertain.contains(p));
        for ((_, x), at) in values.zip(&slot) {
            if let Some((_, column)) = at.and_then(|i| drivers.get_mut(i)) {
                column.push(x);
            }
        }
        if !own.is_empty() {
            for ((_, x), at) in drawn_own(s, seed, run).into_iter().zip(&own_slot) {
                if let Some((_, column)) = at.and_then(|i| drivers.get_mut(i)) {
                    column.push(x);
                }
            }
        }
    }
    drivers
}

/// The number of bins for `n` runs: about sqrt(n), at most [`MAX_BINS`],
/// and at least 2 with 4 runs or more (none below: nothing to estimate).
pub fn bins(n: usize) -> usize {
    if n < 4 {
        return 0;
    }
    ((n as f64).sqrt().round() as usize).clamp(2, MAX_BINS)
}

/// The first-order share of `y`'s variance explained by `x` (runs in the
/// same order): equal-count bins of `x`, the correlation ratio, less what
/// bins of a parameter with no effect would show, at least 0. None when
/// `y` does not vary or there are too few runs.
pub fn first_order(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    let m = bins(n);
    let mean = y.iter().take(n).sum::<f64>() / n as f64;
    let total: f64 = y.iter().take(n).map(|v| (v - mean).powi(2)).sum();
    if m == 0 || total <= 0.0 || !total.is_finite() {
        return None;
    }
    // Ties keep run order, so the bins are the same on every machine.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let mut between = 0.0;
    for k in 0..m {
        let bin = &order[k * n / m..(k + 1) * n / m];
        let bin_mean = bin.iter().map(|&i| y[i]).sum::<f64>() / bin.len() as f64;
        between += bin.len() as f64 * (bin_mean - mean).powi(2);
    }
    let eta2 = (between / total).min(1.0);
    let noise = (m - 1) as f64 / (n - m) as f64;
    Some((eta2 - noise * (1.0 - eta2)).max(0.0))
}

/// Whether an outcome's spread across runs could be shared out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    /// It varies from run to run: the shares and chance say why.
    Varies,
    /// It is the same in every run (every run meets the target, say): there
    /// is no spread, so a share of it means nothing.
    Constant,
    /// Fewer than 4 runs: too few to estimate a share.
    TooFewRuns,
}

/// The drivers of one outcome: each driver's share, largest first, and
/// what is left to chance.
#[derive(Debug, Clone, PartialEq)]
pub struct Drivers {
    pub outcome: Outcome,
    /// (driver, share), largest share first, ties in declaration order;
    /// every share 0 unless the spread [`Spread::Varies`].
    pub shares: Vec<(Driver, f64)>,
    /// 1 less the shares, at least 0 (all of it with no uncertain
    /// assumption); 0 unless the spread [`Spread::Varies`].
    pub chance: f64,
    /// The shares added to more than 1 through the estimate's noise and
    /// were scaled down to add to 1 (chance is then 0).
    pub scaled: bool,
    pub spread: Spread,
}

impl Drivers {
    /// The shares of `y`'s variance, one per driver of `inputs`.
    pub fn of(outcome: Outcome, inputs: &[(Driver, Vec<f64>)], y: &[f64]) -> Drivers {
        let estimates: Vec<(Driver, Option<f64>)> = inputs.iter().map(|(d, x)| (*d, first_order(x, y))).collect();
        let spread = if y.iter().all(|v| y.first() == Some(v)) {
            Spread::Constant
        } else if bins(y.len()) == 0 {
            Spread::TooFewRuns
        } else {
            Spread::Varies
        };
        let mut shares: Vec<(Driver, f64)> = estimates.into_iter().map(|(d, s)| (d, s.unwrap_or(0.0))).collect();
        let sum: f64 = shares.iter().map(|(_, s)| s).sum();
        let scaled = sum > 1.0;
        if scaled {
            for (_, s) in &mut shares {
                *s /= sum;
            }
        }
        shares.sort_by(|a, b| b.1.total_cmp(&a.1));
        let chance = if spread == Spread::Varies {
            (1.0 - sum.min(1.0)).max(0.0)
        } else {
            0.0
        };
        Drivers {
            outcome,
            shares,
            chance,
            scaled,
            spread,
        }
    }

    /// The outcome varies from run to run, so its shares mean something.
    pub fn explained(&self) -> bool {
        self.spread == Spread::Varies
    }

    /// The driver with the largest share, if any has one.
    pub fn top(&self) -> Option<(Driver, f64)> {
        self.shares.first().copied().filter(|(_, s)| *s > 0.0)
    }
}

/// Every outcome's drivers for one scenario's runs (`totals` in run order,
/// drawn with `seed`).
pub fn of_runs(s: &Scenario, seed: u64, totals: &[RunTotals]) -> Vec<Drivers> {
    let inputs = inputs(s, seed, totals.len());
    Outcome::ALL
        .iter()
        .map(|&o| Drivers::of(o, &inputs, &o.values(s, totals)))
        .collect()
}

/// Every outcome's drivers for a scenario's paired difference from the
/// baseline, run by run (scenario minus baseline). The drivers are the
/// scenario's, then any of the baseline's that the scenario lacks (the same
/// key path draws from the same stream in both).
pub fn of_differences(
    s: &Scenario,
    base: &Scenario,
    seed: u64,
    totals: &[RunTotals],
    base_totals: &[RunTotals],
) -> Vec<Drivers> {
    let n = totals.len().min(base_totals.len());
    let mut all = inputs(s, seed, n);
    let keys: Vec<String> = all.iter().map(|(d, _)| d.key(s)).collect();
    all.extend(
        inputs(base, seed, n)
            .into_iter()
            .filter(|(d, _)| !keys.contains(&d.key(base))),
    );
    Outcome::ALL
        .iter()
        .map(|&o| {
            let (y, b) = if o == Outcome::CaseloadEnd {
                // Both capped at the largest finite caseload of either.
                let both = capped([end(totals), end(base_totals)].concat());
                let (y, b) = both.split_at(totals.len());
                (y.to_vec(), b.to_vec())
            } else {
                (o.values(s, totals), o.values(base, base_totals))
            };
            let d: Vec<f64> = y.iter().zip(&b).map(|(a, b)| a - b).collect();
            Drivers::of(o, &all, &d)
        })
        .collect()
}

fn end(totals: &[RunTotals]) -> Vec<f64> {
    totals.iter().map(|t| t.end_caseload).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    /// Y = a X1 + b X2 + noise, X1, X2 uniform on [0, 1] (variance 1/12),
    /// noise normal-ish (a sum of uniforms) with variance v.
    fn linear(n: usize, a: f64, b: f64, noise_sd: f64, seed: u64) -> (Vec<Vec<f64>>, Vec<f64>) {
        let mut rng = Pcg64::seed_from_u64(seed);
        let mut xs = vec![Vec::new(), Vec::new(), Vec::new()];
        let mut y = Vec::new();
        for _ in 0..n {
            let x1: f64 = rng.random();
            let x2: f64 = rng.random();
            let x3: f64 = rng.random();
            // Irwin-Hall: 12 uniforms less 6 has variance 1.
            let z: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
            xs[0].push(x1);
            xs[1].push(x2);
            xs[2].push(x3);
            y.push(a * x1 + b * x2 + noise_sd * z);
        }
        (xs, y)
    }

    #[test]
    fn shares_of_a_linear_model_match_the_exact_indices() {
        // Var(Y) = (a^2 + b^2)/12 + sd^2: with a = 3, b = 2, sd = 0.5,
        // 13/12 + 0.25 = 1.3333; S1 = 0.75/1.3333 = 0.5625, S2 = 0.25.
        let n = 10_000;
        let (xs, y) = linear(n, 3.0, 2.0, 0.5, 7);
        let s1 = first_order(&xs[0], &y).unwrap_or(f64::NAN);
        let s2 = first_order(&xs[1], &y).unwrap_or(f64::NAN);
        let s3 = first_order(&xs[2], &y).unwrap_or(f64::NAN);
        // The estimate's standard error is about sqrt(2 S (1 - S) / n)-ish
        // plus binning: under 0.01 here, so 0.03 is three of them.
        assert!((s1 - 0.5625).abs() < 0.03, "S1 {s1}");
        assert!((s2 - 0.25).abs() < 0.03, "S2 {s2}");
        // No effect: the correction takes away the bins' chance spread.
        assert!(s3 < 0.01, "S3 {s3}");
    }

    #[test]
    fn a_parameter_with_no_effect_averages_near_zero_over_many_samples() {
        let mut sum = 0.0;
        for seed in 0..40 {
            let (xs, y) = linear(1000, 0.0, 1.0, 1.0, seed);
            sum += first_order(&xs[0], &y).unwrap_or(f64::NAN);
        }
        // Clamped at 0, the mean is a little above 0; uncorrected it would
        // be about (32 - 1) / 999 = 0.031.
        assert!(sum / 40.0 < 0.012, "mean {}", sum / 40.0);
    }

    #[test]
    fn a_deterministic_function_of_one_parameter_is_all_its_share_and_no_chance() {
        let x: Vec<f64> = (0..2500).map(|i| f64::from(i * 7919 % 2500)).collect();
        let y: Vec<f64> = x.iter().map(|v| v * v).collect();
        let d = Drivers::of(
            Outcome::SpendTotal,
            &[(Driver::One(Parameter::ReferralsPerMonth), x)],
            &y,
        );
        assert!(d.shares[0].1 > 0.99, "{:?}", d.shares);
        assert!(d.chance < 0.01);
    }

    #[test]
    fn shares_adding_above_one_are_scaled_and_chance_is_zero() {
        // Two copies of one parameter each explain everything.
        let x: Vec<f64> = (0..400).map(f64::from).collect();
        let y = x.clone();
        let one = |p| (Driver::One(p), x.clone());
        let d = Drivers::of(
            Outcome::CaseloadEnd,
            &[one(Parameter::ReferralsPerMonth), one(Parameter::AnnualGrowth)],
            &y,
        );
        assert!(d.scaled);
        assert_eq!(d.chance, 0.0);
        let sum: f64 = d.shares.iter().map(|s| s.1).sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn an_outcome_with_no_spread_has_no_shares_not_all_of_it_to_chance() {
        let x: Vec<f64> = (0..400).map(f64::from).collect();
        let d = Drivers::of(
            Outcome::MeetsTargetEnd,
            &[(Driver::One(Parameter::ReferralsPerMonth), x.clone())],
            &vec![1.0; 400],
        );
        assert_eq!(d.spread, Spread::Constant);
        assert!(!d.explained());
        assert_eq!(d.chance, 0.0);
        let few = Drivers::of(Outcome::CaseloadEnd, &[], &[1.0, 2.0, 3.0]);
        assert_eq!(few.spread, Spread::TooFewRuns);
        // Varying with no uncertain assumption: all of it is chance.
        let chance = Drivers::of(Outcome::CaseloadEnd, &[], &x);
        assert!(chance.explained());
        assert_eq!(chance.chance, 1.0);
    }

    #[test]
    fn bins_grow_as_the_square_root_of_the_runs_up_to_fifty() {
        assert_eq!(bins(3), 0);
        assert_eq!(bins(4), 2);
        assert_eq!(bins(1000), 32);
        assert_eq!(bins(10_000), 50);
        assert_eq!(bins(1_000_000), 50);
    }

    #[test]
    fn infinite_caseloads_count_as_the_largest_finite_one() {
        assert_eq!(capped(vec![1.0, f64::INFINITY, 3.0]), vec![1.0, 3.0, 3.0]);
        assert_eq!(capped(vec![f64::INFINITY]), vec![0.0]);
    }
}
