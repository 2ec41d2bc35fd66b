//! `nn.MultiheadAttention`; its output projection is in `linear.rs`.

use super::base::*;
use super::linear::NonDynamicallyQuantizableLinear;

/// Multi-head attention (`nn.MultiheadAttention`) with PyTorch's parameters, names, order
/// and default initialization:
///
/// - `in_proj_weight [3E, E]` when `kdim == vdim == E` (the default), xavier-uniform as one
///   matrix, U(±√(6/(E+3E))); otherwise `q_proj_weight [E, E]`, `k_proj_weight [E, kdim]`,
///   `v_proj_weight [E, vdim]`, each xavier-uniform;
/// - `in_proj_bias [3E]` zeros (with `bias`), `bias_k`/`bias_v [1, 1, E]` ~ N(0, √(2/2E))
///   (xavier-normal, with `add_bias_kv`);
/// - the child `out_proj`: weight U(±1/√E) (Linear's default, which PyTorch keeps), bias zeros.
///
/// Own parameters are listed before `out_proj`'s, as in PyTorch. `out_proj` is built first,
/// which is PyTorch's order of drawing from the generator (the values are ours; the
/// distributions are PyTorch's). `embed_dim` and `num_heads` must be positive and `embed_dim`
/// divisible by `num_heads` ([`Error::InvalidArgument`] otherwise).
///
/// ```
/// use modules::prelude::*;
/// let m = skip_init!(MultiheadAttention, 16, 4, device = Meta)?;
/// let names: Vec<String> = m.named_parameters().into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
/// assert_eq!(m.to_string(), "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=16, out_features=16, bias=True)\n)");
/// assert!(skip_init!(MultiheadAttention, 16, 3).is_err());
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    new(
        embed_dim: usize,
        num_heads: usize,
        dropout: f64 = 0.0,
        bias: bool = true,
        add_bias_kv: bool = false,
        add_zero_attn: bool = false,
        kdim: Option<usize> = None,
        vdim: Option<usize> = None,
        batch_first: bool = false
    ),
    validate = check_heads(embed_dim, num_heads)
)]
pub struct MultiheadAttention {
    /// `embed_dim / num_heads`.
    #[module(config = embed_dim / num_heads, skip_repr)]
    pub head_dim: usize,
    /// Total dimension of the model, `E`.
    #[module(config = embed_dim, skip_repr)]
    pub embed_dim: usize,
    /// Number of heads.
    #[module(config = num_heads, skip_repr)]
    pub num_heads: usize,
    /// Feature size of keys (`E` unless given).
    #[module(config = kdim.unwrap_or(embed_dim), skip_repr)]
    pub kdim: usize,
    /// Feature size of values (`E` unless given).
    #[module(config = vdim.unwrap_or(embed_dim), skip_repr)]
    pub vdim: usize,
    /// Dropout probability on the attention weights.
    #[module(config = dropout, skip_repr)]
    pub dropout: f64,
    /// Whether inputs are `(batch, seq, feature)`.
    #[module(config = batch_first, skip_repr)]
    pub batch_first: bool,
    /// Whether a zero batch is appended to keys and values.
    #[module(config = add_zero_attn, skip_repr)]
    pub add_zero_attn: bool,
    /// The output projection, `[E, E]` (bias zeros).
    #[module(new(embed_dim, embed_dim, bias = bias, zero_bias = true))]
    pub out_proj: NonDynamicallyQuantizableLinear,
    /// `[3E, E]`: the query, key and value projections stacked, when `kdim == vdim == E`.
    #[module(
        param = [3 * embed_dim, embed_dim],
        init = init::xavier_uniform(1.0),
        when = kdim == embed_dim && vdim == embed_dim
    )]
    pub in_proj_weight: Option<Parameter>,
    /// `[E, E]`, when the key or value size differs from `E`.
    #[module(
        param = [embed_dim, embed_dim],
        init = init::xavier_uniform(1.0),
        when = kdim != embed_dim || vdim != embed_dim
    )]
    pub q_proj_weight: Option<Parameter>,
    /// `[E, kdim]`, when the key or value size differs from `E`.
    #[module(
        param = [embed_dim, kdim],
        init = init::xavier_uniform(1.0),
        when = kdim != embed_dim || vdim != embed_dim
    )]
    pub k_proj_weight: Option<Parameter>,
    /// `[E, vdim]`, when the key or value size differs from `E`.
    #[module(
        param = [embed_dim, vdim],
        init = init::xavier_uniform(1.0),
        when = kdim != embed_dim || vdim != embed_dim
    )]
    pub v_proj_weight: Option<Parameter>,
    /// `[3E]`, zeros.
    #[module(param = [3 * embed_dim], init = init::zeros(), when = bias)]
    pub in_proj_bias: Option<Parameter>,
    /// `[1, 1, E]`, xavier-normal, with `add_bias_kv`.
    #[module(param = [1, 1, embed_dim], init = init::xavier_normal(1.0), when = add_bias_kv)]
    pub bias_k: Option<Parameter>,
    /// `[1, 1, E]`, xavier-normal, with `add_bias_kv`.
    #[module(param = [1, 1, embed_dim], init = init::xavier_normal(1.0), when = add_bias_kv)]
    pub bias_v: Option<Parameter>,
}

/// `MultiheadAttention.__init__`'s checks of the sizes; PyTorch shows no extra_repr, so every
/// config field is `skip_repr`.
fn check_heads(embed_dim: usize, num_heads: usize) -> Result<(), Error> {
    let bad = |message: String| Error::InvalidArgument {
        function: "MultiheadAttention::new",
        message,
    };
    if embed_dim == 0 || num_heads == 0 {
        return Err(bad(format!(
            "embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and num_heads={num_heads} instead"
        )));
    }
    if !embed_dim.is_multiple_of(num_heads) {
        return Err(bad(format!(
            "embed_dim must be divisible by num_heads: embed_dim={embed_dim}, num_heads={num_heads}"
        )));
    }
    Ok(())
}
