use modules::prelude::*;

fn main() {
    let _ = new!(Conv2d, 3, 8, kernel_size = 2.5);
}
