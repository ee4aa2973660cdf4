//! Random streams, and the Poisson and gamma draws the model makes from
//! them (binomial counts are `binomial`'s, which draws from these streams).
//!
//! Every run draws only from numbers derived from (master seed, run index)
//! and a key, so a run's results do not depend on how many threads ran it,
//! nor on how many runs there are. Counts (hires, agency found, referrals,
//! case moves) draw from a PCG-64 stream per process and month; the initial
//! state from its own stream; each uncertain parameter from a stream keyed
//! by its key path; people's events from [`Keyed`] numbers keyed by person
//! and clock (their leaving, absence and conversion clocks). So comparing
//! scenarios uses common random numbers, and a change to one process leaves
//! the draws of the others as they were.
//!
//! The generator is PCG-64 (`rand_pcg::Pcg64`), named and portable: its
//! output for a seed is fixed by its algorithm, not by a library version.

use rand::SeedableRng;
use rand_distr::{Distribution, Exp1, Gamma, Poisson};
use rand_pcg::{Pcg64, Pcg64Mcg};

pub type Stream = Pcg64;

/// The processes of one run, each with its own stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    Initial,
    Leaving,
    Absence,
    Recruitment,
    Agency,
    Conversion,
    Demand,
    Cases,
    /// The drift paths (`drift.rs`), one stream per drifting process.
    DriftLeaving,
    DriftApplicants,
    DriftReferrals,
    DriftAgency,
}

impl Process {
    fn code(self) -> u64 {
        match self {
            Process::Initial => 1,
            Process::Leaving => 2,
            Process::Absence => 3,
            Process::Recruitment => 4,
            Process::Agency => 5,
            Process::Demand => 6,
            Process::Cases => 7,
            Process::Conversion => 8,
            Process::DriftLeaving => 9,
            Process::DriftApplicants => 10,
            Process::DriftReferrals => 11,
            Process::DriftAgency => 12,
        }
    }
}

