//! The counter-based random generator of `modules`: Philox 4x32-10 and the streams of
//! `docs/philox-streams.md`, shared bit for bit with the GPU backend.
//!
//! A fill reserves its blocks in a [`Generator`] (a seed and an offset), then computes values from
//! counters alone, so results do not depend on the thread count, and a GPU kernel given the same
//! [`RandomFill`] and [`StreamPosition`] produces the same uniform values.
//!
//! ```
//! use modules_core::{init, rng::Generator, Device, Tensor};
//! let mut g = Generator::new(0);
//! let mut t = Tensor::empty([6], Device::Cpu)?;
//! init::normal_(&mut t, 0.0, 1.0, Some(&mut g))?;
//! assert_eq!(g.offset(), 2); // six f32 values: two blocks of four
//! # Ok::<(), modules_core::Error>(())
//! ```

mod fill;
mod generator;
mod kernel;
mod math;
mod philox;
mod stream;
#[cfg(test)]
mod tests;

pub(crate) use fill::{fill_slice, RandomElement};
pub(crate) use generator::reserve_in;
pub use generator::{
    default_generator, manual_seed, scoped_generator, with_generator, Generator, GeneratorScope, DEFAULT_SEED,
};
pub use modules_philox::{philox4x32_10, RandomFill, StreamPosition};
pub(crate) use stream::blocks_needed;
