use modules::prelude::*;

#[derive(Module)]
#[module(new(n: usize))]
struct M {
    #[module(param = [n], init = init::zeros(), build = |o: &TensorOptions| Ok(Parameter::new(Tensor::empty([n], *o)?)))]
    w: Parameter,
}

fn main() {}
