use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize))]
struct M {
    #[module(param = [dim], init = init::zeros())]
    w: Parameter,
    label: String,
}

fn main() {}
