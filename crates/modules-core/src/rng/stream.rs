//! The description of a random fill that a CPU or GPU backend executes: what to draw and where
//! in the Philox stream it starts (docs/philox-streams.md).

use crate::DType;

/// What a random fill draws. Every backend maps element `i` to the same block and words of the
/// stream (docs/philox-streams.md), so uniform values are bit-identical everywhere.
///
/// ```
/// use modules_core::rng::RandomFill;
/// let f = RandomFill::Uniform { low: -0.5, high: 0.5 };
/// assert_ne!(f, RandomFill::Normal { mean: 0.0, std: 1.0 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RandomFill {
    /// U(low, high): `low + u · (high - low)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// N(mean, std²) by Box–Muller, two values per pair of words.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// N(mean, std²) truncated to the absolute interval [a, b], by the inverse CDF.
    TruncNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal.
        std: f64,
        /// Lower bound (absolute, not in units of std).
        a: f64,
        /// Upper bound (absolute).
        b: f64,
    },
}

/// Where a fill starts: the generator's seed (the Philox key) and its first block.
///
/// ```
/// use modules_core::rng::StreamPosition;
/// let p = StreamPosition { seed: 42, block: 0 };
/// assert_eq!(p.seed, 42);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StreamPosition {
    /// The seed; the key is `[seed as u32, (seed >> 32) as u32]`.
    pub seed: u64,
    /// The block of element 0.
    pub block: u64,
}

/// Elements of `dtype` drawn from one block: four for f32/f16/bf16 (one `u32` word each), two
/// for f64 (two words each). Non-float dtypes have no random fill: 0.
///
/// ```
/// use modules_core::{rng::elements_per_block, DType};
/// assert_eq!(elements_per_block(DType::BF16), 4);
/// assert_eq!(elements_per_block(DType::F64), 2);
/// ```
pub fn elements_per_block(dtype: DType) -> usize {
    match dtype {
        DType::F32 | DType::F16 | DType::BF16 => 4,
        DType::F64 => 2,
        _ => 0,
    }
}

/// The blocks a fill of `n` elements of `dtype` reserves: `ceil(n / 4)` for f32, f16 and bf16,
/// `ceil(n / 2)` for f64, whatever the distribution; 0 for non-float dtypes (nothing is drawn).
///
/// ```
/// use modules_core::{rng::{blocks_needed, RandomFill}, DType};
/// let f = RandomFill::Normal { mean: 0.0, std: 1.0 };
/// assert_eq!(blocks_needed(&f, DType::F32, 10), 3);
/// assert_eq!(blocks_needed(&f, DType::F64, 10), 5);
/// ```
pub fn blocks_needed(fill: &RandomFill, dtype: DType, n: usize) -> u64 {
    // Every stream of the contract uses the same blocks per element; the fill is a parameter so
    // that a future stream with another layout changes nothing for callers.
    let _ = fill;
    match elements_per_block(dtype) {
        0 => 0,
        per => (n as u64).div_ceil(per as u64),
    }
}
