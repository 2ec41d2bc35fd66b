//! What a field of a module can be. Field kinds are decided by this trait, not by type names:
//! the derive calls `Part::visit_part` on every field that is not skipped.

use super::visit::{Module, Visitor};
use crate::{Buffer, Parameter};

/// A field of a module: a [`Parameter`], a [`Buffer`], a child [`Module`], or an
/// `Option`, `Vec`, array or `Box` of those.
///
/// ```
/// use modules_core::{Part, Parameter};
/// fn is_part<T: Part>() {}
/// is_part::<Option<Parameter>>();
/// is_part::<Vec<Parameter>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a part of a module",
    label = "not a `Parameter`, `Buffer`, module, or an `Option`/`Vec`/array/`Box` of those",
    note = "mark plain data with `#[module(skip)]`, or with `#[module(config = expr)]` to show it in the module's repr"
)]
pub trait Part {
    /// Shows this field, named `name`, to the visitor.
    fn visit_part<'a>(&'a self, name: &str, v: &mut dyn Visitor<'a>);
}

impl Part for Parameter {
    fn visit_part<'a>(&'a self, name: &str, v: &mut dyn Visitor<'a>) {
        v.parameter(name, self)
    }
}

impl Part for Buffer {
    fn visit_part<'a>(&'a self, name: &str, v: &mut dyn Visitor<'a>) {
        v.buffer(name, self)
    }
}

/// Absent parts are not registered at all (PyTorch's `None` parameters are left out of
/// names and state dicts too).
impl<T: Part> Part for Option<T> {
    fn visit_part<'a>(&'a self, name: &str, v: &mut dyn Visitor<'a>) {
        if let Some(x) = self {
            x.visit_part(name, v)
        }
    }
}

#[diagnostic::do_not_recommend]
impl<M: Module> Part for M {
    fn visit_part<'a>(&'a self, name: &str, v: &mut dyn Visitor<'a>) {
        v.module(name, self)
    }
}

/// A list of parts is a child module whose members are named `0`, `1`, ... — PyTorch's
/// `ModuleList` (or `ParameterList` when it holds parameters): a `Vec` or an array.
macro_rules! list_module {
    ($($ty:ty => [$($generics:tt)*]),*) => {$(
        impl<$($generics)*> Module for $ty {
            fn type_name(&self) -> &str {
                list_type_name(self)
            }
            fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
                visit_list(self, v)
            }
            fn groups_repeated_children(&self) -> bool {
                true
            }
        }
    )*};
}

list_module!(Vec<T> => [T: Part], [T; N] => [T: Part, const N: usize]);

fn visit_list<'a, T: Part>(items: &'a [T], v: &mut dyn Visitor<'a>) {
    // A 70B model's list indices are formatted for every walk (hundreds a dry run): itoa, not
    // `fmt`.
    let mut name = itoa::Buffer::new();
    for (i, x) in items.iter().enumerate() {
        x.visit_part(name.format(i), v);
    }
}

fn list_type_name<T: Part>(items: &[T]) -> &'static str {
    struct HasParameter(bool);
    impl<'a> Visitor<'a> for HasParameter {
        fn parameter(&mut self, _: &str, _: &'a Parameter) {
            self.0 = true;
        }
        fn buffer(&mut self, _: &str, _: &'a Buffer) {}
        fn module(&mut self, _: &str, _: &'a dyn Module) {}
    }
    let mut probe = HasParameter(false);
    if let Some(first) = items.first() {
        first.visit_part("0", &mut probe);
    }
    if probe.0 {
        "ParameterList"
    } else {
        "ModuleList"
    }
}
