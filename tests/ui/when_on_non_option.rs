use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize, bias: bool))]
struct M {
    #[module(param = [dim], init = init::zeros(), when = bias)]
    b: Parameter,
}

fn main() {}
