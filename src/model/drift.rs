//! Drift: rates that wander over the years in ways no one can foresee
//! (MODEL.md, "Drift, correlated ranges and the agency level").
//!
//! For each process whose sigma is above 0, a run keeps a random walk
//! X(0) = 0, X(t) = X(t-1) + sigma * sqrt(1/12) * Z(t), with Z(t) standard
//! normal from that process's own stream, and multiplies the process's
//! rate in month t by exp(X(t)); the median path is the path without
//! drift. The paths are drawn once, when a run starts. A process without
//! drift touches no stream, so one process's drift never shifts another's
//! draws, and two scenarios with the same sigmas share their paths.

use super::rng::{self, Process, Stream};
use super::sample::RunParams;
use rand_distr::{Distribution as _, StandardNormal};

/// The processes that may drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drifting {
    /// Every permanent leaving probability, ASYE year included.
    Leaving,
    /// The Poisson mean of experienced hires.
    Applicants,
    /// The mean of referrals, lambda(t).
    Referrals,
    /// The agency level (with `agency.mode = "level"`).
    Agency,
}

impl Drifting {
    const ALL: [Drifting; 4] = [
        Drifting::Leaving,
        Drifting::Applicants,
        Drifting::Referrals,
        Drifting::Agency,
    ];

    fn process(self) -> Process {
        match self {
            Drifting::Leaving => Process::DriftLeaving,
            Drifting::Applicants => Process::DriftApplicants,
            Drifting::Referrals => Process::DriftReferrals,
            Drifting::Agency => Process::DriftAgency,
        }
    }

    fn sigma(self, p: &RunParams) -> f64 {
        match self {
            Drifting::Leaving => p.drift_leaving,
            Drifting::Applicants => p.drift_applicants,
            Drifting::Referrals => p.drift_referrals,
            Drifting::Agency => p.drift_agency,
        }
    }
}

/// exp(X(t)) for t = 0 .. months-1 of a walk with `sigma` per square root
/// of a year, drawing Z(1), Z(2), ... from `rng` in month order. A
/// multiplier too large for a number is kept at the largest one, so that
/// a rate it multiplies is never NaN.
pub fn drift_path(sigma: f64, months: u32, rng: &mut Stream) -> Vec<f64> {
    let step = sigma * (1.0f64 / 12.0).sqrt();
    let mut x = 0.0;
    let mut path = Vec::with_capacity(months as usize);
    for t in 0..months {
        if t > 0 {
            let z: f64 = StandardNormal.sample(rng);
            x += step * z;
        }
        path.push(x.exp().min(f64::MAX));
    }
    path
}

/// One run's drift multipliers, by process: empty for a process that does
/// not drift.
#[derive(Debug, Clone, Default)]
pub struct DriftPaths([Vec<f64>; 4]);

impl DriftPaths {
    /// The paths of run `run` for the sigmas it sampled.
    pub fn new(p: &RunParams, seed: u64, run: u64, months: u32) -> DriftPaths {
        DriftPaths(Drifting::ALL.map(|which| {
            let sigma = which.sigma(p);
            if sigma > 0.0 {
                drift_path(sigma, months, &mut rng::stream(seed, run, which.process()))
            } else {
                Vec::new()
            }
        }))
    }

    /// The multiplier exp(X(t)) of `which` in month `t`: 1 without drift.
    pub fn factor(&self, which: Drifting, t: u32) -> f64 {
        self.0[which as usize].get(t as usize).copied().unwrap_or(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_starts_at_one_and_steps_by_its_own_normals() {
        let path = drift_path(0.3, 5, &mut rng::stream(1, 0, Process::DriftLeaving));
        assert_eq!(path.len(), 5);
        assert_eq!(path[0], 1.0);
        let mut again = rng::stream(1, 0, Process::DriftLeaving);
        let mut x = 0.0;
        for factor in &path[1..] {
            let z: f64 = StandardNormal.sample(&mut again);
            x += 0.3 * (1.0f64 / 12.0).sqrt() * z;
            assert!((factor - x.exp()).abs() < 1e-12);
        }
    }

    #[test]
    fn without_drift_every_factor_is_one() {
        let paths = DriftPaths::default();
        assert_eq!(paths.factor(Drifting::Referrals, 0), 1.0);
        assert_eq!(paths.factor(Drifting::Agency, 599), 1.0);
        assert!(drift_path(0.0, 3, &mut rng::stream(1, 0, Process::DriftAgency)) == [1.0; 3]);
    }

    #[test]
    fn an_absurd_sigma_gives_large_finite_multipliers() {
        let path = drift_path(1e300, 24, &mut rng::stream(1, 0, Process::DriftAgency));
        assert!(path.iter().all(|f| !f.is_nan() && *f >= 0.0 && f.is_finite()));
    }
}
