//! A CPU model of the random-fill kernels, operation for operation.
//!
//! It exists so the kernels' arithmetic can be checked without a GPU (against the known
//! Philox answers and against the CPU streams of `modules-core`), and so GPU tests have an
//! exact expectation: uniform fills must match it bit for bit. Transcendental functions
//! (`ln`, `sin`, `cos`, `erfinv`) are Rust's or our own, so normal and truncated-normal values
//! may differ from the device's in the last few ulps.
//!
//! ```
//! use modules_cuda::reference::philox4x32_10;
//! assert_eq!(philox4x32_10([0; 4], [0; 2]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
//! ```

use crate::{Distribution, FloatKind};

const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

/// Philox 4x32-10 of counter `c` under key `k` (Random123's `philox4x32`).
pub fn philox4x32_10(mut c: [u32; 4], mut k: [u32; 2]) -> [u32; 4] {
    for r in 0..10 {
        let p0 = u64::from(M0) * u64::from(c[0]);
        let p1 = u64::from(M1) * u64::from(c[2]);
        c = [
            (p1 >> 32) as u32 ^ c[1] ^ k[0],
            p1 as u32,
            (p0 >> 32) as u32 ^ c[3] ^ k[1],
            p0 as u32,
        ];
        if r < 9 {
            k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        }
    }
    c
}

/// The four words of block `block` of the stream of `seed`.
pub fn block_words(seed: u64, block: u64) -> [u32; 4] {
    philox4x32_10(
        [block as u32, (block >> 32) as u32, 0, 0],
        [seed as u32, (seed >> 32) as u32],
    )
}

fn u24(x: u32) -> f32 {
    (x >> 8) as f32 * (1.0 / 16_777_216.0)
}

