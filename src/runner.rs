//! Runs scenarios many times in parallel: the only user of rayon.
//!
//! Run r draws only from streams derived from (seed, r), and results are
//! gathered in run order, so the output is the same whatever the number of
//! threads.
//!
//! Memory stays bounded however many runs are asked for: exact percentiles
//! need every run's value of a month and metric at once, so the months are
//! taken in windows that fit [`STORE_BUDGET`], each window's runs simulated
//! (from month 0: a run is cheap to repeat, and repeats exactly), summarised
//! and dropped before the next. One window covers the whole horizon for
//! all but the largest jobs.

use crate::model::params::Scenario;
use crate::model::{Layout, Prepared, RunTotals, Workspace};
use crate::stats::{Cell, Runs, Summary, paired_difference};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes of run values held at once (exact percentiles need them all).
pub const STORE_BUDGET: usize = 512 << 20;

/// The layout of a scenario's records.
pub fn layout(s: &Scenario) -> Layout {
    Layout::of(s)
}

/// Simulates runs `0..runs` of `s` and keeps every record; `tick` is called
/// once per finished run (from any thread).
pub fn run(s: &Scenario, seed: u64, runs: u32, pool: &Pool, tick: &(dyn Fn() + Sync)) -> Runs {
    let layout = layout(s);
    let prepared = Prepared::new(s, &layout);
    let records = pool.0.install(|| {
        (0..u64::from(runs))
            .into_par_iter()
            .map(|r| {
                let record = prepared.simulate(seed, r);
                tick();
                record
            })
            .collect()
    });
    Runs {
        layout,
        months: s.months as usize,
        records,
    }
}

/// Every run's totals of `s`, without keeping its months (for sweeps).
pub fn totals(s: &Scenario, seed: u64, runs: u32, pool: &Pool, tick: &(dyn Fn() + Sync)) -> Vec<RunTotals> {
    let layout = layout(s);
    let prepared = Prepared::new(s, &layout);
    let end = s.months as usize;
    pool.0.install(|| {
        (0..u64::from(runs))
            .into_par_iter()
            .map(|r| {
                let totals = prepared.simulate_months(seed, r, end..end, |_| {});
                tick();
                totals
            })
            .collect()
    })
}

/// Runs of `s` handed to `sink` one by one in run order, simulated in
/// parallel in chunks so that memory stays bounded (for runs.csv).
pub fn for_each_run<E>(
    s: &Scenario,
    seed: u64,
    runs: u32,
    pool: &Pool,
    mut sink: impl FnMut(usize, &[f64]) -> Result<(), E>,
) -> Result<(), E> {
    let layout = layout(s);
    let prepared = Prepared::new(s, &layout);
    let record_bytes = (s.months as usize * layout.width() * std::mem::size_of::<f64>()).max(1);
    let chunk = (STORE_BUDGET / 8 / record_bytes).clamp(1, 4096) as u64;
    let mut start = 0;
    while start < u64::from(runs) {
        let end = (start + chunk).min(u64::from(runs));
        let records: Vec<Vec<f64>> = pool.0.install(|| {
            (start..end)
                .into_par_iter()
                .map(|r| prepared.simulate(seed, r))
                .collect()
        });
        for (offset, record) in records.iter().enumerate() {
            sink(start as usize + offset, record)?;
        }
        start = end;
    }
    Ok(())
}

/// What the outputs need of scenarios run together on the same random
/// numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// One per scenario.
    pub summaries: Vec<Summary>,
    /// Paired run-by-run differences of each scenario after the first
    /// against the first (scenario minus first).
    pub differences: Vec<Summary>,
    /// Per scenario, per run.
    pub totals: Vec<Vec<RunTotals>>,
}

/// How many months a window holds within `budget` bytes of run values.
pub fn window_months(scenarios: usize, runs: u32, width: usize, months: usize, budget: usize) -> usize {
    let bytes_per_month = scenarios.max(1) * runs as usize * width * std::mem::size_of::<f64>();
    (budget / bytes_per_month.max(1)).clamp(1, months.max(1))
}

/// Runs every scenario `runs` times on the same random numbers and
/// summarises them month by month. The scenarios must share their horizon
/// and case states when there is more than one (the caller checks).
/// `tick` is called `runs` times in all, in step with the work, the last
/// time as it ends (a progress bar counts runs, however many scenarios and
/// windows of months the work takes).
pub fn summarise(scenarios: &[&Scenario], seed: u64, runs: u32, pool: &Pool, tick: &(dyn Fn() + Sync)) -> Results {
    summarise_within(scenarios, seed, runs, pool, tick, STORE_BUDGET)
}

