use modules::prelude::*;

#[derive(Module)]
struct M {
    #[module(skip, dtype = DType::I64)]
    count: usize,
}

fn main() {}
