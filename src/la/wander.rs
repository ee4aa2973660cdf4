//! How far councils' published figures wander from year to year: the
//! spreads and drifts that `new --la` gives a scenario's uncertain values.
//!
//! A published figure moves for two reasons, and the figures tell them
//! apart. Year-to-year noise (a bad year for leavers, a recount) moves it
//! about as much over one year as over four; lasting change (a market that
//! tightens, demand that grows) moves it further the longer one waits. So
//! across every council, the variance of the log change over k years is
//! about `a + b k`: `a` is the noise, which a scenario carries as the spread
//! of a range centred on the latest value (a lognormal with `sd_log =
//! sqrt(a)`), and `b` the lasting change, which it carries as drift (MODEL.md:
//! sigma = `sqrt(b)` per square root of a year).
//!
//! The constants below were estimated by [`estimate`] from every council's
//! figures published up to [`CALIBRATION_LAST_YEAR`] (`cargo run --release
//! --example calibrate` prints them; a test checks they still match), so a
//! backtest judged on later years is not judged on the figures that set
//! them. A council's own year-to-year changes then scale them up or down
//! ([`own_scale`]), shrunk toward England's pooled figure: a council with a
//! year or two of figures gets the pooled spread, never a guess.
//!
//! Each variance is taken robustly, from the middle 90% of the changes (the
//! 5th to 95th percentile range over 3.29, which is a normal's 90% range in
//! standard deviations): the bands are judged on how often a value falls
//! inside them, and a few councils' recounts would inflate a plain
//! variance.

use super::{Area, Column, Figures};

/// The last year of figures the constants were estimated from: every
/// backtest judged on later origins is out of sample.
pub const CALIBRATION_LAST_YEAR: i32 = 2021;

/// The longest change, in years, the estimate looks at.
const LONGEST_CHANGE: i32 = 4;

/// Fewer pairs than this at a horizon and it is left out of the fit.
const FEWEST_PAIRS: usize = 20;

/// How much England's pooled figure weighs against a council's own
/// changes, in pseudo-changes (assumption): a council with four published
/// year-to-year changes weighs as much as the pool.
pub const POOLED_WEIGHT: f64 = 4.0;

/// A council's own scale is kept within these bounds of the pooled figure
/// (assumption: a council's few changes, one of them a recount, should not
/// make it five times as uncertain as any other).
pub const SCALE_BOUNDS: (f64, f64) = (0.5, 2.0);

/// The standard normal's 95th percentile: a 90% range is median x
/// exp(+-1.645 sd_log).
pub const Z90: f64 = 1.644_853_626_951_472_2;

/// How one kind of figure wanders: the spread of a range about its latest
/// value (`sd_log` of a lognormal) and its drift (MODEL.md's sigma, per
/// square root of a year).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wander {
    pub spread: f64,
    pub drift: f64,
}

impl Wander {
    /// The expected square of one year's log change: noise plus a year's drift.
    fn yearly_variance(self) -> f64 {
        self.spread * self.spread + self.drift * self.drift
    }
}

/// The kinds of figure a scenario takes a range or a drift from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// Turnover (leavers over in post): the leaving rates.
    Turnover,
    /// Starters: experienced hires and the newly qualified intake.
    Starters,
    /// Referrals a year: demand.
    Referrals,
    /// Agency social workers: the agency level.
    Agency,
    /// Case holders over social workers in post and agency.
    CaseHoldingShare,
}

impl Series {
    pub const ALL: [Series; 5] = [
        Series::Turnover,
        Series::Starters,
        Series::Referrals,
        Series::Agency,
        Series::CaseHoldingShare,
    ];

