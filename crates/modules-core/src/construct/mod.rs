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
    const ARGUMENTS: keyword::ArgumentTable = keyword::ArgumentTable::UNKNOWN;

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

pub mod arguments;
mod into_arg;
mod single_arg;

pub use into_arg::{IntoArg, TooManyPositionalArguments};
pub use single_arg::SingleArg;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private_0_1;

mod keyword;
