use modules::prelude::*;

fn plan<M: SupportsDevice>() -> modules::Result<M> {
    skip_init!(M, bias = false, device = Meta)
}

fn main() {
    let _ = plan::<Linear>();
}
