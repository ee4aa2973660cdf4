//! Criterion benchmarks: one month step, one whole run (Bury and the large
//! county), 1,000 runs, the summaries, and one binomial draw (rand_distr
//! against BTRS). docs/performance.md has the figures.
//!
//! cargo bench --bench engine

// A benchmark that cannot load its scenario has nothing to measure: stop.
#![allow(clippy::panic)]

use caseload::model::binomial::btrs;
use caseload::model::rng;
use caseload::model::step::Simulation;
use caseload::model::{Prepared, Workspace};
use caseload::runner;
use caseload::scenario;
use caseload::stats::Summary;
use criterion::{Criterion, criterion_group, criterion_main};
use rand_distr::{Binomial, Distribution};
use std::hint::black_box;
use std::path::Path;

fn bury() -> caseload::model::params::Scenario {
    load("scenarios/bury-2022.toml")
}

fn load(path: &str) -> caseload::model::params::Scenario {
    match scenario::load(Path::new(path), &[]) {
        Ok(loaded) => loaded.scenario,
        Err(e) => panic!("{e}"),
    }
}

fn benches(c: &mut Criterion) {
    let s = bury();
    let layout = runner::layout(&s);
    let prepared = Prepared::new(&s, &layout);
    let mut row = vec![0.0; layout.width()];

    c.bench_function("bury: one month step", |b| {
        b.iter_batched(
            || Simulation::new(&prepared, 1, 0),
            |mut sim| {
                sim.step(0, &mut row);
                black_box(&row);
            },
            criterion::BatchSize::SmallInput,
        )
    });

    c.bench_function("bury: one run of 36 months", |b| {
        let mut run = 0;
        b.iter(|| {
            run += 1;
            black_box(prepared.simulate(1, run))
        })
    });

    let county = load("scenarios/large-county.toml");
    let county_layout = runner::layout(&county);
    let county_prepared = Prepared::new(&county, &county_layout);
    c.bench_function("large county: one run of 120 months", |b| {
        let mut run = 0;
        b.iter(|| {
            run += 1;
            black_box(county_prepared.simulate(1, run))
        })
    });

    // Teams and roles: the heads and cases of one pool, in 5 teams and 4
    // roles (20 pools); docs/performance.md, "Teams and roles".
    let mut teams = c.benchmark_group("teams: one run of 36 months");
    for (label, path) in [
        ("one pool", "benches/scenarios/one-pool.toml"),
        ("five teams, four roles", "benches/scenarios/five-teams.toml"),
    ] {
        let s = load(path);
        let layout = runner::layout(&s);
        let prepared = Prepared::new(&s, &layout);
        teams.bench_function(label, |b| {
            let mut run = 0;
            b.iter(|| {
                run += 1;
                black_box(prepared.simulate(1, run))
            })
        });
        // As the runner simulates a chunk: runs one after another lending
        // each other their buffers, each month's row handed on.
        teams.bench_function(format!("{label}, runs sharing a workspace"), |b| {
            let mut workspace = Workspace::new();
            let mut run = 0;
            b.iter(|| {
                run += 1;
                let mut sum = 0.0;
                let totals = prepared.simulate_months_in(&mut workspace, 1, run, 0..36, |row| sum += row[0]);
                black_box((totals, sum))
            })
        });
    }
    teams.finish();

    let pool = runner::pool(None).unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("bury: 1,000 runs");
    group.sample_size(10);
    group.bench_function("simulate (every record kept)", |b| {
        b.iter(|| black_box(runner::run(&s, 1, 1000, &pool, &|| {})))
    });
    group.bench_function("simulate and summarise (as `run` does)", |b| {
        b.iter(|| black_box(runner::summarise(&[&s], 1, 1000, &pool, &|| {})))
    });
    let runs = runner::run(&s, 1, 1000, &pool, &|| {});
    group.bench_function("summarise stored records", |b| b.iter(|| black_box(Summary::of(&runs))));
    group.finish();

    // Bury's case exits, month 0: child in need, child protection, looked after.
    let mut group = c.benchmark_group("one binomial draw");
    for (n, p) in [(765, 0.18), (230, 0.106), (331, 0.035)] {
        let mut rng = rng::stream(1, 0, rng::Process::Cases);
        group.bench_function(format!("rand_distr BTPE, n = {n}, p = {p}"), |b| {
            b.iter(|| black_box(Binomial::new(n, p).map_or(0, |d| d.sample(&mut rng))))
        });
        group.bench_function(format!("BTRS, n = {n}, p = {p}"), |b| {
            b.iter(|| black_box(btrs(&mut rng, n, p)))
        });
    }
    group.finish();
}

criterion_group! {
    name = engine;
    // No HTML plots: criterion's plotting would look for system fonts, and
    // the figures are what docs/performance.md quotes.
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(engine);
