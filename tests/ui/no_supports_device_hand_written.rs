use modules::prelude::*;

struct Custom;

impl Module for Custom {
    fn type_name(&self) -> &str {
        "Custom"
    }
    fn visit<'a>(&'a self, _: &mut dyn modules::Visitor<'a>) {}
}

fn main() {
    let _ = skip_init!(Custom, 3);
}
