use modules::prelude::*;

#[derive(Module)]
struct M {
    #[module(rename = "norm")]
    layer_norm: LayerNorm,
    norm: LayerNorm,
}

fn main() {}
