//! The pure-data versions of the few functions a state dict pickle calls (REDUCE on an
//! allowlisted global), and BINPERSID's storage references.

use super::global::Global;
use super::value::{Object, RawTensor, StorageRef, Value};
use super::Machine;
use crate::{Error, TorchDType};

impl Machine<'_> {
    /// REDUCE.
    pub(super) fn call_global(&mut self, callable: Value, args: Value) -> Result<Value, Error> {
        call(self, callable, args)
    }

    /// BINPERSID.
    pub(super) fn load_persistent(&mut self, pid: Value) -> Result<Value, Error> {
        persistent_load(self, pid)
    }
}

/// REDUCE's operands: an allowlisted global and its argument tuple.
fn reduce_operands(m: &Machine<'_>, callable: Value, args: Value) -> Result<(Global, Vec<Value>), Error> {
    let global = match m.arena.object(callable) {
        Some(Object::Global(g)) => *g,
        _ => {
            return Err(m.bad(format!(
                "REDUCE calls {}, which is not callable",
                m.arena.describe(callable)
            )))
        }
    };
    match m.arena.as_tuple(args) {
        Some(t) => Ok((global, t.to_vec())),
        None => Err(m.bad(format!(
            "REDUCE arguments are {}, not a tuple",
            m.arena.describe(args)
        ))),
    }
}

/// REDUCE: `callable(*args)`, for the allowlisted callables only.
fn call(m: &mut Machine<'_>, callable: Value, args: Value) -> Result<Value, Error> {
    let (global, args) = reduce_operands(m, callable, args)?;
    let path = global.path();
    let never_called = || m.bad(format!("`{path}` is never called by a state dict pickle"));
    let Some((lo, hi)) = global.arity() else {
        return Err(never_called());
    };
    if !(lo..=hi).contains(&args.len()) {
        return Err(m.bad(format!(
            "`{path}` takes {lo} to {hi} arguments, got {}",
            args.len()
        )));
    }
    match global {
        // OrderedDict's reduce passes no arguments and adds the items with SETITEMS.
        Global::OrderedDict => m.alloc(Object::Dict(Vec::new())),
        Global::TorchSize => match m.arena.as_tuple(args[0]) {
            Some(_) => Ok(args[0]),
            None => Err(m.bad("`torch.Size` takes a tuple")),
        },
        Global::RebuildTensor | Global::RebuildTensorV2 => rebuild_tensor(m, &args, None),
        Global::RebuildTensorV3 => {
            let dtype = match m.arena.object(args[6]) {
                Some(Object::Global(Global::DType(d))) => *d,
                _ => {
                    return Err(m.bad(format!(
                        "expected a torch dtype, found {}",
                        m.arena.describe(args[6])
                    )))
                }
            };
            rebuild_tensor(m, &args, Some(dtype))
        }
        Global::RebuildParameter | Global::RebuildParameterWithState => match m.arena.as_tensor(args[0]) {
            Some(_) => Ok(args[0]),
            None => Err(m.bad(format!(
                "`{path}` expects a tensor, found {}",
                m.arena.describe(args[0])
            ))),
        },
        Global::TypedStorage(_) | Global::UntypedStorage | Global::DType(_) => Err(never_called()),
    }
}

/// `_rebuild_tensor{,_v2,_v3}(storage, storage_offset, size, stride, ...)`: requires_grad,
/// backward hooks and metadata do not affect where the bytes are, so they are ignored.
fn rebuild_tensor(m: &mut Machine<'_>, args: &[Value], dtype: Option<TorchDType>) -> Result<Value, Error> {
    let storage = match m.arena.object(args[0]) {
        Some(Object::Storage(i)) => *i,
        _ => return Err(m.bad(format!("expected a storage, found {}", m.arena.describe(args[0])))),
    };
    let offset = match args[1] {
        Value::Int(i) => i,
        v => {
            return Err(m.bad(format!(
                "expected an int storage offset, found {}",
                m.arena.describe(v)
            )))
        }
    };
    let size = int_tuple(m, args[2], "size")?;
    let stride = int_tuple(m, args[3], "stride")?;
    if size.len() != stride.len() {
        return Err(m.bad(format!(
            "size has {} dims but stride has {}",
            size.len(),
            stride.len()
        )));
    }
    let dtype = match (m.arena.storages[storage].dtype, dtype) {
        (Some(s), Some(t)) if s != t => {
            let key = m.arena.storages[storage].key.clone();
            return Err(Error::DTypeConflict {
                key,
                first: s,
                second: t,
            });
        }
        (_, Some(d)) | (Some(d), None) => d,
        (None, None) => return Err(m.bad("an UntypedStorage tensor needs `_rebuild_tensor_v3`'s dtype")),
    };
    m.alloc(Object::Tensor(RawTensor {
        storage,
        dtype,
        offset,
        size,
        stride,
    }))
}

fn int_tuple(m: &Machine<'_>, v: Value, what: &str) -> Result<Vec<i64>, Error> {
    let items = m.arena.as_tuple(v);
    let ints = items.and_then(|t| {
        t.iter()
            .map(|x| if let Value::Int(i) = x { Some(*i) } else { None })
            .collect()
    });
    ints.ok_or_else(|| {
        m.bad(format!(
            "expected the {what} as a tuple of ints, found {}",
            m.arena.describe(v)
        ))
    })
}

/// BINPERSID: `('storage', storage_type, key, location, numel)` becomes a storage reference.
/// The location (`cpu`, `cuda:0`) is ignored: the bytes are in the archive either way.
fn persistent_load(m: &mut Machine<'_>, pid: Value) -> Result<Value, Error> {
    let Some(t) = m.arena.as_tuple(pid).filter(|t| t.len() == 5) else {
        let found = m.arena.describe(pid);
        return Err(m.bad(format!(
            "expected a persistent id ('storage', type, key, location, numel), found {found}"
        )));
    };
    let (kind, ty, key, numel) = (t[0], t[1], t[2], t[4]);
    if m.arena.as_str(kind) != Some("storage") {
        return Err(m.bad(format!(
            "persistent id of kind {}, expected 'storage'",
            m.arena.describe(kind)
        )));
    }
    let dtype = match m.arena.object(ty) {
        Some(Object::Global(Global::TypedStorage(d))) => Some(*d),
        Some(Object::Global(Global::UntypedStorage)) => None,
        _ => return Err(m.bad(format!("expected a storage type, found {}", m.arena.describe(ty)))),
    };
    let Some(key) = m.arena.as_str(key).map(str::to_owned) else {
        return Err(m.bad(format!(
            "expected a string storage key, found {}",
            m.arena.describe(key)
        )));
    };
    let numel = match numel {
        Value::Int(n) => u64::try_from(n).ok(),
        _ => None,
    };
    let item = dtype.map_or(1, TorchDType::size) as u64;
    let Some(len_bytes) = numel.and_then(|n| n.checked_mul(item)) else {
        return Err(m.bad(format!(
            "storage `{key}` has a bad element count {}",
            m.arena.describe(t[4])
        )));
    };
    let index = match m.storage_keys.get(&key) {
        Some(&i) => {
            let known = &m.arena.storages[i];
            if known.dtype != dtype || known.len_bytes != len_bytes {
                return Err(m.bad(format!("storage `{key}` is described twice, differently")));
            }
            i
        }
        None => {
            m.arena.storages.push(StorageRef {
                key: key.clone(),
                dtype,
                len_bytes,
            });
            m.storage_keys.insert(key, m.arena.storages.len() - 1);
            m.arena.storages.len() - 1
        }
    };
    m.alloc(Object::Storage(index))
}
