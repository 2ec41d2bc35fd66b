//! Loading checkpoints into modules: PyTorch's fixtures, round trips for every dtype, the
//! example models through single and sharded files, ties, never-written tracking, dry runs,
//! key mapping, casts and zero-copy.

#[path = "../examples/models/bert.rs"]
mod bert;
mod common;
#[path = "../examples/models/llama.rs"]
mod llama;

use std::path::PathBuf;

use bert::{Bert, BertConfig};
use common::{tensor_bytes as bytes_of, write_raw};
use llama::{Llama, LlamaConfig};
use modules::prelude::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/torch_small/{name}.safetensors"))
}

/// The tensors of a safetensors file, read with the safetensors crate itself.
fn file_bytes(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let data = std::fs::read(path).unwrap();
    let st = safetensors::SafeTensors::deserialize(&data).unwrap();
    let mut v: Vec<(String, Vec<u8>)> = st
        .tensors()
        .into_iter()
        .map(|(k, t)| (k, t.data().to_vec()))
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    v.sort();
    v
}

/// A tiny Llama saved in a fresh temporary directory.
fn saved_tiny_llama() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("llama.safetensors");
    modules::new!(Llama, LlamaConfig::tiny())
        .unwrap()
        .save_safetensors(&path)
        .unwrap();
    (dir, path)
}

fn fixture_modules() -> Vec<(&'static str, Box<dyn Module>)> {
    vec![
        ("linear_5_1", Box::new(skip_init!(Linear, 5, 1).unwrap())),
        (
            "linear_64_32_nobias",
            Box::new(skip_init!(Linear, 64, 32, bias = false).unwrap()),
        ),
        (
            "conv2d_3_8_3",
            Box::new(skip_init!(Conv2d, 3, 8, 3.into()).unwrap()),
        ),
        (
            "embedding_100_16_pad0",
            Box::new(skip_init!(Embedding, 100, 16, padding_idx = Some(0)).unwrap()),
        ),
        ("layernorm_16", Box::new(skip_init!(LayerNorm, vec![16]).unwrap())),
        ("batchnorm2d_8", Box::new(skip_init!(BatchNorm2d, 8).unwrap())),
        (
            "mha_16_4",
            Box::new(skip_init!(MultiheadAttention, 16, 4).unwrap()),
        ),
        (
            "lstm_8_16_l2",
            Box::new(skip_init!(Lstm, 8, 16, num_layers = 2).unwrap()),
        ),
        (
            "mlp_seq",
            Box::new(
                skip_init!(
                    Sequential,
                    vec![
                        modules::layer!(Linear, 16, 32),
                        modules::layer!(Relu),
                        modules::layer!(Linear, 32, 4)
                    ]
                )
                .unwrap(),
            ),
        ),
    ]
}

#[test]
fn every_pytorch_fixture_loads_strictly_bit_for_bit() {
    for (name, mut m) in fixture_modules() {
        let path = fixture(name);
        assert!(
            !m.uninitialized().is_empty(),
            "{name}: skip_init leaves it unwritten"
        );
        let report = m.load_safetensors(&path, LoadOptions::strict()).unwrap();
        assert!(report.is_complete(), "{name}: {report}");
        assert_eq!(report.to_string(), "<All keys matched successfully>");
        assert_eq!(report.tensors, m.state_dict().len(), "{name}");
        assert_eq!(sorted(bytes_of(&*m)), file_bytes(&path), "{name}");
        assert!(m.uninitialized().is_empty(), "{name}: {:?}", m.uninitialized());
    }
}

