use modules::prelude::*;

#[derive(Module)]
#[module(new(n: usize))]
struct M {
    #[module(param = [n], init = init::zeros(), skip_repr)]
    w: Parameter,
}

fn main() {}
