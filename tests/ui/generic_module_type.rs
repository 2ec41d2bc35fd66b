use modules::prelude::*;

fn plan<M: SupportsDevice>() -> modules::Result<M> {
    skip_init!(M, device = Meta)
}

fn main() {
    let _ = plan::<Linear>();
}
