//! Summaries across runs: per month and metric, the mean and the
//! percentiles of INTERFACE.md, computed in run order so they are
//! reproducible to the last bit.

use crate::model::Layout;

/// A paired run-by-run difference: inf - inf (the same infinite caseload
/// in both) is no difference.
pub fn paired_difference(x: f64, y: f64) -> f64 {
    if x == y { 0.0 } else { x - y }
}

/// The percentiles reported everywhere (tables and charts alike).
pub const PERCENTILES: [f64; 5] = [0.05, 0.25, 0.50, 0.75, 0.95];

/// Mean and percentiles of one month's metric across runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub mean: f64,
    /// p05, p25, p50, p75, p95.
    pub p: [f64; 5],
}

impl Cell {
    pub fn p05(&self) -> f64 {
        self.p[0]
    }
    pub fn p25(&self) -> f64 {
        self.p[1]
    }
    pub fn p50(&self) -> f64 {
        self.p[2]
    }
    pub fn p75(&self) -> f64 {
        self.p[3]
    }
    pub fn p95(&self) -> f64 {
        self.p[4]
    }

    /// Summarises values given in run order (the order of the mean's sum).
    pub fn of(values: &mut [f64]) -> Cell {
        let n = values.len();
        let sum = values.iter().sum::<f64>();
        // A finite sum has no infinite term: look for them only otherwise.
        let mean = if n == 0 {
            0.0
        } else if sum.is_finite() {
            sum / n as f64
        } else {
            match (values.contains(&f64::INFINITY), values.contains(&f64::NEG_INFINITY)) {
                // inf - inf is taken as 0, as in the percentiles.
                (true, true) => 0.0,
                (true, false) => f64::INFINITY,
                (false, true) => f64::NEG_INFINITY,
                // Finite values whose sum overflows.
                (false, false) => sum / n as f64,
            }
        };
        Cell {
            mean,
            p: percentiles(values),
        }
    }
}

/// The five percentiles of `values`, which may be reordered in place (a
/// cell whose runs all agree, such as the establishment, or whose values
/// are all whole numbers close together, such as counts of people and
/// cases and the 0-or-1 indicators, is left as it is).
fn percentiles(values: &mut [f64]) -> [f64; 5] {
    if let Some(first) = values.first()
        && values.iter().all(|v| v.to_bits() == first.to_bits())
    {
        return [*first; 5];
    }
    let n = values.len();
    if n == 0 {
        return [0.0; 5];
    }
    if let Some(p) = counted_percentiles(values) {
        return p;
    }
    // Each percentile's lower order statistic by selection; its upper
    // neighbour is then the least value after it, up to the next one
    // selected.
    let lower = PERCENTILES.map(|q| lower_rank(n, q));
    select_ranks(values, 0, &lower);
    for (i, &lo) in lower.iter().enumerate() {
        let next = lower[i + 1..].iter().find(|&&r| r > lo).map_or(n - 1, |&r| r);
        if lo + 1 < next {
            let gap = &mut values[lo + 1..=next];
            let least = (1..gap.len()).fold(0, |best, j| if gap[j].total_cmp(&gap[best]).is_lt() { j } else { best });
            gap.swap(0, least);
        }
    }
    PERCENTILES.map(|q| percentile_sorted(values, q))
}

/// The five percentiles of `values` by counting, when every value is a
/// whole number (and not -0.0, which sorts apart from 0.0) and they span
/// no more values than there are: the same order statistics as selecting
/// them, in two passes over the values and one over the counts (`None`
/// otherwise).
fn counted_percentiles(values: &[f64]) -> Option<[f64; 5]> {
    // Adding and taking away 1.5 x 2^52 rounds a number of magnitude under
    // 2^51 to a whole one: it comes back unchanged only if it was whole.
    // One pass with no early exit (so that it vectorises) looks for the
    // least and greatest values, a value not whole (a NaN is not), and
    // -0.0; an infinity is out of range.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let first = *values.first()?;
    // Most cells of money, rates and caseloads end here.
    if (first + ROUND) - ROUND != first {
        return None;
    }
    let (mut least, mut greatest, mut whole, mut negative_zero) = (first, first, true, false);
    for &v in values {
        least = if v < least { v } else { least };
        greatest = if v > greatest { v } else { greatest };
        whole &= (v + ROUND) - ROUND == v;
        negative_zero |= v.to_bits() == (-0.0f64).to_bits();
    }
    let n = values.len();
    let within = least.abs().max(greatest.abs()) < ROUND / 3.0;
    if !whole || negative_zero || !within || greatest - least >= n as f64 {
        return None;
    }
    let (low, high) = (least as i64, greatest as i64);
    let mut counts = vec![0usize; (high - low + 1) as usize];
    for &v in values {
        counts[(v as i64 - low) as usize] += 1;
    }
    // Each order statistic the percentiles read is the first value whose
    // running count passes its rank.
    let ranks = order_ranks(n);
    let mut found = [0.0; 2 * PERCENTILES.len()];
    let (mut bucket, mut passed) = (0, counts[0]);
    for (rank, value) in ranks.iter().zip(&mut found) {
        while passed <= *rank {
            bucket += 1;
            passed += counts[bucket];
        }
        *value = (low + bucket as i64) as f64;
    }
    let order_statistic = |k: usize| found[ranks.partition_point(|&r| r < k)];
    Some(PERCENTILES.map(|q| percentile_of(n, q, order_statistic)))
}

