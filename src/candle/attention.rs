//! `nn.MultiheadAttention`'s forward in evaluation mode (dropout off), on candle ops, with
//! PyTorch's masks: `F.multi_head_attention_forward`'s steps in the batch-first layout.

use candle_core::{DType as CDType, Device as CDevice, Module as _, Result as CResult, Tensor as CTensor, D};

use super::forward::{unsupported, weight, weight_opt, ToCandleModule};
use crate::nn::MultiheadAttention;
use crate::Result;

/// The masks and options of `MultiheadAttention.forward`, with PyTorch's defaults.
///
/// A mask is a candle tensor: `U8`/integer where non-zero means "may not attend" (PyTorch's
/// `True`), or floating point, added to the scores (`-inf` blocks).
/// - `key_padding_mask`: `[N, S]` (`[S]` unbatched);
/// - `attn_mask`: `[L, S]` or `[N·num_heads, L, S]`.
///
/// `is_causal` is PyTorch's hint: it needs `attn_mask`, and where neither `key_padding_mask`
/// nor the weights are asked for, the causal mask replaces `attn_mask`, as in PyTorch.
#[derive(Clone, Copy, Debug)]
pub struct AttentionMasks<'a> {
    /// Keys each batch element ignores.
    pub key_padding_mask: Option<&'a CTensor>,
    /// Which query may attend to which key.
    pub attn_mask: Option<&'a CTensor>,
    /// Return the attention weights too (PyTorch's default: `true`).
    pub need_weights: bool,
    /// Average the weights over the heads (`[N, L, S]`) rather than `[N, num_heads, L, S]`.
    pub average_attn_weights: bool,
    /// `attn_mask` is the causal mask.
    pub is_causal: bool,
}

impl Default for AttentionMasks<'_> {
    fn default() -> Self {
        Self {
            key_padding_mask: None,
            attn_mask: None,
            need_weights: true,
            average_attn_weights: true,
            is_causal: false,
        }
    }
}

/// [`MultiheadAttention`]'s forward: query `[L, N, E]`, key `[S, N, kdim]` and value
/// `[S, N, vdim]` (`[N, ·, ·]` with `batch_first`, or unbatched without `N`) → the output
/// `[L, N, E]` and, when asked, the attention weights. As a `candle_core::Module` it is
/// self-attention without masks.
///
/// ```
/// use candle_core::{Device, Module as _, Tensor};
/// use modules::candle::{AttentionMasks, ToCandleModule};
/// use modules::prelude::*;
///
/// let mha = new!(MultiheadAttention, 8, 2, batch_first = true)?.to_candle_module(&Device::Cpu)?;
/// let x = Tensor::randn(0f32, 1., (3, 5, 8), &Device::Cpu)?;
/// let (y, w) = mha.forward_masked(&x, &x, &x, AttentionMasks::default())?;
/// assert_eq!((y.dims(), w.unwrap().dims()), ([3, 5, 8].as_slice(), [3, 5, 5].as_slice()));
/// assert_eq!(mha.forward(&x)?.dims(), [3, 5, 8]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct AttentionForward {
    q: candle_nn::Linear,
    k: candle_nn::Linear,
    v: candle_nn::Linear,
    bias_kv: Option<(CTensor, CTensor)>,
    add_zero_attn: bool,
    out_proj: candle_nn::Linear,
    num_heads: usize,
    batch_first: bool,
}

impl ToCandleModule for MultiheadAttention {
    type Output = AttentionForward;
    fn to_candle_module(&self, device: &CDevice) -> Result<AttentionForward> {
        let e = self.embed_dim;
        let candle_err = |err: candle_core::Error| unsupported(format!("MultiheadAttention: {err}"));
        let (wq, wk, wv) = match &self.in_proj_weight {
            Some(w) => {
                let w = weight(w, device)?;
                let part = |i: usize| w.narrow(0, i * e, e).map_err(candle_err);
                (part(0)?, part(1)?, part(2)?)
            }
            None => {
                let get = |w: &Option<crate::Parameter>, name: &str| {
                    weight_opt(w, device)?
                        .ok_or_else(|| unsupported(format!("MultiheadAttention without {name}")))
                };
                (
                    get(&self.q_proj_weight, "q_proj_weight")?,
                    get(&self.k_proj_weight, "k_proj_weight")?,
                    get(&self.v_proj_weight, "v_proj_weight")?,
                )
            }
        };
        let b = weight_opt(&self.in_proj_bias, device)?;
        let bias = |i: usize| {
            b.as_ref()
                .map(|b| b.narrow(0, i * e, e))
                .transpose()
                .map_err(candle_err)
        };
        let bias_kv = match (
            weight_opt(&self.bias_k, device)?,
            weight_opt(&self.bias_v, device)?,
        ) {
            (Some(k), Some(v)) => Some((k, v)),
            _ => None,
        };
        Ok(AttentionForward {
            q: candle_nn::Linear::new(wq, bias(0)?),
            k: candle_nn::Linear::new(wk, bias(1)?),
            v: candle_nn::Linear::new(wv, bias(2)?),
            bias_kv,
            add_zero_attn: self.add_zero_attn,
            out_proj: self.out_proj.to_candle_module(device)?,
            num_heads: self.num_heads,
            batch_first: self.batch_first,
        })
    }
}

/// A PyTorch mask as an additive float mask in `dtype`: booleans (non-zero) become `-inf`.
fn additive(mask: &CTensor, dtype: CDType) -> CResult<CTensor> {
    if mask.dtype().is_float() {
        return mask.to_dtype(dtype);
    }
    let blocked = CTensor::full(f32::NEG_INFINITY, mask.shape(), mask.device())?.to_dtype(dtype)?;
    mask.ne(0u8)?.where_cond(&blocked, &blocked.zeros_like()?)
}

