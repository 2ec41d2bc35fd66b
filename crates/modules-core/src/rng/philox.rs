//! The Philox 4x32-10 block function (Salmon et al., SC'11), one block at a time and a batch of
//! [`LANES`] blocks at a time in plain arrays, which LLVM turns into SIMD multiplies.

/// Multiplier of counter word 0.
const M0: u32 = 0xD251_1F53;
/// Multiplier of counter word 2.
const M1: u32 = 0xCD9E_8D57;
/// Key increment of key word 0 (golden ratio).
const W0: u32 = 0x9E37_79B9;
/// Key increment of key word 1 (sqrt(3) - 1).
const W1: u32 = 0xBB67_AE85;

/// Blocks computed together by [`philox_lanes`]: 64 blocks, so each of the four words is 64
/// lanes of u32 — eight AVX2 or four AVX-512 registers — enough independent multiplies to keep
/// the vector units busy while the round's products stay in registers.
pub(crate) const LANES: usize = 64;

/// One Philox 4x32-10 block: ten rounds of the counter under the key, the key bumped between rounds.
///
/// This is the function of the Random123 reference (`philox4x32_R(10, ctr, key)`), so its known
/// answers hold:
///
/// ```
/// use modules_core::rng::philox4x32_10;
/// assert_eq!(philox4x32_10([0; 4], [0; 2]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
/// ```
#[inline(always)]
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let [mut c0, mut c1, mut c2, mut c3] = counter;
    let [mut k0, mut k1] = key;
    for round in 0..10 {
        if round > 0 {
            k0 = k0.wrapping_add(W0);
            k1 = k1.wrapping_add(W1);
        }
        let p0 = u64::from(M0) * u64::from(c0);
        let p1 = u64::from(M1) * u64::from(c2);
        (c0, c1, c2, c3) = (
            (p1 >> 32) as u32 ^ c1 ^ k0,
            p1 as u32,
            (p0 >> 32) as u32 ^ c3 ^ k1,
            p0 as u32,
        );
    }
    [c0, c1, c2, c3]
}

/// The key of a seed: its low and high halves.
#[inline(always)]
pub(crate) fn key_of(seed: u64) -> [u32; 2] {
    [seed as u32, (seed >> 32) as u32]
}

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
    fn known_answers_of_random123() {
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
