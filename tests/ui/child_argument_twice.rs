use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize))]
struct M {
    #[module(new(dim, dim, out_features = 3))]
    head: Linear,
}

fn main() {}
