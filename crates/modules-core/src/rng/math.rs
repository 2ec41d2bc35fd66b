//! Branch-free f32 `ln`, `sincos(2πu)` and `erfinv` that LLVM vectorizes when they are called in
//! a loop over an array, and the f64 `erfinv` of the f64 streams.
//!
//! Written by hand because no well-kept crate offers deterministic, vectorizable versions: `libm`
//! and `std` are scalar calls, and SIMD math crates use FMA where the CPU has it, which would make
//! values depend on the machine. Everything here is plain IEEE multiply/add/sqrt (Rust never
//! contracts them into FMA), so a value is the same on every x86-64 and ARM CPU, with or without
//! AVX2.

use modules_philox::erf;

/// Natural logarithm for `x >= 0` (Cephes `logf`: the mantissa reduced to [√½, √2), a degree-9
/// polynomial; about 1 ulp). `ln(0) = -inf`.
#[inline(always)]
pub(crate) fn ln_f32(x: f32) -> f32 {
    const SQRT_HALF: f32 = std::f32::consts::FRAC_1_SQRT_2;
    let bits = x.to_bits();
    let mut e = ((bits >> 23) & 0xff) as i32 - 126;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f00_0000); // [0.5, 1)
    let small = m < SQRT_HALF;
    e -= small as i32;
    let f = if small { m + m - 1.0 } else { m - 1.0 };
    let e = e as f32;
    let z = f * f;
    let mut p = 7.037_683_6e-2_f32;
    p = p * f - 1.151_461e-1;
    p = p * f + 1.167_699_9e-1;
    p = p * f - 1.242_014_1e-1;
    p = p * f + 1.424_932_3e-1;
    p = p * f - 1.666_805_8e-1;
    p = p * f + 2.000_071_4e-1;
    p = p * f - 2.499_999_4e-1;
    p = p * f + 3.333_333e-1;
    let mut y = p * f * z;
    y += -2.121_944_4e-4 * e;
    y += -0.5 * z;
    let r = f + y + 0.693_359_4 * e;
    if x == 0.0 {
        f32::NEG_INFINITY
    } else {
        r
    }
}

/// `(sin 2πu, cos 2πu)` for `u = k · 2^-24`, `k < 2^24` (a `u24` value, given as `k`).
///
/// The reduction is exact and done on the integer: the top two bits of `k` are the quadrant `q`,
/// the other 22 the fraction `f` of a quarter turn; for `f > ½` the complement `1 - f` (also
/// exact) is used with sine and cosine swapped, so the polynomials (Cephes `sinf`/`cosf` on
/// [0, π/4]) never see an argument near a zero of the result.
#[inline(always)]
pub(crate) fn sincos_2pi(k: u32) -> (f32, f32) {
    let q = (k >> 22) & 3;
    // i32 -> f32 conversion (exact below 2^24) vectorizes on every x86 level; u32 -> f32 does not.
    let f = (k & 0x3f_ffff) as i32 as f32 * (1.0 / 4_194_304.0);
    let upper = f > 0.5;
    let g = if upper { 1.0 - f } else { f };
    let t = g * std::f32::consts::FRAC_PI_2;
    let z = t * t;
    let sin_t = ((-1.951_529_6e-4_f32 * z + 8.332_161e-3) * z - 1.666_665_5e-1) * z * t + t;
    let cos_t = ((2.443_315_7e-5_f32 * z - 1.388_731_6e-3) * z + 4.166_664_6e-2) * z * z - 0.5 * z + 1.0;
    // sin, cos of the angle f·π/2 inside the quadrant.
    let (s, c) = if upper { (cos_t, sin_t) } else { (sin_t, cos_t) };
    // Quadrant q adds q·π/2: swap for odd q, and flip signs (sin for q ∈ {2,3}, cos for q ∈ {1,2}).
    let (s, c) = if q & 1 == 1 { (c, s) } else { (s, c) };
    let sin_sign = (q >> 1) << 31;
    let cos_sign = ((q ^ (q >> 1)) & 1) << 31;
    (
        f32::from_bits(s.to_bits() ^ sin_sign),
        f32::from_bits(c.to_bits() ^ cos_sign),
    )
}

/// Inverse error function on (-1, 1) (Giles, "Approximating the erfinv function", 2010, the
/// single-precision version, both branches computed and one selected); `±1` gives `±inf`.
#[inline(always)]
pub(crate) fn erfinv_f32(x: f32) -> f32 {
    let w = erfinv_w(x);
    let p = if w < ERFINV_TAIL {
        erfinv_central(w)
    } else {
        erfinv_tail(w)
    };
    erfinv_finish(x, p)
}

/// Where Giles' tail branch starts: `w >= 5`, i.e. `|x| > 0.9966`.
pub(crate) const ERFINV_TAIL: f32 = 5.0;

/// `w = -ln((1 - x)(1 + x))`, the variable of both branches.
#[inline(always)]
pub(crate) fn erfinv_w(x: f32) -> f32 {
    -ln_f32((1.0 - x) * (1.0 + x))
}

