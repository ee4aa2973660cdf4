//! Runs a scenario many times in parallel: the only user of rayon.
//!
//! Run r draws only from streams derived from (seed, r), and results are
//! gathered in run order, so the output is the same whatever the number of
//! threads.

use crate::model::params::Scenario;
use crate::model::{Layout, simulate};
use rayon::prelude::*;

/// Every run's record of one scenario.
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

/// The layout of a scenario's records.
pub fn layout(s: &Scenario) -> Layout {
    Layout::new(s.cases.iter().map(|c| c.name.clone()).collect())
}

/// Simulates runs `0..runs` of `s`; `tick` is called once per finished run
/// (from any thread).
pub fn run(s: &Scenario, seed: u64, runs: u32, pool: &rayon::ThreadPool, tick: &(dyn Fn() + Sync)) -> Runs {
    let layout = layout(s);
    let records = pool.install(|| {
        (0..u64::from(runs))
            .into_par_iter()
            .map(|r| {
                let record = simulate(s, &layout, seed, r);
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

/// A pool of `threads` workers (one per core when `None`).
pub fn pool(threads: Option<u32>) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n as usize);
    }
    builder.build()
}
