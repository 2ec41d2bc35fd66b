//! Distribution checks shared by the init and nn_* tests.

/// erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7: plenty for a KS statistic).
pub fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.3275911 * x.abs());
    let y = 1.0
        - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
            * t
            * (-x * x).exp();
    y.copysign(x)
}

/// Kolmogorov–Smirnov statistic of `x` against `cdf`.
pub fn ks(x: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut s = x.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = s.len() as f64;
    s.iter()
        .enumerate()
        .map(|(i, &v)| {
            let f = cdf(v);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

/// Sample mean and unbiased variance.
pub fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// The seeds the distribution tests run with.
pub const SEEDS: [u64; 2] = [0, 20260];

/// Runs `test` once per seed of [`SEEDS`], the default generator seeded to it and scoped to
/// this thread (tests run in parallel).
pub fn each_seed(mut test: impl FnMut()) {
    let _rng = modules::rng::scoped_generator(Default::default());
    for seed in SEEDS {
        modules::manual_seed(seed);
        test();
    }
}

/// U(−b, b): never out of bounds; mean and variance within 4 standard errors of b²/3; KS
/// statistic below 1.95/√n (α ≈ 0.001).
pub fn check_uniform(x: &[f64], bound: f64, what: &str) {
    let n = x.len() as f64;
    assert!(
        n >= 1000.0,
        "{what}: too few values ({n}) for a distribution test"
    );
    let b32 = bound as f32 as f64;
    assert!(
        x.iter().all(|v| v.abs() <= b32),
        "{what}: a value beyond ±{bound}"
    );
    let (mean, var) = mean_var(x);
    let sd = bound / 3f64.sqrt();
    assert!(mean.abs() < 4.0 * sd / n.sqrt(), "{what}: mean {mean}");
    // Var(X²) = E[X⁴] − E[X²]² = b⁴/5 − b⁴/9 for U(−b, b).
    let se_var = (bound.powi(4) * (1.0 / 5.0 - 1.0 / 9.0) / n).sqrt();
    assert!(
        (var - sd * sd).abs() < 4.0 * se_var,
        "{what}: variance {var}, expected {}",
        sd * sd
    );
    let d = ks(x, |v| ((v + bound) / (2.0 * bound)).clamp(0.0, 1.0));
    assert!(d < 1.95 / n.sqrt(), "{what}: KS statistic {d}");
}

/// N(0, 1): mean and variance within 4 standard errors, KS below 1.95/√n.
pub fn check_standard_normal(x: &[f64], what: &str) {
    let n = x.len() as f64;
    assert!(n >= 1000.0, "{what}: too few values");
    let (mean, var) = mean_var(x);
    assert!(mean.abs() < 4.0 / n.sqrt(), "{what}: mean {mean}");
    assert!(
        (var - 1.0).abs() < 4.0 * (2.0 / n).sqrt(),
        "{what}: variance {var}"
    );
    let d = ks(x, |v| 0.5 * (1.0 + erf(v / 2f64.sqrt())));
    assert!(d < 1.95 / n.sqrt(), "{what}: KS statistic {d}");
}

/// What `check_distribution` compares with: U(low, high) or N(mean, std).
pub enum Dist {
    Uniform(f64, f64),
    Normal(f64, f64),
}

/// Mean and std within 4 standard errors, KS distance below 1.95/√n, and (for uniforms) no
/// value outside the bounds.
pub fn check_distribution(what: &str, xs: &[f64], dist: Dist) {
    let n = xs.len() as f64;
    assert!(xs.len() >= 500, "{what}: too few samples ({n})");
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let std = var.sqrt();
    let (mu, sigma, kurtosis) = match dist {
        Dist::Uniform(a, b) => ((a + b) / 2.0, (b - a) / 12f64.sqrt(), 1.8),
        Dist::Normal(m, s) => (m, s, 3.0),
    };
    let se_mean = sigma / n.sqrt();
    let se_std = sigma * ((kurtosis - 1.0) / (4.0 * n)).sqrt();
    assert!(
        (mean - mu).abs() < 4.0 * se_mean,
        "{what}: mean {mean}, expected {mu} ± {se_mean}"
    );
    assert!(
        (std - sigma).abs() < 4.0 * se_std,
        "{what}: std {std}, expected {sigma} ± {se_std}"
    );
    let cdf = |x: f64| match dist {
        Dist::Uniform(a, b) => ((x - a) / (b - a)).clamp(0.0, 1.0),
        Dist::Normal(m, s) => 0.5 * (1.0 + erf((x - m) / (s * 2f64.sqrt()))),
    };
    if let Dist::Uniform(a, b) = dist {
        let tol = b.abs().max(a.abs()) * 1e-6; // the bound rounded to f32
        assert!(
            xs.iter().all(|&x| x >= a - tol && x <= b + tol),
            "{what}: a value outside [{a}, {b}]"
        );
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut d: f64 = 0.0;
    for (i, &x) in sorted.iter().enumerate() {
        let f = cdf(x);
        d = d
            .max((f - i as f64 / n).abs())
            .max(((i + 1) as f64 / n - f).abs());
    }
    assert!(
        d < 1.95 / n.sqrt(),
        "{what}: KS distance {d} >= {}",
        1.95 / n.sqrt()
    );
}
