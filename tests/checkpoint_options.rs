//! Load options and what a load leaves behind: non-strict reports and `init_missing`,
//! never-written tracking, dry runs, casts, key mapping and partial loads, zero-copy views,
//! progress, and misaligned data.

#[path = "../examples/models/bert.rs"]
mod bert;
mod common;
#[path = "../examples/models/llama.rs"]
mod llama;

use std::path::PathBuf;

use bert::{Bert, BertConfig};
use common::{fixture, tensor_bytes as bytes_of, write_raw};
use llama::{Llama, LlamaConfig};
use modules::prelude::*;

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
    common::assert_error_names(
        bf16.check_safetensors(&path, LoadOptions::strict()),
        &["dtype mismatch for model.embed_tokens.weight", "cast_floats()"],
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
    let a = modules::new!(Linear, 8, 4).unwrap();
    let (_dir, path) = common::saved(&a, "f32.safetensors");
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
    let full = modules::new!(Bert, BertConfig::tiny()).unwrap();
    let (dir, path) = common::saved(&full, "bert.safetensors");
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
fn zero_copy_views_the_file_and_writes_stay_private() {
    let a = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let (_dir, path) = common::saved(&a, "llama.safetensors");
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
    common::assert_error_names(
        meta.load_safetensors(fixture("linear_5_1"), LoadOptions::strict()),
        &["weight: the tensor in current model is on meta"],
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
    assert!(
        calls.windows(2).all(|w| w[0].0 < w[1].0),
        "no report twice: {calls:?}"
    );
    // Views only: the start and the end.
    let mut ends = Vec::new();
    let mut z = skip_init!(Llama, LlamaConfig::tiny(), device = Meta).unwrap();
    let opts = LoadOptions::strict()
        .zero_copy(true)
        .progress(|d, t| ends.push((d, t)));
    let r = z.load_safetensors(&path, opts).unwrap();
    assert_eq!(ends, [(0, r.bytes), (r.bytes, r.bytes)]);
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
    let a = modules::new!(Linear, 64, 32).unwrap();
    let (_dir, path) = common::saved(&a, "lin.safetensors");
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

/// transformers' `position_ids`/`inv_freq` case: a checkpoint may or may not carry a key for a
/// non-persistent buffer. Present, it is reported as ignored (not unexpected, not loaded);
/// absent, it is not missing; and it is never saved.
#[test]
fn keys_of_non_persistent_buffers_are_ignored_never_required_never_saved() {
    let m = modules::new!(common::Model, 10, 4, n_layers = 1).unwrap();
    let (_dir, path) = common::saved(&m, "model.safetensors");
    let saved = std::fs::read(&path).unwrap();
    let names = safetensors::SafeTensors::deserialize(&saved)
        .unwrap()
        .names()
        .len();
    assert_eq!(
        names,
        m.state_dict().len(),
        "the non-persistent cache is not saved"
    );

    let mut with_cache = m.state_dict();
    let cache = Tensor::from_slice(&[7f32; 4], [4], Cpu).unwrap();
    with_cache.insert("layers.0.attn.cache", Buffer::new(cache).shared().clone());
    let mut n = skip_init!(common::Model, 10, 4, n_layers = 1).unwrap();
    let r = n.load_state_dict(&with_cache, LoadOptions::strict()).unwrap();
    assert!(r.is_complete(), "{r}");
    assert_eq!(r.ignored, ["layers.0.attn.cache"]);
    assert_ne!(
        n.layers[0].attn.cache.tensor().to_vec::<f32>().unwrap(),
        [7f32; 4],
        "not loaded"
    );
    let r = n.load_safetensors(&path, LoadOptions::strict()).unwrap();
    assert!(r.is_complete() && r.ignored.is_empty(), "{r}");
}
