use modules::prelude::*;

#[derive(Module)]
struct M {
    #[module(flatten)]
    w: Parameter,
}

fn main() {}
