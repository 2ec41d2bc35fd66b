//! Every traversal of a module tree, built on [`Module::visit`]: the walks behind
//! [`ModuleExt`](super::ModuleExt).

use super::visit::{Module, Visit, Visitor};
use crate::fast_hash::IdSet;
use crate::{Buffer, DType, Device, Parameter, Result, SharedTensor, Tensor};

/// A module's own members, in declaration order.
struct Members<'a> {
    params: Vec<(String, &'a Parameter)>,
    buffers: Vec<(String, &'a Buffer)>,
    children: Vec<(String, &'a dyn Module)>,
}

impl<'a> Visitor<'a> for Members<'a> {
    fn parameter(&mut self, name: &str, p: &'a Parameter) {
        self.params.push((name.to_string(), p));
    }
    fn buffer(&mut self, name: &str, b: &'a Buffer) {
        self.buffers.push((name.to_string(), b));
    }
    fn module(&mut self, name: &str, m: &'a dyn Module) {
        self.children.push((name.to_string(), m));
    }
}

fn members<'a>(visit: Visit<'_, 'a>) -> Members<'a> {
    let mut out = Members {
        params: Vec::new(),
        buffers: Vec::new(),
        children: Vec::new(),
    };
    visit(&mut out);
    out
}

fn join(prefix: &str, name: &str) -> String {
    let mut s = prefix.to_string();
    push_name(&mut s, name);
    s
}

/// What a pre-order walk reports: a tensor and its full dotted name.
enum Item<'n, 'a> {
    Param(&'n str, &'a Parameter),
    Buffer(&'n str, &'a Buffer),
}

impl Item<'_, '_> {
    fn name(&self) -> &str {
        match self {
            Item::Param(name, _) | Item::Buffer(name, _) => name,
        }
    }
}

/// Appends `.name` (or `name` at the root) to `path`, returning the length to truncate back to.
fn push_name(path: &mut String, name: &str) -> usize {
    let len = path.len();
    if len > 0 {
        path.push('.');
    }
    path.push_str(name);
    len
}

/// A buffer or child met during a module's visit, reported after its parameters.
enum Later<'a> {
    Buffer(&'a Buffer),
    Child(&'a dyn Module),
}

/// What the walk keeps across the tree: one name buffer for the path, and the buffers and
/// children each module defers, their names copied into `names` (no allocation per member).
struct Walk<'f, 'a> {
    path: String,
    f: &'f mut dyn FnMut(Item<'_, 'a>),
    deferred: Vec<(std::ops::Range<usize>, Later<'a>)>,
    names: String,
}

/// Pre-order walk in one `visit` per module: its own parameters as they come, then its own
/// buffers, then each child (PyTorch's `state_dict` order), the last two deferred to the end
/// of the visit.
fn walk<'a>(visit: Visit<'_, 'a>, w: &mut Walk<'_, 'a>) {
    let (base, names_base) = (w.deferred.len(), w.names.len());
    visit(w);
    let end = w.deferred.len();
    for i in base..end {
        if let (range, Later::Buffer(b)) = &w.deferred[i] {
            let len = push_name(&mut w.path, &w.names[range.clone()]);
            (w.f)(Item::Buffer(&w.path, b));
            w.path.truncate(len);
        }
    }
    for i in base..end {
        if let (range, Later::Child(child)) = &w.deferred[i] {
            let child = *child;
            let len = push_name(&mut w.path, &w.names[range.clone()]);
            walk(&|v| child.visit(v), w);
            w.path.truncate(len);
        }
    }
    w.deferred.truncate(base);
    w.names.truncate(names_base);
}

impl<'a> Visitor<'a> for Walk<'_, 'a> {
    fn parameter(&mut self, name: &str, p: &'a Parameter) {
        let len = push_name(&mut self.path, name);
        (self.f)(Item::Param(&self.path, p));
        self.path.truncate(len);
    }
    fn buffer(&mut self, name: &str, b: &'a Buffer) {
        self.defer(name, Later::Buffer(b));
    }
    fn module(&mut self, name: &str, child: &'a dyn Module) {
        self.defer(name, Later::Child(child));
    }
}

impl<'a> Walk<'_, 'a> {
    fn defer(&mut self, name: &str, later: Later<'a>) {
        let start = self.names.len();
        self.names.push_str(name);
        self.deferred.push((start..self.names.len(), later));
    }
}

fn walk_all<'a>(m: Visit<'_, 'a>, f: &mut dyn FnMut(Item<'_, 'a>)) {
    let mut w = Walk {
        path: String::with_capacity(128),
        f,
        deferred: Vec::new(),
        names: String::new(),
    };
    walk(m, &mut w)
}

