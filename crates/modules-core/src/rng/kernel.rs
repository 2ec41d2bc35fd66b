//! One batch of [`LANES`] blocks turned into values, for each stream of docs/philox-streams.md.
//!
//! Every function is `#[inline(always)]` and loops over fixed-size arrays without branches, so
//! that inlined into the AVX2/AVX-512 copies of the chunk loop (see `fill.rs`) it vectorizes.

use super::math::{
    erfinv_central, erfinv_f64, erfinv_finish, erfinv_tail, erfinv_w, ln_f32, sincos_2pi, ERFINV_TAIL,
};
use super::philox::LANES;
pub(crate) use modules_philox::{Params32, Params64};

/// f32 values per batch (four words per block).
pub(crate) const BATCH32: usize = LANES * 4;
/// f64 values per batch (two per block).
pub(crate) const BATCH64: usize = LANES * 2;

const TWO_M24: f32 = 1.0 / 16_777_216.0;
const TWO_M53: f64 = 1.0 / 9_007_199_254_740_992.0;

/// `u24(x)`: the top 24 bits as a float in [0, 1), exact.
#[inline(always)]
fn u24(x: u32) -> f32 {
    (x >> 8) as i32 as f32 * TWO_M24
}

/// `u53(hi, lo)`: the top 53 bits of the 64-bit word as a float in [0, 1), exact.
#[inline(always)]
fn u53(hi: u32, lo: u32) -> f64 {
    (((u64::from(hi) << 32) | u64::from(lo)) >> 11) as f64 * TWO_M53
}

/// Element `4i + w` from word `w` of block `i`, by `f`: computed word-major (vector-friendly),
/// then interleaved.
#[inline(always)]
fn per_word(x: &[[u32; LANES]; 4], out: &mut [f32; BATCH32], f: impl Fn(u32) -> f32) {
    let mut v = [[0f32; LANES]; 4];
    for w in 0..4 {
        for i in 0..LANES {
            v[w][i] = f(x[w][i]);
        }
    }
    for i in 0..LANES {
        for w in 0..4 {
            out[4 * i + w] = v[w][i];
        }
    }
}

/// The f32 values of one batch of blocks.
#[inline(always)]
pub(crate) fn batch32(p: &Params32, x: &[[u32; LANES]; 4], out: &mut [f32; BATCH32]) {
    match *p {
        Params32::Uniform { low, range } => per_word(x, out, |x| low + u24(x) * range),
        Params32::Trunc {
            l,
            d,
            mean,
            scale,
            a,
            b,
        } => {
            // Giles' central branch for every lane, the tail branch only when some lane needs it
            // (|t| > 0.9966: never for the default [-2σ, 2σ]); the same values as `erfinv_f32`.
            let mut t = [[0f32; LANES]; 4];
            let mut w = [[0f32; LANES]; 4];
            let mut p = [[0f32; LANES]; 4];
            let mut tail = false;
            for k in 0..4 {
                for i in 0..LANES {
                    t[k][i] = l + u24(x[k][i]) * d;
                    w[k][i] = erfinv_w(t[k][i]);
                }
            }
            for k in 0..4 {
                for i in 0..LANES {
                    p[k][i] = erfinv_central(w[k][i]);
                    tail |= w[k][i] >= ERFINV_TAIL;
                }
            }
            if tail {
                for k in 0..4 {
                    for i in 0..LANES {
                        let q = erfinv_tail(w[k][i]);
                        p[k][i] = if w[k][i] < ERFINV_TAIL { p[k][i] } else { q };
                    }
                }
            }
            for i in 0..LANES {
                for k in 0..4 {
                    let v = mean + scale * erfinv_finish(t[k][i], p[k][i]);
                    out[4 * i + k] = v.max(a).min(b);
                }
            }
        }
        Params32::Normal { mean, std } => {
            // Pair p of block i uses words 2p (radius) and 2p+1 (angle); lane j = LANES·p + i.
            // One short loop per step (radius, angle, combine) rather than one long body: each
            // step's iterations are independent, so out-of-order execution overlaps many of them
            // instead of waiting on one long chain of polynomial latencies.
            let mut r = [0f32; 2 * LANES];
            let mut sin = [0f32; 2 * LANES];
            let mut cos = [0f32; 2 * LANES];
            for p in 0..2 {
                for i in 0..LANES {
                    let u1 = ((x[2 * p][i] >> 8) + 1) as i32 as f32 * TWO_M24;
                    r[p * LANES + i] = -2.0 * ln_f32(u1);
                }
            }
            for v in r.iter_mut() {
                *v = v.sqrt();
            }
            for p in 0..2 {
                for i in 0..LANES {
                    (sin[p * LANES + i], cos[p * LANES + i]) = sincos_2pi(x[2 * p + 1][i] >> 8);
                }
            }
            for i in 0..LANES {
                for p in 0..2 {
                    let j = p * LANES + i;
                    out[4 * i + 2 * p] = mean + std * r[j] * cos[j];
                    out[4 * i + 2 * p + 1] = mean + std * r[j] * sin[j];
                }
            }
        }
    }
}

/// The f64 values of one batch of blocks.
#[inline(always)]
pub(crate) fn batch64(p: &Params64, x: &[[u32; LANES]; 4], out: &mut [f64; BATCH64]) {
    match *p {
        Params64::Uniform { low, range } => {
            for i in 0..LANES {
                out[2 * i] = low + u53(x[0][i], x[1][i]) * range;
                out[2 * i + 1] = low + u53(x[2][i], x[3][i]) * range;
            }
        }
        Params64::Trunc {
            l,
            d,
            mean,
            scale,
            a,
            b,
        } => {
            for i in 0..LANES {
                for j in 0..2 {
                    let t = l + u53(x[2 * j][i], x[2 * j + 1][i]) * d;
                    out[2 * i + j] = (mean + scale * erfinv_f64(t)).max(a).min(b);
                }
            }
        }
        Params64::Normal { mean, std } => {
            for i in 0..LANES {
                let bits = ((u64::from(x[0][i]) << 32) | u64::from(x[1][i])) >> 11;
                let u1 = (bits + 1) as f64 * TWO_M53;
                let r = (-2.0 * u1.ln()).sqrt();
                let (sin, cos) = (std::f64::consts::TAU * u53(x[2][i], x[3][i])).sin_cos();
                out[2 * i] = mean + std * r * cos;
                out[2 * i + 1] = mean + std * r * sin;
            }
        }
    }
}
