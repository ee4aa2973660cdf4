//! Goal seek, as pure computation: the typed target and lever range, one
//! evaluation's numbers, and the search that finds the smallest lever value
//! (or the largest, when the chance falls as the lever rises) at which the
//! chance of meeting the target at a month reaches the asked chance.
//!
//! The search evaluates a grid of up to [`GRID`] values spread over the
//! range, judges from it whether the lever moves the chance at all and
//! which way, and then bisects between the two grid values that straddle
//! the asked chance down to the lever's step. Evaluations come from the
//! caller (`app/seek.rs` runs them on common random numbers), so the search
//! itself is tested here on known functions.

use crate::model::lever::Lever;

/// Grid values evaluated before bisecting (including both ends).
pub const GRID: u64 = 9;

/// Which side of the number the metric must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    AtMost,
    AtLeast,
}

/// `--target METRIC<=NUMBER` or `METRIC>=NUMBER`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// A column of summary.csv.
    pub metric: String,
    pub op: Op,
    pub value: f64,
}

impl Target {
    /// Whether one run's value meets the target (a NaN never does).
    pub fn met_by(&self, x: f64) -> bool {
        match self.op {
            Op::AtMost => x <= self.value,
            Op::AtLeast => x >= self.value,
        }
    }

    /// As typed: `caseload<=19`.
    pub fn written(&self) -> String {
        let op = match self.op {
            Op::AtMost => "<=",
            Op::AtLeast => ">=",
        };
        format!("{}{op}{}", self.metric, self.value)
    }
}

/// `--lever KEY=LOW..HIGH`, checked: LOW < HIGH, whole numbers for a whole
/// lever, and the step the search resolves it to.
#[derive(Debug, Clone, PartialEq)]
pub struct LeverRange {
    /// The key path as typed (`agency.extra[0].fte`).
    pub key: String,
    pub low: f64,
    pub high: f64,
    /// The declared lever's step, or 1% of the range rounded down to 1, 2
    /// or 5 times a power of ten for a key not declared.
    pub step: f64,
    pub integer: bool,
    /// The declared lever, when the key is one.
    pub lever: Option<&'static Lever>,
}

impl LeverRange {
    /// Values `low + k * step` for `k` in `0..=last_index()`; the last is
    /// the high end.
    pub fn last_index(&self) -> u64 {
        ((self.high - self.low) / self.step - 1e-9).ceil().max(1.0) as u64
    }

    /// The value at index `k` (the high end at the last index), rounded so
    /// that decimal steps stay decimal (140 + 3 × 0.1 is 140.3).
    pub fn value(&self, k: u64) -> f64 {
        if k >= self.last_index() {
            return self.high;
        }
        let x = self.low + k as f64 * self.step;
        (x * 1e9).round() / 1e9
    }
}

/// 1% of a range, rounded down to 1, 2 or 5 times a power of ten.
pub fn default_step(low: f64, high: f64) -> f64 {
    let raw = (high - low) / 100.0;
    let power = 10f64.powf(raw.log10().floor());
    let nice = [5.0, 2.0, 1.0].into_iter().find(|m| m * power <= raw).unwrap_or(1.0);
    nice * power
}

/// One lever value run on the common random numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub value: f64,
    pub runs: u32,
    /// Runs meeting the target, month by month.
    pub met_by_month: Vec<u32>,
    /// Runs meeting the target at the target month.
    pub met: u32,
    /// Mean total spend over the horizon (summed in run order).
    pub spend_mean: f64,
}

impl Evaluation {
    /// The share of runs meeting the target at the target month.
    pub fn chance(&self) -> f64 {
        f64::from(self.met) / f64::from(self.runs.max(1))
    }

    /// The chance's standard error, sqrt(p(1-p)/runs).
    pub fn chance_se(&self) -> f64 {
        let p = self.chance();
        (p * (1.0 - p) / f64::from(self.runs.max(1))).sqrt()
    }

    /// Whether the chance is at least `asked` (counted in runs, so that
    /// 800 of 1,000 meets 0.8 exactly).
    pub fn meets(&self, asked: f64) -> bool {
        f64::from(self.met) >= asked * f64::from(self.runs) - 1e-9
    }

