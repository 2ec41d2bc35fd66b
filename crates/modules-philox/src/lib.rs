//! The random-stream contract of `modules` (`docs/philox-streams.md`), in the one place both
//! backends read it: the Philox 4x32-10 block function, what a fill draws ([`RandomFill`]),
//! where it starts ([`StreamPosition`]) and the parameters computed from it on the host
//! ([`Params64`], [`Params32`]).
//!
//! `modules-core` runs these streams on the CPU and `modules-cuda` hands the same parameters to
//! its kernels, so uniform values are bit-identical on both and nothing here is written twice.
//!
//! ```
//! use modules_philox::{philox4x32_10, Params32, RandomFill};
//! assert_eq!(philox4x32_10([0; 4], [0; 2]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
//! let p = Params32::new(&RandomFill::Uniform { low: -0.5, high: 0.5 });
//! assert!(matches!(p, Params32::Uniform { low: -0.5, range: 1.0 }));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod block;
mod fill;
mod params;

pub use block::{key_of, philox4x32_10};
pub use fill::{RandomFill, StreamPosition};
pub use params::{erf, Params, Params32, Params64};
