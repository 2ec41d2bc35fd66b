//! Parameter-free activation modules: `nn.ReLU`, `nn.GELU`, `nn.SiLU`, `nn.Tanh`, `nn.Sigmoid`,
//! `nn.Softmax`, `nn.LogSoftmax`.

use super::base::*;
use super::repr::py_bool;

/// A module whose only option is `inplace`, printed as PyTorch prints it (`inplace=True` or
/// nothing).
macro_rules! with_inplace {
    ($(#[$doc:meta])* $name:ident, $torch:literal) => {
        $(#[$doc])*
        #[derive(Module)]
        #[module(name = $torch, new(inplace: bool = false), extra_repr = Self::repr)]
        pub struct $name {
            /// Whether it works in place.
            #[module(config = inplace)]
            pub inplace: bool,
        }

        impl $name {
            fn repr(&self) -> String {
                match self.inplace {
                    true => format!("inplace={}", py_bool(true)),
                    false => String::new(),
                }
            }
        }
    };
}

with_inplace!(
    /// `max(x, 0)` (`nn.ReLU`): no parameters. Prints `ReLU()` or `ReLU(inplace=True)`.
    ///
    /// ```
    /// use modules::prelude::*;
    /// assert_eq!(Relu::new(Cpu)?.to_string(), "ReLU()");
    /// assert_eq!(modules::new!(Relu, inplace = true)?.to_string(), "ReLU(inplace=True)");
    /// # Ok::<(), modules::Error>(())
    /// ```
    Relu,
    "ReLU"
);

with_inplace!(
    /// `x·σ(x)` (`nn.SiLU`): no parameters. Prints `SiLU()` or `SiLU(inplace=True)`.
    ///
    /// ```
    /// use modules::prelude::*;
    /// assert_eq!(skip_init!(Silu)?.to_string(), "SiLU()");
    /// assert_eq!(skip_init!(Silu, inplace = true)?.to_string(), "SiLU(inplace=True)");
    /// # Ok::<(), modules::Error>(())
    /// ```
    Silu,
    "SiLU"
);

/// `nn.GELU`'s `approximate`: the exact erf form (PyTorch's `'none'`, the default) or the tanh
/// approximation (`'tanh'`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GeluApproximate {
    /// `x·Φ(x)` with the erf (`approximate='none'`).
    #[default]
    Exact,
    /// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (`approximate='tanh'`).
    Tanh,
}

/// `x·Φ(x)` (`nn.GELU`): no parameters. Prints `GELU(approximate='none')` or `'tanh'`.
///
/// ```
/// use modules::prelude::*;
/// use modules::nn::GeluApproximate;
/// assert_eq!(skip_init!(Gelu)?.to_string(), "GELU(approximate='none')");
/// let tanh = skip_init!(Gelu, approximate = GeluApproximate::Tanh)?;
/// assert_eq!(tanh.to_string(), "GELU(approximate='tanh')");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(name = "GELU", new(approximate: GeluApproximate = GeluApproximate::Exact), extra_repr = Self::repr)]
pub struct Gelu {
    /// Exact or tanh-approximated.
    #[module(config = approximate)]
    pub approximate: GeluApproximate,
}

impl Gelu {
    fn repr(&self) -> String {
        match self.approximate {
            GeluApproximate::Exact => "approximate='none'".into(),
            GeluApproximate::Tanh => "approximate='tanh'".into(),
        }
    }
}

/// `tanh(x)` (`nn.Tanh`): no parameters.
///
/// ```
/// use modules::prelude::*;
/// assert_eq!(skip_init!(Tanh)?.to_string(), "Tanh()");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(new())]
pub struct Tanh {}

/// `1/(1 + e⁻ˣ)` (`nn.Sigmoid`): no parameters.
///
/// ```
/// use modules::prelude::*;
/// assert_eq!(skip_init!(Sigmoid)?.to_string(), "Sigmoid()");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(new())]
pub struct Sigmoid {}

/// A module of one `dim: Option<isize>` printed as `dim=1` (or `dim=None`).
macro_rules! over_dim {
    ($(#[$doc:meta])* $name:ident, $field_doc:literal) => {
        $(#[$doc])*
        #[derive(Module)]
        #[module(new(dim: Option<isize> = None), extra_repr = Self::repr)]
        pub struct $name {
            #[doc = $field_doc]
            #[module(config = dim)]
            pub dim: Option<isize>,
        }

        impl $name {
            fn repr(&self) -> String {
                dim_repr(self.dim)
            }
        }
    };
}

over_dim!(
    /// `exp(xᵢ)/Σⱼ exp(xⱼ)` over `dim` (`nn.Softmax`): no parameters. `dim = None` is PyTorch's
    /// legacy choice at run time (0 for inputs of 0, 1 or 3 dimensions, else 1). Prints
    /// `Softmax(dim=1)`.
    ///
    /// ```
    /// use modules::prelude::*;
    /// assert_eq!(skip_init!(Softmax, dim = Some(-1))?.to_string(), "Softmax(dim=-1)");
    /// assert_eq!(skip_init!(Softmax)?.to_string(), "Softmax(dim=None)");
    /// # Ok::<(), modules::Error>(())
    /// ```
    Softmax,
    "The dimension that sums to one; negative counts from the end."
);

over_dim!(
    /// `log(softmax(x))` over `dim`, computed stably (`nn.LogSoftmax`); `dim` as in [`Softmax`].
    ///
    /// ```
    /// use modules::prelude::*;
    /// assert_eq!(skip_init!(LogSoftmax, dim = Some(1))?.to_string(), "LogSoftmax(dim=1)");
    /// # Ok::<(), modules::Error>(())
    /// ```
    LogSoftmax,
    "The dimension that is normalized; negative counts from the end."
);

fn dim_repr(dim: Option<isize>) -> String {
    match dim {
        Some(d) => format!("dim={d}"),
        None => "dim=None".into(),
    }
}
