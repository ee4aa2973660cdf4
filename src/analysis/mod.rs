//! The analysis layer: numbers, not text. From the runs' summaries and
//! totals it computes what people read first (`headline`), one scenario
//! against another (`compare`: paired differences, the money line, the
//! break-even), a projection against what a council published
//! (`backtest`) and how forecasts are scored against what happened
//! (`score`). Every result is a typed struct; the renderers in
//! `output/` turn them into CSV, workbooks, charts, reports and console
//! lines, and nothing here writes text for people.

pub mod backtest;
pub mod compare;
pub mod drivers;
pub mod headline;
pub mod score;
pub mod seek;
