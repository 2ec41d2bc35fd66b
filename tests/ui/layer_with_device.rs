use modules::prelude::*;

fn main() {
    let _ = layer!(Linear, 5, 1, device = Meta);
}
