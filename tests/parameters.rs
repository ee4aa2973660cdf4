//! The one declaration of uncertain parameters (`model::parameter`): every
//! key the scenario format accepts as a distribution is declared, sampled
//! from its own stream and described in words, and nothing else is.

use crate::common::{FULL, MINIMAL, check_text};
use caseload::model::Parameter;
use caseload::model::sample::RunParams;
use toml::Value;

/// One step into a TOML value: a table key or an array index.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

const DISTRIBUTIONS: [&str; 4] = ["uniform", "triangular", "normal", "lognormal"];

/// Every numeric leaf of `value`: its key path as the scenario format
/// writes it (case states by name, arrays by index) and the steps to it.
fn numeric_leaves(value: &Value, path: &str, steps: &[Step], out: &mut Vec<(String, Vec<Step>)>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Integer(_) | Value::Float(_) => out.push((path.to_string(), steps.to_vec())),
        // A distribution written in the file already is a leaf too.
        Value::Table(t) if t.len() == 1 && DISTRIBUTIONS.iter().any(|d| t.contains_key(*d)) => {
            out.push((path.to_string(), steps.to_vec()));
        }
        Value::Table(t) => {
            for (k, v) in t {
                let mut next = steps.to_vec();
                next.push(Step::Key(k.clone()));
                numeric_leaves(v, &join(k), &next, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let mut next = steps.to_vec();
                next.push(Step::Index(i));
                // Case states are addressed by name, as `--set` does.
                let named = v.get("name").and_then(Value::as_str).filter(|_| path == "cases");
                let sub = match named {
                    Some(name) => format!("{path}.{name}"),
                    None => format!("{path}[{i}]"),
                };
                numeric_leaves(v, &sub, &next, out);
            }
        }
        _ => {}
    }
}

fn leaf<'a>(value: &'a mut Value, steps: &[Step]) -> &'a mut Value {
    steps.iter().fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()).unwrap(),
        Step::Index(i) => v.get_mut(*i).unwrap(),
    })
}

/// A range around `x` inside every valid range `x` may be in.
fn range_around(x: f64) -> (f64, f64) {
    if x >= 1.0 {
        (x, x * 1.5)
    } else if x > 0.0 {
        (x / 2.0, x)
    } else {
        (0.0, 0.01)
    }
}

/// FULL with the keys that only some scenarios have: the agency as a level,
/// with its link to vacancies, and a `[drift]` table.
fn full_with_every_optional_key() -> String {
    let level = FULL.replace("[agency]\n", "[agency]\nmode = \"level\"\nvacancy_link = 0.4\n");
    format!("{level}\n[drift]\nleaving = 0.1\napplicants = 0.2\nreferrals = 0.05\nagency = 0.1\n")
}

#[test]
fn every_key_that_takes_a_distribution_is_declared_sampled_and_described() {
    for text in [FULL.to_string(), full_with_every_optional_key()] {
        declared_sampled_and_described(&text);
    }
}

