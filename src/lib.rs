//! # modules
//!
//! Derive neural-network modules from plain structs and build them fast.
//!
//! `#[derive(Module)]` gives a struct parameter traversal with PyTorch's names, a
//! device-aware constructor, and the compile-time [`SupportsDevice`] marker, so that
//! [`skip_init!`] builds a module whose parameters are allocated but never initialized — the
//! Rust counterpart of `torch.nn.utils.skip_init` — and a module that cannot honour a device
//! is rejected by the compiler.
//!
//! ```
//! use modules::prelude::*;
//!
//! let a = Linear::new(5, 1, Cpu)?;                     // allocated and initialized like PyTorch
//! let b = skip_init!(Linear, 5, 1)?;                    // cpu, uninitialized
//! let d = skip_init!(Linear, in_features = 5, out_features = 1, bias = false)?;
//! let e = skip_init!(Linear, 4096, 4096, device = Meta, dtype = BF16)?; // shapes only
//! assert_eq!(a.to_string(), "Linear(in_features=5, out_features=1, bias=True)");
//! assert_eq!(b.weight.shape(), vec![1, 5]);
//! assert!(d.bias.is_none());
//! assert_eq!(e.num_parameters(), 4096 * 4096 + 4096);
//! # Ok::<(), modules::Error>(())
//! ```
//!
//! Declaring a module:
//!
//! ```
//! use modules::prelude::*;
//!
//! #[derive(Module)]
//! #[module(new(dim: usize, hidden: usize))]
//! pub struct Mlp {
//!     #[module(new(dim, hidden))]
//!     pub up: Linear,
//!     #[module(new(hidden, dim, bias = false))]
//!     pub down: Linear,
//! }
//!
//! let m = skip_init!(Mlp, 8, 32, device = Meta)?;
//! let names: Vec<String> = m.named_parameters().into_iter().map(|(n, _)| n).collect();
//! assert_eq!(names, ["up.weight", "up.bias", "down.weight"]);
//! # Ok::<(), modules::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Generated code names this crate `::modules`, also from inside it.
extern crate self as modules;

pub mod nn;

#[cfg(feature = "candle")]
pub mod candle;

/// The user guide (`docs/guide.md`): declaring a model, the argument grammar, `skip_init` on
/// every device, ties, init and seeds, checkpoints, sharding and errors. Its code blocks run
/// as doctests.
#[doc = include_str!("../docs/guide.md")]
pub mod guide {}

pub use modules_core::*;
pub use modules_derive::Module;

/// Builds a module allocated on a device but not initialized: `torch.nn.utils.skip_init`.
///
/// `skip_init!(Type, positional..., keyword = value..., device = d, dtype = t)`: arguments as
/// declared by the type's `#[module(new(...))]`, positional first; `device` defaults to cpu
/// (as in PyTorch) and `dtype` to f32. It constructs on meta (no memory, no init), then
/// `to_empty(device)`. Returns `Result<Type, Error>`.
///
/// Checked at compile time: a type without [`SupportsDevice`], a missing required argument,
/// one given twice, an unknown keyword, one positional too many, a wrong type.
///
/// ```
/// use modules::prelude::*;
/// let m = skip_init!(Embedding, 10, 3, padding_idx = Some(0))?;
/// assert_eq!(m.weight.shape(), vec![10, 3]);
/// # Ok::<(), modules::Error>(())
/// ```
pub use modules_derive::skip_init;

/// Builds and initializes a module with the same argument grammar as [`skip_init!`].
///
/// ```
/// use modules::prelude::*;
/// let m = modules::new!(Linear, 3, 2, bias = false, dtype = F64)?;
/// assert_eq!(m.weight.dtype(), F64);
/// # Ok::<(), modules::Error>(())
/// ```
pub use modules_derive::new;

/// A [`ModuleBuilder`](crate::nn::ModuleBuilder) for `Type`: [`new!`]'s arguments, parsed by
/// the same parser with the same errors (positional, then keywords), but no `device`, `dtype`
/// or `generator`: the container builds it with its own.
///
/// ```
/// use modules::prelude::*;
/// let seq = skip_init!(Sequential, vec![
///     modules::layer!(Linear, 16, 32),
///     modules::layer!(Relu),
///     modules::layer!(Linear, 32, 4, bias = false),
/// ], device = Meta)?;
/// assert_eq!(seq.len(), 3);
/// # Ok::<(), modules::Error>(())
/// ```
pub use modules_derive::layer;

/// What a module file needs: `use modules::prelude::*;`.
pub mod prelude {
    pub use crate::checkpoint::{Checkpoint, LoadOptions, LoadReport};
    pub use crate::init;
    pub use crate::shard::Shard;
    // The modules and their option enums; their `XArgs`/`XArgsBuilder` types stay in `nn`.
    pub use crate::nn::{
        Activation, BatchNorm1d, BatchNorm2d, BatchNorm3d, Bilinear, Conv1d, Conv2d, Conv3d, ConvTranspose1d,
        ConvTranspose2d, ConvTranspose3d, Dropout, Embedding, EmbeddingBag, EmbeddingBagMode, Gelu,
        GroupNorm, Gru, GruCell, Identity, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm, Linear,
        LogSoftmax, Lstm, LstmCell, ModuleBuilder, ModuleDict, MultiheadAttention,
        NonDynamicallyQuantizableLinear, Padding, PaddingMode, Relu, RmsNorm, Rnn, RnnCell, RnnConfig,
        RnnMode, RnnNonlinearity, RnnWeights, Sequential, Sigmoid, Silu, Size, Softmax, StackNorm, Tanh,
        TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer,
    };
    pub use crate::{
        layer, new, skip_init, Buffer, DType, DType::*, Device, Device::*, Error, Module, ModuleExt,
        Parameter, SupportsDevice, Tensor, TensorOptions,
    };
}
