//! Files nobody should trust: shard paths that leave the index's folder, oversized headers, and
//! files that change under a load. Each case is an `Error` that names what was wrong, and the
//! module is unchanged, or the error lists exactly the tensors that were written.

use std::os::unix::fs::FileExt;
use std::path::Path;

use common::{tensor_bytes, write_raw};
use modules::prelude::*;

mod common;

#[derive(Module)]
#[module(new())]
struct Net {
    #[module(new(4, 3))]
    lin: Linear,
    #[module(buffer = [4], init = init::zeros(), dtype = Bool)]
    mask: Buffer,
}

fn index_to(dir: &Path, shard: &str) -> std::path::PathBuf {
    let index = dir.join("model.safetensors.index.json");
    let map = ["lin.weight", "lin.bias", "mask"]
        .map(|k| format!("\"{k}\": {shard:?}"))
        .join(", ");
    std::fs::write(&index, format!("{{\"weight_map\": {{{map}}}}}")).unwrap();
    index
}

/// Loads `path` into a fresh `Net`, expecting an error; checks that nothing changed.
fn refused(path: &Path) -> String {
    let mut m = modules::new!(Net).unwrap();
    let before = tensor_bytes(&m);
    let e = m
        .load_safetensors(path, LoadOptions::strict())
        .unwrap_err()
        .to_string();
    assert_eq!(before, tensor_bytes(&m), "a refused load changed the module: {e}");
    let dry = m
        .check_safetensors(path, LoadOptions::strict())
        .unwrap_err()
        .to_string();
    assert_eq!(e, dry, "the dry run refuses it the same way");
    e
}

#[test]
fn an_index_entry_that_climbs_out_of_the_folder_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let inner = root.path().join("model");
    std::fs::create_dir(&inner).unwrap();
    // A valid checkpoint outside the folder: it would load if the path were followed.
    modules::new!(Net)
        .unwrap()
        .save_safetensors(root.path().join("outside.safetensors"))
        .unwrap();
    let index = index_to(&inner, "../outside.safetensors");
    let e = refused(&index);
    assert!(e.contains("model.safetensors.index.json"), "names the index: {e}");
    assert!(e.contains("tensor \"lin.bias\""), "names the first entry: {e}");
    assert!(
        e.contains("\"../outside.safetensors\"") && e.contains("`..`"),
        "{e}"
    );
}

#[test]
fn an_absolute_shard_path_is_refused_unopened() {
    let d = tempfile::tempdir().unwrap();
    let e = refused(&index_to(d.path(), "/etc/passwd"));
    assert!(e.contains("\"/etc/passwd\", an absolute or empty path"), "{e}");
}

#[test]
fn a_symlink_leaving_the_folder_is_refused_one_inside_is_followed() {
    let root = tempfile::tempdir().unwrap();
    let inner = root.path().join("model");
    std::fs::create_dir(&inner).unwrap();
    let net = modules::new!(Net).unwrap();
    net.save_safetensors(root.path().join("outside.safetensors"))
        .unwrap();
    std::os::unix::fs::symlink(
        root.path().join("outside.safetensors"),
        inner.join("link.safetensors"),
    )
    .unwrap();
    let e = refused(&index_to(&inner, "link.safetensors"));
    assert!(
        e.contains("a symlink to") && e.contains("outside.safetensors"),
        "{e}"
    );

    net.save_safetensors(inner.join("real.safetensors")).unwrap();
    std::fs::remove_file(inner.join("link.safetensors")).unwrap();
    std::os::unix::fs::symlink("real.safetensors", inner.join("link.safetensors")).unwrap();
    let mut m = modules::new!(Net).unwrap();
    m.load_safetensors(index_to(&inner, "link.safetensors"), LoadOptions::strict())
        .unwrap();
    assert_eq!(tensor_bytes(&m), tensor_bytes(&net));
}

#[test]
fn a_header_over_100_mb_is_refused_before_it_is_read() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("huge.safetensors");
    // The length says 100 MB + 1; the file is 16 bytes: nothing of that size is read or allocated.
    let mut bytes = (100_000_001u64).to_le_bytes().to_vec();
    bytes.extend(b"{}      ");
    std::fs::write(&p, bytes).unwrap();
    let e = refused(&p);
    assert!(e.contains("header length 100000001 exceeds the 100 MB"), "{e}");
}

