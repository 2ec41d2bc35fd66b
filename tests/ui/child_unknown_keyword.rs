use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize))]
struct M {
    #[module(new(dim, dim, has_bias = false))]
    head: Linear,
}

fn main() {}
