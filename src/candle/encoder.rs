//! `nn.TransformerEncoderLayer` and `nn.Bilinear` forwards in evaluation mode, composed from the
//! other forwards the way PyTorch's `forward` composes its children.

use candle_core::{Device as CDevice, Module as _, Result as CResult, Tensor as CTensor};

use super::attention::{AttentionForward, AttentionMasks};
use super::forward::{unsupported, weight, weight_opt, ToCandleModule};
use super::gelu::GeluForward;
use crate::nn::{Activation, Bilinear, GeluApproximate, TransformerEncoderLayer};
use crate::Result;

/// [`TransformerEncoderLayer`]'s forward (dropout off): self-attention and the feed-forward
/// block, each with a residual, normalized after (`norm_first = false`) or before. As a
/// `candle_core::Module` it runs without masks.
///
/// ```
/// use candle_core::{Device, Module as _, Tensor};
/// use modules::candle::ToCandleModule;
/// use modules::prelude::*;
///
/// let layer = new!(TransformerEncoderLayer, 8, 2, dim_feedforward = 16, batch_first = true)?;
/// let layer = layer.to_candle_module(&Device::Cpu)?;
/// let x = Tensor::randn(0f32, 1., (3, 5, 8), &Device::Cpu)?;
/// assert_eq!(layer.forward(&x)?.dims(), [3, 5, 8]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct EncoderLayerForward {
    self_attn: AttentionForward,
    linear1: candle_nn::Linear,
    linear2: candle_nn::Linear,
    norm1: candle_nn::LayerNorm,
    norm2: candle_nn::LayerNorm,
    /// ReLU, or GELU with the exact erf.
    gelu: Option<GeluForward>,
    norm_first: bool,
}

impl ToCandleModule for TransformerEncoderLayer {
    type Output = EncoderLayerForward;
    fn to_candle_module(&self, device: &CDevice) -> Result<EncoderLayerForward> {
        let gelu = match self.activation {
            Activation::Relu => None,
            Activation::Gelu => Some(GeluForward(GeluApproximate::Exact)),
            Activation::Other(name) => {
                return Err(unsupported(format!(
                    "TransformerEncoderLayer with activation `{name}`: only its name is kept, the forward knows relu and gelu"
                )))
            }
        };
        Ok(EncoderLayerForward {
            self_attn: self.self_attn.to_candle_module(device)?,
            linear1: self.linear1.to_candle_module(device)?,
            linear2: self.linear2.to_candle_module(device)?,
            norm1: self.norm1.to_candle_module(device)?,
            norm2: self.norm2.to_candle_module(device)?,
            gelu,
            norm_first: self.norm_first,
        })
    }
}

impl EncoderLayerForward {
    /// PyTorch's `forward(src, src_mask, src_key_padding_mask, is_causal)`; masks as in
    /// [`AttentionMasks`].
    pub fn forward_masked(
        &self,
        src: &CTensor,
        src_mask: Option<&CTensor>,
        src_key_padding_mask: Option<&CTensor>,
        is_causal: bool,
    ) -> CResult<CTensor> {
        let masks = AttentionMasks {
            key_padding_mask: src_key_padding_mask,
            attn_mask: src_mask,
            need_weights: false,
            average_attn_weights: true,
            is_causal,
        };
        let attend =
            |x: &CTensor| Ok::<_, candle_core::Error>(self.self_attn.forward_masked(x, x, x, masks)?.0);
        let feed_forward = |x: &CTensor| {
            let h = self.linear1.forward(x)?;
            let h = match &self.gelu {
                Some(gelu) => gelu.forward(&h)?,
                None => h.relu()?,
            };
            self.linear2.forward(&h)
        };
        if self.norm_first {
            let x = (src + attend(&self.norm1.forward(src)?)?)?;
            &x + feed_forward(&self.norm2.forward(&x)?)?
        } else {
            let x = self.norm1.forward(&(src + attend(src)?)?)?;
            self.norm2.forward(&(&x + feed_forward(&x)?)?)
        }
    }
}

impl candle_core::Module for EncoderLayerForward {
    fn forward(&self, src: &CTensor) -> CResult<CTensor> {
        self.forward_masked(src, None, None, false)
    }
}

/// [`Bilinear`]'s forward, `y = x1ᵀ·A·x2 + b` over the last dimension; leading dimensions are
/// shared by both inputs.
///
/// ```
/// use candle_core::{Device, Tensor};
/// use modules::candle::ToCandleModule;
/// use modules::prelude::*;
///
/// let bil = new!(Bilinear, 2, 3, 4)?.to_candle_module(&Device::Cpu)?;
/// let (x1, x2) = (Tensor::ones((5, 2), candle_core::DType::F32, &Device::Cpu)?,
///                 Tensor::ones((5, 3), candle_core::DType::F32, &Device::Cpu)?);
/// assert_eq!(bil.forward(&x1, &x2)?.dims(), [5, 4]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct BilinearForward {
    /// `[in1, out·in2]`: `A` laid out so that one matmul applies it to `x1`.
    weight: CTensor,
    bias: Option<CTensor>,
    out_features: usize,
}

impl ToCandleModule for Bilinear {
    type Output = BilinearForward;
    fn to_candle_module(&self, device: &CDevice) -> Result<BilinearForward> {
        let (o, i1, i2) = (self.out_features, self.in1_features, self.in2_features);
        let w = weight(&self.weight, device)?
            .permute((1, 0, 2))
            .and_then(|w| w.reshape((i1, o * i2)))
            .map_err(|e| unsupported(format!("Bilinear: {e}")))?;
        Ok(BilinearForward {
            weight: w,
            bias: weight_opt(&self.bias, device)?,
            out_features: o,
        })
    }
}

impl BilinearForward {
    /// `x1 [*, in1]`, `x2 [*, in2]` → `[*, out]`.
    pub fn forward(&self, x1: &CTensor, x2: &CTensor) -> CResult<CTensor> {
        let lead = &x1.dims()[..x1.rank() - 1];
        let (i1, i2) = (x1.dim(candle_core::D::Minus1)?, x2.dim(candle_core::D::Minus1)?);
        let rows = lead.iter().product::<usize>();
        let t = x1.reshape((rows, i1))?.matmul(&self.weight)?;
        let t = t.reshape((rows, self.out_features, i2))?;
        let y = t.broadcast_mul(&x2.reshape((rows, 1, i2))?)?.sum(2)?;
        let y = match &self.bias {
            Some(b) => y.broadcast_add(b)?,
            None => y,
        };
        let mut shape = lead.to_vec();
        shape.push(self.out_features);
        y.reshape(shape)
    }
}
