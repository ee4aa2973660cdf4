//! The random streams pinned: a small fixed scenario, seed and run count
//! whose summary.csv has a known digest. An accidental change to any
//! stream, draw or summary fails here; a deliberate one updates the digest
//! in the same commit and says so in the commit message.

use crate::common::{FULL, run_all, scenario_from};
use caseload::output::tables;
use caseload::stats::Summary;
use sha2::{Digest, Sha256};

/// sha256 of summary.csv for FULL (every mechanism and every kind of
/// distribution), seed 7, 50 runs.
const FULL_SEED_7_RUNS_50: &str = "07193933cd1c4ad94a8574a2d2742608dc272b1ae81fe00d129cce707d015091";

#[test]
fn the_summary_of_a_fixed_scenario_seed_and_run_count_is_pinned() {
    let s = scenario_from(FULL);
    let summary = Summary::of(&run_all(&s, 50, 7));
    let csv = tables::summary_csv(&[(&s.name, s.start, &summary)]).unwrap();
    let digest: String = Sha256::digest(&csv).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        digest, FULL_SEED_7_RUNS_50,
        "the random streams or the summaries changed: if that was meant, pin the new digest and say so in the commit"
    );
}
