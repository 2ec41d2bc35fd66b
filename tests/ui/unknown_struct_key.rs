use modules::prelude::*;

#[derive(Module)]
#[module(constructor(dim: usize))]
struct M {
    w: Parameter,
}

fn main() {}