/// The ranks of the order statistics the percentiles of `n` values (one or
/// more) read, smallest first: each percentile's lower and upper neighbour.
fn order_ranks(n: usize) -> [usize; 2 * PERCENTILES.len()] {
    let mut ranks = [0; 2 * PERCENTILES.len()];
    for (i, q) in PERCENTILES.iter().enumerate() {
        let lo = lower_rank(n, *q);
        ranks[2 * i] = lo;
        ranks[2 * i + 1] = (lo + 1).min(n - 1);
    }
    ranks.sort_unstable();
    ranks
}

/// The index of the lower order statistic of percentile `q` of `n` values.
fn lower_rank(n: usize, q: f64) -> usize {
    ((n - 1) as f64 * q).floor() as usize
}

/// Reorders `values` (the sorted positions `offset..` of a larger slice)
/// so that each position in `ranks` (ascending) holds the value it would
/// hold if the values were sorted: a partial sort that costs a few passes
/// over the values instead of a full sort.
fn select_ranks(values: &mut [f64], offset: usize, ranks: &[usize]) {
    let Some(&middle) = ranks.get(ranks.len() / 2) else {
        return;
    };
    let (left, _, right) = values.select_nth_unstable_by(middle - offset, f64::total_cmp);
    let (below, rest) = ranks.split_at(ranks.partition_point(|&r| r < middle));
    let above = &rest[rest.partition_point(|&r| r == middle)..];
    select_ranks(left, offset, below);
    select_ranks(right, middle + 1, above);
}

/// Linear interpolation between neighbouring order statistics with the
/// settled rules for infinities.
fn interpolate(a: f64, b: f64, weight: f64) -> f64 {
    if weight == 0.0 || a == b {
        a
    } else if b == f64::INFINITY {
        f64::INFINITY
    } else if a == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else {
        a + weight * (b - a)
    }
}

/// numpy's default (linear) percentile of sorted values, with inf - inf
/// taken as 0: the lower order statistic when both are equal or the weight
/// is 0, inf when the upper one is inf, -inf when the lower one is -inf
/// (paired differences can be -inf). Only the two order statistics the
/// percentile reads need be in their sorted places.
pub fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    percentile_of(sorted.len(), q, |k| sorted[k])
}

/// Percentile `q` of `n` values, of which `order_statistic(k)` is the kth
/// smallest (0 when there are none).
fn percentile_of(n: usize, q: f64, order_statistic: impl Fn(usize) -> f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let lo = lower_rank(n, q);
    interpolate(
        order_statistic(lo),
        order_statistic((lo + 1).min(n - 1)),
        (n - 1) as f64 * q - lo as f64,
    )
}

/// Every run's record of one scenario, as the runner keeps them for tests
/// and analyses that want the runs themselves (`runner::run`; the commands
/// summarise window by window instead, `runner::summarise`).
#[derive(Debug, Clone, PartialEq)]
pub struct Runs {
    pub layout: Layout,
    pub months: usize,
    /// `records[r]` is run r: `months` rows of `layout.width()` values.
    pub records: Vec<Vec<f64>>,
}

impl Runs {
    /// The value of metric index `k` in month `t` of run `r`.
    pub fn value(&self, r: usize, t: usize, k: usize) -> f64 {
        self.records[r][t * self.layout.width() + k]
    }
}

/// Every month's and metric's cell, `cells[t * width + k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub names: Vec<String>,
    pub months: usize,
    pub runs: usize,
    pub cells: Vec<Cell>,
}

impl Summary {
    /// A summary with no months yet, to be filled window by window.
    pub fn empty(names: Vec<String>, runs: usize) -> Summary {
        Summary {
            names,
            months: 0,
            runs,
            cells: Vec::new(),
        }
    }

    /// Appends whole months of cells (`width` per month, in metric order).
    pub fn push_months(&mut self, cells: Vec<Cell>) {
        self.months += cells.len() / self.width().max(1);
        self.cells.extend(cells);
    }

    pub fn of(runs: &Runs) -> Summary {
        Self::from_fn(runs, |r, t, k| runs.value(r, t, k))
    }

    fn from_fn(shape: &Runs, value: impl Fn(usize, usize, usize) -> f64) -> Summary {
        let width = shape.layout.width();
        let n = shape.records.len();
        let mut cells = Vec::with_capacity(shape.months * width);
        let mut column = Vec::with_capacity(n);
        for t in 0..shape.months {
            for k in 0..width {
                column.clear();
                column.extend((0..n).map(|r| value(r, t, k)));
                cells.push(Cell::of(&mut column));
            }
        }
        Summary {
            names: shape.layout.names(),
            months: shape.months,
            runs: n,
            cells,
        }
    }

