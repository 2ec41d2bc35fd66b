use modules::Module;

#[derive(Module)]
enum Layer {
    A,
    B,
}

fn main() {}
