//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

/// The repository's root (tests run from it, but say so explicitly).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped scenario's path.
pub fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// A minimal valid scenario, as TOML text, for tests to vary.
pub const MINIMAL: &str = r#"
start = "2022-04"
months = 12

[workforce]
establishment_fte = 100.0
permanent_fte = 90.0
annual_leaving_by_service_year = [0.3, 0.2, 0.15]

[demand]
referrals_per_month = 100.0

[[cases]]
name = "assessment"
open = 200
entry_share = 0.8
mean_months = 1.5
next = { cin = 0.4 }

[[cases]]
name = "cin"
open = 800
mean_months = 9.0
"#;
