//! `caseload`: a Monte Carlo simulator of a council's children's social work
//! workforce and caseloads. See ARCHITECTURE.md for the map.

pub mod app;
pub mod backtest;
pub mod cli;
pub mod compare;
pub mod error;
pub mod la;
pub mod model;
pub mod output;
pub mod runner;
pub mod scenario;
pub mod stats;
pub mod text;
