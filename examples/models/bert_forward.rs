//! `Bert`'s forward on candle through the bridge: each child becomes its forward with
//! `ToCandleModule`, composed as Hugging Face's `BertModel.forward` composes them (post-norm
//! layers, exact GELU). Two changes that leave the numbers PyTorch's within 1e-5: the query, key
//! and value projections run as one matmul, with the 1/√head_dim scale folded into the query's
//! weights; and tokens stay one `[batch·len, hidden]` matrix between the attention blocks, so
//! that every projection is one large matmul.

use candle_core::{Device as CDevice, Module as _, Result as CResult, Tensor as CTensor};
use modules::candle::{GeluForward, ToCandleModule};
use modules::nn::GeluApproximate;

use crate::attention_kernel::self_attention;
use crate::bert::{Bert, BertLayer};

struct LayerForward {
    qkv: candle_nn::Linear,
    attention_out: candle_nn::Linear,
    attention_norm: candle_nn::LayerNorm,
    intermediate: candle_nn::Linear,
    out: candle_nn::Linear,
    out_norm: candle_nn::LayerNorm,
}

pub struct BertForward {
    word: candle_nn::Embedding,
    position: candle_nn::Embedding,
    token_type: candle_nn::Embedding,
    embedding_norm: candle_nn::LayerNorm,
    layers: Vec<LayerForward>,
    heads: usize,
}

fn layer(l: &BertLayer, heads: usize, dev: &CDevice) -> modules::Result<LayerForward> {
    let attn = &l.attention.self_;
    let (q, k, v) = (
        attn.query.to_candle_module(dev)?,
        attn.key.to_candle_module(dev)?,
        attn.value.to_candle_module(dev)?,
    );
    let scale = 1.0 / ((attn.query.out_features / heads) as f64).sqrt();
    let fused = || -> CResult<candle_nn::Linear> {
        let weight = CTensor::cat(
            &[(q.weight() * scale)?, k.weight().clone(), v.weight().clone()],
            0,
        )?;
        let bias = match (q.bias(), k.bias(), v.bias()) {
            (Some(bq), Some(bk), Some(bv)) => {
                Some(CTensor::cat(&[(bq * scale)?, bk.clone(), bv.clone()], 0)?)
            }
            (None, None, None) => None,
            _ => candle_core::bail!("query, key and value must all have a bias or none"),
        };
        Ok(candle_nn::Linear::new(weight, bias))
    };
    Ok(LayerForward {
        qkv: fused().map_err(|e| modules::Error::InvalidArgument {
            function: "BertForward::new",
            message: e.to_string(),
        })?,
        attention_out: l.attention.output.dense.to_candle_module(dev)?,
        attention_norm: l.attention.output.layer_norm.to_candle_module(dev)?,
        intermediate: l.intermediate.dense.to_candle_module(dev)?,
        out: l.output.dense.to_candle_module(dev)?,
        out_norm: l.output.layer_norm.to_candle_module(dev)?,
    })
}

impl BertForward {
    /// The converted weights of a loaded `Bert` with `heads` attention heads.
    pub fn new(bert: &Bert, heads: usize, dev: &CDevice) -> modules::Result<BertForward> {
        let e = &bert.embeddings;
        Ok(BertForward {
            word: e.word_embeddings.to_candle_module(dev)?,
            position: e.position_embeddings.to_candle_module(dev)?,
            token_type: e.token_type_embeddings.to_candle_module(dev)?,
            embedding_norm: e.layer_norm.to_candle_module(dev)?,
            layers: bert
                .encoder
                .layer
                .iter()
                .map(|l| layer(l, heads, dev))
                .collect::<modules::Result<_>>()?,
            heads,
        })
    }

    /// The last hidden state `[batch, len, hidden]` for token ids and type ids `[batch, len]`
    /// and the attention mask (1 for tokens, 0 for padding).
    pub fn forward(&self, ids: &CTensor, types: &CTensor, mask: &CTensor) -> CResult<CTensor> {
        let (b, l) = ids.dims2()?;
        let positions = CTensor::arange(0u32, l as u32, ids.device())?.unsqueeze(0)?;
        let x = (self.word.forward(ids)? + self.token_type.forward(types)?)?
            .broadcast_add(&self.position.forward(&positions)?)?;
        let hidden = x.dim(2)?;
        let mut x = self.embedding_norm.forward(&x)?.reshape((b * l, hidden))?;
        // Hugging Face's extended mask: 0 where attended, the dtype's minimum where padded.
        let blocked = ((mask.to_dtype(candle_core::DType::F32)? - 1.0)? * f32::MAX as f64)?;
        let gelu = GeluForward(GeluApproximate::Exact);
        for layer in &self.layers {
            let qkv = layer.qkv.forward(&x)?.reshape((b, l, 3 * hidden))?;
            let context = self_attention(&qkv, &blocked, self.heads)?.reshape((b * l, hidden))?;
            let a = layer
                .attention_norm
                .forward(&(layer.attention_out.forward(&context)? + &x)?)?;
            let i = gelu.forward(&layer.intermediate.forward(&a)?)?;
            x = layer.out_norm.forward(&(layer.out.forward(&i)? + &a)?)?;
        }
        x.reshape((b, l, hidden))
    }
}
