use modules::prelude::*;

#[derive(Module)]
#[module(name = "A")]
#[module(name = "B")]
struct M {
    w: Parameter,
}

fn main() {}