#[test]
fn save_then_load_is_exact_for_every_dtype() {
    #[derive(Module)]
    #[module(new(n: usize))]
    struct AllDtypes {
        #[module(param = [n], init = init::normal(0.0, 3.0))]
        f32_: Parameter,
        #[module(buffer = [n, 2], init = init::normal(0.0, 3.0), dtype = F64)]
        f64_: Buffer,
        #[module(buffer = [n], init = init::normal(0.0, 3.0), dtype = F16)]
        f16_: Buffer,
        #[module(buffer = [n], init = init::normal(0.0, 3.0), dtype = BF16)]
        bf16_: Buffer,
        #[module(buffer = [n], init = init::constant(-7.0), dtype = I64)]
        i64_: Buffer,
        #[module(buffer = [n], init = init::constant(-70000.0), dtype = I32)]
        i32_: Buffer,
        #[module(buffer = [n], init = init::constant(-300.0), dtype = I16)]
        i16_: Buffer,
        #[module(buffer = [n], init = init::constant(-3.0), dtype = I8)]
        i8_: Buffer,
        #[module(buffer = [n], init = init::constant(200.0), dtype = U8)]
        u8_: Buffer,
        #[module(buffer = [n], init = init::constant(1.0), dtype = Bool)]
        bool_: Buffer,
        #[module(buffer = [], init = init::constant(5.0), dtype = I64)]
        scalar: Buffer,
    }
    let dir = tempfile::tempdir().unwrap();
    let a = modules::new!(AllDtypes, 37).unwrap();
    let path = dir.path().join("all.safetensors");
    a.save_safetensors(&path).unwrap();
    let mut b = skip_init!(AllDtypes, 37).unwrap();
    b.load_safetensors(&path, LoadOptions::strict()).unwrap();
    assert_eq!(bytes_of(&a), bytes_of(&b));
    let header = safetensors::SafeTensors::read_metadata(&std::fs::read(&path).unwrap())
        .unwrap()
        .1;
    assert_eq!(header.metadata().as_ref().unwrap()["format"], "pt");
}

fn tiny_llama_tied() -> Llama {
    let m = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let mut m = m;
    m.lm_head.weight = m.model.embed_tokens.weight.clone();
    m
}

#[test]
fn llama_and_bert_round_trip_through_single_and_sharded_files() {
    let dir = tempfile::tempdir().unwrap();
    let llama = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let bert = modules::new!(Bert, BertConfig::tiny()).unwrap();
    assert!(bert.state_dict().keys().any(|k| k == "embeddings.position_ids"));
    for (name, m) in [("llama", &llama as &dyn Module), ("bert", &bert)] {
        let single = dir.path().join(format!("{name}.safetensors"));
        m.save_safetensors(&single).unwrap();
        let sharded = dir.path().join(format!("{name}-sharded"));
        let files = m.save_safetensors_sharded(&sharded, 4096).unwrap();
        assert!(files.len() > 2, "{name}: {files:?}");
        assert!(files.last().unwrap().ends_with("model.safetensors.index.json"));
        for source in [single, files.last().unwrap().clone(), sharded.clone()] {
            let mut fresh: Box<dyn Module> = if name == "llama" {
                Box::new(skip_init!(Llama, LlamaConfig::tiny()).unwrap())
            } else {
                Box::new(skip_init!(Bert, BertConfig::tiny()).unwrap())
            };
            let r = fresh.load_safetensors(&source, LoadOptions::strict()).unwrap();
            assert!(r.is_complete(), "{name} from {}: {r}", source.display());
            assert_eq!(bytes_of(m), bytes_of(&*fresh), "{name} from {}", source.display());
        }
    }
    let index: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("llama-sharded/model.safetensors.index.json")).unwrap(),
    )
    .unwrap();
    let total: u64 = llama
        .state_dict()
        .iter()
        .map(|(_, t)| t.tensor().size_in_bytes() as u64)
        .sum();
    assert_eq!(index["metadata"]["total_size"], total);
}

