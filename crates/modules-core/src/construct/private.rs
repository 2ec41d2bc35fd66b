//! Support for generated code. Not public API: names and signatures change with every
//! version, and the version is in the module's name (serde's `__private228`) so that nobody
//! depends on it by accident.

use super::*;

pub use super::keyword::{keyword_known, ArgumentTable, Keyword};
pub use super::single_arg::SingleArgGiven;

/// `__finish` for every builder: what `skip_init!` calls last on a hand-written builder or a
/// generic `M::Builder` (where [`Finish`]'s message then explains). Derived builders and
/// [`SingleArg`] have an inherent `__finish`, found first, whose bounds name a missing
/// argument. The name is its own, so no imported `Finish` makes the call ambiguous.
pub trait FinishAny: Sized {
    /// [`Finish::finish`].
    fn __finish<A>(self) -> A
    where
        Self: Finish<A>,
    {
        Finish::finish(self)
    }
}
impl<T> FinishAny for T {}

/// What `skip_init!` wraps a positional `x.into()` in: `x.into()` names no type of its own,
/// and this, the only `IntoArg` impl of `Exact<_>`, gives it the argument's declared type.
pub struct Exact<T>(pub T);

impl<T> crate::IntoArg<T> for Exact<T> {
    fn into_arg(self) -> T {
        self.0
    }
}

use crate::construct::arguments::Finish;
pub use crate::construct::SupportsDevice;

use crate::construct::arguments::{Given, NotGiven};

/// Optional slots: a value or the default.
pub trait Slot<T> {
    /// The value, if given.
    fn into_option(self) -> Option<T>;
}
impl<T> Slot<T> for NotGiven {
    fn into_option(self) -> Option<T> {
        None
    }
}
impl<T> Slot<T> for Given<T> {
    fn into_option(self) -> Option<T> {
        Some(self.0)
    }
}

/// Maps an `Option<T>` field to `T`, for children declared with `when = ...`.
pub trait OptionField {
    /// `T`.
    type Inner;
}
impl<T> OptionField for Option<T> {
    type Inner = T;
}

/// Maps a `Vec<T>` field to `T`, for children declared with `repeat = ...`.
pub trait VecField {
    /// `T`.
    type Inner;
}
impl<T> VecField for Vec<T> {
    type Inner = T;
}

/// `skip_init!`'s expansion: one bound check on `M`, so a type without
/// `SupportsDevice` gives one error.
pub fn skip_init_with<M, F>(build_args: F, options: TensorOptions) -> Result<M>
where
    M: SupportsDevice,
    F: FnOnce(M::Builder) -> M::Args,
{
    skip_init::<M>(build_args(M::args()), options)
}

/// `new!`'s expansion.
pub fn new_with<M, F>(build_args: F, options: TensorOptions) -> Result<M>
where
    M: SupportsDevice,
    F: FnOnce(M::Builder) -> M::Args,
{
    M::construct(build_args(M::args()), &options)
}

/// A child built with the same argument grammar.
pub fn child<M, F>(build_args: F, options: &TensorOptions) -> Result<M>
where
    M: SupportsDevice,
    F: FnOnce(M::Builder) -> M::Args,
{
    M::construct(build_args(M::args()), options)
}

/// The struct's `validate = ...`: its value must be a `Result<()>`, which a wrong type
/// reports as one "expected `Result<(), Error>`" at the expression.
pub fn validate(result: Result<()>) -> Result<()> {
    result
}

/// A `build = |options| ...` part.
pub fn build_part<T, F>(build: F, options: &TensorOptions) -> Result<T>
where
    F: FnOnce(&TensorOptions) -> Result<T>,
{
    build(options)
}

/// A declared parameter: allocated on the options' device, initialized unless on meta.
pub fn parameter<I: Initializer + 'static>(
    options: &TensorOptions,
    shape: impl IntoShape,
    init: I,
    requires_grad: bool,
) -> Result<Parameter> {
    let p = Parameter::declared(shape, init, options)?;
    p.set_requires_grad(requires_grad);
    Ok(p)
}

/// A declared buffer; `dtype` overrides the options' dtype (integer counters).
pub fn buffer<I: Initializer + 'static>(
    options: &TensorOptions,
    shape: impl IntoShape,
    init: I,
    dtype: Option<DType>,
    persistent: bool,
) -> Result<Buffer> {
    Buffer::declared(
        shape,
        init,
        &options.dtype(dtype.unwrap_or(options.dtype)),
        persistent,
    )
}