    /// The first month (step) at which the chance reaches `asked`.
    pub fn first_month_reaching(&self, asked: f64) -> Option<usize> {
        self.met_by_month
            .iter()
            .position(|&n| f64::from(n) >= asked * f64::from(self.runs) - 1e-9)
    }
}

/// Which way the chance goes as the lever rises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Rises,
    Falls,
}

/// What the search found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// The smallest value that meets the target (the largest, when the
    /// chance falls as the lever rises), to the lever's step: `answer`
    /// indexes `Search::tried`.
    Found { answer: usize, direction: Direction },
    /// Met at the low end already: the low end is the answer.
    MetAtLow { answer: usize },
    /// The chance falls as the lever rises and the high end still meets:
    /// the high end is the answer.
    MetAtHigh { answer: usize },
    /// No value tried meets the target; `best` has the highest chance.
    Never { best: usize },
    /// The chance hardly moves across the range (by no more than the
    /// tolerance), and not every value meets it.
    Flat { lowest: f64, highest: f64 },
    /// The chance goes up and down across the range by more than the
    /// tolerance: no single answer.
    NotMonotone,
}

/// Every evaluation in the order tried, and the outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub tried: Vec<Evaluation>,
    pub outcome: Outcome,
    pub direction: Option<Direction>,
    /// The tolerance for "flat" and "not monotone", in chance.
    pub tolerance: f64,
}

impl Search {
    /// The evaluation that answers, if any.
    pub fn answer(&self) -> Option<&Evaluation> {
        self.tried.get(self.answer_index()?)
    }

    /// The position in `tried` of the evaluation that answers, if any.
    pub fn answer_index(&self) -> Option<usize> {
        match self.outcome {
            Outcome::Found { answer, .. } | Outcome::MetAtLow { answer } | Outcome::MetAtHigh { answer } => {
                Some(answer)
            }
            _ => None,
        }
    }
}

/// How far the chance may move against the trend, or move at all and
/// still count as flat: two standard errors of a chance of one half, from
/// one to ten percentage points (so that a handful of runs can still show
/// a lever moving the chance). With common random numbers the chance moves
/// far less than this by chance alone between nearby values.
pub fn tolerance(runs: u32) -> f64 {
    (2.0 * (0.25 / f64::from(runs.max(1))).sqrt()).clamp(0.01, 0.1)
}

/// The search, with `evaluate` giving the evaluation at a lever value.
pub fn search<E>(
    range: &LeverRange,
    asked: f64,
    runs: u32,
    mut evaluate: impl FnMut(f64) -> Result<Evaluation, E>,
) -> Result<Search, E> {
    let mut s = Searcher {
        range,
        asked,
        tried: Vec::new(),
        at: Vec::new(),
    };
    let last = range.last_index();
    let points = GRID.min(last + 1);
    let grid: Vec<u64> = (0..points)
        .map(|i| ((i as f64) * last as f64 / (points - 1) as f64).round() as u64)
        .collect();
    for &k in &grid {
        s.eval(k, &mut evaluate)?;
    }
    let tol = tolerance(runs);
    let (outcome, direction) = s.decide(&grid, tol, &mut evaluate)?;
    // The monotone check over every value tried, not only the grid.
    let outcome = match (outcome, direction) {
        (Outcome::Found { .. }, Some(d)) if !s.monotone(d, tol) => Outcome::NotMonotone,
        _ => outcome,
    };
    Ok(Search {
        tried: s.tried,
        outcome,
        direction,
        tolerance: tol,
    })
}

struct Searcher<'a> {
    range: &'a LeverRange,
    asked: f64,
    tried: Vec<Evaluation>,
    /// The index of each evaluation tried, in the same order.
    at: Vec<u64>,
}

