//! From the unpickled object to a [`TorchFile`]: choosing the dict of tensors, resolving each
//! storage to its bytes in the archive and checking every view against them.

use std::collections::HashMap;

use crate::archive::Archive;
use crate::pickle::{Arena, RawTensor, Value};
use crate::{tensor, Error, TorchFile, TorchStorage, TorchTensor};

/// Keys under which training checkpoints commonly nest the state dict.
const WRAPPER_KEYS: [&str; 2] = ["state_dict", "model"];

pub(crate) fn extract(
    arena: &Arena,
    top: Value,
    archive: &Archive,
    file_len: usize,
) -> Result<TorchFile, Error> {
    let Some(entries) = arena.as_dict(top) else {
        return Err(Error::NotAStateDict {
            found: arena.describe(top),
        });
    };
    let mut tensors = tensors_of(arena, entries);
    if tensors.is_empty() && !entries.is_empty() {
        let mut wrapped = WRAPPER_KEYS.iter().filter_map(|&key| {
            let (_, v) = entries
                .iter()
                .rev()
                .find(|(k, _)| arena.as_str(*k) == Some(key))?;
            Some(tensors_of(arena, arena.as_dict(*v)?)).filter(|t| !t.is_empty())
        });
        tensors = match (wrapped.next(), wrapped.next()) {
            (Some(inner), None) => inner,
            (Some(_), Some(_)) => return Err(Error::AmbiguousWrapper),
            (None, _) => {
                return Err(Error::NoTensors {
                    keys: key_list(arena, entries),
                })
            }
        };
    }

    let mut out = TorchFile::default();
    // Arena storage index -> index in `out.storages`.
    let mut index = HashMap::new();
    for (name, raw) in tensors {
        let storage = match index.get(&raw.storage) {
            Some(&i) => i,
            None => {
                out.storages.push(resolve_storage(arena, raw, archive, file_len)?);
                index.insert(raw.storage, out.storages.len() - 1);
                out.storages.len() - 1
            }
        };
        let resolved = &out.storages[storage];
        // Only an UntypedStorage can be viewed with two dtypes; torch.save refuses to write that.
        if resolved.dtype != raw.dtype {
            let key = resolved.key.clone();
            return Err(Error::DTypeConflict {
                key,
                first: resolved.dtype,
                second: raw.dtype,
            });
        }
        let (shape, strides, storage_offset) = tensor::check(&name, raw, resolved.len_bytes)?;
        out.tensors.push(TorchTensor {
            name,
            dtype: raw.dtype,
            shape,
            strides,
            storage_offset,
            storage,
        });
    }
    Ok(out)
}

/// The string-keyed tensors of a dict, in insertion order; a repeated key keeps its first
/// position and its last value, as a Python dict does.
fn tensors_of<'a>(arena: &'a Arena, entries: &[(Value, Value)]) -> Vec<(String, &'a RawTensor)> {
    let mut out: Vec<(String, &RawTensor)> = Vec::new();
    let mut position: HashMap<&str, usize> = HashMap::new();
    let mut skipped = Vec::new();
    for (k, v) in entries {
        let Some(key) = arena.as_str(*k) else { continue };
        match (arena.as_tensor(*v), position.get(key)) {
            (Some(t), Some(&i)) => out[i].1 = t,
            (Some(t), None) => {
                position.insert(key, out.len());
                out.push((key.to_owned(), t));
            }
            // A later non-tensor value replaces an earlier tensor under the same key.
            (None, Some(&i)) => skipped.push(i),
            (None, None) => {}
        }
    }
    if skipped.is_empty() {
        return out;
    }
    // Rare: only a hand-built pickle overwrites a tensor with a non-tensor, so rebuild then.
    let mut last: HashMap<&str, bool> = HashMap::new();
    for (k, v) in entries {
        if let Some(key) = arena.as_str(*k) {
            last.insert(key, arena.as_tensor(*v).is_some());
        }
    }
    out.retain(|(name, _)| last.get(name.as_str()) == Some(&true));
    out
}

fn key_list(arena: &Arena, entries: &[(Value, Value)]) -> String {
    let mut keys: Vec<String> = entries.iter().take(10).map(|(k, _)| arena.describe(*k)).collect();
    if entries.len() > 10 {
        keys.push(format!("and {} more", entries.len() - 10));
    }
    keys.join(", ")
}

fn resolve_storage(
    arena: &Arena,
    raw: &RawTensor,
    archive: &Archive,
    file_len: usize,
) -> Result<TorchStorage, Error> {
    let pickled = &arena.storages[raw.storage];
    let entry = format!("data/{}", pickled.key);
    let key = pickled.key.clone();
    let (file_offset, found) = match archive.locate(&entry, file_len)? {
        Some(located) => located,
        // A zero-byte storage needs no bytes, so a missing entry loses nothing.
        None if pickled.len_bytes == 0 => (0, 0),
        None => {
            return Err(Error::MissingStorage {
                key,
                entry: archive.full_name(&entry),
            })
        }
    };
    if found != pickled.len_bytes {
        return Err(Error::StorageSize {
            key,
            expected: pickled.len_bytes,
            found,
        });
    }
    let dtype = pickled.dtype.unwrap_or(raw.dtype);
    Ok(TorchStorage {
        key,
        dtype,
        file_offset,
        len_bytes: found,
    })
}
