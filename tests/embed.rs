//! all-MiniLM-L6-v2 end to end (feature `candle`): declared with `#[derive(Module)]`, loaded
//! by `modules`, run by candle through the bridge, equal to sentence-transformers on PyTorch
//! (CPU, f32) within 1e-5 per component (`tests/fixtures/embed/reference.json`, written by
//! `scripts/make_embed_reference.py`). The model folder comes from `scripts/get-minilm.sh`.
#![cfg(feature = "candle")]

#[path = "../examples/models/attention_kernel.rs"]
mod attention_kernel;
#[path = "../examples/models/bert.rs"]
mod bert;
#[path = "../examples/models/bert_forward.rs"]
mod bert_forward;
#[path = "../examples/models/embedder.rs"]
mod embedder;

use std::path::PathBuf;

use embedder::Embedder;

fn model_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("MODULES_MINILM").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/minilm/all-MiniLM-L6-v2"),
        PathBuf::from,
    );
    dir.join("model.safetensors").is_file().then_some(dir)
}

#[test]
fn minilm_embeddings_equal_sentence_transformers() {
    let Some(dir) = model_dir() else {
        return modules_cuda::report_skip("no all-MiniLM-L6-v2 folder: run scripts/get-minilm.sh");
    };
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/embed/reference.json"),
    )
    .unwrap();
    let reference: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sentences: Vec<String> = serde_json::from_value(reference["sentences"].clone()).unwrap();
    let want: Vec<Vec<f32>> = serde_json::from_value(reference["vectors"].clone()).unwrap();
    let got = Embedder::load(&dir, modules::Device::Cpu)
        .unwrap()
        .embed(&sentences)
        .unwrap();
    assert_eq!(got.len(), want.len());
    let mut worst = 0f32;
    for (s, (g, w)) in sentences.iter().zip(got.iter().zip(&want)) {
        assert_eq!(g.len(), 384);
        let diff = g.iter().zip(w).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        assert!(diff <= 1e-5, "{s:.40}: max abs difference {diff}");
        worst = worst.max(diff);
    }
    println!("largest difference from sentence-transformers: {worst:e}");
}

#[test]
fn bad_folders_and_inputs_are_errors() {
    let e = Embedder::load(std::path::Path::new("/no/such/folder"), modules::Device::Cpu)
        .err()
        .unwrap();
    assert!(e.to_string().contains("no such model folder"), "{e}");
    let d = tempfile::tempdir().unwrap();
    let e = Embedder::load(d.path(), modules::Device::Cpu).err().unwrap();
    assert!(e.to_string().contains("missing config.json"), "{e}");
    let Some(dir) = model_dir() else {
        return modules_cuda::report_skip("no all-MiniLM-L6-v2 folder: run scripts/get-minilm.sh");
    };
    let embedder = Embedder::load(&dir, modules::Device::Cpu).unwrap();
    assert!(embedder.embed(&[]).is_err());
}

/// candle-transformers' `BertModel` built through the module backend computes exactly what the
/// same model built from candle's own mmaped safetensors computes.
#[test]
fn the_module_backend_builds_candle_models_bit_for_bit_as_candle_does() {
    use candle_core::{DType, Device, Tensor};
    use candle_nn::VarBuilder;
    use candle_transformers::models::bert::{BertModel, Config};
    use modules::prelude::*;
    let Some(dir) = model_dir() else {
        return modules_cuda::report_skip("no all-MiniLM-L6-v2 folder: run scripts/get-minilm.sh");
    };
    let config: Config =
        serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    let cfg = embedder::bert_config(&config);
    let mut m = skip_init!(bert::Bert, cfg).unwrap();
    m.load(&dir, LoadOptions::strict()).unwrap();
    let ours = BertModel::load(
        modules::candle::var_builder(&m, DType::F32, &Device::Cpu),
        &config,
    )
    .unwrap();
    // SAFETY: the test's own model file, not modified while mapped.
    let vb = unsafe {
        VarBuilder::from_mmaped_safetensors(&[dir.join("model.safetensors")], DType::F32, &Device::Cpu)
    };
    let theirs = BertModel::load(vb.unwrap(), &config).unwrap();
    let ids = Tensor::new(
        &[[101u32, 7592, 2088, 999, 102], [101, 2023, 2003, 1037, 102]],
        &Device::Cpu,
    )
    .unwrap();
    let types = ids.zeros_like().unwrap();
    let run = |m: &BertModel| -> Vec<f32> {
        let y = m.forward(&ids, &types, None).unwrap();
        y.flatten_all().unwrap().to_vec1::<f32>().unwrap()
    };
    let (a, b) = (run(&ours), run(&theirs));
    assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
}