/// [`summarise`] holding at most about `budget` bytes of run values.
pub fn summarise_within(
    scenarios: &[&Scenario],
    seed: u64,
    runs: u32,
    pool: &Pool,
    tick: &(dyn Fn() + Sync),
    budget: usize,
) -> Results {
    let Some(first) = scenarios.first() else {
        return Results {
            summaries: Vec::new(),
            differences: Vec::new(),
            totals: Vec::new(),
        };
    };
    let layout = layout(first);
    let width = layout.width();
    let months = first.months as usize;
    let window = window_months(scenarios.len(), runs, width, months, budget);
    let names = layout.names();
    let mut summaries = vec![Summary::empty(names.clone(), runs as usize); scenarios.len()];
    let mut differences = vec![Summary::empty(names, runs as usize); scenarios.len().saturating_sub(1)];
    let mut totals = vec![Vec::new(); scenarios.len()];
    let ticks = RunTicks {
        done: AtomicU64::new(0),
        units: (scenarios.len() * months.div_ceil(window)) as u64 * u64::from(runs),
        runs: u64::from(runs),
        tick,
    };
    let unit_done = || ticks.unit_done();
    let prepared: Vec<Prepared> = scenarios.iter().map(|s| Prepared::new(s, &layout)).collect();
    for start in (0..months).step_by(window) {
        let keep = start..(start + window).min(months);
        let (cells, diffs, window_totals) = run_window(&prepared, &layout, seed, runs, keep.clone(), pool, &unit_done);
        for (summary, cells) in summaries.iter_mut().zip(cells) {
            summary.push_months(cells);
        }
        for (difference, cells) in differences.iter_mut().zip(diffs) {
            difference.push_months(cells);
        }
        if keep.end == months {
            totals = window_totals;
        }
    }
    Results {
        summaries,
        differences,
        totals,
    }
}

/// Turns units of work done (a run of one scenario over one window of
/// months) into runs done, for a caller that counts runs.
struct RunTicks<'a> {
    done: AtomicU64,
    units: u64,
    runs: u64,
    tick: &'a (dyn Fn() + Sync),
}

impl RunTicks<'_> {
    /// One more unit done, from any thread: ticks for the runs it completes.
    /// Units are numbered in the order they finish, and each ticks the runs
    /// done after it less those done before it, so the ticks add up to
    /// `runs` exactly, the last with the last unit.
    fn unit_done(&self) {
        let i = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let due = runs_done(i, self.units, self.runs) - runs_done(i - 1, self.units, self.runs);
        for _ in 0..due {
            (self.tick)();
        }
    }
}

/// Runs counted as done when `i` of `units` units of work are done: the
/// same share of `runs`, rounded down.
fn runs_done(i: u64, units: u64, runs: u64) -> u64 {
    if units == 0 {
        return runs;
    }
    (u128::from(i.min(units)) * u128::from(runs) / u128::from(units)) as u64
}

/// Cells of one window, per scenario; the paired differences' cells; and
/// each scenario's run totals (complete when the window ends the horizon).
type Window = (Vec<Vec<Cell>>, Vec<Vec<Cell>>, Vec<Vec<RunTotals>>);

/// Runs simulated together by one task: enough to keep both the work per
/// task and the number of tasks (for balance across threads) large.
const CHUNK_RUNS: usize = 64;

/// A chunk of consecutive runs of one scenario, by cell: element
/// `j * runs + k` of `columns` is cell j (month and metric within the
/// window) of the chunk's kth run.
struct Chunk {
    runs: usize,
    columns: Vec<f64>,
    totals: Vec<RunTotals>,
}

/// What the chunks of one window share.
struct Job<'a> {
    prepared: &'a Prepared<'a>,
    /// Values in a run's row.
    width: usize,
    seed: u64,
    /// The months kept.
    keep: std::ops::Range<usize>,
}

impl Chunk {
    /// Simulates runs `first..first + runs` of the job over the months it
    /// keeps, writing each month's row straight into the chunk's columns
    /// (value i of the run's jth kept month goes to cell `j * width + i`,
    /// at the run's place in it). The job's months lie within the horizon,
    /// so each run hands one row per month kept and every value is written.
    fn simulate(job: &Job, first: usize, runs: usize, tick: &(dyn Fn() + Sync)) -> Chunk {
        let stride = job.keep.len() * job.width;
        let mut columns = vec![0.0; runs * stride];
        let mut workspace = Workspace::new();
        let totals = (0..runs)
            .map(|k| {
                let mut cell = 0;
                let totals = job.prepared.simulate_months_in(
                    &mut workspace,
                    job.seed,
                    (first + k) as u64,
                    job.keep.clone(),
                    |row| {
                        for (i, value) in row.iter().enumerate() {
                            columns[(cell + i) * runs + k] = *value;
                        }
                        cell += row.len();
                    },
                );
                tick();
                totals
            })
            .collect();
        Chunk { runs, columns, totals }
    }