/// SplitMix64's finaliser: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a key path: stable across platforms and versions.
fn hash_key(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

fn stream_from(seed: u64, run: u64, tag: u64) -> Stream {
    RunStreams::new(seed, run).tagged(tag)
}

/// The streams of one run, with the run's part of their keys mixed once:
/// the same streams as [`stream`] and [`month_stream`] give, for less work
/// when a run makes many.
#[derive(Debug, Clone, Copy)]
pub struct RunStreams(u64);

impl RunStreams {
    pub fn new(seed: u64, run: u64) -> RunStreams {
        RunStreams(mix(mix(seed) ^ run))
    }

    /// [`month_stream`] of this run.
    pub fn month(self, process: Process, t: u32) -> Stream {
        self.tagged(month_tag(process, t))
    }

    fn tagged(self, tag: u64) -> Stream {
        let base = mix(self.0 ^ tag);
        let mut bytes = [0u8; 32];
        let mut z = base;
        for chunk in bytes.chunks_mut(8) {
            z = mix(z);
            chunk.copy_from_slice(&z.to_le_bytes());
        }
        Stream::from_seed(bytes)
    }
}

/// The stream of `process` in run `run`.
pub fn stream(seed: u64, run: u64, process: Process) -> Stream {
    stream_from(seed, run, process.code())
}

/// The stream of `process` in step `t` of run `run`: a fresh stream each
/// month, so that a difference in one month's draws (a scenario drawing
/// more or fewer values) never shifts the draws of later months.
pub fn month_stream(seed: u64, run: u64, process: Process, t: u32) -> Stream {
    stream_from(seed, run, month_tag(process, t))
}

fn month_tag(process: Process, t: u32) -> u64 {
    process.code() ^ (u64::from(t) + 1) << 32
}

/// Clock lengths keyed by (person, k) for one process of one run, k
/// counting the person's clocks: a worker who exists in two compared
/// scenarios carries the same clocks in both, so the scenarios differ only
/// where their probabilities differ.
#[derive(Debug, Clone, Copy)]
pub struct Keyed(u64);

impl Keyed {
    pub fn new(seed: u64, run: u64, process: Process, person_kind: u64) -> Keyed {
        Keyed(mix(mix(mix(seed) ^ run) ^ process.code() ^ person_kind << 48))
    }

    /// The `k`th Exp(1) amount for person `id`: the length of a clock
    /// (see `state::Worker::clock`). Drawn by `rand_distr`'s ziggurat
    /// from a generator seeded by (person, k) alone: cheaper than the
    /// logarithm of a uniform number, and as exact.
    pub fn exponential(self, id: u64, k: u32) -> f64 {
        let bits = mix(mix(self.0 ^ id) ^ u64::from(k));
        let mut rng = Pcg64Mcg::new(u128::from(bits) << 64 | u128::from(mix(bits)));
        Exp1.sample(&mut rng)
    }
}

/// The stream from which run `run` samples the parameter at `key`.
pub fn parameter_stream(seed: u64, run: u64, key: &str) -> Stream {
    // Offset past the process codes so no key can collide with a process.
    stream_from(seed, run, hash_key(key) | (1 << 63))
}

/// Poisson(lambda); 0 without a draw when lambda is 0.
pub fn poisson(rng: &mut Stream, lambda: f64) -> u64 {
    if lambda <= 0.0 || !lambda.is_finite() {
        return 0;
    }
    Poisson::new(lambda).map_or(0, |d| d.sample(rng) as u64)
}

/// The rate of a negative binomial count as a gamma-Poisson mixture: a
/// Gamma(k, lambda / k) draw, so that Poisson counts at this rate have mean
/// lambda and variance lambda + lambda^2 / k.
pub fn gamma_rate(rng: &mut Stream, lambda: f64, k: f64) -> f64 {
    if lambda <= 0.0 || !lambda.is_finite() {
        return 0.0;
    }
    Gamma::new(k, lambda / k).map_or(lambda, |g| g.sample(rng))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_seed_run_process_and_key() {
        let first = |mut s: Stream| s.random::<u64>();
        let a = first(stream(1, 0, Process::Leaving));
        assert_eq!(a, first(stream(1, 0, Process::Leaving)));
        assert_ne!(a, first(stream(2, 0, Process::Leaving)));
        assert_ne!(a, first(stream(1, 1, Process::Leaving)));
        assert_ne!(a, first(stream(1, 0, Process::Absence)));
        assert_ne!(a, first(stream(1, 0, Process::DriftLeaving)));
        assert_ne!(
            first(stream(1, 0, Process::DriftReferrals)),
            first(stream(1, 0, Process::DriftAgency))
        );
        assert_ne!(
            first(parameter_stream(1, 0, "demand.referrals_per_month")),
            first(parameter_stream(1, 0, "demand.annual_growth"))
        );
    }

    #[test]
    fn a_runs_streams_are_the_streams_of_its_seed_and_run() {
        let first = |mut s: Stream| s.random::<u64>();
        let run = RunStreams::new(5, 9);
        for (process, t) in [(Process::Cases, 0), (Process::Agency, 35), (Process::Demand, 119)] {
            assert_eq!(first(run.month(process, t)), first(month_stream(5, 9, process, t)));
            assert_ne!(first(run.month(process, t)), first(month_stream(5, 8, process, t)));
        }
    }

    #[test]
    fn clocks_are_exponential_and_differ_by_person_and_number() {
        let k = Keyed::new(1, 0, Process::Leaving, 0);
        assert_ne!(k.exponential(1, 0), k.exponential(2, 0));
        assert_ne!(k.exponential(1, 0), k.exponential(1, 1));
        assert_ne!(
            k.exponential(1, 0),
            Keyed::new(1, 1, Process::Leaving, 0).exponential(1, 0)
        );
        assert_eq!(
            k.exponential(1, 0),
            Keyed::new(1, 0, Process::Leaving, 0).exponential(1, 0)
        );
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|i| k.exponential(i % 1000, (i / 1000) as u32)).collect();
        assert!(draws.iter().all(|e| *e >= 0.0 && e.is_finite()));
        // Exp(1): mean 1, variance 1, P(E > x) = exp(-x), within 5
        // standard errors.
        let mean = draws.iter().sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 5.0 * (1.0 / n as f64).sqrt(), "{mean}");
        let var = draws.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        // The variance of the sample variance of Exp(1) is (mu4 - 1) / n = 8 / n.
        assert!((var - 1.0).abs() < 5.0 * (8.0 / n as f64).sqrt(), "{var}");
        for x in [0.05f64, 0.5, 1.0, 2.0, 4.0] {
            let p = (-x).exp();
            let above = draws.iter().filter(|e| **e > x).count() as f64 / n as f64;
            assert!(
                (above - p).abs() < 5.0 * (p * (1.0 - p) / n as f64).sqrt(),
                "P(E > {x}) = {above}"
            );
        }
    }
}
