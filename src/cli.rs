//! The command line: clap definitions, checked without I/O.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The end of `caseload --help`: examples with shipped scenarios and where
/// outputs go (as ripgrep's and hyperfine's help end with examples).
const MAIN_EXAMPLES: &str = "\
Examples:
  caseload check scenarios/bury-2022.toml
  caseload run scenarios/bury-2022.toml
  caseload compare scenarios/bury-2022.toml scenarios/bury-2022-retention.toml
  caseload seek scenarios/bury-2022.toml --target \"caseload<=19\" --by 2024-09 --lever workforce.establishment_fte=140..200

Where outputs go: run writes output/<scenario name>/ for each scenario (its
`name`, in lower case with hyphens: output/bury-march-2022-position/); compare
writes OUT/compare-<baseline name>/, seek OUT/seek-<scenario name>/ and backtest OUT/backtest-<council>-<year>/,
where OUT is output unless --out DIR is given. new writes only the file it names;
check writes nothing.";

const RUN_EXAMPLES: &str = "\
Examples:
  caseload run scenarios/bury-2022.toml
  caseload run scenarios/bury-2022.toml --runs 5000 --set recruitment.notice_months=3
  caseload run scenarios/bury-2022.toml scenarios/large-county.toml --out results

Where outputs go: each scenario gets a folder OUT/<scenario name>/, where OUT is
output unless --out DIR is given and the folder is the scenario's `name` in
lower case with hyphens: output/bury-march-2022-position/ for the first example.";

const COMPARE_EXAMPLES: &str = "\
Examples:
  caseload compare scenarios/bury-2022.toml scenarios/bury-2022-retention.toml
  caseload compare scenarios/bury-2022.toml scenarios/bury-2022-retention.toml scenarios/bury-2022-grow-your-own.toml
  caseload compare scenarios/bury-2022.toml scenarios/bury-2022-retention.toml --break-even payments.retention.leaving_multiplier

Where outputs go: one folder, OUT/compare-<baseline name>/, where OUT is output
unless --out DIR is given and the baseline is the first scenario:
output/compare-bury-march-2022-position/ for these examples.";

const SEEK_EXAMPLES: &str = "\
Examples:
  caseload seek scenarios/bury-2022.toml --target \"caseload<=19\" --by 2024-09 --lever workforce.establishment_fte=140..200
  caseload seek scenarios/bury-2022.toml --target \"caseload<=22\" --by 2024-03 --chance 0.9 --lever asye.intake_per_year=5..30
  caseload seek scenarios/bury-2022.toml --target \"agency_rate<=0.2\" --by 2025-03 --lever recruitment.applicants_per_month=1..6
  caseload seek scenarios/bury-2022.toml --target \"caseload<=19\" --by 2024-09 --lever asye.intake_per_year=5..25 --lever workforce.establishment_fte=140..200

Finds the smallest lever value (or the largest, when the chance falls as the
lever rises) at which the chance of meeting the target in that month is at
least --chance (default 0.8), every value run on the same random numbers.
Targets name a column of summary.csv with <= or >= and a number; quote them
in the shell. Levers are KEY=LOW..HIGH, KEY as for --set.

Where outputs go: OUT/seek-<scenario name>/, where OUT is output unless --out
DIR is given: output/seek-bury-march-2022-position/ for these examples, with
seek.csv, headline.csv, the seek chart, answer.toml and report.html.";

const SERVE_EXAMPLES: &str = "\
Examples:
  caseload serve
  caseload serve scenarios/bury-2022.toml scenarios/bury-2022-retention.toml
  caseload serve --port 9000

Prints the address to open in a web browser (http://127.0.0.1:8765/ by
default). The page starts from any council's published figures or from a
scenario file named here; each change of a control re-runs the plan and
redraws the charts. Plans are saved from the page as downloads: the server
writes no file. Stop it with Ctrl-C.";

const CHECK_EXAMPLES: &str = "\
Examples:
  caseload check scenarios/bury-2022.toml
  caseload check scenarios/bury-2022-retention.toml --set workforce.establishment_fte=160

Where outputs go: nowhere; check writes no files. It prints what each scenario
means in plain words, or every problem with the file, key and what is expected.";

