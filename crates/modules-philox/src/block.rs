//! The Philox 4x32-10 block function (Salmon et al., SC'11).

/// Multiplier of counter word 0.
const M0: u32 = 0xD251_1F53;
/// Multiplier of counter word 2.
const M1: u32 = 0xCD9E_8D57;
/// Key increment of key word 0 (golden ratio).
const W0: u32 = 0x9E37_79B9;
/// Key increment of key word 1 (sqrt(3) - 1).
const W1: u32 = 0xBB67_AE85;

/// One Philox 4x32-10 block: ten rounds of the counter under the key, the key bumped between rounds.
///
/// This is the function of the Random123 reference (`philox4x32_R(10, ctr, key)`), so its known
/// answers hold. `#[inline(always)]` so that the CPU's batched fill, which calls it once per
/// lane, vectorizes across crates.
///
/// ```
/// use modules_philox::philox4x32_10;
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
///
/// ```
/// assert_eq!(modules_philox::key_of(0x1_0000_0002), [2, 1]);
/// ```
#[inline(always)]
pub fn key_of(seed: u64) -> [u32; 2] {
    [seed as u32, (seed >> 32) as u32]
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
}
