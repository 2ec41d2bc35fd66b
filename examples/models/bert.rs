//! A BERT-shaped encoder with Hugging Face's names (`attention.self.query`, `LayerNorm`).
#![allow(dead_code)]

use modules::prelude::*;

#[derive(Clone, Debug)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden: usize,
    pub n_layers: usize,
    pub intermediate: usize,
    pub max_positions: usize,
    pub type_vocab_size: usize,
    pub eps: f64,
}

impl BertConfig {
    pub fn base() -> Self {
        BertConfig {
            vocab_size: 30522,
            hidden: 768,
            n_layers: 12,
            intermediate: 3072,
            max_positions: 512,
            type_vocab_size: 2,
            eps: 1e-12,
        }
    }

    /// A few-kilobyte model of the same structure, for tests.
    pub fn tiny() -> Self {
        BertConfig {
            vocab_size: 50,
            hidden: 8,
            n_layers: 2,
            intermediate: 16,
            max_positions: 12,
            type_vocab_size: 2,
            eps: 1e-12,
        }
    }
}

/// `torch.arange(max_positions).expand((1, -1))`, which Hugging Face BERT checkpoints carry
/// as the persistent buffer `embeddings.position_ids`.
#[derive(Debug)]
pub struct PositionIds;

impl modules::Initializer for PositionIds {
    fn initialize(&self, t: &mut Tensor) -> Result<(), Error> {
        let ids: Vec<i64> = (0..t.numel() as i64).collect();
        *t = Tensor::from_slice(&ids, t.shape(), t.device())?;
        Ok(())
    }
}

#[derive(Module)]
#[module(new(cfg: BertConfig))]
pub struct BertEmbeddings {
    #[module(new(cfg.vocab_size, cfg.hidden, padding_idx = Some(0)))]
    pub word_embeddings: Embedding,
    #[module(new(cfg.max_positions, cfg.hidden))]
    pub position_embeddings: Embedding,
    #[module(new(cfg.type_vocab_size, cfg.hidden))]
    pub token_type_embeddings: Embedding,
    #[module(new(vec![cfg.hidden], eps = cfg.eps), rename = "LayerNorm")]
    pub layer_norm: LayerNorm,
    #[module(buffer = [1, cfg.max_positions], init = PositionIds, dtype = I64)]
    pub position_ids: Buffer,
}

#[derive(Module)]
#[module(new(cfg: BertConfig))]
pub struct BertSelfAttention {
    #[module(new(cfg.hidden, cfg.hidden))]
    pub query: Linear,
    #[module(new(cfg.hidden, cfg.hidden))]
    pub key: Linear,
    #[module(new(cfg.hidden, cfg.hidden))]
    pub value: Linear,
}

#[derive(Module)]
#[module(new(inp: usize, out: usize, eps: f64))]
pub struct BertOutput {
    #[module(new(inp, out))]
    pub dense: Linear,
    #[module(new(vec![out], eps = eps), rename = "LayerNorm")]
    pub layer_norm: LayerNorm,
}

#[derive(Module)]
#[module(new(cfg: BertConfig))]
pub struct BertAttention {
    #[module(new(cfg.clone()), rename = "self")]
    pub self_: BertSelfAttention,
    #[module(new(cfg.hidden, cfg.hidden, cfg.eps))]
    pub output: BertOutput,
}

#[derive(Module)]
#[module(new(inp: usize, out: usize))]
pub struct Dense {
    #[module(new(inp, out))]
    pub dense: Linear,
}

#[derive(Module)]
#[module(new(cfg: BertConfig))]
pub struct BertLayer {
    #[module(new(cfg.clone()))]
    pub attention: BertAttention,
    #[module(new(cfg.hidden, cfg.intermediate))]
    pub intermediate: Dense,
    #[module(new(cfg.intermediate, cfg.hidden, cfg.eps))]
    pub output: BertOutput,
}

#[derive(Module)]
#[module(new(cfg: BertConfig))]
pub struct BertEncoder {
    #[module(new(cfg.clone()), repeat = cfg.n_layers)]
    pub layer: Vec<BertLayer>,
}

#[derive(Module)]
#[module(new(cfg: BertConfig))]
pub struct Bert {
    #[module(new(cfg.clone()))]
    pub embeddings: BertEmbeddings,
    #[module(new(cfg.clone()))]
    pub encoder: BertEncoder,
    #[module(new(cfg.hidden, cfg.hidden))]
    pub pooler: Dense,
}
