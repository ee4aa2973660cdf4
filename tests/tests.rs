//! The one integration-test binary: each module proves one area of
//! behaviour through the public API or the `caseload` command.

mod common;
mod validation;
mod engine;
mod cli_run;
