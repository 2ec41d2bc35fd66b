//! [`SingleArg`]: the argument builder of a hand-written module whose arguments are one value.

use super::arguments::{Finish, Given, NotGiven, Positional};
use super::into_arg::TooManyPositionalArguments;

/// The argument builder of a hand-written [`SupportsDevice`](crate::SupportsDevice) whose `Args` is one value:
/// `skip_init!(M, value)` sets it, and leaving it out is a compile error naming it.
///
/// ```
/// use modules_core::SingleArg;
/// let b: SingleArg<usize> = Default::default();
/// let _ = b;
/// ```
pub struct SingleArg<A, S = NotGiven>(S, std::marker::PhantomData<A>);

impl<A> Default for SingleArg<A> {
    fn default() -> Self {
        SingleArg(NotGiven, std::marker::PhantomData)
    }
}

impl<A> Positional for SingleArg<A, NotGiven> {
    type Value = A;
    type Next = SingleArg<A, Given<A>>;
    fn push(self, value: A) -> SingleArg<A, Given<A>> {
        SingleArg(Given(value), std::marker::PhantomData)
    }
}

impl<A> Positional for SingleArg<A, Given<A>> {
    type Value = TooManyPositionalArguments;
    type Next = Self;
    fn push(self, value: Self::Value) -> Self {
        match value {}
    }
}

impl<A, S> SingleArg<A, S> {
    /// The argument, once given (a compile error before).
    pub fn finish(self) -> A
    where
        S: SingleArgGiven<A>,
    {
        self.0.value()
    }

    /// What `skip_init!` calls last (see `__private::FinishAny`).
    #[doc(hidden)]
    pub fn __finish(self) -> A
    where
        S: SingleArgGiven<A>,
    {
        self.finish()
    }
}

/// A [`SingleArg`]'s one argument, given before `finish`.
#[diagnostic::on_unimplemented(
    message = "missing the required argument",
    label = "this module takes one argument, and it was not given",
    note = "pass it positionally: `skip_init!(Type, value)`"
)]
pub trait SingleArgGiven<T> {
    /// The value.
    fn value(self) -> T;
}
#[diagnostic::do_not_recommend]
impl<T> SingleArgGiven<T> for Given<T> {
    fn value(self) -> T {
        self.0
    }
}

#[diagnostic::do_not_recommend]
impl<A, S: SingleArgGiven<A>> Finish<A> for SingleArg<A, S> {
    fn finish(self) -> A {
        SingleArg::finish(self)
    }
}
