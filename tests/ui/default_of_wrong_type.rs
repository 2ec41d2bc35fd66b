use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize, bias: bool = 3))]
struct M {
    #[module(param = [dim], init = init::zeros(), when = bias)]
    b: Option<Parameter>,
}

fn main() {}