/// A file rewritten between the plan (which checked it) and the copy: the bool byte becomes 2.
#[test]
fn a_bool_byte_changed_during_the_load_never_reaches_the_module() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("net.safetensors");
    let header = r#"{"lin.weight":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]},"lin.bias":{"dtype":"F32","shape":[3],"data_offsets":[48,60]},"mask":{"dtype":"BOOL","shape":[4],"data_offsets":[60,64]}}"#;
    let mut data = vec![0u8; 60];
    data.extend([1, 0, 1, 1]);
    write_raw(&p, header, &data);
    let mask_at = std::fs::metadata(&p).unwrap().len() - 4;
    let mut m = modules::new!(Net).unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
    let opts = LoadOptions::strict().progress(|done, _| {
        if done == 0 {
            file.write_all_at(&[2], mask_at).unwrap();
        }
    });
    let e = common::assert_error_names(
        m.load_safetensors(&p, opts),
        &["tensor \"mask\": the file changed during the load: 1 bool byte(s)"],
    );
    assert!(e.contains("marked unwritten: "), "{e}");
    // Every byte of the mask is a valid bool; the invalid one was cleared.
    assert_eq!(
        m.mask.tensor().to_vec::<bool>().unwrap(),
        [false, false, true, true]
    );
    let listed = e.rsplit("marked unwritten: ").next().unwrap();
    let mut listed: Vec<&str> = listed.split(", ").collect();
    listed.sort();
    let mut unwritten = m.uninitialized();
    unwritten.sort();
    assert_eq!(
        listed, unwritten,
        "the error lists exactly the tensors left unwritten"
    );
    assert!(unwritten.contains(&"mask".to_string()));
}

/// A file truncated between the plan and the copy: the read fails, and the error lists the
/// tensors that were written; the others are as they were.
#[test]
fn a_file_truncated_during_the_load_lists_what_was_written() {
    #[derive(Module)]
    #[module(new())]
    struct Wide {
        #[module(new(1024, 1024))]
        a: Linear,
        #[module(new(1024, 1024))]
        b: Linear,
    }
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("wide.safetensors");
    modules::new!(Wide).unwrap().save_safetensors(&p).unwrap();
    let mut m = modules::new!(Wide).unwrap();
    let before = tensor_bytes(&m);
    let len = std::fs::metadata(&p).unwrap().len();
    let opts = LoadOptions::strict().progress(|done, _| {
        if done == 0 {
            // Keep the header and the first tensors; lose the rest.
            std::fs::OpenOptions::new()
                .write(true)
                .open(&p)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        }
    });
    let e = m.load_safetensors(&p, opts).unwrap_err();
    let msg = e.to_string();
    let Error::PartialLoad { written, .. } = &e else {
        panic!("expected PartialLoad, found {msg}")
    };
    assert!(msg.contains("wide.safetensors"), "names the file: {msg}");
    let mut unwritten = m.uninitialized();
    unwritten.sort();
    let mut written = written.clone();
    written.sort();
    assert_eq!(written, unwritten, "{msg}");
    for ((name, old), (_, new)) in before.iter().zip(tensor_bytes(&m)) {
        if !written.contains(name) {
            assert_eq!(*old, new, "{name} is not listed, so it must be unchanged");
        }
    }
}

/// A `shard_map` part whose length overflows: an error naming the tensor, never an overflow.
#[test]
fn a_rank_part_that_overruns_its_dimension_is_refused() {
    let d = tempfile::tempdir().unwrap();
    modules::new!(Net)
        .unwrap()
        .save_safetensors(d.path().join("a.safetensors"))
        .unwrap();
    let index = d.path().join("model.safetensors.index.json");
    std::fs::write(
        &index,
        r#"{"weight_map": {"lin.bias": "a.safetensors", "mask": "a.safetensors"},
            "shard_map": {"lin.weight": {"dim": 0, "global_shape": [3, 4], "parts": [
                {"file": "a.safetensors", "start": 0, "len": 3},
                {"file": "a.safetensors", "start": 3, "len": 18446744073709551615}]}}}"#,
    )
    .unwrap();
    let e = refused(&index);
    assert!(
        e.contains("tensor \"lin.weight\"") && e.contains("overruns dimension 0 (3)"),
        "{e}"
    );
}
