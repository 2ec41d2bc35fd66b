//! `nn.TransformerEncoderLayer`, `nn.TransformerDecoderLayer`, `nn.TransformerEncoder` and
//! `nn.TransformerDecoder`, with PyTorch's child names, order and print format.

use super::attention::MultiheadAttention;
use super::base::*;
use super::dropout::Dropout;
use super::linear::Linear;
use super::norm::LayerNorm;
pub use super::transformer_options::{Activation, NormBuilder, StackNorm};

/// [`TransformerEncoderLayer`] and [`TransformerDecoderLayer`]: one signature, the same
/// blocks, and for a decoder the cross-attention block's three children, named by the caller.
macro_rules! transformer_layer {
    ($(#[$doc:meta])* $name:ident $(, cross: $cross_attn:ident, $norm3:ident, $dropout3:ident)?) => {
        $(#[$doc])*
        #[derive(Module)]
        #[module(
            new(
                d_model: usize,
                nhead: usize,
                dim_feedforward: usize = 2048,
                dropout: f64 = 0.1,
                activation: Activation = Activation::Relu,
                layer_norm_eps: f64 = 1e-5,
                batch_first: bool = false,
                norm_first: bool = false,
                bias: bool = true
            )
        )]
        pub struct $name {
            /// Self-attention.
            #[module(new(d_model, nhead, dropout = dropout, bias = bias, batch_first = batch_first))]
            pub self_attn: MultiheadAttention,
            $(
                /// Attention over the encoder's output.
                #[module(new(d_model, nhead, dropout = dropout, bias = bias, batch_first = batch_first))]
                pub $cross_attn: MultiheadAttention,
            )?
            /// `d_model → dim_feedforward`.
            #[module(new(d_model, dim_feedforward, bias = bias))]
            pub linear1: Linear,
            /// Dropout inside the feed-forward block.
            #[module(new(dropout))]
            pub dropout: Dropout,
            /// `dim_feedforward → d_model`.
            #[module(new(dim_feedforward, d_model, bias = bias))]
            pub linear2: Linear,
            /// Whether normalization comes before each block rather than after it.
            #[module(config = norm_first, skip_repr)]
            pub norm_first: bool,
            /// Normalization around self-attention.
            #[module(new(vec![d_model], eps = layer_norm_eps, bias = bias))]
            pub norm1: LayerNorm,
            /// Normalization around the next block: cross-attention in a decoder, the
            /// feed-forward block in an encoder.
            #[module(new(vec![d_model], eps = layer_norm_eps, bias = bias))]
            pub norm2: LayerNorm,
            $(
                /// Normalization around the feed-forward block.
                #[module(new(vec![d_model], eps = layer_norm_eps, bias = bias))]
                pub $norm3: LayerNorm,
            )?
            /// Dropout after self-attention.
            #[module(new(dropout))]
            pub dropout1: Dropout,
            /// Dropout after the next block (as `norm2`).
            #[module(new(dropout))]
            pub dropout2: Dropout,
            $(
                /// Dropout after the feed-forward block.
                #[module(new(dropout))]
                pub $dropout3: Dropout,
            )?
            /// The feed-forward activation.
            #[module(config = activation, skip_repr)]
            pub activation: Activation,
        }
    };
}

transformer_layer! {
    /// One encoder layer (`nn.TransformerEncoderLayer`): children `self_attn`
    /// ([`MultiheadAttention`]), `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`,
    /// `dropout2`, in that order, each with its own default init (PyTorch has no layer-level init).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let l = skip_init!(TransformerEncoderLayer, 16, 4, dim_feedforward = 32, device = Meta)?;
    /// assert_eq!(l.to_string(), "\
    /// TransformerEncoderLayer(
    ///   (self_attn): MultiheadAttention(
    ///     (out_proj): NonDynamicallyQuantizableLinear(in_features=16, out_features=16, bias=True)
    ///   )
    ///   (linear1): Linear(in_features=16, out_features=32, bias=True)
    ///   (dropout): Dropout(p=0.1, inplace=False)
    ///   (linear2): Linear(in_features=32, out_features=16, bias=True)
    ///   (norm1): LayerNorm((16,), eps=1e-05, elementwise_affine=True, bias=True)
    ///   (norm2): LayerNorm((16,), eps=1e-05, elementwise_affine=True, bias=True)
    ///   (dropout1): Dropout(p=0.1, inplace=False)
    ///   (dropout2): Dropout(p=0.1, inplace=False)
    /// )");
    /// # Ok::<(), modules::Error>(())
    /// ```
    TransformerEncoderLayer
}

