use modules::prelude::*;

fn main() {
    let _ = layer!(Linear, in_features = 5, 1);
}
