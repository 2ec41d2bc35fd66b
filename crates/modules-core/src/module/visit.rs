//! The [`Module`] trait and its [`Visitor`]: what a type implements to be a module. Every walk
//! of the tree is built on `visit`, in `traverse.rs`, and offered by `ModuleExt`.

use crate::fast_hash::IdSet;
use crate::{Buffer, Parameter, Result, SharedTensor};

/// What a module shows to a traversal: its own parameters, buffers and child modules, in
/// declaration order.
pub trait Visitor<'a> {
    /// An own parameter.
    fn parameter(&mut self, name: &str, p: &'a Parameter);
    /// An own buffer.
    fn buffer(&mut self, name: &str, b: &'a Buffer);
    /// A child module.
    fn module(&mut self, name: &str, m: &'a dyn Module);
}

/// A neural-network module: a tree of named parameters, buffers and child modules.
///
/// Implementations provide [`Module::visit`] (the derive writes it); everything else —
/// names, state dicts, moves between devices, printing — is built on it, as the methods of
/// [`ModuleExt`](super::ModuleExt). The trait is object safe: children may be `Box<dyn Module>`.
///
/// Parameters and buffers are shared slots (see [`Parameter`]), so the moving methods work
/// through `&self` internally; they take `&mut self` to say that they change the module.
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
/// assert_eq!(m.w.device(), Device::Cpu);
/// ```
pub trait Module {
    /// The class name printed by `Display` (`Linear`).
    fn type_name(&self) -> &str;

    /// Visits own parameters, buffers and children in declaration order.
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>);

    /// PyTorch's `extra_repr`: the text inside `Linear(...)`.
    fn extra_repr(&self) -> String {
        String::new()
    }

    /// Whether `Display` groups identical consecutive children (`ModuleList`).
    fn groups_repeated_children(&self) -> bool {
        false
    }

    /// This module's part of a `reset_parameters` pass. The default runs the declared inits of
    /// its own parameters and buffers and its children's passes, in declaration order; a
    /// module whose construction is more than its declarations (layers copied from one
    /// another) overrides it — with the derive, `#[module(reset = path)]`.
    fn reset_in_pass(&self, pass: &mut ResetPass) -> Result<()> {
        reset_members(&|v| self.visit(v), pass)
    }
}

/// A module's `visit`, as a trait object: every walk starts from one, so that the walks are
/// compiled once, not once per module type in every crate that derives one. The walks'
/// callers pass `&|v| self.visit(v)`.
pub(super) type Visit<'r, 'a> = &'r dyn Fn(&mut dyn Visitor<'a>);

/// One `reset_parameters` pass over a tree: remembers the slots already reset, so a tied
/// tensor is initialized once, as it was constructed once.
#[derive(Default)]
pub struct ResetPass {
    seen: IdSet,
}

impl ResetPass {
    /// Whether this is the slot's first visit in the pass (and records it).
    pub fn first_visit(&mut self, s: &SharedTensor) -> bool {
        self.seen.insert(s.slot_id())
    }
}

/// A module's own members in declaration order, children in place through their own
/// [`Module::reset_in_pass`] (so a module that overrides it is honoured inside any parent):
/// the order a derived constructor initializes in.
fn reset_members(m: Visit<'_, '_>, pass: &mut ResetPass) -> Result<()> {
    struct Reset<'p> {
        pass: &'p mut ResetPass,
        result: Result<()>,
    }
    impl Reset<'_> {
        fn slot(&mut self, s: &SharedTensor) {
            if self.result.is_ok() && self.pass.first_visit(s) {
                self.result = s.reinitialize().map(|_| ());
            }
        }
    }
    impl<'a> Visitor<'a> for Reset<'_> {
        fn parameter(&mut self, _: &str, p: &'a Parameter) {
            self.slot(p.shared())
        }
        fn buffer(&mut self, _: &str, b: &'a Buffer) {
            self.slot(b.shared())
        }
        fn module(&mut self, _: &str, child: &'a dyn Module) {
            if self.result.is_ok() {
                self.result = child.reset_in_pass(self.pass);
            }
        }
    }
    let mut r = Reset { pass, result: Ok(()) };
    m(&mut r);
    r.result
}

impl<M: Module + ?Sized> Module for Box<M> {
    fn type_name(&self) -> &str {
        (**self).type_name()
    }
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        (**self).visit(v)
    }
    fn extra_repr(&self) -> String {
        (**self).extra_repr()
    }
    fn groups_repeated_children(&self) -> bool {
        (**self).groups_repeated_children()
    }
    fn reset_in_pass(&self, pass: &mut ResetPass) -> Result<()> {
        (**self).reset_in_pass(pass)
    }
}
