//! `caseload`: a Monte Carlo simulator of a council's children's social work
//! workforce and caseloads. See ARCHITECTURE.md for the map.

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
pub mod stats;
pub mod text;
pub use analysis::{backtest, compare};
