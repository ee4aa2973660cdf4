//! scenario.resolved.toml: the inputs as run (after `extends` and `--set`),
//! itself a valid scenario, headed by the runs, seed and version that
//! repeat the results.

use crate::scenario::Loaded;
use toml::Value;

pub fn resolved_toml(loaded: &Loaded, runs: u32, seed: u64) -> Result<Vec<u8>, toml::ser::Error> {
    let mut table = loaded.source.table.clone();
    // The name is stated, so that the file's own stem does not rename it.
    table.insert("name".into(), Value::String(loaded.scenario.name.clone()));
    let body = toml::to_string(&table)?;
    let header = format!(
        "# The scenario as run by caseload {version}, after `extends` and `--set`.\n\
         # From: {chain}\n\
         # Repeat it with: caseload run scenario.resolved.toml --runs {runs} --seed {seed}\n\n",
        version = env!("CARGO_PKG_VERSION"),
        chain = loaded.source.chain.join(" <- "),
    );
    Ok([header.into_bytes(), body.into_bytes()].concat())
}