/// One more key (a zero score) at the end of the last dimension.
fn pad_key(mask: Option<CTensor>) -> CResult<Option<CTensor>> {
    mask.map(|m| m.pad_with_zeros(D::Minus1, 0, 1)).transpose()
}

/// The masks as additive float masks `(attn_mask, key_padding_mask)` for `l` queries and `s`
/// keys; under PyTorch's `is_causal` hint (no padding mask, no weights) the causal mask.
fn additive_masks(
    masks: &AttentionMasks<'_>,
    unbatched: bool,
    (l, s): (usize, usize),
    dtype: CDType,
    device: &CDevice,
) -> CResult<(Option<CTensor>, Option<CTensor>)> {
    if masks.is_causal && masks.attn_mask.is_none() {
        candle_core::bail!("Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.");
    }
    let kpm = masks
        .key_padding_mask
        .map(|m| if unbatched { m.unsqueeze(0) } else { Ok(m.clone()) })
        .transpose()?
        .map(|m| additive(&m, dtype))
        .transpose()?;
    let attn = match masks.attn_mask {
        Some(_) if masks.is_causal && kpm.is_none() && !masks.need_weights => {
            let rows = CTensor::arange(0u32, l as u32, device)?.unsqueeze(1)?;
            let cols = CTensor::arange(0u32, s as u32, device)?.unsqueeze(0)?;
            Some(additive(&cols.broadcast_gt(&rows)?.to_dtype(CDType::U8)?, dtype)?)
        }
        Some(m) => Some(additive(m, dtype)?),
        None => None,
    };
    Ok((attn, kpm))
}

impl AttentionForward {
    /// PyTorch's layout (sequence first, batch first, or unbatched) to `[N, seq, feature]`.
    fn batch_first(&self, t: &CTensor, unbatched: bool) -> CResult<CTensor> {
        match (unbatched, self.batch_first) {
            (true, _) => t.unsqueeze(0),
            (false, true) => Ok(t.clone()),
            (false, false) => t.transpose(0, 1),
        }
    }

    /// `[N, seq, feature]` back to PyTorch's layout.
    fn user_layout(&self, t: CTensor, unbatched: bool) -> CResult<CTensor> {
        match (unbatched, self.batch_first) {
            (true, _) => t.squeeze(0),
            (false, true) => Ok(t),
            (false, false) => t.transpose(0, 1),
        }
    }

    /// The output and, with `need_weights`, the attention weights.
    pub fn forward_masked(
        &self,
        query: &CTensor,
        key: &CTensor,
        value: &CTensor,
        masks: AttentionMasks<'_>,
    ) -> CResult<(CTensor, Option<CTensor>)> {
        let unbatched = query.rank() == 2;
        let q = self.q.forward(&self.batch_first(query, unbatched)?)?;
        let mut k = self.k.forward(&self.batch_first(key, unbatched)?)?;
        let mut v = self.v.forward(&self.batch_first(value, unbatched)?)?;
        let (n, l, e) = q.dims3()?;
        let (h, hd, dtype) = (self.num_heads, e / self.num_heads, q.dtype());
        let (mut attn, mut kpm) = additive_masks(&masks, unbatched, (l, k.dim(1)?), dtype, q.device())?;
        if let Some((bk, bv)) = &self.bias_kv {
            k = CTensor::cat(&[&k, &bk.broadcast_as((n, 1, e))?], 1)?;
            v = CTensor::cat(&[&v, &bv.broadcast_as((n, 1, e))?], 1)?;
            (attn, kpm) = (pad_key(attn)?, pad_key(kpm)?);
        }
        let heads = |t: &CTensor| t.reshape((n, t.dim(1)?, h, hd))?.transpose(1, 2)?.contiguous();
        let (q, mut k, mut v) = (heads(&q)?, heads(&k)?, heads(&v)?);
        if self.add_zero_attn {
            let zero = CTensor::zeros((n, h, 1, hd), dtype, q.device())?;
            k = CTensor::cat(&[&k, &zero], 2)?;
            v = CTensor::cat(&[&v, &zero], 2)?;
            (attn, kpm) = (pad_key(attn)?, pad_key(kpm)?);
        }
        let s = k.dim(2)?;
        let mut scores = (q * (1.0 / (hd as f64).sqrt()))?.matmul(&k.t()?)?;
        if let Some(m) = attn {
            let m = if m.rank() == 3 {
                m.reshape((n, h, l, s))?
            } else {
                m
            };
            scores = scores.broadcast_add(&m)?;
        }
        if let Some(m) = kpm {
            scores = scores.broadcast_add(&m.reshape((n, 1, 1, s))?)?;
        }
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        let out = weights.matmul(&v)?.transpose(1, 2)?.reshape((n, l, e))?;
        let out = self.user_layout(self.out_proj.forward(&out)?, unbatched)?;
        let weights = match (masks.need_weights, masks.average_attn_weights) {
            (false, _) => None,
            (true, true) => Some(weights.mean(1)?),
            (true, false) => Some(weights),
        };
        let weights = weights
            .map(|w| if unbatched { w.squeeze(0) } else { Ok(w) })
            .transpose()?;
        Ok((out, weights))
    }
}

impl candle_core::Module for AttentionForward {
    fn forward(&self, x: &CTensor) -> CResult<CTensor> {
        let masks = AttentionMasks {
            need_weights: false,
            ..AttentionMasks::default()
        };
        Ok(self.forward_masked(x, x, x, masks)?.0)
    }
}