/// `erfinv(x) / x` for `w < 5`.
#[inline(always)]
pub(crate) fn erfinv_central(w: f32) -> f32 {
    let a = w - 2.5;
    let mut p = 2.810_226_4e-8_f32;
    p = 3.432_739_4e-7 + p * a;
    p = -3.523_387_7e-6 + p * a;
    p = -4.391_506_5e-6 + p * a;
    p = 2.185_808_7e-4 + p * a;
    p = -1.253_725e-3 + p * a;
    p = -4.177_681_6e-3 + p * a;
    p = 2.466_407_3e-1 + p * a;
    1.501_409_4 + p * a
}

/// `erfinv(x) / x` for `w >= 5`.
#[inline(always)]
pub(crate) fn erfinv_tail(w: f32) -> f32 {
    let b = w.sqrt() - 3.0;
    let mut q = -2.002_142_6e-4_f32;
    q = 1.009_505_6e-4 + q * b;
    q = 1.349_343_2e-3 + q * b;
    q = -3.673_428_4e-3 + q * b;
    q = 5.739_507_7e-3 + q * b;
    q = -7.622_461_3e-3 + q * b;
    q = 9.438_870_5e-3 + q * b;
    q = 1.001_674 + q * b;
    2.832_976_8 + q * b
}

/// `p · x`, or `±inf` at `|x| >= 1` (where the polynomials do not apply).
#[inline(always)]
pub(crate) fn erfinv_finish(x: f32, p: f32) -> f32 {
    if x.abs() >= 1.0 {
        f32::INFINITY.copysign(x)
    } else {
        p * x
    }
}

/// `2/√π`.
const TWO_OVER_SQRT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;

/// The inverse error function in f64: Giles' single-precision estimate, then two Halley steps on
/// `erf(x) - y` (each roughly triples the correct digits). `±1` gives `±inf`.
pub(crate) fn erfinv_f64(y: f64) -> f64 {
    if y.is_nan() {
        return y;
    }
    if y.abs() >= 1.0 {
        return f64::INFINITY.copysign(y);
    }
    let mut x = f64::from(erfinv_f32(y as f32));
    if !x.is_finite() {
        // y rounds to ±1 in f32: start from the largest f32 estimate below it.
        x = 3.9f64.copysign(y);
    }
    for _ in 0..2 {
        let f = erf(x) - y;
        let d = TWO_OVER_SQRT_PI * (-x * x).exp();
        if d == 0.0 {
            break;
        }
        x -= f / (d + x * f);
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f32, b: f64) -> f64 {
        let b32 = b as f32;
        let ulp = f32::from_bits(b32.abs().to_bits() + 1) - b32.abs();
        ((f64::from(a) - b) / f64::from(ulp)).abs()
    }

    #[test]
    fn ln_is_within_two_ulps_on_every_u24_input() {
        let mut worst = 0f64;
        for k in (1u32..=1 << 24).step_by(7).chain([1, 2, 3, 1 << 24]) {
            let x = k as f32 * (1.0 / 16_777_216.0);
            if x == 1.0 {
                assert_eq!(ln_f32(x), 0.0);
                continue;
            }
            worst = worst.max(ulps(ln_f32(x), f64::from(x).ln()));
        }
        assert!(worst <= 2.0, "worst {worst} ulps");
        assert_eq!(ln_f32(0.0), f32::NEG_INFINITY);
        assert!((ln_f32(1e30) - 1e30f32.ln()).abs() < 1e-4);
    }

    #[test]
    fn sincos_is_within_two_ulps_on_every_u24_input() {
        let mut worst = 0f64;
        for k in (0u32..1 << 24).step_by(5) {
            let u = k as f32 * (1.0 / 16_777_216.0);
            let (s, c) = sincos_2pi(k);
            let a = std::f64::consts::TAU * f64::from(u);
            // Compare in ulps of the result, except at exact zeros.
            if a.sin().abs() > 1e-30 {
                worst = worst.max(ulps(s, a.sin()));
            }
            if a.cos().abs() > 1e-30 && k != 1 << 22 && k != 3 << 22 {
                worst = worst.max(ulps(c, a.cos()));
            }
        }
        assert!(worst <= 2.0, "worst {worst} ulps");
        assert_eq!(sincos_2pi(0), (0.0, 1.0));
        assert_eq!(sincos_2pi(1 << 22), (1.0, 0.0));
    }

    #[test]
    fn erfinv_inverts_erf() {
        for i in -999..=999 {
            let y = f64::from(i) / 1000.0;
            let x = erfinv_f64(y);
            assert!((erf(x) - y).abs() < 1e-15, "y {y}");
            let y32 = y as f32;
            let (x32, x) = (erfinv_f32(y32), erfinv_f64(f64::from(y32)));
            assert!(
                (f64::from(x32) - x).abs() <= 4e-7 * x.abs().max(1e-3),
                "y {y}: {x32} vs {x}"
            );
        }
        assert_eq!(erfinv_f32(1.0), f32::INFINITY);
        assert_eq!(erfinv_f32(-1.0), f32::NEG_INFINITY);
        assert_eq!(erfinv_f64(-1.0), f64::NEG_INFINITY);
    }
}
