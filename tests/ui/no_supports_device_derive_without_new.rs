use modules::prelude::*;

#[derive(Module)]
struct Traversed {
    w: Parameter,
}

fn main() {
    let _ = skip_init!(Traversed, device = Cuda(0));
}
