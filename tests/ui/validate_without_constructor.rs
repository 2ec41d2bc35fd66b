use modules::prelude::*;

fn positive(n: usize) -> modules::Result<()> {
    let _ = n;
    Ok(())
}

#[derive(Module)]
#[module(validate = positive(3))]
struct M {
    w: Parameter,
}

fn main() {}
