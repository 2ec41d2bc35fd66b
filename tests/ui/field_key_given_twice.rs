use modules::prelude::*;

#[derive(Module)]
struct M {
    #[module(param = [2], param = [3], init = init::zeros())]
    w: Parameter,
}

fn main() {}