/// Every numeric key of `text` that accepts a distribution is a declared
/// parameter, sampled and described in words; and nothing else is.
fn declared_sampled_and_described(text: &str) {
    let full: Value = toml::from_str(text).unwrap();
    let base = check_text(text, &[]).unwrap().scenario;
    let declared: Vec<String> = base.parameters().iter().map(|(p, _)| p.key(&base)).collect();
    let mut leaves = Vec::new();
    numeric_leaves(&full, "", &[], &mut leaves);
    assert!(leaves.len() > 40, "{} numeric keys", leaves.len());
    let mut accepted = Vec::new();
    for (path, steps) in &leaves {
        let mut doc = full.clone();
        let slot = leaf(&mut doc, steps);
        // A number becomes a uniform range around it; a distribution stays.
        let x = slot.as_float().or_else(|| slot.as_integer().map(|i| i as f64));
        let (lo, hi) = x.map_or((0.0, 1.0), range_around);
        if x.is_some() {
            let mut dist = toml::Table::new();
            dist.insert("uniform".into(), Value::Array(vec![Value::Float(lo), Value::Float(hi)]));
            *slot = Value::Table(dist);
        }
        let Ok(loaded) = check_text(&toml::to_string(&doc).unwrap(), &[]) else {
            assert!(
                !declared.contains(path),
                "{path} is declared uncertain but refuses a distribution"
            );
            continue;
        };
        assert!(
            declared.contains(path),
            "{path} takes a distribution but is not declared"
        );
        accepted.push(path.clone());
        let s = loaded.scenario;
        let (parameter, _) = s.parameters().into_iter().find(|(p, _)| p.key(&s) == *path).unwrap();
        // Sampled: runs draw different values of it.
        let draws: Vec<RunParams> = (0..20).map(|run| RunParams::sample(&s, 1, run)).collect();
        assert!(draws.iter().any(|d| *d != draws[0]), "{path} is not sampled");
        // Its value now comes from the range, not the number it replaced.
        let before = RunParams::sample(&base, 1, 0);
        assert!(x.is_none() || draws[0] != before, "{path}");
        // Described in words, not by its key: no key name in them, and not
        // opening with the key's last word (a plain word of a key, such as
        // drift.referrals' "referrals", may be one of the words).
        let words = parameter.describe(&s).words;
        let last = path.rsplit('.').next().unwrap();
        assert!(
            words.len() > 8 && !words.contains('_') && !words.to_lowercase().starts_with(last),
            "{path}: {words}"
        );
    }
    accepted.sort();
    let mut all = declared.clone();
    all.sort();
    assert_eq!(
        accepted, all,
        "declared parameters and the keys that take a distribution differ"
    );
}

#[test]
fn the_sweepable_parameters_are_the_payments_effects() {
    let s = check_text(FULL, &[]).unwrap().scenario;
    let sweepable: Vec<String> = s
        .parameters()
        .iter()
        .filter(|(p, _)| p.is_sweepable())
        .map(|(p, _)| p.key(&s))
        .collect();
    assert_eq!(
        sweepable,
        [
            "payments.recruitment_bonus.applicant_multiplier",
            "payments.retention.leaving_multiplier",
            "payments.market_supplement.applicant_multiplier",
            "payments.market_supplement.leaving_multiplier",
        ]
    );
    for key in &sweepable {
        assert!(Parameter::from_key(key).is_some_and(Parameter::is_sweepable));
    }
}

/// The runner gives a scenario's runs one table of initial service when
/// their leaving rates agree (`model::step::Prepared`): the rates it takes
/// for every run's are every run's, bit for bit, and a scenario with an
/// uncertain rate has none.
#[test]
fn fixed_leaving_rates_are_every_runs_and_uncertain_ones_are_nobodys() {
    let fixed = check_text(MINIMAL, &[]).unwrap().scenario;
    let shared = RunParams::fixed_leaving_by_year(&fixed).unwrap();
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for (seed, run) in [(1, 0), (2, 5), (7, 99)] {
        assert_eq!(
            bits(&RunParams::sample(&fixed, seed, run).leaving_by_year),
            bits(&shared)
        );
    }
    let uncertain = check_text(FULL, &[]).unwrap().scenario;
    assert_eq!(RunParams::fixed_leaving_by_year(&uncertain), None);
}

/// MINIMAL with four uncertain leaving bands, one of each kind, none of
/// them ever clipped.
fn four_kinds_of_band(move_together: Option<bool>) -> caseload::model::params::Scenario {
    let bands = "annual_leaving_by_service_year = [{ uniform = [0.2, 0.4] }, { triangular = [0.1, 0.15, 0.3] }, \
                 { normal = [0.12, 0.01] }, { lognormal = [0.1, 0.1] }]";
    let key = move_together.map_or(String::new(), |b| format!("\nleaving_bands_move_together = {b}"));
    let text = MINIMAL.replace(
        "annual_leaving_by_service_year = [0.3, 0.2, 0.15]",
        &format!("{bands}{key}"),
    );
    check_text(&text, &[]).unwrap().scenario
}

