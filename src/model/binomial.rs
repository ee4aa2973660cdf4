//! Binomial counts, and multinomial splits as chains of them: every
//! binomial draw the model makes. Small means are drawn by `rand_distr`
//! (inversion), large ones by the BTRS algorithm ("transformed rejection
//! with squeeze") of W. Hörmann, "The generation of binomial random
//! variates", Journal of Statistical Computation and Simulation 46 (1993),
//! 101-110; the algorithm TensorFlow, PyTorch and JAX use.
//!
//! Why not `rand_distr::Binomial` throughout: the case states need about
//! ten binomial draws a month with means between 10 and a few hundred, and
//! there `rand_distr`'s BTPE took 80 to 105 ns a draw on the project's
//! machine (it sets up its regions on every call, and rejects often at these
//! means), a quarter of a run's time; BTRS needs a few arithmetic operations
//! for most draws and takes the whole command about 8% less time
//! (docs/performance.md). It is a rejection method whose acceptance test
//! compares with the binomial probability itself, through Stirling's
//! series for the factorials (accurate to about 1e-10 of the logarithm,
//! far below anything a simulation could detect), so the draws follow the
//! binomial distribution. [`binomial`] keeps `rand_distr` for small
//! means, where its inversion is quick, and the tests below compare both
//! paths with the exact probabilities.

use super::rng::Stream;
use rand::Rng;
use rand_distr::{Binomial, Distribution};

/// A binomial draw is taken here when n * min(p, 1 - p) is at least this
/// (BTRS needs a mean of about 10 for its bounds to hold).
pub const LARGE_MEAN: f64 = 10.0;

/// Binomial(n, p); no draw when the outcome is certain. Small means are
/// drawn by `rand_distr` (inversion), large ones by BTRS.
pub fn binomial(rng: &mut Stream, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    // Large means by BTRS, on the smaller side of 1/2.
    let (flipped, q) = if p > 0.5 { (true, 1.0 - p) } else { (false, p) };
    if n as f64 * q >= LARGE_MEAN {
        let k = btrs(rng, n, q);
        return if flipped { n - k } else { k };
    }
    // Parameters are checked above, so construction cannot fail.
    Binomial::new(n, p).map_or(0, |d| d.sample(rng))
}

/// Splits `n` among `shares` (in order) with the remainder left over:
/// one multinomial draw as a chain of conditional binomials. Returns the
/// count per share; the remainder is `n` minus their sum.
pub fn multinomial(rng: &mut Stream, n: u64, shares: &[f64], out: &mut Vec<u64>) {
    out.clear();
    let mut left = n;
    let mut mass = 1.0;
    for &p in shares {
        let k = if mass <= 0.0 {
            0
        } else {
            binomial(rng, left, (p / mass).min(1.0))
        };
        out.push(k);
        left -= k;
        mass -= p;
    }
}

/// Binomial(n, p) for p <= 1/2 and n * p >= [`LARGE_MEAN`].
pub fn btrs(rng: &mut Stream, n: u64, p: f64) -> u64 {
    let count = n as f64;
    let q = 1.0 - p;
    let spq = (count * p * q).sqrt();
    let b = 1.15 + 2.53 * spq;
    let a = -0.0873 + 0.0248 * b + 0.01 * p;
    let c = count * p + 0.5;
    let v_r = 0.92 - 4.2 / b;
    loop {
        let u = rng.random::<f64>() - 0.5;
        let v = rng.random::<f64>();
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + c).floor();
        if k < 0.0 || k > count {
            continue;
        }
        // Inside the region where the hat lies under the distribution.
        if us >= 0.07 && v <= v_r {
            return k as u64;
        }
        // Otherwise accept when v, under the hat, falls under the
        // probability of k relative to that of the mode m.
        let alpha = (2.83 + 5.1 / b) * spq;
        let m = ((count + 1.0) * p).floor();
        let v = (v * alpha / (a / (us * us) + b)).ln();
        let log_ratio = (m + 0.5) * ((m + 1.0) / ((p / q) * (count - m + 1.0))).ln()
            + (count + 1.0) * ((count - m + 1.0) / (count - k + 1.0)).ln()
            + (k + 0.5) * ((p / q) * (count - k + 1.0) / (k + 1.0)).ln()
            + stirling_tail(m)
            + stirling_tail(count - m)
            - stirling_tail(k)
            - stirling_tail(count - k);
        if v <= log_ratio {
            return k as u64;
        }
    }
}

/// ln(k!) minus its Stirling approximation (k + 1/2) ln(k + 1) - (k + 1) +
/// ln(2 pi) / 2: exact values up to 9, the series beyond.
fn stirling_tail(k: f64) -> f64 {
    const SMALL: [f64; 10] = [
        0.081_061_466_795_327_26,
        0.041_340_695_955_409_29,
        0.027_677_925_684_998_34,
        0.020_790_672_103_765_09,
        0.016_644_691_189_821_19,
        0.013_876_128_823_070_75,
        0.011_896_709_945_891_77,
        0.010_411_265_261_972_09,
        0.009_255_462_182_712_733,
        0.008_330_563_433_362_87,
    ];
    if k < 10.0 {
        return SMALL[k as usize];
    }
    let k1 = k + 1.0;
    let k1sq = k1 * k1;
    (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / k1sq) / k1sq) / k1
}

