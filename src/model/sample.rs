//! One run's parameters: every uncertain value sampled once, at the start of
//! the run, and every annual or duration figure turned into its monthly form.

use super::parameter::{LEAVING_BANDS, Own, Parameter};
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

/// The value of `u` at the quantile of a standard normal `z`: every
/// distribution at the same probability Phi(z), so that values drawn this
/// way from one `z` move together (comonotone). Normal and lognormal use
/// `z` itself, the others Phi(z); out-of-range values are clipped as by
/// [`draw`].
pub fn quantile(u: &Uncertain, z: f64) -> f64 {
    let x = match u.dist {
        Distribution::Fixed(v) => return v,
        Distribution::Uniform { min, max } => min + (max - min) * standard_normal_cdf(z),
        Distribution::Triangular { min, mode, max } => triangular_quantile(min, mode, max, standard_normal_cdf(z)),
        Distribution::Normal { mean, sd } => mean + sd * z,
        Distribution::Lognormal { median, sd_log } => median * (sd_log * z).exp(),
    };
    u.valid.clip(x)
}

/// Phi(z), the standard normal distribution function.
pub fn standard_normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// The inverse of the triangular distribution function at probability `p`.
fn triangular_quantile(min: f64, mode: f64, max: f64, p: f64) -> f64 {
    let width = max - min;
    if width <= 0.0 {
        return min;
    }
    if p * width < mode - min {
        min + (p * width * (mode - min)).sqrt()
    } else {
        max - ((1.0 - p) * width * (max - mode)).sqrt()
    }
}

/// The monthly form of an annual probability: 1 - (1 - a)^(1/12).
pub fn monthly(annual: f64) -> f64 {
    1.0 - (1.0 - annual.clamp(0.0, 1.0)).powf(1.0 / 12.0)
}

/// The rate for completed year `year` of service from rates by year of
/// service, the last applying beyond. A scenario always has one (`resolve`
/// checks); none at all would be no leaving.
pub fn band_rate(bands: &[f64], year: usize) -> f64 {
    bands.get(year).or(bands.last()).copied().unwrap_or(0.0)
}

/// The monthly exit probability of a geometric duration with mean `d` months.
pub fn exit_probability(mean_months: f64) -> f64 {
    1.0 / mean_months.max(1.0)
}

/// Rounds halves up: every FTE-to-heads rounding of MODEL.md. The cast
/// truncates, which is the floor for what it keeps (negatives and NaN
/// become 0, as does the floor clamped at 0), and needs no `floor` call.
pub fn round_half_up(x: f64) -> u64 {
    (x + 0.5) as u64
}

/// Samples parameters for one run, each from its own stream, keyed by the
/// parameter's key path; leaving bands that move together at one shared
/// quantile instead.
struct Sampler<'a> {
    scenario: &'a Scenario,
    seed: u64,
    run: u64,
    /// The run's one standard normal for every leaving band, when they
    /// move together and some band is uncertain.
    bands_together: Option<f64>,
}

impl<'a> Sampler<'a> {
    fn new(scenario: &'a Scenario, seed: u64, run: u64) -> Sampler<'a> {
        let w = &scenario.workforce;
        let together =
            w.leaving_bands_move_together && !w.annual_leaving_by_service_year.iter().all(Uncertain::is_fixed);
        let bands_together = together.then(|| StandardNormal.sample(&mut parameter_stream(seed, run, LEAVING_BANDS)));
        Sampler {
            scenario,
            seed,
            run,
            bands_together,
        }
    }

    fn get(&self, parameter: Parameter, u: &Uncertain) -> f64 {
        if u.is_fixed() {
            return u.central();
        }
        if let (Parameter::LeavingBand(_), Some(z)) = (parameter, self.bands_together) {
            return quantile(u, z);
        }
        draw(
            u,
            &mut parameter_stream(self.seed, self.run, &parameter.key(self.scenario)),
        )
    }
}

/// Every uncertain parameter of `s` as run `run` draws it, in the units
/// of the scenario file and in the order of [`Scenario::parameters`]
/// (fixed values too). Cheap: no simulation, so a run's draws can be
/// looked at again after the run (the drivers of its outcome).
pub fn drawn(s: &Scenario, seed: u64, run: u64) -> Vec<(Parameter, f64)> {
    let sampler = Sampler::new(s, seed, run);
    s.parameters()
        .into_iter()
        .map(|(parameter, u)| (parameter, sampler.get(parameter, u)))
        .collect()
}

/// Each team's and role's own uncertain parameter
/// ([`Scenario::own_parameters`]) as run `run` draws it, in that order and
/// the units of the scenario file. A pool draws its parameters as the
/// council does (`RunParams::sample` of the pool's scenario), each from the
/// stream its key path in the pool's sections keys, which is the council's
/// key (a role's leaving rate draws from the stream of
/// `workforce.annual_leaving_by_service_year[0]`): so re-drawing it here,
/// from the pool's own value, gives the value the run used.
pub fn drawn_own<'a>(s: &'a Scenario, seed: u64, run: u64) -> Vec<(Own<'a>, f64)> {
    let Some(org) = &s.organisation else {
        return Vec::new();
    };
    s.own_parameters()
        .into_iter()
        .filter_map(|own| {
            let pool = &org.pools.get(own.pool)?.scenario;
            let x = Sampler::new(pool, seed, run).get(own.parameter, own.uncertain);
            Some((own, x))
        })
        .collect()
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
    /// Agency FTE per FTE of change in unfilled posts (the agency level).
    pub vacancy_link: f64,
    pub referrals_per_month: f64,
    pub annual_growth: f64,
    pub shock_multipliers: Vec<f64>,
    pub case_exit: Vec<f64>,
    pub bonus_applicants: f64,
    pub retention_leaving: f64,
    pub supplement_applicants: f64,
    pub supplement_leaving: f64,
    /// Drift's sigmas (per square root of a year), 0 without drift.
    pub drift_leaving: f64,
    pub drift_applicants: f64,
    pub drift_referrals: f64,
    pub drift_agency: f64,
}