const NEW_EXAMPLES: &str = "\
Examples:
  caseload new my-scenario.toml
  caseload new bury.toml --la Bury
  caseload new bury-2019.toml --la Bury --year 2019
  caseload new --list-las

Where outputs go: the one file named (an existing file is never overwritten).
Then check it (caseload check bury.toml) and run it (caseload run bury.toml).";

const BACKTEST_EXAMPLES: &str = "\
Examples:
  caseload backtest --la Bury --from 2019
  caseload backtest --la Worcestershire --from 2021 --runs 500
  caseload backtest --all --from 2019
  caseload backtest --all --from 2019..2023

Where outputs go: OUT/backtest-<council>-<year>/, where OUT is output unless
--out DIR is given: output/backtest-bury-2019/ for the first example; with
--all, OUT/backtest-all-<year>/; for a range of years,
OUT/backtest-all-<first>-<last>/ (output/backtest-all-2019-2023/ for the last
example) or OUT/backtest-<council>-<first>-<last>/. With --outcomes-to YYYY the
folder's name ends in -outcomes-to-YYYY.";

#[derive(Debug, Parser)]
#[command(
    name = "caseload",
    version,
    about = "Project children's social work caseloads and workforce under a council's plans",
    long_about = "caseload simulates a council's children's social work workforce and caseloads month \
                  by month, many times over, and summarises what is likely: caseloads against the \
                  target band, vacancies, agency use and costs.",
    after_help = MAIN_EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate each scenario and write its output folder.
    #[command(after_help = RUN_EXAMPLES)]
    Run {
        /// Scenario files (TOML).
        #[arg(required = true, value_name = "SCENARIO.toml")]
        scenarios: Vec<PathBuf>,
        #[command(flatten)]
        options: RunOptions,
    },
    /// Run every scenario with common random numbers and compare each with the first.
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare {
        /// The baseline scenario, then the scenarios to compare with it.
        #[arg(required = true, num_args = 2.., value_name = "SCENARIO.toml")]
        scenarios: Vec<PathBuf>,
        #[command(flatten)]
        options: RunOptions,
        /// Find where a payment pays for itself: sweep this multiplier key
        /// (for example payments.retention.leaving_multiplier) in every
        /// scenario but the baseline, and report where the net cost
        /// excluding salaries of funded posts, and where the change in total
        /// spend, cross zero.
        #[arg(long, value_name = "KEY")]
        break_even: Option<String>,
        /// The sweep's grid, FROM:TO:POINTS (default 0.5:1:21 for a leaving
        /// multiplier, 1:2:21 for an applicant multiplier).
        #[arg(long, value_name = "FROM:TO:POINTS", requires = "break_even")]
        grid: Option<String>,
    },
    /// Find the lever value at which the target is met by a month, at a chance.
    #[command(after_help = SEEK_EXAMPLES)]
    Seek {
        /// The scenario file (TOML).
        #[arg(value_name = "SCENARIO.toml")]
        scenario: PathBuf,
        /// What must hold: a column of summary.csv, <= or >=, and a number
        /// (for example caseload<=19 or agency_rate<=0.2).
        #[arg(long, value_name = "METRIC<=NUMBER")]
        target: String,
        /// The month by which the target must hold, within the horizon.
        #[arg(long, value_name = "YYYY-MM")]
        by: String,
        /// The share of runs that must meet the target (above 0, at most 1).
        #[arg(long, default_value_t = 0.8)]
        chance: f64,
        /// The value to move and its range: KEY=LOW..HIGH, KEY as for --set
        /// (for example workforce.establishment_fte=140..200). Two or three
        /// levers: the cheapest mix that meets the target (the last lever is
        /// searched finely, the others on a grid of 5 values).
        #[arg(long, required = true, value_name = "KEY=LOW..HIGH")]
        lever: Vec<String>,
        #[command(flatten)]
        options: RunOptions,
    },
    /// Run the workshop page: live what-ifs in a web browser on this computer.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve {
        /// Scenario files the page may start from (besides every council's
        /// published figures).
        #[arg(value_name = "SCENARIO.toml")]
        scenarios: Vec<PathBuf>,
        /// The port to listen on (0: any free port).
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// The address to listen on. Anything but loopback (127.0.0.1, ::1)
        /// lets anyone on the network use the page.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
        bind: String,
    },
    /// Read and validate scenarios and say what they resolve to, in plain words.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        /// Scenario files (TOML).
        #[arg(required = true, value_name = "SCENARIO.toml")]
        scenarios: Vec<PathBuf>,
        /// Override a value: KEY=VALUE in the file's own syntax (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
    /// Write a commented starter scenario, or one from a council's published figures.
    #[command(after_help = NEW_EXAMPLES)]
    New {
        /// The file to write; an existing file is never overwritten.
        #[arg(value_name = "FILE.toml", required_unless_present = "list_las")]
        file: Option<PathBuf>,
        /// Fill the scenario from this council's published figures (England's
        /// children's social work workforce and children in need statistics).
        #[arg(long, value_name = "NAME")]
        la: Option<String>,
        /// The workforce year (30 September) to start from; default the latest.
        #[arg(long, value_name = "YYYY", requires = "la")]
        year: Option<i32>,
        /// List the councils with published figures, with their regions.
        #[arg(long, conflicts_with_all = ["file", "la", "year"])]
        list_las: bool,
    },
    /// Project a council from an earlier year's published figures and set
    /// the projection against what it published since.
    #[command(after_help = BACKTEST_EXAMPLES)]
    Backtest {
        /// The council, as for `new --la` (forgiving of case, "and" or "&", "City of" ...).
        #[arg(long, value_name = "NAME", conflicts_with = "all")]
        la: Option<String>,
        /// Every council with figures for the year, pooling how well the bands held.
        #[arg(long)]
        all: bool,
        /// The workforce year (30 September) to project from, or a range of
        /// years (2019..2023, inclusive): each is backtested and the scores
        /// are given year by year and pooled.
        #[arg(long, value_name = "YYYY[..YYYY]")]
        from: String,
        /// Compare nothing published after this year (30 September): later
        /// values are ignored and the projections stop there, so that a
        /// calibration can be judged on later years it never saw.
        #[arg(long, value_name = "YYYY")]
        outcomes_to: Option<i32>,
        #[command(flatten)]
        options: BacktestOptions,
    },
}