impl Searcher<'_> {
    /// The position in `tried` of index `k`'s evaluation, evaluating it
    /// once.
    fn eval<E>(&mut self, k: u64, evaluate: &mut impl FnMut(f64) -> Result<Evaluation, E>) -> Result<usize, E> {
        if let Some(i) = self.at.iter().position(|&a| a == k) {
            return Ok(i);
        }
        self.tried.push(evaluate(self.range.value(k))?);
        self.at.push(k);
        Ok(self.tried.len() - 1)
    }

    fn meets(&self, i: usize) -> bool {
        self.tried[i].meets(self.asked)
    }

    fn decide<E>(
        &mut self,
        grid: &[u64],
        tol: f64,
        evaluate: &mut impl FnMut(f64) -> Result<Evaluation, E>,
    ) -> Result<(Outcome, Option<Direction>), E> {
        let n = grid.len();
        let chances: Vec<f64> = (0..n).map(|i| self.tried[i].chance()).collect();
        let (lowest, highest) = chances
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &c| (a.min(c), b.max(c)));
        let direction = match chances[n - 1].total_cmp(&chances[0]) {
            std::cmp::Ordering::Less => Some(Direction::Falls),
            _ if highest - lowest > tol => Some(Direction::Rises),
            _ => None,
        };
        if (0..n).all(|i| self.meets(i)) {
            return Ok((Outcome::MetAtLow { answer: 0 }, direction));
        }
        if (0..n).all(|i| !self.meets(i)) {
            let best = (0..n).fold(0, |b, i| if chances[i] > chances[b] { i } else { b });
            return Ok((Outcome::Never { best }, direction));
        }
        if highest - lowest <= tol {
            return Ok((Outcome::Flat { lowest, highest }, direction));
        }
        let Some(d) = direction.filter(|d| self.monotone(*d, tol)) else {
            return Ok((Outcome::NotMonotone, direction));
        };
        let outcome = match d {
            Direction::Rises if self.meets(0) => Outcome::MetAtLow { answer: 0 },
            Direction::Falls if self.meets(n - 1) => Outcome::MetAtHigh { answer: n - 1 },
            Direction::Rises => {
                let first = (0..n).find(|&i| self.meets(i)).unwrap_or(n - 1);
                let answer = self.bisect(grid[first - 1], grid[first], evaluate)?;
                Outcome::Found { answer, direction: d }
            }
            Direction::Falls => {
                let last = (0..n).rev().find(|&i| self.meets(i)).unwrap_or(0);
                let answer = self.bisect(grid[last + 1], grid[last], evaluate)?;
                Outcome::Found { answer, direction: d }
            }
        };
        Ok((outcome, Some(d)))
    }

    /// Bisects between index `fails` (does not meet) and `meets` (meets)
    /// until they are one step apart; returns the position of the meeting
    /// side's evaluation.
    fn bisect<E>(
        &mut self,
        mut fails: u64,
        mut meets: u64,
        evaluate: &mut impl FnMut(f64) -> Result<Evaluation, E>,
    ) -> Result<usize, E> {
        let mut answer = self.eval(meets, evaluate)?;
        while fails.abs_diff(meets) > 1 {
            let mid = fails.min(meets) + fails.abs_diff(meets) / 2;
            let i = self.eval(mid, evaluate)?;
            if self.meets(i) {
                meets = mid;
                answer = i;
            } else {
                fails = mid;
            }
        }
        Ok(answer)
    }

    /// Whether the chance, over every value tried in lever order, never
    /// moves against `d` by more than `tol` from the best so far.
    fn monotone(&self, d: Direction, tol: f64) -> bool {
        let mut order: Vec<usize> = (0..self.tried.len()).collect();
        order.sort_by_key(|&i| self.at[i]);
        if d == Direction::Falls {
            order.reverse();
        }
        let mut best = f64::NEG_INFINITY;
        order.iter().all(|&i| {
            let c = self.tried[i].chance();
            best = best.max(c);
            best - c <= tol
        })
    }
}

/// Values per lever, but the last, in the grid of a cheapest-mix search.
pub const MIX_GRID: u64 = 5;

/// One combination of a cheapest-mix search: the values of every lever
/// but the last, and the search over the last lever with them fixed.
#[derive(Debug, Clone, PartialEq)]
pub struct Combination {
    pub fixed: Vec<f64>,
    pub search: Search,
}

impl Combination {
    /// Every lever's value at one of this combination's evaluations.
    pub fn values(&self, e: &Evaluation) -> Vec<f64> {
        self.fixed.iter().copied().chain([e.value]).collect()
    }
}

/// A cheapest-mix search over two or more levers.
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    /// In the order tried: the first lever's values slowest.
    pub combinations: Vec<Combination>,
    /// The combination whose answer has the least mean spend over the
    /// horizon (the first, of equals); `None` when no combination meets
    /// the target.
    pub cheapest: Option<usize>,
}