impl RunParams {
    /// Every value that a parameter the scenario lacks leaves as it is: no
    /// flow (0) and no effect (a multiplier of 1).
    fn neutral(s: &Scenario) -> RunParams {
        RunParams {
            case_holding_share: 0.0,
            leaving_by_year: vec![0.0; s.workforce.annual_leaving_by_service_year.len()],
            asye_leaving: 0.0,
            absence_start: 0.0,
            absence_return: 0.0,
            pressure_sensitivity: 0.0,
            applicants_per_month: 0.0,
            asye_intake_heads: 0,
            agency_fill: 0.0,
            agency_leaving: 0.0,
            agency_conversion: 0.0,
            vacancy_link: 0.0,
            referrals_per_month: 0.0,
            annual_growth: 0.0,
            shock_multipliers: vec![1.0; s.demand.shocks.len()],
            case_exit: vec![0.0; s.cases.len()],
            bonus_applicants: 1.0,
            retention_leaving: 1.0,
            supplement_applicants: 1.0,
            supplement_leaving: 1.0,
            drift_leaving: 0.0,
            drift_applicants: 0.0,
            drift_referrals: 0.0,
            drift_agency: 0.0,
        }
    }

    /// The monthly leaving probabilities by year of service when they are
    /// the same in every run (none of the annual rates is uncertain).
    pub fn fixed_leaving_by_year(s: &Scenario) -> Option<Vec<f64>> {
        let fixed = s
            .workforce
            .annual_leaving_by_service_year
            .iter()
            .all(Uncertain::is_fixed);
        // Any run's, then: run 0's.
        fixed.then(|| RunParams::sample(s, 0, 0).leaving_by_year)
    }

