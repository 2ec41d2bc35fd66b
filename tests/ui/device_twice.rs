use modules::prelude::*;

fn main() {
    let _ = skip_init!(Linear, 5, 1, device = Cpu, device = Meta);
}
