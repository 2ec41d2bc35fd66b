//! Device-aware construction: the [`SupportsDevice`] marker, [`skip_init`], and the pieces
//! the derive's generated constructors are made of.

#![forbid(unsafe_code)]

use crate::tensor::IntoShape;
use crate::{
    Buffer, DType, Device, Error, Initializer, Module, ModuleExt, Parameter, Result, Tensor, TensorOptions,
};

/// A module that can be built on any device and dtype from its constructor arguments.
///
/// `#[derive(Module)]` with `#[module(new(...))]` implements it: construction is declarative
/// (allocate, then run the declared init), so on the meta device it allocates nothing and
/// runs nothing, by construction. A hand-written implementation is allowed; [`skip_init`]
/// then checks after construction that nothing was allocated off meta.
///
/// A hand-written implementation (the derive writes these for you):
///
/// ```
/// use modules_core::{skip_init, Device, Module, Parameter, Part, Result, SupportsDevice, Tensor, TensorOptions, Visitor};
///
/// struct Scale { w: Parameter }
/// impl Module for Scale {
///     fn type_name(&self) -> &str { "Scale" }
///     fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) { self.w.visit_part("w", v) }
/// }
/// impl SupportsDevice for Scale {
///     type Args = usize;
///     type Builder = modules_core::SingleArg<usize>;
///     fn args() -> Self::Builder { Default::default() }
///     fn construct(n: usize, options: &TensorOptions) -> Result<Self> {
///         Ok(Scale { w: Parameter::new(Tensor::ones([n], *options)?) }) // honours the device
///     }
/// }
///
/// // Generic code builds any such module.
/// fn build_any<M: SupportsDevice>(args: M::Args) -> Result<M> {
///     skip_init::<M>(args, Device::Cpu)
/// }
/// let s: Scale = build_any(3).unwrap();
/// assert_eq!(s.w.shape(), vec![3]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be built on a device: it does not implement `SupportsDevice`",
    label = "`{Self}` has no device-aware constructor",
    note = "declare its constructor with `#[module(new(arg: Type, ...))]` on its `#[derive(Module)]`, \
            or implement `modules::SupportsDevice` for it by hand"
)]
pub trait SupportsDevice: Module + Sized {
    /// The constructor's arguments, all resolved (defaults filled in).
    type Args;
    /// The argument builder with nothing set, which `skip_init!` fills positionally and by keyword.
    type Builder;

    /// `true` when construction only allocates and runs declared inits (the derive's
    /// constructors), so `skip_init` need not check a meta construction.
    const DECLARATIVE: bool = false;

    /// The type's name and its arguments' names, which `skip_init!` checks a keyword against
    /// while type-checking ("`Linear` has no argument `biass`; did you mean `bias`?"). The
    /// derive fills it in; a hand-written impl may leave it, and its keywords go unchecked.
    #[doc(hidden)]
    const ARGUMENTS: __private_0_1::ArgumentTable = __private_0_1::ArgumentTable::UNKNOWN;

    /// The empty argument builder.
    fn args() -> Self::Builder;

    /// Builds the module with every parameter and buffer on `options.device` (floating-point
    /// ones in `options.dtype`), initialized as declared — except on meta, where nothing is
    /// allocated or initialized.
    fn construct(args: Self::Args, options: &TensorOptions) -> Result<Self>;
}

/// Builds a module whose parameters and buffers are allocated on `options.device` but not
/// initialized: `torch.nn.utils.skip_init`. It constructs on meta (no memory, no init),
/// then `to_empty(device)`. `device` defaults to cpu and `dtype` to f32.
///
/// With the derive, through the facade crate:
///
/// ```text
/// let m: Linear = skip_init::<Linear>(Linear::args().in_features(5).out_features(1).finish(), Cpu)?;
/// let m = skip_init!(Linear, 5, 1)?; // the same, with compile-time argument checking
/// ```
pub fn skip_init<M: SupportsDevice>(args: M::Args, options: impl Into<TensorOptions>) -> Result<M> {
    let options = options.into();
    let mut m = M::construct(args, &options.device(Device::Meta))?;
    if !M::DECLARATIVE {
        check_all_meta::<M>(&m)?;
    }
    if options.device != Device::Meta {
        m.to_empty(options.device)?;
    }
    Ok(m)
}

fn check_all_meta<M: Module>(m: &M) -> Result<()> {
    let params = m.named_parameters().into_iter().map(|(n, p)| (n, p.device()));
    let buffers = m.named_buffers().into_iter().map(|(n, b)| (n, b.device()));
    for (name, device) in params.chain(buffers) {
        if device != Device::Meta {
            return Err(Error::NotOnMeta {
                module: std::any::type_name::<M>(),
                tensor: name,
                found: device,
            });
        }
    }
    Ok(())
}

