use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize))]
struct M {
    #[module(new(dim, dim), repeat = 3)]
    layers: Linear,
}

fn main() {}
