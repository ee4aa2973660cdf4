//! Scoring a forecast's bands against what happened: whether each outcome
//! fell inside the central 50% and 90% bands, the median's absolute error,
//! and the interval score of Gneiting and Raftery (2007, "Strictly proper
//! scoring rules, prediction, and estimation", JASA 102, eq. 43), which
//! rewards a narrow band and penalises a miss by how far it missed.
//! Pure: numbers in, numbers out; `backtest` says what is scored.

/// A forecast of one value: its p05, p25, p50, p75, p95.
pub type Quantiles = [f64; 5];

/// The central bands scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// p25 to p75.
    Fifty,
    /// p05 to p95.
    Ninety,
}

impl Band {
    pub const ALL: [Band; 2] = [Band::Fifty, Band::Ninety];

    /// The share of outcomes a central band should miss: 0.5 or 0.1.
    pub fn alpha(self) -> f64 {
        match self {
            Band::Fifty => 0.5,
            Band::Ninety => 0.1,
        }
    }

    /// Its low and high edge among the quantiles.
    pub fn edges(self, q: &Quantiles) -> (f64, f64) {
        match self {
            Band::Fifty => (q[1], q[3]),
            Band::Ninety => (q[0], q[4]),
        }
    }
}

/// Whole ten-thousandths: backtest.csv prints values to 4 decimals
/// (`output::fmt_value`), so an outcome and a band edge are compared at
/// that precision, and a value shown equal to an edge is inside.
fn as_printed(x: f64) -> f64 {
    (x * 10_000.0).round()
}

/// Whether `x` lies within the band (edges included, as printed). A band
/// with an edge that is not a number or is infinite (an infinite
/// projected caseload: no capacity at all) holds nothing: it counts as a
/// miss.
pub fn inside(q: &Quantiles, band: Band, x: f64) -> bool {
    let (low, high) = band.edges(q);
    if !(low.is_finite() && high.is_finite()) {
        return false;
    }
    let x = as_printed(x);
    as_printed(low) <= x && x <= as_printed(high)
}

/// The interval score of the central (1 - alpha) interval `[low, high]`
/// for the outcome `x` (Gneiting and Raftery 2007, eq. 43): its width, plus
/// 2 / alpha times the distance by which `x` falls outside it. Lower is
/// better; it is in the unit of `x`.
pub fn interval_score(low: f64, high: f64, x: f64, alpha: f64) -> f64 {
    let below = if x < low { low - x } else { 0.0 };
    let above = if x > high { x - high } else { 0.0 };
    (high - low) + 2.0 / alpha * (below + above)
}

/// How well one forecast did over some outcomes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Outcomes scored.
    pub n: usize,
    pub in_50: usize,
    pub in_90: usize,
    /// The median's mean absolute error, over the outcomes whose median is
    /// finite; None when none is.
    pub mae: Option<f64>,
    /// The mean interval score of the 50% and of the 90% band, over the
    /// outcomes whose band has finite edges; None when none has.
    pub interval_50: Option<f64>,
    pub interval_90: Option<f64>,
}

/// `k` of `n` as a share; None when `n` is 0.
pub fn share(k: usize, n: usize) -> Option<f64> {
    (n > 0).then(|| k as f64 / n as f64)
}

impl Score {
    /// The share of outcomes inside the 50% band; None without any.
    pub fn coverage_50(&self) -> Option<f64> {
        share(self.in_50, self.n)
    }

    /// The share of outcomes inside the 90% band; None without any.
    pub fn coverage_90(&self) -> Option<f64> {
        share(self.in_90, self.n)
    }
}

/// A mean built up one value at a time, in the order given (so sums are
/// the same on any number of threads).
#[derive(Debug, Clone, Copy, Default)]
struct Mean {
    sum: f64,
    count: usize,
}

impl Mean {
    /// Adds `x` when it is finite; an infinite value is left out.
    fn add(&mut self, x: f64) {
        if x.is_finite() {
            self.sum += x;
            self.count += 1;
        }
    }

