//! The argument builders' vocabulary: the states their type parameters record (which appear in
//! compile errors: "the trait `out_features_given<usize>` is not implemented for `NotGiven`"),
//! and the two traits `skip_init!`/`new!` call, [`Positional`] and
//! [`Finish`], which a hand-written [`SupportsDevice`](crate::SupportsDevice) builder implements
//! to take the same argument grammar.
//!
//! ```
//! use modules_core::arguments::{Given, NotGiven};
//! let slot: (NotGiven, Given<usize>) = (NotGiven, Given(3));
//! assert_eq!(slot.1 .0, 3);
//! ```

use super::into_arg::IntoArg;

/// An argument not given yet.
#[derive(Clone, Copy, Debug, Default)]
pub struct NotGiven;

/// A given argument and its value.
#[derive(Clone, Copy, Debug)]
pub struct Given<T>(pub T);

/// How many positional arguments were given so far.
#[derive(Clone, Copy, Debug, Default)]
pub struct Position<const N: usize>;

/// The next positional argument goes to the next declared parameter.
#[diagnostic::on_unimplemented(
    message = "too many positional arguments",
    label = "no constructor argument is left for this value",
    note = "the constructor's arguments are declared in `#[module(new(...))]` on the module"
)]
pub trait Positional {
    /// The type of the argument at this position.
    type Value;
    /// The builder after it is set.
    type Next;
    /// Sets it.
    fn push(self, value: Self::Value) -> Self::Next;

    /// Sets it from anything that converts to its declared type, as a keyword does
    /// (`skip_init!(Conv2d, 3, 8, 3)`): a value that does not convert is one error naming
    /// the type (`TooManyPositionalArguments` past the last position).
    fn push_arg<V: IntoArg<Self::Value>>(self, value: V) -> Self::Next
    where
        Self: Sized,
    {
        self.push(value.into_arg())
    }

    /// What `skip_init!` calls for its positional number `N` (counted from 1 over the
    /// whole call): `push_arg` here; derived builders shadow it with an inherent method
    /// whose errors name the argument.
    #[doc(hidden)]
    fn __positional<const N: usize, V: IntoArg<Self::Value>>(self, value: V) -> Self::Next
    where
        Self: Sized,
    {
        self.push_arg(value)
    }
}

/// The last step of `skip_init!`/`new!`: the arguments, once every required one is given.
/// Derived builders implement it under the same bounds as their `finish`, so a missing
/// argument is still that argument's error. A generic module type `M` has no known
/// builder, and this trait's message says what to write instead.
#[diagnostic::on_unimplemented(
    message = "`skip_init!` and `new!` cannot fill in the arguments of a generic module type",
    label = "the arguments of this type are not known here",
    note = "in generic code, take the arguments from the caller (`args: M::Args`) and call \
            `skip_init::<M>(args, options)` (the function) or `<M as SupportsDevice>::construct(args, &options)`"
)]
pub trait Finish<Args> {
    /// Fills in the defaults.
    fn finish(self) -> Args;
}
