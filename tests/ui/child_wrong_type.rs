use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize))]
struct M {
    #[module(new(dim, dim, bias = 1))]
    head: Linear,
}

fn main() {}