    /// Draws every uncertain parameter of `s` once (the declaration in
    /// `parameter.rs` says which there are) and puts it in monthly form.
    pub fn sample(s: &Scenario, seed: u64, run: u64) -> RunParams {
        let mut p = RunParams::neutral(s);
        let mut asye_leaving_drawn = false;
        for (parameter, x) in drawn(s, seed, run) {
            let slot = |list: &mut Vec<f64>, i: usize, value: f64| {
                if let Some(v) = list.get_mut(i) {
                    *v = value;
                }
            };
            match parameter {
                Parameter::CaseHoldingShare => p.case_holding_share = x,
                Parameter::LeavingBand(i) => slot(&mut p.leaving_by_year, i, monthly(x)),
                Parameter::LongAbsenceAnnualRate => p.absence_start = monthly(x),
                Parameter::LongAbsenceMeanMonths => p.absence_return = exit_probability(x),
                Parameter::PressureSensitivity => p.pressure_sensitivity = x,
                Parameter::ApplicantsPerMonth => p.applicants_per_month = x,
                Parameter::AsyeIntakePerYear => p.asye_intake_heads = round_half_up(x),
                Parameter::AsyeAnnualLeaving => {
                    p.asye_leaving = monthly(x);
                    asye_leaving_drawn = true;
                }
                Parameter::AgencyFillProb => p.agency_fill = x,
                Parameter::AgencyMeanTenureMonths => p.agency_leaving = exit_probability(x),
                Parameter::AgencyAnnualConversionRate => p.agency_conversion = monthly(x),
                Parameter::AgencyVacancyLink => p.vacancy_link = x,
                Parameter::ReferralsPerMonth => p.referrals_per_month = x,
                Parameter::AnnualGrowth => p.annual_growth = x,
                Parameter::ShockMultiplier(i) => slot(&mut p.shock_multipliers, i, x),
                Parameter::CaseMeanMonths(i) => slot(&mut p.case_exit, i, exit_probability(x)),
                Parameter::BonusApplicantMultiplier => p.bonus_applicants = x,
                Parameter::RetentionLeavingMultiplier => p.retention_leaving = x,
                Parameter::SupplementApplicantMultiplier => p.supplement_applicants = x,
                Parameter::SupplementLeavingMultiplier => p.supplement_leaving = x,
                Parameter::DriftLeaving => p.drift_leaving = x,
                Parameter::DriftApplicants => p.drift_applicants = x,
                Parameter::DriftReferrals => p.drift_referrals = x,
                Parameter::DriftAgency => p.drift_agency = x,
            }
        }
        // With no ASYE leaving rate of its own, the ASYE year leaves at the
        // first band's rate.
        if !asye_leaving_drawn {
            p.asye_leaving = band_rate(&p.leaving_by_year, 0);
        }
        p
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
        // As the floor clamped at 0 would give, without calling `floor`.
        assert_eq!(round_half_up(-7.0), 0);
        assert_eq!(round_half_up(f64::NAN), 0);
        assert_eq!(round_half_up(f64::INFINITY), u64::MAX);
        assert_eq!(round_half_up(1e30), u64::MAX);
        for x in [0.49999999999999994, 1.4999999, 7.5, 1e15 + 0.5, 3.000_000_1] {
            assert_eq!(round_half_up(x), (x + 0.5).floor().max(0.0) as u64, "{x}");
        }
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
    fn quantiles_invert_each_distribution_function() {
        let triangular = |min, mode, max| Uncertain {
            dist: Distribution::Triangular { min, mode, max },
            valid: ValidRange::NonNegative,
        };
        // Triangular: F(x) = (x - min)^2 / ((max - min)(mode - min)) up to
        // the mode, 1 - (max - x)^2 / ((max - min)(max - mode)) beyond.
        let cdf = |x: f64| {
            if x <= 1.2 {
                (x - 1.0).powi(2) / (0.5 * 0.2)
            } else {
                1.0 - (1.5 - x).powi(2) / (0.5 * 0.3)
            }
        };
        for z in [-3.0, -1.0, -0.1, 0.0, 0.3, 1.0, 2.5] {
            let x = quantile(&triangular(1.0, 1.2, 1.5), z);
            assert!((cdf(x) - standard_normal_cdf(z)).abs() < 1e-12, "z {z}: x {x}");
        }
        // The mode at exactly its probability, and a degenerate triangle.
        assert!((triangular_quantile(1.0, 1.2, 1.5, 0.4) - 1.2).abs() < 1e-12);
        assert_eq!(quantile(&triangular(2.0, 2.0, 2.0), 1.0), 2.0);
        let uniform = Uncertain {
            dist: Distribution::Uniform { min: 0.1, max: 0.3 },
            valid: ValidRange::Probability,
        };
        assert!((quantile(&uniform, 0.0) - 0.2).abs() < 1e-15);
        let lognormal = Uncertain {
            dist: Distribution::Lognormal {
                median: 9.0,
                sd_log: 0.2,
            },
            valid: ValidRange::AtLeastOneMonth,
        };
        assert!((quantile(&lognormal, 1.5) - 9.0 * 0.3f64.exp()).abs() < 1e-12);
        let normal = Uncertain {
            dist: Distribution::Normal { mean: 0.95, sd: 0.1 },
            valid: ValidRange::Probability,
        };
        assert_eq!(quantile(&normal, 3.0), 1.0, "clipped to the valid range");
    }

    #[test]
    fn the_normal_distribution_function_has_its_known_values() {
        assert_eq!(standard_normal_cdf(0.0), 0.5);
        // Phi(1.959963984540054) = 0.975; Phi(-1) = 0.15865525393145707.
        assert!((standard_normal_cdf(1.959963984540054) - 0.975).abs() < 1e-15);
        assert!((standard_normal_cdf(-1.0) - 0.158_655_253_931_457_07).abs() < 1e-15);
        assert!(standard_normal_cdf(-40.0) >= 0.0 && standard_normal_cdf(40.0) <= 1.0);
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
