//! Hand-built pickles aimed at the machine's limits; torch never writes these.

use super::value::long_le;
use super::{run, Object, Value};
use crate::Error;

fn bad_why(data: &[u8]) -> String {
    match run(data) {
        Err(Error::BadPickle { why, .. }) => why,
        other => panic!("expected BadPickle, got {other:?}"),
    }
}

#[test]
fn deep_nesting_neither_recurses_nor_overflows() {
    // 200k lists, each appended into the one before: dropping them must not recurse.
    let depth = 200_000;
    let mut p = b"\x80\x02".to_vec();
    p.extend(std::iter::repeat_n(b']', depth));
    p.extend(std::iter::repeat_n(b'a', depth - 1));
    p.push(b'.');
    let (top, arena) = run(&p).unwrap();
    assert!(matches!(arena.object(top), Some(Object::List(l)) if l.len() == 1));
}

#[test]
fn a_dict_holding_itself_is_harmless() {
    // d = {}; d[d] = d
    let (top, arena) = run(b"\x80\x02}q\x00h\x00h\x00s.").unwrap();
    assert_eq!(arena.as_dict(top).unwrap(), [(top, top)]);
}

#[test]
fn memo_gets_cannot_grow_the_stack_without_bound() {
    let mut p = b"\x80\x02Nq\x00".to_vec();
    for _ in 0..(4 << 20) + 1 {
        p.extend(b"h\x00");
    }
    assert!(matches!(
        run(&p),
        Err(Error::TooLarge {
            what: "stack entries",
            ..
        })
    ));
}

#[test]
fn lengths_past_the_input_are_truncation_not_allocation() {
    for p in [
        &b"\x80\x02X\xff\xff\xff\x7fab."[..],
        b"\x8d\xff\xff\xff\xff\xff\xff\xff\xff",
        b"\x8b\x00\x00\x00\x40",
    ] {
        assert!(matches!(run(p), Err(Error::Truncated { .. })), "{p:?}");
    }
    assert!(bad_why(b"X\xff\xff\xff\xff").contains("negative length"));
}

#[test]
fn long_integers() {
    assert_eq!(long_le(&[]), Value::Int(0));
    assert_eq!(long_le(&[0xff]), Value::Int(-1));
    assert_eq!(long_le(&[0x00, 0x80]), Value::Int(-32768));
    assert_eq!(long_le(&[0xff; 12]), Value::Int(-1));
    assert_eq!(long_le(&[0, 0, 0, 0, 0, 0, 0, 0x80, 0]), Value::BigInt);
    assert_eq!(long_le(&[0, 0, 0, 0, 0, 0, 0, 0, 1]), Value::BigInt);
    let (top, _) = run(b"\x80\x02\x8a\x02\x00\x01.").unwrap();
    assert_eq!(top, Value::Int(256));
    let (top, _) = run(b"I-12\nL99999999999999999999999L\n0.").unwrap();
    assert_eq!(top, Value::Int(-12));
}

#[test]
fn stack_and_marks_are_checked() {
    assert!(bad_why(b".").contains("underflow"));
    assert!(
        bad_why(b"(N0.").contains("underflow"),
        "POP must not reach below a MARK"
    );
    assert!(bad_why(b"NN.").contains("left on the stack"));
    assert!(bad_why(b"N(N.").contains("left on the stack"));
    assert!(bad_why(b"t.").contains("MARK"));
    // TUPLE2 reaching below a MARK would leave the mark past the stack's end.
    assert!(bad_why(b"NN(\x86t.").contains("underflow"));
    assert!(bad_why(b"h\x07.").contains("never PUT"));
    assert!(bad_why(b"NNa.").contains("APPEND on None"));
    assert!(bad_why(b"}(NNNu.").contains("odd number"));
}

#[test]
fn only_allowlisted_globals_and_calls() {
    match run(b"\x80\x04\x8c\x02os\x8c\x06system\x93.") {
        Err(Error::ForbiddenGlobal { module, name }) => {
            assert_eq!((module.as_str(), name.as_str()), ("os", "system"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        run(b"c__builtin__\neval\n."),
        Err(Error::ForbiddenGlobal { .. })
    ));
    assert!(matches!(
        run(b"ctorch\nload\n."),
        Err(Error::ForbiddenGlobal { .. })
    ));
    assert!(bad_why(b"NN\x93.").contains("two strings"));
    assert!(bad_why(b"N)R.").contains("not callable"));
    assert!(bad_why(b"ctorch\nFloatStorage\n)R.").contains("never called"));
    assert!(bad_why(b"ccollections\nOrderedDict\nN\x85R.").contains("0 to 0 arguments"));
    assert!(bad_why(b"N)b.").contains("BUILD on None"));
    // Opcodes that build arbitrary instances are refused outright.
    for op in [b'i', b'o', 0x81, 0x92, 0x82, 0x8f] {
        assert!(bad_why(&[op]).contains("never used"), "{op:#x}");
    }
}

/// `_rebuild_tensor_v3(storage, 0, (2,), (1,), False, OrderedDict(), dtype)` over a storage
/// of type `storage_type`.
fn v3(storage_type: &[u8], dtype: &[u8]) -> Vec<u8> {
    let mut p = b"\x80\x02ctorch._utils\n_rebuild_tensor_v3\n((X\x07\x00\x00\x00storagec".to_vec();
    p.extend(storage_type);
    p.extend(b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x08tQK\x00K\x02\x85K\x01\x85\x89ccollections\nOrderedDict\n)Rc");
    p.extend(dtype);
    p.extend(b"tR.");
    p
}

#[test]
fn rebuild_tensor_v3() {
    let (top, arena) = run(&v3(b"torch.storage\nUntypedStorage\n", b"torch\nuint32\n")).unwrap();
    let t = arena.as_tensor(top).unwrap();
    assert_eq!(
        (t.dtype, t.size.as_slice(), arena.storages[t.storage].len_bytes),
        (crate::TorchDType::U32, &[2][..], 8)
    );
    assert!(matches!(
        run(&v3(b"torch\nIntStorage\n", b"torch\nuint32\n")),
        Err(Error::DTypeConflict { .. })
    ));
    assert!(
        bad_why(&v3(b"torch.storage\nUntypedStorage\n", b"torch\nSize\n")).contains("expected a torch dtype")
    );
}
