//! The counter-based random generator of `modules`: Philox 4x32-10 and the streams of
//! `docs/philox-streams.md`, shared bit for bit with the GPU backend.
//!
//! A fill reserves its blocks in a [`Generator`] (a seed and an offset), then computes values from
//! counters alone, so results do not depend on the thread count, and a GPU kernel given the same
//! [`RandomFill`] and [`StreamPosition`] produces the same uniform values.
//!
//! ```
//! use modules_core::rng::{blocks_needed, fill_slice, Generator, RandomFill, StreamPosition};
//! use modules_core::DType;
//! let mut g = Generator::new(0);
//! let fill = RandomFill::Normal { mean: 0.0, std: 1.0 };
//! let mut v = vec![0f32; 6];
//! let block = g.reserve(blocks_needed(&fill, DType::F32, v.len()));
//! fill_slice(&mut v, &fill, StreamPosition { seed: g.seed(), block });
//! assert_eq!(g.offset(), 2);
//! ```

mod fill;
mod generator;
mod kernel;
mod math;
mod philox;
mod stream;
#[cfg(test)]
mod tests;

pub use fill::{fill_slice, RandomElement};
pub(crate) use generator::reserve_in;
pub use generator::{
    default_generator, manual_seed, scoped_generator, with_generator, Generator, GeneratorScope, DEFAULT_SEED,
};
pub use modules_philox::{philox4x32_10, RandomFill, StreamPosition};
pub use stream::{blocks_needed, elements_per_block};
