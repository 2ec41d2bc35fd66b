use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize))]
struct M {
    #[module(param = [dim])]
    w: Parameter,
}

fn main() {}