#[cfg(test)]
mod tests {
    use super::super::rng::{Process, stream};
    use super::*;

    /// ln(k!) by summing logarithms: slow, and exact enough to test with.
    fn ln_factorial(k: u64) -> f64 {
        (2..=k).map(|i| (i as f64).ln()).sum()
    }

    #[test]
    fn the_stirling_tail_matches_its_definition() {
        for k in [0u64, 1, 5, 9, 10, 11, 30, 200, 5000] {
            let x = k as f64;
            let exact =
                ln_factorial(k) - ((x + 0.5) * (x + 1.0).ln() - (x + 1.0) + 0.5 * (2.0 * std::f64::consts::PI).ln());
            assert!(
                (stirling_tail(x) - exact).abs() < 1e-9,
                "k = {k}: {} vs {exact}",
                stirling_tail(x)
            );
        }
    }

    /// Draws `draws` values of Binomial(n, p) and compares their counts with
    /// the exact probabilities: a chi-square statistic over bins expecting
    /// at least 20 draws (the tails pooled), within 6 standard deviations of
    /// its mean.
    fn assert_binomial(n: u64, p: f64, draws: usize, seed: u64) {
        let mut rng = stream(seed, n, Process::Cases);
        let mut counts = vec![0usize; n as usize + 1];
        for _ in 0..draws {
            let k = binomial(&mut rng, n, p);
            assert!(k <= n);
            counts[k as usize] += 1;
        }
        // ln(k!) for k = 0..=n, by running sums of logarithms.
        let ln_fact: Vec<f64> = std::iter::once(0.0)
            .chain((1..=n).scan(0.0, |sum, i| {
                *sum += (i as f64).ln();
                Some(*sum)
            }))
            .collect();
        let ln_pmf = |k: u64| {
            ln_fact[n as usize] - ln_fact[k as usize] - ln_fact[(n - k) as usize]
                + k as f64 * p.ln()
                + (n - k) as f64 * (-p).ln_1p()
        };
        let expected: Vec<f64> = (0..=n).map(|k| ln_pmf(k).exp() * draws as f64).collect();
        // Pool neighbouring values until a bin expects at least 20 draws.
        let mut bins: Vec<(f64, f64)> = Vec::new();
        let (mut e, mut o) = (0.0, 0.0);
        for k in 0..=n as usize {
            e += expected[k];
            o += counts[k] as f64;
            if e >= 20.0 {
                bins.push((e, o));
                (e, o) = (0.0, 0.0);
            }
        }
        if let Some(last) = bins.last_mut() {
            last.0 += e;
            last.1 += o;
        }
        let chi2: f64 = bins.iter().map(|(e, o)| (o - e) * (o - e) / e).sum();
        let df = (bins.len() - 1) as f64;
        assert!(
            chi2 <= df + 6.0 * (2.0 * df).sqrt(),
            "Binomial({n}, {p}): chi-square {chi2:.1} on {df} degrees of freedom"
        );
    }

    #[test]
    fn draws_follow_the_exact_binomial_probabilities() {
        // Means from small (rand_distr's inversion) to large (BTRS), p on
        // both sides of 1/2, and the case states' typical sizes.
        for (i, (n, p)) in [
            (20, 0.3),
            (40, 0.25),
            (50, 0.2),
            (100, 0.1),
            (100, 0.9),
            (230, 0.106),
            (302, 0.833),
            (331, 0.035),
            (765, 0.18),
            (250, 0.499),
            (5000, 0.5),
            (100_000, 0.01),
        ]
        .into_iter()
        .enumerate()
        {
            assert_binomial(n, p, 1_000_000, i as u64);
        }
    }

    #[test]
    fn large_means_take_btrs_and_small_ones_do_not() {
        // The same draw through binomial and btrs directly.
        let (n, p) = (500, 0.3);
        let mut a = stream(1, 0, Process::Cases);
        let mut b = a.clone();
        for _ in 0..100 {
            assert_eq!(binomial(&mut a, n, p), btrs(&mut b, n, p));
        }
        let flipped = (500, 0.7);
        let (mut a, mut b) = (stream(2, 0, Process::Cases), stream(2, 0, Process::Cases));
        for _ in 0..100 {
            assert_eq!(
                binomial(&mut a, flipped.0, flipped.1),
                flipped.0 - btrs(&mut b, flipped.0, 1.0 - flipped.1)
            );
        }
    }

    #[test]
    fn multinomial_conserves_the_total() {
        let mut rng = stream(3, 0, Process::Cases);
        let mut out = Vec::new();
        for _ in 0..200 {
            multinomial(&mut rng, 1000, &[0.3, 0.5, 0.2], &mut out);
            assert_eq!(out.iter().sum::<u64>(), 1000);
            multinomial(&mut rng, 1000, &[0.3, 0.1], &mut out);
            assert!(out.iter().sum::<u64>() <= 1000);
        }
    }
}