impl Mix {
    /// The cheapest combination and its answer's evaluation.
    pub fn answer(&self) -> Option<(&Combination, &Evaluation)> {
        let c = self.combinations.get(self.cheapest?)?;
        Some((c, c.search.answer()?))
    }

    /// The cheapest answer with every lever's value, in the levers' order.
    pub fn answer_values(&self) -> Option<(Vec<f64>, &Evaluation)> {
        let (c, a) = self.answer()?;
        Some((c.values(a), a))
    }

    /// Every evaluation in the order tried, with every lever's value.
    pub fn tried(&self) -> impl Iterator<Item = (Vec<f64>, &Evaluation)> {
        self.combinations
            .iter()
            .flat_map(|c| c.search.tried.iter().map(move |e| (c.values(e), e)))
    }

    /// The evaluation with the highest chance (the last tried, of equals),
    /// with every lever's value: what a mix that meets nothing reports.
    pub fn best(&self) -> Option<(Vec<f64>, &Evaluation)> {
        self.tried().max_by(|x, y| x.1.chance().total_cmp(&y.1.chance()))
    }
}

/// The values of a lever in a mix's grid: [`MIX_GRID`] spread evenly over
/// its range, both ends included (fewer when it has fewer steps).
pub fn mix_values(range: &LeverRange) -> Vec<f64> {
    let last = range.last_index();
    let points = MIX_GRID.min(last + 1);
    (0..points)
        .map(|i| range.value(((i as f64) * last as f64 / (points - 1) as f64).round() as u64))
        .collect()
}

/// The cheapest combination meeting the target: every combination of the
/// grid values of all levers but the last, and for each the one-lever
/// search over the last; the cheapest of the answers by mean total spend.
/// `evaluate` takes every lever's value, in the levers' order.
pub fn cheapest<E>(
    levers: &[LeverRange],
    asked: f64,
    runs: u32,
    mut evaluate: impl FnMut(&[f64]) -> Result<Evaluation, E>,
) -> Result<Mix, E> {
    let Some((last, others)) = levers.split_last() else {
        return Ok(Mix {
            combinations: Vec::new(),
            cheapest: None,
        });
    };
    let mut combinations = Vec::new();
    for fixed in product(&others.iter().map(mix_values).collect::<Vec<_>>()) {
        let search = search(last, asked, runs, |v| {
            let values: Vec<f64> = fixed.iter().copied().chain([v]).collect();
            evaluate(&values)
        })?;
        combinations.push(Combination { fixed, search });
    }
    let cheapest = combinations
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.search.answer().map(|a| (i, a.spend_mean)))
        .fold(None, |best: Option<(usize, f64)>, (i, spend)| match best {
            Some((_, b)) if b <= spend => best,
            _ => Some((i, spend)),
        })
        .map(|(i, _)| i);
    Ok(Mix { combinations, cheapest })
}

