//! The standard modules, declared with `#[derive(Module)]` like any user module, with
//! PyTorch's argument order, names, shapes, default initialization and print format.

mod embedding;
mod linear;
mod norm;

pub use embedding::{Embedding, EmbeddingArgs, EmbeddingArgsBuilder};
pub use linear::{Linear, LinearArgs, LinearArgsBuilder};
pub use norm::{LayerNorm, LayerNormArgs, LayerNormArgsBuilder, RmsNorm, RmsNormArgs, RmsNormArgsBuilder};
