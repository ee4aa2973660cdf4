//! One run's parameters: every uncertain value sampled once, at the start of
//! the run, and every annual or duration figure turned into its monthly form.

use super::params::*;
use super::rng::{Stream, parameter_stream};
use rand::Rng;
use rand_distr::{Distribution as _, StandardNormal, Triangular};

/// Draws one value; normal and lognormal draws are clipped to the key's
/// valid range (uniform and triangular ones are inside it by validation).
pub fn draw(u: &Uncertain, rng: &mut Stream) -> f64 {
    let x = match u.dist {
        Distribution::Fixed(v) => return v,
        Distribution::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
        Distribution::Triangular { min, mode, max } => {
            if max > min {
                Triangular::new(min, max, mode).map_or(mode, |t| t.sample(rng))
            } else {
                min
            }
        }
        Distribution::Normal { mean, sd } => {
            let z: f64 = StandardNormal.sample(rng);
            mean + sd * z
        }
        Distribution::Lognormal { median, sd_log } => {
            let z: f64 = StandardNormal.sample(rng);
            median * (sd_log * z).exp()
        }
    };
    u.valid.clip(x)
}

/// The monthly form of an annual probability: 1 - (1 - a)^(1/12).
pub fn monthly(annual: f64) -> f64 {
    1.0 - (1.0 - annual.clamp(0.0, 1.0)).powf(1.0 / 12.0)
}

/// The monthly exit probability of a geometric duration with mean `d` months.
pub fn exit_probability(mean_months: f64) -> f64 {
    1.0 / mean_months.max(1.0)
}

/// Rounds halves up: every FTE-to-heads rounding of MODEL.md.
pub fn round_half_up(x: f64) -> u64 {
    (x + 0.5).floor().max(0.0) as u64
}

/// Samples parameters for one run, each key from its own stream.
struct Sampler {
    seed: u64,
    run: u64,
}

impl Sampler {
    fn get(&self, key: &str, u: &Uncertain) -> f64 {
        if u.is_fixed() {
            return u.central();
        }
        draw(u, &mut parameter_stream(self.seed, self.run, key))
    }
}

/// A run's parameters, in the monthly units the step uses.
#[derive(Debug, Clone, PartialEq)]
pub struct RunParams {
    pub case_holding_share: f64,
    /// Monthly leaving probability by completed years of service.
    pub leaving_by_year: Vec<f64>,
    /// Monthly leaving probability in the ASYE year.
    pub asye_leaving: f64,
    pub absence_start: f64,
    pub absence_return: f64,
    pub pressure_sensitivity: f64,
    pub applicants_per_month: f64,
    pub asye_intake_heads: u64,
    pub agency_fill: f64,
    pub agency_leaving: f64,
    pub agency_conversion: f64,
    pub referrals_per_month: f64,
    pub annual_growth: f64,
    pub shock_multipliers: Vec<f64>,
    pub case_exit: Vec<f64>,
    pub bonus_applicants: f64,
    pub retention_leaving: f64,
    pub supplement_applicants: f64,
    pub supplement_leaving: f64,
}

