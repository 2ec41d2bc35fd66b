use modules::prelude::*;

#[derive(Module)]
#[module(new(dim: usize))]
struct M {
    #[module(new(dim, dim, device = Cpu))]
    head: Linear,
}

fn main() {}