    /// Its name, as the calibration prints it.
    pub fn name(self) -> &'static str {
        match self {
            Series::Turnover => "turnover",
            Series::Starters => "starters",
            Series::Referrals => "referrals",
            Series::Agency => "agency",
            Series::CaseHoldingShare => "case_holding_share",
        }
    }

    /// The pooled constants (estimated from figures to [`CALIBRATION_LAST_YEAR`]).
    pub fn pooled(self) -> Wander {
        match self {
            Series::Turnover => Wander {
                spread: 0.473,
                drift: 0.059,
            },
            Series::Starters => Wander {
                spread: 0.454,
                drift: 0.141,
            },
            Series::Referrals => Wander {
                spread: 0.168,
                drift: 0.149,
            },
            Series::Agency => Wander {
                spread: 0.0,
                drift: 0.485,
            },
            Series::CaseHoldingShare => Wander {
                spread: 0.146,
                drift: 0.064,
            },
        }
    }

    /// The calibration's stretch of the pooled spread and drift: how much
    /// wider the bands of the measure it drives had to be to hold 9 in 10
    /// published values in backtests from 2017 to 2020 judged on figures
    /// up to 2021 (docs/model.md, "Ranges and drift"). The model's own
    /// structure turns a parameter's spread into a measure's spread, so the
    /// data's spread is where calibration starts, not where it ends.
    pub fn stretch(self) -> f64 {
        match self {
            Series::Turnover | Series::Starters => WORKFORCE_STRETCH,
            Series::Referrals | Series::CaseHoldingShare => CASELOAD_STRETCH,
            Series::Agency => AGENCY_STRETCH,
        }
    }

    /// Whether its noise is carried as drift too. The agency level has no
    /// range of its own (the scenario starts from the agency in post), so
    /// its whole spread is drift: the fit goes through the origin.
    fn all_drift(self) -> bool {
        self == Series::Agency
    }

    /// The published value for `year`, if any (the raw columns: the
    /// estimate looks at how figures move, not at one council's derivation).
    pub fn value(self, area: &Area, year: i32) -> Option<f64> {
        let v = |c| area.value(c, year);
        let x = match self {
            Series::Turnover => v(Column::TurnoverRateFte)?,
            Series::Starters => v(Column::StartersHeadcount)?,
            Series::Referrals => v(Column::ReferralCount)?,
            Series::Agency => v(Column::AgencyFte)?,
            Series::CaseHoldingShare => {
                let all = v(Column::InpostFte)? + v(Column::AgencyFte)?;
                (all > 0.0).then_some(v(Column::CaseHoldersFte)? / all)?
            }
        };
        (x.is_finite() && x > 0.0).then_some(x)
    }
}

/// What [`estimate`] found for one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub series: Series,
    /// (k, pairs of years k apart, robust variance of their log change).
    pub by_years: Vec<(i32, usize, f64)>,
    pub wander: Wander,
}

/// The log changes over `k` years of every council's `series`, both years
/// published and positive, the later no later than `last_year`.
pub fn log_changes(figures: &Figures, series: Series, k: i32, last_year: i32) -> Vec<f64> {
    let mut out = Vec::new();
    for area in &figures.councils {
        for y in area.years_to(last_year - k) {
            if let (Some(a), Some(b)) = (series.value(area, y), series.value(area, y + k)) {
                out.push((b / a).ln());
            }
        }
    }
    out
}

/// Fits `a + b k` to the robust variances of `series`'s k-year log changes
/// (k = 1 to 4, weighted by their pairs), from figures up to `last_year`.
pub fn estimate(figures: &Figures, series: Series, last_year: i32) -> Estimate {
    let by_years: Vec<(i32, usize, f64)> = (1..=LONGEST_CHANGE)
        .map(|k| {
            let changes = log_changes(figures, series, k, last_year);
            (k, changes.len(), robust_variance(&changes))
        })
        .filter(|(_, n, _)| *n >= FEWEST_PAIRS)
        .collect();
    let (a, b) = if series.all_drift() {
        (0.0, through_origin(&by_years))
    } else {
        weighted_line(&by_years)
    };
    Estimate {
        series,
        by_years,
        wander: Wander {
            spread: round3(a.max(0.0).sqrt()),
            drift: round3(b.max(0.0).sqrt()),
        },
    }
}

