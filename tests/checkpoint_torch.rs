//! PyTorch `torch.save` files and the layouts `load` recognizes, with files written by PyTorch
//! 2.15 (`scripts/make_bin_fixtures.py`) and the hostile pickles of `crates/modules-torch`.

use std::path::{Path, PathBuf};

use common::tensor_bytes;
use modules::prelude::*;

mod common;

fn bin(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/torch_bin")
        .join(name)
}

fn mlp() -> Sequential {
    skip_init!(
        Sequential,
        vec![
            modules::layer!(Linear, 16, 32),
            modules::layer!(Relu),
            modules::layer!(Linear, 32, 4)
        ]
    )
    .unwrap()
}

#[test]
fn a_strided_view_is_gathered_into_its_values() {
    let mut a = skip_init!(Linear, 4, 3).unwrap();
    a.load(bin("view.pt"), LoadOptions::strict()).unwrap();
    let mut b = skip_init!(Linear, 4, 3).unwrap();
    b.load(bin("view_expected.safetensors"), LoadOptions::strict())
        .unwrap();
    assert_eq!(tensor_bytes(&a), tensor_bytes(&b));
}

#[test]
fn a_sharded_torch_save_index_loads_and_its_paths_stay_in_the_folder() {
    let mut a = mlp();
    let r = a.load(bin("mlp_sharded"), LoadOptions::strict()).unwrap();
    assert!(r.is_complete(), "{r}");
    let mut b = mlp();
    b.load(bin("mlp_seq.pt"), LoadOptions::strict()).unwrap();
    assert_eq!(tensor_bytes(&a), tensor_bytes(&b));

    // The same index pointing one entry outside its folder is refused before anything opens.
    let d = tempfile::tempdir().unwrap();
    let inner = d.path().join("model");
    std::fs::create_dir(&inner).unwrap();
    for f in std::fs::read_dir(bin("mlp_sharded")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, inner.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::copy(
        bin("mlp_sharded/pytorch_model-00001-of-00002.bin"),
        d.path().join("evil.bin"),
    )
    .unwrap();
    let index = inner.join("pytorch_model.bin.index.json");
    let text = std::fs::read_to_string(&index).unwrap().replacen(
        "\"pytorch_model-00001",
        "\"../evil.bin\", \"x\": \"pytorch_model-00001",
        1,
    );
    std::fs::write(&index, text).unwrap();
    let mut c = mlp();
    common::assert_error_names(
        c.load(&inner, LoadOptions::strict()),
        &["\"../evil.bin\"", "`..`"],
    );
}

/// Hand-built pickles that would run `os.system`, `posix.system`, `builtins.eval` or a nested
/// `subprocess.call`: refused with the global's name, nothing runs, the module is unchanged.
#[test]
fn a_pickle_that_calls_anything_a_state_dict_does_not_need_is_refused() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/modules-torch/tests/fixtures");
    for (file, global) in [
        ("evil_os_system.pt", "os.system"),
        ("evil_posix_system.pt", "posix.system"),
        ("evil_eval.pt", "builtins.eval"),
        ("evil_nested.pt", "subprocess"),
    ] {
        let mut m = modules::new!(Linear, 2, 2).unwrap();
        let before = tensor_bytes(&m);
        let e = m
            .load(dir.join(file), LoadOptions::strict())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(file) && e.contains(global) && e.contains("nothing was run"),
            "{file}: {e}"
        );
        assert_eq!(before, tensor_bytes(&m), "{file}");
    }
    let e = skip_init!(Linear, 2, 2)
        .unwrap()
        .load(dir.join("legacy.pt"), LoadOptions::strict())
        .unwrap_err();
    assert!(e.to_string().contains("legacy"), "{e}");
}

#[test]
fn a_peft_adapter_loads_under_its_prefix() {
    let mut m = skip_init!(Linear, 5, 1).unwrap();
    let r = m.load(bin("peft"), LoadOptions::strict()).unwrap();
    assert!(r.is_complete(), "{r}");
    let mut want = skip_init!(Linear, 5, 1).unwrap();
    want.load(bin("linear_5_1.pt"), LoadOptions::strict()).unwrap();
    assert_eq!(tensor_bytes(&m), tensor_bytes(&want));
}

#[test]
fn a_folder_without_a_checkpoint_lists_what_it_holds() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("config.json"), "{}").unwrap();
    std::fs::write(d.path().join("tokenizer.json"), "{}").unwrap();
    common::assert_error_names(
        skip_init!(Linear, 5, 1)
            .unwrap()
            .load(d.path(), LoadOptions::strict()),
        &["no checkpoint in this folder", "[config.json, tokenizer.json]"],
    );
    one_file_decides(d.path());
}

/// A folder with one checkpoint file of any name loads it, whatever its extension says.
fn one_file_decides(dir: &Path) {
    std::fs::copy(bin("linear_5_1.pt"), dir.join("weights.safetensors")).unwrap();
    let mut m = skip_init!(Linear, 5, 1).unwrap();
    assert!(m.load(dir, LoadOptions::strict()).unwrap().is_complete());
}

/// Contiguous `.pt` storages are 64-byte aligned in the zip: a zero-copy load views them.
#[test]
fn a_torch_save_file_loads_zero_copy_into_a_meta_module() {
    let mut a = skip_init!(Sequential, common::builders::mlp_seq(), device = Meta).unwrap();
    a.load(bin("mlp_seq.pt"), LoadOptions::strict().zero_copy(true))
        .unwrap();
    assert!(a.state_dict().iter().all(|(_, t)| t.device() == Cpu));
    let mut b = mlp();
    b.load(bin("mlp_seq.pt"), LoadOptions::strict()).unwrap();
    assert_eq!(tensor_bytes(&a), tensor_bytes(&b));
}

/// A storage two names share (a tie in the saving module) loads into a tied module, and
/// into an untied one as two copies.
#[test]
fn names_sharing_one_storage_load_tied_or_untied() {
    #[derive(Module)]
    #[module(new())]
    struct Two {
        #[module(param = [2, 3], init = init::zeros())]
        a: Parameter,
        #[module(param = [2, 3], init = init::zeros())]
        b: Parameter,
    }
    let tied = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/modules-torch/tests/fixtures/tied.pt");
    let mut untied = modules::new!(Two).unwrap();
    let r = untied.load(&tied, LoadOptions::non_strict()).unwrap();
    assert_eq!(r.unexpected, ["c"], "{r}");
    let a = untied.a.tensor().to_vec::<f32>().unwrap();
    assert_eq!(a, untied.b.tensor().to_vec::<f32>().unwrap());
    assert!(a.iter().any(|&x| x != 0.0));
    let mut t = modules::new!(Two).unwrap();
    t.b = t.a.clone();
    t.load(&tied, LoadOptions::non_strict()).unwrap();
    assert_eq!(t.a.tensor().to_vec::<f32>().unwrap(), a);
}
