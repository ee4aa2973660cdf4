//! Interrupted and extreme runs: Ctrl-C or SIGTERM leaves no half-written
//! folder and the earlier one as it was; what a killed process left is
//! cleared, what a live one is writing is not; extreme values finish.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const FOLDER: &str = "bury-march-2022-position";

fn bury() -> PathBuf {
    crate::common::scenario("bury-2022.toml")
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `caseload run` of Bury into `out`, quickly, so that it leaves a folder.
fn quick_run(out: &Path) {
    Command::cargo_bin("caseload")
        .unwrap()
        .arg("run")
        .arg(bury())
        .arg("--out")
        .arg(out)
        .args(["--runs", "20", "--quiet"])
        .assert()
        .success();
}

/// Starts `caseload` with `args`, its standard error kept.
fn spawn(args: &[&std::ffi::OsStr]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("caseload"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits up to `limit` for the child to end; past it, kills it (so that
/// no test hangs) and fails.
fn wait_at_most(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stderr_of(child: &mut Child) -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut text).unwrap();
    text
}

fn signal(child: &Child, name: &str) {
    let sent = std::process::Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name} failed");
}

/// Waits until a staging folder appears in `out` while the child runs.
fn wait_for_staging(child: &mut Child, out: &Path) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let staging = std::fs::read_dir(out)
            .map(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().contains(".writing-"))
            })
            .unwrap_or(false);
        if staging {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("finished ({status}) before a staging folder was seen: give it more runs");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no staging folder after two minutes");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs Bury with many runs and --per-run into a folder that holds an
/// earlier run, sends `name` once the new folder is being written (runs.csv
/// is streamed for seconds), and checks what is left.
fn interrupt_while_writing(name: &str, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    quick_run(dir.path());
    let before = std::fs::read(dir.path().join(FOLDER).join("summary.csv")).unwrap();
    let scenario = bury();
    let mut child = spawn(&[
        "run".as_ref(),
        scenario.as_os_str(),
        "--out".as_ref(),
        dir.path().as_os_str(),
        "--runs".as_ref(),
        "8000".as_ref(),
        "--per-run".as_ref(),
        "--quiet".as_ref(),
    ]);
    wait_for_staging(&mut child, dir.path());
    signal(&child, name);
    let status = wait_at_most(&mut child, Duration::from_secs(60), name);
    let stderr = stderr_of(&mut child);
    assert_eq!(status.code(), Some(code), "{name}: {status}; stderr: {stderr}");
    let folder = dir.path().join(FOLDER);
    assert_eq!(
        stderr.trim_end(),
        format!("interrupted: nothing was written; {} is as it was", folder.display())
    );
    assert_eq!(
        names(dir.path()),
        [FOLDER],
        "{name}: something was left beside the folder"
    );
    assert_eq!(std::fs::read(folder.join("summary.csv")).unwrap(), before);
    assert!(!folder.join("runs.csv").exists(), "{name}: the new runs.csv got in");
}

#[test]
fn ctrl_c_while_the_folder_is_written_leaves_no_trace_and_the_earlier_folder() {
    interrupt_while_writing("INT", 130);
}

#[test]
fn sigterm_while_the_folder_is_written_leaves_no_trace_and_the_earlier_folder() {
    interrupt_while_writing("TERM", 143);
}

#[test]
fn ctrl_c_while_simulating_says_nothing_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = bury();
    let mut child = spawn(&[
        "run".as_ref(),
        scenario.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--runs".as_ref(),
        "8000".as_ref(),
        "--per-run".as_ref(),
        "--quiet".as_ref(),
    ]);
    std::thread::sleep(Duration::from_millis(500));
    signal(&child, "INT");
    let status = wait_at_most(&mut child, Duration::from_secs(60), "INT");
    let stderr = stderr_of(&mut child);
    assert_eq!(status.code(), Some(130), "{status}; stderr: {stderr}");
    assert!(stderr.starts_with("interrupted: nothing was written"), "{stderr}");
    // Nothing at all, or (on a fast machine) an empty output folder.
    assert!(!out.exists() || names(&out).is_empty(), "{:?}", names(&out));
}

/// A process number no process can have: above the system's largest.
#[cfg(target_os = "linux")]
fn dead_pid() -> u32 {
    let max: u32 = std::fs::read_to_string("/proc/sys/kernel/pid_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    max + 1
}

/// A folder `name` in `out` holding one file.
fn plant(out: &Path, name: &str) {
    std::fs::create_dir_all(out.join(name)).unwrap();
    std::fs::write(out.join(name).join("runs.csv"), "half written").unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn a_run_clears_what_a_killed_process_left() {
    let dir = tempfile::tempdir().unwrap();
    quick_run(dir.path());
    let dead = dead_pid();
    // Killed while writing this folder and another, and after setting an
    // earlier folder aside (which was then replaced).
    plant(dir.path(), &format!(".{FOLDER}.writing-{dead}"));
    plant(dir.path(), &format!(".compare-x.writing-{dead}"));
    plant(dir.path(), &format!(".{FOLDER}.old-{dead}"));
    quick_run(dir.path());
    assert_eq!(names(dir.path()), [FOLDER]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_run_leaves_alone_what_a_live_process_is_writing() {
    let dir = tempfile::tempdir().unwrap();
    let live = std::process::id();
    let writing = format!(".{FOLDER}.writing-{live}");
    let aside = format!(".compare-x.old-{live}");
    plant(dir.path(), &writing);
    plant(dir.path(), &aside);
    quick_run(dir.path());
    let mut expected = vec![writing.clone(), aside.clone(), FOLDER.to_string()];
    expected.sort();
    assert_eq!(names(dir.path()), expected);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(&writing).join("runs.csv")).unwrap(),
        "half written"
    );
}

#[test]
fn an_absurd_caseload_target_is_refused_by_check_and_run() {
    for command in ["check", "run"] {
        Command::cargo_bin("caseload")
            .unwrap()
            .arg(command)
            .arg(bury())
            .args(["--set", "target.high=1.7976931348623157e308"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "target.high = 1.7976931348623157e308: a caseload target must be more than 0 and at most 200 cases per case-holding FTE",
            ));
    }
}

#[test]
fn a_run_of_extreme_but_valid_values_finishes() {
    // The largest target, no referrals, and a cost so large that the spend
    // chart's axis reaches the largest number a computer keeps: plotters'
    // own axis once searched for its ticks for ever on it.
    let dir = tempfile::tempdir().unwrap();
    let sets = [
        "target.high=200",
        "target.low=200",
        "costs.permanent=1e306",
        "demand.referrals_per_month=0",
    ];
    let scenario = bury();
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "run".as_ref(),
        scenario.as_os_str(),
        "--out".as_ref(),
        dir.path().as_os_str(),
        "--runs".as_ref(),
        "20".as_ref(),
        "--quiet".as_ref(),
    ];
    for set in &sets {
        args.extend([std::ffi::OsStr::new("--set"), std::ffi::OsStr::new(set)]);
    }
    let mut child = spawn(&args);
    let status = wait_at_most(&mut child, Duration::from_secs(60), "extreme run");
    let stderr = stderr_of(&mut child);
    assert!(status.success(), "{status}: {stderr}");
    let folder = dir.path().join(FOLDER);
    for chart in ["caseload", "workforce", "target", "cost"] {
        assert!(folder.join(format!("{chart}.png")).exists(), "{chart}.png");
    }
}
