use modules::prelude::*;

fn main() {
    let _ = skip_init!(Sequential, vec![layer!(Linear, 4, 4, baias = false)]);
}