/// A run's annual leaving rates, back from their monthly form.
fn annual_bands(s: &caseload::model::params::Scenario, run: u64) -> Vec<f64> {
    let p = RunParams::sample(s, 1, run);
    p.leaving_by_year.iter().map(|m| 1.0 - (1.0 - m).powi(12)).collect()
}

/// The triangular [0.1, 0.15, 0.3] distribution function.
fn triangular_cdf(x: f64) -> f64 {
    if x <= 0.15 {
        (x - 0.1).powi(2) / (0.2 * 0.05)
    } else {
        1.0 - (0.3 - x).powi(2) / (0.2 * 0.15)
    }
}

#[test]
fn leaving_bands_that_move_together_sit_at_one_quantile_in_every_run() {
    let s = four_kinds_of_band(Some(true));
    let (mut lowest, mut highest) = (1.0f64, 0.0f64);
    for run in 0..2000 {
        let x = annual_bands(&s, run);
        // The uniform and triangular bands at one probability u, the normal
        // and lognormal ones at one standard normal z, and u = Phi(z).
        let u = (x[0] - 0.2) / 0.2;
        assert!((triangular_cdf(x[1]) - u).abs() < 1e-9, "run {run}: {x:?}");
        let z = (x[2] - 0.12) / 0.01;
        assert!(((x[3] / 0.1).ln() / 0.1 - z).abs() < 1e-9, "run {run}: {x:?}");
        assert!(
            (caseload::model::sample::standard_normal_cdf(z) - u).abs() < 1e-9,
            "run {run}: {x:?}"
        );
        // That z is the run's one draw from the bands' own stream.
        let mut stream = caseload::model::rng::parameter_stream(1, run, "workforce.annual_leaving_by_service_year");
        let drawn: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, &mut stream);
        assert!((drawn - z).abs() < 1e-9, "run {run}: z {z}, drawn {drawn}");
        (lowest, highest) = (lowest.min(u), highest.max(u));
    }
    assert!(lowest < 0.01 && highest > 0.99, "u from {lowest} to {highest}");
}

#[test]
fn leaving_bands_drawn_apart_are_independent_and_as_before() {
    let apart = four_kinds_of_band(None);
    let said_apart = four_kinds_of_band(Some(false));
    let n = 4000;
    let runs: Vec<Vec<f64>> = (0..n).map(|run| annual_bands(&apart, run)).collect();
    for run in 0..n {
        assert_eq!(
            RunParams::sample(&apart, 1, run),
            RunParams::sample(&said_apart, 1, run)
        );
        // Each band from its own stream, keyed by its key path, as always.
        for (i, band) in apart.workforce.annual_leaving_by_service_year.iter().enumerate() {
            let key = format!("workforce.annual_leaving_by_service_year[{i}]");
            let x = caseload::model::sample::draw(band, &mut caseload::model::rng::parameter_stream(1, run, &key));
            let monthly = caseload::model::sample::monthly(x);
            assert_eq!(
                RunParams::sample(&apart, 1, run).leaving_by_year[i].to_bits(),
                monthly.to_bits()
            );
        }
    }
    // Independent: the sample correlation of any two bands is within a few
    // standard errors (1 / sqrt(n)) of 0.
    let column = |i: usize| runs.iter().map(|x| x[i]).collect::<Vec<f64>>();
    let correlation = |a: &[f64], b: &[f64]| {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let (ma, mb) = (mean(a), mean(b));
        let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
        let var = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>();
        cov / (var(a, ma) * var(b, mb)).sqrt()
    };
    for (i, j) in [(0, 1), (0, 2), (1, 3), (2, 3)] {
        let r = correlation(&column(i), &column(j));
        assert!(r.abs() < 5.0 / (n as f64).sqrt(), "bands {i} and {j}: correlation {r}");
    }
    let together: Vec<Vec<f64>> = (0..200)
        .map(|run| annual_bands(&four_kinds_of_band(Some(true)), run))
        .collect();
    let r = correlation(
        &together.iter().map(|x| x[0]).collect::<Vec<_>>(),
        &together.iter().map(|x| x[1]).collect::<Vec<_>>(),
    );
    assert!(r > 0.95, "bands that move together correlate: {r}");
}
