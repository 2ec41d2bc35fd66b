//! `nn.Identity`.

use super::base::*;

/// A placeholder that holds nothing (`nn.Identity`): no parameters, no buffers.
///
/// ```
/// use modules::prelude::*;
/// let m = skip_init!(Identity)?;
/// assert_eq!(m.to_string(), "Identity()");
/// assert_eq!(m.num_parameters(), 0);
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(new())]
pub struct Identity {}
