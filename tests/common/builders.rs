//! Container contents shared by the container and reset tests.

use modules::prelude::*;

/// A small MLP for `Sequential`: Linear(4, 8), ReLU, Linear(8, 2) without bias.
pub fn mlp() -> Vec<ModuleBuilder> {
    vec![
        modules::layer!(Linear, 4, 8),
        modules::layer!(Relu),
        modules::layer!(Linear, 8, 2, bias = false),
    ]
}

/// `ModuleDict` entries, in insertion order: an Embedding, a LayerNorm and an LSTM.
pub fn dict() -> Vec<(String, ModuleBuilder)> {
    vec![
        ("embed".to_string(), modules::layer!(Embedding, 10, 4)),
        ("norm".to_string(), modules::layer!(LayerNorm, vec![4])),
        ("lstm".to_string(), modules::layer!(Lstm, 4, 4)),
    ]
}

/// The layers of the `mlp_seq` fixture (`tests/fixtures/torch_small/`): Linear(16, 32), ReLU,
/// Linear(32, 4).
pub fn mlp_seq() -> Vec<ModuleBuilder> {
    vec![
        modules::layer!(Linear, 16, 32),
        modules::layer!(Relu),
        modules::layer!(Linear, 32, 4),
    ]
}
