use modules::prelude::*;

#[derive(Module)]
struct M {
    #[module(parameter = [3], init = init::zeros())]
    w: Parameter,
}

fn main() {}
