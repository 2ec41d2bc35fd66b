//! A batch of [`LANES`] Philox blocks at a time in plain arrays, which LLVM turns into SIMD
//! multiplies. The block function itself is the contract's, in `modules-philox`.

use modules_philox::philox4x32_10;

/// Blocks computed together by [`philox_lanes`]: 64 blocks, so each of the four words is 64
/// lanes of u32 — eight AVX2 or four AVX-512 registers — enough independent multiplies to keep
/// the vector units busy while the round's products stay in registers.
pub(crate) const LANES: usize = 64;

/// Blocks `first .. first + LANES` (counter `[b as u32, (b >> 32) as u32, 0, 0]`), word-major:
/// `out[w][i]` is word `w` of block `first + i`.
///
/// Written over arrays with no data-dependent control flow so that, inlined into a function
/// compiled for AVX2 or AVX-512, every round becomes a handful of `vpmuludq`, shuffles and xors.
#[inline(always)]
#[allow(clippy::needless_range_loop)] // `i` is also the counter
pub(crate) fn philox_lanes(first: u64, key: [u32; 2]) -> [[u32; LANES]; 4] {
    // One loop over lanes whose body is the whole block function: the ten rounds unroll, the loop
    // over lanes vectorizes and interleaves, so several independent multiply chains are in flight
    // (a loop of rounds over all lanes is bound by the latency of one chain instead).
    let mut out = [[0u32; LANES]; 4];
    for i in 0..LANES {
        let b = first.wrapping_add(i as u64);
        let x = philox4x32_10([b as u32, (b >> 32) as u32, 0, 0], key);
        for w in 0..4 {
            out[w][i] = x[w];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::needless_range_loop)] // `i` is also the block offset
    fn lanes_match_the_scalar_function_across_a_carry() {
        let key = [0x1234_5678, 0x9abc_def0];
        let first = (1u64 << 32) - 5; // the high counter word changes inside the batch
        let x = philox_lanes(first, key);
        for i in 0..LANES {
            let b = first + i as u64;
            let want = philox4x32_10([b as u32, (b >> 32) as u32, 0, 0], key);
            assert_eq!([x[0][i], x[1][i], x[2][i], x[3][i]], want, "lane {i}");
        }
    }
}
