//! A [`StateDict`] as a checkpoint source: its tensors' bytes, read in place where that is
//! safe.

use std::collections::{HashMap, HashSet};
use std::sync::RwLockReadGuard;

use super::file::SourceTensor;
use super::options::LoadOptions;
use crate::module::NamedSlot;
use crate::tensor::Storage;
use crate::{DType, Device, Error, Result, StateDict, Tensor};

/// A state dict entry: its read lock, or a host copy of its bytes.
pub(crate) struct Holder<'s> {
    key: &'s str,
    slot: usize,
    dtype: DType,
    shape: Vec<usize>,
    data: Data<'s>,
}

enum Data<'s> {
    Locked(RwLockReadGuard<'s, Tensor>),
    Copied(Vec<u8>),
}

/// Locks or copies every entry. An entry of the module's own whose key maps to another slot
/// may be written during the load, so it is copied (no slot is read-locked while written);
/// a GPU tensor is copied to the host.
pub(crate) fn hold<'s>(
    sd: &'s StateDict,
    module: &[NamedSlot<'_>],
    opts: &LoadOptions<'_>,
) -> Result<Vec<Holder<'s>>> {
    let slot_of: HashMap<&str, usize> = module
        .iter()
        .map(|s| (s.name.as_str(), s.slot.slot_id()))
        .collect();
    let owned: HashSet<usize> = slot_of.values().copied().collect();
    sd.iter()
        .map(|(key, shared)| {
            let slot = shared.slot_id();
            let guard = shared.tensor();
            let (dtype, shape) = (guard.dtype(), guard.shape().to_vec());
            let targets_itself = opts.map_key(key).and_then(|k| slot_of.get(&*k).copied()) == Some(slot);
            let data = match guard.storage() {
                Storage::Meta => {
                    return Err(Error::BadCheckpoint {
                        file: "state_dict".into(),
                        tensor: Some(key.to_string()),
                        message: "is on meta, which holds no data to load".into(),
                    })
                }
                Storage::Cpu(b) if owned.contains(&slot) && !targets_itself => {
                    Data::Copied(b.as_bytes().to_vec())
                }
                Storage::Cpu(_) => Data::Locked(guard),
                #[allow(unreachable_patterns)]
                _ => Data::Copied(guard.to(Device::Cpu)?.as_bytes()?.to_vec()),
            };
            Ok(Holder {
                key,
                slot,
                dtype,
                shape,
                data,
            })
        })
        .collect()
}

pub(crate) fn sources<'h>(holders: &'h [Holder<'_>]) -> Vec<SourceTensor<'h>> {
    holders
        .iter()
        .map(|h| SourceTensor {
            unsupported: None,
            key: h.key.into(),
            dtype: h.dtype,
            shape: crate::tensor::Shape::new(&h.shape),
            data: match &h.data {
                Data::Copied(c) => c,
                Data::Locked(g) => g.storage().host().map(|b| b.as_bytes()).unwrap_or(&[]),
            },
            file: 0,
            offset: 0,
            slot: Some(h.slot),
            parts: Vec::new(),
        })
        .collect()
}