    pub fn width(&self) -> usize {
        self.names.len()
    }

    pub fn cell(&self, t: usize, k: usize) -> &Cell {
        &self.cells[t * self.width() + k]
    }

    /// Index of a metric by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [5, 25, 50, 75, 95])
        // = [1.2, 2.0, 3.0, 4.0, 8.8]
        let mut v = vec![10.0, 2.0, 4.0, 1.0, 3.0];
        let c = Cell::of(&mut v);
        let expected = [1.2, 2.0, 3.0, 4.0, 8.8];
        for (got, want) in c.p.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!(c.mean, 4.0);
    }

    #[test]
    fn infinities_follow_the_settled_rules() {
        let inf = f64::INFINITY;
        assert_eq!(percentile_sorted(&[1.0, inf], 0.5), inf);
        assert_eq!(percentile_sorted(&[inf, inf], 0.5), inf);
        assert_eq!(percentile_sorted(&[1.0, 2.0, inf], 0.5), 2.0);
        let c = Cell::of(&mut [inf, 1.0, inf]);
        assert_eq!(c.mean, inf);
        assert!(c.p.iter().all(|p| !p.is_nan()));
        // Paired differences: finite - inf = -inf.
        let d = Cell::of(&mut [-inf, 1.0, 2.0, -inf]);
        assert_eq!(d.mean, -inf);
        assert!(d.p.iter().all(|p| !p.is_nan()), "{:?}", d.p);
        assert_eq!(percentile_sorted(&[-inf, 1.0], 0.5), -inf);
        assert_eq!(Cell::of(&mut [-inf, inf]).mean, 0.0);
    }

    /// The percentiles as a full sort gives them.
    fn by_sorting(values: &[f64]) -> [f64; 5] {
        let mut sorted = values.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        PERCENTILES.map(|q| percentile_sorted(&sorted, q))
    }

    /// Cell::of's percentiles are those of a full sort, bit for bit.
    fn same_as_sorting(values: &[f64]) -> Result<(), proptest::test_runner::TestCaseError> {
        let expected = by_sorting(values);
        let got = Cell::of(&mut values.to_vec()).p;
        for (g, e) in got.iter().zip(expected) {
            proptest::prop_assert_eq!(g.to_bits(), e.to_bits(), "{:?} vs {:?}", got, expected);
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn selecting_order_statistics_equals_sorting(
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    -1e6..1e6f64,
                    (0..5i32).prop_map(f64::from),
                    proptest::strategy::Just(f64::INFINITY),
                    proptest::strategy::Just(f64::NEG_INFINITY),
                ],
                0..300,
            )
        ) {
            same_as_sorting(&values)?;
        }

        /// Counts of people and cases, indicators and paired differences of
        /// them: whole numbers, sometimes with -0.0, an infinity or a
        /// fraction among them, close together or spread wide.
        #[test]
        fn counting_order_statistics_equals_sorting(
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => (-3..40i32).prop_map(f64::from),
                    1 => (0..3i32).prop_map(|k| 1000.0 * f64::from(k)),
                    1 => proptest::strategy::Just(-0.0),
                    1 => proptest::strategy::Just(f64::INFINITY),
                    1 => proptest::strategy::Just(0.5),
                ],
                0..300,
            )
        ) {
            same_as_sorting(&values)?;
        }
    }

    #[test]
    fn only_whole_numbers_close_together_are_counted() {
        let counted = |values: &[f64]| counted_percentiles(values).is_some();
        let mut indicators: Vec<f64> = (0..100).map(|i| f64::from(i % 3 == 0)).collect();
        assert!(counted(&indicators));
        assert!(counted(&[
            -4.0, 7.0, 2.0, -1.0, 0.0, 3.0, 5.0, 1.0, 6.0, -2.0, 4.0, -3.0
        ]));
        assert!(counted(&[1e15, 1e15 + 1.0, 1e15 - 1.0]), "large whole numbers");
        // A span wider than the count of values, a fraction, -0.0 (which
        // sorts before 0.0), infinities and numbers past 2^51 are selected.
        assert!(!counted(&[0.0, 1.0, 9.0, 3.0]));
        assert!(!counted(&[0.0, 1.0, 2.5, 3.0, 1.0]));
        assert!(!counted(&[1.0, 0.0, -0.0, 1.0]));
        assert!(!counted(&[1.0, f64::INFINITY, 1.0]));
        assert!(!counted(&[f64::NEG_INFINITY, 1.0, 1.0]));
        assert!(!counted(&[2f64.powi(52), 2f64.powi(52) + 1.0, 2f64.powi(52)]));
        // What is counted keeps its order.
        let before = indicators.clone();
        let cell = Cell::of(&mut indicators);
        assert_eq!(indicators, before);
        assert_eq!(cell.p, by_sorting(&before));
    }
}
