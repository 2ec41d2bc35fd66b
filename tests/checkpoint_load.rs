//! Loading checkpoints into modules: PyTorch's fixtures, round trips for every dtype, the
//! example models through single and sharded files, ties, PyTorch's error wording, and state
//! dicts. Options are in `checkpoint_options.rs`, malformed files in `checkpoint_bad_input.rs`.

#[path = "../examples/models/bert.rs"]
mod bert;
mod common;
#[path = "../examples/models/llama.rs"]
mod llama;

use bert::{Bert, BertConfig};
use common::{fixture, tensor_bytes as bytes_of};
use llama::{Llama, LlamaConfig};
use modules::prelude::*;

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
            Box::new(skip_init!(Sequential, common::builders::mlp_seq()).unwrap()),
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

/// The same state dicts saved by `torch.save` (`tests/fixtures/torch_bin/*.pt`): read without
/// running pickle code, they load the same bytes as PyTorch's safetensors files, through
/// `load`, which decides the format by content.
#[test]
fn every_pytorch_fixture_loads_from_torch_save_as_from_safetensors() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/torch_bin");
    for ((name, mut a), (_, mut b)) in fixture_modules().into_iter().zip(fixture_modules()) {
        a.load_safetensors(fixture(name), LoadOptions::strict()).unwrap();
        let pt = dir.join(format!("{name}.pt"));
        let dry = b.check(&pt, LoadOptions::strict()).unwrap();
        assert!(
            dry.is_complete() && !b.uninitialized().is_empty(),
            "{name}: a dry run writes nothing"
        );
        let report = b.load(&pt, LoadOptions::strict()).unwrap();
        assert!(report.is_complete(), "{name}: {report}");
        assert_eq!(sorted(bytes_of(&*b)), sorted(bytes_of(&*a)), "{name}");
        assert!(b.uninitialized().is_empty(), "{name}");
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
    let a = modules::new!(AllDtypes, 37).unwrap();
    let (_dir, path) = common::saved(&a, "all.safetensors");
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
    let a = tiny_llama_tied();
    let (dir, path) = common::saved(&a, "tied.safetensors");
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
    let untied = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let (_dir, path) = common::saved(&untied, "untied.safetensors");
    let mut b = tiny_llama_tied();
    let before = bytes_of(&b);
    common::assert_error_names(
        b.load_safetensors(&path, LoadOptions::strict()),
        &["\"model.embed_tokens.weight\" and \"lm_head.weight\""],
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
    common::assert_error_names(
        n.load_safetensors(&path, LoadOptions::strict()),
        &["size mismatch for weight"],
    );
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
fn load_state_dict_from_another_module_and_from_itself() {
    let a = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let mut b = skip_init!(Llama, LlamaConfig::tiny()).unwrap();
    let r = b.load_state_dict(&a.state_dict(), LoadOptions::strict()).unwrap();
    assert!(r.is_complete());
    assert_eq!(bytes_of(&a), bytes_of(&b));
    let sd = b.state_dict();
    let r = b.load_state_dict(&sd, LoadOptions::strict()).unwrap();
    assert_eq!(r.tensors, 0, "its own tensors need no copy");
    // Keys that point at other slots of the same module: k and v swap (no deadlock, and
    // each reads the other's bytes as they were before the load).
    let layer = &b.model.layers[0].self_attn;
    let (k, v) = (
        layer.k_proj.weight.tensor().to_vec::<f32>().unwrap(),
        layer.v_proj.weight.tensor().to_vec::<f32>().unwrap(),
    );
    assert_ne!(k, v);
    let swap = LoadOptions::strict().rename(|key| {
        key.replace("k_proj", "TMP")
            .replace("v_proj", "k_proj")
            .replace("TMP", "v_proj")
    });
    b.load_state_dict(&sd, swap).unwrap();
    let layer = &b.model.layers[0].self_attn;
    assert_eq!(layer.k_proj.weight.tensor().to_vec::<f32>().unwrap(), v);
    assert_eq!(layer.v_proj.weight.tensor().to_vec::<f32>().unwrap(), k);
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
    common::assert_error_names(
        l.load_state_dict(&sd_meta, LoadOptions::non_strict()),
        &["\"weight\"", "meta"],
    );
}
