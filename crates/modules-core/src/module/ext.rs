//! [`ModuleExt`]: every walk of a module tree, for any [`Module`].

use super::traverse::{self, StateDict};
use super::visit::{Module, ResetPass};
use crate::{Buffer, DType, Device, Parameter, Result};

/// What every [`Module`] can do, built on its `visit`: names, state dicts, moves between
/// devices and dtypes, re-initialization. Implemented for every module (it cannot be
/// implemented by hand); in scope through `modules::prelude::*`, or import it by name.
///
/// ```
/// use modules_core::{Device, Module, ModuleExt, Parameter, Part, Tensor, Visitor};
///
/// struct Scale { w: Parameter }
/// impl Module for Scale {
///     fn type_name(&self) -> &str { "Scale" }
///     fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) { self.w.visit_part("w", v) }
/// }
///
/// let mut m = Scale { w: Parameter::new(Tensor::empty([3], Device::Meta).unwrap()) };
/// assert_eq!(m.num_parameters(), 3);
/// m.to_empty(Device::Cpu).unwrap();
/// assert_eq!(m.named_parameters()[0].0, "w");
/// ```
pub trait ModuleExt: Module {
    /// `(name, parameter)` for every parameter of the tree, each tied parameter once (the
    /// first name in traversal order wins, as PyTorch's `remove_duplicate=True`).
    fn named_parameters(&self) -> Vec<(String, &Parameter)> {
        traverse::named_parameters(&|v| self.visit(v))
    }

    /// Every parameter, tied ones once.
    fn parameters(&self) -> Vec<&Parameter> {
        self.named_parameters().into_iter().map(|(_, p)| p).collect()
    }

    /// `(name, buffer)` for every buffer of the tree, shared ones once.
    fn named_buffers(&self) -> Vec<(String, &Buffer)> {
        traverse::named_buffers(&|v| self.visit(v))
    }

    /// `(name, module)` for this module (named `""`) and every module below it, pre-order.
    fn named_modules(&self) -> Vec<(String, &dyn Module)>
    where
        Self: Sized,
    {
        traverse::named_modules(self)
    }

    /// `(name, child)` for the direct children.
    fn children(&self) -> Vec<(String, &dyn Module)> {
        traverse::children(&|v| self.visit(v))
    }

    /// Number of parameter elements, tied ones once. Works on meta; allocates nothing.
    fn num_parameters(&self) -> usize {
        traverse::num_parameters(&|v| self.visit(v))
    }

    /// Every parameter and persistent buffer by name, in PyTorch's order (own parameters,
    /// own buffers, then children), tied tensors under each of their names.
    fn state_dict(&self) -> StateDict {
        traverse::state_dict(&|v| self.visit(v))
    }

    /// Moves every parameter and buffer to `device` without initializing them
    /// (`Module.to_empty`): shapes, dtypes, `requires_grad`, persistence and ties are kept.
    /// On the CPU the whole module is one allocation of zero pages. All or nothing: on error
    /// the module is unchanged.
    fn to_empty(&mut self, device: Device) -> Result<()> {
        traverse::to_empty(&|v| self.visit(v), device)
    }

    /// Copies every parameter and buffer to `device` (`Module.to`). From meta this is an error
    /// with PyTorch's hint to use `to_empty`. All or nothing.
    fn to(&mut self, device: Device) -> Result<()> {
        traverse::to_device(&|v| self.visit(v), device)
    }

    /// Converts every floating-point parameter and buffer to `dtype`; integer buffers
    /// (`num_batches_tracked`) keep theirs, as in PyTorch. All or nothing.
    fn to_dtype(&mut self, dtype: DType) -> Result<()> {
        traverse::to_dtype(&|v| self.visit(v), dtype)
    }

    /// Runs every declared initialization again, in construction order, so that a module
    /// built with `skip_init!` and then reset equals one built with `new` from the same seed.
    fn reset_parameters(&mut self) -> Result<()> {
        self.reset_in_pass(&mut ResetPass::default())
    }

    /// [`ModuleExt::reset_parameters`] drawing from `generator` instead of the default generator,
    /// which is left alone (no global state, no lock): the same generator state gives the same
    /// values.
    ///
    /// ```
    /// use modules_core::rng::Generator;
    /// use modules_core::{init, Device, Module, ModuleExt, Parameter, Part, Visitor};
    /// struct M { w: Parameter }
    /// impl Module for M {
    ///     fn type_name(&self) -> &str { "M" }
    ///     fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) { self.w.visit_part("w", v) }
    /// }
    /// let opts = Device::Cpu.into();
    /// let mut m = M { w: Parameter::declared([3], init::normal(0.0, 1.0), &opts).unwrap() };
    /// m.reset_parameters_with(&mut Generator::new(4)).unwrap();
    /// let a = m.w.tensor().to_vec::<f32>().unwrap();
    /// m.reset_parameters_with(&mut Generator::new(4)).unwrap();
    /// assert_eq!(a, m.w.tensor().to_vec::<f32>().unwrap());
    /// ```
    fn reset_parameters_with(&mut self, generator: &mut crate::rng::Generator) -> Result<()>
    where
        Self: Sized,
    {
        crate::rng::with_generator(generator, || self.reset_parameters())
    }
}

impl<M: Module + ?Sized> ModuleExt for M {}