/// The argument builder of a hand-written [`SupportsDevice`] whose `Args` is one value:
/// `skip_init!(M, value)` sets it, and leaving it out is a compile error naming it.
///
/// ```
/// use modules_core::SingleArg;
/// let b: SingleArg<usize> = Default::default();
/// let _ = b;
/// ```
pub struct SingleArg<A, S = arguments::NotGiven>(S, std::marker::PhantomData<A>);

impl<A> Default for SingleArg<A> {
    fn default() -> Self {
        SingleArg(arguments::NotGiven, std::marker::PhantomData)
    }
}

impl<A> arguments::Positional for SingleArg<A, arguments::NotGiven> {
    type Value = A;
    type Next = SingleArg<A, arguments::Given<A>>;
    fn push(self, value: A) -> SingleArg<A, arguments::Given<A>> {
        SingleArg(arguments::Given(value), std::marker::PhantomData)
    }
}

impl<A> arguments::Positional for SingleArg<A, arguments::Given<A>> {
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
        S: __private_0_1::SingleArgGiven<A>,
    {
        self.0.value()
    }

    /// What `skip_init!` calls last (see `__private::FinishAny`).
    #[doc(hidden)]
    pub fn __finish(self) -> A
    where
        S: __private_0_1::SingleArgGiven<A>,
    {
        self.finish()
    }
}

impl Parameter {
    /// A parameter as `#[module(param = [...], init = ...)]` declares it: allocated on
    /// `options.device` in `options.dtype` and initialized by `init` (not on meta), which
    /// `reset_parameters` runs again. For hand-written constructors.
    ///
    /// ```
    /// use modules_core::{init, Device, Parameter, TensorOptions};
    /// let p = Parameter::declared([4, 2], init::ones(), &TensorOptions::from(Device::Cpu)).unwrap();
    /// assert_eq!(p.tensor().to_vec::<f32>().unwrap(), [1.0; 8]);
    /// ```
    pub fn declared<I: Initializer + 'static>(
        shape: impl IntoShape,
        init: I,
        options: &TensorOptions,
    ) -> Result<Parameter> {
        let t = declared_tensor(shape, *options, &init)?;
        Ok(Parameter::with_init(t, init))
    }
}

impl Buffer {
    /// A buffer as `#[module(buffer = [...], init = ...)]` declares it, in `options.dtype`
    /// (pass options with another dtype for an integer buffer).
    ///
    /// ```
    /// use modules_core::{init, Buffer, DType, Device, TensorOptions};
    /// let b = Buffer::declared([], init::zeros(), &TensorOptions::from((Device::Cpu, DType::I64)), true).unwrap();
    /// assert_eq!(b.tensor().to_vec::<i64>().unwrap(), [0]);
    /// ```
    pub fn declared<I: Initializer + 'static>(
        shape: impl IntoShape,
        init: I,
        options: &TensorOptions,
        persistent: bool,
    ) -> Result<Buffer> {
        let t = declared_tensor(shape, *options, &init)?;
        Ok(Buffer::with_init(t, init, persistent))
    }
}

fn declared_tensor<I: Initializer>(
    shape: impl IntoShape,
    options: TensorOptions,
    init: &I,
) -> Result<Tensor> {
    let mut t = Tensor::empty(shape, options)?;
    if options.device != Device::Meta {
        init.initialize(&mut t)?;
    }
    Ok(t)
}

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
/// ([`SingleArg`]): no value converts to it, so one positional too many is one error at that
/// value ("expected a constructor argument of type `TooManyPositionalArguments`"). Derived
/// builders say it in their own words instead: "`Linear` takes 3 positional arguments
/// (`in_features`, `out_features`, `bias`) but 4 were given".
/// ```compile_fail
/// use modules_core::TooManyPositionalArguments;
/// let _: TooManyPositionalArguments = 3; // nothing converts to it
/// ```
#[derive(Debug)]
pub enum TooManyPositionalArguments {}

/// The argument builders' vocabulary: the states their type parameters record (which appear in
/// compile errors: "the trait `out_features_given<usize>` is not implemented for `NotGiven`"),
/// and the two traits `skip_init!`/`new!` call, [`Positional`](arguments::Positional) and
/// [`Finish`](arguments::Finish), which a hand-written [`SupportsDevice`](crate::SupportsDevice) builder implements
/// to take the same argument grammar.
///
/// ```
/// use modules_core::arguments::{Given, NotGiven};
/// let slot: (NotGiven, Given<usize>) = (NotGiven, Given(3));
/// assert_eq!(slot.1 .0, 3);
/// ```
pub mod arguments {
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
        fn push_arg<V: crate::IntoArg<Self::Value>>(self, value: V) -> Self::Next
        where
            Self: Sized,
        {
            self.push(value.into_arg())
        }

        /// What `skip_init!` calls for its positional number `N` (counted from 1 over the
        /// whole call): `push_arg` here; derived builders shadow it with an inherent method
        /// whose errors name the argument.
        #[doc(hidden)]
        fn __positional<const N: usize, V: crate::IntoArg<Self::Value>>(self, value: V) -> Self::Next
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
}

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private_0_1;

mod keyword;
