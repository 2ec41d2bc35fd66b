//! Parameter-free activation modules, for containers: `nn.ReLU`.

use super::repr::py_bool;
use crate::prelude::*;

/// `max(x, 0)` (`nn.ReLU`): no parameters. Prints `ReLU()` or `ReLU(inplace=True)`.
///
/// ```
/// use modules::prelude::*;
/// assert_eq!(Relu::new(Cpu)?.to_string(), "ReLU()");
/// assert_eq!(modules::new!(Relu, inplace = true)?.to_string(), "ReLU(inplace=True)");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(name = "ReLU", new(inplace: bool = false), extra_repr = Self::repr)]
pub struct Relu {
    /// Whether it works in place.
    #[module(config = inplace)]
    pub inplace: bool,
}

impl Relu {
    fn repr(&self) -> String {
        if self.inplace {
            format!("inplace={}", py_bool(true))
        } else {
            String::new()
        }
    }
}
