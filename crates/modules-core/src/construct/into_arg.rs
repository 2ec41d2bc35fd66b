//! [`IntoArg`]: how a keyword's or `new`'s value becomes a declared argument, and the type no
//! value becomes.

/// How a value becomes a constructor argument of type `T` when it is given by keyword or to a
/// generated `new`: itself, or a declared conversion (a convolution's `kernel_size: Size<2>`
/// takes `3` and `[3, 5]`). Positional arguments of `skip_init!`/`new!` take exactly the
/// declared type (`3.into()` there), which keeps "too many" and "wrong type" to one error each.
///
/// Implement it for your own argument types; don't add conversions *to* primitive types
/// (`IntoArg<usize> for u32`): integer literals rely on the identity being the only one.
///
/// ```
/// use modules_core::IntoArg;
/// struct Pair([usize; 2]);
/// impl IntoArg<Pair> for usize {
///     fn into_arg(self) -> Pair { Pair([self, self]) }
/// }
/// fn takes<V: IntoArg<Pair>>(v: V) -> Pair { v.into_arg() }
/// assert_eq!(takes(3).0, [3, 3]);
/// assert_eq!(IntoArg::<usize>::into_arg(5), 5usize);
/// ```
#[diagnostic::on_unimplemented(
    message = "expected a constructor argument of type `{T}`, found `{Self}`",
    label = "expected `{T}`",
    note = "an argument converts from `{Self}` only where `{Self}: IntoArg<{T}>`"
)]
pub trait IntoArg<T> {
    /// Converts a keyword's or `new`'s value into the declared type.
    fn into_arg(self) -> T;
}

impl<T> IntoArg<T> for T {
    fn into_arg(self) -> T {
        self
    }
}

/// The type of the position after the last argument of a hand-written builder
/// ([`SingleArg`](crate::SingleArg)): no value converts to it, so one positional too many is one error at that
/// value ("expected a constructor argument of type `TooManyPositionalArguments`"). Derived
/// builders say it in their own words instead: "`Linear` takes 3 positional arguments
/// (`in_features`, `out_features`, `bias`) but 4 were given".
/// ```compile_fail
/// use modules_core::TooManyPositionalArguments;
/// let _: TooManyPositionalArguments = 3; // nothing converts to it
/// ```
#[derive(Debug)]
pub enum TooManyPositionalArguments {}
