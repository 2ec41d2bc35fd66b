use modules::prelude::*;

#[derive(Module)]
struct M {
    norm: LayerNorm,
    #[module(rename = "norm")]
    layer_norm: LayerNorm,
}

fn main() {}