transformer_layer! {
    /// One decoder layer (`nn.TransformerDecoderLayer`): children `self_attn`, `multihead_attn`,
    /// `linear1`, `dropout`, `linear2`, `norm1`, `norm2`, `norm3`, `dropout1`, `dropout2`,
    /// `dropout3`, each with its own default init.
    ///
    /// ```
    /// use modules::prelude::*;
    /// let l = skip_init!(TransformerDecoderLayer, 8, 2, dim_feedforward = 16, device = Meta)?;
    /// let kids: Vec<String> = l.children().into_iter().map(|(n, _)| n).collect();
    /// assert_eq!(kids, ["self_attn", "multihead_attn", "linear1", "dropout", "linear2",
    ///                   "norm1", "norm2", "norm3", "dropout1", "dropout2", "dropout3"]);
    /// # Ok::<(), modules::Error>(())
    /// ```
    TransformerDecoderLayer, cross: multihead_attn, norm3, dropout3
}

/// `n` layers that start bit-identical, as PyTorch's `copy.deepcopy` of one initialized layer
/// gives: the first is built (and initialized) from `args`, the others are allocated without
/// initialization and get the first's values. On meta nothing is allocated or copied.
fn identical_layers<M>(args: M::Args, n: usize, options: &TensorOptions) -> Result<Vec<M>, Error>
where
    M: SupportsDevice,
    M::Args: Clone,
{
    let mut layers = Vec::with_capacity(n);
    if n == 0 {
        return Ok(layers);
    }
    layers.push(M::construct(args.clone(), options)?);
    for _ in 1..n {
        let mut layer = M::construct(args.clone(), &options.device(Meta))?;
        if options.device != Meta {
            layer.to_empty(options.device)?;
            modules::copy_values(&layers[0], &layer)?;
        }
        layers.push(layer);
    }
    Ok(layers)
}

/// Re-runs the first layer's inits and copies its values into the others.
/// A stack's part of a reset pass, as construction does it: the first layer's declared inits
/// run again and its values are copied into the others; then the final norm, if any.
fn reset_identical<M: Module>(
    layers: &[M],
    norm: Option<&dyn Module>,
    pass: &mut ResetPass,
) -> Result<(), Error> {
    if let Some((first, rest)) = layers.split_first() {
        first.reset_in_pass(pass)?;
        for layer in rest {
            modules::copy_values(first, layer)?;
        }
    }
    match norm {
        Some(n) => n.reset_in_pass(pass),
        None => Ok(()),
    }
}

