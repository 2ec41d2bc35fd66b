//! Llama- and BERT-shaped models declared with the derive: names, counts, meta construction.

#[path = "../examples/models/bert.rs"]
mod bert;
#[path = "../examples/models/llama.rs"]
mod llama;

use bert::{Bert, BertConfig};
use llama::{Llama, LlamaConfig};
use modules::prelude::*;

#[test]
fn llama_names_are_hugging_faces() {
    let m = skip_init!(Llama, LlamaConfig::llama_125m(), device = Meta).unwrap();
    let sd = m.state_dict();
    let keys: Vec<&str> = sd.keys().collect();
    assert_eq!(keys[0], "model.embed_tokens.weight");
    assert_eq!(
        &keys[1..10],
        [
            "model.layers.0.self_attn.q_proj.weight",
            "model.layers.0.self_attn.k_proj.weight",
            "model.layers.0.self_attn.v_proj.weight",
            "model.layers.0.self_attn.o_proj.weight",
            "model.layers.0.mlp.gate_proj.weight",
            "model.layers.0.mlp.up_proj.weight",
            "model.layers.0.mlp.down_proj.weight",
            "model.layers.0.input_layernorm.weight",
            "model.layers.0.post_attention_layernorm.weight",
        ]
    );
    assert_eq!(&keys[keys.len() - 2..], ["model.norm.weight", "lm_head.weight"]);
    assert_eq!(keys.len(), 1 + 12 * 9 + 2);
}

#[test]
fn parameter_counts_of_the_configs_on_meta() {
    let tiny = skip_init!(Llama, LlamaConfig::tinyllama_1_1b(), device = Meta, dtype = BF16).unwrap();
    assert_eq!(tiny.num_parameters(), 1_100_048_384);
    let big = skip_init!(Llama, LlamaConfig::llama_70b(), device = Meta, dtype = BF16).unwrap();
    assert_eq!(big.num_parameters(), 68_976_648_192);
    let k = &big.model.layers[79].self_attn.k_proj.weight;
    assert_eq!((k.shape(), k.device(), k.dtype()), (vec![1024, 8192], Meta, BF16));
    let seven = skip_init!(Llama, LlamaConfig::llama_7b(), device = Meta).unwrap();
    assert_eq!(seven.num_parameters(), 6_738_415_616);
}

#[test]
fn llama_skip_init_on_cpu_allocates_lazily() {
    let m = skip_init!(Llama, LlamaConfig::llama_125m()).unwrap();
    assert!(m.state_dict().iter().all(|(_, t)| t.device() == Cpu));
    assert_eq!(m.model.layers[3].mlp.up_proj.weight.shape(), vec![2048, 768]);
}

#[test]
fn bert_names_include_self_and_layernorm() {
    let m = skip_init!(Bert, BertConfig::base(), device = Meta).unwrap();
    let keys: Vec<String> = m.state_dict().keys().map(String::from).collect();
    for k in [
        "embeddings.word_embeddings.weight",
        "embeddings.LayerNorm.weight",
        "encoder.layer.0.attention.self.query.weight",
        "encoder.layer.0.attention.self.value.bias",
        "encoder.layer.0.attention.output.dense.weight",
        "encoder.layer.0.attention.output.LayerNorm.bias",
        "encoder.layer.11.intermediate.dense.weight",
        "encoder.layer.11.output.LayerNorm.weight",
        "pooler.dense.bias",
    ] {
        assert!(keys.iter().any(|x| x == k), "missing {k}");
    }
    assert_eq!(m.num_parameters(), 109_482_240);
}
