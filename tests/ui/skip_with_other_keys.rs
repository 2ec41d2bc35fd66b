use modules::prelude::*;

#[derive(Module)]
struct M {
    w: Parameter,
    #[module(skip, rename = "x")]
    steps: usize,
}

fn main() {}
