use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize))]
struct M {
    #[module(new(dim))]
    head: Linear,
}

fn main() {}
