use modules::prelude::*;

fn main() {
    let _ = new!(Linear, 5, 1, dropout = 0.1);
}
