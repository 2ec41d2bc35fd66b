//! A Llama-shaped decoder (Hugging Face names), declared with the derive.
#![allow(dead_code)]

use modules::prelude::*;

/// The shapes of a Llama model.
#[derive(Clone, Debug)]
pub struct LlamaConfig {
    pub vocab_size: usize,
    pub dim: usize,
    pub n_layers: usize,
    pub n_heads: usize,
    pub n_kv_heads: usize,
    pub ffn_dim: usize,
    pub norm_eps: f64,
}

impl LlamaConfig {
    /// A small 125M-class model.
    pub fn llama_125m() -> Self {
        LlamaConfig {
            vocab_size: 32000,
            dim: 768,
            n_layers: 12,
            n_heads: 12,
            n_kv_heads: 12,
            ffn_dim: 2048,
            norm_eps: 1e-5,
        }
    }

    /// A few-kilobyte model of the same structure, for tests.
    pub fn tiny() -> Self {
        LlamaConfig {
            vocab_size: 64,
            dim: 16,
            n_layers: 2,
            n_heads: 4,
            n_kv_heads: 2,
            ffn_dim: 24,
            norm_eps: 1e-5,
        }
    }

    /// TinyLlama 1.1B.
    pub fn tinyllama_1_1b() -> Self {
        LlamaConfig {
            vocab_size: 32000,
            dim: 2048,
            n_layers: 22,
            n_heads: 32,
            n_kv_heads: 4,
            ffn_dim: 5632,
            norm_eps: 1e-5,
        }
    }

    /// Llama-2 7B.
    pub fn llama_7b() -> Self {
        LlamaConfig {
            vocab_size: 32000,
            dim: 4096,
            n_layers: 32,
            n_heads: 32,
            n_kv_heads: 32,
            ffn_dim: 11008,
            norm_eps: 1e-5,
        }
    }

    /// Llama-2 70B.
    pub fn llama_70b() -> Self {
        LlamaConfig {
            vocab_size: 32000,
            dim: 8192,
            n_layers: 80,
            n_heads: 64,
            n_kv_heads: 8,
            ffn_dim: 28672,
            norm_eps: 1e-5,
        }
    }

    pub fn head_dim(&self) -> usize {
        self.dim / self.n_heads
    }
}

#[derive(Module)]
#[module(new(cfg: LlamaConfig))]
pub struct LlamaAttention {
    #[module(new(cfg.dim, cfg.n_heads * cfg.head_dim(), bias = false))]
    pub q_proj: Linear,
    #[module(new(cfg.dim, cfg.n_kv_heads * cfg.head_dim(), bias = false))]
    pub k_proj: Linear,
    #[module(new(cfg.dim, cfg.n_kv_heads * cfg.head_dim(), bias = false))]
    pub v_proj: Linear,
    #[module(new(cfg.n_heads * cfg.head_dim(), cfg.dim, bias = false))]
    pub o_proj: Linear,
}

#[derive(Module)]
#[module(new(cfg: LlamaConfig))]
pub struct LlamaMlp {
    #[module(new(cfg.dim, cfg.ffn_dim, bias = false))]
    pub gate_proj: Linear,
    #[module(new(cfg.dim, cfg.ffn_dim, bias = false))]
    pub up_proj: Linear,
    #[module(new(cfg.ffn_dim, cfg.dim, bias = false))]
    pub down_proj: Linear,
}

#[derive(Module)]
#[module(new(cfg: LlamaConfig))]
pub struct LlamaDecoderLayer {
    #[module(new(cfg.clone()))]
    pub self_attn: LlamaAttention,
    #[module(new(cfg.clone()))]
    pub mlp: LlamaMlp,
    #[module(new(vec![cfg.dim], eps = Some(cfg.norm_eps)))]
    pub input_layernorm: RmsNorm,
    #[module(new(vec![cfg.dim], eps = Some(cfg.norm_eps)))]
    pub post_attention_layernorm: RmsNorm,
}

#[derive(Module)]
#[module(new(cfg: LlamaConfig))]
pub struct LlamaModel {
    #[module(new(cfg.vocab_size, cfg.dim))]
    pub embed_tokens: Embedding,
    #[module(new(cfg.clone()), repeat = cfg.n_layers)]
    pub layers: Vec<LlamaDecoderLayer>,
    #[module(new(vec![cfg.dim], eps = Some(cfg.norm_eps)))]
    pub norm: RmsNorm,
}

/// `LlamaForCausalLM`: names `model.layers.0.self_attn.q_proj.weight`, ..., `lm_head.weight`.
#[derive(Module)]
#[module(new(cfg: LlamaConfig))]
pub struct Llama {
    #[module(new(cfg.clone()))]
    pub model: LlamaModel,
    #[module(new(cfg.dim, cfg.vocab_size, bias = false))]
    pub lm_head: Linear,
}

/// Megatron-style tensor parallelism for this model, with `torch.distributed.tensor.parallel`'s
/// names: q/k/v/gate/up column-wise, o/down row-wise, the embedding and the head split along
/// the vocabulary, the norms replicated.
pub fn tensor_parallel_plan() -> modules::shard::ShardPlan {
    use modules::shard::{ColwiseParallel, Placement, RowwiseParallel, ShardPlan};
    let mut plan = ShardPlan::new().exact("model.embed_tokens.weight", Placement::Shard(0));
    for m in [
        "self_attn.q_proj",
        "self_attn.k_proj",
        "self_attn.v_proj",
        "mlp.gate_proj",
        "mlp.up_proj",
    ] {
        plan = plan.module(&format!("model.layers.*.{m}"), ColwiseParallel);
    }
    for m in ["self_attn.o_proj", "mlp.down_proj"] {
        plan = plan.module(&format!("model.layers.*.{m}"), RowwiseParallel);
    }
    plan.module("lm_head", ColwiseParallel)
}