/// `nn.TransformerEncoder` and `nn.TransformerDecoder`, written once: `layers` built by
/// [`identical_layers`], an optional final `norm`, and whatever forward-pass options the stack
/// has. PyTorch shows no extra_repr for either.
macro_rules! transformer_stack {
    (
        $(#[$doc:meta])*
        $name:ident, $layer:ident, $layer_arg:ident: $layer_args:ty,
        new($($option:ident: $option_ty:ty = $option_default:expr),*),
        $($(#[$field_doc:meta])* $field:ident: $field_ty:ty = $field_value:ident),*
    ) => {
        $(#[$doc])*
        #[derive(Module)]
        #[module(
            new(
                $layer_arg: $layer_args,
                num_layers: usize,
                norm: StackNorm = StackNorm::None
                $(, $option: $option_ty = $option_default)*
            ),
            reset = Self::reset_in_order
        )]
        pub struct $name {
            /// Number of layers.
            #[module(config = num_layers, skip_repr)]
            pub num_layers: usize,
            $(
                $(#[$field_doc])*
                #[module(config = $field_value, skip_repr)]
                pub $field: $field_ty,
            )*
            /// The layers, bit-identical after construction.
            #[module(build = |options| identical_layers::<$layer>($layer_arg.clone(), num_layers, options))]
            pub layers: Vec<$layer>,
            /// The final normalization, if any: a `LayerNorm`, an `RmsNorm` or any module.
            #[module(build = |options| norm.build(options))]
            pub norm: Option<Box<dyn Module>>,
        }

        impl $name {
            fn reset_in_order(&self, pass: &mut ResetPass) -> Result<(), Error> {
                reset_identical(&self.layers, self.norm.as_deref(), pass)
            }
        }
    };
}

transformer_stack! {
    /// A stack of encoder layers (`nn.TransformerEncoder`): `layers` (a `ModuleList`) and an
    /// optional final `norm`.
    ///
    /// **All layers start bit-identical**, as in PyTorch (which deep-copies one initialized
    /// layer): the first layer is built and initialized, the others are allocated and given its
    /// values ([`copy_values`](modules::copy_values)), which also costs no random draws.
    ///
    /// Unlike PyTorch, it takes a device (so `skip_init!` works), and `reset_parameters()` (also
    /// from any parent module) re-initializes as construction does: the first layer's inits run
    /// again and it is copied into the others, so `skip_init!` + `reset_parameters()` equals `new`
    /// for one seed and the layers stay identical. (PyTorch has no reset here; calling
    /// `reset_parameters` on each of its submodules makes the layers differ.)
    ///
    /// ```
    /// use modules::prelude::*;
    /// let layer = TransformerEncoderLayer::args().d_model(8).nhead(2).dim_feedforward(16).finish();
    /// let enc = modules::new!(TransformerEncoder, layer, 3)?;
    /// let w0 = enc.layers[0].linear1.weight.tensor().to_vec::<f32>()?;
    /// assert_eq!(w0, enc.layers[2].linear1.weight.tensor().to_vec::<f32>()?);
    /// assert!(enc.to_string().contains("(0-2): 3 x TransformerEncoderLayer("));
    /// let layer = TransformerEncoderLayer::args().d_model(8).nhead(2).finish();
    /// let plain = skip_init!(TransformerEncoder, layer, 2, enable_nested_tensor = false, device = Meta)?;
    /// assert!(!plain.enable_nested_tensor && plain.mask_check);
    /// # Ok::<(), modules::Error>(())
    /// ```
    TransformerEncoder, TransformerEncoderLayer, encoder_layer: TransformerEncoderLayerArgs,
    new(enable_nested_tensor: bool = true, mask_check: bool = true),
    /// PyTorch's nested-tensor fast path for padded batches (a forward-pass option).
    enable_nested_tensor: bool = enable_nested_tensor,
    /// Whether the forward pass checks the padding mask (a forward-pass option).
    mask_check: bool = mask_check
}

transformer_stack! {
    /// A stack of decoder layers (`nn.TransformerDecoder`): `layers` and an optional `norm`.
    /// All layers start bit-identical and stay so through `reset_parameters`, as for
    /// [`TransformerEncoder`].
    ///
    /// ```
    /// use modules::prelude::*;
    /// let layer = TransformerDecoderLayer::args().d_model(8).nhead(2).dim_feedforward(16).finish();
    /// let norm = LayerNorm::args().normalized_shape(vec![8]).finish();
    /// let dec = skip_init!(TransformerDecoder, layer, 2, norm = Some(norm), device = Meta)?;
    /// assert_eq!(dec.layers.len(), 2);
    /// assert!(dec.state_dict().keys().any(|k| k == "norm.weight"));
    /// # Ok::<(), modules::Error>(())
    /// ```
    TransformerDecoder, TransformerDecoderLayer, decoder_layer: TransformerDecoderLayerArgs,
    new(),
}