/// The pooled slope of agency's change on the vacancies' change over one
/// year (ordinary least squares, every council, years up to `last_year`):
/// how much agency moves per FTE of change in vacant posts. With the
/// number of pairs.
pub fn estimate_vacancy_link(figures: &Figures, last_year: i32) -> (f64, usize) {
    let pairs: Vec<(f64, f64)> = figures
        .councils
        .iter()
        .flat_map(|area| vacancy_agency_changes(area, i32::MIN, last_year))
        .collect();
    (round3(slope(&pairs).clamp(0.0, 1.0)), pairs.len())
}

/// A council's one-year changes in (vacancies, agency) between years
/// `first_year` and `last_year`.
pub fn vacancy_agency_changes(area: &Area, first_year: i32, last_year: i32) -> Vec<(f64, f64)> {
    area.years_to(last_year - 1)
        .into_iter()
        .filter(|y| *y >= first_year)
        .filter_map(|y| {
            let at = |c, y| area.value(c, y);
            Some((
                at(Column::VacancyFte, y + 1)? - at(Column::VacancyFte, y)?,
                at(Column::AgencyFte, y + 1)? - at(Column::AgencyFte, y)?,
            ))
        })
        .collect()
}

/// The stretches of [`Series::stretch`], for the figures that drive social
/// workers in post (turnover, starters), the caseload (referrals, the
/// case-holding share) and agency.
pub const WORKFORCE_STRETCH: f64 = 1.2;
pub const CASELOAD_STRETCH: f64 = 0.42;
pub const AGENCY_STRETCH: f64 = 0.72;

/// The pooled vacancy link (estimated from figures to [`CALIBRATION_LAST_YEAR`]).
pub const VACANCY_LINK: f64 = 0.39;

/// Ordinary least squares slope of y on x; 0 without spread in x.
pub fn slope(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx > 0.0 { sxy / sxx } else { 0.0 }
}

/// A council's scale of the pooled figure, from its own year-to-year log
/// changes: the root of (its changes' mean square over the pool's expected
/// one, weighted by their number, plus [`POOLED_WEIGHT`] of the pool's 1),
/// over their total weight, kept within [`SCALE_BOUNDS`]. With no changes
/// of its own, 1: the pooled figure.
pub fn own_scale(changes: &[f64], pooled: Wander) -> f64 {
    let expected = pooled.yearly_variance();
    if expected <= 0.0 {
        return 1.0;
    }
    let m = changes.len() as f64;
    let own: f64 = changes.iter().map(|d| d * d).sum::<f64>() / expected;
    let ratio = (own + POOLED_WEIGHT) / (m + POOLED_WEIGHT);
    ratio.sqrt().clamp(SCALE_BOUNDS.0, SCALE_BOUNDS.1)
}

/// A council's shrunk vacancy link: its own slope from its one-year changes
/// (kept within 0 to 1), weighted by their number, and [`POOLED_WEIGHT`] of
/// the pooled [`VACANCY_LINK`].
pub fn own_vacancy_link(changes: &[(f64, f64)]) -> f64 {
    let m = changes.len() as f64;
    let own = if changes.iter().any(|c| c.0 != 0.0) && changes.len() >= 2 {
        slope(changes).clamp(0.0, 1.0)
    } else {
        VACANCY_LINK
    };
    round3((m * own + POOLED_WEIGHT * VACANCY_LINK) / (m + POOLED_WEIGHT))
}

/// The variance of `xs` read from their middle 90%: ((p95 - p05) / 3.29)^2.
pub fn robust_variance(xs: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let sd = (quantile(&sorted, 0.95) - quantile(&sorted, 0.05)) / (2.0 * Z90);
    sd * sd
}

/// numpy's default (linear) quantile of sorted values; 0 for none.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let h = p.clamp(0.0, 1.0) * last as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(last);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo as f64)
}

