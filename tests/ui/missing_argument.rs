use modules::prelude::*;

fn main() {
    let _ = skip_init!(Linear, 5);
}
