//! The model: parameters, one run's state and its monthly step. Pure: no
//! I/O, no threads, nothing of serde, clap, rayon or plotters.

pub mod binomial;
pub mod council;
pub mod drift;
pub mod lever;
pub mod metrics;
pub mod parameter;
pub mod params;
pub mod rng;
pub mod sample;
pub mod state;
pub mod step;

pub use metrics::{Layout, Metric};
pub use parameter::Parameter;
pub use step::{Prepared, RunTotals, Spend, Workspace};