/// The weighted least-squares line `a + b k` through (k, n, v).
fn weighted_line(points: &[(i32, usize, f64)]) -> (f64, f64) {
    let w: f64 = points.iter().map(|p| p.1 as f64).sum();
    if w <= 0.0 {
        return (0.0, 0.0);
    }
    let mk = points.iter().map(|p| p.1 as f64 * f64::from(p.0)).sum::<f64>() / w;
    let mv = points.iter().map(|p| p.1 as f64 * p.2).sum::<f64>() / w;
    let sxx: f64 = points.iter().map(|p| p.1 as f64 * (f64::from(p.0) - mk).powi(2)).sum();
    let sxy: f64 = points
        .iter()
        .map(|p| p.1 as f64 * (f64::from(p.0) - mk) * (p.2 - mv))
        .sum();
    let b = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (mv - b * mk, b)
}

/// The weighted least-squares slope of `v = b k` through the origin.
fn through_origin(points: &[(i32, usize, f64)]) -> f64 {
    let kk: f64 = points.iter().map(|p| p.1 as f64 * f64::from(p.0).powi(2)).sum();
    let kv: f64 = points.iter().map(|p| p.1 as f64 * f64::from(p.0) * p.2).sum();
    if kk > 0.0 { kv / kk } else { 0.0 }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constants_are_what_the_figures_to_2021_give() {
        let figures = Figures::embedded().unwrap();
        for series in Series::ALL {
            let e = estimate(&figures, series, CALIBRATION_LAST_YEAR);
            assert_eq!(e.wander, series.pooled(), "{}", series.name());
            assert_eq!(e.by_years.len(), 4, "{}", series.name());
        }
        assert_eq!(estimate_vacancy_link(&figures, CALIBRATION_LAST_YEAR).0, VACANCY_LINK);
        // Later figures would give other constants: the estimate reads no
        // year after the one it is given.
        let later = estimate(&figures, Series::Agency, 2025);
        assert_ne!(later.wander, Series::Agency.pooled());
    }

    #[test]
    fn quantiles_are_numpys_linear_ones() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&xs, 0.5), 3.0);
        assert!((quantile(&xs, 0.05) - 1.2).abs() < 1e-12);
        assert!((quantile(&xs, 0.95) - 4.8).abs() < 1e-12);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }

    #[test]
    fn a_line_through_exact_points_is_found() {
        let points = [(1, 10, 0.3), (2, 20, 0.5), (3, 5, 0.7), (4, 1, 0.9)];
        let (a, b) = weighted_line(&points);
        assert!((a - 0.1).abs() < 1e-12 && (b - 0.2).abs() < 1e-12, "{a} {b}");
        assert!((through_origin(&[(1, 3, 0.2), (2, 1, 0.4)]) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn a_council_without_changes_of_its_own_gets_the_pooled_figure() {
        let w = Wander {
            spread: 0.3,
            drift: 0.4,
        };
        assert_eq!(own_scale(&[], w), 1.0);
        // Four changes of exactly the expected size (0.5) keep it at 1.
        assert!((own_scale(&[0.5, -0.5, 0.5, -0.5], w) - 1.0).abs() < 1e-12);
        // Four changes twice as large: (4 x 4 + 4) / 8 = 2.5, root 1.58.
        assert!((own_scale(&[1.0, -1.0, 1.0, -1.0], w) - 2.5f64.sqrt()).abs() < 1e-12);
        // Bounded.
        assert_eq!(own_scale(&[0.0; 40], w), SCALE_BOUNDS.0);
    }

    #[test]
    fn the_vacancy_link_shrinks_toward_the_pool() {
        assert_eq!(own_vacancy_link(&[]), VACANCY_LINK);
        // Agency moving one for one with vacancies, four pairs: halfway.
        let own = own_vacancy_link(&[(1.0, 1.0), (2.0, 2.0), (-1.0, -1.0), (3.0, 3.0)]);
        assert!((own - round3((4.0 + 4.0 * VACANCY_LINK) / 8.0)).abs() < 1e-12);
        assert!((slope(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn a_robust_variance_of_normal_draws_is_near_their_variance() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, StandardNormal};
        let mut rng = rand_pcg::Pcg64::seed_from_u64(3);
        let xs: Vec<f64> = (0..20_000)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut rng);
                0.5 * z
            })
            .collect();
        assert!((robust_variance(&xs) - 0.25).abs() < 0.01, "{}", robust_variance(&xs));
    }
}
