//! Sentence embeddings from a sentence-transformers folder (all-MiniLM-L6-v2 and other BERT
//! encoders): the BERT is `bert::Bert` (`#[derive(Module)]`), built with `skip_init!` and
//! loaded strictly by `modules`; its forward is its children's forwards through the bridge
//! (`bert_forward.rs`). Pooling and normalization follow the folder's `modules.json` and
//! `1_Pooling/config.json`.

use std::path::{Path, PathBuf};

use candle_core::{DType as CDType, Device as CDevice, Tensor as CTensor};
use candle_transformers::models::bert::{Config, HiddenAct};
use modules::prelude::*;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::bert::{Bert, BertConfig};
use crate::bert_forward::BertForward;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Our BERT's shape from a Hugging Face `config.json`, as candle-transformers reads it.
pub fn bert_config(config: &Config) -> BertConfig {
    BertConfig {
        vocab_size: config.vocab_size,
        hidden: config.hidden_size,
        n_layers: config.num_hidden_layers,
        intermediate: config.intermediate_size,
        max_positions: config.max_position_embeddings,
        type_vocab_size: config.type_vocab_size,
        eps: config.layer_norm_eps,
    }
}

pub struct Embedder {
    bert: BertForward,
    tokenizer: Tokenizer,
    device: CDevice,
    normalize: bool,
}

fn file(dir: &Path, name: &str) -> Result<PathBuf, BoxError> {
    let p = dir.join(name);
    if p.is_file() {
        Ok(p)
    } else {
        Err(format!(
            "{}: missing {name} (expected a sentence-transformers model folder)",
            dir.display()
        )
        .into())
    }
}

fn json(path: &Path) -> Result<serde_json::Value, BoxError> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()).into())
}

impl Embedder {
    /// Loads the folder on `device` (only `Cpu` computes here: candle's CUDA build is not made).
    pub fn load(dir: &Path, device: Device) -> Result<Embedder, BoxError> {
        if device != Cpu {
            return Err(format!("device {device}: the candle bridge computes on the CPU only (candle's CUDA build is not made yet)").into());
        }
        if !dir.is_dir() {
            return Err(format!("{}: no such model folder", dir.display()).into());
        }
        let config_path = file(dir, "config.json")?;
        let config: Config = serde_json::from_value(json(&config_path)?)?;
        let mut m = skip_init!(Bert, bert_config(&config), device = device)?;
        m.load(file(dir, "model.safetensors")?, LoadOptions::strict())?;
        if config.hidden_act != HiddenAct::Gelu {
            return Err(format!(
                "{}: hidden_act {:?}: the forward computes BERT's exact GELU only",
                config_path.display(),
                config.hidden_act
            )
            .into());
        }
        let bert = BertForward::new(&m, config.num_attention_heads, &CDevice::Cpu)?;

        let pooling = json(&file(dir, "1_Pooling/config.json")?)?;
        if pooling["pooling_mode_mean_tokens"] != true {
            return Err(format!(
                "{}: only mean pooling is supported",
                dir.join("1_Pooling/config.json").display()
            )
            .into());
        }
        let modules_json = std::fs::read_to_string(file(dir, "modules.json")?)?;
        let normalize = modules_json.contains("sentence_transformers.models.Normalize");
        let max_len = json(&dir.join("sentence_bert_config.json"))
            .ok()
            .and_then(|c| c["max_seq_length"].as_u64())
            .unwrap_or(256) as usize;
        let mut tokenizer = Tokenizer::from_file(file(dir, "tokenizer.json")?)?;
        // As sentence-transformers: truncate at max_seq_length, pad the batch to its longest.
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_len,
                ..Default::default()
            }))?
            .with_padding(Some(PaddingParams {
                strategy: PaddingStrategy::BatchLongest,
                ..Default::default()
            }));
        Ok(Embedder {
            bert,
            tokenizer,
            device: CDevice::Cpu,
            normalize,
        })
    }

    /// One vector per sentence, the sentences run as one padded batch.
    pub fn embed(&self, sentences: &[String]) -> Result<Vec<Vec<f32>>, BoxError> {
        if sentences.is_empty() {
            return Err("no sentences to embed".into());
        }
        let encodings = self.tokenizer.encode_batch(sentences.to_vec(), true)?;
        let (batch, len) = (encodings.len(), encodings[0].get_ids().len());
        let gather = |f: &dyn Fn(&tokenizers::Encoding) -> &[u32]| -> Vec<u32> {
            encodings.iter().flat_map(|e| f(e).iter().copied()).collect()
        };
        let ids = CTensor::from_vec(gather(&|e| e.get_ids()), (batch, len), &self.device)?;
        let types = CTensor::from_vec(gather(&|e| e.get_type_ids()), (batch, len), &self.device)?;
        let mask = CTensor::from_vec(gather(&|e| e.get_attention_mask()), (batch, len), &self.device)?;
        let hidden = self.bert.forward(&ids, &types, &mask)?; // [batch, len, hidden]
        let mask = mask.to_dtype(CDType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
        let mut pooled = summed.broadcast_div(&counts)?;
        if self.normalize {
            let norm = pooled.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
            pooled = pooled.broadcast_div(&norm)?;
        }
        Ok(pooled.to_vec2::<f32>()?)
    }
}