impl RunParams {
    pub fn sample(s: &Scenario, seed: u64, run: u64) -> RunParams {
        let p = Sampler { seed, run };
        let w = &s.workforce;
        let bands: Vec<f64> = w
            .annual_leaving_by_service_year
            .iter()
            .enumerate()
            .map(|(i, b)| p.get(&format!("workforce.annual_leaving_by_service_year[{i}]"), b))
            .collect();
        let asye_annual = match s.asye.as_ref().and_then(|a| a.annual_leaving.as_ref()) {
            Some(u) => p.get("asye.annual_leaving", u),
            None => bands.first().copied().unwrap_or(0.0),
        };
        let pay = &s.payments;
        let multiplier = |key: &str, u: Option<&Uncertain>| u.map_or(1.0, |u| p.get(key, u));
        RunParams {
            case_holding_share: p.get("workforce.case_holding_share", &w.case_holding_share),
            leaving_by_year: bands.iter().map(|a| monthly(*a)).collect(),
            asye_leaving: monthly(asye_annual),
            absence_start: monthly(p.get("workforce.long_absence_annual_rate", &w.long_absence_annual_rate)),
            absence_return: exit_probability(p.get("workforce.long_absence_mean_months", &w.long_absence_mean_months)),
            pressure_sensitivity: p.get("workforce.pressure_sensitivity", &w.pressure_sensitivity),
            applicants_per_month: s.recruitment.as_ref().map_or(0.0, |r| {
                p.get("recruitment.applicants_per_month", &r.applicants_per_month)
            }),
            asye_intake_heads: s
                .asye
                .as_ref()
                .map_or(0, |a| round_half_up(p.get("asye.intake_per_year", &a.intake_per_year))),
            agency_fill: s
                .agency
                .as_ref()
                .map_or(0.0, |a| p.get("agency.fill_prob", &a.fill_prob)),
            agency_leaving: s.agency.as_ref().map_or(0.0, |a| {
                exit_probability(p.get("agency.mean_tenure_months", &a.mean_tenure_months))
            }),
            agency_conversion: s.agency.as_ref().map_or(0.0, |a| {
                monthly(p.get("agency.annual_conversion_rate", &a.annual_conversion_rate))
            }),
            referrals_per_month: p.get("demand.referrals_per_month", &s.demand.referrals_per_month),
            annual_growth: p.get("demand.annual_growth", &s.demand.annual_growth),
            shock_multipliers: s
                .demand
                .shocks
                .iter()
                .enumerate()
                .map(|(i, sh)| p.get(&format!("demand.shocks[{i}].multiplier"), &sh.multiplier))
                .collect(),
            case_exit: s
                .cases
                .iter()
                .map(|c| exit_probability(p.get(&format!("cases.{}.mean_months", c.name), &c.mean_months)))
                .collect(),
            bonus_applicants: multiplier(
                "payments.recruitment_bonus.applicant_multiplier",
                pay.recruitment_bonus.as_ref().map(|b| &b.applicant_multiplier),
            ),
            retention_leaving: multiplier(
                "payments.retention.leaving_multiplier",
                pay.retention.as_ref().map(|r| &r.leaving_multiplier),
            ),
            supplement_applicants: multiplier(
                "payments.market_supplement.applicant_multiplier",
                pay.market_supplement.as_ref().map(|m| &m.applicant_multiplier),
            ),
            supplement_leaving: multiplier(
                "payments.market_supplement.leaving_multiplier",
                pay.market_supplement.as_ref().map(|m| &m.leaving_multiplier),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{Process, stream};

    #[test]
    fn monthly_form_compounds_back_to_the_annual_rate() {
        let m = monthly(0.3);
        assert!(((1.0 - m).powi(12) - 0.7).abs() < 1e-12);
        assert_eq!(monthly(0.0), 0.0);
        assert_eq!(monthly(1.0), 1.0);
    }

    #[test]
    fn halves_round_up() {
        assert_eq!(round_half_up(0.5), 1);
        assert_eq!(round_half_up(0.3), 0);
        assert_eq!(round_half_up(2.5), 3);
        assert_eq!(round_half_up(-0.2), 0);
    }

    #[test]
    fn normal_draws_are_clipped_to_the_valid_range() {
        let u = Uncertain {
            dist: Distribution::Normal { mean: 0.95, sd: 0.5 },
            valid: ValidRange::Probability,
        };
        let mut rng = stream(1, 0, Process::Initial);
        let draws: Vec<f64> = (0..2000).map(|_| draw(&u, &mut rng)).collect();
        assert!(draws.iter().all(|x| (0.0..=1.0).contains(x)));
        assert!(draws.contains(&1.0), "some draws above 1 are clipped to 1");
    }

    #[test]
    fn uniform_and_triangular_draws_stay_in_their_range_with_the_right_mean() {
        let mut rng = stream(2, 0, Process::Initial);
        let tri = Uncertain {
            dist: Distribution::Triangular {
                min: 1.0,
                mode: 1.2,
                max: 1.5,
            },
            valid: ValidRange::NonNegative,
        };
        let n = 20_000;
        let draws: Vec<f64> = (0..n).map(|_| draw(&tri, &mut rng)).collect();
        assert!(draws.iter().all(|x| (1.0..=1.5).contains(x)));
        let mean = draws.iter().sum::<f64>() / n as f64;
        // Triangular mean (a + b + c) / 3; sd ~0.1, so 5 standard errors ~0.004.
        assert!((mean - 3.7 / 3.0).abs() < 0.004, "{mean}");
    }
}
