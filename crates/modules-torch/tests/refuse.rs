//! Files that must be refused, each with its exact error.

mod common;

use common::fixture;
use modules_torch::{read, Error};

fn err(name: &str) -> Error {
    match read(&fixture(name)) {
        Ok(file) => panic!("{name} was accepted: {file:?}"),
        Err(e) => e,
    }
}

#[test]
fn legacy_format_says_how_to_resave() {
    let e = err("legacy.pt");
    assert!(matches!(e, Error::Legacy), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("legacy") && msg.contains("re-save it with torch.save's default format"),
        "{msg}"
    );
}

#[test]
fn malicious_pickles_are_refused_and_nothing_runs() {
    let expected = common::expected();
    let marker = std::path::Path::new(expected["marker"].as_str().unwrap());
    let _ = std::fs::remove_file(marker);
    let cases = [
        ("evil_os_system.pt", "os", "system"),
        ("evil_posix_system.pt", "posix", "system"),
        ("evil_eval.pt", "builtins", "eval"),
        ("evil_nested.pt", "subprocess", "call"),
    ];
    for (file, module, name) in cases {
        match err(file) {
            Error::ForbiddenGlobal { module: m, name: n } => {
                assert_eq!((m.as_str(), n.as_str()), (module, name))
            }
            e => panic!("{file}: {e:?}"),
        }
    }
    assert_eq!(
        err("evil_os_system.pt").to_string(),
        "the pickle calls `os.system`, which a state dict never needs: refused (nothing was run)"
    );
    assert!(!marker.exists(), "a malicious pickle ran");
}

#[test]
fn big_endian_is_refused() {
    assert!(matches!(err("bigendian.pt"), Error::BigEndian));
}

#[test]
fn compressed_entries_are_refused() {
    match err("compressed.pt") {
        Error::Compressed { entry, method } => {
            assert_eq!(entry, "linear/byteorder");
            assert_eq!(method, "Deflated (method 8)");
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn missing_storage_names_the_key_and_entry() {
    match err("missing_storage.pt") {
        Error::MissingStorage { key, entry } => {
            assert_eq!((key.as_str(), entry.as_str()), ("9", "linear/data/9"))
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn a_view_past_its_storage_is_refused() {
    // `s` was rewritten from 2x4 to 3x4 at offset 4 in a 12-float storage: it would need 16.
    match err("short_storage.pt") {
        Error::StorageTooShort {
            name,
            needed,
            available,
        } => {
            assert_eq!((name.as_str(), needed, available), ("s", 64, 48));
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn protocol_0_text_persistent_ids() {
    match err("proto0.pt") {
        Error::BadPickle {
            opcode: b'P', why, ..
        } => assert!(why.contains("protocol 0"), "{why}"),
        e => panic!("{e:?}"),
    }
}

#[test]
fn truncated_pickle() {
    assert!(
        matches!(err("truncated_pickle.pt"), Error::Truncated { .. }),
        "{:?}",
        err("truncated_pickle.pt")
    );
}

#[test]
fn wrappers_and_non_state_dicts() {
    assert!(matches!(err("ambiguous.pt"), Error::AmbiguousWrapper));
    match err("no_tensors.pt") {
        Error::NoTensors { keys } => assert_eq!(keys, r#"string "epoch", string "lr""#),
        e => panic!("{e:?}"),
    }
    assert!(matches!(err("torchscript.pt"), Error::TorchScript));
}

#[test]
fn not_a_checkpoint() {
    match read(b"") {
        Err(Error::NotACheckpoint { found }) => assert_eq!(found, "(the file is empty)"),
        other => panic!("{other:?}"),
    }
    match read(b"hello world") {
        Err(Error::NotACheckpoint { found }) => assert_eq!(found, "68 65 6c 6c 6f 20 77 6f"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn truncated_files_are_errors() {
    let bytes = fixture("linear.pt");
    for len in 0..bytes.len() {
        assert!(read(&bytes[..len]).is_err(), "a {len}-byte prefix was accepted");
    }
}