#[test]
fn a_tied_weight_is_saved_once_and_loads_from_either_name() {
    let dir = tempfile::tempdir().unwrap();
    let a = tiny_llama_tied();
    let path = dir.path().join("tied.safetensors");
    a.save_safetensors(&path).unwrap();
    let keys: Vec<String> = file_bytes(&path).into_iter().map(|(k, _)| k).collect();
    assert!(keys.contains(&"model.embed_tokens.weight".to_string()));
    assert!(
        !keys.contains(&"lm_head.weight".to_string()),
        "stored once, under its first name"
    );

    let mut b = skip_init!(Llama, LlamaConfig::tiny()).unwrap();
    b.lm_head.weight = b.model.embed_tokens.weight.clone();
    let r = b.load_safetensors(&path, LoadOptions::strict()).unwrap();
    assert!(r.is_complete(), "the other name of a tie is not missing: {r}");
    assert!(b.lm_head.weight.is_tied_to(&b.model.embed_tokens.weight));
    assert_eq!(bytes_of(&a), bytes_of(&b));

    // Only the second name in the file: it loads the tie too.
    let only_head = dir.path().join("head.safetensors");
    let renamed = LoadOptions::strict().rename(|k| k.replace("model.embed_tokens.weight", "lm_head.weight"));
    let mut c = skip_init!(Llama, LlamaConfig::tiny()).unwrap();
    c.lm_head.weight = c.model.embed_tokens.weight.clone();
    c.load_safetensors(&path, renamed).unwrap();
    c.save_safetensors(&only_head).unwrap();
    assert!(c.lm_head.weight.is_tied_to(&c.model.embed_tokens.weight));
    assert_eq!(bytes_of(&a), bytes_of(&c));
}

#[test]
fn both_names_of_a_tie_with_different_bytes_is_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let untied = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let path = dir.path().join("untied.safetensors");
    untied.save_safetensors(&path).unwrap();
    let mut b = tiny_llama_tied();
    let before = bytes_of(&b);
    let e = b
        .load_safetensors(&path, LoadOptions::strict())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"model.embed_tokens.weight\" and \"lm_head.weight\""),
        "{e}"
    );
    assert_eq!(before, bytes_of(&b));
    assert!(b.lm_head.weight.is_tied_to(&b.model.embed_tokens.weight));
}

#[test]
fn strict_errors_use_pytorchs_wording() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lin.safetensors");
    skip_init!(Linear, 2, 2).unwrap().save_safetensors(&path).unwrap();
    let mut m = skip_init!(Linear, 1, 1, bias = false).unwrap();
    let e = m
        .load_safetensors(&path, LoadOptions::strict())
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) in state_dict: \"bias\". \n\t\
         size mismatch for weight: copying a param with shape torch.Size([2, 2]) from checkpoint, \
         the shape in current model is torch.Size([1, 1])."
    );
    // Not strict: the size mismatch is still an error, as in PyTorch.
    let e = m
        .load_safetensors(&path, LoadOptions::non_strict())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight"),
        "{e}"
    );

    let mut n = skip_init!(Linear, 2, 3).unwrap();
    let ok = skip_init!(Linear, 3, 2).unwrap();
    ok.save_safetensors(&path).unwrap();
    let e = n
        .load_safetensors(&path, LoadOptions::strict())
        .unwrap_err()
        .to_string();
    assert!(e.contains("size mismatch for weight"), "{e}");
    skip_init!(Linear, 3, 2, bias = false)
        .unwrap()
        .save_safetensors(&path)
        .unwrap();
    let mut biased = skip_init!(Linear, 3, 2).unwrap();
    let e = biased
        .load_safetensors(&path, LoadOptions::strict())
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: \"bias\". "
    );
}

#[test]
fn non_strict_reports_missing_and_unexpected_in_order_and_init_missing_fills_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("head.safetensors");
    let src = modules::new!(Linear, 4, 3).unwrap();
    let sd_file = dir.path().join("w.safetensors");
    src.save_safetensors(&path).unwrap();
    // A checkpoint holding only `weight` plus a stray key.
    #[derive(Module)]
    struct Partial {
        weight: Parameter,
        stray: Parameter,
    }
    let p = Partial {
        weight: src.weight.clone(),
        stray: Parameter::new(Tensor::zeros([1], Cpu).unwrap()),
    };
    p.save_safetensors(&sd_file).unwrap();

    let mut m = skip_init!(Linear, 4, 3).unwrap();
    let r = m.load_safetensors(&sd_file, LoadOptions::non_strict()).unwrap();
    assert_eq!(r.missing, ["bias"]);
    assert_eq!(r.unexpected, ["stray"]);
    assert_eq!(
        r.to_string(),
        "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['stray'])"
    );
    assert_eq!(m.uninitialized(), ["bias"]);

    let mut m = skip_init!(Linear, 4, 3).unwrap();
    m.load_safetensors(&sd_file, LoadOptions::non_strict().init_missing(true))
        .unwrap();
    assert!(m.uninitialized().is_empty());
    let bound = 1.0 / 2.0; // 1/sqrt(in_features)
    let bias = m.bias.as_ref().unwrap().tensor().to_vec::<f32>().unwrap();
    assert!(
        bias.iter().all(|b| b.abs() <= bound) && bias.iter().any(|&b| b != 0.0),
        "{bias:?}"
    );
    assert_eq!(
        m.weight.tensor().to_vec::<f32>().unwrap(),
        src.weight.tensor().to_vec::<f32>().unwrap()
    );
}

