use modules::prelude::*;

#[derive(Module)]
struct M {
    w: Parameter,
    label: String,
}

fn main() {}
