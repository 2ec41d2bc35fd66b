use modules::prelude::*;

#[derive(Module)]
#[module(new(n: usize), validate = n > 0)]
struct M {
    #[module(param = [n], init = init::zeros())]
    w: Parameter,
}

fn main() {}
