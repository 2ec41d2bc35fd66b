//! How many blocks of the stream a fill of a dtype reserves (docs/philox-streams.md).

use crate::DType;

use modules_philox::RandomFill;

/// Elements of `dtype` drawn from one block: four for f32/f16/bf16 (one `u32` word each), two
/// for f64 (two words each). Non-float dtypes have no random fill: 0.
pub(crate) fn elements_per_block(dtype: DType) -> usize {
    match dtype {
        DType::F32 | DType::F16 | DType::BF16 => 4,
        DType::F64 => 2,
        _ => 0,
    }
}

/// The blocks a fill of `n` elements of `dtype` reserves: `ceil(n / 4)` for f32, f16 and bf16,
/// `ceil(n / 2)` for f64, whatever the distribution; 0 for non-float dtypes (nothing is drawn).
pub(crate) fn blocks_needed(fill: &RandomFill, dtype: DType, n: usize) -> u64 {
    // Every stream of the contract uses the same blocks per element; the fill is a parameter so
    // that a future stream with another layout changes nothing for callers.
    let _ = fill;
    match elements_per_block(dtype) {
        0 => 0,
        per => (n as u64).div_ceil(per as u64),
    }
}
