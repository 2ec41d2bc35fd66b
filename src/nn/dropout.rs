//! `nn.Dropout`: no parameters, only its probability (what a checkpoint and a repr see).

use super::base::*;
use super::repr::{py_bool, py_float};

/// Dropout (`nn.Dropout`): holds the probability `p` of zeroing an element; no parameters
/// or buffers. Prints like PyTorch: `Dropout(p=0.1, inplace=False)`.
///
/// ```
/// use modules::prelude::*;
/// let d = skip_init!(Dropout, 0.1)?;
/// assert_eq!(d.to_string(), "Dropout(p=0.1, inplace=False)");
/// assert_eq!(Dropout::new(Cpu)?.p, 0.5);
/// assert!(skip_init!(Dropout, 1.5).is_err()); // p must be in [0, 1]
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(new(p: f64 = 0.5, inplace: bool = false), extra_repr = Self::repr)]
pub struct Dropout {
    /// Probability of an element being zeroed.
    #[module(config = check_probability(p)?)]
    pub p: f64,
    /// Whether it works in place.
    #[module(config = inplace)]
    pub inplace: bool,
}

fn check_probability(p: f64) -> Result<f64, Error> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(Error::InvalidArgument {
            function: "Dropout::new",
            message: format!(
                "dropout probability has to be between 0 and 1, but got {}",
                py_float(p)
            ),
        })
    }
}

impl Dropout {
    fn repr(&self) -> String {
        format!("p={}, inplace={}", py_float(self.p), py_bool(self.inplace))
    }
}
