use modules::prelude::*;

#[derive(Module)]
struct M {
    #[module(flaten)]
    inner: Linear,
}

fn report(m: &M) -> String {
    format!("{m}: {} parameters, {:?}", m.num_parameters(), m.state_dict().len())
}

fn main() {
    let _ = report;
}
