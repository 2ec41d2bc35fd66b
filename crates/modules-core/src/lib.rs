//! The runtime of `modules`: devices, dtypes, tensors, parameters and buffers, the [`Module`]
//! trait with its traversals, initialization and `skip_init`.
//!
//! Users depend on the facade crate `modules`, which re-exports all of this with the derive.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

/// A test module: the struct, and a `Module` that visits each field under its own name (the
/// derive emits `::modules` paths, which this crate's tests cannot reach).
#[cfg(test)]
macro_rules! test_module {
    ($name:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        struct $name {
            $($field: $ty),*
        }
        impl $crate::Module for $name {
            fn type_name(&self) -> &str {
                stringify!($name)
            }
            fn visit<'a>(&'a self, v: &mut dyn $crate::Visitor<'a>) {
                $($crate::Part::visit_part(&self.$field, stringify!($field), v);)*
            }
        }
    };
}

pub mod checkpoint;
mod device;
mod dtype;
mod error;
mod fast_hash;
pub mod init;
pub mod rng;
pub mod shard;
pub mod tensor;

pub use device::Device;
pub use dtype::DType;
pub use error::{Error, Result};
pub use parse_error::ParseError;
pub use tensor::{Element, Tensor, TensorOptions};
pub mod module;
mod param;
mod parse_error;

pub use module::{copy_values, module_repr, Module, ModuleExt, Part, ResetPass, StateDict, Visitor};
pub use param::{Buffer, Initializer, Parameter, SharedTensor};
mod construct;

#[doc(hidden)]
pub use construct::__private_0_1;
pub use construct::{arguments, skip_init, IntoArg, SingleArg, SupportsDevice, TooManyPositionalArguments};
/// The CUDA backend: device buffers, NCCL, and (as `cuda::cudarc`) the cudarc it is built on.
///
/// ```
/// # #[cfg(feature = "cuda")]
/// let _ = modules_core::cuda::device_count(); // an error, never a panic, without a driver
/// ```
#[cfg(feature = "cuda")]
pub use modules_cuda as cuda;
pub use rng::manual_seed;
