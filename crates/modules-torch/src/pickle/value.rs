//! The values the restricted pickle machine builds.
//!
//! Objects live in one arena and refer to each other by index, so shared and even cyclic
//! references (which a hostile pickle can build with memo GETs) cost nothing, and dropping the
//! arena never recurses, however deeply a pickle nests its containers.

use super::global::Global;
use crate::TorchDType;

/// A pickle value: scalars inline, everything else an index into [`Arena::objects`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// An integer that does not fit in `i64`; no state dict field needs one.
    BigInt,
    Float(f64),
    Obj(ObjId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ObjId(pub(crate) usize);

#[derive(Debug)]
pub(crate) enum Object {
    Str(String),
    /// Byte strings are never part of a tensor's description, so only their presence is kept.
    Bytes,
    Tuple(Vec<Value>),
    List(Vec<Value>),
    /// Insertion-ordered, duplicates kept: the state dict reader resolves them (last one wins).
    Dict(Vec<(Value, Value)>),
    Global(Global),
    /// Index into [`Arena::storages`].
    Storage(usize),
    Tensor(RawTensor),
}

/// A tensor as the pickle describes it; checked against its storage only when it is returned,
/// so that the error can name it.
#[derive(Debug, Clone)]
pub(crate) struct RawTensor {
    pub storage: usize,
    pub dtype: TorchDType,
    pub offset: i64,
    pub size: Vec<i64>,
    pub stride: Vec<i64>,
}

/// A storage named by a persistent id, `('storage', type, key, location, numel)`.
#[derive(Debug, Clone)]
pub(crate) struct StorageRef {
    pub key: String,
    /// `None` for `torch.storage.UntypedStorage`, whose dtype comes from the tensor.
    pub dtype: Option<TorchDType>,
    pub len_bytes: u64,
}

/// Hard caps: a real state dict stays far below them, and they bound memory on hostile input
/// even when the pickle itself is huge.
pub(crate) const MAX_OBJECTS: usize = 8 << 20;
pub(crate) const MAX_STACK: usize = 4 << 20;
pub(crate) const MAX_MEMO: usize = 4 << 20;

#[derive(Debug, Default)]
pub(crate) struct Arena {
    pub objects: Vec<Object>,
    pub storages: Vec<StorageRef>,
}

impl Arena {
    pub fn get(&self, id: ObjId) -> &Object {
        // Ids are only ever minted by `alloc`, so they are always in range.
        &self.objects[id.0]
    }

    pub fn get_mut(&mut self, id: ObjId) -> &mut Object {
        &mut self.objects[id.0]
    }

    /// `None` when the arena is full.
    pub fn alloc(&mut self, obj: Object) -> Option<Value> {
        if self.objects.len() >= MAX_OBJECTS {
            return None;
        }
        self.objects.push(obj);
        Some(Value::Obj(ObjId(self.objects.len() - 1)))
    }

    pub fn object(&self, v: Value) -> Option<&Object> {
        match v {
            Value::Obj(id) => Some(self.get(id)),
            _ => None,
        }
    }

    pub fn as_str(&self, v: Value) -> Option<&str> {
        match self.object(v) {
            Some(Object::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn as_tuple(&self, v: Value) -> Option<&[Value]> {
        match self.object(v) {
            Some(Object::Tuple(t)) => Some(t),
            _ => None,
        }
    }

    pub fn as_dict(&self, v: Value) -> Option<&[(Value, Value)]> {
        match self.object(v) {
            Some(Object::Dict(d)) => Some(d),
            _ => None,
        }
    }

    pub fn as_tensor(&self, v: Value) -> Option<&RawTensor> {
        match self.object(v) {
            Some(Object::Tensor(t)) => Some(t),
            _ => None,
        }
    }

    /// A short description of a value for error messages, without following references.
    pub fn describe(&self, v: Value) -> String {
        match v {
            Value::None => "None".into(),
            Value::Bool(b) => format!("bool {b}"),
            Value::Int(i) => format!("int {i}"),
            Value::BigInt => "an int beyond 64 bits".into(),
            Value::Float(f) => format!("float {f}"),
            Value::Obj(id) => match self.get(id) {
                Object::Str(s) => format!("string {:?}", truncate(s)),
                Object::Bytes => "bytes".into(),
                Object::Tuple(t) => format!("a tuple of {}", t.len()),
                Object::List(l) => format!("a list of {}", l.len()),
                Object::Dict(d) => format!("a dict of {}", d.len()),
                Object::Global(g) => format!("the global `{}`", g.path()),
                Object::Storage(_) => "a storage".into(),
                Object::Tensor(_) => "a tensor".into(),
            },
        }
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

/// A little-endian two's-complement integer (LONG1/LONG4), as `i64` when it fits.
pub(super) fn long_le(bytes: &[u8]) -> Value {
    let negative = bytes.last().is_some_and(|&b| b & 0x80 != 0);
    let fill = if negative { 0xff } else { 0 };
    // Bytes past the eighth only repeat the sign when the value fits in 64 bits.
    if bytes.len() > 8 && bytes[8..].iter().any(|&b| b != fill) {
        return Value::BigInt;
    }
    let mut buf = [fill; 8];
    let n = bytes.len().min(8);
    buf[..n].copy_from_slice(&bytes[..n]);
    let v = i64::from_le_bytes(buf);
    // Sign check after truncation: 9 bytes `00..00 80 ff` is negative yet fills with 0xff, fine;
    // but `ff..ff 7f 00`-style values whose 8th byte disagrees with the sign do not fit.
    if bytes.len() > 8 && (v < 0) != negative {
        return Value::BigInt;
    }
    Value::Int(v)
}

pub(super) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