#[test]
fn uninitialized_tracks_every_kind_of_write_and_lists_non_persistent_buffers() {
    #[derive(Module)]
    #[module(new())]
    struct WithCache {
        #[module(new(2, 2))]
        lin: Linear,
        #[module(buffer = [4], init = init::ones(), persistent = false)]
        cache: Buffer,
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.safetensors");
    modules::new!(WithCache).unwrap().save_safetensors(&path).unwrap();
    let mut m = skip_init!(WithCache).unwrap();
    assert_eq!(
        m.uninitialized(),
        ["cache", "lin.weight", "lin.bias"],
        "own buffers, then children"
    );
    m.load_safetensors(&path, LoadOptions::strict()).unwrap();
    assert_eq!(
        m.uninitialized(),
        ["cache"],
        "no checkpoint holds a non-persistent buffer"
    );
    m.cache.tensor_mut().fill(2.0).unwrap();
    assert!(m.uninitialized().is_empty());
    m.to_empty(Cpu).unwrap();
    assert_eq!(m.uninitialized().len(), 3);
    m.reset_parameters().unwrap();
    assert!(m.uninitialized().is_empty());
    let meta = skip_init!(WithCache, device = Meta).unwrap();
    assert_eq!(meta.uninitialized().len(), 3);
    // init_missing after a strict load fills exactly the non-persistent buffer.
    let mut m = skip_init!(WithCache).unwrap();
    m.load_safetensors(&path, LoadOptions::strict().init_missing(true))
        .unwrap();
    assert_eq!(m.cache.tensor().to_vec::<f32>().unwrap(), [1.0; 4]);
}

#[test]
fn dry_run_on_meta_reports_what_a_load_would_and_writes_nothing() {
    let (_dir, path) = saved_tiny_llama();
    let meta = skip_init!(Llama, LlamaConfig::tiny(), device = Meta).unwrap();
    let r = meta.check_safetensors(&path, LoadOptions::strict()).unwrap();
    assert!(r.is_complete());
    assert_eq!(r.tensors, meta.state_dict().len());
    assert_eq!(
        r.bytes,
        meta.state_dict()
            .iter()
            .map(|(_, t)| t.tensor().size_in_bytes() as u64)
            .sum::<u64>()
    );
    assert_eq!(meta.model.embed_tokens.weight.device(), Meta);
    let bf16 = skip_init!(Llama, LlamaConfig::tiny(), device = Meta, dtype = BF16).unwrap();
    let e = bf16
        .check_safetensors(&path, LoadOptions::strict())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("dtype mismatch for model.embed_tokens.weight") && e.contains("cast_floats()"),
        "{e}"
    );
    let r = bf16
        .check_safetensors(&path, LoadOptions::strict().cast_floats())
        .unwrap();
    assert_eq!(
        r.bytes * 2,
        meta.check_safetensors(&path, LoadOptions::strict())
            .unwrap()
            .bytes
    );
}

#[test]
fn casts_are_fused_into_the_copy_and_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f32.safetensors");
    let a = modules::new!(Linear, 8, 4).unwrap();
    a.save_safetensors(&path).unwrap();
    let mut b = skip_init!(Linear, 8, 4, dtype = BF16).unwrap();
    let before = bytes_of(&b);
    assert!(b.load_safetensors(&path, LoadOptions::strict()).is_err());
    assert_eq!(before, bytes_of(&b));
    b.load_safetensors(&path, LoadOptions::strict().cast(F32))
        .unwrap();
    let want: Vec<half::bf16> = a
        .weight
        .tensor()
        .to_vec::<f32>()
        .unwrap()
        .into_iter()
        .map(half::bf16::from_f32)
        .collect();
    assert_eq!(b.weight.tensor().to_vec::<half::bf16>().unwrap(), want);
    let mut c = skip_init!(Linear, 8, 4, dtype = F64).unwrap();
    c.load_safetensors(&path, LoadOptions::strict().cast_floats())
        .unwrap();
    let wide: Vec<f64> = a
        .weight
        .tensor()
        .to_vec::<f32>()
        .unwrap()
        .into_iter()
        .map(f64::from)
        .collect();
    assert_eq!(c.weight.tensor().to_vec::<f64>().unwrap(), wide);
}

