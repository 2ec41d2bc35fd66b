//! What every file of the zoo imports: the core's names and the derive. Never a sibling, so no
//! zoo file reaches another through the prelude (which re-exports the zoo); a file that builds
//! on a sibling names it (`super::linear::Linear`).

pub(crate) use modules_core::{
    init, Buffer, DType::*, Device::*, Error, IntoArg, Module, ModuleExt, Parameter, ResetPass, Result,
    SupportsDevice, TensorOptions,
};
pub(crate) use modules_derive::Module;
