//! The module both loader targets load into: a Linear and a BatchNorm (f32 and i64 tensors).

use modules::prelude::*;

#[derive(Module)]
#[module(new())]
pub struct Target {
    #[module(new(5, 1))]
    pub lin: Linear,
    #[module(new(8))]
    pub bn: BatchNorm2d,
}

/// Every state-dict tensor's bytes, in order.
pub fn bytes_of(m: &dyn Module) -> Vec<Vec<u8>> {
    m.state_dict()
        .iter()
        .map(|(_, t)| t.tensor().as_bytes().unwrap().to_vec())
        .collect()
}