    /// Cell j's values, in run order.
    fn cell(&self, j: usize) -> &[f64] {
        &self.columns[j * self.runs..(j + 1) * self.runs]
    }
}

/// Cell j's values across all chunks, in run order, into `out`.
fn gather(chunks: &[Chunk], j: usize, out: &mut Vec<f64>) {
    out.clear();
    for chunk in chunks {
        out.extend_from_slice(chunk.cell(j));
    }
}

/// Simulates every scenario's runs for the months in `keep` and summarises
/// each cell (month and metric). Chunks of runs are simulated in parallel,
/// each turned into columns by its own task; a cell's values are then
/// gathered from the chunks in run order, so its mean sums in run order
/// whatever the threads.
fn run_window(
    scenarios: &[Prepared],
    layout: &Layout,
    seed: u64,
    runs: u32,
    keep: std::ops::Range<usize>,
    pool: &Pool,
    tick: &(dyn Fn() + Sync),
) -> Window {
    let n = runs as usize;
    let stride = keep.len() * layout.width();
    let firsts: Vec<usize> = (0..n).step_by(CHUNK_RUNS).collect();
    let chunks: Vec<Vec<Chunk>> = scenarios
        .iter()
        .map(|prepared| {
            let job = Job {
                prepared,
                width: layout.width(),
                seed,
                keep: keep.clone(),
            };
            pool.0.install(|| {
                firsts
                    .par_iter()
                    .map(|&first| Chunk::simulate(&job, first, CHUNK_RUNS.min(n - first), tick))
                    .collect()
            })
        })
        .collect();
    let cells = chunks
        .iter()
        .map(|scenario| {
            pool.0.install(|| {
                (0..stride)
                    .into_par_iter()
                    .map_init(Vec::new, |values: &mut Vec<f64>, j| {
                        gather(scenario, j, values);
                        Cell::of(values)
                    })
                    .collect()
            })
        })
        .collect();
    let diffs = chunks[1..]
        .iter()
        .map(|other| {
            pool.0.install(|| {
                (0..stride)
                    .into_par_iter()
                    .map_init(
                        || (Vec::new(), Vec::new()),
                        |(a, b): &mut (Vec<f64>, Vec<f64>), j| {
                            gather(other, j, a);
                            gather(&chunks[0], j, b);
                            for (x, y) in a.iter_mut().zip(b.iter()) {
                                *x = paired_difference(*x, *y);
                            }
                            Cell::of(a)
                        },
                    )
                    .collect()
            })
        })
        .collect();
    let totals = chunks
        .into_iter()
        .map(|scenario| scenario.into_iter().flat_map(|chunk| chunk.totals).collect())
        .collect();
    (cells, diffs, totals)
}

/// `f` of every item, in parallel, results in the items' order (charts are
/// rendered this way: rayon stays in this module).
pub fn map_in_parallel<I: Sync, T: Send>(pool: &Pool, items: &[I], f: impl Fn(&I) -> T + Sync + Send) -> Vec<T> {
    pool.0.install(|| items.par_iter().map(f).collect())
}

/// The workers that runs and charts are made on: made by [`pool`] and
/// passed along by other modules, which never reach inside (rayon stays in
/// this module).
pub struct Pool(rayon::ThreadPool);

impl Pool {
    /// How many workers it has.
    pub fn threads(&self) -> usize {
        self.0.current_num_threads()
    }
}

/// Why the workers could not be started.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PoolError(#[from] rayon::ThreadPoolBuildError);

/// A pool of `threads` workers (one per core when `None`).
pub fn pool(threads: Option<u32>) -> Result<Pool, PoolError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n as usize);
    }
    Ok(Pool(builder.build()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_of_work_tick_every_run_once_and_the_last_with_the_last_unit() {
        for (units, runs) in [(14u64, 64u64), (64, 64), (7, 100), (1000, 3), (1, 1), (3, 0)] {
            let ticks: Vec<u64> = (1..=units)
                .map(|i| runs_done(i, units, runs) - runs_done(i - 1, units, runs))
                .collect();
            assert_eq!(ticks.iter().sum::<u64>(), runs, "{units} units, {runs} runs");
            assert_eq!(
                runs_done(units - 1, units, runs) < runs,
                runs > 0,
                "{units} units, {runs} runs"
            );
        }
        // No overflow at the largest counts.
        assert_eq!(runs_done(u64::MAX, u64::MAX, u64::from(u32::MAX)), u64::from(u32::MAX));
    }
}