/// Options of `backtest`.
#[derive(Debug, Args, Clone)]
pub struct BacktestOptions {
    /// Simulated runs per council (default 1000; 200 with --all).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub runs: Option<u32>,
    /// Master seed, a whole number 0 or more: the same seed gives the same results.
    #[arg(long, default_value_t = 1, value_parser = seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Folder for outputs.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Options shared by `run` and `compare`.
#[derive(Debug, Args, Clone)]
pub struct RunOptions {
    /// Number of simulated runs.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub runs: u32,
    /// Master seed, a whole number 0 or more: the same seed gives the same results.
    #[arg(long, default_value_t = 1, value_parser = seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Folder for outputs.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// Override a value: KEY=VALUE in the file's own syntax (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Also write every run's metrics: runs.csv (runs-<scenario>.csv for each
    /// scenario of a comparison).
    #[arg(long)]
    pub per_run: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// A seed as typed: a whole number, 0 or more. A negative one is read as a
/// value (not as an unknown flag, for which clap would suggest `-- -1`)
/// and refused in words.
fn seed(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| "a seed must be a whole number, 0 or more (such as 1 or 2024)".to_string())
}

/// A hint after clap's error when `args` (the command line, without the
/// program) give `--la` a council's name of several words without quotes,
/// which clap reads as an unexpected argument: `--la St Helens` is met with
/// `--la "St Helens"`.
pub fn hint(error: &clap::Error, args: &[String]) -> Option<String> {
    if error.kind() != clap::error::ErrorKind::UnknownArgument {
        return None;
    }
    let at = args.iter().position(|a| a == "--la")?;
    let words: Vec<&str> = args[at + 1..]
        .iter()
        .take_while(|a| !a.starts_with('-') && !a.ends_with(".toml"))
        .map(String::as_str)
        .collect();
    (words.len() > 1).then(|| {
        format!(
            "A council's name of more than one word goes in quotes: --la \"{}\"",
            words.join(" ")
        )
    })
}
