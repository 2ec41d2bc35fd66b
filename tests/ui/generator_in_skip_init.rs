use modules::prelude::*;

fn main() {
    let mut g = modules::rng::Generator::new(0);
    let _ = skip_init!(Linear, 5, 1, generator = &mut g);
}
