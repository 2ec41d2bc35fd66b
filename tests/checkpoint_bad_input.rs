//! Malformed checkpoints: each is an `Error` naming the file (and the tensor, where there is
//! one), and the module is left byte for byte as it was.

use std::path::{Path, PathBuf};

use common::{tensor_bytes as bytes_of, write_raw};
use modules::prelude::*;

mod common;

#[derive(Module)]
#[module(new())]
struct Net {
    #[module(new(4, 3))]
    lin: Linear,
    #[module(buffer = [], init = init::constant(5.0), dtype = I64)]
    steps: Buffer,
}

const DATA_LEN: usize = 48 + 12 + 8;

fn header(weight: &str, bias: &str, steps: &str) -> String {
    format!(r#"{{"__metadata__":{{"format":"pt"}},"lin.weight":{weight},"lin.bias":{bias},"steps":{steps}}}"#)
}

fn good_header() -> String {
    header(
        r#"{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]}"#,
        r#"{"dtype":"F32","shape":[3],"data_offsets":[48,60]}"#,
        r#"{"dtype":"I64","shape":[],"data_offsets":[60,68]}"#,
    )
}

/// Loads `path` into a fresh initialized `Net` and checks that it fails, that the message
/// names the file and each of `names`, and that nothing changed.
fn rejects(path: &Path, names: &[&str]) -> String {
    let mut m = modules::new!(Net).unwrap();
    let before = bytes_of(&m);
    let e = m
        .load_safetensors(path, LoadOptions::strict())
        .expect_err("a malformed file must not load");
    let msg = e.to_string();
    let file = path.file_name().unwrap().to_str().unwrap();
    assert!(msg.contains(file), "{msg:?} should name {file}");
    for n in names {
        assert!(msg.contains(n), "{msg:?} should name {n}");
    }
    assert_eq!(before, bytes_of(&m), "a failed load changed the module: {msg}");
    assert!(m.uninitialized().is_empty());
    msg
}

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn the_hand_written_file_is_valid() {
    let d = dir();
    let p = d.path().join("good.safetensors");
    write_raw(&p, &good_header(), &[1; DATA_LEN]);
    let mut m = skip_init!(Net).unwrap();
    assert!(m
        .load_safetensors(&p, LoadOptions::strict())
        .unwrap()
        .is_complete());
}

#[test]
fn truncated_file() {
    let d = dir();
    let p = d.path().join("truncated.safetensors");
    write_raw(&p, &good_header(), &[1; DATA_LEN - 5]);
    let msg = rejects(&p, &["steps"]);
    assert!(msg.contains("truncated"), "{msg}");
    let tiny = d.path().join("tiny.safetensors");
    std::fs::write(&tiny, [1, 2, 3]).unwrap();
    assert!(rejects(&tiny, &[]).contains("expected at least 8 bytes"));
}

#[test]
fn header_length_larger_than_the_file() {
    let d = dir();
    let p = d.path().join("long_header.safetensors");
    let mut bytes = (1u64 << 40).to_le_bytes().to_vec();
    bytes.extend(b"{}      ");
    std::fs::write(&p, bytes).unwrap();
    assert!(rejects(&p, &[]).contains("header length 1099511627776 exceeds the 100 MB"));
    std::fs::write(&p, [(1u64 << 26).to_le_bytes().as_slice(), b"{}      "].concat()).unwrap();
    assert!(rejects(&p, &[]).contains("header length 67108864 is larger than"));
}

#[test]
fn header_that_is_not_utf8_or_not_a_json_object() {
    let d = dir();
    let p = d.path().join("latin1.safetensors");
    let mut h = good_header().into_bytes();
    h[3] = 0xFF;
    write_raw(&p, std::str::from_utf8(&h).unwrap_or("placeholder"), &[]);
    let mut bytes = std::fs::read(&p).unwrap();
    let n = h.len().next_multiple_of(8);
    bytes.truncate(8);
    bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
    h.resize(n, b' ');
    bytes.extend(h);
    bytes.extend([1; DATA_LEN]);
    std::fs::write(&p, bytes).unwrap();
    assert!(rejects(&p, &[]).contains("not valid UTF-8"));

    for (name, text) in [
        ("array", "[1, 2, 3]"),
        ("garbage", "{\"lin.weight\": nope}"),
        ("string", "\"x\""),
    ] {
        let p = d.path().join(format!("{name}.safetensors"));
        write_raw(&p, text, &[]);
        assert!(rejects(&p, &[]).contains("JSON object"), "{name}");
    }
}

#[test]
fn overlapping_out_of_bounds_or_gapped_offsets() {
    let d = dir();
    let w = r#"{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]}"#;
    let steps = r#"{"dtype":"I64","shape":[],"data_offsets":[60,68]}"#;
    let cases = [
        (
            "overlap",
            r#"{"dtype":"F32","shape":[3],"data_offsets":[40,52]}"#,
            "lin.bias",
            "overlap",
        ),
        (
            "gap",
            r#"{"dtype":"F32","shape":[3],"data_offsets":[50,62]}"#,
            "lin.bias",
            "gap",
        ),
    ];
    for (name, bias, tensor, what) in cases {
        let p = d.path().join(format!("{name}.safetensors"));
        write_raw(&p, &header(w, bias, steps), &[1; DATA_LEN]);
        assert!(rejects(&p, &[tensor]).contains(what), "{name}");
    }
    let p = d.path().join("out_of_bounds.safetensors");
    let far = r#"{"dtype":"I64","shape":[],"data_offsets":[60,68]}"#;
    write_raw(
        &p,
        &header(w, r#"{"dtype":"F32","shape":[3],"data_offsets":[48,60]}"#, far),
        &[1; 64],
    );
    assert!(rejects(&p, &["steps"]).contains("ends at byte 68, but the file holds 64"));
    let p = d.path().join("trailing.safetensors");
    write_raw(&p, &good_header(), &[1; DATA_LEN + 4]);
    assert!(rejects(&p, &[]).contains("bytes follow the last tensor"));
}

#[test]
fn unknown_dtype_and_element_count_mismatch() {
    let d = dir();
    let b = r#"{"dtype":"F32","shape":[3],"data_offsets":[48,60]}"#;
    let s = r#"{"dtype":"I64","shape":[],"data_offsets":[60,68]}"#;
    let p = d.path().join("dtype.safetensors");
    write_raw(
        &p,
        &header(r#"{"dtype":"F7","shape":[3,4],"data_offsets":[0,48]}"#, b, s),
        &[1; DATA_LEN],
    );
    assert!(rejects(&p, &["lin.weight", "\"F7\""]).contains("unknown dtype"));
    // A dtype the format names but modules cannot hold is a file that opens: only its use fails.
    let p = d.path().join("u32.safetensors");
    write_raw(
        &p,
        &header(r#"{"dtype":"U32","shape":[3,4],"data_offsets":[0,48]}"#, b, s),
        &[1; DATA_LEN],
    );
    let mut m = modules::new!(Net).unwrap();
    let before = bytes_of(&m);
    common::assert_error_names(
        m.load_safetensors(&p, LoadOptions::strict()),
        &["lin.weight: the checkpoint stores it as U32"],
    );
    assert_eq!(before, bytes_of(&m));
    let p = d.path().join("count.safetensors");
    write_raw(
        &p,
        &header(r#"{"dtype":"F32","shape":[3,5],"data_offsets":[0,48]}"#, b, s),
        &[1; DATA_LEN],
    );
    assert!(rejects(&p, &["lin.weight"]).contains("needs 60 bytes, but data_offsets [0, 48] hold 48"));
}

#[test]
fn duplicate_key() {
    let d = dir();
    let p = d.path().join("dup.safetensors");
    let text = format!(
        "{}{}",
        &good_header()[..good_header().len() - 1],
        r#","lin.bias":{"dtype":"F32","shape":[3],"data_offsets":[68,80]}}"#
    );
    write_raw(&p, &text, &[1; DATA_LEN + 12]);
    assert!(rejects(&p, &["lin.bias"]).contains("appears twice"));
}

#[test]
fn a_bool_byte_other_than_zero_or_one() {
    #[derive(Module)]
    #[module(new())]
    struct Mask {
        #[module(buffer = [4], init = init::zeros(), dtype = Bool)]
        mask: Buffer,
    }
    let d = dir();
    let p = d.path().join("bool.safetensors");
    write_raw(
        &p,
        r#"{"mask":{"dtype":"BOOL","shape":[4],"data_offsets":[0,4]}}"#,
        &[0, 1, 2, 1],
    );
    let mut m = modules::new!(Mask).unwrap();
    common::assert_error_names(
        m.load_safetensors(&p, LoadOptions::strict()),
        &["mask", "other than 0 or 1"],
    );
    assert_eq!(m.mask.tensor().to_vec::<bool>().unwrap(), [false; 4]);
}

fn sharded(d: &Path) -> PathBuf {
    let m = modules::new!(Net).unwrap();
    let files = m.save_safetensors_sharded(d, 40).unwrap();
    assert_eq!(files.len(), 4, "{files:?}");
    files.last().unwrap().clone()
}

#[test]
fn index_naming_a_missing_shard() {
    let d = dir();
    let index = sharded(d.path());
    std::fs::remove_file(d.path().join("model-00002-of-00003.safetensors")).unwrap();
    let msg = rejects(&index, &["model-00002-of-00003.safetensors"]);
    assert!(msg.contains("does not exist"), "{msg}");
}

#[test]
fn index_whose_weight_map_points_at_a_tensor_the_shard_lacks() {
    let d = dir();
    let index = sharded(d.path());
    let text = std::fs::read_to_string(&index).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Shards in module order: `steps` (own buffer) in the first, each weight in its own.
    assert_eq!(v["weight_map"]["steps"], "model-00001-of-00003.safetensors");
    v["weight_map"]["steps"] = "model-00002-of-00003.safetensors".into();
    std::fs::write(&index, v.to_string()).unwrap();
    let mut m = modules::new!(Net).unwrap();
    let before = bytes_of(&m);
    let msg = common::assert_error_names(
        m.load_safetensors(&index, LoadOptions::strict()),
        &["model-00002-of-00003.safetensors", "\"steps\""],
    );
    assert!(msg.contains("does not hold it"), "{msg}");
    assert_eq!(before, bytes_of(&m));
    let bad = d.path().join("bad.index.json");
    std::fs::write(&bad, "{\"weights\": {}}").unwrap();
    assert!(rejects(&bad, &[]).contains("weight_map"));
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let mut m = modules::new!(Net).unwrap();
    let e = m
        .load_safetensors("/nonexistent/model.safetensors", LoadOptions::strict())
        .unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
    assert!(
        e.to_string().starts_with("/nonexistent/model.safetensors: "),
        "{e}"
    );
}

#[test]
fn every_error_class_of_a_load_leaves_the_module_unchanged() {
    // Mismatches found by the planner, one per class, each with the module checked.
    let d = dir();
    let good = d.path().join("net.safetensors");
    modules::new!(Net).unwrap().save_safetensors(&good).unwrap();
    let cases: Vec<(&str, Box<dyn Module>, LoadOptions<'static>)> = vec![
        (
            "size mismatch",
            Box::new(modules::new!(Linear, 3, 3).unwrap()),
            LoadOptions::non_strict().strip_prefix("lin."),
        ),
        (
            "dtype mismatch",
            Box::new(modules::new!(Net, dtype = F16).unwrap()),
            LoadOptions::strict(),
        ),
        (
            "Missing key",
            Box::new(modules::new!(Linear, 4, 3).unwrap()),
            LoadOptions::strict().add_prefix("x."),
        ),
    ];
    for (what, mut m, opts) in cases {
        let before = bytes_of(&*m);
        let e = m.load_safetensors(&good, opts).unwrap_err().to_string();
        assert!(e.contains(what), "{what}: {e}");
        assert_eq!(before, bytes_of(&*m), "{what}");
    }
}