/// Every combination of one value from each list, the first list slowest.
fn product(lists: &[Vec<f64>]) -> Vec<Vec<f64>> {
    lists.iter().fold(vec![Vec::new()], |acc, list| {
        acc.iter()
            .flat_map(|prefix| {
                list.iter()
                    .map(move |&v| prefix.iter().copied().chain([v]).collect::<Vec<f64>>())
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(low: f64, high: f64, step: f64) -> LeverRange {
        LeverRange {
            key: "x".into(),
            low,
            high,
            step,
            integer: step == 1.0,
            lever: None,
        }
    }

    /// An evaluation whose chance is `f(value)`, of 1,000 runs.
    fn with(f: impl Fn(f64) -> f64) -> impl FnMut(f64) -> Result<Evaluation, ()> {
        move |value| {
            let met = (f(value).clamp(0.0, 1.0) * 1000.0).round() as u32;
            Ok(Evaluation {
                value,
                runs: 1000,
                met_by_month: vec![met],
                met,
                spend_mean: value,
            })
        }
    }

    fn answer(s: &Search) -> Option<f64> {
        s.answer().map(|e| e.value)
    }

    #[test]
    fn a_rising_chance_gives_the_smallest_value_that_meets_to_the_step() {
        // Chance rises from 0 at 150 to 1 at 170: 0.8 at 166.
        let s = search(&range(140.0, 200.0, 0.1), 0.8, 1000, with(|x| (x - 150.0) / 20.0)).unwrap();
        assert_eq!(answer(&s), Some(166.0));
        assert!(matches!(
            s.outcome,
            Outcome::Found {
                direction: Direction::Rises,
                ..
            }
        ));
        assert!(s.tried.len() <= 9 + 8, "{} evaluations", s.tried.len());
        let below = s.tried.iter().find(|e| (e.value - 165.9).abs() < 1e-9).unwrap();
        assert!(!below.meets(0.8));
    }

    #[test]
    fn a_falling_chance_gives_the_largest_value_that_meets() {
        let s = search(&range(0.0, 12.0, 1.0), 0.5, 1000, with(|x| 1.0 - x / 10.0)).unwrap();
        assert_eq!(answer(&s), Some(5.0));
        assert!(matches!(
            s.outcome,
            Outcome::Found {
                direction: Direction::Falls,
                ..
            }
        ));
    }

    #[test]
    fn honest_outcomes_at_the_ends_flat_and_not_monotone() {
        let met = search(&range(0.0, 10.0, 1.0), 0.8, 1000, with(|_| 0.9)).unwrap();
        assert_eq!(met.outcome, Outcome::MetAtLow { answer: 0 });
        let never = search(&range(0.0, 10.0, 1.0), 0.8, 1000, with(|x| x / 20.0)).unwrap();
        assert!(matches!(never.outcome, Outcome::Never { .. }));
        assert_eq!(
            never.tried[match never.outcome {
                Outcome::Never { best } => best,
                _ => 0,
            }]
            .value,
            10.0
        );
        let flat = search(&range(0.0, 10.0, 1.0), 0.8, 1000, with(|x| 0.79 + x / 1000.0)).unwrap();
        assert!(matches!(flat.outcome, Outcome::Flat { .. }), "{:?}", flat.outcome);
        let hump = search(&range(0.0, 8.0, 1.0), 0.8, 1000, with(|x| 1.0 - (x - 4.0).abs() / 4.0)).unwrap();
        assert_eq!(hump.outcome, Outcome::NotMonotone);
    }

    #[test]
    fn the_cheapest_mix_is_the_answer_with_the_least_spend() {
        // Chance rises with x + y (met from x + y >= 10); spend is 3x + y,
        // so y is cheaper: the cheapest mix is x = 0 and y = 10.
        let levers = [range(0.0, 8.0, 1.0), range(0.0, 20.0, 1.0)];
        let mix = cheapest(&levers, 0.8, 1000, |v: &[f64]| -> Result<Evaluation, ()> {
            let met = if v[0] + v[1] >= 10.0 { 1000 } else { 0 };
            Ok(Evaluation {
                value: v[1],
                runs: 1000,
                met_by_month: vec![met],
                met,
                spend_mean: 3.0 * v[0] + v[1],
            })
        })
        .unwrap();
        assert_eq!(mix.combinations.len(), 5);
        let fixed: Vec<f64> = mix.combinations.iter().map(|c| c.fixed[0]).collect();
        assert_eq!(fixed, [0.0, 2.0, 4.0, 6.0, 8.0]);
        let answers: Vec<f64> = mix
            .combinations
            .iter()
            .map(|c| c.search.answer().unwrap().value)
            .collect();
        assert_eq!(answers, [10.0, 8.0, 6.0, 4.0, 2.0]);
        let (c, a) = mix.answer().unwrap();
        assert_eq!((c.fixed[0], a.value), (0.0, 10.0));
        assert_eq!(product(&[vec![1.0, 2.0], vec![3.0, 4.0]]).len(), 4);
    }

    #[test]
    fn steps_and_values_cover_the_range_ending_at_its_high_end() {
        let r = range(140.0, 200.0, 0.1);
        assert_eq!(r.last_index(), 600);
        assert_eq!(r.value(3), 140.3);
        assert_eq!(r.value(600), 200.0);
        assert_eq!(range(0.0, 1.05, 0.1).value(11), 1.05);
        assert_eq!(default_step(0.5, 1.0), 0.005);
        assert_eq!(default_step(0.0, 30.0), 0.2);
    }
}
