//! scenario.resolved.toml: the inputs as run (after `extends` and `--set`),
//! itself a valid scenario, headed by the runs, seed and version that
//! repeat the results; and the one way a scenario's table is written as a
//! file under comment lines ([`scenario_file`], which `seek`'s answer.toml
//! uses too).

use crate::scenario::Loaded;
use toml::{Table, Value};

pub fn resolved_toml(loaded: &Loaded, runs: u32, seed: u64) -> Result<Vec<u8>, toml::ser::Error> {
    let header = format!(
        "# The scenario as run by caseload {version}, after `extends` and `--set`.\n\
         # From: {chain}\n\
         # Repeat it with: caseload run scenario.resolved.toml --runs {runs} --seed {seed}\n",
        version = env!("CARGO_PKG_VERSION"),
        chain = loaded.source.chain.join(" <- "),
    );
    scenario_file(&header, loaded.source.table.clone(), &loaded.scenario.name)
}

/// A scenario's table as a file: `header` (comment lines), a blank line,
/// then the table with its `name` stated, so that the file's own stem does
/// not rename it.
pub fn scenario_file(header: &str, mut table: Table, name: &str) -> Result<Vec<u8>, toml::ser::Error> {
    table.insert("name".into(), Value::String(name.to_string()));
    let body = toml::to_string(&table)?;
    Ok([header.as_bytes(), b"\n", body.as_bytes()].concat())
}