#[test]
fn key_mapping_and_partial_loads_into_a_sub_module() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bert.safetensors");
    let full = modules::new!(Bert, BertConfig::tiny()).unwrap();
    full.save_safetensors(&path).unwrap();
    let mut fresh = skip_init!(Bert, BertConfig::tiny()).unwrap();
    let r = fresh
        .encoder
        .load_safetensors(&path, LoadOptions::strict().strip_prefix("encoder."))
        .unwrap();
    assert!(r.is_complete(), "{r}");
    assert_eq!(
        r.skipped,
        full.state_dict().len() - full.encoder.state_dict().len()
    );
    assert_eq!(bytes_of(&full.encoder), bytes_of(&fresh.encoder));
    assert!(!fresh.embeddings.uninitialized().is_empty());

    // A checkpoint without the `bert.` prefix into a model that has it, and back.
    #[derive(Module)]
    #[module(new(cfg: BertConfig))]
    struct ForMaskedLm {
        #[module(new(cfg.clone()))]
        bert: Bert,
    }
    let mut wrapped = skip_init!(ForMaskedLm, BertConfig::tiny()).unwrap();
    let r = wrapped
        .load_safetensors(&path, LoadOptions::strict().add_prefix("bert."))
        .unwrap();
    assert!(r.is_complete());
    assert_eq!(bytes_of(&full), bytes_of(&wrapped.bert));
    let wrapped_path = dir.path().join("wrapped.safetensors");
    wrapped.save_safetensors(&wrapped_path).unwrap();
    let mut plain = skip_init!(Bert, BertConfig::tiny()).unwrap();
    assert!(plain
        .load_safetensors(&wrapped_path, LoadOptions::strict().strip_prefix("bert."))
        .unwrap()
        .is_complete());
}

#[test]
fn load_state_dict_from_another_module_and_from_itself() {
    let a = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let mut b = skip_init!(Llama, LlamaConfig::tiny()).unwrap();
    let r = b.load_state_dict(&a.state_dict(), LoadOptions::strict()).unwrap();
    assert!(r.is_complete());
    assert_eq!(bytes_of(&a), bytes_of(&b));
    let sd = b.state_dict();
    let r = b.load_state_dict(&sd, LoadOptions::strict()).unwrap();
    assert_eq!(r.tensors, 0, "its own tensors need no copy");
    // Keys that point at other slots of the same module (no deadlock, values moved).
    let before = b.model.layers[0]
        .self_attn
        .q_proj
        .weight
        .tensor()
        .to_vec::<f32>()
        .unwrap();
    let swap = LoadOptions::non_strict().rename(|k| {
        k.replace("q_proj", "TMP")
            .replace("k_proj", "q_proj")
            .replace("TMP", "k_proj")
    });
    let e = b.load_state_dict(&sd, swap);
    assert!(e.is_err(), "q and k have different shapes in this config");
    let _ = before;
    let mut sd_meta = modules::StateDict::default();
    sd_meta.insert(
        "weight",
        skip_init!(Linear, 1, 1, device = Meta)
            .unwrap()
            .weight
            .shared()
            .clone(),
    );
    let mut l = skip_init!(Linear, 1, 1).unwrap();
    let e = l
        .load_state_dict(&sd_meta, LoadOptions::non_strict())
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"weight\"") && e.contains("meta"), "{e}");
}

