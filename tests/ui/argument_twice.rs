use modules::prelude::*;

fn main() {
    let _ = skip_init!(Linear, 5, 1, in_features = 6);
}
