use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize, device: Device))]
struct M {
    #[module(param = [dim], init = init::zeros())]
    w: Parameter,
}

fn main() {}
