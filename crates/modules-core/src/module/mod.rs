//! The [`Module`] trait, which a type implements (`visit`), and [`ModuleExt`], every walk of
//! the tree built on it.
//!
//! The files depend one way: `visit` (the trait) ← `traverse` (the walks) ← `ext` (the walks
//! as methods); `copy`, `parts` and `repr` build on `visit` alone.

#![forbid(unsafe_code)]

mod copy;
mod ext;
mod parts;
mod repr;
mod traverse;
mod visit;

pub use copy::copy_values;
pub use ext::ModuleExt;
pub use parts::Part;
pub use repr::module_repr;
pub use traverse::StateDict;
pub(crate) use traverse::{named_slots, NamedSlot};
pub use visit::{Module, ResetPass, Visitor};