    fn value(self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

/// Running totals of one forecast's scores, outcome by outcome.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    n: usize,
    in_50: usize,
    in_90: usize,
    abs_error: Mean,
    interval_50: Mean,
    interval_90: Mean,
}

impl Tally {
    /// Scores the forecast `q` against the outcome `x`.
    pub fn add(&mut self, q: &Quantiles, x: f64) {
        self.n += 1;
        self.in_50 += usize::from(inside(q, Band::Fifty, x));
        self.in_90 += usize::from(inside(q, Band::Ninety, x));
        self.abs_error.add((q[2] - x).abs());
        for band in Band::ALL {
            let (low, high) = band.edges(q);
            let score = interval_score(low, high, x, band.alpha());
            match band {
                Band::Fifty => self.interval_50.add(score),
                Band::Ninety => self.interval_90.add(score),
            }
        }
    }

    pub fn score(&self) -> Score {
        Score {
            n: self.n,
            in_50: self.in_50,
            in_90: self.in_90,
            mae: self.abs_error.value(),
            interval_50: self.interval_50.value(),
            interval_90: self.interval_90.value(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_score_is_the_width_plus_two_over_alpha_times_the_miss() {
        // Inside: the width alone.
        assert_eq!(interval_score(10.0, 20.0, 15.0, 0.1), 10.0);
        assert_eq!(interval_score(10.0, 20.0, 10.0, 0.1), 10.0);
        // 3 below a 90% band: 10 + 20 × 3.
        assert_eq!(interval_score(10.0, 20.0, 7.0, 0.1), 70.0);
        // 5 above a 50% band: 10 + 4 × 5.
        assert_eq!(interval_score(10.0, 20.0, 25.0, 0.5), 30.0);
        // A point forecast (zero width) scores the penalty only.
        assert_eq!(interval_score(12.0, 12.0, 12.0, 0.1), 0.0);
        assert_eq!(interval_score(12.0, 12.0, 14.5, 0.1), 50.0);
        assert_eq!(interval_score(12.0, 12.0, 11.0, 0.5), 4.0);
    }

    #[test]
    fn a_tally_counts_the_bands_and_averages_the_errors_and_scores() {
        let q = [10.0, 20.0, 30.0, 40.0, 50.0];
        let mut t = Tally::default();
        for x in [30.0, 15.0, 60.0] {
            t.add(&q, x);
        }
        let s = t.score();
        assert_eq!((s.n, s.in_50, s.in_90), (3, 1, 2));
        assert_eq!(s.coverage_90(), Some(2.0 / 3.0));
        // Errors 0, 15, 30.
        assert_eq!(s.mae, Some(15.0));
        // 50% band, width 20: 20, 20 + 4 × 5, 20 + 4 × 20.
        assert_eq!(s.interval_50, Some((20.0 + 40.0 + 100.0) / 3.0));
        // 90% band, width 40: 40, 40, 40 + 20 × 10.
        assert_eq!(s.interval_90, Some((40.0 + 40.0 + 240.0) / 3.0));
    }

    #[test]
    fn an_infinite_projection_is_a_miss_and_left_out_of_the_averages() {
        let mut t = Tally::default();
        t.add(&[10.0, 20.0, 30.0, 40.0, f64::INFINITY], 35.0);
        t.add(&[f64::INFINITY; 5], 35.0);
        t.add(&[10.0, 20.0, 30.0, 40.0, 50.0], 35.0);
        let s = t.score();
        assert_eq!((s.n, s.in_50, s.in_90), (3, 2, 1));
        assert_eq!(s.mae, Some(5.0));
        assert_eq!(s.interval_50, Some(20.0));
        assert_eq!(s.interval_90, Some(40.0));
        let none = Tally::default().score();
        assert_eq!((none.mae, none.coverage_50()), (None, None));
    }

    #[test]
    fn a_point_forecast_holds_only_the_value_it_equals_as_printed() {
        let q = [12.3; 5];
        assert!(inside(&q, Band::Ninety, 12.300_04));
        assert!(!inside(&q, Band::Ninety, 12.3001));
        assert!(inside(&q, Band::Fifty, 12.3));
    }
}
