//! A fill's parameters as the contract computes them on the host, once per fill: every
//! difference and product in f64, then rounded once for the f32 streams. The CPU kernels and
//! the CUDA kernels both start from these numbers.

use crate::RandomFill;

/// A fill's parameters in `T`: f64 for the f64 streams and as the source of the f32 ones
/// ([`Params64`], [`Params32`]).
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(missing_docs)] // the fields are named in each variant's line
pub enum Params<T> {
    /// `low`, `high - low`.
    Uniform { low: T, range: T },
    /// Mean and std.
    Normal { mean: T, std: T },
    /// `l = erf(α/√2)`, `d = erf(β/√2) - l`, `scale = std·√2`, and the clamp bounds `a`, `b`.
    Trunc {
        l: T,
        d: T,
        mean: T,
        scale: T,
        a: T,
        b: T,
    },
}

/// A fill's parameters in f64.
///
/// ```
/// use modules_philox::{Params64, RandomFill};
/// let p = Params64::new(&RandomFill::TruncNormal { mean: 0.0, std: 1.0, a: -2.0, b: 2.0 });
/// let Params64::Trunc { l, d, .. } = p else { unreachable!() };
/// assert!((d - 2.0 * 0.954_499_736_103_642).abs() < 1e-14 && l == -d / 2.0);
/// ```
pub type Params64 = Params<f64>;

/// [`Params64`] rounded to f32, for the f32, f16 and bf16 streams.
///
/// ```
/// use modules_philox::{Params32, RandomFill};
/// let p = Params32::new(&RandomFill::Uniform { low: 0.1, high: 0.3 });
/// assert!(matches!(p, Params32::Uniform { range, .. } if range == (0.3f64 - 0.1) as f32));
/// ```
pub type Params32 = Params<f32>;

impl Params64 {
    /// The parameters of `fill`; the truncated normal's bounds through [`erf`].
    pub fn new(fill: &RandomFill) -> Params64 {
        match *fill {
            RandomFill::Uniform { low, high } => Params64::Uniform {
                low,
                range: high - low,
            },
            RandomFill::Normal { mean, std } => Params64::Normal { mean, std },
            RandomFill::TruncNormal { mean, std, a, b } => {
                let s = std::f64::consts::SQRT_2;
                let l = erf((a - mean) / std / s);
                let h = erf((b - mean) / std / s);
                Params64::Trunc {
                    l,
                    d: h - l,
                    mean,
                    scale: std * s,
                    a,
                    b,
                }
            }
        }
    }
}

impl Params32 {
    /// [`Params64::new`], each parameter rounded to f32 once.
    pub fn new(fill: &RandomFill) -> Params32 {
        Params64::new(fill).map(|x| x as f32)
    }
}

impl<T: Copy> Params<T> {
    /// Each parameter through `f`.
    fn map<U>(self, f: impl Fn(T) -> U) -> Params<U> {
        match self {
            Params::Uniform { low, range } => Params::Uniform {
                low: f(low),
                range: f(range),
            },
            Params::Normal { mean, std } => Params::Normal {
                mean: f(mean),
                std: f(std),
            },
            Params::Trunc {
                l,
                d,
                mean,
                scale,
                a,
                b,
            } => Params::Trunc {
                l: f(l),
                d: f(d),
                mean: f(mean),
                scale: f(scale),
                a: f(a),
                b: f(b),
            },
        }
    }

    /// The parameters in the order the CUDA kernels take them after the common ones.
    ///
    /// ```
    /// use modules_philox::{Params32, Params64, RandomFill};
    /// assert_eq!(Params64::new(&RandomFill::Normal { mean: 1.0, std: 2.0 }).to_vec(), [1.0, 2.0]);
    /// assert_eq!(Params32::new(&RandomFill::Uniform { low: 1.0, high: 3.0 }).to_vec(), [1.0, 2.0]);
    /// ```
    pub fn to_vec(&self) -> Vec<T> {
        match *self {
            Params::Uniform { low, range } => vec![low, range],
            Params::Normal { mean, std } => vec![mean, std],
            Params::Trunc {
                l,
                d,
                mean,
                scale,
                a,
                b,
            } => vec![mean, scale, l, d, a, b],
        }
    }
}

/// `2/√π`.
const TWO_OVER_SQRT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;

/// The error function in f64, to about 1e-15 absolute: `erf(x) = 2/√π · e^{-x²} · Σ (2x²)ⁿ x /
/// (1·3·…·(2n+1))`, a series of positive terms (no cancellation); `±1` beyond `|x| = 6`.
///
/// Written here rather than taken from `libm` so that the truncated normal's bounds, and with
/// them every value, are the same numbers on every backend and platform.
///
/// ```
/// assert!((modules_philox::erf(1.0) - 0.842_700_792_949_714_9).abs() < 5e-16);
/// ```
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x.abs() >= 6.0 {
        return 1f64.copysign(x);
    }
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    let mut n = 0.0;
    while term.abs() > sum.abs() * 1e-17 {
        n += 1.0;
        term *= 2.0 * x2 / (2.0 * n + 1.0);
        sum += term;
    }
    (TWO_OVER_SQRT_PI * (-x2).exp() * sum).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_reference_values() {
        // Values from Abramowitz & Stegun / mpmath.
        for (x, want) in [
            (0.5, 0.520_499_877_813_046_5),
            (1.0, 0.842_700_792_949_714_9),
            (2.0, 0.995_322_265_018_952_7),
            (3.0, 0.999_977_909_503_001_4),
            (-1.0, -0.842_700_792_949_714_9),
        ] {
            assert!((erf(x) - want).abs() < 5e-16, "erf({x}) = {}", erf(x));
        }
        assert_eq!(erf(0.0), 0.0);
        assert_eq!(erf(7.0), 1.0);
    }

    #[test]
    fn f32_parameters_are_the_f64_ones_rounded_once() {
        let fill = RandomFill::TruncNormal {
            mean: 0.1,
            std: 0.02,
            a: -0.3,
            b: 0.7,
        };
        let wide = Params64::new(&fill).to_vec();
        let narrow = Params32::new(&fill).to_vec();
        assert_eq!(narrow, wide.iter().map(|&p| p as f32).collect::<Vec<_>>());
    }
}