/// [`walk_all`], each tied parameter or shared buffer once: the first name in traversal order
/// wins, as PyTorch's `remove_duplicate=True`.
fn walk_distinct<'a>(m: Visit<'_, 'a>, f: &mut dyn FnMut(Item<'_, 'a>)) {
    let mut seen = IdSet::default();
    walk_all(m, &mut |item| {
        let id = match &item {
            Item::Param(_, p) => p.slot_id(),
            Item::Buffer(_, b) => b.slot_id(),
        };
        if seen.insert(id) {
            f(item)
        }
    });
}

/// Every distinct tensor that `pick` keeps, under its full name.
fn distinct_named<'a, T>(m: Visit<'_, 'a>, pick: fn(&Item<'_, 'a>) -> Option<&'a T>) -> Vec<(String, &'a T)> {
    let mut out = Vec::new();
    walk_distinct(m, &mut |item| {
        if let Some(t) = pick(&item) {
            out.push((item.name().to_string(), t));
        }
    });
    out
}

pub(super) fn named_parameters<'a>(m: Visit<'_, 'a>) -> Vec<(String, &'a Parameter)> {
    distinct_named(m, |item| match *item {
        Item::Param(_, p) => Some(p),
        Item::Buffer(..) => None,
    })
}

/// Parameter elements, tied ones once; no names are built.
pub(super) fn num_parameters(m: Visit<'_, '_>) -> usize {
    let mut total = 0;
    walk_distinct(m, &mut |item| {
        if let Item::Param(_, p) = item {
            total += p.numel();
        }
    });
    total
}

pub(super) fn named_buffers<'a>(m: Visit<'_, 'a>) -> Vec<(String, &'a Buffer)> {
    distinct_named(m, |item| match *item {
        Item::Buffer(_, b) => Some(b),
        Item::Param(..) => None,
    })
}

pub(super) fn children<'a>(m: Visit<'_, 'a>) -> Vec<(String, &'a dyn Module)> {
    members(m).children
}

pub(super) fn named_modules<M: Module>(m: &M) -> Vec<(String, &dyn Module)> {
    fn rec<'a>(m: &'a dyn Module, prefix: String, out: &mut Vec<(String, &'a dyn Module)>) {
        let kids = members(&|v| m.visit(v)).children;
        out.push((prefix.clone(), m));
        for (name, child) in kids {
            rec(child, join(&prefix, &name), out);
        }
    }
    let mut out = Vec::new();
    rec(m, String::new(), &mut out);
    out
}

/// The tensors of a module by name, in PyTorch's `state_dict` order. The entries share the
/// module's slots (no data is copied), like PyTorch's detached aliases.
///
/// ```
/// use modules_core::{Device, Module, ModuleExt, Parameter, Part, Tensor, Visitor};
/// struct M { w: Parameter }
/// impl Module for M {
///     fn type_name(&self) -> &str { "M" }
///     fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) { self.w.visit_part("w", v) }
/// }
/// let m = M { w: Parameter::new(Tensor::zeros([2], Device::Cpu).unwrap()) };
/// let sd = m.state_dict();
/// assert_eq!(sd.keys().collect::<Vec<_>>(), ["w"]);
/// assert_eq!(sd.get("w").unwrap().shape(), vec![2]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct StateDict {
    entries: Vec<(String, SharedTensor)>,
}

