//! The one integration-test binary: each module proves one area of
//! behaviour through the public API or the `caseload` command.

// As clippy.toml says for test functions, so for their helpers: a failed
// unwrap or a panic in a test is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backtest;
mod charts;
mod cli_check;
mod cli_extremes;
mod cli_run;
mod common;
mod costs;
mod drivers;
mod engine;
mod golden;
mod history;
mod la;
mod parameters;
mod report;
mod scenario_props;
mod seek;
mod serve;
mod teams;
mod tidy;
mod validation;
mod xlsx;
