use modules::prelude::*;

fn main() {
    let _ = skip_init!(Sequential, device = Meta);
}
