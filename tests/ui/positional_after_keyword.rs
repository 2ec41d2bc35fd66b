use modules::prelude::*;

fn main() {
    let _ = skip_init!(Linear, in_features = 5, 1);
}
