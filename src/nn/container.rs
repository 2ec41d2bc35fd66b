//! `nn.Sequential` and `nn.ModuleDict`. (`nn.ModuleList` is `Vec<T>`: a field
//! `Vec<Linear>` or `Vec<Box<dyn Module>>` is a child named `0`, `1`, ... that prints with
//! PyTorch's grouping, `(0-2): 3 x Linear(...)`.)
//!
//! Containers hold `Box<dyn Module>`. To build one on a device — and so with `skip_init!` —
//! give it builders instead of modules: a [`ModuleBuilder`] is a boxed closure from the
//! construction options to a module, and [`layer!`](crate::layer) writes one with the
//! argument grammar of `new!`. The container builds each in order with the options it is
//! given (meta under `skip_init!`, then allocates them all at once). As for any hand-written
//! `SupportsDevice`, `skip_init` checks after the meta construction that a builder did not
//! allocate off meta, and names the tensor if one did.

use std::fmt;

use super::base::*;

/// Builds one member of a container on the options it is given. Write one with
/// [`layer!`](crate::layer), or by hand for a module built some other way.
///
/// ```
/// use modules::prelude::*;
/// let by_hand: ModuleBuilder = Box::new(|o: &TensorOptions| -> Result<Box<dyn Module>, Error> {
///     Ok(Box::new(Linear::new(2, 3, *o)?)) // honour the options: skip_init builds on meta
/// });
/// let seq = skip_init!(Sequential, vec![by_hand, modules::layer!(Relu)], device = Meta)?;
/// assert_eq!(seq.num_parameters(), 9);
/// # Ok::<(), modules::Error>(())
/// ```
pub type ModuleBuilder = Box<dyn FnOnce(&TensorOptions) -> Result<Box<dyn Module>, Error>>;

/// Modules in a row, named `0`, `1`, ... (`nn.Sequential`). Prints like PyTorch: every child
/// on its own line, no grouping of identical ones (that is `ModuleList`'s).
///
/// Build it from modules ([`Sequential::from_modules`], [`Sequential::push`]) or, to choose
/// the device and to use `skip_init!`, from [`ModuleBuilder`]s.
///
/// ```
/// use modules::prelude::*;
/// let inner = Sequential::from_modules(vec![Box::new(Relu::new(Cpu)?), Box::new(Linear::new(2, 2, Cpu)?)]);
/// let mut seq = Sequential::new();
/// seq.push(Linear::new(1, 2, Cpu)?).push(inner).push(Dropout::new(Cpu)?);
/// assert_eq!(seq.to_string(), "\
/// Sequential(
///   (0): Linear(in_features=1, out_features=2, bias=True)
///   (1): Sequential(
///     (0): ReLU()
///     (1): Linear(in_features=2, out_features=2, bias=True)
///   )
///   (2): Dropout(p=0.5, inplace=False)
/// )");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Default)]
pub struct Sequential {
    modules: Vec<Box<dyn Module>>,
}

impl Sequential {
    /// An empty `Sequential()`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The modules, in order.
    pub fn from_modules(modules: Vec<Box<dyn Module>>) -> Self {
        Sequential { modules }
    }

    /// Appends a module (named by its index).
    pub fn push(&mut self, m: impl Module + 'static) -> &mut Self {
        self.modules.push(Box::new(m));
        self
    }

    /// The module at `index`.
    pub fn get(&self, index: usize) -> Option<&dyn Module> {
        self.modules.get(index).map(|m| &**m)
    }

    /// Number of modules.
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// The modules, in order.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Module> {
        self.modules.iter().map(|m| &**m)
    }
}

impl Module for Sequential {
    fn type_name(&self) -> &str {
        "Sequential"
    }
    fn visit<'a>(&'a self, v: &mut dyn modules::Visitor<'a>) {
        for (i, m) in self.modules.iter().enumerate() {
            v.module(&i.to_string(), &**m);
        }
    }
}

/// Builds each member with the options given, in order.
#[diagnostic::do_not_recommend]
impl SupportsDevice for Sequential {
    type Args = Vec<ModuleBuilder>;
    type Builder = modules::SingleArg<Vec<ModuleBuilder>>;
    fn args() -> Self::Builder {
        Default::default()
    }
    fn construct(builders: Vec<ModuleBuilder>, options: &TensorOptions) -> Result<Self, Error> {
        let modules = builders
            .into_iter()
            .map(|b| b(options))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Sequential { modules })
    }
}

/// Modules by name, in insertion order (`nn.ModuleDict`). Inserting an existing key replaces
/// the module in place, as a Python dict does. Keys must be non-empty and contain no `.`.
///
/// ```
/// use modules::prelude::*;
/// let d = skip_init!(ModuleDict, vec![
///     ("proj".to_string(), modules::layer!(Linear, 4, 4)),
///     ("act".to_string(), modules::layer!(Relu)),
/// ], device = Meta)?;
/// let sd = d.state_dict();
/// assert_eq!(sd.keys().collect::<Vec<_>>(), ["proj.weight", "proj.bias"]);
/// assert_eq!(d.to_string(), "ModuleDict(\n  (proj): Linear(in_features=4, out_features=4, bias=True)\n  (act): ReLU()\n)");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Default)]
pub struct ModuleDict {
    entries: Vec<(String, Box<dyn Module>)>,
}

impl ModuleDict {
    /// An empty `ModuleDict()`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `m` under `key`, or replaces the module already there (keeping its position).
    pub fn insert(&mut self, key: impl Into<String>, m: Box<dyn Module>) -> Result<&mut Self, Error> {
        let key = check_key(key.into())?;
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = m,
            None => self.entries.push((key, m)),
        }
        Ok(self)
    }

    /// The module under `key`.
    pub fn get(&self, key: &str) -> Option<&dyn Module> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, m)| &**m)
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Number of modules.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn check_key(key: String) -> Result<String, Error> {
    let bad = |message: String| Error::InvalidArgument {
        function: "ModuleDict::insert",
        message,
    };
    if key.is_empty() {
        Err(bad("module name can't be empty string \"\"".into()))
    } else if key.contains('.') {
        Err(bad(format!("module name can't contain \".\", got: {key}")))
    } else {
        Ok(key)
    }
}

impl Module for ModuleDict {
    fn type_name(&self) -> &str {
        "ModuleDict"
    }
    fn visit<'a>(&'a self, v: &mut dyn modules::Visitor<'a>) {
        for (k, m) in &self.entries {
            v.module(k, &**m);
        }
    }
}

/// Builds each member with the options given, in order; keys are checked as by `insert`.
#[diagnostic::do_not_recommend]
impl SupportsDevice for ModuleDict {
    type Args = Vec<(String, ModuleBuilder)>;
    type Builder = modules::SingleArg<Vec<(String, ModuleBuilder)>>;
    fn args() -> Self::Builder {
        Default::default()
    }
    fn construct(builders: Vec<(String, ModuleBuilder)>, options: &TensorOptions) -> Result<Self, Error> {
        let mut d = ModuleDict::new();
        for (k, b) in builders {
            let k = check_key(k)?;
            d.insert(k, b(options)?)?;
        }
        Ok(d)
    }
}

/// PyTorch's print of the module for both `Display` and `Debug`, as derived modules have.
macro_rules! printed_as_pytorch {
    ($($t:ty),+) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&modules::module_repr(self))
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )+};
}

printed_as_pytorch!(Sequential, ModuleDict);