impl StateDict {
    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Adds `tensor` under `key`, replacing an entry of that key (which keeps its place).
    pub fn insert(&mut self, key: impl Into<String>, tensor: SharedTensor) {
        let key = key.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(e) => e.1 = tensor,
            None => self.entries.push((key, tensor)),
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SharedTensor)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The tensor stored under `key`.
    pub fn get(&self, key: &str) -> Option<&SharedTensor> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

pub(super) fn state_dict(m: Visit<'_, '_>) -> StateDict {
    let mut entries = Vec::new();
    walk_all(m, &mut |item| match item {
        Item::Param(name, p) => entries.push((name.to_string(), p.shared().clone())),
        Item::Buffer(name, b) if b.persistent() => entries.push((name.to_string(), b.shared().clone())),
        Item::Buffer(..) => {}
    });
    StateDict { entries }
}

/// Every distinct slot of the tree (parameters and buffers), tied ones once.
fn slots<'a>(m: Visit<'_, 'a>) -> Vec<&'a SharedTensor> {
    let mut out = Vec::new();
    walk_distinct(m, &mut |item| {
        out.push(match item {
            Item::Param(_, p) => p.shared(),
            Item::Buffer(_, b) => b.shared(),
        })
    });
    out
}

/// Computes every replacement first, then swaps them all in: a failure leaves the module as it was.
/// `written` says whether the new tensors hold values (`to`) or not (`to_empty`).
fn replace_all(slots: &[&SharedTensor], new: Vec<Tensor>, written: Option<bool>) {
    for (slot, t) in slots.iter().zip(new) {
        let w = written.unwrap_or_else(|| slot.is_written());
        slot.swap_in(t, w);
    }
}

pub(super) fn to_empty(m: Visit<'_, '_>, device: Device) -> Result<()> {
    let slots = slots(m);
    let shapes: Vec<(Vec<usize>, DType)> = slots.iter().map(|s| (s.shape(), s.dtype())).collect();
    let specs: Vec<(&[usize], DType)> = shapes.iter().map(|(s, d)| (s.as_slice(), *d)).collect();
    let new = Tensor::empty_many(&specs, device)?;
    replace_all(&slots, new, Some(false));
    Ok(())
}

/// [`replace_all`] with each slot's tensor converted by `convert`, values kept.
fn convert_all(slots: &[&SharedTensor], convert: impl Fn(&SharedTensor) -> Result<Tensor>) -> Result<()> {
    let new = slots.iter().map(|s| convert(s)).collect::<Result<Vec<_>>>()?;
    replace_all(slots, new, None);
    Ok(())
}

pub(super) fn to_device(m: Visit<'_, '_>, device: Device) -> Result<()> {
    convert_all(&slots(m), |s| s.tensor().to(device))
}

pub(super) fn to_dtype(m: Visit<'_, '_>, dtype: DType) -> Result<()> {
    let floats: Vec<&SharedTensor> = slots(m).into_iter().filter(|s| s.dtype().is_float()).collect();
    convert_all(&floats, |s| s.tensor().to_dtype(dtype))
}

/// One name of a tensor in the tree: tied tensors appear once per name, in walk order.
pub(crate) struct NamedSlot<'a> {
    pub name: String,
    pub slot: &'a SharedTensor,
    /// `false` only for non-persistent buffers, which state dicts leave out.
    pub persistent: bool,
    /// A parameter (not a buffer).
    pub parameter: bool,
}

/// Every parameter and buffer under each of its names, in `state_dict` order.
pub(crate) fn named_slots<M: Module + ?Sized>(m: &M) -> Vec<NamedSlot<'_>> {
    slots_by_name(&|v| m.visit(v))
}

fn slots_by_name<'a>(m: Visit<'_, 'a>) -> Vec<NamedSlot<'a>> {
    let mut out = Vec::new();
    walk_all(m, &mut |item| {
        let (name, slot, persistent, parameter) = match item {
            Item::Param(name, p) => (name, p.shared(), true, true),
            Item::Buffer(name, b) => (name, b.shared(), b.persistent(), false),
        };
        out.push(NamedSlot {
            name: name.to_string(),
            slot,
            persistent,
            parameter,
        });
    });
    out
}
