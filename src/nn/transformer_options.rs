//! The options of the transformer modules that are more than a number: the feed-forward
//! [`Activation`] and a stack's final [`StackNorm`].

use std::fmt;
use std::sync::Arc;

use super::base::*;
use super::norm::{LayerNorm, LayerNormArgs, RmsNorm, RmsNormArgs};

/// The feed-forward activation of a transformer layer. PyTorch stores a function here (not a
/// module), so it is not a child and does not appear in the repr.
///
/// ```
/// use modules::prelude::*;
/// let l = skip_init!(TransformerEncoderLayer, 8, 2, activation = Activation::Gelu, device = Meta)?;
/// assert_eq!(l.activation, Activation::Gelu);
/// assert!(!l.to_string().contains("gelu"));
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Activation {
    /// `F.relu` (the default).
    #[default]
    Relu,
    /// `F.gelu`.
    Gelu,
    /// Any other function PyTorch would be given (`F.silu`, a lambda), by its name. Nothing
    /// here computes a forward pass, so the name is what is kept.
    Other(&'static str),
}

/// The final normalization of a `TransformerEncoder`/`TransformerDecoder` (PyTorch's `norm=`,
/// which takes any module): none, a `LayerNorm` or an `RmsNorm` by its arguments, or any
/// module by a builder that honours the stack's options (so that `skip_init!` builds it on
/// meta too). `norm = Some(layer_norm_args)` converts, as PyTorch's `norm=nn.LayerNorm(d)`.
///
/// ```
/// use modules::prelude::*;
/// let layer = TransformerEncoderLayer::args().d_model(8).nhead(2).dim_feedforward(16).finish();
/// let rms = RmsNorm::args().normalized_shape(vec![8]).finish();
/// let enc = skip_init!(TransformerEncoder, layer.clone(), 2, norm = Some(rms), device = Meta)?;
/// assert!(enc.to_string().contains("(norm): RMSNorm((8,)"));
/// let custom = StackNorm::custom(|o| Ok(Box::new(LayerNorm::new(vec![8], *o)?)));
/// let enc = skip_init!(TransformerEncoder, layer, 2, norm = custom, device = Meta)?;
/// assert!(enc.state_dict().keys().any(|k| k == "norm.weight"));
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Clone, Default)]
pub enum StackNorm {
    /// No final norm (PyTorch's `norm=None`, the default).
    #[default]
    None,
    /// `nn.LayerNorm(...)`.
    LayerNorm(LayerNormArgs),
    /// `nn.RMSNorm(...)`.
    RmsNorm(RmsNormArgs),
    /// Any module, built on the options given (see [`StackNorm::custom`]).
    Custom(NormBuilder),
}

/// Builds a final norm on the options it is given; shared, so that the arguments clone.
pub type NormBuilder = Arc<dyn Fn(&TensorOptions) -> Result<Box<dyn Module>, Error> + Send + Sync>;

impl StackNorm {
    /// A norm built by `build`, which must allocate on the options it is given.
    pub fn custom(
        build: impl Fn(&TensorOptions) -> Result<Box<dyn Module>, Error> + Send + Sync + 'static,
    ) -> Self {
        StackNorm::Custom(Arc::new(build))
    }

    /// The module, or `None` for [`StackNorm::None`].
    pub(super) fn build(&self, options: &TensorOptions) -> Result<Option<Box<dyn Module>>, Error> {
        Ok(Some(match self {
            StackNorm::None => return Ok(None),
            StackNorm::LayerNorm(args) => {
                Box::new(<LayerNorm as SupportsDevice>::construct(args.clone(), options)?)
            }
            StackNorm::RmsNorm(args) => {
                Box::new(<RmsNorm as SupportsDevice>::construct(args.clone(), options)?)
            }
            StackNorm::Custom(build) => build(options)?,
        }))
    }
}

impl fmt::Debug for StackNorm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StackNorm::None => f.write_str("None"),
            StackNorm::LayerNorm(args) => f.debug_tuple("LayerNorm").field(args).finish(),
            StackNorm::RmsNorm(args) => f.debug_tuple("RmsNorm").field(args).finish(),
            StackNorm::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// `norm = Some(args)` / `norm = args` / `norm = None`, for either norm.
macro_rules! norm_args {
    ($($args:ty => $variant:ident),*) => {$(
        #[diagnostic::do_not_recommend]
        impl IntoArg<StackNorm> for $args {
            fn into_arg(self) -> StackNorm {
                StackNorm::$variant(self)
            }
        }

        #[diagnostic::do_not_recommend]
        impl IntoArg<StackNorm> for Option<$args> {
            fn into_arg(self) -> StackNorm {
                self.map_or(StackNorm::None, StackNorm::$variant)
            }
        }
    )*};
}

norm_args!(LayerNormArgs => LayerNorm, RmsNormArgs => RmsNorm);
