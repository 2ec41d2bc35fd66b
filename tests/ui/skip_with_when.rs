use modules::prelude::*;

#[derive(Module)]
#[module(new(extra: bool))]
struct M {
    #[module(param = [2], init = init::zeros())]
    w: Parameter,
    #[module(skip, when = extra)]
    note: Option<String>,
}

fn main() {}
