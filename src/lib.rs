//! `caseload`: a Monte Carlo simulator of a council's children's social work
//! workforce and caseloads. See ARCHITECTURE.md for the map.
//!
//! The flow is one way: a scenario file is read and checked (`scenario`),
//! each run samples its parameters and steps month by month (`model`), the
//! runner runs many in parallel and summarises them (`runner`, `stats`),
//! the analysis layer turns summaries into typed figures (`analysis`), and
//! the renderers write them as files and words (`output`). The command
//! line (`cli`, `request`, `app`) is one front end over that pipeline:
//!
//! ```
//! use caseload::analysis::headline::RunHeadline;
//! use caseload::{runner, scenario};
//! use std::path::Path;
//!
//! // Load and check a scenario (`extends` and `--set` applied, every value
//! // validated).
//! let loaded = scenario::load(Path::new("scenarios/bury-2022.toml"), &[])?;
//! let s = &loaded.scenario;
//!
//! // Run it 200 times on two threads (the results do not depend on the
//! // number of threads) and summarise each month across the runs.
//! let pool = runner::pool(Some(2))?;
//! let results = runner::summarise(&[s], 1, 200, &pool, &|| {});
//!
//! // Read a headline figure: the median caseload at the end.
//! let headline = RunHeadline::of(s, &results.summaries[0], &results.totals[0])?;
//! let median = headline.caseload_end.p50();
//! println!("{}: median caseload in {} is {median:.1}", s.name, headline.end_month);
//! assert!(median > 10.0 && median < 40.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod analysis;
pub mod app;
pub mod cli;
pub mod error;
pub mod la;
pub mod model;
pub mod output;
pub mod request;
pub mod runner;
pub mod scenario;
pub mod serve;
pub mod stats;
pub mod text;
pub use analysis::{backtest, compare};