#[test]
fn zero_copy_views_the_file_and_writes_stay_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("llama.safetensors");
    let a = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    a.save_safetensors(&path).unwrap();
    let on_disk = std::fs::read(&path).unwrap();
    for device in [Cpu, Meta] {
        let mut b = skip_init!(Llama, LlamaConfig::tiny(), device = device).unwrap();
        b.lm_head.weight = b.model.embed_tokens.weight.clone();
        let mut b2 = skip_init!(Llama, LlamaConfig::tiny(), device = device).unwrap();
        let r = b2
            .load_safetensors(&path, LoadOptions::strict().zero_copy(true))
            .unwrap();
        assert!(r.is_complete());
        assert_eq!(bytes_of(&a), bytes_of(&b2));
        assert_eq!(b2.model.norm.weight.as_ref().unwrap().device(), Cpu);
        assert!(b2.uninitialized().is_empty());
        b2.model
            .norm
            .weight
            .as_ref()
            .unwrap()
            .tensor_mut()
            .fill(9.0)
            .unwrap();
        assert_eq!(
            b2.model
                .norm
                .weight
                .as_ref()
                .unwrap()
                .tensor()
                .to_vec::<f32>()
                .unwrap(),
            [9.0; 16]
        );
        drop(b);
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        on_disk,
        "the file is never written"
    );
    // Without zero_copy, a meta module cannot hold the data: a clear error.
    let mut meta = skip_init!(Linear, 5, 1, device = Meta).unwrap();
    let e = meta
        .load_safetensors(fixture("linear_5_1"), LoadOptions::strict())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("weight: the tensor in current model is on meta"),
        "{e}"
    );
}

#[test]
fn progress_reports_every_byte() {
    let (_dir, path) = saved_tiny_llama();
    let mut calls = Vec::new();
    let mut m = skip_init!(Llama, LlamaConfig::tiny()).unwrap();
    let r = m
        .load_safetensors(
            &path,
            LoadOptions::strict().progress(|done, total| calls.push((done, total))),
        )
        .unwrap();
    assert_eq!(calls.first(), Some(&(0, r.bytes)));
    assert_eq!(calls.last(), Some(&(r.bytes, r.bytes)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
}

#[test]
fn misaligned_tensor_data_loads_through_a_copy_in_every_mode() {
    #[derive(Module)]
    #[module(new())]
    struct Odd {
        #[module(buffer = [3], init = init::zeros(), dtype = U8)]
        tag: Buffer,
        #[module(param = [2], init = init::zeros())]
        w: Parameter,
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.safetensors");
    let mut data = vec![7u8, 8, 9];
    data.extend([1.5f32, -2.25].iter().flat_map(|x| x.to_le_bytes()));
    // `w` starts 3 bytes into the data: misaligned for f32 in the file and in any mapping.
    write_raw(
        &path,
        r#"{"tag":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"w":{"dtype":"F32","shape":[2],"data_offsets":[3,11]}}"#,
        &data,
    );
    for (device, opts) in [
        (Cpu, LoadOptions::strict()),
        (Cpu, LoadOptions::strict().zero_copy(true)),
        (Meta, LoadOptions::strict().zero_copy(true)),
        (Cpu, LoadOptions::strict().cast_floats()),
    ] {
        let mut m = skip_init!(Odd, device = device).unwrap();
        m.load_safetensors(&path, opts).unwrap();
        assert_eq!(m.w.tensor().to_vec::<f32>().unwrap(), [1.5, -2.25]);
        assert_eq!(m.tag.tensor().to_vec::<u8>().unwrap(), [7, 8, 9]);
    }
}

#[test]
fn zero_copy_tensors_outlive_the_file_name_and_the_loader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lin.safetensors");
    let a = modules::new!(Linear, 64, 32).unwrap();
    a.save_safetensors(&path).unwrap();
    let mut b = skip_init!(Linear, 64, 32, device = Meta).unwrap();
    b.load_safetensors(&path, LoadOptions::strict().zero_copy(true))
        .unwrap();
    std::fs::remove_file(&path).unwrap(); // the mapping keeps the data alive
    assert_eq!(bytes_of(&a), bytes_of(&b));
    let w = b.weight.clone();
    drop(b);
    assert_eq!(
        w.tensor().to_vec::<f32>().unwrap(),
        a.weight.tensor().to_vec::<f32>().unwrap()
    );
}