fn u53(hi: u32, lo: u32) -> f64 {
    (((u64::from(hi) << 32) | u64::from(lo)) >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// `erfinv` in f64: Newton steps on `libm::erf` from a logit-style start; about 1 ulp.
pub fn erfinv(y: f64) -> f64 {
    if y.is_nan() || y.abs() >= 1.0 {
        return if y.is_nan() { y } else { f64::INFINITY.copysign(y) };
    }
    // Winitzki's approximation (relative error ~2e-3) as the start.
    let a = 0.147;
    let ln = (1.0 - y * y).ln();
    let t = 2.0 / (std::f64::consts::PI * a) + ln / 2.0;
    let mut x = ((t * t - ln / a).sqrt() - t).sqrt().copysign(y);
    for _ in 0..6 {
        let f = libm::erf(x) - y;
        let d = std::f64::consts::FRAC_2_SQRT_PI * (-x * x).exp();
        if d == 0.0 || f == 0.0 {
            break;
        }
        x -= f / d;
    }
    x
}

fn values_f32(dist: &Distribution, w: [u32; 4]) -> [f32; 4] {
    let p = dist.params_f32();
    let mut v = [0f32; 4];
    match dist {
        Distribution::Uniform { .. } => {
            for j in 0..4 {
                v[j] = p[0] + u24(w[j]) * p[1];
            }
        }
        Distribution::Normal { .. } => {
            let (mean, std) = (p[0], p[1]);
            for q in 0..2 {
                let u1 = ((w[2 * q] >> 8) + 1) as f32 * (1.0 / 16_777_216.0);
                let u2 = u24(w[2 * q + 1]);
                let r = (-2.0f32 * u1.ln()).sqrt();
                // sin/cos of exactly 2πu2 (the device uses sincospif), rounded once to f32.
                let (s, c) = (std::f64::consts::TAU * f64::from(u2)).sin_cos();
                let (s, c) = (s as f32, c as f32);
                v[2 * q] = mean + std * r * c;
                v[2 * q + 1] = mean + std * r * s;
            }
        }
        Distribution::TruncNormal { .. } => {
            let (mean, scale, l, hml, a, b) = (p[0], p[1], p[2], p[3], p[4], p[5]);
            for j in 0..4 {
                let t = l + u24(w[j]) * hml;
                let x = mean + scale * (erfinv(f64::from(t)) as f32);
                v[j] = x.max(a).min(b);
            }
        }
    }
    v
}

fn values_f64(dist: &Distribution, w: [u32; 4]) -> [f64; 2] {
    let p = dist.params_f64();
    match dist {
        Distribution::Uniform { .. } => [p[0] + u53(w[0], w[1]) * p[1], p[0] + u53(w[2], w[3]) * p[1]],
        Distribution::Normal { .. } => {
            let bits = ((u64::from(w[0]) << 32) | u64::from(w[1])) >> 11;
            let u1 = (bits + 1) as f64 * (1.0 / 9_007_199_254_740_992.0);
            let u2 = u53(w[2], w[3]);
            let r = (-2.0 * u1.ln()).sqrt();
            let (s, c) = (std::f64::consts::TAU * u2).sin_cos();
            [p[0] + p[1] * r * c, p[0] + p[1] * r * s]
        }
        Distribution::TruncNormal { .. } => {
            let (mean, scale, l, hml, a, b) = (p[0], p[1], p[2], p[3], p[4], p[5]);
            let one = |hi, lo| {
                let t = l + u53(hi, lo) * hml;
                (mean + scale * erfinv(t)).max(a).min(b)
            };
            [one(w[0], w[1]), one(w[2], w[3])]
        }
    }
}

/// The values a fill of `n` elements of `kind` from block `block` of `seed` writes, as f64
/// (exact for every kind: f16/bf16/f32 widen without rounding).
pub fn fill_values(kind: FloatKind, seed: u64, block: u64, dist: &Distribution, n: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(n);
    let mut b = block;
    while out.len() < n {
        let w = block_words(seed, b);
        b += 1;
        match kind {
            FloatKind::F64 => out.extend(values_f64(dist, w)),
            FloatKind::F32 => out.extend(values_f32(dist, w).map(f64::from)),
            FloatKind::F16 => out.extend(values_f32(dist, w).map(|v| half::f16::from_f32(v).to_f64())),
            FloatKind::BF16 => out.extend(values_f32(dist, w).map(|v| half::bf16::from_f32(v).to_f64())),
        }
    }
    out.truncate(n);
    out
}

/// The bytes a fill writes (little-endian elements of `kind`), for byte-exact comparisons.
pub fn fill_bytes(kind: FloatKind, seed: u64, block: u64, dist: &Distribution, n: usize) -> Vec<u8> {
    let vals = fill_values(kind, seed, block, dist, n);
    let mut out = Vec::with_capacity(n * kind.size_in_bytes());
    for v in vals {
        match kind {
            FloatKind::F64 => out.extend(v.to_le_bytes()),
            FloatKind::F32 => out.extend((v as f32).to_le_bytes()),
            FloatKind::F16 => out.extend(half::f16::from_f64(v).to_le_bytes()),
            FloatKind::BF16 => out.extend(half::bf16::from_f64(v).to_le_bytes()),
        }
    }
    out
}

/// Decodes little-endian elements of `kind` into f64 (exact).
pub fn decode(kind: FloatKind, bytes: &[u8]) -> Vec<f64> {
    let size = kind.size_in_bytes();
    bytes
        .chunks_exact(size)
        .map(|c| match kind {
            FloatKind::F64 => f64::from_le_bytes(c.try_into().expect("8 bytes")),
            FloatKind::F32 => f64::from(f32::from_le_bytes(c.try_into().expect("4 bytes"))),
            FloatKind::F16 => half::f16::from_le_bytes([c[0], c[1]]).to_f64(),
            FloatKind::BF16 => half::bf16::from_le_bytes([c[0], c[1]]).to_f64(),
        })
        .collect()
}

/// Distance in units in the last place of `kind` between two values of that kind.
pub fn ulp_distance(kind: FloatKind, a: f64, b: f64) -> u64 {
    // Map to a monotone integer line (negative values mirrored) and subtract.
    fn line(bits: u64, sign: u64) -> i128 {
        if bits & sign != 0 {
            -((bits & !sign) as i128)
        } else {
            bits as i128
        }
    }
    let (x, y) = match kind {
        FloatKind::F64 => (line(a.to_bits(), 1 << 63), line(b.to_bits(), 1 << 63)),
        FloatKind::F32 => (
            line(u64::from((a as f32).to_bits()), 1 << 31),
            line(u64::from((b as f32).to_bits()), 1 << 31),
        ),
        FloatKind::F16 => (
            line(u64::from(half::f16::from_f64(a).to_bits()), 1 << 15),
            line(u64::from(half::f16::from_f64(b).to_bits()), 1 << 15),
        ),
        FloatKind::BF16 => (
            line(u64::from(half::bf16::from_f64(a).to_bits()), 1 << 15),
            line(u64::from(half::bf16::from_f64(b).to_bits()), 1 << 15),
        ),
    };
    (x - y).unsigned_abs() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn philox_matches_the_random123_known_answers() {
        assert_eq!(
            philox4x32_10([0; 4], [0; 2]),
            [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
        );
        assert_eq!(
            philox4x32_10([u32::MAX; 4], [u32::MAX; 2]),
            [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]
        );
        assert_eq!(
            philox4x32_10(
                [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
                [0xa4093822, 0x299f31d0]
            ),
            [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]
        );
    }

    #[test]
    fn element_i_comes_from_block_b_plus_i_over_4() {
        let d = Distribution::Uniform { low: -2.0, high: 3.0 };
        let all = fill_values(FloatKind::F32, 7, 10, &d, 11);
        // A fill starting 2 blocks later is the same stream shifted by 8 elements.
        assert_eq!(fill_values(FloatKind::F32, 7, 12, &d, 3), all[8..11]);
        let w = block_words(7, 10);
        let expected = -2.0f32 + (w[1] >> 8) as f32 * (1.0 / 16_777_216.0) * 5.0f32;
        assert_eq!(all[1], f64::from(expected));
        // f64: two per block, from words (0, 1) and (2, 3).
        let f = fill_values(FloatKind::F64, 7, 10, &d, 4);
        assert_eq!(fill_values(FloatKind::F64, 7, 11, &d, 2), f[2..4]);
    }

    #[test]
    fn distributions_have_their_moments_and_bounds() {
        let n = 200_000;
        let z = fill_values(
            FloatKind::F32,
            3,
            0,
            &Distribution::Normal { mean: 1.0, std: 2.0 },
            n,
        );
        let mean = z.iter().sum::<f64>() / n as f64;
        let var = z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            (mean - 1.0).abs() < 0.02 && (var.sqrt() - 2.0).abs() < 0.02,
            "{mean} {var}"
        );
        let t = Distribution::trunc_normal(0.0, 1.0, -0.5, 2.0);
        for kind in [FloatKind::F32, FloatKind::F64, FloatKind::BF16, FloatKind::F16] {
            let v = fill_values(kind, 5, 0, &t, 10_000);
            assert!(v.iter().all(|&x| (-0.5..=2.0).contains(&x)), "{kind:?}");
        }
        let u = fill_values(
            FloatKind::F64,
            9,
            0,
            &Distribution::Uniform { low: 0.0, high: 1.0 },
            10_000,
        );
        assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
    }

    #[test]
    fn erfinv_inverts_erf() {
        // Up to |x| = 3.5: beyond, erf(x) is so close to ±1 that the input's own rounding
        // dominates (the problem, not the method, is ill-conditioned).
        for i in -70..=70 {
            let x = i as f64 * 0.05;
            let y = libm::erf(x);
            {
                assert!((erfinv(y) - x).abs() < 1e-9 * x.abs().max(1.0), "{x}");
            }
        }
    }

    #[test]
    fn ulps_count_representable_steps() {
        let one = 1.0f64;
        assert_eq!(ulp_distance(FloatKind::F32, one, f64::from(1.0f32.next_up())), 1);
        assert_eq!(ulp_distance(FloatKind::BF16, 1.0, 1.0078125), 1);
        assert_eq!(ulp_distance(FloatKind::F64, -0.0, 0.0), 0);
        assert_eq!(
            decode(
                FloatKind::F16,
                &fill_bytes(
                    FloatKind::F16,
                    1,
                    0,
                    &Distribution::Normal { mean: 0.0, std: 1.0 },
                    3
                )
            )
            .len(),
            3
        );
    }
}
